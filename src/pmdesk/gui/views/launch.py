"""Launch plan: date, tier and positioning (the sentence assembled live), key messages,
and the checklist of tasks by function with readiness as a percentage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import LaunchFunction, TaskStatus
from pmdesk.core.errors import ValidationError
from pmdesk.core.launch_plan import (
    due_date,
    offset_label,
    positioning_statement,
    readiness,
    readiness_by_function,
)
from pmdesk.gui.commands import DeleteCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, fixed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import LaunchService, PortfolioService, StakeholderService

from .base import BaseView
from .common import OVERDUE, create, free_name, heading, next_order, quiet, today

NEW_LAUNCH_DAYS = 90
NEW_TASK_OFFSET = -30
TIERS = fixed(((1, "1 — Major"), (2, "2 — Standard"), (3, "3 — Minor")))

POSITIONING = [
    ("pos_target", "For (target)"),
    ("pos_need", "Who (need)"),
    ("pos_category", "Is a (category)"),
    ("pos_benefit", "That (benefit)"),
    ("pos_alternative", "Unlike (alternative)"),
    ("pos_differentiator", "It (differentiator)"),
]
FORM_SECTIONS = [
    (
        "Launch",
        [
            Column("name", "Name"),
            Column("launch_date", "Launch date", Kind.DATE),
            Column("tier", "Tier", Kind.CHOICE, choices=TIERS),
        ],
    ),
    ("Positioning", [Column(field, label) for field, label in POSITIONING]),
    (
        "Market",
        [
            Column("price", "Price"),
            Column("channels", "Channels", Kind.LONG_TEXT),
            Column("segments", "Segments", Kind.LONG_TEXT),
            Column("success_metrics", "Success metrics", Kind.LONG_TEXT),
        ],
    ),
]


class LaunchView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(LaunchService)
        self.portfolio = ctx.service(PortfolioService)
        self.launch_id: int | None = None
        self.people = Lookup(self._people, ("stakeholder",))
        self.launch_dates = Lookup(self._launch_dates, ("launch",))
        self.form = EntityForm(ctx, self.service.launches, FORM_SECTIONS)
        self.sentence = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        italic = QFont()
        italic.setItalic(True)  # only the style is set: the size still follows zoom
        self.sentence.setFont(italic)
        self.form.insert_row("pos_differentiator", "Statement", self.sentence)
        self.form.edited.connect(self._show_sentence)
        self.tasks = self.register(
            EntityTable(
                EntityTableModel(ctx, self.service.tasks, self._task_columns(), parent=self),
                title="Checklist",
                noun=("task", "tasks"),
                create=self._new_task,
                edit_field="title",
            )
        )
        self.messages = self.register(
            EntityTable(
                EntityTableModel(ctx, self.service.messages, MESSAGE_COLUMNS, parent=self),
                title="Key messages",
                noun=("message", "messages"),
                create=self._new_message,
                edit_field="audience",
            )
        )
        for signal in ("rowsInserted", "rowsRemoved", "modelReset", "dataChanged"):
            getattr(self.tasks.model, signal).connect(self._show_readiness)
        self._build()
        ctx.changed.connect(self._follow)

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = heading("Launch")
        self.selector = QComboBox()
        self.selector.setMinimumWidth(240)
        self.selector.activated.connect(lambda _n: self.show_launch(self.selector.currentData()))
        self.add_launch = QPushButton("Add launch")
        self.add_launch.clicked.connect(self.create_launch)
        self.delete_launch = QPushButton("Delete launch")
        self.delete_launch.clicked.connect(self._delete_launch)
        self.readiness = heading("", 1.2)
        self.by_function = QLabel(textFormat=Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        for widget in (self.selector, self.add_launch, self.delete_launch):
            top.addWidget(widget)
        status = QHBoxLayout()
        status.addWidget(self.readiness)
        status.addSpacing(12)
        status.addWidget(self.by_function, 1)

        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(380)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.tasks)
        right.addWidget(self.messages)
        right.setSizes([480, 220])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(scroll)
        body.addWidget(right)
        body.setStretchFactor(0, 1)  # both sides grow with the window (and on a projector)
        body.setStretchFactor(1, 2)
        body.setSizes([430, 940])

        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        message = quiet("This product has no launch plan yet. Use “Add launch” to start one.")
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(message)
        empty_layout.addStretch(2)
        self.pages = QStackedWidget()
        self.pages.addWidget(empty)
        self.pages.addWidget(body)
        self.content_layout.addLayout(top)
        self.content_layout.addLayout(status)
        self.content_layout.addWidget(self.pages, 1)

    # -- columns ----------------------------------------------------------------------------------

    def _task_columns(self) -> list[Column]:
        dates = self.launch_dates

        def due(row: Any) -> dt.date | None:
            return due_date(row.due_date, row.due_offset_days, dates.get(row.launch_id))

        def due_text(row: Any) -> str:
            day = due(row)
            return "" if day is None else day.isoformat()

        def set_due(value: Any, _row: Any) -> dict[str, Any]:
            return {"due_date": value, "due_offset_days": None}

        def set_offset(value: Any, row: Any) -> dict[str, Any]:
            if value is None:  # no longer relative: keep the date it has now
                return {"due_offset_days": None, "due_date": due(row)}
            days = int(value)
            launch = dates.get(row.launch_id)
            return {
                "due_offset_days": days,
                "due_date": launch + dt.timedelta(days=days) if launch else row.due_date,
            }

        def overdue(row: Any) -> str | None:
            day = due(row)
            late = day is not None and day < today()
            finished = row.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
            return OVERDUE if late and not finished else None

        return [
            Column("function", "Function", Kind.ENUM, enum=LaunchFunction, width=15),
            Column("title", "Task", width=36),
            Column(
                "owner_id",
                "Owner",
                Kind.CHOICE,
                choices=self.people,
                nullable=True,
                none_label="",
                width=16,
            ),
            Column(
                "due",
                "Due",
                Kind.DATE,
                value=due,
                display=due_text,
                to_changes=set_due,
                foreground=overdue,
                lookups=(dates,),
                width=11,
            ),
            Column(
                "due_offset_days",
                "Relative",
                Kind.INT,
                nullable=True,
                display=lambda r: (
                    "" if r.due_offset_days is None else offset_label(r.due_offset_days)
                ),
                to_changes=set_offset,
                lookups=(dates,),
                width=8,
                header_tip="Days before (−) or after (+) the launch date; blank for a fixed date",
            ),
            Column("status", "Status", Kind.ENUM, enum=TaskStatus, width=12),
            Column("notes", "Notes", Kind.LONG_TEXT, width=30),
        ]

    def _people(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
        stakeholders = self.ctx.service(StakeholderService).stakeholders
        return TableQuery.where_equal(stakeholders, product_id=self.product_id).labels()

    def _launch_dates(self) -> dict[int, dt.date]:
        if self.product_id is None:
            return {}
        return {
            launch.id: launch.launch_date for launch in self.service.launches_of(self.product_id)
        }

    # -- which launch ------------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self._fill_selector()
        launches = self.selector.count()
        self.show_launch(self.selector.itemData(0) if launches else None)

    def _fill_selector(self) -> None:
        keep = self.launch_id
        self.selector.blockSignals(True)
        self.selector.clear()
        if self.product_id is not None:
            for launch in self.service.launches_of(self.product_id):
                self.selector.addItem(
                    f"{launch.name} — {launch.launch_date.isoformat()}", launch.id
                )
        found = self.selector.findData(keep) if keep is not None else -1
        self.selector.setCurrentIndex(max(found, 0))
        self.selector.blockSignals(False)
        self.selector.setVisible(self.selector.count() > 1)

    def show_launch(self, launch_id: int | None) -> None:
        self.launch_id = launch_id
        self.form.set_entity(launch_id)
        scope = {} if launch_id is None else {"launch_id": launch_id}
        for table in (self.tasks, self.messages):
            repo = table.model.repo
            table.model.set_query(TableQuery.where_equal(repo, **scope) if scope else None)
        index = self.selector.findData(launch_id) if launch_id is not None else -1
        if index >= 0:
            self.selector.setCurrentIndex(index)
        self.pages.setCurrentIndex(1 if launch_id is not None else 0)
        self.delete_launch.setEnabled(launch_id is not None and not self.ctx.read_only)
        self.add_launch.setEnabled(self.product_id is not None and not self.ctx.read_only)
        self.title.setText(f"Launch — {self.form.row.name}" if self.form.row else "Launch")
        self._show_sentence()
        self._show_readiness()

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None or not changes.touches("launch"):
            return
        self._fill_selector()
        if self.launch_id is not None and self.launch_id in changes.ids("launch", "delete"):
            self.show_launch(self.selector.itemData(0) if self.selector.count() else None)
        elif self.launch_id is None and self.selector.count():
            self.show_launch(self.selector.itemData(0))
        elif self.form.row is not None:
            self.title.setText(f"Launch — {self.form.row.name}")

    def create_launch(self) -> int | None:
        if self.product_id is None or self.ctx.read_only:
            return None
        name = free_name(self.service.launches, "Launch", product_id=self.product_id)
        command = create(
            self.service.launches,
            f"Add launch “{name}”",
            product_id=self.product_id,
            name=name,
            launch_date=today() + dt.timedelta(days=NEW_LAUNCH_DAYS),
        )
        if not self.ctx.run(command):
            return None
        self._fill_selector()
        self.show_launch(command.entity_id)
        return command.entity_id

    def _delete_launch(self) -> None:
        if self.launch_id is not None and self.form.row is not None:
            self.ctx.run(
                DeleteCommand(
                    self.service.launches, [self.launch_id], f"Delete launch “{self.form.row.name}”"
                )
            )

    # -- live figures -----------------------------------------------------------------------------

    def _show_sentence(self) -> None:
        if self.form.row is None or self.product_id is None:
            self.sentence.setText("")
            return
        product = self.portfolio.products.get(self.product_id).name
        parts = {
            field.removeprefix("pos_"): self.form.value(field) or "" for field, _ in POSITIONING
        }
        self.sentence.setText(positioning_statement(product, **parts))

    def _show_readiness(self, *_args: Any) -> None:
        if self.launch_id is None:
            self.readiness.setText("")
            self.by_function.setText("")
            return
        tasks = self.tasks.model.entities()
        overall = readiness(t.status for t in tasks)
        self.readiness.setText("Readiness —" if overall is None else f"Readiness {overall:.0f}%")
        per = readiness_by_function((t.function, t.status) for t in tasks)
        self.by_function.setText(
            "   ·   ".join(
                f"{function.label} {'—' if value is None else f'{value:.0f}%'}"
                for function, value in per.items()
            )
        )

    # -- new rows ---------------------------------------------------------------------------------

    def _new_task(self):
        if self.launch_id is None:
            raise ValidationError("launch", "add a launch first")
        launch = self.launch_dates.get(self.launch_id)
        return create(
            self.service.tasks,
            "Add launch task",
            launch_id=self.launch_id,
            function=LaunchFunction.MARKETING,
            title="New task",
            due_offset_days=NEW_TASK_OFFSET,
            due_date=launch + dt.timedelta(days=NEW_TASK_OFFSET) if launch else today(),
            position=next_order(self.service.tasks, "position", launch_id=self.launch_id),
        )

    def _new_message(self):
        if self.launch_id is None:
            raise ValidationError("launch", "add a launch first")
        return create(
            self.service.messages,
            "Add key message",
            launch_id=self.launch_id,
            audience="New audience",
            position=next_order(self.service.messages, "position", launch_id=self.launch_id),
        )


MESSAGE_COLUMNS = [
    Column("audience", "Audience", width=24),
    Column("message", "Message", Kind.LONG_TEXT, width=60),
]
