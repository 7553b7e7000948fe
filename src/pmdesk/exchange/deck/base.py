"""The deck's one look and its building blocks: slides, text that always fits, tables.

Every slide module draws with these, so a deck reads as one document: 16:9, the
documents' palette (``core.palette.DOCUMENT_COLOURS``, the PDFs' too), a title at
the top left over a thin accent rule, a footer with the portfolio's name, the date
and the slide number. Everything is a native PowerPoint shape, text box, table or
chart that a person can edit; nothing is a picture.

Text is never cut off: :func:`text_box` wraps it and grows the box to the lines it
needs, measured with the PDFs' own fonts (DejaVu Sans, wider than the deck's
Calibri, so a line measured to fit here fits in PowerPoint and in LibreOffice).
Text is written exactly as typed — python-pptx escapes ``<`` and ``&`` — except
for characters XML 1.0 cannot hold at all (control characters), which are dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from pmdesk.core import palette
from pmdesk.core.wording import short_date
from pmdesk.exchange.pdf.fonts import register, string_width
from pmdesk.exchange.pdf.textdraw import wrap_lines

# 16:9 at 13.333 × 7.5 inches, PowerPoint's own widescreen size.
EMU_PER_INCH = 914_400
EMU_PER_POINT = 12_700
SLIDE_WIDTH = 12_192_000
SLIDE_HEIGHT = 6_858_000
MARGIN = 457_200  # half an inch
TITLE_TOP = 300_000
TITLE_HEIGHT = 560_000
BODY_TOP = 1_080_000
FOOTER_HEIGHT = 300_000
BODY_BOTTOM = SLIDE_HEIGHT - FOOTER_HEIGHT - 120_000

FONT = "Calibri"
TITLE_SIZE = 28
BODY_SIZE = 16
SMALL_SIZE = 12
LINE_SPACING = 1.2  # a line's height in font sizes, as PowerPoint sets single spacing
INSET = 91_440  # a text frame's default inner margin left and right (0.1 inch)
INSET_Y = 45_720  # and top and bottom (0.05 inch)
CELL_MARGIN, CELL_MARGIN_Y = 64_008, 27_432  # a table cell's inner margins, sides and top/bottom

_DOC = palette.DOCUMENT_COLOURS
INK, MUTED, FAINT = _DOC["ink"], _DOC["muted"], _DOC["faint"]
RULE, HAIRLINE, SURFACE = _DOC["rule"], _DOC["hairline"], _DOC["surface"]
PRIMARY, ACCENT = _DOC["primary"], _DOC["accent"]
GOOD, WARN, BAD = _DOC["good"], _DOC["warn"], _DOC["bad"]
COVER_TINT = _DOC["cover_tint"]
WHITE = "#FFFFFF"
SERIES = palette.SERIES_COLOURS

# Characters XML 1.0 cannot carry at all; everything else is written as typed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def clean(text: object) -> str:
    """``text`` as typed, minus the control characters an XML file cannot hold."""
    return _NOT_XML.sub("", "" if text is None else str(text))


@dataclass(frozen=True)
class Box:
    """A rectangle on a slide, in EMU."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def below(self, height: int, gap: int = 0) -> Box:
        """The box under this one, as wide, ``height`` tall."""
        return Box(self.x, self.bottom + gap, self.w, height)

    def split(self, *fractions: float, gap: int = 0) -> list[Box]:
        """Columns side by side, their widths in proportion to ``fractions``."""
        total = sum(fractions)
        room = self.w - gap * (len(fractions) - 1)
        boxes, x = [], self.x
        for part in fractions:
            width = int(room * part / total)
            boxes.append(Box(x, self.y, width, self.h))
            x += width + gap
        return boxes


BODY = Box(MARGIN, BODY_TOP, SLIDE_WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)


def points(emu: int) -> float:
    return emu / EMU_PER_POINT


def lines_of(text: str, width: int, size: float, bold: bool = False) -> list[str]:
    """``text`` wrapped to ``width`` EMU (less the frame's insets), paragraph by paragraph."""
    register()
    room = max(1.0, points(width - 2 * INSET))
    out: list[str] = []
    for paragraph in clean(text).split("\n"):
        if not paragraph.strip():
            out.append("")
            continue
        out.extend(wrap_lines(paragraph, room, size, bold=bold, max_lines=10**9) or [""])
    return out or [""]


def text_height(text: str, width: int, size: float, bold: bool = False) -> int:
    """The height in EMU a text box ``width`` wide needs to show all of ``text``."""
    count = len(lines_of(text, width, size, bold))
    return int(count * size * LINE_SPACING * EMU_PER_POINT) + 2 * INSET_Y


