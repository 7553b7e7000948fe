"""The gate review dialog: the gate's checklist, the decision, who took it, when and why.

``review_gate`` opens it and turns an accepted dialog into one undoable step:
the review is recorded and its decision applied to the product's stage. Tests
replace ``ask`` (the one place the dialog is executed) rather than running it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.enums import GateDecision, Stage
from pmdesk.core.errors import ValidationError
from pmdesk.core.lifecycle import (
    check_gate_review,
    decision_for_move,
    gate_outcome,
    recycle_choices,
    unmet_criteria,
)
from pmdesk.core.templates import default_gate_criteria
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.store.services import LifecycleService, PortfolioService, StakeholderService

from .commands import JournalCommand


class GateReviewDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        product_id: int,
        proposed: Stage | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product = ctx.service(PortfolioService).products.get(product_id)
        self.stage = self.product.stage
        self.setWindowTitle(f"Gate review — {self.product.name}")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Gate at the end of {self.stage.label}", textFormat=Qt.TextFormat.PlainText)
        font = intro.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        intro.setFont(font)
        layout.addWidget(intro)
        layout.addWidget(self._criteria_box())
        form = QFormLayout()
        layout.addLayout(form)
        form.addRow("Decision", self._decision_row())
        self.recycle_to = QComboBox()
        self.recycle_to.setAccessibleName("Recycle to stage")
        for stage in recycle_choices(self.stage):
            self.recycle_to.addItem(stage.label, stage.value)
        form.addRow("Recycle to", self.recycle_to)
        self.outcome = QLabel(textFormat=Qt.TextFormat.PlainText)
        form.addRow("Outcome", self.outcome)
        self.despite = QCheckBox("Go despite unmet criteria")
        self.despite.setToolTip(
            "A Go while criteria are unmet is a conscious exception: say why in the rationale"
        )
        self.despite.toggled.connect(self._update_outcome)
        form.addRow("", self.despite)
        self.decided_by = QComboBox(editable=True)
        self.decided_by.setAccessibleName("Decided by")
        self.decided_by.lineEdit().setPlaceholderText("Who took the decision (required)")
        self.decided_by.addItem("", None)
        for person in ctx.service(StakeholderService).stakeholders_of(product_id):
            self.decided_by.addItem(person.name, person.id)
        self.decided_by.currentTextChanged.connect(self._update_outcome)
        form.addRow("Decided by", self.decided_by)
        self.decided_on = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.decided_on.setAccessibleName("Decision date")
        self.decided_on.setMaximumDate(QDate.currentDate())
        self.decided_on.setDisplayFormat("yyyy-MM-dd")
        form.addRow("Date", self.decided_on)
        self.rationale = QPlainTextEdit()
        self.rationale.setAccessibleName("Rationale")
        self.rationale.setPlaceholderText("Why this decision")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(self.rationale.fontMetrics().lineSpacing() * 4 + 12)
        self.rationale.textChanged.connect(self._update_outcome)
        form.addRow("Rationale", self.rationale)
        self.problem = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.problem.setObjectName("gateProblem")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.record_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.record_button.setText("Record decision")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.criteria.itemChanged.connect(self._update_outcome)
        self._propose(proposed)

    # -- building ----------------------------------------------------------------------------

    def _criteria_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Criteria (tick those met; double-click to edit)"))
        self.criteria = QListWidget()
        self.criteria.setAccessibleName("Gate criteria")
        stored = (self.product.gate_criteria or {}).get(self.stage.value)
        for text in stored if isinstance(stored, list) else default_gate_criteria(self.stage):
            self.add_criterion(str(text))
        # Criteria the file answers ("Business case signed off"): shown as they are, untickable.
        computed = self.ctx.service(LifecycleService).computed_criteria(self.product.id)
        answered = {text.casefold(): met for text, met in computed.items()}
        for row in range(self.criteria.count()):
            item = self.criteria.item(row)
            met = answered.get(item.text().strip().casefold())
            if met is not None:
                item.setCheckState(Qt.CheckState.Checked if met else Qt.CheckState.Unchecked)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setToolTip("Met by a signed version of the business case, not by a tick")
        layout.addWidget(self.criteria)
        unsigned = [
            self.criteria.item(r).text()
            for r in range(self.criteria.count())
            if answered.get(self.criteria.item(r).text().strip().casefold()) is False
        ]
        self.computed_note = QLabel(  # the way to meet it, said where it is seen unmet
            f"“{unsigned[0]}” is met by signing the business case off (Business case ▸ "
            "Sign off…), not by a tick."
            if unsigned
            else "",
            textFormat=Qt.TextFormat.PlainText,
            wordWrap=True,
        )
        self.computed_note.setVisible(bool(unsigned))
        layout.addWidget(self.computed_note)
        row = QHBoxLayout()
        add = QPushButton("Add criterion")
        add.clicked.connect(lambda: self._edit(self.add_criterion("New criterion")))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_current)
        self.keep_list = QCheckBox("Use this list for this product's future reviews")
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        row.addWidget(self.keep_list)
        layout.addLayout(row)
        return box

    def add_criterion(self, text: str, met: bool = False) -> QListWidgetItem:
        item = QListWidgetItem(text, self.criteria)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
        item.setCheckState(Qt.CheckState.Checked if met else Qt.CheckState.Unchecked)
        return item

    def _edit(self, item: QListWidgetItem) -> None:
        self.criteria.setCurrentItem(item)
        self.criteria.editItem(item)

    def _remove_current(self) -> None:
        row = self.criteria.currentRow()
        if row >= 0:
            self.criteria.takeItem(row)

    def _decision_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.decision_group = QButtonGroup(self)  # exclusive, and nothing chosen at first
        self.decision_buttons: dict[GateDecision, QRadioButton] = {}
        for decision in GateDecision:
            button = QRadioButton(decision.label)
            button.setEnabled(
                decision is not GateDecision.RECYCLE or bool(recycle_choices(self.stage))
            )
            self.decision_group.addButton(button)
            self.decision_buttons[decision] = button
            layout.addWidget(button)
            button.toggled.connect(self._update_outcome)
        layout.addStretch(1)
        return row

    def _propose(self, proposed: Stage | None) -> None:
        """A card dragged to a stage proposes the decision that moves it there; else none."""
        decision = decision_for_move(self.stage, proposed) if proposed else None
        if decision is not None:
            self.set_decision(decision)
        if decision is GateDecision.RECYCLE and proposed is not None:
            self.recycle_to.setCurrentIndex(self.recycle_to.findData(proposed.value))
        self.recycle_to.currentIndexChanged.connect(self._update_outcome)
        self._update_outcome()

    # -- state ---------------------------------------------------------------------------------

    def set_decision(self, decision: GateDecision) -> None:
        self.decision_buttons[decision].setChecked(True)

    def decision(self) -> GateDecision | None:
        return next((d for d, b in self.decision_buttons.items() if b.isChecked()), None)

    def target(self) -> Stage | None:
        decision = self.decision()
        if decision is None:
            return None
        try:
            return gate_outcome(self.stage, decision, self.recycle_stage())
        except ValidationError:
            return None

    def recycle_stage(self) -> Stage | None:
        value = self.recycle_to.currentData()
        return Stage(value) if value and self.decision() is GateDecision.RECYCLE else None

    def _update_outcome(self, *_args: Any) -> None:
        decision = self.decision()
        self.recycle_to.setEnabled(decision is GateDecision.RECYCLE)
        target = self.target()
        if decision is None:
            self.outcome.setText("—")  # the line under the form says what to choose
        elif target is None:
            self.outcome.setText("Choose the stage to return to")
        elif target == self.stage:
            self.outcome.setText(f"Stays in {self.stage.label}")
        else:
            self.outcome.setText(f"Moves from {self.stage.label} to {target.label}")
        unmet = unmet_criteria(self.criteria_items())
        self.despite.setVisible(decision is GateDecision.GO and bool(unmet))
        if hasattr(self, "record_button"):
            problem = self.problem_text()
            self.problem.setText(problem)
            self.problem.setVisible(bool(problem))
            self.record_button.setEnabled(not problem)
            self.record_button.setToolTip(problem)

    def problem_text(self) -> str:
        """Why the decision cannot be recorded yet ("" when it can): the store's own rule."""
        decision = self.decision()
        if decision is None:
            return "Choose a decision to record it."
        if self.target() is None:
            return "Choose the stage the product returns to."
        try:
            check_gate_review(
                decision,
                self.criteria_items(),
                self.decided_by.currentText(),
                self.rationale.toPlainText(),
                not self.despite.isHidden() and self.despite.isChecked(),
            )
        except ValidationError as exc:
            return str(exc)
        return ""

    def accept(self) -> None:
        """Only a complete review closes the dialog (Enter is no way around the button)."""
        if not self.problem_text():
            super().accept()

    def criteria_items(self) -> list[dict[str, Any]]:
        items = []
        for row in range(self.criteria.count()):
            item = self.criteria.item(row)
            if item.text().strip():
                items.append(
                    {"text": item.text().strip(), "met": item.checkState() == Qt.CheckState.Checked}
                )
        return items

    def request(self) -> dict[str, Any]:
        """The arguments of ``LifecycleService.record_gate`` (after the product id)."""
        person_id = self.decided_by.currentData()
        name = self.decided_by.currentText().strip()
        if (
            person_id is not None
            and self.decided_by.itemText(self.decided_by.currentIndex()) != name
        ):
            person_id = None  # typed over a stakeholder's name: someone else decided
        return {
            "decision": self.decision(),
            "recycle_to": self.recycle_stage(),
            "criteria": self.criteria_items(),
            "decided_by_id": person_id,
            "decided_by_name": name,
            "decided_on": self.decided_on.date().toPython(),
            "rationale": self.rationale.toPlainText(),
            "go_despite_unmet": self.despite.isChecked() and not self.despite.isHidden(),
        }


