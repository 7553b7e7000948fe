"""Building blocks of every document: tables, key figures, bullet lists, the cover page.

A table cell given as ``str`` is user text and is escaped; text of our own
that needs no wrapping is passed as :class:`Plain`, and anything else (a
Paragraph, a Drawing) goes in as it is. Safe by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, LongTable, Spacer, Table

from pmdesk.core.wording import long_date

from .fastdraw import text_run
from .fonts import SANS, SANS_BOLD, printable, register, string_width
from .markup import Paragraph, escape, para
from .rtl import visual
from .template import DocumentInfo
from .textdraw import draw_text, wrap_lines
from .theme import (
    ACCENT,
    BAD,
    COVER_TINT,
    HAIRLINE,
    INK,
    MUTED,
    PRIMARY,
    RULE,
    SURFACE,
    WHITE,
    Styles,
)


@dataclass(frozen=True)
class Plain:
    """A short cell of our own text (a number, a date, a label): drawn as is, not wrapped."""

    text: str
    align: str = "LEFT"
    colour: Color | None = None
    bold: bool = False


type Cell = str | Plain | Flowable | list | None


def cell(value: Cell, style: ParagraphStyle = Styles.cell):
    if value is None:
        return ""
    if isinstance(value, str):
        return para(value, style) if value else ""
    if isinstance(value, Plain):  # drawn by the Table itself: printable, in display order
        return visual(printable(value.text))
    return value


_PLAIN_STYLES: dict[tuple, ParagraphStyle] = {}


def plain_cell(value: Plain, width: float, size: float = 8.5) -> Plain | Paragraph:
    """``value`` as is when it fits its column of ``width`` points, else a Paragraph in it.

    A Plain is drawn on one line by whoever holds it; a long one (a figure with a
    forty-letter unit) would print over the next column. One that only reaches
    into the cells' padding stays on its line: it still ends before the next text.
    """
    if string_width(printable(value.text), size, value.bold) <= width:
        return value
    key = (value.bold, value.align, value.colour.hexval() if value.colour else "", size)
    style = _PLAIN_STYLES.get(key)
    if style is None:
        style = _PLAIN_STYLES[key] = ParagraphStyle(
            f"pm-plain-{len(_PLAIN_STYLES)}",
            parent=Styles.cell,
            fontSize=size,
            fontName=SANS_BOLD if value.bold else SANS,
            textColor=value.colour or INK,
            alignment={"RIGHT": TA_RIGHT, "CENTER": TA_CENTER}.get(value.align, TA_LEFT),
        )
    return para(value.text, style)


def table(
    header: Sequence[str | Flowable],
    rows: Iterable[Sequence[Cell]],
    widths: Sequence[float],
    *,
    total_width: float,
    align: Sequence[str] | None = None,
    zebra: bool = True,
    header_colour: Color = PRIMARY,
    paged: bool = False,
) -> Flowable:
    """A table with a repeated header row that splits across pages (rows may split too).

    ``widths`` are fractions of ``total_width``. LongTable keeps layout linear in
    the number of rows, which matters for a thousand requirements. ``paged``: a
    table of many pages (thousands of rows) is set as a :class:`PagedTable`, one
    page at a time, which looks the same and costs the same per row at any length.
    """
    col_widths = header_word_widths(header, [w * total_width for w in widths], 10)
    head_styles = {"RIGHT": Styles.head_right, "CENTER": Styles.head_centre}
    aligns = list(align or ["LEFT"] * len(header))
    data = [
        [
            Paragraph(escape(h), head_styles.get(a, Styles.head)) if isinstance(h, str) else h
            for h, a in zip(header, aligns, strict=True)
        ]
    ]
    commands: list[tuple] = []
    row_commands: dict[int, list[tuple]] = {}
    # the room a cell Paragraph (always set left) wraps in; strings follow the column's align
    room = [w - 10 if a == "LEFT" else -1.0 for w, a in zip(col_widths, aligns, strict=True)]
    for index, row in enumerate(rows, start=1):
        row = [
            plain_cell(value, col_widths[col]) if isinstance(value, Plain) else value
            for col, value in enumerate(row)
        ]
        if paged:  # a one-line cell of plain text is drawn by the Table, not set as a Paragraph
            data.append(
                [_one_line(value, room[col]) or cell(value) for col, value in enumerate(row)]
            )
        else:
            data.append([cell(value) for value in row])
        own: list[tuple] = []
        for col, value in enumerate(row):
            if isinstance(value, Plain):
                if value.colour is not None:
                    own.append(("TEXTCOLOR", (col, index), (col, index), value.colour))
                if value.bold:
                    own.append(("FONTNAME", (col, index), (col, index), SANS_BOLD))
                if value.align != "LEFT":
                    own.append(("ALIGN", (col, index), (col, index), value.align))
        if own:
            commands += own
            row_commands[index] = own
    columns: list[tuple] = []
    for col, how in enumerate(aligns):
        if how != "LEFT":
            columns.append(("ALIGN", (col, 1), (col, -1), how))
        if how == "RIGHT":  # figures sit close to their neighbours; the header still fits
            columns += [
                ("LEFTPADDING", (col, 0), (col, -1), 2),
                ("RIGHTPADDING", (col, 0), (col, -1), 4),
            ]
    commands += columns
    style = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("FONTSIZE", (0, 1), (-1, -1), 8.5),
        ("LEADING", (0, 1), (-1, -1), 11.5),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), header_colour),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, HAIRLINE),
    ]
    if paged and len(data) > 40:
        return PagedTable(data, col_widths, style + columns, row_commands, zebra=zebra)
    style.append(("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE))
    if zebra and len(data) > 2:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [WHITE, SURFACE]))
    kind = LongTable if len(data) > 40 else Table
    return kind(
        data,
        colWidths=col_widths,
        repeatRows=1,
        style=style + commands,
        splitByRow=1,
        splitInRow=36,
        hAlign="LEFT",
    )


_ROW_LOOKS = {"TEXTCOLOR", "FONTNAME", "ALIGN"}  # per-row commands that leave heights alone


def _text_row(row: list) -> bool:
    """A row of one-line text cells (or empty ones): its height is the style's, not its own."""
    return all(type(v) is str and "\n" not in v for v in row)


