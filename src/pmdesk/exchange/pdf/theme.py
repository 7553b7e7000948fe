"""One look for every PDF: colours, type sizes, spacing, paragraph and table styles.

Quiet and print-safe: dark slate text, one navy for structure, one blue accent,
hairline rules instead of boxes, and status colours that stay distinct for the
common forms of colour blindness (they also always come with a word).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from pmdesk.core import palette

from .fonts import SANS, SANS_BOLD


def hex_colour(value: str) -> colors.Color:
    return colors.HexColor(value)


_DOC = palette.DOCUMENT_COLOURS
INK = hex_colour(_DOC["ink"])
MUTED = hex_colour(_DOC["muted"])
FAINT = hex_colour(_DOC["faint"])
RULE = hex_colour(_DOC["rule"])
HAIRLINE = hex_colour(_DOC["hairline"])
SURFACE = hex_colour(_DOC["surface"])
PRIMARY = hex_colour(_DOC["primary"])
ACCENT = hex_colour(_DOC["accent"])
WHITE = colors.white
COVER_TINT = hex_colour(_DOC["cover_tint"])
GOOD = hex_colour(_DOC["good"])
WARN = hex_colour(_DOC["warn"])
BAD = hex_colour(_DOC["bad"])

# Chart series (metrics, launch functions, products) take these, in order; roadmap lanes
# take core.roadmap_style's, which the screen uses too.
PALETTE = tuple(hex_colour(c) for c in palette.SERIES_COLOURS)

# Priority and attitude: the screen's colours, from core.palette (one source for both).
MOSCOW_COLOURS = {moscow: hex_colour(value) for moscow, value in palette.MOSCOW_COLOURS.items()}
ATTITUDE_COLOURS = {
    attitude: hex_colour(value) for attitude, value in palette.ATTITUDE_COLOURS.items()
}

TASK_STATUS_COLOURS = {
    status: hex_colour(value) for status, value in palette.TASK_STATUS_COLOURS.items()
}

HEALTH_COLOURS = {"green": GOOD, "amber": WARN, "red": BAD}


def css(colour: colors.Color) -> str:
    """A theme colour as the ``#rrggbb`` that Paragraph markup accepts."""
    return "#" + colour.hexval()[2:]


