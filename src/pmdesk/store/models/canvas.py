"""Canvas boards, their sticky notes, and dot-voting rounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.enums import CanvasTemplate, VoteTarget

from .base import Base, Entity, enum_type, fk, utcnow


class CanvasBoard(Entity):
    __tablename__ = "canvas_board"

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    template: Mapped[CanvasTemplate] = mapped_column(
        enum_type(CanvasTemplate), nullable=False, default=CanvasTemplate.PRODUCT_CANVAS
    )
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)


class CanvasNote(Entity):
    __tablename__ = "canvas_note"
    __table_args__ = (sa.CheckConstraint("votes >= 0", name="votes_not_negative"),)

    board_id: Mapped[int] = fk("canvas_board.id")
    # The template block's key ("problems", "value_proposition", ...), or "to_sort".
    block: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    colour: Mapped[str] = mapped_column(sa.String(9), nullable=False, default="#FFE066")
    # Order of the note within its block.
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    votes: Mapped[int] = mapped_column(nullable=False, default=0)


class NoteItemLink(Base):
    """Traceability: a canvas note (a problem, a feature idea) to the roadmap item delivering it."""

    __tablename__ = "note_item_link"

    note_id: Mapped[int] = mapped_column(
        sa.ForeignKey("canvas_note.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roadmap_item.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NoteRequirementLink(Base):
    __tablename__ = "note_requirement_link"

    note_id: Mapped[int] = mapped_column(
        sa.ForeignKey("canvas_note.id", ondelete="CASCADE"), primary_key=True
    )
    requirement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requirement.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class VoteRound(Entity):
    """A dot-voting round of a workshop, kept with its date and results."""

    __tablename__ = "vote_round"
    __table_args__ = (sa.CheckConstraint("dots_per_participant >= 1", name="dots_positive"),)

    product_id: Mapped[int] = fk("product.id")
    target: Mapped[VoteTarget] = mapped_column(enum_type(VoteTarget), nullable=False)
    board_id: Mapped[int | None] = fk("canvas_board.id", nullable=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    held_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    dots_per_participant: Mapped[int] = mapped_column(nullable=False, default=3)
    # Participant names; empty for an anonymous "pass the keyboard" round.
    participants: Mapped[list[Any]] = mapped_column(sa.JSON, nullable=False, default=list)
    revealed: Mapped[bool] = mapped_column(nullable=False, default=False)


class Vote(Entity):
    """One dot placed by one participant on a note, a requirement or a feedback item."""

    __tablename__ = "vote"

    round_id: Mapped[int] = fk("vote_round.id")
    participant: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    note_id: Mapped[int | None] = fk("canvas_note.id", nullable=True)
    requirement_id: Mapped[int | None] = fk("requirement.id", nullable=True)
    feedback_id: Mapped[int | None] = fk("feedback.id", nullable=True)
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN note_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN requirement_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN feedback_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_target",
        ),
    )
