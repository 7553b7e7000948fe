"""A titled, filterable, editable table of one kind of entity, with Add and Delete.

Add creates a row with sensible defaults at once (nothing modal) and starts
editing it; Delete removes every selected row in one undo step. Both go through
commands on the AppContext, like every other edit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.errors import PmdeskError
from pmdesk.gui.commands import DeleteCommand, ServiceCommand

from .columns import Column, Kind
from .delegates import EntityDelegate
from .entity_model import EntityTableModel
from .heading import Heading, fit_headings
from .hint import next_step_hint

# Width hints, in average characters, when a column gives none.
_DEFAULT_WIDTH = {
    Kind.TEXT: 18,
    Kind.LONG_TEXT: 40,
    Kind.INT: 8,
    Kind.FLOAT: 9,
    Kind.PERCENT: 9,
    Kind.DATE: 11,
    Kind.ENUM: 13,
    Kind.BOOL: 9,
    Kind.CHOICE: 16,
    Kind.COLOUR: 11,
}
FILTER_DELAY_MS = 200
SAMPLE_ROWS = 200  # rows whose texts size a column: a scope's first, read with it
WHOLE_CHARS = 40  # a column's texts are shown whole, given the room, up to this long

Creator = Callable[[], ServiceCommand]


class EntityView(QTableView):
    """A QTableView where a double-click on the "activate" column opens instead of edits."""

    activated_id = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activate_column: int | None = None

    def edit(self, index: QModelIndex | QPersistentModelIndex, trigger=None, event=None) -> bool:  # type: ignore[override]
        if trigger is None:
            return super().edit(index)
        if (
            trigger == QAbstractItemView.EditTrigger.DoubleClicked
            and index.column() == self.activate_column
        ):
            self.activated_id.emit(self.model().id_at(index.row()))
            return False
        return super().edit(index, trigger, event)


class EntityTable(QWidget):
    selectionChanged = Signal()
    # A double-click on the activate_field column: "open this one" (e.g. a product).
    rowActivated = Signal(int)
    # A short note for the status bar after Add or Delete.
    statusMessage = Signal(str)

    def __init__(
        self,
        model: EntityTableModel,
        *,
        title: str = "",
        noun: tuple[str, str] = ("row", "rows"),
        create: Creator | None = None,
        edit_field: str | None = None,
        activate_field: str | None = None,
        sort_field: str | None = None,
        empty_hint: str = "",
        fit_field: str | None = None,
        drop_fields: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        """``empty_hint``: the next step, shown inside the table while it has no rows.

        ``fit_field``: the columns always fit the width, with no sideways scrolling:
        that column takes the room left over (or gives it up first), and when even the
        narrowest columns do not fit, ``drop_fields`` are hidden in that order.
        """
        super().__init__(parent)
        self.model = model
        self.ctx = model.ctx
        self.noun = noun
        self.create = create
        self.edit_field = edit_field
        self.fit_field = fit_field
        self.drop_fields = tuple(drop_fields)
        self._build(title)
        self.empty_hint = next_step_hint(empty_hint, self.view.viewport(), centred=True)
        self.view.viewport().installEventFilter(self)
        if activate_field is not None:
            self.view.activate_column = model.column_index(activate_field)
        self._size_columns()
        if sort_field is not None:
            self.view.sortByColumn(model.column_index(sort_field), Qt.SortOrder.AscendingOrder)
        self._update_state()

    # -- building -------------------------------------------------------------------------

    def _build(self, title: str) -> None:
        # Each part has its parent from the start: one made without and shown before a layout
        # took it was a window of its own for a moment (a flash at the screen's top left).
        # Made in reading order, so Tab goes filter, Add, Delete, then the table.
        self.title_label = Heading(title, 1.15, self)
        self.title_label.setVisible(bool(title))
        self.filter_box = QLineEdit(self, placeholderText="Filter…", clearButtonEnabled=True)
        self.filter_box.setAccessibleName(f"Filter {self.noun[1]}")
        self.filter_box.setMaximumWidth(260)
        self.filter_box.setMinimumWidth(160)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_box.textChanged.connect(self._filter_timer.start)
        self.add_button = QPushButton(f"Add {self.noun[0]}", self)
        self.add_button.clicked.connect(self.add_row)
        self.add_button.setVisible(self.create is not None)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.count_label = QLabel(self)
        self.count_label.setEnabled(False)  # drawn in the palette's quieter text colour

        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(8)
        self.toolbar.addWidget(self.title_label)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.filter_box)
        self.toolbar.addWidget(self.add_button)
        self.toolbar.addWidget(self.delete_button)

        self.view = EntityView(self)
        self.view.setAccessibleName(title or self.noun[1].capitalize())
        self._setup_view()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

    def _setup_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setItemDelegate(EntityDelegate(view))
        view.setAlternatingRowColors(True)
        view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # Rows start in the file's own order (lane, then start date...); a click on a
        # header sorts. Section -1 keeps setSortingEnabled from sorting by column 0.
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.horizontalHeader().setSortIndicatorShown(False)
        view.setSortingEnabled(True)
        view.horizontalHeader().sortIndicatorChanged.connect(self._sorted)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = view.horizontalHeader()
        header.setStretchLastSection(bool(self.model.columns) and self.model.columns[-1].wide_text)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionsMovable(True)
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        view.activated_id.connect(self.rowActivated)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._update_state)
        self.model.modelReset.connect(self.selectionChanged)  # a reset clears the selection
        self.model.reloaded.connect(self._size_columns)

    def _sorted(self, *_args: Any) -> None:
        self.view.horizontalHeader().setSortIndicatorShown(True)

    def _size_columns(self) -> None:
        """Widths from the column hints, never narrower than the header text.

        With rows, a column whose texts (in the scope's first rows) are shorter than its
        hint is only as wide as they are, so the fit column (a title) has that room too;
        one whose texts are longer gets their width from room the fit column has to spare
        (``fit_columns``). Sized when a scope's rows are read, not as they are edited or
        filtered: columns do not jump under the person's hand.
        """
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        char = metrics.averageCharWidth()
        self._natural = []  # kept here: a hidden column's section reads as 0 wide
        self._whole = []  # as wide as the texts, up to WHOLE_CHARS
        for number, column in enumerate(self.model.columns):
            hint = (column.width or _DEFAULT_WIDTH.get(column.kind, 14)) * char + 16
            least = max(_header_width(column, metrics), _least_text(column, metrics))
            texts = (
                []
                if column.field == self.fit_field
                else self.model.column_texts(number, SAMPLE_ROWS)
            )
            widest = max((metrics.horizontalAdvance(text) + 16 for text in texts), default=0)
            natural = max(min(widest, hint) if texts else hint, least)
            self._natural.append(natural)
            self._whole.append(max(natural, min(widest, WHOLE_CHARS * char + 16)))
            header.resizeSection(number, natural)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Make the columns fit the table's width (with ``fit_field``): no sideways scrolling.

        Every column keeps its natural width while there is room, and the fit column
        takes what is left; short of room, ``drop_fields`` go first (the rest stay whole),
        then columns shrink towards their header's width (none below about half its
        natural width, a choice such as a status never below its longest label; the fit
        column least, but when even that is too wide, it gives way first).
        """
        if self.fit_field is None or not hasattr(self, "_natural"):
            return
        view, header = self.view, self.view.horizontalHeader()
        header.setStretchLastSection(False)
        available = view.viewport().width()
        fields = [c.field for c in self.model.columns]
        stretch = fields.index(self.fit_field)
        metrics = view.fontMetrics()
        least = [
            max(_header_width(c, metrics), int(n * 0.55))
            for c, n in zip(self.model.columns, self._natural, strict=True)
        ]
        # The column read first gives up little room: a title stays readable.
        least[stretch] = min(self._natural[stretch], metrics.averageCharWidth() * 28 + 16)
        # A choice out of a few words (a status, a priority) is read whole: "In progress",
        # not "In prog…"; so is a column's least text (a date).
        for number, column in enumerate(self.model.columns):
            least[number] = max(least[number], _least_text(column, metrics))
        shown = set(range(len(fields)))
        # Fewer columns, shown whole, before narrower ones; the fit column asks for room to
        # spare (titles run longer than their hint), so on a projector it is not cut either.
        wanted = list(self._natural)
        wanted[stretch] = int(wanted[stretch] * 1.5)
        for field in self.drop_fields:
            if sum(wanted[n] for n in shown) <= available:
                break
            shown.discard(fields.index(field))
        natural = sum(self._natural[n] for n in shown)
        smallest = sum(least[n] for n in shown)
        share = (
            1.0
            if natural <= available
            else max(0.0, available - smallest) / max(natural - smallest, 1)
        )
        widths = {n: int(least[n] + (self._natural[n] - least[n]) * share) for n in shown}
        widths[stretch] += max(0, available - sum(widths.values()))
        # Room the fit column has beyond its own width first shows other columns' texts whole.
        spare = widths[stretch] - self._natural[stretch]
        for number in sorted(shown - {stretch}):
            grow = min(self._whole[number] - widths[number], spare)
            if grow > 0:
                widths[number] += grow
                widths[stretch] -= grow
                spare -= grow
        # Even the least widths too wide: the fit column gives way, down to its header's.
        over = sum(widths.values()) - available
        if over > 0:
            header_width = _header_width(self.model.columns[stretch], metrics)
            widths[stretch] = max(header_width, widths[stretch] - over)
        for number in range(len(fields)):
            view.setColumnHidden(number, number not in shown)
            if number in shown:
                header.resizeSection(number, widths[number])
        fits = sum(widths.values()) <= available
        view.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fits else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )

    def set_drop_fields(self, fields: Sequence[str]) -> None:
        """Other columns to give way (a projector's large type needs fewer, whole ones)."""
        self.drop_fields = tuple(fields)
        for number in range(len(self.model.columns)):
            self.view.setColumnHidden(number, False)
        self.fit_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
            self._place_hint()
        return super().eventFilter(watched, event)

    def _place_hint(self) -> None:
        area = self.view.viewport().rect().adjusted(16, 16, -16, -16)
        height = self.empty_hint.heightForWidth(area.width())
        area.setTop(max(area.top(), area.center().y() - height // 2 - 20))
        area.setHeight(max(height, 0) + 8)
        self.empty_hint.setGeometry(area)

    # -- state ----------------------------------------------------------------------------

    def _update_state(self, *_args: Any) -> None:
        shown, total = self.model.rowCount(), self.model.total
        noun = self.noun[0] if total == 1 else self.noun[1]
        text = f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"
        self.count_label.setText(text)
        empty = total == 0 and self.model.query is not None and not self.model.filtered
        if hasattr(self, "empty_hint"):
            self.empty_hint.setVisible(empty and bool(self.empty_hint.text()))
            self._place_hint()
        writable = not self.ctx.read_only and self.model.query is not None
        self.add_button.setEnabled(writable and self.create is not None)
        self.delete_button.setEnabled(writable and self.has_selection())

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_state()
        self.selectionChanged.emit()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.filter_box.text())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
            self._size_columns()
            fit_headings(self)

    # -- selection ------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows, top to bottom (read from ranges: "select all" stays quick)."""
        rows: set[int] = set()
        for selected in self.view.selectionModel().selection():
            rows.update(range(selected.top(), selected.bottom() + 1))
        return [self.model.id_at(row) for row in sorted(rows)]

    def has_selection(self) -> bool:
        return self.view.selectionModel().hasSelection()

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_id(self, entity_id: int, *, edit: bool = False) -> bool:
        row = self.model.row_of(entity_id)
        if row is None:
            return False
        field = self.edit_field or self._first_editable()
        column = self.model.column_index(field) if field else 0
        index = self.model.index(row, column)
        self.view.setCurrentIndex(index)
        self.view.selectRow(row)
        self.view.scrollTo(index)
        if edit and not self.ctx.read_only:
            self.view.edit(index)
        return True

    def _first_editable(self) -> str | None:
        return next((c.field for c in self.model.columns if c.is_editable), None)

    # -- add and delete -----------------------------------------------------------------

    def add_row(self) -> int | None:
        """Create a row with defaults and start editing it; returns its id."""
        if self.create is None or self.ctx.read_only:
            return None
        try:
            command = self.create()
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            return None
        if not self.ctx.run(command):
            return None
        entity_id = getattr(command, "entity_id", None)
        if entity_id is not None:
            self.filter_box.clear()
            self.apply_filter()
            self.select_id(entity_id, edit=True)
        self.statusMessage.emit(f"Added a new {self.noun[0]}: type to fill it in")
        return entity_id

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.ctx.read_only:
            return
        if len(ids) == 1:
            row = self.model.entity(self.model.row_of(ids[0]))
            text = f"Delete {self.noun[0]} “{self.model.name_of(row)}”"
        else:
            text = f"Delete {len(ids)} {self.noun[1]}"
        if self.ctx.run(DeleteCommand(self.model.repo, ids, text)):
            self.statusMessage.emit(
                f"{text} (Undo brings {'it' if len(ids) == 1 else 'them'} back)"
            )


def _header_width(column: Column, metrics: QFontMetrics) -> int:
    """Room for the column's header and its sort arrow."""
    return metrics.horizontalAdvance(column.header) + 28


def _least_text(column: Column, metrics: QFontMetrics) -> int:
    """The width a cell of ``column`` never goes below (its ``least_text``; a choice's longest
    label, as "In progress" is read whole); 0 when it may be cut anywhere."""
    texts = [column.least_text] if column.least_text else []
    if column.kind is Kind.ENUM and column.enum is not None:
        texts += [member.label for member in column.enum]
    return max((metrics.horizontalAdvance(text) + 16 for text in texts), default=0)
