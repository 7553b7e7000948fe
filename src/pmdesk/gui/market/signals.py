"""Market signals: the dated log of what moved in the market (a competitor's launch, a
regulation, a trend), filtered, edited and turned into requirements.

A strip above the log marks each shown signal on its date, coloured by impact; a click
on a mark selects its signal. Every edit is one undo step (a MarketCommand), and
"Make requirement" keeps the signal linked to the requirement it made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.market import Impact, SignalKind, parse_tags
from pmdesk.core.palette import NEUTRAL_GREY, OKABE_ITO
from pmdesk.core.wording import plural, short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.theme import PROBLEM_STYLE
from pmdesk.gui.views.common import name_parts
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.look import Look, row_height
from pmdesk.gui.widgets.rows_model import RowsModel
from pmdesk.store.services import RequirementService
from pmdesk.store.services.market import MarketService, SignalRow

from .commands import MarketCommand

Index = QModelIndex | QPersistentModelIndex
ANY = "Any"

IMPACT_COLOURS: dict[Impact, str] = {
    Impact.HIGH: OKABE_ITO["vermillion"],
    Impact.MEDIUM: OKABE_ITO["orange"],
    Impact.LOW: OKABE_ITO["sky_blue"],
}

EMPTY_LOG = (
    "No market signals yet — Add signal to log what moved: a competitor's launch, "
    "a regulation, a trend, something a customer said."
)
EMPTY_FILTER = "No signal matches — change the filters or clear the search."
CAPPED = (3, 6)  # source and links: as wide as their text, up to CAP_CHARS
CAP_CHARS = 30
SIGNAL_KINDS = (
    ChangeKind.MARKET_SIGNAL,
    ChangeKind.SIGNAL_PRODUCT,
    ChangeKind.SIGNAL_COMPETITOR,
    ChangeKind.SIGNAL_REQUIREMENT,
)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class SignalsModel(RowsModel[SignalRow]):
    """The shown signals, newest first; read-only (edits go through the dialog)."""

    HEADERS = ("Date", "Kind", "Title", "Source", "Impact", "Tags", "Links")

    def __init__(self, names: Callable[[SignalRow], list[str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.names = names

    def text(self, row: SignalRow, column: int) -> str:
        return (
            short_date(row.date),
            row.kind.label,
            row.title,
            row.source,
            row.impact.label,
            ", ".join(row.tags),
            "; ".join(self.names(row)),
        )[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if not 0 <= column < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 2 and row.details:
                return row.details
            if column == 3 and row.source:
                return row.source  # a capped column: the whole source on hover
            if column == 6:
                return "\n".join(self.names(row)) or None
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == 4:
            return QColor(IMPACT_COLOURS[row.impact])
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class TimelineStrip(QWidget):
    """Each shown signal as a mark on its date, coloured by impact (high marks taller)."""

    signalClicked = Signal(int)
    MARGIN = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SignalRow] = []
        self.selected: int | None = None
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        self.setAccessibleName("Signals timeline")
        self.setToolTip("Signals by date: high impact red, medium orange, low blue")

    def sizeHint(self) -> QSize:
        return QSize(400, self.fontMetrics().lineSpacing() * 3)

    def set_rows(self, rows: Sequence[SignalRow], selected: int | None) -> None:
        self.rows = list(rows)
        self.selected = selected
        self.update()

    def _span(self) -> tuple[dt.date, int]:
        first = min(r.date for r in self.rows)
        last = max(r.date for r in self.rows)
        return first, max((last - first).days, 1)

    def x_of(self, day: dt.date) -> float:
        first, days = self._span()
        width = self.width() - 2 * self.MARGIN
        return self.MARGIN + width * (day - first).days / days

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_height = self.fontMetrics().height()
        axis = self.height() - text_height - 4
        painter.setPen(QPen(QColor(NEUTRAL_GREY), 1))
        painter.drawLine(QPointF(self.MARGIN, axis), QPointF(self.width() - self.MARGIN, axis))
        if not self.rows:
            return
        first, _days = self._span()
        last = max(r.date for r in self.rows)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(QPointF(self.MARGIN, self.height() - 3), short_date(first))
        end = short_date(last)
        painter.drawText(
            QPointF(
                self.width() - self.MARGIN - self.fontMetrics().horizontalAdvance(end),
                self.height() - 3,
            ),
            end,
        )
        for row in sorted(self.rows, key=lambda r: r.impact.rank):
            x = self.x_of(row.date)
            height = (axis - 4) * (0.4 + 0.2 * row.impact.rank)
            colour = QColor(IMPACT_COLOURS[row.impact])
            width = 4.0 if row.id == self.selected else 2.5
            painter.setPen(QPen(colour, width))
            painter.drawLine(QPointF(x, axis), QPointF(x, axis - height))
            painter.setBrush(colour)
            radius = 5.0 if row.id == self.selected else 3.5
            painter.drawEllipse(QRectF(x - radius, axis - height - radius, 2 * radius, 2 * radius))

    def signal_at(self, x: float) -> int | None:
        if not self.rows:
            return None
        nearest = min(self.rows, key=lambda r: abs(self.x_of(r.date) - x))
        return nearest.id if abs(self.x_of(nearest.date) - x) <= 8 else None

    def tip_at(self, x: float) -> str | None:
        """What hovering at ``x`` tells: the signal's date, impact and title."""
        found = self.signal_at(x)
        row = next((r for r in self.rows if r.id == found), None)
        if row is None:
            return None
        return f"{short_date(row.date)} · {row.impact.label} impact\n{row.title}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tip_at(event.pos().x())
            if tip is None:
                QToolTip.showText(event.globalPos(), self.toolTip(), self)
            else:
                QToolTip.showText(event.globalPos(), tip, self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.signal_at(event.position().x())
        if found is not None:
            self.signalClicked.emit(found)


def _checklist(name: str, choices: Sequence[tuple[int, str]], ticked: Sequence[int]) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    for key, label in choices:
        entry = QListWidgetItem(label)
        entry.setData(Qt.ItemDataRole.UserRole, key)
        entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        entry.setCheckState(Qt.CheckState.Checked if key in ticked else Qt.CheckState.Unchecked)
        widget.addItem(entry)
    widget.setMaximumHeight(widget.fontMetrics().lineSpacing() * 6)
    return widget


def _ticked(widget: QListWidget) -> list[int]:
    return [
        widget.item(n).data(Qt.ItemDataRole.UserRole)
        for n in range(widget.count())
        if widget.item(n).checkState() == Qt.CheckState.Checked
    ]


class SignalDialog(QDialog):
    """Add or edit one signal: kind, date, title, details, source, impact, tags, links."""

    def __init__(
        self,
        competitors: Sequence[tuple[int, str]],
        requirements: Sequence[tuple[int, str]],
        row: SignalRow | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit signal" if row else "Add signal")
        self.kind = QComboBox()
        for kind in SignalKind:
            self.kind.addItem(kind.label, kind)
        self.date = QDateEdit(calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.title = QLineEdit()
        self.details = QPlainTextEdit()
        self.details.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.source = QLineEdit(placeholderText="Where it was seen: a link, a call, a report")
        self.impact = QComboBox()
        for impact in Impact:
            self.impact.addItem(impact.label, impact)
        self.tags = QLineEdit(placeholderText="pricing, eu, hospitals")
        ticked_c = row.competitor_ids if row else ()
        ticked_r = row.requirement_ids if row else ()
        self.competitors = _checklist("Linked competitors", competitors, ticked_c)
        self.requirements = _checklist("Linked requirements", requirements, ticked_r)
        self.problem = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Kind", self.kind)
        form.addRow("Date", self.date)
        form.addRow("Title", self.title)
        form.addRow("Details", self.details)
        form.addRow("Source", self.source)
        form.addRow("Impact", self.impact)
        form.addRow("Tags", self.tags)
        form.addRow("Competitors", self.competitors)
        form.addRow("Requirements", self.requirements)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        if row is None:
            self.date.setDate(QDate.currentDate())
            self.impact.setCurrentIndex(self.impact.findData(Impact.MEDIUM))
        else:
            self.kind.setCurrentIndex(self.kind.findData(row.kind))
            self.date.setDate(_qdate(row.date))
            self.title.setText(row.title)
            self.details.setPlainText(row.details)
            self.source.setText(row.source)
            self.impact.setCurrentIndex(self.impact.findData(row.impact))
            self.tags.setText(", ".join(row.tags))
        name_parts(self)
        self.resize(520, 620)

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.problem.setText("Give the signal a title: what happened, in a few words.")
            self.problem.show()
            self.title.setFocus()
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.text().strip(),
            "kind": self.kind.currentData(),
            "date": _pydate(self.date.date()),
            "details": self.details.toPlainText(),
            "source": self.source.text().strip(),
            "impact": self.impact.currentData(),
            "tags": list(parse_tags(self.tags.text())),
            "competitor_ids": _ticked(self.competitors),
            "requirement_ids": _ticked(self.requirements),
        }


class SignalsPanel(QWidget):
    """A product's market signals: filter bar, timeline strip, the log and its edits."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.service(MarketService)
        self.requirement_service = ctx.service(RequirementService)
        self.product_id: int | None = None
        self._names: tuple[dict[int, str], dict[int, str]] | None = None
        self.model = SignalsModel(self.link_names, self)
        self.look = Look()
        self._build()
        ctx.changed.connect(self._follow)
        name_parts(self)
        self._refill()

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit(placeholderText="Search titles, details, sources…")
        self.search.setAccessibleName("Search signals")
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of signal")
        self.kind.addItem(f"{ANY} kind", None)
        for kind in SignalKind:
            self.kind.addItem(kind.label, kind)
        self.impact = QComboBox()
        self.impact.setAccessibleName("Impact")
        self.impact.addItem(f"{ANY} impact", None)
        for impact in Impact:
            self.impact.addItem(impact.label, impact)
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        self.dated = QCheckBox("Between")
        self.dated.setToolTip("Show only signals dated in this range")
        self.start = QDateEdit(calendarPopup=True)
        self.end = QDateEdit(calendarPopup=True)
        for edit, name in ((self.start, "From date"), (self.end, "To date")):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.setEnabled(False)
        today = QDate.currentDate()
        self.start.setDate(today.addYears(-1))
        self.end.setDate(today)
        self.dated.toggled.connect(self.start.setEnabled)
        self.dated.toggled.connect(self.end.setEnabled)
        self.search.textChanged.connect(self._refill)
        for combo in (self.kind, self.impact, self.tag):
            combo.currentIndexChanged.connect(self._refill)
        self.dated.toggled.connect(self._refill)
        self.start.dateChanged.connect(self._refill)
        self.end.dateChanged.connect(self._refill)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for widget in (self.kind, self.impact, self.tag, self.dated, self.start):
            bar.addWidget(widget)
        to = QLabel("to")
        to.setBuddy(self.end)
        bar.addWidget(to)
        bar.addWidget(self.end)
        self.add_button = QPushButton("Add signal…")
        self.add_button.clicked.connect(self.add_signal)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.make_button = QPushButton("Make requirement")
        self.make_button.setToolTip("A new requirement from the signal, linked to it")
        self.make_button.clicked.connect(self.make_requirement)
        self.count = QLabel()
        self.count.setEnabled(False)
        actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.make_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count)
        self.timeline = TimelineStrip()
        self.timeline.signalClicked.connect(self.select)
        self.table = QTableView()
        self.table.setAccessibleName("Market signals")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the title
        for capped in CAPPED:  # fit their text up to a cap, so the title keeps room
            header.setSectionResizeMode(capped, QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.model.modelReset.connect(self._show_current)
        self.hint = next_step_hint(EMPTY_LOG, self, centred=True)
        self.detail = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.detail.setAccessibleName("Selected signal")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.timeline)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.detail)

    # -- the view's contract ------------------------------------------------------------------

    def set_presentation(self, theme: Any | None) -> None:
        """Workshop mode: the log to read, in taller rows, without the editing buttons."""
        self.look.restore()
        if theme is None:
            return
        self.look.hide(self.add_button, self.edit_button, self.delete_button, self.make_button)
        self.look.read_only(self.table)
        self.look.rows(self.table, row_height(theme))

    def show_product(self, product_id: int | None) -> None:
        self.product_id = product_id
        self._names = None
        self._refill()

    def _lookups(self) -> tuple[dict[int, str], dict[int, str]]:
        if self._names is None:
            competitors = {c.id: c.name for c in self.service.competitors()}
            requirements = (
                {}
                if self.product_id is None
                else {
                    r.id: f"{r.ref} · {r.title}" if r.ref else r.title
                    for r in self.requirement_service.requirements_of(self.product_id)
                }
            )
            self._names = (competitors, requirements)
        return self._names

    def link_names(self, row: SignalRow) -> list[str]:
        competitors, requirements = self._lookups()
        for rid in row.requirement_ids:
            if rid not in requirements:  # another product's requirement: named all the same
                requirements[rid] = self._other_requirement(rid)
        return [competitors.get(c, f"Competitor #{c}") for c in row.competitor_ids] + [
            requirements[r] for r in row.requirement_ids
        ]

    def _other_requirement(self, requirement_id: int) -> str:
        try:
            found = self.requirement_service.requirements.get(requirement_id)
        except PmdeskError:
            return f"Requirement #{requirement_id}"
        return f"{found.ref} · {found.title}" if found.ref else found.title

    def _follow(self, changes: ChangeSet) -> None:
        if changes.touches(ChangeKind.REQUIREMENT, ChangeKind.COMPETITOR):
            self._names = None
        if changes.touches(*SIGNAL_KINDS, ChangeKind.REQUIREMENT, ChangeKind.COMPETITOR):
            self._refill()

    def _fill_tags(self) -> None:
        chosen = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(f"{ANY} tag", None)
        for tag in self.service.tags():
            self.tag.addItem(tag, tag)
        found = self.tag.findData(chosen)
        self.tag.setCurrentIndex(max(found, 0))
        self.tag.blockSignals(False)

    def _refill(self, *_args: Any) -> None:
        current = self.current()
        self._fill_tags()
        dated = self.dated.isChecked()
        rows = (
            []
            if self.product_id is None
            else self.service.signals(
                text=self.search.text(),
                kind=self.kind.currentData(),
                impact=self.impact.currentData(),
                tag=self.tag.currentData(),
                product_id=self.product_id,
                start=_pydate(self.start.date()) if dated else None,
                end=_pydate(self.end.date()) if dated else None,
            )
        )
        self.model.set_rows(rows)
        self._fit_capped()
        if current is not None:
            self.select(current.id)
        if self.current() is None and rows:
            self.table.selectRow(0)
        anything = bool(rows) or (
            self.product_id is not None and bool(self.service.signals(product_id=self.product_id))
        )
        self.hint.setText(EMPTY_FILTER if anything else EMPTY_LOG)
        self.hint.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self.timeline.setVisible(bool(rows))
        self.count.setText(plural(len(rows), "signal"))
        self.add_button.setEnabled(self.product_id is not None and not self.ctx.read_only)
        self._show_current()

    def _fit_capped(self) -> None:
        cap = self.fontMetrics().averageCharWidth() * CAP_CHARS
        for column in CAPPED:
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))

    # -- selection ------------------------------------------------------------------------------

    def current(self) -> SignalRow | None:
        return self.model.row_at(self.table.currentIndex())

    def select(self, signal_id: int) -> bool:
        position = self.model.row_of(signal_id)
        if position is not None:
            self.table.selectRow(position)
        return position is not None

    def _show_current(self, *_args: Any) -> None:
        row = self.current()
        writable = row is not None and not self.ctx.read_only
        for button in (self.edit_button, self.delete_button, self.make_button):
            button.setEnabled(writable)
        self.timeline.set_rows(self.model.rows, row.id if row else None)
        if row is None:
            self.detail.setText("")
            return
        lines = [f"{short_date(row.date)} · {row.kind.label} · {row.impact.label} impact"]
        if row.details:
            lines.append(row.details)
        if row.source:
            lines.append(f"Source: {row.source}")
        names = self.link_names(row)
        if names:
            lines.append(f"Linked: {'; '.join(names)}")
        self.detail.setText("\n".join(lines))

    # -- edits ------------------------------------------------------------------------------------

    def _run(self, action: Callable[[], Any], text: str) -> bool:
        return self.ctx.run(MarketCommand(self.service, action, text))

    def _dialog(self, row: SignalRow | None) -> SignalDialog:
        competitors, requirements = self._lookups()
        if self.product_id is not None:
            own = {c.id for c in self.service.competitors(self.product_id)}
            keep = own | set(row.competitor_ids if row else ())
            competitors = {k: v for k, v in competitors.items() if k in keep}
        return SignalDialog(
            sorted(competitors.items(), key=lambda pair: pair[1].casefold()),
            sorted(requirements.items(), key=lambda pair: pair[1].casefold()),
            row,
            self,
        )

    def add_signal(self) -> bool:
        """Log a new signal for this product through the dialog: one undo step."""
        if self.product_id is None:
            return False
        dialog = self._dialog(None)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        values = dialog.values()
        product_id = self.product_id
        title = values.pop("title")
        kind = values.pop("kind")
        date = values.pop("date")
        command = MarketCommand(
            self.service,
            lambda: self.service.add_signal(title, kind, date, product_ids=[product_id], **values),
            f"Add signal “{title}”",
        )
        if not self.ctx.run(command):
            return False
        self.select(command.result)
        return True

    def edit_selected(self) -> bool:
        """Change the selected signal through the dialog: one undo step."""
        row = self.current()
        if row is None or self.ctx.read_only:
            return False
        dialog = self._dialog(row)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        values = dialog.values()
        return self._run(
            lambda: self.service.update_signal(row.id, **values),
            f"Edit signal “{values['title']}”",
        )

    def delete_selected(self) -> bool:
        """Delete the selected signal after asking: one undo step."""
        row = self.current()
        if row is None:
            return False
        answer = QMessageBox.question(
            self, "Delete signal", f"Delete the signal “{row.title}”? Undo brings it back."
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._run(lambda: self.service.delete_signal(row.id), f"Delete signal “{row.title}”")

    def make_requirement(self) -> bool:
        """A new requirement from the selected signal, linked to it: one undo step."""
        row = self.current()
        if row is None or self.product_id is None:
            return False
        product_id = self.product_id
        return self._run(
            lambda: self.service.signal_to_requirement(row.id, product_id=product_id),
            f"Make a requirement from signal “{row.title}”",
        )