def ask(dialog: GateReviewDialog) -> bool:
    """Run the dialog; the one place tests replace to answer it."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def review_gate(
    ctx: AppContext, product_id: int, proposed: Stage | None = None, parent: QWidget | None = None
) -> bool:
    """Open the product's gate review and apply what was decided, as one undo step."""
    dialog = GateReviewDialog(ctx, product_id, proposed, parent)
    try:
        if not ask(dialog):
            return False
        return record(ctx, dialog)
    finally:
        dialog.deleteLater()


def record(ctx: AppContext, dialog: GateReviewDialog) -> bool:
    request = dialog.request()
    product = dialog.product
    service = ctx.service(LifecycleService)
    decision: GateDecision = request["decision"]
    text = f"{decision.label} at the {product.stage.label} gate of “{product.name}”"
    command = JournalCommand(service, lambda: service.record_gate(product.id, **request), text)
    if not dialog.keep_list.isChecked():
        return ctx.run(command)
    criteria = dict(product.gate_criteria or {})
    criteria[product.stage.value] = [c["text"] for c in request["criteria"]]
    ctx.undo_stack.beginMacro(text)
    try:
        kept = ctx.run(
            UpdateCommand(
                ctx.service(PortfolioService).products,
                product.id,
                {"gate_criteria": criteria},
                "Keep gate criteria",
            )
        )
        return ctx.run(command) and kept
    finally:
        ctx.undo_stack.endMacro()
