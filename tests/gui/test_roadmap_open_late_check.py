"""A large plan's links are checked for broken ones after the Roadmap's first paint.

Checking every link of a 100,000-item plan takes a third of a second, and the first
paint needs only the links on screen: those are checked as the chart paints them,
the rest right after, and the legend names "Broken dependency" then. Whatever asks
before that (the Reschedule action, a tooltip, an edit, the legend's own labels) gets
the answer a whole check gives. A plan under ``LATE_CHECK_FROM`` links is checked
before it is drawn, as it always was. Each test opens the file through the window,
as pmdesk starts (``show_and_open``), on the Roadmap.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QImage
from tests.gui.windows import RecordingDialogs

from pmdesk.core.scheduling import violations
from pmdesk.gui.app import show_and_open
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt.model import LATE_CHECK_FROM, RoadmapModel
from pmdesk.gui.gantt.panel import LINKS_PER_STEP
from pmdesk.gui.gantt.text import link_tooltip
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.generate import create_large
from pmdesk.store.services.calendar import CalendarService
from pmdesk.store.services.roadmap import RoadmapService
from pmdesk.store.services.roadmap_queries import RoadmapQueries
from pmdesk.store.workspace import Workspace

BROKEN = "Broken dependency"


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[int, Path]:
    """Generated plans by their number of links: one under the threshold, one over it."""
    assert 100 < LATE_CHECK_FROM < 5_000
    folder = tmp_path_factory.mktemp("plans")
    return {
        links: create_large(folder / f"{links}.pmdesk", items=links * 4 // 3, dependencies=links)
        for links in (100, 5_000)
    }


def broken_apart(ws, product_id: int) -> set[tuple[int, int, int]]:
    """(predecessor, successor, days) of the product's broken links, worked out from the
    file as the exports do, without the chart's model."""
    calendar = ws.service(CalendarService).effective(product_id)
    tasks, links, _names = RoadmapQueries(ws).schedule_input(product_id, calendar)
    return {(v.link.pred, v.link.succ, v.days) for v in violations(tasks, links, calendar)}


def as_drawn(model) -> set[tuple[int, int, int]]:
    """The same, as the chart's model has it (reading it all: the check is completed)."""
    return {(model.links[i].pred, model.links[i].succ, days) for i, days in model.violated.items()}


class Opening(QObject):
    """Opens a file in a new window on the Roadmap, as pmdesk starts, and keeps what the
    chart looked like: whether its links were all checked when the file was open (before
    the first paint) and at the first paint, and the picture that paint put on screen."""

    def __init__(self, qtbot, path: Path, when_open=None, at_first_paint=None) -> None:
        super().__init__()
        self.window = MainWindow(
            settings=Settings(last_view="roadmap"), dialogs=RecordingDialogs(read_only=False)
        )
        qtbot.addWidget(self.window)
        self.window.resize(1366, 768)
        self.when_open = when_open
        self.at_first_paint = at_first_paint
        self.complete_when_open: bool | None = None
        self.complete_at_paint: bool | None = None
        self.complete_after_a_step: bool | None = None
        self.first_paint: QImage | None = None
        show_and_open(self.window, path, opened=self._opened)
        qtbot.waitUntil(lambda: self.first_paint is not None, timeout=20_000)
        # and the step after it, which reads the chart: before anything closes the window
        qtbot.waitUntil(lambda: self.complete_after_a_step is not None)

    @property
    def panel(self):
        return self.window.view_host.current_view().chart

    def _opened(self, page) -> None:
        model = self.panel.model
        self.complete_when_open = model.violated.complete
        if self.when_open is not None:
            self.when_open(self.panel)
        # Installed after the panel's own watch, so called before it: this sees the paint
        # before the rest of the links are checked.
        self.panel.view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.complete_at_paint is None:
            self.complete_at_paint = self.panel.model.violated.complete
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._keep_first_paint)
        return False

    def _keep_first_paint(self) -> None:
        self.first_paint = self.on_screen()
        if self.at_first_paint is not None:
            self.at_first_paint(self)
        QTimer.singleShot(0, self._after_a_step)  # after the panel's first step, if any

    def _after_a_step(self) -> None:
        self.complete_after_a_step = self.panel.model.violated.complete

    def on_screen(self) -> QImage:
        """The chart's pixels as last painted on screen (the window's backing store), not
        painted afresh."""
        viewport = self.panel.view.viewport()
        corner = viewport.mapTo(self.window, viewport.rect().topLeft())
        screen = self.window.screen().grabWindow(
            self.window.winId(), corner.x(), corner.y(), viewport.width(), viewport.height()
        )
        return screen.toImage().convertToFormat(QImage.Format.Format_RGB32)

    def painted_afresh(self) -> QImage:
        return (
            self.panel.view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        )

    def settled(self, qtbot) -> None:
        """Wait until the check is complete without asking for anything that would force it."""
        qtbot.waitUntil(
            lambda: self.panel.model.violated.complete and not self.panel._checking_after_paint
        )


