"""What is really in a workspace file: every row of every table, read by a connection of its own.

Tests compare these dumps around undo, redo, a cancelled import or a failed write. Row
versions are left out unless asked for: an undo is itself a new version of a row; so is
the history of edits (an undo is itself an edit the history keeps).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pmdesk.store.models import Base

HISTORY = ("change_edit", "change_entry")


def file_rows(
    path: Path, *, versions: bool = False, history: bool = False
) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = {}
        for table in Base.metadata.sorted_tables:
            if table.name in HISTORY and not history:
                continue
            columns = ", ".join(c.name for c in table.c if versions or c.name != "row_version")
            rows = conn.execute(f'SELECT {columns} FROM "{table.name}"').fetchall()
            found[table.name] = sorted(rows, key=repr)
        return found
    finally:
        conn.close()
