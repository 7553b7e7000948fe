"""The stakeholder map view: the grid, the table beside it, the editor, contacts and RACI.

Everything selects together: a token picked on the map is the row picked in
the table, the stakeholder in the editor and the contact in the agenda. Every
edit (drag, form field, contact done, RACI cell) is one command on the undo
stack; the view follows ``ctx.changed`` and refetches only the rows named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QPointF,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGraphicsView,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import RaciRole
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.stakeholders import STRATEGY, quadrant, trail
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.views.common import create, heading, name_parts, tabs, unique_name
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.hint import presented
from pmdesk.gui.widgets.image_export import export_scene
from pmdesk.store.queries import TableQuery
from pmdesk.store.services.stakeholders import RaciKey, StakeholderService, raci_key

from .commands import ContactDoneCommand, MoveCommand, RaciCommand
from .editor import ContactAgenda, stakeholder_editor
from .raci import RaciPanel
from .scene import MapScene
from .table import FilterBar, FilteredModel, Filters, map_columns

_PEOPLE_KINDS = (ChangeKind.STAKEHOLDER,)
# Table columns that give way on a narrow window (the map and the details show them too).
DROP_FIELDS = (
    "comm_owner",
    "comm_frequency",
    "comm_channel",
    "organisation",
    "role",
    "importance",
    "interest",
    "power",
)
_RACI_KINDS = (
    ChangeKind.RACI_ASSIGNMENT,
    ChangeKind.LAUNCH_TASK,
    ChangeKind.LAUNCH,
    ChangeKind.REQUIREMENT,
)


class MapCanvas(QGraphicsView):
    """Shows the scene 1:1 and lays it out again for its own size, font and palette."""

    def __init__(self, scene: MapScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.map = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumSize(320, 280)
        self.setAccessibleName("Stakeholder map: power against interest")
        self.setAccessibleDescription(
            "The table beside the map lists the same people, "
            "with power and interest to edit from the keyboard"
        )

    def sizeHint(self) -> QSize:
        return QSize(720, 640)

    def relayout(self) -> None:
        self.map.configure(QSizeF(self.viewport().size()), self.font(), self.palette())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.relayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.relayout()

    def contextMenuEvent(self, event) -> None:
        menu = self.map_menu(self.mapToScene(event.pos()))
        if menu is not None:
            menu.exec(event.globalPos())

    def map_menu(self, point: QPointF) -> QMenu | None:
        """What a right-click on the grid offers: “Set desired position of … here”.

        Works on the one selected stakeholder, whether or not they have an aim yet
        (dragging the arrow's head only helps those who already have one). The menu
        only asks; the scene's ``desiredRequested`` reaches the view, which runs
        the undoable command.
        """
        grid = self.map
        if not grid.plot.contains(point):
            return None
        menu = QMenu(self)
        chosen = grid.selected_ids()
        if len(chosen) != 1 or chosen[0] not in grid.people:
            menu.addAction("Select one stakeholder to set where you want them").setEnabled(False)
            return menu
        person = grid.people[chosen[0]]
        power, interest = grid.value_at(point)
        verb = "Move" if person.desired_power is not None else "Set"
        action = menu.addAction(
            f"{verb} desired position of “{person.name}” here "
            f"(power {power:g}, interest {interest:g})"
        )
        action.triggered.connect(lambda: grid.desiredRequested.emit(person.id, power, interest))
        return menu


class StakeholderMapView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(StakeholderService)
        self.today = dt.date.today  # tests pin the day
        self.people: dict[int, Any] = {}
        self._extra_requirements: set[int] = set()
        self._syncing = False
        self._trail_cache: dict[int, list] = {}
        self._build()
        self.follow_changes(self._on_changed)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.scene = MapScene(self)
        self.canvas = MapCanvas(self.scene)
        self.model = FilteredModel(
            self.ctx,
            self.service.stakeholders,
            map_columns(self._today),
            today=self._today,
            parent=self,
        )
        self.table = self.register(
            EntityTable(
                self.model,
                noun=("stakeholder", "stakeholders"),
                create=self._new_stakeholder,
                edit_field="name",
                fit_field="name",
                drop_fields=DROP_FIELDS,
                empty_hint="No stakeholders yet — Add stakeholder, or import a CSV (File ▸ Import)",
            )
        )
        self.filter_bar = FilterBar(self)
        self.editor_page, self.editor = stakeholder_editor(self.ctx, self.service)
        self.agenda = ContactAgenda(self._today, self)
        self.raci = RaciPanel(self._set_raci, self)
        self.side_tabs = tabs(
            (self.editor_page, "Details"),
            (self.agenda, "Contact plan"),
            name="Stakeholder details and contact plan",
        )
        self.side_tabs.setCurrentWidget(self.agenda)  # with nobody selected, the agenda helps
        self.main_tabs = tabs(
            (self._map_page(), "Map"),
            (self.raci, "RACI matrix"),
            name="Stakeholder map and RACI matrix",
        )
        self.content_layout.addLayout(self._toolbar())
        self.content_layout.addWidget(self.main_tabs, 1)
        self._connect()
        name_parts(self)

    def _toolbar(self) -> QHBoxLayout:
        self.title = heading("Stakeholder map")
        self.history_box = QCheckBox("Show history")
        self.history_box.setToolTip("Draw each stakeholder's trail of past positions")
        self.desired_box = QCheckBox("Desired moves")
        self.desired_box.setChecked(True)
        self.desired_box.setToolTip("Arrows to where you want each stakeholder to be")
        self.export_button = QPushButton("Export image…")
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        for widget in (self.history_box, self.desired_box, self.export_button):
            bar.addWidget(widget)
        return bar

    def _map_page(self) -> QWidget:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.filter_bar)
        stack = QSplitter(Qt.Orientation.Vertical)
        stack.addWidget(self.table)
        stack.addWidget(self.side_tabs)
        stack.setStretchFactor(0, 1)
        stack.setStretchFactor(1, 1)
        side_layout.addWidget(stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.canvas)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(True)
        return self.splitter

    def _connect(self) -> None:
        self.scene.selectionChanged.connect(self._map_selected)
        self.scene.movesRequested.connect(self._move)
        self.scene.desiredRequested.connect(self._set_desired)
        self.scene.activated.connect(self._open_details)
        self.table.selectionChanged.connect(self._table_selected)
        self.filter_bar.changed.connect(self._filter)
        self.agenda.personSelected.connect(lambda pid: self.select_people([pid]))
        self.agenda.doneRequested.connect(self.mark_contact_done)
        self.raci.requirementAdded.connect(self._add_requirement_row)
        self.history_box.toggled.connect(lambda on: self.scene.set_options(show_history=on))
        self.desired_box.toggled.connect(lambda on: self.scene.set_options(show_desired=on))
        self.export_button.clicked.connect(self._ask_export)

    def _today(self) -> dt.date:
        return self.today()

    # -- loading -------------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self._extra_requirements.clear()
        editable = not self.ctx.read_only
        self.scene.options = replace(self.scene.options, editable=editable)
        self.agenda.read_only = not editable
        self.raci.model.editable = editable
        query = (
            None
            if product_id is None
            else TableQuery.where_equal(self.service.stakeholders, product_id=product_id)
        )
        self.model.set_query(query)
        self.people = (
            {p.id: p for p in self.service.stakeholders_of(product_id)}
            if product_id is not None
            else {}
        )
        self.editor.set_entity(None)
        self.filter_bar.add_departments([p.department for p in self.people.values()])
        self._refresh_people(trails=True)
        self._load_raci()

    def _trails(self) -> dict[int, list]:
        if self.product_id is None:
            return {}
        found = self.service.histories_of(self.product_id)
        return {
            pid: trail((p.recorded_at, p.power, p.interest) for p in points)
            for pid, points in found.items()
        }

    def _refresh_people(self, *, trails: bool) -> None:
        people = list(self.people.values())
        if trails:
            self._trail_cache = self._trails()
        self.scene.options = replace(self.scene.options, faded=self._faded())
        self.scene.set_people(people, self._trail_cache)
        self.agenda.show_people(sorted(people, key=lambda p: p.name.casefold()))

    def _faded(self) -> frozenset[int]:
        filters = self.model.filters
        if not filters.active():
            return frozenset()
        today = self._today()
        return frozenset(pid for pid, p in self.people.items() if not filters.matches(p, today))

    def _load_raci(self) -> None:
        if self.product_id is None:
            self.raci.model.set_data([], [], {})
            return
        activities = self.service.raci_activities(
            self.product_id, tuple(sorted(self._extra_requirements))
        )
        people = [
            (p.id, p.name, p.role)
            for p in sorted(self.people.values(), key=lambda p: p.name.casefold())
        ]
        cells = self._raci_cells()
        model = self.raci.model
        if [a.key for a in activities] == [
            a.key for a in model.activities
        ] and people == model.people:
            model.update_cells(cells)
        else:
            current = self.raci.table.currentIndex()
            model.set_data(activities, people, cells)
            if current.isValid():
                self.raci.table.setCurrentIndex(model.index(current.row(), current.column()))
            self.raci.fit()
        self.raci.set_requirement_choices(self.service.requirement_choices(self.product_id))

    def _raci_cells(self) -> dict[tuple[RaciKey, int], RaciRole]:
        return {
            (raci_key(row), row.stakeholder_id): RaciRole(row.role)
            for row in self.service.raci_of(self.product_id)
        }

    def _on_changed(self, changes: ChangeSet) -> None:
        if self.product_id is None:
            return
        people_changed = changes.touches(*_PEOPLE_KINDS)
        if changes.reloads(*_PEOPLE_KINDS):  # after a reconnect: read them all again
            self.people = {p.id: p for p in self.service.stakeholders_of(self.product_id)}
            self.filter_bar.add_departments([p.department for p in self.people.values()])
        elif people_changed:
            gone = set(changes.ids(ChangeKind.STAKEHOLDER, "delete"))
            touched = (
                set(changes.ids(ChangeKind.STAKEHOLDER, "insert"))
                | set(changes.ids(ChangeKind.STAKEHOLDER, "update"))
            ) - gone
            for pid in gone:
                self.people.pop(pid, None)
            for person in self.service.stakeholders_by_ids(touched):
                if person.product_id == self.product_id:
                    self.people[person.id] = person
                else:
                    self.people.pop(person.id, None)
            self.filter_bar.add_departments([p.department for p in self.people.values()])
        if people_changed or changes.touches(ChangeKind.STAKEHOLDER_POSITION):
            self._refresh_people(trails=changes.touches(ChangeKind.STAKEHOLDER_POSITION))
        if people_changed or changes.touches(*_RACI_KINDS):
            self._load_raci()

    # -- selection -------------------------------------------------------------------------------

    def selected_people(self) -> list[int]:
        return self.scene.selected_ids()

    def select_people(self, ids: list[int]) -> None:
        """Select these stakeholders everywhere: map, table, editor and agenda."""
        if self._syncing:
            return
        self._syncing = True
        try:
            self.scene.select_ids(ids)
            self._select_rows(ids)
            self.editor.set_entity(ids[0] if len(ids) == 1 else None)
            self.agenda.select(ids[0] if len(ids) == 1 else None)
        finally:
            self._syncing = False
        self.selectionChanged.emit()

    def _select_rows(self, ids: list[int]) -> None:
        view = self.table.view
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for pid in ids:
            row = self.model.row_of(pid)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, last))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        view.selectionModel().select(selection, flags)
        if ids and self.model.row_of(ids[0]) is not None:
            # The cell the person is on stays current (F2 edits it), only the row follows.
            current = view.currentIndex()
            index = self.model.index(
                self.model.row_of(ids[0]), current.column() if current.isValid() else 0
            )
            view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            view.scrollTo(index)

    def _map_selected(self) -> None:
        # The map says so after every redraw too (a colleague's edit): only a new choice counts,
        # or the table would scroll back to the selection and the editor lose what is typed.
        if not self._syncing and self.scene.selected_ids() != self.table.selected_ids():
            self.select_people(self.scene.selected_ids())
            self._show_details()

    def _table_selected(self) -> None:
        if not self._syncing:
            self.select_people(self.table.selected_ids())
            self._show_details()

    def _show_details(self) -> None:
        """Picking one person on the map or in the table shows them in the editor."""
        if self.editor.entity_id is not None:
            self.side_tabs.setCurrentWidget(self.editor_page)

    def _open_details(self, person_id: int) -> None:
        self.select_people([person_id])
        self.side_tabs.setCurrentWidget(self.editor_page)
        self.editor.editors["name"].setFocus()

    def _filter(self, filters: Filters) -> None:
        self.model.set_filters(filters)
        self._refresh_people(trails=False)
        self.select_people(
            [pid for pid in self.scene.selected_ids() if self.model.row_of(pid) is not None]
        )

    # -- edits ---------------------------------------------------------------------------------

    def _new_stakeholder(self):
        name = unique_name("New stakeholder", [p.name for p in self.people.values()])
        return create(
            self.service.stakeholders,
            "Add stakeholder",
            product_id=self.product_id,
            name=name,
            next_contact=self._today() + dt.timedelta(days=14),
        )

    def _move(self, moved: dict[int, tuple[float, float]]) -> None:
        changes = {
            pid: {"power": power, "interest": interest}
            for pid, (power, interest) in moved.items()
            if pid in self.people
            and (self.people[pid].power, self.people[pid].interest) != (power, interest)
        }
        if not changes or self.ctx.read_only:
            return
        if len(changes) == 1:
            pid, fields = next(iter(changes.items()))
            where = STRATEGY[quadrant(fields["power"], fields["interest"])]
            text = f"Move “{self.people[pid].name}” ({where})"
        else:
            text = f"Move {len(changes)} stakeholders"
        self.ctx.run(MoveCommand(self.service, changes, text))

    def _set_desired(self, person_id: int, power: float, interest: float) -> None:
        person = self.people.get(person_id)
        if person is None or self.ctx.read_only:
            return
        if (person.desired_power, person.desired_interest) == (power, interest):
            return
        self.ctx.run(
            UpdateCommand(
                self.service.stakeholders,
                person_id,
                {"desired_power": power, "desired_interest": interest},
                f"Set desired position of “{person.name}”",
            )
        )

    def mark_contact_done(self, person_id: int) -> bool:
        person = self.people.get(person_id)
        if person is None or self.ctx.read_only:
            return False
        return self.ctx.run(
            ContactDoneCommand(
                self.service, person_id, self._today(), f"Mark contact with “{person.name}” done"
            )
        )

    def _set_raci(self, key: RaciKey, person_id: int, role: str | None) -> bool:
        if self.product_id is None or self.ctx.read_only:
            return False
        person = self.people.get(person_id)
        activity = next((a for a in self.raci.model.activities if a.key == key), None)
        if person is None or activity is None:
            return False
        current = self.raci.model.cells
        if current.get((key, person_id)) == (RaciRole(role) if role else None):
            return False
        holder = next(
            (
                pid
                for (k, pid), r in current.items()
                if k == key and r is RaciRole.ACCOUNTABLE and pid != person_id
            ),
            None,
        )
        what = f"{role} for" if role else "Clear role of"
        text = f"RACI: {what} “{person.name}” on “{activity.label}”"
        done = self.ctx.run(RaciCommand(self.service, self.product_id, key, person_id, role, text))
        if done and role == "A" and holder is not None and holder in self.people:
            self.statusMessage.emit(
                f"Accountable for “{activity.label}” moved from "
                f"{self.people[holder].name} to {person.name}"
            )
        return done

    def _add_requirement_row(self, requirement_id: int) -> None:
        self._extra_requirements.add(requirement_id)
        self._load_raci()

    # -- workshop mode -----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ParentChange:
            self._follow_presentation()

    def _follow_presentation(self) -> None:
        """On the projector the map takes the whole screen; the panels come back after."""
        presenting = presented(self)
        self.splitter.widget(1).setVisible(not presenting)
        self.export_button.setVisible(not presenting)

    # -- the window's contract -----------------------------------------------------------------

    def delete_selected(self) -> None:
        if self.main_tabs.currentWidget() is self.raci:
            index = self.raci.table.currentIndex()
            if index.isValid():
                self.raci.model.setData(index, "")
            return
        super().delete_selected()

    def has_selection(self) -> bool:
        if self.main_tabs.currentWidget() is self.raci:
            index = self.raci.table.currentIndex()
            return index.isValid() and (self.raci.model.data(index) or "") != ""
        return super().has_selection()

    # -- export ----------------------------------------------------------------------------------

    def export_image(self, path: Path | str) -> Path:
        """The map as shown (with its legend), as PNG (2× pixels) or SVG (vector), by suffix."""
        background = self.canvas.palette().color(self.canvas.backgroundRole())
        selected = self.scene.selected_ids()
        self.scene.blockSignals(True)
        try:
            self.scene.clearSelection()  # an export shows the map, not what happened to be selected
            return export_scene(
                self.scene, path, background=background, pixel_ratio=2, title="Stakeholder map"
            )
        finally:
            self.scene.select_ids(selected)
            self.scene.blockSignals(False)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export stakeholder map", "stakeholder-map.png", "PNG image (*.png);;SVG (*.svg)"
        )
        if path:
            try:
                self.export_image(path)
            except OSError as exc:
                self.ctx.errorRaised.emit(str(exc))
            else:
                self.statusMessage.emit(f"Exported the map to {path}")
