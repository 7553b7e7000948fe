"""The fonts every PDF embeds, and which of them prints each character.

reportlab draws a run of text in one font, and a font without a glyph prints
an empty box (or nothing). So text is first made *printable* — one rule,
applied everywhere: invisible emoji joiners and selectors are dropped, and a
character no shipped font has is replaced by ``MISSING`` (a white square) —
then split into runs: DejaVu Sans for Latin, Greek and Cyrillic, Droid Sans
Fallback for Chinese, Japanese and Korean, Symbola for emoji and symbols
(monochrome outlines: colour emoji fonts are bitmaps that PDFs cannot embed
as text). All are TrueType outline fonts from ``resources/fonts`` and are
embedded (subset) in every PDF. The characters replaced by ``MISSING`` while
an export runs are remembered, so its footer can say that □ stands for them.
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
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from pmdesk.paths import resource_path

from .rtl import shape

SANS = "PmSans"
SANS_BOLD = "PmSans-Bold"
CJK = "PmCJK"
EMOJI = "PmEmoji"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallback.ttf",
    EMOJI: "Symbola.ttf",
}

# The kinds of run ``runs`` splits text into; each prints in its own font.
LATIN, HAN, SYMBOL = "sans", "cjk", "emoji"

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
    emoji: frozenset[int]


def _load(name: str) -> TTFont:
    return TTFont(name, str(resource_path("fonts", _FILES[name])))


@cache
def register() -> Coverage:
    """Register the shipped fonts with reportlab once per process (thread-safe)."""
    with _lock:
        fonts = {}
        for name in (SANS, SANS_BOLD, CJK, EMOJI):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(_load(name))
            fonts[name] = pdfmetrics.getFont(name)
        for bold in (0, 1):  # no italic face is shipped: italic falls back to upright
            for italic in (0, 1):
                addMapping(SANS, bold, italic, SANS_BOLD if bold else SANS)
        for face in (CJK, EMOJI):  # one face each: bold and italic print upright
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(face, bold, italic, face)
        # Process-wide reportlab defaults (pmdesk is its only user in the process):
        # graphics start every Drawing by selecting this font (left at Helvetica,
        # each PDF would name a font it does not embed), and page streams are
        # compressed binary rather than also ASCII85-encoded (a quarter smaller,
        # and encoding them was a tenth of the time of a long specification).
        STATE_DEFAULTS["fontName"] = SANS
        rl_config.useA85 = 0
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        sans = set(fonts[SANS].face.charToGlyph) & set(fonts[SANS_BOLD].face.charToGlyph)
        cjk = set(fonts[CJK].face.charToGlyph) - sans
        emoji = set(fonts[EMOJI].face.charToGlyph) - sans - cjk
        return Coverage(frozenset(sans), frozenset(cjk), frozenset(emoji))


_REPORTLAB_CMAP = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode map, with characters beyond U+FFFF (emoji) as UTF-16 pairs.

    reportlab writes U+1F680 as ``<1F680>``, which readers reject, so copying 🚀
    out of a PDF gave a wrong character; the PDF standard wants ``<D83DDE80>``.
    """
    cmap = _REPORTLAB_CMAP(fontname, subset)
    for index, code in enumerate(subset):
        if code > 0xFFFF:
            pair = chr(code).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{pair}>", 1)
    return cmap


_seen = threading.local()  # per export: each runs in its own thread, or one after another


def track_missing() -> None:
    """Start remembering, in this thread, the characters ``printable`` replaces."""
    _seen.missing = set()


def missing_characters() -> frozenset[str]:
    """The characters replaced by ``MISSING`` in this thread since ``track_missing``."""
    return frozenset(getattr(_seen, "missing", None) or ())


def printable(text: object) -> str:
    """``text`` as it will print: NFC, one kind of newline, every character drawable.

    Decomposed accents are composed (so "é" is one glyph), controls and emoji
    joiners disappear, Arabic letters take their joined forms (``rtl.shape``;
    the order stays logical), and any character no font has becomes ``MISSING`` — so
    an emoji newer than Symbola reads as one square and never breaks an export.
    """
    value = "" if text is None else str(text)
    if value.isascii():
        return _CONTROL.sub("", _NEWLINES.sub("\n", value))
    value = unicodedata.normalize(
        "NFC",
        _NEWLINES.sub("\n", value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")),
    )
    value = _CONTROL.sub("", _INVISIBLE.sub("", value))
    cover = register()
    value = shape(value, cover.sans)  # joined Arabic letters measure as they print
    if all(ord(ch) in cover.sans or ch in "\t\n" for ch in value):
        return value
    out = []
    for ch in value:
        code = ord(ch)
        if ch in "\t\n" or code in cover.sans or code in cover.cjk or code in cover.emoji:
            out.append(ch)
        else:
            out.append(MISSING)
            missing = getattr(_seen, "missing", None)
            if missing is not None:
                missing.add(ch)
    return "".join(out)


def _kind(ch: str, cover: Coverage) -> str:
    code = ord(ch)
    if code in cover.cjk:
        return HAN
    return SYMBOL if code in cover.emoji else LATIN


def runs(text: str) -> Iterator[tuple[str, str]]:
    """Split printable text into (kind, chunk) runs, in order: LATIN, HAN or SYMBOL."""
    if text.isascii():
        if text:
            yield LATIN, text
        return
    cover = register()
    start = 0
    current = _kind(text[0], cover) if text else LATIN
    for index, ch in enumerate(text):
        kind = _kind(ch, cover)
        if kind != current:
            yield current, text[start:index]
            start, current = index, kind
    if start < len(text):
        yield current, text[start:]


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds CJK, which wraps between any two characters."""
    if text.isascii():
        return False
    cjk = register().cjk
    return any(ord(ch) in cjk for ch in text)


def mixes_fonts(text: str) -> bool:
    """Whether printable ``text`` needs a font other than DejaVu Sans (CJK or emoji)."""
    if text.isascii():
        return False
    cover = register()
    return any(ord(ch) in cover.cjk or ord(ch) in cover.emoji for ch in text)


def font_for(kind: str, bold: bool) -> str:
    """The font a run of ``kind`` (from ``runs``) prints in."""
    if kind == HAN:
        return CJK
    if kind == SYMBOL:
        return EMOJI
    return SANS_BOLD if bold else SANS


def string_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of printable ``text`` drawn with the per-run fonts."""
    return sum(
        pdfmetrics.stringWidth(chunk, font_for(kind, bold), size) for kind, chunk in runs(text)
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
    low = fitting_prefix(line, room, size, bold)
    return line[:low].rstrip() + ellipsis if low else ""


def fitting_prefix(text: str, width: float, size: float, bold: bool = False) -> int:
    """How many characters of printable ``text`` fit in ``width`` points."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if string_width(text[:middle], size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return low
