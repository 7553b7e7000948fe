"""Long work off the GUI thread, with progress and Cancel: one helper for every import and export.

:class:`BackgroundOp` (``run_op`` for short) runs a callable ``work(token)`` on a
thread of its own. The work reports with ``token.progress(fraction, text)`` (or a
``token.steps()`` adapter for the ``progress(done, total)`` callables of the
exchange functions) and stops at its next report once Cancel was pressed: the
report raises :class:`OpCancelled`, so an import's transaction rolls back and the
file stays exactly as it was. The outcome comes back on the GUI thread —
``on_done(result)``, ``on_failed(error)`` or ``on_cancelled()`` — where an import
puts its already applied command on the undo stack (``AppContext.push_applied``).

While an op runs the window takes no input (clicks, keys and shortcuts are held
back; views still repaint and timers still run), so nothing edits the workspace
beside the worker. Its SQLite connection is its own: the writable workspace's
engine pools one connection per session and a session never crosses threads.
A progress dialog appears when the work takes longer than :data:`SHOW_AFTER_MS`
— a short export just happens. Closing the window cancels a running op and waits
for it; so does closing the workspace (``AppContext.close``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCursor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.errors import PmdeskError

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)

# Ops under way: kept alive here, so one started without a parent is not collected mid-way.
_RUNNING: set[BackgroundOp] = set()

SHOW_AFTER_MS = 300  # a shorter op shows no dialog at all: it would only flicker
# Opening a file says so already (the status bar's "Opening …", the busy cursor), and most
# opens end within a second (loading the store takes about half of one): a dialog shown
# at 300 ms flashed on and off on nearly every start. A longer open (an upgrade, a large
# or distant file) still shows it.
OPEN_SHOW_AFTER_MS = 1000
STEPS = 1000  # resolution of the bar (per mille)

# Input a person gives; held back from the window while an op works on it.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.Shortcut,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
        QEvent.Type.Drop,
        QEvent.Type.DragEnter,
        QEvent.Type.DragMove,
        QEvent.Type.TouchBegin,
    }
)


@contextlib.contextmanager
def busy_cursor(shape: Qt.CursorShape = Qt.CursorShape.WaitCursor) -> Iterator[None]:
    """The app's cursor says it is busy while the block runs on the window's thread (a
    sheet read, a wait for the store); on another thread it changes nothing."""
    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        yield
        return
    QApplication.setOverrideCursor(QCursor(shape))
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class OpCancelled(PmdeskError):
    """The person pressed Cancel; raised inside the work at its next progress report."""

    def __init__(self, what: str = "") -> None:
        super().__init__(f"{what or 'The operation'} was cancelled.")


class OpToken:
    """What the work holds: report progress, notice Cancel. Safe from any thread."""

    def __init__(self, notify: Callable[[], None] | None = None) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._notify = notify
        self._fraction: float | None = None  # None: no measure yet (a busy bar)
        self._text = ""

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def cancel(self) -> None:
        self._stop.set()

    def check(self) -> None:
        """Raise :class:`OpCancelled` if Cancel was pressed."""
        if self._stop.is_set():
            raise OpCancelled()

    def progress(self, fraction: float | None, text: str | None = None) -> None:
        """Report how far the work is (0.0 – 1.0) and, optionally, what it does now.

        Raises OpCancelled once Cancel was pressed, so the work stops right there.
        """
        self.check()
        with self._lock:
            before = (self._steps(self._fraction), self._text)
            if fraction is not None:
                self._fraction = min(max(float(fraction), 0.0), 1.0)
            if text is not None:
                self._text = text
            changed = (self._steps(self._fraction), self._text) != before
        if changed and self._notify is not None:
            self._notify()

    def steps(
        self, start: float = 0.0, end: float = 1.0, text: str | None = None
    ) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` callable mapped onto ``start``–``end`` of the bar.

        It raises :class:`OpCancelled` after Cancel, except for the report that the
        work is complete (``done >= total``): an importer may send that one after its
        commit, when there is nothing left to stop.
        """

        def report(done: int, total: int) -> None:
            share = min(done / total, 1.0) if total else 1.0
            if share < 1.0:
                self.progress(start + (end - start) * share, text)
                return
            with self._lock:
                self._fraction, self._text = end, text if text is not None else self._text
            if self._notify is not None:
                self._notify()

        return report

    @property
    def state(self) -> tuple[float | None, str]:
        with self._lock:
            return self._fraction, self._text

    @staticmethod
    def _steps(fraction: float | None) -> int:
        return -1 if fraction is None else round(fraction * STEPS)


