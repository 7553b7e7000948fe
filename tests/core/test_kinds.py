"""Change kinds are an enum checked against the schema: a misspelt kind is an error, not silence."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pmdesk.core.changes import Change, ChangeCollector, ChangeSet
from pmdesk.core.kinds import NOT_KINDS, ChangeKind
from pmdesk.store.demo import create_demo
from pmdesk.store.models import Base, Product
from pmdesk.store.workspace import Workspace


def test_every_table_a_person_edits_has_exactly_one_kind_and_every_kind_is_a_table():
    tables = set(Base.metadata.tables)
    members = [k.value for k in ChangeKind]
    assert len(members) == len(set(members))  # no alias: one member a table
    assert set(members) <= tables, set(members) - tables
    assert set(NOT_KINDS) <= tables, set(NOT_KINDS) - tables  # exceptions name real tables
    assert set(members).isdisjoint(NOT_KINDS)
    assert tables == set(members) | set(NOT_KINDS), tables - set(members) - set(NOT_KINDS)
    assert all(reason.strip() for reason in NOT_KINDS.values())


def test_every_mapped_class_records_as_its_kind():
    """What the ORM recorder does with each model: no mapped table is left without a kind."""
    for mapper in Base.registry.mappers:
        table = mapper.class_.__tablename__
        kind = ChangeKind.of_table(table)
        assert (kind is None) == (table in NOT_KINDS)
        assert kind is None or kind == table
    with pytest.raises(ValueError):
        ChangeKind.of_table("roadmap_items")


def test_a_kind_is_its_table_name_for_strings_and_the_team_feed():
    assert ChangeKind.ROADMAP_ITEM == "roadmap_item" and f"{ChangeKind.LANE}" == "lane"
    change = Change("roadmap_item", "update", frozenset({3}))  # as the change log carries it
    assert change.kind is ChangeKind.ROADMAP_ITEM
    changes = ChangeSet((change,))
    assert changes.touches(ChangeKind.ROADMAP_ITEM) and changes.ids(ChangeKind.ROADMAP_ITEM) == {3}
    assert changes.touches("roadmap_item")  # a table name still matches its kind


@pytest.mark.parametrize(
    "ask",
    [
        lambda c: c.touches(ChangeKind.LANE, "roadmap_itme"),
        lambda c: c.reloads("stakeholders"),
        lambda c: c.ids("requirment"),
        lambda c: ChangeCollector().add("baselines", "insert", [1]),
        lambda c: Change("lanes", "update", frozenset()),
        lambda c: ChangeSet.everything(["product", "prodcut"]),
    ],
)
def test_a_misspelt_kind_is_an_error_not_a_view_that_never_refreshes(ask):
    changes = ChangeSet((Change(ChangeKind.ROADMAP_ITEM, "update", frozenset({1})),))
    with pytest.raises(ValueError, match="kind"):
        ask(changes)


def test_no_edit_announces_the_files_own_bookkeeping():
    with pytest.raises(ValueError):
        ChangeCollector().add("meta", "update", ["schema_version"])


def test_everything_by_default_names_every_kind():
    changes = ChangeSet.everything()
    assert {c.kind for c in changes.changes} == set(ChangeKind)
    assert all(c.op == "reload" for c in changes.changes)


@pytest.mark.parametrize("start", ["empty", "demo"])
def test_the_store_announces_its_writes_as_kinds(tmp_path, start):
    path = tmp_path / "w.pmdesk"
    ws = Workspace.open(create_demo(path)) if start == "demo" else Workspace.create(path)
    try:
        seen: list[ChangeSet] = []
        ws.changes.subscribe(seen.append)
        with ws.transaction() as uow:
            uow.session.add(Product(name="Kinds"))
        with ws.transaction() as uow:
            product = uow.session.scalars(sa.select(Product).where(Product.name == "Kinds")).one()
            product.name = "Kinds renamed"
        assert [c.op for s in seen for c in s.changes] == ["insert", "update"]
        assert all(type(c.kind) is ChangeKind for s in seen for c in s.changes)
        assert all(s.touches(ChangeKind.PRODUCT) for s in seen)
    finally:
        ws.close()
