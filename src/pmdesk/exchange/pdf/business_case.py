"""The business case as a sign-off document: the decision asked and the figures behind it.

A one-page summary (the decision, key figures per scenario side by side, the
cash-flow chart with its cumulative line and break-even), then the
assumptions, the cash flow by period, the sensitivity of the net present
value, pricing and margins, and the sign-off block with every signed version.
Every figure comes from ``core.finance`` and ``core.pricing`` — the numbers
the Business case view shows — and the charts are drawn with reportlab shapes.
A case changed since its last signature (or never signed) is marked
"Draft — not signed off" on its first page and in the page header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect
from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Table

from pmdesk.core.finance import (
    DRIVERS,
    BusinessCase,
    CaseSettings,
    Period,
    PricingModel,
    ScenarioResult,
    TornadoBar,
    evaluate_all,
    sensitivity,
)
from pmdesk.core.finance_wording import (
    count_text,
    period_label,
    period_noun,
    periods_text,
    unit_text,
    value_text,
)
from pmdesk.core.pricing import (
    WATERFALL_LABELS,
    PricePoint,
    Waterfall,
    format_money,
    format_rate,
    waterfall,
)
from pmdesk.core.wording import long_date, plural, short_date
from pmdesk.store.models import GateReview
from pmdesk.store.services import LifecycleService
from pmdesk.store.services.finance import CaseDetails, FinanceService, VersionRow

from .charts import legend_row, nice_ticks
from .components import PagedTable, Plain, Tile, key_values, layout, note, spacer, table, tiles
from .fonts import string_width
from .job import Document, Job
from .markup import Span, para, spans
from .template import BODY, WIDE, Heading, Numbering
from .textdraw import text_shapes, wrap_lines
from .theme import (
    ACCENT,
    BAD,
    GOOD,
    HAIRLINE,
    INK,
    MUTED,
    PALETTE,
    PRIMARY,
    RULE,
    WARN,
    WHITE,
    Styles,
    lighten,
)

LABEL = "Business case"
SECTIONS = {
    "summary": "Summary",
    "assumptions": "Assumptions",
    "cashflow": "Cash flow by period",
    "sensitivity": "Sensitivity",
    "pricing": "Pricing and margin",
    "signoff": "Sign-off",
}
DRAFT = "Draft — not signed off"
NOT_REACHED = "not reached"  # a payback or break-even beyond the horizon (as on screen)
SENSITIVITY = Decimal("0.2")  # each driver moved 20 % down and up
RATE_SHOWN_MAX = Decimal(10) ** 6  # 100,000,000 %
# The waterfall's bars that stand on the axis (the others float: deductions).
WATERFALL_TOTALS = frozenset(WATERFALL_LABELS[i] for i in (0, 3, 5))


# -- what the document is about -----------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """A product's business case with its figures, its signed versions and its status."""

    details: CaseDetails
    results: tuple[ScenarioResult, ...]
    signed: VersionRow | None  # the latest signed version
    signed_case: BusinessCase | None  # what that version froze
    draft: bool  # never signed, or changed since the latest signature
    decision: ScenarioResult  # the scenario asked for (or approved)
    gates: Mapping[int, GateReview]  # the gate reviews the versions were signed at

    @property
    def settings(self) -> CaseSettings:
        return self.details.settings

    @property
    def currency(self) -> str:
        return self.details.settings.currency

    @property
    def case(self) -> BusinessCase:
        return self.details.case


S = TypeVar("S")


class HasServices(Protocol):
    """What :func:`case_facts` reads through: a PDF's job or a deck's."""

    def service(self, cls: type[S]) -> S: ...


def case_facts(job: HasServices, product_id: int) -> CaseFacts | None:
    """The product's case and everything the documents say about it; None without a case."""
    finance = job.service(FinanceService)
    details = finance.case_details(product_id)
    if details is None:
        return None
    results = evaluate_all(details.case)
    signed = finance.signed_case(product_id)
    version, frozen = signed if signed is not None else (None, None)
    draft = frozen is None or frozen != details.case
    wanted = version.scenario if version is not None else "Base"
    decision = next(
        (r for r in results if r.name == wanted),
        next((r for r in results if r.name == "Base"), results[0]),
    )
    gates = {g.id: g for g in job.service(LifecycleService).gates_of(product_id)}
    return CaseFacts(details, results, version, frozen, draft, decision, gates)


# -- wording of figures -------------------------------------------------------------------------


def money(value: Decimal | None, currency: str, *, compact: bool = False) -> str:
    """An amount as a price reads: to the cent ("€19.90")."""
    return "—" if value is None else format_money(value, currency, compact=compact)


def whole(value: Decimal | None, currency: str) -> str:
    """A total, an NPV or a funding need: to the whole unit ("€13,083,543")."""
    return "—" if value is None else format_money(value, currency, whole=True)


def rate(value: Decimal) -> str:
    """A computed rate (an IRR, a return, a margin): "12.5 %", or "over 100,000,000 %" for
    the astronomical ones a tiny investment gives, which are no use to read in full."""
    if abs(value) >= RATE_SHOWN_MAX:
        return f"{'under −' if value < 0 else 'over '}{format_rate(RATE_SHOWN_MAX)}"
    return format_rate(value)


def _irr(result: ScenarioResult) -> str:
    annual = result.figures.irr.annual
    return "no IRR" if annual is None else f"{rate(annual)} a year"


def _break_even(result: ScenarioResult, settings: CaseSettings) -> str:
    index = result.figures.break_even_period
    if index is None:
        return NOT_REACHED
    return period_label(settings.period, result.rows[index].start, index)


def _roi(result: ScenarioResult) -> str:
    roi = result.figures.roi
    return "no investment" if roi is None else rate(roi)


