"""Open views follow other people's changes and keep the user's place; a reconnect reloads them.

Client A has a view open on its TeamContext, something selected and the view
scrolled; client B (a plain Workspace) changes the selected entity and another
one, adds one and deletes one. Each change must show in A's view within two
seconds, read from the widgets, with A's selection and scroll position kept;
B deleting the selected entity must leave nothing (or a neighbour) selected.
After a dropped connection whose notices were lost, the reconnect reloads the
open view, again keeping selection and scroll.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from tests.gui.windows import active, exposed

from pmdesk.core.enums import LaunchFunction, Stage
from pmdesk.gui.gantt.painting import qrect
from pmdesk.gui.lifecycle.columns import VALUE_COLUMNS
from pmdesk.gui.team import TeamContext
from pmdesk.gui.views import VIEWS, BaseView
from pmdesk.store.demo import create_demo
from pmdesk.store.factory import connect_workspace
from pmdesk.store.services import (
    CanvasService,
    LaunchService,
    LifecycleService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.team_copy import file_to_team
from pmdesk.store.team_feed import LOG
from pmdesk.store.workspace import Workspace

TEXT = 'B <b>&amp;</b> "edit" 😀'
PRODUCT = "Pulse Cloud"  # the demo's product with the most rows
EXTRA = 40  # rows B adds before A opens the view, so that every list scrolls
WAIT_MS = 2000
CENTRE = QAbstractItemView.ScrollHint.PositionAtCenter
_serial = itertools.count()


# -- the parts of views the test reads and drives ----------------------------------------------


class Surface:
    """One part of a view showing one kind of entity (a table, a board, a chart)."""

    def prepare(self, view: BaseView, team: Team) -> None:
        """Bring this part on screen (a tab) before the test starts."""

    def ids(self, view: BaseView) -> list[int]:
        raise NotImplementedError

    def shown(self, view: BaseView, entity_id: int) -> str | None:
        """The entity's text as the widget shows it, or None when it is not shown."""
        raise NotImplementedError

    def select(self, view: BaseView, entity_id: int) -> None:
        raise NotImplementedError

    def selected(self, view: BaseView) -> list[int]:
        raise NotImplementedError

    def place(self, view: BaseView, entity_id: int) -> None:
        """Scroll away from the top with the entity in sight."""
        raise NotImplementedError

    def scroll(self, view: BaseView) -> tuple[float, ...]:
        raise NotImplementedError

    def visible(self, view: BaseView, entity_id: int) -> bool:
        return True


class TableSurface(Surface):
    """A table of the view: rows by id, text from the model's display role."""

    def __init__(
        self, field: str, table: Callable[[Any], Any], tab: Callable[[Any], None] | None = None
    ) -> None:
        self.field, self.table, self.tab = field, table, tab

    def prepare(self, view: BaseView, team: Team) -> None:
        if self.tab is not None:
            self.tab(view)

    def _view(self, view: BaseView) -> QAbstractItemView:
        return self.table(view).view

    def ids(self, view: BaseView) -> list[int]:
        model = self.table(view).model
        return [model.id_at(row) for row in range(model.rowCount())]

    def _index(self, view: BaseView, entity_id: int) -> QModelIndex:
        model = self.table(view).model
        row = model.row_of(entity_id)
        return QModelIndex() if row is None else model.index(row, model.column_index(self.field))

    def shown(self, view: BaseView, entity_id: int) -> str | None:
        index = self._index(view, entity_id)
        return index.data(Qt.ItemDataRole.DisplayRole) if index.isValid() else None

    def select(self, view: BaseView, entity_id: int) -> None:
        assert self.table(view).select_id(entity_id)

    def selected(self, view: BaseView) -> list[int]:
        return self.table(view).selected_ids()

    def place(self, view: BaseView, entity_id: int) -> None:
        self._view(view).scrollTo(self._index(view, entity_id), CENTRE)

    def scroll(self, view: BaseView) -> tuple[float, ...]:
        table = self._view(view)
        return (table.verticalScrollBar().value(), table.horizontalScrollBar().value())

    def visible(self, view: BaseView, entity_id: int) -> bool:
        table = self._view(view)
        rect = table.visualRect(self._index(view, entity_id))
        return rect.isValid() and table.viewport().rect().intersects(rect)


