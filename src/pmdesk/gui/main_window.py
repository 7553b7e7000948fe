"""The main window: the one place where files are opened and widgets are wired together.

Views never see the window; they get an AppContext and emit signals, which are
connected here. Every question to the person goes through ``self.dialogs``
(see dialogs.py), so tests can answer it without a modal dialog.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from pmdesk.core.bulk import thaw
from pmdesk.core.errors import PmdeskError
from pmdesk.core.kinds import ChangeKind
from pmdesk.store.errors import IndexDamagedError, WorkspaceLockedError

from . import theme
from .actions import FileStatus, WindowActions, fill_recent_menu, menu_text, with_key
from .dialogs import Dialogs, about_facts, about_html
from .exchange_menu import ExchangeMenus
from .navigation import ProductSelector, ViewHost, ViewSpecLike, default_views
from .ops import INPUT_EVENTS
from .presentation_control import PresentationControl
from .settings import Settings, clamp_zoom
from .start_page import StartPage, create_demo_workspace
from .team_menu import TeamMenu
from .views.base import BaseView
from .views.hooks import offers
from .widgets.first_paint import AfterFirstPaint
from .widgets.image_export import export_widget

# The window's chrome is built and painted before any file is open: the store (SQLAlchemy,
# every model) and what only an action needs are imported where they are first used.
if TYPE_CHECKING:
    from pmdesk.core.changes import ChangeSet
    from pmdesk.store.workspace import Workspace

    from .calendar_dialog import CalendarDialog
    from .context import AppContext
    from .present import PresentationWindow
    from .workshop.presenter import PresenterWindow
    from .workshop.timer import WorkshopTimer

OPEN_FAILURES = (PmdeskError, OSError, sqlite3.Error)


def __getattr__(name: str) -> Any:
    """``main_window.Workspace`` still names the store's class, imported on first use."""
    if name == "Workspace":
        from pmdesk.store.workspace import Workspace

        return Workspace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: Settings | None = None,
        views: Sequence[ViewSpecLike] | None = None,
        dialogs: Dialogs | None = None,
        opening: str | None = None,
    ) -> None:
        """``opening``: the name of the file about to be opened (``show_opening``); without
        it the window starts on its start page."""
        super().__init__()
        self.settings = settings if settings is not None else Settings.load()
        self.dialogs = dialogs or Dialogs(self)
        self.ctx: AppContext | None = None
        self._store_gate: _StoreGate | None = None  # while a file's store loads
        self.calendar_dialog: CalendarDialog | None = None
        self.setWindowIcon(theme.app_icon())
        self.setMinimumSize(760, 480)

        self.menu_actions = WindowActions(self)
        self.menu_actions.build_menus()
        self.product_selector = ProductSelector()
        self.toolbar = self.menu_actions.build_toolbar(self.product_selector)
        self._start_page: StartPage | None = None  # built when first shown (start_page)
        self.view_host = ViewHost(views if views is not None else default_views())
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view_host)
        self.setCentralWidget(self.pages)
        self.file_status = FileStatus(self.statusBar())
        self.exchange = ExchangeMenus(
            self,
            self.menu_actions.import_menu,
            self.menu_actions.export_menu,
            lambda: self.ctx,
            self.product_selector.product_id,
            self.view_host.current_view,
            self.open_path,
        )
        for menu in (self.menu_actions.import_menu, self.menu_actions.export_menu):
            menu.aboutToShow.connect(self.exchange.update_enabled)
        self.menu_actions.roadmap_menu.aboutToShow.connect(self._fill_roadmap_menu)
        file_menu = self.menuBar().actions()[0].menu()
        self.team_menu = TeamMenu(self, file_menu, self.menu_actions.save_copy)
        self.presenting = PresentationControl(
            self, self.view_host, self.menu_actions, self.settings, lambda: self.ctx
        )
        self._connect()
        self._restore_window()
        if opening is None:
            self._show_no_file()
        else:
            self._no_file()
            self.show_opening(opening)

    @property
    def start_page(self) -> StartPage:
        """The page shown while no file is open, built the first time it is needed: a start
        on a file never shows it (building it and adding it to the window took 5 ms)."""
        if self._start_page is None:
            page = self._start_page = StartPage()
            page.demoRequested.connect(self.open_demo)
            page.newRequested.connect(self.new_workspace)
            page.openRequested.connect(self.open_dialog)
            page.recentRequested.connect(lambda path: self.open_path(Path(path)))
            self.pages.insertWidget(0, page)
        return self._start_page

    # -- construction -----------------------------------------------------------------------

    def _connect(self) -> None:
        a = self.menu_actions
        a.new.triggered.connect(self.new_workspace)
        a.open.triggered.connect(self.open_dialog)
        a.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        a.clear_recent.triggered.connect(self.clear_recent)
        a.save_copy.triggered.connect(self.save_copy)
        a.export_png.triggered.connect(self.export_png)
        a.close.triggered.connect(self.close_workspace)
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(lambda: self.ctx and self.ctx.undo())
        a.redo.triggered.connect(lambda: self.ctx and self.ctx.redo())
        a.delete.triggered.connect(self.delete_selection)
        a.working_calendar.triggered.connect(self.show_working_calendar)
        a.take_snapshot.triggered.connect(self.take_snapshot)
        a.what_changed.triggered.connect(self.what_changed)
        a.look_back.triggered.connect(self.look_back)
        a.what_if.triggered.connect(self.what_if_scenarios)
        a.zoom_in.triggered.connect(lambda: self.set_zoom(self.settings.zoom + 1))
        a.zoom_out.triggered.connect(lambda: self.set_zoom(self.settings.zoom - 1))
        a.zoom_reset.triggered.connect(lambda: self.set_zoom(0))
        a.theme_group.triggered.connect(lambda action: self.set_theme(action.data()))
        a.start_voting.triggered.connect(self.start_voting)
        a.about.triggered.connect(self.show_about)
        self.product_selector.productChosen.connect(self._product_chosen)
        self.view_host.viewCreated.connect(self._wire_view)
        self.view_host.currentChanged.connect(self._view_changed)

    def _restore_window(self) -> None:
        if self.settings.geometry:
            self.restoreGeometry(QByteArray(self.settings.geometry))
        else:
            self.resize(1280, 800)
        if self.settings.window_state:
            self.restoreState(QByteArray(self.settings.window_state))
        self.menu_actions.themes[theme.current_theme()].setChecked(True)
        self.view_host.set_zoom(self.settings.zoom)

    # -- presenting (see presentation_control.py) ------------------------------------------

    @property
    def timer(self) -> WorkshopTimer:
        return self.presenting.timer

    @property
    def presentation(self) -> PresentationWindow | None:
        return self.presenting.presentation

    @property
    def presenter(self) -> PresenterWindow | None:
        return self.presenting.presenter

    @property
    def present_scale(self) -> float:
        """The text scale chosen in the last presentation (the next one starts with it)."""
        return self.presenting.scale

    def toggle_presentation(self) -> None:
        self.presenting.toggle()

    def stop_presentation(self) -> None:
        self.presenting.stop()

    def step_presentation(self, step: int) -> None:
        self.presenting.step(step)

    def _presented_key(self) -> str | None:
        return self.presenting.presented_key()

    # -- opening and closing files ---------------------------------------------------------------

    @property
    def workspace(self) -> Workspace | None:
        return self.ctx.workspace if self.ctx is not None else None

    def open_path(self, path: Path) -> bool:
        """Open ``path``, replacing the open file; on refusal say why and keep the current one."""
        path = Path(path)
        if self.workspace is not None and _same_file(self.workspace.path, path):
            return True

        early = self.view_host.before_store(self.settings.last_view)

        def open_it(read_only: bool = False) -> Workspace:
            if early and not read_only:
                # The view shown first is drawn before the store loads: the file is checked
                # and locked without it, and the store loads once that view is drawn.
                from pmdesk.store.early import EarlyWorkspace

                opened = EarlyWorkspace.open(path)
                if opened is not None:  # else a file to upgrade or recover first
                    return opened  # type: ignore[return-value]  # a Workspace once loaded
            # Imported on the worker: the store (SQLAlchemy, every model) is most of a cold
            # start, and the window keeps painting while it loads.
            from pmdesk.store.factory import open_workspace

            return open_workspace(path, read_only=read_only)

        title = f"Opening {path.name}"
        # The first view's module loads on this thread while the worker checks the file.
        first_view = partial(self.view_host.prepare, self.settings.last_view) if early else None
        try:
            workspace = self._off_thread(title, open_it, first_view)
        except (WorkspaceLockedError, IndexDamagedError) as exc:
            if not self.dialogs.ask_read_only(str(exc)):
                return False
            try:
                workspace = self._off_thread(title, lambda: open_it(read_only=True))
            except OPEN_FAILURES as exc:
                self._open_failed(path, exc)
                return False
        except OPEN_FAILURES as exc:
            self._open_failed(path, exc)
            return False
        self.set_workspace(workspace)
        self._load_store_after_first_paint(workspace)
        return True

    def _load_store_after_first_paint(self, workspace: object) -> None:
        """An early workspace's store loads once its first view is drawn (on a thread);
        until it has, a click or a key waits for it under the busy cursor (see _StoreGate)."""
        from pmdesk.store.early import EarlyWorkspace

        if not isinstance(workspace, EarlyWorkspace):
            return
        from .ops import busy_cursor

        workspace.waiting = busy_cursor
        gate = self._store_gate = _StoreGate(workspace, self)
        page = self.view_host.current_view() or self.pages.currentWidget()
        AfterFirstPaint(page, lambda: workspace.start_loading(gate.loaded.emit))

    def open_url(self, url: str, password: str | None = None) -> bool:
        """Connect to a team workspace; the password is asked for (the system keyring may fill
        it in) and never written to pmdesk's files."""
        from pmdesk import credentials
        from pmdesk.store.factory import connect_workspace

        from . import team

        keep = None
        if password is None:
            answer = team.ask_connection(self, url)
            if answer is None:
                return False
            url, password, keep = answer
        try:
            workspace = self._off_thread(
                "Connecting to the team workspace", lambda: connect_workspace(url, password)
            )
        except PmdeskError as exc:
            self.dialogs.error("Could not connect to the team workspace", str(exc))
            return False
        self.set_workspace(workspace)
        problem = credentials.remember_after_connect(credentials.Login(url, password, keep))
        if problem:  # connected all the same; the person asked for it, so they are told
            self.dialogs.error("The password was not remembered", problem)
        return True

    def _off_thread(
        self,
        title: str,
        open_it: Callable[[], Workspace],
        meanwhile: Callable[[], object] | None = None,
    ) -> Workspace:
        """Open (check, upgrade, connect) on a worker while the window keeps painting.

        A long open shows its progress dialog and the window takes no input meanwhile;
        the caller still gets the workspace, or the exception opening raised, in order.
        There is no Cancel: an upgrade is one transaction that finishes or rolls back,
        and closing the window waits for it.
        """
        from .ops import OPEN_SHOW_AFTER_MS, BackgroundOp

        op = BackgroundOp(
            self,
            lambda _token: open_it(),
            title=title,
            cancellable=False,
            show_after_ms=OPEN_SHOW_AFTER_MS,
        )
        try:
            return op.outcome_in_order(meanwhile)
        finally:
            op.deleteLater()

    def _open_failed(self, path: Path, exc: BaseException) -> None:
        if not path.exists():
            self.settings.remove_recent(path)
            self.start_page.set_recent(self.settings.recent_files)
        self.dialogs.error("Could not open the file", str(exc))

    def set_workspace(self, workspace: Workspace) -> None:
        """Show ``workspace`` in the window; the previous one (if any) is closed first."""
        self._close_current()
        thaw()  # what the previous file kept alive may be garbage in cycles now
        if workspace.is_team:
            from . import team

            self.ctx = team.make_context(workspace, self)
            team.attach(self, self.ctx)
        else:  # a file: the team machinery (and its imports) is not needed
            from .context import AppContext

            self.ctx = AppContext(workspace, self)
        self.ctx.changed.connect(self._workspace_changed)
        self.ctx.errorRaised.connect(lambda text: self.dialogs.error("pmdesk", text))
        stack = self.ctx.undo_stack
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged,
                       stack.redoTextChanged):  # fmt: skip
            signal.connect(self._update_edit_actions)
        if not workspace.is_team:  # a team workspace needs its password: not reopened by itself
            self.settings.add_recent(workspace.path)
            self.settings.last_file = str(workspace.path.absolute())
        remembered = self.settings.product_for(workspace.path)
        self.view_host.set_context(self.ctx, None)
        self._reload_products(keep=remembered)
        self.view_host.set_product(self.product_selector.product_id())
        # The view used last is chosen before the views come on screen: shown with no row
        # chosen (from the start page), the sidebar would choose its first row itself,
        # building the Portfolio and opening the file on it.
        self.view_host.show_view(self.settings.last_view)
        self.pages.setCurrentWidget(self.view_host)
        self._update_file_status()
        self._update_edit_actions()
        self.settings.save()

    def show_opening(self, name: str) -> None:
        """The window before its first file is open: the file's name in the title, the list
        of views (the last one marked), and a note in the status bar; the view follows."""
        self.view_host.show_view(self.settings.last_view)  # no file yet: only marks it
        self.pages.setCurrentWidget(self.view_host)  # with its row chosen (set_workspace)
        self.product_selector.show_opening()
        self.setWindowTitle(f"{name} — pmdesk".replace("[*]", "[*][*]"))
        self.statusBar().showMessage(f"Opening {name}…")

    def show_start_page(self) -> None:
        """No file open: the start page (after a first file that could not be opened)."""
        if self.ctx is None:
            self._show_no_file()

    def close_workspace(self) -> None:
        """File > Close: back to the start page; the next start will not reopen this file."""
        self._close_current()
        thaw()  # what the file kept alive may be garbage in cycles now (not at quit: no need)
        self.settings.last_file = ""
        self.settings.save()
        self._show_no_file()

    def _close_current(self) -> None:
        self.stop_presentation()
        if self._store_gate is not None:  # the file it waits for closes (waiting for it)
            self._store_gate.open()
            self._store_gate = None
        if self.calendar_dialog is not None:
            self.calendar_dialog.close()
            self.calendar_dialog.deleteLater()
            self.calendar_dialog = None
        if self.ctx is None:
            return
        # A look back or a what-if window belongs to this file: it closes first, so a
        # scenario's last edit is saved into the plan while the plan is still open.
        from .moment_window import side_windows

        for side in side_windows(self):
            side.close()
        ctx, self.ctx = self.ctx, None
        self.settings.remember_product(ctx.workspace.path, self.product_selector.product_id())
        self.view_host.set_context(None, None)
        ctx.close()
        ctx.workspace.close()
        ctx.deleteLater()

    def _show_no_file(self) -> None:
        self.start_page.set_recent(self.settings.recent_files)
        self.pages.setCurrentWidget(self.start_page)
        self._no_file()

    def _no_file(self) -> None:
        """No product to choose, nothing to save or undo: what the window says without a file."""
        self.product_selector.set_products([], None, file_open=False)
        self._update_file_status()
        self._update_edit_actions()

    # -- File menu -----------------------------------------------------------------------------

    def _dialog_folder(self) -> Path:
        if self.workspace is not None and not self.workspace.is_team:
            return self.workspace.path.parent
        for recent in self.settings.recent_files:
            if Path(recent).parent.is_dir():
                return Path(recent).parent
        return Path.home()

    def open_dialog(self) -> None:
        path = self.dialogs.open_path(self._dialog_folder())
        if path is not None:
            self.open_path(path)

    def new_workspace(self) -> None:
        path = self.dialogs.new_path(self._dialog_folder())
        if path is None:
            return
        from pmdesk.store.factory import create_workspace

        try:
            workspace = create_workspace(path)  # named after the file
        except OPEN_FAILURES as exc:
            self.dialogs.error("Could not create the workspace", str(exc))
            return
        self.set_workspace(workspace)

    def open_demo(self) -> None:
        try:
            path = create_demo_workspace()
        except OPEN_FAILURES as exc:
            self.dialogs.error("Could not create the demo portfolio", str(exc))
            return
        self.open_path(path)

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        self.settings.save()
        self.start_page.set_recent([])

    def _fill_recent_menu(self) -> None:
        fill_recent_menu(
            self.menu_actions.recent_menu,
            self.settings.recent_files,
            self.open_path,
            self.menu_actions.clear_recent,
        )

    def save_copy(self) -> None:
        if self.workspace is None:
            return
        source = self.workspace.path
        suggested = self._dialog_folder() / f"{source.stem} copy.pmdesk"
        target = self.dialogs.save_copy_path(suggested)
        if target is None:
            return
        try:
            self.workspace.save_copy(target)
        except OPEN_FAILURES as exc:
            self.dialogs.error("Could not save a copy", str(exc))
            return
        self.statusBar().showMessage(f"Saved a copy as {target}", 8000)

    def export_png(self) -> None:
        view = self.view_host.current_view()
        if not offers(view, BaseView.export_image) or self.workspace is None:
            return
        suggested = self.workspace.path.with_name(
            f"{self.workspace.path.stem} - {self.view_host.current_title()}.png"
        )
        target = self.dialogs.png_path(suggested)
        if target is None:
            return
        # Each view writes what it shows (a drawn view the whole board or chart, not only what
        # is scrolled into sight) through the one image helper.
        try:
            if isinstance(view, BaseView) and view.asks_for_product():
                export_widget(view, target)  # its page asking for a product: what is on screen
            else:
                view.export_image(target)
        except (OSError, PmdeskError) as exc:
            self.dialogs.error("Could not export the view", f"{target}: {exc}")
            return
        self.statusBar().showMessage(f"Exported {target.name}", 8000)

    # -- Edit menu -------------------------------------------------------------------------------

    def delete_selection(self) -> None:
        view = self.view_host.current_view()
        if view is not None and not self._read_only() and view.has_selection():
            view.delete_selected()

    def _read_only(self) -> bool:
        return self.ctx is None or self.ctx.read_only

    def _update_edit_actions(self, *_args: object) -> None:
        stack = self.ctx.undo_stack if self.ctx is not None else None
        editable = stack is not None and not self._read_only()
        a = self.menu_actions
        a.undo.setEnabled(editable and stack.canUndo())
        a.redo.setEnabled(editable and stack.canRedo())
        undo_text = stack.undoText() if editable and stack.canUndo() else ""
        redo_text = stack.redoText() if editable and stack.canRedo() else ""
        a.undo.setText(menu_text(f"Undo {undo_text}".strip()))
        a.redo.setText(menu_text(f"Redo {redo_text}".strip()))
        a.undo.setToolTip(theme.plain_tooltip(with_key(f"Undo {undo_text}".strip(), a.undo)))
        a.redo.setToolTip(theme.plain_tooltip(with_key(f"Redo {redo_text}".strip(), a.redo)))
        self._update_delete_action()
        for action in a.workspace_actions:
            action.setEnabled(self.ctx is not None)
        a.take_snapshot.setEnabled(editable)
        self._update_hook_actions()
        self.team_menu.update(self.workspace)

    def _update_hook_actions(self) -> None:
        """The actions a view offers or not (see BaseView's hooks): enabled where offered."""
        view = self.view_host.current_view() if self.ctx is not None else None
        a = self.menu_actions
        a.export_png.setEnabled(offers(view, BaseView.export_image))
        a.start_voting.setEnabled(offers(view, BaseView.start_voting) and not self._read_only())

    def _update_delete_action(self) -> None:
        view = self.view_host.current_view()
        self.menu_actions.delete.setEnabled(
            view is not None and not self._read_only() and bool(view.has_selection())
        )

    # -- views and products ---------------------------------------------------------------------

    def _wire_view(self, view: QWidget) -> None:
        view.productActivated.connect(self.product_selector.select)
        if hasattr(view, "addProductRequested"):
            view.addProductRequested.connect(self.add_product_here)
        view.selectionChanged.connect(self._update_delete_action)
        view.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 6000))
        if hasattr(view, "calendarRequested"):
            view.calendarRequested.connect(self.show_working_calendar)
        if hasattr(view, "viewRequested"):  # a button that opens another view (the mix's)
            view.viewRequested.connect(self.view_host.show_view)

    def add_product_here(self) -> None:
        """Add product from a view that needs one: the Portfolio adds it (its dialog, one undo
        step), then the person is back where they were, on the new product."""
        back = self.view_host.current_key
        self.view_host.show_view("portfolio")
        portfolio = self.view_host.current_view()
        product_id = portfolio.add_product() if offers(portfolio, BaseView.add_product) else None
        if product_id is None:
            self.view_host.show_view(back)
            return
        self.product_selector.select(product_id)
        self.view_host.show_view(back)

    def _view_changed(self, key: str) -> None:
        self.settings.last_view = key
        self._update_delete_action()
        self._update_hook_actions()

    def _workspace_changed(self, changeset: ChangeSet) -> None:
        if changeset.touches(ChangeKind.PRODUCT):
            self._reload_products(keep=self.product_selector.product_id())

    def _reload_products(self, keep: int | None) -> None:
        if self.ctx is None:
            return
        from pmdesk.store.portfolio_rows import PortfolioQueries

        # Read as the first view reads: before a file's store has loaded too (store/early.py).
        products = PortfolioQueries(self.ctx.workspace).product_choices()
        self.product_selector.set_products(products, keep)

    def _product_chosen(self, product_id: int | None) -> None:
        self.view_host.set_product(product_id)
        if self.calendar_dialog is not None:
            self.calendar_dialog.set_product(product_id)
        if self.workspace is not None:
            self.settings.remember_product(self.workspace.path, product_id)

    def take_snapshot(self) -> QWidget | None:
        from . import history_dialog

        ctx = None if self._read_only() else self.ctx
        return history_dialog.take_snapshot(
            self, ctx, lambda text: self.statusBar().showMessage(text, 8000)
        )

    def what_changed(self) -> QWidget | None:
        from . import history_dialog

        return history_dialog.what_changed(self)

    def look_back(self) -> QWidget | None:
        from . import history_dialog

        return history_dialog.look_back(self)

    def what_if_scenarios(self) -> QWidget | None:
        from . import what_if_dialog

        return what_if_dialog.show_scenarios(self)

    def show_working_calendar(self) -> CalendarDialog | None:
        """Edit ▸ Working Calendar…: the current product's calendar (else the workspace's),
        in a window of its own beside the plan; every change is one undo step."""
        if self.ctx is None:
            return None
        if self.calendar_dialog is None:
            from .calendar_dialog import CalendarDialog

            a = self.menu_actions
            self.calendar_dialog = CalendarDialog(
                self.ctx, self.product_selector.product_id(), self, actions=[a.undo, a.redo]
            )
            self.calendar_dialog.statusMessage.connect(
                lambda text: self.statusBar().showMessage(text, 6000)
            )
        else:
            self.calendar_dialog.set_product(self.product_selector.product_id())
        self.calendar_dialog.show()
        self.calendar_dialog.raise_()
        self.calendar_dialog.activateWindow()
        return self.calendar_dialog

    # -- View menu --------------------------------------------------------------------------------

    def set_zoom(self, step: int) -> None:
        self.settings.zoom = clamp_zoom(step)
        self.view_host.set_zoom(self.settings.zoom)
        self.statusBar().showMessage(f"Zoom {round(100 * 1.1**self.settings.zoom)}%", 3000)
        self.settings.save()

    def set_theme(self, name: str) -> None:
        theme.apply_theme(QApplication.instance(), name)
        self.menu_actions.themes[theme.current_theme()].setChecked(True)
        self.menu_actions.retint()
        self.settings.theme = theme.current_theme()
        self.settings.save()

    def _fill_roadmap_menu(self) -> None:
        """The roadmap chart's zoom, fit, today and display actions, when it is on screen."""
        menu = self.menu_actions.roadmap_menu
        menu.clear()
        view = self.view_host.current_view()
        if not offers(view, BaseView.chart_actions):
            hint = menu.addAction("Available in the Roadmap view")
            hint.setEnabled(False)
            return
        menu.addActions(view.chart_actions())
        menu.addSeparator()
        menu.addAction(self.menu_actions.working_calendar)
        menu.addAction(self.menu_actions.what_if)

    def start_voting(self) -> None:
        view = self.view_host.current_view()
        if offers(view, BaseView.start_voting) and not self._read_only():
            view.start_voting()

    # -- Help, status, window ---------------------------------------------------------------------

    def show_about(self) -> None:
        ws = self.workspace
        facts = about_facts(ws.path if ws else None, ws.schema_version if ws else None)
        self.dialogs.about(about_html(facts))

    def _update_file_status(self) -> None:
        ws = self.workspace
        title = "pmdesk"
        if ws is not None:
            title = f"{ws.path.stem} — pmdesk" + (" [read-only]" if ws.read_only else "")
        self.setWindowTitle(title.replace("[*]", "[*][*]"))  # "[*]" is Qt's placeholder
        self.file_status.show_file(ws)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_presentation()
        self.settings.geometry = bytes(self.saveGeometry().data())
        self.settings.window_state = bytes(self.saveState().data())
        self._close_current()
        self.settings.save()
        super().closeEvent(event)


class _StoreGate(QObject):
    """Until an early workspace's store has loaded, a click or a key waits for it first.

    Whatever a person starts may import the store's modules on the window's thread, while
    the loading thread imports them too: waiting for the load first keeps the two apart,
    and the step then runs on a loaded store. Nothing else waits: the first view, its
    scrolling and zooming read nothing that needs the store.
    """

    loaded = Signal()  # emitted on the loading thread: queued to this one
    # What a person does (a busy window blocks the same), but the wheel: scrolling and
    # zooming the first view read nothing that needs the store.
    INPUT = INPUT_EVENTS - {QEvent.Type.Wheel}

    def __init__(self, workspace: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self.loaded.connect(self.open, Qt.ConnectionType.QueuedConnection)
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.INPUT:
            self.open()
            with contextlib.suppress(Exception):  # raised again to the step that needs it
                self._workspace.workspace()
        return False

    def open(self) -> None:
        """Nothing waits any more (the store has loaded, or its file closes)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