class _Piece(Table):
    """A page of a PagedTable: a Table that writes its one-line text cells straight into
    the page, as ``canvas.drawString`` would write them, without a text object each."""

    def _drawCell(self, cellval, cellstyle, pos, size):  # reportlab's name
        if (
            type(cellval) is not str
            or "\n" in cellval
            or cellstyle.valign != "TOP"
            or cellstyle.href
            or cellstyle.destination
            or cellstyle.direction
            or cellstyle.shaping
            or not getattr(pdfmetrics.getFont(cellstyle.fontname), "_dynamicFont", False)
        ):
            return super()._drawCell(cellval, cellstyle, pos, size)
        canv = self.canv
        if self._curcellstyle is not cellstyle:  # the state Table._drawCell sets
            cur = self._curcellstyle
            if cur is None or cellstyle.color != cur.color:
                canv.setFillColor(cellstyle.color)
            if (
                cur is None
                or cellstyle.leading != cur.leading
                or cellstyle.fontname != cur.fontname
                or cellstyle.fontsize != cur.fontsize
            ):
                canv.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        if not cellval:
            return None
        (colpos, rowpos), (colwidth, rowheight) = pos, size
        name, font_size = cellstyle.fontname, cellstyle.fontsize
        just = cellstyle.alignment
        if just == "LEFT":
            x = colpos + cellstyle.leftPadding
        elif just in ("CENTRE", "CENTER"):
            x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding) * 0.5
            x -= pdfmetrics.stringWidth(cellval, name, font_size) * 0.5
        elif just == "RIGHT":
            x = colpos + colwidth - cellstyle.rightPadding
            x -= pdfmetrics.stringWidth(cellval, name, font_size)
        else:
            return super()._drawCell(cellval, cellstyle, pos, size)
        y = rowpos + rowheight - cellstyle.topPadding - font_size
        canv._code.append(text_run(canv, pdfmetrics.getFont(name), font_size, x, y, cellval))
        return None


