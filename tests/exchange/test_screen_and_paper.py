"""The screen and the PDFs draw the same names, colours and glyphs (one source: core.palette).

Each test reads what the screen's renderer and the paper's renderer actually
draw — the items in the map's scene, the shapes and text a QPainter is asked
to draw, the shapes in the reportlab Drawing, the text of an exported PDF — and
compares them, so a colour, a quadrant name or a bar's place changed on one
side only fails here.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPalette
from reportlab.graphics.shapes import Circle, Polygon, Rect
from reportlab.pdfbase import pdfmetrics

from pmdesk.core import palette
from pmdesk.core.enums import Attitude, MoSCoW, Quadrant
from pmdesk.core.scoring import QUADRANTS
from pmdesk.exchange.pdf import charts, export_pdf, stakeholders, theme
from pmdesk.store.services import PortfolioService, RequirementService, StakeholderService


def _hex(colour) -> str:
    """A Qt or reportlab colour as #RRGGBB."""
    if isinstance(colour, QColor):
        return colour.name().upper()
    return "#" + colour.hexval()[2:].upper()


def _product(ws, name: str = "Pulse Cloud"):
    return ws.service(PortfolioService).product_by_name(name)


@pytest.fixture
def light_palette(qapp) -> QPalette:
    """A light theme whose accent is the paper's navy: both sides then tint alike."""
    pal = QPalette(qapp.palette())
    pal.setColor(QPalette.ColorRole.Base, QColor("#FFFFFF"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(_hex(theme.PRIMARY)))
    return pal


@pytest.fixture
def screen_map(demo, light_palette, qapp):
    """The screen's stakeholder map scene, drawn for the demo's Pulse Cloud."""
    from pmdesk.gui.stakemap.scene import MapScene

    people = demo.service(StakeholderService).stakeholders_of(_product(demo).id)
    scene = MapScene()
    scene.configure(QSizeF(1000, 700), QFont(qapp.font()), light_palette)
    scene.set_people(people, {})
    return scene, people


def _outline(path: QPainterPath) -> list[tuple[float, float]]:
    return [
        (round(path.elementAt(i).x, 3), round(path.elementAt(i).y, 3))
        for i in range(path.elementCount())
    ]


# -- stakeholders: attitude colours and glyphs ---------------------------------------------------


def test_tokens_have_the_same_colour_per_attitude_on_screen_and_paper(demo, screen_map):
    scene, people = screen_map
    by_id = {p.id: p for p in people}
    screen = {
        by_id[pid].attitude: _hex(token.brush().color()) for pid, token in scene.tokens.items()
    }
    drawing, _ = stakeholders.power_interest_grid(people, 700, 500)
    token_fills = {
        _hex(s.fillColor)
        for s in drawing.contents
        if isinstance(s, Circle | Polygon | Rect) and s.fillColor is not None
    }
    assert len(set(screen)) >= 3  # the demo shows several attitudes
    for attitude, colour in screen.items():
        assert colour == palette.ATTITUDE_COLOURS[attitude]
        assert colour in token_fills
        assert _hex(theme.ATTITUDE_COLOURS[attitude]) == colour
    assert "#1E7F4F" not in token_fills and "#6BAA3A" not in token_fills  # the old red/green


@pytest.mark.parametrize("attitude", list(Attitude))
def test_each_attitude_has_the_same_glyph_on_screen_and_paper(attitude):
    from pmdesk.gui.stakemap.style import GLYPH_NAMES, glyph_path

    name = GLYPH_NAMES[attitude]
    assert name == palette.GLYPH_NAMES[attitude]
    screen = glyph_path(attitude, 10.0)
    paper = charts.glyph(name, 0.0, 0.0, 10.0, theme.ATTITUDE_COLOURS[attitude])
    if name == "circle":
        assert isinstance(paper, Circle) and paper.r == 10.0
        assert screen.boundingRect().width() == pytest.approx(20.0)
    elif name == "square":
        assert isinstance(paper, Rect)
        assert screen.boundingRect().width() == pytest.approx(paper.width)
    else:
        assert isinstance(paper, Polygon)
        corners = list(zip(paper.points[::2], paper.points[1::2], strict=True))
        flipped = [(round(x, 3), round(-y, 3)) for x, y in corners]  # paper's y grows upwards
        assert _outline(screen)[: len(flipped)] == flipped


def test_the_printed_legend_shows_each_attitudes_glyph_and_colour():
    entries = [(theme.ATTITUDE_COLOURS[a], a.label, palette.GLYPH_NAMES[a]) for a in Attitude]
    drawing = charts.legend_row(entries, 500)
    shapes = [s for s in drawing.contents if isinstance(s, Circle | Polygon | Rect)]
    assert [type(s) for s in shapes] == [Polygon, Polygon, Circle, Polygon, Rect]
    assert [_hex(s.fillColor) for s in shapes] == [palette.ATTITUDE_COLOURS[a] for a in Attitude]


# -- stakeholders: the quadrants ------------------------------------------------------------------


def test_map_quadrants_have_the_same_names_and_tints_on_screen_and_paper(demo, screen_map):
    from pmdesk.gui.stakemap.style import quadrant_fill

    scene, people = screen_map
    texts = " ".join(
        item.text for item in scene.items() if hasattr(item, "text") and isinstance(item.text, str)
    )
    drawing, _ = stakeholders.power_interest_grid(people, 700, 500)
    paper_fills = [
        _hex(s.fillColor) for s in drawing.contents if isinstance(s, Rect) and s.width > 100
    ]
    for quad in Quadrant:
        name = palette.QUADRANT_NAMES[quad].upper()
        assert name in texts
        assert name in _drawing_text(drawing)
        screen_fill = _hex(quadrant_fill(quad, scene._palette))
        assert screen_fill == _hex(stakeholders.quadrant_colour(quad))
        assert screen_fill in paper_fills


def _drawing_text(drawing) -> str:
    out = []

    def walk(node) -> None:
        for child in getattr(node, "contents", []):
            if hasattr(child, "text"):
                out.append(child.text)
            walk(child)

    walk(drawing)
    return " ".join(out)


# -- requirements: priority colours and value-vs-effort ------------------------------------------


def test_priority_colours_are_the_same_on_the_chart_and_in_the_spec(qapp):
    from pmdesk.gui.requirements.chart import MOSCOW_COLOURS as SCREEN

    for moscow in MoSCoW:
        assert SCREEN[moscow].upper() == palette.MOSCOW_COLOURS[moscow]
        assert _hex(theme.MOSCOW_COLOURS[moscow]) == palette.MOSCOW_COLOURS[moscow]


def _chart(qtbot, points):
    from pmdesk.gui.requirements.chart import ValueEffortChart

    chart = ValueEffortChart()
    qtbot.addWidget(chart)
    chart.resize(900, 560)
    chart.show()
    chart.set_points(points)
    qtbot.waitUntil(chart.plot.isVisible)
    return chart


def test_value_effort_quadrants_have_the_same_names_tint_and_splits(demo, qtbot):
    points = demo.service(RequirementService).chart_points(_product(demo).id)
    chart = _chart(qtbot, points)
    screen_names = {label.textItem.toPlainText() for label in chart.labels.values()}
    assert screen_names == set(QUADRANTS.values()) == set(palette.VALUE_EFFORT_CORNERS)
    assert "Money pits" not in screen_names
    base = chart.palette().color(QPalette.ColorRole.Base).name()
    tinted = {name for name, tint in chart.tints.items() if tint.isVisible()}
    assert tinted == set(palette.VALUE_EFFORT_TINTS)
    for name in tinted:
        assert _hex(chart.tints[name].brush().color()) == palette.value_effort_fill(name, base)
    drawing = charts.scatter(
        [charts.Point(p.ref, p.effort, p.value, theme.MOSCOW_COLOURS[p.moscow]) for p in points],
        500,
        220,
        x_title="Effort",
        y_title="Value",
    )
    paper_text = _drawing_text(drawing)
    for name in QUADRANTS.values():
        assert name.upper() in paper_text
    fills = {_hex(s.fillColor) for s in drawing.contents if isinstance(s, Rect) and s.fillColor}
    assert palette.value_effort_fill(palette.QUICK_WINS, "#FFFFFF") in fills
    dot_fills = {_hex(s.fillColor) for s in drawing.contents if isinstance(s, Circle)}
    screen_brushes = {_hex(spot.brush().color()) for spot in chart.scatter.points()}
    assert dot_fills == screen_brushes


def test_the_exported_spec_names_the_quadrants_as_the_screen_does(demo, tmp_path, read_pdf):
    out = export_pdf(demo, "spec", tmp_path / "spec.pdf", product_id=_product(demo).id)
    text = read_pdf.text(out)
    for name in QUADRANTS.values():
        assert name.upper() in text
    assert "MONEY PITS" not in text


def test_the_printed_stakeholder_map_names_quadrants_as_the_screen(demo, tmp_path, read_pdf):
    out = export_pdf(demo, "stakeholders", tmp_path / "map.pdf", product_id=_product(demo).id)
    text = read_pdf.text(out)
    for quad in Quadrant:
        assert palette.QUADRANT_NAMES[quad].upper() in text
    for attitude in Attitude:
        assert attitude.label in text


# -- point labels ---------------------------------------------------------------------------------


def test_points_are_labelled_with_their_ref_where_labels_do_not_overlap(demo, qtbot):
    points = demo.service(RequirementService).chart_points(_product(demo).id)
    chart = _chart(qtbot, points)
    qtbot.waitUntil(lambda: len(chart.visible_point_labels()) > len(points) // 2)
    shown = chart.visible_point_labels()
    refs = {p.id: p.ref for p in points}
    for key in shown:
        assert chart.point_labels[key].textItem.toPlainText() == refs[key]
    boxes = list(shown.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.intersects(b)
    bounds = chart.plot.getViewBox().sceneBoundingRect()
    assert all(bounds.adjusted(-1, -1, 1, 1).contains(box) for box in boxes)


def test_paper_points_are_labelled_with_their_ref_without_overlaps(demo):
    points = demo.service(RequirementService).chart_points(_product(demo).id)
    drawing = charts.scatter(
        [charts.Point(p.ref, p.effort, p.value, theme.MOSCOW_COLOURS[p.moscow]) for p in points],
        500,
        220,
        x_title="Effort",
        y_title="Value",
    )
    text = _drawing_text(drawing)
    labelled = [p.ref for p in points if p.ref in text.split()]
    assert len(labelled) > len(points) // 2


# -- wording ----------------------------------------------------------------------------------------


def test_the_backlog_summary_and_the_spec_count_one_requirement_alike(tmp_path, qtbot, read_pdf):
    from pmdesk.core.enums import MoSCoW
    from pmdesk.gui.context import AppContext
    from pmdesk.gui.requirements import RequirementsView
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
    ctx = AppContext(ws)
    view = RequirementsView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.set_product(product.id)
    qtbot.waitUntil(lambda: "1 requirement" in view.summary.text())
    assert "1 requirements" not in view.summary.text()
    assert view.summary.text().startswith("1 requirement · 1 must-have ·")
    text = read_pdf.text(export_pdf(ws, "spec", tmp_path / "spec.pdf", product_id=product.id))
    assert "1 requirements" not in text and "1 person-months" not in text
    view.close()
    ctx.close()
    ws.close()


# -- emoji ------------------------------------------------------------------------------------------


_EMOJI_ON_SCREEN = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel
from pmdesk.gui.app import application

app = application()  # what pmdesk does at start


def drawn(text):
    label = QLabel(text)
    label.resize(80, 40)
    label.show()
    app.processEvents()
    return label.grab().toImage()


# A private character no font has is drawn as Qt's box; the rocket must not be.
print("Symbola" in QFontDatabase.families(), drawn("\U0010fffd") != drawn("🚀"))
"""


def test_the_screen_draws_emoji_with_the_font_the_pdfs_embed():
    """In a process of its own: the font, once added, would change other tests' layouts."""
    import subprocess
    import sys

    from reportlab.pdfbase import pdfmetrics

    from pmdesk.exchange.pdf.fonts import EMOJI, register
    from pmdesk.gui.app import EMOJI_FONT

    register()
    assert pdfmetrics.getFont(EMOJI).face.filename.endswith(EMOJI_FONT)
    result = subprocess.run(
        [sys.executable, "-c", _EMOJI_ON_SCREEN], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["True", "True"], result.stderr


# -- the RACI matrix ----------------------------------------------------------------------------------


def test_raci_cells_have_the_same_fill_and_letter_colour_on_screen_and_paper(demo):
    from reportlab.platypus import Table

    from pmdesk.core.enums import RaciActivity, RaciRole
    from pmdesk.exchange.pdf.job import Job
    from pmdesk.exchange.pdf.options import PdfOptions, Progress
    from pmdesk.exchange.pdf.template import Numbering
    from pmdesk.gui.stakemap.raci import RaciModel
    from pmdesk.store.services.stakeholders import ActivityRow

    roles = list(RaciRole)
    model = RaciModel(lambda *_args: True)
    key = (RaciActivity.SPEC_SIGNOFF, None)
    model.set_data(
        [ActivityRow(key, "Sign-off", "Specification")],
        [(n, f"P{n}", "") for n in range(len(roles))],
        {(key, n): role for n, role in enumerate(roles)},
    )
    screen = {}
    for n, role in enumerate(roles):
        index = model.index(0, n)
        screen[role] = (
            _hex(model.data(index, Qt.ItemDataRole.BackgroundRole).color()),
            _hex(model.data(index, Qt.ItemDataRole.ForegroundRole).color()),
        )
    product = _product(demo)
    job = Job(demo, PdfOptions(), Progress(None, None), product, (595.0, 842.0))
    people = demo.service(StakeholderService).stakeholders_of(product.id)
    matrix = next(f for f in stakeholders._raci(job, people, Numbering()) if isinstance(f, Table))
    paper = {}
    for row, cells in enumerate(matrix._cellvalues[1:], start=1):
        for col, text in enumerate(cells[1:-1], start=1):
            if text in {r.value for r in roles}:
                fill = next(
                    _hex(c[3])
                    for c in matrix._bkgrndcmds
                    if c[0] == "BACKGROUND" and c[1] == (col, row)
                )
                paper.setdefault(RaciRole(text), fill)
    for role in roles:
        assert screen[role][0] == palette.RACI_COLOURS[role]
        assert screen[role][1] == palette.raci_ink(role)
        if role in paper:
            assert paper[role] == screen[role][0]
    assert len(paper) >= 3


def test_launch_tasks_have_the_same_status_colours_in_the_lane_and_the_launch_plan():
    from pmdesk.core.enums import TaskStatus
    from pmdesk.gui.gantt.launch_lane import STATUS_COLOURS as LANE

    for status in TaskStatus:
        assert _hex(LANE[status]) == palette.TASK_STATUS_COLOURS[status]
        assert _hex(theme.TASK_STATUS_COLOURS[status]) == palette.TASK_STATUS_COLOURS[status]


# -- the roadmap: bars, milestones, lane colours and labels ---------------------------------------

SCREEN_ZOOM = 3.0  # px a day: wide enough for most of the demo's names to be written whole


def _recording_painter():
    """A real QPainter (it paints) that also notes each shape, with its brush, and each text."""
    from typing import override

    from PySide6.QtGui import QPainter

    class Recording(QPainter):
        def __init__(self, device) -> None:
            super().__init__(device)
            self.shapes: list[tuple[str, tuple[float, float, float, float], str]] = []
            self.texts: list[tuple[float, float, float, str]] = []  # names: left, right, top
            self.small: list[tuple[float, float, str]] = []  # slips, requirement counts

        def _note(self, kind: str, rect) -> None:
            if self.brush().style() != Qt.BrushStyle.NoBrush:
                box = (rect.x(), rect.y(), rect.width(), rect.height())
                self.shapes.append((kind, box, _hex(self.brush().color())))

        @override
        def drawRoundedRect(self, rect, *rest) -> None:
            self._note("rounded", rect)
            super().drawRoundedRect(rect, *rest)

        @override
        def drawPolygon(self, polygon, *rest) -> None:
            self._note("diamond" if polygon.size() == 4 else "chevron", polygon.boundingRect())
            super().drawPolygon(polygon, *rest)

        @override
        def drawRects(self, rects) -> None:
            for rect in rects:
                self._note("plain", rect)
            super().drawRects(rects)

        @override
        def drawStaticText(self, point, text) -> None:
            right = point.x() + text.size().width()
            self.texts.append((point.x(), right, point.y(), text.text()))
            super().drawStaticText(point, text)

        @override
        def drawText(self, point, text) -> None:
            self.small.append((point.x(), point.y(), text))
            super().drawText(point, text)

    return Recording


def _roadmap_on_screen(demo, qtbot, today):
    """What the Roadmap view's chart painter draws of Pulse Cloud, the whole plan at once:
    per lane, (shape, first day, days) of each item's shape, its colours, its labels."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage

    from pmdesk.gui.context import AppContext
    from pmdesk.gui.gantt import RoadmapPanel

    ctx = AppContext(demo)
    panel = RoadmapPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 700)
    panel.set_today(today)
    panel.set_product(_product(demo).id)
    panel.show()
    qtbot.waitUntil(lambda: not panel._needs_first_view)
    panel.view.set_zoom(SCREEN_ZOOM)
    layout, scale, m = panel.model.layout, panel.scene.scale, panel.model.layout.metrics
    first, last = layout.extent()
    rect = QRectF(
        scale.x_of_ordinal(first) - 20, 0, (last - first + 60) * SCREEN_ZOOM, layout.height
    )
    image = QImage(int(rect.width()) + 1, int(rect.height()) + 1, QImage.Format.Format_ARGB32)
    p = _recording_painter()(image)
    p.translate(-rect.left(), 0)
    panel.painter.paint_bars(p, scale, rect)
    p.end()
    origin, ppd = scale.origin.toordinal(), scale.px_per_day
    lanes = [box.lane_id for box in layout.boxes]
    colours = {lane: _hex(panel.painter.colour_of_lane(lane)) for lane in lanes}
    shades = {  # what a feature's body may take besides: its done part, or faded if cancelled
        lane: {_hex(c) for c in (sw.fill, sw.done, sw.cancelled)}
        for lane, sw in ((lane, panel.painter.swatch(lane)) for lane in lanes)
    }
    shapes: dict[int, set] = {lane: set() for lane in lanes}
    feature_fills: dict[int, set[str]] = {lane: set() for lane in lanes}
    for kind, (x, y, w, h), fill in p.shapes:
        lane = layout.lane_at(y + h / 2).lane_id
        if kind == "diamond" and h == m.milestone_size:
            shapes[lane].add(("milestone", round(origin + (x + w / 2) / ppd - 0.5, 2), 0))
        elif kind == "chevron":
            shapes[lane].add(("bar", round(origin + x / ppd, 2), round(w / ppd, 2)))
        elif kind == "rounded" and h == m.bar_height:  # a feature (its done part: the same box)
            shapes[lane].add(("bar", round(origin + x / ppd, 2), round(w / ppd, 2)))
            feature_fills[lane].add(fill)
        elif kind == "rounded" and h == m.initiative_height - 1:  # inset by half a pixel
            shapes[lane].add(("bar", round(origin + (x - 0.5) / ppd, 2), round((w + 1) / ppd, 2)))
    labels = {lane: [] for lane in lanes}
    for x, right, y, text in p.texts:
        day, end = origin + x / ppd, origin + right / ppd
        labels[layout.lane_at(y).lane_id].append((text.removeprefix("✓ "), day, end))
    for x, y, text in p.small:
        if _is_slip(text):
            labels[layout.lane_at(y).lane_id].append((text, origin + x / ppd, None))
    ctx.close()
    return SimpleNamespace(
        lanes=lanes,
        shapes=shapes,
        colours=colours,
        fills={lane: (feature_fills[lane], shades[lane]) for lane in lanes},
        labels=labels,
        reach=(m.milestone_size / 2 + m.label_padding + 1) / ppd,  # a label beside, in days
    )


def _roadmap_on_paper(demo, today):
    """The same of the roadmap PDF's chart, as the poster draws it before it is written."""
    from reportlab.graphics.shapes import String

    from pmdesk.exchange.pdf.fonts import register
    from pmdesk.exchange.pdf.gantt import PAPER, fit_scale
    from pmdesk.exchange.pdf.gantt_draw import CRITICAL
    from pmdesk.exchange.pdf.job import Job
    from pmdesk.exchange.pdf.options import PdfOptions, Progress
    from pmdesk.exchange.pdf.roadmap import LANE_COLUMN, roadmap_flowables
    from pmdesk.exchange.pdf.roadmap_data import chart_range, roadmap_chart

    register()
    job = Job(demo, PdfOptions(today=today), Progress(None, None), _product(demo), (1190, 842))
    data = roadmap_chart(job)
    width = 1100.0
    [drawing] = roadmap_flowables(job, width, 10_000, legend=False, split=False, data=data)
    start, end = chart_range(job, data)
    label_width = min(LANE_COLUMN, width * 0.2)
    px = fit_scale(start, end, width, label_width)  # the poster's points per day
    origin = start.toordinal()
    stripes = sorted(
        (
            (s.y + s.height, s.y, _hex(s.fillColor))
            for s in drawing.contents
            if isinstance(s, Rect) and s.x == 0 and s.width == 3
        ),
        reverse=True,
    )  # the lane's colour down the side of each lane, top to bottom
    lanes = [lane.id for lane in data.lanes]
    colours = {lane: colour for lane, (_top, _bottom, colour) in zip(lanes, stripes, strict=True)}

    def lane_at(y: float) -> int:
        return next(lane for lane, (t, b, _c) in zip(lanes, stripes, strict=True) if b <= y <= t)

    shapes: dict[int, set] = {lane: set() for lane in lanes}
    strokes: dict[int, set[str]] = {lane: set() for lane in lanes}
    critical = _hex(CRITICAL)
    labels = {lane: [] for lane in lanes}
    for s in drawing.contents:
        if isinstance(s, Rect) and s.rx == 2:  # a bar (feature, initiative or release)
            day = round(origin + (s.x - label_width) / px, 2)
            shapes[lane_at(s.y + s.height / 2)].add(("bar", day, round(s.width / px, 2)))
            if s.strokeColor is not None and _hex(s.strokeColor) != critical:
                strokes[lane_at(s.y + s.height / 2)].add(_hex(s.strokeColor))
        elif isinstance(s, Polygon) and len(s.points) == 8:  # a milestone's diamond
            cx, cy = s.points[0], s.points[3]
            day = round(origin + (cx - label_width) / px - 0.5, 2)
            shapes[lane_at(cy)].add(("milestone", day, 0))
        elif isinstance(s, String) and s.x > label_width and s.y < drawing.height - 30:
            right = s.x + pdfmetrics.stringWidth(s.text, s.fontName, s.fontSize)
            day, end = (origin + (x - label_width) / px for x in (s.x, right))
            labels[lane_at(s.y)].append((s.text, day, None if _is_slip(s.text) else end))
    return SimpleNamespace(
        lanes=lanes,
        shapes=shapes,
        colours=colours,
        strokes=strokes,
        labels=labels,
        reach=(PAPER.milestone_size / 2 + 0.6 + PAPER.label_padding + 1) / px,
    )


def _plan_shapes(demo) -> dict[int, set]:
    """Each item of Pulse Cloud as its lane, shape, first day and days, from the file."""
    from pmdesk.core.enums import ItemKind
    from pmdesk.store.services import RoadmapService

    found: dict[int, set] = {}
    for item in demo.service(RoadmapService).items_of(_product(demo).id):
        first = item.start_date.toordinal()
        if item.kind is ItemKind.MILESTONE:
            shape = ("milestone", first, 0)
        else:
            shape = ("bar", first, (item.end_date - item.start_date).days + 1)
        found.setdefault(item.lane_id, set()).add(shape)
    return found


def test_the_roadmap_has_the_same_bars_colours_and_labels_on_screen_and_paper(demo, qtbot, texts):
    screen = _roadmap_on_screen(demo, qtbot, texts.today)
    paper = _roadmap_on_paper(demo, texts.today)
    plan = _plan_shapes(demo)
    # The same lanes in the same order, each with the same bars and milestones at the same
    # days (x and width in days: the screen's pixels and the paper's points scaled alike),
    # and those are the plan's own dates.
    assert screen.lanes == paper.lanes and set(plan) <= set(screen.lanes)
    for lane in screen.lanes:
        assert screen.shapes[lane] == paper.shapes[lane] == plan.get(lane, set()), lane
    # A lane's colour: its side stripe and bar outlines on paper, its bars' fill on screen.
    for lane in screen.lanes:
        assert screen.colours[lane] == paper.colours[lane]
        drawn, shades = screen.fills[lane]
        assert screen.colours[lane] in drawn and drawn <= shades
        assert paper.strokes[lane] == {paper.colours[lane]}
    assert len(set(screen.colours.values())) == len(screen.lanes)
    # The same names, in the same lanes: each label a name (or its start) of that lane's items,
    # inside its bar, just after it or just before it (both place it by label_place); most
    # names the paper has room to write whole, the screen writes whole too.
    spans = _spans_by_name(demo)
    whole: list[set] = []
    for side in (screen, paper):
        found = set()
        for lane, texts in side.labels.items():
            written = [(t, day, end) for t, day, end in texts if not _is_slip(t)]
            wrong = [t for t, _day, _end in written if not _names_one(t, set(spans[lane]))]
            assert written and not wrong, (lane, wrong)
            for name, day, end in written:
                assert any(
                    first - 0.01 <= day <= after + side.reach or (end is not None and end <= first)
                    for n, (first, after) in spans[lane].items()
                    if _names_one(name, {n})
                ), (name, day)
            found |= {(lane, t) for t, _day, _end in written if t in spans[lane]}
        whole.append(found)
    on_screen, on_paper = whole
    assert len(on_paper) >= sum(len(names) for names in spans.values()) / 3
    assert len(on_screen & on_paper) >= 0.75 * len(on_paper), sorted(on_paper - on_screen)
    # Slips against the baseline are written alike ("+3d", "−2d") where there is room.
    slips = [
        {(lane, t) for lane, texts in side.labels.items() for t, _day, _end in texts if _is_slip(t)}
        for side in (screen, paper)
    ]
    assert slips[0] & slips[1]


def _is_slip(text: str) -> bool:
    return len(text) > 2 and text[0] in "+−" and text.endswith("d") and text[1:-1].isdigit()


def _spans_by_name(demo) -> dict[int, dict[str, tuple[int, int]]]:
    """Lane -> item name -> its first day and the day after its last (ordinals)."""
    from pmdesk.store.services import RoadmapService

    found: dict[int, dict[str, tuple[int, int]]] = {}
    for item in demo.service(RoadmapService).items_of(_product(demo).id):
        span = (item.start_date.toordinal(), item.end_date.toordinal() + 1)
        found.setdefault(item.lane_id, {})[item.name] = span
    return found


def _names_one(text: str, names: set[str]) -> bool:
    """Whole, or cut short with an ellipsis."""
    return text in names or (text.endswith("…") and any(n.startswith(text[:-1]) for n in names))
