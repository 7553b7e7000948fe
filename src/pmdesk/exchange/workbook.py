"""Excel workbooks a person can sort, filter and recalculate.

``export_workbook(workspace, output, product_id=...)`` writes one sheet per table
(roadmap items, lanes, dependencies, requirements with their RICE parts,
stakeholders, launch tasks, metric values, competitors, feedback, risks, deals)
with a readable header row, TYPED cells (dates are Excel dates shown
yyyy-mm-dd, numbers are numbers, percentages are fractions shown as 0 %, money
carries its currency's format, yes/no are booleans), a frozen header row, an
autofilter and column widths from the content (capped). With a product, its
rows; without, every product's rows with a Product column. Each product with a
business case gets a sheet whose cash flows are live formulas over its driver
cells (:mod:`.workbook_finance`). An "About" sheet, last, says what the
workbook holds and lists any text Excel could not hold whole.

No user text is ever a formula: every text cell is written with XlsxWriter's
``write_string`` (a shared string), never ``write``, so "=HYPERLINK(…)", "+1" or
"@SUM(A1)" are shown as typed. Excel holds at most 32,767 characters in a cell:
a longer text keeps its first 32,767 characters, the cell gets a comment saying
how long the whole text is, and the About sheet lists the cell.

The file appears only when complete (written beside the target and renamed),
so a cancelled or failed export leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from pmdesk.core.palette import DOCUMENT_COLOURS
from pmdesk.core.pricing import SYMBOLS, minor_units
from pmdesk.core.scoring import rice_or_none
from pmdesk.exchange.output import Progress, write_atomically
from pmdesk.store.models import (
    Competitor,
    Dependency,
    Feedback,
    Lane,
    Launch,
    LaunchTask,
    Metric,
    MetricValue,
    Product,
    ProductCompetitor,
    Requirement,
    RoadmapItem,
    Stakeholder,
    WinLoss,
)
from pmdesk.store.models.portfolio import Risk, WorkspaceInfo
from pmdesk.store.workspace import Workspace

__all__ = [
    "CELL_TEXT_MAX",
    "Column",
    "Styles",
    "cut_to_cell",
    "export_workbook",
    "money_format",
    "sheet_title",
    "utf16_length",
]

#: The most characters an Excel cell holds (UTF-16 units: an emoji counts twice).
CELL_TEXT_MAX = 32_767
#: Column widths (in characters) are taken from the content within these bounds.
WIDTH_MIN, WIDTH_MAX = 6, 60
SHEET_NAME_MAX = 31
PRINT_WIDTH = 250  # characters of column width still legible on one landscape page
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
_EXCEL_FIRST_DAY = dt.date(1900, 1, 1)
_INK, _SURFACE, _RULE = (
    DOCUMENT_COLOURS["ink"],
    DOCUMENT_COLOURS["surface"],
    DOCUMENT_COLOURS["rule"],
)
_CHECK_EVERY = 2000  # rows between checks for a cancel


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header and the kind of value its cells hold.

    Kinds: "text", "date", "datetime", "whole", "number", "percent" (a fraction, shown
    0 %), "money" (the workspace's currency), "bool".
    """

    header: str
    kind: str = "text"


@dataclass(frozen=True)
class As:
    """A cell typed other than its column (a metric in % among plain numbers)."""

    kind: str
    value: Any


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: Sequence[Sequence[Any]]
    empty: str  # what the sheet says when there are no rows


def utf16_length(text: str) -> int:
    """How many UTF-16 units ``text`` takes: what Excel's cell limit counts (an emoji is 2)."""
    return len(text.encode("utf-16-le")) // 2


def cut_to_cell(text: str) -> str:
    """The longest start of ``text`` an Excel cell holds, never half of an emoji."""
    data = text.encode("utf-16-le")[: CELL_TEXT_MAX * 2]
    if len(data) >= 2 and 0xD800 <= int.from_bytes(data[-2:], "little") <= 0xDBFF:
        data = data[:-2]  # a high surrogate without its partner
    return data.decode("utf-16-le")


