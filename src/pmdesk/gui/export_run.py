"""What every File > Export dialog shares: the file, then the export in a worker.

A dialog gathers its own choices and names the document (``TITLE``, ``NOUN``,
``SUFFIX``, ``FILTER``, ``VIEWER``); this base gives it the "Save as" row with
Browse…, "Open the … when it is ready", the progress bar, the status line and
Export / Cancel / Close. The export runs as a :class:`~pmdesk.gui.ops.BackgroundOp`
built from the subclass's ``_work`` (which opens a read-only Workspace of its
own in the worker's thread), showing its progress in the dialog's own bar. The
exporters write beside the target and rename, so cancelling leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.store.workspace import Workspace

from .context import AppContext
from .ops import STEPS, BackgroundOp, OpToken, error_text


def open_file(path: Path) -> bool:
    """Whether a program took the file (False where the system has none for it)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def write_in_worker(
    open_workspace: Callable[[], Workspace],
    token: OpToken | None,
    export: Callable[..., Path],
    *args: Any,
    **kwargs: Any,
) -> Path:
    """``export(ws, *args, **kwargs)`` with a workspace of its own (opened here, in the
    worker's thread), following the op's progress and cancel through ``token``."""
    token = token or OpToken()
    with open_workspace() as ws:
        return export(
            ws, *args, progress=token.steps(), cancelled=lambda: token.cancelled, **kwargs
        )


class ExportRunDialog(QDialog):
    """The file and the run of one export: a subclass builds its choices and writes (``_work``).

    The subclass calls :meth:`_build_output` and :meth:`_build_run` while it lays
    out its form, then :meth:`_finish_layout` with the widgets that go above the
    run's own rows.
    """

    TITLE = ""
    NOUN = ""  # "PDF", "deck", "workbook"
    SUFFIX = ""  # ".pdf"
    FILTER = ""  # "PDF documents (*.pdf)"
    VIEWER = "program"  # what could not open the file, when none could

    exported = Signal(object)  # the Path written
    cancelled = Signal()
    failed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        choose_output: Callable[[QWidget, Path], Path | None] | None = None,
        open_file: Callable[[Path], bool | None] = open_file,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.TITLE)
        self.setMinimumWidth(560)  # room for the file's path, which is read in full
        self.ctx = ctx
        self._choose_output = choose_output or self._ask_output
        self._open_file = open_file
        self.op: BackgroundOp | None = None  # the export, while it runs

    # -- building ----------------------------------------------------------------------

    def _build_output(self) -> QHBoxLayout:
        """The "Save as" row (the path and Browse…) and the open-when-ready box."""
        self.output_edit = QLineEdit()
        self.output_edit.setAccessibleName("Save as")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._browse)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(self.browse_button)
        self.open_after = QCheckBox(f"Open the {self.NOUN} when it is ready")
        self.open_after.setChecked(True)
        return output_row

    def _build_run(self) -> None:
        """The progress bar, the status line and Export / Cancel / Close."""
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)

    def _finish_layout(self, *above: QWidget | QLayout) -> None:
        """The dialog's layout: ``above`` (layouts or widgets), then the run's own rows."""
        layout = QVBoxLayout(self)
        for part in above:
            if isinstance(part, QLayout):
                layout.addLayout(part)
            else:
                layout.addWidget(part)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout.addWidget(self.open_after)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def _inputs(self) -> list[QWidget]:
        """What the person may change while no export runs."""
        return [self.output_edit, self.browse_button]

    # -- the file -------------------------------------------------------------------------

    def _suggest(self, name: str) -> None:
        """``name`` in the folder already chosen, else beside the workspace (home for a team's)."""
        current = self.output_edit.text().strip()
        if current:
            folder = Path(current).expanduser().parent
        else:
            workspace = self.ctx.workspace
            folder = Path.home() if workspace.is_team else Path(workspace.path).parent
        self.output_edit.setText(str(folder / name))

    def _with_suffix(self, path: Path) -> Path:
        return (
            path if path.suffix.lower() == self.SUFFIX else path.with_name(path.name + self.SUFFIX)
        )

    def _ask_output(self, parent: QWidget, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, self.TITLE, str(suggested), self.FILTER)
        return Path(name) if name else None

    def _browse(self) -> None:
        chosen = self._choose_output(self, Path(self.output_edit.text()))
        if chosen is not None:
            self.output_edit.setText(str(self._with_suffix(chosen)))

    def _refusal(self) -> str:
        """Why the export cannot start as chosen ("" when it can)."""
        return ""

    def _work(self, output: Path) -> Callable[[OpToken], Path]:
        """What the worker runs to write ``output`` (choices read now, on the GUI thread)."""
        raise NotImplementedError

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Export in a worker thread; the dialog stays responsive and can cancel."""
        if self.op is not None:
            return
        output = Path(self.output_edit.text().strip()).expanduser()
        refusal = self._refusal()
        if not self.output_edit.text().strip() or not output.name:
            refusal = f"Choose where to save the {self.NOUN}."
        if refusal:
            self.status.setText(refusal)
            return
        # The dialog shows the progress and has the Cancel button itself.
        self.op = BackgroundOp(
            self,
            self._work(self._with_suffix(output)),
            title=self.TITLE,
            show_progress=False,
            block_input=False,
        )
        self.op.progressed.connect(self._progressed)
        self.op.succeeded.connect(self._done)
        self.op.failed.connect(lambda error: self._failed(error_text(error, "The export")))
        self.op.cancelled.connect(self._cancelled)
        self._set_running(True)
        self.status.setText("Exporting…")
        self.op.start()

    def cancel(self) -> None:
        if self.op is not None:
            self.op.cancel()
            self.status.setText("Cancelling…")

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running or self.progress.isVisible())
        if running:
            self.progress.setRange(0, 0)
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in self._inputs():
            widget.setEnabled(not running)

    @Slot(object, str)
    def _progressed(self, fraction: float | None, _text: str) -> None:
        if fraction is not None:
            self.progress.setRange(0, STEPS)
            self.progress.setValue(round(fraction * STEPS))

    def _finish_thread(self, value: int) -> None:
        self.op = None
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(value)

    @Slot(object)
    def _done(self, path: Path) -> None:
        self._finish_thread(1)
        self.status.setText(f"Saved {path}")
        if self.open_after.isChecked() and self._open_file(path) is False:
            # Said, not swallowed: the person would otherwise wait for a window that never comes.
            self.status.setText(
                f"Saved {path}\nNo {self.VIEWER} could open it: the file is in {path.parent}"
            )
        self.exported.emit(path)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._finish_thread(0)
        self.status.setText(message)
        self.failed.emit(message)

    @Slot()
    def _cancelled(self) -> None:
        self._finish_thread(0)
        self.status.setText("Cancelled: no file was written.")
        self.cancelled.emit()

    def done(self, result: int) -> None:
        """Closing the dialog mid-export cancels it and waits for the worker to stop."""
        if self.op is not None:
            self.op.cancel_and_wait()  # delivers the outcome: the op is gone after this
        super().done(result)
