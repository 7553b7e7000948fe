"""The floor for startup.py: a bare PySide6 QMainWindow, reporting its first paint like pmdesk.

Prints ``first-paint-cpu <the process's CPU seconds>`` and ``first-paint <seconds since this
script started>`` right after the window's first paint and exits, exactly as
``pmdesk.gui.app.FirstPaintReporter`` does; nothing else is
imported or built, so no Qt application can start faster on this machine.

``--stay``: no report; the window stays until the process is ended (``vs_planner.py --floor``
times it from the screen, as it times pmdesk and Planner).
"""

import sys
import time

_STARTED = time.perf_counter()

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402


class Reporter(QObject):
    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.seen = False
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False

    def report(self) -> None:
        print(f"first-paint-cpu {time.process_time():.4f}")
        print(f"first-paint {time.perf_counter() - _STARTED:.4f}", flush=True)
        QApplication.exit(0)


app = QApplication([])
window = QMainWindow()
window.setWindowTitle("floor")
window.resize(1280, 800)
if "--stay" not in sys.argv:
    Reporter(window)
window.show()
raise SystemExit(app.exec())
