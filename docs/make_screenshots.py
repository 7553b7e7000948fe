"""Render the README's screenshots from the real app on a fresh demo portfolio.

    .venv/bin/python docs/make_screenshots.py   # writes docs/screenshots/*.png
    .venv/bin/python docs/make_screenshots.py market   # only the Market view's shots

Runs offscreen; the PDF pages need pdftoppm (Debian's poppler-utils).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["PMDESK_CONFIG_DIR"] = tempfile.mkdtemp()
# One 1920×1080 screen, the projector of the workshop shots (the window itself is 1400×850).
_SCREENS = Path(tempfile.mkdtemp()) / "screens.json"
_SCREENS.write_text(
    '{"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1920, '
    '"height": 1080, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
)
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREENS}")

OUT = Path(__file__).resolve().parent / "screenshots"
VIEWS = [
    "portfolio",
    "canvas",
    "stakeholders",
    "lifecycle",
    "business_case",
    "roadmap",
    "requirements",
    "launch",
]


def main() -> int:
    """Every shot, or only the groups named on the command line (views, calendar,
    workshop, market, history, pdf, deck, first-day)."""
    from pmdesk.gui.app import application

    wanted = set(sys.argv[1:]) or {
        "views",
        "calendar",
        "workshop",
        "market",
        "history",
        "pdf",
        "deck",
        "first-day",
    }

    app = application()  # as pmdesk starts: the emoji font among the rest
    from pmdesk.gui.main_window import MainWindow
    from pmdesk.store.demo import create_demo

    OUT.mkdir(parents=True, exist_ok=True)
    demo = create_demo(Path(tempfile.mkdtemp()) / "Northwind.pmdesk")
    window = MainWindow()
    window.open_path(demo)
    window.resize(1400, 850)
    window.show()
    if "views" in wanted:
        for key in VIEWS:
            window.view_host.show_view(key)
            _settle(app)
            window.grab().save(str(OUT / f"{key}.png"))
    if "calendar" in wanted:
        _working_calendar(app, window)
    if "workshop" in wanted:
        for key in ("roadmap", "canvas", "business_case"):
            _workshop(app, window, key)
    if "market" in wanted:
        _market(app, window)
    if "history" in wanted:
        _history(app, window)
    if "pdf" in wanted:
        _pdf_pages(demo)
    if "deck" in wanted:
        _deck_slides(demo)
    window.close()
    if "first-day" in wanted:
        _first_day(app)
    return 0


def _settle(app) -> None:
    for _ in range(10):
        app.processEvents()


def _workshop(app, window, key: str) -> None:
    """The view presented on the projector (F5), the timer running in its band."""
    window.view_host.show_view(key)
    window.timer.set_duration_ms(10 * 60 * 1000)
    window.menu_actions.present.trigger()
    window.timer.start()
    _settle(app)
    window.presentation.grab().save(str(OUT / f"workshop-{key}.png"))
    window.stop_presentation()
    window.timer.reset()
    _settle(app)


def _market(app, window) -> None:
    """The Market view: the comparison matrix, the marketing mix, and the room dot-voting on
    customer feedback in workshop mode."""
    window.product_selector.select(
        window.product_selector.itemData(window.product_selector.findText("Pulse Cloud"))
    )
    window.view_host.show_view("market")
    view = window.view_host.current_view()
    for page, name in ((view.matrix_page, "market-matrix"), (view.mix_tab, "market-mix")):
        view.tabs.setCurrentWidget(page)
        _settle(app)
        window.grab().save(str(OUT / f"{name}.png"))
    feedback = view.feedback
    view.tabs.setCurrentWidget(feedback)
    feedback.status.setCurrentIndex(feedback.status.findText("All"))
    window.menu_actions.present.trigger()
    _settle(app)
    feedback.voting.participants.setText("Ana, Ben, Chloé")
    feedback.start_voting()
    ids = [row.id for row in feedback.model.rows]
    for index in (2, 2, 0, 5, 2, 0, 7, 5, 2):  # three dots each
        feedback.voting.session.place(ids[index])
    feedback.voting.session.reveal()
    _settle(app)
    window.presentation.grab().save(str(OUT / "workshop-market-feedback.png"))
    window.stop_presentation()
    _settle(app)


def _wait(app, done, seconds: float = 60) -> None:
    """Let Qt run until ``done()`` (a reading off the GUI thread has come in)."""
    import time

    from PySide6.QtCore import QThread

    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the screenshot's reading did not finish")
        app.processEvents()
        QThread.msleep(10)
    _settle(app)


def _history(app, window) -> None:
    """Since the Q3 review: What Changed Since… with its headline figures, the roadmap's
    ghost bars of that moment, a look back at it, and a what-if scenario compared with the
    plan."""
    import datetime as dt

    from pmdesk.gui.history_dialog import ChangesDialog, LookBackDialog
    from pmdesk.gui.moment_window import side_windows
    from pmdesk.gui.what_if_compare import show_compare
    from pmdesk.store.services import RoadmapService, WhatIfService
    from pmdesk.store.workspace import Workspace

    window.product_selector.select(
        window.product_selector.itemData(window.product_selector.findText("Pulse Cloud"))
    )
    window.view_host.show_view("roadmap")
    _settle(app)
    window.menu_actions.what_changed.trigger()
    changes = window.findChild(ChangesDialog)
    _wait(app, lambda: changes.op is not None and not changes.op.running and changes.rows())
    changes.resize(1100, 720)
    _settle(app)
    changes.grab().save(str(OUT / "history-changes.png"))
    changes.close()

    panel = window.view_host.current_view().chart
    menu = panel.toolbar.baseline_menu
    menu.aboutToShow.emit()
    (q3,) = [a for a in menu.actions() if a.text().startswith("Q3 review")]
    q3.trigger()
    _wait(app, lambda: panel.ghosts.op is not None and not panel.ghosts.op.running)
    window.grab().save(str(OUT / "roadmap-ghosts.png"))

    window.menu_actions.look_back.trigger()
    look = window.findChild(LookBackDialog)
    look.ok_button.click()
    _wait(app, lambda: bool(side_windows(window)))
    (side,) = side_windows(window)
    side.resize(1400, 850)
    side.view_host.show_view("stakeholders")
    _settle(app)
    side.grab().save(str(OUT / "look-back.png"))
    side.close()
    _settle(app)

    # A scenario that moves the marketplace pilot a month later, made as the window does:
    # a copy of the plan with the scenario's changes, edited, saved into the scenario.
    workspace = window.workspace
    scenarios = workspace.service(WhatIfService)
    row = scenarios.create("Pilot a month later", window.product_selector.product_id())
    folder = Path(tempfile.mkdtemp())
    copy_path = scenarios.open_copy(row.id, folder / "scenario.pmdesk")
    with Workspace.open(copy_path) as copy:
        roadmap = copy.service(RoadmapService)
        (pilot,) = [i for i in roadmap.items.list() if i.name == "Partner marketplace pilot"]
        month = dt.timedelta(days=30)
        roadmap.items.update(
            pilot.id, start_date=pilot.start_date + month, end_date=pilot.end_date + month
        )
        scenarios.save_from(row.id, copy)
    dialog = show_compare(window.ctx, row.id, row.name, window)
    _wait(app, lambda: dialog.op is not None and not dialog.op.running)
    dialog.grab().save(str(OUT / "what-if-compare.png"))
    dialog.close()
    _settle(app)


def _working_calendar(app, window) -> None:
    """Edit ▸ Working Calendar… over the roadmap, zoomed to days around the next holiday:
    the days off of the calendar shaded in the chart (the dialog drawn where it opens)."""
    from PySide6.QtGui import QColor, QPainter

    window.view_host.show_view("roadmap")
    _settle(app)
    chart = window.view_host.current_view().chart
    calendar = chart.model.calendar
    today = chart.model.today
    holiday = min(
        (e.first for e in calendar.exceptions if not e.working and e.first >= today),
        default=today,
    )
    chart.view.set_zoom(24)
    _settle(app)
    bar = chart.view.horizontalScrollBar()
    bar.setValue(round(chart.scene.scale.x(holiday) - 0.12 * chart.view.viewport().width()))
    dialog = window.show_working_calendar()
    dialog.resize(580, 540)
    _settle(app)
    shot = window.grab()
    painter = QPainter(shot)
    x, y = shot.width() - dialog.width() - 16, shot.height() - dialog.height() - 40
    painter.drawPixmap(x, y, dialog.grab())
    painter.setPen(QColor("#8a8f98"))
    painter.drawRect(x - 1, y - 1, dialog.width() + 1, dialog.height() + 1)
    painter.end()
    shot.save(str(OUT / "working-calendar.png"))
    dialog.close()
    chart.view.fit_all()
    _settle(app)


def _first_day(app) -> None:
    """A product manager's first day: a new workspace, one product, nothing else yet."""
    from pmdesk.gui.main_window import MainWindow
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    path = Path(tempfile.mkdtemp()) / "New portfolio.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    window = MainWindow()
    window.open_path(path)
    window.resize(1366, 768)
    window.show()
    window.view_host.show_view("canvas")
    _settle(app)
    window.grab().save(str(OUT / "first-day.png"))
    window.close()


def _pdf_pages(demo: Path) -> None:
    from pmdesk.exchange.pdf import export_pdf
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    folder = Path(tempfile.mkdtemp())
    with Workspace.open(demo, read_only=True) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        for kind, page in (("spec", 1), ("roadmap", 1), ("launch", 1)):
            pdf = export_pdf(ws, kind, folder / f"{kind}.pdf", product_id=product)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "50",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(pdf),
                    str(OUT / f"pdf-{kind}"),
                ],
                check=True,
            )


def _deck_slides(demo: Path) -> None:
    """Two slides of Pulse Cloud's product review, as LibreOffice Impress shows the deck."""
    from pmdesk.exchange.deck import export_deck
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    folder = Path(tempfile.mkdtemp())
    with Workspace.open(demo, read_only=True) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        deck = export_deck(
            ws, folder / "review.pptx", product_id=product, slides=["roadmap", "business-case"]
        )
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(deck),
        ],
        check=True,
        capture_output=True,
    )
    for name, page in (("deck-roadmap", 1), ("deck-business-case", 6)):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(folder / "review.pdf"),
                str(OUT / name),
            ],
            check=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
