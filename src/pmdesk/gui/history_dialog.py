"""File ▸ Take Snapshot…, What Changed Since… and Look Back…: the portfolio's history in the window.

Take Snapshot names this moment ("Q3 review") as one undoable edit
(:class:`TakeSnapshotCommand`, through ``AppContext.run``). What Changed Since compares
now with a snapshot or a day, for the current product or the whole portfolio: first the
headline figures that moved (critical path end, launch date, readiness, NPV:
``HistoryService.figures_since``, worded by :mod:`pmdesk.store.figures_wording`), then
the net changes grouped by kind of entity, worded as ``pmdesk changes`` words them
(:mod:`pmdesk.store.history_wording`: the report, deck and PDF too). The reading runs in a
:class:`~pmdesk.gui.ops.BackgroundOp` on a read-only handle of its own: a year of heavy
use takes seconds. From its list a removed row can be restored and a changed one given
its old value back, each one undo step; its snapshots can be renamed or deleted (one undo
step each).

Look Back opens the portfolio as it was at a snapshot or a day, read-only, in a window of
its own (:mod:`pmdesk.gui.moment_window`): the history writes the moment into a temporary
copy (``HistoryService.materialize``) off the GUI thread. Both dialogs choose the moment
with the same :class:`MomentChooser`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.errors import PmdeskError, ValidationError
from pmdesk.core.wording import short_date, short_moment
from pmdesk.store import history as store_history
from pmdesk.store.figures_wording import changed_lines
from pmdesk.store.history_wording import worded
from pmdesk.store.services import HistoryService, RequirementService, RoadmapService

from .commands import ServiceCommand
from .ops import BackgroundOp, OpToken, error_text
from .theme import PROBLEM_STYLE
from .widgets.figures_table import FiguresTable
from .widgets.name_dialog import NameDialog

if TYPE_CHECKING:
    from pmdesk.core.changes import ChangeSet
    from pmdesk.store.models import HistorySnapshot
    from pmdesk.store.services.base import Repo
    from pmdesk.store.services.history import Change, Moment, ProductFigures
    from pmdesk.store.workspace import Workspace

    from .context import AppContext
    from .main_window import MainWindow

TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
# The rows a double-click shows in a view: table → (view, its tab of rows).
SHOWN_IN = {"roadmap_item": "roadmap", "requirement": "requirements"}
# A row's restore: its table, id, kind ("removed"/"changed") and the fields the list shows.
RESTORE_ROLE = Qt.ItemDataRole.UserRole + 1
SNAPSHOT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
REFRESH_AFTER_MS = 250  # What Changed Since reads again this long after the last edit
EMPTY_NAME = "Give the snapshot a name, such as “Q3 review”."
NOTHING_YET = (
    "Nothing to compare yet: this workspace has no snapshots. Take one with "
    "File ▸ Take Snapshot… before a review, or choose a date above."
)
NO_HISTORY = (
    "Nothing to look back at yet: this workspace has no history. Every edit from now on "
    "is kept; take a snapshot with File ▸ Take Snapshot… before a review."
)
NO_SNAPSHOT_YET = (
    "No snapshots yet: choose a day to see the portfolio as it was when it began. "
    "File ▸ Take Snapshot… names a moment to come back to."
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


class SnapshotDialog(NameDialog):
    """The name (required) and a note; OK takes the snapshot, a refusal keeps the dialog open."""

    statusMessage = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            lambda name, note: TakeSnapshotCommand(ctx.service(HistoryService), name, note),
            title="Take Snapshot",
            intro="Name this moment of the portfolio, to see later what changed since.",
            ok_text="Take Snapshot",
            placeholder="Q3 review",
            empty=EMPTY_NAME,
            max_length=store_history.NAME_MAX,
            names=("takeSnapshotDialog", "snapshotName", "snapshotMessage"),
            note_placeholder="Optional: what the moment is",
            refused="The snapshot was not taken.",
            parent=parent,
        )

    def done_with(self, name: str) -> None:
        self.statusMessage.emit(
            f"Snapshot “{name}” taken: File ▸ What Changed Since… compares with it"
        )


# -- the moment: a snapshot or a day -----------------------------------------------------------


class MomentChooser(QWidget):
    """A snapshot (newest first) or a day: the moment What Changed Since and Look Back ask for.

    ``grid`` holds the two rows (radio button, field); a dialog may add rows or widgets
    beside them. ``chosen`` is emitted when the person picks another moment.
    """

    chosen = Signal()

    def __init__(self, snapshots: list[HistorySnapshot], parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.addWidget(self.by_snapshot, 0, 0)
        self.grid.addWidget(self.snapshot_combo, 0, 1)
        self.grid.addWidget(self.by_date, 1, 0)
        self.grid.addWidget(self.date_edit, 1, 1, Qt.AlignmentFlag.AlignLeft)
        self.grid.setColumnStretch(1, 1)
        self.set_snapshots(snapshots)
        self.snapshot_combo.activated.connect(lambda _i: self._choose(self.by_snapshot))
        self.date_edit.dateChanged.connect(lambda _d: self._choose(self.by_date))
        self.mode.buttonToggled.connect(lambda _b, on: on and self.chosen.emit())

    def set_snapshots(self, snapshots: list[HistorySnapshot]) -> None:
        """List ``snapshots`` (oldest first, as the history gives them) newest first, keeping
        the one chosen while it is there; ``chosen`` follows when the moment is no longer it."""
        before = self.since() if self.snapshot_combo.count() or self.by_date.isChecked() else None
        kept = self.snapshot_combo.currentData(SNAPSHOT_ID_ROLE)
        combo = self.snapshot_combo
        combo.blockSignals(True)
        combo.clear()
        for snap in reversed(snapshots):  # newest first
            when = f"{short_date(snap.at.date())}, {snap.kind.label.lower()}"
            combo.addItem(f"{snap.name} ({when})", snap.name)
            index = combo.count() - 1
            combo.setItemData(index, snap.id, SNAPSHOT_ID_ROLE)
            combo.setItemData(
                index,
                f"{snap.name}\n{short_moment(snap.at)} UTC"
                + (f"\n{snap.note}" if snap.note else ""),
                Qt.ItemDataRole.ToolTipRole,
            )
            if snap.id == kept:
                combo.setCurrentIndex(index)
        combo.blockSignals(False)
        self.by_snapshot.setEnabled(bool(snapshots))
        combo.setEnabled(bool(snapshots))
        if before is None:  # the first filling: a snapshot when there is one
            self.mode.blockSignals(True)
            (self.by_snapshot if snapshots else self.by_date).setChecked(True)
            self.mode.blockSignals(False)
        elif not snapshots and self.by_snapshot.isChecked():
            self.by_date.setChecked(True)  # chosen follows, through buttonToggled
        elif self.since() != before:
            self.chosen.emit()

    def _choose(self, button: QRadioButton) -> None:
        if button.isChecked():
            self.chosen.emit()
        else:
            button.setChecked(True)  # chosen follows, through buttonToggled

    def has_snapshots(self) -> bool:
        return self.snapshot_combo.count() > 0

    def snapshot(self) -> tuple[int, str] | None:
        """The snapshot in the list (id, name), whichever of the two is chosen."""
        if not self.snapshot_combo.count():
            return None
        combo = self.snapshot_combo
        return int(combo.currentData(SNAPSHOT_ID_ROLE)), str(combo.currentData())

    def since(self) -> str | dt.date:
        if self.by_snapshot.isChecked() and self.snapshot_combo.count():
            return str(self.snapshot_combo.currentData())
        return self.date_edit.date().toPython()


def moment_words(moment: Moment) -> str:
    """“Q3 review” — 14 Sep 2026, or 1 Sep 2026: a moment as the look back names it."""
    day = short_date(moment.at.date())
    return f"“{moment.label}” — {day}" if moment.snapshot else day


# -- restoring and the snapshots' names: one undo step each ------------------------------------


class RestoreCommand(ServiceCommand):
    """Bring back a removed row, or fields' values from before their last change."""

    def __init__(
        self, service: HistoryService, table: str, key: Any, fields: list[str] | None, label: str
    ) -> None:
        super().__init__(label)
        self.service = service
        self.table, self.key, self.fields = table, key, fields

    def apply(self) -> None:
        self.service.restore(self.table, self.key, self.fields)


