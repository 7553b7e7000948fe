"""View ▸ Roadmap ▸ What-if Scenarios…: try a different plan without touching the plan.

A scenario branches one product's plan under a name ("Ship Edge early"). The dialog lists
the workspace's scenarios and makes, renames, opens, compares, promotes and discards them:

- **New…** and **Rename…** are one undo step each on the plan's undo stack.
- **Open** writes the plan with the scenario's changes into a temporary workspace off the
  GUI thread (:meth:`WhatIfService.open_copy`) and opens it in a second window (the
  "what_if" tone of :func:`~pmdesk.gui.moment_window.open_side_window`). Every edit made
  there — and every undo and redo of its own undo stack — is saved back into the scenario
  at once (:meth:`WhatIfService.save_from`), so closing that window loses nothing.
- **Compare…** shows the plan and the scenario side by side (:mod:`.what_if_compare`).
- **Promote to Plan** and **Discard…** are ServiceCommands on the *plan's* undo stack: one
  step each, Ctrl+Z in the plan's window brings the old plan and the scenario back. A
  window open on that scenario closes.

On a read-only workspace (another pmdesk has it, or a look-back window) scenarios can only
be compared.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.errors import PmdeskError
from pmdesk.core.wording import plural, short_date, short_moment

from .commands import ServiceCommand
from .ops import BackgroundOp, OpToken, error_text
from .what_if_compare import show_compare
from .widgets.name_dialog import NameDialog as SharedNameDialog

if TYPE_CHECKING:
    from pmdesk.core.changes import ChangeSet
    from pmdesk.store.services.what_if import WhatIfRow, WhatIfService
    from pmdesk.store.workspace import Workspace

    from .context import AppContext
    from .main_window import MainWindow

NAME_MAX = 200  # as the store keeps a scenario's name
BANNER = "What-if “{name}” — changes here leave the plan alone"
EMPTY_NAME = "Give the scenario a name, such as “Ship Edge early”."
NO_SCENARIOS = (
    "No scenarios yet. New… branches the plan of {product} into a named scenario: move "
    "items and change dates there freely, compare it with the plan, then promote it to the "
    "plan or discard it."
)
NO_PRODUCT = (
    "No scenarios yet. A scenario branches one product's plan: add a product in the "
    "Portfolio view first, then choose it in the toolbar and come back here."
)
READ_ONLY = "This workspace is read-only here: its scenarios can be compared, not changed."
WINDOW_PROPERTY = "pmdeskWhatIfScenario"  # set on a scenario's window: the scenario's id


def _service(ws: Workspace) -> WhatIfService:
    from pmdesk.store.services.what_if import WhatIfService

    return ws.service(WhatIfService)


# -- the edits, each one undo step on the plan -------------------------------------------


class NewScenarioCommand(ServiceCommand):
    def __init__(self, ws: Workspace, name: str, product_id: int | None) -> None:
        super().__init__(f"New What-if “{name.strip()}”")
        self.ws = ws
        self.name = name
        self.product_id = product_id
        self.row: WhatIfRow | None = None

    def apply(self) -> None:
        self.row = _service(self.ws).create(self.name, self.product_id)


class RenameScenarioCommand(ServiceCommand):
    def __init__(self, ws: Workspace, scenario_id: int, old: str, name: str) -> None:
        super().__init__(f"Rename What-if “{old}” to “{name.strip()}”")
        self.ws = ws
        self.scenario_id = scenario_id
        self.name = name

    def apply(self) -> None:
        _service(self.ws).rename(self.scenario_id, self.name)


class PromoteScenarioCommand(ServiceCommand):
    """The scenario's changes made to the plan, and the scenario gone: one step."""

    def __init__(self, ws: Workspace, scenario_id: int, name: str) -> None:
        # As the store labels it in the history: "Promote “Ship Edge early” to the plan".
        super().__init__(f"Promote “{name}” to the plan")
        self.ws = ws
        self.scenario_id = scenario_id

    def apply(self) -> None:
        _service(self.ws).promote(self.scenario_id)


class DiscardScenarioCommand(ServiceCommand):
    def __init__(self, ws: Workspace, scenario_id: int, name: str) -> None:
        super().__init__(f"Discard What-if “{name}”")
        self.ws = ws
        self.scenario_id = scenario_id

    def apply(self) -> None:
        _service(self.ws).discard(self.scenario_id)


