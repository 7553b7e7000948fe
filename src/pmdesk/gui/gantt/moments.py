"""Ghost bars from any moment: the roadmap's items as they were at a snapshot or on a day.

The Baseline menu's "Compare with a moment" section (see ``RoadmapToolbar.fill_baselines``)
lists the workspace's snapshots and "A date…"; choosing one reads, off the GUI thread, the
dates every item had then (:func:`pmdesk.store.queries.roadmap_then`) and draws them where
the baseline's ghost bars go, slips and all. It is a view, like a filter: nothing in the
file changes and there is no undo step. It stays while the window shows the product and
ends with another product or file, or when a baseline (or "Stop comparing") is chosen.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from pmdesk.core.wording import plural, short_date
from pmdesk.gui.ops import BackgroundOp, OpToken, error_text

from .model import Ghosts, RoadmapModel

if TYPE_CHECKING:
    from pmdesk.gui.context import AppContext
    from pmdesk.store.queries import RoadmapThen

    from .toolbar import RoadmapToolbar

READING = "Reading the history"
VIEW_ONLY = (
    "A view only: the file is not changed and there is no undo step; "
    "kept while the window shows this product."
)
NO_SNAPSHOTS = "No snapshots yet — File ▸ Take Snapshot… names one"


def moment_label(then: RoadmapThen) -> str:
    """What the legend calls the ghosts: "Q3 review, 3 Sep 2026", or the day alone."""
    moment = then.moment
    day = short_date(moment.at.date())
    return f"{moment.label}, {day}" if moment.snapshot else day


class MomentDateDialog(QDialog):
    """A day to draw the ghosts from: the items as they were when it began (UTC)."""

    def __init__(self, parent: QWidget | None, day: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("momentDateDialog")
        self.setWindowTitle("Compare with a date")
        intro = QLabel(
            "Draw every item's dates as they were when this day began, as ghost bars under "
            "the bars. " + VIEW_ONLY
        )
        intro.setWordWrap(True)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("momentDate")
        self.date_edit.setAccessibleName("Date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        today = QDate.currentDate()
        self.date_edit.setMaximumDate(today)
        self.date_edit.setDate(QDate(day) if day is not None else today.addDays(-30))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Show Ghosts")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.date_edit)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        self.date_edit.setFocus()

    def day(self) -> dt.date:
        return self.date_edit.date().toPython()


class MomentGhosts(QObject):
    """The chosen moment of the roadmap's ghost bars: reads it, and sets it on the model."""

    changed = Signal()  # the ghosts are another moment's now (or the baseline's again)
    statusMessage = Signal(str)

    def __init__(
        self, owner: QWidget, ctx: AppContext, model: RoadmapModel, toolbar: RoadmapToolbar
    ) -> None:
        super().__init__(owner)
        self.owner = owner
        self.ctx = ctx
        self.model = model
        self.toolbar = toolbar
        self.op: BackgroundOp | None = None
        self.dialog: MomentDateDialog | None = None
        toolbar.momentChosen.connect(self.show_moment)
        toolbar.dateAsked.connect(self.ask_date)

    def show_moment(self, since: str | dt.date | None) -> None:
        """Draw the items as they were at ``since`` (a snapshot's name or a day); None: the
        baseline's ghosts again."""
        if since is None:
            if self.model.moment is not None:
                self.model.moment = None
                self.changed.emit()
            return
        product_id = self.model.product_id
        if product_id is None:
            return
        if self.op is not None and self.op.running:
            self.op.cancel_and_wait()
        ws = self.ctx.workspace

        def work(token: OpToken) -> RoadmapThen:
            from pmdesk.store.queries import roadmap_then

            return roadmap_then(ws, since, product_id, check=token.check)

        op = BackgroundOp(self.owner, work, title=READING, context=self.ctx)
        op.succeeded.connect(lambda then: self._read(since, product_id, then))
        op.failed.connect(lambda error: self.statusMessage.emit(error_text(error, READING)))
        self.op = op
        op.start()

    def _read(self, since: str | dt.date, product_id: int, then: RoadmapThen) -> None:
        if self.model.product_id != product_id:
            return  # another product is shown now: its ghosts were not asked for
        dates = {i: (s.toordinal(), e.toordinal()) for i, (s, e) in then.dates.items()}
        self.model.moment = Ghosts(since, moment_label(then), dates)
        self.toolbar.show_baseline.setChecked(True)  # chosen to be seen, even if hidden before
        self.changed.emit()
        added = len(self.model.items.keys() - dates.keys())
        extra = f"; {plural(added, 'item')} added since {'has' if added == 1 else 'have'} none"
        extra = extra if added else ""
        self.statusMessage.emit(
            f"Ghost bars: the items as they were at {self.model.compared_with}{extra}"
        )

    def ask_date(self) -> MomentDateDialog:
        """ "A date…": the day asked for in a small dialog; OK draws its ghosts."""
        moment = self.model.moment
        day = moment.since if moment is not None and isinstance(moment.since, dt.date) else None
        dialog = MomentDateDialog(self.owner, day)
        dialog.accepted.connect(lambda: self.show_moment(dialog.day()))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog
