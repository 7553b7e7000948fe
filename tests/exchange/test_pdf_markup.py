"""Escaping, font runs and glyph substitution: the rules every printed string goes through."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from pmdesk.exchange.pdf.fonts import (
    CJK,
    EMOJI,
    HAN,
    LATIN,
    MISSING,
    SYMBOL,
    fit,
    missing_characters,
    printable,
    register,
    runs,
    string_width,
    track_missing,
)
from pmdesk.exchange.pdf.markup import escape, para
from pmdesk.exchange.pdf.options import default_paper
from pmdesk.exchange.pdf.textdraw import wrap_lines

STYLE = ParagraphStyle("t", fontName="PmSans", fontSize=10, leading=12)


def _plain_text(paragraph: Paragraph) -> str:
    """What a Paragraph will draw, fragment by fragment (after reportlab parsed the markup)."""
    return "".join(getattr(frag, "text", "") for frag in paragraph.frags)


def test_escaped_text_parses_back_to_itself(texts):
    register()
    for text in texts.injection + texts.world:
        assert _plain_text(para(text, STYLE)) == text


def test_no_markup_survives_escaping(texts):
    for text in texts.injection:
        markup = escape(text)
        ours = markup.replace("<br/>", "").replace(f'<font face="{CJK}">', "")
        assert "<" not in ours.replace("</font>", ""), text
        frags = para(text, STYLE).frags
        assert all(getattr(f, "link", None) in (None, []) for f in frags), text
        assert all(not getattr(f, "cbDefn", None) for f in frags), text  # no <img>, <onDraw>
        assert {f.fontName for f in frags} == {"PmSans"}, text  # no <b>, no <font>


def test_newlines_become_line_breaks_and_tabs_spaces():
    assert escape("a\nb\r\nc\td") == "a<br/>b<br/>c d"
    assert escape("a\nb", keep_newlines=False) == "a b"


def test_cjk_runs_are_set_in_the_cjk_font():
    assert escape("Hi 中文 & 日本") == (
        f'Hi <font face="{CJK}">中文</font> &amp; <font face="{CJK}">日本</font>'
    )
    assert list(runs("ab中c")) == [(LATIN, "ab"), (HAN, "中"), (LATIN, "c")]
    assert para("中文", STYLE).style.wordWrap == "CJK"
    assert para("plain", STYLE).style.wordWrap is None


def test_emoji_print_in_the_emoji_font_and_newer_ones_as_one_square(texts):
    assert printable(texts.emoji) == "Ship it 🚀 now 👍 ❤"  # skin tone and selector dropped
    assert printable("👨‍👩‍👧") == "👨👩👧"  # joiners vanish, each person is drawn
    assert escape("go 🚀") == f'go <font face="{EMOJI}">🚀</font>'
    assert list(runs("a🚀中")) == [(LATIN, "a"), (SYMBOL, "🚀"), (HAN, "中")]
    track_missing()
    assert printable("party 🥳 lab 🧪 🥳") == f"party {MISSING} lab {MISSING} {MISSING}"
    assert missing_characters() == {"🥳", "🧪"}
    assert printable("e\u0301") == "é"  # decomposed accents are composed
    assert printable("bell\x07 null\x00") == "bell null"
    assert printable(None) == ""


def test_every_script_we_promise_is_drawable(texts):
    for text in texts.world:
        assert MISSING not in printable(text), text


def test_fit_shortens_with_an_ellipsis_and_measures_cjk():
    register()
    assert fit("short", 200, 10) == "short"
    cut = fit("A rather long label that will not fit", 60, 10)
    assert cut.endswith("…") and string_width(cut, 10) <= 60
    assert string_width("中文", 10) > 0


def test_wrap_lines_stops_at_the_limit_with_an_ellipsis():
    lines = wrap_lines("one two three four five six seven eight", 40, 8, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert wrap_lines("fits", 100, 8) == ["fits"]


@pytest.mark.parametrize(
    ("name", "paper"),
    [
        ("en_US.UTF-8", "Letter"),
        ("fr_CA.UTF-8", "Letter"),
        ("en_GB.UTF-8", "A4"),
        ("de_DE", "A4"),
        ("C.UTF-8", "A4"),
        ("", "A4"),
        ("English_United States", "Letter"),
    ],
)
def test_default_paper_follows_the_locale(name, paper):
    assert default_paper(name) == paper
