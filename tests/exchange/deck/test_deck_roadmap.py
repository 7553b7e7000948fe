"""The roadmap slides and the now / next / later board, read back with python-pptx.

Decks are made from the demo portfolio, a new empty workspace and one with awkward
names and dates; each is opened again and checked shape by shape: native shapes
only, connectors glued to the bars they join, bars placed in date order, every item
on exactly one slide of each time window it falls in, the today line where today
is, text exactly as typed, nothing outside its shape or off the slide.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import shutil
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from tests.office import convert, needs_office

from pmdesk.core.enums import DependencyType, Horizon, ItemKind, ItemStatus
from pmdesk.core.horizon import effective_horizon, finished
from pmdesk.core.roadmap_style import lane_colour
from pmdesk.exchange.deck import export_deck
from pmdesk.exchange.deck.base import LINE_SPACING, SLIDE_HEIGHT, SLIDE_WIDTH
from pmdesk.exchange.deck.roadmap import alt_text, text_width
from pmdesk.store.demo import create_demo
from pmdesk.store.models import RoadmapItem
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.services.roadmap_queries import RoadmapQueries
from pmdesk.store.workspace import Workspace

EMU_PT = 12_700
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
EMPTY = "No roadmap items yet — add them in the Roadmap view"


# -- reading a deck back --------------------------------------------------------------------------


def slides_of(path: Path) -> list:
    return list(Presentation(str(path)).slides)


def title_of(slide) -> str:
    return next((s.text_frame.text for s in slide.shapes if s.name == "Title"), "")


def item_id(shape) -> int | None:
    found = re.fullmatch(r"(?:Bar|Milestone) (\d+)", shape.name)
    return int(found.group(1)) if found else None


def window_of(title: str) -> tuple[dt.date, dt.date]:
    """The dates a slide's title names: "Roadmap — Nov 2026–Apr 2027 (2 of 4)"."""
    span = title.split(" — ", 1)[1].split(" (")[0]
    parts = re.findall(r"([A-Z][a-z]{2})(?: (\d{4}))?", span)
    (m0, y0), (m1, y1) = parts[0], parts[-1]
    last_year = int(y1 or y0)
    first = dt.date(int(y0 or last_year), MONTHS[m0], 1)
    following = (
        dt.date(last_year + 1, 1, 1)
        if MONTHS[m1] == 12 and last_year < 9999
        else dt.date(last_year, MONTHS[m1] + 1, 1)
        if MONTHS[m1] < 12
        else None
    )
    return first, (following - dt.timedelta(days=1)) if following else dt.date.max


def text_needs(shape) -> float:
    """The height in EMU the shape's text takes at its width, paragraph by paragraph
    (wrapping as the deck measures; a one-line label must fit its width)."""
    from pmdesk.exchange.deck.base import INSET, lines_of

    frame = shape.text_frame
    inner = shape.width - (frame.margin_left or 0) - (frame.margin_right or 0)
    need = (frame.margin_top or 0) + (frame.margin_bottom or 0)
    for paragraph in frame.paragraphs:
        text = "".join(run.text for run in paragraph.runs)
        size = max((run.font.size.pt for run in paragraph.runs if run.font.size), default=18)
        bold = any(run.font.bold for run in paragraph.runs)
        if not frame.word_wrap:
            assert text_width(text, size, bold) <= inner / EMU_PT + 0.5, (
                f"{shape.name}: {text[:60]!r} is wider than its shape"
            )
            lines = 1
        else:
            lines = len(lines_of(text, inner + 2 * INSET, size, bold))
        need += lines * size * LINE_SPACING * EMU_PT
    return need


def check_layout(path: Path) -> None:
    """No pictures; every shape on the slide; every text as tall as its shape allows."""
    for number, slide in enumerate(slides_of(path), 1):
        for shape in slide.shapes:
            assert shape.shape_type != MSO_SHAPE_TYPE.PICTURE, f"slide {number}: a picture"
            assert shape.left >= 0 and shape.top >= 0, f"slide {number}: {shape.name} off the slide"
            assert shape.left + shape.width <= SLIDE_WIDTH, f"slide {number}: {shape.name} right"
            assert shape.top + shape.height <= SLIDE_HEIGHT, f"slide {number}: {shape.name} below"
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            need = text_needs(shape)
            assert need <= shape.height + EMU_PT, (
                f"slide {number}: {shape.name} needs {need / EMU_PT:.1f} pt, "
                f"has {shape.height / EMU_PT:.1f}: {shape.text_frame.text[:60]!r}"
            )


# -- workspaces ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("deck-roadmap") / "demo.pmdesk"
    create_demo(path)
    return path


@pytest.fixture(scope="module")
def demo_decks(demo: Path) -> dict[str, Path]:
    """The portfolio's and the first product's roadmap and board, made once."""
    ws = Workspace.open(demo)
    try:
        product = ws.service(PortfolioService).list_products()[0]
        folder = demo.parent
        return {
            "portfolio": export_deck(
                ws, folder / "portfolio.pptx", slides=["title", "roadmap", "board"]
            ),
            "product": export_deck(
                ws, folder / "product.pptx", product_id=product.id, slides=["roadmap", "board"]
            ),
        }
    finally:
        ws.close()


def plan_of(path: Path, product_id: int | None = None):
    """(items by id, links) of one product or of every product, read from the store."""
    ws = Workspace.open(path)
    try:
        queries = ws.service(RoadmapQueries)
        products = ws.service(PortfolioService).list_products()
        ids = [product_id] if product_id is not None else [p.id for p in products]
        items = {i.id: i for pid in ids for i in queries.item_rows(pid)}
        links = [link for pid in ids for link in queries.link_rows(pid)]
        lanes = {lane.id: lane for pid in ids for lane in ws.service(RoadmapService).lanes_of(pid)}
        return items, links, lanes
    finally:
        ws.close()


def roadmap_slides(path: Path) -> list:
    """The roadmap's own slides (not the ones carrying on a slide's key)."""
    return [
        s
        for s in slides_of(path)
        if title_of(s).startswith("Roadmap") and "names in full" not in title_of(s)
    ]


SIGN = re.compile(r"([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")


def one_line(name: str) -> str:
    return re.sub(r"[\r\n\t]", " ", name)


def check_names_whole(path: Path) -> int:
    """Every item on a roadmap slide shows its name whole, or shortened with a mark whose
    entry in the slide's key (on it, or on the slides carrying it on) is the whole name,
    or says it is in the speaker notes, which hold it. Returns how many were marked."""
    slides = slides_of(path)
    marked = 0
    for index, slide in enumerate(slides):
        title = title_of(slide)
        if not title.startswith("Roadmap") or "names in full" in title:
            continue
        following = [slide]
        for later in slides[index + 1 :]:
            if title_of(later).startswith(f"{title} — names in full"):
                following.append(later)
            else:
                break
        key: dict[str, str] = {}
        notes = ""
        for page in following:
            for shape in page.shapes:
                if shape.name == "Names in full":
                    for paragraph in shape.text_frame.paragraphs:
                        sign, _space, name = paragraph.text.partition(" ")
                        assert sign not in key, f"{title}: {sign} twice in the key"
                        key[sign] = name
            if page.has_notes_slide:
                notes += page.notes_slide.notes_text_frame.text
        shown: dict[int, list[str]] = defaultdict(list)
        names: dict[int, str] = {}
        for shape in slide.shapes:
            found = re.fullmatch(r"(?:Bar|Milestone|Label) (\d+)", shape.name)
            if shape.has_text_frame and shape.text_frame.text:
                assert not shape.text_frame.text.endswith("…"), f"{title}: {shape.name} cut"
            if found:
                names[int(found.group(1))] = alt_text(shape)
                if shape.text_frame.text:
                    shown[int(found.group(1))].append(shape.text_frame.text)
            elif shape.name.startswith("Lane name "):  # a lane's name, after its product's
                lane = -int(shape.name.split()[-1])
                names[lane] = alt_text(shape)
                text = " ".join(shape.text_frame.text.split())
                whole = " ".join(one_line(alt_text(shape)).replace(" · ", " ").split())
                shown[lane].append(whole if text == whole else text)
        used = set()
        for item, name in names.items():
            texts = shown[item]
            assert len(texts) == 1, f"{title}: {name[:40]!r} shown {texts}"
            (text,) = texts
            if text == one_line(name) or (
                item < 0 and text == " ".join(one_line(name).replace(" · ", " ").split())
            ):
                continue
            sign = SIGN.search(text)
            assert sign, f"{title}: {text!r} stands for {name[:40]!r} without a mark"
            sign = sign.group(1)
            assert sign not in used
            used.add(sign)
            marked += 1
            short = text[: -len(sign)].rstrip("…").rstrip()
            if item > 0:
                assert one_line(name).startswith(short), f"{title}: {text!r} not {name[:40]!r}"
            if key[sign] == "(name too long for a slide — in full in the speaker notes)":
                assert f"{sign} {one_line(name)}" in notes
            else:
                assert key[sign] == one_line(name), f"{title}: key {sign} {key[sign][:40]!r}"
        assert set(key) == used, f"{title}: the key names items not marked"
    return marked


# -- the demo ---------------------------------------------------------------------------------------


def test_demo_roadmap_is_native_shapes_and_fits(demo_decks):
    for path in demo_decks.values():
        check_layout(path)
    slides = roadmap_slides(demo_decks["portfolio"])
    assert len(slides) >= 2
    kinds = Counter()
    for slide in slides:
        for shape in slide.shapes:
            if shape.name.startswith("Bar "):
                assert shape.auto_shape_type == MSO_SHAPE.ROUNDED_RECTANGLE
                kinds["bar"] += 1
            elif shape.name.startswith("Milestone "):
                assert shape.auto_shape_type == MSO_SHAPE.DIAMOND
                kinds["milestone"] += 1
            elif shape.name.startswith("Dependency"):
                assert shape.shape_type == MSO_SHAPE_TYPE.LINE  # a connector
                kinds["link"] += 1
            elif shape.name.startswith("Lane name"):
                kinds["lane"] += 1
    assert kinds["bar"] > 20 and kinds["milestone"] > 5 and kinds["link"] > 5 and kinds["lane"]
    # every lane of every product is named on its band, with its product
    _items, _links, lanes = plan_of(next(iter(demo_decks.values())).parent / "demo.pmdesk")
    named = {
        alt_text(shape)
        for slide in slides
        for shape in slide.shapes
        if shape.name.startswith("Lane name")
    }
    products = {p for name in named for p in [name.split(" · ")[0]]}
    assert {"Pulse Cloud", "Vega Benchtop Analyser", "DataLog 200"} <= products


def test_connectors_are_glued_to_the_bars_they_join_with_an_arrowhead(demo, demo_decks):
    items, links, _lanes = plan_of(demo)
    for slide in roadmap_slides(demo_decks["portfolio"]):
        shapes = {shape.shape_id: shape for shape in slide.shapes}
        on_slide = {item_id(s): s for s in slide.shapes if item_id(s) is not None}
        glued = set()
        for shape in slide.shapes:
            if not shape.name.startswith("Dependency"):
                continue
            element = shape._element
            begin = element.find(".//" + qn("a:stCxn"))
            end = element.find(".//" + qn("a:endCxn"))
            assert begin is not None and end is not None, "a connector not glued at both ends"
            pred, succ = shapes[int(begin.get("id"))], shapes[int(end.get("id"))]
            glued.add((item_id(pred), item_id(succ)))
            assert element.find(".//" + qn("a:tailEnd")).get("type") == "triangle"
            link = next(x for x in links if (x.pred, x.succ) == (item_id(pred), item_id(succ)))
            finish = link.type in (DependencyType.FINISH_TO_START, DependencyType.FINISH_TO_FINISH)
            start = link.type in (DependencyType.FINISH_TO_START, DependencyType.START_TO_START)
            assert int(begin.get("idx")) == (3 if finish else 1)
            assert int(end.get("idx")) == (1 if start else 3)
        # every dependency with both ends on this slide is drawn, once
        expected = {(x.pred, x.succ) for x in links if x.pred in on_slide and x.succ in on_slide}
        assert glued == expected


def test_bars_stand_in_date_order(demo, demo_decks):
    items, _links, _lanes = plan_of(demo)
    for slide in roadmap_slides(demo_decks["portfolio"]):
        first, last = window_of(title_of(slide))
        bars = [
            (max(items[item_id(s)].start, first), s.left, min(items[item_id(s)].end, last), s)
            for s in slide.shapes
            if s.name.startswith("Bar ")
        ]
        bars.sort(key=lambda b: (b[0], b[1]))
        lefts = [b[1] for b in bars]
        assert lefts == sorted(lefts), title_of(slide)
        # and a bar is as long as its days (clipped to the window), at one scale
        scales = {round(s.width / ((end - start).days + 1)) for start, _x, end, s in bars}
        assert max(scales) - min(scales) <= 2


def test_time_windows_cover_every_item_once_each(demo, demo_decks):
    items, _links, _lanes = plan_of(demo)
    slides = roadmap_slides(demo_decks["portfolio"])
    numbered = [re.search(r"\((\d+) of (\d+)\)", title_of(s)).groups() for s in slides]
    assert [int(n) for n, _ in numbered] == list(range(1, len(slides) + 1))
    seen: dict[tuple[dt.date, dt.date], Counter] = defaultdict(Counter)
    for slide in slides:
        window = window_of(title_of(slide))
        for shape in slide.shapes:
            if item_id(shape) is not None:
                seen[window][item_id(shape)] += 1
                assert alt_text(shape) == items[item_id(shape)].name
    windows = sorted(seen)
    for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
        assert start == end + dt.timedelta(days=1), "windows leave a gap or overlap"
    assert windows[0][0] <= min(i.start for i in items.values())
    assert windows[-1][1] >= max(i.end for i in items.values())
    for window, counts in seen.items():
        first, last = window
        expected = {i.id for i in items.values() if i.start <= last and i.end >= first}
        assert set(counts) == expected, window
        assert set(counts.values()) == {1}, f"an item twice in {window}"


def test_today_line_where_today_is(demo):
    items, _links, _lanes = plan_of(demo)
    ws = Workspace.open(demo)
    try:
        inside = min(i.start for i in items.values()) + dt.timedelta(days=40)
        before = min(i.start for i in items.values()) - dt.timedelta(days=400)
        a = export_deck(ws, demo.parent / "today.pptx", slides=["roadmap"], on=inside)
        b = export_deck(ws, demo.parent / "past.pptx", slides=["roadmap"], on=before)
    finally:
        ws.close()
    marked = 0
    for slide in slides_of(a):
        first, last = window_of(title_of(slide))
        lines = [s for s in slide.shapes if s.name == "Today"]
        assert len(lines) == (1 if first <= inside <= last else 0)
        marked += len(lines)
        if lines:
            assert lines[0].line.dash_style is not None
            legend = {s.name for s in slide.shapes if s.name.startswith("Legend ")}
            assert "Legend today" in legend
    assert marked >= 1
    assert not [s for slide in slides_of(b) for s in slide.shapes if s.name == "Today"]


def test_speaker_notes_go_with_the_first_roadmap_slide(tmp_path, demo):
    path = tmp_path / "notes.pmdesk"
    shutil.copy(demo, path)
    ws = Workspace.open(path)
    try:
        portfolio = ws.service(PortfolioService)
        portfolio.info.update(1, settings={"speaker_notes": {"roadmap": "Say <this> & 路线图"}})
        out = export_deck(ws, tmp_path / "n.pptx", slides=["roadmap", "board"])
    finally:
        ws.close()
    slides = slides_of(out)
    noted = [s for s in slides if s.has_notes_slide and s.notes_slide.notes_text_frame.text]
    board = next(s for s in slides if title_of(s).startswith("Now / next / later"))
    assert noted == [slides[0], board]  # the first slide of each kind, not its continuations
    assert {s.notes_slide.notes_text_frame.text for s in noted} == {"Say <this> & 路线图"}


# -- the board ---------------------------------------------------------------------------------------


