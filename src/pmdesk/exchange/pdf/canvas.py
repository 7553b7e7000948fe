"""The canvas poster: each board on one large landscape page, laid out like its template.

Notes are cards in the board's own colours, placed in the shortest column of
their block; a crowded block sets its cards smaller, and only when even the
smallest size cannot hold them all does it say how many more there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak

from pmdesk.core.templates import TO_SORT, CanvasLayout, canvas_layout
from pmdesk.core.wording import plural, short_date
from pmdesk.store.models import CanvasBoard, CanvasNote
from pmdesk.store.services import CanvasService

from .components import note
from .job import Document, Job
from .markup import Paragraph, para
from .template import Heading
from .textdraw import draw_text
from .theme import FAINT, INK, MUTED, PRIMARY, RULE, WHITE, Styles, hex_colour, lighten

LABEL = "Canvas"
SECTIONS: dict[str, str] = {}
GAP = 6.0
CARD_MIN_WIDTH = 104.0
SIZES = (10.0, 9.0, 8.0, 7.2, 6.5, 5.8)
DEFAULT_NOTE = "#FFE066"


def make(job: Job) -> Document:
    job.page = job.options.page_size("A3", "landscape")
    job.describe(LABEL)
    service = job.service(CanvasService)
    boards = service.boards_of(job.subject.id)
    job.progress.step()
    story: list[Flowable] = []
    if not boards:
        story += [
            Heading(f"{job.subject.name} — canvas", 0, style=Styles.title),
            note("This product has no canvas yet."),
        ]
    for index, board in enumerate(boards):
        if index:
            story.append(PageBreak())
        layout = canvas_layout(board.template)
        notes = service.notes_of_board(board.id)
        story += [
            Heading(board.name, 0, style=Styles.h1),
            para(
                f"{layout.name} · {job.subject.name} · {plural(len(notes), 'note')} · "
                f"as of {short_date(job.options.on())}",
                Styles.small,
            ),
            BoardPoster(board, layout, notes),
        ]
        job.progress.step()
    return Document(story, page=job.page)


def note_colour(stored: str) -> Color:
    """A note's own colour when it is a valid #rrggbb, else the default yellow."""
    text = (stored or "").strip()
    try:
        return (
            hex_colour(text[:7])
            if len(text) in (7, 9) and text.startswith("#")
            else hex_colour(DEFAULT_NOTE)
        )
    except ValueError:
        return hex_colour(DEFAULT_NOTE)


@dataclass
class _Card:
    note: CanvasNote
    text: Paragraph
    height: float


class BoardPoster(Flowable):
    """The whole board, filling the rest of the page."""

    def __init__(
        self, board: CanvasBoard, layout: CanvasLayout, notes: Sequence[CanvasNote]
    ) -> None:
        super().__init__()
        self.board, self.layout, self.notes = board, layout, list(notes)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, avail_height - 4
        return self.width, self.height

    def draw(self) -> None:
        known = {b.key for b in self.layout.blocks}
        unsorted = [n for n in self.notes if n.block not in known or n.block == TO_SORT]
        strip = 70.0 if unsorted else 0.0
        top = self.height
        grid_h = top - 8 - (strip + GAP if strip else 0)
        col_w = (self.width - GAP * (self.layout.columns - 1)) / self.layout.columns
        row_h = (grid_h - GAP * (self.layout.rows - 1)) / self.layout.rows
        for block in self.layout.blocks:
            x = block.col * (col_w + GAP)
            w = block.colspan * col_w + (block.colspan - 1) * GAP
            h = block.rowspan * row_h + (block.rowspan - 1) * GAP
            y = top - 8 - block.row * (row_h + GAP) - h
            mine = sorted(
                (n for n in self.notes if n.block == block.key), key=lambda n: (n.position, n.id)
            )
            self._block(x, y, w, h, block.title, block.prompt, mine)
        if unsorted:
            self._block(
                0, 0, self.width, strip, "To sort", "Notes not yet placed in a block", unsorted
            )

    def _block(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        title: str,
        prompt: str,
        notes: list[CanvasNote],
    ) -> None:
        canv = self.canv
        canv.setFillColor(WHITE)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.8)
        canv.roundRect(x, y, w, h, 4, stroke=1, fill=1)
        canv.setFillColor(PRIMARY)
        canv.rect(x + 0.4, y + h - 3.4, w - 0.8, 3, stroke=0, fill=1)
        draw_text(
            canv, x + 9, y + h - 17, title.upper(), 8.5, bold=True, colour=PRIMARY, max_width=w - 44
        )
        if notes:
            draw_text(
                canv,
                x + w - 9,
                y + h - 17,
                str(len(notes)),
                8.5,
                bold=True,
                anchor="end",
                colour=FAINT,
            )
        draw_text(canv, x + 9, y + h - 28, prompt, 6.5, colour=MUTED, max_width=w - 18)
        self._cards(x + 8, y + 8, w - 16, h - 42, notes)

    def _cards(self, x: float, y: float, w: float, h: float, notes: list[CanvasNote]) -> None:
        if not notes or h <= 10:
            return
        columns = max(1, int((w + GAP) // (CARD_MIN_WIDTH + GAP)))
        card_w = (w - GAP * (columns - 1)) / columns
        for size in SIZES:
            cards = [self._card(n, card_w, size) for n in notes]
            placed, hidden = _masonry(cards, columns, h)
            if not hidden:
                break
        for card, column, offset in placed:
            self._draw_card(card, x + column * (card_w + GAP), y + h - offset - card.height, card_w)
        if hidden:
            draw_text(
                self.canv,
                x + w,
                y - 4,
                f"+ {hidden} more",
                6.5,
                bold=True,
                anchor="end",
                colour=MUTED,
            )

    def _card(self, n: CanvasNote, width: float, size: float) -> _Card:
        style = ParagraphStyle(
            f"note-{size}",
            parent=Styles.body_tight,
            fontSize=size,
            leading=size * 1.28,
            textColor=INK,
        )
        text = para(n.text, style)
        badge = 14 if n.votes else 0
        _w, height = text.wrap(width - 10 - badge, 10_000)
        return _Card(n, text, height + 9)

    def _draw_card(self, card: _Card, x: float, y: float, width: float) -> None:
        canv = self.canv
        colour = note_colour(card.note.colour)
        canv.setFillColor(lighten(INK, 0.86))
        canv.roundRect(x + 0.8, y - 0.8, width, card.height, 2.5, stroke=0, fill=1)
        canv.setFillColor(colour)
        canv.roundRect(x, y, width, card.height, 2.5, stroke=0, fill=1)
        card.text.drawOn(canv, x + 5, y + 4.5)
        if card.note.votes:
            canv.setFillColor(PRIMARY)
            canv.circle(x + width - 8, y + card.height - 8, 5.5, stroke=0, fill=1)
            draw_text(
                canv,
                x + width - 8,
                y + card.height - 10.3,
                str(card.note.votes),
                6.5,
                bold=True,
                anchor="middle",
                colour=WHITE,
            )


def _masonry(cards: list[_Card], columns: int, height: float) -> tuple[list, int]:
    """Put each card in the shortest column; count the cards that do not fit."""
    tops = [0.0] * columns
    placed, hidden = [], 0
    for card in cards:
        column = min(range(columns), key=lambda c: tops[c])
        if tops[column] + card.height > height:
            hidden += 1
            continue
        placed.append((card, column, tops[column]))
        tops[column] += card.height + GAP / 1.5
    return placed, hidden
