"""The business case's tables as Qt item models: drivers, scenario overrides, key figures,
the cash flow by period and the signed versions.

Each model shows plain core objects it is handed (never a session) and, where a cell is
editable, hands the typed text to a setter the view gives it: the view turns it into an
undoable FinanceService edit and says why when it is refused. New data of the same shape
repaints in place (``dataChanged``), so the current cell and the selection survive an edit;
only a new shape (another scenario, a longer horizon) resets the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from pmdesk.core.finance import (
    DRIVERS,
    CaseSettings,
    DriverSpec,
    PeriodRow,
    PricingModel,
    ScenarioResult,
)
from pmdesk.core.finance_wording import FIGURE_ROWS, edit_text, period_label, unit_text, value_text
from pmdesk.core.pricing import format_money
from pmdesk.core.wording import short_date
from pmdesk.gui.theme import plain_tooltip

Index = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NEGATIVE = "#E53935"  # the views' overdue red: readable on light and dark palettes
BUILD_UP = "from the cost build-up"
DISPLAY, EDIT, TIP = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.ToolTipRole,
)

# (driver key, column, typed value) -> taken?
DriverSetter = Callable[[str, str, Any], bool]
# (scenario id, driver key, typed value or "" to clear) -> taken?
OverrideSetter = Callable[[int, str, str], bool]


def _quiet() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


class _Table(QAbstractTableModel):
    """Rows and columns from plain data; ``_reshape`` resets only when the shape changes."""

    headers: list[str]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = []
        self._rows = 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def _reshape(self, rows: int, headers: list[str], fill: Callable[[], None]) -> None:
        if rows != self._rows or headers != self.headers:
            self.beginResetModel()
            fill()
            self._rows, self.headers = rows, headers
            self.endResetModel()
            return
        fill()
        if rows and headers:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, len(headers) - 1))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return None
        if not 0 <= section < len(self.headers):
            return None
        if role == DISPLAY:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in self.numeric_columns() else _LEFT
        if role == TIP:
            return self.header_tip(section)
        return None

    def numeric_columns(self) -> range | tuple[int, ...]:
        """The columns of figures (aligned right); the first column names the row."""
        return range(1, len(self.headers))

    # The column that takes the width left over; None: every figure column shares it.
    stretch_column: int | None = None

    def header_tip(self, section: int) -> str | None:
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


# -- the drivers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseInputs:
    """What the driver and override tables show of a case (the draft or a signed version)."""

    settings: CaseSettings
    drivers: Mapping[str, Decimal]
    notes: Mapping[str, str]
    build_up: Decimal | None
    # (id or None for a signed version's, name, overrides) in display order
    scenarios: tuple[tuple[int | None, str, Mapping[str, Decimal]], ...]


def _greyed(spec: DriverSpec, inputs: CaseInputs) -> str | None:
    """Why a driver plays no part in this case, if it does not."""
    if spec.key == "churn" and inputs.settings.pricing_model is PricingModel.UNIT:
        return "Churn applies to subscriptions only: this case sells units"
    return None


class DriverModel(_Table):
    """One row per driver of the case: its value, unit and note; value and note editable."""

    COLUMNS = ["Driver", "Value", "Unit", "Note"]

    def __init__(self, setter: DriverSetter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._setter = setter
        self.inputs: CaseInputs | None = None
        self.editable = False

    def set_inputs(self, inputs: CaseInputs | None, editable: bool) -> None:
        def fill() -> None:
            self.inputs = inputs
            self.editable = editable

        self._reshape(len(DRIVERS) if inputs else 0, list(self.COLUMNS) if inputs else [], fill)

    def spec(self, row: int) -> DriverSpec:
        return DRIVERS[row]

    def row_of(self, key: str) -> int:
        return next(i for i, spec in enumerate(DRIVERS) if spec.key == key)

    def from_build_up(self, spec: DriverSpec) -> bool:
        return (
            spec.key == "unit_cost" and self.inputs is not None and self.inputs.build_up is not None
        )

    def value(self, spec: DriverSpec) -> Decimal:
        assert self.inputs is not None
        if self.from_build_up(spec):
            assert self.inputs.build_up is not None
            return self.inputs.build_up
        return self.inputs.drivers[spec.key]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self.inputs is None:
            return None
        spec, column, inputs = DRIVERS[index.row()], index.column(), self.inputs
        currency = inputs.settings.currency
        if role == DISPLAY:
            if column == 0:
                return spec.label
            if column == 1:
                return value_text(spec, self.value(spec), currency)
            if column == 2:
                return unit_text(spec, inputs.settings)
            note = inputs.notes.get(spec.key, "")
            if self.from_build_up(spec):
                return f"{BUILD_UP} · {note}" if note else BUILD_UP
            return note
        if role == EDIT:
            if column == 1:
                return edit_text(spec, self.value(spec), currency)
            if column == 3:
                return inputs.notes.get(spec.key, "")
            return self.data(index, DISPLAY)
        if role == TIP:
            if column == 0:
                return plain_tooltip(spec.help)
            if column == 1 and self.from_build_up(spec):
                return plain_tooltip(
                    "The sum of the cost build-up (Pricing & margins): edit the cost items there"
                )
            why = _greyed(spec, inputs)
            if why:
                return plain_tooltip(why)
            if column == 3 and inputs.notes.get(spec.key):
                return plain_tooltip(inputs.notes[spec.key])
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column == 1 else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if _greyed(spec, inputs) or (column == 1 and self.from_build_up(spec)):
                return _quiet()
            return None
        if role == Qt.ItemDataRole.FontRole and column == 3 and self.from_build_up(spec):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    stretch_column = 3  # the note

    def numeric_columns(self) -> tuple[int, ...]:
        return (1,)

    def header_tip(self, section: int) -> str | None:
        if section == 1:
            return plain_tooltip(
                "Type a value as you would write it: €1,200, 1200, 12 % (rates are in per cent)"
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid() or not self.editable or index.column() not in (1, 3):
            return flags
        if index.column() == 1 and self.from_build_up(DRIVERS[index.row()]):
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        if role != EDIT or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        column = "value" if index.column() == 1 else "note"
        return self._setter(DRIVERS[index.row()].key, column, value)


class OverrideModel(_Table):
    """Drivers down, scenarios across: a scenario's own value where it overrides the driver,
    else the base value, greyed. Type a value to override; clear the cell to go back."""

    def __init__(self, setter: OverrideSetter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._setter = setter
        self.inputs: CaseInputs | None = None
        self.editable = False

    def set_inputs(self, inputs: CaseInputs | None, editable: bool) -> None:
        def fill() -> None:
            self.inputs = inputs
            self.editable = editable

        headers = ["Driver"] + [name for _id, name, _o in inputs.scenarios] if inputs else []
        self._reshape(len(DRIVERS) if inputs else 0, headers, fill)

    def scenario_at(self, column: int) -> tuple[int | None, str] | None:
        if self.inputs is None or not 1 <= column <= len(self.inputs.scenarios):
            return None
        scenario_id, name, _overrides = self.inputs.scenarios[column - 1]
        return scenario_id, name

    def column_of(self, name: str) -> int | None:
        if self.inputs is None:
            return None
        names = [n for _id, n, _o in self.inputs.scenarios]
        return names.index(name) + 1 if name in names else None

    def _cell(self, index: Index) -> tuple[DriverSpec, Decimal, bool]:
        assert self.inputs is not None
        spec = DRIVERS[index.row()]
        _id, _name, overrides = self.inputs.scenarios[index.column() - 1]
        if spec.key in overrides:
            return spec, overrides[spec.key], True
        if spec.key == "unit_cost" and self.inputs.build_up is not None:
            return spec, self.inputs.build_up, False
        return spec, self.inputs.drivers[spec.key], False

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self.inputs is None:
            return None
        currency = self.inputs.settings.currency
        if index.column() == 0:
            spec = DRIVERS[index.row()]
            if role == DISPLAY or role == EDIT:
                return spec.label
            if role == TIP:
                return plain_tooltip(f"{spec.help} ({unit_text(spec, self.inputs.settings)})")
            return None
        spec, value, own = self._cell(index)
        if role == DISPLAY:
            return value_text(spec, value, currency)
        if role == EDIT:
            return edit_text(spec, value, currency) if own else ""
        if role == TIP:
            name = self.inputs.scenarios[index.column() - 1][1]
            base = value_text(spec, self.inputs.drivers[spec.key], currency)
            if own:
                return plain_tooltip(
                    f"{name} overrides {spec.label.lower()} (base {base}); clear it to use the base"
                )
            return plain_tooltip(f"The base value; type a value to override it in {name}")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and not own:
            return _quiet()
        if role == Qt.ItemDataRole.FontRole and own:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def header_tip(self, section: int) -> str | None:
        found = self.scenario_at(section)
        if found is None:
            return None
        return plain_tooltip(f"{found[1]}: bold values are its own, grey ones the base")

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        found = self.scenario_at(index.column()) if index.isValid() else None
        if found is None or found[0] is None or not self.editable:
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        if role != EDIT or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        found = self.scenario_at(index.column())
        assert found is not None and found[0] is not None
        return self._setter(found[0], DRIVERS[index.row()].key, str(value or ""))


# -- figures and cash flow --------------------------------------------------------------------


class FiguresModel(_Table):
    """The key figures (rows) of every scenario (columns), side by side."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.results: tuple[ScenarioResult, ...] = ()
        self.settings: CaseSettings | None = None
        self.chosen = ""
        self.compact = False  # money as "€1.2 M": read from the back of a room

    def set_compact(self, compact: bool) -> None:
        self.compact = compact
        if self._rows and self.headers:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._rows - 1, len(self.headers) - 1)
            )

    def set_results(
        self, settings: CaseSettings | None, results: Sequence[ScenarioResult], chosen: str = ""
    ) -> None:
        def fill() -> None:
            self.settings, self.results, self.chosen = settings, tuple(results), chosen

        headers = ["Key figure"] + [r.name for r in results] if results else []
        self._reshape(len(FIGURE_ROWS) if results else 0, headers, fill)
        if results:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(headers) - 1)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self.settings is None:
            return None
        row = FIGURE_ROWS[index.row()]
        if index.column() == 0:
            if role == DISPLAY:
                return row.label
            if role == TIP:
                return plain_tooltip(row.tip)
            return None
        result = self.results[index.column() - 1]
        text = row.text(result.figures, self.settings, self.compact)
        if role == DISPLAY:
            return text.text
        if role == TIP:
            return plain_tooltip(f"{result.name} — {row.label}: {text.tip or row.tip}")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and row.key == "npv":
            return QColor(NEGATIVE) if result.figures.npv < 0 else None
        if role == Qt.ItemDataRole.FontRole and result.name == self.chosen:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and orientation == Qt.Orientation.Horizontal
            and 0 < section < len(self.headers)
            and self.headers[section] == self.chosen
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().headerData(section, orientation, role)

    def header_tip(self, section: int) -> str | None:
        if section == 0 or section >= len(self.headers):
            return None
        return plain_tooltip(f"The key figures of the {self.headers[section]} scenario")


