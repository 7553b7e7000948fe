"""Checks the market radar's store tests share: a refusal changes nothing, an edit is one
undo step, and text that breaks naive code (1 MB, right-to-left, emoji, markup)."""

from __future__ import annotations

import pytest
from tests.file_rows import file_rows

from pmdesk.core.errors import PmdeskError
from pmdesk.store.workspace import Workspace

MEGABYTE = "Ünïcödé 🚀 <b>&amp;</b> " * (1_000_000 // 24)  # a megabyte of text, give or take
RTL = "שלום עולם — مرحبا بالعالم"
TRICKY = 'R&D <beta> "quoted", semi;colon \\ back 🚀 Ünïcödé 日本語 =SUM(A1)'


def refused(ws: Workspace, edit, match: str, error: type[PmdeskError] | None = None) -> None:
    """``edit`` is refused (a ValidationError by default) and the file keeps every row,
    row versions included."""
    from pmdesk.core.errors import ValidationError

    before = file_rows(ws.path, versions=True)
    with pytest.raises(error or ValidationError, match=match):
        edit()
    assert file_rows(ws.path, versions=True) == before


def round_trip(ws: Workspace, edit) -> object:
    """``edit`` is one undo step: its journal reverts and replays the file exactly."""
    before = file_rows(ws.path)
    with ws.recording() as journal:
        result = edit()
    after = file_rows(ws.path)
    assert after != before, "the edit wrote nothing"
    assert journal.complete
    ws.revert(journal)
    assert file_rows(ws.path) == before
    ws.replay(journal)
    assert file_rows(ws.path) == after
    return result