class RenameSnapshotCommand(ServiceCommand):
    def __init__(self, service: HistoryService, snapshot_id: int, old: str, name: str) -> None:
        super().__init__(f"Rename Snapshot “{old}” to “{name.strip()}”")
        self.service = service
        self.snapshot_id, self.name = snapshot_id, name

    def apply(self) -> None:
        self.service.rename_snapshot(self.snapshot_id, self.name)


class DeleteSnapshotCommand(ServiceCommand):
    def __init__(self, service: HistoryService, snapshot_id: int, name: str) -> None:
        super().__init__(f"Delete Snapshot “{name}”")
        self.service = service
        self.snapshot_id = snapshot_id

    def apply(self) -> None:
        self.service.delete_snapshot(self.snapshot_id)


class RenameSnapshotDialog(NameDialog):
    """A snapshot's new name; a blank or taken one is refused in red and the dialog stays."""

    def __init__(
        self, ctx: AppContext, snapshot_id: int, name: str, parent: QWidget | None = None
    ) -> None:
        service = ctx.service(HistoryService)

        def taken(new: str) -> str | None:
            others = {s.name for s in service.snapshots() if s.id != snapshot_id}
            if new in others:
                return f"A snapshot named “{new}” already exists: give this one another name."
            return None

        super().__init__(
            ctx,
            lambda new, _note: RenameSnapshotCommand(service, snapshot_id, name, new),
            title="Rename Snapshot",
            ok_text="Rename",
            name=name,
            empty=EMPTY_NAME,
            max_length=store_history.NAME_MAX,
            names=("renameSnapshotDialog", "snapshotNewName", "renameMessage"),
            check=taken,
            unchanged_accepts=True,
            refused="The snapshot was not renamed.",
            parent=parent,
        )
        self.snapshot_id = snapshot_id


