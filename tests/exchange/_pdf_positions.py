"""Where each run of text lands on a PDF page, read back with pypdf, for layout tests.

pypdf's ``extract_text(visitor_text=...)`` reports a run at the start of its
line, not where it is drawn, and gives no width. This walks the page's content
stream instead (q/Q/cm, the text operators, Tj/TJ) and measures every glyph
with the widths the PDF itself declares, so a test sees the exact span of ink
each run takes, in the PDF's own units (points from the bottom-left corner).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Placed:
    """One shown string: its page, the x range of its glyphs (spaces at the ends left out)."""

    page: int
    x0: float
    x1: float
    y: float
    text: str
    page_width: float
    size: float


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m × n as PDF composes them (m applied first)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _point(m: Matrix, x: float, y: float = 0.0) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


class _Font:
    def __init__(self, font) -> None:
        first = int(font.get("/FirstChar", 0))
        self.widths = {first + i: float(w) for i, w in enumerate(font.get("/Widths", []))}
        self.unicode: dict[int, str] = {}
        if "/ToUnicode" in font:
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for code, target in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]+)>", cmap):
                self.unicode[int(code, 16)] = (
                    bytes.fromhex(target).decode("utf-16-be", "replace")
                    if len(target) % 4 == 0
                    else chr(int(target, 16))
                )


def _bytes(value) -> bytes:
    if isinstance(value, bytes):
        return value
    original = getattr(value, "get_original_bytes", None)
    return original() if original else str(value).encode("latin-1")


def placed_text(path: Path | str) -> list[Placed]:
    """Every shown string of every page, with where its glyphs start and end."""
    reader = PdfReader(str(path))
    out: list[Placed] = []
    for number, page in enumerate(reader.pages, start=1):
        out.extend(_page_runs(reader, number, page))
    return out


def _page_runs(reader: PdfReader, number: int, page) -> list[Placed]:
    """One page's runs. A function of its own so that ``show`` reads the text state
    as the content stream changes it, with no closure over a loop variable."""
    out: list[Placed] = []
    resources = page.get("/Resources") or {}
    fonts = {name: _Font(ref.get_object()) for name, ref in (resources.get("/Font") or {}).items()}
    width = float(page.mediabox.width)
    ctm, stack = IDENTITY, []
    tm = tlm = IDENTITY
    font, size, leading, char_space, word_space, scale = None, 0.0, 0.0, 0.0, 0.0, 1.0

    def show(data: bytes) -> None:
        nonlocal tm
        if font is None:
            return
        start = end = None
        text = []
        for code in data:
            ch = font.unicode.get(code, "")
            advance = (
                font.widths.get(code, 0.0) / 1000 * size
                + char_space
                + (word_space if code == 32 else 0.0)
            ) * scale
            x_from = _point(_times(tm, ctm), 0)[0]
            x_to = _point(_times(tm, ctm), advance)[0]
            if ch.strip():
                left, right = min(x_from, x_to), max(x_from, x_to)
                start = left if start is None else min(start, left)
                end = right if end is None else max(end, right)
            text.append(ch)
            tm = _times((1, 0, 0, 1, advance, 0), tm)
        if start is not None:
            y = _point(_times(tm, ctm), 0)[1]
            out.append(Placed(number, start, end, y, "".join(text), width, size))

    for operands, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else IDENTITY
        elif op == b"cm":
            ctm = _times(tuple(float(v) for v in operands), ctm)
        elif op == b"BT":
            tm = tlm = IDENTITY
        elif op == b"Tf":
            font, size = fonts.get(operands[0]), float(operands[1])
        elif op == b"TL":
            leading = float(operands[0])
        elif op == b"Tc":
            char_space = float(operands[0])
        elif op == b"Tw":
            word_space = float(operands[0])
        elif op == b"Tz":
            scale = float(operands[0]) / 100
        elif op in (b"Td", b"TD"):
            if op == b"TD":
                leading = -float(operands[1])
            tm = tlm = _times((1, 0, 0, 1, float(operands[0]), float(operands[1])), tlm)
        elif op == b"Tm":
            tm = tlm = tuple(float(v) for v in operands)
        elif op in (b"T*", b"'", b'"'):
            tm = tlm = _times((1, 0, 0, 1, 0, -leading), tlm)
            if op == b'"':
                word_space, char_space = float(operands[0]), float(operands[1])
            if op != b"T*":
                show(_bytes(operands[-1]))
        elif op == b"Tj":
            show(_bytes(operands[0]))
        elif op == b"TJ":
            for item in operands[0]:
                if isinstance(item, (int, float)) or hasattr(item, "as_numeric"):
                    shift = -float(item) / 1000 * size * scale
                    tm = _times((1, 0, 0, 1, shift, 0), tm)
                else:
                    show(_bytes(item))
    return out


def outside_margins(path: Path | str, margin: float) -> list[Placed]:
    """The runs that start left of the left margin or end right of the right margin."""
    return [
        p for p in placed_text(path) if p.x0 < margin - 0.5 or p.x1 > p.page_width - margin + 0.5
    ]


def _box(p: Placed) -> tuple[float, float, float, float]:
    """The ink a run covers: its glyphs' x range, from just below its baseline to its caps."""
    return p.x0, p.y - 0.2 * p.size, p.x1, p.y + 0.72 * p.size


def overlaps(path: Path | str, *, tolerance: float = 0.5) -> list[tuple[Placed, Placed]]:
    """Pairs of runs on one page whose ink overlaps by more than ``tolerance`` points."""
    found = []
    runs = placed_text(path)
    for index, a in enumerate(runs):
        ax0, ay0, ax1, ay1 = _box(a)
        for b in runs[index + 1 :]:
            if b.page != a.page:
                continue
            bx0, by0, bx1, by1 = _box(b)
            if (
                min(ax1, bx1) - max(ax0, bx0) > tolerance
                and min(ay1, by1) - max(ay0, by0) > tolerance
            ):
                found.append((a, b))
    return found
