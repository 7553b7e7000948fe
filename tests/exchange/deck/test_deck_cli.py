"""``pmdesk export pptx`` end to end: the default decks, chosen slides, clear refusals.

Every deck written is opened with python-pptx; a refused one leaves no file behind
(nor a half-written temporary one) and exits with the CLI's refusal status.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from pmdesk.cli import main
from pmdesk.exchange.deck import PORTFOLIO_DEFAULT, PRODUCT_DEFAULT, SLIDES
from pmdesk.store.demo import create_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("deck-cli") / "demo.pmdesk")


def _slide_titles(path: Path) -> list[str]:
    prs = Presentation(str(path))
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.shape_type != MSO_SHAPE_TYPE.PICTURE
        title = next((s.text_frame.text for s in slide.shapes if s.name == "Title"), "")
        out.append(title)
    return out


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_portfolio_deck_by_default(demo, tmp_path, capsys):
    out = tmp_path / "portfolio.pptx"
    assert main(["export", "pptx", str(demo), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    titles = _slide_titles(out)
    assert len(titles) >= len(PORTFOLIO_DEFAULT)
    for label in ("Portfolio summary", "Growth–share chart", "Lifecycle board"):
        assert any(t.startswith(label) for t in titles), (label, titles)
    # No product's slide in a portfolio deck.
    assert not any(t.startswith(("Requirements ranked", "Launch readiness")) for t in titles)


def test_a_product_review_deck_with_product(demo, tmp_path):
    out = tmp_path / "pulse.pptx"
    assert main(["export", "pptx", str(demo), "--product", "pulse cloud", "-o", str(out)]) == 0
    titles = _slide_titles(out)
    assert len(titles) >= len(PRODUCT_DEFAULT)
    assert any(t.startswith("Requirements ranked by RICE") for t in titles)
    assert "Launch readiness" in titles
    assert not any(t.startswith("Portfolio summary") for t in titles)


def test_chosen_slides_in_the_order_given(demo, tmp_path):
    out = tmp_path / "picked.pptx"
    code = main(
        [
            "export",
            "pptx",
            str(demo),
            "--product",
            "Pulse Cloud",
            "--slides",
            "launch, growth-share,portfolio",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert _slide_titles(out) == ["Launch readiness", "Growth–share chart", "Portfolio summary"]


def test_an_unknown_slide_is_refused_and_leaves_no_file(demo, tmp_path, capsys):
    out = tmp_path / "bad.pptx"
    code = main(["export", "pptx", str(demo), "--slides", "portfolio,gantt", "-o", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("pmdesk: ")
    assert "Unknown slide gantt" in err and "growth-share" in err
    assert _leftovers(tmp_path) == []


def test_a_products_slide_without_a_product_is_refused(demo, tmp_path, capsys):
    out = tmp_path / "bad.pptx"
    code = main(["export", "pptx", str(demo), "--slides", "requirements", "-o", str(out)])
    assert code == 2
    assert f"Choose a product for these slides: {SLIDES['requirements'].label}" in (
        capsys.readouterr().err
    )
    assert _leftovers(tmp_path) == []


def test_an_unknown_product_or_folder_is_refused(demo, tmp_path, capsys):
    out = tmp_path / "x.pptx"
    assert main(["export", "pptx", str(demo), "--product", "Nope", "-o", str(out)]) == 2
    assert "no product named 'Nope'" in capsys.readouterr().err
    missing = tmp_path / "no such folder" / "x.pptx"
    assert main(["export", "pptx", str(demo), "--slides", "portfolio", "-o", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert _leftovers(tmp_path) == []


def test_a_new_empty_workspace_gives_a_deck_that_says_so(tmp_path, capsys):
    from pmdesk.store.workspace import Workspace

    path = tmp_path / "new.pmdesk"
    Workspace.create(path, name="New <team> & co").close()
    out = tmp_path / "new.pptx"
    code = main(
        ["export", "pptx", str(path), "--slides", "title,portfolio,lifecycle", "-o", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    prs = Presentation(str(out))
    texts = [s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame]
    assert "New <team> & co" in texts
    assert texts.count("No products yet — add one in the Portfolio view") == 2


def test_the_command_runs_headless_in_its_own_process(demo, tmp_path):
    out = tmp_path / "sub.pptx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmdesk",
            "export",
            "pptx",
            str(demo),
            "--slides",
            "portfolio,growth-share,lifecycle",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _slide_titles(out) == ["Portfolio summary", "Growth–share chart", "Lifecycle board"]