def fits_on_one_line(text: str, width: int, size: float, bold: bool = False) -> bool:
    register()
    return string_width(clean(text), size, bold) <= points(width - 2 * INSET)


def text_box(
    slide: Any,
    box: Box,
    text: object,
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    colour: str = INK,
    align: str = "left",
    anchor: str = "top",
    fill: str | None = None,
    line: str | None = None,
    shape: MSO_SHAPE | None = None,
    grow: bool = True,
    name: str | None = None,
) -> Any:
    """A wrapped text box (or an auto shape with text) at ``box``; grown to fit when ``grow``.

    The box is never made smaller than asked; with ``grow`` it is made as tall as
    the wrapped text needs, so nothing is cut off. Returns the shape.
    """
    text = clean(text)
    height = max(box.h, text_height(text, box.w, size, bold)) if grow else box.h
    if shape is None and fill is None and line is None:
        item = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(height))
    else:
        item = slide.shapes.add_shape(
            shape or MSO_SHAPE.RECTANGLE, Emu(box.x), Emu(box.y), Emu(box.w), Emu(height)
        )
        style_shape(item, fill=fill, line=line)
    if name:
        item.name = name
    frame = item.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = {
        "top": MSO_ANCHOR.TOP,
        "middle": MSO_ANCHOR.MIDDLE,
        "bottom": MSO_ANCHOR.BOTTOM,
    }[anchor]
    set_text(frame, text, size=size, bold=bold, colour=colour, align=align)
    return item


def set_text(
    frame: Any,
    text: object,
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    colour: str = INK,
    align: str = "left",
) -> None:
    """Put ``text`` (one paragraph per line) in a text frame, all runs in the deck's font."""
    alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[align]
    paragraphs = clean(text).split("\n")
    frame.clear()
    for index, content in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = alignment
        run = paragraph.add_run()
        run.text = content
        style_font(run.font, size=size, bold=bold, colour=colour)


def style_font(font: Any, *, size: float, bold: bool = False, colour: str = INK) -> None:
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = rgb(colour)


def style_shape(item: Any, *, fill: str | None = None, line: str | None = None) -> None:
    """Solid ``fill`` (or none) and a hairline ``line`` (or none) on an auto shape."""
    if fill is None:
        item.fill.background()
    else:
        item.fill.solid()
        item.fill.fore_color.rgb = rgb(fill)
    if line is None:
        item.line.fill.background()
    else:
        item.line.color.rgb = rgb(line)
        item.line.width = Pt(0.75)
    item.shadow.inherit = False


def rectangle(slide: Any, box: Box, *, fill: str | None, line: str | None = None) -> Any:
    item = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h)
    )
    style_shape(item, fill=fill, line=line)
    return item


def table(
    slide: Any,
    box: Box,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    widths: Sequence[float] | None = None,
    size: float = SMALL_SIZE,
    numeric: Sequence[int] = (),
) -> Any:
    """A native table: a navy header row, hairline-banded body, numbers right-aligned.

    ``widths`` are proportions of ``box.w``; cell text wraps and rows grow in
    PowerPoint as they need. Use :func:`rows_per_slide` to split long tables.
    """
    frame = slide.shapes.add_table(
        len(rows) + 1, len(headers), Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h)
    )
    grid = frame.table
    proportions = list(widths or [1.0] * len(headers))
    total = sum(proportions)
    for index, column in enumerate(grid.columns):
        column.width = Emu(int(box.w * proportions[index] / total))
    row_height = int(size * LINE_SPACING * EMU_PER_POINT) + 2 * INSET_Y
    for row in grid.rows:
        row.height = Emu(row_height)
    for col, header in enumerate(headers):
        _cell(grid.cell(0, col), header, size, True, WHITE, PRIMARY, col in numeric)
    for r, values in enumerate(rows, start=1):
        band = SURFACE if r % 2 == 0 else WHITE
        for col in range(len(headers)):
            value = values[col] if col < len(values) else ""
            _cell(grid.cell(r, col), value, size, False, INK, band, col in numeric)
    return frame


def _cell(
    cell: Any, value: object, size: float, bold: bool, colour: str, fill: str, right: bool
) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = rgb(fill)
    cell.margin_left = cell.margin_right = Emu(CELL_MARGIN)
    cell.margin_top = cell.margin_bottom = Emu(CELL_MARGIN_Y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    set_text(frame, value, size=size, bold=bold, colour=colour, align="right" if right else "left")


def rows_per_slide(
    rows: Sequence[Sequence[object]],
    widths_emu: Sequence[int],
    height: int,
    size: float = SMALL_SIZE,
) -> list[list[Sequence[object]]]:
    """``rows`` cut into slides of a :func:`table` ``height`` tall, the header included.

    Each row is as tall as :func:`table` sets it, or as its tallest wrapped cell (the
    cell margins, not a text box's insets, around the lines).
    """
    line = size * LINE_SPACING * EMU_PER_POINT
    least = int(line) + 2 * INSET_Y  # what table() sets every row to

    def need(row: Sequence[object]) -> int:
        tallest = max(
            (
                len(lines_of(str(value), max(widths_emu[i] - 2 * CELL_MARGIN + 2 * INSET, 1), size))
                for i, value in enumerate(row)
                if i < len(widths_emu)
            ),
            default=1,
        )
        return max(least, int(tallest * line) + 2 * CELL_MARGIN_Y)

    pages: list[list[Sequence[object]]] = []
    page: list[Sequence[object]] = []
    used = least
    for row in rows:
        this = need(row)
        if page and used + this > height:
            pages.append(page)
            page, used = [], least
        page.append(row)
        used += this
    if page or not pages:
        pages.append(page)
    return pages


@dataclass(frozen=True)
class Footer:
    portfolio: str
    on: dt.date
    stamp: str = ""  # not the plan as it stands: "As it was at “Q3 review”", a what-if


class Deck:
    """A presentation of blank 16:9 slides in the house look, with its slide count."""

    def __init__(self, footer: Footer) -> None:
        self.prs = Presentation()
        self.prs.slide_width = Emu(SLIDE_WIDTH)
        self.prs.slide_height = Emu(SLIDE_HEIGHT)
        self._blank = self.prs.slide_layouts[6]
        self.footer = footer

    @property
    def count(self) -> int:
        return len(self.prs.slides)

    def blank(self, notes: str = "") -> Any:
        """An empty slide (no title or footer), with ``notes`` as its speaker notes."""
        slide = self.prs.slides.add_slide(self._blank)
        if clean(notes).strip():
            slide.notes_slide.notes_text_frame.text = clean(notes)
        return slide

    def slide(self, title: str, *, subtitle: str = "", notes: str = "") -> tuple[Any, Box]:
        """A slide with the title, accent rule and footer drawn; returns it and its body box."""
        slide = self.blank(notes)
        width = SLIDE_WIDTH - 2 * MARGIN
        text_box(
            slide,
            Box(MARGIN, TITLE_TOP, width, TITLE_HEIGHT),
            title,
            size=TITLE_SIZE,
            bold=True,
            colour=PRIMARY,
            anchor="bottom",
            name="Title",
        )
        rule_y = TITLE_TOP + TITLE_HEIGHT + 40_000
        rectangle(slide, Box(MARGIN, rule_y, 914_400, 38_100), fill=ACCENT)
        top = BODY_TOP
        if subtitle:
            sub = text_box(
                slide,
                Box(MARGIN, rule_y + 80_000, width, 320_000),
                subtitle,
                size=SMALL_SIZE + 2,
                colour=MUTED,
                name="Subtitle",
            )
            top = max(BODY_TOP, sub.top + sub.height + 60_000)
        self._footer(slide)
        return slide, Box(MARGIN, top, width, BODY_BOTTOM - top)

    def _footer(self, slide: Any) -> None:
        y = SLIDE_HEIGHT - FOOTER_HEIGHT - 60_000
        left, right = Box(MARGIN, y, SLIDE_WIDTH - 2 * MARGIN, FOOTER_HEIGHT).split(4, 1)
        stamp = f"{self.footer.portfolio} · {short_date(self.footer.on)}"
        if self.footer.stamp:
            stamp = f"{stamp} · {self.footer.stamp}"
        text_box(slide, left, stamp, size=10, colour=FAINT, grow=False, name="Footer")
        text_box(
            slide,
            right,
            str(self.count),
            size=10,
            colour=FAINT,
            align="right",
            grow=False,
            name="Slide number",
        )

    def save(self, path: Path) -> None:
        self.prs.save(str(path))


def nothing_yet(
    deck: Deck, title: str, message: str, *, subtitle: str = "", notes: str = ""
) -> None:
    """The slide a view with nothing to show yet gets: its title and one plain sentence
    saying where to add what it would show."""
    slide, body = deck.slide(title, subtitle=subtitle, notes=notes)
    text_box(
        slide,
        Box(body.x, body.y + body.h // 3, body.w, 600_000),
        message,
        size=BODY_SIZE + 4,
        colour=MUTED,
        align="center",
        name="Nothing yet",
    )
