"""One read-only table model for plain rows: its headers' titles, tooltips and alignment are
the same rule everywhere — on a bare model, and as the P&L, the portfolio's roll-up and
overview, and the market's tables show them, on the demo and on a new empty workspace."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView
from tests.gui.finance.money import product_id, signed_case
from tests.gui.test_house_rules import demo_copy, open_window, show

from pmdesk.gui.finance.pnl import PnlPanel
from pmdesk.gui.widgets.rows_model import RowsModel
from pmdesk.store.workspace import Workspace

H = Qt.Orientation.Horizontal
DISPLAY, TIP, ALIGN = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole,
)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class Shown(RowsModel[SimpleNamespace]):
    def data(self, index, role=DISPLAY):
        row = self.row_at(index)
        return None if row is None or role != DISPLAY else str(row.id)


class Figures(Shown):
    HEADERS = ("Name", "Revenue", "Margin")
    HEADER_TIPS = ("", "What came in")  # shorter than HEADERS: the rest show their titles

    def alignment(self, column: int) -> Qt.AlignmentFlag:
        side = Qt.AlignmentFlag.AlignRight if column else Qt.AlignmentFlag.AlignLeft
        return side | Qt.AlignmentFlag.AlignVCenter


class Plain(Shown):
    HEADERS = ("Name", "Owner")


def test_a_header_says_its_title_its_tip_or_its_title_again_and_its_alignment(qtmodeltester):
    model = Figures()
    model.set_rows([SimpleNamespace(id=7), SimpleNamespace(id=9)])
    qtmodeltester.check(model, force_py=True)
    assert [model.headerData(n, H, DISPLAY) for n in range(3)] == ["Name", "Revenue", "Margin"]
    assert [model.headerData(n, H, TIP) for n in range(3)] == ["Name", "What came in", "Margin"]
    assert [model.headerData(n, H, ALIGN) for n in range(3)] == [LEFT, RIGHT, RIGHT]
    for role in (DISPLAY, TIP, ALIGN):
        assert model.headerData(3, H, role) is None
        assert model.headerData(-1, H, role) is None
        assert model.headerData(0, Qt.Orientation.Vertical, role) is None
    assert model.row_of(9) == 1 and model.row_of(8) is None
    assert model.row_at(model.index(1, 0)).id == 9 and model.row_at(QModelIndex()) is None


def test_a_table_without_tips_or_alignment_leaves_both_to_the_style(qtmodeltester):
    model = Plain()
    model.set_rows([SimpleNamespace(id=1)])
    qtmodeltester.check(model, force_py=True)
    assert model.headerData(1, H, DISPLAY) == "Owner"
    assert model.headerData(1, H, TIP) is None and model.headerData(1, H, ALIGN) is None


def header(table: QTableView, column: int, role: Qt.ItemDataRole):
    """What the table's header shows, read from the header the person sees."""
    return table.horizontalHeader().model().headerData(column, H, role)


@pytest.fixture
def demo(qtbot, demo_template, tmp_path):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    signed_case(window.ctx.workspace, "Vega Benchtop Analyser")
    return window


@pytest.fixture
def new(qtbot, tmp_path):
    Workspace.create(tmp_path / "new.pmdesk", name="New").close()
    return open_window(qtbot, tmp_path / "new.pmdesk", (1366, 768))


def test_the_pnl_headers_explain_their_figures_and_line_up_with_them(qtbot, demo):
    panel = PnlPanel(demo.ctx)
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    panel.show_product(product_id(demo.ctx.workspace, "Vega Benchtop Analyser"))
    table = panel.table
    assert header(table, 4, DISPLAY) == "Gross\nmargin"
    assert header(table, 4, TIP) == "Revenue − cost of goods"
    assert header(table, 2, TIP) == "Revenue"  # no explanation: its title
    assert header(table, 2, ALIGN) == RIGHT and header(table, 0, ALIGN) == LEFT
    assert panel.model.rowCount() > 0
    assert panel.model.index(0, 2).data(ALIGN) == header(table, 2, ALIGN)


@pytest.mark.parametrize("start", ["demo", "new"])
def test_the_rollup_and_overview_headers_on_the_demo_and_a_new_workspace(start, request):
    window = request.getfixturevalue(start)
    view = show(window, "portfolio")
    view.tabs.setCurrentWidget(view.rollup)
    QApplication.processEvents()
    rollup = view.rollup.table
    assert header(rollup, 0, DISPLAY) == "Product"
    assert header(rollup, 4, TIP) == "Gross margin − operating costs"
    assert header(rollup, 1, TIP) == "Revenue" and header(rollup, 1, ALIGN) == RIGHT
    assert header(rollup, 5, ALIGN) == LEFT
    overview = view.table
    assert header(overview, 0, DISPLAY) == "Product"
    assert header(overview, 7, DISPLAY) == "Elimination"
    assert header(overview, 0, TIP) is None
    assert (view.model.rowCount() == 0) == (start == "new")
    if start == "demo":
        first = view.model.rows[0].id
        view.select_product(first)
        assert view.table.currentIndex().row() == view.model.row_of(first) == 0


def test_the_market_tables_keep_their_titles(qtbot, demo):
    view = show(demo, "market")
    assert header(view.table, 0, DISPLAY) == "Competitor"
    assert header(view.table, 1, DISPLAY) == "Threat"
    assert header(view.table, 0, TIP) is None
