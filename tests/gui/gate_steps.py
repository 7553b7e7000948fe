"""Filling in the gate review dialog the way a person does: clicks, Space and typing.

Tests replace ``gate_dialog.ask`` (the one place the dialog is executed) with
``answer(...)``, which shows the dialog and drives its widgets instead of ``exec``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog
from tests.gui.windows import exposed

from pmdesk.core.enums import GateDecision, Stage
from pmdesk.gui.lifecycle import gate_dialog


def fill(
    qtbot,
    dialog: gate_dialog.GateReviewDialog,
    decision: GateDecision | None = None,
    *,
    who: str = "",
    rationale: str = "",
    tick: Sequence[int] | str = (),
    despite: bool = False,
    recycle_to: Stage | None = None,
    record: bool = True,
) -> bool:
    """Tick criteria (row numbers, or "all"), click a decision, type who and why, then
    click Record decision; True when the dialog accepted the review."""
    dialog.show()
    exposed(qtbot, dialog)
    for row in range(dialog.criteria.count()) if tick == "all" else tick:
        dialog.criteria.setFocus()
        dialog.criteria.setCurrentRow(row)
        qtbot.keyClick(dialog.criteria, Qt.Key.Key_Space)
    if decision is not None:
        qtbot.mouseClick(dialog.decision_buttons[decision], Qt.MouseButton.LeftButton)
    if recycle_to is not None:
        qtbot.keyClicks(dialog.recycle_to, recycle_to.label[:3])
    if despite:
        box = dialog.despite  # a click on its box (the row is wider than box and text)
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))
    if who:
        qtbot.keyClicks(dialog.decided_by.lineEdit(), who)
    if rationale:
        qtbot.keyClicks(dialog.rationale, rationale)
    if record:
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    return dialog.result() == QDialog.DialogCode.Accepted


def answer(monkeypatch, qtbot, decision: GateDecision | None = None, **steps) -> list:
    """Make every gate review that opens be filled in with ``fill``; returns the dialogs seen."""
    seen: list = []

    def ask(dialog) -> bool:
        seen.append((dialog, dialog.decision(), dialog.target()))
        return fill(qtbot, dialog, decision, **steps)

    monkeypatch.setattr(gate_dialog, "ask", ask)
    return seen
