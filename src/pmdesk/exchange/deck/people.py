"""A product's people and position: the stakeholder map, the canvas, the business case, rivals.

Four slide kinds, each drawn from what the screen and the PDFs already read:

* the stakeholder map — the power/interest grid with the quadrants' names and tints
  (``core.palette``), every stakeholder a mark in its attitude's colour and glyph, its
  name beside it where ``core.label_layout`` finds room (the screen's and the PDF's
  placement), dashed arrows to where we want them, and the legend;
* the product canvas — each board's blocks in its template's grid, the notes as
  sticky notes in their own colours; a board whose notes do not fit legibly goes on
  over more slides ("(2 of 2)"), every note whole;
* the business case — the key figures as big-number tiles in the sign-off document's
  words (``exchange.pdf.business_case``), "Draft — not signed off" or who signed, the
  cash flow as a native combination chart (net cash flow columns, cumulative lines),
  and the figures of every scenario side by side;
* the competitor matrix — a native table of capabilities × our product and each
  competitor, with the Market view's glyphs, words, tints and stale mark.

Text no shape can hold whole (a name or a note thousands of lines long) is shown
as far as it fits, ends in "…", and is written in full in the slide's speaker
notes, so nothing typed is lost and nothing runs off the slide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Pt

from pmdesk.core.enums import Attitude, Quadrant
from pmdesk.core.finance_wording import FIGURE_ROWS, period_label, period_noun, periods_text
from pmdesk.core.label_layout import Box as LabelBox
from pmdesk.core.label_layout import LabelRequest, layout_labels, short_name
from pmdesk.core.market import CellLevel
from pmdesk.core.palette import (
    ATTITUDE_COLOURS,
    GLYPH_NAMES,
    MATRIX_LEGEND,
    MATRIX_LEVEL_LOOK,
    QUADRANT_NAMES,
    level_text,
    mix,
    quadrant_tint,
)
from pmdesk.core.pricing import format_rate
from pmdesk.core.stakeholders import MIDPOINT, quadrant
from pmdesk.core.templates import TO_SORT, Block, canvas_layout
from pmdesk.core.wording import plural, short_date
from pmdesk.exchange.pdf.business_case import (
    DRAFT,
    CaseFacts,
    case_facts,
    figure_lines,
    irr_notes,
    money,
    status_line,
)
from pmdesk.exchange.pdf.canvas import DEFAULT_NOTE
from pmdesk.exchange.pdf.fonts import register, string_width
from pmdesk.store.models import CanvasBoard, CanvasNote, Stakeholder
from pmdesk.store.services import CanvasService, StakeholderService
from pmdesk.store.services.market import MarketService, Matrix

from . import DeckJob
from .base import (
    BAD,
    BODY,
    BODY_SIZE,
    BODY_TOP,
    EMU_PER_POINT,
    FAINT,
    GOOD,
    HAIRLINE,
    INK,
    INSET,
    INSET_Y,
    LINE_SPACING,
    MARGIN,
    MUTED,
    PRIMARY,
    RULE,
    SERIES,
    SLIDE_WIDTH,
    SMALL_SIZE,
    TITLE_HEIGHT,
    TITLE_TOP,
    WARN,
    WHITE,
    Box,
    Deck,
    clean,
    lines_of,
    nothing_yet,
    points,
    rectangle,
    rgb,
    rows_per_slide,
    style_shape,
    table,
    text_box,
    text_height,
)

CUT = "…"

# -- text that no shape can hold whole --------------------------------------------------------


def whole_or_cut(
    text: object, width: int, size: float, max_lines: int, *, bold: bool = False
) -> tuple[str, bool]:
    """``text`` when it wraps to at most ``max_lines`` lines ``width`` wide; else its longest
    beginning that does, ending in "…", and True (the caller keeps the whole text elsewhere).

    Only a bounded beginning of the text is ever measured, so a megabyte-long name costs
    no more than a long one.
    """
    text = clean(text)
    per_line = max(8, int(points(width) / (size * 0.22)) + 1)  # more than the narrowest glyphs
    budget = max_lines * per_line
    if len(text) <= budget and len(lines_of(text, width, size, bold)) <= max_lines:
        return text, False
    head = text[:budget]
    low, high = 0, len(head)  # the longest prefix that still fits with the "…"
    while low < high:
        middle = (low + high + 1) // 2
        if len(lines_of(head[:middle].rstrip() + CUT, width, size, bold)) <= max_lines:
            low = middle
        else:
            high = middle - 1
    return head[:low].rstrip() + CUT, True


def add_in_full(slide: Any, texts: Sequence[str]) -> None:
    """Put the texts cut short on ``slide`` into its speaker notes, whole."""
    if not texts:
        return
    frame = slide.notes_slide.notes_text_frame
    before = frame.text.strip()
    block = "In full (cut short on the slide):\n" + "\n".join(f"• {t}" for t in texts)
    frame.text = clean(f"{before}\n\n{block}" if before else block)


def _emu(pt: float) -> int:
    return int(round(pt * EMU_PER_POINT))


def _no_margins(shape: Any) -> None:
    frame = shape.text_frame
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)


def _line_height(size: float) -> float:
    """One wrapped line, in points."""
    return size * LINE_SPACING


# -- the stakeholder map ----------------------------------------------------------------------

MAP_TITLE = "Stakeholder map"
NAME_SIZE = 12.0  # a name beside its mark: readable from the back of the room
NAME_WIDTH = 160.0  # points a name wraps at
NAME_LINES = 4  # a longer name ends in "…" on the map, whole in the notes
QUAD_SIZE = 12.0
# An attitude's glyph as the nearest PowerPoint shape (a person can recolour or resize it).
GLYPH_SHAPES: dict[str, MSO_SHAPE] = {
    "star": MSO_SHAPE.STAR_5_POINT,
    "triangle up": MSO_SHAPE.ISOSCELES_TRIANGLE,
    "triangle down": MSO_SHAPE.FLOWCHART_MERGE,  # the triangle standing on its point
    "circle": MSO_SHAPE.OVAL,
    "square": MSO_SHAPE.ROUNDED_RECTANGLE,
}


def glyph_box(name: str, x: float, y: float, radius: float) -> tuple[float, float, float, float]:
    """(left, top, width, height) in points of a glyph centred on (x, y), y down: the
    extent of ``core.palette.glyph_polygon``'s shape, so it looks as big as on screen."""
    if name == "circle":
        return x - radius, y - radius, 2 * radius, 2 * radius
    if name == "square":
        side = radius * 0.9
        return x - side, y - side, 2 * side, 2 * side
    if name.startswith("triangle"):
        r = radius * 1.3
        top = y - r if name.endswith("up") else y - 0.5 * r
        return x - 0.866 * r, top, 1.732 * r, 1.5 * r
    outer = radius * 1.38  # the star
    return x - 0.951 * outer, y - outer + radius * 0.08, 1.902 * outer, 1.809 * outer