class OverviewSurface(TableSurface):
    """The portfolio's Products table (a read-only model of its own)."""

    def __init__(self) -> None:
        super().__init__("name", lambda view: view)

    def _view(self, view: BaseView) -> QAbstractItemView:
        return view.table

    def ids(self, view: BaseView) -> list[int]:
        return [row.id for row in view.model.rows]

    def _index(self, view: BaseView, entity_id: int) -> QModelIndex:
        row = view.model.row_of(entity_id)
        return QModelIndex() if row is None else view.model.index(row, 0)

    def select(self, view: BaseView, entity_id: int) -> None:
        view.select_product(entity_id)

    def selected(self, view: BaseView) -> list[int]:
        rows = view.table.selectionModel().selectedRows()
        return sorted(view.model.rows[index.row()].id for index in rows)


class CardSurface(Surface):
    """The portfolio's lifecycle board: the Innovation column's cards (a list per stage)."""

    def prepare(self, view: BaseView, team: Team) -> None:
        view.tabs.setCurrentWidget(view.board)

    def _column(self, view: BaseView) -> Any:
        return view.board.columns[Stage.INNOVATION]

    def _item(self, view: BaseView, entity_id: int) -> Any:
        column = self._column(view)
        return next(
            (
                column.item(n)
                for n in range(column.count())
                if column.item(n).data(Qt.ItemDataRole.UserRole) == entity_id
            ),
            None,
        )

    def ids(self, view: BaseView) -> list[int]:
        return view.board.card_ids(Stage.INNOVATION)

    def shown(self, view: BaseView, entity_id: int) -> str | None:
        item = self._item(view, entity_id)
        return item.text().split("\n")[0] if item is not None else None

    def select(self, view: BaseView, entity_id: int) -> None:
        self._column(view).setCurrentItem(self._item(view, entity_id))

    def selected(self, view: BaseView) -> list[int]:
        return [i.data(Qt.ItemDataRole.UserRole) for i in self._column(view).selectedItems()]

    def place(self, view: BaseView, entity_id: int) -> None:
        self._column(view).scrollToItem(self._item(view, entity_id), CENTRE)

    def scroll(self, view: BaseView) -> tuple[float, ...]:
        return (self._column(view).verticalScrollBar().value(),)


class MapSurface(TableSurface):
    """The stakeholder map: tokens on the grid and the table beside it select together."""

    def __init__(self) -> None:
        super().__init__("name", lambda view: view.table)

    def shown(self, view: BaseView, entity_id: int) -> str | None:
        in_table = super().shown(view, entity_id)
        on_map = view.scene.people.get(entity_id)
        if in_table is None or on_map is None or entity_id not in view.scene.tokens:
            return None
        assert on_map.name == in_table, "the map and the table disagree"
        return in_table

    def select(self, view: BaseView, entity_id: int) -> None:
        view.select_people([entity_id])

    def selected(self, view: BaseView) -> list[int]:
        on_map = view.scene.selected_ids()
        assert on_map == view.table.selected_ids(), "the map and the table select apart"
        return on_map


