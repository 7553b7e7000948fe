"""A product deleted while its MS Project export reads it (a colleague on a team workspace):
the export says the product is gone, it does not fail on a missing row."""

from __future__ import annotations

import pytest

from pmdesk.core.errors import NotFoundError
from pmdesk.exchange.mspdi import export_mspdi
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.calendar import CalendarService
from pmdesk.store.workspace import Workspace


def test_a_product_deleted_during_the_export_is_reported_as_gone(tmp_path, monkeypatch):
    ws = Workspace.open(create_demo(tmp_path / "demo.pmdesk"))
    try:
        product_id = ws.service(PortfolioService).list_products()[0].id
        read_calendar = CalendarService.effective

        def someone_deletes_it_meanwhile(self, wanted):
            calendar = read_calendar(self, wanted)
            ws.service(PortfolioService).products.delete(wanted)
            return calendar

        monkeypatch.setattr(CalendarService, "effective", someone_deletes_it_meanwhile)
        with pytest.raises(NotFoundError, match="product"):
            export_mspdi(ws, product_id, tmp_path / "plan.xml")
        assert not (tmp_path / "plan.xml").exists()
    finally:
        ws.close()