def figure_lines(settings: CaseSettings) -> list[tuple[str, Callable[[ScenarioResult], str]]]:
    """The key figures of a scenario, as the summary and the specification list them."""
    currency = settings.currency
    return [
        ("Net present value", lambda r: whole(r.figures.npv, currency)),
        ("Internal rate of return", _irr),
        ("Payback", lambda r: periods_text(r.figures.payback_period, settings.period).text),
        (
            "Discounted payback",
            lambda r: periods_text(r.figures.discounted_payback_period, settings.period).text,
        ),
        ("Return on investment", _roi),
        ("Break-even", lambda r: _break_even(r, settings)),
        ("Peak funding need", lambda r: whole(r.figures.peak_funding, currency)),
        ("Total revenue", lambda r: whole(r.figures.total_revenue, currency)),
    ]


SCENARIO_COLUMNS = 4  # scenarios side by side in one table; more go in a table below


def figures_table(facts: CaseFacts, width: float) -> list[Flowable]:
    """Key figures with the scenarios side by side, the one asked for in bold; more than
    four scenarios continue in a second table, so no figure is squeezed onto two lines."""
    out: list[Flowable] = []
    results = facts.results
    for first in range(0, len(results), SCENARIO_COLUMNS):
        group = results[first : first + SCENARIO_COLUMNS]
        rows = []
        for label, value in figure_lines(facts.settings):
            rows.append(
                [Plain(label, bold=True)]
                + [
                    Plain(value(r), align="RIGHT", bold=r.name == facts.decision.name)
                    for r in group
                ]
            )
        header = ["Figure"] + [
            f"{r.name} (asked)" if r.name == facts.decision.name and facts.draft else r.name
            for r in group
        ]
        share = 0.7 / max(3, len(group))
        figures = table(
            header,
            rows,
            [1 - share * len(group)] + [share] * len(group),
            total_width=width,
            align=["LEFT"] + ["RIGHT"] * len(group),
        )
        _tighten(figures)
        out += [spacer(6), figures] if out else [figures]
    return out


def irr_notes(facts: CaseFacts) -> list[str]:
    """What a missing or ambiguous IRR means, once for the scenarios that share a reason."""
    by_note: dict[str, list[str]] = {}
    for result in facts.results:
        if result.figures.irr.note:
            by_note.setdefault(result.figures.irr.note, []).append(result.name)
    return [f"{', '.join(names)}: {text}" for text, names in by_note.items()]


def status_line(facts: CaseFacts) -> str:
    """One sentence: signed (by whom, when, which scenario, at which gate) or a draft."""
    version = facts.signed
    if version is None:
        return f"{DRAFT}: no version of this business case has been signed yet."
    signed = (
        f"version {version.version}, signed by {version.signed_by or 'an unnamed approver'} "
        f"on {long_date(version.signed_on)} ({version.scenario} scenario"
    )
    gate = facts.gates.get(version.gate_review_id) if version.gate_review_id else None
    signed += f", at the {gate_name(gate)})" if gate is not None else ")"
    if facts.draft:
        return f"{DRAFT}: the case has changed since the last signed {signed}."
    return f"Signed off: {signed}."


def gate_name(gate: GateReview) -> str:
    return f"{gate.stage.label} gate review of {short_date(gate.decided_on)}"


# -- the document -------------------------------------------------------------------------------


def make(job: Job) -> Document:
    info = job.describe(LABEL)
    product = job.subject
    options = job.options
    facts = case_facts(job, product.id)
    job.progress.step()
    info.keywords = f"pmdesk, {LABEL}, {product.name}"
    if facts is None:
        return Document(
            [
                Heading(f"{product.name} — business case", 0, style=Styles.title),
                note(
                    f"{product.name} has no business case yet: add one in the Business case "
                    "view, then export this document for sign-off."
                ),
            ]
        )
    if facts.draft:
        info.kind_label = f"{LABEL} · {DRAFT}"
    wanted = [key for key in SECTIONS if options.wants(key)]
    # The cash flow needs landscape pages; a document that starts with it is landscape.
    wide_start = wanted[:1] == ["cashflow"]
    if wide_start:
        job.page = options.page_size("", "landscape")
    numbering = Numbering()
    builders: dict[str, Callable[[], list[Flowable]]] = {
        "summary": lambda: _summary(job, facts),
        "assumptions": lambda: _assumptions(job, facts, numbering),
        "cashflow": lambda: _cash_flow(job, facts, numbering, turn=not wide_start),
        "sensitivity": lambda: _sensitivity(job, facts, numbering),
        "pricing": lambda: _pricing(job, facts, numbering),
        "signoff": lambda: _signoff(job, facts, numbering),
    }
    story: list[Flowable] = []
    for key in wanted:
        part = builders[key]()
        if story and key == "assumptions":  # the summary is a page of its own
            story.append(PageBreak())
        story += part
        job.progress.step()
    while story and isinstance(story[-1], PageBreak | NextPageTemplate):
        story.pop()  # no empty page at the end
    if not story:
        story.append(note("No section of the business case was chosen."))
    return Document(story, page=job.page)


