"""Column specs: what a table shows of a row, how it reads, sorts and is edited.

Tables are configured from these, not written one by one. A column is either a
stored field (``field`` names the model attribute) or computed (``value`` is a
function of the row); computed columns are read-only unless ``to_changes`` says
which stored fields an edit writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from pmdesk.core.enums import LabelledEnum
from pmdesk.core.wording import format_number


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    INT = "int"
    FLOAT = "float"
    PERCENT = "percent"
    DATE = "date"
    ENUM = "enum"
    BOOL = "bool"
    CHOICE = "choice"  # a value out of a Lookup (a reference to another row, or a fixed scale)
    COLOUR = "colour"


NUMERIC = frozenset({Kind.INT, Kind.FLOAT, Kind.PERCENT})


class Lookup:
    """Data a column reads besides its row (names of lanes, revenue per requirement, ...).

    Loaded on first use and dropped when a change touches one of ``kinds``, so a
    rename of a lane refreshes every item's lane cell with one query.
    """

    def __init__(self, load: Callable[[], Mapping[Any, Any]], kinds: Iterable[str] = ()) -> None:
        self._load = load
        self.kinds = tuple(kinds)
        self._data: dict[Any, Any] | None = None

    @property
    def data(self) -> dict[Any, Any]:
        if self._data is None:
            self._data = dict(self._load())
        return self._data

    def get(self, key: Any, default: Any = None) -> Any:
        return self.data.get(key, default)

    def items(self) -> list[tuple[Any, Any]]:
        return list(self.data.items())

    def invalidate(self) -> None:
        self._data = None


def fixed(options: Iterable[tuple[Any, str]]) -> Lookup:
    """A lookup that never changes: a scale such as RICE impact."""
    frozen = tuple(options)
    return Lookup(lambda: dict(frozen))


@dataclass(frozen=True, eq=False)
class Column:
    field: str
    header: str
    kind: Kind = Kind.TEXT
    editable: bool = True
    enum: type[LabelledEnum] | None = None
    choices: Lookup | None = None
    value: Callable[[Any], Any] | None = None
    display: Callable[[Any], str] | None = None
    # What a cell too narrow for its whole text shows instead (a date without its offset
    # from the launch), whole rather than cut; the whole text is then its tooltip.
    short: Callable[[Any], str] | None = None
    # What a cell has room for however narrow its table (a sample: "2026-12-31"); a choice
    # (Kind.ENUM) always has room for its longest label.
    least_text: str = ""
    tooltip: Callable[[Any], str | None] | None = None
    foreground: Callable[[Any], str | None] | None = None
    decoration: Callable[[Any], str | None] | None = None
    to_changes: Callable[[Any, Any], dict[str, Any]] | None = None
    sort_value: Callable[[Any], Any] | None = None
    lookups: tuple[Lookup, ...] = ()
    nullable: bool = False
    none_label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    decimals: int = 2
    suggestions: tuple[str, ...] = ()
    width: int = 0  # in average character widths; 0 lets the table decide
    align_right: bool = False  # a number shown through a choice (a scale) still lines up right
    header_tip: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    # -- what the row holds -------------------------------------------------------

    @property
    def is_editable(self) -> bool:
        return self.editable and (self.value is None or self.to_changes is not None)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC or self.align_right

    @property
    def wide_text(self) -> bool:
        """Text that deserves whatever room is left over (the last column stretches if so)."""
        return self.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE) and not self.numeric

    def raw(self, row: Any) -> Any:
        return self.value(row) if self.value is not None else getattr(row, self.field)

    def changes(self, value: Any, row: Any) -> dict[str, Any]:
        """The stored fields an edit of this cell writes."""
        if self.to_changes is not None:
            return self.to_changes(value, row)
        return {self.field: value}

    def all_lookups(self) -> tuple[Lookup, ...]:
        return (*((self.choices,) if self.choices else ()), *self.lookups)

    # -- how it reads -----------------------------------------------------------------

    def text(self, row: Any) -> str:
        if self.display is not None:
            return self.display(row)
        return self.format(self.raw(row))

    def format(self, value: Any) -> str:
        if value is None:
            return self.none_label
        if self.kind is Kind.CHOICE and self.choices is not None:
            return str(self.choices.get(value, value))
        if isinstance(value, LabelledEnum):
            return value.label
        if isinstance(value, Enum):
            return str(value.value)
        if isinstance(value, bool) or self.kind is Kind.BOOL:
            return "Yes" if value else "No"
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        if self.kind is Kind.PERCENT and isinstance(value, int | float):
            return f"{format_number(value, 1)}%"
        if isinstance(value, int):
            return f"{value:,}" if abs(value) >= 10_000 else str(value)
        if isinstance(value, float):
            return format_number(value, self.decimals)
        return " ".join(str(value).split()) if self.kind is Kind.LONG_TEXT else str(value)

    def sort_key(self, row: Any) -> tuple:
        """None last; enums in their declared order; text without regard to case."""
        value = self.sort_value(row) if self.sort_value is not None else self.raw(row)
        if value is None:
            return (1, 0)
        if isinstance(value, LabelledEnum):
            return (0, list(type(value)).index(value))
        if (self.kind is Kind.CHOICE and self.sort_value is None) or isinstance(value, str):
            return (0, self.format(value).casefold())
        return (0, value)

    def sortable_in_database(self) -> bool:
        """Stored, and ordered the same way by SQL as by a person: not enums, not references."""
        return self.value is None and self.kind in NUMERIC | {Kind.DATE, Kind.BOOL}


def computed(field_name: str, header: str, value: Callable[[Any], Any], **options: Any) -> Column:
    """A read-only column worked out from the row (a score, a quadrant, a duration)."""
    return Column(field_name, header, value=value, editable=False, **options)
