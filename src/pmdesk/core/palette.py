"""The one source of the names, colours and glyphs that both the screen and the PDFs draw.

A PM shows the stakeholder map on screen and hands out the printed one; if the
two disagree (a "Money pits" quadrant on paper, red and green circles where the
screen has Okabe–Ito colours and shapes) the reader trusts neither. So the Qt
views and the reportlab documents both read these tables, and
``tests/exchange/test_screen_and_paper.py`` compares what each side draws.

Colours are ``#RRGGBB`` strings from the Okabe–Ito palette, which stays
distinguishable for the common colour-vision deficiencies and on a washed-out
projector; every attitude also has its own glyph, so a map reads in greyscale.
Qt-free: only the standard library and core enums.
"""

from __future__ import annotations

import math

from .enums import STALE_DAYS, Attitude, CellLevel, MoSCoW, Quadrant, RaciRole, TaskStatus
from .scoring import QUADRANTS
from .stakeholders import STRATEGY

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
NEUTRAL_GREY = "#8C8C8C"  # not in Okabe–Ito: "neither side", "won't have"

# -- documents: PDFs, decks and workbooks ---------------------------------------------------------

# Quiet and print-safe: dark slate text, one navy for structure, one blue accent, hairline rules.
DOCUMENT_COLOURS: dict[str, str] = {
    "ink": "#1D2433",
    "muted": "#5B6475",
    "faint": "#8A93A3",
    "rule": "#D5DAE1",
    "hairline": "#E6E9EE",
    "surface": "#F4F6F9",
    "primary": "#1E3A5F",
    "accent": "#2F6DB5",
    "cover_tint": "#B9CBE3",  # small text on the navy cover band
    "good": "#1E7F4F",
    "warn": "#C77700",
    "bad": "#B42318",
}
# Chart series (metrics, launch functions, products) take these, in order.
SERIES_COLOURS: tuple[str, ...] = (
    "#2F6DB5",
    "#D9822B",
    "#1F8A7A",
    "#A64D79",
    "#5F5AA2",
    "#7A8B2A",
    "#C8463D",
    "#4E6A85",
)

# -- a second window on another moment: its banner (white text on either, ≥ 9:1) ---------------

BANNER_PAST = "#5C4327"  # sepia: a look back at the workspace as it was, read-only
BANNER_WHAT_IF = "#4B2E83"  # violet: a what-if scenario, editable, apart from the plan
BANNER_INK = "#FFFFFF"  # the banner's text on either tone
PROBLEM = "#C62828"  # on screen: why an entry was refused, an overdue date

# -- portfolio: a product's health (the overview's dot, the board's swatch, the bubbles) ---------

HEALTH_COLOURS: dict[str, str] = {"green": "#1a9850", "amber": "#e69f00", "red": "#d7301f"}

# -- stakeholders: attitude --------------------------------------------------------------------

ATTITUDE_COLOURS: dict[Attitude, str] = {
    Attitude.CHAMPION: OKABE_ITO["bluish_green"],
    Attitude.SUPPORTER: OKABE_ITO["sky_blue"],
    Attitude.NEUTRAL: NEUTRAL_GREY,
    Attitude.CRITIC: OKABE_ITO["orange"],
    Attitude.BLOCKER: OKABE_ITO["vermillion"],
}

GLYPH_NAMES: dict[Attitude, str] = {
    Attitude.CHAMPION: "star",
    Attitude.SUPPORTER: "triangle up",
    Attitude.NEUTRAL: "circle",
    Attitude.CRITIC: "triangle down",
    Attitude.BLOCKER: "square",
}

SQUARE_SIDE = 0.9  # a square's half side, in radii: looks as big as the circle


def glyph_polygon(name: str, radius: float) -> list[tuple[float, float]]:
    """The corners of a star or triangle glyph centred on (0, 0), with y growing downwards.

    Each shape is sized to look as big as a circle of ``radius``; the circle and
    the (rounded) square are not polygons and give an empty list. Paper, whose y
    grows upwards, flips the y values.
    """
    if name.startswith("triangle"):
        r = radius * 1.3
        flip = 1 if name.endswith("up") else -1
        return [(0.0, -flip * r), (-0.866 * r, flip * 0.5 * r), (0.866 * r, flip * 0.5 * r)]
    if name == "star":
        outer, inner = radius * 1.38, radius * 0.62
        points = []
        for n in range(10):
            r = outer if n % 2 == 0 else inner
            angle = -math.pi / 2 + n * math.pi / 5
            points.append((r * math.cos(angle), r * math.sin(angle) + radius * 0.08))
        return points
    return []


# -- stakeholders: the power / interest grid -----------------------------------------------------

# The quadrants' names, as the screen's map titles them ("Manage closely").
QUADRANT_NAMES: dict[Quadrant, str] = STRATEGY