def _summary(job: Job, facts: CaseFacts) -> list[Flowable]:
    product = job.subject
    settings = facts.settings
    decision = facts.decision
    figures = decision.figures
    out: list[Flowable] = [
        Heading(f"{product.name} — business case", 0, style=Styles.title),
        para(_plan_sentence(facts), Styles.subtitle),
        _status_banner(facts, job.width),
        spacer(10),
        Heading("The decision asked", 1, contents=False, style=Styles.h3),
        para(_decision_sentence(facts), Styles.body),
    ]
    npv_colour = GOOD if figures.npv >= 0 else BAD
    out += [
        tiles(
            [
                Tile(
                    "Net present value",
                    money(figures.npv, facts.currency, compact=True),
                    f"{decision.name}, at {format_rate(facts.case.drivers['discount_rate'])}"
                    " a year",
                    npv_colour,
                ),
                Tile(
                    "IRR",
                    _irr(decision).replace(" a year", ""),
                    "a year" if figures.irr.annual is not None else "no rate makes the NPV zero",
                ),
                Tile(
                    "Payback",
                    periods_text(figures.payback_period, settings.period).text,
                    f"discounted: {periods_text(figures.discounted_payback_period, settings.period).text}",
                ),
                Tile(
                    "Peak funding",
                    money(figures.peak_funding, facts.currency, compact=True),
                    "the deepest the cumulative cash goes",
                    WARN if figures.peak_funding > 0 else PRIMARY,
                ),
            ],
            job.width,
        ),
        spacer(10),
        Heading("Key figures by scenario", 1, contents=False, style=Styles.h3),
    ]
    notes = [para("  ·  ".join(text), Styles.caption) for text in [irr_notes(facts)] if text]
    chart = FitChart(lambda w, h: cash_flow_chart(facts, w, h), 120, 250)
    if job.page[0] <= job.page[1]:  # portrait: the figures, then the chart below
        return out + [*figures_table(facts, job.width), *notes, spacer(8), chart]
    # landscape: the figures and the chart side by side, so the summary stays one page
    left = job.width * 0.55
    table_side = [*figures_table(facts, left - 12), *notes]
    chart_side = cash_flow_chart(facts, job.width - left, 180)
    return out + [layout([[table_side, chart_side]], [left, job.width - left])]


class FitChart(Flowable):
    """A chart as tall as the room left on the page, between ``low`` and ``high`` points:
    the summary's cash-flow chart fills its page on A4 and Letter alike."""

    def __init__(self, draw: Callable[[float, float], Drawing], low: float, high: float) -> None:
        super().__init__()
        self.make = draw
        self.low, self.high = low, high
        self._drawing: Drawing | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        height = max(self.low, min(self.high, avail_height - 1))
        if self._drawing is None or (self._drawing.width, self._drawing.height) != (
            avail_width,
            height,
        ):
            self._drawing = self.make(avail_width, height)
        self.width, self.height = avail_width, height
        return avail_width, height

    def draw(self) -> None:
        assert self._drawing is not None  # wrapped before drawn
        self._drawing.drawOn(self.canv, 0, 0)


def _plan_sentence(facts: CaseFacts) -> str:
    settings = facts.settings
    model = "subscriptions" if settings.pricing_model is PricingModel.SUBSCRIPTION else "unit sales"
    noun = period_noun(settings.period)
    return (
        f"{noun.capitalize()}ly plan over {plural(settings.horizon, noun)} from "
        f"{long_date(settings.start)} · {settings.currency} · {model} · "
        f"{plural(len(facts.results), 'scenario')}"
    )


def _decision_sentence(facts: CaseFacts) -> str:
    drivers = facts.case.drivers
    currency = facts.currency
    parts = [
        (label, drivers[key])
        for key, label in (
            ("investment_development", "development"),
            ("investment_tooling", "tooling"),
            ("investment_launch", "launch"),
        )
        if drivers[key]
    ]
    total = sum((value for _label, value in parts), Decimal(0))
    figures = facts.decision.figures
    breakdown = ", ".join(f"{label} {whole(value, currency)}" for label, value in parts)
    invest = (
        f"an investment of {whole(total, currency)} ({breakdown})"
        if parts
        else "a case with no up-front investment"
    )
    verb = "Approve" if facts.draft else "Approved:"
    payback = figures.payback_period
    back = (
        f"pays back in {periods_text(payback, facts.settings.period).text}"
        if payback is not None
        else "does not pay back within the horizon"
    )
    return (
        f"{verb} {invest} in {facts.details.product_name} on the {facts.decision.name} scenario: "
        f"net present value {whole(figures.npv, currency)} at a "
        f"{format_rate(drivers['discount_rate'])} discount rate; it {back} and needs at most "
        f"{whole(figures.peak_funding, currency)} of funding."
    )


def _status_banner(facts: CaseFacts, width: float) -> Table:
    colour = WARN if facts.draft else GOOD
    title = DRAFT.upper() if facts.draft else "SIGNED OFF"
    text = status_line(facts).split(": ", 1)[1]
    content = [
        spans(Styles.h3, [Span(title, bold=True, colour=colour)]),
        para(text[:1].upper() + text[1:], Styles.small_ink),
    ]
    return layout(
        [[content]],
        [width],
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), lighten(colour, 0.88)),
            ("LINEBEFORE", (0, 0), (0, -1), 3, colour),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ],
    )


# -- assumptions --------------------------------------------------------------------------------


def _assumptions(job: Job, facts: CaseFacts, numbering: Numbering) -> list[Flowable]:
    settings = facts.settings
    details = facts.details
    out: list[Flowable] = [numbering.heading(SECTIONS["assumptions"])]
    build_up = facts.case.unit_cost_from_build_up
    out.append(
        key_values(
            [
                ("Currency", Plain(settings.currency)),
                ("Periods", Plain(f"{period_noun(settings.period).capitalize()}s")),
                ("Horizon", Plain(plural(settings.horizon, period_noun(settings.period)))),
                ("First period starts", Plain(long_date(settings.start))),
                ("Pricing", Plain(settings.pricing_model.label)),
                (
                    "Unit cost",
                    Plain(
                        f"from the cost build-up ({money(build_up, settings.currency)})"
                        if build_up is not None
                        else "the unit cost driver"
                    ),
                ),
            ],
            job.width,
        )
    )
    out.append(numbering.sub("Drivers"))
    rows = []
    for spec in DRIVERS:
        value = facts.case.drivers[spec.key]
        shown = value_text(spec, value, settings.currency)
        if spec.key == "unit_cost" and build_up is not None:
            shown = value_text(spec, build_up, settings.currency)
        if spec.key == "churn" and settings.pricing_model is not PricingModel.SUBSCRIPTION:
            shown += " (not used)"
        rows.append(
            [
                [para(spec.label, Styles.cell_bold), para(spec.help, Styles.cell_muted)],
                Plain(shown, align="RIGHT"),
                Plain(unit_text(spec, settings)),
                details.notes.get(spec.key, "") or "—",
            ]
        )
    drivers = table(
        ["Driver", "Base value", "Unit", "Note"],
        rows,
        [0.36, 0.17, 0.19, 0.28],
        total_width=job.width,
        align=["LEFT", "RIGHT", "LEFT", "LEFT"],
    )
    _tighten(drivers)
    out.append(drivers)
    overridden = _override_rows(facts, job.width)
    out.append(numbering.sub("Scenarios"))
    if overridden is None:
        out.append(note("No scenario changes a driver: every scenario is the base case."))
    else:
        out.append(overridden)
    out.append(
        para(
            "A dash means the scenario keeps the base value.",
            Styles.caption,
        )
    )
    return out


