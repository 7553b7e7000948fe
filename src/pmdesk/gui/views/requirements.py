"""Requirements: stories and requirements with MoSCoW, RICE (every factor visible) and the
customers and revenue behind them, so one loud request can be weighed against the market.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QSplitter, QWidget

from pmdesk.core.enums import MoSCoW, RequirementKind, RequirementSource, RequirementStatus
from pmdesk.core.errors import ValidationError
from pmdesk.core.scoring import RICE_IMPACT_LABELS, RICE_IMPACT_SCALE, rice
from pmdesk.core.wording import story_sentence
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, computed, fixed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.store.queries import texts
from pmdesk.store.services import RequirementService

from .base import BaseView
from .common import create, heading, next_order, scoped

IMPACT = fixed((v, f"{v:g} — {RICE_IMPACT_LABELS[v]}") for v in RICE_IMPACT_SCALE)


def _rice(row: Any) -> float | None:
    try:
        return rice(row.reach, row.impact, row.confidence, row.effort).score
    except ValidationError:
        return None


def _rice_tip(row: Any) -> str:
    try:
        return rice(row.reach, row.impact, row.confidence, row.effort).explain()
    except ValidationError as exc:
        return str(exc)


def _story(row: Any) -> str:
    return story_sentence(row.story_role, row.story_goal, row.story_benefit)


def _next_ref(refs: list[str]) -> str:
    numbers = [int(m.group(1)) for r in refs if (m := re.search(r"(\d+)\s*$", r or ""))]
    return f"REQ-{max(numbers, default=0) + 1}"


DETAIL_SECTIONS = [
    (
        "User story",
        [
            Column("story_role", "As a"),
            Column("story_goal", "I want", Kind.LONG_TEXT),
            Column("story_benefit", "So that", Kind.LONG_TEXT),
        ],
    ),
    ("Details", [Column("description", "Description", Kind.LONG_TEXT)]),
]


class RequirementsView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(RequirementService)
        self.revenue = Lookup(self._revenue, ("requirement_customer",))
        self.model = EntityTableModel(ctx, self.service.requirements, self._columns(), parent=self)
        self.table = self.register(
            EntityTable(
                self.model,
                noun=("requirement", "requirements"),
                create=self._new_requirement,
                edit_field="title",
            )
        )
        self.form = EntityForm(ctx, self.service.requirements, DETAIL_SECTIONS)
        self.form.setMinimumWidth(300)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setStretchFactor(0, 1)
        split.setSizes([1060, 310])
        self.table.view.selectionModel().currentRowChanged.connect(self._follow_cursor)
        self.model.modelReset.connect(self._follow_cursor)
        self.content_layout.addWidget(heading("Requirements"))
        self.content_layout.addWidget(split, 1)

    def _columns(self) -> list[Column]:
        revenue = self.revenue
        return [
            Column("ref", "Ref", width=7),
            Column("title", "Title", width=28),
            Column("moscow", "MoSCoW", Kind.ENUM, enum=MoSCoW, width=11),
            computed(
                "rice",
                "RICE",
                _rice,
                kind=Kind.FLOAT,
                decimals=1,
                tooltip=_rice_tip,
                width=7,
                header_tip="Reach × impact × confidence ÷ effort",
            ),
            Column(
                "reach",
                "Reach",
                Kind.FLOAT,
                minimum=0,
                decimals=0,
                width=8,
                header_tip="People or events per quarter",
            ),
            Column(
                "impact",
                "Impact",
                Kind.CHOICE,
                choices=IMPACT,
                width=7,
                align_right=True,
                display=lambda r: f"{r.impact:g}",
                sort_value=lambda r: r.impact,
                header_tip="0.25 minimal · 0.5 low · 1 medium · 2 high · 3 massive",
            ),
            Column(
                "confidence",
                "Confidence",
                Kind.PERCENT,
                minimum=0,
                maximum=100,
                decimals=0,
                width=9,
            ),
            Column(
                "effort",
                "Effort",
                Kind.FLOAT,
                minimum=0.1,
                decimals=1,
                width=7,
                header_tip="Person-months",
            ),
            Column("status", "Status", Kind.ENUM, enum=RequirementStatus, width=11),
            Column("source", "Source", Kind.ENUM, enum=RequirementSource, width=10),
            computed(
                "customers",
                "Customers",
                lambda r: revenue.get(r.id, (0, 0.0))[0],
                kind=Kind.INT,
                lookups=(revenue,),
                width=9,
            ),
            computed(
                "revenue",
                "Revenue at stake",
                lambda r: revenue.get(r.id, (0, 0.0))[1],
                kind=Kind.FLOAT,
                decimals=0,
                lookups=(revenue,),
                width=12,
            ),
            Column("kind", "Kind", Kind.ENUM, enum=RequirementKind, width=12),
            computed("story", "Story", _story, tooltip=_story, width=50),
        ]

    def _revenue(self) -> dict[int, tuple[int, float]]:
        if self.product_id is None:
            return {}
        return self.service.revenue_by_requirement(self.product_id)

    def load(self, product_id: int | None) -> None:
        self.model.set_query(scoped(self.service.requirements, product_id))
        if self.model.rowCount():  # the detail pane shows the first one rather than nothing
            self.table.view.setCurrentIndex(self.model.index(0, 0))

    def _follow_cursor(self, *_args: Any) -> None:
        self.form.set_entity(self.table.current_id())

    def _new_requirement(self) -> CreateCommand:
        refs = list(texts(self.service.requirements, "ref", product_id=self.product_id))
        ref = _next_ref(refs)
        return create(
            self.service.requirements,
            f"Add requirement {ref}",
            product_id=self.product_id,
            ref=ref,
            title="New requirement",
            sort_order=next_order(self.service.requirements, product_id=self.product_id),
        )