def marks(image: QImage, colour) -> set[tuple[int, int]]:
    """Where ``image`` has ``colour`` (the broken links' red), anti-aliasing allowed."""
    want = (colour.blue(), colour.green(), colour.red())  # a 32-bit pixel's bytes: B, G, R, A
    data, line = bytes(image.constBits()), image.bytesPerLine()
    found = set()
    for y in range(image.height()):
        row = data[y * line : y * line + 4 * image.width()]
        for x in range(image.width()):
            b, g, r = row[4 * x], row[4 * x + 1], row[4 * x + 2]
            if abs(b - want[0]) + abs(g - want[1]) + abs(r - want[2]) < 40:
                found.add((x, y))
    return found


def same_marks(one: QImage, other: QImage, colour) -> bool:
    """Whether the two pictures have the red marks in the same places: each red pixel of
    either has one of the other's within 2 px (a dashed line's dashes may start at
    another point when it is painted in other pieces)."""
    first, second = marks(one, colour), marks(other, colour)

    def within(points, others) -> bool:
        near = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)]
        return all(any((x + dx, y + dy) in others for dx, dy in near) for x, y in points)

    return within(first, second) and within(second, first)


@pytest.fixture
def plan_5000(plans, tmp_path) -> Path:
    path = tmp_path / "large.pmdesk"
    shutil.copyfile(plans[5_000], path)
    return path


def test_a_large_plan_is_drawn_first_and_its_links_checked_right_after(qtbot, plan_5000):
    ws = Workspace.open(plan_5000, read_only=True)
    expected = broken_apart(ws, 1)
    ws.close()
    assert len(expected) > 100  # a plan with plenty of broken links

    opening = Opening(qtbot, plan_5000)
    # Not checked before the first paint, nor by it: it asked only for the links on screen.
    assert opening.complete_when_open is False and opening.complete_at_paint is False
    opening.settled(qtbot)  # then checked on its own, with nothing asking
    # in steps, with the window's events in between (5,000 links: two steps)
    assert 5_000 > LINKS_PER_STEP and opening.complete_after_a_step is False
    panel = opening.panel
    model = panel.model
    assert as_drawn(model) == expected
    # The broken links on screen were marked by the first paint: it is what the chart,
    # wholly checked, paints now, and it has broken links' red in it.
    red = panel.painter.style.violated
    assert len(marks(opening.first_paint, red)) > 1_000
    assert same_marks(opening.first_paint, opening.painted_afresh(), red)
    assert opening.on_screen() == opening.first_paint  # and nothing needed painting again
    # The legend as drawn names the broken links now, as it says it does.
    assert BROKEN in panel.legend.labels(checked=False)
    assert BROKEN in panel.legend.accessibleDescription()
    # Reschedule moves the successors: nothing is broken then, the legend says so.
    panel.toolbar.reschedule.trigger()
    assert len(model.violated) == 0 and broken_apart(opening.window.workspace, 1) == set()
    assert BROKEN not in panel.legend.labels(checked=False)
    opening.window.close()