def _override_rows(facts: CaseFacts, width: float) -> Flowable | None:
    scenarios = facts.case.scenarios
    specs = {spec.key: spec for spec in DRIVERS}
    keys = [spec.key for spec in DRIVERS if any(spec.key in s.overrides for s in scenarios)]
    if not keys:
        return None
    rows = []
    for key in keys:
        spec = specs[key]
        rows.append(
            [Plain(spec.label, bold=True)]
            + [
                Plain(
                    value_text(spec, s.overrides[key], facts.currency)
                    if key in s.overrides
                    else "—",
                    align="RIGHT",
                )
                for s in scenarios
            ]
        )
    share = 0.7 / len(scenarios)
    return table(
        ["Driver", *[s.name for s in scenarios]],
        rows,
        [0.3] + [share] * len(scenarios),
        total_width=width,
        align=["LEFT"] + ["RIGHT"] * len(scenarios),
    )


# -- the cash flow by period --------------------------------------------------------------------

_SCALES = ((Decimal(1), ""), (Decimal(1000), "thousands"), (Decimal(10) ** 6, "millions"))


def amount_scale(values: Sequence[Decimal]) -> tuple[Decimal, str]:
    """The divisor that keeps every figure of a table within ten digits, and its name."""
    largest = max((abs(v) for v in values), default=Decimal(0))
    for divisor, name in _SCALES:
        if largest / divisor < Decimal(10) ** 10:
            return divisor, name
    return Decimal(10) ** 9, "billions"


def amount(value: Decimal, divisor: Decimal = Decimal(1)) -> str:
    """A whole amount with thousands separators and a true minus sign: "−12,300"."""
    shown = f"{value / divisor:,.0f}"
    if shown.startswith("-"):
        shown = "−" + shown[1:]
    return "0" if shown == "−0" else shown


def _cash_flow(
    job: Job, facts: CaseFacts, numbering: Numbering, *, turn: bool = True
) -> list[Flowable]:
    """The table by period on landscape pages (``turn``: switch to them and back)."""
    settings = facts.settings
    result = facts.decision
    heading = numbering.heading(SECTIONS["cashflow"])
    money_fields = (
        "revenue",
        "cost_of_goods",
        "gross_margin",
        "operating_costs",
        "investment",
        "net_cash_flow",
        "cumulative",
    )
    values = [getattr(row, name) for row in result.rows for name in money_fields]
    divisor, scale = amount_scale(values)
    subscription = settings.pricing_model is PricingModel.SUBSCRIPTION
    customers = "Active customers" if subscription else "Units to date"
    rows = []
    for row in result.rows:
        net, cumulative = row.net_cash_flow, row.cumulative
        rows.append(
            [
                Plain(str(row.index), align="RIGHT", colour=MUTED),
                Plain(period_label(settings.period, row.start, row.index), bold=True),
                Plain(count_text(row.new_units.quantize(Decimal(1))), align="RIGHT"),
                Plain(count_text(row.customers.quantize(Decimal(1))), align="RIGHT"),
                Plain(amount(row.revenue, divisor), align="RIGHT"),
                Plain(amount(row.cost_of_goods, divisor), align="RIGHT"),
                Plain(amount(row.gross_margin, divisor), align="RIGHT"),
                Plain(amount(row.operating_costs, divisor), align="RIGHT"),
                Plain(amount(row.investment, divisor), align="RIGHT"),
                Plain(amount(net, divisor), align="RIGHT", colour=BAD if net < 0 else None),
                Plain(
                    amount(cumulative, divisor),
                    align="RIGHT",
                    bold=True,
                    colour=BAD if cumulative < 0 else GOOD,
                ),
            ]
        )
    total = [
        sum((getattr(row, name) for row in result.rows), Decimal(0)) for name in money_fields[:6]
    ]
    rows.append(
        [
            Plain(""),
            Plain("Total", bold=True),
            Plain(
                count_text(
                    sum((r.new_units for r in result.rows), Decimal(0)).quantize(Decimal(1))
                ),
                align="RIGHT",
                bold=True,
            ),
            Plain(""),
            *[Plain(amount(v, divisor), align="RIGHT", bold=True) for v in total],
            Plain(""),
        ]
    )
    unit = f"{scale} of {settings.currency}" if scale else settings.currency
    caption = (
        f"The {result.name} scenario: the investment at the start, then "
        f"{plural(settings.horizon, period_noun(settings.period))}; amounts in {unit}. Negative net "
        "cash flow is in red; the cumulative cash turns green once the case has paid back."
    )
    cash = table(
        [
            "#",
            "Period",
            "New customers" if subscription else "New units",
            customers,
            "Revenue",
            "Cost of goods",
            "Gross margin",
            "Operating costs",
            "Investment",
            "Net cash flow",
            "Cumulative",
        ],
        rows,
        [0.035, 0.14, 0.075, 0.08, 0.095, 0.09, 0.09, 0.09, 0.085, 0.1, 0.12],
        total_width=job.wide_width if turn else job.width,
        align=["RIGHT", "LEFT"] + ["RIGHT"] * 9,
        paged=True,
    )
    _tighten(cash)
    body = [heading, para(caption, Styles.small), spacer(6), cash]
    if not turn:
        return body
    return [NextPageTemplate(WIDE), PageBreak(), *body, NextPageTemplate(BODY), PageBreak()]


