"""Importing customer feedback from a support desk's CSV export: mapped, previewed, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pmdesk.cli import main
from pmdesk.core.market import FeedbackSource, FeedbackStatus, Importance
from pmdesk.exchange.importing import ImportRefused, table_counts
from pmdesk.exchange.tabular import read_csv
from pmdesk.exchange.tabular_import import import_csv, plan_csv
from pmdesk.exchange.tabular_targets import TARGETS, suggest_mapping
from pmdesk.store.services import MarketService, PortfolioService
from pmdesk.store.workspace import Workspace

# What a support desk exports (Zendesk-like headers), with a UTF-8 byte order mark, quoted
# commas and line breaks, an amount with thousands separators, RTL text and emoji.
DESK = (
    "\ufeffTicket ID,Subject,Description,Requester,Organization,Via,Priority,"
    "Created at,ARR,Plan\n"
    '101,Export,"We need PDF export, with our logo, ""today""",Ann Lee,Acme; Inc.,Email,Urgent,'
    '2026-03-02,"12,500.50",Enterprise\n'
    '102,SSO,"שלום — we want SSO 🚀\nSecond line",Bo,Globex,Phone,Normal,2026-03-05,,SMB\n'
    "103,Dark mode,Dark mode please,,,Web,Low,2026-03-07,0.30000000000000004,\n"
)


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Atlas")


def test_the_feedback_target_is_listed_for_the_dialog_and_the_command_line():
    assert TARGETS["feedback"].label == "Customer feedback"
    from pmdesk.cli_exchange import CSV_TARGETS

    assert "feedback" in CSV_TARGETS


def test_a_support_desk_export_maps_by_its_column_names():
    headers = read_csv(DESK.encode("utf-8")).headers
    assert headers[0] == "Ticket ID"  # the byte order mark is not part of the name
    mapping = dict(zip(headers, suggest_mapping(headers, "feedback"), strict=True))
    assert mapping == {
        "Ticket ID": None,
        "Subject": None,
        "Description": "text",
        "Requester": "contact",
        "Organization": "customer",
        "Via": "source",
        "Priority": "importance",
        "Created at": "date",
        "ARR": "revenue",
        "Plan": "segment",
    }


def test_a_support_desk_export_imports_exactly(workspace, product):
    result = import_csv(workspace, DESK.encode("utf-8"), target="feedback", product_id=product.id)
    assert len(result.created["feedback"]) == 3
    rows = {r.contact: r for r in workspace.service(MarketService).feedback()}
    ann = rows["Ann Lee"]
    assert ann.text == 'We need PDF export, with our logo, "today"'
    assert ann.customer == "Acme; Inc."
    assert ann.revenue == Decimal("12500.50")
    assert (ann.source, ann.importance) == (FeedbackSource.SUPPORT_TICKET, Importance.CRITICAL)
    assert ann.date == dt.date(2026, 3, 2) and ann.segment == "Enterprise"
    assert ann.status is FeedbackStatus.NEW and ann.product_id == product.id
    bo = rows["Bo"]
    assert bo.text == "שלום — we want SSO 🚀\nSecond line"
    assert (bo.source, bo.importance, bo.revenue) == (
        FeedbackSource.SALES_CALL,
        Importance.MEDIUM,
        None,
    )
    [anonymous] = [r for r in rows.values() if not r.contact]
    assert anonymous.revenue == Decimal("0.30000000000000004")  # every digit, no float


def test_one_bad_date_refuses_the_whole_file(workspace, product):
    bad = DESK.replace("2026-03-05", "the fifth")
    before = table_counts(workspace)
    with pytest.raises(ImportRefused) as refused:
        import_csv(workspace, bad.encode("utf-8"), target="feedback", product_id=product.id)
    errors = refused.value.errors
    assert {(e.row, e.header) for e in errors} == {(3, "Created at")}
    assert "'the fifth' is not a date" in str(errors[0])
    assert table_counts(workspace) == before
    assert workspace.service(MarketService).feedback() == []


def test_the_preview_names_every_bad_row_before_anything_is_written(workspace, product):
    bad = (
        "Comment,Date,Revenue,Importance\n"
        ",2026-01-01,10,high\n"  # no quote
        "Fine,2026-01-02,-5,high\n"  # negative revenue
        "Fine too,2026-01-03,1e400,high\n"  # not a storable amount
        "Also fine,2026-01-04,12,whenever\n"  # not an importance
    )
    plan = plan_csv(workspace, read_csv(bad.encode()), "feedback")
    assert sorted({e.row for e in plan.errors}) == [2, 3, 4, 5]
    assert {e.header for e in plan.errors if e.row in (3, 4)} == {"Revenue"}
    assert workspace.service(MarketService).feedback() == []


def test_the_command_line_imports_feedback(tmp_path, capsys):
    path = tmp_path / "cli.pmdesk"
    rows = tmp_path / "desk.csv"
    rows.write_bytes(DESK.encode("utf-8"))
    with Workspace.create(path) as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    assert main(["import", "csv", str(path), str(rows), "--into", "feedback"]) == 0
    with Workspace.open(path, read_only=True) as ws:
        assert len(ws.service(MarketService).feedback()) == 3