def test_board_columns_follow_the_apps_rule(demo, demo_decks):
    items, _links, lanes = plan_of(demo)
    slides = [s for s in slides_of(demo_decks["portfolio"]) if title_of(s).startswith("Now")]
    today = dt.date.today()
    lefts = {}
    found: dict[Horizon, list[int]] = defaultdict(list)
    for slide in slides:
        heads = {
            s.name.split(" ", 1)[1]: s.left for s in slide.shapes if s.name.startswith("Column ")
        }
        lefts = {h: heads[h.label] for h in Horizon}
        for shape in slide.shapes:
            if shape.name.startswith("Card "):
                column = next(h for h, x in lefts.items() if x == shape.left)
                found[column].append(int(shape.name.split()[1]))
    expected: dict[Horizon, list[int]] = defaultdict(list)
    for row in sorted(items.values(), key=lambda r: (r.start, r.name.casefold(), r.id)):
        if not finished(row.status, row.progress):
            expected[effective_horizon(row.horizon, row.start, row.end, today)].append(row.id)
    assert dict(found) == dict(expected)
    # a card wears its lane's colour (the screen's), and names its item as typed
    colours = {}
    for lane in lanes.values():
        siblings = [x for x in lanes.values() if x.product_id == lane.product_id]
        colours[lane.id] = lane_colour(siblings.index(lane), lane.colour).upper()
    for slide in slides:
        for card in (s for s in slide.shapes if s.name.startswith("Card ")):
            row = items[int(card.name.split()[1])]
            assert f"#{card.line.color.rgb}" == colours[row.lane_id]
            assert alt_text(card) == row.name
            first_line = card.text_frame.paragraphs[0].runs[0].text
            assert first_line and row.name.startswith(first_line.rstrip("…"))


# -- empty and extreme workspaces ---------------------------------------------------------------


def test_new_empty_workspace_says_there_is_nothing_yet(tmp_path):
    ws = Workspace.create(tmp_path / "empty.pmdesk", name="Empty")
    try:
        out = export_deck(ws, tmp_path / "empty.pptx", slides=["roadmap", "board"])
        product = ws.service(PortfolioService).create_product(name="New product")
        lone = export_deck(ws, tmp_path / "lone.pptx", product_id=product.id, slides=["roadmap"])
    finally:
        ws.close()
    for path, count in ((out, 2), (lone, 1)):
        slides = slides_of(path)
        assert len(slides) == count
        for slide in slides:
            texts = [s.text_frame.text for s in slide.shapes if s.name == "Nothing yet"]
            assert texts == [EMPTY]
        check_layout(path)


AWKWARD = [
    "<b>not bold</b> & R&D",
    "路线图 产品规划",
    "מפת דרכים לשנה הבאה",
    "Ünïcödé façade 🚀",
    "a < b > c &amp;",
]


def build_awkward(ws, *, huge: bool = True) -> tuple[int, dict[str, int]]:
    portfolio = ws.service(PortfolioService)
    product = portfolio.create_product(name="Ödd <product> & 路线图")
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane <a> & 路线 " * 12, sort_order=0)
    other = roadmap.lanes.create(product_id=product.id, name="מסלול", sort_order=1)
    ids = {}
    start = dt.date(2027, 1, 4)
    for index, name in enumerate(AWKWARD):
        item = roadmap.items.create(
            product_id=product.id,
            lane_id=(lane if index % 2 else other).id,
            name=name,
            kind=ItemKind.MILESTONE if index == 4 else ItemKind.FEATURE,
            start_date=start + dt.timedelta(days=30 * index),
            end_date=start + dt.timedelta(days=30 * index + (0 if index == 4 else 20)),
        )
        ids[name] = item.id
    if huge:  # longer than the app lets a person type: a file written by other means
        long = roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name="Long name",
            kind=ItemKind.FEATURE,
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 3, 1),
        )
        name = "Long name " + "x" * (1 << 20)
        with ws.transaction() as uow:
            uow.session.execute(
                sa.update(RoadmapItem).where(RoadmapItem.id == long.id).values(name=name)
            )
        ids[name] = long.id
    far = roadmap.items.create(
        product_id=product.id,
        lane_id=other.id,
        name="The end of the calendar",
        kind=ItemKind.FEATURE,
        status=ItemStatus.AT_RISK,
        start_date=dt.date(2199, 11, 1),
        end_date=dt.date(2199, 12, 31),
    )
    ids[far.name] = far.id
    with ws.transaction() as uow:  # past the years the app accepts: a file from elsewhere
        uow.session.execute(
            sa.update(RoadmapItem)
            .where(RoadmapItem.id == far.id)
            .values(start_date=dt.date(9999, 11, 1), end_date=dt.date(9999, 12, 31))
        )
    roadmap.dependencies.create(
        predecessor_id=ids[AWKWARD[0]],
        successor_id=ids[AWKWARD[1]],
        type=DependencyType.FINISH_TO_START,
    )
    return product.id, ids