class PagedTable(Flowable):
    """A long table set one page at a time: each page is a reportlab Table of the rows
    that fit it, under the header row, the zebra stripes running on across pages.

    reportlab splits a long Table by building the rest again and measuring it anew
    at every page, so a table of a hundred pages costs a hundred times its length.
    Here every row is measured once (by reportlab, in blocks, so heights are its
    own) and a page's piece is given its rows' heights; the page breaks fall where
    reportlab's own row-by-row split puts them. A row taller than a page is left to
    reportlab's split inside the row.
    """

    BLOCK = 200  # rows measured per Table

    def __init__(
        self,
        data: list[list],
        col_widths: Sequence[float],
        style: list[tuple],
        row_commands: dict[int, list[tuple]],
        *,
        zebra: bool = True,
        start: int = 1,
        heights: list[float] | None = None,
        after: list[float] | None = None,
    ) -> None:
        super().__init__()
        self.data = data  # the header row, then every row (shared by all the pieces)
        self.col_widths = list(col_widths)
        self.style = style
        self.row_commands = row_commands
        self.zebra = zebra
        self.start = start  # index in ``data`` of this part's first row
        self.heights = heights  # every row's height, the header's first (shared too)
        # Rows of one-line text only are all as tall as each other when no style command
        # picks out single rows (the per-row ones set colour, font and alignment only).
        self._uniform = all(
            (c[1][1], c[2][1]) in ((0, 0), (0, -1), (1, -1)) for c in style
        ) and all(c[0] in _ROW_LOOKS for commands in row_commands.values() for c in commands)
        self._text_height: float | None = None
        self.after = after  # the height of the rows from each one on (shared too)
        self.hAlign = "LEFT"

    def _measure(self) -> list[float]:
        if self.heights is None:
            heights: list[float] = []
            for first in range(1, len(self.data), self.BLOCK):
                stop = min(first + self.BLOCK, len(self.data))
                text_height = self._text_height if self._uniform else None
                if text_height is not None and all(map(_text_row, self.data[first:stop])):
                    heights += [text_height] * (stop - first)  # as reportlab measured
                    continue
                piece = self._piece(first, stop)
                piece.wrap(sum(self.col_widths), 10**9)
                heights += piece._rowHeights[1:] if heights else piece._rowHeights
                if self._text_height is None:
                    self._text_height = next(
                        (
                            h
                            for row, h in zip(
                                self.data[first:stop], piece._rowHeights[1:], strict=True
                            )
                            if _text_row(row)
                        ),
                        None,
                    )
            self.heights = heights
            # after[i]: the height of rows i onwards, so each page's part knows its own in O(1)
            after = [0.0] * (len(heights) + 1)
            for index in range(len(heights) - 1, 0, -1):
                after[index] = after[index + 1] + heights[index]
            self.after = after
        return self.heights

    def _piece(self, first: int, stop: int, heights: list[float] | None = None) -> Table:
        """The header and rows ``first`` to ``stop`` (exclusive) as one Table."""
        style = list(self.style)
        if first > 1:  # as reportlab continues a split table: the rule above the row below
            count = len(self.data)
            for name, (sc, sr), (ec, er), *args in self.style:
                if name == "LINEBELOW" and sr % count <= first - 1 <= er % count:
                    style.insert(0, ("LINEABOVE", (sc, 1), (ec, 1), *args))
        if self.zebra and len(self.data) > 2:  # the stripes run on from the page before
            stripes = [WHITE, SURFACE] if first % 2 else [SURFACE, WHITE]
            style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), stripes))
        for index in range(first, stop):
            for name, (col, _), _end, *args in self.row_commands.get(index, ()):
                row = index - first + 1
                style.append((name, (col, row), (col, row), *args))
        if stop == len(self.data):
            style.append(("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE))
        return _Piece(
            [self.data[0], *self.data[first:stop]],
            colWidths=self.col_widths,
            rowHeights=heights,
            repeatRows=1,
            style=style,
            splitByRow=1,
            splitInRow=36,
            hAlign="LEFT",
        )

    def _rest(self, first: int) -> PagedTable:
        return PagedTable(
            self.data,
            self.col_widths,
            self.style,
            self.row_commands,
            zebra=self.zebra,
            start=first,
            heights=self.heights,
            after=self.after,
        )

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        heights = self._measure()
        assert self.after is not None  # measured with the heights
        self.width = sum(self.col_widths)
        self.height = heights[0] + self.after[self.start]
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        heights = self._measure()
        used, stop = heights[0], self.start
        while stop < len(self.data) and used + heights[stop] <= avail_height:
            used += heights[stop]
            stop += 1
        if stop == self.start:  # not one row fits: reportlab may split inside it
            pieces = self._piece(self.start, self.start + 1).split(avail_width, avail_height)
            if not pieces or self.start + 1 == len(self.data):
                return pieces
            return [*pieces, self._rest(self.start + 1)]
        rows = [heights[0], *heights[self.start : stop]]
        if stop == len(self.data):
            return [self._piece(self.start, stop, rows)]
        return [self._piece(self.start, stop, rows), self._rest(stop)]

    def draw(self) -> None:
        heights = self._measure()
        piece = self._piece(self.start, len(self.data), [heights[0], *heights[self.start :]])
        piece.wrapOn(self.canv, self.width, self.height)
        piece.drawOn(self.canv, 0, 0)


def _one_line(value: Cell, room: float) -> str | None:
    """User text a cell Paragraph would set on one line in one font, as it would look:
    ASCII, printable, single-spaced and narrower than ``room``; else None."""
    if (
        isinstance(value, str)
        and value.isascii()
        and value.isprintable()
        and value.strip() == value
        and "  " not in value
        and value
        and string_width(value, Styles.cell.fontSize) <= room
    ):
        return value
    return None


def header_word_widths(
    header: Sequence[object], widths: Sequence[float], padding: float
) -> list[float]:
    """Column widths (points) in which no header word has to break ("Frequenc/y").

    A column narrower than its longest header word plus ``padding`` takes the
    room from columns that have more than their own header needs, in
    proportion to what they can spare; headers then wrap only at spaces.
    """
    register()
    size = Styles.head.fontSize
    needs = [
        max((string_width(word, size, True) for word in h.split()), default=0) + padding + 1
        if isinstance(h, str)
        else 0.0
        for h in header
    ]
    out = list(widths)
    short = sum(max(0.0, need - width) for need, width in zip(needs, out, strict=True))
    spare = [max(0.0, width - need) for need, width in zip(needs, out, strict=True)]
    if short <= 0 or sum(spare) < short:
        return out
    share = short / sum(spare)
    return [
        max(need, width - room * share) for need, width, room in zip(needs, out, spare, strict=True)
    ]


def key_values(
    pairs: Sequence[tuple[str, Cell]], total_width: float, label_share: float = 0.28
) -> Table:
    """Label / value lines, for facts like owner, stage and dates."""
    label_w = total_width * label_share
    data = [[Paragraph(escape(label.upper()), Styles.label), cell(value)] for label, value in pairs]
    return Table(
        data,
        colWidths=[label_w, total_width - label_w],
        hAlign="LEFT",
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, HAIRLINE),
            ("TOPPADDING", (0, 0), (0, -1), 6),
        ],
    )