def ask_discard(parent: QWidget, name: str, discard: Callable[[], object]) -> QMessageBox:
    """Ask before a scenario is thrown away (window-modal, not blocking); Discard runs it."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Discard the scenario?",
        f"Discard the scenario “{name}”?",
        parent=parent,
    )
    box.setObjectName("discardWhatIfQuestion")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(
        "Its changes are thrown away; the plan stays as it is. Undo in the plan's window "
        "brings the scenario back."
    )
    yes = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def answered(_result: int) -> None:
        box.deleteLater()
        if box.clickedButton() is yes:
            discard()

    box.finished.connect(answered)
    box.open()
    return box


class NameDialog(SharedNameDialog):
    """A scenario's name: New… (for the product named) and Rename…; a refusal keeps it open."""

    def __init__(
        self,
        title: str,
        intro: str,
        make: Callable[[str], ServiceCommand],
        ctx: AppContext,
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            lambda text, _note: make(text),
            title=title,
            intro=intro,
            ok_text=title.rstrip("…"),
            name=name,
            placeholder="Ship Edge early",
            empty=EMPTY_NAME,
            max_length=NAME_MAX,
            names=("whatIfNameDialog", "whatIfName", "whatIfNameMessage"),
            parent=parent,
        )
        self.setMinimumWidth(440)


# -- a scenario open in a window of its own ------------------------------------------------


