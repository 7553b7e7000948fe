"""A thin table model over one table's rows in a scope: ids in order, rows fetched on demand.

It never writes to the file itself: an edit becomes an UpdateCommand run through
the AppContext (so it can be undone, and a refusal is reported). It never
reloads everything on a change either: a ChangeSet names the ids, and only those
rows are fetched again, inserted or removed, so selections and scroll positions
survive edits made anywhere in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError, ValidationError
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext

from .columns import Column, Kind, Lookup
from .model_sync import RowSync, _runs, merged

if TYPE_CHECKING:  # the store loads after a file's first view is drawn (store/early.py)
    from pmdesk.store.queries import TableQuery
    from pmdesk.store.services.base import Repo

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SHORT_ROLE = Qt.ItemDataRole.UserRole + 2  # Column.short: the text for a narrow cell
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter


def clean_changes(repo: Repo, column: Column, value: Any, row: Any) -> dict[str, Any]:
    """The stored fields an edit of ``column`` writes, coerced and checked like the store does.

    Raises ValidationError (named after the column) for anything it cannot take.
    """
    if isinstance(value, QDate):
        value = value.toPython() if value.isValid() else None
    try:
        return repo.clean(column.changes(value, row))
    except (ValueError, TypeError):
        raise ValidationError(column.header, f"“{value}” is not a valid value") from None


def default_name(row: Any) -> str:
    for attribute in ("name", "title", "audience", "customer", "ref"):
        value = getattr(row, attribute, None)
        if value:
            return str(value)
    return f"#{row.id}"


class EntityTableModel(QAbstractTableModel):
    # Up to this many rows are read in one go; larger scopes load a block at a time.
    EAGER_LIMIT = 2000
    BLOCK = 250
    # More changed rows than this in one change (an undone mass delete, a reschedule) are
    # handled by comparing ids, without reading the rows; new rows are then resynced.
    MASS_CHANGE = 200

    reloaded = Signal()  # a scope's rows read anew (another product, a reload)

    def __init__(
        self,
        ctx: AppContext,
        repo: Repo | Callable[[], Repo],
        columns: Sequence[Column],
        *,
        name_of: Callable[[Any], str] = default_name,
        parent: QObject | None = None,
    ) -> None:
        """``repo``, or what gives it when first needed: a view built before the store has
        loaded (a file's first view, see store/early.py) names its table's repo that way."""
        super().__init__(parent)
        self.ctx = ctx
        self._repo = repo
        self.columns = list(columns)
        self.name_of = name_of
        self._query: TableQuery | None = None
        self._order: list[int] = []  # every id of the scope, in the current order
        self._ids: list[int] = []  # the rows shown (after the filter), in order
        self._pos: dict[int, int] = {}
        self._known: set[int] = set()
        self._rows: dict[int, Any] = {}
        self._filter: list[str] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._lookups: list[tuple[Lookup, list[int]]] = self._collect_lookups()
        self._sync = RowSync(self)
        ctx.changed.connect(self.apply_changes)

    @property
    def repo(self) -> Repo:
        if callable(self._repo):
            self._repo = self._repo()
        return self._repo

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh exactly what a committed edit changed, wherever it was made."""
        self._sync.apply(changes)

    def _collect_lookups(self) -> list[tuple[Lookup, list[int]]]:
        found: dict[int, tuple[Lookup, list[int]]] = {}
        for number, column in enumerate(self.columns):
            for lookup in column.all_lookups():
                found.setdefault(id(lookup), (lookup, []))[1].append(number)
        return list(found.values())

    # -- scope and loading ------------------------------------------------------------

    @property
    def query(self) -> TableQuery | None:
        return self._query

    def set_query(self, query: TableQuery | None) -> None:
        """Show another scope (another product, board, launch...); the one full reset."""
        self._query = query
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        for lookup, _ in self._lookups:
            lookup.invalidate()
        self._rows.clear()
        self._order = self._query.ids() if self._query is not None else []
        self._known = set(self._order)
        if len(self._order) <= self.EAGER_LIMIT:
            self.cache_rows(self._query.rows(self._order) if self._order else [])
        if self._sort is not None:
            self._order = self._ordered_ids()
        self._ids = self._visible(self._order)
        self._reindex()
        self.endResetModel()
        self.reloaded.emit()

    def column_texts(self, number: int, limit: int) -> list[str]:
        """What column ``number`` shows in the scope's first ``limit`` rows read so far."""
        column = self.columns[number]
        rows = (self._rows.get(entity_id) for entity_id in self._order[:limit])
        return [column.text(row) for row in rows if row is not None]

    def cache_rows(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self._rows[row.id] = row

    def _ensure_all(self) -> None:
        missing = [i for i in self._order if i not in self._rows]
        if missing and self._query is not None:
            self.cache_rows(
                self._query.all() if len(missing) > 2 * self.BLOCK else self._query.rows(missing)
            )

    def fully_loaded(self) -> bool:
        return len(self._rows) >= len(self._known)

    def _reindex(self) -> None:
        self._pos = {entity_id: n for n, entity_id in enumerate(self._ids)}

    def _visible(self, ids: Sequence[int]) -> list[int]:
        if not self._filter:
            return list(ids)
        self._ensure_all()
        return [i for i in ids if i in self._rows and self._matches(self._rows[i])]

    def _matches(self, row: Any) -> bool:
        haystack = " ".join(column.text(row) for column in self.columns).casefold()
        return all(word in haystack for word in self._filter)

    # -- access by row ---------------------------------------------------------------------

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, entity_id: int) -> int | None:
        return self._pos.get(entity_id)

    def entity(self, row: int) -> Any | None:
        """The row's object, fetching its block first if it is not cached yet."""
        if not 0 <= row < len(self._ids):
            return None
        entity_id = self._ids[row]
        found = self._rows.get(entity_id)
        if found is None and self._query is not None:
            start = row - row % self.BLOCK
            block = [i for i in self._ids[start : start + self.BLOCK] if i not in self._rows]
            self.cache_rows(self._query.rows(block))
            found = self._rows.get(entity_id)
        return found

    def entities(self) -> list[Any]:
        """Every row of the scope, filter or not (for totals such as launch readiness)."""
        self._ensure_all()
        return [self._rows[i] for i in self._order if i in self._rows]

    @property
    def total(self) -> int:
        return len(self._order)

    @property
    def cached(self) -> int:
        """How many rows have been read from the file so far."""
        return len(self._rows)

    def column_index(self, field: str) -> int:
        return next(n for n, column in enumerate(self.columns) if column.field == field)

    def column(self, number: int) -> Column:
        return self.columns[number]

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        try:
            return self._data(index, role)
        except PmdeskError as exc:
            if getattr(exc, "retryable", False):  # a team server away: blank until it is back
                return None
            raise

    def _data(self, index: Index, role: int) -> Any:
        if not index.isValid():
            return None
        row = self.entity(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return None if column.kind is Kind.BOOL else column.text(row)
        if role == Qt.ItemDataRole.EditRole:
            return column.raw(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _CENTRE if column.kind is Kind.BOOL else _LEFT
        if role == Qt.ItemDataRole.CheckStateRole and column.kind is Kind.BOOL:
            return Qt.CheckState.Checked if column.raw(row) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            colour = column.foreground(row)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.DecorationRole and column.decoration is not None:
            colour = QColor(column.decoration(row) or "")
            return colour if colour.isValid() else None
        if role == ID_ROLE:
            return row.id
        if role == SHORT_ROLE and column.short is not None:
            return column.short(row)
        return None

    def _tooltip(self, column: Column, row: Any) -> str | None:
        if column.tooltip is not None:
            return column.tooltip(row)
        if column.short is not None and column.short(row) != column.text(row):
            return column.text(row)  # whole, for when the cell shows the short one
        if column.kind in (Kind.TEXT, Kind.LONG_TEXT):
            text = str(column.raw(row) or "")
            if len(text) > 24 or "\n" in text:
                return text
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tip or column.header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        column = self.columns[index.column()]
        if column.is_editable and not self.ctx.read_only:
            flags |= (
                Qt.ItemFlag.ItemIsUserCheckable
                if column.kind is Kind.BOOL
                else Qt.ItemFlag.ItemIsEditable
            )
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self.flags(index) & (
            Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable
        ):
            return False
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and column.kind is Kind.BOOL:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        return self.edit(index.row(), index.column(), value)

    def edit(self, row: int, column_number: int, value: Any) -> bool:
        """Write one cell through an undoable command; False when refused or unchanged."""
        entity = self.entity(row)
        if entity is None:
            return False
        column = self.columns[column_number]
        try:
            changes = clean_changes(self.repo, column, value, entity)
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            return False
        if all(getattr(entity, name) == new for name, new in changes.items()):
            return False
        text = f"Edit {column.header.lower()} of “{self.name_of(entity)}”"
        return self.ctx.run(UpdateCommand(self.repo, entity.id, changes, text))

    # -- sorting and filtering ---------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.reorder()

    def _ordered_ids(self) -> list[int]:
        if self._sort is None or self._query is None:
            return self._query.ids() if self._query is not None else []
        number, order = self._sort
        column = self.columns[number]
        descending = order == Qt.SortOrder.DescendingOrder
        if not self.fully_loaded() and column.sortable_in_database():
            return self._query.ids(order_by=column.field, descending=descending)
        self._ensure_all()
        present = [i for i in self._order if i in self._rows]
        keyed = [(column.sort_key(self._rows[i]), i) for i in present]
        blanks = [i for key, i in keyed if key[0] == 1]
        filled = sorted((k for k in keyed if k[0][0] == 0), key=lambda k: k[0], reverse=descending)
        return [i for _key, i in filled] + blanks

    def _relayout(self, order: list[int]) -> None:
        """Reorder rows in place; persistent indexes (selection, current cell) follow their ids."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        where = [
            (self._ids[i.row()], i.column()) if i.row() < len(self._ids) else None for i in old
        ]
        self._order = [i for i in order if i in self._known]
        kept = set(self._ids)
        self._ids = [i for i in self._order if i in kept]
        self._reindex()
        new = [
            self.index(self._pos[spot[0]], spot[1])
            if spot and spot[0] in self._pos
            else QModelIndex()
            for spot in where
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def set_filter(self, text: str) -> None:
        """Show only rows whose cells contain every word typed (case-insensitive)."""
        words = text.casefold().split()
        if words == self._filter:
            return
        self.beginResetModel()
        self._filter = words
        self._ids = self._visible(self._order)
        self._reindex()
        self.endResetModel()

    @property
    def filtered(self) -> bool:
        return bool(self._filter)

    # -- row operations: how RowSync (model_sync.py) follows the file ------------------------

    @property
    def known_ids(self) -> frozenset[int]:
        """Every id of the scope, shown or filtered out."""
        return frozenset(self._known)

    @property
    def lookups(self) -> list[tuple[Lookup, list[int]]]:
        """Each lookup the columns use, with the numbers of the columns that show it."""
        return self._lookups

    def forget(self, ids: Iterable[int] | None = None) -> None:
        """Drop cached rows (all of them by default): they are read again when next shown."""
        if ids is None:
            self._rows.clear()
        for entity_id in ids or ():
            self._rows.pop(entity_id, None)

    def reorder(self) -> None:
        self._relayout(self._ordered_ids())

    def rows_changed(self, ids: Iterable[int]) -> None:
        last = len(self.columns) - 1
        for first, end in _runs(sorted(self._pos[i] for i in ids if i in self._pos)):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))

    def columns_changed(self, numbers: Iterable[int]) -> None:
        if self._ids:
            for number in numbers:
                self.dataChanged.emit(self.index(0, number), self.index(len(self._ids) - 1, number))

    def remove_ids(self, ids: set[int] | frozenset[int]) -> None:
        if not ids:
            return
        runs = _runs(sorted(self._pos[i] for i in ids if i in self._pos))
        # The scope shrinks first, so that whoever hears rowsRemoved counts the rows left.
        self._order = [i for i in self._order if i not in ids]
        self._known -= ids
        self.forget(ids)
        for first, end in reversed(runs):
            self.beginRemoveRows(QModelIndex(), first, end)
            del self._ids[first : end + 1]
            self.endRemoveRows()
        self._reindex()

    def insert_rows(self, rows: list[Any]) -> None:
        """New rows of the scope, each where the order puts it (unless the filter hides it)."""
        if not rows:
            return
        self.cache_rows(rows)
        new = {row.id for row in rows}
        self._known |= new
        self._order += [row.id for row in rows]
        self._order = [i for i in self._ordered_ids() if i in self._known]
        final = merged(
            self._ids,
            self._order,
            new,
            lambda i: not self.filtered or self._matches(self._rows[i]),
        )
        for first, end in _runs([n for n, i in enumerate(final) if i in new]):
            self.beginInsertRows(QModelIndex(), first, end)
            self._ids[first:first] = final[first : end + 1]
            self.endInsertRows()
        self._reindex()
