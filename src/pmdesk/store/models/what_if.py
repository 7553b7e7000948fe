"""What-if scenarios: a named branch of the plan, kept as the changes it makes.

A ``what_if`` row is one scenario ("Ship Edge early"): the net changes it makes to the
plan, as the history words them (a list of ``{"table", "key", "name", "kind",
"fields"}``, see :class:`pmdesk.core.history.NetChange`), and who made it when. The
plan itself is never touched until the scenario is promoted; a scenario's own
bookkeeping is no change of the plan, so no edit of this table is recorded in the
history (see :data:`pmdesk.store.history.UNRECORDED`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Entity, fk, utcnow

NAME_MAX = 200


class WhatIf(Entity):
    __tablename__ = "what_if"
    __table_args__ = (
        sa.UniqueConstraint("name"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), nullable=False)
    # The product the scenario is about (its figures are compared); None: the portfolio.
    product_id: Mapped[int | None] = fk("product.id", nullable=True)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # UTC.
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    # The OS user on a file, the server user on a team workspace.
    created_by: Mapped[str] = mapped_column(sa.String(NAME_MAX), nullable=False, default="")
    # The net changes the scenario makes to the plan, as JSON values (dates ISO, exact
    # decimals as text), oldest first as they were folded.
    changes: Mapped[list[Any]] = mapped_column(sa.JSON, nullable=False, default=list)
    # UTC: when its changes were last stored.
    updated_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
