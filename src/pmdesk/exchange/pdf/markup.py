"""The one way user text enters reportlab's Paragraph markup: escaped, then font-tagged.

reportlab parses Paragraph text as XML-ish markup with tags that can change
fonts, draw images from files (``<img src>``) and make links (``<a href>``).
User text must never be read as markup: everything typed goes through
:func:`escape` (or :func:`para`, which calls it), so ``<b>``, ``&amp;`` or an
unclosed ``<para`` print exactly as typed. Markup of our own is built only
around already-escaped text.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle

from .fonts import (
    CJK,
    LATIN,
    SANS_BOLD,
    font_for,
    has_cjk,
    mixes_fonts,
    printable,
    register,
    runs,
)
from .rtl import Paragraph

__all__ = ["Paragraph", "Span", "colour", "escape", "para", "plain_paragraph", "spans"]

_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(text: object, *, keep_newlines: bool = True) -> str:
    """Markup that prints ``text`` literally, with CJK and emoji runs set in their fonts.

    Newlines become line breaks (or spaces when ``keep_newlines`` is false); tabs
    become spaces. Safe to concatenate with tags of our own.
    """
    register()  # cached: the fonts a Paragraph names must exist before it is parsed
    value = printable(text).replace("\t", " ")
    if not keep_newlines:
        value = value.replace("\n", " ")
    parts = []
    for kind, chunk in runs(value):
        safe = chunk.translate(_XML).replace("\n", "<br/>")
        face = font_for(kind, False)
        parts.append(safe if kind == LATIN else f'<font face="{face}">{safe}</font>')
    return "".join(parts)


def colour(markup: str, hex_colour: str) -> str:
    """Wrap already-safe markup in a colour of the theme (never a user-given colour)."""
    return f'<font color="{hex_colour}">{markup}</font>'


def para(
    text: object, style: ParagraphStyle, *, markup: str | None = None, bullet: str | None = None
) -> Paragraph:
    """A Paragraph of user ``text`` (escaped here), or of ``markup`` we built from escaped parts.

    Text containing CJK wraps between any two characters (CJK has no spaces to
    break at); other text wraps at spaces, and a word longer than the line
    (a URL, a part number) is split rather than running off the page.
    """
    if markup is None:
        value = printable(text)
        if value.strip() and "\n" not in value and "\t" not in value and not mixes_fonts(value):
            return plain_paragraph(value, style, bullet)
        markup = escape(text)
        needs_cjk = has_cjk(value)
    else:
        needs_cjk = f'face="{CJK}"' in markup
    if needs_cjk:
        style = cjk_variant(style)
    return Paragraph(markup, style, bulletText=bullet)


_TEMPLATES: weakref.WeakKeyDictionary[ParagraphStyle, object] = weakref.WeakKeyDictionary()


def _template(style: ParagraphStyle):
    register()
    template = _TEMPLATES.get(style)
    if template is None:
        template = _TEMPLATES[style] = Paragraph("x", style).frags[0]
    return template


def plain_paragraph(value: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A one-font Paragraph built without the markup parser: ``value`` is drawn as it is.

    Most user text is one run in one font; handing reportlab the finished
    fragment skips its HTML parser (the costliest step of a long document) and
    means the text is never read as markup at all.
    """
    return Paragraph(None, style, bulletText=bullet, frags=[_template(style).clone(text=value)])


@dataclass(frozen=True)
class Span:
    """One run of a line with several looks: a bold reference, a title, a coloured tag."""

    text: str
    bold: bool = False
    colour: Color | None = None
    size: float | None = None


def spans(style: ParagraphStyle, parts: list[Span]) -> Paragraph:
    """A Paragraph of several runs; built from fragments unless a run holds CJK text."""
    values = [(printable(p.text).replace("\n", " ").replace("\t", " "), p) for p in parts]
    if any(mixes_fonts(value) for value, _ in values):
        markup = ""
        for _value, part in values:
            run = escape(part.text, keep_newlines=False)
            if part.bold:
                run = f"<b>{run}</b>"
            if part.colour is not None or part.size is not None:
                colour_attr = f' color="#{part.colour.hexval()[2:]}"' if part.colour else ""
                size_attr = f' size="{part.size:g}"' if part.size else ""
                run = f"<font{colour_attr}{size_attr}>{run}</font>"
            markup += run
        return para(None, style, markup=markup)
    template = _template(style)
    frags = []
    for value, part in values:
        if not value:
            continue
        changes: dict[str, object] = {"text": value}
        if part.bold:
            changes["fontName"], changes["bold"] = SANS_BOLD, 1
        if part.colour is not None:
            changes["textColor"] = part.colour
        if part.size is not None:
            changes["fontSize"] = part.size
        frags.append(template.clone(**changes))
    return Paragraph(None, style, frags=frags)


_CJK_STYLES: dict[str, ParagraphStyle] = {}


def cjk_variant(style: ParagraphStyle) -> ParagraphStyle:
    """The same style, wrapping between any two characters (cached per style)."""
    found = _CJK_STYLES.get(style.name)
    if found is None or found.parent is not style:
        found = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
        _CJK_STYLES[style.name] = found
    return found
