"""The sign-off dialog: who approves the business case, for which scenario, at which gate.

It only asks; the view turns an accepted dialog into one undoable FinanceService
``sign_off`` (a new frozen version). It opens window-modal without blocking
(``open``), so a test fills it in and clicks Sign off as a person would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.enums import Stage

NO_GATE = "No gate review"


class SignOffDialog(QDialog):
    def __init__(
        self,
        product: str,
        people: Sequence[str],
        scenarios: Sequence[str],
        chosen: str,
        gates: Sequence[tuple[int, str, Any]],  # (id, text, stage)
        next_version: int,
        parent: QWidget | None = None,
        *,
        taken: Collection[int] = (),  # gate reviews earlier versions were signed at
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign off the business case — {product}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Signing freezes the business case as version {next_version}: its assumptions, "
            "scenarios and figures stay readable as they are now, and later edits make a new "
            "draft.",
            wordWrap=True,
            textFormat=Qt.TextFormat.PlainText,
        )
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.signed_by = QComboBox(editable=True)
        self.signed_by.setAccessibleName("Signed by")
        self.signed_by.lineEdit().setPlaceholderText("Who approves it (required)")
        self.signed_by.addItem("")
        for name in people:
            self.signed_by.addItem(name)
        self.signed_by.setCurrentIndex(0)
        self.signed_by.currentTextChanged.connect(self._check)
        form.addRow("Signed by", self.signed_by)
        self.scenario = QComboBox()
        self.scenario.setAccessibleName("Approved scenario")
        self.scenario.addItems(list(scenarios))
        self.scenario.setCurrentIndex(max(0, self.scenario.findText(chosen)))
        form.addRow("Scenario", self.scenario)
        self.gate = QComboBox()
        self.gate.setAccessibleName("At gate review")
        self.gate.addItem(NO_GATE, None)
        analysis = None
        for gate_id, text, stage in gates:
            self.gate.addItem(text, gate_id)
            if stage == Stage.ANALYSIS and gate_id not in taken:
                analysis = self.gate.count() - 1
        # The Analysis gate is where a business case is signed; one an earlier version was
        # signed at is not offered again (a v2 signed years later is not that review's).
        if analysis is not None:
            self.gate.setCurrentIndex(analysis)
        form.addRow("Gate review", self.gate)
        self.signed_on = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.signed_on.setAccessibleName("Signed on")
        self.signed_on.setDisplayFormat("yyyy-MM-dd")
        self.signed_on.setMaximumDate(QDate.currentDate())
        form.addRow("On", self.signed_on)
        self.problem = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.problem.setObjectName("signOffProblem")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_button.setText("Sign off")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self, *_args: Any) -> None:
        who = self.signed_by.currentText().strip()
        self.problem.setText("" if who else "Say who signs the business case off.")
        self.problem.setVisible(not who)
        self.sign_button.setEnabled(bool(who))

    def values(self) -> dict[str, Any]:
        """What the person chose, as FinanceService.sign_off takes it."""
        day: dt.date = self.signed_on.date().toPython()
        return {
            "signed_by": self.signed_by.currentText().strip(),
            "scenario": self.scenario.currentText(),
            "signed_on": day,
            "gate_review_id": self.gate.currentData(),
        }