def lighten(colour: colors.Color, amount: float) -> colors.Color:
    """Mix ``colour`` with white: 0 keeps it, 1 is white."""
    r, g, b = colour.red, colour.green, colour.blue
    return colors.Color(r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


@dataclass(frozen=True)
class Spacing:
    margin: float = 54.0  # 0.75 in: prints on any office printer
    header: float = 30.0
    footer: float = 30.0
    gap: float = 6.0
    section: float = 18.0


SPACING = Spacing()


def _style(name: str, **values) -> ParagraphStyle:
    base = {
        "fontName": SANS,
        "bulletFontName": SANS,
        "fontSize": 9.5,
        "leading": 13.5,
        "textColor": INK,
    }
    return ParagraphStyle(name, **(base | values))


class Styles:
    """Every paragraph style, named for its use."""

    body = _style("pm-body", spaceAfter=6)
    body_tight = _style("pm-body-tight")
    lead = _style("pm-lead", fontSize=11.5, leading=16.5, textColor=INK, spaceAfter=8)
    small = _style("pm-small", fontSize=8, leading=10.5, textColor=MUTED)
    small_ink = _style("pm-small-ink", fontSize=8, leading=10.5)
    caption = _style("pm-caption", fontSize=7.5, leading=10, textColor=MUTED, spaceBefore=3)
    label = _style("pm-label", fontName=SANS_BOLD, fontSize=7, leading=9, textColor=MUTED)
    title = _style(
        "pm-title", fontName=SANS_BOLD, fontSize=22, leading=27, textColor=PRIMARY, spaceAfter=4
    )
    subtitle = _style("pm-subtitle", fontSize=11, leading=15, textColor=MUTED, spaceAfter=12)
    h1 = _style(
        "pm-h1",
        fontName=SANS_BOLD,
        fontSize=16,
        leading=20,
        textColor=PRIMARY,
        spaceBefore=6,
        spaceAfter=10,
    )
    h2 = _style(
        "pm-h2",
        fontName=SANS_BOLD,
        fontSize=12,
        leading=16,
        textColor=PRIMARY,
        spaceBefore=14,
        spaceAfter=6,
    )
    h3 = _style(
        "pm-h3",
        fontName=SANS_BOLD,
        fontSize=10,
        leading=14,
        textColor=INK,
        spaceBefore=10,
        spaceAfter=3,
    )
    story = _style("pm-story", fontSize=9, leading=13, textColor=MUTED, spaceAfter=3)
    meta = _style(
        "pm-meta", fontSize=7.5, leading=10, textColor=MUTED, spaceBefore=3, spaceAfter=12
    )
    label_gap = _style(
        "pm-label-gap",
        fontName=SANS_BOLD,
        fontSize=7,
        leading=9,
        textColor=MUTED,
        spaceBefore=5,
        spaceAfter=2,
    )
    cell = _style("pm-cell", fontSize=8.5, leading=11.5)
    cell_bold = _style("pm-cell-bold", fontName=SANS_BOLD, fontSize=8.5, leading=11.5)
    cell_muted = _style("pm-cell-muted", fontSize=8, leading=11, textColor=MUTED)
    cell_right = _style("pm-cell-right", fontSize=8.5, leading=11.5, alignment=TA_RIGHT)
    cell_centre = _style("pm-cell-centre", fontSize=8.5, leading=11.5, alignment=TA_CENTER)
    head = _style("pm-head", fontName=SANS_BOLD, fontSize=7.5, leading=10, textColor=WHITE)
    head_right = _style(
        "pm-head-right",
        fontName=SANS_BOLD,
        fontSize=7.5,
        leading=10,
        textColor=WHITE,
        alignment=TA_RIGHT,
    )
    head_centre = _style(
        "pm-head-centre",
        fontName=SANS_BOLD,
        fontSize=7.5,
        leading=10,
        textColor=WHITE,
        alignment=TA_CENTER,
    )
    bullet = _style(
        "pm-bullet", fontSize=9, leading=12.5, leftIndent=14, bulletIndent=3, spaceAfter=1
    )
    bullet_cell = _style(
        "pm-bullet-cell", fontSize=8.5, leading=11.5, leftIndent=11, bulletIndent=1, spaceAfter=1
    )
    toc0 = _style("pm-toc0", fontName=SANS_BOLD, fontSize=10.5, leading=15, spaceBefore=7)
    toc1 = _style("pm-toc1", fontSize=9.5, leading=13.5, leftIndent=16)
    tile_value = _style(
        "pm-tile-value", fontName=SANS_BOLD, fontSize=17, leading=21, textColor=PRIMARY
    )
    tile_label = _style("pm-tile-label", fontName=SANS_BOLD, fontSize=7, leading=9, textColor=MUTED)
    tile_note = _style("pm-tile-note", fontSize=7.5, leading=10, textColor=MUTED)
    cover_title = _style(
        "pm-cover-title",
        fontName=SANS_BOLD,
        fontSize=30,
        leading=36,
        textColor=WHITE,
        alignment=TA_LEFT,
    )
    cover_kind = _style(
        "pm-cover-kind", fontName=SANS_BOLD, fontSize=10, leading=13, textColor=COVER_TINT
    )
    cover_tagline = _style(
        "pm-cover-tagline", fontSize=12.5, leading=17, textColor=hex_colour("#E4ECF6")
    )
    quote = _style(
        "pm-quote",
        fontSize=11,
        leading=16,
        textColor=INK,
        leftIndent=12,
        borderPadding=(6, 8, 6, 10),
        backColor=SURFACE,
        spaceBefore=4,
        spaceAfter=10,
    )
