"""The portfolio's history: named snapshots, what changed since a moment, compaction.

Every committed edit is kept as entries by :mod:`pmdesk.store.history`; this service reads
them. :meth:`HistoryService.changes` answers "what changed since the Q3 review": the net
change of every row between that moment and now. :meth:`HistoryService.compact` folds old
detail into one summary a day per row, when asked (never by itself).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.errors import NotFoundError, PmdeskError, ValidationError
from pmdesk.core.history import Entry, EntryKind, NetChange, SnapshotKind, net_change, shown_fields

from .. import history, journal
from ..history_apply import apply_changes, db_key, looks_cut
from ..models import Base
from ..plain import fetcher
from ..roadmap_rows import SnapshotRow, snapshot_rows

if TYPE_CHECKING:
    from .figures import PlanFigures

EDITS, ENTRIES, SNAPSHOTS = history.EDITS, history.ENTRIES, history.SNAPSHOTS


class UnknownMoment(NotFoundError):
    """``since`` names no snapshot and is no day."""

    def __init__(self, text: str) -> None:
        self.kind, self.entity_id = "snapshot", text
        PmdeskError.__init__(
            self,
            f"There is no snapshot named “{text}”; give a snapshot's name "
            "(pmdesk history snapshots lists them) or a day as YYYY-MM-DD",
        )


@dataclass(frozen=True)
class Moment:
    """A point in time to compare with: a snapshot's, or the start of a day (UTC)."""

    label: str  # the snapshot's name, or the day as ISO text
    at: dt.datetime  # naive UTC
    snapshot: bool  # True: the edits strictly after ``at``; False: from ``at`` on

    def after(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
        return column > self.at if self.snapshot else column >= self.at


@dataclass(frozen=True)
class Change:
    """One entity's net change since a moment, as ``pmdesk changes`` prints it."""

    entity: str  # its table: "roadmap_item", "requirement"…
    id: Any  # its id (a list for a composite key)
    name: str
    kind: EntryKind
    fields: dict[str, list[Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "fields": self.fields,
        }


@dataclass(frozen=True)
class ProductFigures:
    """One product's headline figures at a moment (``then``) and now (``now``)."""

    product_id: int
    product: str  # its name now, else its name then
    then: PlanFigures  # empty when the product was not there yet
    now: PlanFigures  # empty when the product is gone

    def differs(self) -> bool:
        """Whether any headline figure moved (the items' own dates aside)."""
        return any(
            getattr(self.then, name) != getattr(self.now, name)
            for name in ("critical_path_end", "launch_date", "readiness", "npv", "currency")
        )


@dataclass
class Compaction:
    """What :meth:`HistoryService.compact` folded."""

    before: dt.date
    days: int = 0
    edits_before: int = 0
    entries_before: int = 0
    entries_after: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def describe(self) -> str:
        if not self.edits_before:
            return f"Nothing to fold before {self.before.isoformat()}."
        span = f"{self.first_day} to {self.last_day}" if self.days > 1 else f"{self.first_day}"
        return (
            f"Folded {self.edits_before:,} edits ({self.entries_before:,} changes) from "
            f"{span} into {self.days:,} daily summaries ({self.entries_after:,} changes)."
        )


@dataclass
class RestorePlan:
    """What :meth:`HistoryService.restore` brings back, found before it writes anything."""

    table: str
    key: Any
    name: str  # the row's name (a removed row's as it was)
    label: str  # the undo text: 'Restore “Sensor & gateway hardware”'
    whole: bool  # True: a removed row comes back (with its links); False: fields of a row
    changes: list[NetChange] = field(default_factory=list)  # written backward
    fields: list[str] = field(default_factory=list)  # False: the fields set to their old value
    # Texts the history kept cut (longer than history.TEXT_MAX): they come back as kept.
    cut: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """How many rows come back (or change)."""
        return len(self.changes)

    def note(self) -> str:
        """What a person is told beside the restore: a text that comes back cut; '' if none."""
        if not self.cut:
            return ""
        shown = ", ".join(name.replace("_", " ") for name in self.cut)
        return (
            f"The history keeps at most {history.TEXT_MAX:,} characters of a text: {shown} "
            "comes back as far as it was kept, ending in “…”"
        )


class HistoryService:
    def __init__(self, ws) -> None:
        self.ws = ws

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(
        self, name: str, kind: SnapshotKind | str = SnapshotKind.MANUAL, note: str = ""
    ) -> SnapshotRow:
        """Name this moment; a name is used once (an automatic one gets a number added)."""
        kind = SnapshotKind.from_label(str(kind))
        name = name.strip()
        if not name:
            raise ValidationError("name", "cannot be empty")
        if len(name) > history.NAME_MAX:
            raise ValidationError("name", f"at most {history.NAME_MAX} characters")
        with self.ws.transaction() as uow:
            if kind is SnapshotKind.MANUAL and self._snapshot_at(uow.session, name) is not None:
                raise ValidationError("name", f"a snapshot named “{name}” already exists")
            key = history.take_snapshot(uow, name, kind, note=note)
            uow.journal.entity_id = key
        found = self.snapshots()
        return next(s for s in found if s.id == key)

    def snapshots(self) -> list[SnapshotRow]:
        """Every snapshot, oldest first (read as the roadmap's ghosts read them)."""
        with self.ws.read() as session:
            return snapshot_rows(fetcher(session.connection()))

    def rename_snapshot(self, snapshot_id: int, name: str) -> None:
        """Call a snapshot something else, as one transaction; a name is used once."""
        name = _snapshot_name(name)
        with self.ws.transaction() as uow:
            current = uow.session.scalar(
                sa.select(SNAPSHOTS.c.name).where(SNAPSHOTS.c.id == snapshot_id)
            )
            if current is None:
                raise NotFoundError("snapshot", snapshot_id)
            if current == name:
                return
            clash = uow.session.scalar(
                sa.select(SNAPSHOTS.c.id).where(
                    SNAPSHOTS.c.name == name, SNAPSHOTS.c.id != snapshot_id
                )
            )
            if clash is not None:
                raise ValidationError("name", f"a snapshot named “{name}” already exists")
            uow.update(SNAPSHOTS.name, snapshot_id, name=name)
            uow.journal.entity_id = snapshot_id

    def delete_snapshot(self, snapshot_id: int) -> None:
        """Forget a named moment, as one transaction (the history itself stays whole)."""
        with self.ws.transaction() as uow:
            found = uow.session.scalar(
                sa.select(SNAPSHOTS.c.id).where(SNAPSHOTS.c.id == snapshot_id)
            )
            if found is None:
                raise NotFoundError("snapshot", snapshot_id)
            uow.delete(SNAPSHOTS.name, [snapshot_id])

    @staticmethod
    def _snapshot_at(session, name: str) -> dt.datetime | None:
        return session.scalar(sa.select(SNAPSHOTS.c.at).where(SNAPSHOTS.c.name == name))

    def moment(self, since: str | dt.date | dt.datetime) -> Moment:
        """A snapshot's name, a day (``2026-09-01``: from its start, UTC) or a UTC time."""
        if isinstance(since, dt.datetime):
            at = since.astimezone(dt.UTC).replace(tzinfo=None) if since.tzinfo else since
            return Moment(at.isoformat(), at, snapshot=False)
        if isinstance(since, dt.date):
            return Moment(since.isoformat(), dt.datetime.combine(since, dt.time()), False)
        text = since.strip()
        with self.ws.read() as session:
            taken = self._snapshot_at(session, text)
        if taken is not None:
            return Moment(text, taken, snapshot=True)
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise UnknownMoment(text) from None
        return Moment(day.isoformat(), dt.datetime.combine(day, dt.time()), snapshot=False)

    # -- what changed -----------------------------------------------------------------------------

    def changes(
        self, since: str | dt.date | dt.datetime, product_id: int | None = None
    ) -> list[Change]:
        """The net change of every entity from ``since`` (a snapshot's name or a day) to now.

        A field changed and changed back is no change; an entity added and removed again
        is nothing. ``product_id``: only that product's entities (its roadmap items,
        requirements, stakeholders…, found through the rows they belong to).
        """
        found = self.net_changes(since, product_id)
        changes = [Change(n.table, n.key, n.name, n.kind, shown_fields(n.fields)) for n in found]
        changes = [c for c in changes if c.fields or c.kind is not EntryKind.CHANGED]
        changes.sort(key=lambda c: (c.entity, _order(c.id)))
        return changes

    def net_changes(
        self, since: str | dt.date | dt.datetime, product_id: int | None = None
    ) -> list[NetChange]:
        """Raw net changes since the moment: every recorded field (not only shown ones), in
        the history's order (the first edit of each row first). What :func:`apply_changes
        <pmdesk.store.history_apply.apply_changes>` writes back or forward."""
        moment = self.moment(since)
        with self.ws.read() as session:
            return self._net_changes(session, moment, product_id)

    def _net_changes(
        self, session, moment: Moment, product_id: int | None = None
    ) -> list[NetChange]:
        grouped = self._entries(session, moment.after(EDITS.c.at))
        found = [n for n in (net_change(e) for e in grouped.values()) if n is not None]
        if product_id is not None:
            owner = _Owners(session)
            found = [n for n in found if owner.product_of(n.table, n.key, n) == product_id]
        return found

    def as_it_was(
        self, since: str | dt.date | dt.datetime, table: str, product_id: int | None = None
    ) -> dict[Any, dict[str, Any] | None]:
        """The rows of ``table`` that changed after ``since``, as they were then: key -> the
        fields whose value then differs from now, {field: value then} (every field for a row
        removed since), or None for a row that did not exist then. A row not listed is as
        it was. (What a look back and a roadmap's ghost bars of a snapshot draw.)"""
        return {
            change.id: None
            if change.kind is EntryKind.ADDED
            else {field: old for field, (old, _new) in change.fields.items()}
            for change in self.changes(since, product_id)
            if change.entity == table
        }

    @staticmethod
    def _entries(session, where) -> dict[tuple[str, str], list[Entry]]:
        query = (
            sa.select(
                ENTRIES.c.table_name,
                ENTRIES.c.row_key,
                ENTRIES.c.name,
                ENTRIES.c.kind,
                ENTRIES.c.fields,
            )
            .join(EDITS, EDITS.c.id == ENTRIES.c.edit_id)
            .where(where)
            .order_by(EDITS.c.at, EDITS.c.id, ENTRIES.c.id)
        )
        grouped: dict[tuple[str, str], list[Entry]] = {}
        for table, key, name, kind, fields in session.execute(query):
            entry = Entry(table, history.key_of(key), name, EntryKind(kind), fields or {})
            grouped.setdefault((table, key), []).append(entry)
        return grouped

    def entity_history(self, table: str, key: object) -> list[tuple[dt.datetime, str, str, Entry]]:
        """One entity's entries, oldest first: (when, who, the edit's label, entry)."""
        with self.ws.read() as session:
            query = (
                sa.select(
                    EDITS.c.at,
                    EDITS.c.who,
                    EDITS.c.label,
                    ENTRIES.c.name,
                    ENTRIES.c.kind,
                    ENTRIES.c.fields,
                )
                .join(EDITS, EDITS.c.id == ENTRIES.c.edit_id)
                .where(ENTRIES.c.table_name == table, ENTRIES.c.row_key == history.key_text(key))
                .order_by(EDITS.c.at, EDITS.c.id, ENTRIES.c.id)
            )
            return [
                (at, who, label, Entry(table, key, name, EntryKind(kind), fields or {}))
                for at, who, label, name, kind, fields in session.execute(query)
            ]

    def counts(self) -> tuple[int, int]:
        """(edits, entries) the history holds."""
        with self.ws.read() as session:
            edits = session.scalar(sa.select(sa.func.count()).select_from(EDITS))
            entries = session.scalar(sa.select(sa.func.count()).select_from(ENTRIES))
        return int(edits or 0), int(entries or 0)

    # -- a moment as a workspace of its own ------------------------------------------------------

    def materialize(self, since: str | dt.date | dt.datetime | None, dest: Path) -> Path:
        """Write a NEW SQLite workspace file at dest holding the workspace as it was at `since`
        (None = as it is now: a plain consistent copy). Works from a SQLite file and from a team
        (PostgreSQL) workspace. The source is never written. The copy opens with
        pmdesk.store.workspace.open_workspace(dest) (read-only or not). Its history tables end at
        the moment.

        How: a consistent copy of the workspace as it is now (``save_copy``: SQLite's backup
        API, or the team's tables row for row), then, in the copy, every net change since the
        moment written backward (:func:`~pmdesk.store.history_apply.apply_changes`) and the
        history after the moment taken out: its edits, their entries and the snapshots named
        after it. The copy's undoing is not itself recorded.

        What the history does not record stays as it is now: the file's bookkeeping
        (``meta``), row versions, a lane folded or not, and a baseline's copied dates
        (``baseline_entry``: as now, less those whose baseline or item did not exist at the
        moment — an item removed since comes back without its baseline dates).
        A moment before the first recorded edit gives the workspace as that edit found it:
        for a workspace made by pmdesk and edited since, the new empty workspace (its name
        and standard calendar); for the demo, the portfolio as its six months of history
        began. ``dest`` must not exist; nothing is left behind when the copy fails.
        """
        from ..workspace import Workspace

        dest = Path(dest)
        if dest.exists():
            raise PmdeskError(f"{dest.name}: a file with this name already exists; pick another")
        moment = None if since is None else self.moment(since)
        part = dest.with_name(dest.name + ".part")
        _remove_file(part)
        try:
            self.ws.save_copy(part)
            if moment is not None:
                with Workspace.open(part) as copy:
                    copy.history_enabled = False  # going back is no edit of the portfolio
                    with copy.transaction() as uow:
                        changes = self._net_changes(uow.session, moment)
                        apply_changes(uow, changes, backward=True, remap_added=False)
                        _end_history(uow.session, moment)
                    report = copy.check()
                if not report.ok:
                    raise PmdeskError(
                        f"The workspace as it was at {moment.label} does not hold together "
                        f"({report.integrity}); no copy was made"
                    )
                _stand_alone(part)
            part.replace(dest)
        except BaseException:
            _remove_file(part)
            raise
        return dest

    def figures_since(
        self,
        since: str | dt.date | dt.datetime,
        product_id: int | None = None,
        today: dt.date | None = None,
    ) -> list[ProductFigures]:
        """The headline figures (critical path end, launch date, readiness, NPV: see
        :func:`~pmdesk.store.services.figures.plan_figures`) as they were at the moment and
        as they are now: of the product asked for, always; without one, of each product of
        the portfolio (there then or now) whose figures moved, by name. A product added
        since has empty figures then; one removed since, empty figures now.

        The moment is written into a temporary copy (:meth:`materialize`, deleted after)
        and read there as the views read the workspace now. Both readings take the same
        ``today`` (default the real today), so "the next launch" is the same launch.
        """
        from ..workspace import Workspace
        from .figures import PlanFigures, plan_figures

        self.moment(since)  # an unknown moment is said before anything is copied
        today = today or dt.date.today()
        with tempfile.TemporaryDirectory(prefix="pmdesk-figures-") as folder:
            copy_path = self.materialize(since, Path(folder) / "then.pmdesk")
            with Workspace.open(copy_path, read_only=True) as then_ws:
                then_names = _product_names(then_ws)
                now_names = _product_names(self.ws)
                if product_id is not None:
                    if product_id not in then_names and product_id not in now_names:
                        raise NotFoundError("product", product_id)
                    ids = [product_id]
                else:
                    names = then_names | now_names
                    ids = sorted(names, key=lambda i: (names[i].casefold(), i))
                out = []
                for pid in ids:
                    then = (
                        plan_figures(then_ws, pid, today)
                        if pid in then_names
                        else PlanFigures.empty(pid)
                    )
                    now = (
                        plan_figures(self.ws, pid, today)
                        if pid in now_names
                        else PlanFigures.empty(pid)
                    )
                    found = ProductFigures(
                        pid, now_names.get(pid) or then_names.get(pid, ""), then, now
                    )
                    if product_id is not None or found.differs():
                        out.append(found)
        return out

    # -- restore -------------------------------------------------------------------------------

    def restore_plan(
        self, table: str, key: Any, fields: Sequence[str] | None = None
    ) -> RestorePlan:
        """What :meth:`restore` would bring back, without writing; the same ValidationError
        when there is nothing to restore."""
        with self.ws.read() as session:
            return self._restore_plan(session, table, key, fields)

    def restore(self, table: str, key: Any, fields: Sequence[str] | None = None) -> str:
        """Bring back, as ONE ordinary transaction (undoable from the GUI via ServiceCommand):
        a removed row (with the rows removed in the same edit that belonged to it: its links,
        children) when it no longer exists, or the given fields' values from before the last
        change of each (fields=None on an existing row: every field of its last change).
        Returns the undo label, e.g. 'Restore “Sensor & gateway hardware”'. ValidationError with a
        clear message when nothing can be restored (e.g. the row exists and no field changed, or
        its parent is gone).

        A removed row comes back whole, with its id (``fields`` is not used); rows removed
        with it whose other parent is gone since stay out, and references the delete cleared
        (an owner, a link) are set again where still empty. A text longer than
        ``history.TEXT_MAX`` comes back as the history kept it, cut (:meth:`restore_plan`
        says which: ``RestorePlan.cut`` and ``note()``). The edit is recorded in the history
        like any other.
        """
        label = self.restore_plan(table, key, fields).label  # the history's label for it
        with history.labelled(label), self.ws.transaction() as uow:
            plan = self._restore_plan(uow.session, table, key, fields)
            apply_changes(uow, plan.changes, backward=True)
            if isinstance(plan.key, int):
                uow.journal.entity_id = plan.key
        return plan.label

    def _restore_plan(
        self, session, table_name: str, key: Any, fields: Sequence[str] | None
    ) -> RestorePlan:
        table = Base.metadata.tables.get(table_name)
        if table is None or table_name in history.UNRECORDED:
            raise ValidationError("entity", f"“{table_name}” is nothing the history keeps")
        key = history.key_of(history.key_text(key))
        found = self._row_entries(session, table_name, key)
        kind = table_name.replace("_", " ")
        if not found:
            raise ValidationError(
                "entity", f"the history holds nothing of the {kind} {history.key_text(key)}"
            )
        row = _current(session, table, db_key(key))
        if row is None:
            return self._plan_whole(session, table, key, found)
        return self._plan_fields(table, key, found, row, fields)

    @staticmethod
    def _row_entries(session, table_name: str, key: Any) -> list[tuple[int, Entry]]:
        query = (
            sa.select(ENTRIES.c.edit_id, ENTRIES.c.name, ENTRIES.c.kind, ENTRIES.c.fields)
            .join(EDITS, EDITS.c.id == ENTRIES.c.edit_id)
            .where(
                ENTRIES.c.table_name == table_name,
                ENTRIES.c.row_key == history.key_text(key),
            )
            .order_by(EDITS.c.at, EDITS.c.id, ENTRIES.c.id)
        )
        return [
            (edit_id, Entry(table_name, key, name, EntryKind(kind), _pairs(fields)))
            for edit_id, name, kind, fields in session.execute(query)
        ]

    def _plan_whole(
        self, session, table: sa.Table, key: Any, found: list[tuple[int, Entry]]
    ) -> RestorePlan:
        kind = table.name.replace("_", " ")
        removal = next(
            ((edit, e) for edit, e in reversed(found) if e.kind is EntryKind.REMOVED), None
        )
        name = next((e.name for _edit, e in reversed(found) if e.name), "")
        shown = f"“{name}”" if name else f"the {kind} {history.key_text(key)}"
        if removal is None:
            raise ValidationError("entity", f"the history does not say how {shown} was removed")
        edit_id, entry = removal
        same_edit = [
            Entry(t, history.key_of(k), n, EntryKind(kd), _pairs(f))
            for t, k, n, kd, f in session.execute(
                sa.select(
                    ENTRIES.c.table_name,
                    ENTRIES.c.row_key,
                    ENTRIES.c.name,
                    ENTRIES.c.kind,
                    ENTRIES.c.fields,
                )
                .where(ENTRIES.c.edit_id == edit_id)
                .order_by(ENTRIES.c.id)
            )
        ]
        main = (table.name, history.key_text(key))
        self._refuse_orphan(session, table, entry, shown)
        removed = {
            (e.table, history.key_text(e.key)): e
            for e in same_edit
            if e.kind is EntryKind.REMOVED and e.table in Base.metadata.tables
        }
        coming: dict[tuple[str, str], Entry] = {main: entry}
        growing = True
        while growing:  # the rows that belonged to it, and theirs
            growing = False
            for at, other in removed.items():
                if at in coming or not _refers_to(other, coming):
                    continue
                if _current(session, Base.metadata.tables[other.table], db_key(other.key)):
                    continue  # back already
                coming[at] = other
                growing = True
        pruning = True
        while pruning:  # one whose other parent is gone since stays out
            pruning = False
            for at, other in list(coming.items()):
                if at != main and not _parents_there(session, other, coming):
                    del coming[at]
                    pruning = True
        changes = [
            NetChange(e.table, e.key, e.name, EntryKind.REMOVED, dict(e.fields))
            for e in coming.values()
        ]
        for other in same_edit:  # references the delete cleared, set again where still empty
            if other.kind is not EntryKind.CHANGED or other.table not in Base.metadata.tables:
                continue
            cleared = _cleared_references(session, other, coming)
            if cleared:
                changes.append(NetChange(other.table, other.key, other.name, other.kind, cleared))
        cut = [
            column
            for e in coming.values()
            for column, pair in e.fields.items()
            if looks_cut(pair[0])
        ]
        return RestorePlan(
            table.name,
            key,
            name,
            f"Restore {shown}"[: history.NAME_MAX],
            True,
            changes,
            cut=sorted(set(cut)),
        )

    @staticmethod
    def _refuse_orphan(session, table: sa.Table, entry: Entry, shown: str) -> None:
        """The row asked for cannot come back without its parent (unless the reference is
        one the database clears itself when the parent goes)."""
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            pair = entry.fields.get(fk.parent.name)
            value = pair[0] if pair else None
            if value is None or (fk.ondelete or "").upper() == "SET NULL":
                continue
            parent = fk.column.table
            there = session.scalar(sa.select(fk.column).where(fk.column == value))
            if there is not None:
                continue
            gone = session.scalar(
                sa.select(ENTRIES.c.name)
                .where(
                    ENTRIES.c.table_name == parent.name,
                    ENTRIES.c.row_key == history.key_text(value),
                )
                .order_by(ENTRIES.c.id.desc())
                .limit(1)
            )
            what = parent.name.replace("_", " ")
            called = f"“{gone}”" if gone else f"with id {value}"
            raise ValidationError(
                fk.parent.name,
                f"{shown} belonged to the {what} {called}, which is gone too; "
                f"restore the {what} first",
            )

    @staticmethod
    def _plan_fields(
        table: sa.Table,
        key: Any,
        found: list[tuple[int, Entry]],
        row: dict[str, Any],
        fields: Sequence[str] | None,
    ) -> RestorePlan:
        name = next((e.name for _edit, e in reversed(found) if e.name), "")
        kind = table.name.replace("_", " ")
        shown = f"“{name}”" if name else f"the {kind} {history.key_text(key)}"
        fixed = {c.name for c in table.primary_key.columns} | {"row_version"}
        changed = [e for _edit, e in found if e.kind is EntryKind.CHANGED]
        if fields is None:
            last = next(
                (e for e in reversed(changed) if set(e.fields) - fixed),
                None,
            )
            if last is None:
                raise ValidationError(
                    "fields", f"{shown} has not changed since it was added: nothing to restore"
                )
            wanted = [c for c in last.fields if c not in fixed and c in table.c]
        else:
            wanted = list(dict.fromkeys(fields))
            for column in wanted:
                if column not in table.c or column in fixed:
                    known = ", ".join(c.name for c in table.c if c.name not in fixed)
                    raise ValidationError(
                        "field", f"a {kind} has no field “{column}” to restore (it has: {known})"
                    )
        before: dict[str, list[Any]] = {}
        for column in wanted:
            last_pair = next(
                (
                    e.fields[column]
                    for e in reversed(changed)
                    if column in e.fields and e.fields[column][0] != e.fields[column][1]
                ),
                None,
            )
            if last_pair is None:
                if fields is not None:
                    raise ValidationError(column, f"the history holds no change of it for {shown}")
                continue
            now = history.json_value(row[column])
            if last_pair[0] != now:
                before[column] = [last_pair[0], now]
        if not before:
            raise ValidationError(
                "fields", f"{shown} already holds the values from before its last change"
            )
        columns = list(before)
        what = columns[0].replace("_", " ") + " of " if len(columns) == 1 else ""
        return RestorePlan(
            table.name,
            key,
            name,
            f"Restore {what}{shown}"[: history.NAME_MAX],
            False,
            [NetChange(table.name, key, name, EntryKind.CHANGED, before)],
            columns,
            sorted(c for c, pair in before.items() if looks_cut(pair[0])),
        )

    # -- compaction ---------------------------------------------------------------------------------

    def compact(self, before: dt.date) -> Compaction:
        """Fold the entries of edits before ``before`` into one summary per row and day (the
        value at the day's start and at its end); what the history says changed since the
        start of any day stays the same. Not undoable: the detail is gone."""
        report = Compaction(before)
        limit = dt.datetime.combine(before, dt.time())
        with self.ws.transaction() as uow:
            session = uow.session
            old = list(
                session.execute(
                    sa.select(EDITS.c.id, EDITS.c.at, EDITS.c.who)
                    .where(EDITS.c.at < limit)
                    .order_by(EDITS.c.at, EDITS.c.id)
                )
            )
            if not old:
                return report
            by_day: dict[dt.date, list[int]] = {}
            whos: dict[dt.date, set[str]] = {}
            ends: dict[dt.date, dt.datetime] = {}
            for edit_id, at, who in old:
                by_day.setdefault(at.date(), []).append(edit_id)
                whos.setdefault(at.date(), set()).add(who)
                ends[at.date()] = at
            report.edits_before = len(old)
            report.first_day, report.last_day = min(by_day), max(by_day)
            summaries: list[tuple[dt.date, list[NetChange]]] = []
            for day, ids in sorted(by_day.items()):
                grouped: dict[tuple[str, str], list[Entry]] = {}
                for chunk in _chunks(ids):
                    query = (
                        sa.select(
                            ENTRIES.c.table_name,
                            ENTRIES.c.row_key,
                            ENTRIES.c.name,
                            ENTRIES.c.kind,
                            ENTRIES.c.fields,
                        )
                        .join(EDITS, EDITS.c.id == ENTRIES.c.edit_id)
                        .where(ENTRIES.c.edit_id.in_(chunk))
                        .order_by(EDITS.c.at, EDITS.c.id, ENTRIES.c.id)
                    )
                    for table, key, name, kind, fields in session.execute(query):
                        entry = Entry(table, key, name, EntryKind(kind), fields or {})
                        grouped.setdefault((table, key), []).append(entry)
                        report.entries_before += 1
                nets = [n for n in (net_change(e) for e in grouped.values()) if n is not None]
                summaries.append((day, nets))
            with journal._writing(session):
                for chunk in _chunks([i for ids in by_day.values() for i in ids]):
                    session.execute(sa.delete(ENTRIES).where(ENTRIES.c.edit_id.in_(chunk)))
                    session.execute(sa.delete(EDITS).where(EDITS.c.id.in_(chunk)))
                for day, nets in summaries:
                    if not nets:
                        continue
                    who = ", ".join(sorted(w for w in whos[day] if w))
                    result = session.execute(
                        sa.insert(EDITS).values(
                            at=ends[day],
                            who=who[: history.NAME_MAX],
                            label=f"Summary of {day.isoformat()}",
                        )
                    )
                    assert isinstance(result, sa.CursorResult)
                    (edit_id,) = result.inserted_primary_key or (None,)
                    rows = [
                        {
                            "edit_id": edit_id,
                            "table_name": n.table,
                            "row_key": n.key,
                            "name": n.name,
                            "kind": n.kind,
                            "fields": n.fields,
                        }
                        for n in nets
                    ]
                    for chunk_rows in _chunks(rows):
                        session.execute(sa.insert(ENTRIES), list(chunk_rows))
                    report.entries_after += len(rows)
                    report.days += 1
            uow.record(EDITS.name, "delete", [i for ids in by_day.values() for i in ids])
            uow.record(ENTRIES.name, "update", [])
        return report


def _chunks(values: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _order(key: Any) -> tuple:
    return tuple(key) if isinstance(key, list) else (key,)


class _Owners:
    """Which product a row belongs to: its product_id, or its parent's, found through
    the row as it is now or, for a row that is gone, as the history last saw it."""

    def __init__(self, session) -> None:
        self.session = session
        self.cache: dict[tuple[str, Any], int | None] = {}

    def product_of(self, table: str, key: Any, net: NetChange | None = None) -> int | None:
        if table == "product":
            return key if isinstance(key, int) else None
        at = (table, history.key_text(key))
        if at in self.cache:
            return self.cache[at]
        self.cache[at] = None  # a loop of references ends here
        values = self._values(table, key, net)
        found = self._through(table, values) if values else None
        self.cache[at] = found
        return found

    def _values(self, table_name: str, key: Any, net: NetChange | None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if net is not None:
            values.update({k: v[1] if v[1] is not None else v[0] for k, v in net.fields.items()})
        table = Base.metadata.tables.get(table_name)
        if table is None:  # no table of this format: an entry written elsewhere
            return values
        keys = key if isinstance(key, list) else [key]
        columns = list(table.primary_key.columns)
        if len(columns) == len(keys) and all(isinstance(k, int) for k in keys):
            where = [c == k for c, k in zip(columns, keys, strict=True)]
            row = self.session.execute(sa.select(table).where(*where)).mappings().first()
            if row is not None:
                return {**values, **{k: history.json_value(v) for k, v in row.items()}}
        # Gone: what the history last said of it.
        query = (
            sa.select(ENTRIES.c.fields)
            .where(
                ENTRIES.c.table_name == table_name,
                ENTRIES.c.row_key == history.key_text(key),
                ENTRIES.c.kind == EntryKind.REMOVED.value,
            )
            .order_by(ENTRIES.c.id.desc())
            .limit(1)
        )
        fields = self.session.scalar(query)
        if not isinstance(fields, dict):
            return values
        last = {k: v[0] for k, v in fields.items() if isinstance(v, list) and len(v) == 2}
        return {**last, **values}

    def _through(self, table_name: str, values: dict[str, Any]) -> int | None:
        product = values.get("product_id")
        if product is not None:
            return product if isinstance(product, int) else None
        table = Base.metadata.tables.get(table_name)
        if table is None:
            return None
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            parent_key = values.get(fk.parent.name)
            if parent_key is None or fk.column.table.name == table_name == "roadmap_item":
                continue
            found = self.product_of(fk.column.table.name, parent_key)
            if found is not None:
                return found
        return None


def _product_names(ws) -> dict[int, str]:
    from ..models import Product

    with ws.read() as session:
        return {pid: name for pid, name in session.execute(sa.select(Product.id, Product.name))}


def _snapshot_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("name", "cannot be empty")
    if len(name) > history.NAME_MAX:
        raise ValidationError("name", f"at most {history.NAME_MAX} characters")
    return name


def _pairs(fields: Any) -> dict[str, list[Any]]:
    """An entry's fields that are [old, new] pairs (an entry written elsewhere may hold others)."""
    if not isinstance(fields, dict):
        return {}
    return {k: list(v) for k, v in fields.items() if isinstance(v, list | tuple) and len(v) == 2}


def _current(session, table: sa.Table, key: Any) -> dict[str, Any] | None:
    """The row as it is now, or None when it is gone."""
    keys = list(key) if isinstance(key, tuple) else [key]
    columns = list(table.primary_key.columns)
    if len(keys) != len(columns):
        return None
    where = [c == k for c, k in zip(columns, keys, strict=True)]
    found = session.execute(sa.select(table).where(*where)).mappings().first()
    return dict(found) if found is not None else None


def _references(entry: Entry) -> Iterable[tuple[str, str, Any]]:
    """(column, parent table, parent key text) for each reference a removed row held."""
    table = Base.metadata.tables[entry.table]
    for fk in table.foreign_keys:
        pair = entry.fields.get(fk.parent.name)
        if pair and pair[0] is not None:
            yield fk.parent.name, fk.column.table.name, history.key_text(pair[0])


def _refers_to(entry: Entry, coming: dict[tuple[str, str], Entry]) -> bool:
    return any((parent, key) in coming for _c, parent, key in _references(entry))


def _parents_there(session, entry: Entry, coming: dict[tuple[str, str], Entry]) -> bool:
    table = Base.metadata.tables[entry.table]
    for fk in table.foreign_keys:
        pair = entry.fields.get(fk.parent.name)
        value = pair[0] if pair else None
        if value is None or (fk.column.table.name, history.key_text(value)) in coming:
            continue
        if (fk.ondelete or "").upper() == "SET NULL":
            continue  # left empty, as the database would have
        if session.scalar(sa.select(fk.column).where(fk.column == value)) is None:
            return False
    return True


def _cleared_references(
    session, entry: Entry, coming: dict[tuple[str, str], Entry]
) -> dict[str, list[Any]]:
    """Of a row the delete changed, the references it cleared to rows coming back, where the
    row is still there and they are still empty: {column: [old, None]}."""
    table = Base.metadata.tables[entry.table]
    targets = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
    cleared = {
        column: pair
        for column, pair in entry.fields.items()
        if column in targets
        and pair[0] is not None
        and pair[1] is None
        and (targets[column], history.key_text(pair[0])) in coming
    }
    if not cleared:
        return {}
    row = _current(session, table, db_key(entry.key))
    if row is None:
        return {}
    return {column: pair for column, pair in cleared.items() if row.get(column) is None}


def _end_history(session, moment: Moment) -> None:
    """A copy's history ends at the moment: later edits, their entries, later snapshots."""
    later = sa.select(EDITS.c.id).where(moment.after(EDITS.c.at)).scalar_subquery()
    with journal._writing(session):
        session.execute(sa.delete(ENTRIES).where(ENTRIES.c.edit_id.in_(later)))
        session.execute(sa.delete(EDITS).where(moment.after(EDITS.c.at)))
        session.execute(sa.delete(SNAPSHOTS).where(moment.after(SNAPSHOTS.c.at)))


def _stand_alone(path: Path) -> None:
    """A copy that stands alone, as Save a Copy's: no -wal beside it."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def _remove_file(path: Path) -> None:
    """A half-made copy and its SQLite side files."""
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