@dataclass(frozen=True)
class Tile:
    label: str  # our own
    value: str  # our own figure or user text (escaped)
    note: str = ""
    colour: Color = PRIMARY


def tiles(items: Sequence[Tile], total_width: float) -> Table:
    """Key figures side by side, each with a coloured top rule: what a reader sees first."""
    gap = 8.0
    width = (total_width - gap * (len(items) - 1)) / max(1, len(items))
    longest = max((len(item.value) for item in items), default=0)
    size = 17 if longest <= 9 else 14 if longest <= 14 else 12.5  # one size for the whole row
    cells: list[list[Flowable] | str] = []
    widths: list[float] = []
    style: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), SANS),
    ]
    for index, item in enumerate(items):
        value_style = ParagraphStyle(
            f"tile-{index}-{size}",
            parent=Styles.tile_value,
            textColor=item.colour,
            fontSize=size,
            leading=size * 1.22,
        )
        block = [
            Paragraph(escape(item.label.upper()), Styles.tile_label),
            Spacer(1, 3),
            para(item.value, value_style),
        ]
        if item.note:
            block.append(para(item.note, Styles.tile_note))
        column = index * 2
        cells.append(block)
        widths.append(width)
        style += [
            ("LINEABOVE", (column, 0), (column, 0), 2.5, item.colour),
            ("BACKGROUND", (column, 0), (column, 0), SURFACE),
            ("LEFTPADDING", (column, 0), (column, 0), 9),
            ("TOPPADDING", (column, 0), (column, 0), 8),
            ("BOTTOMPADDING", (column, 0), (column, 0), 9),
        ]
        if index < len(items) - 1:
            cells.append("")
            widths.append(gap)
    return Table([cells], colWidths=widths, style=style, hAlign="LEFT")