def test_awkward_names_and_the_last_year_exactly_as_typed(tmp_path):
    ws = Workspace.create(tmp_path / "odd.pmdesk", name="Odd & <co>")
    try:
        product_id, ids = build_awkward(ws)
        started = time.perf_counter()
        out = export_deck(
            ws, tmp_path / "odd.pptx", product_id=product_id, slides=["roadmap", "board"],
            on=dt.date(9999, 12, 1),
        )  # fmt: skip
    finally:
        ws.close()
    assert time.perf_counter() - started < 10  # a megabyte name among them
    slides = slides_of(out)
    check_layout(out)
    by_id = defaultdict(list)
    labels = defaultdict(list)
    for slide in slides:
        for shape in slide.shapes:
            if item_id(shape) is not None:
                by_id[item_id(shape)].append(shape)
            if shape.name.startswith("Label "):
                labels[int(shape.name.split()[1])].append(shape.text_frame.text)
    for name, found in ids.items():
        assert by_id[found], f"{name[:40]!r} has no shape"
        assert {alt_text(s) for s in by_id[found]} == {name}
        shown = [s.text_frame.text for s in by_id[found] if s.text_frame.text] + labels[found]
        if len(name) < 100:
            assert name in shown, f"{name!r} not shown as typed: {shown}"
        else:
            assert shown and all(name.startswith(t.rstrip("¹").rstrip("…")) for t in shown)
    # the megabyte name: its beginning and a mark on the slide, whole in the speaker notes
    assert check_names_whole(out) >= 1
    huge = next(name for name in ids if len(name) > 1000)
    noted = [s for s in slides if s.has_notes_slide and huge in s.notes_slide.notes_text_frame.text]
    assert noted and all(title_of(s).startswith("Roadmap") for s in noted)
    titles = [title_of(s) for s in slides]
    assert any("9999" in t for t in titles)
    last = next(s for s in slides if "Dec 9999" in title_of(s) or "9999" in title_of(s))
    assert [s for s in last.shapes if s.name == "Today"]
    cards = {alt_text(s) for slide in slides for s in slide.shapes if s.name.startswith("Card ")}
    assert set(ids) <= cards
    lanes = {
        alt_text(s) for slide in slides for s in slide.shapes if s.name.startswith("Lane name")
    }
    assert lanes == {"Lane <a> & 路线 " * 12, "מסלול"}


@pytest.mark.slow
def test_a_two_thousand_item_roadmap_is_made(tmp_path):
    from pmdesk.store.generate import create_large

    path = create_large(
        tmp_path / "large.pmdesk",
        items=2000,
        dependencies=1500,
        lanes=40,
        today=dt.date(2026, 12, 4),
    )
    ws = Workspace.open(path)
    try:
        out = export_deck(ws, tmp_path / "large.pptx", slides=["roadmap"], on=dt.date(2026, 12, 4))
        (product,) = ws.service(PortfolioService).list_products()
        items = ws.service(RoadmapQueries).item_rows(product.id)
    finally:
        ws.close()
    slides = slides_of(out)
    drawn = {item_id(s) for slide in slides for s in slide.shapes if item_id(s) is not None}
    assert drawn == {i.id for i in items}
    rows_per_slide = [
        len({s.top for s in slide.shapes if item_id(s) is not None}) for slide in slides
    ]
    assert max(rows_per_slide) <= 24
    # crowded rows at the windows' edges: every name still whole on its slide or in its key
    assert check_names_whole(out) > 100
    check_layout(out)


# -- LibreOffice -------------------------------------------------------------------------------------


@needs_office
def test_libreoffice_converts_the_decks(demo_decks):
    for name, path in demo_decks.items():
        pdf = convert(path, "pdf")
        pages = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        count = int(re.search(r"Pages:\s+(\d+)", pages).group(1))
        assert count == len(slides_of(path)), name
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", str(pdf), str(pdf.with_suffix(""))], check=True
            )


def test_cancel_while_the_roadmap_is_drawn_leaves_no_file(demo, tmp_path):
    from pmdesk.exchange.deck import ExportCancelled

    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 12  # past the set-up, in the middle of the roadmap's slides

    ws = Workspace.open(demo)
    try:
        with pytest.raises(ExportCancelled):
            export_deck(
                ws, tmp_path / "stop.pptx", slides=["roadmap", "board"], cancelled=cancelled
            )
    finally:
        ws.close()
    assert len(asked) == 13
    assert not list(tmp_path.iterdir())


