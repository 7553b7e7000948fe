"""The RACI matrix: activities down, stakeholders across, R/A/C/I in the cells.

Type R, A, C or I on a cell (or pick from its menu); Delete clears it. Giving
A to someone takes it from whoever held it, so a row never has two; a row
with no Accountable or no Responsible is flagged in its last column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.communication import raci_problems
from pmdesk.core.enums import RaciRole
from pmdesk.core.wording import plural
from pmdesk.gui.theme import plain_tooltip
from pmdesk.store.services.stakeholders import ActivityRow, RaciKey

from .style import OVERDUE, RACI_COLOURS

Index = QModelIndex | QPersistentModelIndex
# Asks the view to set a cell: (activity, stakeholder id, role value or None) -> done?
CellSetter = Callable[[RaciKey, int, str | None], bool]
ROLE_KEYS = {Qt.Key.Key_R: "R", Qt.Key.Key_A: "A", Qt.Key.Key_C: "C", Qt.Key.Key_I: "I"}


class RaciModel(QAbstractTableModel):
    """Rows are activities, columns the stakeholders and then one "Check" column."""

    def __init__(self, setter: CellSetter, parent=None) -> None:
        super().__init__(parent)
        self._setter = setter
        self.activities: list[ActivityRow] = []
        self.people: list[tuple[int, str, str]] = []  # (id, name, role)
        self.cells: dict[tuple[RaciKey, int], RaciRole] = {}
        self.problems: dict[RaciKey, list[str]] = {}
        self.editable = True

    def set_data(
        self,
        activities: list[ActivityRow],
        people: list[tuple[int, str, str]],
        cells: dict[tuple[RaciKey, int], RaciRole],
    ) -> None:
        self.beginResetModel()
        self.activities, self.people, self.cells = list(activities), list(people), dict(cells)
        self._check()
        self.endResetModel()

    def update_cells(self, cells: dict[tuple[RaciKey, int], RaciRole]) -> None:
        """New roles with the same rows and columns: repaint, no reset (keeps the selection)."""
        self.cells = dict(cells)
        self._check()
        if self.activities and self.people:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.activities) - 1, len(self.people))
            )

    def _check(self) -> None:
        # An I per row costs nothing to the rules and makes rows with no roles at all count.
        pairs = [(key, role) for (key, _person), role in self.cells.items()]
        pairs += [(activity.key, RaciRole.INFORMED) for activity in self.activities]
        self.problems = {}
        for problem in raci_problems(pairs):
            self.problems.setdefault(problem.activity, []).append(problem.problem)

    # -- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.activities)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.activities else len(self.people) + 1

    def key_at(self, row: int) -> RaciKey:
        return self.activities[row].key

    def person_at(self, column: int) -> int | None:
        return self.people[column][0] if 0 <= column < len(self.people) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        activity = self.activities[index.row()]
        person = self.person_at(index.column())
        if person is None:
            return self._check_data(activity, role)
        given = self.cells.get((activity.key, person))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return given.value if given else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and given is not None:
            return QBrush(QColor(RACI_COLOURS[given]))
        if role == Qt.ItemDataRole.ForegroundRole and given is not None:
            dark = given in (RaciRole.ACCOUNTABLE,)
            return QBrush(QColor("#ffffff" if dark else "#000000"))
        if role == Qt.ItemDataRole.FontRole and given is not None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            name = self.people[index.column()][1]
            what = given.label if given else "No role"
            return plain_tooltip(f"{name} — {what}\n{activity.group}: {activity.label}")
        return None

    def _check_data(self, activity: ActivityRow, role: int) -> Any:
        problems = self.problems.get(activity.key, [])
        if role == Qt.ItemDataRole.DisplayRole:
            return "; ".join(problems) if problems else "OK"
        if role == Qt.ItemDataRole.ForegroundRole and problems:
            return QBrush(QColor(OVERDUE))
        if role == Qt.ItemDataRole.ToolTipRole and problems:
            return plain_tooltip(
                "Every activity needs exactly one Accountable and at least one Responsible."
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.people[section][1] if section < len(self.people) else "Check"
            if role == Qt.ItemDataRole.ToolTipRole and section < len(self.people):
                return plain_tooltip(" · ".join(x for x in self.people[section][1:] if x))
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.activities):
            return self.activities[section].label
        if role == Qt.ItemDataRole.ToolTipRole and 0 <= section < len(self.activities):
            activity = self.activities[section]
            return plain_tooltip(f"{activity.group}: {activity.label}")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and self.person_at(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        person = self.person_at(index.column()) if index.isValid() else None
        if role != Qt.ItemDataRole.EditRole or person is None or not self.editable:
            return False
        text = str(value or "").strip().upper()[:1]
        if text and text not in RaciRole.values():
            return False
        return self._setter(self.key_at(index.row()), person, text or None)


class RaciTable(QTableView):
    """Keys R, A, C, I set the current cell; Delete or Backspace clears it."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        key = Qt.Key(event.key())
        model = self.model()
        if index.isValid() and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            if key in ROLE_KEYS:
                model.setData(index, ROLE_KEYS[key])
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space):
                model.setData(index, "")
                return
        super().keyPressEvent(event)


