"""What a person can choose about an export, the paper it goes on, and how it reports progress."""

from __future__ import annotations

import datetime as dt
import locale
from dataclasses import dataclass

from reportlab.lib.pagesizes import A2, A3, A4, LETTER, landscape, portrait

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.output import ExportCancelled, Progress

__all__ = ["ExportCancelled", "PdfOptions", "Progress", "default_paper"]

PAPERS = {"A4": A4, "Letter": LETTER, "A3": A3, "A2": A2}
ORIENTATIONS = ("portrait", "landscape")

# Territories that print on US Letter; everyone else uses A4.
_LETTER_TERRITORIES = (
    "US",
    "CA",
    "MX",
    "PH",
    "CL",
    "CO",
    "VE",
    "PR",
    "GT",
    "CR",
    "UNITED STATES",
    "CANADA",
)


def default_paper(locale_name: str | None = None) -> str:
    """ "Letter" where the locale's territory prints on Letter (US, Canada, ...), else "A4"."""
    name = locale_name
    if name is None:
        try:
            name = locale.getlocale(locale.LC_CTYPE)[0] or locale.getlocale()[0] or ""
        except ValueError:
            name = ""
    normal = name.replace("-", "_").split(".")[0]
    territory = normal.split("_", 1)[1].upper() if "_" in normal else ""
    return "Letter" if territory in _LETTER_TERRITORIES else "A4"


# Sections printed only when chosen: "what changed since the last review" is offered.
OPT_IN = frozenset({"changes"})


@dataclass(frozen=True)
class PdfOptions:
    """Everything an export can be asked to do; defaults suit each document.

    ``paper`` and ``orientation`` left empty take the document's own choice
    (the locale's A4 or Letter, portrait; posters A3 landscape). ``sections``
    None means all of them but those in ``OPT_IN``, printed only when chosen (see
    ``SECTIONS`` in ``pmdesk.exchange.pdf``). ``since``: what the "changes" section
    compares with, a snapshot's name or a day (None: the latest snapshot).
    ``confidentiality`` None takes the product's own label; "" prints none. ``stamp``: what
    the document shows when it is not the plan now (a moment, a what-if scenario).
    """

    paper: str = ""
    orientation: str = ""
    sections: frozenset[str] | None = None
    confidentiality: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    lanes: tuple[int, ...] | None = None
    one_page: bool = False
    chart_only: bool = False
    launch_id: int | None = None
    today: dt.date | None = None
    author: str | None = None
    since: str | None = None
    # What the document shows when it is not the plan as it stands: "As it was at “Q3
    # review”", "What-if “Ship Edge early” — not the plan". Printed on the cover and in
    # every page's footer, so a page handed round alone still says so.
    stamp: str = ""

    def wants(self, section: str) -> bool:
        if self.sections is None:
            return section not in OPT_IN
        return section in self.sections

    def on(self) -> dt.date:
        """The date the document is "as of" (today unless a test or a person fixes it)."""
        return self.today or dt.date.today()

    def page_size(self, paper: str = "", orientation: str = "portrait") -> tuple[float, float]:
        """Points (width, height) for the chosen paper, else the document's default."""
        name = self.paper or paper or default_paper()
        if name not in PAPERS:
            raise PmdeskError(f"Unknown paper size {name!r}; choose one of {', '.join(PAPERS)}")
        turn = self.orientation or orientation
        if turn not in ORIENTATIONS:
            raise PmdeskError(f"Orientation must be portrait or landscape, not {turn!r}")
        size = PAPERS[name]
        return landscape(size) if turn == "landscape" else portrait(size)
