"""Compare a what-if scenario with the plan: the headline figures side by side, then the
items the scenario moves, adds and removes.

The comparison (:meth:`WhatIfService.compare`) applies the scenario to a copy of the plan
and reads both with :func:`~pmdesk.store.services.figures.plan_figures`: that takes a
moment on a large plan, so it runs in a :class:`~pmdesk.gui.ops.BackgroundOp` on a
read-only handle of the plan's workspace. The figures are worded by
:mod:`pmdesk.store.figures_wording`, as What Changed Since and its report word them then
and now: days with ``history_wording.days_difference`` ("+21 days"), money with
``format_money`` ("−€120,000").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.wording import plural
from pmdesk.store.figures_wording import comparison_lines, item_lines

from .ops import BackgroundOp, OpToken, error_text
from .widgets.figures_table import FiguresTable

if TYPE_CHECKING:
    from pmdesk.store.services.what_if import Comparison

    from .context import AppContext

TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft


class CompareDialog(QDialog):
    """Figure | plan | scenario | difference, then the moved, added and removed items."""

    compared = Signal()  # the comparison is shown (or its failure is)

    def __init__(
        self, ctx: AppContext, scenario_id: int, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scenario_id = scenario_id
        self.name = name
        self.comparison: Comparison | None = None
        self.op: BackgroundOp | None = None
        self.setObjectName("whatIfCompareDialog")
        self.setWindowTitle(f"Compare “{name}” with the Plan")

        self.summary = QLabel("Comparing the scenario with the plan…")
        self.summary.setObjectName("whatIfCompareSummary")
        self.summary.setWordWrap(True)
        self.figures = FiguresTable(
            ["Figure", "Plan", "Scenario", "Difference"],
            name="whatIfFigures",
            accessible="Figures of the plan and the scenario",
        )
        self.figures.setSizeAdjustPolicy(FiguresTable.SizeAdjustPolicy.AdjustToContents)

        self.items_label = QLabel("Roadmap items")
        self.items = QTreeWidget()
        self.items.setObjectName("whatIfItems")
        self.items.setAccessibleName("Items the scenario moves, adds and removes")
        self.items.setHeaderLabels(["Item", "Plan", "Scenario", "Difference"])
        self.items.setAlternatingRowColors(True)
        self.items.setUniformRowHeights(True)
        items_header = self.items.header()
        items_header.setStretchLastSection(True)
        items_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.items_label.setBuddy(self.items)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.figures)
        layout.addWidget(self.items_label)
        layout.addWidget(self.items, 1)
        layout.addWidget(buttons)
        self.resize(860, 560)
        self.compare()

    def compare(self) -> None:
        """Read the comparison off the GUI thread; the tables follow when it is in."""
        from pmdesk.store.services.what_if import WhatIfService

        if self.op is not None and self.op.running:
            self.op.cancel_and_wait()
        reopen, scenario_id = self.ctx.workspace.reopen_read_only, self.scenario_id

        def work(token: OpToken) -> Comparison:
            with reopen() as ws:
                token.check()
                return ws.service(WhatIfService).compare(scenario_id)

        self.op = BackgroundOp(self, work, title=f"Comparing “{self.name}” with the plan")
        self.op.succeeded.connect(self._show)
        self.op.failed.connect(self._failed)
        self.op.start()

    def _failed(self, error: BaseException) -> None:
        self.comparison = None
        self.summary.setText(error_text(error, "Comparing the scenario"))
        self.compared.emit()

    def _show(self, comparison: Comparison) -> None:
        self.comparison = comparison
        lines = comparison_lines(comparison)
        self.figures.set_rows(
            [
                (
                    (line.label, line.plan, line.scenario, line.difference),
                    line.tips or ("", "", "", ""),
                )
                for line in lines
            ]
        )

        self.items.clear()
        items = item_lines(comparison)
        groups: dict[str, QTreeWidgetItem] = {}
        for line in items:
            top = groups.get(line.group)
            if top is None:
                top = groups[line.group] = QTreeWidgetItem([line.group])
                font = top.font(0)
                font.setBold(True)
                top.setFont(0, font)
                self.items.addTopLevelItem(top)
            row = QTreeWidgetItem([line.name, line.plan, line.scenario, line.difference])
            row.setToolTip(0, line.name)
            top.addChild(row)
        for group, top in groups.items():
            top.setText(0, f"{group} ({top.childCount()})")
            top.setExpanded(True)
        self.items.resizeColumnToContents(0)
        self.items.setColumnWidth(0, min(self.items.columnWidth(0) + 12, 340))
        for column in (1, 2):
            self.items.resizeColumnToContents(column)
        if items:
            counts = [
                plural(len(comparison.moved), "item") + " moved",
                f"{len(comparison.added)} added",
                f"{len(comparison.removed)} removed",
            ]
            self.summary.setText(f"“{self.name}” against the plan: {', '.join(counts)}.")
        else:
            self.summary.setText(
                f"“{self.name}” moves, adds and removes no roadmap item yet: open it and "
                "change the plan there."
            )
        self.compared.emit()

    def figure_rows(self) -> list[tuple[str, ...]]:
        """What the figures table shows, for tests and screen readers alike."""
        return self.figures.texts()

    def item_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(group, item, plan, scenario, difference) as the items list shows them."""
        found = []
        for i in range(self.items.topLevelItemCount()):
            top = self.items.topLevelItem(i)
            group = top.text(0).split(" (")[0]
            for j in range(top.childCount()):
                row = top.child(j)
                found.append((group, *(row.text(c) for c in range(4))))
        return found

    def done(self, result: int) -> None:
        if self.op is not None and self.op.running:
            self.op.cancel_and_wait()
        super().done(result)


def show_compare(ctx: AppContext, scenario_id: int, name: str, parent: QWidget) -> CompareDialog:
    """The comparison, in a window of its own beside the one it was asked from."""
    dialog = CompareDialog(ctx, scenario_id, name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    ctx.destroyed.connect(dialog.close)  # it reads that workspace: it goes when the file does
    dialog.show()
    return dialog
