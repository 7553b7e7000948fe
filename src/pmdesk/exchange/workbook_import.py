"""Excel workbooks in: one sheet's rows as the same table the CSV reader makes."""

from __future__ import annotations

from pathlib import Path

from .importing import ImportFileError
from .tabular import CsvTable


def sheet_names(source: bytes | str | Path) -> list[str]:
    """The names of the workbook's worksheets, in the order Excel shows their tabs."""
    raise ImportFileError("reading Excel workbooks is not available yet")


def read_xlsx(source: bytes | str | Path, sheet: str | None = None) -> CsvTable:
    """One sheet of an .xlsx (the first non-empty one unless ``sheet`` names one) as text rows."""
    raise ImportFileError("reading Excel workbooks is not available yet")