def _tighten(flowable: Flowable) -> None:
    """Closer rows for a table of figures: a five-year quarterly plan fits one page."""
    commands = [("TOPPADDING", (0, 1), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 1), (-1, -1), 3)]
    if isinstance(flowable, Table):
        flowable.setStyle(commands)
    elif isinstance(flowable, PagedTable):  # set up, not yet measured
        flowable.style = [*flowable.style, *commands]


# -- sensitivity --------------------------------------------------------------------------------


def _sensitivity(job: Job, facts: CaseFacts, numbering: Numbering) -> list[Flowable]:
    base, bars = sensitivity(facts.case, facts.decision.name, SENSITIVITY)
    out: list[Flowable] = [
        numbering.heading(SECTIONS["sensitivity"]),
        para(
            f"How the net present value of the {facts.decision.name} scenario "
            f"({whole(base, facts.currency)}) moves when one driver at a time is "
            f"{format_rate(SENSITIVITY)} lower or higher; the widest swing first.",
            Styles.body,
        ),
    ]
    moving = [b for b in bars if b.low_npv != b.high_npv]
    still = [b.label for b in bars if b.low_npv == b.high_npv]
    if not moving:
        return out + [note("No driver moves the net present value of this case.")]
    out += [
        tornado_chart(base, moving, facts.currency, job.width),
        tornado_legend(job.width),
        spacer(8),
    ]
    specs = {spec.key: spec for spec in DRIVERS}
    rows = []
    for bar in moving:
        spec = specs.get(bar.key)
        low = value_text(spec, bar.low_value, facts.currency) if spec else str(bar.low_value)
        high = value_text(spec, bar.high_value, facts.currency) if spec else str(bar.high_value)
        rows.append(
            [
                Plain(bar.label, bold=True),
                Plain(low, align="RIGHT"),
                Plain(whole(bar.low_npv, facts.currency), align="RIGHT"),
                Plain(high, align="RIGHT"),
                Plain(whole(bar.high_npv, facts.currency), align="RIGHT"),
                Plain(whole(bar.swing, facts.currency), align="RIGHT"),
            ]
        )
    out.append(
        table(
            ["Driver", "Lower value", "NPV", "Higher value", "NPV", "Swing"],
            rows,
            [0.22, 0.14, 0.17, 0.14, 0.17, 0.16],
            total_width=job.width,
            align=["LEFT"] + ["RIGHT"] * 5,
        )
    )
    if still:
        out.append(para(f"No effect on this case: {', '.join(still)}.", Styles.caption))
    return out


LOW_COLOUR = lighten(ACCENT, 0.35)
HIGH_COLOUR = PRIMARY


def tornado_chart(
    base: Decimal, bars: Sequence[TornadoBar], currency: str, width: float
) -> Drawing:
    """One bar per driver from the base NPV to its NPV with the driver lower and higher."""
    row_h, top, bottom = 17.0, 20.0, 22.0
    d = Drawing(width, top + bottom + row_h * len(bars))
    label_w = min(150.0, width * 0.3)
    left, right = label_w + 6, 14.0
    plot_w = width - left - right
    known = [float(base)] + [float(v) for b in bars for v in (b.low_npv, b.high_npv)]
    axis = nice_ticks(min(known), max(known), 5)
    lo, hi = axis[0], axis[-1]

    def px(value: float) -> float:
        return left + (value - lo) / (hi - lo) * plot_w

    plot_top = d.height - top
    ticks = [_axis_money(value, currency) for value in axis]
    widest = max(string_width(t, 6.3) for t in ticks)
    spacing = plot_w / max(1, len(axis) - 1)
    every = next(k for k in range(1, len(axis) + 1) if spacing * k >= widest + 6)
    for index, (value, tick) in enumerate(zip(axis, ticks, strict=True)):
        x = px(value)
        d.add(Line(x, bottom, x, plot_top, strokeColor=HAIRLINE, strokeWidth=0.5))
        if index % every:
            continue
        half = min(string_width(tick, 6.3), width) / 2
        centre = min(max(x, half), width - half)  # the end labels stay on the drawing
        for shape in text_shapes(
            centre, bottom - 10, tick, 6.3, anchor="middle", colour=MUTED, max_width=width
        ):
            d.add(shape)
    for index, bar in enumerate(bars):
        y = plot_top - (index + 1) * row_h
        for shape in text_shapes(
            label_w, y + 5, bar.label, 7.5, anchor="end", colour=INK, max_width=label_w
        ):
            d.add(shape)
        for npv, colour in ((bar.low_npv, LOW_COLOUR), (bar.high_npv, HIGH_COLOUR)):
            x0, x1 = sorted((px(float(base)), px(float(npv))))
            if x1 - x0 > 0.2:
                d.add(Rect(x0, y + 3, x1 - x0, row_h - 6, fillColor=colour, strokeColor=None))
    x = px(float(base))
    d.add(Line(x, bottom - 2, x, plot_top + 2, strokeColor=INK, strokeWidth=0.9))
    for shape in text_shapes(
        x,
        plot_top + 6,
        f"Base NPV {format_money(base, currency, compact=True)}",
        7,
        bold=True,
        anchor="middle",
        colour=INK,
        max_width=plot_w,
    ):
        d.add(shape)
    return d


def tornado_legend(width: float) -> Drawing:
    return legend_row(
        [
            (LOW_COLOUR, f"driver {format_rate(SENSITIVITY)} lower"),
            (HIGH_COLOUR, f"driver {format_rate(SENSITIVITY)} higher"),
        ],
        width,
        dot=False,
    )