class _Worker(QThread):
    def __init__(self, work: Callable[[OpToken], Any], token: OpToken, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._work, self._token = work, token
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._work(self._token)
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread, never lost
            self.error = exc
        finally:
            self._work = None  # type: ignore[assignment]  # let go of what it captured


class OpProgressDialog(QDialog):
    """What the person sees of a long op: what it does, how far it is, and Cancel."""

    def __init__(self, title: str, parent: QWidget | None, *, cancellable: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        self.label = QLabel(f"{title}…")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.label.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)  # read from the back of a room too
        self.label.setFont(font)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first measure
        self.bar.setFormat("%p %")
        self.bar.setMinimumHeight(26)
        self.bar.setAccessibleName("Progress")
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setEnabled(cancellable)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.cancelled_by_person: Callable[[], None] = lambda: None
        self._cancellable = cancellable

    def show_state(self, fraction: float | None, text: str) -> None:
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, STEPS)
            self.bar.setValue(round(fraction * STEPS))
        if text:
            self.label.setText(text)

    def reject(self) -> None:
        """Cancel, Esc or the title bar's close: ask the op to stop; it closes the dialog."""
        if self._cancellable:
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")
            self.cancelled_by_person()


class BackgroundOp(QObject):
    """One op: ``start()``, then one of ``succeeded``, ``failed``, ``cancelled``; then ``ended``.

    ``parent`` is the window (or dialog) the op belongs to: its input is held back
    while the op runs and its closing cancels the op. ``context``: an op that
    writes to the workspace registers there, so undo, redo and edits wait for it
    and closing the workspace stops it first. ``show_progress=False`` leaves the
    showing to the caller (a dialog with a bar of its own follows ``progressed``).
    ``block_input=False`` (the window stays usable meanwhile) needs it: the progress
    window is window-modal, so it would hold the input back after all.
    """

    progressed = Signal(object, str)  # fraction (None: not known yet), text
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    ended = Signal()
    _ping = Signal()  # from the worker: new progress to show

    def __init__(
        self,
        parent: QWidget | None,
        work: Callable[[OpToken], Any],
        *,
        title: str,
        cancellable: bool = True,
        show_progress: bool = True,
        block_input: bool = True,
        context: AppContext | None = None,
        show_after_ms: int = SHOW_AFTER_MS,
    ) -> None:
        if show_progress and not block_input and parent is not None:
            raise ValueError("an op that leaves its window usable shows its own progress")
        super().__init__(parent)
        self.title = title
        self.cancellable = cancellable
        self.context = context
        self.window = parent.window() if parent is not None else None
        self.token = OpToken(self._ping.emit)
        self.result: Any = None
        self.error: BaseException | None = None
        self.outcome: str | None = None  # "done", "failed" or "cancelled"
        self.dialog: OpProgressDialog | None = None
        self._work = work
        self._show_progress = show_progress
        self._block_input = block_input and self.window is not None
        self._thread: _Worker | None = None
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(show_after_ms)
        self._show_timer.timeout.connect(self._show_dialog)
        self._ping.connect(self._forward_progress, Qt.ConnectionType.QueuedConnection)

    # -- running --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self.outcome is None

    def start(self) -> BackgroundOp:
        if self._thread is not None:
            return self
        self._thread = _Worker(self._work, self.token, f"pmdesk-op: {self.title}")
        self._work = None  # type: ignore[assignment]
        self._thread.finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        _RUNNING.add(self)
        if self.context is not None:
            self.context.begin_op(self)
        if self._block_input:
            app = QApplication.instance()
            app.installEventFilter(self)
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        if self._show_progress:
            self._show_timer.start()
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report (any thread)."""
        if self.cancellable:
            self.token.cancel()

    def wait(self) -> None:
        """Block until the work has ended and its outcome is delivered (closing time)."""
        if self._thread is None or self.outcome is not None:
            return
        self._thread.wait()
        self._finish()

    def cancel_and_wait(self) -> None:
        self.cancel()
        self.wait()

    def outcome_in_order(self, meanwhile: Callable[[], object] | None = None) -> Any:
        """Start, keep the window painting until the work has ended, then return its result
        or raise its error: for a caller that needs the answer before it goes on (opening a
        file). Input stays held back meanwhile, as for any op. ``meanwhile`` runs on this
        thread once the work has started (what the caller will need next, imported while
        the worker waits on the disk)."""
        loop = QEventLoop()
        self.ended.connect(loop.quit)
        self.start()  # the outcome arrives queued, so never before the loop below runs
        try:
            if meanwhile is not None:
                meanwhile()
        finally:
            if self.outcome is None:
                loop.exec()
        if self.error is not None:
            raise self.error
        return self.result

    # -- on the GUI thread ------------------------------------------------------------------

    @Slot()
    def _forward_progress(self) -> None:
        if self.outcome is not None:
            return
        fraction, text = self.token.state
        if self.dialog is not None:  # once cancelled, it keeps saying so
            self.dialog.show_state(fraction, "" if self.token.cancelled else text)
        self.progressed.emit(fraction, text)

    @Slot()
    def _show_dialog(self) -> None:
        if self.outcome is not None:
            return
        self.dialog = OpProgressDialog(self.title, self.window, cancellable=self.cancellable)
        self.dialog.cancelled_by_person = self.cancel
        self.dialog.show_state(*self.token.state)
        self.dialog.show()

    @Slot()
    def _finish(self) -> None:
        if self.outcome is not None or self._thread is None:
            return
        thread = self._thread
        thread.wait()  # run() has returned; this only joins the thread
        self.result, self.error = thread.result, thread.error
        thread.result = thread.error = None
        if self.error is None:
            self.outcome = "done"
        elif self.token.cancelled or isinstance(self.error, OpCancelled):
            self.outcome = "cancelled"
        else:
            self.outcome = "failed"
            if not isinstance(self.error, PmdeskError):
                log.error("%s failed", self.title, exc_info=self.error)
        self._tidy()
        _RUNNING.discard(self)
        if self.outcome == "done":
            self.progressed.emit(1.0, self.token.state[1])
            self.succeeded.emit(self.result)
        elif self.outcome == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(self.error)
        self.ended.emit()
        thread.deleteLater()

    def _tidy(self) -> None:
        self._show_timer.stop()
        if self.dialog is not None:
            # Hand the keys back to the window it covered: not every window manager (nor
            # every Qt platform) activates a closed dialog's parent by itself.
            had_keys = self.dialog.isActiveWindow()
            self.dialog.hide()
            if had_keys and self.window is not None and self.window.isVisible():
                self.window.activateWindow()
            self.dialog.deleteLater()
            self.dialog = None
        if self._block_input:
            QApplication.instance().removeEventFilter(self)
            QApplication.restoreOverrideCursor()
        if self.context is not None:
            self.context.end_op(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hold back the window's input while the op runs; its closing cancels and waits."""
        kind = event.type()
        if kind == QEvent.Type.Close and watched is self.window and self.running:
            self.cancel_and_wait()
            return False
        if kind not in INPUT_EVENTS or not self.running:
            return False
        if self.dialog is not None and _inside(watched, self.dialog):
            return False
        if isinstance(watched, QWidget):
            return watched.window() is self.window
        return kind == QEvent.Type.Shortcut  # a QAction's or QShortcut's key


def _inside(obj: QObject, ancestor: QObject) -> bool:
    while obj is not None:
        if obj is ancestor:
            return True
        obj = obj.parent()
    return False


def error_text(error: BaseException | None, title: str) -> str:
    """The sentence for a failed op: the message of a refusal, else what went wrong."""
    if isinstance(error, PmdeskError):
        return str(error)
    return f"{title} failed: {error}"


def run_op(
    parent: QWidget | None,
    work: Callable[[OpToken], Any],
    *,
    title: str,
    on_done: Callable[[Any], object] | None = None,
    on_failed: Callable[[BaseException], object] | None = None,
    on_cancelled: Callable[[], object] | None = None,
    cancellable: bool = True,
    context: AppContext | None = None,
    show_progress: bool = True,
) -> BackgroundOp:
    """Start ``work(token)`` off the GUI thread; the callbacks run on the GUI thread."""
    op = BackgroundOp(
        parent,
        work,
        title=title,
        cancellable=cancellable,
        context=context,
        show_progress=show_progress,
    )
    if on_done is not None:
        op.succeeded.connect(on_done)
    if on_failed is not None:
        op.failed.connect(on_failed)
    if on_cancelled is not None:
        op.cancelled.connect(on_cancelled)
    return op.start()
