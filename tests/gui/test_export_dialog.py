"""The PDF export dialog: it builds, exports in a worker with progress, and cancels cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from tests.gui.windows import exposed

from pmdesk.core.enums import MoSCoW
from pmdesk.exchange.pdf import KINDS, SECTIONS
from pmdesk.gui.context import AppContext
from pmdesk.gui.export_dialog import ExportDialog, file_name
from pmdesk.store.models import Requirement
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

NAME = 'Atlas <Pro> & "Co"'


@pytest.fixture
def ctx(tmp_path: Path):
    """An open workspace (the GUI's, writable) with one product, its lanes and a few rows."""
    ws = Workspace.create(tmp_path / "gui.pmdesk", name="GUI portfolio")
    product = ws.service(PortfolioService).create_product(
        name=NAME, owner="Dana", confidentiality="Internal"
    )
    roadmap = ws.service(RoadmapService)
    for index, name in enumerate(("Core", "Apps")):
        lane = roadmap.lanes.create(product_id=product.id, name=name, sort_order=index)
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"{name} work",
            start_date=dt.date(2026, 1, 5),
            end_date=dt.date(2026, 3, 1),
        )
    context = AppContext(ws)
    yield context
    context.close()
    ws.close()


def _add_requirements(ws: Workspace, count: int) -> None:
    product = ws.service(PortfolioService).product_by_name(NAME)
    with ws.transaction() as uow:
        uow.session.add_all(
            Requirement(
                product_id=product.id,
                ref=f"R-{n}",
                title=f"Requirement {n}",
                description="Long enough to take some layout. " * 6,
                acceptance_criteria=["Given this, then that"],
                moscow=list(MoSCoW)[n % 4],
                reach=10 + n,
                effort=1 + n % 5,
                sort_order=n,
            )
            for n in range(count)
        )


def _dialog(qtbot, ctx, kind="spec", **kwargs) -> ExportDialog:
    product = ctx.service(PortfolioService).product_by_name(NAME)
    dialog = ExportDialog(
        ctx,
        kind,
        product.id,
        open_file=kwargs.pop("open_file", lambda p: None),
        choose_output=kwargs.pop("choose_output", lambda parent, p: None),
    )
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_offers_every_document_and_its_sections(qtbot, ctx):
    dialog = _dialog(qtbot, ctx)
    assert [dialog.kind_box.itemData(i) for i in range(dialog.kind_box.count())] == list(KINDS)
    for kind in KINDS:
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(kind))
        assert dialog.sections.count() == len(SECTIONS[kind])
        assert dialog.roadmap_box.isHidden() == (kind != "roadmap")
        assert dialog.product_box.isEnabled() == (kind != "portfolio")
        assert Path(dialog.output_edit.text()).name == file_name(
            kind, NAME if kind != "portfolio" else "GUI portfolio"
        )
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("roadmap"))
    assert dialog.paper_box.currentText() == "A3"
    assert dialog.orientation_box.currentData() == "landscape"
    assert dialog.lanes.count() == 2
    assert dialog.label_edit.text() == "Internal"


def test_choices_become_options(qtbot, ctx):
    dialog = _dialog(qtbot, ctx, "roadmap")
    dialog.lanes.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.use_dates.setChecked(True)
    dialog.one_page.setChecked(True)
    dialog.chart_only.setChecked(True)
    dialog.paper_box.setCurrentText("A2")
    options = dialog.options()
    assert options.lanes == (dialog.lanes.item(0).data(Qt.ItemDataRole.UserRole),)
    assert options.date_from is not None and options.date_to > options.date_from
    assert options.one_page and options.chart_only and options.paper == "A2"
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("spec"))
    dialog.sections.item(0).setCheckState(Qt.CheckState.Unchecked)
    options = dialog.options()
    assert options.lanes is None and not options.one_page
    # "Changes since the last snapshot" is offered unticked.
    unticked = {next(iter(SECTIONS["spec"])), "changes"}
    assert options.sections == frozenset(SECTIONS["spec"]) - unticked


def test_browse_takes_the_chosen_path(qtbot, ctx, tmp_path):
    chosen = tmp_path / "chosen.pdf"
    dialog = _dialog(qtbot, ctx, choose_output=lambda parent, suggested: chosen)
    dialog._browse()
    assert dialog.output_edit.text() == str(chosen)


def test_the_worker_exports_with_progress_and_opens_the_file(qtbot, ctx, tmp_path):
    opened: list[Path] = []
    dialog = _dialog(qtbot, ctx, open_file=opened.append)
    target = tmp_path / "out" / "spec.pdf"
    target.parent.mkdir()
    dialog.output_edit.setText(str(target))
    seen: list[float | None] = []
    with qtbot.waitSignal(dialog.exported, timeout=30_000) as done:
        dialog.start()
        dialog.op.progressed.connect(lambda fraction, _text: seen.append(fraction))
        assert not dialog.export_button.isEnabled() and dialog.cancel_button.isEnabled()
    assert done.args == [target]
    assert target.read_bytes().startswith(b"%PDF")
    assert seen and seen[-1] == 1.0
    assert dialog.progress.value() == dialog.progress.maximum()
    assert opened == [target]
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert "Saved" in dialog.status.text()


