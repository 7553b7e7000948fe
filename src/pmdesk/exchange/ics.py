"""Key dates as an iCalendar file (RFC 5545) that any calendar application opens.

Four kinds of dates become all-day events: roadmap milestones, launch dates,
gate reviews and each stakeholder's next contact. The rules this module keeps,
each tested by parsing the output back:

* ``VCALENDAR`` with ``PRODID``, ``VERSION:2.0`` and ``CALSCALE:GREGORIAN``.
* Each ``VEVENT`` has a ``UID`` that stays the same from one export to the next
  (``<kind>-<id>-<workspace>@pmdesk``, the workspace part derived from the
  moment the workspace was created), so re-importing updates events instead of
  duplicating them; ``DTSTAMP`` is the export time in UTC.
* All-day events: ``DTSTART;VALUE=DATE`` and ``DTEND;VALUE=DATE`` the day after
  (the end is exclusive).
* TEXT values escape backslash, semicolon, comma and line breaks.
* Lines end with CRLF and are folded at 75 octets, never inside a UTF-8
  character; a continuation line starts with one space.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from pmdesk import __version__
from pmdesk.core.enums import ItemKind
from pmdesk.store.models import GateReview, Launch, Product, RoadmapItem, Stakeholder, WorkspaceInfo

from .importing import write_output

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

MAX_OCTETS = 75
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    kind: str  # "milestone", "launch", "gate", "contact": part of the UID
    entity_id: int
    day: dt.date
    summary: str
    description: str
    category: str


def escape_text(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    for plain, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(plain, escaped)
    return text


def fold(line: str) -> bytes:
    """One content line as octets, folded at 75 octets without splitting a character."""
    data = line.encode("utf-8")
    pieces = []
    limit = MAX_OCTETS
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a continuation byte: step back
            cut -= 1
        pieces.append(data[:cut])
        data = data[cut:]
        limit = MAX_OCTETS - 1  # the leading space of a continuation line counts
    pieces.append(data)
    return b"\r\n ".join(pieces) + b"\r\n"


def workspace_identity(info: WorkspaceInfo | None) -> str:
    """A short, stable token for this workspace: it never changes once the file exists."""
    seed = info.created_at.isoformat() if info is not None else "pmdesk"
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


def calendar_events(ws: Workspace, product_id: int | None = None) -> list[Event]:
    """The dated events of one product, or of the whole portfolio, by date."""
    with ws.read() as session:
        products = {p.id: p.name for p in session.scalars(sa.select(Product))}
        wanted = [product_id] if product_id is not None else list(products)
        events = list(_milestones(session, wanted, products))
        events += _launches(session, wanted, products)
        events += _gates(session, wanted, products)
        events += _contacts(session, wanted, products)
    return sorted(events, key=lambda e: (e.day, e.kind, e.entity_id))


def _milestones(session, wanted, products) -> Iterator[Event]:
    stmt = sa.select(RoadmapItem).where(
        RoadmapItem.product_id.in_(wanted), RoadmapItem.kind == ItemKind.MILESTONE
    )
    for item in session.scalars(stmt):
        yield Event(
            "milestone",
            item.id,
            item.start_date,
            f"{products[item.product_id]}: {item.name}",
            item.notes,
            "Milestone",
        )


def _launches(session, wanted, products) -> Iterator[Event]:
    for launch in session.scalars(sa.select(Launch).where(Launch.product_id.in_(wanted))):
        description = f"Tier {launch.tier} launch of {products[launch.product_id]}"
        yield Event(
            "launch",
            launch.id,
            launch.launch_date,
            f"Launch: {launch.name} ({products[launch.product_id]})",
            description,
            "Launch",
        )


def _gates(session, wanted, products) -> Iterator[Event]:
    for gate in session.scalars(sa.select(GateReview).where(GateReview.product_id.in_(wanted))):
        by = f"Decided by {gate.decided_by_name}\n" if gate.decided_by_name else ""
        yield Event(
            "gate",
            gate.id,
            gate.decided_on,
            f"Gate review {gate.stage.label}: {gate.decision.label} ({products[gate.product_id]})",
            by + gate.rationale,
            "Gate review",
        )


def _contacts(session, wanted, products) -> Iterator[Event]:
    stmt = sa.select(Stakeholder).where(
        Stakeholder.product_id.in_(wanted), Stakeholder.next_contact.is_not(None)
    )
    for person in session.scalars(stmt):
        role = f", {person.role}" if person.role else ""
        details = [
            f"Channel: {person.comm_channel}" if person.comm_channel else "",
            f"Owner: {person.comm_owner}" if person.comm_owner else "",
            f"Product: {products[person.product_id]}",
        ]
        yield Event(
            "contact",
            person.id,
            person.next_contact,
            f"Contact {person.name}{role}",
            "\n".join(d for d in details if d),
            "Stakeholder contact",
        )


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def export_ics(
    ws: Workspace,
    dest: str | Path | None = None,
    *,
    product_id: int | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The events as an .ics file (bytes); also written to ``dest`` when given."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    with ws.read() as session:
        info = session.get(WorkspaceInfo, 1)
    identity = workspace_identity(info)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//pmdesk//pmdesk {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(info.name if info else 'pmdesk')}",
    ]
    for event in calendar_events(ws, product_id):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.kind}-{event.entity_id}-{identity}@pmdesk",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_date(event.day)}",
            f"DTEND;VALUE=DATE:{_date(event.day + dt.timedelta(days=1))}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        lines += [f"CATEGORIES:{escape_text(event.category)}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    data = b"".join(fold(line) for line in lines)
    if dest is not None:
        write_output(dest, data)
    return data
