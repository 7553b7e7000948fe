"""``run_gui``: the application object, the main window, the first file, the event loop.

Startup speed is a feature: only what the first paint needs is imported here
(no pyqtgraph, reportlab, alembic or numpy) and only the first view is built.

With ``PMDESK_BENCH_FIRST_PAINT=1`` the app prints, right after the main
window's first paint, ``first-paint <seconds since this module was imported>``
and ``first-paint-wall <time.time()>`` (for comparing with the spawn time),
then quits with exit code 0. benchmarks/ uses it.
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # as early as this module can: before Qt is imported

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from pmdesk.paths import resource_path

BENCH_ENV = "PMDESK_BENCH_FIRST_PAINT"
EMOJI_FONT = "Symbola.ttf"  # resources/fonts: the PDFs embed it too


class FirstPaintReporter(QObject):
    """Watches one widget for its first paint, then reports the time and quits."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._seen = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            # Zero delay: the report follows the paint that is under way, not precedes it.
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        print(f"first-paint {time.perf_counter() - _STARTED:.4f}")
        print(f"first-paint-wall {time.time():.6f}", flush=True)
        QApplication.exit(0)


def _application() -> QApplication:
    from pmdesk import __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pmdesk")
    app.setOrganizationName("pmdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("pmdesk")
    # Emoji fall back to the monochrome font the PDFs embed, not to empty boxes (about 5 ms).
    QFontDatabase.addApplicationFont(str(resource_path("fonts", EMOJI_FONT)))
    return app


def _startup_file(path: Path | None, last_file: str) -> Path | None:
    """The file given, else the last file if it still exists, else none (the start page)."""
    if path is not None:
        return Path(path)
    if last_file and Path(last_file).is_file():
        return Path(last_file)
    return None


def report_errors_in(window) -> None:
    """A pmdesk error that escapes an event handler is a message in ``window``, not a traceback.

    Views read the file as they are shown; damage met only then (text that is not
    UTF-8, a page that breaks) comes out of a slot as DamagedWorkspaceError, which Qt
    would print to a terminal nobody watches. Anything else keeps Python's own report.
    """
    from pmdesk.core.errors import PmdeskError

    fallback = sys.excepthook

    def hook(kind, error, trace) -> None:
        if isinstance(error, PmdeskError):
            window.dialogs.error("pmdesk", str(error))
        else:
            fallback(kind, error, trace)

    sys.excepthook = hook


def run_gui(path: Path | str | None = None) -> int:
    """Run pmdesk's window on ``path`` (or the last file); returns the exit code.

    A ``postgresql://`` address opens a team workspace (the password is asked for).
    """
    app = _application()
    from . import theme
    from .main_window import MainWindow
    from .settings import Settings

    settings = Settings.load()
    theme.apply_theme(app, settings.theme)
    app.setWindowIcon(theme.app_icon())
    window = MainWindow(settings=settings)
    report_errors_in(window)
    if os.environ.get(BENCH_ENV) == "1":
        FirstPaintReporter(window)
    window.show()
    if isinstance(path, str) and path.lower().startswith(("postgresql://", "postgres://")):
        window.open_url(path)
    else:
        target = _startup_file(path, settings.last_file)
        if target is not None:
            window.open_path(target)
    code = app.exec()
    if window.isVisible():  # quit by QApplication.exit: still close the file cleanly
        window.close()
    return code
