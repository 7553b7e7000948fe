"""A lean table for long indexes (a thousand requirements), laid out once and cut cheaply.

reportlab's Table re-applies every style command to the rows left over each
time it splits, and draws each cell as its own text object: fine for a page,
slow for thirty. A Ledger measures each row once, draws the short cells of a
row in one text object, and splits by slicing its rows — every part repeats
the header. It looks exactly like the tables of ``components.table``. Rows
must be short (a title, some figures): a row never breaks across pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from .components import Plain, header_word_widths, plain_cell
from .fonts import SANS, SANS_BOLD, fit, mixes_fonts, printable
from .markup import Paragraph, escape, para
from .rtl import visual
from .theme import HAIRLINE, INK, PRIMARY, RULE, SURFACE, Styles

PAD_X, PAD_TOP, PAD_BOTTOM = 5.0, 4.0, 5.0
PLAIN_SIZE = 8.5


@dataclass
class _Row:
    cells: list[Paragraph | Plain]
    height: float


class Ledger(Flowable):
    """Header plus rows; ``widths`` are fractions of the width it is given."""

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str | Plain]],
        widths: Sequence[float],
        align: Sequence[str] | None = None,
        *,
        _laid: tuple | None = None,
    ) -> None:
        super().__init__()
        self.header = list(header)
        self.source = rows
        self.shares = list(widths)
        self.align = list(align or ["LEFT"] * len(header))
        self._laid = _laid  # (width, column widths, header cells, header height, rows)

    # -- measuring --------------------------------------------------------------------

    def _layout(self, width: float) -> tuple:
        if self._laid is not None and self._laid[0] == width:
            return self._laid
        columns = header_word_widths(
            self.header, [share * width for share in self.shares], 2 * PAD_X
        )
        styles = {"RIGHT": Styles.head_right, "CENTER": Styles.head_centre}
        head = [
            Paragraph(escape(h), styles.get(a, Styles.head))
            for h, a in zip(self.header, self.align, strict=True)
        ]
        head_h = max(p.wrap(w - 2 * PAD_X, 10**6)[1] for p, w in zip(head, columns, strict=True))
        rows = [self._row(cells, columns) for cells in self.source]
        self._laid = (width, columns, head, head_h + PAD_TOP + PAD_BOTTOM, rows)
        return self._laid

    @staticmethod
    def _row(cells: Sequence[str | Plain], columns: Sequence[float]) -> _Row:
        laid: list[Paragraph | Plain] = []
        height = PLAIN_SIZE * 1.35
        for value, width in zip(cells, columns, strict=True):
            if isinstance(value, Plain):
                value = plain_cell(value, width, PLAIN_SIZE)
                if isinstance(value, Plain):
                    laid.append(value)
                    continue
                height = max(height, value.wrap(width - 2 * PAD_X, 10**6)[1])
                laid.append(value)
                continue
            text = printable(value)
            if not text.strip():
                laid.append(Plain(""))
                continue
            one_line = "\n" not in text and "\t" not in text and not mixes_fonts(text)
            if one_line and pdfmetrics.stringWidth(text, SANS, PLAIN_SIZE) <= width - 2 * PAD_X:
                laid.append(Plain(text))  # fits on its line: drawn with the row's other figures
                continue
            paragraph = para(value, Styles.cell)
            height = max(height, paragraph.wrap(width - 2 * PAD_X, 10**6)[1])
            laid.append(paragraph)
        return _Row(laid, height + PAD_TOP + PAD_BOTTOM)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _w, _cols, _head, head_h, rows = self._layout(avail_width)
        self.width = avail_width
        self.height = head_h + sum(r.height for r in rows)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        laid = self._layout(avail_width)
        used, count = laid[3], 0
        for row in laid[4]:
            if used + row.height > avail_height:
                break
            used, count = used + row.height, count + 1
        if count == 0:
            return []
        return [self._part(laid, 0, count), self._part(laid, count, len(laid[4]))]

    def _part(self, laid: tuple, first: int, last: int) -> Ledger:
        rows = laid[4][first:last]
        part = Ledger(
            self.header, self.source[first:last], self.shares, self.align, _laid=(*laid[:4], rows)
        )
        part._offset = getattr(self, "_offset", 0) + first  # keeps the zebra striping going
        return part

    # -- drawing ----------------------------------------------------------------------------

    def draw(self) -> None:
        canv = self.canv
        assert self._laid is not None  # reportlab wraps a flowable before drawing it
        _w, columns, head, head_h, rows = self._laid
        y = self.height
        canv.setFillColor(PRIMARY)
        canv.rect(0, y - head_h, self.width, head_h, stroke=0, fill=1)
        x = 0.0
        for cell, width in zip(head, columns, strict=True):
            cell.drawOn(canv, x + PAD_X, y - head_h + PAD_BOTTOM)
            x += width
        y -= head_h
        offset = getattr(self, "_offset", 0)
        canv.setLineWidth(0.4)
        canv.setStrokeColor(HAIRLINE)
        for index, row in enumerate(rows):
            if (offset + index) % 2:
                canv.setFillColor(SURFACE)
                canv.rect(0, y - row.height, self.width, row.height, stroke=0, fill=1)
            self._row_text(row, columns, y)
            y -= row.height
            canv.line(0, y, self.width, y)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.8)
        canv.line(0, y, self.width, y)

    def _row_text(self, row: _Row, columns: Sequence[float], top: float) -> None:
        """Paragraph cells draw themselves; the plain ones share one text object."""
        canv = self.canv
        text = canv.beginText()
        baseline = top - PAD_TOP - PLAIN_SIZE
        state: list[object] = [None, None]  # font and colour last set: set each only on change
        x = 0.0
        for cell, width, how in zip(row.cells, columns, self.align, strict=True):
            if isinstance(cell, Plain):
                if cell.text:
                    self._plain(text, state, cell, x, width, how, baseline)
            else:
                cell.drawOn(canv, x + PAD_X, top - PAD_TOP - cell.height)
            x += width
        canv.drawText(text)

    @staticmethod
    def _plain(
        text, state: list[object], cell: Plain, x: float, width: float, how: str, baseline: float
    ) -> None:
        value = printable(cell.text)
        if mixes_fonts(value):  # our own short texts are never CJK; shorten rather than misprint
            value = fit(value, width - 2 * PAD_X, PLAIN_SIZE)
        value = visual(value)
        font = SANS_BOLD if cell.bold else SANS
        how = cell.align if cell.align != "LEFT" else how
        if how == "LEFT":
            left = x + PAD_X
        else:
            drawn = pdfmetrics.stringWidth(value, font, PLAIN_SIZE)
            left = x + width - PAD_X - drawn if how == "RIGHT" else x + (width - drawn) / 2
        colour: Color = cell.colour or INK
        if state[1] is not colour:
            text.setFillColor(colour)
            state[1] = colour
        if state[0] != font:
            text.setFont(font, PLAIN_SIZE)
            state[0] = font
        text.setTextOrigin(left, baseline)
        text.textOut(value)