def _axis_money(value: float, currency: str) -> str:
    return format_money(Decimal(repr(round(value, 6))), currency, compact=True)


# -- the cash-flow chart ------------------------------------------------------------------------


def cash_flow_chart(facts: CaseFacts, width: float, height: float) -> Drawing:
    """Net cash flow per period (bars), the cumulative cash (line) and the break-even marker.

    The scenario asked for is drawn in full; the other scenarios' cumulative cash
    runs beside it as thin lines, so the spread of outcomes is on one chart.
    """
    settings, decision = facts.settings, facts.decision
    d = Drawing(width, height)
    count = len(decision.rows)
    known = [0.0]
    for result in facts.results:
        known += [float(r.cumulative) for r in result.rows]
    known += [float(r.net_cash_flow) for r in decision.rows]
    axis = nice_ticks(min(known), max(known), 5)
    lo, hi = axis[0], axis[-1]
    ticks = [_axis_money(value, settings.currency) for value in axis]
    left = min(width * 0.3, max(string_width(t, 6.3) for t in ticks) + 8)
    right, top, bottom = 10.0, 26.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    for shape in text_shapes(
        0,
        height - 11,
        f"Cash flow of the {decision.name} scenario ({settings.currency})",
        8.5,
        bold=True,
        colour=INK,
        max_width=width,
    ):
        d.add(shape)
    slot = plot_w / max(1, count)

    def px(index: float) -> float:
        return left + (index + 0.5) * slot

    def py(value: float) -> float:
        return bottom + (value - lo) / (hi - lo) * plot_h

    for value, tick in zip(axis, ticks, strict=True):
        y = py(value)
        d.add(Line(left, y, left + plot_w, y, strokeColor=HAIRLINE, strokeWidth=0.5))
        for shape in text_shapes(
            left - 4, y - 2.3, tick, 6.3, anchor="end", colour=MUTED, max_width=left - 4
        ):
            d.add(shape)
    zero = py(0.0)
    bar_w = max(0.4, slot * 0.66)
    for row in decision.rows:
        value = float(row.net_cash_flow)
        y0, y1 = sorted((zero, py(value)))
        if y1 - y0 > 0.1:
            colour = lighten(GOOD, 0.45) if value >= 0 else lighten(BAD, 0.45)
            d.add(
                Rect(
                    px(row.index) - bar_w / 2,
                    y0,
                    bar_w,
                    y1 - y0,
                    fillColor=colour,
                    strokeColor=None,
                )
            )
    d.add(Line(left, zero, left + plot_w, zero, strokeColor=RULE, strokeWidth=0.8))
    names = [period_label(settings.period, row.start, row.index) for row in decision.rows]
    room = max(string_width(name, 6.3) for name in names) + 10
    step = max(1, -(-count // max(1, int(plot_w // room))))
    for index in range(0, count, step):
        half = string_width(names[index], 6.3) / 2
        centre = min(px(index), width - half)  # the last name stays on the drawing
        for shape in text_shapes(
            centre, bottom - 10, names[index], 6.3, anchor="middle", colour=MUTED
        ):
            d.add(shape)
    others = [r for r in facts.results if r.name != decision.name]
    for number, result in enumerate(others):
        points = [c for r in result.rows for c in (px(r.index), py(float(r.cumulative)))]
        if len(points) >= 4:
            d.add(
                PolyLine(
                    points,
                    strokeColor=scenario_colour(number + 1),
                    strokeWidth=0.9,
                    strokeDashArray=[3, 2],
                )
            )
    points = [c for r in decision.rows for c in (px(r.index), py(float(r.cumulative)))]
    if len(points) >= 4:
        d.add(PolyLine(points, strokeColor=PRIMARY, strokeWidth=1.8, strokeLineJoin=1))
    else:
        d.add(Circle(points[0], points[1], 2.2, fillColor=PRIMARY, strokeColor=None))
    even = decision.figures.break_even_period
    if even is not None:
        x = px(even)
        d.add(
            Line(
                x,
                bottom,
                x,
                bottom + plot_h,
                strokeColor=GOOD,
                strokeWidth=1,
                strokeDashArray=[2, 2],
            )
        )
        label = f"Break-even {names[even]}"
        anchor = "start" if x < left + plot_w * 0.7 else "end"
        for shape in text_shapes(
            x + (3 if anchor == "start" else -3),
            bottom + plot_h - 8,
            label,
            7,
            bold=True,
            anchor=anchor,
            colour=GOOD,
        ):
            d.add(shape)
    payback = decision.figures.payback_period
    if payback is not None:
        d.add(_payback_dot(px(float(payback)), zero))
    _legend(d, facts, width)
    return d


def _payback_dot(x: float, y: float) -> Circle:
    return Circle(x, y, 2.6, fillColor=WHITE, strokeColor=PRIMARY, strokeWidth=1.2)


def scenario_colour(number: int) -> Color:
    return PALETTE[number % len(PALETTE)]


def _legend(d: Drawing, facts: CaseFacts, width: float) -> None:
    """The chart's key along its foot: bars, cumulative lines, payback and break-even."""
    y = 3.0
    x = 0.0
    others = [r for r in facts.results if r.name != facts.decision.name]
    entries: list[tuple[str, object, str]] = [
        ("bar", lighten(GOOD, 0.45), "net cash in"),
        ("bar", lighten(BAD, 0.45), "net cash out"),
        ("line", PRIMARY, f"cumulative, {facts.decision.name}"),
    ]
    entries += [
        ("dash", scenario_colour(n + 1), f"cumulative, {r.name}") for n, r in enumerate(others[:4])
    ]
    if facts.decision.figures.payback_period is not None:
        entries.append(("dot", PRIMARY, "payback"))
    if facts.decision.figures.break_even_period is not None:
        entries.append(("even", GOOD, "break-even"))
    for kind, colour, label in entries:
        room = width - x - 16
        if room < 30:
            break
        if kind == "bar":
            d.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=None))
        elif kind == "dot":
            d.add(_payback_dot(x + 4, y + 4))
        elif kind == "even":
            d.add(Line(x + 4, y - 1, x + 4, y + 9, strokeColor=colour, strokeDashArray=[2, 2]))
        else:
            d.add(
                Line(
                    x,
                    y + 4,
                    x + 12,
                    y + 4,
                    strokeColor=colour,
                    strokeWidth=1.8 if kind == "line" else 0.9,
                    strokeDashArray=[3, 2] if kind == "dash" else None,
                )
            )
        gap = 16 if kind in ("line", "dash") else 12
        for shape in text_shapes(x + gap, y + 1.5, label, 7, colour=MUTED, max_width=room - gap):
            d.add(shape)
        x += gap + min(string_width(label, 7), room - gap) + 14


