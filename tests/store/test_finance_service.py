"""The business case in the file: every FinanceService method on a real workspace file.

Each write is checked for what it stores (exact decimal text, never a float), for what it
refuses (a ValidationError, and the file byte for byte as it was), and for undo and redo:
the journal recorded around it reverts and replays to exactly the rows before and after.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from tests.file_rows import file_rows

from pmdesk.core import finance as core
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.finance import Period, PricingModel
from pmdesk.core.pricing import CostItem, unit_cost
from pmdesk.store.demo import create_demo
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.services.finance import FinanceService, case_from_content
from pmdesk.store.workspace import Workspace

D = dt.date


@pytest.fixture
def finance(workspace) -> FinanceService:
    return workspace.service(FinanceService)


@pytest.fixture
def product_id(workspace) -> int:
    return workspace.service(PortfolioService).create_product(name="Atlas 🚀").id


@pytest.fixture
def case_id(finance, product_id) -> int:
    return finance.create_case(product_id, start=D(2027, 1, 1))


def _stored(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _refused(ws: Workspace, edit, match: str) -> None:
    """``edit`` raises a ValidationError matching ``match`` and the file keeps every row."""
    before = file_rows(ws.path, versions=True)
    with pytest.raises(ValidationError, match=match):
        edit()
    assert file_rows(ws.path, versions=True) == before


def _round_trip(ws: Workspace, edit) -> object:
    """``edit`` is one undo step: its journal reverts and replays the file exactly."""
    before = file_rows(ws.path)
    with ws.recording() as journal:
        result = edit()
    after = file_rows(ws.path)
    assert after != before, "the edit wrote nothing"
    assert journal.complete
    ws.revert(journal)
    assert file_rows(ws.path) == before
    ws.replay(journal)
    assert file_rows(ws.path) == after
    return result


# -- creating a case ------------------------------------------------------------------------------


def test_a_new_case_has_the_default_drivers_and_three_scenarios(workspace, finance, product_id):
    assert finance.case_id_for(product_id) is None
    assert finance.case_details(product_id) is None and finance.business_case(product_id) is None

    case_id = _round_trip(workspace, lambda: finance.create_case(product_id, start="2027-01-01"))

    assert finance.case_id_for(product_id) == case_id
    details = finance.case_details(product_id)
    assert details.case_id == case_id and details.product_name == "Atlas 🚀"
    assert details.settings == core.CaseSettings(
        "EUR", Period.QUARTER, 20, D(2027, 1, 1), PricingModel.UNIT
    )
    assert details.drivers == core.default_drivers()
    assert [s.name for s in details.scenarios] == ["Worst", "Base", "Best"]
    assert {s.name: dict(s.overrides) for s in details.scenarios} == {
        s.name: dict(s.overrides) for s in core.default_scenarios()
    }
    assert details.notes == dict.fromkeys(core.DRIVER_KEYS, "")
    assert details.versions == () and details.cost_items == () and details.price_points == ()
    assert details.case == finance.business_case(product_id)
    assert details.case.unit_cost_from_build_up is None
    # Every figure computes from what the file holds.
    assert [r.name for r in core.evaluate_all(details.case)] == ["Worst", "Base", "Best"]


def test_a_case_starts_on_the_first_day_of_the_current_period(finance, product_id):
    case_id = finance.create_case(product_id, period="Month", horizon=36, currency="JPY")
    settings = finance.case_details(product_id).settings
    today = dt.date.today()
    assert settings.start == today.replace(day=1)
    assert (settings.period, settings.horizon, settings.currency) == (Period.MONTH, 36, "JPY")
    finance.update_settings(case_id, period=Period.YEAR)
    assert finance.case_details(product_id).settings.period is Period.YEAR


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"currency": "euro"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"horizon": 0}, "Horizon: 0 is not between 1 and 400"),
        ({"horizon": 401}, "Horizon"),
        ({"horizon": "ten"}, "Horizon"),
        ({"horizon": 2.5}, "Horizon"),
        ({"period": "fortnight"}, "Period"),
        ({"pricing_model": "barter"}, "Pricing model"),
        ({"start": "2027-02-30"}, "Start"),
    ],
)
def test_bad_settings_create_nothing(workspace, finance, product_id, fields, match):
    _refused(workspace, lambda: finance.create_case(product_id, **fields), match)
    assert finance.case_id_for(product_id) is None


def test_a_product_has_one_case_and_an_unknown_product_none(
    workspace, finance, product_id, case_id
):
    _refused(workspace, lambda: finance.create_case(product_id), "has one already")
    before = file_rows(workspace.path)
    with pytest.raises(NotFoundError):
        finance.create_case(999)
    assert file_rows(workspace.path) == before


# -- settings and drivers -------------------------------------------------------------------------


def test_settings_change_in_one_step(workspace, finance, product_id, case_id):
    _round_trip(
        workspace,
        lambda: finance.update_settings(
            case_id,
            currency="usd",
            period="Year",
            horizon="10",
            start=D(2028, 1, 1),
            pricing_model="Subscription",
            notes='Decide <now> & "why" 🚀',
        ),
    )
    details = finance.case_details(product_id)
    assert details.settings == core.CaseSettings(
        "USD", Period.YEAR, 10, D(2028, 1, 1), PricingModel.SUBSCRIPTION
    )
    assert details.case_notes == 'Decide <now> & "why" 🚀'


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"currency": "12"}, "currency"),
        ({"horizon": 1000}, "Horizon"),
        ({"owner": "me"}, "not a setting"),
        ({"horizon": 5, "period": "week"}, "Period"),  # nothing of a refused edit is kept
    ],
)
def test_bad_settings_change_nothing(workspace, finance, case_id, fields, match):
    _refused(workspace, lambda: finance.update_settings(case_id, **fields), match)


def test_a_driver_is_stored_exactly_and_money_to_the_currencys_minor_units(
    workspace, finance, product_id, case_id
):
    _round_trip(workspace, lambda: finance.set_driver(case_id, "price", "€1,250.555"))
    finance.set_driver(case_id, "churn", "7.5 %")
    finance.set_driver(case_id, "units_growth", Decimal("0.30000000000000004"))
    finance.set_driver(case_id, "market_size", "1,000,000")
    drivers = finance.case_details(product_id).drivers
    assert drivers["price"] == Decimal("1250.56")
    assert drivers["churn"] == Decimal("0.075")
    assert drivers["units_growth"] == Decimal("0.30000000000000004")
    stored = dict(_stored(workspace.path, "SELECT key, value FROM business_driver"))
    assert stored["price"] == "1250.56"
    assert stored["units_growth"] == "0.30000000000000004"
    assert stored["market_size"] == "1000000"
    kinds = _stored(workspace.path, "SELECT DISTINCT typeof(value) FROM business_driver")
    assert kinds == [("text",)]

    finance.update_settings(case_id, currency="JPY")
    finance.set_driver(case_id, "price", "¥1,234.5")
    assert finance.case_details(product_id).drivers["price"] == Decimal("1235")


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("price", "abc", "Price"),
        ("price", "-5", "Price"),
        ("price", "12,5", "point"),
        ("price", 0.1, "exact"),
        ("price", "NaN", "Price"),
        ("price", "1e13", "Price"),
        ("churn", "150 %", "Churn"),
        ("market_size", "-1", "Market size"),
        ("wishful_thinking", "1", "not a business-case driver"),
        ("price", "£12", "not an amount in EUR"),  # a currency mismatch
        ("cost_hosting", "12 USD", "in USD, not EUR"),
    ],
)
def test_a_bad_driver_value_changes_nothing(workspace, finance, case_id, key, value, match):
    _refused(workspace, lambda: finance.set_driver(case_id, key, value), match)


def test_a_driver_note_is_kept_beside_its_value(workspace, finance, product_id, case_id):
    _round_trip(workspace, lambda: finance.set_driver_note(case_id, "price", "From 12 <pilots>"))
    details = finance.case_details(product_id)
    assert details.notes["price"] == "From 12 <pilots>"
    assert details.drivers["price"] == core.default_drivers()["price"]
    _refused(workspace, lambda: finance.set_driver_note(case_id, "colour", "x"), "driver")


def test_an_unknown_case_is_not_found(workspace, finance):
    before = file_rows(workspace.path)
    for edit in (
        lambda: finance.set_driver(42, "price", "1"),
        lambda: finance.update_settings(42, horizon=3),
        lambda: finance.add_scenario(42, "More"),
        lambda: finance.sign_off(42, signed_by="Me", scenario="Base"),
    ):
        with pytest.raises(NotFoundError):
            edit()
    assert file_rows(workspace.path) == before


# -- scenarios ------------------------------------------------------------------------------------


def test_scenarios_are_added_renamed_and_deleted_in_one_step_each(
    workspace, finance, product_id, case_id
):
    stretch = _round_trip(workspace, lambda: finance.add_scenario(case_id, "  Stretch 🚀 "))
    assert [s.name for s in finance.case_details(product_id).scenarios][-1] == "Stretch 🚀"
    _round_trip(workspace, lambda: finance.set_override(stretch, "price", "450"))
    _round_trip(workspace, lambda: finance.set_override(stretch, "price", "475.5"))
    _round_trip(workspace, lambda: finance.set_override(stretch, "churn", "1 %"))
    rows = {s.name: s for s in finance.case_details(product_id).scenarios}
    assert rows["Stretch 🚀"].overrides == {"price": Decimal("475.50"), "churn": Decimal("0.01")}
    result = core.evaluate(finance.business_case(product_id), "Stretch 🚀")
    assert result.name == "Stretch 🚀"

    _round_trip(workspace, lambda: finance.set_override(stretch, "churn", None))
    _round_trip(workspace, lambda: finance.set_override(stretch, "price", ""))
    assert {s.name: s for s in finance.case_details(product_id).scenarios}[
        "Stretch 🚀"
    ].overrides == {}
    finance.set_override(stretch, "price", None)  # clearing what is not there: nothing to do

    _round_trip(workspace, lambda: finance.rename_scenario(stretch, "Moonshot"))
    finance.set_override(stretch, "price", "500")
    _round_trip(workspace, lambda: finance.delete_scenario(stretch))  # its overrides go with it
    assert [s.name for s in finance.case_details(product_id).scenarios] == [
        "Worst",
        "Base",
        "Best",
    ]
    assert _stored(
        workspace.path,
        "SELECT count(*) FROM scenario_override WHERE key = 'price' AND value = '500.00'",
    ) == [(0,)]


def test_scenario_rules(workspace, finance, product_id, case_id):
    ids = {s.name: s.id for s in finance.case_details(product_id).scenarios}
    _refused(workspace, lambda: finance.add_scenario(case_id, "base"), "taken")
    _refused(workspace, lambda: finance.add_scenario(case_id, "   "), "empty")
    _refused(workspace, lambda: finance.add_scenario(case_id, "x" * 101), "longer")
    _refused(workspace, lambda: finance.rename_scenario(ids["Worst"], "BEST"), "taken")
    _refused(workspace, lambda: finance.rename_scenario(ids["Base"], "Middle"), "keeps its name")
    _refused(workspace, lambda: finance.rename_scenario(ids["Worst"], "Base"), "Base")
    _refused(workspace, lambda: finance.delete_scenario(ids["Base"]), "cannot be deleted")
    _refused(workspace, lambda: finance.set_override(ids["Best"], "price", "cheap"), "Price")
    _refused(workspace, lambda: finance.set_override(ids["Best"], "colour", "1"), "driver")
    with pytest.raises(NotFoundError):
        finance.rename_scenario(999, "Other")


# -- cost build-up and prices ---------------------------------------------------------------------


def test_the_cost_build_up_replaces_the_unit_cost(workspace, finance, product_id, case_id):
    chip = _round_trip(workspace, lambda: finance.add_cost_item(product_id, "Chip", "2", "12.5"))
    finance.add_cost_item(product_id, "Licence <per unit>", "0.1", "0.2")
    items = finance.case_details(product_id).cost_items
    assert [(i.name, i.quantity, i.unit_cost) for i in items] == [
        ("Chip", Decimal("2"), Decimal("12.5")),
        ("Licence <per unit>", Decimal("0.1"), Decimal("0.2")),
    ]
    assert finance.cost_items(product_id) == items
    expected = unit_cost([CostItem(i.name, i.quantity, i.unit_cost) for i in items])
    assert expected == Decimal("25.02")
    case = finance.business_case(product_id)
    assert case.unit_cost_from_build_up == expected
    assert core.drivers_for(case, "Base")["unit_cost"] == expected

    _round_trip(workspace, lambda: finance.update_cost_item(chip, quantity="3", name="Chip v2"))
    assert finance.cost_items(product_id)[0] == type(items[0])(chip, "Chip v2", 3, Decimal("12.5"))
    _refused(workspace, lambda: finance.update_cost_item(chip, quantity="-1"), "negative")
    _refused(workspace, lambda: finance.update_cost_item(chip, unit_cost="lots"), "number")
    _refused(workspace, lambda: finance.update_cost_item(chip, quantity=1.5), "exact")
    _refused(workspace, lambda: finance.update_cost_item(chip, name=" "), "empty")
    _refused(workspace, lambda: finance.add_cost_item(product_id, "X", "1", "-2"), "negative")
    _round_trip(workspace, lambda: finance.delete_cost_item(chip))
    assert [i.name for i in finance.cost_items(product_id)] == ["Licence <per unit>"]
    with pytest.raises(NotFoundError):
        finance.delete_cost_item(chip)


def test_price_points_in_the_cases_currency(workspace, finance, product_id, case_id):
    point = _round_trip(
        workspace,
        lambda: finance.add_price_point(
            product_id, "SMB", "Pro", "Reseller", "€1,250.105", "12.5 %", "0.2", "30%"
        ),
    )
    [row] = finance.case_details(product_id).price_points
    assert (row.id, row.list_price, row.discount, row.channel_margin, row.target_margin) == (
        point,
        Decimal("1250.11"),
        Decimal("0.125"),
        Decimal("0.2"),
        Decimal("0.3"),
    )
    assert (row.segment, row.tier, row.channel) == ("SMB", "Pro", "Reseller")
    assert row.point().list_price == Decimal("1250.11")

    _round_trip(workspace, lambda: finance.update_price_point(point, discount="0", tier="Team"))
    assert finance.price_points(product_id)[0].tier == "Team"
    finance.update_settings(case_id, currency="JPY")
    finance.update_price_point(point, list_price="1,250.5")
    assert finance.price_points(product_id)[0].list_price == Decimal("1251")
    for fields, match in [
        ({"discount": "120 %"}, "Discount"),
        ({"channel_margin": "-0.1"}, "Channel margin"),
        ({"target_margin": "2"}, "Target margin"),
        ({"list_price": "-1"}, "negative"),
        ({"list_price": "ten"}, "number"),
        ({"colour": "red"}, "not a field"),
        ({"list_price": "€5"}, "not an amount in JPY"),
    ]:
        _refused(workspace, lambda f=fields: finance.update_price_point(point, **f), match)
    _round_trip(workspace, lambda: finance.delete_price_point(point))
    assert finance.price_points(product_id) == ()


def test_cost_items_and_prices_before_there_is_a_case(workspace, finance, product_id):
    finance.add_cost_item(product_id, "Chip", "1", "9.99")
    finance.add_price_point(product_id, "All", "", "Web", "19.999", "0", "0", "0.4")
    assert finance.price_points(product_id)[0].list_price == Decimal("20.00")  # EUR until a case
    assert finance.case_details(product_id) is None
    with pytest.raises(NotFoundError):
        finance.add_cost_item(999, "Chip", "1", "1")


# -- sign-off -------------------------------------------------------------------------------------


def test_sign_off_freezes_the_case_and_later_edits_change_only_the_draft(
    workspace, finance, product_id, case_id
):
    finance.set_driver(case_id, "price", "410")
    finance.set_driver_note(case_id, "price", "Pilot <price>")
    finance.add_cost_item(product_id, "Chip", "2", "12.5")
    finance.add_price_point(product_id, "SMB", "Pro", "Direct", "999", "10 %", "0", "0.3")
    draft = finance.business_case(product_id)
    expected = {r.name: r for r in core.evaluate_all(draft)}

    version_id = _round_trip(
        workspace,
        lambda: finance.sign_off(
            case_id, signed_by=" Dana <CFO> ", scenario="Best", signed_on=D(2026, 2, 3)
        ),
    )
    version, signed = finance.signed_case(product_id)
    assert (version.id, version.version, version.signed_by, version.signed_on) == (
        version_id,
        1,
        "Dana <CFO>",
        D(2026, 2, 3),
    )
    assert (version.scenario, version.gate_review_id) == ("Best", None)
    assert signed == draft
    content = finance.version_content(version_id)
    assert content["drivers"]["price"] == "410.00"
    assert content["driver_notes"] == {"price": "Pilot <price>"}
    assert content["cost_items"] == [{"name": "Chip", "quantity": "2", "unit_cost": "12.5"}]
    assert content["price_points"][0]["list_price"] == "999.00"
    assert content["settings"]["start"] == "2027-01-01"
    assert content["scenario"] == "Best" and content["signed_by"] == "Dana <CFO>"
    for name, result in expected.items():
        figures = content["figures"][name]
        assert figures["npv"] == format(result.figures.npv, "f")
        assert figures["cash_flows"] == [format(v, "f") for v in result.cash_flows]
        assert Decimal(figures["npv"]) == result.figures.npv  # exact: text, not a float

    # Later edits make a new draft; the signed version reads as it was signed.
    finance.set_driver(case_id, "price", "999")
    finance.delete_cost_item(finance.cost_items(product_id)[0].id)
    finance.add_scenario(case_id, "After")
    assert finance.version_content(version_id) == content
    assert finance.signed_case(product_id)[1] == draft
    assert finance.business_case(product_id) != draft

    second = finance.sign_off(case_id, signed_by="Dana", scenario="After")
    versions = finance.case_details(product_id).versions
    assert [(v.id, v.version, v.scenario) for v in versions] == [
        (version_id, 1, "Best"),
        (second, 2, "After"),
    ]
    assert finance.signed_case(product_id)[0].version == 2
    assert finance.versions(product_id) == versions
    assert finance.version_content(version_id) == content
    assert case_from_content(finance.version_content(second)) == finance.business_case(product_id)


def test_sign_off_rules(workspace, finance, product_id, case_id):
    other = workspace.service(PortfolioService).create_product(name="Other")
    review = (
        workspace.service(LifecycleService)
        .record_gate(other.id, "Hold", decided_on=dt.date.today(), decided_by_name="Board")
        .entity_id
    )
    sign = finance.sign_off
    _refused(workspace, lambda: sign(case_id, signed_by=" ", scenario="Base"), "Signed by")
    _refused(workspace, lambda: sign(case_id, signed_by="Me", scenario="Dream"), "Dream")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    _refused(
        workspace,
        lambda: sign(case_id, signed_by="Me", scenario="Base", signed_on=tomorrow),
        "future",
    )
    _refused(
        workspace,
        lambda: sign(case_id, signed_by="Me", scenario="Base", gate_review_id=review),
        "another product",
    )
    with pytest.raises(NotFoundError):
        sign(case_id, signed_by="Me", scenario="Base", gate_review_id=999)
    assert finance.signed_case(product_id) is None


def test_a_sign_off_at_a_gate_review_links_it_and_outlives_it(workspace, finance, product_id):
    case_id = finance.create_case(product_id)
    lifecycle = workspace.service(LifecycleService)
    review = lifecycle.record_gate(
        product_id, "Hold", decided_on=dt.date.today(), decided_by_name="Board"
    ).entity_id
    finance.sign_off(case_id, signed_by="Board", scenario="Base", gate_review_id=review)
    assert finance.signed_case(product_id)[0].gate_review_id == review
    lifecycle.gates.delete(review)
    version, _case = finance.signed_case(product_id)
    assert version.gate_review_id is None  # the version stays, its link is cleared


def test_a_products_case_goes_with_it(workspace, finance, product_id, case_id):
    finance.add_cost_item(product_id, "Chip", "1", "1")
    finance.add_price_point(product_id, "A", "B", "C", "1")
    finance.sign_off(case_id, signed_by="Me", scenario="Base")
    snapshot = _round_trip(
        workspace, lambda: workspace.service(PortfolioService).products.delete(product_id)
    )
    assert snapshot is not None
    for table in (
        "business_case",
        "business_driver",
        "business_scenario",
        "scenario_override",
        "business_case_version",
        "cost_item",
        "price_point",
    ):
        assert _stored(workspace.path, f"SELECT count(*) FROM {table}") == [(0,)], table


# -- the demo -------------------------------------------------------------------------------------


def test_the_demo_takes_a_case_on_every_product(tmp_path):
    with Workspace.open(create_demo(tmp_path / "demo.pmdesk")) as ws:
        finance = ws.service(FinanceService)
        for product in ws.service(PortfolioService).list_products():
            details = finance.case_details(product.id)
            if details is None:
                finance.create_case(product.id, start=D(2027, 1, 1))
                details = finance.case_details(product.id)
            assert details.product_name == product.name
            core.evaluate_all(details.case)
            base = [s.id for s in details.scenarios if s.name == "Base"][0]
            finance.set_override(base, "price", "123")
            finance.sign_off(details.case_id, signed_by="Demo board", scenario="Base")
            assert finance.signed_case(product.id)[1].scenario("Base").overrides["price"] == (
                Decimal("123")
            )
        assert ws.check().ok


def test_worst_and_best_are_made_again_from_the_base_as_it_is_now(
    workspace, finance, product_id, case_id
):
    finance.set_driver(case_id, "price", "1200")
    finance.set_driver(case_id, "units_first", "800")
    ids = {s.name: s.id for s in finance.case_details(product_id).scenarios}
    finance.set_override(ids["Best"], "churn", "1 %")  # not one the factors move: kept
    stretch = finance.add_scenario(case_id, "Stretch")
    finance.set_override(stretch, "price", "2000")
    _round_trip(workspace, lambda: finance.rebuild_default_scenarios(case_id))
    rows = {s.name: s.overrides for s in finance.case_details(product_id).scenarios}
    base = finance.case_details(product_id).drivers
    expected = {s.name: s.overrides for s in core.default_scenarios(base)}
    assert rows["Worst"] == expected["Worst"]
    assert rows["Best"] == dict(expected["Best"]) | {"churn": Decimal("0.01")}
    assert rows["Worst"]["price"] == Decimal("1080.0") and rows["Best"]["units_first"] == 1040
    assert rows["Base"] == {} and rows["Stretch"] == {"price": Decimal("2000.00")}
    names = [r.name for r in core.evaluate_all(finance.business_case(product_id))]
    assert names == ["Worst", "Base", "Best", "Stretch"]
