"""Words the chart shows about items and links: tooltips and short descriptions.

Every piece of user text goes through ``html.escape`` before it reaches rich
text, so a name such as ``<Beta> & "Gamma"`` shows exactly as typed.
"""

from __future__ import annotations

import html

from pmdesk.core.enums import DependencyType
from pmdesk.core.scheduling import task_duration
from pmdesk.core.wording import short_date

from .model import RoadmapModel

TYPE_WORDS = {
    DependencyType.FINISH_TO_START: "Finish → start",
    DependencyType.START_TO_START: "Start → start",
    DependencyType.FINISH_TO_FINISH: "Finish → finish",
    DependencyType.START_TO_FINISH: "Start → finish",
}


def days_text(days: int) -> str:
    return "1 day" if abs(days) == 1 else f"{days} days"


def lag_text(lag: int) -> str:
    if lag == 0:
        return "no lag"
    return f"lag {days_text(lag)}" if lag > 0 else f"lead {days_text(-lag)}"


def item_tooltip(model: RoadmapModel, item_id: int) -> str:
    row = model.items.get(item_id)
    if row is None:
        return ""
    esc = html.escape
    lines = [
        f"<b>{esc(row.name)}</b>",
        f"{row.kind.label} · {esc(model.lane_name(row.lane_id))} · {row.status.label}",
    ]
    if row.start == row.end:
        lines.append(short_date(row.start))
    else:
        length = task_duration(row.start.toordinal(), row.end.toordinal())  # calendar days
        lines.append(f"{short_date(row.start)} – {short_date(row.end)} ({days_text(length)})")
    lines.append(f"Progress {row.progress}%")
    slip = model.slip(item_id)
    if slip:
        word = "late" if slip > 0 else "early"
        lines.append(f"{days_text(abs(slip))} {word} against {model.compared_with}")
    if model.show_critical and item_id in model.floats:
        total = model.floats[item_id]
        lines.append("On the critical path" if total <= 0 else f"Float: {days_text(total)}")
    count = model.requirement_counts.get(item_id, 0)
    if count:
        lines.append(f"Delivers {count} requirement{'s' if count != 1 else ''}")
    broken = [i for i in model.links_of.get(item_id, ()) if i in model.violated]
    if broken:
        lines.append(
            f"<span style='color:#d92d20'>{len(broken)} broken dependenc"
            f"{'y' if len(broken) == 1 else 'ies'}</span>"
        )
    return "<br>".join(lines)


def link_words(model: RoadmapModel, link_id: int) -> str:
    """“Design → Build (finish → start, lag 2 days)” in plain text."""
    link = model.links.get(link_id)
    if link is None:
        return ""
    pred = model.items.get(link.pred)
    succ = model.items.get(link.succ)
    names = (pred.name if pred else "?", succ.name if succ else "?")
    return f"{names[0]} → {names[1]} ({TYPE_WORDS[link.type].lower()}, {lag_text(link.lag)})"


def link_tooltip(model: RoadmapModel, link_id: int) -> str:
    text = html.escape(link_words(model, link_id))
    days = model.violated.get(link_id)
    if days:
        text += f"<br><span style='color:#d92d20'>Broken by {days_text(days)}</span>"
    return text
