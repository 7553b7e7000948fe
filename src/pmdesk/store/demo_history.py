"""Six months of the demo portfolio's history: the edits that led to the demo as it is.

The demo is built in one transaction whose own changes are not recorded (it is the
present, not an edit); this module then writes, back-dated, what a product team did over
the six months before: Pulse Cloud passed its Analysis gate and moved to Development
(with the gate's automatic snapshot), the "Q3 review" three months ago, and since then
dates slipped, a feature was cut and one added, a requirement was re-prioritised, a
stakeholder moved on the map and the launch moved — so ``pmdesk changes demo.pmdesk
--since "Q3 review"`` tells a story. Every entry ends at the value the demo holds now; the
demo knows what it changed, so the entries are written directly (a few dozen rows).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.history import EntryKind, SnapshotKind

from . import history, journal
from .models import Base

if TYPE_CHECKING:
    from .demo import DemoDates
    from .workspace import UnitOfWork

Q3_REVIEW = "Q3 review"
PRODUCT = "Pulse Cloud"
# A feature planned before the Q3 review and cut after it: its row is gone from the demo.
CUT_ITEM = "Offline sync for field tablets"
CUT_ID_OFFSET = 1000  # its id: far above the demo's, so a new item never takes it


class _Story:
    def __init__(self, uow: UnitOfWork, dates: DemoDates) -> None:
        self.session = uow.session
        self.dates = dates
        self.edits: list[tuple[dt.datetime, str, str, list[dict[str, Any]]]] = []
        self.snapshots: list[dict[str, Any]] = []

    def row(self, table: str, **where: Any) -> dict[str, Any]:
        t = Base.metadata.tables[table]
        query = sa.select(t).where(*(t.c[k] == v for k, v in where.items())).order_by(t.c.id)
        found = self.session.execute(query).mappings().first()
        if found is None:
            raise LookupError(f"the demo has no {table} with {where}")
        return history.values_at_rest(found)

    def at(self, spec: int | str, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.dates.at(spec), dt.time(hour, minute))

    def edit(self, when: dt.datetime, who: str, label: str, *entries: dict[str, Any]) -> None:
        self.edits.append((when, who, label, list(entries)))

    @staticmethod
    def changed(table: str, row: dict[str, Any], **old: Any) -> dict[str, Any]:
        """An entry: ``row`` (as it is now) had ``old`` values before."""
        fields = {k: [v, row[k]] for k, v in old.items()}
        return _entry(table, row, EntryKind.CHANGED, fields)

    @staticmethod
    def added(table: str, row: dict[str, Any]) -> dict[str, Any]:
        fields = {k: [None, v] for k, v in row.items() if k != "row_version"}
        return _entry(table, row, EntryKind.ADDED, fields)

    @staticmethod
    def removed(table: str, row: dict[str, Any]) -> dict[str, Any]:
        fields = {k: [v, None] for k, v in row.items() if k != "row_version"}
        return _entry(table, row, EntryKind.REMOVED, fields)

    def write(self) -> None:
        edits, entries, snapshots = history.EDITS, history.ENTRIES, history.SNAPSHOTS
        with journal._writing(self.session):
            for when, who, label, found in sorted(self.edits, key=lambda e: e[0]):
                result = self.session.execute(
                    sa.insert(edits).values(at=when, who=who, label=label)
                )
                assert isinstance(result, sa.CursorResult)
                (edit_id,) = result.inserted_primary_key or (None,)
                self.session.execute(sa.insert(entries), [e | {"edit_id": edit_id} for e in found])
            if self.snapshots:
                self.session.execute(sa.insert(snapshots), self.snapshots)


def _entry(
    table: str, row: dict[str, Any], kind: EntryKind, fields: dict[str, list[Any]]
) -> dict[str, Any]:
    column = history.name_column(table)
    return {
        "table_name": table,
        "row_key": str(row["id"]),
        "name": str(row.get(column) or "") if column else "",
        "kind": kind,
        "fields": fields,
    }


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def write_demo_history(uow: UnitOfWork, dates: DemoDates) -> None:
    """Write the demo's six months of history into ``uow`` (see the module docstring)."""
    story = _Story(uow, dates)
    product = story.row("product", name=PRODUCT)
    pid = product["id"]
    owner = product["owner"] or "Product manager"
    who_hw = "Lena Fischer"

    # Six months ago: the Analysis gate passed, Pulse Cloud moves to Development.
    gate = story.row("gate_review", product_id=pid, stage="analysis", decision="go")
    analysis = story.row("stage_period", product_id=pid, stage="analysis")
    development = story.row("stage_period", product_id=pid, stage="development")
    gate_at = dt.datetime.combine(dt.date.fromisoformat(gate["decided_on"]), dt.time(15, 0))
    story.edit(
        gate_at,
        owner,
        "Gate decision: Analysis — Go",
        story.added("gate_review", gate),
        story.changed("product", product, stage="analysis"),
        story.changed("stage_period", analysis, left_on=None),
        story.added("stage_period", development),
    )
    story.snapshots.append(
        _snapshot(f"Gate: Analysis — {PRODUCT}", gate_at, SnapshotKind.GATE, owner, "Go")
    )

    # Before the Q3 review: the plan takes shape.
    lane_apps = story.row("lane", product_id=pid, name="Apps & Integrations")
    template = story.row("roadmap_item", product_id=pid, name="Custom dashboards")
    cut = {
        **template,
        "id": template["id"] + CUT_ID_OFFSET,
        "lane_id": lane_apps["id"],
        "name": CUT_ITEM,
        "start_date": _shift(template["start_date"], -40),
        "end_date": _shift(template["start_date"], 20),
        "status": "planned",
        "progress": 0,
        "notes": "For service technicians working in basements without coverage.",
    }
    story.edit(story.at("-5m+10", 11), owner, f"Add {CUT_ITEM}", story.added("roadmap_item", cut))
    alpha = story.row("roadmap_item", product_id=pid, name="Closed alpha (3 labs)")
    story.edit(
        story.at("-4m+6", 9, 30),
        owner,
        "Move Closed alpha (3 labs)",
        story.changed(
            "roadmap_item",
            alpha,
            start_date=_shift(alpha["start_date"], -14),
            end_date=_shift(alpha["end_date"], -14),
        ),
    )
    q3_at = story.at("-3m+2", 16)
    story.snapshots.append(
        _snapshot(Q3_REVIEW, q3_at, SnapshotKind.MANUAL, owner, "Quarterly portfolio review")
    )

    # Since the Q3 review.
    hardware = story.row("roadmap_item", product_id=pid, name="Sensor & gateway hardware")
    story.edit(
        story.at("-2m+5", 14),
        who_hw,
        "Move Sensor & gateway hardware",
        story.changed(
            "roadmap_item",
            hardware,
            end_date=_shift(hardware["end_date"], -28),
            status="in_progress",
        ),
    )
    apps = story.row("roadmap_item", product_id=pid, name="Monitoring apps")
    slipped = apps | {"end_date": _shift(apps["end_date"], -7)}
    story.edit(
        story.at("-2m+12", 11),
        owner,
        "Move Monitoring apps",
        story.changed(
            "roadmap_item",
            slipped,
            end_date=_shift(apps["end_date"], -21),
            status="in_progress",
        ),
    )
    residency = story.row("roadmap_item", product_id=pid, name="Regional data residency (EU/US)")
    requirement = story.row("requirement", product_id=pid, ref="REQ-8")
    story.edit(
        story.at("-2m+19", 10),
        owner,
        "Add Regional data residency (EU/US)",
        story.added("roadmap_item", residency),
    )
    story.edit(
        story.at("-2m+19", 10, 5),
        owner,
        "Re-prioritise REQ-8",
        story.changed("requirement", requirement, moscow="could"),
    )
    critic = story.row("stakeholder", product_id=pid, name="Tomasz Wójcik")
    story.edit(
        story.at("-1m+8", 17),
        owner,
        "Move Tomasz Wójcik on the map",
        story.changed("stakeholder", critic, power=5.5, interest=2.5, attitude="neutral"),
    )
    story.edit(
        story.at("-1m+15", 9),
        owner,
        f"Delete {CUT_ITEM}",
        story.removed("roadmap_item", cut),
    )
    ga = story.row("roadmap_item", product_id=pid, name=f"GA launch: {PRODUCT} 1.0")
    launch = story.row("launch", product_id=pid)
    story.edit(
        story.at("-1m+20", 15),
        owner,
        "Move the launch",
        story.changed(
            "roadmap_item",
            ga,
            start_date=_shift(ga["start_date"], -14),
            end_date=_shift(ga["end_date"], -14),
        ),
        story.changed("launch", launch, launch_date=_shift(launch["launch_date"], -14)),
    )
    sso = story.row("requirement", product_id=pid, ref="REQ-7")
    story.edit(
        story.at("-1m+22", 10),
        owner,
        "Start REQ-7",
        story.changed("requirement", sso, status="accepted"),
    )
    # A date moved and moved back: no change at all since the review.
    survey = story.row("roadmap_item", product_id=pid, name="Beta NPS survey")
    later = _shift(survey["start_date"], 7)
    story.edit(
        story.at("-12", 11),
        owner,
        "Move Beta NPS survey",
        _Story.changed(
            "roadmap_item",
            survey | {"start_date": later, "end_date": later},
            start_date=survey["start_date"],
            end_date=survey["end_date"],
        ),
    )
    story.edit(
        story.at("-11", 9),
        owner,
        "Move Beta NPS survey",
        story.changed("roadmap_item", survey, start_date=later, end_date=later),
    )
    story.edit(
        story.at("-6", 16),
        owner,
        "Move Monitoring apps",
        story.changed("roadmap_item", apps, end_date=slipped["end_date"]),
    )
    story.write()


def _snapshot(
    name: str, at: dt.datetime, kind: SnapshotKind, who: str, note: str
) -> dict[str, Any]:
    return {"name": name, "at": at, "kind": kind, "who": who, "note": note, "row_version": 1}