# How strongly each quadrant is tinted with the accent: the one the PM spends most effort on most.
QUADRANT_TINT: dict[Quadrant, float] = {
    Quadrant.MANAGE_CLOSELY: 0.16,
    Quadrant.KEEP_SATISFIED: 0.08,
    Quadrant.KEEP_INFORMED: 0.08,
    Quadrant.MONITOR: 0.0,
}


def mix(a: str, b: str, amount: float) -> str:
    """``a`` moved ``amount`` (0-1) of the way towards ``b``, both ``#RRGGBB``."""
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02X}" for x, y in zip(ca, cb, strict=True))


def quadrant_tint(quadrant: Quadrant, base: str, accent: str) -> str:
    """A quadrant's fill: the accent over the background by the quadrant's tint."""
    return mix(base, accent, QUADRANT_TINT[quadrant])


# -- stakeholders: the RACI matrix ---------------------------------------------------------------

# A cell's fill per role; the Accountable one, the darkest, is the one to find first.
RACI_COLOURS: dict[RaciRole, str] = {
    RaciRole.RESPONSIBLE: OKABE_ITO["sky_blue"],
    RaciRole.ACCOUNTABLE: OKABE_ITO["blue"],
    RaciRole.CONSULTED: OKABE_ITO["orange"],
    RaciRole.INFORMED: "#CCCCCC",
}


def raci_ink(role: RaciRole) -> str:
    """The letter's colour on its fill: white on the dark Accountable blue, else black."""
    return "#FFFFFF" if role is RaciRole.ACCOUNTABLE else "#000000"


# -- launch: task status (the roadmap's launch lane and the printed launch plan) ------------------

TASK_STATUS_COLOURS: dict[TaskStatus, str] = {
    TaskStatus.TODO: "#7B8794",
    TaskStatus.IN_PROGRESS: "#2F6FDE",
    TaskStatus.BLOCKED: "#D92D20",
    TaskStatus.DONE: "#2E8B3E",
    TaskStatus.NOT_APPLICABLE: "#B8C0CA",
}


# -- requirements: priority and value against effort ---------------------------------------------

MOSCOW_COLOURS: dict[MoSCoW, str] = {
    MoSCoW.MUST: OKABE_ITO["vermillion"],
    MoSCoW.SHOULD: OKABE_ITO["blue"],
    MoSCoW.COULD: OKABE_ITO["bluish_green"],
    MoSCoW.WONT: NEUTRAL_GREY,
}

QUICK_WINS, BIG_BETS = QUADRANTS[(True, False)], QUADRANTS[(True, True)]
FILL_INS, TIME_SINKS = QUADRANTS[(False, False)], QUADRANTS[(False, True)]

# Corner of the plot each value-vs-effort quadrant's name sits in: (right?, top?).
VALUE_EFFORT_CORNERS: dict[str, tuple[bool, bool]] = {
    QUICK_WINS: (False, True),
    BIG_BETS: (True, True),
    FILL_INS: (False, False),
    TIME_SINKS: (True, False),
}

# The quadrant worth doing first is tinted, the others are left plain.
VALUE_EFFORT_TINTS: dict[str, tuple[str, float]] = {QUICK_WINS: (OKABE_ITO["bluish_green"], 0.1)}


def value_effort_fill(name: str, base: str) -> str | None:
    """A value-vs-effort quadrant's fill over ``base``, or None where it stays plain."""
    tint = VALUE_EFFORT_TINTS.get(name)
    return None if tint is None else mix(base, tint[0], tint[1])


# -- the competitor comparison matrix --------------------------------------------------------------

# Each level: its glyph and colour. The glyph and the word carry the meaning; the tint helps.
MATRIX_LEVEL_LOOK: dict[CellLevel, tuple[str, str]] = {
    CellLevel.FULL: ("●", OKABE_ITO["bluish_green"]),
    CellLevel.PARTIAL: ("◐", OKABE_ITO["orange"]),
    CellLevel.NONE: ("○", OKABE_ITO["vermillion"]),
    CellLevel.UNKNOWN: ("?", NEUTRAL_GREY),
}
STALE_MARK = "⚑"
MATRIX_LEGEND = (
    "  ".join(f"{glyph} {level.label}" for level, (glyph, _c) in MATRIX_LEVEL_LOOK.items())
    + f"   {STALE_MARK} checked over {STALE_DAYS} days ago (or never): check again"
)


def level_text(level: CellLevel, stale: bool = False) -> str:
    """A matrix cell in words: "● Full", with the stale mark when it needs checking again."""
    glyph = MATRIX_LEVEL_LOOK[level][0]
    return f"{glyph} {level.label}" + (f" {STALE_MARK}" if stale else "")
