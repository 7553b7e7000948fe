"""What-if scenarios: branch the plan, change it freely, compare, then promote or discard.

A scenario is a ``what_if`` row holding the net changes it makes to the plan (the
history's own words for a change: table, key, name, kind and ``{field: [old, new]}``).
The plan is never touched while a scenario is worked on:

- :meth:`WhatIfService.open_copy` writes a new workspace file: the plan as it is now
  (``HistoryService.materialize``) with the scenario's changes applied
  (``history_apply.apply_changes``; a row the scenario adds whose id the plan has since
  used gets a fresh one). The copy remembers, in its ``meta`` table, which scenario it
  is of and the last edit of its history before the scenario's changes.
- every edit made in the copy is an ordinary edit, kept in the copy's history;
  :meth:`WhatIfService.save_from` folds the copy's edits since that mark into the net
  changes and stores them in the scenario row (nothing is lost between edits).
- :meth:`WhatIfService.compare` puts the plan's headline figures
  (:func:`pmdesk.store.services.figures.plan_figures`) beside the scenario's.
- :meth:`WhatIfService.promote` applies the changes to the plan and deletes the row in
  one transaction: one undo brings both back. :meth:`WhatIfService.discard` deletes it.

A scenario's own bookkeeping is no change of the plan (``what_if`` is not recorded in the
history); promoting is, as the ordinary changes it makes. No export reads ``what_if``:
a scenario shows in a document only when one is exported from its copy.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.history import EntryKind, NetChange, net_change

from .. import history, journal
from ..history_apply import apply_changes, db_key
from ..models import Base, Meta, Product, RoadmapItem, WhatIf, table_of
from ..models.base import utcnow
from ..models.what_if import NAME_MAX
from .figures import PlanFigures, plan_figures
from .history import HistoryService

WHAT_IF = table_of(WhatIf)
# What a scenario's copy keeps in its meta table: which scenario it is of, and the id of
# the last edit in its history before the scenario's changes were applied.
COPY_OF = "what_if_scenario"
COPY_START = "what_if_start"


@dataclass(frozen=True)
class WhatIfRow:
    id: int
    name: str
    product_id: int | None
    note: str
    created_at: dt.datetime
    created_by: str
    changed_rows: int  # how many rows the scenario changes, adds or removes
    # Added to the contract: when its changes were last stored (UTC).
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class Comparison:
    plan: PlanFigures
    scenario: PlanFigures
    # Roadmap items of the product in both, with other dates: id, name, plan, scenario.
    moved: list[tuple[int, str, tuple[dt.date, dt.date], tuple[dt.date, dt.date]]] = field(
        default_factory=list
    )
    added: list[str] = field(default_factory=list)  # items only the scenario has
    removed: list[str] = field(default_factory=list)  # items only the plan has


def as_changes(stored: Any) -> list[NetChange]:
    """The row's ``changes`` JSON as net changes (entries of another shape are left out)."""
    found = []
    for change in stored if isinstance(stored, list) else []:
        if not isinstance(change, dict):
            continue
        try:
            kind = EntryKind(str(change.get("kind")))
        except ValueError:
            continue
        table, fields = change.get("table"), change.get("fields")
        if not isinstance(table, str) or not isinstance(fields, dict):
            continue
        name = change.get("name")
        found.append(
            NetChange(
                table,
                change.get("key"),
                name if isinstance(name, str) else "",
                kind,
                {k: list(v) for k, v in fields.items() if isinstance(v, list) and len(v) == 2},
            )
        )
    return found


def as_json(changes: Sequence[NetChange]) -> list[dict[str, Any]]:
    return [
        {"table": c.table, "key": c.key, "name": c.name, "kind": c.kind.value, "fields": c.fields}
        for c in changes
    ]


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", "a scenario needs a name")
    if len(name) > NAME_MAX:
        raise ValidationError("name", f"at most {NAME_MAX} characters")
    return name