def test_cancel_stops_the_worker_and_leaves_no_file(qtbot, ctx, tmp_path):
    _add_requirements(ctx.workspace, 1500)
    dialog = _dialog(qtbot, ctx)
    target = tmp_path / "big.pdf"
    dialog.output_edit.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)  # it is under way
    with qtbot.waitSignal(dialog.cancelled, timeout=30_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not target.exists()
    assert not list(tmp_path.glob("*.part"))
    assert "no file was written" in dialog.status.text()
    with qtbot.waitSignal(dialog.exported, timeout=30_000):  # and it can export again
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("stakeholders"))
        dialog.output_edit.setText(str(target))
        dialog.start()
    assert target.exists()


def test_a_refused_export_says_why(qtbot, ctx, tmp_path):
    dialog = _dialog(qtbot, ctx, "launch")  # the product has no launch plan
    dialog.output_edit.setText(str(tmp_path / "launch.pdf"))
    with qtbot.waitSignal(dialog.failed, timeout=30_000) as failed:
        dialog.start()
    assert "no launch plan" in failed.args[0]
    assert "no launch plan" in dialog.status.text()
    assert not (tmp_path / "launch.pdf").exists()


def test_file_names_drop_what_file_systems_refuse():
    assert file_name("spec", 'A/B: "C" <D>') == "A B C D – Technical specification.pdf"
    assert file_name("portfolio", "") == "Portfolio summary.pdf"


# -- from the window's File ▸ Export ▸ PDF Document… ---------------------------------------


@pytest.fixture
def demo_window(qtbot, demo_template, tmp_path):
    """The real window and views on a copy of the demo; dialogs are captured, never run."""
    import shutil

    from pmdesk.gui.main_window import MainWindow
    from pmdesk.gui.settings import Settings

    path = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, path)
    window = MainWindow(settings=Settings())
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(path)
    shown: list = []
    window.exchange.show_dialog = shown.append
    return window, shown


def _pdf_action(window):
    menu = window.menu_actions.export_menu
    menu.aboutToShow.emit()  # as opening the menu does: enables what applies
    return next(a for a in menu.actions() if a.text() == "PDF Document…")


EXPECTED_KIND = {
    "portfolio": "portfolio",
    "canvas": "canvas",
    "stakeholders": "stakeholders",
    "lifecycle": "spec",
    "roadmap": "roadmap",
    "requirements": "spec",
    "launch": "launch",
    "business_case": "business-case",
}


def test_the_pdf_menu_offers_the_current_views_document(demo_window):
    window, shown = demo_window
    for key, kind in EXPECTED_KIND.items():
        window.view_host.show_view(key)
        action = _pdf_action(window)
        assert action.isEnabled()
        action.trigger()
        dialog = shown.pop()
        assert dialog.kind == kind, key
        assert dialog.product_box.currentData() == window.product_selector.product_id()
        dialog.deleteLater()


def test_no_pdf_viewer_says_where_the_file_is(qtbot, ctx, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    asked: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: asked.append(url) or False)
    product = ctx.service(PortfolioService).product_by_name(NAME)
    dialog = ExportDialog(ctx, "stakeholders", product.id)  # the real "open the file"
    qtbot.addWidget(dialog)
    target = tmp_path / "out" / "map.pdf"
    target.parent.mkdir()
    dialog.output_edit.setText(str(target))
    assert dialog.open_after.isChecked()
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert target.exists() and len(asked) == 1
    assert asked[0].toLocalFile() == str(target)
    text = dialog.status.text()
    assert "No PDF viewer could open it" in text and str(target.parent) in text


def test_every_control_has_a_name_of_its_own(qtbot, ctx):
    """Read by a screen reader as what it is, not by its current value ("A3")."""
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QAbstractSpinBox, QWidget

    dialog = _dialog(qtbot, ctx, "roadmap")
    dialog.show()
    exposed(qtbot, dialog)
    names = {}
    for widget in dialog.findChildren(QWidget):
        if (
            widget.isVisible()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(widget.parentWidget(), QAbstractSpinBox)
        ):
            face = QAccessible.queryAccessibleInterface(widget)
            names[widget] = face.text(QAccessible.Text.Name)
    assert all(names.values()), [type(w).__name__ for w, name in names.items() if not name]
    # (Qt on Linux reads a combo box by its text and its label as a relation; elsewhere by
    # the name given: both are set.)
    assert dialog.kind_box.accessibleName() == "Document"
    assert dialog.paper_box.accessibleName() == "Paper"
    assert names[dialog.output_edit] == "Save as" and names[dialog.lanes] == "Lanes"