def layout(
    rows: list[list],
    widths: Sequence[float | None],
    *,
    valign: str = "TOP",
    style: Sequence[tuple] = (),
) -> Table:
    """A borderless table that only places things side by side (charts, tiles, panels).

    Its font is ours even where a cell is empty, so no PDF names a font it does not embed.
    """
    return Table(
        rows,
        colWidths=list(widths),
        hAlign="LEFT",
        style=[
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("VALIGN", (0, 0), (-1, -1), valign),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            *style,
        ],
    )


def bullets(
    items: Iterable[str], style: ParagraphStyle = Styles.bullet, symbol: str = "•"
) -> list[Paragraph]:
    """User text as a bullet list (each item escaped, or built without markup at all)."""
    return [para(item, style, bullet=symbol) for item in items if printable(item).strip()]


def note(text: str) -> Paragraph:
    """A muted sentence saying a section is empty, so a reader knows it was not forgotten."""
    return Paragraph(escape(text), Styles.small)


class Block(Flowable):
    """Short flowables kept together, laid out once: a requirement, a risk, a card.

    reportlab's KeepTogether lays its content out twice (to measure, then to
    place); a specification of a thousand requirements spent half its time
    there. A Block measures each part once. When it does not fit, it breaks
    between parts but never after the first alone (a title stays with its
    text); a Block taller than a whole page breaks inside a part.
    """

    HUGE = 400.0  # points: a head this tall may break inside rather than wait for a page

    def __init__(self, parts: Sequence[Flowable]) -> None:
        super().__init__()
        self.parts = [p for p in parts if p is not None]
        self._laid_width: float | None = None
        self._heights: list[float] = []

    def _measure(self, width: float) -> None:
        if self._laid_width == width:
            return
        self._heights = [part.wrap(width, 10**6)[1] for part in self.parts]
        self._laid_width = width

    def _gaps(self) -> list[float]:
        """Space above each part (none above the first: the frame handles that).

        One gap per part, so none for an empty Block: ``split`` and ``draw`` zip the
        gaps with the parts' heights strictly.
        """
        gaps = [0.0] if self.parts else []
        for before, part in pairwise(self.parts):
            gaps.append(max(before.getSpaceAfter(), part.getSpaceBefore()))
        return gaps

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._measure(avail_width)
        self.width = avail_width
        self.height = sum(self._heights) + sum(self._gaps())
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.parts[0].getSpaceBefore() if self.parts else 0.0

    def getSpaceAfter(self) -> float:
        return self.parts[-1].getSpaceAfter() if self.parts else 0.0

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self._measure(avail_width)
        used, fits = 0.0, 0
        for gap, height in zip(self._gaps(), self._heights, strict=True):
            if used + gap + height > avail_height:
                break
            used, fits = used + gap + height, fits + 1
        if fits >= 2 or (fits == 1 and len(self.parts) == 1):
            return [Block(self.parts[:fits]), Block(self.parts[fits:])]
        head = sum(self._heights[:2]) + sum(self._gaps()[:2])
        if head <= self.HUGE or avail_height < 72:
            return []  # the frame moves the whole block on to a fresh page
        # Its first parts alone fill most of a page: break inside the part at the bottom.
        room = avail_height - used - self._gaps()[fits]
        pieces = self.parts[fits].split(avail_width, room)
        self._laid_width = None  # a refused split leaves a Paragraph unmeasured
        if len(pieces) < 2:
            return [] if fits == 0 else [Block(self.parts[:fits]), Block(self.parts[fits:])]
        return [
            Block([*self.parts[:fits], pieces[0]]),
            Block([*pieces[1:], *self.parts[fits + 1 :]]),
        ]

    def draw(self) -> None:
        y = self.height
        for gap, height, part in zip(self._gaps(), self._heights, self.parts, strict=True):
            y -= gap + height
            part.drawOn(self.canv, 0, y)


class RotatedLabel(Flowable):
    """A header label set vertically, for matrices with many narrow columns."""

    def __init__(
        self, text: str, length: float = 86.0, size: float = 7.5, colour: Color = WHITE
    ) -> None:
        super().__init__()
        self.text, self.length, self.size, self.colour = text, length, size, colour

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.length

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.translate(self.width / 2 + self.size * 0.35, 0)
        canv.rotate(90)
        draw_text(
            canv, 0, 0, self.text, self.size, bold=True, colour=self.colour, max_width=self.length
        )
        canv.restoreState()


