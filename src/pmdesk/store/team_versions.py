"""Refusing stale edits on a team workspace.

Each client remembers the ``row_version`` of every row it has *seen* (read) and
*written*; an edit of a row that someone else has changed since is refused with a
:class:`ConflictError` showing both values, and an undo is refused when the row
changed after this client's own write. Connecting is in :mod:`.team_server`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pmdesk.core.errors import PmdeskError

from .models import Base, Entity
from .row_versions import RowVersions

# -- the refusal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldConflict:
    """One field of a refused edit: what this person wrote and what is there now."""

    field: str
    mine: Any
    theirs: Any


class ConflictError(PmdeskError):
    """An edit or undo refused because someone else changed the same row first.

    Carries everything a "keep mine / take theirs" question needs: the table
    (``kind``), the row id, its current version and each field's two values.
    """

    def __init__(
        self,
        kind: str,
        entity_id: object,
        fields: list[FieldConflict],
        their_version: int | None,
        *,
        name: str = "",
        undo: bool = False,
        deleting: bool = False,
    ) -> None:
        self.kind = kind
        self.entity_id = entity_id
        self.fields = fields
        self.their_version = their_version
        self.name = name
        self.undo = undo
        self.deleting = deleting
        what = kind.replace("_", " ") + (f" “{name}”" if name else "")
        if undo:
            lost = "delete" if deleting else "overwrite"
            head = f"Someone else changed this {what} after your edit; undoing it would {lost}"
            head += " their change, so nothing was undone"
        elif deleting:
            head = f"Someone else changed this {what} since you loaded it; it was not deleted"
        else:
            head = f"Someone else changed this {what} since you loaded it; nothing was overwritten"
        details = "; ".join(
            f"{f.field.replace('_', ' ')}: yours {_show(f.mine)}, theirs {_show(f.theirs)}"
            for f in fields
        )
        super().__init__(f"{head}. {details}" if details else f"{head}.")

    @property
    def field(self) -> str:
        """The first conflicting field (most edits change one)."""
        return self.fields[0].field if self.fields else ""

    @property
    def mine(self) -> Any:
        return self.fields[0].mine if self.fields else None

    @property
    def theirs(self) -> Any:
        return self.fields[0].theirs if self.fields else None


def _show(value: Any) -> str:
    if value is None:
        return "(empty)"
    text = value.value if hasattr(value, "value") and not isinstance(value, str) else value
    return f"“{text}”"


# -- the versions seen and written ------------------------------------------------------------

Key = tuple[str, object]


def _key(obj: Entity) -> Key:
    return (type(obj).__tablename__, obj.id)


def _committed(obj: Entity, name: str) -> Any:
    """The value loaded from the database (before this transaction's change)."""
    history = sa.inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(obj, name)


def _changed_fields(obj: Entity, theirs: dict[str, Any]) -> list[FieldConflict]:
    fields = []
    for attr in sa.inspect(obj).attrs:
        if attr.key in ("id", "row_version") or not attr.history.added:
            continue
        fields.append(FieldConflict(attr.key, attr.history.added[0], theirs.get(attr.key)))
    return fields


def _label(obj: Entity) -> str:
    return str(getattr(obj, "name", None) or getattr(obj, "title", None) or "")


class VersionBook(RowVersions):
    """The row versions this client has seen and written, for refusing stale edits.

    ``seen`` is filled by every read session; an edit of a row whose loaded
    version differs from the one seen was made against an out-of-date screen.
    ``written`` holds the version after this client's own commit; while
    ``guarding_undo`` is set (an undo or redo), a row whose version moved on
    since then belongs to someone else's edit and is not touched.
    """

    def __init__(self) -> None:
        self.seen: dict[Key, int] = {}
        self.written: dict[Key, int] = {}
        # Rows someone is typing into: the version their edit is based on, whatever the
        # screen re-reads meanwhile (a colleague's change arriving mid-sentence).
        self.held: dict[Key, int] = {}
        self.guarding_undo = False

    def on_load(self, _session: Session, obj: object) -> None:
        if isinstance(obj, Entity) and "row_version" in obj.__dict__:
            self.seen[_key(obj)] = obj.row_version

    def note_seen(self, kind: str, rows: Iterable[tuple[object, int]]) -> None:
        """(id, row_version) pairs read without the ORM (the roadmap chart's bulk reads)."""
        self.seen.update(((kind, entity_id), version) for entity_id, version in rows)

    def _expected(self, key: Key) -> int | None:
        """The version this client counts on: its own write while undoing, else the one an
        edit in progress started from, else what it saw last."""
        expected = self.written.get(key) if self.guarding_undo else None
        if expected is None:
            expected = self.held.get(key)
        return expected if expected is not None else self.seen.get(key)

    def hold_version(self, kind: str, entity_id: object) -> None:
        """Someone started typing into this row: later edits are checked against now."""
        key = (kind, entity_id)
        if key not in self.held and key in self.seen:
            self.held[key] = self.seen[key]

    def release_version(self, kind: str, entity_id: object) -> None:
        self.held.pop((kind, entity_id), None)

    def snapshot(self) -> dict[Key, int]:
        """The versions seen now: what an edit kept while offline was made against."""
        return dict(self.seen)

    @contextlib.contextmanager
    def as_seen(self, snapshot: dict[Key, int] | None) -> Iterator[None]:
        """Check edits against an earlier snapshot (edits kept while the server was away).

        Meanwhile the screen may have re-read rows others changed, which moved
        ``seen`` on; an edit made before that must still be refused on those rows.
        Versions written inside the block are kept afterwards.
        """
        if snapshot is None:
            yield
            return
        live, self.seen = self.seen, dict(snapshot)
        try:
            yield
        finally:
            moved = {k: v for k, v in self.seen.items() if snapshot.get(k) != v}
            self.seen = live
            live.update(moved)

    def accept(self, kind: str, entity_id: object, version: int) -> None:
        """The person has seen ``version`` (took theirs, or chose to keep theirs on top)."""
        self.seen[(kind, entity_id)] = version
        self.written.pop((kind, entity_id), None)
        self.held.pop((kind, entity_id), None)

    def check(self, session: Session, _ctx: object = None, _instances: object = None) -> None:
        """before_flush: refuse the first modified row that changed behind this client's back."""
        touched = [o for o in session.dirty if session.is_modified(o)] + list(session.deleted)
        self.note_attempt(session, touched)
        for obj in touched:
            if not isinstance(obj, Entity) or obj.id is None:
                continue
            key = _key(obj)
            loaded = _committed(obj, "row_version")
            expected = self._expected(key)
            if expected is not None and loaded != expected:
                theirs = {a.key: _committed(obj, a.key) for a in sa.inspect(obj).attrs}
                raise ConflictError(
                    key[0],
                    obj.id,
                    _changed_fields(obj, theirs),
                    loaded,
                    name=_label(obj),
                    undo=self.guarding_undo and key in self.written,
                )

    @staticmethod
    def note_attempt(session: Session, touched: Iterable[object]) -> None:
        """What this flush is about to write, kept in case the UPDATE finds a newer version."""
        attempt = session.info["attempt"] = {}
        for obj in touched:
            if isinstance(obj, Entity) and obj.id is not None:
                fields = {
                    a.key: a.history.added[0]
                    for a in sa.inspect(obj).attrs
                    if a.history.added and a.key not in ("id", "row_version")
                }
                attempt[_key(obj)] = (_committed(obj, "row_version"), fields, _label(obj))

    def guard_rows(
        self, session: Session, table: sa.Table, ids: Iterable[object], *, deleting: bool = False
    ) -> None:
        """Before a delete or a Core-level update: lock the rows, refuse a stale one.

        ``FOR UPDATE`` holds the rows until this transaction ends, so no one can
        change them between this check and the write.
        """
        if "row_version" not in table.c:
            return
        label = next((table.c[n] for n in ("name", "title") if n in table.c), table.c.id)
        id_list = list(ids)
        for chunk in _id_chunks(id_list, 500):
            stmt = (
                sa.select(table.c.id, table.c.row_version, label)
                .where(table.c.id.in_(chunk))
                .with_for_update()
            )
            rows: Iterable[tuple[object, int, object]] = session.execute(stmt)
            for entity_id, version, name in rows:
                key = (table.name, entity_id)
                expected = self._expected(key)
                if expected is None or version == expected:
                    continue
                undo = self.guarding_undo and key in self.written
                fields = [FieldConflict(label.key, "(deleted)" if deleting else name, name)]
                raise ConflictError(
                    table.name,
                    entity_id,
                    fields,
                    version,
                    name=str(name) if label is not table.c.id else "",
                    undo=undo,
                    deleting=deleting,
                )

    def wrote_rows(self, session: Session, table: sa.Table, ids: Iterable[object]) -> None:
        """After a Core-level insert or update: the versions now in the rows are this client's."""
        if "row_version" not in table.c:
            return
        written = session.info.setdefault("written", {})
        for chunk in _id_chunks(list(ids), 500):
            stmt = sa.select(table.c.id, table.c.row_version).where(table.c.id.in_(chunk))
            for entity_id, version in session.execute(stmt):
                written[(table.name, entity_id)] = version

    def after_flush(self, session: Session, _ctx: object) -> None:
        """Note the versions this transaction wrote; they count once the commit succeeds."""
        written = session.info.setdefault("written", {})
        for obj in list(session.new) + [o for o in session.dirty if session.is_modified(o)]:
            if isinstance(obj, Entity):
                written[_key(obj)] = obj.row_version
        for obj in session.deleted:
            if isinstance(obj, Entity):
                written[_key(obj)] = None

    def committed(self, session: Session) -> None:
        for key, version in session.info.pop("written", {}).items():
            self.held.pop(key, None)  # this client's own write supersedes what it typed from
            if version is None:
                self.seen.pop(key, None)
                self.written.pop(key, None)
            else:
                self.seen[key] = self.written[key] = version


def stale_conflict(session: Session, engine: sa.Engine) -> ConflictError | None:
    """After a StaleDataError: which row moved on, and what it holds now.

    The version check in the UPDATE itself caught a change committed between
    this transaction's read and its write; read the row afresh (on another
    connection, this transaction is about to be rolled back) to show both values.
    """
    for (kind, entity_id), (loaded, mine, label) in session.info.get("attempt", {}).items():
        table = Base.metadata.tables[kind]
        with engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.id == entity_id)).mappings().first()
        if row is None or row["row_version"] != loaded:
            theirs = dict(row) if row is not None else {}
            fields = [FieldConflict(name, value, theirs.get(name)) for name, value in mine.items()]
            version = row["row_version"] if row is not None else None
            return ConflictError(kind, entity_id, fields, version, name=label)
    return None


# -- helpers -----------------------------------------------------------------------------------


def _id_chunks(ids: list[object], per: int = 400) -> Iterable[list[object]]:
    for start in range(0, len(ids), per):
        yield ids[start : start + per]
