"""File ▸ Take Snapshot… and File ▸ What Changed Since…: the portfolio's history in the window.

Take Snapshot names this moment ("Q3 review") as one undoable edit
(:class:`TakeSnapshotCommand`, through ``AppContext.run``). What Changed Since compares
now with a snapshot or a day, for the current product or the whole portfolio, and lists
the net changes grouped by kind of entity, worded as ``pmdesk changes`` words them
(:mod:`pmdesk.store.history_wording`: the report, deck and PDF too). The reading runs in a
:class:`~pmdesk.gui.ops.BackgroundOp` on a read-only handle of its own: a year of heavy
use takes seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.errors import PmdeskError
from pmdesk.store import history as store_history
from pmdesk.store.history_wording import worded
from pmdesk.store.services import HistoryService, RequirementService, RoadmapService

from .commands import ServiceCommand
from .gantt.text import short_date
from .ops import BackgroundOp, OpToken, error_text

if TYPE_CHECKING:
    from pmdesk.store.services.base import Repo
    from pmdesk.store.services.history import Change, Moment

    from .context import AppContext
    from .main_window import MainWindow

TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
# The rows a double-click shows in a view: table → (view, its tab of rows).
SHOWN_IN = {"roadmap_item": "roadmap", "requirement": "requirements"}
EMPTY_NAME = "Give the snapshot a name, such as “Q3 review”."
NOTHING_YET = (
    "Nothing to compare yet: this workspace has no snapshots. Take one with "
    "File ▸ Take Snapshot… before a review, or choose a date above."
)


class TakeSnapshotCommand(ServiceCommand):
    """Name this moment; undo takes the snapshot away again."""

    def __init__(self, service: HistoryService, name: str, note: str = "") -> None:
        super().__init__(f"Take Snapshot “{name.strip()}”")
        self.service = service
        self.name = name
        self.note = note

    def apply(self) -> None:
        self.service.snapshot(self.name, note=self.note)


class SnapshotDialog(QDialog):
    """The name (required) and a note; OK takes the snapshot, a refusal keeps the dialog open."""

    statusMessage = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("takeSnapshotDialog")
        self.setWindowTitle("Take Snapshot")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("snapshotName")
        self.name_edit.setPlaceholderText("Q3 review")
        self.name_edit.setMaxLength(store_history.NAME_MAX)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("snapshotNote")
        self.note_edit.setPlaceholderText("Optional: what the moment is")
        self.message = QLabel()
        self.message.setObjectName("snapshotMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")  # as the other dialogs' problems
        self.message.hide()
        intro = QLabel("Name this moment of the portfolio, to see later what changed since.")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("N&ote:", self.note_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Take Snapshot")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.name_edit.setFocus()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self._say(EMPTY_NAME)
            self.name_edit.setFocus()
            return
        command = TakeSnapshotCommand(
            self.ctx.service(HistoryService), name, self.note_edit.text().strip()
        )
        if not self.ctx.run(command):
            # The window shows the refusal too; the dialog keeps what was typed to fix it.
            self._say(str(command.failure) if command.failure else "The snapshot was not taken.")
            self.name_edit.setFocus()
            self.name_edit.selectAll()
            return
        self.statusMessage.emit(
            f"Snapshot “{name}” taken: File ▸ What Changed Since… compares with it"
        )
        super().accept()


# -- what changed since ----------------------------------------------------------------------


class ChangesDialog(QDialog):
    """Since a snapshot or a day, for the current product or the whole portfolio."""

    compared = Signal()  # a comparison finished (shown, or failed with a message)
    # A row double-clicked that a view can show: its table ("roadmap_item"…) and id.
    entityActivated = Signal(str, object)

    def __init__(
        self,
        ctx: AppContext,
        product_id: int | None,
        product_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product_id = product_id
        self.op: BackgroundOp | None = None
        self.changes: list[Change] | None = None
        self.setObjectName("whatChangedDialog")
        self.setWindowTitle("What Changed Since")

        self.by_snapshot = QRadioButton("&Snapshot:")
        self.by_date = QRadioButton("&Date:")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.by_snapshot)
        self.mode.addButton(self.by_date)
        self.snapshot_combo = QComboBox()
        self.snapshot_combo.setObjectName("sinceSnapshot")
        self.snapshot_combo.setAccessibleName("Snapshot")
        self.snapshot_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.snapshot_combo.setMinimumContentsLength(28)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("sinceDate")
        self.date_edit.setAccessibleName("Date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setDate(QDate.currentDate().addDays(-30))
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("changesScope")
        self.scope_combo.setAccessibleName("Products")
        if product_id is not None:
            self.scope_combo.addItem(product_name, product_id)
        self.scope_combo.addItem("Whole portfolio", None)

        choices = QGridLayout()
        choices.addWidget(self.by_snapshot, 0, 0)
        choices.addWidget(self.snapshot_combo, 0, 1)
        choices.addWidget(self.by_date, 1, 0)
        choices.addWidget(self.date_edit, 1, 1, Qt.AlignmentFlag.AlignLeft)
        scope_label = QLabel("&Products:")
        scope_label.setBuddy(self.scope_combo)
        choices.addWidget(scope_label, 2, 0)
        choices.addWidget(self.scope_combo, 2, 1, Qt.AlignmentFlag.AlignLeft)
        choices.setColumnStretch(1, 1)

        self.summary = QLabel()
        self.summary.setObjectName("changesSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("changesTree")
        self.tree.setHeaderLabels(["Name", "Change", "What changed"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setColumnWidth(0, 280)
        self.tree.itemActivated.connect(self._activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(900, 560)

        snapshots = ctx.service(HistoryService).snapshots()
        for snap in reversed(snapshots):  # newest first
            when = f"{short_date(snap.at.date())}, {snap.kind.label.lower()}"
            self.snapshot_combo.addItem(f"{snap.name} ({when})", snap.name)
            self.snapshot_combo.setItemData(
                self.snapshot_combo.count() - 1,
                f"{snap.name}\n{snap.at:%Y-%m-%d %H:%M} UTC"
                + (f"\n{snap.note}" if snap.note else ""),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.by_snapshot.setEnabled(bool(snapshots))
        self.snapshot_combo.setEnabled(bool(snapshots))
        (self.by_snapshot if snapshots else self.by_date).setChecked(True)

        self.snapshot_combo.activated.connect(lambda _i: self._choose(self.by_snapshot))
        self.date_edit.dateChanged.connect(lambda _d: self._choose(self.by_date))
        self.mode.buttonToggled.connect(lambda _b, on: on and self.compare())
        self.scope_combo.currentIndexChanged.connect(lambda _i: self.compare())
        if snapshots:
            self.compare()
        else:
            self.summary.setText(NOTHING_YET)

    def _choose(self, button: QRadioButton) -> None:
        if button.isChecked():
            self.compare()
        else:
            button.setChecked(True)  # compares through buttonToggled

    def since(self) -> str | dt.date:
        if self.by_snapshot.isChecked() and self.snapshot_combo.count():
            return str(self.snapshot_combo.currentData())
        return self.date_edit.date().toPython()

    def compare(self) -> None:
        """Read the changes off the GUI thread; the list follows when they are in."""
        if self.op is not None and self.op.running:
            self.op.cancel_and_wait()
        since, product_id = self.since(), self.scope_combo.currentData()
        reopen = self.ctx.workspace.reopen_read_only

        def work(token: OpToken) -> tuple[Moment, list[Change]]:
            with reopen() as ws:
                service = ws.service(HistoryService)
                moment = service.moment(since)
                token.check()
                return moment, service.changes(since, product_id=product_id)

        self.summary.setText("Reading the history…")
        self.op = BackgroundOp(self, work, title="Reading the history")
        self.op.succeeded.connect(self._show)
        self.op.failed.connect(self._failed)
        self.op.start()

    def _failed(self, error: BaseException) -> None:
        self.changes = None
        self.tree.clear()
        self.summary.setText(error_text(error, "Reading the history"))
        self.compared.emit()

    def _show(self, result: tuple[Moment, list[Change]]) -> None:
        moment, changes = result
        self.changes = changes
        if moment.snapshot:
            since = f"“{moment.label}” ({short_date(moment.at.date())} {moment.at:%H:%M} UTC)"
        else:
            since = f"{short_date(moment.at.date())}"
        scope = self.scope_combo.currentText()
        self.tree.clear()
        if not changes:
            self.summary.setText(f"No changes to {scope} since {since}.")
            self.compared.emit()
            return
        count = f"{len(changes)} change{'s' * (len(changes) != 1)}"
        self.summary.setText(f"{count} to {scope} since {since}.")
        by_entity: dict[str, list[Change]] = {}
        for change in changes:  # worded() keeps this order within a group
            by_entity.setdefault(change.entity, []).append(change)
        for group in worded(changes):
            top = QTreeWidgetItem([f"{group.label} ({len(group.changes)})"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.tree.addTopLevelItem(top)
            for line, change in zip(group.changes, by_entity[group.entity], strict=True):
                # One field a line: a moved item's dates stay whole in a narrow window.
                row = QTreeWidgetItem([line.name, line.kind_label, line.what.replace("; ", "\n")])
                for column in (0, 1):
                    row.setTextAlignment(column, TOP_LEFT)
                row.setToolTip(0, line.name)
                if change.entity in SHOWN_IN and line.kind != "removed":
                    row.setData(0, Qt.ItemDataRole.UserRole, (change.entity, change.id))
                    row.setToolTip(0, f"{line.name}\nDouble-click to show it in its view")
                row.setToolTip(2, line.what.replace("; ", "\n"))
                top.addChild(row)
            top.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0) + 12, 360))
        self.compared.emit()

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        target = row.data(0, Qt.ItemDataRole.UserRole)
        if target:
            self.entityActivated.emit(*target)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """What the list shows: (kind of entity, name, change, what changed), for tests."""
        found = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                row = top.child(j)
                found.append((top.text(0), row.text(0), row.text(1), row.text(2)))
        return found

    def done(self, result: int) -> None:
        if self.op is not None and self.op.running:
            self.op.cancel_and_wait()
        super().done(result)


# -- opening them from the window ---------------------------------------------------------


def take_snapshot(
    parent: QWidget, ctx: AppContext | None, status: Callable[[str], None]
) -> SnapshotDialog | None:
    """File ▸ Take Snapshot…: the dialog, window-modal; None without a writable workspace."""
    if ctx is None or ctx.read_only:
        return None
    dialog = SnapshotDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.statusMessage.connect(status)
    dialog.open()
    return dialog


def what_changed(window: MainWindow) -> ChangesDialog | None:
    """File ▸ What Changed Since…: the dialog (it reads only, so a read-only file is fine).

    Double-clicking a roadmap item or a requirement shows it in its view, for its product.
    """
    ctx = window.ctx
    if ctx is None:
        return None
    chooser = window.product_selector
    dialog = ChangesDialog(ctx, chooser.product_id(), chooser.currentText(), window)
    dialog.entityActivated.connect(lambda entity, key: show_entity(window, entity, key))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # It reads this workspace: when the workspace is closed (or another opened), it goes too.
    ctx.destroyed.connect(dialog.close)
    dialog.show()
    return dialog


def show_entity(window: MainWindow, entity: str, key: int) -> bool:
    """Show a roadmap item or a requirement in its view, selected, its product chosen."""
    from .requirements.view import RequirementsView
    from .views.roadmap import RoadmapView

    ctx = window.ctx
    if ctx is None or entity not in SHOWN_IN:
        return False
    if entity == "roadmap_item":
        repo: Repo[Any] = ctx.service(RoadmapService).items
    else:
        repo = ctx.service(RequirementService).requirements
    try:
        product_id = repo.get(key).product_id
    except PmdeskError:  # deleted since the list was read
        window.statusBar().showMessage("That is no longer in the portfolio.", 6000)
        return False
    window.product_selector.select(product_id)
    window.view_host.show_view(SHOWN_IN[entity])
    view = window.view_host.current_view()
    if entity == "roadmap_item" and isinstance(view, RoadmapView):
        table = view.items
        view.tabs.setCurrentWidget(table)
        found = table.select_id(key)
    elif isinstance(view, RequirementsView):
        view.select_requirement(key)
        found = True
    else:
        return False
    window.activateWindow()
    return bool(found)
