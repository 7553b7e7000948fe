"""The Business case view on a team workspace (real PostgreSQL): a teammate's edit of a driver
shows at once with every figure worked out again, and undoing an edit they have since
overtaken is refused with the reason, leaving their value."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QApplication
from tests.gui.finance.test_business_case_view import row_of, type_into

from pmdesk.gui.finance.view import BusinessCaseView
from pmdesk.gui.team import ConnectionBanner, TeamContext
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService

WAIT_MS = 5000


def test_a_teammates_driver_shows_and_undoing_over_it_is_refused(qtbot, connect):
    mine, theirs = connect(), connect()
    product_id = theirs.service(PortfolioService).create_product(name="Atlas").id
    their_finance = theirs.service(FinanceService)
    case_id = their_finance.create_case(product_id)
    ctx = TeamContext(mine)
    qtbot.addWidget(banner := ConnectionBanner(ctx))
    ctx.banner = banner
    errors: list[str] = []
    ctx.errorRaised.connect(errors.append)
    view = BusinessCaseView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.set_product(product_id)
    view.tabs.setCurrentWidget(view.assumptions_page)
    price = row_of("price")
    npv = view.tiles["npv"].text()

    their_finance.set_driver(case_id, "price", "900")
    qtbot.waitUntil(lambda: view.drivers.index(price, 1).data() == "€900", timeout=WAIT_MS)
    assert view.tiles["npv"].text() != npv

    units = row_of("units_first")
    type_into(qtbot, view.drivers_view, units, 1, "800")
    assert mine.service(FinanceService).business_case(product_id).drivers["units_first"] == 800
    their_finance.case_details(product_id)  # what their screen shows now
    their_finance.set_driver(case_id, "units_first", "650")
    qtbot.waitUntil(lambda: view.drivers.index(units, 1).data() == "650", timeout=WAIT_MS)

    ctx.undo()  # my "800" was overtaken by their "650": undo would lose their edit
    assert errors and "Could not undo" in errors[-1]
    assert their_finance.business_case(product_id).drivers["units_first"] == Decimal(650)
    assert view.drivers.index(units, 1).data() == "650"
    ctx.close()