def glyph_shape(slide: Any, name: str, x: float, y: float, radius: float, fill: str) -> Any:
    left, top, width, height = glyph_box(name, x, y, radius)
    shape = slide.shapes.add_shape(
        GLYPH_SHAPES[name], Emu(_emu(left)), Emu(_emu(top)), Emu(_emu(width)), Emu(_emu(height))
    )
    style_shape(shape, fill=fill, line=WHITE)
    if name == "square":
        shape.adjustments[0] = 0.18
    return shape


def add_stakeholders(deck: Deck, job: DeckJob) -> None:
    product = job.subject
    people = job.service(StakeholderService).stakeholders_of(product.id)
    if not people:
        nothing_yet(
            deck,
            MAP_TITLE,
            "No stakeholders recorded yet — add them in the Stakeholders view.",
            subtitle=product.name,
            notes=job.note,
        )
        return
    subtitle = f"{product.name} · {plural(len(people), 'stakeholder')} · as of {short_date(job.on)}"
    slide, body = deck.slide(MAP_TITLE, subtitle=subtitle, notes=job.note)
    in_full: list[str] = []
    side = min(body.h - 420_000, int(body.w * 0.58))
    grid = Box(body.x + 420_000, body.y, side, side)
    crowded = _map(slide, job, people, grid, in_full)
    legend = Box(grid.right + 380_000, body.y, body.right - grid.right - 380_000, body.h)
    _map_legend(slide, legend, crowded, in_full)
    add_in_full(slide, in_full)


def _map(
    slide: Any, job: DeckJob, people: Sequence[Stakeholder], grid: Box, in_full: list[str]
) -> list[list[str]]:
    """The grid, its quadrants, arrows and marks; returns the names behind each "+n" badge."""
    size = points(grid.w)
    left, top = points(grid.x), points(grid.y)

    def at(interest: float, power: float) -> tuple[float, float]:
        return left + interest / 10 * size, top + (10 - power) / 10 * size

    mid_x, mid_y = at(MIDPOINT, MIDPOINT)
    right, bottom = left + size, top + size
    quads = {
        Quadrant.KEEP_SATISFIED: (left, top, mid_x - left, mid_y - top),
        Quadrant.MANAGE_CLOSELY: (mid_x, top, right - mid_x, mid_y - top),
        Quadrant.MONITOR: (left, mid_y, mid_x - left, bottom - mid_y),
        Quadrant.KEEP_INFORMED: (mid_x, mid_y, right - mid_x, bottom - mid_y),
    }
    blocked: list[LabelBox] = []
    for quad, (x, y, w, h) in quads.items():
        box = Box(_emu(x), _emu(y), _emu(w), _emu(h))
        rectangle(
            slide, box, fill=quadrant_tint(quad, WHITE, PRIMARY), line=RULE
        ).name = f"Quadrant {QUADRANT_NAMES[quad]}"
        count = sum(quadrant(p.power, p.interest) is quad for p in people)
        title = f"{QUADRANT_NAMES[quad].upper()}  ·  {count}"
        on_left = x == left
        width = string_width(title, QUAD_SIZE, True) + 4
        tx = x + 6 if on_left else x + w - 6 - width
        label = text_box(
            slide,
            Box(_emu(tx), _emu(y + 5), _emu(width), _emu(_line_height(QUAD_SIZE) + 2)),
            title,
            size=QUAD_SIZE,
            bold=True,
            colour=PRIMARY if quad is Quadrant.MANAGE_CLOSELY else MUTED,
            align="left" if on_left else "right",
            grow=False,
            name="Quadrant title",
        )
        _no_margins(label)
        blocked.append(LabelBox(tx - 2, y, tx + width + 2, y + 5 + _line_height(QUAD_SIZE) + 4))
    axis = text_box(
        slide,
        Box(grid.x, grid.bottom + 40_000, grid.w, 300_000),
        "Interest →",
        size=SMALL_SIZE,
        bold=True,
        colour=MUTED,
        align="center",
        name="Interest axis",
    )
    axis.text_frame.margin_top = Emu(0)
    power = text_box(
        slide,
        Box(
            grid.x - 300_000 - grid.h // 2 + 150_000,
            grid.y + grid.h // 2 - 150_000,
            grid.h,
            300_000,
        ),
        "Power →",
        size=SMALL_SIZE,
        bold=True,
        colour=MUTED,
        align="center",
        grow=False,
        name="Power axis",
    )
    power.rotation = 270
    blocked += _arrows(slide, people, at)
    return _tokens(slide, job, people, at, LabelBox(left, top, right, bottom), blocked, in_full)


def _arrows(slide: Any, people: Sequence[Stakeholder], at: Callable) -> list[LabelBox]:
    """Dashed arrows to where we want each stakeholder; straight ones block names."""
    boxes = []
    for p in people:
        if p.desired_power is None or p.desired_interest is None:
            continue
        (x0, y0), (x1, y1) = at(p.interest, p.power), at(p.desired_interest, p.desired_power)
        if abs(x1 - x0) + abs(y1 - y0) < 4:
            continue
        arrow = slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT, Emu(_emu(x0)), Emu(_emu(y0)), Emu(_emu(x1)), Emu(_emu(y1))
        )
        arrow.name = "Desired position"
        arrow.line.color.rgb = rgb(MUTED)
        arrow.line.width = Pt(1.25)
        arrow.line.dash_style = MSO_LINE.DASH
        line = arrow.line._get_or_add_ln()
        line.append(_element("a:tailEnd", type="triangle", w="med", len="med"))
        if abs(y1 - y0) < 3 or abs(x1 - x0) < 3:
            boxes.append(
                LabelBox(min(x0, x1) - 2, min(y0, y1) - 3, max(x0, x1) + 2, max(y0, y1) + 3)
            )
    return boxes


@dataclass(frozen=True)
class _Name:
    text: str  # as shown: whole, or cut short
    lines: int
    width: float  # points
    short: str


def _name(p: Stakeholder, in_full: list[str]) -> _Name:
    room = _emu(NAME_WIDTH) + 2 * INSET
    shown, cut = whole_or_cut(p.name, room, NAME_SIZE, NAME_LINES, bold=True)
    if cut:
        in_full.append(clean(p.name))
    lines = lines_of(shown, room, NAME_SIZE, bold=True)
    width = max(string_width(line, NAME_SIZE, True) for line in lines)
    return _Name(shown, len(lines), min(width, NAME_WIDTH) + 3, short_name(shown))


