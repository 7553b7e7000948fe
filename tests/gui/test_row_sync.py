"""A table follows the file through the RowSync it owns, with its choices and words applied.

The stakeholder table filters by chosen department (the bar above it) as well as by typed
words: a person added elsewhere in the app joins the table only if they pass both, in the
table's order, and the selection stays on the person it was on.
"""

from __future__ import annotations

import pytest

from pmdesk.gui.context import AppContext
from pmdesk.gui.views import VIEWS
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.model_sync import RowSync
from pmdesk.store.services import PortfolioService, StakeholderService


def stakeholder_view(ctx, qtbot, product: str | None):
    view = next(s for s in VIEWS if s.key == "stakeholders").factory(ctx, None)
    qtbot.addWidget(view)
    view.resize(1400, 850)
    portfolio = ctx.service(PortfolioService)
    pid = (
        portfolio.product_by_name(product).id
        if product
        else portfolio.create_product(name="Fresh").id
    )
    view.set_product(pid)
    view.show()
    return view, pid


def choose_department(view, name: str) -> None:
    combo = view.filter_bar.department
    view.filter_bar.add_departments([name])
    combo.setCurrentIndex(combo.findData(name))  # as picking it from the list does


def names(model) -> list[str]:
    return [model.entity(r).name for r in range(model.rowCount())]


@pytest.fixture
def ctx_new(workspace, qtbot):
    """An AppContext on a new, empty workspace."""
    context = AppContext(workspace)
    yield context
    context.close()


def test_the_model_owns_its_row_sync():
    assert RowSync not in EntityTableModel.__mro__
    assert "apply" not in vars(EntityTableModel)


def test_added_people_join_only_if_they_pass_the_chosen_department(demo_ctx, qtbot, qtmodeltester):
    view, pid = stakeholder_view(demo_ctx, qtbot, "Pulse Cloud")
    model = view.model
    assert isinstance(model._sync, RowSync) and model._sync.model is model
    qtmodeltester.check(model, force_py=True)
    choose_department(view, "Finance")
    shown = model.rowCount()
    assert shown > 0 and all(model.entity(r).department == "Finance" for r in range(shown))
    first = model.id_at(0)
    assert view.table.select_id(first)
    people = demo_ctx.service(StakeholderService).stakeholders
    people.create(product_id=pid, name="Elsewhere", department="Legal", power=5, interest=5)
    assert model.rowCount() == shown and "Elsewhere" not in names(model)
    joined = people.create(
        product_id=pid, name="Aaron Early", department="Finance", power=5, interest=5
    )
    assert model.rowCount() == shown + 1 and model.row_of(joined.id) is not None
    assert view.table.selected_ids() == [first]
    choose_department(view, "Legal")
    assert "Elsewhere" in names(model) and "Aaron Early" not in names(model)


def test_typed_words_and_the_choice_both_apply_on_a_new_workspace(ctx_new, qtbot):
    view, pid = stakeholder_view(ctx_new, qtbot, None)
    model = view.model
    assert model.rowCount() == 0
    choose_department(view, "Sales")
    qtbot.keyClicks(view.table.filter_box, "buyer")
    people = ctx_new.service(StakeholderService).stakeholders
    for name, department in [
        ("Buyer in sales", "Sales"),
        ("Buyer in legal", "Legal"),
        ("Seller in sales", "Sales"),
    ]:
        people.create(product_id=pid, name=name, department=department, power=5, interest=5)
    qtbot.waitUntil(lambda: names(model) == ["Buyer in sales"])
    view.table.filter_box.clear()
    qtbot.waitUntil(lambda: sorted(names(model)) == ["Buyer in sales", "Seller in sales"])