def test_an_item_running_to_the_year_9999_takes_a_bounded_number_of_slides(tmp_path):
    ws = Workspace.create(tmp_path / "long.pmdesk", name="Long")
    try:
        product = ws.service(PortfolioService).create_product(name="Forever")
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=product.id, name="Always", sort_order=0)
        item = roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name="Maintenance, for ever",
            kind=ItemKind.INITIATIVE,
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2028, 1, 1),
        )
        with ws.transaction() as uow:  # past the years the app accepts: a file from elsewhere
            uow.session.execute(
                sa.update(RoadmapItem)
                .where(RoadmapItem.id == item.id)
                .values(end_date=dt.date(9999, 12, 31))
            )
        out = export_deck(ws, tmp_path / "long.pptx", product_id=product.id, slides=["roadmap"])
    finally:
        ws.close()
    slides = slides_of(out)
    assert 1 < len(slides) <= 24
    spans = [window_of(title_of(s)) for s in slides]
    assert spans[0][0] == dt.date(2027, 1, 1) and spans[-1][1] == dt.date(9999, 12, 31)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start == end + dt.timedelta(days=1)
    for slide in slides:
        assert [s for s in slide.shapes if item_id(s) == item.id]
        assert len(slide.shapes) < 200
    check_layout(out)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (dt.date(2026, 6, 3), dt.date(2028, 6, 1)),  # the demo portfolio's plan
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2020, 5, 17), dt.date(2031, 2, 2)),
        (dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    ],
)
def test_time_windows_are_few_readable_whole_months(first, last):
    from pmdesk.exchange.deck.roadmap import MAX_WINDOWS, READABLE_PT_PER_DAY, windows

    room = 738.0
    cuts = windows(first, last, room)
    assert cuts[0][0] == first.replace(day=1)
    assert cuts[-1][1] >= last
    assert cuts[-1][1] == dt.date.max or (cuts[-1][1] + dt.timedelta(days=1)).day == 1
    for (_, end), (start, _) in zip(cuts, cuts[1:], strict=False):
        assert start == end + dt.timedelta(days=1) and start.day == 1
    days = (cuts[-1][1] - cuts[0][0]).days + 1
    most = max(room / READABLE_PT_PER_DAY, days / MAX_WINDOWS)
    assert len(cuts) <= min(MAX_WINDOWS, -(-days // most))  # no stray short window
    if len(cuts) < MAX_WINDOWS:
        assert all((end - start).days + 1 <= most + 31 for start, end in cuts)


def test_a_label_beside_its_bar_never_runs_into_another(demo_decks):
    for path in demo_decks.values():
        for slide in roadmap_slides(path):
            marks = [s for s in slide.shapes if item_id(s) is not None]
            for label in (s for s in slide.shapes if s.name.startswith("Label ")):
                own = int(label.name.split()[1])
                middle = label.top + label.height // 2
                for mark in marks:
                    if item_id(mark) == own or not mark.top <= middle <= mark.top + mark.height:
                        continue
                    apart = (
                        label.left + label.width <= mark.left + EMU_PT
                        or mark.left + mark.width <= label.left + EMU_PT
                    )
                    assert apart, f"{title_of(slide)}: {label.text_frame.text!r} over {mark.name}"


def test_the_roadmap_counts_as_one_step_of_the_decks_progress(demo, tmp_path, monkeypatch):
    from pmdesk.exchange.deck import title

    reports: list[tuple[int, int]] = []
    seen_by_title: list[tuple[int, int]] = []
    add_title = title.add_title

    def watched(deck, job):
        seen_by_title.append(reports[-1])
        add_title(deck, job)

    monkeypatch.setattr(title, "add_title", watched)
    ws = Workspace.open(demo)
    try:
        export_deck(
            ws, tmp_path / "p.pptx", slides=["roadmap", "title"],
            progress=lambda done, total: reports.append((done, total)),
        )  # fmt: skip
    finally:
        ws.close()
    total = reports[-1][1]
    slides = len(slides_of(tmp_path / "p.pptx")) - 1
    # a step per roadmap slide and one for the kind, none of the poster reader's own
    assert seen_by_title == [(slides + 1, total)]
    assert total == 1 + 3 + slides
    assert reports[-1] == (total, total)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


# -- names shortened on a slide are whole in its key --------------------------------------------


def test_demo_names_are_whole_on_every_roadmap_slide(demo, demo_decks, tmp_path):
    ws = Workspace.open(demo)
    try:
        pulse = next(
            p for p in ws.service(PortfolioService).list_products() if p.name == "Pulse Cloud"
        )
        pulse_deck = export_deck(
            ws, tmp_path / "pulse.pptx", product_id=pulse.id, slides=["roadmap"]
        )
    finally:
        ws.close()
    for path in (demo_decks["portfolio"], demo_decks["product"], pulse_deck):
        check_layout(path)
        assert check_names_whole(path) >= 3, path.name
        # the demo's keys fit under their charts: no slide only to carry one on
        assert not [s for s in slides_of(path) if "names in full" in title_of(s)]
        for slide in roadmap_slides(path):
            keys = [s for s in slide.shapes if s.name == "Names in full"]
            if not keys:
                continue
            legend = max(s.top + s.height for s in slide.shapes if s.name.startswith("Legend"))
            rows = max(s.top + s.height for s in slide.shapes if s.name.startswith("Lane "))
            assert all(key.top >= legend >= rows for key in keys)  # under the chart's legend
            sizes = {r.font.size.pt for k in keys for p in k.text_frame.paragraphs for r in p.runs}
            assert sizes == {11.0}


def build_crowded(ws, count: int = 40) -> int:
    """One lane of many short items with long names, side by side and overlapping."""
    product = ws.service(PortfolioService).create_product(name="Crowded")
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Everything", sort_order=0)
    start = dt.date(2027, 1, 4)
    for index in range(count):
        words = " ".join(f"word{index}-{k} & <b>" for k in range(8 + index % 25))
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"Item {index}: {words}"[:300],
            kind=ItemKind.MILESTONE if index % 7 == 3 else ItemKind.FEATURE,
            start_date=start + dt.timedelta(days=3 * index),
            end_date=start + dt.timedelta(days=3 * index + (0 if index % 7 == 3 else 5)),
        )
    return product.id


def test_a_crowded_lane_keeps_every_name_whole(tmp_path):
    ws = Workspace.create(tmp_path / "crowded.pmdesk", name="Crowded")
    try:
        product_id = build_crowded(ws, 60)
        out = export_deck(ws, tmp_path / "crowded.pptx", product_id=product_id, slides=["roadmap"])
    finally:
        ws.close()
    check_layout(out)
    assert check_names_whole(out) >= 30
    slides = slides_of(out)
    for slide in slides:
        for shape in slide.shapes:
            if shape.name in ("Names in full", "Key title"):
                for paragraph in shape.text_frame.paragraphs:
                    assert all(run.font.size.pt >= 10 for run in paragraph.runs)
    # the keys too long for their slides go on, on slides of their own, right after them
    carried = [s for s in slides if "names in full" in title_of(s)]
    for slide in carried:
        assert [s for s in slide.shapes if s.name == "Names in full"]
        assert not [s for s in slide.shapes if item_id(s) is not None]
    assert carried
    for number, slide in enumerate(slides):
        if "names in full" in title_of(slide):
            before = slides[number - 1]
            assert title_of(slide).startswith(title_of(before).split(" — names in full")[0])
            # the key went on only once the slide before was full at its smallest size
            title = next(s for s in before.shapes if s.name == "Key title")
            assert title.text_frame.text.endswith("more on the next slide")
            sizes = {
                run.font.size.pt
                for key in before.shapes
                if key.name == "Names in full"
                for paragraph in key.text_frame.paragraphs
                for run in paragraph.runs
            }
            assert sizes == {10.0}
    # every item is shown, once in each of its windows
    drawn = Counter(item_id(s) for slide in slides for s in slide.shapes if item_id(s))
    assert len(drawn) == 60


def test_a_key_entry_taller_than_a_slide_goes_to_the_speaker_notes(tmp_path):
    """However the key is measured, an entry no slide holds ends in the notes: no
    endless run of slides."""
    from pmdesk.exchange.deck.base import BODY, Deck, Footer
    from pmdesk.exchange.deck.roadmap import Entry, _key_slides

    deck = Deck(Footer("Key", dt.date(2027, 1, 1)))
    slide, body = deck.slide("Roadmap — Jan 2027")
    huge = "word " * 6000
    entries = [Entry("¹", "Short name", False), Entry("²", huge, False)]
    box = type(BODY)(body.x, body.bottom - 200_000, body.w, 200_000)
    _key_slides(deck, slide, "Roadmap — Jan 2027", box, entries)
    deck.save(tmp_path / "key.pptx")
    slides = slides_of(tmp_path / "key.pptx")
    assert [title_of(s) for s in slides] == [
        "Roadmap — Jan 2027",
        "Roadmap — Jan 2027 — names in full",
    ]
    texts = [p.text for s in slides for k in s.shapes if k.name == "Names in full"
             for p in k.text_frame.paragraphs]  # fmt: skip
    assert texts == [
        "¹ Short name",
        "² (name too long for a slide — in full in the speaker notes)",
    ]
    assert huge in slides[1].notes_slide.notes_text_frame.text
    check_layout(tmp_path / "key.pptx")


def test_a_lane_name_is_marked_only_when_letters_are_left_out():
    from reportlab.lib.colors import HexColor

    from pmdesk.exchange.deck.roadmap import Plan, lane_lines
    from pmdesk.exchange.pdf.gantt import ChartData, ChartLane

    long_word = ChartLane(1, "Überlangerfahrplanabschnittsname" * 2, HexColor("#336699"))
    many = ChartLane(2, "Lane <a> & 路线 " * 12, HexColor("#336699"))
    plan = Plan(ChartData([long_word, many], [], []), {2: "Ödd <product>"}, {})
    _note, lines, _size, short = lane_lines(plan, long_word, 200)
    assert len(lines) > 1 and not short  # broken inside the word, every letter kept
    assert lane_lines(plan, many, 200)[3] is False
    note, lines, size, short = lane_lines(plan, many, 40)
    assert short and lines[-1].endswith("…") and note == ["Ödd <product>"] and size == 10


def test_a_board_card_shows_the_longest_name_the_app_accepts_whole(tmp_path):
    """Three hundred characters (the app's limit for a name) on a card: every word of it."""
    ws = Workspace.create(tmp_path / "long.pmdesk", name="Long names")
    product = ws.service(PortfolioService).create_product(name="Longform")
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane", sort_order=0)
    name = ("Migrate every <tenant> & 路线图 dashboard to the new data service " * 5)[:300].strip()
    roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name=name,
        kind=ItemKind.FEATURE,
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 2, 4),
    )
    out = export_deck(ws, tmp_path / "board.pptx", product_id=product.id, slides=["board"])
    ws.close()
    texts = [
        " ".join(shape.text_frame.text.split())  # a card's lines are its paragraphs
        for slide in slides_of(out)
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any(text.startswith(name) for text in texts)
    assert not any(text.endswith("…") for text in texts)
    check_layout(out)


# -- the time scale ---------------------------------------------------------------------------

SAYS_YEAR = re.compile(r"\b\d{4}\b|’\d\d\b")


def scale_tiers(slide) -> tuple[list[str], list[str], float]:
    """The time scale's upper (bold) and lower tier's names, left to right, and its width
    in points (the tiers' backdrop)."""
    names = sorted((s for s in slide.shapes if s.name == "Time scale"), key=lambda s: s.left)
    tops = {s.top for s in names}
    backdrop = max(
        (s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and s.top in tops),
        key=lambda s: s.width,
    )
    upper, lower = [], []
    for shape in names:
        bold = shape.text_frame.paragraphs[0].runs[0].font.bold
        (upper if bold else lower).append(shape.text_frame.text)
    return upper, lower, backdrop.width / EMU_PT


def roadmap_from(ws, first: dt.date, last: dt.date) -> int:
    """A new product whose roadmap runs from ``first`` to ``last`` (a file's year 9999
    written past the app's checks)."""
    product = ws.service(PortfolioService).create_product(name=f"From {first}")
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Plan", sort_order=0)
    for start in (first, min(last, dt.date(2199, 12, 31)) - dt.timedelta(days=3)):
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"From {start}",
            kind=ItemKind.FEATURE,
            start_date=start,
            end_date=start + dt.timedelta(days=3),
        )
    if last.year > 2199:
        with ws.transaction() as uow:
            uow.session.execute(
                sa.update(RoadmapItem)
                .where(RoadmapItem.product_id == product.id, RoadmapItem.name == f"From {start}")
                .values(end_date=last)
            )
    return product.id


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (dt.date(2026, 12, 20), dt.date(2027, 1, 6)),  # weeks under months, over New Year
        (dt.date(2026, 11, 3), dt.date(2027, 3, 20)),
        (dt.date(2026, 3, 1), dt.date(2029, 8, 1)),  # months under quarters
        (dt.date(1900, 1, 1), dt.date(2199, 12, 31)),  # the years a file may hold
        (dt.date(2027, 1, 1), dt.date(9999, 12, 31)),  # a year one in twenty
    ],
)
def test_every_roadmap_slide_names_its_years_once(tmp_path, first, last):
    """The screen's and the poster's rules on slides: every year a slide has room for is
    named, never twice in one name, and not again under a tier that names it."""
    ws = Workspace.create(tmp_path / "years.pmdesk", name="Years")
    try:
        product = roadmap_from(ws, first, last)
        out = export_deck(ws, tmp_path / "years.pptx", product_id=product, slides=["roadmap"])
    finally:
        ws.close()
    for slide in slides_of(out):
        start, end = window_of(title_of(slide))
        end = min(end, last)
        upper, lower, width = scale_tiers(slide)
        px = width / ((end - start).days + 1)
        text = " ".join(upper + lower)
        assert SAYS_YEAR.search(text), (title_of(slide), upper, lower)
        for year in range(start.year, end.year + 1):
            shown = min(end, dt.date(year, 12, 31)) - max(start, dt.date(year, 1, 1))
            if (shown.days + 1) * px < text_width(f"Sep {year}", 11, True) + 8:
                continue  # a sliver of a year at the window's edge: the next slide names it
            assert str(year) in text or f"’{year % 100:02d}" in text, (title_of(slide), year)
        for name in upper + lower:
            assert len(SAYS_YEAR.findall(name)) <= 1, name
        if any(SAYS_YEAR.search(name) for name in upper):
            assert not any(SAYS_YEAR.search(name) for name in lower), (upper, lower)
    check_layout(out)