@dataclass(frozen=True)
class CashColumn:
    header: str
    value: Callable[[PeriodRow], Decimal]
    tip: str


CASH_COLUMNS: tuple[CashColumn, ...] = (
    CashColumn("Revenue", lambda r: r.revenue, "New units (or customers) × price"),
    CashColumn("Cost of goods", lambda r: r.cost_of_goods, "Units (or customers) × unit cost"),
    CashColumn("Gross margin", lambda r: r.gross_margin, "Revenue − cost of goods"),
    CashColumn("Operating costs", lambda r: r.operating_costs, "Support, hosting and marketing"),
    CashColumn("Investment", lambda r: r.investment, "Development, tooling and launch"),
    CashColumn(
        "Net cash flow", lambda r: r.net_cash_flow, "Gross margin − operating costs − investment"
    ),
    CashColumn("Cumulative", lambda r: r.cumulative, "The net cash flow summed so far"),
)


class CashFlowModel(_Table):
    """One row per period (0 … N) of one scenario: where the money comes from and goes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[PeriodRow, ...] = ()
        self.settings: CaseSettings | None = None

    def set_rows(self, settings: CaseSettings | None, rows: Sequence[PeriodRow]) -> None:
        def fill() -> None:
            self.settings, self.rows = settings, tuple(rows)

        headers = ["Period"] + [c.header for c in CASH_COLUMNS] if rows else []
        self._reshape(len(rows), headers, fill)

    def label(self, row: PeriodRow) -> str:
        assert self.settings is not None
        return period_label(self.settings.period, row.start, row.index)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self.settings is None:
            return None
        row = self.rows[index.row()]
        if index.column() == 0:
            if role == DISPLAY:
                return self.label(row)
            if role == TIP:
                return plain_tooltip(
                    "Period 0: the investment before the first period"
                    if row.index == 0
                    else f"Period {row.index}, from {short_date(row.start)}"
                )
            return None
        column = CASH_COLUMNS[index.column() - 1]
        value = column.value(row)
        if role == DISPLAY:
            return format_money(value, self.settings.currency, whole=True)
        if role == TIP:
            return plain_tooltip(f"{self.label(row)} — {column.header}: {column.tip}")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and value < 0:
            return QColor(NEGATIVE)
        return None

    def header_tip(self, section: int) -> str | None:
        if 0 < section <= len(CASH_COLUMNS):
            return plain_tooltip(CASH_COLUMNS[section - 1].tip)
        return None


# -- signed versions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionLine:
    id: int
    version: int
    signed_by: str
    signed_on: str
    scenario: str
    gate: str


class VersionModel(_Table):
    """The signed versions, newest first."""

    COLUMNS = ["Version", "Signed by", "On", "Scenario", "Gate review"]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lines: tuple[VersionLine, ...] = ()

    def set_lines(self, lines: Sequence[VersionLine]) -> None:
        def fill() -> None:
            self.lines = tuple(lines)

        self._reshape(len(lines), list(self.COLUMNS) if lines else [], fill)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        values = [f"v{line.version}", line.signed_by, line.signed_on, line.scenario, line.gate]
        if role == DISPLAY:
            return values[index.column()]
        if role == TIP:
            return plain_tooltip(
                f"Version {line.version}, signed by {line.signed_by} on {line.signed_on} "
                f"for the {line.scenario} scenario; double-click to open it (read-only)"
            )
        if role == Qt.ItemDataRole.UserRole:
            return line.id
        return None

    stretch_column = 4  # the gate review

    def numeric_columns(self) -> tuple[int, ...]:
        return ()