class WhatIfService:
    def __init__(self, ws) -> None:
        self.ws = ws

    # -- the scenarios -------------------------------------------------------------------------

    def scenarios(self) -> list[WhatIfRow]:
        """Every scenario, oldest first."""
        with self.ws.read() as session:
            found = session.scalars(sa.select(WhatIf).order_by(WhatIf.created_at, WhatIf.id))
            return [_row(w) for w in found]

    def get(self, scenario_id: int) -> WhatIfRow:
        with self.ws.read() as session:
            found = session.get(WhatIf, scenario_id)
            if found is None:
                raise NotFoundError("what_if", scenario_id)
            return _row(found)

    def by_name(self, name: str) -> WhatIfRow:
        """The scenario called ``name`` (as typed, spaces around it aside)."""
        with self.ws.read() as session:
            found = session.scalar(sa.select(WhatIf).where(WhatIf.name == name.strip()))
            if found is not None:
                return _row(found)
        names = ", ".join(f"“{s.name}”" for s in self.scenarios()) or "none yet"
        raise ValidationError(
            "scenario", f"there is no what-if scenario named “{name}” (there are: {names})"
        )

    def create(self, name: str, product_id: int | None, note: str = "") -> WhatIfRow:
        """A new scenario of no changes yet, in one transaction; names are unique."""
        name = _clean_name(name)
        with self.ws.transaction() as uow:
            session = uow.session
            self._refuse_taken(session, name)
            if product_id is not None and session.get(Product, product_id) is None:
                raise NotFoundError("product", product_id)
            made = WhatIf(
                name=name,
                product_id=product_id,
                note=note or "",
                created_by=self.ws.history_user()[:NAME_MAX],
                changes=[],
            )
            session.add(made)
            session.flush()
            uow.journal.entity_id = made.id
            return _row(made)

    def rename(self, scenario_id: int, name: str) -> None:
        name = _clean_name(name)
        with self.ws.transaction() as uow:
            current = self._locked(uow, scenario_id)
            if current.name == name:
                return
            self._refuse_taken(uow.session, name)
            uow.update(WHAT_IF.name, scenario_id, name=name)

    def set_note(self, scenario_id: int, note: str) -> None:
        with self.ws.transaction() as uow:
            self._locked(uow, scenario_id)
            uow.update(WHAT_IF.name, scenario_id, note=note or "")

    @staticmethod
    def _refuse_taken(session, name: str) -> None:
        taken = session.scalar(sa.select(WhatIf.id).where(WhatIf.name == name))
        if taken is not None:
            raise ValidationError("name", f"a what-if scenario named “{name}” already exists")

    @staticmethod
    def _locked(uow, scenario_id: int) -> WhatIf:
        found = uow.session.get(WhatIf, scenario_id)
        if found is None:
            raise NotFoundError("what_if", scenario_id)
        return found

    def changes_of(self, scenario_id: int) -> list[NetChange]:
        """The net changes the scenario makes to the plan."""
        with self.ws.read() as session:
            stored = session.scalar(sa.select(WhatIf.changes).where(WhatIf.id == scenario_id))
            if stored is None:
                raise NotFoundError("what_if", scenario_id)
        return as_changes(stored)

    # -- working on a scenario: its copy ---------------------------------------------------------

    def open_copy(self, scenario_id: int, dest: Path) -> Path:
        """A new SQLite workspace at ``dest``: the plan now with the scenario's changes.

        The copy holds no scenarios of its own, and remembers where the scenario starts
        (its ``meta``), so :meth:`save_from` finds what was changed in it.
        """
        from ..workspace import Workspace

        row = self.get(scenario_id)
        changes = self.changes_of(scenario_id)
        dest = Path(dest)
        self.ws.service(HistoryService).materialize(None, dest)
        try:
            copy = Workspace.open(dest)
            try:
                with copy.labelled(f"What-if “{row.name}”"), copy.transaction() as uow:
                    session = uow.session
                    held: list[int] = list(session.scalars(sa.select(WHAT_IF.c.id)))
                    if held:
                        uow.delete(WHAT_IF.name, held)
                    start = session.scalar(sa.select(sa.func.max(history.EDITS.c.id))) or 0
                    with journal._writing(session):  # the file's bookkeeping: no edit
                        session.execute(sa.delete(Meta).where(Meta.key.in_([COPY_OF, COPY_START])))
                        session.execute(
                            sa.insert(Meta),
                            [
                                {"key": COPY_OF, "value": str(scenario_id)},
                                {"key": COPY_START, "value": str(start)},
                            ],
                        )
                    if changes:
                        apply_changes(uow, changes, backward=False, remap_added=True)
            finally:
                copy.close()
        except BaseException:
            for suffix in ("", "-wal", "-shm", "-journal"):
                dest.with_name(dest.name + suffix).unlink(missing_ok=True)
            raise
        return dest

    @staticmethod
    def copy_of(copy) -> int | None:
        """The scenario a workspace is the copy of (None: it is no scenario's copy)."""
        with copy.read() as session:
            value = session.scalar(sa.select(Meta.value).where(Meta.key == COPY_OF))
        return int(value) if value is not None and value.strip().isdigit() else None

    def copy_changes(self, copy) -> list[NetChange]:
        """The net changes made in a scenario's copy since it was opened: the scenario's."""
        with copy.read() as session:
            start = session.scalar(sa.select(Meta.value).where(Meta.key == COPY_START))
            if start is None or not start.strip().isdigit():
                raise ValidationError(
                    "workspace", "it is no what-if scenario's copy (open one with open_copy)"
                )
            grouped = HistoryService._entries(session, history.EDITS.c.id > int(start))
            nets = [n for n in (net_change(e) for e in grouped.values()) if n is not None]
            nets = [n for n in nets if n.table not in history.UNRECORDED]
            for change in nets:
                _exact(session, change)
        return nets

    def save_from(self, scenario_id: int, copy) -> int:
        """Store the copy's net changes since it was opened in the scenario (replacing what
        it held); returns how many rows differ from the plan. One transaction on the plan,
        not recorded in its history (a scenario's bookkeeping)."""
        made_for = self.copy_of(copy)
        if made_for is None:
            raise ValidationError(
                "workspace", "it is no what-if scenario's copy (open one with open_copy)"
            )
        if made_for != scenario_id:
            raise ValidationError(
                "workspace", "it is the copy of another what-if scenario, not of this one"
            )
        changes = self.copy_changes(copy)
        with self.ws.transaction() as uow:
            self._locked(uow, scenario_id)
            uow.update(WHAT_IF.name, scenario_id, changes=as_json(changes), updated_at=utcnow())
        return len(changes)

    # -- comparing -------------------------------------------------------------------------------

    def compare(self, scenario_id: int, today: dt.date | None = None) -> Comparison:
        """The product's figures in the plan and in the scenario, and the items it moves,
        adds and removes (of the scenario's product; a portfolio-wide scenario: of the
        product it changes most, else the first product)."""
        from ..workspace import Workspace

        row = self.get(scenario_id)
        with tempfile.TemporaryDirectory(prefix="pmdesk-what-if-") as folder:
            path = self.open_copy(scenario_id, Path(folder) / "scenario.pmdesk")
            with Workspace.open(path, read_only=True) as copy:
                product_id = row.product_id or self._product_changed(copy, scenario_id)
                if product_id is None:
                    raise ValidationError(
                        "scenario", "there is no product in the plan or the scenario to compare"
                    )
                scenario = _figures(copy, product_id, today)
                scenario_names = _item_names(copy, product_id)
        plan = _figures(self.ws, product_id, today)
        plan_names = _item_names(self.ws, product_id)
        moved = [
            (item_id, scenario_names[item_id], dates, scenario.items[item_id])
            for item_id, dates in sorted(plan.items.items(), key=lambda kv: (kv[1], kv[0]))
            if item_id in scenario.items and scenario.items[item_id] != dates
        ]
        added = [scenario_names[i] for i in sorted(scenario.items.keys() - plan.items.keys())]
        removed = [plan_names[i] for i in sorted(plan.items.keys() - scenario.items.keys())]
        return Comparison(plan, scenario, moved, added, removed)

    def _product_changed(self, copy, scenario_id: int) -> int | None:
        """The product whose roadmap items the scenario changes most, else the first one."""
        counts: dict[int, int] = {}
        changes = self.copy_changes(copy)
        with copy.read() as session:
            for change in changes:
                if change.table != "roadmap_item" or not isinstance(change.key, int):
                    continue
                product = session.scalar(
                    sa.select(RoadmapItem.product_id).where(RoadmapItem.id == change.key)
                )
                if product is None:  # gone from the copy: what the change said of it
                    old, new = change.fields.get("product_id", [None, None])
                    product = new if new is not None else old
                if isinstance(product, int):
                    counts[product] = counts.get(product, 0) + 1
        if counts:
            return max(sorted(counts), key=lambda p: counts[p])
        with self.ws.read() as session:
            first = session.scalar(sa.select(Product.id).order_by(Product.id).limit(1))
        if first is None:
            with copy.read() as session:
                first = session.scalar(sa.select(Product.id).order_by(Product.id).limit(1))
        return first

    # -- promoting and discarding ---------------------------------------------------------------

    def promote(self, scenario_id: int) -> str:
        """Apply the scenario's changes to the plan and delete the scenario, as ONE
        transaction (one undo brings both back). Returns the undo label."""
        row = self.get(scenario_id)
        label = f"Promote “{row.name}” to the plan"
        with self.ws.labelled(label), self.ws.transaction() as uow:
            stored = uow.session.scalar(sa.select(WhatIf.changes).where(WhatIf.id == scenario_id))
            if stored is None:
                raise NotFoundError("what_if", scenario_id)
            changes = as_changes(stored)
            if changes:
                apply_changes(uow, changes, backward=False, remap_added=True)
            uow.delete(WHAT_IF.name, [scenario_id])
        return label

    def discard(self, scenario_id: int) -> None:
        """Delete the scenario and its changes, in one transaction (undo brings it back)."""
        with self.ws.transaction() as uow:
            self._locked(uow, scenario_id)
            uow.delete(WHAT_IF.name, [scenario_id])


