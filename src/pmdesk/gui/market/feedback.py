"""The feedback inbox: what customers said, triaged into requirements.

Each item shows its quote, customer, contact, source, date, revenue, segment and
importance; the inbox filters by status (new, linked, archived) and text. Triage:
link to one or several requirements, make a new requirement from the item, archive
it with a reason, restore it. Every triage is one undo step (a MarketCommand).

In workshop mode the room dot-votes on the items the inbox shows ("Dot voting", or
Workshop ▸ Start Dot Voting): the same round, dots and tallies as on canvas notes and
requirements (:class:`~pmdesk.gui.workshop.voting_panel.VotingPanel`), kept in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import VoteTarget
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.market import FeedbackStatus
from pmdesk.core.wording import format_number, plural, short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.common import name_parts
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.look import Look, row_height
from pmdesk.gui.widgets.rows_model import RowsModel
from pmdesk.store.services import RequirementService
from pmdesk.store.services.market import FeedbackRow, MarketService

from .commands import MarketCommand

Index = QModelIndex | QPersistentModelIndex

# The status filter: label -> the status shown (None: every item).
STATUSES: dict[str, FeedbackStatus | None] = {
    "New": FeedbackStatus.NEW,
    "Linked": FeedbackStatus.LINKED,
    "Archived": FeedbackStatus.ARCHIVED,
    "All": None,
}

EMPTY_INBOX = (
    "No customer feedback yet — import it with File ▸ Import ▸ CSV File… "
    "(import into “Customer feedback”): one row per quote, with customer, revenue and date."
)
EMPTY_FILTER = "No feedback matches — choose another status or clear the search."
CAPPED = (2, 3, 6)  # customer, contact, segment: as wide as their text, up to CAP_CHARS
CAP_CHARS = 24
QUOTE_WIDTH = 60  # characters of a quote shown in its cell; the rest in the detail below
VOTE_QUOTE = 160  # characters of a quote on its line in a dot-voting round


def vote_label(row: FeedbackRow) -> str:
    """How an item reads in a voting round: its quote, and who said it."""
    quote = " ".join(row.text[: VOTE_QUOTE * 4].split())
    if len(quote) > VOTE_QUOTE:
        quote = quote[: VOTE_QUOTE - 1] + "…"
    who = row.customer or row.segment
    return f"“{quote}” — {who}" if who else f"“{quote}”"


class FeedbackModel(RowsModel[FeedbackRow]):
    """The inbox's rows, refilled from the service after every change; read-only."""

    HEADERS = (
        "Date",
        "Quote",
        "Customer",
        "Contact",
        "Source",
        "Revenue",
        "Segment",
        "Importance",
        "Status",
        "Requirements",
    )
    RIGHT = {5, 9}

    def __init__(self, titles: Callable[[], dict[int, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.titles = titles

    def text(self, row: FeedbackRow, column: int) -> str:
        quote = " ".join(row.text.split())
        return (
            short_date(row.date),
            quote if len(quote) <= QUOTE_WIDTH else quote[: QUOTE_WIDTH - 1] + "…",
            row.customer,
            row.contact,
            row.source.label,
            "" if row.revenue is None else format_number(float(row.revenue), 0),
            row.segment,
            row.importance.label,
            row.status.label,
            str(len(row.requirement_ids)) if row.requirement_ids else "",
        )[column]

    def tooltip(self, row: FeedbackRow, column: int) -> str | None:
        if column == 1:
            return row.text
        if column in CAPPED:
            return self.text(row, column) or None  # a capped column: the whole text on hover
        if column == 8 and row.status is FeedbackStatus.ARCHIVED:
            return f"Archived: {row.archive_reason}"
        if column == 9 and row.requirement_ids:
            titles = self.titles()
            return "\n".join(titles.get(r, f"Requirement #{r}") for r in row.requirement_ids)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if not 0 <= column < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class RequirementPicker(QDialog):
    """Tick one or several of the product's requirements."""

    def __init__(
        self, choices: Sequence[tuple[int, str]], linked: Sequence[int], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Link to requirements")
        self.filter = QLineEdit(placeholderText="Filter requirements…")
        self.filter.setAccessibleName("Filter requirements")
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setAccessibleName("Requirements to link")
        for rid, title in choices:
            entry = QListWidgetItem(title)
            entry.setData(Qt.ItemDataRole.UserRole, rid)
            already = rid in linked
            entry.setFlags(
                entry.flags() | Qt.ItemFlag.ItemIsUserCheckable
                if not already
                else entry.flags() & ~Qt.ItemFlag.ItemIsEnabled
            )
            entry.setCheckState(Qt.CheckState.Checked if already else Qt.CheckState.Unchecked)
            if already:
                entry.setToolTip("Already linked")
            self.list.addItem(entry)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Link")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which requirements does this feedback support?"))
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(480, 420)

    def _filter(self, text: str) -> None:
        wanted = text.casefold().strip()
        for n in range(self.list.count()):
            entry = self.list.item(n)
            entry.setHidden(bool(wanted) and wanted not in entry.text().casefold())

    def entry(self, requirement_id: int) -> QListWidgetItem | None:
        for n in range(self.list.count()):
            if self.list.item(n).data(Qt.ItemDataRole.UserRole) == requirement_id:
                return self.list.item(n)
        return None

    def chosen(self) -> list[int]:
        return [
            self.list.item(n).data(Qt.ItemDataRole.UserRole)
            for n in range(self.list.count())
            if self.list.item(n).flags() & Qt.ItemFlag.ItemIsEnabled
            and self.list.item(n).checkState() == Qt.CheckState.Checked
        ]


class FeedbackPanel(QWidget):
    """The feedback inbox of a product, with its triage actions."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.service(MarketService)
        self.requirements = ctx.service(RequirementService)
        self.product_id: int | None = None
        self._titles: dict[int, str] | None = None
        self.model = FeedbackModel(self.titles, self)
        self.look = Look()
        self.presenting = False
        self._voting: Any = None  # the dot-voting panel, made the first time it is asked for
        self._build()
        ctx.changed.connect(self._follow)
        name_parts(self)
        self._refill()

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.status = QComboBox()
        self.status.setAccessibleName("Show feedback")
        self.status.addItems(list(STATUSES))
        self.status.currentIndexChanged.connect(self._refill)
        self.search = QLineEdit(placeholderText="Search quotes, customers, segments…")
        self.search.setAccessibleName("Search feedback")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refill)
        self.count = QLabel()
        self.count.setEnabled(False)
        bar = QHBoxLayout()
        show = QLabel("Show")
        show.setBuddy(self.status)
        bar.addWidget(show)
        bar.addWidget(self.status)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        self.vote_button = QPushButton("Dot voting")
        self.vote_button.setCheckable(True)
        self.vote_button.setToolTip("Let the room place dots on the feedback shown")
        self.vote_button.toggled.connect(self._voting_toggled)
        self.vote_button.hide()  # a workshop's: shown in workshop mode
        bar.addWidget(self.vote_button)
        self.link_button = QPushButton("Link to requirement…")
        self.link_button.setToolTip("Link the selected feedback to one or several requirements")
        self.link_button.clicked.connect(self.link_selected)
        self.make_button = QPushButton("Make requirement")
        self.make_button.setToolTip("A new requirement from the quote, linked to it")
        self.make_button.clicked.connect(self.make_requirement)
        self.archive_button = QPushButton("Archive…")
        self.archive_button.setToolTip("Set the feedback aside, saying why")
        self.archive_button.clicked.connect(self.archive_selected)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setToolTip("Bring archived feedback back to the inbox")
        self.restore_button.clicked.connect(self.restore_selected)
        actions = QHBoxLayout()
        for button in (
            self.link_button,
            self.make_button,
            self.archive_button,
            self.restore_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        self.table = QTableView()
        self.table.setAccessibleName("Feedback inbox")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for capped in CAPPED:  # fit their text up to a cap, so the quote keeps room
            header.setSectionResizeMode(capped, QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.model.modelReset.connect(self._show_current)
        self.hint = next_step_hint(EMPTY_INBOX, self, centred=True)
        self.detail = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.detail.setAccessibleName("Selected feedback")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.detail)
        self.voting_box = QVBoxLayout()
        layout.insertLayout(3, self.voting_box, 1)

    # -- the view's contract ------------------------------------------------------------------

    def set_presentation(self, theme: Any | None) -> None:
        """Workshop mode: the log to read, in taller rows, without the editing buttons, and
        dot voting offered."""
        self.look.restore()
        self.presenting = theme is not None
        if theme is None:
            self.vote_button.setChecked(False)  # voting is the workshop's; the desk triages
            self._show_vote_button()
            return
        self.look.hide(self.link_button, self.make_button, self.archive_button, self.restore_button)
        self.look.read_only(self.table)
        self.look.rows(self.table, row_height(theme))
        self._show_vote_button()

    # -- dot voting -----------------------------------------------------------------------------

    @property
    def voting(self) -> Any:
        """The dot-voting panel over the feedback items, built the first time it is needed."""
        if self._voting is None:
            from pmdesk.gui.workshop.voting_panel import VotingPanel

            panel = VotingPanel(self.ctx, VoteTarget.FEEDBACK, "feedback items", self)
            for widget, name in (
                (panel.rounds, "Voting round"),
                (panel.dots, "Dots each"),
                (panel.participants, "Participants"),
                (panel.list, "Feedback to vote on"),
            ):
                widget.setAccessibleName(name)
            name_parts(panel)
            panel.targetRequested.connect(self.select)
            panel.hide()
            self.voting_box.addWidget(panel)
            self._voting = panel
        return self._voting

    def _show_vote_button(self) -> None:
        self.vote_button.setVisible(self.presenting or self.vote_button.isChecked())

    def _voting_toggled(self, on: bool) -> None:
        panel = self.voting
        if not on:
            panel.session.close()
        panel.setVisible(on)
        self._fill_voting()
        self._show_state(bool(self.model.rows))
        self._show_vote_button()

    def _fill_voting(self) -> None:
        if self._voting is not None and self.vote_button.isChecked():
            self._voting.set_targets(
                self.product_id, [(row.id, vote_label(row)) for row in self.model.rows]
            )

    def start_voting(self) -> bool:
        """Start a round on the feedback shown, with the panel's dots and names."""
        if self.product_id is None or self.ctx.read_only:
            return False
        self.vote_button.setChecked(True)
        return bool(self.voting.start())

    def _show_state(self, rows: bool) -> None:
        voting = self.vote_button.isChecked()
        self.hint.setVisible(not rows)
        self.table.setVisible(rows and not voting)

    def show_product(self, product_id: int | None) -> None:
        self.product_id = product_id
        self._titles = None
        self._refill()

    def titles(self) -> dict[int, str]:
        if self._titles is None:
            self._titles = (
                {}
                if self.product_id is None
                else {
                    r.id: f"{r.ref} · {r.title}" if r.ref else r.title
                    for r in self.requirements.requirements_of(self.product_id)
                }
            )
        return self._titles

    def _follow(self, changes: ChangeSet) -> None:
        if changes.touches(ChangeKind.REQUIREMENT):
            self._titles = None
        if changes.touches(
            ChangeKind.FEEDBACK, ChangeKind.FEEDBACK_REQUIREMENT, ChangeKind.REQUIREMENT
        ):
            self._refill()

    def _refill(self, *_args: Any) -> None:
        current = self.current()
        status = STATUSES[self.status.currentText()]
        rows = (
            []
            if self.product_id is None
            else self.service.feedback(
                status=status, product_id=self.product_id, text=self.search.text()
            )
        )
        self.model.set_rows(rows)
        cap = self.fontMetrics().averageCharWidth() * CAP_CHARS
        for column in CAPPED:
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))
        if current is not None:
            self.select(current.id)
        if self.current() is None and rows:
            self.table.selectRow(0)
        anything = bool(rows) or (
            self.product_id is not None and bool(self.service.feedback(product_id=self.product_id))
        )
        self.hint.setText(EMPTY_FILTER if anything else EMPTY_INBOX)
        self._show_state(bool(rows))
        self._fill_voting()
        self.count.setText(plural(len(rows), "item"))
        self._show_current()

    # -- selection ------------------------------------------------------------------------------

    def current(self) -> FeedbackRow | None:
        return self.model.row_at(self.table.currentIndex())

    def select(self, feedback_id: int) -> bool:
        position = self.model.row_of(feedback_id)
        if position is not None:
            self.table.selectRow(position)
        return position is not None

    def _show_current(self, *_args: Any) -> None:
        row = self.current()
        writable = row is not None and not self.ctx.read_only
        archived = row is not None and row.status is FeedbackStatus.ARCHIVED
        self.link_button.setEnabled(writable)
        self.make_button.setEnabled(writable)
        self.archive_button.setEnabled(writable and not archived)
        self.restore_button.setEnabled(writable and archived)
        if row is None:
            self.detail.setText("")
            return
        who = ", ".join(p for p in (row.customer, row.contact, row.segment) if p) or "anonymous"
        lines = [f"“{row.text}”", f"— {who} · {row.source.label} · {short_date(row.date)}"]
        if row.requirement_ids:
            titles = self.titles()
            named = "; ".join(titles.get(r, f"#{r}") for r in row.requirement_ids)
            lines.append(f"Supports: {named}")
        if archived:
            lines.append(f"Archived: {row.archive_reason}")
        self.detail.setText("\n".join(lines))

    # -- triage ---------------------------------------------------------------------------------

    def _run(self, action: Callable[[], Any], text: str) -> bool:
        return self.ctx.run(MarketCommand(self.service, action, text))

    def _picker(self, row: FeedbackRow) -> RequirementPicker:
        choices = sorted(self.titles().items(), key=lambda pair: pair[1].casefold())
        return RequirementPicker(choices, row.requirement_ids, self)

    def link_selected(self) -> bool:
        """Link the selected item to the requirements ticked in a picker: one undo step."""
        row = self.current()
        if row is None:
            return False
        if not self.titles():
            self.ctx.errorRaised.emit(
                "This product has no requirements yet — use Make requirement, "
                "or add one in the Requirements view."
            )
            return False
        picker = self._picker(row)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return False
        chosen = picker.chosen()
        if not chosen:
            return False

        def link() -> None:
            for rid in chosen:
                self.service.link_feedback(row.id, rid)

        who = row.customer or "feedback"
        return self._run(link, f"Link {who}’s feedback to {plural(len(chosen), 'requirement')}")

    def make_requirement(self) -> bool:
        """A new requirement from the selected item, linked to it: one undo step."""
        row = self.current()
        if row is None:
            return False
        product_id = self.product_id if row.product_id is None else None
        return self._run(
            lambda: self.service.feedback_to_requirement(row.id, product_id=product_id),
            f"Make a requirement from {row.customer or 'feedback'}’s quote",
        )

    def archive_selected(self) -> bool:
        """Archive the selected item with a reason asked for: one undo step."""
        row = self.current()
        if row is None:
            return False
        reason, ok = QInputDialog.getText(
            self, "Archive feedback", "Why is this feedback set aside?"
        )
        if not ok:
            return False
        if not reason.strip():
            self.ctx.errorRaised.emit("Say why the feedback is archived — it stays on record.")
            return False
        return self._run(
            lambda: self.service.archive_feedback(row.id, reason.strip()),
            f"Archive {row.customer or 'feedback'}’s feedback",
        )

    def restore_selected(self) -> bool:
        """Bring an archived item back (new, or linked if it has links): one undo step."""
        row = self.current()
        if row is None or row.status is not FeedbackStatus.ARCHIVED:
            return False
        return self._run(
            lambda: self.service.unarchive_feedback(row.id),
            f"Restore {row.customer or 'feedback'}’s feedback",
        )