def _tokens(
    slide: Any,
    job: DeckJob,
    people: Sequence[Stakeholder],
    at: Callable,
    bounds: LabelBox,
    blocked: list[LabelBox],
    in_full: list[str],
) -> list[list[str]]:
    """Marks biggest first, names placed by ``core.label_layout`` as on screen and paper."""
    register()
    ordered = sorted(people, key=lambda p: (-p.importance, p.name.casefold(), p.id))
    requests = []
    names: dict[int, _Name] = {}
    line = _line_height(NAME_SIZE)
    for p in ordered:
        job.progress.check()
        x, y = at(p.interest, p.power)
        radius = (3.5 + p.importance * 1.1) * 1.45
        mark = glyph_shape(
            slide, GLYPH_NAMES[p.attitude], x, y, radius, ATTITUDE_COLOURS[p.attitude]
        )
        mark.name = f"Mark {clean(p.name)[:40]}"
        name = names[p.id] = _name(p, in_full)
        short = string_width(name.short, NAME_SIZE, True) + 3
        requests.append(
            LabelRequest(
                p.id,
                x,
                y,
                radius * 1.25,  # the star and triangles reach past the radius
                name.width,
                name.lines * line + 2,
                short if name.short != name.text and name.lines == 1 else None,
            )
        )
    layout = layout_labels(
        requests,
        bounds,
        obstacles=blocked,
        gap=3.0,
        badge_size=lambda n: (string_width(f"+{n}", NAME_SIZE, True) + 10, line + 4),
    )
    by_id = {p.id: p for p in people}
    for key, box in layout.placed.items():
        name = names[key]
        text = name.short if key in layout.shortened else name.text
        label = text_box(
            slide,
            Box(_emu(box.x0), _emu(box.y0), _emu(box.width), _emu(box.height)),
            text,
            size=NAME_SIZE,
            bold=True,
            colour=INK,
            grow=False,
            name=f"Name {clean(by_id[key].name)[:40]}",
        )
        _no_margins(label)
    crowded = []
    for badge in layout.badges:
        box = badge.box
        shape = text_box(
            slide,
            Box(_emu(box.x0), _emu(box.y0), _emu(box.width), _emu(box.height)),
            badge.text,
            size=NAME_SIZE,
            bold=True,
            colour=WHITE,
            align="center",
            anchor="middle",
            fill=PRIMARY,
            line=WHITE,
            shape=MSO_SHAPE.ROUNDED_RECTANGLE,
            grow=False,
            name="Crowded spot",
        )
        _no_margins(shape)
        crowded.append([names[key].text for key in badge.keys])
    return crowded