class ScenarioWindow(QObject):
    """One scenario open in a second window: every edit there is saved into the scenario.

    It lives as long as that window, as a child of the plan's window. The window's banner
    offers Compare with Plan, Promote to Plan and Discard; promoting or discarding (from
    here or from the dialog), or an undo in the plan's window that takes the scenario
    away, closes the window.
    """

    opened = Signal(object)  # the scenario's window, once it shows
    failed = Signal(str)
    saved = Signal(int)  # after a save: how many rows of the scenario differ from the plan

    def __init__(self, main: MainWindow, row: WhatIfRow) -> None:
        super().__init__(main)
        assert main.ctx is not None
        self.main = main
        self.plan_ctx: AppContext = main.ctx
        self.scenario_id = row.id
        self.name = row.name
        self.product_id = row.product_id
        self.side: MainWindow | None = None
        self.op: BackgroundOp | None = None
        self.dest: Path | None = None  # the scenario's copy, in a temporary folder of its own
        self.compare_action = QAction("Compare with Plan", self)
        self.compare_action.setToolTip("The plan's and this scenario's figures side by side")
        self.promote_action = QAction("Promote to Plan", self)
        self.promote_action.setToolTip(
            "Make this scenario the plan: one step, undone in the plan's window"
        )
        self.discard_action = QAction("Discard", self)
        self.discard_action.setToolTip("Throw this scenario away; the plan stays as it is")
        self.compare_action.triggered.connect(self.compare)
        self.promote_action.triggered.connect(self.promote)
        self.discard_action.triggered.connect(self.discard)
        self.plan_ctx.changed.connect(self._plan_changed)
        self.plan_ctx.destroyed.connect(self.close)

    @property
    def live(self) -> bool:
        """Its window is open, or being opened."""
        return self.side is not None or (self.op is not None and self.op.running)

    @property
    def actions(self) -> list[QAction]:
        return [self.compare_action, self.promote_action, self.discard_action]

    # -- opening ------------------------------------------------------------------------

    def start(self) -> None:
        """Write the scenario's copy of the plan off the GUI thread, then show it."""
        from .moment_window import temp_workspace_path

        self.dest = dest = temp_workspace_path(self.name)
        reopen, scenario_id = self.plan_ctx.workspace.reopen_read_only, self.scenario_id

        def work(token: OpToken) -> Path:
            with reopen() as ws:
                token.check()
                return _service(ws).open_copy(scenario_id, dest)

        self.op = BackgroundOp(self.main, work, title=f"Opening the scenario “{self.name}”")
        self.op.succeeded.connect(self._show)
        self.op.failed.connect(self._not_opened)
        self.op.cancelled.connect(lambda: self._not_opened(None))
        self.op.start()

    def _not_opened(self, error: BaseException | None) -> None:
        self._remove_copy()
        if error is not None:
            self.failed.emit(error_text(error, f"Opening “{self.name}”"))
        self.deleteLater()

    def _show(self, dest: Path) -> None:
        from pmdesk.store.factory import open_workspace

        from .moment_window import open_side_window

        if self.main.ctx is not self.plan_ctx:  # the plan's file was closed meanwhile
            self._not_opened(None)
            return
        try:
            copy = open_workspace(dest)
        except (PmdeskError, OSError) as exc:
            self._not_opened(exc)
            return
        side = open_side_window(
            self.main,
            copy,
            banner=BANNER.format(name=self.name),
            tone="what_if",
            temp_path=dest,  # the window deletes it (and its folder) when it closes
            actions=self.actions,
        )
        self.dest = None
        side.setProperty(WINDOW_PROPERTY, self.scenario_id)
        side.menu_actions.what_if.setVisible(False)  # the plan's window lists the scenarios
        self.side = side
        assert side.ctx is not None
        # Every committed edit of the copy, undo and redo included, reaches the scenario.
        side.ctx.changed.connect(self.save)
        side.installEventFilter(self)  # its closing ends this (it is deleted later)
        if self.product_id is not None:
            side.product_selector.select(self.product_id)
        side.view_host.show_view("roadmap")
        self.opened.emit(side)

    # -- saving ---------------------------------------------------------------------------

    def save(self, _changes: ChangeSet | None = None) -> int | None:
        """Store the copy's changes in the scenario; a failure is said in its window."""
        side = self.side
        if side is None or side.ctx is None or self.main.ctx is not self.plan_ctx:
            return None
        try:
            count = _service(self.plan_ctx.workspace).save_from(
                self.scenario_id, side.ctx.workspace
            )
        except PmdeskError as exc:
            side.ctx.errorRaised.emit(f"The scenario “{self.name}” could not be saved: {exc}")
            return None
        side.statusBar().showMessage(
            f"Saved in “{self.name}”: {plural(count, 'row')} differ from the plan", 6000
        )
        self.saved.emit(count)
        return count

    # -- the banner's actions ---------------------------------------------------------------

    def compare(self) -> QDialog | None:
        if self.side is None:
            return None
        return show_compare(self.plan_ctx, self.scenario_id, self.name, self.side)

    def promote(self) -> bool:
        """Promote through the plan's window: one step on the plan's undo stack."""
        command = PromoteScenarioCommand(self.plan_ctx.workspace, self.scenario_id, self.name)
        if not self.plan_ctx.run(command):
            return False
        self.main.statusBar().showMessage(
            f"“{self.name}” is the plan now: Undo brings the old plan and the scenario back",
            8000,
        )
        self.close()
        self.main.activateWindow()
        self.main.raise_()
        return True

    def discard(self) -> QMessageBox | None:
        if self.side is None:
            return None
        return ask_discard(self.side, self.name, self._discard)

    def _discard(self) -> None:
        command = DiscardScenarioCommand(self.plan_ctx.workspace, self.scenario_id, self.name)
        if self.plan_ctx.run(command):
            self.main.statusBar().showMessage(f"“{self.name}” discarded: Undo brings it back", 8000)
            self.close()

    # -- closing ---------------------------------------------------------------------------

    def _plan_changed(self, _changes: ChangeSet) -> None:
        """Promoted, discarded or undone in the plan's window: the scenario's window goes."""
        if self.side is None or self.main.ctx is not self.plan_ctx:
            return
        service = _service(self.plan_ctx.workspace)
        if all(row.id != self.scenario_id for row in service.scenarios()):
            self.close()

    def close(self) -> None:
        side, self.side = self.side, None
        if side is not None:
            with contextlib.suppress(RuntimeError):  # already deleted by Qt
                side.close()
        if self.op is not None and self.op.running:
            self.op.cancel()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.side and event.type() == QEvent.Type.Close:
            self.side = None
            self.deleteLater()
        return False

    def _remove_copy(self) -> None:
        from .moment_window import remove_temp_workspace

        if self.dest is not None:
            remove_temp_workspace(self.dest)
            self.dest = None


