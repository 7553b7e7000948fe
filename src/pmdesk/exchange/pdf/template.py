"""The page template every PDF shares: header, footer with "page x of y", bookmarks, contents.

The whole document is laid out once. Pages are kept until the end (the canvas
knows the page count only then), so the footer's "of y" and the contents'
page numbers are drawn last, onto pages already laid out — one pass instead
of reportlab's usual two-pass ``multiBuild``, which halves the time of a long
specification.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
)

from pmdesk.core.wording import long_date, plural

from .fonts import MISSING, SANS, SANS_BOLD, missing_characters, printable, string_width
from .markup import Paragraph, escape, para
from .options import Progress
from .textdraw import draw_text
from .theme import BAD, FAINT, MUTED, RULE, SPACING, Styles

COVER, BODY, WIDE, BARE = "cover", "body", "wide", "bare"


@dataclass
class DocumentInfo:
    """What the pages say about the document, and what its metadata says."""

    kind_label: str  # "Product specification"
    subject_name: str  # the product, or the portfolio
    author: str = ""
    organisation: str = ""
    confidentiality: str = ""
    generated: dt.date = field(default_factory=dt.date.today)
    keywords: str = ""
    stamp: str = ""  # not the plan as it stands: a moment or a what-if scenario (PdfOptions)

    @property
    def title(self) -> str:
        return f"{self.subject_name} — {self.kind_label}" if self.subject_name else self.kind_label


class Heading(Paragraph):
    """A heading that becomes a PDF bookmark, an outline entry and (optionally) a contents line."""

    _keys = itertools.count(1)

    def __init__(self, text: str, level: int, *, contents: bool = True, style=None) -> None:
        style = style or (Styles.h1, Styles.h2, Styles.h3)[min(level, 2)]
        self.plain = " ".join(printable(text).split())
        self.markup = escape(text, keep_newlines=False)
        self.level = level
        self.in_contents = contents
        self.key = f"h{next(self._keys)}"
        super().__init__(self.markup, style)

    def draw(self) -> None:
        super().draw()
        self.canv.bookmarkHorizontal(self.key, 0, self.height + 6)


class Numbering:
    """Section numbers as a specification has them: 1, 1.1, 1.2, 2 ..."""

    def __init__(self) -> None:
        self.major = 0
        self.minor = 0

    def heading(self, title: str) -> Heading:
        self.major += 1
        self.minor = 0
        return Heading(f"{self.major}\u2002{title}", 0)

    def sub(self, title: str) -> Heading:
        self.minor += 1
        return Heading(f"{self.major}.{self.minor}\u2002{title}", 1)


class Contents(Flowable):
    """The contents: entries drawn where they fall, page numbers filled in at the end."""

    NUMBER_WIDTH = 36.0

    def __init__(self, entries: Sequence[Heading], pages: dict[str, int]) -> None:
        super().__init__()
        self.entries = list(entries)
        self.pages = pages
        self._laid: list[tuple[Heading, Paragraph, float]] = []

    def _paragraphs(self, width: float) -> list[tuple[Heading, Paragraph, float]]:
        laid = []
        for heading in self.entries:
            style = Styles.toc0 if heading.level == 0 else Styles.toc1
            text = para(None, style, markup=heading.markup)
            _w, h = text.wrap(width - self.NUMBER_WIDTH - style.leftIndent, 10_000)
            laid.append((heading, text, h + style.spaceBefore))
        return laid

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self._laid = self._paragraphs(avail_width)
        self.height = sum(h for *_rest, h in self._laid)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        laid = self._paragraphs(avail_width)
        used, count = 0.0, 0
        for *_rest, h in laid:
            if used + h > avail_height:
                break
            used, count = used + h, count + 1
        if count == 0 or count == len(laid):
            return []
        head, tail = self.entries[:count], self.entries[count:]
        return [Contents(head, self.pages), Contents(tail, self.pages)]

    def draw(self) -> None:
        canv = self.canv
        y = self.height
        fills = []
        for heading, text, h in self._laid:
            style = text.style
            y -= h
            left = style.leftIndent
            text.drawOn(canv, left, y)
            x0, y0 = canv.absolutePosition(left, y)
            x1, y1 = canv.absolutePosition(self.width, y + h - style.spaceBefore)
            canv.linkRect("", heading.key, (x0, y0, x1, y1), relative=0, thickness=0)
            line_end = left + _last_line_width(text)
            fills.append((heading, x0 - left, y0, line_end, style))
        page = canv.getPageNumber()
        canv.defer(page, functools.partial(self._numbers, fills, self.width))

    def _numbers(self, fills, width: float, canv: Canvas) -> None:
        for heading, origin_x, baseline_y, line_end, style in fills:
            number = str(self.pages.get(heading.key, ""))
            y = baseline_y + style.leading - style.fontSize
            right = origin_x + width
            bold = style.fontName == SANS_BOLD
            draw_text(
                canv,
                right,
                y,
                number,
                style.fontSize,
                bold=bold,
                anchor="end",
                colour=style.textColor,
            )
            canv.setStrokeColor(RULE)
            canv.setDash(0.6, 2.4)
            canv.setLineWidth(0.8)
            canv.line(origin_x + line_end + 6, y + 1, right - self.NUMBER_WIDTH + 10, y + 1)
            canv.setDash()


def _last_line_width(text: Paragraph) -> float:
    """How far the last line of a wrapped Paragraph reaches (where the dot leader starts)."""
    lines = text.blPara.lines
    if not lines:
        return 0.0
    line = lines[-1]
    width = getattr(line, "currentWidth", None)
    if width is not None:
        return float(width)
    extra_space = line[0] if isinstance(line, tuple) else 0.0
    return float(text.width - extra_space)


def missing_note(missing: frozenset[str]) -> str:
    """The footer line saying which characters no embedded font has and print as □.

    A reader must not take "□" for the author's text; naming the characters
    (as code points, since they cannot be printed) lets them look them up.
    """
    if not missing:
        return ""
    codes = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(missing)[:6])
    more = "…" if len(missing) > 6 else ""
    return (
        f"{MISSING} marks {plural(len(missing), 'character')} the embedded fonts cannot "
        f"print ({codes}{more})"
    )


class PageCountingCanvas(Canvas):
    """Keeps every page until ``save``: then it knows the count and draws header and footer."""

    def __init__(self, *args, info: DocumentInfo, **kwargs) -> None:
        kwargs["initialFontName"] = SANS
        super().__init__(*args, **kwargs)
        self.info = info
        self._kept: list[dict] = []
        self._deferred: dict[int, list[Callable[[Canvas], None]]] = {}
        self.page_style = BODY

    def defer(self, page: int, draw: Callable[[Canvas], None]) -> None:
        """Draw on ``page`` once the document is complete (page numbers are known)."""
        self._deferred.setdefault(page, []).append(draw)

    def showPage(self) -> None:
        self._kept.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._kept)
        note = missing_note(missing_characters())  # all text is printable by now
        for number, state in enumerate(self._kept, start=1):
            self.__dict__.update(state)
            for draw in self._deferred.get(number, ()):
                draw(self)
            if self.page_style in (BODY, WIDE):
                self._furniture(number, total, note)
            Canvas.showPage(self)
        Canvas.save(self)

    def _furniture(self, number: int, total: int, note: str = "") -> None:
        width, height = self._pagesize
        info, margin = self.info, SPACING.margin
        top = height - margin + 20
        self.saveState()
        room = width - 2 * margin  # the label on the right first: the name takes what is left
        if info.confidentiality:
            room -= (
                draw_text(
                    self,
                    width - margin,
                    top,
                    info.confidentiality.upper(),
                    7.5,
                    bold=True,
                    anchor="end",
                    colour=BAD,
                    max_width=width * 0.4,
                )
                + 12
            )
        kind = f"·  {info.kind_label}"
        kind_width = min(string_width(printable(kind), 7.5), room / 2)
        left = draw_text(
            self,
            margin,
            top,
            info.subject_name,
            7.5,
            bold=True,
            colour=MUTED,
            max_width=min(width * 0.45, room - kind_width - 6),
        )
        draw_text(self, margin + left + 6, top, kind, 7.5, colour=MUTED, max_width=room - left - 6)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.6)
        self.line(margin, top - 6, width - margin, top - 6)
        bottom = margin - 26
        self.line(margin, bottom + 11, width - margin, bottom + 11)
        made = f"{info.organisation}  ·  " if info.organisation else ""
        draw_text(
            self,
            margin,
            bottom,
            f"{made}As of {long_date(info.generated)}"
            + (f"  ·  {info.stamp}" if info.stamp else ""),
            7,
            colour=FAINT,
            max_width=width * 0.6,
        )
        draw_text(
            self,
            width - margin,
            bottom,
            f"Page {number} of {total}",
            7.5,
            bold=True,
            anchor="end",
            colour=MUTED,
        )
        if note:
            draw_text(
                self, margin, bottom - 10, note, 6.5, colour=FAINT, max_width=width - 2 * margin
            )
        self.restoreState()


def _frame(page: tuple[float, float], *, bare: bool = False, fid: str = "f") -> Frame:
    width, height = page
    margin = 28.0 if bare else SPACING.margin
    top_gap = margin if bare else margin + 12
    return Frame(
        margin,
        margin,
        width - 2 * margin,
        height - margin - top_gap,
        id=fid,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def _marker(style: str):
    def on_page(canv, _doc) -> None:
        canv.page_style = style

    return on_page


class PmDocTemplate(BaseDocTemplate):
    """Pages for our documents: a cover, body pages, wide (landscape) pages and bare posters."""

    def __init__(
        self,
        filename: str,
        page: tuple[float, float],
        info: DocumentInfo,
        progress: Progress,
        *,
        cover: bool = False,
        bare: bool = False,
    ) -> None:
        from pmdesk import __version__

        super().__init__(
            filename,
            pagesize=page,
            title=info.title,
            author=info.author,
            subject=info.kind_label,
            creator=f"pmdesk {__version__}",
            keywords=info.keywords,
            leftMargin=SPACING.margin,
            rightMargin=SPACING.margin,
            topMargin=SPACING.margin,
            bottomMargin=SPACING.margin,
            initialFontName=SANS,
            lang="en",
        )
        self.info = info
        self.progress = progress
        self.pages: dict[str, int] = {}
        wide = (max(page), min(page))
        templates = []
        if cover:
            full = Frame(
                0,
                0,
                page[0],
                page[1],
                id="cover",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            templates.append(PageTemplate(COVER, [full], onPage=_marker(COVER), pagesize=page))
        templates += [
            PageTemplate(
                BODY, [_frame(page)], onPage=_marker(BARE if bare else BODY), pagesize=page
            ),
            PageTemplate(WIDE, [_frame(wide, fid="w")], onPage=_marker(WIDE), pagesize=wide),
            PageTemplate(
                BARE, [_frame(page, bare=True, fid="b")], onPage=_marker(BARE), pagesize=page
            ),
        ]
        self.addPageTemplates(templates)

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self.pages[flowable.key] = self.page
            self.canv.addOutlineEntry(
                flowable.plain or "—", flowable.key, flowable.level, closed=flowable.level > 0
            )
        self.progress.step()


def build(
    path: Path,
    story: list[Flowable],
    page: tuple[float, float],
    info: DocumentInfo,
    progress: Progress,
    *,
    cover: bool = False,
    bare: bool = False,
) -> int:
    """Lay out ``story`` into ``path``; returns the page count."""
    doc = PmDocTemplate(str(path), page, info, progress, cover=cover, bare=bare)
    story = with_heading_room(story, page)
    for flowable in story:
        if isinstance(flowable, Contents):
            flowable.pages = doc.pages
    progress.expect(len(story))
    maker = functools.partial(PageCountingCanvas, info=info)
    doc.build(story, canvasmaker=maker)
    return doc.page


def with_heading_room(story: Sequence[Flowable], page: tuple[float, float]) -> list[Flowable]:
    """A heading never ends a page: each asks for room for itself and what follows.

    A main section starts on a new page when less than a third of one is left,
    a subsection when there is no room for a few lines under it.
    """
    out: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, Heading):
            room = page[1] * 0.3 if flowable.level == 0 else 110.0
            out.append(CondPageBreak(room))
        out.append(flowable)
    return out


def contents_for(story: Sequence[Flowable]) -> list[Heading]:
    """The headings of ``story`` that belong in its contents, in order."""
    return [f for f in story if isinstance(f, Heading) and f.in_contents]
