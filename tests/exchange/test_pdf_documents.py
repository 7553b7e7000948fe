"""Every document, read back: pages, headings, metadata, outline, fonts and user text."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from pmdesk.exchange.pdf import KINDS, SECTIONS, PdfOptions, export_pdf


def _export(ws, kind, path, pid=None, **options):
    today = options.pop("today")
    return export_pdf(ws, kind, path, product_id=pid, options=PdfOptions(today=today, **options))


def _fonts(reader: PdfReader) -> list:
    """Every font dictionary used by any page."""
    found = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            found[id(font)] = font
    return list(found.values())


def _outline_titles(reader: PdfReader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(" ".join(item.title.split()))

    walk(reader.outline)
    return titles


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_document_prints_the_tricky_portfolio(kind, tricky, tmp_path, texts, read_pdf):
    ws, pid = tricky
    out = _export(ws, kind, tmp_path / f"{kind}.pdf", pid, today=texts.today, paper="A4")
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 1
    assert reader.metadata.title.endswith(KINDS[kind])
    text = read_pdf.text(out)
    for font in _fonts(reader):  # every font is embedded, none is a reader's stand-in
        descriptor = font["/FontDescriptor"].get_object() if "/FontDescriptor" in font else None
        if descriptor is None:  # a composite font: look at its descendant
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font
    raw = out.read_bytes()
    assert b"/URI" not in raw and b"/Launch" not in raw and b"/Subtype /Image" not in raw
    if kind != "portfolio":  # the portfolio is about the whole file, not one product
        assert texts.product.split(" — ")[0] in text


def test_specification_contents_outline_and_furniture(tricky, tmp_path, texts, read_pdf):
    ws, pid = tricky
    out = _export(ws, "spec", tmp_path / "spec.pdf", pid, today=texts.today, paper="A4")
    reader = PdfReader(str(out))
    pages = read_pdf.pages(out)
    total = len(pages)
    assert total >= 8
    assert "Page 1 of" not in pages[0]  # the cover has no footer
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in page
        assert "CONFIDENTIAL <INTERNAL> & RESTRICTED" in page
    meta = reader.metadata
    assert meta.title == f"{texts.product} — Technical specification"
    assert meta.author == "Zoë O'Brien-Łukasz"
    assert meta.subject == "Technical specification"
    titles = _outline_titles(reader)
    for heading in (
        "Revision history",
        "1 Vision and goals",
        "2 Target customers and problems",
        "3 Business case",
        "4 Requirements",
        "5 Roadmap",
        "6 Dependencies and risks",
        "7 Stakeholders",
        "8 Sign-off",
    ):
        assert heading in titles
    # The contents lists each section with the page it is on (read by position, line by line).
    at = next(i for i, page in enumerate(pages) if "Contents" in page)
    contents = reader.pages[at].extract_text(extraction_mode="layout")
    for title in ("Vision and goals", "Requirements", "Roadmap", "Sign-off"):
        line = next(x for x in contents.splitlines() if re.search(rf"\d\s{re.escape(title)}\b", x))
        number = int(line.split()[-1])
        assert title in pages[number - 1], f"{title} is not on page {number}"


def test_user_text_reads_back_exactly(tricky, tmp_path, texts, read_pdf):
    ws, pid = tricky
    out = _export(ws, "spec", tmp_path / "spec.pdf", pid, today=texts.today)
    text = read_pdf.text(out)
    for typed in texts.injection + texts.world:
        assert typed in text, typed
        assert f"Given {typed}, then it prints" in text, typed
    assert "Müller & Söhne" not in text or "120,000" in text
    assert read_pdf.poppler(out) == "" or "日本語の仕様書" in read_pdf.poppler(out)


def test_markup_never_acts(tricky, tmp_path, texts):
    ws, pid = tricky
    out = _export(ws, "spec", tmp_path / "spec.pdf", pid, today=texts.today)
    reader = PdfReader(str(out))
    links = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                links.append(action.get_object().get("/S"))
    assert "/URI" not in links and "/Launch" not in links  # contents links are internal only
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        assert not xobjects, "an <img> was loaded"


def test_emoji_and_long_words_never_break_the_layout(tricky, tmp_path, texts):
    ws, pid = tricky
    out = _export(ws, "spec", tmp_path / "spec.pdf", pid, today=texts.today)
    reader = PdfReader(str(out))
    raw_lines = [line for page in reader.pages for line in (page.extract_text() or "").split("\n")]
    joined = "".join("".join(raw_lines).split())
    assert texts.long_url in joined  # every character is there ...
    assert not any(texts.long_url in line for line in raw_lines)  # ... wrapped over lines
    assert "Ship it 🚀 now 👍 ❤" in " ".join(raw_lines)  # emoji print, in Symbola


def test_a_thousand_requirements_split_with_repeated_headers(
    tricky, tmp_path, texts, read_pdf, many_requirements
):
    ws, pid = tricky
    many_requirements(ws, pid, 1000)
    out = _export(
        ws,
        "spec",
        tmp_path / "big.pdf",
        pid,
        today=texts.today,
        sections=frozenset({"contents", "requirements"}),
    )
    reader = PdfReader(str(out))
    assert len(reader.pages) > 100

    def text(index: int) -> str:
        return " ".join((reader.pages[index].extract_text() or "").split())

    header = "Ref Requirement Priority Status Reach × impact × confidence ÷ effort Score"
    index_pages = [i for i in range(1, 30) if header in text(i)]
    assert len(index_pages) >= 10  # the index of all requirements repeats its header
    assert index_pages == list(range(index_pages[0], index_pages[-1] + 1))  # on every page
    tail = " ".join(text(i) for i in range(len(reader.pages) - 40, len(reader.pages)))
    assert (
        "Given data set 999, when exported, then all rows appear" in tail
        or "Given data set 999, when exported, then all rows appear" in read_pdf.text(out)
    )
    assert re.search(r"Page \d+ of " + str(len(reader.pages)), text(len(reader.pages) - 1))


def test_sections_and_labels_follow_the_options(tricky, tmp_path, texts, read_pdf):
    ws, pid = tricky
    out = _export(
        ws,
        "spec",
        tmp_path / "s.pdf",
        pid,
        today=texts.today,
        paper="Letter",
        sections=frozenset({"vision", "signoff"}),
        confidentiality="",
    )
    reader = PdfReader(str(out))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    text = read_pdf.text(out)
    assert "Vision and goals" in text and "Sign-off" in text
    assert "Requirements" not in text and "Revision history" not in text
    assert "RESTRICTED" not in text
    wide = _export(
        ws,
        "launch",
        tmp_path / "l.pdf",
        pid,
        today=texts.today,
        paper="A4",
        orientation="landscape",
    )
    width, height = (float(v) for v in PdfReader(str(wide)).pages[1].mediabox[2:])
    assert width > height


def test_roadmap_poster_range_lanes_and_pages(tricky, tmp_path, texts, read_pdf):
    import datetime as dt

    from pmdesk.store.services import RoadmapService

    ws, pid = tricky
    lanes = ws.service(RoadmapService).lanes_of(pid)
    poster = _export(ws, "roadmap", tmp_path / "r.pdf", pid, today=texts.today)
    width, height = (float(v) for v in PdfReader(str(poster)).pages[0].mediabox[2:])
    assert (round(width), round(height)) == (1191, 842)  # A3 landscape
    only = _export(
        ws,
        "roadmap",
        tmp_path / "only.pdf",
        pid,
        today=texts.today,
        lanes=(lanes[0].id,),
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 3, 31),
    )
    text = read_pdf.text(only)
    assert "Platform <core> & API" in text and "Клиенты 客户" not in text
    assert "Item 0 & <0>" in text and "Item 6 & <6>" not in text
    split = _export(
        ws,
        "roadmap",
        tmp_path / "split.pdf",
        pid,
        today=texts.today,
        paper="A4",
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2027, 12, 31),
    )
    pages = read_pdf.pages(split)
    parts = [p for p in pages if re.search(r"Part \d of \d", p)]
    assert len(parts) >= 2
    for page in parts:  # each part repeats the lane column and the time scale
        assert "Platform <core> & API" in page and "Q1" in page
    bare = _export(
        ws,
        "roadmap",
        tmp_path / "bare.pdf",
        pid,
        today=texts.today,
        paper="A2",
        one_page=True,
        chart_only=True,
    )
    pages = read_pdf.pages(bare)
    assert len(pages) == 1 and "Page 1 of" not in pages[0]


def test_demo_portfolio_exports_every_kind(demo, tmp_path, read_pdf):
    from pmdesk.store.services import PortfolioService

    product = demo.service(PortfolioService).list_products()[0]
    for kind in KINDS:
        out = export_pdf(
            demo,
            kind,
            tmp_path / f"{kind}.pdf",
            product_id=None if kind == "portfolio" else product.id,
        )
        assert len(PdfReader(str(out)).pages) >= 1
        if kind != "portfolio":
            assert product.name in read_pdf.text(out)


def test_every_section_key_is_honoured(tricky, tmp_path, texts, read_pdf):
    ws, pid = tricky
    headed = {"spec", "launch", "stakeholders"}  # documents whose sections are headings
    for kind, sections in SECTIONS.items():
        for key, label in sections.items():
            out = _export(
                ws,
                kind,
                tmp_path / f"{kind}-{key}.pdf",
                pid,
                today=texts.today,
                sections=frozenset({key}),
            )
            if kind in headed:
                text = read_pdf.text(out)
                assert label in text, (kind, key)
                others = [other for k, other in sections.items() if k != key and k != "contents"]
                if key == "changes":  # names what changed: stakeholders, requirements…
                    others = []
                assert not [o for o in others if f" {o} " in f" {text} "], (kind, key)


def test_a_crowded_stakeholder_map_names_everyone_without_overlaps(tmp_path, read_pdf):
    """The paper map places names with core.label_layout, as the screen does."""
    from reportlab.graphics.shapes import String

    from pmdesk.core.label_layout import short_name
    from pmdesk.exchange.pdf.stakeholders import power_interest_grid
    from pmdesk.store.services import PortfolioService, StakeholderService
    from pmdesk.store.workspace import Workspace

    with Workspace.create(tmp_path / "crowd.pmdesk") as ws:
        product = ws.service(PortfolioService).create_product(name="Crowded")
        people = ws.service(StakeholderService)
        for n in range(60):  # sixty people in one corner of the grid
            people.stakeholders.create(
                product_id=product.id,
                name=f"Person{n} Surname{n} <&>",
                power=8 + (n % 5) * 0.3,
                interest=8 + (n // 5) * 0.15,
                importance=1 + n % 5,
            )
        group = people.stakeholders_of(product.id)
        grid, crowded = power_interest_grid(group, 700, 420)
        labels = [s for s in grid.getContents() if isinstance(s, String)]
        texts = {s.text for s in labels}
        badged = {name for names in crowded for name in names}
        for person in group:
            assert (
                person.name in texts or short_name(person.name) in texts or person.name in badged
            ), person.name
        assert crowded, "sixty names cannot all fit: some must share a count badge"
        out = export_pdf(ws, "stakeholders", tmp_path / "map.pdf", product_id=product.id)
    text = read_pdf.text(out)
    assert "Crowded spots show a count instead of names" in text
    assert all(name.replace("<&>", "").strip() in text for name in sorted(badged)[:3])
