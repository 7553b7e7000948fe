"""The roadmap's colours, status colours and legend: one source for the screen and the paper.

The Qt chart (``gui/gantt``) and the PDF poster (``exchange/pdf/gantt_draw``) both
read these, so a lane, a status or a mark has the same name, colour and glyph
wherever a person sees it. Colours are ``#rrggbb`` strings so this module stays
Qt-free; each side turns them into its own colour type.

The lane rotation leaves out the ambers and reds: those mean "at risk",
"critical" and "late" on the chart, and a lane drawn in them would read as a
warning while its items are on plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import ItemStatus

# Okabe–Ito-inspired, deepened so white text on them stays readable; no amber or red.
LANE_COLOURS: tuple[str, ...] = (
    "#2f6fde",
    "#0f8f7e",
    "#7c4dcc",
    "#b83280",
    "#2e8b3e",
    "#4b57c9",
    "#1a8db0",
    "#5d6b7e",
    "#8a5a2b",
    "#0b6e4f",
)

CRITICAL = "#d92d20"  # items that cannot slip, and their links
VIOLATED = "#d92d20"  # a dependency the dates break (drawn dashed, so not only by colour)
AT_RISK = "#e69f00"  # Okabe–Ito orange: the at-risk dot and outline
LATE = "#c4320a"  # slip later than the baseline
EARLY = "#2e8b3e"  # slip earlier than the baseline
BASELINE = "#9aa3ae"
TODAY = "#e0245e"
LINK = "#8a94a3"

STATUS_COLOURS: dict[ItemStatus, str] = {
    ItemStatus.PLANNED: "#8a93a3",
    ItemStatus.IN_PROGRESS: "#2f6db5",
    ItemStatus.AT_RISK: AT_RISK,
    ItemStatus.DONE: "#1e7f4f",
    ItemStatus.CANCELLED: "#c5ccd6",
}


def lane_colour(index: int, stored: str = "") -> str:
    """The lane's own colour when it has a valid ``#rrggbb``, else the rotation's."""
    text = (stored or "").strip().lower()
    if len(text) in (7, 9) and text.startswith("#"):
        try:
            int(text[1:7], 16)
            return text[:7]
        except ValueError:
            pass
    return LANE_COLOURS[index % len(LANE_COLOURS)]


SHAPE_KEYS = ("feature", "initiative", "release", "milestone", "link")  # what bars are, not marks


@dataclass(frozen=True)
class LegendEntry:
    """One sign of the chart: ``glyph`` says what to draw, ``colour`` in what."""

    key: str
    label: str
    glyph: str  # bar, initiative, release, milestone, link, outline, dashed-link, dot, text …
    colour: str


def legend_entries(
    *, critical: bool = True, baseline: bool = True, slip: bool = True, violated: bool = True
) -> list[LegendEntry]:
    """What the chart's shapes and marks mean, in reading order; the chart's colours."""
    entries = [
        LegendEntry("feature", "Feature", "bar", LANE_COLOURS[0]),
        LegendEntry("initiative", "Initiative", "initiative", LANE_COLOURS[0]),
        LegendEntry("release", "Release", "release", LANE_COLOURS[0]),
        LegendEntry("milestone", "Milestone", "milestone", LANE_COLOURS[0]),
        LegendEntry("link", "Dependency", "link", LINK),
    ]
    if critical:
        entries.append(LegendEntry("critical", "Critical path", "outline", CRITICAL))
    if violated:
        entries.append(LegendEntry("violated", "Broken dependency", "dashed-link", VIOLATED))
    entries.append(LegendEntry("at_risk", "At risk", "dot", AT_RISK))
    if baseline:
        entries.append(LegendEntry("baseline", "Baseline", "thin-bar", BASELINE))
    if slip:
        entries.append(LegendEntry("slip", "Slip (+d late, −d early)", "text", LATE))
    entries.append(LegendEntry("today", "Today", "line", TODAY))
    return entries
