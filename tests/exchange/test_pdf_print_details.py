"""Small things a reader of the PDFs notices: headers broken mid-word, plurals, emoji boxes."""

from __future__ import annotations

import pytest

from pmdesk.exchange.pdf import export_pdf
from pmdesk.exchange.pdf.components import table
from pmdesk.exchange.pdf.theme import Styles


def _launch_product(ws) -> int:
    from pmdesk.store.services import LaunchService, PortfolioService

    launches = ws.service(LaunchService)
    return next(
        p.id for p in ws.service(PortfolioService).list_products() if launches.launches_of(p.id)
    )


def _header_lines(header: list[str], widths: list[float], total: float) -> list[list[str]]:
    """The lines each header cell wraps into at the width the table gives it."""
    made = table(header, [["x"] * len(header)], widths, total_width=total)
    out = []
    for cell, width in zip(made._cellvalues[0], made._colWidths, strict=True):
        cell.wrap(width - 10, 1000)
        out.append(
            [
                " ".join(words)
                for words in (
                    [w for w in line[1]] if isinstance(line, tuple) else line.words
                    for line in cell.blPara.lines
                )
            ]
        )
    return out


def test_table_headers_wrap_only_between_words():
    header = ["Stakeholder", "Strategy", "Channel", "Frequency", "Next contact", "Owner"]
    lines = _header_lines(header, [0.25, 0.15, 0.18, 0.11, 0.13, 0.18], 487.0)
    for text, wrapped in zip(header, lines, strict=True):
        assert all(word in text.split() for line in wrapped for word in line.split()), wrapped


def test_a_header_column_too_narrow_for_its_word_borrows_from_roomy_ones():
    made = table(["Frequency", "Notes"], [["weekly", "long text"]], [0.05, 0.95], total_width=400.0)
    assert made._colWidths[0] > 20 and sum(made._colWidths) == pytest.approx(400.0)


def test_the_launch_plan_prints_frequency_whole(demo, tmp_path, read_pdf):
    out = export_pdf(demo, "launch", tmp_path / "launch.pdf", product_id=_launch_product(demo))
    text = read_pdf.poppler(out)
    assert "Frequency" in text
    assert "Frequenc\n" not in text


def test_the_head_style_is_the_one_header_widths_are_measured_in():
    assert Styles.head.fontSize == Styles.head_right.fontSize == Styles.head_centre.fontSize


# -- counts agree with their nouns ---------------------------------------------------------------


@pytest.fixture
def one_of_each(tmp_path):
    """A new workspace with one product, one requirement (1 person-month), one stakeholder."""
    from pmdesk.core.enums import MoSCoW
    from pmdesk.store.services import PortfolioService, RequirementService, StakeholderService
    from pmdesk.store.workspace import Workspace

    ws = Workspace.create(tmp_path / "x.pmdesk", name="New")
    product = ws.service(PortfolioService).create_product(name="Solo")
    ws.service(RequirementService).requirements.create(
        product_id=product.id,
        ref="R-1",
        title="Sign in",
        reach=100,
        impact=1,
        confidence=100,
        effort=1,
        moscow=MoSCoW.MUST,
    )
    ws.service(StakeholderService).stakeholders.create(
        product_id=product.id, name="Ada", power=8, interest=8
    )
    yield ws, product.id
    ws.close()


def test_one_of_a_thing_is_printed_in_the_singular(one_of_each, tmp_path, read_pdf):
    ws, pid = one_of_each
    spec = read_pdf.text(export_pdf(ws, "spec", tmp_path / "spec.pdf", product_id=pid))
    assert "1 requirement " in spec or spec.endswith("1 requirement")
    assert "1 requirements" not in spec
    assert "÷ 1 person-month =" in spec and "1 person-months" not in spec
    people = read_pdf.text(export_pdf(ws, "stakeholders", tmp_path / "map.pdf", product_id=pid))
    assert "1 stakeholder" in people and "1 stakeholders" not in people


# -- the sign-off table's RACI column --------------------------------------------------------------


def test_the_sign_off_raci_column_shows_raci_letters_not_strategies(demo, tmp_path, read_pdf):
    from pmdesk.core.stakeholders import STRATEGY
    from pmdesk.store.services import PortfolioService, StakeholderService

    product = demo.service(PortfolioService).product_by_name("Pulse Cloud")
    people = demo.service(StakeholderService)
    held: dict[int, set[str]] = {}
    for a in people.raci_of(product.id):
        held.setdefault(a.stakeholder_id, set()).add(a.role.value)
    out = export_pdf(demo, "spec", tmp_path / "spec.pdf", product_id=product.id)
    signoff = read_pdf.pages(out)[-1]
    signoff = signoff[signoff.index("Sign-off") :]
    assert "Name Role RACI Signature Date" in signoff
    names = {p.id: p.name for p in people.stakeholders_of(product.id)}
    shown = [pid for pid in held if names[pid] in signoff]
    assert shown
    for pid in shown:
        after = signoff[signoff.index(names[pid]) :]
        letters = ", ".join(r for r in "ARCI" if r in held[pid])
        assert letters in after[:160], (names[pid], letters)
    assert not any(strategy in signoff for strategy in STRATEGY.values())


# -- emoji ------------------------------------------------------------------------------------------


def _fonts_of(path) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(str(path)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        names |= {str(font.get_object().get("/BaseFont")) for font in fonts.values()}
    return names


def test_emoji_print_as_glyphs_and_the_footer_names_the_ones_no_font_has(tmp_path, read_pdf):
    import shutil
    import subprocess

    from pmdesk.store.services import PortfolioService, RequirementService
    from pmdesk.store.workspace import Workspace

    with Workspace.create(tmp_path / "x.pmdesk", name="New") as ws:
        product = ws.service(PortfolioService).create_product(name="Rocket 🚀", vision="Ship ☕")
        ws.service(RequirementService).requirements.create(
            product_id=product.id,
            ref="R-1",
            title="Party mode 🥳 with 👍",
            reach=10,
            impact=1,
            confidence=50,
            effort=1,
        )
        out = export_pdf(ws, "spec", tmp_path / "spec.pdf", product_id=product.id)
    text = read_pdf.text(out)
    assert "Rocket 🚀" in text and "Ship ☕" in text and "with 👍" in text
    assert "Party mode □ with" in text  # newer than the emoji font: a square ...
    assert "□ marks 1 character the embedded fonts cannot print (U+1F973)" in text  # ... said so
    assert any("Symbola" in name for name in _fonts_of(out))
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "40",
                "-png",
                "-f",
                "2",
                "-l",
                "2",
                str(out),
                str(tmp_path / "page"),
            ],
            check=True,
            timeout=60,
        )
        assert list(tmp_path.glob("page*.png"))


def test_a_document_without_unprintable_characters_has_no_such_footer(tmp_path, read_pdf):
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    with Workspace.create(tmp_path / "x.pmdesk", name="New") as ws:
        product = ws.service(PortfolioService).create_product(name="Plain 🚀")
        out = export_pdf(ws, "spec", tmp_path / "spec.pdf", product_id=product.id)
    assert "cannot print" not in read_pdf.text(out)
