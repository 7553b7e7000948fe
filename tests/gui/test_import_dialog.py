"""The CSV import dialog: mapping, preview, errors, date order, and one undo step per import."""

from __future__ import annotations

import pytest
from tests.gui.windows import exposed

from pmdesk.exchange.importing import table_counts
from pmdesk.exchange.tabular import read_csv
from pmdesk.gui.context import AppContext
from pmdesk.gui.import_dialog import CsvImportDialog
from pmdesk.store.services import PortfolioService, RequirementService, RoadmapService

TITLE = 'Ship <SSO> & "magic", ok 🚀'
JIRA = (
    "Summary,Issue key,Issue Type,Status,Priority,Created,Due date,Description,Labels,"
    "Story Points\n"
    f'"{TITLE.replace(chr(34), chr(34) * 2)}",PM-1,Story,To Do,High,12/Mar/24 3:15 PM,'
    "30/Apr/24 9:00 AM,Details,auth,3\n"
    "Export,PM-2,Epic,Done,Low,01/Feb/24 9:05 AM,,,,\n"
).encode()


@pytest.fixture
def context(workspace):
    ctx = AppContext(workspace)
    yield ctx
    ctx.close()


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Widget")


def _dialog(qtbot, context, product, data: bytes) -> CsvImportDialog:
    dialog = CsvImportDialog(context, read_csv(data, "issues.csv"), product.id)
    qtbot.addWidget(dialog)
    return dialog


def _preview(dialog: CsvImportDialog) -> list[list[str]]:
    table = dialog.preview
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_the_detected_file_facts_are_shown(qtbot, context, product):
    dialog = _dialog(qtbot, context, product, JIRA)
    assert "issues.csv" in dialog.file_label.text() and "UTF-8" in dialog.file_label.text()
    assert "comma" in dialog.file_label.text()
    dialog.set_preset("jira")
    assert "Jira" in dialog.dates_label.text()


def test_the_jira_preset_fills_the_mapping_and_the_preview(qtbot, context, product):
    dialog = _dialog(qtbot, context, product, JIRA)
    dialog.set_preset("jira")
    combos = [dialog.mapping_table.cellWidget(r, 2) for r in range(dialog.mapping_table.rowCount())]
    assert [c.currentData() or None for c in combos] == dialog.mapping()
    assert dialog.mapping()[:3] == ["title", "ref", "kind"]
    headers = [
        dialog.preview.horizontalHeaderItem(c).text() for c in range(dialog.preview.columnCount())
    ]
    rows = _preview(dialog)
    assert rows[0][headers.index("Title")] == TITLE
    assert rows[0][headers.index("MoSCoW priority")] == "Must have"
    assert rows[1][headers.index("Kind")] == "Requirement"
    assert dialog.import_button.isEnabled()


def test_switching_the_target_changes_the_fields(qtbot, context, product):
    dialog = _dialog(qtbot, context, product, JIRA)
    dialog.set_preset("jira")
    dialog.set_target("roadmap")
    assert dialog.lane_edit.isVisibleTo(dialog)
    headers = [
        dialog.preview.horizontalHeaderItem(c).text() for c in range(dialog.preview.columnCount())
    ]
    assert "Start date" in headers and "End date" in headers
    assert _preview(dialog)[0][headers.index("End date")] == "2024-04-30"


def test_errors_are_listed_and_block_the_import(qtbot, context, product, workspace):
    data = b"Title,Effort,Priority\nGood,1,Must\n,0,Perhaps\n"
    dialog = _dialog(qtbot, context, product, data)
    lines = [dialog.errors.item(i).text() for i in range(dialog.errors.count())]
    assert lines == [
        "Row 3, column 1 (Title): cannot be empty",
        "Row 3, column 2 (Effort): must be more than zero person-months (RICE divides by it)",
        "Row 3, column 3 (Priority): 'Perhaps' is not one of: Must have, "
        "Should have, Could have, Won't have",
    ]
    assert not dialog.import_button.isEnabled()
    before = table_counts(workspace)
    assert dialog.import_now() is False
    assert table_counts(workspace) == before
    dialog.set_mapping(2, None)  # drop the Priority column: two problems remain
    assert dialog.errors.count() == 2


def test_an_ambiguous_date_order_must_be_chosen(qtbot, context, product):
    data = b"Name,Start\nA,03/04/2025\nB,01/02/2025\n"
    dialog = _dialog(qtbot, context, product, data)
    dialog.set_target("roadmap")
    assert dialog.date_order_combo.isEnabled()
    assert "ambiguous" in dialog.dates_label.text()
    assert not dialog.import_button.isEnabled()
    dialog.set_date_order("mdy")
    assert dialog.import_button.isEnabled()
    assert _preview(dialog)[0][1] == "2025-03-04"
    dialog.set_date_order("dmy")
    assert _preview(dialog)[0][1] == "2025-04-03"


def test_importing_is_one_undo_step(qtbot, context, product, workspace):
    dialog = _dialog(qtbot, context, product, JIRA)
    dialog.set_preset("jira")
    dialog.set_target("roadmap")
    dialog.lane_edit.setText("From Jira")
    before = table_counts(workspace)
    with qtbot.waitSignal(dialog.imported) as imported, qtbot.waitSignal(context.changed):
        assert dialog.import_now()
    result = imported.args[0]
    roadmap = workspace.service(RoadmapService)
    assert [lane.name for lane in roadmap.lanes_of(product.id)] == ["From Jira"]
    assert sorted(i.id for i in roadmap.items_of(product.id)) == result.created["roadmap_item"]
    assert context.undo_stack.count() == 1
    assert dialog.result() == CsvImportDialog.DialogCode.Accepted
    context.undo()
    assert table_counts(workspace) == before
    context.redo()
    assert sorted(i.id for i in roadmap.items_of(product.id)) == result.created["roadmap_item"]


def test_a_read_only_workspace_cannot_import(qtbot, workspace, product, tmp_path):
    from pmdesk.store.workspace import Workspace

    path = workspace.path
    with Workspace.open(path, read_only=True) as reader:
        ctx = AppContext(reader)
        dialog = _dialog(qtbot, ctx, product, b"Title\nOne\n")
        assert not dialog.import_button.isEnabled()
        ctx.close()


def test_the_dialog_renders(qtbot, context, product, workspace, tmp_path):
    dialog = _dialog(qtbot, context, product, JIRA)
    dialog.set_preset("jira")
    dialog.show()
    exposed(qtbot, dialog)
    image = dialog.grab()
    assert image.save(str(tmp_path / "import-dialog.png"))
    assert image.width() > 600 and image.height() > 400
    assert workspace.service(RequirementService).requirements_of(product.id) == []
