"""The small questions the roadmap asks: which kind of dependency, what name.

Module-level functions, so tests replace them (monkeypatch) instead of
clicking through a modal dialog.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QSpinBox,
    QWidget,
)

from pmdesk.core.enums import DependencyType

from .text import TYPE_WORDS


class LinkDialog(QDialog):
    """Type and lag of a new dependency, with the type the gesture suggested preselected."""

    def __init__(
        self, pred: str, succ: str, suggested: DependencyType, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New dependency")
        form = QFormLayout(self)
        names = QLabel(f"<b>{html.escape(pred)}</b> → <b>{html.escape(succ)}</b>")
        names.setWordWrap(True)
        form.addRow(names)
        self.type_box = QComboBox()
        for kind in DependencyType:
            self.type_box.addItem(f"{TYPE_WORDS[kind]} ({kind.value})", kind.value)
        self.type_box.setCurrentIndex(list(DependencyType).index(suggested))
        form.addRow("Type", self.type_box)
        self.lag = QSpinBox()
        self.lag.setRange(-3650, 3650)
        self.lag.setSuffix(" days")
        self.lag.setToolTip("Positive: a lag (wait); negative: a lead (overlap)")
        form.addRow("Lag or lead", self.lag)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def choose_link_type(
    parent: QWidget | None, pred: str, succ: str, suggested: DependencyType
) -> tuple[DependencyType, int] | None:
    """Ask how ``pred`` and ``succ`` depend on each other; None if the person cancels."""
    dialog = LinkDialog(pred, succ, suggested, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return DependencyType(dialog.type_box.currentData()), dialog.lag.value()


def ask_text(parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
    """A line of text (a baseline or lane name); None if cancelled or left blank."""
    text, ok = QInputDialog.getText(parent, title, label, text=default)
    return text.strip() if ok and text.strip() else None
