"""Launch plan: date and tier, the positioning statement assembled from its parts, key
messages per audience, price and channels, and the checklist by function with readiness.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core import palette
from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import LaunchFunction, TaskStatus
from pmdesk.core.errors import ValidationError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.launch import due_text, relative_label
from pmdesk.core.launch_plan import positioning_statement
from pmdesk.core.wording import short_date
from pmdesk.gui.commands import DeleteCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.views.common import (
    create,
    free_name,
    heading,
    name_parts,
    next_order,
    today,
)
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, fixed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.gui.widgets.look import Look, row_height
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import LaunchService, PortfolioService, StakeholderService

from .commands import AddChecklistCommand, CreateLaunchCommand
from .summary import ReadinessPanel

NEW_LAUNCH_DAYS = 90
NEW_TASK_OFFSET = -30
OVERDUE = palette.PROBLEM
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
MESSAGE_COLUMNS = [
    Column("audience", "Audience", width=20),
    Column("message", "Message", Kind.LONG_TEXT, width=60),
]


class LaunchView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(LaunchService)
        self.portfolio = ctx.service(PortfolioService)
        self.launch_id: int | None = None
        self.today = today()
        self.people = Lookup(self._people, (ChangeKind.STAKEHOLDER,))
        self.overdue = Lookup(self._overdue, (ChangeKind.LAUNCH_TASK, ChangeKind.LAUNCH))
        self.form = EntityForm(ctx, self.service.launches, FORM_SECTIONS)
        self.sentence = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        italic = self.sentence.font()  # a font, not a style sheet: Present mode scales it
        italic.setItalic(True)
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
                sort_field="function",
                fit_field="title",
                empty_hint="No tasks yet — Add task, or Add tier checklist for this launch's tier",
            )
        )
        self.messages = self.register(
            EntityTable(
                EntityTableModel(ctx, self.service.messages, MESSAGE_COLUMNS, parent=self),
                title="Key messages",
                noun=("message", "messages"),
                create=self._new_message,
                edit_field="audience",
                fit_field="message",
                empty_hint="No key messages yet — Add message: what each audience should hear",
            )
        )
        self.readiness = ReadinessPanel()
        # The statement as the room reads it, above the key messages; only when presenting.
        self.pitch = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.pitch.setObjectName("launchPitch")
        # Its column's width is the splitter's to give; the statement wraps to it.
        policy = self.pitch.sizePolicy()  # keeps the height-for-width of a wrapping label
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.pitch.setSizePolicy(policy)
        self.pitch.hide()
        self.look = Look()
        self._build()
        self.follow_changes(self._follow)
        name_parts(self)

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = heading("Launch")
        self.selector = QComboBox()
        self.selector.setAccessibleName("Launch shown")
        self.selector.setMinimumWidth(200)
        self.selector.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.selector.setMinimumContentsLength(24)
        self.selector.activated.connect(lambda _n: self.show_launch(self.selector.currentData()))
        self.add_launch = QPushButton("New launch")
        self.add_launch.setToolTip("A launch in 90 days with the tier 2 checklist to start from")
        self.add_launch.clicked.connect(self.create_launch)
        self.checklist_button = QPushButton("Add tier checklist")
        self.checklist_button.setToolTip("Add the default checklist of this launch's tier")
        self.checklist_button.clicked.connect(self.add_tier_checklist)
        self.delete_launch = QPushButton("Delete launch")
        self.delete_launch.clicked.connect(self._delete_launch)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        for widget in (self.selector, self.add_launch, self.checklist_button, self.delete_launch):
            top.addWidget(widget)
        self.function_filter = QComboBox()
        self.function_filter.setAccessibleName("Show the tasks of")
        self.function_filter.addItem("All functions", None)
        for function in LaunchFunction:
            self.function_filter.addItem(function.label, function)
        self.function_filter.activated.connect(lambda _n: self._scope_tasks())
        self.tasks.toolbar.insertWidget(1, self.function_filter)

        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(320)
        scroll.setAccessibleName("Launch plan")
        scroll.viewport().setAccessibleName("Launch plan")
        plan = QSplitter(Qt.Orientation.Vertical)
        plan.addWidget(scroll)
        plan.addWidget(self.messages)
        plan.setSizes([520, 220])
        # Presented, the statement heads the column of what the launch says (its key
        # messages), and readiness and the checklist have the other column's whole height.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.pitch)
        left_layout.addWidget(plan, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.readiness)
        right_layout.addWidget(self.tasks, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 1)  # a third for the plan, two for readiness and checklist
        body.setStretchFactor(1, 2)
        body.setSizes([380, 760])
        self.pages = QStackedWidget()
        self.pages.addWidget(self._empty_page())
        self.pages.addWidget(body)
        self.content_layout.addLayout(top)
        self.content_layout.addWidget(self.pages, 1)
        self.form_scroll = scroll
        self.body = body

    def _empty_page(self) -> QWidget:
        """No launch yet: the next step, and the button that takes it, in the middle."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.empty_hint = next_step_hint(
            "No launch planned — Plan a launch: a date, a tier and its checklist to start from",
            centred=True,
            hidden=False,
        )
        self.plan_button = QPushButton("Plan a launch")
        self.plan_button.setToolTip(self.add_launch.toolTip())
        self.plan_button.clicked.connect(self.create_launch)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.plan_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    # -- columns ----------------------------------------------------------------------------------

    def _task_columns(self) -> list[Column]:
        overdue = self.overdue
        service = self.service

        def late(row: Any) -> str | None:
            return OVERDUE if row.id in overdue.data else None

        def editable_due(row: Any) -> str:
            if row.due_offset_days is not None:
                return relative_label(row.due_offset_days)
            return row.due_date.isoformat() if row.due_date else ""

        def set_due(value: Any, row: Any) -> dict[str, Any]:
            return service.due_changes(row.id, str(value or ""))

        return [
            Column("function", "Function", Kind.ENUM, enum=LaunchFunction, width=13),
            Column("title", "Task", width=28, foreground=late, lookups=(overdue,)),
            Column(
                "owner_id",
                "Owner",
                Kind.CHOICE,
                choices=self.people,
                nullable=True,
                none_label="",
                width=15,
            ),
            Column(
                "due",
                "Due",
                value=editable_due,
                display=lambda r: due_text(r.due_date, r.due_offset_days),
                short=lambda r: due_text(r.due_date, None),
                least_text="2026-12-31",
                to_changes=set_due,
                foreground=late,
                sort_value=lambda r: r.due_date,
                lookups=(overdue,),
                width=20,
                header_tip="A date (2025-03-01) or relative to the launch: L−30, L, L+7",
            ),
            Column("status", "Status", Kind.ENUM, enum=TaskStatus, width=11),
            Column("notes", "Notes", Kind.LONG_TEXT, width=24),
        ]

    def _people(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
        stakeholders = self.ctx.service(StakeholderService).stakeholders
        return TableQuery.where_equal(stakeholders, product_id=self.product_id).labels()

    def _overdue(self) -> dict[int, bool]:
        if self.launch_id is None:
            return {}
        figures = self.service.readiness_of(self.launch_id, self.today)
        return dict.fromkeys(figures.overdue_ids, True)

    # -- which launch ------------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self.today = today()
        self._fill_selector()
        self.show_launch(self.selector.itemData(0) if self.selector.count() else None)

    def set_presentation(self, theme: Any | None) -> None:
        """A launch review: the positioning statement large, readiness, the checklist to read.

        The form's inputs and every add/delete/filter control are for the desk; they go,
        and come back exactly as they were when the presentation ends.
        """
        self.look.restore()
        if theme is None:
            return
        look, rows = self.look, row_height(theme)
        look.hide(
            self.form_scroll,
            self.selector,
            self.add_launch,
            self.checklist_button,
            self.delete_launch,
            self.function_filter,
        )
        look.table(self.tasks, rows)
        look.table(self.messages, rows)
        # Short of room, the notes go, then the function (readiness beside it names each).
        look.call(self.tasks.set_drop_fields, self.tasks.drop_fields, ("notes", "function"))
        font = QFont(self.sentence.font())
        font.setPixelSize(theme.body_px)
        look.call(self.pitch.setFont, QFont(self.pitch.font()), font)
        look.call(self.pitch.setVisible, False, self.launch_id is not None)
        self.readiness.present(look, theme.body_px)
        total = max(sum(self.body.sizes()), 1)
        look.call(self.body.setSizes, self.body.sizes(), [total * 2 // 5, total * 3 // 5])

    def export_image(self, path: Path) -> Path:
        """PNG or SVG (by suffix) of the launch plan as shown."""
        return export_widget(self.pages.currentWidget(), path, title="Launch")

    def _fill_selector(self) -> None:
        keep = self.launch_id
        self.selector.blockSignals(True)
        self.selector.clear()
        if self.product_id is not None:
            for launch in self.service.launches_of(self.product_id):
                self.selector.addItem(
                    f"{launch.name} — {short_date(launch.launch_date)}", launch.id
                )
        found = self.selector.findData(keep) if keep is not None else -1
        self.selector.setCurrentIndex(max(found, 0))
        self.selector.blockSignals(False)
        self.selector.setVisible(self.selector.count() > 1)

    def show_launch(self, launch_id: int | None) -> None:
        self.launch_id = launch_id
        self.form.set_entity(launch_id)
        self._scope_tasks()
        repo = self.messages.model.repo
        self.messages.model.set_query(
            TableQuery.where_equal(repo, launch_id=launch_id) if launch_id is not None else None
        )
        index = self.selector.findData(launch_id) if launch_id is not None else -1
        if index >= 0:
            self.selector.setCurrentIndex(index)
        self.pages.setCurrentIndex(1 if launch_id is not None else 0)
        if not self.look.active:  # with no launch, the empty page's own button asks
            for button in (self.add_launch, self.checklist_button, self.delete_launch):
                button.setVisible(launch_id is not None)
        if self.look.active:
            self.pitch.setVisible(launch_id is not None)
        writable = not self.ctx.read_only
        self.delete_launch.setEnabled(launch_id is not None and writable)
        self.checklist_button.setEnabled(launch_id is not None and writable)
        self.add_launch.setEnabled(self.product_id is not None and writable)
        self.plan_button.setEnabled(self.product_id is not None and writable)
        self._show_title()
        self._show_sentence()
        self._show_readiness()

    def _scope_tasks(self) -> None:
        repo = self.tasks.model.repo
        function = self.function_filter.currentData()
        scope: dict[str, Any] = {"launch_id": self.launch_id}
        if function is not None:
            scope["function"] = function
        self.overdue.invalidate()
        self.tasks.model.set_query(
            TableQuery.where_equal(repo, **scope) if self.launch_id is not None else None
        )

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None:
            return
        if changes.touches(ChangeKind.LAUNCH):
            self._fill_selector()
            if self.launch_id is not None and self.selector.findData(self.launch_id) < 0:
                self.show_launch(self.selector.itemData(0) if self.selector.count() else None)
                return
            if self.launch_id is None and self.selector.count():
                self.show_launch(self.selector.itemData(0))
                return
            self._show_title()
        if changes.touches(
            ChangeKind.LAUNCH,
            ChangeKind.LAUNCH_TASK,
            ChangeKind.WORK_CALENDAR,
            ChangeKind.CALENDAR_EXCEPTION,
        ):
            self._show_readiness()  # the calendar says which dates are days off

    def _show_title(self) -> None:
        """The launch's own name ("Pulse 2.0 launch"), else "Launch — <product>"."""
        row = self.form.row
        if row is not None and "launch" in row.name.casefold():
            self.title.setText(row.name)
        elif row is not None:
            self.title.setText(f"Launch — {row.name}")
        else:
            product = self.portfolio.products.get(self.product_id) if self.product_id else None
            self.title.setText(f"Launch — {product.name}" if product is not None else "Launch")

    # -- one-step actions -------------------------------------------------------------------------

    def create_launch(self) -> int | None:
        if self.product_id is None or self.ctx.read_only:
            return None
        product = self.portfolio.products.get(self.product_id).name
        name = free_name(self.service.launches, f"{product} launch", product_id=self.product_id)
        command = CreateLaunchCommand(
            self.service,
            self.product_id,
            name,
            today() + dt.timedelta(days=NEW_LAUNCH_DAYS),
            2,
            f"New launch “{name}” with the tier 2 checklist",
        )
        if not self.ctx.run(command):
            return None
        self._fill_selector()
        self.show_launch(command.entity_id)
        return command.entity_id

    def add_tier_checklist(self) -> bool:
        row = self.form.row
        if row is None or self.ctx.read_only:
            return False
        text = f"Add the tier {row.tier} checklist to “{row.name}”"
        return self.ctx.run(AddChecklistCommand(self.service, row.id, row.tier, text))

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
            self.pitch.setText("")
            return
        product = self.portfolio.products.get(self.product_id).name
        parts = {
            field.removeprefix("pos_"): self.form.value(field) or "" for field, _ in POSITIONING
        }
        self.sentence.setText(positioning_statement(product, **parts))
        self.pitch.setText(self.sentence.text())

    def _show_readiness(self) -> None:
        figures = None
        if self.launch_id is not None:
            figures = self.service.readiness_of(self.launch_id, self.today)
        self.readiness.show_figures(figures)

    # -- new rows ---------------------------------------------------------------------------------

    def _new_task(self):
        if self.launch_id is None:
            raise ValidationError("launch", "add a launch first")
        function = self.function_filter.currentData() or LaunchFunction.MARKETING
        launch = self.service.launches.get(self.launch_id)
        return create(
            self.service.tasks,
            "Add launch task",
            launch_id=self.launch_id,
            function=function,
            title="New task",
            due_offset_days=NEW_TASK_OFFSET,
            due_date=launch.launch_date + dt.timedelta(days=NEW_TASK_OFFSET),
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