def test_whatever_asks_before_the_check_gets_the_whole_answer(qtbot, plan_5000):
    ws = Workspace.open(plan_5000, read_only=True)
    expected = broken_apart(ws, 1)
    ws.close()
    seen = {}

    def ask(panel) -> None:  # the file is open and the chart not drawn yet
        model = panel.model
        links = list(model.links.values())
        broken = next(link for link in links if (link.pred, link.succ) in {e[:2] for e in expected})
        days = next(d for p, s, d in expected if (p, s) == (broken.pred, broken.succ))
        seen["tooltip"] = link_tooltip(model, broken.id), days
        seen["legend"] = panel.legend.labels()  # the labels, asked: the whole answer
        seen["complete after legend"] = model.violated.complete

    opening = Opening(qtbot, plan_5000, when_open=ask)
    tooltip, days = seen["tooltip"]
    assert f"Broken by {days} day" in tooltip
    assert BROKEN in seen["legend"] and seen["complete after legend"] is True
    assert opening.complete_at_paint is True  # asked for all of it: checked before the paint
    assert as_drawn(opening.panel.model) == expected
    opening.window.close()


def test_an_edit_that_breaks_a_link_right_after_open_is_marked(qtbot, plan_5000):
    ws = Workspace.open(plan_5000, read_only=True)
    expected = broken_apart(ws, 1)
    ws.close()
    edit = {}

    def break_one(panel) -> None:
        model = panel.model
        sound = next(
            link
            for link in model.links.values()
            if link.type.value == "FS"
            and (link.pred, link.succ) not in {e[:2] for e in expected}
            and model.items[link.succ].start > model.items[link.pred].end
        )
        assert sound.id not in model.violated  # asked (and so checked) before the edit
        pred, succ = model.items[sound.pred], model.items[sound.succ]
        length = succ.end - succ.start
        fields = {"start_date": pred.start, "end_date": pred.start + length}
        roadmap = panel.ctx.service(RoadmapService)
        assert panel.ctx.run(UpdateCommand(roadmap.items, succ.id, fields, "Move"))
        edit.update(link=sound.id, complete=model.violated.complete)
        edit["marked at once"] = sound.id in model.violated

    opening = Opening(qtbot, plan_5000, when_open=break_one)
    assert edit["complete"] is False and edit["marked at once"] is True
    opening.settled(qtbot)
    model = opening.panel.model
    assert edit["link"] in model.violated
    assert as_drawn(model) == broken_apart(opening.window.workspace, 1)
    red = opening.panel.painter.style.violated
    assert same_marks(opening.on_screen(), opening.painted_afresh(), red)
    opening.window.close()


def test_a_small_plan_is_checked_before_it_is_drawn(qtbot, plans, tmp_path):
    path = tmp_path / "small.pmdesk"
    shutil.copyfile(plans[100], path)
    ws = Workspace.open(path, read_only=True)
    expected = broken_apart(ws, 1)
    ws.close()
    assert expected
    opening = Opening(qtbot, path)
    assert opening.complete_when_open is True and opening.complete_at_paint is True
    panel = opening.panel
    assert not panel._checking_after_paint  # nothing left for after the paint
    assert as_drawn(panel.model) == expected
    assert BROKEN in panel.legend.labels(checked=False)
    opening.window.close()


def test_a_new_empty_workspace_opens_on_the_roadmap(qtbot, tmp_path):
    path = tmp_path / "empty.pmdesk"
    Workspace.create(path, name="Empty").close()
    window = MainWindow(
        settings=Settings(last_view="roadmap"), dialogs=RecordingDialogs(read_only=False)
    )
    qtbot.addWidget(window)
    show_and_open(window, path)
    qtbot.waitUntil(lambda: window.view_host.current_view() is not None)
    panel = window.view_host.current_view().chart
    assert panel.model.product_id is None and panel.model.violated.complete
    assert len(panel.model.violated) == 0 and BROKEN not in panel.legend.labels()
    window.close()