class BoardSurface(Surface):
    """The canvas board: notes flowed in blocks; a crowded board scrolls as a whole."""

    def __init__(self) -> None:
        self.block = ""

    def prepare(self, view: BaseView, team: Team) -> None:
        self.block = team.block

    def ids(self, view: BaseView) -> list[int]:
        return [note.data.id for note in view.scene.notes_in(self.block)]

    def shown(self, view: BaseView, entity_id: int) -> str | None:
        note = view.scene.notes.get(entity_id)
        return note.data.text if note is not None else None

    def select(self, view: BaseView, entity_id: int) -> None:
        view.scene.clearSelection()
        view.scene.notes[entity_id].setSelected(True)

    def selected(self, view: BaseView) -> list[int]:
        return view.scene.selected_ids()

    def place(self, view: BaseView, entity_id: int) -> None:
        view.resize(900, 500)  # a crowded block grows and the board scrolls whole, if it must
        bar = view.board.verticalScrollBar()
        assert bar.maximum() > 0, "the crowded board should scroll"
        bar.setValue(bar.maximum() // 2)

    def scroll(self, view: BaseView) -> tuple[float, ...]:
        return (view.board.verticalScrollBar().value(),)


class TimelineSurface(Surface):
    """The roadmap's Gantt chart ("Timeline" tab): bars by item id."""

    def ids(self, view: BaseView) -> list[int]:
        layout = view.chart.model.layout.items
        return sorted(layout, key=lambda i: (view.chart.scene.item_box(i).y, i))

    def shown(self, view: BaseView, entity_id: int) -> str | None:
        model = view.chart.model
        row = model.items.get(entity_id)
        return row.name if row is not None and entity_id in model.layout.items else None

    def select(self, view: BaseView, entity_id: int) -> None:
        view.chart.view.select([entity_id])

    def selected(self, view: BaseView) -> list[int]:
        return sorted(view.chart.model.selected)

    def place(self, view: BaseView, entity_id: int) -> None:
        view.chart.view.centerOn(qrect(view.chart.scene.item_box(entity_id)).center())

    def scroll(self, view: BaseView) -> tuple[float, ...]:
        chart = view.chart.view
        return (chart.verticalScrollBar().value(), chart.horizontalScrollBar().value())

    def visible(self, view: BaseView, entity_id: int) -> bool:
        box = view.chart.scene.item_box(entity_id)
        return box is not None and view.chart.view.visible_scene_rect().intersects(qrect(box))


# -- what B changes ------------------------------------------------------------------------------

Fields = Callable[[Workspace, int, str], dict[str, Any]]


@dataclass
class Subject:
    """One view, the part of it under test, and the kind of entity B edits there."""

    view: str  # the key in VIEWS
    surface: Surface
    repo: Callable[[Workspace], Any]
    field: str  # the stored field B changes and the surface shows
    fields: Fields  # a new row's fields, holding a text
    value: Callable[[str], Any] = str  # the stored value for a text (a number for values)
    shows: Callable[[Any], str] = str  # what the surface shows for a stored value

    def create(self, ws: Workspace, product_id: int, text: str) -> int:
        return self.repo(ws).create(**self.fields(ws, product_id, text)).id

    def update(self, ws: Workspace, entity_id: int, text: str) -> str:
        value = self.value(text)
        self.repo(ws).update(entity_id, **{self.field: value})
        return self.shows(value)


def _product(_ws: Workspace, _product_id: int, text: str) -> dict[str, Any]:
    return {"name": text}


def _person(_ws: Workspace, product_id: int, text: str) -> dict[str, Any]:
    return {"product_id": product_id, "name": text}


def _note(ws: Workspace, product_id: int, text: str) -> dict[str, Any]:
    board = ws.service(CanvasService).boards_of(product_id)[0]
    return {
        "board_id": board.id,
        "block": _crowded_block(ws, board.id),
        "text": text,
        "colour": "#FFF176",
        "position": 1000 + next(_serial),
    }


def _crowded_block(ws: Workspace, board_id: int) -> str:
    blocks = [n.block for n in ws.service(CanvasService).notes_of_board(board_id)]
    return max(sorted(set(blocks)), key=blocks.count)


def _value(ws: Workspace, product_id: int, text: str) -> dict[str, Any]:
    metric = ws.service(LifecycleService).metrics_of(product_id)[0]
    period = dt.date(1990, 1, 1) + dt.timedelta(days=31 * next(_serial))
    return {"metric_id": metric.id, "period": period, "value": _number(text)}


def _number(text: str) -> float:
    return float(1000 + sum(map(ord, text)) % 90_000)


def _value_text(value: float) -> str:
    return VALUE_COLUMNS[1].format(value)


def _item(ws: Workspace, product_id: int, text: str) -> dict[str, Any]:
    lane = ws.service(RoadmapService).lanes_of(product_id)[0]
    start = dt.date.today() + dt.timedelta(days=next(_serial) % 60)
    return {
        "product_id": product_id,
        "lane_id": lane.id,
        "name": text,
        "start_date": start,
        "end_date": start + dt.timedelta(days=9),
    }


def _requirement(_ws: Workspace, product_id: int, text: str) -> dict[str, Any]:
    return {"product_id": product_id, "title": text, "ref": f"T-{next(_serial)}"}


def _task(ws: Workspace, product_id: int, text: str) -> dict[str, Any]:
    launch = ws.service(LaunchService).launches_of(product_id)[0]
    return {
        "launch_id": launch.id,
        "function": LaunchFunction.SUPPORT,
        "title": text,
        "due_date": launch.launch_date,
        "position": next(_serial),
    }


def _tab(tabs: str, page: str) -> Callable[[Any], None]:
    return lambda view: getattr(view, tabs).setCurrentWidget(getattr(view, page))


def _metrics_tab(view: Any) -> None:
    view.tabs.setCurrentIndex(1)


SUBJECTS = {
    "portfolio": Subject(
        "portfolio",
        OverviewSurface(),
        lambda ws: ws.service(PortfolioService).products,
        "name",
        _product,
    ),
    "portfolio board": Subject(
        "portfolio",
        CardSurface(),
        lambda ws: ws.service(PortfolioService).products,
        "name",
        _product,
    ),
    "canvas board": Subject(
        "canvas", BoardSurface(), lambda ws: ws.service(CanvasService).notes, "text", _note
    ),
    "canvas notes": Subject(
        "canvas",
        TableSurface("text", lambda v: v.table, _tab("tabs", "table")),
        lambda ws: ws.service(CanvasService).notes,
        "text",
        _note,
    ),
    "stakeholders": Subject(
        "stakeholders",
        MapSurface(),
        lambda ws: ws.service(StakeholderService).stakeholders,
        "name",
        _person,
    ),
    "lifecycle values": Subject(
        "lifecycle",
        TableSurface("value", lambda v: v.values, _metrics_tab),
        lambda ws: ws.service(LifecycleService).values,
        "value",
        _value,
        value=_number,
        shows=_value_text,
    ),
    "roadmap timeline": Subject(
        "roadmap", TimelineSurface(), lambda ws: ws.service(RoadmapService).items, "name", _item
    ),
    "roadmap items": Subject(
        "roadmap",
        TableSurface("name", lambda v: v.items, _tab("tabs", "items_page")),
        lambda ws: ws.service(RoadmapService).items,
        "name",
        _item,
    ),
    "requirements": Subject(
        "requirements",
        TableSurface("title", lambda v: v.table),
        lambda ws: ws.service(RequirementService).requirements,
        "title",
        _requirement,
    ),
    "launch": Subject(
        "launch",
        TableSurface("title", lambda v: v.tasks),
        lambda ws: ws.service(LaunchService).tasks,
        "title",
        _task,
    ),
}


# -- two clients on the demo portfolio -------------------------------------------------------------


class Team:
    """B (a plain Workspace) and, once a view is opened, A in a TeamContext."""

    def __init__(self, url: str, password: str, qtbot: Any) -> None:
        self.url, self.password, self.qtbot = url, password, qtbot
        self.opened: list[Workspace] = []
        self.b = self._connect()
        self.product_id = self.b.service(PortfolioService).product_by_name(PRODUCT).id
        board = self.b.service(CanvasService).boards_of(self.product_id)[0]
        self.block = _crowded_block(self.b, board.id)
        self.ctx: TeamContext | None = None

    def _connect(self) -> Workspace:
        ws = connect_workspace(self.url, self.password)
        self.opened.append(ws)
        return ws

    def open(self, subject: Subject) -> BaseView:
        """B adds rows enough to scroll; then A connects and opens the view on the product."""
        for n in range(EXTRA):
            subject.create(self.b, self.product_id, f"Extra {n:02d}")
        self.ctx = TeamContext(self._connect())
        spec = next(s for s in VIEWS if s.key == subject.view)
        view = spec.factory(self.ctx, None)
        self.qtbot.addWidget(view)
        view.resize(1400, 850)
        view.show()
        exposed(self.qtbot, view)
        view.set_product(self.product_id)
        subject.surface.prepare(view, self)
        QApplication.sendPostedEvents()  # pending layouts settle before the place is taken
        view.grab()  # paints now: rows and names a view reads lazily are read while connected
        return view

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.close()
        for ws in reversed(self.opened):
            ws.close()


def _admin(server: Any, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(sql)


def _new_database(server: Any, template: str) -> str:
    name = f"views_{uuid.uuid4().hex[:10]}"
    owner = sa.make_url(server.url(name)).username
    _admin(server, f"CREATE DATABASE {name} OWNER {owner} TEMPLATE {template} ENCODING 'UTF8'")
    return name


@pytest.fixture(scope="module")
def demo_template(pg_server: Any, tmp_path_factory: Any) -> Iterator[str]:
    """The demo portfolio on a team database, made once; each test works on a copy of it."""
    name = _new_database(pg_server, "template0")
    demo = create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")
    file_to_team(demo, pg_server.url(name), pg_server.password)
    yield name
    _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def team(demo_template: str, pg_server: Any, qtbot: Any) -> Iterator[Team]:
    name = _new_database(pg_server, demo_template)
    made = Team(pg_server.url(name), pg_server.password, qtbot)
    yield made
    made.close()
    _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Place:
    """Where the user is in the view: what is selected and how far it is scrolled."""

    subject: Subject
    view: BaseView
    chosen: int
    scroll: tuple[float, ...]

    @classmethod
    def take(cls, subject: Subject, view: BaseView, chosen: int) -> Place:
        surface = subject.surface
        surface.select(view, chosen)
        surface.place(view, chosen)
        QApplication.sendPostedEvents()
        view.grab()
        place = cls(subject, view, chosen, surface.scroll(view))
        assert surface.selected(view) == [chosen]
        assert any(place.scroll), "the view should be scrolled for this test"
        assert surface.visible(view, chosen)
        return place

    def check(self, after: str) -> None:
        surface = self.subject.surface
        assert surface.selected(self.view) == [self.chosen], f"selection lost {after}"
        assert surface.scroll(self.view) == self.scroll, f"scroll moved {after}"


def _pick(ids: list[int]) -> tuple[int, int, int]:
    """The selected row in the middle, another above it, one to delete below it."""
    middle = len(ids) // 2
    return ids[middle], ids[middle - 2], ids[middle + 2]


# -- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SUBJECTS))
def test_others_changes_show_while_selection_and_scroll_stay(name, team, qtbot):
    subject = SUBJECTS[name]
    surface = subject.surface
    view = team.open(subject)
    chosen, other, victim = _pick(surface.ids(view))
    place = Place.take(subject, view, chosen)

    def wait_for(entity_id: int, text: str | None) -> None:
        qtbot.waitUntil(lambda: surface.shown(view, entity_id) == text, timeout=WAIT_MS)

    wait_for(chosen, subject.update(team.b, chosen, f"{TEXT} selected"))
    place.check("after B changed the selected one")
    wait_for(other, subject.update(team.b, other, f"{TEXT} other"))
    place.check("after B changed another one")
    added = subject.create(team.b, team.product_id, f"{TEXT} new")
    wait_for(added, subject.shows(subject.value(f"{TEXT} new")))
    place.check("after B added one")
    subject.repo(team.b).delete([victim])
    wait_for(victim, None)
    place.check("after B deleted another one")
    if hasattr(surface, "table") and hasattr(surface.table(view), "count_label"):
        label, count = surface.table(view).count_label.text(), len(surface.ids(view))
        assert label.startswith(f"{count:,} ") and " of " not in label, f"stale count: {label}"

    subject.repo(team.b).delete([chosen])
    wait_for(chosen, None)
    left = surface.selected(view)
    assert chosen not in left and len(left) <= 1
    assert set(left) <= set(surface.ids(view))


@pytest.mark.parametrize("name", list(SUBJECTS))
def test_a_reconnect_reloads_the_open_view_keeping_the_place(name, team, qtbot, pg_server):
    """Notices sent while A was away are lost; the reconnect alone must bring the changes."""
    subject = SUBJECTS[name]
    surface = subject.surface
    view = team.open(subject)
    chosen, _other, victim = _pick(surface.ids(view))
    place = Place.take(subject, view, chosen)
    pg_server.stop()
    try:
        qtbot.waitUntil(lambda: team.ctx.state == "lost", timeout=5000)
    finally:
        pg_server.start()
    # No Qt event runs until the wait below, so A is still away while B edits.
    expected = subject.update(team.b, chosen, f"{TEXT} while away")
    added = subject.create(team.b, team.product_id, f"{TEXT} added while away")
    subject.repo(team.b).delete([victim])
    with team.b.engine.begin() as conn:  # as if the notices had been lost on the way
        conn.execute(sa.delete(LOG))
    qtbot.waitUntil(lambda: team.ctx.state == "connected", timeout=5000)
    qtbot.waitUntil(lambda: surface.shown(view, chosen) == expected, timeout=WAIT_MS)
    assert surface.shown(view, added) == subject.shows(subject.value(f"{TEXT} added while away"))
    assert surface.shown(view, victim) is None
    place.check("after the reconnect")


TABLES = [name for name, subject in SUBJECTS.items() if isinstance(subject.surface, TableSurface)]


@pytest.mark.parametrize("name", TABLES)
def test_scrolled_away_from_the_selection_a_change_does_not_scroll_back(name, team, qtbot):
    subject = SUBJECTS[name]
    surface = subject.surface
    assert isinstance(surface, TableSurface)
    view = team.open(subject)
    chosen, other = surface.ids(view)[1:3]
    surface.select(view, chosen)
    bar = surface._view(view).verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.sendPostedEvents()
    view.grab()
    assert not surface.visible(view, chosen) and bar.value() > 0
    kept = surface.scroll(view)
    for entity_id, text in ((chosen, f"{TEXT} selected"), (other, f"{TEXT} other")):
        shows = subject.update(team.b, entity_id, text)
        qtbot.waitUntil(lambda e=entity_id, s=shows: surface.shown(view, e) == s, timeout=WAIT_MS)
        assert surface.selected(view) == [chosen] and surface.scroll(view) == kept


def test_what_is_typed_in_the_stakeholder_details_survives_others_changes(team, qtbot):
    subject = SUBJECTS["stakeholders"]
    view = team.open(subject)
    chosen, other, _victim = _pick(subject.surface.ids(view))
    subject.surface.select(view, chosen)
    view.side_tabs.setCurrentWidget(view.editor_page)
    name = view.editor.editors["name"]
    active(qtbot, view)
    name.setFocus()
    qtbot.waitUntil(name.hasFocus, timeout=WAIT_MS)
    name.setText("Typed by A, not saved yet <&> 😀")
    people = subject.repo(team.b)
    people.update(other, role=TEXT)
    people.update(chosen, role=TEXT)
    qtbot.waitUntil(lambda: view.editor.editors["role"].text() == TEXT, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.people[other].role == TEXT, timeout=WAIT_MS)
    assert name.text() == "Typed by A, not saved yet <&> 😀"
    assert subject.surface.selected(view) == [chosen]


def test_what_is_typed_in_the_roadmap_item_editor_survives_a_change_of_that_item(team, qtbot):
    subject = SUBJECTS["roadmap timeline"]
    view = team.open(subject)
    chosen = _pick(subject.surface.ids(view))[0]
    active(qtbot, view)
    view.chart.open_item(chosen)
    editor = view.chart.editor
    qtbot.waitUntil(editor.name.hasFocus, timeout=WAIT_MS)
    editor.name.setText("Typed by A <&> 😀")
    subject.repo(team.b).update(chosen, progress=73)
    qtbot.waitUntil(lambda: editor.progress.value() == 73, timeout=WAIT_MS)
    assert editor.name.text() == "Typed by A <&> 😀" and editor.item_id == chosen
    assert subject.surface.selected(view) == [chosen]


def test_a_product_deleted_while_away_leaves_the_view_without_it(team, qtbot, pg_server):
    subject = SUBJECTS["requirements"]
    view = team.open(subject)
    pg_server.stop()
    try:
        qtbot.waitUntil(lambda: team.ctx.state == "lost", timeout=5000)
    finally:
        pg_server.start()
    team.b.service(PortfolioService).products.delete([team.product_id])
    with team.b.engine.begin() as conn:
        conn.execute(sa.delete(LOG))
    qtbot.waitUntil(lambda: view.product_id is None, timeout=5000)
    assert team.ctx.state == "connected" and view.model.rowCount() == 0


def test_a_table_painted_while_the_server_is_away_is_blank_not_an_error(team, qtbot, pg_server):
    subject = SUBJECTS["launch"]
    view = team.open(subject)
    chosen = _pick(subject.surface.ids(view))[0]
    pg_server.stop()
    try:
        qtbot.waitUntil(lambda: team.ctx.state == "lost", timeout=5000)
        view.overdue.invalidate()  # the overdue dates must be read again to paint
        view.grab()  # no exception: the cells it cannot read stay blank for now
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: team.ctx.state == "connected", timeout=5000)
    assert subject.surface.shown(view, chosen) is not None and view.overdue.data is not None


# -- the models under a reload, checked by Qt's model tester (a local file is enough) -----------


def test_a_reload_settles_an_entity_table_row_by_row(workspace, qtbot, qtmodeltester):
    from pmdesk.core.changes import ChangeSet
    from pmdesk.gui.context import AppContext
    from pmdesk.gui.widgets.columns import Column
    from pmdesk.gui.widgets.entity_model import EntityTableModel
    from pmdesk.store.queries import TableQuery

    ctx = AppContext(workspace)
    products = ctx.service(PortfolioService).products
    ids = [products.create(name=f"P{n:02d}").id for n in range(12)]
    model = EntityTableModel(ctx, products, [Column("name", "Name")])
    model.set_query(TableQuery.where_equal(products))
    ctx.changed.disconnect(model.apply_changes)  # its notices are lost, as while away
    qtmodeltester.check(model, force_py=True)
    kept = QPersistentModelIndex(model.index(model.row_of(ids[6]), 0))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    products.update(ids[6], name=TEXT)
    products.delete([ids[2]])
    added = products.create(name="P00 first").id
    assert model.row_of(added) is None and kept.data() == "P06"
    model.apply_changes(ChangeSet.everything(["product"]))
    assert not resets and kept.isValid() and kept.data() == TEXT
    assert model.row_of(ids[2]) is None and model.row_of(added) is not None
    assert [model.id_at(r) for r in range(model.rowCount())] == TableQuery.where_equal(
        products
    ).ids()
    ctx.close()


def test_the_overview_model_keeps_its_rows_in_place(qtmodeltester):
    from pmdesk.core.enums import Stage
    from pmdesk.core.lifecycle import Health
    from pmdesk.gui.portfolio.overview import OverviewModel
    from pmdesk.store.services.portfolio import ProductOverview

    def row(number: int, name: str) -> ProductOverview:
        return ProductOverview(number, name, Stage.INNOVATION, "", None, Health("green", "ok"))

    model = OverviewModel()
    model.set_rows([row(0, "a"), row(1, "b"), row(2, "c"), row(3, "d")])
    qtmodeltester.check(model, force_py=True)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    kept = QPersistentModelIndex(model.index(2, 0))  # "c"
    model.set_rows([row(3, "d"), row(2, TEXT), row(0, "a"), row(9, "e")])
    assert not resets and kept.isValid() and kept.data() == TEXT
    assert [r.id for r in model.rows] == [3, 2, 0, 9]


def test_every_view_takes_a_reload_of_every_table(tmp_path, qtbot):
    """What a reconnect publishes reaches every view at once: none fails, none loses rows."""
    from pmdesk.core.changes import ChangeSet
    from pmdesk.gui.context import AppContext
    from pmdesk.store.models import Base

    ws = Workspace.open(create_demo(tmp_path / "demo.pmdesk"))
    ctx = AppContext(ws)
    product_id = ctx.service(PortfolioService).product_by_name(PRODUCT).id
    views = []
    for spec in VIEWS:
        view = spec.factory(ctx, None)
        qtbot.addWidget(view)
        view.resize(1400, 850)
        view.show()
        view.set_product(product_id)
        if spec.key == "roadmap":  # its tables are built when their tab shows, or asked for
            _ = (view.items, view.dependencies, view.lanes)
        views.append(view)

    def rows() -> list[list[int]]:
        """Rows of every table a view shows: its entity tables, or (a view built on item
        models of its own, such as Market) every table view in it."""
        from PySide6.QtWidgets import QTableView

        return [
            [t.model.rowCount() for t in view.tables()]
            or [v.model().rowCount() for v in view.findChildren(QTableView) if v.model()]
            for view in views
        ]

    before = rows()
    assert all(before), "every view shows rows of the demo"
    with qtbot.waitSignal(ctx.changed):
        ws.changes.publish(ChangeSet.everything(Base.metadata.tables))
    assert rows() == before
    for spec, view in zip(VIEWS, views, strict=True):
        assert view.product_id == product_id, spec.key
        view.grab()  # paints after the reload without an error
    ctx.close()
    ws.close()
