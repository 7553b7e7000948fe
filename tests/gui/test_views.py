"""The seven views on a filled workspace file: they show the product's rows, edit through
undoable commands, refuse bad edits without touching the file, and follow changes made
anywhere else in the app.

These are also the tests of the generic table (``gui/widgets``) inside real views: the plain
table views of portfolio, lifecycle and roadmap, and the ``EntityTable``s the canvas,
stakeholder map, requirements and launch views embed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QCoreApplication, QEvent, QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QWidget
from tests.gui.windows import click_tab

from pmdesk.core.enums import (
    Attitude,
    CanvasTemplate,
    ItemKind,
    LaunchFunction,
    RaciActivity,
    RaciRole,
    Stage,
    TaskStatus,
)
from pmdesk.core.wording import short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.portfolio.overview import HEADERS
from pmdesk.gui.stakemap.style import DUE, OVERDUE
from pmdesk.gui.views import VIEWS, BaseView
from pmdesk.store.models import RoadmapItem
from pmdesk.store.services import (
    CanvasService,
    FinanceService,
    LaunchService,
    LifecycleService,
    MarketService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import Workspace

TRICKY = 'Fast & "safe" <b>reports</b> 🚀'
TODAY = dt.date.today()  # taken again as each test starts (today_at_each_test)
pytestmark = pytest.mark.usefixtures("today_at_each_test")


@dataclass
class Filled:
    ws: Workspace
    product: int
    other: int


def fill(ws: Workspace) -> Filled:
    """A product with rows in every table a view shows, and a second product beside it."""
    portfolio = ws.service(PortfolioService)
    atlas = portfolio.create_product(
        name="Atlas",
        owner="Dana Reyes",
        segment="Field service",
        tagline=TRICKY,
        stage="Development",
    )
    other = portfolio.create_product(name="Borealis", stage="In-life", owner="Sam Ode")
    pid = atlas.id

    canvas = ws.service(CanvasService)
    board = canvas.boards.create(product_id=pid, name="Product Canvas")
    for n, (block, text) in enumerate(
        [
            ("target_customers", "Field engineers in utilities"),
            ("problems", "Paper forms get lost & re-typed"),
            ("value_proposition", TRICKY),
            ("key_features", "Offline forms\nPhoto capture"),
            ("goals_kpis", "Cut report time by 50%"),
        ]
    ):
        canvas.notes.create(board_id=board.id, block=block, text=text, position=n, votes=n)
    canvas.boards.create(product_id=other.id, name="Other canvas")

    people = ws.service(StakeholderService)
    stakeholders = [
        people.stakeholders.create(
            product_id=pid,
            name=name,
            department=dept,
            attitude=att,
            power=power,
            interest=interest,
            next_contact=contact,
        )
        for name, dept, att, power, interest, contact in [
            ("Ana Silva", "Sales", Attitude.CHAMPION, 8, 9, TODAY - dt.timedelta(days=3)),
            ("Ben Okafor", "Development", Attitude.SUPPORTER, 6, 3, TODAY + dt.timedelta(days=5)),
            ("Chloé Martin", "Finance", Attitude.CRITIC, 3, 7, None),
            ("Dev Patel <CTO>", "Senior management", Attitude.BLOCKER, 9, 2, None),
        ]
    ]
    people.stakeholders.create(product_id=other.id, name="Elsewhere")

    lifecycle = ws.service(LifecycleService)
    lifecycle.gates.create(
        product_id=pid,
        stage=Stage.ANALYSIS,
        decision="go",
        decided_on=TODAY - dt.timedelta(days=40),
        decided_by_name="Board",
        criteria=[{"text": "Business case", "met": True}, {"text": "Budget", "met": False}],
        rationale=TRICKY,
    )
    revenue = lifecycle.metrics.create(product_id=pid, name="Revenue", kind="revenue", unit="€")
    lifecycle.metrics.create(product_id=pid, name="NPS", kind="kpi", target=40, sort_order=1)
    for month in range(1, 7):
        lifecycle.values.create(
            metric_id=revenue.id, period=dt.date(2026, month, 1), value=1000.0 * month
        )
    lifecycle.eliminations.create(product_id=other.id, opened_on=TODAY)
    lifecycle.eliminations.create(product_id=pid, opened_on=TODAY, rationale="Early look")

    roadmap = ws.service(RoadmapService)
    lanes = [
        roadmap.lanes.create(product_id=pid, name=name, sort_order=n)
        for n, name in enumerate(["Platform", "Mobile", "Launch"])
    ]
    items = []
    for n in range(9):
        start = dt.date(2027, 1, 4) + dt.timedelta(days=14 * n)
        items.append(
            roadmap.items.create(
                product_id=pid,
                lane_id=lanes[n % 3].id,
                name=f"Item {n} {TRICKY if n == 4 else ''}",
                start_date=start,
                end_date=start + dt.timedelta(days=9),
                kind=ItemKind.MILESTONE if n == 8 else ItemKind.FEATURE,
            )
        )
    for first, second in [(0, 1), (1, 2), (3, 4)]:
        roadmap.dependencies.create(predecessor_id=items[first].id, successor_id=items[second].id)
    other_lane = roadmap.lanes.create(product_id=other.id, name="Elsewhere")
    roadmap.items.create(
        product_id=other.id,
        lane_id=other_lane.id,
        name="Not Atlas",
        start_date=TODAY,
        end_date=TODAY,
    )

    requirements = ws.service(RequirementService)
    reqs = [
        requirements.requirements.create(
            product_id=pid,
            ref=f"REQ-{n + 1}",
            title=title,
            story_role="field engineer",
            story_goal=f"to {title}",
            story_benefit="I save time",
            reach=100 * (n + 1),
            impact=2,
            confidence=80,
            effort=n + 1,
        )
        for n, title in enumerate(["work offline", "attach photos", "sign on glass", TRICKY])
    ]
    requirements.customers.create(
        requirement_id=reqs[0].id, customer="Utility & Co", revenue=120000
    )
    requirements.customers.create(requirement_id=reqs[0].id, customer="GridWorks", revenue=30000)

    launches = ws.service(LaunchService)
    launch = launches.launches.create(
        product_id=pid,
        name="Atlas 1.0",
        launch_date=TODAY + dt.timedelta(days=60),
        pos_target="field engineers",
        pos_need=TRICKY,
    )
    for n, (function, status) in enumerate(
        [
            (LaunchFunction.MARKETING, TaskStatus.DONE),
            (LaunchFunction.MARKETING, TaskStatus.TODO),
            (LaunchFunction.SUPPORT, TaskStatus.DONE),
            (LaunchFunction.LEGAL, TaskStatus.NOT_APPLICABLE),
            (LaunchFunction.SALES_ENABLEMENT, TaskStatus.IN_PROGRESS),
        ]
    ):
        launches.tasks.create(
            launch_id=launch.id,
            function=function,
            title=f"Task {n}",
            status=status,
            due_offset_days=-10 * n,
            due_date=launch.launch_date - dt.timedelta(days=10 * n),
            owner_id=stakeholders[n % 4].id,
        )
    for audience in ("Buyers", "Engineers"):
        launches.messages.create(launch_id=launch.id, audience=audience, message=TRICKY)
    tasks = launches.tasks_of(launch.id)
    people.raci.create(
        product_id=pid,
        stakeholder_id=stakeholders[0].id,
        activity=RaciActivity.LAUNCH_TASK,
        launch_task_id=tasks[0].id,
        role=RaciRole.ACCOUNTABLE,
    )
    people.raci.create(
        product_id=pid,
        stakeholder_id=stakeholders[1].id,
        activity=RaciActivity.SPEC_SIGNOFF,
        role=RaciRole.RESPONSIBLE,
    )
    finance = ws.service(FinanceService)
    finance.set_driver(finance.create_case(pid, horizon=12), "price", "€1,250")
    market = ws.service(MarketService)
    rival = market.add_competitor(TRICKY[:40], product_ids=[pid], market_overlap=4)
    market.add_win_loss(rival, "lost", "2026-03-01", deal=TRICKY, reason="Price", product_id=pid)
    return Filled(ws, pid, other.id)


# Views made by a test live until its teardown, then are deleted there and then: a view
# left to Python's garbage collector could be collected while Qt is painting it.
_ALIVE: list[QWidget] = []


@pytest.fixture(autouse=True)
def _delete_views_after_each_test():
    yield
    while _ALIVE:
        widget = _ALIVE.pop()
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[object, int, int]:
    """Filled once per module (a few hundred fsynced commits), then copied for each test."""
    path = tmp_path_factory.mktemp("template") / "filled.pmdesk"
    ws = Workspace.create(path, name="Test portfolio")
    made = fill(ws)
    ws.close()
    return path, made.product, made.other


@pytest.fixture
def filled(template, tmp_path) -> Filled:
    path, product, other = template
    copy = tmp_path / "filled.pmdesk"
    shutil.copyfile(path, copy)
    ws = Workspace.open(copy)
    yield Filled(ws, product, other)
    ws.close()


@pytest.fixture
def ctx(filled, qtbot):
    context = AppContext(filled.ws)
    yield context
    context.close()


# The views the app shows; each embeds EntityTables whose rows are edited the generic way
# (the portfolio's in its "Edit products" tab, ``editor``).
TABLE_VIEWS = VIEWS


def make_view(ctx: AppContext, qtbot, key: str, product: int | None) -> BaseView:
    spec = next(s for s in TABLE_VIEWS if s.key == key)
    view = spec.factory(ctx, None)
    qtbot.addWidget(view)
    _ALIVE.append(view)
    view.resize(1400, 850)
    view.set_product(product)
    return view


def dump(ws: Workspace) -> dict[str, list]:
    """Every table but the history of edits (an undo is itself an edit it keeps)."""
    with ws.engine.connect() as conn:
        return {
            t: sorted(map(tuple, conn.exec_driver_sql(f'SELECT * FROM "{t}"').fetchall()), key=repr)
            for t in sa.inspect(conn).get_table_names()
            if t not in ("change_edit", "change_entry")
        }


def reread(ws: Workspace, sql: str) -> list[tuple]:
    """Read through a separate read-only connection: what is really in the file."""
    other = Workspace.open(ws.path, read_only=True)
    try:
        with other.engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()]
    finally:
        other.close()


# -- the contract with the window ----------------------------------------------------------------


def test_views_are_listed_in_order_with_titles():
    assert [(s.key, s.title) for s in VIEWS] == [
        ("portfolio", "Portfolio"),
        ("canvas", "Canvas"),
        ("stakeholders", "Stakeholders"),
        ("lifecycle", "Lifecycle"),
        ("business_case", "Business case"),
        ("market", "Market"),
        ("roadmap", "Roadmap"),
        ("requirements", "Requirements"),
        ("launch", "Launch"),
    ]


def test_importing_the_views_package_stays_cheap():
    code = (
        "import sys, pmdesk.gui.views;"
        "heavy=[m for m in sys.modules if m.split('.')[0] in ('pyqtgraph','reportlab','numpy')"
        " or m.startswith('pmdesk.gui.views.')"
        " and m not in ('pmdesk.gui.views.base', 'pmdesk.gui.views.hooks')];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("key", [s.key for s in TABLE_VIEWS if s.key != "portfolio"])
def test_without_a_product_a_view_asks_for_one(ctx, qtbot, key):
    view = make_view(ctx, qtbot, key, None)
    view.show()
    assert view.placeholder.isVisible()
    assert view.placeholder.text() == "Select or create a product"
    assert not view.has_selection()
    view.delete_selected()  # nothing to delete: no error, no undo step
    assert ctx.undo_stack.count() == 0


# -- every view shows the product's rows ---------------------------------------------------------


def _counts(view: BaseView, key: str, f: Filled) -> list[tuple[object, int]]:
    ws, pid = f.ws, f.product
    if key == "portfolio":
        products = len(ws.service(PortfolioService).list_products())
        return [(view.model, products), (view.editor.model, products)]
    if key == "canvas":
        board = ws.service(CanvasService).boards_of(pid)[0]
        return [(view.table.model, len(ws.service(CanvasService).notes_of_board(board.id)))]
    if key == "stakeholders":
        # The RACI assignments are a matrix now, not a generic table: test_stakemap.py's
        # test_raci_a_moves_in_one_step_and_a_row_without_r_is_flagged covers them.
        return [(view.model, len(ws.service(StakeholderService).stakeholders_of(pid)))]
    if key == "lifecycle":
        service = ws.service(LifecycleService)
        metric = service.metrics_of(pid)[0]
        return [
            (view.periods.model, len(service.periods_of(pid))),
            (view.gates.model, len(service.gates_of(pid))),
            (view.metrics.model, len(service.metrics_of(pid))),
            (view.values.model, len(service.values_of(metric.id))),
            (view.elimination.reviews.model, len(service.eliminations_of(pid))),
        ]
    if key == "roadmap":
        service = ws.service(RoadmapService)
        return [
            (view.items.model, len(service.items_of(pid))),
            (view.dependencies.model, len(service.dependencies_of(pid))),
            (view.lanes.model, len(service.lanes_of(pid))),
        ]
    if key == "requirements":
        return [(view.model, len(ws.service(RequirementService).requirements_of(pid)))]
    if key == "market":  # its competitors, its deals and their summary
        market = ws.service(MarketService)
        return [
            (view.model, len(market.competitors(pid))),
            (view.deals, len(market.win_losses(product_id=pid))),
            (view.summary, len(market.win_loss_summaries(product_id=pid))),
        ]
    if key == "business_case":  # its drivers, its scenarios' figures, its periods 0 … 12
        case = ws.service(FinanceService).business_case(pid)
        return [(view.drivers, len(case.drivers)), (view.cash, case.settings.horizon + 1)]
    service = ws.service(LaunchService)
    launch = service.launches_of(pid)[0]
    return [
        (view.tasks.model, len(service.tasks_of(launch.id))),
        (view.messages.model, len(service.messages_of(launch.id))),
    ]


@pytest.mark.parametrize("key", [s.key for s in TABLE_VIEWS])
def test_each_view_shows_the_products_rows(ctx, qtbot, filled, key, qtmodeltester):
    view = make_view(ctx, qtbot, key, filled.product)
    counts = _counts(view, key, filled)
    assert all(expected > 0 for _model, expected in counts)
    for model, expected in counts:
        assert model.rowCount() == expected
        qtmodeltester.check(model)


@pytest.mark.parametrize("key", ["canvas", "stakeholders", "roadmap"])
def test_switching_product_shows_the_other_products_rows(ctx, qtbot, filled, key):
    view = make_view(ctx, qtbot, key, filled.product)
    view.set_product(filled.other)
    for model, expected in _counts(view, key, Filled(filled.ws, filled.other, filled.product)):
        assert model.rowCount() == expected


def test_headings_grow_with_zoom(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "lifecycle", filled.product)
    view.show()
    heading, table_title = view.title, view.metrics.title_label
    sizes = heading.font().pointSizeF(), table_title.font().pointSizeF()
    larger = view.font()
    larger.setPointSizeF(larger.pointSizeF() * 2)
    view.setFont(larger)  # what Zoom In or the projector do to the view area
    assert heading.font().pointSizeF() == pytest.approx(2 * sizes[0])
    assert table_title.font().pointSizeF() == pytest.approx(2 * sizes[1])
    assert heading.font().bold()


def test_user_text_in_titles_is_never_read_as_markup(ctx, qtbot, filled):
    service = filled.ws.service(LifecycleService)
    metric = service.metrics_of(filled.product)[0]
    service.metrics.update(metric.id, name="<b>Revenue</b> & more")
    view = make_view(ctx, qtbot, "lifecycle", filled.product)
    title = view.values.title_label
    assert title.text() == "Values of <b>Revenue</b> & more"
    assert title.textFormat() == Qt.TextFormat.PlainText


def test_user_text_is_shown_exactly_as_typed(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "requirements", filled.product)
    titles = [
        view.model.index(r, view.model.column_index("title")).data()
        for r in range(view.model.rowCount())
    ]
    assert TRICKY in titles
    portfolio = make_view(ctx, qtbot, "portfolio", None).editor.model
    taglines = [
        portfolio.index(r, portfolio.column_index("tagline")).data()
        for r in range(portfolio.rowCount())
    ]
    assert TRICKY in taglines


# -- editing writes to the file, undo puts it back -----------------------------------------------


def test_editing_a_cell_writes_the_file_and_undo_reverts_it(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "roadmap", filled.product)
    model = view.items.model
    row = 0
    item_id = model.id_at(row)
    column = model.column_index("progress")
    assert model.setData(model.index(row, column), 40, Qt.ItemDataRole.EditRole)
    sql = f"SELECT progress FROM roadmap_item WHERE id = {item_id}"
    assert reread(filled.ws, sql) == [(40,)]
    assert model.index(row, column).data() == "40%"
    assert ctx.undo_stack.undoText().startswith("Edit progress of")
    ctx.undo()
    assert reread(filled.ws, sql) == [(0,)]
    assert model.index(row, column).data() == "0%"


def test_an_enum_edit_by_label_is_stored_by_value(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "stakeholders", filled.product)
    model = view.model
    column = model.column_index("attitude")
    assert model.setData(model.index(0, column), Attitude.NEUTRAL, Qt.ItemDataRole.EditRole)
    sid = model.id_at(0)
    assert reread(filled.ws, f"SELECT attitude FROM stakeholder WHERE id = {sid}") == [("neutral",)]
    assert model.index(0, column).data() == "Neutral"


@pytest.mark.parametrize(
    ("key", "table", "field", "value", "message"),
    [
        ("portfolio", "editor", "name", "   ", "cannot be empty"),
        ("roadmap", "items", "progress", 250, "outside 0 to 100"),  # start/end edit as a pair
        ("requirements", "table", "effort", 0, "more than zero"),
        ("stakeholders", "table", "power", 11, "outside 0 to 10"),
    ],
)
def test_a_refused_edit_leaves_the_file_unchanged(
    ctx, qtbot, filled, key, table, field, value, message
):
    view = make_view(ctx, qtbot, key, filled.product)
    model = getattr(view, table).model
    index = model.index(0, model.column_index(field))
    before_text = index.data()
    before = dump(filled.ws)
    with qtbot.waitSignal(ctx.errorRaised) as blocker:
        assert not model.setData(index, value, Qt.ItemDataRole.EditRole)
    assert message in blocker.args[0]
    assert dump(filled.ws) == before
    assert index.data() == before_text
    assert ctx.undo_stack.count() == 0


# -- adding and deleting --------------------------------------------------------------------------

ADDABLE = [
    ("portfolio", "editor"),
    ("canvas", "table"),
    ("stakeholders", "table"),
    # RACI assignments are added in the stakeholder map's matrix, not a generic table:
    # test_stakemap.py::test_raci_a_moves_in_one_step_and_a_row_without_r_is_flagged.
    # Gate reviews are recorded only through the gate review dialog, which holds the rules
    # (a named decider, no Go over unmet criteria without a reason): test_lifecycle_view.py.
    # An elimination review is opened with its own button, which flags and dates it:
    # test_lifecycle_view.py.
    ("lifecycle", "metrics"),
    ("lifecycle", "values"),
    ("roadmap", "items"),
    ("roadmap", "dependencies"),
    ("roadmap", "lanes"),
    ("requirements", "table"),
    ("launch", "tasks"),
    ("launch", "messages"),
]


@pytest.mark.parametrize(("key", "table_name"), ADDABLE)
def test_add_creates_a_row_starts_editing_it_and_undo_removes_it(
    ctx, qtbot, filled, key, table_name
):
    view = make_view(ctx, qtbot, key, filled.product)
    view.show()
    table = getattr(view, table_name)
    model = table.model
    before_rows, before = model.rowCount(), dump(filled.ws)
    new_id = table.add_row()
    assert new_id is not None
    assert model.rowCount() == before_rows + 1
    assert table.view.currentIndex().row() == model.row_of(new_id)
    assert table.view.state() == table.view.State.EditingState
    table.view.closePersistentEditor(table.view.currentIndex())
    kind = model.repo.kind
    assert reread(filled.ws, f"SELECT count(*) FROM {kind} WHERE id = {new_id}") == [(1,)]
    ctx.undo()
    assert model.rowCount() == before_rows
    assert model.row_of(new_id) is None
    assert dump(filled.ws) == before


def test_adding_a_product_starts_its_lifecycle_and_redo_brings_back_the_same_row(
    ctx, qtbot, filled
):
    view = make_view(ctx, qtbot, "portfolio", None)
    first = view.editor.add_row()
    second = view.editor.add_row()
    names = {p.id: p.name for p in filled.ws.service(PortfolioService).list_products()}
    assert (names[first], names[second]) == ("New product", "New product 2")
    assert len(filled.ws.service(LifecycleService).periods_of(first)) == 1
    ctx.undo()
    ctx.undo()
    ctx.redo()
    assert view.editor.model.row_of(first) is not None
    assert view.model.row_of(first) is not None  # the overview too
    assert len(filled.ws.service(LifecycleService).periods_of(first)) == 1


def test_delete_of_several_rows_is_one_step_and_undo_restores_the_same_ids(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "roadmap", filled.product)
    view.show()
    table = view.items
    model = table.model
    click_tab(qtbot, view.tabs, "Items")
    table.view.setFocus()
    for row in (1, 2, 5):
        table.view.selectionModel().select(
            model.index(row, 0),
            table.view.selectionModel().SelectionFlag.Select
            | table.view.selectionModel().SelectionFlag.Rows,
        )
    doomed = table.selected_ids()
    assert len(doomed) == 3 and view.has_selection()
    before = dump(filled.ws)
    with qtbot.waitSignal(view.statusMessage) as said:
        view.delete_selected()
    assert said.args == ["Delete 3 items (Undo brings them back)"]
    assert ctx.undo_stack.count() == 1
    assert model.rowCount() == 6
    assert all(model.row_of(i) is None for i in doomed)
    ids_sql = "SELECT id FROM roadmap_item WHERE id IN ({})".format(",".join(map(str, doomed)))
    assert reread(filled.ws, ids_sql) == []
    ctx.undo()
    assert sorted(i for (i,) in reread(filled.ws, ids_sql)) == sorted(doomed)
    assert dump(filled.ws) == before
    assert model.rowCount() == 9
    assert [model.row_of(i) for i in doomed] == [1, 2, 5]  # back where they were


def test_deleting_a_lane_with_items_removes_them_from_the_items_table(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "roadmap", filled.product)
    lanes = view.lanes
    lane_id = lanes.model.id_at(0)
    lanes.view.selectRow(0)
    lanes.delete_selected()
    in_lane = [
        r
        for r in range(view.items.model.rowCount())
        if view.items.model.entity(r).lane_id == lane_id
    ]
    assert in_lane == [] and view.items.model.rowCount() == 6
    ctx.undo()
    assert view.items.model.rowCount() == 9


# -- following changes made elsewhere -------------------------------------------------------------


def test_a_change_made_elsewhere_shows_up_and_keeps_the_selection(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "roadmap", filled.product)
    table = view.items
    model = table.model
    table.view.selectRow(4)
    selected = table.selected_ids()
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    service = filled.ws.service(RoadmapService)
    service.items.update(model.id_at(0), name="Renamed elsewhere")
    assert model.index(0, model.column_index("name")).data() == "Renamed elsewhere"
    lane = service.lanes_of(filled.product)[0]
    service.lanes.update(lane.id, name="Core platform")
    lanes_shown = {
        model.index(r, model.column_index("lane_id")).data() for r in range(model.rowCount())
    }
    assert "Core platform" in lanes_shown and "Platform" not in lanes_shown
    new = service.items.create(
        product_id=filled.product,
        lane_id=lane.id,
        name="Late addition",
        start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2030, 1, 2),
    )
    assert model.row_of(new.id) is not None
    service.items.create(
        product_id=filled.other,
        lane_id=service.lanes_of(filled.other)[0].id,
        name="Another product",
        start_date=TODAY,
        end_date=TODAY,
    )
    assert model.rowCount() == 10
    assert table.selected_ids() == selected
    assert resets == []


def test_the_lifecycle_header_follows_a_stage_change(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "lifecycle", filled.product)
    assert "Development" in view.title.text()
    assert "since" in view.status.text()
    filled.ws.service(PortfolioService).products.update(filled.product, stage="Go-to-Market")
    assert "Go-to-Market" in view.title.text()
    assert view.periods.model.rowCount() == len(
        filled.ws.service(LifecycleService).periods_of(filled.product)
    )


def test_deleting_the_shown_product_elsewhere_empties_the_view(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "roadmap", filled.product)
    view.show()
    filled.ws.service(PortfolioService).products.delete(filled.product)
    assert view.product_id is None and view.placeholder.isVisible()


# -- the views' own details ------------------------------------------------------------------------


def test_double_click_on_a_product_name_activates_it(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "portfolio", None)
    view.show()
    for page, tab in ((view.table, 0), (view.editor_page, view.tabs.indexOf(view.editor_page))):
        click_tab(qtbot, view.tabs, view.tabs.tabText(tab))
        assert view.tabs.currentWidget() is page
        table, model = (
            (view.table, view.model) if tab == 0 else (view.editor.view, view.editor.model)
        )
        row = model.row_of(filled.other)
        rect = table.visualRect(model.index(row, 0))  # the product's name
        with qtbot.waitSignal(view.productActivated) as blocker:
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert blocker.args == [filled.other]


def test_portfolio_shows_the_next_milestone(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "portfolio", None)
    model = view.model
    row = model.row_of(filled.product)
    column = HEADERS.index("Next milestone")
    service = filled.ws.service(RoadmapService)
    lane = service.lanes_of(filled.product)[0]
    soon = TODAY + dt.timedelta(days=3)
    service.items.create(
        product_id=filled.product,
        lane_id=lane.id,
        name="Beta",
        kind="milestone",
        start_date=soon,
        end_date=soon,
    )
    assert model.index(row, column).data() == f"{short_date(soon)} · Beta"  # the day first


def test_requirements_show_rice_revenue_and_story(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "requirements", filled.product)
    model = view.model
    row = next(r for r in range(model.rowCount()) if model.entity(r).ref == "REQ-1")

    def cell(field):
        return model.index(row, model.column_index(field))

    assert cell("rice").data() == "160"  # 100 × 2 × 80% ÷ 1
    assert "100 reach × 2 impact × 80% confidence" in cell("rice").data(Qt.ItemDataRole.ToolTipRole)
    assert cell("revenue").data() == "150,000"
    assert cell("revenue").data(Qt.ItemDataRole.ToolTipRole) == "2 customers"
    model.setData(cell("effort"), 2, Qt.ItemDataRole.EditRole)
    assert cell("rice").data() == "80"
    view.table.view.setCurrentIndex(cell("title"))
    assert view.editor.requirement_id == model.id_at(row)
    assert view.editor.form.editors["story_role"].text() == "field engineer"
    assert (
        view.editor.story.text()
        == "As a field engineer, I want to work offline so that I save time."
    )


def test_stakeholders_show_quadrant_and_overdue_contacts(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "stakeholders", filled.product)
    model = view.model
    rows = {model.entity(r).name: r for r in range(model.rowCount())}
    quadrant = model.column_index("quadrant")
    assert model.index(rows["Ana Silva"], quadrant).data() == "Manage closely"
    assert model.index(rows["Dev Patel <CTO>"], quadrant).data() == "Keep satisfied"
    contact = model.column_index("next_contact")

    def colour(name):
        return model.index(rows[name], contact).data(Qt.ItemDataRole.ForegroundRole)

    assert colour("Ana Silva").name().upper() == OVERDUE.upper()
    assert colour("Ben Okafor").name().upper() == DUE.upper()  # due within 14 days
    assert colour("Chloé Martin") is None  # no contact planned
    model.setData(
        model.index(rows["Ana Silva"], model.column_index("interest")), 2, Qt.ItemDataRole.EditRole
    )
    assert model.index(rows["Ana Silva"], quadrant).data() == "Keep satisfied"


def test_one_cell_edit_writing_two_fields_is_one_undo_step(ctx, qtbot, filled):
    # This was the old RACI table's "For" column (activity and target together). RACI is now
    # the stakeholder map's matrix, so the launch checklist's "Due" column carries the same
    # machinery: a computed value whose edit becomes several field changes.
    view = make_view(ctx, qtbot, "launch", filled.product)
    model = view.tasks.model
    row = next(r for r in range(model.rowCount()) if model.entity(r).title == "Task 1")
    task_id = model.id_at(row)
    service = filled.ws.service(LaunchService)
    before = service.tasks.get(task_id)
    assert before.due_offset_days == -10
    due = model.index(row, model.column_index("due"))
    assert due.data(Qt.ItemDataRole.EditRole) == "L−10"
    assert model.setData(due, "2031-05-04", Qt.ItemDataRole.EditRole)
    task = service.tasks.get(task_id)
    assert (task.due_date, task.due_offset_days) == (dt.date(2031, 5, 4), None)
    assert due.data() == "2031-05-04"
    assert ctx.undo_stack.count() == 1
    ctx.undo()
    task = service.tasks.get(task_id)
    assert (task.due_date, task.due_offset_days) == (before.due_date, -10)
    assert due.data() == f"{before.due_date} (L−10)"


def test_a_reference_column_shows_names_and_edits_by_id(ctx, qtbot, filled):
    # The old RACI table's "Stakeholder" column, now the launch checklist's "Owner".
    view = make_view(ctx, qtbot, "launch", filled.product)
    model = view.tasks.model
    row = next(r for r in range(model.rowCount()) if model.entity(r).title == "Task 3")
    owner = model.index(row, model.column_index("owner_id"))
    assert owner.data() == "Dev Patel <CTO>"  # shown exactly as typed, not as markup
    people = filled.ws.service(StakeholderService)
    ana = next(p for p in people.stakeholders_of(filled.product) if p.name == "Ana Silva")
    assert model.setData(owner, ana.id, Qt.ItemDataRole.EditRole)
    assert owner.data() == "Ana Silva"
    sql = f"SELECT owner_id FROM launch_task WHERE id = {model.id_at(row)}"
    assert reread(filled.ws, sql) == [(ana.id,)]
    people.stakeholders.update(ana.id, name="Ana Silva & team 🚀")  # renamed elsewhere
    assert owner.data() == "Ana Silva & team 🚀"
    ctx.undo()
    assert owner.data() == "Dev Patel <CTO>"


def test_launch_form_edits_are_undoable_and_the_statement_follows(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "launch", filled.product)
    form = view.form
    editor = form.editors["pos_category"]
    editor.setText("mobile app")
    assert "Atlas is a mobile app that [benefit]" in view.sentence.text()
    assert form.commit("pos_category")
    launch_id = view.launch_id
    service = filled.ws.service(LaunchService)
    assert service.launches.get(launch_id).pos_category == "mobile app"
    assert TRICKY in view.sentence.text()
    ctx.undo()
    assert service.launches.get(launch_id).pos_category == ""
    assert editor.text() == ""


def test_launch_readiness_and_relative_due_dates(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "launch", filled.product)
    # 2 done of 4 that apply (one is not applicable)
    assert view.readiness.percent.text() == "50%"
    assert view.readiness.detail.text() == "2 of 4 tasks done"
    assert view.readiness.bars[LaunchFunction.MARKETING][1].text() == "1/2"
    model = view.tasks.model
    row = next(r for r in range(model.rowCount()) if model.entity(r).title == "Task 1")
    launch_date = filled.ws.service(LaunchService).launches.get(view.launch_id).launch_date
    due = model.index(row, model.column_index("due"))
    assert due.data() == f"{launch_date - dt.timedelta(days=10)} (L−10)"
    assert model.setData(due, "L-45", Qt.ItemDataRole.EditRole)
    assert due.data() == f"{launch_date - dt.timedelta(days=45)} (L−45)"
    task = filled.ws.service(LaunchService).tasks.get(model.id_at(row))
    assert (task.due_date, task.due_offset_days) == (launch_date - dt.timedelta(days=45), -45)
    # a launch moved later takes its relative tasks with it
    filled.ws.service(LaunchService).launches.update(
        view.launch_id, launch_date=launch_date + dt.timedelta(days=7)
    )
    assert due.data() == f"{launch_date - dt.timedelta(days=38)} (L−45)"
    assert view.form.editors["launch_date"].date().toPython() == launch_date + dt.timedelta(days=7)
    model.setData(
        model.index(row, model.column_index("status")), TaskStatus.DONE, Qt.ItemDataRole.EditRole
    )
    assert view.readiness.percent.text() == "75%"


def test_a_product_without_a_launch_can_start_one(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "launch", filled.other)
    assert view.launch_id is None and view.tasks.model.rowCount() == 0
    view.show()
    qtbot.mouseClick(view.plan_button, Qt.MouseButton.LeftButton)
    launch_id = view.launch_id
    product = ctx.service(PortfolioService).products.get(filled.other).name
    assert launch_id is not None and view.form.editors["name"].text() == f"{product} launch"
    assert view.title.text() == f"{product} launch"  # not "Launch — Launch"
    checklist = view.tasks.model.rowCount()  # the tier 2 checklist comes with it
    assert view.tasks.add_row() is not None
    assert view.tasks.model.rowCount() == checklist + 1
    ctx.undo()
    ctx.undo()
    assert view.launch_id is None


def test_canvas_boards_and_note_colours(ctx, qtbot, filled):
    view = make_view(ctx, qtbot, "canvas", filled.product)
    model = view.table.model
    block = model.column_index("block")
    labels = {model.index(r, block).data() for r in range(model.rowCount())}
    assert {"Target customers", "Business goals and KPIs"} <= labels
    colour = model.column_index("colour")
    assert model.index(0, colour).data() == "Yellow"
    assert model.index(0, colour).data(Qt.ItemDataRole.DecorationRole).name().upper() == "#FFE066"
    with qtbot.waitSignal(ctx.errorRaised):
        assert not model.setData(model.index(0, colour), "not a colour", Qt.ItemDataRole.EditRole)
    assert model.setData(model.index(0, colour), "#9fd3ff", Qt.ItemDataRole.EditRole)
    assert model.index(0, colour).data() == "Blue"
    board = view.create_board(CanvasTemplate.LEAN_CANVAS)
    assert view.board_id == board and model.rowCount() == 0
    ctx.undo()
    assert view.board_id != board and model.rowCount() == 5


def test_read_only_workspace_disables_editing(filled, qtbot, tmp_path):
    copy = filled.ws.save_copy(tmp_path / "copy.pmdesk")
    ws = Workspace.open(copy, read_only=True)
    context = AppContext(ws)
    try:
        view = make_view(context, qtbot, "roadmap", filled.product)
        model = view.items.model
        assert model.rowCount() == 9
        assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
        assert not model.setData(model.index(0, 0), "x", Qt.ItemDataRole.EditRole)
        assert not view.items.add_button.isEnabled()
        assert view.items.add_row() is None
    finally:
        context.close()
        ws.close()


# -- a big roadmap ---------------------------------------------------------------------------------


def _bulk_items(ws: Workspace, product: int, lane: int, count: int) -> None:
    start = dt.date(2027, 1, 1)
    with ws.transaction() as uow:
        uow.session.execute(
            sa.insert(RoadmapItem),
            [
                {
                    "product_id": product,
                    "lane_id": lane,
                    "name": f"Bulk item {n:05d}",
                    "kind": "feature",
                    "start_date": start + dt.timedelta(days=n % 500),
                    "end_date": start + dt.timedelta(days=n % 500 + 6),
                    "progress": n % 101,
                    "status": "planned",
                    "notes": "",
                    "sort_order": n,
                    "row_version": 1,
                }
                for n in range(count)
            ],
        )


def test_the_roadmap_opens_thousands_of_items_without_reading_them_all(ctx, qtbot, filled):
    service = filled.ws.service(RoadmapService)
    lane = service.lanes_of(filled.product)[0]
    _bulk_items(filled.ws, filled.product, lane.id, 6000)
    view = make_view(ctx, qtbot, "roadmap", filled.product)
    view.show()
    model = view.items.model
    assert model.rowCount() == 6009
    assert model.cached < 1000  # only the rows on screen (a block or two) were read
    table = view.items.view
    table.scrollToBottom()
    last = model.index(model.rowCount() - 1, 0)
    assert last.data()  # fetched on demand
    assert view.items.count_label.text() == "6,009 items"
    # sorting by a stored column re-queries ids, still without reading every row
    view.items.view.sortByColumn(model.column_index("start_date"), Qt.SortOrder.DescendingOrder)
    assert model.entity(0).start_date == max(i.start_date for i in service.items_of(filled.product))
    view.items.filter_box.setText("bulk ITEM 0599")  # every word, any case: 00599, 05990-05999
    qtbot.waitUntil(lambda: model.rowCount() == 11)
    assert view.items.count_label.text() == "11 of 6,009 items"
    edited = model.id_at(0)
    model.setData(
        model.index(0, model.column_index("name")), "Bulk item 05990 & co", Qt.ItemDataRole.EditRole
    )
    assert service.items.get(edited).name == "Bulk item 05990 & co"


def test_a_generated_large_roadmap_with_dependencies_stays_responsive(qtbot, tmp_path):
    from pmdesk.store.generate import create_large

    ws = Workspace.open(create_large(tmp_path / "large.pmdesk", items=5000, dependencies=4000))
    big = AppContext(ws)
    try:
        product = ws.service(PortfolioService).list_products()[0].id
        view = make_view(big, qtbot, "roadmap", product)
        view.show()
        items, deps = view.items.model, view.dependencies.model
        assert (items.rowCount(), deps.rowCount()) == (5000, 4000)
        assert items.cached < 1000 and deps.cached == 0  # the hidden tab has read no rows
        click_tab(qtbot, view.tabs, "Dependencies")
        first = deps.index(0, deps.column_index("predecessor_id")).data()
        assert (
            first
            and first == ws.service(RoadmapService).items.get(deps.entity(0).predecessor_id).name
        )
        assert deps.setData(deps.index(0, deps.column_index("lag_days")), 3)
        assert deps.index(0, deps.column_index("lag_days")).data() == "+3 days"
        click_tab(qtbot, view.tabs, "Items")
        view.items.view.selectionModel().select(
            QItemSelection(items.index(0, 0), items.index(299, 0)),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
        doomed = set(view.items.selected_ids())
        view.items.view.setFocus()
        view.delete_selected()
        assert items.rowCount() == 4700 and deps.rowCount() < 4000
        assert not doomed & {items.id_at(r) for r in range(items.rowCount())}
        big.undo()  # 300 items and their links come back: compared by id, not read row by row
        assert (items.rowCount(), deps.rowCount()) == (5000, 4000)
        assert items.cached < 1000
    finally:
        big.close()
        ws.close()
