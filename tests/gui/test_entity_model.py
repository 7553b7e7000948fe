"""The generic entity table: a thin model over ids that follows ChangeSets row by row, its
editors, the table widget around it, and the form that shares its column specs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStyleOptionViewItem,
    QWidget,
)

from pmdesk.core.enums import Horizon, ItemKind, ItemStatus, Stage
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, computed, fixed
from pmdesk.gui.widgets.delegates import EntityDelegate, editor_value, make_editor
from pmdesk.gui.widgets.entity_model import ID_ROLE, EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.gui.widgets.model_sync import _runs
from pmdesk.store.models import RoadmapItem
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import PortfolioService, RoadmapService

START = dt.date(2027, 3, 1)


# Widgets made by a test live until its teardown and are deleted there: left to the garbage
# collector, a shown table could be collected while Qt paints it.
_ALIVE: list = []


def hold(qtbot, widget):
    qtbot.addWidget(widget)
    _ALIVE.append(widget)
    return widget


@pytest.fixture(autouse=True)
def _delete_widgets_after_each_test():
    yield
    while _ALIVE:
        widget = _ALIVE.pop()
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def setup(workspace):
    portfolio = workspace.service(PortfolioService)
    product = portfolio.create_product(name="Atlas")
    other = portfolio.create_product(name="Borealis")
    roadmap = workspace.service(RoadmapService)
    lanes = [
        roadmap.lanes.create(product_id=product.id, name=n, sort_order=i)
        for i, n in enumerate(["Platform", "Mobile"])
    ]
    with workspace.transaction() as uow:  # one commit, not twelve: the tests stay quick
        uow.session.add_all(
            RoadmapItem(
                product_id=product.id,
                lane_id=lanes[n % 2].id,
                name=f"Item {n:02d}",
                start_date=START + dt.timedelta(days=n),
                end_date=START + dt.timedelta(days=n + 4),
                progress=n * 5,
            )
            for n in range(12)
        )
    other_lane = roadmap.lanes.create(product_id=other.id, name="Elsewhere")
    return workspace, product.id, other.id, roadmap, lanes, other_lane


@pytest.fixture
def ctx(setup, qtbot):
    context = AppContext(setup[0])
    yield context
    context.close()


def item_columns(lane_names: Lookup) -> list[Column]:
    return [
        Column("name", "Name"),
        Column("lane_id", "Lane", Kind.CHOICE, choices=lane_names),
        Column("kind", "Kind", Kind.ENUM, enum=ItemKind),
        Column("start_date", "Start", Kind.DATE),
        Column("end_date", "End", Kind.DATE),
        Column("progress", "Progress", Kind.PERCENT, minimum=0, maximum=100, decimals=0),
        computed("days", "Days", lambda r: (r.end_date - r.start_date).days + 1, kind=Kind.INT),
        Column("horizon", "Horizon", Kind.ENUM, enum=Horizon, nullable=True, none_label="By dates"),
        Column("notes", "Notes", Kind.LONG_TEXT),
    ]


def make_model(ctx, setup, **limits) -> EntityTableModel:
    _ws, pid, _other, roadmap, _lanes, _ = setup
    lanes = Lookup(lambda: TableQuery.where_equal(roadmap.lanes, product_id=pid).labels(), ["lane"])
    model = EntityTableModel(ctx, roadmap.items, item_columns(lanes))
    for name, value in limits.items():
        setattr(model, name, value)
    model.set_query(TableQuery.where_equal(roadmap.items, product_id=pid))
    return model


def names(model: EntityTableModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def stored_names(setup) -> list[str]:
    _ws, pid, _o, roadmap, _l, _ = setup
    return [i.name for i in roadmap.items_of(pid)]


# -- the model's structure ------------------------------------------------------------------------


@pytest.mark.parametrize("limits", [{}, {"EAGER_LIMIT": 5, "BLOCK": 4}], ids=["eager", "lazy"])
def test_model_passes_the_model_tester_through_inserts_updates_and_deletes(
    ctx, setup, qtmodeltester, limits
):
    _ws, pid, other, roadmap, lanes, other_lane = setup
    model = make_model(ctx, setup, **limits)
    assert names(model) == stored_names(setup)
    qtmodeltester.check(model)  # stays attached: every signal below is checked as it happens
    new = roadmap.items.create(
        product_id=pid, lane_id=lanes[0].id, name="Inserted", start_date=START, end_date=START
    )
    roadmap.items.create(
        product_id=other, lane_id=other_lane.id, name="Not ours", start_date=START, end_date=START
    )
    assert model.rowCount() == 13 and model.row_of(new.id) is not None
    roadmap.items.update(model.id_at(3), name="Updated")
    assert model.index(3, 0).data() == "Updated"
    roadmap.items.delete([model.id_at(0), model.id_at(5), model.id_at(6)])
    assert model.rowCount() == 10
    assert names(model) == stored_names(setup)
    qtmodeltester.check(model)


def test_mass_changes_compare_ids_instead_of_reading_rows(ctx, setup, qtmodeltester):
    _ws, _pid, _o, roadmap, _lanes, _ = setup
    model = make_model(ctx, setup, MASS_CHANGE=2)
    model.sort(model.column_index("name"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    changed, resets = [], []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    model.modelReset.connect(lambda: resets.append(1))
    some = [model.id_at(r) for r in (1, 2, 3, 4)]
    roadmap.items.update_many({i: {"progress": 77} for i in some})
    assert changed == [(1, 4)] and resets == []
    assert all(model.index(r, model.column_index("progress")).data() == "77%" for r in (1, 2, 3))
    snapshot = roadmap.items.delete(some)
    assert model.rowCount() == 8 and resets == []
    roadmap.items.restore(snapshot)
    assert model.rowCount() == 12 and resets == []  # rows joined in place: no reset
    shown = names(model)
    assert shown == sorted(shown, reverse=True)  # the sort survives
    qtmodeltester.check(model)


def test_lazy_model_reads_rows_only_when_asked(ctx, setup):
    model = make_model(ctx, setup, EAGER_LIMIT=5, BLOCK=4)
    model.set_query(model.query)  # reload with the small limits
    assert model.rowCount() == 12 and model.cached == 0
    assert model.index(9, 0).data() == stored_names(setup)[9]
    assert model.cached == 4  # one block: rows 8 to 11


def test_new_rows_take_their_place_in_the_files_order(ctx, setup):
    _ws, pid, _o, roadmap, lanes, _ = setup
    model = make_model(ctx, setup)
    inserted = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    roadmap.items.create(
        product_id=pid,
        lane_id=lanes[0].id,
        name="Early platform item",
        start_date=START - dt.timedelta(days=30),
        end_date=START,
    )
    assert inserted == [(0, 0)]
    assert names(model) == stored_names(setup)


def test_rows_leaving_the_scope_are_removed(ctx, setup):
    _ws, _pid, other, roadmap, _lanes, other_lane = setup
    model = make_model(ctx, setup)
    moved = model.id_at(2)
    roadmap.items.update(moved, product_id=other, lane_id=other_lane.id)
    assert model.row_of(moved) is None and model.rowCount() == 11


def test_a_related_change_refreshes_only_the_column_that_reads_it(ctx, setup):
    _ws, _pid, _o, roadmap, lanes, _ = setup
    model = make_model(ctx, setup)
    lane_column = model.column_index("lane_id")
    changed = []
    model.dataChanged.connect(lambda a, b: changed.append((a.column(), b.column(), b.row())))
    roadmap.lanes.update(lanes[1].id, name="Mobile & <web>")
    assert changed == [(lane_column, lane_column, 11)]
    assert model.index(11, lane_column).data() == "Mobile & <web>"


def test_display_roles(ctx, setup):
    model = make_model(ctx, setup)
    row = names(model).index("Item 03")

    def cell(field):
        return model.index(row, model.column_index(field))

    assert cell("start_date").data() == "2027-03-04"
    assert cell("kind").data() == "Feature"
    assert cell("progress").data() == "15%"
    assert cell("progress").data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert cell("name").data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignLeft
    assert cell("horizon").data() == "By dates"
    assert cell("days").data() == "5"
    assert cell("start_date").data(Qt.ItemDataRole.EditRole) == dt.date(2027, 3, 4)
    assert cell("name").data(ID_ROLE) == model.id_at(row)
    assert not model.flags(cell("days")) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(cell("name")) & Qt.ItemFlag.ItemIsEditable
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Progress"


def test_long_text_shows_on_one_line_with_the_whole_text_as_tooltip(ctx, setup):
    model = make_model(ctx, setup)
    text = 'First line & <more>\nSecond line with 🚀 and "quotes"'
    model.setData(model.index(0, model.column_index("notes")), text, Qt.ItemDataRole.EditRole)
    cell = model.index(0, model.column_index("notes"))
    assert cell.data() == 'First line & <more> Second line with 🚀 and "quotes"'
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == text
    assert cell.data(Qt.ItemDataRole.EditRole) == text


# -- editing --------------------------------------------------------------------------------------


def test_set_data_runs_one_undoable_command(ctx, setup):
    _ws, _pid, _o, roadmap, _lanes, _ = setup
    model = make_model(ctx, setup)
    item = model.id_at(0)
    assert model.setData(model.index(0, model.column_index("kind")), "Milestone")
    stored = roadmap.items.get(item)
    assert (stored.kind, stored.end_date) == (ItemKind.MILESTONE, stored.start_date)
    assert model.index(0, model.column_index("end_date")).data() == stored.start_date.isoformat()
    assert ctx.undo_stack.undoText() == "Edit kind of “Item 00”"
    ctx.undo()
    assert roadmap.items.get(item).kind == ItemKind.FEATURE


def test_an_unchanged_value_makes_no_undo_step(ctx, setup):
    model = make_model(ctx, setup)
    assert not model.setData(model.index(0, 0), "Item 00")
    assert not model.setData(model.index(0, model.column_index("progress")), "0")
    assert ctx.undo_stack.count() == 0


def test_a_refused_edit_keeps_the_old_value_and_says_why(ctx, setup, qtbot):
    model = make_model(ctx, setup)
    cell = model.index(2, model.column_index("progress"))
    before = cell.data()
    with qtbot.waitSignal(ctx.errorRaised) as blocker:
        assert not model.setData(cell, 140)
    assert blocker.args == ["Progress: 140 is outside 0 to 100"]
    with qtbot.waitSignal(ctx.errorRaised) as blocker:
        assert not model.setData(model.index(2, model.column_index("start_date")), "someday")
    assert "not a valid date" in blocker.args[0]
    assert cell.data() == before and ctx.undo_stack.count() == 0


def test_check_state_edits_a_boolean(ctx, setup):
    _ws, pid, _o, roadmap, _lanes, _ = setup
    model = EntityTableModel(
        ctx, roadmap.lanes, [Column("name", "Lane"), Column("collapsed", "Collapsed", Kind.BOOL)]
    )
    model.set_query(TableQuery.where_equal(roadmap.lanes, product_id=pid))
    cell = model.index(0, 1)
    assert cell.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert cell.data() is None
    assert model.flags(cell) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(cell, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert roadmap.lanes.get(model.id_at(0)).collapsed is True
    assert cell.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


# -- sorting and filtering ------------------------------------------------------------------------


@pytest.mark.parametrize("limits", [{}, {"EAGER_LIMIT": 5, "BLOCK": 4}], ids=["eager", "lazy"])
def test_sorting_keeps_the_selection_on_the_same_rows(ctx, setup, qtbot, limits):
    model = make_model(ctx, setup, **limits)
    model.set_query(model.query)
    table = EntityTable(model)
    hold(qtbot, table)
    table.view.selectRow(4)
    chosen = table.selected_ids()
    table.view.sortByColumn(model.column_index("start_date"), Qt.SortOrder.DescendingOrder)
    starts = [model.entity(r).start_date for r in range(model.rowCount())]
    assert starts == sorted(starts, reverse=True)
    assert table.selected_ids() == chosen
    table.view.sortByColumn(model.column_index("days"), Qt.SortOrder.AscendingOrder)  # computed
    table.view.sortByColumn(model.column_index("lane_id"), Qt.SortOrder.AscendingOrder)
    lanes = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert lanes == sorted(lanes, key=str.casefold)
    assert table.selected_ids() == chosen


def test_filter_shows_matching_rows_and_new_rows_only_if_they_match(ctx, setup, qtbot):
    _ws, pid, _o, roadmap, lanes, _ = setup
    model = make_model(ctx, setup)
    table = EntityTable(model, noun=("item", "items"))
    hold(qtbot, table)
    table.filter_box.setText("MOBILE item")  # every word, in any column, in any case
    qtbot.waitUntil(lambda: model.rowCount() == 6)  # the odd items are in the Mobile lane
    assert table.count_label.text() == "6 of 12 items"
    roadmap.items.create(
        product_id=pid,
        lane_id=lanes[0].id,
        name="Item 0 platform",
        start_date=START,
        end_date=START,
    )
    roadmap.items.create(
        product_id=pid, lane_id=lanes[1].id, name="Item 0 mobile", start_date=START, end_date=START
    )
    assert model.rowCount() == 7 and table.count_label.text() == "7 of 14 items"
    table.filter_box.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 14)


# -- the table widget -----------------------------------------------------------------------------


def test_add_and_delete_buttons(ctx, setup, qtbot):
    _ws, pid, _o, roadmap, lanes, _ = setup
    model = make_model(ctx, setup)

    def new_item():
        return CreateCommand(
            roadmap.items,
            {
                "product_id": pid,
                "lane_id": lanes[0].id,
                "name": "Fresh",
                "start_date": START,
                "end_date": START,
            },
            "Add item",
        )

    table = EntityTable(model, noun=("item", "items"), create=new_item, edit_field="name")
    hold(qtbot, table)
    table.show()
    assert table.add_button.text() == "Add item" and not table.delete_button.isEnabled()
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    new_row = model.row_of(max(model.id_at(r) for r in range(model.rowCount())))
    assert table.view.currentIndex().row() == new_row
    assert table.count_label.text() == "13 items"
    table.view.closePersistentEditor(table.view.currentIndex())
    table.view.selectRow(0)
    assert table.delete_button.isEnabled()
    qtbot.mouseClick(table.delete_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 12 and ctx.undo_stack.undoText() == "Delete item “Item 00”"


def test_the_add_callable_may_refuse(ctx, setup, qtbot):
    from pmdesk.core.errors import ValidationError

    def refuse():
        raise ValidationError("lane", "add a lane first")

    table = EntityTable(make_model(ctx, setup), create=refuse)
    hold(qtbot, table)
    with qtbot.waitSignal(ctx.errorRaised) as blocker:
        assert table.add_row() is None
    assert blocker.args == ["Lane: add a lane first"]


# -- editors --------------------------------------------------------------------------------------


def _edit_through_delegate(parent, model, row, field, change):
    """Open the real editor of a cell, let ``change`` act on it, and commit it."""
    delegate = EntityDelegate(parent)
    index = model.index(row, model.column_index(field))
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    delegate.setEditorData(editor, index)
    change(editor)
    delegate.setModelData(editor, model, index)
    return editor


def test_each_kind_edits_through_its_own_editor(ctx, setup, qtbot):
    _ws, _pid, _o, roadmap, lanes, _ = setup
    model = make_model(ctx, setup)
    item = model.id_at(0)
    parent = QWidget()
    hold(qtbot, parent)

    def pick(label):
        return lambda combo: combo.setCurrentIndex(combo.findText(label))

    editor = _edit_through_delegate(parent, model, 0, "kind", pick("Initiative"))
    assert isinstance(editor, QComboBox) and editor.count() == len(ItemKind)
    editor = _edit_through_delegate(parent, model, 0, "lane_id", pick("Mobile"))
    assert [editor.itemText(n) for n in range(editor.count())] == ["Platform", "Mobile"]
    editor = _edit_through_delegate(
        parent, model, 0, "end_date", lambda e: e.setDate(QDate(2027, 5, 31))
    )
    assert isinstance(editor, QDateEdit) and editor.displayFormat() == "yyyy-MM-dd"
    assert editor.calendarPopup()
    editor = _edit_through_delegate(parent, model, 0, "progress", lambda e: e.setValue(250))
    assert isinstance(editor, QSpinBox) and editor.maximum() == 100 and editor.suffix() == "%"
    editor = _edit_through_delegate(
        parent, model, 0, "notes", lambda e: e.setPlainText("two\nlines & <b>")
    )
    assert isinstance(editor, QPlainTextEdit)
    _edit_through_delegate(parent, model, 0, "horizon", pick("Later"))
    stored = roadmap.items.get(item)
    assert (stored.kind, stored.lane_id, stored.end_date, stored.progress, stored.notes) == (
        ItemKind.INITIATIVE,
        lanes[1].id,
        dt.date(2027, 5, 31),
        100,
        "two\nlines & <b>",
    )
    assert stored.horizon.value == "later"
    _edit_through_delegate(parent, model, model.row_of(item), "horizon", pick("By dates"))
    assert roadmap.items.get(item).horizon is None


def test_nullable_and_scaled_editors(qtbot):
    parent = QWidget()
    hold(qtbot, parent)
    day = Column("next_contact", "Next contact", Kind.DATE, nullable=True)
    editor = make_editor(day, parent)
    editor.setDate(editor.minimumDate())
    assert editor_value(editor, day) is None
    editor.setDate(QDate(2027, 1, 2))
    assert editor_value(editor, day) == dt.date(2027, 1, 2)
    target = Column("target", "Target", Kind.FLOAT, nullable=True)
    line = make_editor(target, parent)
    assert isinstance(line, QLineEdit)
    assert editor_value(line, target) is None
    line.setText("1234.5")
    assert editor_value(line, target) == 1234.5
    power = Column("power", "Power", Kind.FLOAT, minimum=0, maximum=10, decimals=1)
    spin = make_editor(power, parent)
    assert isinstance(spin, QDoubleSpinBox) and (spin.minimum(), spin.maximum()) == (0, 10)
    impact = Column("impact", "Impact", Kind.CHOICE, choices=fixed([(0.25, "0.25"), (3.0, "3")]))
    combo = make_editor(impact, parent)
    combo.setCurrentIndex(1)
    assert editor_value(combo, impact) == 3.0
    stage = Column("stage", "Stage", Kind.ENUM, enum=Stage)
    combo = make_editor(stage, parent)
    assert combo.itemText(3) == "Go-to-Market"
    combo.setCurrentIndex(3)
    assert editor_value(combo, stage) is Stage.GO_TO_MARKET
    department = Column("department", "Department", suggestions=("Sales", "Legal"))
    combo = make_editor(department, parent)
    combo.setEditText("Procurement & <Co>")
    assert combo.isEditable() and editor_value(combo, department) == "Procurement & <Co>"


# -- the form -------------------------------------------------------------------------------------


def test_form_saves_a_field_when_left_and_follows_changes(ctx, setup, qtbot):
    _ws, _pid, _o, roadmap, _lanes, _ = setup
    item = roadmap.items_of(setup[1])[0]
    form = EntityForm(
        ctx,
        roadmap.items,
        [
            (
                "Item",
                [
                    Column("name", "Name"),
                    Column("status", "Status", Kind.ENUM, enum=ItemStatus),
                    Column("notes", "Notes", Kind.LONG_TEXT),
                ],
            )
        ],
    )
    hold(qtbot, form)
    form.set_entity(item.id)
    name = form.editors["name"]
    assert name.text() == "Item 00"
    name.setText("Renamed & <kept>")
    name.editingFinished.emit()
    assert roadmap.items.get(item.id).name == "Renamed & <kept>"
    with qtbot.waitSignal(ctx.errorRaised):
        name.setText("   ")
        name.editingFinished.emit()
    assert name.text() == "Renamed & <kept>"  # refused: the field shows what is saved
    status = form.editors["status"]
    status.setCurrentIndex(status.findText("At risk"))
    status.activated.emit(status.currentIndex())
    assert roadmap.items.get(item.id).status == ItemStatus.AT_RISK
    ctx.undo()
    assert status.currentText() == "Planned"
    roadmap.items.update(item.id, notes="Changed elsewhere")
    assert form.editors["notes"].toPlainText() == "Changed elsewhere"
    roadmap.items.delete(item.id)
    assert form.entity_id is None and not name.isEnabled()


def test_runs_of_consecutive_rows():
    assert _runs([]) == []
    assert _runs([1, 2, 3, 7, 9, 10]) == [(1, 3), (7, 7), (9, 10)]


def test_rows_out_of_range_have_no_data(ctx, setup):
    model = make_model(ctx, setup)
    assert model.data(QModelIndex()) is None
    assert model.entity(99) is None
    assert model.rowCount(model.index(0, 0)) == 0


def test_text_that_is_not_a_number_is_refused_with_the_column_name(ctx, setup, qtbot):
    model = make_model(ctx, setup)
    with qtbot.waitSignal(ctx.errorRaised) as blocker:
        assert not model.setData(model.index(0, model.column_index("progress")), "lots")
    assert blocker.args[0].startswith("Progress:")
    offset = Column("lag", "Lag", Kind.INT, to_changes=lambda v, _row: {"progress": int(v)})
    model.columns.append(offset)
    with qtbot.waitSignal(ctx.errorRaised) as blocker:
        assert not model.edit(0, len(model.columns) - 1, "-")
    assert blocker.args == ["Lag: “-” is not a valid value"]
    assert ctx.undo_stack.count() == 0
