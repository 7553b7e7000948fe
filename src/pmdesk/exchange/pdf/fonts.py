"""The fonts every PDF embeds, and which of them prints each character.

reportlab draws a run of text in one font, and a font without a glyph prints
an empty box (or nothing). So text is first made *printable* — one rule,
applied everywhere: invisible emoji joiners and selectors are dropped, and a
character no shipped font has is replaced by ``MISSING`` (a white square) —
then split into runs: DejaVu Sans for Latin, Greek and Cyrillic, Droid Sans
Fallback for Chinese, Japanese and Korean. Both are TrueType outline fonts
from ``resources/fonts`` and are embedded (subset) in every PDF.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from pmdesk.paths import resource_path

SANS = "PmSans"
SANS_BOLD = "PmSans-Bold"
CJK = "PmCJK"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallback.ttf",
}

# What a character no shipped font can draw becomes (DejaVu has it).
MISSING = "\u25a1"

# Parts of emoji sequences and formatting marks that have no glyph of their own:
# variation selectors, zero-width joiners and spaces, skin tones, tag characters.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff\U0001f3fb-\U0001f3ff\U000e0000-\U000e007f]"
)
# C0/C1 controls other than tab and newline: never meaningful on paper.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile("\r\n|[\r\u2028\u2029\x85]")

_lock = threading.Lock()


@dataclass(frozen=True)
class Coverage:
    """The characters each font family can draw."""

    sans: frozenset[int]
    cjk: frozenset[int]


def _load(name: str) -> TTFont:
    return TTFont(name, str(resource_path("fonts", _FILES[name])))


@cache
def register() -> Coverage:
    """Register the shipped fonts with reportlab once per process (thread-safe)."""
    with _lock:
        fonts = {}
        for name in (SANS, SANS_BOLD, CJK):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(_load(name))
            fonts[name] = pdfmetrics.getFont(name)
        for bold in (0, 1):  # no italic face is shipped: italic falls back to upright
            for italic in (0, 1):
                addMapping(SANS, bold, italic, SANS_BOLD if bold else SANS)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(CJK, bold, italic, CJK)
        # Process-wide reportlab defaults (pmdesk is its only user in the process):
        # graphics start every Drawing by selecting this font (left at Helvetica,
        # each PDF would name a font it does not embed), and page streams are
        # compressed binary rather than also ASCII85-encoded (a quarter smaller,
        # and encoding them was a tenth of the time of a long specification).
        STATE_DEFAULTS["fontName"] = SANS
        rl_config.useA85 = 0
        sans = set(fonts[SANS].face.charToGlyph) & set(fonts[SANS_BOLD].face.charToGlyph)
        cjk = set(fonts[CJK].face.charToGlyph) - sans
        return Coverage(frozenset(sans), frozenset(cjk))


def printable(text: object) -> str:
    """``text`` as it will print: NFC, one kind of newline, every character drawable.

    Decomposed accents are composed (so "é" is one glyph), controls and emoji
    joiners disappear, and any character neither font has becomes ``MISSING`` —
    so an emoji reads as one square and never breaks an export.
    """
    value = "" if text is None else str(text)
    if value.isascii():
        return _CONTROL.sub("", _NEWLINES.sub("\n", value))
    value = unicodedata.normalize("NFC", _NEWLINES.sub("\n", value.encode("utf-16", "surrogatepass")
                                                       .decode("utf-16", "replace")))
    value = _CONTROL.sub("", _INVISIBLE.sub("", value))
    cover = register()
    if all(ord(ch) in cover.sans or ch in "\t\n" for ch in value):
        return value
    return "".join(
        ch if ch in "\t\n" or ord(ch) in cover.sans or ord(ch) in cover.cjk else MISSING
        for ch in value
    )


def runs(text: str) -> Iterator[tuple[bool, str]]:
    """Split printable text into (is_cjk, chunk) runs, in order."""
    if text.isascii():
        if text:
            yield False, text
        return
    cjk = register().cjk
    start = 0
    current = ord(text[0]) in cjk if text else False
    for index, ch in enumerate(text):
        is_cjk = ord(ch) in cjk
        if is_cjk != current:
            yield current, text[start:index]
            start, current = index, is_cjk
    if start < len(text):
        yield current, text[start:]


def has_cjk(text: str) -> bool:
    if text.isascii():
        return False
    cjk = register().cjk
    return any(ord(ch) in cjk for ch in text)


def font_for(is_cjk: bool, bold: bool) -> str:
    if is_cjk:
        return CJK
    return SANS_BOLD if bold else SANS


def string_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of printable ``text`` drawn with the per-run fonts."""
    return sum(
        pdfmetrics.stringWidth(chunk, font_for(is_cjk, bold), size) for is_cjk, chunk in runs(text)
    )


def fit(text: str, width: float, size: float, bold: bool = False) -> str:
    """Printable ``text`` on one line, shortened with an ellipsis to fit ``width`` points."""
    line = printable(text).replace("\n", " ").replace("\t", " ")
    if string_width(line, size, bold) <= width:
        return line
    ellipsis = "…"
    room = width - string_width(ellipsis, size, bold)
    if room <= 0:
        return ""
    low, high = 0, len(line)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        if string_width(line[:middle], size, bold) <= room:
            low = middle
        else:
            high = middle - 1
    return line[:low].rstrip() + ellipsis if low else ""
