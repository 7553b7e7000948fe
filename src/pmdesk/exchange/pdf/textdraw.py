"""Drawing one line of user text outside Paragraphs: on a canvas or as graphics shapes.

Paragraphs switch fonts through markup; a canvas or a ``Drawing`` needs one
call or one String per font run. Both helpers take raw user text, make it
printable, put it in display order (Hebrew and Arabic read right to left) and
place the runs side by side so CJK, emoji and Latin mix on one line. Wrapping
(``wrap_lines``) works on logical text; each line is reordered when drawn.
"""

from __future__ import annotations

from reportlab.graphics.shapes import String
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics

from .fonts import fit, fitting_prefix, font_for, printable, runs, string_width
from .rtl import visual


def _start_x(x: float, width: float, anchor: str) -> float:
    if anchor == "middle":
        return x - width / 2
    if anchor == "end":
        return x - width
    return x


def _line(text: str, size: float, bold: bool, max_width: float | None) -> str:
    """The line as drawn: printable, shortened to ``max_width``, then in display order."""
    if max_width is not None:
        return visual(fit(text, max_width, size, bold))
    return visual(printable(text).replace("\n", " ").replace("\t", " "))


def draw_text(
    canv,
    x: float,
    y: float,
    text: object,
    size: float,
    *,
    bold: bool = False,
    anchor: str = "start",
    colour: Color | None = None,
    max_width: float | None = None,
) -> float:
    """Draw ``text`` on one line at baseline ``y``; returns the width drawn."""
    line = _line(str(text), size, bold, max_width)
    width = string_width(line, size, bold)
    cursor = _start_x(x, width, anchor)
    if colour is not None:
        canv.setFillColor(colour)
    for kind, chunk in runs(line):
        font = font_for(kind, bold)
        canv.setFont(font, size)
        canv.drawString(cursor, y, chunk)
        cursor += pdfmetrics.stringWidth(chunk, font, size)
    return width


def text_shapes(
    x: float,
    y: float,
    text: object,
    size: float,
    *,
    bold: bool = False,
    anchor: str = "start",
    colour: Color | None = None,
    max_width: float | None = None,
) -> list[String]:
    """The same line as graphics Strings for a ``Drawing`` (one per font run)."""
    line = _line(str(text), size, bold, max_width)
    cursor = _start_x(x, string_width(line, size, bold), anchor)
    shapes = []
    for kind, chunk in runs(line):
        font = font_for(kind, bold)
        shapes.append(String(cursor, y, chunk, fontName=font, fontSize=size, fillColor=colour))
        cursor += pdfmetrics.stringWidth(chunk, font, size)
    return shapes


def wrap_lines(
    text: object, width: float, size: float, *, bold: bool = False, max_lines: int = 2
) -> list[str]:
    """Printable ``text`` broken at spaces into at most ``max_lines`` lines of ``width``.

    The last line is shortened with an ellipsis when text remains; a word wider
    than the line breaks inside itself and goes on on the next line. For labels
    inside charts, where Paragraphs cannot go. Lines are in logical order: each
    is put in display order when drawn.
    """
    words = printable(text).replace("\n", " ").split()
    lines: list[str] = []
    current = ""
    index = 0
    joined = " "  # what stood between the last line and the words left: a space, or none
    while index < len(words) and len(lines) < max_lines:
        candidate = f"{current} {words[index]}".strip()
        if string_width(candidate, size, bold) <= width:
            current, index, joined = candidate, index + 1, " "
            continue
        if not current:  # one word wider than the line: break inside it
            cut = max(1, fitting_prefix(words[index], width, size, bold))
            current, words[index], joined = words[index][:cut], words[index][cut:], ""
            if not words[index]:
                index, joined = index + 1, " "
        lines.append(current)
        current = ""
    if current and len(lines) < max_lines:
        lines.append(current)
    if index < len(words) and lines:
        rest = lines[-1] + joined + " ".join(words[index:])
        lines[-1] = fit(rest, width, size, bold)
    return lines
