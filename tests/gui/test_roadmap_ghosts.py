"""The roadmap's ghost bars from any moment: the Baseline menu's snapshots and "A date…" draw
every item's dates as they were then, like a baseline, as a view (no edit, no undo step).

Driven as a person does: the menu opened and its entry triggered, the date typed in its
dialog and OK clicked, a bar dragged with the mouse; the file checked through a handle of
its own."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from tests.gui.windows import demo_or_new, exposed, open_main_window, pick, shown_for

from pmdesk.gui.gantt.moments import NO_SNAPSHOTS, MomentDateDialog
from pmdesk.gui.gantt.panel import RoadmapPanel
from pmdesk.gui.gantt.text import item_tooltip, short_date
from pmdesk.gui.history_dialog import SnapshotDialog
from pmdesk.store.demo_history import Q3_REVIEW
from pmdesk.store.services import HistoryService, RoadmapService
from pmdesk.store.workspace import Workspace

HARDWARE = "Sensor & gateway hardware"  # its end moved 28 days later since the Q3 review
ALPHA = "Closed alpha (3 labs)"  # moved before the Q3 review, not since
RESIDENCY = "Regional data residency (EU/US)"  # added since the Q3 review


def roadmap(qtbot, window, product: str) -> RoadmapPanel:
    view = shown_for(qtbot, window, "roadmap", product)
    panel = view.chart
    qtbot.waitUntil(lambda: not panel._needs_first_view)
    return panel


def menu_entries(qtbot, panel: RoadmapPanel) -> list[QAction]:
    """Open the Baseline menu (it fills itself as it opens) and read its entries."""
    menu = panel.toolbar.baseline_menu
    menu.popup(panel.mapToGlobal(QPoint(40, 40)))
    qtbot.waitUntil(menu.isVisible)
    entries = [a for a in menu.actions() if not a.isSeparator()]
    menu.hide()
    return entries


def entry(qtbot, panel: RoadmapPanel, starts: str) -> QAction:
    found = [a for a in menu_entries(qtbot, panel) if a.text().startswith(starts)]
    assert len(found) == 1, [a.text() for a in menu_entries(qtbot, panel)]
    return found[0]


def read(qtbot, panel: RoadmapPanel, trigger) -> None:
    """Trigger and wait for the history to be read off the GUI thread."""
    with qtbot.waitSignal(panel.ghosts.changed, timeout=20000):
        trigger()
    assert not panel.ghosts.op.running


def item_id(panel: RoadmapPanel, name: str) -> int:
    return next(i for i, row in panel.model.items.items() if row.name == name)


def ghost(panel: RoadmapPanel, name: str) -> tuple[int, int] | None:
    """The ghost bar the chart lays out for the item (start and end ordinals), or None."""
    return panel.model.layout.items[item_id(panel, name)].baseline


def bar(panel: RoadmapPanel, name: str) -> tuple[int, int]:
    row = panel.model.items[item_id(panel, name)]
    return row.start.toordinal(), row.end.toordinal()


def drag_bar(panel: RoadmapPanel, name: str, days: int) -> None:
    """Drag the item's bar ``days`` later with the mouse (zoomed in until that is a drag)."""
    view = panel.view
    while days * panel.scene.scale.px_per_day < 24:
        panel.toolbar.zoom_in.trigger()
    box = panel.scene.item_box(item_id(panel, name))
    view.ensureVisible(box.x, box.y, box.w, 10)
    start = view.mapFromScene(QPointF(box.x + min(box.w / 2, 30), box.cy))
    end = start + QPoint(round(days * panel.scene.scale.px_per_day), 0)
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def active_baseline_in_file(path) -> list[tuple[str, bool]]:
    with Workspace.open(path, read_only=True) as ws:
        return [(b.name, b.is_active) for b in ws.service(RoadmapService).baselines.list()]