def test_the_demo_slides_name_their_periods_as_the_screen_and_the_poster_do(demo_decks):
    # Under quarters that say their year the months are bare and short, Jul under Q3 2026,
    # as the Roadmap view and the poster show them; each slide says which years it shows.
    months = set(calendar.month_abbr[1:])
    for path in demo_decks.values():
        for slide in slides_of(path):
            if not title_of(slide).startswith("Roadmap"):
                continue
            upper, lower, _width = scale_tiers(slide)
            assert upper and all(re.fullmatch(r"Q[1-4] \d{4}", name) for name in upper), upper
            assert lower and set(lower) <= months, lower


def test_a_year_one_in_twenty_is_named_on_the_twenties(tmp_path):
    # A plan to the year 9999: each slide's years go twenty at a time, from 2040, 2060…
    # (the first period begins before the slide, as any period may), never 2027 between.
    ws = Workspace.create(tmp_path / "long.pmdesk", name="Long")
    try:
        product = roadmap_from(ws, dt.date(2027, 1, 1), dt.date(9999, 12, 31))
        out = export_deck(ws, tmp_path / "long.pptx", product_id=product, slides=["roadmap"])
    finally:
        ws.close()
    for slide in slides_of(out):
        upper, lower, _width = scale_tiers(slide)
        years = [int(name) for name in upper + lower]
        assert len(years) >= 10 and all(year % 20 == 0 for year in years), years
        assert years == sorted(years)