def scenario_windows(main: MainWindow) -> list[ScenarioWindow]:
    """The scenarios open (or opening) from ``main``."""
    return [s for s in main.findChildren(ScenarioWindow) if s.live]


def open_scenario(main: MainWindow, row: WhatIfRow) -> ScenarioWindow:
    """Open ``row`` in a window of its own (or bring its open window to the front)."""
    for session in scenario_windows(main):
        if session.scenario_id == row.id:
            if session.side is not None:
                session.side.show()
                session.side.raise_()
                session.side.activateWindow()
            return session
    session = ScenarioWindow(main, row)
    session.failed.connect(lambda text: main.dialogs.error("Could not open the scenario", text))
    session.start()
    return session


# -- the dialog ----------------------------------------------------------------------------


class WhatIfDialog(QDialog):
    """The workspace's scenarios: name, product, rows changed, when; and what to do with one."""

    def __init__(self, main: MainWindow) -> None:
        super().__init__(main)
        assert main.ctx is not None
        self.main = main
        self.ctx: AppContext = main.ctx
        self.question: QMessageBox | None = None
        self.rows: list[WhatIfRow] = []
        self.setObjectName("whatIfDialog")
        self.setWindowTitle("What-if Scenarios")

        intro = QLabel(
            "A scenario is a named copy of a product's plan to try things in. Nothing in it "
            "reaches the plan, or an export, until it is promoted."
        )
        intro.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setObjectName("whatIfHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = QTreeWidget()
        self.tree.setObjectName("whatIfList")
        self.tree.setAccessibleName("Scenarios")
        self.tree.setHeaderLabels(["Scenario", "Product", "Rows changed", "Last changed"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(lambda _item, _column: self.open_selected())
        self.tree.itemSelectionChanged.connect(self._update_buttons)

        self.new_button = self._button("&New…", "newWhatIf", self.new)
        self.open_button = self._button("&Open", "openWhatIf", self.open_selected)
        self.compare_button = self._button("&Compare…", "compareWhatIf", self.compare_selected)
        self.promote_button = self._button(
            "&Promote to Plan", "promoteWhatIf", self.promote_selected
        )
        self.discard_button = self._button("&Discard…", "discardWhatIf", self.discard_selected)
        self.rename_button = self._button("&Rename…", "renameWhatIf", self.rename_selected)
        side = QVBoxLayout()
        for button in (
            self.new_button,
            self.open_button,
            self.compare_button,
            self.promote_button,
            self.discard_button,
            self.rename_button,
        ):
            side.addWidget(button)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.tree, 1)
        body.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.hint)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.resize(760, 420)

        self.ctx.changed.connect(self.refresh)
        main.product_selector.productChosen.connect(self._product_chosen)
        self.refresh()

    def _product_chosen(self, _product_id: int | None) -> None:
        """New… makes a scenario of the product chosen in the toolbar."""
        self._update_hint()
        self._update_buttons()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- the list ---------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return not self.ctx.read_only

    def product(self) -> tuple[int | None, str]:
        chooser = self.main.product_selector
        return chooser.product_id(), chooser.currentText()

    def refresh(self, _changes: ChangeSet | None = None) -> None:
        from pmdesk.store.services.portfolio import PortfolioService

        chosen = self.selected()
        keep = chosen.id if chosen is not None else None
        self.rows = _service(self.ctx.workspace).scenarios()
        names = {p.id: p.name for p in self.ctx.service(PortfolioService).list_products()}
        self.tree.clear()
        for row in self.rows:
            made, changed = row.created_at, row.updated_at or row.created_at
            item = QTreeWidgetItem(
                [
                    row.name,
                    names.get(row.product_id, "—") if row.product_id is not None else "—",
                    str(row.changed_rows),
                    short_date(changed.date()),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            tip = f"{row.name}\nMade {short_moment(made)} UTC"
            if row.created_by:
                tip += f" by {row.created_by}"
            if changed != made:
                tip += f"\nLast changed {short_moment(changed)} UTC"
            if row.note:
                tip += f"\n{row.note}"
            item.setToolTip(0, tip)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
            if row.id == keep:
                self.tree.setCurrentItem(item)
        if self.tree.currentItem() is None and self.rows:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._update_hint()
        self._update_buttons()

    def _update_hint(self) -> None:
        product_id, product_name = self.product()
        if not self.editable:
            text = READ_ONLY
        elif self.rows:
            text = ""
        elif product_id is None:
            text = NO_PRODUCT
        else:
            text = NO_SCENARIOS.format(product=f"“{product_name}”")
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        edit = self.editable
        self.new_button.setEnabled(edit and self.product()[0] is not None)
        self.compare_button.setEnabled(chosen)
        for button in (
            self.open_button,
            self.promote_button,
            self.discard_button,
            self.rename_button,
        ):
            button.setEnabled(edit and chosen)

    def selected(self) -> WhatIfRow | None:
        item = self.tree.currentItem()
        if item is None or not item.isSelected():
            return None
        wanted = item.data(0, Qt.ItemDataRole.UserRole)
        return next((row for row in self.rows if row.id == wanted), None)

    def select(self, name: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.text(0) == name:
                self.tree.setCurrentItem(item)
                return True
        return False

    def names(self) -> list[str]:
        return [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())]

    # -- the buttons ------------------------------------------------------------------------

    def new(self) -> NameDialog | None:
        product_id, product_name = self.product()
        if not self.editable or product_id is None:
            return None
        ws = self.ctx.workspace
        dialog = NameDialog(
            "New Scenario…",
            f"A scenario of “{product_name}”: its plan as it is now, to change freely.",
            lambda name: NewScenarioCommand(ws, name, product_id),
            self.ctx,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._made(dialog))
        dialog.open()
        return dialog

    def _made(self, dialog: NameDialog) -> None:
        command = dialog.command
        if isinstance(command, NewScenarioCommand) and command.row is not None:
            self.select(command.row.name)
            self.main.statusBar().showMessage(
                f"Scenario “{command.row.name}” made: Open it to change its plan", 8000
            )

    def rename_selected(self) -> NameDialog | None:
        row = self.selected()
        if row is None or not self.editable:
            return None
        ws = self.ctx.workspace
        dialog = NameDialog(
            "Rename Scenario…",
            f"A new name for “{row.name}”.",
            lambda name: RenameScenarioCommand(ws, row.id, row.name, name),
            self.ctx,
            name=row.name,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_selected(self) -> ScenarioWindow | None:
        row = self.selected()
        if row is None or not self.editable:
            return None
        return open_scenario(self.main, row)

    def compare_selected(self) -> QDialog | None:
        row = self.selected()
        if row is None:
            return None
        return show_compare(self.ctx, row.id, row.name, self)

    def promote_selected(self) -> bool:
        row = self.selected()
        if row is None or not self.editable:
            return False
        if not self.ctx.run(PromoteScenarioCommand(self.ctx.workspace, row.id, row.name)):
            return False
        self.main.statusBar().showMessage(
            f"“{row.name}” is the plan now: Undo brings the old plan and the scenario back",
            8000,
        )
        return True

    def discard_selected(self) -> QMessageBox | None:
        row = self.selected()
        if row is None or not self.editable:
            return None

        def discard() -> None:
            self.question = None
            command = DiscardScenarioCommand(self.ctx.workspace, row.id, row.name)
            if self.ctx.run(command):
                self.main.statusBar().showMessage(
                    f"“{row.name}” discarded: Undo brings it back", 8000
                )

        self.question = ask_discard(self, row.name, discard)
        self.question.finished.connect(lambda _r: setattr(self, "question", None))
        return self.question


def show_scenarios(main: MainWindow) -> WhatIfDialog | None:
    """View ▸ Roadmap ▸ What-if Scenarios…: the dialog (one per window), beside the plan."""
    if main.ctx is None:
        return None
    if main.property(WINDOW_PROPERTY) is not None:
        main.statusBar().showMessage(
            "This window is a what-if scenario: the plan's window lists the scenarios", 8000
        )
        return None
    for found in main.findChildren(WhatIfDialog):
        if found.ctx is main.ctx and found.isVisible():
            found.raise_()
            found.activateWindow()
            return found
    dialog = WhatIfDialog(main)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    main.ctx.destroyed.connect(dialog.close)  # it lists this workspace's scenarios
    dialog.show()
    return dialog
