"""Dates as spreadsheets and Jira write them, read without depending on the machine's locale.

Recognised: ISO (``2024-03-12``, with an optional time, also ``2024/03/12``),
numeric day-first or month-first (``12/03/2024``, ``12.03.24``, ``03-12-2024``,
with an optional ``15:15`` or ``3:15 PM``), and a written month, which is what
Jira's ``dd/MMM/yy h:mm a`` gives (``12/Mar/24 3:15 PM``). Month names are
English (Jira's export language) and parsed here, not by ``strptime``, whose
``%b`` follows the computer's locale.

A column of numeric dates is day-first when some day is above 12, month-first
when some month is; when every value fits both (``03/04/2024``) the column is
*ambiguous* and the person must choose. Values like ``05/05/2024`` read the
same either way and never make a column ambiguous.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
ORDER_LABELS = {DAY_FIRST: "day first (31/12/2024)", MONTH_FIRST: "month first (12/31/2024)"}

_TIME = (
    r"(?:[T ,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
)
_ZONE = r"\s*(?:Z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}{_ZONE}$")
_NUMERIC = re.compile(
    rf"^(?P<a>\d{{1,2}})(?P<sep>[/.\-])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{2}}|\d{{4}}){_TIME}$"
)
_WORDED = re.compile(
    rf"^(?P<d>\d{{1,2}})[/\- ](?P<mon>[A-Za-z]{{3,9}})\.?[/\- ](?P<y>\d{{2}}|\d{{4}}){_TIME}$"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for name in names
}


@dataclass
class DateGuess:
    """What a column's dates look like, and the order to read numeric ones in."""

    kinds: set[str] = field(default_factory=set)  # "iso", "numeric", "worded"
    order: str | None = None  # DAY_FIRST or MONTH_FIRST, when known
    ambiguous: bool = False
    mixed: bool = False  # some values only fit day-first, others only month-first
    bad: list[int] = field(default_factory=list)  # indexes of values that are not dates

    def describe(self, chosen: str | None = None) -> str:
        names = []
        if "iso" in self.kinds:
            names.append("ISO (2024-12-31)")
        if "numeric" in self.kinds:
            order = self.order or chosen
            if order:
                names.append(ORDER_LABELS[order] + (", your choice" if self.ambiguous else ""))
            else:
                names.append("numeric — day or month first? (ambiguous)")
        if "worded" in self.kinds:
            names.append("written month, as Jira (31/Dec/24 3:15 PM)")
        return "; ".join(names) or "no dates"


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 69 else 1900
    return year


def _time(match: re.Match[str]) -> dt.time:
    if match.group("H") is None:
        return dt.time()
    hour, minute = int(match.group("H")), int(match.group("M"))
    second = int(match.group("S") or 0)
    ampm = (match.group("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("an hour with AM or PM must be 1 to 12")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return dt.time(hour, minute, second)


def parse_date(text: str, order: str | None = None) -> dt.datetime:
    """The date (and time, midnight if none) in ``text``; ValueError if it is not one.

    ``order`` says how to read numeric dates; without it a numeric date is read
    only when both readings agree or just one is a real date.
    """
    value = text.strip()
    if match := _ISO.match(value):
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        return dt.datetime.combine(day, _time(match))
    if match := _WORDED.match(value):
        month = _MONTHS.get(match["mon"].lower())
        if month is None:
            raise ValueError(f"{match['mon']!r} is not an English month name")
        day = dt.date(_year(match["y"]), month, int(match["d"]))
        return dt.datetime.combine(day, _time(match))
    if match := _NUMERIC.match(value):
        return dt.datetime.combine(_numeric_day(match, order), _time(match))
    raise ValueError(f"{value[:40]!r} is not a date pmdesk can read (use 2024-12-31)")


def _numeric_day(match: re.Match[str], order: str | None) -> dt.date:
    a, b, year = int(match["a"]), int(match["b"]), _year(match["y"])
    readings = {}
    for name, (day, month) in ((DAY_FIRST, (a, b)), (MONTH_FIRST, (b, a))):
        try:
            readings[name] = dt.date(year, month, day)
        except ValueError:
            pass
    if order is not None:
        if order not in readings:
            raise ValueError(f"{match.group(0)!r} is not a date read {ORDER_LABELS[order]}")
        return readings[order]
    if len(set(readings.values())) == 1:
        return next(iter(readings.values()))
    if not readings:
        raise ValueError(f"{match.group(0)!r} is not a real date")
    raise ValueError(f"{match.group(0)!r} could be day-first or month-first; choose the date order")


def guess_dates(values: Iterable[str]) -> DateGuess:
    """Look at every value of a column and decide how its numeric dates are written."""
    guess = DateGuess()
    day_first_ok = month_first_ok = True
    differs = False
    for index, raw in enumerate(values):
        value = raw.strip()
        if not value:
            continue
        match = _NUMERIC.match(value)
        if match is None:
            try:
                parse_date(value)
                guess.kinds.add("iso" if _ISO.match(value) else "worded")
            except ValueError:
                guess.bad.append(index)
            continue
        guess.kinds.add("numeric")
        fits = {order for order in (DAY_FIRST, MONTH_FIRST) if _fits(match, order)}
        if not fits:
            guess.bad.append(index)
            continue
        day_first_ok &= DAY_FIRST in fits
        month_first_ok &= MONTH_FIRST in fits
        differs |= match["a"].lstrip("0") != match["b"].lstrip("0")
    if "numeric" in guess.kinds:
        if day_first_ok and month_first_ok:
            guess.order = None if differs else DAY_FIRST
            guess.ambiguous = differs
        elif day_first_ok or month_first_ok:
            guess.order = DAY_FIRST if day_first_ok else MONTH_FIRST
        else:
            guess.mixed = True
    return guess


def _fits(match: re.Match[str], order: str) -> bool:
    try:
        _numeric_day(match, order)
        _time(match)
        return True
    except ValueError:
        return False