def _row(found: WhatIf) -> WhatIfRow:
    changes = found.changes if isinstance(found.changes, list) else []
    return WhatIfRow(
        id=found.id,
        name=found.name,
        product_id=found.product_id,
        note=found.note,
        created_at=found.created_at,
        created_by=found.created_by,
        changed_rows=len(changes),
        updated_at=found.updated_at,
    )


def _exact(session, change: NetChange) -> None:
    """The new values of a row the copy still holds, read from the row itself: the history
    keeps a long text cut (history.TEXT_MAX), and a scenario must not cut the plan's."""
    if change.kind is EntryKind.REMOVED:
        return
    table = Base.metadata.tables.get(change.table)
    if table is None:
        return
    key = db_key(change.key)
    keys = list(key) if isinstance(key, tuple) else [key]
    columns = list(table.primary_key.columns)
    if len(keys) != len(columns):
        return
    where = [column == value for column, value in zip(columns, keys, strict=True)]
    row = session.execute(sa.select(table).where(*where)).mappings().first()
    if row is None:
        return
    for name, pair in change.fields.items():
        if name in row:
            pair[1] = history.json_value(row[name])


def _figures(ws, product_id: int, today: dt.date | None) -> PlanFigures:
    try:
        return plan_figures(ws, product_id, today)
    except NotFoundError:  # the scenario adds the product, or removes it
        return PlanFigures.empty(product_id)


def _item_names(ws, product_id: int) -> dict[int, str]:
    with ws.read() as session:
        rows = session.execute(
            sa.select(RoadmapItem.id, RoadmapItem.name).where(RoadmapItem.product_id == product_id)
        )
        return {item_id: name for item_id, name in rows}
