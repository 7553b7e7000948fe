"""The portfolio's history: every committed edit, its changes row by row, named moments.

``change_edit`` is one committed edit (when, who, what the app called it); ``change_entry``
one row it touched (see :mod:`pmdesk.core.history` for what an entry holds);
``history_snapshot`` a named moment ("Q3 review", a gate's sign-off, a baseline). They are
written by :mod:`pmdesk.store.history` in the same transaction as the edit itself; no
edit of these tables is itself recorded.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite.base import _SQliteJson
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.history import EntryKind, SnapshotKind

from .base import Base, Entity, enum_type, utcnow

# The most an entry's fields may hold, as JSON text (a row's every field when it is added
# or removed; longer texts are cut when recorded, see pmdesk.store.history).
FIELDS_MAX = 60_000


class CompactJSON(_SQliteJson):
    """JSON written without spaces and with its characters as they are (not \\u escapes):
    a year of history is a quarter smaller. SQLite only; a team database (PostgreSQL)
    stores it in its own ``json`` type, as every other JSON column."""

    cache_ok = True

    def bind_processor(self, dialect: sa.Dialect) -> Any:
        def process(value: Any) -> str | None:
            if value is None:
                return None
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False)  # as history.py

        return process


class ChangeEdit(Base):
    __tablename__ = "change_edit"

    id: Mapped[int] = mapped_column(primary_key=True)
    # UTC. Not indexed, nor are an entry's table and row: a year of heavy use is a scan
    # of a few megabytes, and the indexes would cost a quarter of the file.
    at: Mapped[dt.datetime] = mapped_column(nullable=False)
    # The OS user on a file, the server user on a team workspace.
    who: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    # What the app called the edit ("Move Pulse Cloud 2.0", "Undo …"); may be empty.
    label: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")


class ChangeEntry(Base):
    __tablename__ = "change_entry"
    __table_args__ = (
        sa.CheckConstraint(
            f"length(CAST(fields AS TEXT)) <= {FIELDS_MAX}", name="fields_not_too_long"
        ),
        sa.CheckConstraint("length(trim(table_name)) > 0", name="table_name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("change_edit.id", ondelete="CASCADE"), nullable=False, index=True
    )
    table_name: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    # The row's id as text, or a composite key's values joined by commas ("3,7").
    row_key: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    # The entity's name at the time (a roadmap item's name, a requirement's title…).
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    kind: Mapped[EntryKind] = mapped_column(enum_type(EntryKind), nullable=False)
    # {field: [old, new]} as compact JSON values.
    fields: Mapped[dict[str, Any]] = mapped_column(CompactJSON, nullable=False, default=dict)


class HistorySnapshot(Entity):
    __tablename__ = "history_snapshot"
    __table_args__ = (
        sa.UniqueConstraint("name"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # UTC, to the microsecond: "since" a snapshot means the edits after this moment (an
    # edit that makes one, a gate's sign-off, is part of what it shows).
    at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    kind: Mapped[SnapshotKind] = mapped_column(
        enum_type(SnapshotKind), nullable=False, default=SnapshotKind.MANUAL
    )
    who: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