def test_the_demo_opens_on_the_roadmap_with_its_broken_links(qtbot, demo_template, tmp_path):
    path = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, path)
    opening = Opening(qtbot, path)
    panel = opening.panel
    model = panel.model
    assert opening.complete_when_open is True  # a small plan
    assert as_drawn(model) == broken_apart(opening.window.workspace, model.product_id)
    assert len(model.violated) == 1  # Pulse Cloud's beta waits a day for its predecessor
    assert BROKEN in panel.legend.labels(checked=False)
    panel.toolbar.reschedule.trigger()
    assert len(model.violated) == 0 and BROKEN not in panel.legend.labels(checked=False)
    opening.window.close()


def test_links_asked_about_one_by_one_get_the_whole_checks_answer(plans, tmp_path):
    """The chart's model on a large plan, through edits that break and mend links, move
    items, delete and add links: every answer it gives before its check is complete is
    the one a whole check of the file gives, and nothing it is asked forces the check."""
    path = tmp_path / "large.pmdesk"
    shutil.copyfile(plans[5_000], path)
    ws = Workspace.open(path)
    ctx = AppContext(ws)
    model = RoadmapModel(ctx.service(RoadmapQueries))
    ctx.changed.connect(model.apply)
    model.load(1)
    roadmap = ctx.service(RoadmapService)
    rng = random.Random(18)
    try:
        for _step in range(30):
            by_ends = {(link.pred, link.succ): i for i, link in model.links.items()}
            truth = {by_ends[p, s]: days for p, s, days in broken_apart(ws, 1)}
            asked = set(rng.sample(sorted(model.links), 300))
            assert asked & model.violated.keys() == asked & truth.keys()
            for link_id in rng.sample(sorted(model.links), 5):
                assert model.violated.get(link_id) == truth.get(link_id)
                assert (link_id in model.violated) == (link_id in truth)
            link = model.links[rng.choice(sorted(asked))]
            what = rng.choice(("move", "move", "delete", "add"))
            if what == "move":  # often onto its predecessor's dates: the link breaks
                row = model.items[link.succ if rng.random() < 0.7 else link.pred]
                shift = dt.timedelta(days=rng.randint(-20, 20))
                roadmap.items.update(row.id, start_date=row.start + shift, end_date=row.end + shift)
            elif what == "delete":
                roadmap.dependencies.delete(link.id)
            else:
                pred, succ = sorted(rng.sample(sorted(model.items), 2))
                if (pred, succ) not in by_ends and (succ, pred) not in by_ends:
                    roadmap.dependencies.create(predecessor_id=pred, successor_id=succ)
        assert not model.violated.complete  # asked all along, never forced
        by_ends = {(link.pred, link.succ): i for i, link in model.links.items()}
        assert dict(model.violated) == {by_ends[p, s]: d for p, s, d in broken_apart(ws, 1)}
        assert model.violated.complete
    finally:
        ctx.close()
        ws.close()


def test_a_picture_taken_before_the_check_is_done_has_the_whole_legend(qtbot, plan_5000, tmp_path):
    """Export ▸ image right after the plan appears: its legend is the whole check's."""
    taken = {}

    def export(opening) -> None:  # right after the first paint, before any step of the check
        panel = opening.panel
        taken["complete before"] = panel.model.violated.complete
        panel.export_image(tmp_path / "roadmap.png")
        taken["complete after"] = panel.model.violated.complete
        taken["drawn"] = panel.legend.labels(checked=False)

    opening = Opening(qtbot, plan_5000, at_first_paint=export)
    assert taken["complete before"] is False and taken["complete after"] is True
    assert taken["drawn"] == opening.panel.legend.labels() and BROKEN in taken["drawn"]
    assert (tmp_path / "roadmap.png").stat().st_size > 0
    opening.window.close()