class RaciPanel(QWidget):
    """The matrix, a legend, and a way to add a requirement as a row."""

    requirementAdded = Signal(int)

    def __init__(self, setter: CellSetter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RaciModel(setter, self)
        self.table = RaciTable(self)
        self.table.setAccessibleName("RACI matrix")
        self.table.setTabKeyNavigation(False)  # Tab leaves the matrix; arrows move between cells
        self.table.setModel(self.model)
        self.table.viewport().installEventFilter(self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # "Margaret Ell…", whole on hover
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.table.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.add_requirement = QComboBox(self)
        self.add_requirement.setAccessibleName("Add a requirement as an activity")
        self.add_requirement.setMinimumWidth(260)
        self.add_requirement.activated.connect(self._requirement_chosen)
        legend = QLabel(
            "R Responsible · A Accountable (exactly one per row) · C Consulted · "
            "I Informed  —  type a letter on a cell, Delete clears it"
        )
        legend.setEnabled(False)
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(legend, 1)
        bar.addWidget(self.add_requirement)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.model.modelReset.connect(self._summarise)
        self.model.dataChanged.connect(self._summarise)

    def set_requirement_choices(self, choices: list[tuple[int, str]]) -> None:
        shown = {a.key[1] for a in self.model.activities if a.key[0].value == "requirement"}
        self.add_requirement.clear()
        self.add_requirement.addItem("Add a requirement as a row…", None)
        for req_id, label in choices:
            if req_id not in shown:
                self.add_requirement.addItem(label, req_id)
        self.add_requirement.setEnabled(self.add_requirement.count() > 1 and self.model.editable)

    def _requirement_chosen(self, number: int) -> None:
        req_id = self.add_requirement.itemData(number)
        self.add_requirement.setCurrentIndex(0)
        if req_id is not None:
            self.requirementAdded.emit(int(req_id))

    def fit(self) -> None:
        """People's columns as wide as their names (within reason); the check column stretches.

        On a narrow window the names give way (shortened; the whole name on hover), down
        to a letter's room, so the matrix never scrolls sideways.
        """
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        header = self.table.horizontalHeader()
        wanted = [
            min(max(metrics.horizontalAdvance(name) + 18, char * 5), 150)
            for _pid, name, _role in self.model.people
        ]
        vertical = self.table.verticalHeader()
        # Activities are read first: their labels keep their room while names shorten.
        vertical.setMaximumWidth(char * (46 if self.table.width() > char * 120 else 30))
        # The check column keeps some room (a stretched last column is never narrower).
        room = self.table.viewport().width() - max(char * 12, header.defaultSectionSize())
        if wanted and sum(wanted) > room:
            share = max(room, char * 5 * len(wanted)) / sum(wanted)
            wanted = [max(int(width * share), char * 5) for width in wanted]
        for column, width in enumerate(wanted):
            header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.Show,
        ):
            QTimer.singleShot(0, self.fit)  # once the row labels have taken their width
        return super().eventFilter(watched, event)

    def _summarise(self, *_args: Any) -> None:
        flagged = sum(1 for problems in self.model.problems.values() if problems)
        total = len(self.model.activities)
        activities = plural(total, "activity")
        self.summary.setText(
            f"{activities} · {flagged} need attention"
            if flagged
            else f"{activities} · every one has one A and an R"
        )

    def _menu(self, point) -> None:
        index = self.table.indexAt(point)
        if not index.isValid() or self.model.person_at(index.column()) is None:
            return
        if not self.model.editable:
            return
        menu = QMenu(self)
        for role in RaciRole:
            action = menu.addAction(f"{role.value} — {role.label}")
            action.triggered.connect(lambda _=False, r=role.value: self.model.setData(index, r))
        menu.addSeparator()
        menu.addAction("Clear").triggered.connect(lambda: self.model.setData(index, ""))
        menu.popup(self.table.viewport().mapToGlobal(point))