def _map_legend(slide: Any, box: Box, crowded: list[list[str]], in_full: list[str]) -> None:
    """Each attitude's glyph, colour and word; then how to read marks, arrows and badges."""
    y = box.y
    heading = text_box(
        slide, Box(box.x, y, box.w, 360_000), "Attitude", size=BODY_SIZE, bold=True, colour=INK
    )
    y += heading.height + 40_000
    row = _emu(_line_height(BODY_SIZE)) + 2 * INSET_Y + 40_000
    for attitude in Attitude:
        glyph = GLYPH_NAMES[attitude]
        glyph_shape(
            slide, glyph, points(box.x) + 9, points(y + row // 2), 7.5, ATTITUDE_COLOURS[attitude]
        ).name = f"Legend {attitude.label}"
        text_box(
            slide,
            Box(box.x + 300_000, y, box.w - 300_000, row),
            attitude.label,
            size=BODY_SIZE,
            colour=INK,
            anchor="middle",
            name=f"Legend {attitude.label} word",
        )
        y += row
    y += 120_000
    reading = (
        "Bigger mark: more important\n"
        "Dashed arrow: where we want them\n"
        f"Power and interest 0–10; the lines cross at {MIDPOINT:g}"
    )
    shape = text_box(
        slide, Box(box.x, y, box.w, 300_000), reading, size=SMALL_SIZE + 2, colour=MUTED
    )
    y += shape.height + 120_000
    if crowded:
        groups = "; ".join(f"+{len(names)}: {', '.join(names)}" for names in crowded)
        text = f"Crowded spots show a count instead of names — {groups}."
        room = box.bottom - y
        lines = max(1, int((room - 2 * INSET_Y) / (_line_height(SMALL_SIZE) * EMU_PER_POINT)))
        shown, cut = whole_or_cut(text, box.w, SMALL_SIZE, lines)
        if cut:
            in_full.append(text)
        text_box(
            slide, Box(box.x, y, box.w, room), shown, size=SMALL_SIZE, colour=INK, name="Crowded"
        )


# -- the product canvas -----------------------------------------------------------------------

CANVAS_TITLE = "Product canvas"
NOTE_SIZES = (16.0, 14.0, 13.0, 12.0, 11.0)  # smallest still legible on a projector
CARD_MIN = 1_300_000  # a sticky note's narrowest width (EMU)
GAP = 70_000
TITLE_LINES = 2  # a block's title wraps to two lines; a longer one ends in "…"
PAD = 70_000
UNSORTED_SHARE = 0.2


def note_fill(stored: str) -> str:
    """A note's own colour when it is a valid #rrggbb, else the default yellow (as the PDF)."""
    text = (stored or "").strip()
    if len(text) in (7, 9) and text.startswith("#"):
        try:
            int(text[1:7], 16)
            return text[:7].upper()
        except ValueError:
            pass
    return DEFAULT_NOTE


@dataclass
class _Card:
    note: CanvasNote
    text: str
    height: int
    reserve: int  # room kept at the right for a vote badge


@dataclass(frozen=True)
class _Area:
    """Where a block's notes go on a slide, and how many columns of notes it holds."""

    key: str
    title: str
    prompt: str
    frame: Box
    inside: Box
    title_lines: int
    count: int  # notes in the block (on every slide of the board)

    @property
    def columns(self) -> int:
        """As many columns as fit notes at least CARD_MIN wide, but no more than notes."""
        return max(1, min(self.count, (self.inside.w + GAP) // (CARD_MIN + GAP)))

    @property
    def card_width(self) -> int:
        return (self.inside.w - GAP * (self.columns - 1)) // self.columns


def add_canvas(deck: Deck, job: DeckJob) -> None:
    product = job.subject
    service = job.service(CanvasService)
    boards = service.boards_of(product.id)
    if not boards:
        nothing_yet(
            deck,
            CANVAS_TITLE,
            "This product has no canvas yet — start one in the Canvas view.",
            subtitle=product.name,
            notes=job.note,
        )
        return
    notes = job.note
    for board in boards:
        job.progress.check()
        _board(deck, job, board, service.notes_of_board(board.id), notes)
        notes = ""


def _areas(board: CanvasBoard, body: Box, counts: dict[str, int]) -> list[_Area]:
    unsorted = TO_SORT in counts
    layout = canvas_layout(board.template)
    strip = 0
    if unsorted:  # room for a title and a note of six lines at the smallest size
        least = 110_000 + _title_height(1) + text_height("\n" * 5, CARD_MIN, NOTE_SIZES[-1])
        strip = max(int(body.h * UNSORTED_SHARE), least + PAD)
    grid_h = body.h - (strip + GAP if strip else 0)
    col_w = (body.w - GAP * (layout.columns - 1)) // layout.columns
    row_h = (grid_h - GAP * (layout.rows - 1)) // layout.rows

    frames = [
        (block.key, block.title, block.prompt, _block_frame(block, body, col_w, row_h))
        for block in layout.blocks
    ]
    if unsorted:
        strip_box = Box(body.x, body.bottom - strip, body.w, strip)
        frames.append((TO_SORT, "To sort", "Notes not yet placed in a block", strip_box))
    out = []
    for key, title, prompt, frame in frames:  # each title bar as tall as its title needs
        lines = min(TITLE_LINES, len(lines_of(title, _title_width(frame), SMALL_SIZE, True)))
        head = 60_000 + _title_height(lines) + 50_000
        inside = Box(frame.x + PAD, frame.y + head, frame.w - 2 * PAD, frame.h - head - PAD)
        out.append(_Area(key, title, prompt, frame, inside, lines, counts.get(key, 0)))
    return out


def _count_room() -> int:
    return _emu(string_width("000", SMALL_SIZE, True)) + 2 * INSET


def _title_width(frame: Box) -> int:
    return frame.w - PAD - _count_room()


def _title_height(lines: int) -> int:
    """A block's title (or a count, or "+ 3 more") set without top and bottom margins."""
    return _emu(lines * _line_height(SMALL_SIZE))


def _tight(shape: Any) -> Any:
    shape.text_frame.margin_top = shape.text_frame.margin_bottom = Emu(0)
    return shape


def _block_frame(block: Block, body: Box, col_w: int, row_h: int) -> Box:
    return Box(
        body.x + block.col * (col_w + GAP),
        body.y + block.row * (row_h + GAP),
        block.colspan * col_w + (block.colspan - 1) * GAP,
        block.rowspan * row_h + (block.rowspan - 1) * GAP,
    )


def _cards(
    notes: Sequence[CanvasNote], area: _Area, size: float, in_full: list[str]
) -> list[_Card]:
    reserve = _vote_room(size) if any(n.votes for n in notes) else 0
    width = area.card_width - reserve
    most = max(1, int((area.inside.h - 2 * INSET_Y) / (_line_height(size) * EMU_PER_POINT)))
    cards = []
    for n in notes:
        text, cut = whole_or_cut(n.text, width, size, most)
        if cut:
            in_full.append(clean(n.text))
        cards.append(_Card(n, text, text_height(text, width, size), reserve))
    return cards


def _vote_room(size: float) -> int:
    return _emu(size * 1.5)


def _masonry(cards: list[_Card], columns: int, height: int) -> tuple[list, list[_Card]]:
    """Each card in the shortest column (in order); the cards that do not fit are returned."""
    tops = [0] * columns
    placed, rest = [], []
    for index, card in enumerate(cards):
        column = min(range(columns), key=lambda c: tops[c])
        if tops[column] + card.height > height:
            rest = cards[index:]
            break
        placed.append((card, column, tops[column]))
        tops[column] += card.height + GAP
    return placed, rest


def _board(
    deck: Deck, job: DeckJob, board: CanvasBoard, notes: Sequence[CanvasNote], speaker: str
) -> None:
    """One board: its grid with the notes that fit at a legible size, then the rest.

    The largest note size at which every note fits its block is taken; when even the
    smallest leaves notes over, the first slide shows each block's first notes and says
    how many more there are, and the next slides carry on block by block in columns.
    """
    layout = canvas_layout(board.template)
    known = {b.key for b in layout.blocks}
    ordered = sorted(notes, key=lambda n: (n.position, n.id))
    by_block: dict[str, list[CanvasNote]] = {}
    for n in ordered:
        by_block.setdefault(n.block if n.block in known else TO_SORT, []).append(n)
    subtitle = f"{layout.name} · {job.subject.name} · {plural(len(notes), 'note')}"
    body = body_of(subtitle)  # the title and subtitle take the same room on every slide
    areas = _areas(board, body, {key: len(found) for key, found in by_block.items()})
    in_full: list[str] = []
    for size in NOTE_SIZES:
        job.progress.check()
        in_full = []
        first, left = _first_page(areas, by_block, size, in_full)
        if not any(left.values()):
            break
    flows = _flow_pages([(a, left[a.key]) for a in areas if left[a.key]], body, in_full)
    total = 1 + len(flows)
    title = board.name if total == 1 else f"{board.name} (1 of {total})"
    slide, _body = deck.slide(title, subtitle=subtitle, notes=speaker)
    for area in areas:
        job.progress.check()
        more = len(left[area.key])
        _draw_block(slide, area, first[area.key], len(by_block.get(area.key, [])), size, more)
    add_in_full(slide, in_full)
    for number, flow in enumerate(flows, start=2):
        job.progress.check()
        slide, _body = deck.slide(f"{board.name} ({number} of {total})", subtitle=subtitle)
        for kind, box, item in flow:
            if kind == "heading":
                _flow_heading(slide, box, item)
            else:
                _draw_card(slide, box, item, FLOW_SIZE)


FLOW_SIZE = 14.0  # notes carried over to the next slides: room enough to read them large
FLOW_COLUMNS = 5


def _first_page(
    areas: list[_Area], by_block: dict[str, list[CanvasNote]], size: float, in_full: list[str]
) -> tuple[dict[str, list], dict[str, list[CanvasNote]]]:
    """Each block's cards that fit it at ``size``, and the notes left over per block.

    A block with notes left over keeps a line at its foot to say how many.
    """
    placed: dict[str, list] = {}
    left: dict[str, list[CanvasNote]] = {}
    for area in areas:
        cards = _cards(by_block.get(area.key, []), area, size, in_full)
        fitted, rest = _masonry(cards, area.columns, area.inside.h)
        if rest:
            fitted, rest = _masonry(cards, area.columns, area.inside.h - _more_height())
        placed[area.key] = fitted
        left[area.key] = [card.note for card in rest]
    return placed, left


def _more_height() -> int:
    return _title_height(1)


def _flow_pages(
    blocks: list[tuple[_Area, list[CanvasNote]]], body: Box, in_full: list[str]
) -> list[list[tuple[str, Box, Any]]]:
    """The notes left over, block by block, down columns and on over slides.

    Each block starts with its title ("Problem, continued"); a title never ends a column.
    """
    if not blocks:
        return []
    width = (body.w - GAP * (FLOW_COLUMNS - 1)) // FLOW_COLUMNS
    most = max(1, int((body.h - 2 * INSET_Y) / (_line_height(FLOW_SIZE) * EMU_PER_POINT)) - 3)
    pages: list[list[tuple[str, Box, Any]]] = [[]]
    column, y = 0, body.y

    def room(height: int) -> None:
        nonlocal column, y
        if y + height <= body.bottom or y == body.y:
            return
        column += 1
        y = body.y
        if column == FLOW_COLUMNS:
            pages.append([])
            column = 0

    for area, notes in blocks:
        heading = f"{area.title}, continued"
        head_h = text_height(heading, width, SMALL_SIZE + 2, True)
        reserve = _vote_room(FLOW_SIZE) if any(n.votes for n in notes) else 0
        cards = []
        for n in notes:
            text, cut = whole_or_cut(n.text, width - reserve, FLOW_SIZE, most)
            if cut:
                in_full.append(clean(n.text))
            cards.append(_Card(n, text, text_height(text, width - reserve, FLOW_SIZE), reserve))
        room(head_h + GAP + cards[0].height)  # the title goes with the first note
        pages[-1].append(("heading", Box(_flow_x(body, column, width), y, width, head_h), heading))
        y += head_h + GAP
        for card in cards:
            room(card.height)
            x = _flow_x(body, column, width)
            pages[-1].append(("card", Box(x, y, width, card.height), card))
            y += card.height + GAP
        y += GAP
    return [page for page in pages if page]


def _flow_x(body: Box, column: int, width: int) -> int:
    return body.x + column * (width + GAP)


def _flow_heading(slide: Any, box: Box, text: str) -> None:
    rectangle(slide, Box(box.x, box.y, box.w, 38_100), fill=PRIMARY).name = "Block rule"
    text_box(
        slide,
        Box(box.x, box.y + 38_100, box.w, box.h - 38_100),
        text,
        size=SMALL_SIZE + 2,
        bold=True,
        colour=PRIMARY,
        name="Block title",
    )


def body_of(subtitle: str) -> Box:
    """The body box a slide with this subtitle has (measured, not drawn)."""
    width = SLIDE_WIDTH - 2 * MARGIN
    rule_y = TITLE_TOP + TITLE_HEIGHT + 40_000
    sub_h = max(320_000, text_height(subtitle, width, SMALL_SIZE + 2))
    top = max(BODY_TOP, rule_y + 80_000 + sub_h + 60_000)
    return Box(BODY.x, top, BODY.w, BODY.bottom - top)


def _draw_block(
    slide: Any, area: _Area, placed: list, count: int, size: float, more: int = 0
) -> None:
    frame = area.frame
    block = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(frame.x), Emu(frame.y), Emu(frame.w), Emu(frame.h)
    )
    style_shape(block, fill=WHITE, line=RULE)
    block.name = f"Block {area.title}"
    rectangle(slide, Box(frame.x, frame.y, frame.w, 38_100), fill=PRIMARY).name = "Block rule"
    count_w = _count_room()
    head = Box(
        frame.x + PAD // 2, frame.y + 60_000, _title_width(frame), _title_height(area.title_lines)
    )
    title, _cut = whole_or_cut(area.title, head.w, SMALL_SIZE, area.title_lines, bold=True)
    _tight(
        text_box(
            slide,
            head,
            title,
            size=SMALL_SIZE,
            bold=True,
            colour=PRIMARY,
            grow=False,
            name="Block title",
        )
    )
    if count:
        count_box = text_box(
            slide,
            Box(frame.right - PAD // 2 - count_w, head.y, count_w, _title_height(1)),
            str(count),
            size=SMALL_SIZE,
            bold=True,
            colour=FAINT,
            align="right",
            grow=False,
            name="Block count",
        )
        _tight(count_box)
    inside = area.inside
    if not count:
        prompt, _ = whole_or_cut(area.prompt, inside.w, SMALL_SIZE - 1, 3)
        text_box(
            slide,
            Box(inside.x, inside.y, inside.w, 200_000),
            prompt,
            size=SMALL_SIZE - 1,
            colour=MUTED,
            name="Block prompt",
        )
    for card, column, offset in placed:
        x = inside.x + column * (area.card_width + GAP)
        _draw_card(slide, Box(x, inside.y + offset, area.card_width, card.height), card, size)
    if more:
        line = _more_height()
        more_box = text_box(
            slide,
            Box(inside.x, inside.bottom - line, inside.w, line),
            f"+ {more} more →",
            size=SMALL_SIZE,
            bold=True,
            colour=MUTED,
            align="right",
            grow=False,
            name="More notes",
        )
        _tight(more_box)


def _draw_card(slide: Any, box: Box, card: _Card, size: float) -> None:
    """A sticky note in its own colour, black text, its votes in a navy dot at the corner."""
    sticky = text_box(
        slide,
        Box(box.x, box.y, box.w - card.reserve, box.h),
        card.text,
        size=size,
        colour="#000000",
        fill=note_fill(card.note.colour),
        grow=False,
        name="Note",
    )
    if card.reserve:  # the note's own shape reaches under the vote badge
        sticky.width = Emu(box.w)
        sticky.text_frame.margin_right = Emu(INSET + card.reserve)
    if card.note.votes:
        d = _vote_room(size) - 20_000
        badge = text_box(
            slide,
            Box(box.right - d - 25_000, box.y + 25_000, d, d),
            str(card.note.votes),
            size=size * 0.6,
            bold=True,
            colour=WHITE,
            align="center",
            anchor="middle",
            fill=PRIMARY,
            shape=MSO_SHAPE.OVAL,
            grow=False,
            name="Votes",
        )
        _no_margins(badge)


# -- the business case ------------------------------------------------------------------------

CASE_TITLE = "Business case"
TILE_VALUE = 30.0


def add_business_case(deck: Deck, job: DeckJob) -> None:
    product = job.subject
    facts = case_facts(job, product.id)
    if facts is None:
        nothing_yet(
            deck,
            CASE_TITLE,
            f"{clean(product.name)} has no business case yet — add one in the Business case view.",
            subtitle=product.name,
            notes=job.note,
        )
        return
    _figures_slide(deck, job, facts)
    job.progress.check()
    _cash_flow_slide(deck, facts)
    job.progress.check()
    _scenarios_slides(deck, facts)


@dataclass(frozen=True)
class _Tile:
    label: str
    value: str
    note: str
    colour: str = PRIMARY


def _tiles(facts: CaseFacts) -> list[_Tile]:
    """The sign-off document's four tiles, then the other key figures in its words."""
    settings, decision = facts.settings, facts.decision
    figures = decision.figures
    irr = figures.irr.annual
    lines = dict((label, value) for label, value in figure_lines(settings))
    first = [
        _Tile(
            "Net present value",
            money(figures.npv, facts.currency, compact=True),
            f"{decision.name}, at {format_rate(facts.case.drivers['discount_rate'])} a year",
            GOOD if figures.npv >= 0 else BAD,
        ),
        _Tile(
            "IRR",
            lines["Internal rate of return"](decision).replace(" a year", ""),
            "a year" if irr is not None else "no rate makes the NPV zero",
        ),
        _Tile(
            "Payback",
            periods_text(figures.payback_period, settings.period).text,
            f"discounted: {periods_text(figures.discounted_payback_period, settings.period).text}",
        ),
        _Tile(
            "Peak funding",
            money(figures.peak_funding, facts.currency, compact=True),
            "the deepest the cumulative cash goes",
            WARN if figures.peak_funding > 0 else PRIMARY,
        ),
    ]
    tips = {row.key: row.tip for row in FIGURE_ROWS}
    second = [
        _Tile("Break-even", lines["Break-even"](decision), tips["break_even"]),
        _Tile("Return on investment", lines["Return on investment"](decision), tips["roi"]),
        _Tile("Total revenue", lines["Total revenue"](decision), tips["total_revenue"]),
        _Tile(
            "Discounted payback",
            lines["Discounted payback"](decision),
            tips["discounted_payback"],
        ),
    ]
    return first + second


def _figures_slide(deck: Deck, job: DeckJob, facts: CaseFacts) -> None:
    settings = facts.settings
    noun = period_noun(settings.period)
    subtitle = (
        f"{facts.details.product_name} · the {facts.decision.name} scenario · "
        f"{noun.capitalize()}ly plan over {plural(settings.horizon, noun)} · {settings.currency}"
    )
    slide, body = deck.slide(f"{CASE_TITLE} — key figures", subtitle=subtitle, notes=job.note)
    in_full: list[str] = []
    colour = WARN if facts.draft else GOOD
    line = status_line(facts).split(": ", 1)[1]
    banner_text = f"{DRAFT if facts.draft else 'Signed off'}: {line[:1].upper()}{line[1:]}"
    shown, cut = whole_or_cut(banner_text, body.w - 150_000, SMALL_SIZE + 2, 3, bold=True)
    if cut:
        in_full.append(banner_text)
    banner = text_box(
        slide,
        Box(body.x + 60_000, body.y, body.w - 60_000, 400_000),
        shown,
        size=SMALL_SIZE + 2,
        bold=True,
        colour=INK,
        anchor="middle",
        fill=mix(colour, WHITE, 0.85),
        name="Status",
    )
    rectangle(slide, Box(body.x, body.y, 60_000, banner.height), fill=colour).name = "Status rule"
    notes = irr_notes(facts)
    foot = 0
    if notes:
        text = "  ·  ".join(notes)
        shown_notes, cut = whole_or_cut(text, body.w, SMALL_SIZE, 2)
        if cut:
            in_full.append(text)
        foot = text_height(shown_notes, body.w, SMALL_SIZE)
        text_box(
            slide,
            Box(body.x, body.bottom - foot, body.w, foot),
            shown_notes,
            size=SMALL_SIZE,
            colour=MUTED,
            name="IRR notes",
        )
    top = body.y + banner.height + 160_000
    room = Box(body.x, top, body.w, body.bottom - top - foot - (80_000 if foot else 0))
    tiles = _tiles(facts)
    row_h = (room.h - 160_000) // 2
    for row in range(2):
        boxes = Box(room.x, room.y + row * (row_h + 160_000), room.w, row_h).split(
            1, 1, 1, 1, gap=160_000
        )
        group = tiles[row * 4 : row * 4 + 4]
        size = min(_value_size(tile.value, boxes[0].w - 80_000) for tile in group)
        for tile, box in zip(group, boxes, strict=True):  # one size for the row, as on paper
            _tile(slide, box, tile, size, in_full)
    add_in_full(slide, in_full)


def _value_size(value: str, width: int) -> float:
    """The largest size, down to 18 pt, that sets a tile's figure on one line."""
    size = TILE_VALUE
    while size > 18 and len(lines_of(value[:200], width, size, bold=True)) > 1:
        size -= 2
    return size


def _tile(slide: Any, box: Box, tile: _Tile, size: float, in_full: list[str]) -> None:
    rectangle(slide, box, fill=mix(tile.colour, WHITE, 0.94), line=HAIRLINE).name = "Tile"
    rectangle(slide, Box(box.x, box.y, box.w, 50_000), fill=tile.colour).name = "Tile rule"
    inner = Box(box.x + 40_000, box.y + 90_000, box.w - 80_000, box.h)
    label = text_box(
        slide,
        Box(inner.x, inner.y, inner.w, 300_000),
        tile.label.upper(),
        size=SMALL_SIZE,
        bold=True,
        colour=MUTED,
        name="Tile label",
    )
    y = label.top + label.height
    value, cut = whole_or_cut(tile.value, inner.w, size, 2, bold=True)
    if cut:
        in_full.append(tile.value)
    shape = text_box(
        slide,
        Box(inner.x, y, inner.w, 300_000),
        value,
        size=size,
        bold=True,
        colour=tile.colour,
        name="Tile value",
    )
    y = shape.top + shape.height
    room = box.bottom - y - 40_000
    lines = max(1, int((room - 2 * INSET_Y) / (_line_height(SMALL_SIZE) * EMU_PER_POINT)))
    note, cut = whole_or_cut(tile.note, inner.w, SMALL_SIZE, lines)
    if cut:
        in_full.append(tile.note)
    text_box(
        slide,
        Box(inner.x, y, inner.w, 200_000),
        note,
        size=SMALL_SIZE,
        colour=MUTED,
        name="Tile note",
    )


CHART_NET = "Net cash flow"


def _cash_flow_slide(deck: Deck, facts: CaseFacts) -> None:
    settings, decision = facts.settings, facts.decision
    even = decision.figures.break_even_period
    parts = [
        f"The {decision.name} scenario: net cash flow per {period_noun(settings.period)} "
        "(columns, green in, red out) and the cumulative cash (line)"
    ]
    if even is not None:
        parts.append(f"break-even {period_label(settings.period, decision.rows[even].start, even)}")
    parts.append(f"payback {periods_text(decision.figures.payback_period, settings.period).text}")
    slide, body = deck.slide(f"{CASE_TITLE} — cash flow", subtitle=" · ".join(parts))
    others = [r for r in facts.results if r.name != decision.name]
    values = [r.net_cash_flow for r in decision.rows] + [
        r.cumulative for result in facts.results for r in result.rows
    ]
    divisor, scale, shape = chart_scale(values)
    unit = f"{scale} of {settings.currency}" if scale else settings.currency
    data = CategoryChartData(number_format=shape)
    data.categories = [period_label(settings.period, r.start, r.index) for r in decision.rows]
    data.add_series(CHART_NET, [_value(r.net_cash_flow, divisor) for r in decision.rows])
    data.add_series(
        f"Cumulative, {decision.name}", [_value(r.cumulative, divisor) for r in decision.rows]
    )
    for result in others:
        data.add_series(
            f"Cumulative, {result.name}", [_value(r.cumulative, divisor) for r in result.rows]
        )
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Emu(body.x), Emu(body.y), Emu(body.w), Emu(body.h), data
    )
    frame.name = "Cash flow chart"
    chart = frame.chart
    chart.font.size = Pt(SMALL_SIZE + 1)
    chart.font.name = "Calibri"
    chart.font.color.rgb = rgb(INK)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width = 50
    net = plot.series[0]
    net.invert_if_negative = False
    net.format.fill.solid()
    net.format.fill.fore_color.rgb = rgb(mix(GOOD, WHITE, 0.35))
    for index, row in enumerate(decision.rows):
        if row.net_cash_flow < 0:
            point = net.points[index].format
            point.fill.solid()
            point.fill.fore_color.rgb = rgb(mix(BAD, WHITE, 0.35))
    for number, series in enumerate(list(plot.series)[1:]):
        line = series.format.line
        line.color.rgb = rgb(PRIMARY if number == 0 else SERIES[number % len(SERIES)])
        line.width = Pt(3 if number == 0 else 1.75)
        if number:
            line.dash_style = MSO_LINE.DASH
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = rgb(HAIRLINE)
    value_axis.tick_labels.font.color.rgb = rgb(MUTED)
    value_axis.tick_labels.number_format = shape
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.has_title = True
    value_axis.axis_title.text_frame.text = unit
    value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(SMALL_SIZE)
    category_axis = chart.category_axis
    category_axis.tick_labels.font.color.rgb = rgb(MUTED)
    category_axis.format.line.color.rgb = rgb(RULE)
    category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # under negative columns
    _lines_over_columns(chart)


_SCALES = (
    (Decimal(10) ** 9, "billions"),
    (Decimal(10) ** 6, "millions"),
    (Decimal(1000), "thousands"),
)


def chart_scale(values: Sequence[Decimal]) -> tuple[Decimal, str, str]:
    """The divisor, its name and the number format that keep the axis to a few digits:
    €37,500,000 reads "37.5" on an axis of "millions of EUR"."""
    largest = max((abs(v) for v in values), default=Decimal(0))
    for divisor, name in _SCALES:
        if largest >= divisor * 10:
            return divisor, name, "#,##0.0" if largest < divisor * 100 else "#,##0"
    return Decimal(1), "", "#,##0"


def _value(amount: Decimal, divisor: Decimal) -> float:
    return float(amount / divisor)


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(key, value)
    return element


def _lines_over_columns(chart: Any) -> None:
    """Move every series but the first from the column chart into a line chart on the same
    axes: python-pptx writes one chart type per chart, PowerPoint and LibreOffice read a
    column-and-line combination from the XML (the series keep their cells in the chart's
    workbook, so a person edits the numbers as usual)."""
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    bars = plot_area.find(qn("c:barChart"))
    moving = bars.findall(qn("c:ser"))[1:]
    line_chart = _element("c:lineChart")
    line_chart.append(_element("c:grouping", val="standard"))
    line_chart.append(_element("c:varyColors", val="0"))
    for ser in moving:
        bars.remove(ser)
        for name in ("c:invertIfNegative",):
            for found in ser.findall(qn(name)):
                ser.remove(found)
        marker = _element("c:marker")
        marker.append(_element("c:symbol", val="none"))
        anchor = ser.find(qn("c:spPr"))
        if anchor is None:
            anchor = ser.find(qn("c:tx"))
        anchor.addnext(marker)
        ser.append(_element("c:smooth", val="0"))
        line_chart.append(ser)
    line_chart.append(_element("c:marker", val="1"))
    for axis in bars.findall(qn("c:axId")):
        line_chart.append(_element("c:axId", val=axis.get("val")))
    bars.addnext(line_chart)


SCENARIOS_PER_SLIDE = 4


def _scenarios_slides(deck: Deck, facts: CaseFacts) -> None:
    """The key figures with the scenarios side by side, the one asked for in bold."""
    results = list(facts.results)
    chunks = [
        results[i : i + SCENARIOS_PER_SLIDE] for i in range(0, len(results), SCENARIOS_PER_SLIDE)
    ]
    for number, group in enumerate(chunks, start=1):
        title = f"{CASE_TITLE} — key figures by scenario"
        if len(chunks) > 1:
            title += f" ({number} of {len(chunks)})"
        slide, body = deck.slide(
            title,
            subtitle=f"The {facts.decision.name} scenario is the one "
            + ("asked for" if facts.draft else "signed off"),
        )
        headers = ["Figure"] + [
            f"{r.name} ({'asked' if facts.draft else 'signed'})"
            if r.name == facts.decision.name
            else r.name
            for r in group
        ]
        rows = [
            [label, *(value(r) for r in group)] for label, value in figure_lines(facts.settings)
        ]
        widths = [1.6] + [1.0] * len(group) + [0.0] * 0
        frame = table(
            slide,
            Box(body.x, body.y, body.w, 0),
            headers,
            rows,
            widths=widths,
            size=BODY_SIZE,
            numeric=range(1, len(headers)),
        )
        frame.name = "Scenarios"
        for col, result in enumerate(group, start=1):
            if result.name == facts.decision.name:
                for r in range(1, len(rows) + 1):
                    for run in frame.table.cell(r, col).text_frame.paragraphs[0].runs:
                        run.font.bold = True


# -- the competitor matrix --------------------------------------------------------------------

MATRIX_TITLE = "Competitor matrix"
LEVEL_LOOK = MATRIX_LEVEL_LOOK
TINT = 60 / 255  # the screen's tint: the level's colour at this opacity over white
LEGEND = MATRIX_LEGEND
COLUMNS_PER_SLIDE = 5  # compared columns (ours + competitors) side by side
MATRIX_SIZE = 14.0
CELL_LINES = 6  # a capability or name longer than this many lines ends in "…" (notes: whole)


def level_fill(level: CellLevel) -> str:
    return mix(WHITE, LEVEL_LOOK[level][1], TINT)


def add_competitors(deck: Deck, job: DeckJob) -> None:
    product = job.subject
    matrix = job.service(MarketService).matrix(product.id, today=job.on)
    if not matrix.capabilities:
        nothing_yet(
            deck,
            MATRIX_TITLE,
            "The comparison matrix has no capabilities yet — add them in the Market view.",
            subtitle=product.name,
            notes=job.note,
        )
        return
    columns: list[tuple[str, int | None]] = [(f"{clean(product.name)} (us)", None)]
    columns += [(clean(c.name), c.id) for c in matrix.competitors]
    ours, theirs = columns[:1], columns[1:]
    per = COLUMNS_PER_SLIDE - 1
    groups = [ours + theirs[i : i + per] for i in range(0, len(theirs), per)] or [ours]
    stale = sum(
        1 for cell in matrix.cells.values() if cell.stale and cell.level is not CellLevel.UNKNOWN
    )
    foot_text = LEGEND
    if stale:
        foot_text += f" — {plural(stale, 'cell')} marked stale"

    against = (
        f"against {plural(len(matrix.competitors), 'competitor')}"
        if matrix.competitors
        else "no competitor linked yet (link them in the Market view)"
    )
    subtitle = f"{clean(product.name)} {against} · as of {short_date(job.on)}"
    slides = []
    for group in groups:
        job.progress.check()
        slides += _matrix_pages(matrix, group, foot_text, subtitle, job)
    total = len(slides)
    notes = job.note
    for number, (header, rows, fills, bold_last, in_full) in enumerate(slides, start=1):
        title = MATRIX_TITLE if total == 1 else f"{MATRIX_TITLE} ({number} of {total})"
        slide, body = deck.slide(title, subtitle=subtitle, notes=notes)
        notes = ""
        foot = text_height(foot_text, body.w, SMALL_SIZE)
        text_box(
            slide,
            Box(body.x, body.bottom - foot, body.w, foot),
            foot_text,
            size=SMALL_SIZE,
            colour=MUTED,
            name="Legend",
        )
        widths = _matrix_widths(len(header))
        frame = table(
            slide,
            Box(body.x, body.y, body.w, 0),
            header,
            rows,
            widths=widths,
            size=MATRIX_SIZE,
        )
        frame.name = "Comparison matrix"
        grid = frame.table
        for (r, c), fill in fills.items():
            cell = grid.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(fill)
        if bold_last:
            for c in range(len(header)):
                for run in grid.cell(len(rows), c).text_frame.paragraphs[0].runs:
                    run.font.bold = True
        add_in_full(slide, in_full)


table_pages = rows_per_slide  # the matrix splits like every other table


# A slide of the matrix: header, rows, cell fills, whether it ends with the coverage row, and
# the texts cut short on it.
_MatrixPage = tuple[list[str], list[list[str]], dict[tuple[int, int], str], bool, list[str]]


def _matrix_widths(count: int) -> list[float]:
    return [2.0] + [1.0] * (count - 1)


def _matrix_pages(
    matrix: Matrix,
    group: list[tuple[str, int | None]],
    foot_text: str,
    subtitle: str,
    job: DeckJob,
) -> list[_MatrixPage]:
    """The matrix for these columns, its rows split over as many slides as they need."""
    body = body_of(subtitle)
    widths = _matrix_widths(len(group) + 1)
    total = sum(widths)
    widths_emu = [int(body.w * w / total) for w in widths]
    in_full: list[str] = []
    header = ["Capability"]
    for name, _id in group:
        shown, cut = whole_or_cut(name, widths_emu[len(header)], MATRIX_SIZE, 4, bold=True)
        if cut:
            in_full.append(name)
        header.append(shown)
    rows: list[list[str]] = []
    levels: list[list[CellLevel]] = []
    for capability in matrix.capabilities:
        job.progress.check()
        name, cut = whole_or_cut(capability.name, widths_emu[0], MATRIX_SIZE, CELL_LINES)
        if cut:
            in_full.append(clean(capability.name))
        row, looks = [name], []
        for _name, who in group:
            cell = matrix.cell(capability.id, who)
            level = cell.level if cell is not None else CellLevel.UNKNOWN
            stale = cell is not None and cell.stale and level is not CellLevel.UNKNOWN
            row.append(level_text(level, stale))
            looks.append(level)
        rows.append(row)
        levels.append(looks)
    coverage = ["Coverage"]
    for _name, who in group:
        share = matrix.coverage(who)
        coverage.append("—" if share is None else f"{share:.0%}")
    header_h = max(
        text_height(h, w, MATRIX_SIZE, True) for h, w in zip(header, widths_emu, strict=True)
    )
    room = (
        body.h
        - text_height(foot_text, body.w, SMALL_SIZE)
        - 80_000
        - (header_h - _emu(_line_height(MATRIX_SIZE)))
    )
    pages = table_pages(rows + [coverage], widths_emu, room, MATRIX_SIZE)
    out: list[_MatrixPage] = []
    start = 0
    for page in pages:
        fills: dict[tuple[int, int], str] = {}
        for r in range(len(page)):
            index = start + r
            if index < len(levels):
                for c, level in enumerate(levels[index], start=1):
                    fills[(r + 1, c)] = level_fill(level)
        start += len(page)
        last = start == len(rows) + 1
        whole = in_full if not out else []  # texts cut short: in the first slide's notes
        out.append((header, [list(map(str, row)) for row in page], fills, last, whole))
    return out


__all__ = [
    "GLYPH_SHAPES",
    "LEVEL_LOOK",
    "add_business_case",
    "add_canvas",
    "add_competitors",
    "add_stakeholders",
    "glyph_box",
    "level_text",
    "note_fill",
    "whole_or_cut",
]