def money_format(currency: str) -> str:
    """An Excel number format for amounts of ``currency``: '"€"#,##0.00', '#,##0.00 "SEK"'."""
    digits = minor_units(currency)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    symbol = SYMBOLS.get(currency, "").strip()
    if symbol:
        quoted = '"' + symbol.replace('"', "") + '"'
        return f"{quoted}{number};-{quoted}{number}"
    return f'{number} "{currency}";-{number} "{currency}"'


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unused sheet name made of ``text``: no []:*?/\\, at most 31 characters."""
    base = " ".join(text.translate(_SHEET_FORBIDDEN).split()).strip("'") or "Sheet"
    name, number = base[:SHEET_NAME_MAX], 2
    while name.casefold() in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    taken.add(name.casefold())
    return name


class Styles:
    """The workbook's cell formats, made once (XlsxWriter keeps a format per look)."""

    def __init__(self, book: xlsxwriter.Workbook, currency: str) -> None:
        self.book = book
        self.currency = currency
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.header = self.get(
            bold=True, bg_color=_SURFACE, font_color=_INK, bottom=1, bottom_color=_RULE
        )
        self.text = self.get(valign="top")
        self.date = self.get(num_format="yyyy-mm-dd", valign="top", align="left")
        self.datetime = self.get(num_format="yyyy-mm-dd hh:mm", valign="top", align="left")
        self.whole = self.get(num_format="#,##0", valign="top")
        self.number = self.get(num_format="General", valign="top")
        self.percent = self.get(num_format="0%", valign="top")
        self.money = self.get(num_format=money_format(currency), valign="top")
        self.bool = self.get(valign="top", align="center")
        self.title = self.get(bold=True, font_size=14, font_color=_INK)
        self.muted = self.get(italic=True, font_color=DOCUMENT_COLOURS["muted"])

    def get(self, **properties: Any) -> Any:
        """The format with ``properties`` (made on first use)."""
        key = tuple(sorted(properties.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.book.add_format(properties)
        return found


@dataclass
class _Writer:
    book: xlsxwriter.Workbook
    styles: Styles
    progress: Progress
    cut: list[tuple[str, str, int]] = field(default_factory=list)  # sheet, cell, length

    def text(self, sheet: Worksheet, row: int, col: int, value: str, style: Any = None) -> int:
        """Write ``value`` as text (never a formula); a text too long for Excel is cut with a
        comment saying so. Returns the length written."""
        if len(value) > CELL_TEXT_MAX // 2 and utf16_length(value) > CELL_TEXT_MAX:
            sheet.write_string(row, col, cut_to_cell(value), style)
            cell = xlsxwriter.utility.xl_rowcol_to_cell(row, col)
            sheet.write_comment(
                row,
                col,
                f"Cut to Excel's limit of {CELL_TEXT_MAX:,} characters: the whole text "
                f"({len(value):,} characters) is in pmdesk.",
            )
            self.cut.append((sheet.get_name(), cell, len(value)))
            return WIDTH_MAX
        sheet.write_string(row, col, value, style)
        return len(value)

    def table(self, table: Table) -> None:
        sheet = self.book.add_worksheet(table.title)
        styles = self.styles
        widths = [len(column.header) for column in table.columns]
        for col, column in enumerate(table.columns):
            self.text(sheet, 0, col, column.header, styles.header)
        for number, values in enumerate(table.rows, 1):
            if number % _CHECK_EVERY == 0:
                self.progress.check()
            for col, (column, value) in enumerate(zip(table.columns, values, strict=True)):
                shown = self.cell(sheet, number, col, column.kind, value)
                if shown > widths[col]:
                    widths[col] = shown
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 2, WIDTH_MIN), WIDTH_MAX))
        sheet.freeze_panes(1, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.repeat_rows(0)  # the header on every printed page
        if sum(min(max(w + 2, WIDTH_MIN), WIDTH_MAX) for w in widths) <= PRINT_WIDTH:
            sheet.fit_to_pages(1, 0)
        last = max(len(table.rows), 1)
        sheet.autofilter(0, 0, last, len(table.columns) - 1)
        if not table.rows:
            self.text(sheet, 2, 0, table.empty, styles.muted)

    def cell(self, sheet: Worksheet, row: int, col: int, kind: str, value: Any) -> int:
        """Write one typed cell; returns about how many characters it shows (for widths)."""
        styles = self.styles
        if isinstance(value, As):
            kind, value = value.kind, value.value
        if value is None or value == "":
            return 0
        if kind == "text":
            text = value.label if isinstance(value, Enum) and hasattr(value, "label") else value
            text = str(text)
            self.text(sheet, row, col, text, styles.text)
            return min(max((len(line) for line in text.splitlines()), default=0), WIDTH_MAX)
        if kind == "bool":
            sheet.write_boolean(row, col, bool(value), styles.bool)
            return 5
        if kind in ("date", "datetime"):
            day = value.date() if isinstance(value, dt.datetime) else value
            if isinstance(day, dt.date) and _EXCEL_FIRST_DAY <= day:
                style = styles.datetime if kind == "datetime" else styles.date
                if isinstance(value, dt.datetime):
                    value = value.replace(tzinfo=None)
                sheet.write_datetime(row, col, value, style)
                return 16 if kind == "datetime" else 10
            # Excel has no dates before 1900: the date as text rather than a wrong one.
            return self.text(sheet, row, col, value.isoformat(), styles.text)
        number = float(value)
        if not math.isfinite(number):
            return self.text(sheet, row, col, str(value), styles.text)
        style = {
            "whole": styles.whole,
            "percent": styles.percent,
            "money": styles.money,
        }.get(kind, styles.number)
        sheet.write_number(row, col, number, style)
        if kind == "percent":
            return len(f"{number:.0%}")
        if kind in ("money", "whole"):
            return min(len(f"{number:,.2f}") + 2, 24)
        return min(len(f"{number:g}"), 24)


# -- what goes in the sheets -------------------------------------------------------------


class _Scope:
    """The rows a workbook takes: one product's, or every product's with a Product column."""

    def __init__(self, session: Any, product_id: int | None) -> None:
        self.session = session
        self.product_id = product_id
        query = sa.select(Product).order_by(Product.sort_order, Product.id)
        if product_id is not None:
            query = query.where(Product.id == product_id)
        self.products = list(session.scalars(query))
        self.names = {p.id: p.name for p in self.products}
        self.order = {p.id: n for n, p in enumerate(self.products)}

    @property
    def all(self) -> bool:
        return self.product_id is None

    def columns(self, columns: Iterable[Column]) -> list[Column]:
        return ([Column("Product")] if self.all else []) + list(columns)

    def row(self, product_id: int | None, values: Iterable[Any]) -> list[Any]:
        lead = [self.names.get(product_id, "") if product_id is not None else ""]
        return (lead if self.all else []) + list(values)

    def where(self, query: Any, column: Any) -> Any:
        if self.product_id is not None:
            return query.where(column == self.product_id)
        return query

    def by_product(self, rows: list[Any], product_of: Callable[[Any], int | None]) -> list[Any]:
        """``rows`` grouped in the products' order, each product's rows in their own order."""
        last = len(self.order)
        return sorted(rows, key=lambda r: self.order.get(product_of(r), last))

    def rows_of(self, model: Any, *order: Any, grouped: bool = True) -> list[Any]:
        """The rows of ``model`` (a table with a ``product_id``) in scope, in ``order``;
        ``grouped``: in the products' order first."""
        found = list(
            self.session.scalars(self.where(sa.select(model), model.product_id).order_by(*order))
        )
        return self.by_product(found, lambda r: r.product_id) if grouped else found

    def children_of(self, parents: dict[int, Any], parent_id: Any, *order: Any) -> list[Any]:
        """The rows whose ``parent_id`` column (``LaunchTask.launch_id``) names one of
        ``parents`` (read with :meth:`rows_of`), in ``order``."""
        found = self.session.scalars(sa.select(parent_id.class_).order_by(*order))
        return [row for row in found if getattr(row, parent_id.key) in parents]


def _pairs(session: Any, query: Any) -> dict[Any, Any]:
    """{first column: second column} of ``query``'s rows."""
    return {key: value for key, value in session.execute(query)}


def _label(value: Any) -> str:
    if value is None:
        return ""
    return str(value.label) if hasattr(value, "label") else str(value)


def _products(scope: _Scope) -> Table:
    columns = [
        Column("Name"),
        Column("Tagline"),
        Column("Owner"),
        Column("Type"),
        Column("Segment"),
        Column("Stage"),
        Column("Version"),
        Column("Confidentiality"),
        Column("Flagged for elimination", "bool"),
        Column("Vision"),
        Column("Goals"),
        Column("Created", "datetime"),
    ]
    rows = [
        [
            p.name,
            p.tagline,
            p.owner,
            _label(p.product_type),
            p.segment,
            _label(p.stage),
            p.version_label,
            p.confidentiality,
            p.elimination_flag,
            p.vision,
            p.goals,
            p.created_at,
        ]
        for p in scope.products
    ]
    return Table("Products", columns, rows, "No products yet — add one in the Portfolio view.")


def _lanes(scope: _Scope) -> tuple[Table, dict[int, str]]:
    lanes = scope.rows_of(Lane, Lane.sort_order, Lane.id)
    columns = scope.columns(
        [Column("Lane"), Column("Kind"), Column("Order", "whole"), Column("Collapsed", "bool")]
    )
    rows = [
        scope.row(
            lane.product_id, [lane.name, _label(lane.kind), lane.sort_order + 1, lane.collapsed]
        )
        for lane in lanes
    ]
    table = Table("Lanes", columns, rows, "No lanes yet — add them in the Roadmap view.")
    return table, {lane.id: lane.name for lane in lanes}


def _items(scope: _Scope, lanes: dict[int, str]) -> tuple[Table, dict[int, RoadmapItem]]:
    items = scope.rows_of(RoadmapItem, RoadmapItem.sort_order, RoadmapItem.id, grouped=False)
    by_id = {item.id: item for item in items}
    lane_order = {lane_id: n for n, lane_id in enumerate(lanes)}
    items.sort(key=lambda i: (scope.order.get(i.product_id, 0), lane_order.get(i.lane_id, 0)))
    columns = scope.columns(
        [
            Column("Lane"),
            Column("Name"),
            Column("Kind"),
            Column("Start", "date"),
            Column("End", "date"),
            Column("Progress", "percent"),
            Column("Status"),
            Column("Now/next/later"),
            Column("Part of"),
            Column("Notes"),
        ]
    )
    rows = [
        scope.row(
            item.product_id,
            [
                lanes.get(item.lane_id, ""),
                item.name,
                _label(item.kind),
                item.start_date,
                item.end_date,
                item.progress / 100,
                _label(item.status),
                _label(item.horizon),
                by_id[item.parent_id].name if item.parent_id in by_id else "",
                item.notes,
            ],
        )
        for item in items
    ]
    table = Table(
        "Roadmap items", columns, rows, "No roadmap items yet — add them in the Roadmap view."
    )
    return table, by_id


def _dependencies(scope: _Scope, items: dict[int, RoadmapItem]) -> Table:
    links = list(scope.session.scalars(sa.select(Dependency).order_by(Dependency.id)))
    links = [d for d in links if d.predecessor_id in items and d.successor_id in items]
    links = scope.by_product(links, lambda d: items[d.successor_id].product_id)
    columns = scope.columns(
        [
            Column("Predecessor"),
            Column("Successor"),
            Column("Type"),
            Column("Lag", "whole"),
            Column("Lag unit"),
            Column("Elapsed time", "bool"),
            Column("Predecessor ends", "date"),
            Column("Successor starts", "date"),
        ]
    )
    rows = []
    for link in links:
        before, after = items[link.predecessor_id], items[link.successor_id]
        lag = link.lag_exact if link.lag_exact is not None else link.lag_days
        rows.append(
            scope.row(
                after.product_id,
                [
                    before.name,
                    after.name,
                    _label(link.type),
                    lag,
                    _label(link.lag_unit),
                    link.lag_elapsed,
                    before.end_date,
                    after.start_date,
                ],
            )
        )
    return Table(
        "Dependencies", columns, rows, "No dependencies yet — link items in the Roadmap view."
    )


def _requirements(scope: _Scope) -> Table:
    found = scope.rows_of(Requirement, Requirement.sort_order, Requirement.id)
    columns = scope.columns(
        [
            Column("Reference"),
            Column("Title"),
            Column("Kind"),
            Column("MoSCoW"),
            Column("Reach", "number"),
            Column("Impact", "number"),
            Column("Confidence", "percent"),
            Column("Effort", "number"),
            Column("RICE score", "number"),
            Column("Status"),
            Column("Source"),
            Column("As a"),
            Column("I want"),
            Column("So that"),
            Column("Description"),
            Column("Acceptance criteria"),
            Column("Created", "datetime"),
        ]
    )
    rows = []
    for r in found:
        score = rice_or_none(r.reach, r.impact, r.confidence, r.effort)
        criteria = "\n".join(str(c) for c in (r.acceptance_criteria or []))
        rows.append(
            scope.row(
                r.product_id,
                [
                    r.ref,
                    r.title,
                    _label(r.kind),
                    _label(r.moscow),
                    r.reach,
                    r.impact,
                    r.confidence / 100,
                    r.effort,
                    score.score if score is not None else None,
                    _label(r.status),
                    _label(r.source),
                    r.story_role,
                    r.story_goal,
                    r.story_benefit,
                    r.description,
                    criteria,
                    r.created_at,
                ],
            )
        )
    return Table(
        "Requirements", columns, rows, "No requirements yet — add them in the Requirements view."
    )


def _stakeholders(scope: _Scope) -> Table:
    people = scope.rows_of(Stakeholder, Stakeholder.id)
    columns = scope.columns(
        [
            Column("Name"),
            Column("Role"),
            Column("Organisation"),
            Column("Department"),
            Column("Email"),
            Column("Phone"),
            Column("Attitude"),
            Column("Power", "number"),
            Column("Interest", "number"),
            Column("Importance", "whole"),
            Column("Channel"),
            Column("Contact frequency"),
            Column("Contact owner"),
            Column("Last contact", "date"),
            Column("Next contact", "date"),
            Column("Notes"),
        ]
    )
    rows = [
        scope.row(
            s.product_id,
            [
                s.name,
                s.role,
                s.organisation,
                s.department,
                s.email,
                s.phone,
                _label(s.attitude),
                s.power,
                s.interest,
                s.importance,
                s.comm_channel,
                _label(s.comm_frequency),
                s.comm_owner,
                s.last_contact,
                s.next_contact,
                s.notes,
            ],
        )
        for s in people
    ]
    return Table(
        "Stakeholders", columns, rows, "No stakeholders yet — add them in the Stakeholders view."
    )


def _launch_tasks(scope: _Scope) -> Table:
    launches = {launch.id: launch for launch in scope.rows_of(Launch, Launch.id, grouped=False)}
    tasks = scope.children_of(
        launches, LaunchTask.launch_id, LaunchTask.launch_id, LaunchTask.position, LaunchTask.id
    )
    tasks = scope.by_product(tasks, lambda t: launches[t.launch_id].product_id)
    owners = _pairs(scope.session, sa.select(Stakeholder.id, Stakeholder.name))
    columns = scope.columns(
        [
            Column("Launch"),
            Column("Launch date", "date"),
            Column("Function"),
            Column("Task"),
            Column("Owner"),
            Column("Due", "date"),
            Column("Days from launch", "whole"),
            Column("Status"),
            Column("Notes"),
        ]
    )
    rows = []
    for task in tasks:
        launch = launches[task.launch_id]
        due = task.due_date
        if due is None and task.due_offset_days is not None:
            try:
                due = launch.launch_date + dt.timedelta(days=task.due_offset_days)
            except OverflowError:
                due = None
        rows.append(
            scope.row(
                launch.product_id,
                [
                    launch.name,
                    launch.launch_date,
                    _label(task.function),
                    task.title,
                    owners.get(task.owner_id, "") if task.owner_id is not None else "",
                    due,
                    task.due_offset_days,
                    _label(task.status),
                    task.notes,
                ],
            )
        )
    return Table(
        "Launch tasks", columns, rows, "No launch tasks yet — plan them in the Launch view."
    )


def _metrics(scope: _Scope) -> Table:
    metrics = {m.id: m for m in scope.rows_of(Metric, Metric.sort_order, Metric.id, grouped=False)}
    values = scope.children_of(
        metrics, MetricValue.metric_id, MetricValue.metric_id, MetricValue.period
    )
    position = {metric_id: n for n, metric_id in enumerate(metrics)}
    values.sort(
        key=lambda v: (scope.order.get(metrics[v.metric_id].product_id, 0), position[v.metric_id])
    )
    columns = scope.columns(
        [
            Column("Metric"),
            Column("Kind"),
            Column("Unit"),
            Column("Period", "date"),
            Column("Value", "number"),
            Column("Target", "number"),
        ]
    )
    rows = []
    for v in values:
        metric = metrics[v.metric_id]
        target = v.target if v.target is not None else metric.target
        percent = metric.unit.strip() == "%"
        rows.append(
            scope.row(
                metric.product_id,
                [
                    metric.name,
                    _label(metric.kind),
                    metric.unit,
                    v.period,
                    As("percent", v.value / 100) if percent else v.value,
                    As("percent", target / 100) if percent and target is not None else target,
                ],
            )
        )
    return Table(
        "Metrics", columns, rows, "No metric values yet — record them in the Performance view."
    )


def _competitors(scope: _Scope) -> Table:
    links = list(scope.session.execute(sa.select(ProductCompetitor)).scalars())
    serving: dict[int, list[int]] = {}
    for link in links:
        serving.setdefault(link.competitor_id, []).append(link.product_id)
    found = list(scope.session.scalars(sa.select(Competitor).order_by(Competitor.name)))
    if not scope.all:
        found = [c for c in found if scope.product_id in serving.get(c.id, [])]
    all_names = _pairs(scope.session, sa.select(Product.id, Product.name))
    columns = [
        Column("Name"),
        Column("Website"),
        Column("Segment"),
        Column("Market share", "percent"),
        Column("Price index", "whole"),
        Column("Market overlap", "whole"),
        Column("Product strength", "whole"),
        Column("Momentum", "whole"),
        Column("Price pressure", "whole"),
        Column("Positioning"),
        Column("Pricing"),
        Column("Strengths"),
        Column("Weaknesses"),
        Column("Recent moves"),
        Column("Notes"),
    ]
    if scope.all:
        columns.insert(1, Column("Competes with"))
    rows = []
    for c in found:
        row: list[Any] = [
            c.name,
            c.website,
            c.segment,
            c.market_share,
            c.price_index,
            c.market_overlap,
            c.product_strength,
            c.momentum,
            c.price_pressure,
            c.positioning,
            c.pricing,
            c.strengths,
            c.weaknesses,
            c.recent_moves,
            c.notes,
        ]
        if scope.all:
            names = sorted(all_names.get(pid, "") for pid in serving.get(c.id, []))
            row.insert(1, ", ".join(names))
        rows.append(row)
    return Table("Competitors", columns, rows, "No competitors yet — add them in the Market view.")


def _feedback(scope: _Scope) -> Table:
    found = scope.rows_of(Feedback, Feedback.date, Feedback.id)
    columns = scope.columns(
        [
            Column("Date", "date"),
            Column("Quote or request"),
            Column("Customer"),
            Column("Contact"),
            Column("Source"),
            Column("Revenue", "money"),
            Column("Segment"),
            Column("Importance"),
            Column("Status"),
            Column("Archive reason"),
        ]
    )
    rows = [
        scope.row(
            f.product_id,
            [
                f.date,
                f.text,
                f.customer,
                f.contact,
                _label(f.source),
                f.revenue,
                f.segment,
                _label(f.importance),
                _label(f.status),
                f.archive_reason,
            ],
        )
        for f in found
    ]
    return Table("Feedback", columns, rows, "No feedback yet — add it in the Market view.")


def _risks(scope: _Scope) -> Table:
    found = scope.rows_of(Risk, Risk.id)
    columns = scope.columns(
        [
            Column("Risk"),
            Column("Likelihood", "whole"),
            Column("Impact", "whole"),
            Column("Exposure", "whole"),
            Column("Owner"),
            Column("Status"),
            Column("Mitigation"),
            Column("Description"),
        ]
    )
    rows = [
        scope.row(
            r.product_id,
            [
                r.title,
                r.likelihood,
                r.impact,
                r.likelihood * r.impact,
                r.owner,
                _label(r.status),
                r.mitigation,
                r.description,
            ],
        )
        for r in found
    ]
    return Table("Risks", columns, rows, "No risks yet — add them in the Portfolio view.")


def _deals(scope: _Scope) -> Table:
    found = scope.rows_of(WinLoss, WinLoss.date, WinLoss.id)
    rivals = _pairs(scope.session, sa.select(Competitor.id, Competitor.name))
    columns = scope.columns(
        [
            Column("Date", "date"),
            Column("Deal"),
            Column("Competitor"),
            Column("Outcome"),
            Column("Value", "money"),
            Column("Reason"),
        ]
    )
    rows = [
        scope.row(
            d.product_id,
            [
                d.date,
                d.deal,
                rivals.get(d.competitor_id, ""),
                _label(d.outcome),
                d.value,
                d.reason,
            ],
        )
        for d in found
    ]
    return Table(
        "Wins and losses", columns, rows, "No deals recorded yet — log them in the Market view."
    )


def _tables(scope: _Scope, progress: Progress) -> list[Table]:
    """Every table sheet, in the order a person meets them in the app."""
    lanes_table, lanes = _lanes(scope)
    items_table, items = _items(scope, lanes)
    progress.step()
    tables = [_products(scope), items_table, lanes_table, _dependencies(scope, items)]
    progress.step()
    for make in (
        _requirements,
        _stakeholders,
        _launch_tasks,
        _metrics,
        _competitors,
        _feedback,
        _risks,
        _deals,
    ):
        tables.append(make(scope))
        progress.step()
    return tables


# -- the workbook ------------------------------------------------------------------------


def export_workbook(
    ws: Workspace,
    output: Path | str,
    *,
    product_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the workbook of one product (``product_id``) or of every product to ``output``.

    Raises ExportCancelled when ``cancelled()`` turns true, PmdeskError when the file
    cannot be written or the product does not exist; either way no file is left at
    ``output``.
    """
    from pmdesk.store.services import PortfolioService

    from .workbook_finance import CaseSheet, load_cases

    tracker = Progress(progress, cancelled)
    if product_id is not None:
        ws.service(PortfolioService).products.get(product_id)  # NotFoundError if none
    tracker.expect(14)
    tracker.check()
    with ws.read() as session:
        info = session.scalar(sa.select(WorkspaceInfo).limit(1))
        currency = info.currency if info is not None and info.currency else "EUR"
        workspace_name = info.name if info is not None else ""
        scope = _Scope(session, product_id)
        tables = _tables(scope, tracker)
        product_ids = [p.id for p in scope.products]
    cases = load_cases(ws, product_ids)
    tracker.expect(len(cases) + len(tables))

    def write(temp: Path) -> None:
        book = xlsxwriter.Workbook(
            str(temp),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        try:
            styles = Styles(book, currency)
            writer = _Writer(book, styles, tracker)
            taken: set[str] = set()
            for table in tables:
                table.title = sheet_title(table.title, taken)
                writer.table(table)
                tracker.step()
            for case in cases:
                CaseSheet(writer, case, sheet_title(f"Business case – {case.name}", taken)).write()
                tracker.step()
            _about(writer, sheet_title("About", taken), workspace_name, scope, tables, cases)
            book.set_properties(
                {"title": f"{workspace_name or 'pmdesk'} — workbook", "comments": "pmdesk"}
            )
        finally:
            book.close()
        tracker.check()

    write_atomically(output, write)
    tracker.finish()
    return Path(output)


def _about(
    writer: _Writer,
    title: str,
    workspace_name: str,
    scope: _Scope,
    tables: list[Table],
    cases: Sequence[Any],
) -> None:
    """The last sheet: what the workbook holds, how its business cases work, what was cut."""
    sheet = writer.book.add_worksheet(title)
    styles = writer.styles
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 90)
    sheet.set_paper(9)  # A4, as wide as one page
    sheet.fit_to_pages(1, 0)
    wrapped = styles.get(text_wrap=True, valign="top")
    writer.text(sheet, 0, 0, workspace_name or "pmdesk workbook", styles.title)
    scope_text = (
        f"Product: {scope.products[0].name}"
        if not scope.all and scope.products
        else "Every product (the Product column says whose each row is)"
    )
    lines: list[tuple[str, str]] = [
        ("Exported", dt.date.today().isoformat()),
        ("Rows of", scope_text),
        ("", ""),
        ("Sheet", "Rows"),
    ]
    lines += [(t.title, f"{len(t.rows):,}") for t in tables]
    for case in cases:
        lines.append((case.title, "the business case, its cash flows computed by formulas"))
    lines += [
        ("", ""),
        (
            "Business cases",
            "Blue cells are the drivers. Change one and the cash flows, NPV, IRR and payback "
            "recalculate: they are formulas, as pmdesk computes them.",
        ),
        (
            "Text",
            "Every text is written as text, never as a formula: a cell that starts with = + - "
            "or @ shows exactly what was typed.",
        ),
        (
            "Long text",
            f"Excel holds at most {CELL_TEXT_MAX:,} characters in a cell. A longer text keeps "
            "its first characters, the cell has a comment giving the full length, and it is "
            "listed below; the whole text stays in pmdesk.",
        ),
    ]
    row = 2
    for left, right in lines:
        style = styles.header if left == "Sheet" else None
        if left:
            writer.text(sheet, row, 0, left, style or styles.text)
        if right:
            writer.text(sheet, row, 1, right, style or wrapped)
            wraps = -(-len(right) // 85)  # the column holds about 85 characters a line
            if wraps > 1:
                sheet.set_row(row, 15 * wraps)
        row += 1
    row += 1
    if writer.cut:
        writer.text(sheet, row, 0, "Cut texts", styles.header)
        writer.text(sheet, row, 1, "Cell and full length", styles.header)
        for sheet_name, cell, length in writer.cut:
            row += 1
            writer.text(sheet, row, 0, sheet_name)
            writer.text(sheet, row, 1, f"{cell}: {length:,} characters, cut to {CELL_TEXT_MAX:,}")
    else:
        writer.text(sheet, row, 0, "Cut texts")
        writer.text(sheet, row, 1, "None: every text is whole.")