class Cover(Flowable):
    """A full cover page: a navy band with the title, then the document's facts."""

    def __init__(
        self,
        info: DocumentInfo,
        title: str,
        tagline: str,
        facts: Sequence[tuple[str, str]],
        page: tuple[float, float],
    ) -> None:
        super().__init__()
        self.info = info
        self.title = title
        self.tagline = tagline
        self.facts = facts
        self.width, self.height = page

    def wrap(self, _w: float, _h: float) -> tuple[float, float]:
        return self.width, self.height - 1

    def draw(self) -> None:
        canv = self.canv
        w, h = self.width, self.height
        margin = 64.0
        band = h * 0.46
        canv.setFillColor(PRIMARY)
        canv.rect(0, h - band, w, band, stroke=0, fill=1)
        canv.setFillColor(ACCENT)
        canv.rect(0, h - band - 6, w, 6, stroke=0, fill=1)
        top = h - 80
        draw_text(
            canv,
            margin,
            top,
            self.info.organisation or "pmdesk",
            9,
            bold=True,
            colour=COVER_TINT,
            max_width=w - 2 * margin,
        )
        inner = w - 2 * margin
        y = h - band + 48
        stack, heights = self._title_stack(inner, top - 20 - y)
        y += sum(heights) + 10 * (len(stack) - 1)
        for p, ph in zip(stack, heights, strict=True):
            y -= ph
            p.drawOn(canv, margin, y)
            y -= 10
        self._facts(canv, margin, h - band - 70, inner)
        if self.info.confidentiality:
            canv.setStrokeColor(BAD)
            canv.setLineWidth(1)
            label = self.info.confidentiality.upper()
            width = draw_text(
                canv, margin + 10, 66, label, 9, bold=True, colour=BAD, max_width=inner - 20
            )
            canv.roundRect(margin, 58, width + 20, 22, 3, stroke=1, fill=0)

    def _title_stack(self, width: float, room: float) -> tuple[list[Paragraph], list[float]]:
        """Kind, title and tagline, the title set smaller until all fit in ``room`` points.

        A 200-character name at the cover's 30 points would climb over the
        organisation's line; it steps down to 14 points (and no further: past
        that the tagline is what gives way, shortened to three lines).
        """
        kind = Paragraph(escape(self.info.kind_label.upper()), Styles.cover_kind)
        tagline = para(self.tagline, Styles.cover_tagline) if self.tagline else None
        for size in (30, 26, 22, 18, 14):
            style = ParagraphStyle(
                f"pm-cover-title-{size}",
                parent=Styles.cover_title,
                fontSize=size,
                leading=size * 1.2,
            )
            stack = [p for p in (kind, para(self.title, style), tagline) if p is not None]
            heights = [p.wrap(width, 10**6)[1] for p in stack]
            if sum(heights) + 10 * (len(stack) - 1) <= room:
                return stack, heights
        if tagline is not None:  # still too tall: three lines of tagline at most
            short = " ".join(
                wrap_lines(self.tagline, width, Styles.cover_tagline.fontSize, max_lines=3)
            )
            stack[-1] = para(short, Styles.cover_tagline)
            heights[-1] = stack[-1].wrap(width, 10**6)[1]
        return stack, heights

    def _facts(self, canv, x: float, top: float, width: float) -> None:
        columns = 3
        col_w = width / columns
        for index, (label, value) in enumerate(self.facts):
            row, col = divmod(index, columns)
            cx, cy = x + col * col_w, top - row * 62
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.6)
            canv.line(cx, cy + 14, cx + col_w - 16, cy + 14)
            draw_text(canv, cx, cy, label.upper(), 7, bold=True, colour=MUTED)
            lines = wrap_lines(value or "—", col_w - 16, 11.5, max_lines=3)
            for line_no, line in enumerate(lines):
                draw_text(canv, cx, cy - 17 - line_no * 14, line, 11.5, colour=INK)
        canv.setFillColor(MUTED)
        draw_text(
            canv,
            x,
            36 + 60 if self.info.confidentiality else 66,
            f"Issued {long_date(self.info.generated)}"
            + (f"  ·  {self.info.stamp}" if self.info.stamp else ""),
            8,
            colour=MUTED,
        )


def spacer(height: float = 8) -> Spacer:
    return Spacer(1, height)
