"""A product's headline figures, two readings side by side, worded for people (no Qt).

:func:`figure_lines` words two :class:`~pmdesk.store.services.figures.PlanFigures` of one
product — the plan and a what-if scenario, or the portfolio then and now — as four
lines: critical path end, launch date, launch readiness and the NPV of the business
case's Base scenario, each with its difference: days as What Changed Since words a slip
(``history_wording.days_difference``: "+21 days"), readiness in points, money with
``format_money`` ("−€120,000", "+" before a rise). The what-if comparison, the
``pmdesk changes`` report, What Changed Since, the deck and the PDF all word them here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pmdesk.core.pricing import format_money, format_rate
from pmdesk.core.wording import plural, short_date

from .history_wording import days_difference

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .services.figures import PlanFigures
    from .services.history import ProductFigures
    from .services.what_if import Comparison

NONE = "—"  # a figure one side does not have
SAME = "no change"
# The figures in the order they are shown: (PlanFigures field, what people call it).
FIGURES = (
    ("critical_path_end", "Critical path end"),
    ("launch_date", "Launch date"),
    ("readiness", "Launch readiness"),
    ("npv", "NPV (base scenario)"),
)


@dataclass(frozen=True)
class FigureLine:
    """One figure: what it is, before (the plan, or then), after (the scenario, or now), and
    the difference ("no change" when there is none)."""

    label: str
    before: str
    after: str
    difference: str
    tips: tuple[str, str, str, str] | None = None  # what a cell means, where it says more

    # The what-if comparison's names for the two sides.
    @property
    def plan(self) -> str:
        return self.before

    @property
    def scenario(self) -> str:
        return self.after

    @property
    def changed(self) -> bool:
        return self.difference != SAME

    def text(self, width: int = 0) -> str:
        """The line as one sentence: "Launch date 25 Mar 2027 → 8 Apr 2027 (+14 days)";
        ``width``: the label padded to it, and two spaces after."""
        moved = f" ({self.difference})" if self.difference not in (SAME, NONE) else ""
        label = f"{self.label:<{width}} " if width else self.label
        return f"{label} {self.before} → {self.after}{moved}"


def _date_line(label: str, before: dt.date | None, after: dt.date | None) -> FigureLine:
    if before is None or after is None:
        difference = SAME if before == after else NONE
    else:
        days = (after - before).days
        difference = days_difference(days) if days else SAME
    return FigureLine(label, short_date(before, NONE), short_date(after, NONE), difference)


def _readiness_line(before: float | None, after: float | None) -> FigureLine:
    def shown(value: float | None) -> str:
        return format_rate(Decimal(str(value)), 0) if value is not None else NONE

    if before is None or after is None:
        difference = SAME if before == after else NONE
    else:
        points = round(100 * after) - round(100 * before)
        sign = "+" if points > 0 else "−" if points < 0 else ""
        difference = f"{sign}{plural(abs(points), 'point')}" if points else SAME
    return FigureLine("Launch readiness", shown(before), shown(after), difference)


def _money(value: Decimal | None, currency: str | None) -> str:
    if value is None or not currency:
        return NONE
    return format_money(value, currency, whole=True)


def _npv_line(before: PlanFigures, after: PlanFigures) -> FigureLine:
    a, b = before.npv, after.npv
    if a is None or b is None or not before.currency or before.currency != after.currency:
        difference = SAME if (a, before.currency) == (b, after.currency) else NONE
    else:
        change = b - a
        text = format_money(change, before.currency, whole=True)
        # A difference too small to show in whole units is none.
        difference = SAME if not any(c in "123456789" for c in text) else text
        if change > 0 and difference != SAME:
            difference = f"+{text}"
    return FigureLine(
        "NPV (base scenario)",
        _money(a, before.currency),
        _money(b, after.currency),
        difference,
    )


def figure_lines(before: PlanFigures, after: PlanFigures) -> list[FigureLine]:
    """The headline figures of two readings of a product, worded, with their differences."""
    launch = _date_line("Launch date", before.launch_date, after.launch_date)
    if before.launch_name or after.launch_name:
        launch = replace(
            launch,
            tips=(
                "The product's next launch (else its latest)",
                before.launch_name or "",
                after.launch_name or "",
                "",
            ),
        )
    return [
        _date_line("Critical path end", before.critical_path_end, after.critical_path_end),
        launch,
        _readiness_line(before.readiness, after.readiness),
        _npv_line(before, after),
    ]


def changed_lines(before: PlanFigures, after: PlanFigures) -> list[FigureLine]:
    """Only the figures that moved."""
    return [line for line in figure_lines(before, after) if line.changed]


def json_value(figures: PlanFigures, name: str) -> Any:
    """A figure for JSON: dates ISO text, the NPV exact text, readiness a share 0..1."""
    value = getattr(figures, name)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def json_figures(product: str, before: PlanFigures, after: PlanFigures) -> list[dict[str, Any]]:
    """The figures that moved, each ``{"product", "figure", "then", "now"}`` (and the
    business case's ``currency`` beside the NPV)."""
    out = []
    for (name, _label), line in zip(FIGURES, figure_lines(before, after), strict=True):
        if not line.changed:
            continue
        row: dict[str, Any] = {
            "product": product,
            "figure": name,
            "then": json_value(before, name),
            "now": json_value(after, name),
        }
        if name == "npv":
            row["currency"] = after.currency or before.currency
        out.append(row)
    return out


LABEL_WIDTH = max(len(label) for _name, label in FIGURES)


def headline(figures: Sequence[ProductFigures]) -> list[str]:
    """The "Headline" blocks of the ``pmdesk changes`` report: per product, the figures that
    moved, one a line ("  Launch date          25 Mar 2027 → 8 Apr 2027 (+14 days)");
    nothing for a product none of whose figures moved."""
    out: list[str] = []
    for found in figures:
        lines = changed_lines(found.then, found.now)
        if lines:
            if out:
                out.append("")
            out.append(f"Headline: {found.product}")
            out += [f"  {line.text(LABEL_WIDTH)}" for line in lines]
    return out


def figure_rows(figures: Sequence[ProductFigures], products: bool) -> list[list[str]]:
    """The figures that moved as table rows: figure (after its product's name when
    ``products``), then, now, difference: the deck's and the PDF's small table."""
    return [
        [f"{found.product}: {line.label}" if products else line.label, *line_cells(line)]
        for found in figures
        for line in changed_lines(found.then, found.now)
    ]


def line_cells(line: FigureLine) -> list[str]:
    return [line.before, line.after, line.difference]


# -- a what-if scenario against the plan -------------------------------------------------------


def comparison_lines(comparison: Comparison) -> list[FigureLine]:
    """The headline figures of the plan and the scenario, worded, with their differences."""
    return figure_lines(comparison.plan, comparison.scenario)


def span_text(span: tuple[dt.date, dt.date]) -> str:
    """An item's dates: "23 Apr 2027 – 3 Nov 2027", or one day for a milestone."""
    start, end = span
    return (
        short_date(start, NONE)
        if start == end
        else f"{short_date(start, NONE)} – {short_date(end, NONE)}"
    )


def moved_text(plan: tuple[dt.date, dt.date], scenario: tuple[dt.date, dt.date]) -> str:
    """How a moved item moved: "end +21 days", "start -3 days; end +4 days"."""
    parts = []
    for what, before, after in (("start", plan[0], scenario[0]), ("end", plan[1], scenario[1])):
        days = (after - before).days
        if days:
            parts.append(f"{what} {days_difference(days)}")
    return "; ".join(parts) or SAME


@dataclass(frozen=True)
class ItemLine:
    group: str  # "Moved", "Added" or "Removed"
    name: str
    plan: str
    scenario: str
    difference: str


def item_lines(comparison: Comparison) -> list[ItemLine]:
    """The items the scenario moves, adds and removes, in that order."""
    lines = [
        ItemLine("Moved", name, span_text(before), span_text(after), moved_text(before, after))
        for _id, name, before, after in comparison.moved
    ]
    lines += [ItemLine("Added", name, NONE, "added", "") for name in comparison.added]
    lines += [ItemLine("Removed", name, "", "removed", "") for name in comparison.removed]
    return lines