# -- what changed since ----------------------------------------------------------------------


class ChangesDialog(QDialog):
    """Since a snapshot or a day, for the current product or the whole portfolio.

    A removed row can be restored and a changed one given its old value back (the buttons
    under the list, Alt+R / Alt+B, or the row's context menu); Enter or a double-click
    shows the row in its view. The snapshots beside the list can be renamed or deleted.
    Each of these is one undo step of the window; none is offered on a read-only workspace.
    """

    compared = Signal()  # a comparison finished (shown, or failed with a message)
    # A row double-clicked that a view can show: its table ("roadmap_item"…) and id.
    entityActivated = Signal(str, object)
    # Look Back at the chosen moment (a snapshot's name or a day).
    lookBackRequested = Signal(object)
    statusMessage = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        product_id: int | None,
        product_name: str,
        parent: QWidget | None = None,
        *,
        can_look_back: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product_id = product_id
        self.op: BackgroundOp | None = None
        self.changes: list[Change] | None = None
        self.setObjectName("whatChangedDialog")
        self.setWindowTitle("What Changed Since")

        self.chooser = MomentChooser(ctx.service(HistoryService).snapshots())
        # The chooser's parts under their own names, as before it was shared.
        c = self.chooser
        self.by_snapshot, self.by_date, self.mode = c.by_snapshot, c.by_date, c.mode
        self.snapshot_combo, self.date_edit = c.snapshot_combo, c.date_edit
        self.rename_button = _plain_button("Re&name…", "renameSnapshot")
        self.rename_button.setToolTip("Give the chosen snapshot another name")
        self.delete_button = _plain_button("Dele&te", "deleteSnapshot")
        self.delete_button.setToolTip("Forget the chosen snapshot (the history stays whole)")
        beside = QHBoxLayout()
        beside.addWidget(self.rename_button)
        beside.addWidget(self.delete_button)
        c.grid.addLayout(beside, 0, 2)
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("changesScope")
        self.scope_combo.setAccessibleName("Products")
        if product_id is not None:
            self.scope_combo.addItem(product_name, product_id)
        self.scope_combo.addItem("Whole portfolio", None)
        scope_label = QLabel("&Products:")
        scope_label.setBuddy(self.scope_combo)
        c.grid.addWidget(scope_label, 2, 0)
        c.grid.addWidget(self.scope_combo, 2, 1, Qt.AlignmentFlag.AlignLeft)

        self.summary = QLabel()
        self.summary.setObjectName("changesSummary")
        self.summary.setWordWrap(True)
        # The headline figures that moved (critical path end, launch date, readiness, NPV).
        self.figures = FiguresTable(
            ["Product", "Figure", "Then", "Now", "Difference"],
            name="changesFigures",
            accessible="Headline figures then and now",
        )
        self.figures.hide()
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
        self.tree.currentItemChanged.connect(self._row_changed)
        self.tree.itemPressed.connect(lambda *_a: self._say(""))
        self.message = QLabel()
        self.message.setObjectName("changesMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(PROBLEM_STYLE)
        self.message.hide()

        # The row's restore: buttons, and the same actions in its context menu.
        self.restore_action = QAction("Restore", self)
        self.restore_action.setStatusTip("Bring the removed row back, with what went with it")
        self.bring_back_action = QAction("Bring Back Old Value", self)
        self.bring_back_action.setStatusTip(
            "Set the changed fields back to their value before their last change"
        )
        self.restore_action.triggered.connect(self.restore_current)
        self.bring_back_action.triggered.connect(self.restore_current)
        self.tree.addActions([self.restore_action, self.bring_back_action])
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.restore_button = _plain_button("&Restore", "restoreRow")
        self.restore_button.setToolTip(self.restore_action.statusTip())
        self.restore_button.clicked.connect(self.restore_action.trigger)
        self.bring_back_button = _plain_button("Bring &Back Old Value", "bringBackValue")
        self.bring_back_button.setToolTip(self.bring_back_action.statusTip())
        self.bring_back_button.clicked.connect(self.bring_back_action.trigger)
        self.look_back_button = _plain_button("&Look Back", "lookBackHere")
        self.look_back_button.setToolTip(
            "Open the portfolio as it was at this moment, read-only, in a window of its own"
        )
        self.look_back_button.clicked.connect(lambda: self.lookBackRequested.emit(self.since()))
        self.look_back_button.setVisible(can_look_back)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter on a row shows it: it never closes the list
            button.setAutoDefault(False)
        actions = QHBoxLayout()
        actions.addWidget(self.restore_button)
        actions.addWidget(self.bring_back_button)
        actions.addStretch(1)
        actions.addWidget(self.look_back_button)
        actions.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(self.summary)
        layout.addWidget(self.figures)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self.resize(900, 560)

        self.rename_button.clicked.connect(self.rename_snapshot)
        self.delete_button.clicked.connect(self.delete_snapshot)
        self.chooser.chosen.connect(self.compare)
        self.snapshot_combo.currentIndexChanged.connect(lambda _i: self._update_buttons())
        self.scope_combo.currentIndexChanged.connect(lambda _i: self.compare())
        # An edit anywhere (a restore, an undo in the window): the list and snapshots follow,
        # once the edits pause (a drag on the roadmap is many), never cutting a reading short.
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_AFTER_MS)
        self._refresh.timeout.connect(self._refresh_now)
        ctx.changed.connect(self._workspace_changed)
        self._update_buttons()
        if self.chooser.has_snapshots():
            self.compare()
        else:
            self.summary.setText(NOTHING_YET)

    def since(self) -> str | dt.date:
        return self.chooser.since()

    def compare(self) -> None:
        """Read the changes off the GUI thread; the list follows when they are in."""
        if self.op is not None and self.op.running:
            self.op.cancel_and_wait()
        since, product_id = self.since(), self.scope_combo.currentData()
        reopen = self.ctx.workspace.reopen_read_only

        def work(token: OpToken) -> tuple[Moment, list[Change], list[ProductFigures]]:
            with reopen() as ws:
                service = ws.service(HistoryService)
                moment = service.moment(since)
                token.check()
                changes = service.changes(since, product_id=product_id)
                token.check()
                # Nothing changed: no figure can have moved, and no copy is worth making.
                figures = service.figures_since(since, product_id) if changes else []
                return moment, changes, figures

        self.summary.setText("Reading the history…")
        # A reading on a handle of its own: the list stays usable meanwhile (an undo, a
        # restore typed while it reads is never swallowed); the list follows when it is in.
        # Its progress is the summary line above: a progress window would be window-modal,
        # and would take the keys (Ctrl+Z) away from the list whenever a reading is slow.
        self.op = BackgroundOp(
            self, work, title="Reading the history", block_input=False, show_progress=False
        )
        self.op.succeeded.connect(self._show)
        self.op.failed.connect(self._failed)
        self.op.start()

    def _failed(self, error: BaseException) -> None:
        self.changes = None
        self.tree.clear()
        self._show_figures([])
        self.summary.setText(error_text(error, "Reading the history"))
        self._update_buttons()
        self.compared.emit()

    def _show(self, result: tuple[Moment, list[Change], list[ProductFigures]]) -> None:
        moment, changes, figures = result
        self.changes = changes
        self._show_figures(figures)
        if moment.snapshot:
            since = f"“{moment.label}” ({short_moment(moment.at)} UTC)"
        else:
            since = f"{short_date(moment.at.date())}"
        scope = self.scope_combo.currentText()
        self.tree.clear()
        self._update_buttons()
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
                row.setData(
                    0, RESTORE_ROLE, (change.entity, change.id, line.kind, list(change.fields))
                )
                row.setToolTip(2, line.what.replace("; ", "\n"))
                top.addChild(row)
            top.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0) + 12, 360))
        self.compared.emit()

    def _show_figures(self, figures: list[ProductFigures]) -> None:
        """The figures that moved, a row each; the table only when one did."""
        rows = [
            (found.product, line)
            for found in figures
            for line in changed_lines(found.then, found.now)
        ]
        shown = []
        for product, line in rows:
            cells = (product, line.label, line.before, line.after, line.difference)
            shown.append((cells, (product, *line.tips) if line.tips else cells))
        self.figures.set_rows(shown)
        # One product chosen: its name on every row says nothing.
        self.figures.setColumnHidden(0, self.scope_combo.currentData() is not None)
        self.figures.setVisible(bool(rows))
        # As tall as its rows: the list below keeps the room.
        self.figures.resizeRowsToContents()
        height = self.figures.horizontalHeader().sizeHint().height()
        height += sum(self.figures.rowHeight(r) for r in range(len(rows)))
        self.figures.setFixedHeight(height + 2 * self.figures.frameWidth())

    def figure_rows(self) -> list[tuple[str, ...]]:
        """What the figures table shows (product, figure, then, now, difference), for tests."""
        return self.figures.texts()

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

    # -- restoring ----------------------------------------------------------------------------

    def _current_restore(self) -> tuple[str, Any, str, list[str]] | None:
        row = self.tree.currentItem()
        found = row.data(0, RESTORE_ROLE) if row is not None else None
        return tuple(found) if found else None  # type: ignore[return-value]

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        found = self._current_restore()
        kind = found[2] if found else None
        for action, button, wanted in (
            (self.restore_action, self.restore_button, "removed"),
            (self.bring_back_action, self.bring_back_button, "changed"),
        ):
            action.setEnabled(writable and kind == wanted)
            action.setVisible(kind in (None, wanted) or kind == "added")
            button.setEnabled(action.isEnabled())
        snapshot = writable and self.chooser.has_snapshots()
        self.rename_button.setEnabled(snapshot)
        self.delete_button.setEnabled(snapshot)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _row_changed(self, current: QTreeWidgetItem | None, before: QTreeWidgetItem | None) -> None:
        if current is not None and before is not None:  # the person moved on: a new question
            self._say("")
        self._update_buttons()

    def restore_current(self) -> bool:
        """Restore the row in the list (removed: it comes back; changed: its old values)."""
        found = self._current_restore()
        if found is None or self.ctx.read_only:
            return False
        table, key, kind, fields = found
        service = self.ctx.service(HistoryService)
        chosen = None if kind == "removed" else fields or None
        try:
            plan = service.restore_plan(table, key, chosen)
        except PmdeskError as exc:
            reason = exc.reason if isinstance(exc, ValidationError) else str(exc)
            self._say(f"Nothing was restored: {reason}.")
            return False
        command = RestoreCommand(service, table, key, chosen, plan.label)
        if not self.ctx.run(command):
            self._say(str(command.failure) if command.failure else "Nothing was restored.")
            return False
        self._say(plan.note())
        self.statusMessage.emit(f"{plan.label}: Undo takes it back")
        return True

    # -- the snapshots ------------------------------------------------------------------------

    def rename_snapshot(self) -> RenameSnapshotDialog | None:
        chosen = self.chooser.snapshot()
        if chosen is None or self.ctx.read_only:
            return None
        dialog = RenameSnapshotDialog(self.ctx, *chosen, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def delete_snapshot(self) -> bool:
        """Forget the chosen snapshot: one undo step (so no question first)."""
        chosen = self.chooser.snapshot()
        if chosen is None or self.ctx.read_only:
            return False
        snapshot_id, name = chosen
        command = DeleteSnapshotCommand(self.ctx.service(HistoryService), snapshot_id, name)
        if not self.ctx.run(command):
            self._say(str(command.failure) if command.failure else "The snapshot stays.")
            return False
        self.statusMessage.emit(f"Snapshot “{name}” deleted: Undo brings it back")
        return True

    def _workspace_changed(self, changeset: ChangeSet) -> None:
        from pmdesk.core.kinds import ChangeKind

        if changeset.touches(ChangeKind.HISTORY_SNAPSHOT):
            self.chooser.set_snapshots(self.ctx.service(HistoryService).snapshots())
            self._update_buttons()
        if self.chooser.has_snapshots() or self.by_date.isChecked():
            self._refresh.start()

    def _refresh_now(self) -> None:
        if self.op is not None and self.op.running:
            self._refresh.start()  # after the reading under way
        else:
            self.compare()

    def done(self, result: int) -> None:
        self._refresh.stop()
        if self.op is not None and self.op.running:
            self.op.cancel_and_wait()
        super().done(result)


def _plain_button(text: str, name: str) -> QPushButton:
    """A dialog's button that Enter never presses (Enter on a row shows it)."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)
    return button


# -- look back -------------------------------------------------------------------------------


class LookBackDialog(QDialog):
    """File ▸ Look Back…: the moment to open, a snapshot (newest first) or a day."""

    lookBackRequested = Signal(object)  # a snapshot's name or a day

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookBackDialog")
        self.setWindowTitle("Look Back")
        service = ctx.service(HistoryService)
        edits, _entries = service.counts()
        self.chooser = MomentChooser(service.snapshots())
        intro = QLabel(
            "Open the portfolio as it was at a snapshot or at the start of a day, read-only, "
            "in a window of its own beside this one."
        )
        intro.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("lookBackNote")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Look Back")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.chooser)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if not edits:
            self.note.setText(NO_HISTORY)
            self.chooser.setEnabled(False)
            self.ok_button.setEnabled(False)
        elif not self.chooser.has_snapshots():
            self.note.setText(NO_SNAPSHOT_YET)
        self.note.setVisible(bool(self.note.text()))
        (
            self.chooser.snapshot_combo if self.chooser.has_snapshots() else self.chooser.date_edit
        ).setFocus()

    def since(self) -> str | dt.date:
        return self.chooser.since()

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        self.lookBackRequested.emit(self.since())
        super().accept()


def look_back_at(window: MainWindow, since: str | dt.date) -> BackgroundOp | None:
    """Write the workspace as it was at ``since`` into a temporary copy, off the GUI thread,
    then open it read-only in a side window; a failure is said in a message."""
    from pmdesk.store.factory import open_workspace

    from .moment_window import remove_temp_workspace, temp_workspace_path

    ctx = window.ctx
    if ctx is None:
        return None
    stem = ctx.workspace.path.stem
    shown = f"“{since}”" if isinstance(since, str) else short_date(since)
    dest = temp_workspace_path(f"{stem} at {since}")
    reopen = ctx.workspace.reopen_read_only
    title = f"Looking back at {shown}"

    def work(_token: OpToken) -> tuple[Moment, Workspace]:
        with reopen() as ws:
            service = ws.service(HistoryService)
            moment = service.moment(since)
            service.materialize(since, dest)
        return moment, open_workspace(dest, read_only=True)

    def opened(result: tuple[Moment, Workspace]) -> None:
        moment, workspace = result
        open_look_back(window, workspace, moment, dest, stem)

    def failed(error: BaseException) -> None:
        remove_temp_workspace(dest)
        window.dialogs.error("Could not look back", error_text(error, title))

    op = BackgroundOp(window, work, title=title, cancellable=False)
    op.succeeded.connect(opened)
    op.failed.connect(failed)
    op.ended.connect(op.deleteLater)
    return op.start()


def open_look_back(
    window: MainWindow, workspace: Workspace, moment: Moment, temp_path: Path, name: str
) -> MainWindow:
    """The side window on a look back: its banner and title say which moment, read-only."""
    from .moment_window import open_side_window

    words = moment_words(moment)
    side = open_side_window(
        window,
        workspace,
        banner=f"Looking back at {words} · read-only",
        tone="past",
        temp_path=temp_path,
        title=f"{name} as it was at {words} (read-only)",
    )
    window.statusBar().showMessage(f"Looking back at {words} in a window of its own", 8000)
    return side


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
    a = window.menu_actions
    dialog = ChangesDialog(
        ctx,
        chooser.product_id(),
        chooser.currentText(),
        window,
        can_look_back=a.look_back.isVisible(),  # not from a look back itself
    )
    dialog.entityActivated.connect(lambda entity, key: show_entity(window, entity, key))
    dialog.lookBackRequested.connect(lambda since: look_back_at(window, since))
    dialog.statusMessage.connect(lambda text: window.statusBar().showMessage(text, 8000))
    dialog.addActions([a.undo, a.redo])  # Ctrl+Z in the list takes a restore back
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # It reads this workspace: when the workspace is closed (or another opened), it goes too.
    ctx.destroyed.connect(dialog.close)
    dialog.show()
    return dialog


def look_back(window: MainWindow) -> LookBackDialog | None:
    """File ▸ Look Back…: choose the moment; the side window follows (see look_back_at)."""
    ctx = window.ctx
    if ctx is None:
        return None
    dialog = LookBackDialog(ctx, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.lookBackRequested.connect(lambda since: look_back_at(window, since))
    ctx.destroyed.connect(dialog.close)
    dialog.open()
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
        view.show_table(table)
        found = table.select_id(key)
    elif isinstance(view, RequirementsView):
        view.select_requirement(key)
        found = True
    else:
        return False
    window.activateWindow()
    return bool(found)
