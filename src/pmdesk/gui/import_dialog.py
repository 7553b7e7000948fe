"""The CSV import dialog: choose a target and a preset, map columns, preview, import.

The dialog receives a file already read (:class:`CsvTable`; the file chooser is
the window's business) and re-plans the import after every choice, so the
preview shows the rows exactly as they will be imported and the error list
shows every problem with its row and column. Import stays disabled while there
is any. The import itself is one :class:`ImportCommand` on the undo stack:
undo removes everything it created in one step, redo brings the same rows back.
It runs off the GUI thread (:func:`apply_import`, on ``gui/ops``) with progress
and Cancel; a cancelled import rolls back and leaves the file as it was.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.errors import PmdeskError
from pmdesk.core.wording import plural
from pmdesk.exchange.importing import ImportResult, Progress
from pmdesk.exchange.tabular import CsvTable
from pmdesk.exchange.tabular_dates import ORDER_LABELS
from pmdesk.exchange.tabular_import import DEFAULT_LANE, CsvPlan, apply_plan, plan_csv
from pmdesk.exchange.tabular_targets import PRESETS, TARGETS, suggest_mapping
from pmdesk.store.workspace import Workspace

from .commands import ServiceCommand
from .context import AppContext
from .ops import BackgroundOp, OpToken, busy_cursor, error_text

PREVIEW_ROWS = 20
ERROR_BACKGROUND = "#F8D7DA"
MAX_COMBO_WIDTH = 200  # long field names elide; the first value needs room too
MAX_LISTED_ERRORS = 200
SKIP = "— do not import —"
FIRST_TARGET = "requirements"  # what the dialog offers first
PLAN_AWAY_ROWS = 1000  # from this many rows, a choice is checked off the GUI thread


class ImportCommand(ServiceCommand):
    """A whole import as one undo step: undo takes out every row it wrote, redo brings the
    very same rows back (both from the journal of its one apply, as for any command)."""

    def __init__(self, ws: Workspace, run: Callable[[], ImportResult], text: str) -> None:
        super().__init__(text)
        self.ws = ws
        self._run = run
        self.result: ImportResult | None = None

    def apply(self) -> None:
        self.result = self._run()


def apply_import(
    parent: QWidget | None,
    ctx: AppContext,
    run: Callable[[Progress], ImportResult],
    text: str,
    *,
    on_done: Callable[[ImportCommand], object] | None = None,
    on_failed: Callable[[str], object] | None = None,
    on_cancelled: Callable[[], object] | None = None,
) -> BackgroundOp:
    """Run an import as one undo step off the GUI thread, with progress and Cancel.

    The worker applies the :class:`ImportCommand` (its first ``redo``, one
    transaction); back on the GUI thread the applied command goes on the undo
    stack. ``run(progress)`` does the import and reports through ``progress(done,
    total)``, which raises once Cancel is pressed: the transaction rolls back. A
    refusal is shown as it always was (``ctx.errorRaised``) unless ``on_failed``
    takes the message. One that may pass later (a team server away) goes to
    ``ctx.run`` as any edit would, which keeps it to try again once connected.
    """

    def work(token: OpToken) -> ImportCommand:
        token.progress(0.0, f"{text}…")
        command = ImportCommand(ctx.workspace, lambda: run(token.steps(text=f"{text}…")), text)
        command.redo()
        failure = command.failure
        if failure is not None and (token.cancelled or not failure.retryable):
            raise failure
        return command

    def done(command: ImportCommand) -> None:
        if command.failure is not None:
            ctx.run(command)  # retryable: the context decides (a team one keeps it pending)
        elif ctx.push_applied(command) and on_done is not None:
            on_done(command)

    def failed(error: BaseException) -> None:
        (on_failed or ctx.errorRaised.emit)(error_text(error, text))

    op = BackgroundOp(parent, work, title=text, context=ctx)
    op.succeeded.connect(done)
    op.failed.connect(failed)
    if on_cancelled is not None:
        op.cancelled.connect(on_cancelled)
    return op.start()


def display(value: Any) -> str:
    """A planned value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, StrEnum):
        return getattr(value, "label", value.value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class CsvImportDialog(QDialog):
    """Map a CSV file's columns onto requirements, roadmap items, stakeholders or metrics."""

    imported = Signal(object)  # the ImportResult, after the import is on the undo stack

    def __init__(
        self,
        context: AppContext,
        table: CsvTable,
        product_id: int,
        parent: QWidget | None = None,
        *,
        plan: CsvPlan | None = None,
        sheets: Sequence[str] = (),
        sheet: str | None = None,
        read_sheet: Callable[[str], CsvTable] | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.table = table
        # A workbook's sheets: with more than one, a chooser re-reads the table on change.
        self._sheets = list(sheets) if read_sheet is not None and len(sheets) > 1 else []
        self._read_sheet = read_sheet
        self.sheet = sheet  # the sheet read (None: not a workbook, or the reader's choice)
        self.product_id = product_id
        self.plan: CsvPlan | None = None
        # The first plan, made off the GUI thread with the suggested mapping (a big file).
        self._ready_plan = plan
        self.command: ImportCommand | None = None
        self.op: BackgroundOp | None = None  # the import, while it runs
        self.planner: BackgroundOp | None = None  # checking the rows anew, while it runs
        self._planners: list[BackgroundOp] = []  # that one and any outdated one still stopping
        self._mapping: list[str | None] = []
        self.setWindowTitle(f"Import {table.name}")
        self.resize(980, 720)
        self._build()
        self.set_target(FIRST_TARGET)

    # -- building --------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.file_label = QLabel()
        self._describe_file()
        layout.addWidget(self.file_label)
        form = QFormLayout()
        self.sheet_combo = _combo({name: name for name in self._sheets})
        self.sheet_combo.setAccessibleName("Sheet")
        if self._sheets:
            form.addRow("Sheet", self.sheet_combo)
            self._select(self.sheet_combo, self.sheet or "")
        self.target_combo = _combo({key: t.label for key, t in TARGETS.items()})
        self.preset_combo = _combo(PRESETS)
        self.date_order_combo = _combo({"": "Detect from the dates"} | ORDER_LABELS)
        self.lane_edit = QLineEdit(DEFAULT_LANE)
        self.lane_label = QLabel("Lane for rows without one")
        form.addRow("Import into", self.target_combo)
        form.addRow("Preset", self.preset_combo)
        form.addRow("Numeric dates are written", self.date_order_combo)
        form.addRow(self.lane_label, self.lane_edit)
        layout.addLayout(form)
        self.dates_label = QLabel()
        self.dates_label.setWordWrap(True)
        layout.addWidget(self.dates_label)
        # What the reader could not read as the file shows it (a workbook's formulas).
        self.remarks_label = QLabel()
        self.remarks_label.setTextFormat(Qt.TextFormat.PlainText)
        self.remarks_label.setWordWrap(True)
        self.remarks_label.setVisible(False)
        layout.addWidget(self.remarks_label)
        row = QHBoxLayout()
        self.mapping_table = QTableWidget(len(self.table.headers), 3)
        self.mapping_table.setHorizontalHeaderLabels(["Column", "First value", "Imports as"])
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setColumnWidth(0, 140)
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setWordWrap(False)
        row.addWidget(_group("Columns", self.mapping_table), 1)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        row.addWidget(_group(f"Preview (first {PREVIEW_ROWS} rows as imported)", self.preview), 1)
        layout.addLayout(row, 3)
        self.errors = QListWidget()
        self.errors_box = _group("Problems", self.errors)
        layout.addWidget(self.errors_box, 1)
        self.note = QLabel()  # what became of an import that did not finish
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.import_now)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.target_combo.currentIndexChanged.connect(
            lambda: self.set_target(self.target_combo.currentData())
        )
        self.preset_combo.currentIndexChanged.connect(
            lambda: self.set_preset(self.preset_combo.currentData())
        )
        self.date_order_combo.currentIndexChanged.connect(self.refresh)
        self.lane_edit.textChanged.connect(self.refresh)
        self.sheet_combo.currentIndexChanged.connect(
            lambda: self.set_sheet(self.sheet_combo.currentData())
        )

    def _describe_file(self) -> None:
        table = self.table
        size = f"{plural(len(table.rows), 'row')}, {plural(len(table.headers), 'column')}"
        if self._read_sheet is None:  # a text file: how it was read
            size += f" · encoding {table.encoding} · {table.delimiter_name}-separated"
        self.file_label.setText(f"<b>{_escape(table.name)}</b> — {size}")

    def _fill_mapping_rows(self) -> None:
        """One combo per file column listing the target's fields (reused across targets)."""
        target = TARGETS[self.target]
        options = {"": SKIP} | {f.name: f.label for f in target.fields}
        for index, header in enumerate(self.table.headers):
            sample = next((v for v in self.table.column(index) if v.strip()), "")
            self.mapping_table.setItem(index, 0, _item(header or f"(column {index + 1})"))
            self.mapping_table.setItem(index, 1, _item(sample[:80]))
            combo = self.mapping_table.cellWidget(index, 2)
            if not isinstance(combo, QComboBox):
                combo = QComboBox()
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
                combo.currentIndexChanged.connect(
                    lambda _i, column=index, box=combo: self.set_mapping(column, box.currentData())
                )
                self.mapping_table.setCellWidget(index, 2, combo)
            blocked = combo.blockSignals(True)
            combo.clear()
            for data, label in options.items():
                combo.addItem(label, data)
            combo.setCurrentIndex(max(combo.findData(self._mapping[index] or ""), 0))
            combo.blockSignals(blocked)
        widths = [
            self.mapping_table.cellWidget(i, 2).sizeHint().width()
            for i in range(len(self.table.headers))
        ]
        self.mapping_table.setColumnWidth(2, min(max(widths, default=120) + 4, MAX_COMBO_WIDTH))

    # -- what a test (or a person) sets ------------------------------------------------

    @property
    def target(self) -> str:
        return self.target_combo.currentData()

    def set_target(self, key: str) -> None:
        self._select(self.target_combo, key)
        self._mapping = suggest_mapping(self.table.headers, key, self.preset_combo.currentData())
        self.lane_label.setVisible(key == "roadmap")
        self.lane_edit.setVisible(key == "roadmap")
        self._fill_mapping_rows()
        self.refresh()

    def set_sheet(self, name: str) -> None:
        """Read another sheet of the workbook and map its columns afresh."""
        if self._read_sheet is None or self.op is not None:
            return
        self._select(self.sheet_combo, name)
        try:
            with busy_cursor():
                table = self._read_sheet(name)
        except PmdeskError as exc:
            self._select(self.sheet_combo, self.sheet or "")  # still showing the one read
            self._not_imported(f"Sheet {name}: {exc}")
            return
        self.note.setVisible(False)
        if self.planner is not None:  # checking the other sheet's rows: no longer wanted
            self.planner.cancel()
            self.planner = None
        self.table, self.sheet, self._ready_plan = table, name, None
        self.setWindowTitle(f"Import {table.name}")
        self._describe_file()
        self.mapping_table.setRowCount(len(table.headers))
        self.set_target(self.target)

    def set_preset(self, key: str) -> None:
        self._select(self.preset_combo, key)
        self.set_target(self.target)

    def set_mapping(self, column: int, field: str | None) -> None:
        self._mapping[column] = field or None
        combo = self.mapping_table.cellWidget(column, 2)
        if isinstance(combo, QComboBox) and (combo.currentData() or None) != self._mapping[column]:
            self._select(combo, field or "")
        self.refresh()

    def set_date_order(self, order: str | None) -> None:
        self._select(self.date_order_combo, order or "")
        self.refresh()

    def mapping(self) -> list[str | None]:
        return list(self._mapping)

    @staticmethod
    def _select(combo: QComboBox, data: str) -> None:
        """Show ``data`` in a combo without re-entering the handler the combo triggers."""
        index = combo.findData(data)
        if index >= 0 and index != combo.currentIndex():
            blocked = combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(blocked)

    # -- planning and showing ------------------------------------------------------------

    def refresh(self) -> None:
        order = self.date_order_combo.currentData() or None
        ready, self._ready_plan = self._ready_plan, None
        if (
            ready is not None
            and order is None
            and ready.target.key == self.target
            and ready.mapping == self._mapping
        ):
            self._show_plan(ready)
        elif len(self.table.rows) < PLAN_AWAY_ROWS:
            ws = self.context.workspace
            self._show_plan(plan_csv(ws, self.table, self.target, self._mapping, date_order=order))
        else:
            self._plan_away(order)

    def _show_plan(self, plan: CsvPlan) -> None:
        self.plan = plan
        self._show_dates()
        remarks = getattr(self.table, "remarks", None)  # a sheet's formulas saved without values
        text = "\n".join(remarks(plan.mapping)) if remarks is not None else ""
        self.remarks_label.setText(text[:1].upper() + text[1:])
        self.remarks_label.setVisible(bool(text))
        self._show_preview()
        self._show_errors()

    def _plan_away(self, order: str | None) -> None:
        """Check a big file's rows for the current choices off the GUI thread.

        The dialog stays responsive; a newer choice cancels the check under way
        (its result would be stale) and Import waits for the current one.
        """
        if self.planner is not None:
            self.planner.cancel()
        ws, table, target, mapping = self.context.workspace, self.table, self.target, self._mapping
        rows = plural(len(table.rows), "row")
        planner = BackgroundOp(
            self,
            lambda token: plan_csv(
                ws, table, target, list(mapping), date_order=order, progress=token.steps()
            ),
            title=f"Checking {rows}",
            show_progress=False,
            block_input=False,
        )
        planner.progressed.connect(
            lambda fraction, _text: self.errors_box.setTitle(
                f"Problems — checking {rows}… {round((fraction or 0) * 100)} %"
            )
        )
        planner.succeeded.connect(lambda plan: self._planned(planner, plan))
        planner.failed.connect(lambda error: self._planned(planner, None, error))
        self.planner = planner
        self._planners.append(planner)
        planner.ended.connect(lambda: self._planners.remove(planner))
        self.import_button.setEnabled(False)
        self.errors_box.setTitle(f"Problems — checking {rows}…")
        planner.start()

    def _planned(self, planner: BackgroundOp, plan: CsvPlan | None, error=None) -> None:
        if planner is not self.planner:
            return  # a newer choice is being checked
        self.planner = None
        if plan is not None:
            self._show_plan(plan)
        else:
            self._not_imported(error_text(error, "Checking the rows"))

    def _show_dates(self) -> None:
        plan = self.plan
        assert plan is not None
        chosen = self.date_order_combo.currentData() or None
        parts = [f"{plan.headers[i]}: {guess.describe(chosen)}" for i, guess in plan.dates.items()]
        self.dates_label.setText("Dates — " + " · ".join(parts) if parts else "No date columns.")
        ambiguous = bool(plan.ambiguous_columns)
        self.date_order_combo.setEnabled(ambiguous or chosen is not None)

    def _show_preview(self) -> None:
        plan = self.plan
        assert plan is not None
        fields = [f for f in plan.target.fields if plan.columns_of(f.name)]
        self.preview.clear()
        self.preview.setColumnCount(len(fields))
        self.preview.setHorizontalHeaderLabels([f.label for f in fields])
        rows = plan.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setVerticalHeaderLabels([str(row.number) for row in rows])
        problems = {(e.row, e.column): e.message for e in plan.errors if e.row is not None}
        for r, row in enumerate(rows):
            values = row.fields | row.extra
            for c, spec in enumerate(fields):
                item = _item(display(values.get(spec.name)))
                for column in plan.columns_of(spec.name):
                    message = problems.get((row.number, column + 1))
                    if message is not None:  # show what the file says, marked, not a default
                        raw = self.table.rows[r][column] if column < len(self.table.rows[r]) else ""
                        item = _item(raw)
                        item.setBackground(QColor(ERROR_BACKGROUND))
                        item.setToolTip(message)
                self.preview.setItem(r, c, item)

    def _show_errors(self) -> None:
        plan = self.plan
        assert plan is not None
        self.errors.clear()
        shown = plan.errors[:MAX_LISTED_ERRORS]
        self.errors.addItems([str(error) for error in shown])
        if len(plan.errors) > len(shown):
            self.errors.addItem(f"… and {len(plan.errors) - len(shown)} more")
        count = len(plan.errors)
        self.errors_box.setTitle(f"Problems ({count})" if count else "Problems (none)")
        self.import_button.setEnabled(count == 0 and bool(plan.rows) and not self.context.read_only)
        self.import_button.setText(
            f"Import {plural(len(plan.rows), 'row')}" if plan.rows else "Import"
        )

    # -- the accept path ----------------------------------------------------------------

    def import_now(self) -> bool:
        """Start the import (one undoable command) off the GUI thread; True once it runs.

        The dialog closes when it succeeds; a refusal is shown and the dialog stays,
        as does a cancelled import (which changed nothing).
        """
        busy = self.op is not None or self.planner is not None
        if self.plan is None or not self.import_button.isEnabled() or busy:
            return False
        plan, product, lane = self.plan, self.product_id, self.lane_edit.text()
        ws = self.context.workspace
        self.note.setVisible(False)
        self.import_button.setEnabled(False)
        self.op = apply_import(
            self,
            self.context,
            lambda progress: apply_plan(
                ws, plan, product_id=product, default_lane=lane, progress=progress
            ),
            f"Import {len(plan.rows)} {plan.target.label.lower()} from {self.table.name}",
            on_done=self._imported,
            on_cancelled=lambda: self._not_imported("Cancelled: nothing was imported."),
        )
        self.op.ended.connect(self._op_ended)
        return True

    def _imported(self, command: ImportCommand) -> None:
        self.command = command
        self.imported.emit(command.result)
        self.accept()

    def _not_imported(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(True)

    def done(self, result: int) -> None:
        """Closing the dialog mid-import cancels it (nothing is imported) and waits for it."""
        for op in [self.op, *self._planners]:
            if op is not None:
                op.cancel_and_wait()
        super().done(result)

    def _op_ended(self) -> None:
        self.op = None  # a child of the dialog: it goes with it
        self._show_errors()  # the Import button as the plan allows


def _combo(options: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    for data, label in options.items():
        combo.addItem(label, data)
    return combo


def _group(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box


def _item(text: str) -> QTableWidgetItem:
    """A read-only cell on one line (line breaks shown as ↵); the tooltip has the whole text."""
    item = QTableWidgetItem(text.replace("\r\n", "\n").replace("\n", " ↵ "))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(text)
    return item


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
