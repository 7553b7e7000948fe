"""Workbooks as the tests export them: the demo's of a fixed day, or any file's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmdesk.exchange.workbook import export_workbook
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 16)


def exported(path: Path, out: Path | None = None) -> Path:
    """The workbook of the workspace at ``path``, written to ``out`` (beside it by default)."""
    out = out or path.with_suffix(".xlsx")
    with Workspace.open(path, read_only=True) as ws:
        export_workbook(ws, out)
    return out