@pytest.mark.parametrize("new", [False, True])  # the demo, and a new workspace's first plan
@pytest.mark.parametrize(
    "today", [dt.date(2026, 12, 2), dt.date(2026, 12, 16), dt.date(2026, 12, 30)]
)
def test_no_period_name_is_under_the_today_tag(demo, tmp_path, today, new):
    # The tag sits in the lower tier: the month it covers is named beside it, or not at all
    # where it has no room there ("Dec" half hidden read "ec").
    if new:
        ws = Workspace.create(tmp_path / "new.pmdesk", name="New")
        product = roadmap_from(ws, dt.date(2026, 9, 14), dt.date(2027, 5, 20))
    else:
        ws = Workspace.open(demo, read_only=True)
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
    try:
        out = export_deck(
            ws, tmp_path / "today.pptx", product_id=product, slides=["roadmap"], on=today
        )
    finally:
        ws.close()
    slides = [s for s in slides_of(out) if any(x.name == "Today tag" for x in s.shapes)]
    assert slides
    for slide in slides:
        (tag,) = [s for s in slide.shapes if s.name == "Today tag"]
        names = [s for s in slide.shapes if s.name == "Time scale" and s.top > tag.top - 6 * EMU_PT]
        assert len(names) >= 6
        for name in names:
            half = text_width(name.text_frame.text, 11, False) * EMU_PT / 2
            middle = name.left + name.width / 2
            clear = middle + half <= tag.left or middle - half >= tag.left + tag.width
            assert clear, (today, name.text_frame.text)
        if today.day in (2, 30):  # the tag at the month's edge leaves it room for its name
            assert f"{today:%b}" in [name.text_frame.text for name in names]


def test_a_week_the_slide_cuts_takes_a_shorter_name_of_its_own(tmp_path):
    # The slide begins on 1 December, inside the week of 30 November: "W49" for it, where
    # the whole weeks read "W50 · 7 Dec" (nothing there before; "W4…" never).
    ws = Workspace.create(tmp_path / "weeks.pmdesk", name="Weeks")
    try:
        product = roadmap_from(ws, dt.date(2026, 12, 20), dt.date(2027, 1, 6))
        out = export_deck(
            ws,
            tmp_path / "weeks.pptx",
            product_id=product,
            slides=["roadmap"],
            on=dt.date(2026, 6, 1),
        )
    finally:
        ws.close()
    (slide,) = slides_of(out)
    upper, lower, _width = scale_tiers(slide)
    assert upper == ["December 2026", "January 2027"]
    assert lower[:3] == ["W49", "W50 · 7 Dec", "W51 · 14 Dec"]
    check_layout(out)