# -- pricing and margin -------------------------------------------------------------------------


def _pricing(job: Job, facts: CaseFacts, numbering: Numbering) -> list[Flowable]:
    details = facts.details
    currency = facts.currency
    out: list[Flowable] = [numbering.heading(SECTIONS["pricing"]), numbering.sub("Unit cost")]
    items = details.cost_items
    unit_cost = (
        facts.case.unit_cost_from_build_up
        if facts.case.unit_cost_from_build_up is not None
        else facts.case.drivers["unit_cost"]
    )
    if items:
        rows = [
            [
                item.name,
                Plain(count_text(item.quantity), align="RIGHT"),
                Plain(money(item.unit_cost, currency), align="RIGHT"),
                Plain(money(item.quantity * item.unit_cost, currency), align="RIGHT"),
            ]
            for item in items
        ]
        rows.append(
            [
                Plain("Unit cost", bold=True),
                Plain(""),
                Plain(""),
                Plain(money(unit_cost, currency), align="RIGHT", bold=True),
            ]
        )
        out.append(
            table(
                ["Cost item", "Quantity", "Unit cost", "Cost"],
                rows,
                [0.46, 0.14, 0.2, 0.2],
                total_width=job.width,
                align=["LEFT", "RIGHT", "RIGHT", "RIGHT"],
            )
        )
    else:
        out.append(
            note(
                f"No cost build-up: the case uses the unit cost driver, "
                f"{money(unit_cost, currency)}."
            )
        )
    out.append(numbering.sub("Price points"))
    points = details.price_points
    if not points:
        return out + [note("No price points yet.")]
    falls = [(p.point(), waterfall(p.point(), unit_cost)) for p in points]
    rows = []
    for point, fall in falls:
        pct = fall.gross_margin_pct
        rows.append(
            [
                point.segment or "—",
                point.tier or "—",
                point.channel or "—",
                Plain(money(point.list_price, currency), align="RIGHT"),
                Plain(format_rate(point.discount), align="RIGHT"),
                Plain(format_rate(point.channel_margin), align="RIGHT"),
                Plain(money(fall.net_price, currency), align="RIGHT"),
                Plain(
                    "—" if pct is None else rate(pct),
                    align="RIGHT",
                    bold=True,
                    colour=BAD if fall.below_target else GOOD,
                ),
                Plain(format_rate(point.target_margin), align="RIGHT"),
            ]
        )
    out.append(
        table(
            [
                "Segment",
                "Tier",
                "Channel",
                "List price",
                "Discount",
                "Channel margin",
                "Net price",
                "Gross margin",
                "Target",
            ],
            rows,
            [0.15, 0.13, 0.12, 0.11, 0.09, 0.1, 0.11, 0.1, 0.09],
            total_width=job.width,
            align=["LEFT"] * 3 + ["RIGHT"] * 6,
        )
    )
    warnings = [
        f"{_point_name(point)}: {fall.warning}" for point, fall in falls if fall.below_target
    ]
    if warnings:
        out.append(spacer(4))
        for text in warnings:
            out.append(spans(Styles.small_ink, [Span("Under target  ", True, BAD), Span(text)]))
    out.append(numbering.sub("Margin waterfall per price point"))
    cell_w = (job.width - 12) / 2
    charts = [waterfall_chart(point, fall, currency, cell_w, 150) for point, fall in falls]
    grid = [
        charts[i : i + 2] + [""] * (2 - len(charts[i : i + 2])) for i in range(0, len(charts), 2)
    ]
    for row in grid:
        out.append(layout([row], [cell_w + 12, cell_w]))
        out.append(spacer(8))
    return out


def _point_name(point: PricePoint) -> str:
    return " · ".join(x for x in (point.segment, point.tier, point.channel) if x) or "Price point"