def test_the_q3_reviews_dates_as_ghost_bars_on_the_demo(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = open_main_window(qtbot, path)
    panel = roadmap(qtbot, window, "Pulse Cloud")
    model, legend = panel.model, panel.legend
    assert model.baseline_id is not None and model.moment is None  # the demo's baseline
    baselines = active_baseline_in_file(path)
    with Workspace.open(path, read_only=True) as ws:
        snaps = {s.name: s for s in ws.service(HistoryService).snapshots()}
    q3_day = short_date(snaps[Q3_REVIEW].at.date())

    texts = [a.text() for a in menu_entries(qtbot, panel)]
    moments = texts[texts.index("A date…") - len(snaps) : texts.index("A date…")]
    assert moments[0] == f"{Q3_REVIEW} ({q3_day}, manual)", "newest first, kind shown"
    assert moments[1].startswith("Gate: Analysis") and moments[1].endswith(", gate)")
    q3 = entry(qtbot, panel, Q3_REVIEW)
    assert "no undo step" in q3.toolTip()
    read(qtbot, panel, q3.trigger)

    assert model.moment is not None and model.moment.since == Q3_REVIEW
    start, end = bar(panel, HARDWARE)
    assert ghost(panel, HARDWARE) == (start, end - 28), "its end as it was, 28 days earlier"
    assert model.slip(item_id(panel, HARDWARE)) == 28
    assert "28 days late against “Q3 review" in item_tooltip(model, item_id(panel, HARDWARE))
    assert ghost(panel, ALPHA) == bar(panel, ALPHA), "unchanged since: ghost == bar"
    assert ghost(panel, RESIDENCY) is None, "added since: no ghost"
    assert f"Ghosts: {Q3_REVIEW}, {q3_day}" in legend.labels()
    assert "Baseline" not in legend.labels()
    assert f"Ghosts: {Q3_REVIEW}" in legend.accessibleDescription()
    assert model.layout.metrics.with_baseline
    # A view: no edit of the file, no undo step.
    assert not window.ctx.undo_stack.canUndo()
    assert active_baseline_in_file(path) == baselines
    checked = [a.text() for a in menu_entries(qtbot, panel) if a.isChecked()]
    assert checked == ["Show baseline", moments[0]]

    # A later drag moves the bar, never the ghost.
    before = ghost(panel, HARDWARE)
    drag_bar(panel, HARDWARE, 7)
    assert bar(panel, HARDWARE) == (start + 7, end + 7)
    assert ghost(panel, HARDWARE) == before
    assert model.slip(item_id(panel, HARDWARE)) == 35
    assert ghost(panel, ALPHA) == bar(panel, ALPHA)
    assert window.ctx.undo_stack.count() == 1  # the drag only

    # Choosing the baseline goes back to its ghosts.
    baseline_name = next(b.name for b in model.baselines if b.id == model.baseline_id)
    with qtbot.waitSignal(panel.ghosts.changed):
        entry(qtbot, panel, baseline_name).trigger()
    assert model.moment is None
    hardware = item_id(panel, HARDWARE)
    assert model.layout.items[hardware].baseline == model.baseline.get(hardware)
    assert "Baseline" in legend.labels() and not any(
        t.startswith("Ghosts") for t in legend.labels()
    )
    assert window.ctx.undo_stack.count() == 1, "the compared baseline stayed: no command"


def test_hide_stop_and_another_product_end_the_moment(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = open_main_window(qtbot, path)
    panel = roadmap(qtbot, window, "Pulse Cloud")
    model = panel.model
    gate = entry(qtbot, panel, "Gate: Analysis")
    read(qtbot, panel, gate.trigger)
    assert model.moment is not None and model.moment.since.startswith("Gate:")
    # The gate was six months ago, before the cut feature was added: every item now is there.
    assert ghost(panel, HARDWARE) is not None

    # Stop Comparing: the baseline's ghosts again.
    with qtbot.waitSignal(panel.ghosts.changed):
        entry(qtbot, panel, "Stop Comparing with Gate").trigger()
    assert model.moment is None and model.baseline_visible

    # Hiding the ghosts ends the moment's; showing them again shows the baseline's.
    read(qtbot, panel, entry(qtbot, panel, Q3_REVIEW).trigger)
    panel.toolbar.show_baseline.trigger()
    assert not model.baseline_visible and model.moment is None
    assert ghost(panel, HARDWARE) is None
    panel.toolbar.show_baseline.trigger()
    assert model.baseline_visible and model.moment is None

    # Hidden, a moment chosen shows its ghosts all the same.
    panel.toolbar.show_baseline.trigger()
    read(qtbot, panel, entry(qtbot, panel, Q3_REVIEW).trigger)
    assert panel.toolbar.show_baseline.isChecked() and model.baseline_visible
    assert ghost(panel, RESIDENCY) is None and ghost(panel, ALPHA) == bar(panel, ALPHA)

    # Another product: its own chart, without the moment.
    pick(window, "Vega Benchtop Analyser")
    assert model.moment is None
    pick(window, "Pulse Cloud")
    assert (
        model.moment is None
        and ghost(panel, HARDWARE) == model.layout.items[item_id(panel, HARDWARE)].baseline
    )
    assert not window.ctx.undo_stack.canUndo()


def test_a_new_workspace_has_no_snapshots_yet_and_a_date_still_works(qtbot, tmp_path):
    path = demo_or_new("new", None, tmp_path)
    window = open_main_window(qtbot, path)
    panel = roadmap(qtbot, window, "Widget")
    entries = menu_entries(qtbot, panel)
    empty = [a for a in entries if a.text() == NO_SNAPSHOTS]
    assert empty and not empty[0].isEnabled()
    assert entry(qtbot, panel, "A date…").isEnabled()
    panel.toolbar.add_item.trigger()  # a lane and its first item, made today
    (made,) = panel.model.items

    # A date: the day before, when the item was not there yet.
    entry(qtbot, panel, "A date…").trigger()
    dialog = panel.findChild(MomentDateDialog)
    assert dialog is not None and dialog.isVisible()
    exposed(qtbot, dialog)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    dialog.date_edit.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    read(qtbot, panel, lambda: qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton))
    assert panel.model.moment is not None and panel.model.moment.since == yesterday
    assert panel.model.layout.items[made].baseline is None, "added since that day"
    assert f"Ghosts: {short_date(yesterday)}" in panel.legend.labels()
    assert window.ctx.undo_stack.count() == 1  # the new item only: ghosts are no edit

    # A snapshot taken now is in the menu the next time it opens; moved since, its ghost
    # stays where the item was.
    window.menu_actions.take_snapshot.trigger()
    snapshot = window.findChild(SnapshotDialog)
    exposed(qtbot, snapshot)
    qtbot.keyClicks(snapshot.name_edit, "Kick-off")
    qtbot.keyClick(snapshot.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not snapshot.isVisible())
    then = panel.model.items[made]
    drag_bar(panel, then.name, 3)
    assert panel.model.items[made].start == then.start + dt.timedelta(days=3)
    assert not [a for a in menu_entries(qtbot, panel) if a.text() == NO_SNAPSHOTS]
    kick_off = entry(qtbot, panel, "Kick-off")
    assert kick_off.text().endswith(", manual)")
    read(qtbot, panel, kick_off.trigger)
    assert panel.model.layout.items[made].baseline == (
        then.start.toordinal(),
        then.end.toordinal(),
    )
    assert panel.model.slip(made) == 3


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_legend_names_the_ghosts_at_desk_sizes_and_in_workshop_mode(
    qtbot, tmp_path, demo_template, size
):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = open_main_window(qtbot, path, size)
    panel = roadmap(qtbot, window, "Pulse Cloud")
    read(qtbot, panel, entry(qtbot, panel, Q3_REVIEW).trigger)
    label = next(t for t in panel.legend.labels() if t.startswith("Ghosts: "))
    legend = panel.legend
    assert legend.isVisible() and legend.width() > legend.chart_painter.fonts.small_width(label)
    window.menu_actions.present.trigger()
    shown = window.presentation
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    assert panel.model.moment is not None
    assert label in legend.labels(), "on a projector too (marks only)"
    assert ghost(panel, HARDWARE) is not None
    window.stop_presentation()
    assert panel.model.moment is not None
