"""Hebrew and Arabic on paper: letters joined, and every line in reading order.

reportlab draws the characters of a string left to right, one glyph each, in
the order they are stored: Hebrew came out backwards and Arabic letters stood
apart, unjoined. Two steps put that right, each where text passes anyway:

- :func:`shape`, inside ``fonts.printable``: Arabic letters become their joined
  presentation forms (U+FBxx–U+FExx, which DejaVu Sans has), still in logical
  order, so every width measured for wrapping is the printed width;
- :func:`visual` and :class:`Paragraph`, at drawing time: each line, *after*
  wrapping, is put in display order by the Unicode bidirectional algorithm,
  with the direction of its whole paragraph — wrapping the reordered paragraph
  would put its end on the first line.

Text without a right-to-left character is left exactly as it was (and costs
one regular-expression search).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import arabic_reshaper
from arabic_reshaper.letters import LETTERS_ARABIC
from arabic_reshaper.ligatures import LIGATURES
from bidi import algorithm, get_base_level, get_display
from bidi.mirror import MIRRORED
from reportlab.platypus import Paragraph as _ReportlabParagraph

# Hebrew, Arabic, Syriac, Thaana, NKo ... and both blocks of presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def has_rtl(text: str) -> bool:
    return not text.isascii() and _RTL.search(text) is not None


@cache
def _reshaper(covered: frozenset[int]) -> tuple[arabic_reshaper.ArabicReshaper, dict[int, str]]:
    """A reshaper making only the forms and ligatures the font has, and a way back for the rest.

    A letter whose joined form the font lacks (a few Urdu and Kurdish ones)
    prints as the plain letter rather than as a missing-glyph square.
    """
    config: dict[str, bool] = {}
    for name, (_match, forms) in LIGATURES:
        config[name] = all(ord(f) in covered for f in forms if f)
    reshaper = arabic_reshaper.ArabicReshaper(configuration=config)
    back = {
        ord(form): letter
        for letter, forms in LETTERS_ARABIC.items()
        for form in forms
        if form and ord(form) not in covered and form != letter
    }
    return reshaper, back


def shape(text: str, covered: frozenset[int]) -> str:
    """``text`` with Arabic letters in their joined forms (order unchanged)."""
    if text.isascii() or _ARABIC.search(text) is None:
        return text
    reshaper, back = _reshaper(covered)
    return reshaper.reshape(text).translate(back)


def direction(text: str) -> int:
    """0 for a paragraph that reads left to right, 1 for one whose first letter is RTL."""
    return get_base_level(text) if has_rtl(text) else 0


def order(line: str, base: int) -> list[tuple[int, str]]:
    """(logical index, character) of one line in display order, mirrored where it runs RTL.

    Levels come from python-bidi's implementation of the current algorithm
    (it pairs brackets, so "שם (2)" keeps "(2)" whole); it returns only the
    reordered string, so its levels are read from its debug report and the
    line rules (L1, L2, L4) applied here — that keeps each character's index,
    which runs in several fonts or styles need. Should the report ever not
    parse, the package's older reference algorithm gives the order.
    """
    found = _levels(line, base)
    if found is None:
        return _reference_order(line, base)
    levels = list(found)
    end = len(line)
    while end and (line[end - 1].isspace() or line[end - 1] in "\u2066\u2067\u2068\u2069"):
        end -= 1  # L1: trailing white space takes the paragraph's level
    for index in range(end, len(line)):
        levels[index] = base
    indices = list(range(len(line)))
    odd = [level for level in levels if level % 2]
    for level in range(max(levels, default=0), min(odd, default=1 << 8) - 1, -1):  # L2
        start = None
        for position in range(len(indices) + 1):
            inside = position < len(indices) and levels[indices[position]] >= level
            if inside and start is None:
                start = position
            elif not inside and start is not None:
                indices[start:position] = indices[start:position][::-1]
                start = None
    return [(i, MIRRORED.get(line[i], line[i]) if levels[i] % 2 else line[i]) for i in indices]


_LEVEL = re.compile(r"Level\(\s*(\d+)")


def _levels(line: str, base: int) -> list[int] | None:
    """The embedding level of each character of ``line`` (python-bidi counts UTF-8 bytes)."""
    report = get_display(line, base_dir="R" if base else "L", debug=True)
    part = report.rpartition("\n    levels: [")[2].partition("\n    ]")[0]
    by_byte = [int(n) for n in _LEVEL.findall(part)]
    if len(by_byte) != len(line.encode("utf-8")):
        return None
    levels, offset = [], 0
    for ch in line:
        levels.append(by_byte[offset])
        offset += len(ch.encode("utf-8"))
    return levels


def _reference_order(line: str, base: int) -> list[tuple[int, str]]:
    storage = algorithm.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = "R" if base else "L"
    algorithm.get_embedding_levels(line, storage)
    for index, record in enumerate(storage["chars"]):
        record["index"] = index
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    algorithm.reorder_resolved_levels(storage, False)
    algorithm.apply_mirroring(storage, False)
    return [(record["index"], record["ch"]) for record in storage["chars"]]


def visual(line: str, base: int | None = None) -> str:
    """One line of printable text in display order (``base``: its paragraph's direction)."""
    if not has_rtl(line):
        return line
    return "".join(ch for _index, ch in order(line, direction(line) if base is None else base))


def _visual_words(words: list[str], base: int) -> list[str]:
    line = " ".join(words)
    if not has_rtl(line):
        return words
    return visual(line, base).split(" ")


def _visual_frags(frags: list, base: int) -> list:
    """A line of styled runs (fragments) in display order: runs cut where the order jumps."""
    texts = [f for f in frags if isinstance(getattr(f, "text", None), str) and f.text]
    line = "".join(f.text for f in texts)
    if not has_rtl(line):
        return frags
    owner = [i for i, f in enumerate(texts) for _ch in f.text]
    out: list = []
    current = 0
    chars: list[str] = []
    for index, ch in order(line, base):
        if owner[index] != current and chars:
            out.append(texts[current].clone(text="".join(chars)))
            chars = []
        current = owner[index]
        chars.append(ch)
    if chars:
        out.append(texts[current].clone(text="".join(chars)))
    return out + [f for f in frags if f not in texts]


class Paragraph(_ReportlabParagraph):
    """reportlab's Paragraph, drawing each wrapped line in display order.

    Lines are measured and broken on logical text (so splitting across pages
    and frames still works on the text as typed); only drawing sees the
    reordered copy.
    """

    blPara: Any  # reportlab's wrapped lines, set by wrap()

    def drawPara(self, debug: int = 0) -> None:
        logical = self.blPara
        lines = getattr(logical, "lines", None) or []
        text = " ".join(_line_text(line) for line in lines)
        if not has_rtl(text):
            return super().drawPara(debug)
        base = direction(text)
        if logical.kind == 0:
            shown = [(space, _visual_words(list(words), base)) for space, words in lines]
        else:
            shown = [line.clone(words=_visual_frags(line.words, base)) for line in lines]
        self.blPara = logical.clone(lines=shown)
        try:
            return super().drawPara(debug)
        finally:
            self.blPara = logical


def _line_text(line) -> str:
    if isinstance(line, tuple):
        return " ".join(line[1])
    return "".join(getattr(f, "text", "") or "" for f in line.words)