def waterfall_chart(
    point: PricePoint, fall: Waterfall, currency: str, width: float, height: float
) -> Drawing:
    """List price → discount → channel → net price → unit cost → gross margin, as floating bars."""
    d = Drawing(width, height)
    top, bottom, left = 30.0, 24.0, 4.0
    plot_h = height - top - bottom
    for shape in text_shapes(
        0, height - 10, _point_name(point), 8, bold=True, colour=INK, max_width=width
    ):
        d.add(shape)
    pct = fall.gross_margin_pct
    verdict = (
        f"Gross margin {money(fall.gross_margin, currency)}"
        + (f" ({rate(pct)})" if pct is not None else "")
        + f" · target {format_rate(point.target_margin)}"
    )
    for shape in text_shapes(
        0,
        height - 21,
        verdict,
        7,
        bold=fall.below_target,
        colour=BAD if fall.below_target else GOOD,
        max_width=width,
    ):
        d.add(shape)
    spans_: list[tuple[float, float, bool]] = []  # (from, to, total?)
    for step in fall.steps:
        total = step.label in WATERFALL_TOTALS
        end = float(step.running)
        start = 0.0 if total else end - float(step.amount)
        spans_.append((start, end, total))
    known = [0.0] + [v for s in spans_ for v in s[:2]]
    low, high = min(known), max(known)
    if high - low <= 0:
        high = low + 1
    pad = (high - low) * 0.12

    def py(value: float) -> float:
        return bottom + (value - low) / (high - low + pad) * plot_h

    slot = (width - left) / max(1, len(spans_))
    zero = py(0.0)
    d.add(Line(left, zero, width, zero, strokeColor=RULE, strokeWidth=0.7))
    for index, ((start, end, total), step) in enumerate(zip(spans_, fall.steps, strict=True)):
        x = left + index * slot + slot * 0.15
        w = slot * 0.7
        y0, y1 = sorted((py(start), py(end)))
        if total:
            colour = PRIMARY if end >= 0 else BAD
            if index == len(spans_) - 1:
                colour = BAD if fall.below_target else GOOD
        else:
            colour = lighten(BAD, 0.4)
        d.add(Rect(x, y0, w, max(0.6, y1 - y0), fillColor=colour, strokeColor=None))
        figure = format_money(
            Decimal(repr(end if total else float(step.amount))), currency, compact=True
        )
        for shape in text_shapes(
            x + w / 2, y1 + 2.5, figure, 5.8, anchor="middle", colour=MUTED, max_width=slot
        ):
            d.add(shape)
        for line_no, line in enumerate(wrap_lines(step.label, slot - 2, 5.8, max_lines=2)):
            for shape in text_shapes(
                x + w / 2, bottom - 9 - line_no * 7, line, 5.8, anchor="middle", colour=MUTED
            ):
                d.add(shape)
    return d


# -- sign-off -----------------------------------------------------------------------------------


def _signoff(job: Job, facts: CaseFacts, numbering: Numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["signoff"])]
    colour = WARN if facts.draft else GOOD
    out.append(spans(Styles.body, [Span(status_line(facts), bold=True, colour=colour)]))
    if facts.draft and facts.signed_case is not None:
        changes = changes_since(facts.signed_case, facts.case)
        if changes:
            out.append(para("Changed since the last signed version:", Styles.label_gap))
            out += [para(text, Styles.bullet, bullet="•") for text in changes[:20]]
            if len(changes) > 20:
                out.append(note(f"… and {plural(len(changes) - 20, 'more change')}."))
    out.append(numbering.sub("Signed versions"))
    versions = sorted(facts.details.versions, key=lambda v: v.version, reverse=True)
    if versions:
        rows = []
        for v in versions:
            gate = facts.gates.get(v.gate_review_id) if v.gate_review_id else None
            rows.append(
                [
                    Plain(f"v{v.version}", bold=v is versions[0]),
                    v.signed_by or "—",
                    Plain(short_date(v.signed_on)),
                    v.scenario,
                    gate_name(gate) + f" ({gate.decision.label})" if gate is not None else "—",
                ]
            )
        out.append(
            table(
                ["Version", "Signed by", "On", "Scenario", "Gate review"],
                rows,
                [0.1, 0.26, 0.14, 0.16, 0.34],
                total_width=job.width,
            )
        )
    else:
        out.append(note("No version has been signed yet."))
    if facts.draft:
        out += [
            numbering.sub("For signature"),
            para(
                f"By signing, each approver accepts the {facts.decision.name} scenario of this "
                f"business case for {facts.details.product_name} as the plan the product "
                "is measured against.",
                Styles.body,
            ),
        ]
        sign = table(
            ["Name", "Role", "Signature", "Date"],
            [["", "", "", ""] for _ in range(3)],
            [0.26, 0.26, 0.3, 0.18],
            total_width=job.width,
            zebra=False,
        )
        sign.setStyle(
            [("BOTTOMPADDING", (0, 1), (-1, -1), 22), ("LINEBELOW", (0, 1), (-1, -1), 0.6, MUTED)]
        )
        out.append(sign)
    return out


def changes_since(before: BusinessCase, after: BusinessCase) -> list[str]:
    """What differs between a signed case and the current one, in words."""
    out: list[str] = []
    currency = after.settings.currency
    for name, label in (
        ("currency", "Currency"),
        ("period", "Periods"),
        ("horizon", "Horizon"),
        ("start", "Start"),
        ("pricing_model", "Pricing"),
    ):
        old, new = getattr(before.settings, name), getattr(after.settings, name)
        if old != new:
            out.append(f"{label}: {_setting(old)} → {_setting(new)}")
    for spec in DRIVERS:
        old, new = before.drivers.get(spec.key), after.drivers.get(spec.key)
        if old != new and old is not None and new is not None:
            out.append(
                f"{spec.label}: {value_text(spec, old, currency)} → "
                f"{value_text(spec, new, currency)}"
            )
    if before.unit_cost_from_build_up != after.unit_cost_from_build_up:
        out.append(
            f"Cost build-up: {money(before.unit_cost_from_build_up, currency)} → "
            f"{money(after.unit_cost_from_build_up, currency)}"
        )
    old_names = [s.name for s in before.scenarios]
    new_names = [s.name for s in after.scenarios]
    for name in new_names:
        if name not in old_names:
            out.append(f"Scenario {name} added")
    for name in old_names:
        if name not in new_names:
            out.append(f"Scenario {name} removed")
    olds = {s.name: s for s in before.scenarios}
    for scenario in after.scenarios:
        old_s = olds.get(scenario.name)
        if old_s is not None and dict(old_s.overrides) != dict(scenario.overrides):
            out.append(f"Scenario {scenario.name}: its driver changes differ")
    return out


def _setting(value: object) -> str:
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, Period | PricingModel):
        return value.label
    return str(value)


__all__ = [
    "DRAFT",
    "LABEL",
    "SECTIONS",
    "CaseFacts",
    "case_facts",
    "cash_flow_chart",
    "figures_table",
    "make",
    "status_line",
    "tornado_chart",
    "waterfall_chart",
]
