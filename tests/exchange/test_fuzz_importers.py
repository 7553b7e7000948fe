"""Broken files fed to every importer: only PmdeskError comes out, and never a half import.

Hypothesis generates random bytes, valid files cut short, and valid files with
bytes or fields changed. Each importer must either import (then the import is
undone again, exercising the revert) or refuse with a PmdeskError that has a
message — and a refusal must leave every table exactly as it was.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from _interchange_data import CORPUS, build_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.importing import table_counts
from pmdesk.exchange.json_io import export_json, import_json
from pmdesk.exchange.mspdi import export_mspdi, import_mspdi
from pmdesk.exchange.tabular import csv_bytes, export_table, read_csv
from pmdesk.exchange.tabular_import import import_csv
from pmdesk.exchange.tabular_targets import PRESET_JIRA, TARGETS
from pmdesk.store.workspace import Workspace

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One filled workspace and valid files of every kind to break."""
    folder = tmp_path_factory.mktemp("fuzz")
    ws = Workspace.create(folder / "fuzz.pmdesk")
    ids = build_portfolio(ws)
    jira = csv_bytes(
        [
            "Summary",
            "Issue key",
            "Issue Type",
            "Status",
            "Priority",
            "Created",
            "Due date",
            "Description",
            "Labels",
            "Story Points",
        ],
        [
            [
                "Login 🚀",
                "PM-1",
                "Story",
                "To Do",
                "High",
                "12/Mar/24 3:15 PM",
                "30/Apr/24 9:00 AM",
                "a, b; c",
                "x",
                3,
            ],
            ["Export", "PM-2", "Bug", "Done", "Low", "01/Feb/24 9:05 AM", "", "", "", 0.5],
        ],
    )
    files = {
        "csv": [jira, export_table(ws, "stakeholder"), export_table(ws, "metric_value")],
        "mspdi": [export_mspdi(ws, ids["product"]), (CORPUS / "sample.xml").read_bytes()],
        "json": [export_json(ws)],
    }
    yield ws, ids, files, folder
    ws.close()


def _refused_cleanly(ws: Workspace, run) -> None:
    """Run one import: success is undone; a refusal must be a PmdeskError and change nothing."""
    before = table_counts(ws)
    try:
        result = run()
    except PmdeskError as exc:
        assert str(exc).strip(), "a refusal explains itself"
        assert table_counts(ws) == before, "a refused import left rows behind"
        return
    result.revert(ws)
    assert table_counts(ws) == before


def _import_csv_everywhere(ws: Workspace, product_id: int, data: bytes) -> None:
    try:
        table = read_csv(data)
    except PmdeskError as exc:
        assert str(exc).strip()
        return
    for target in TARGETS:
        for preset in ("none", PRESET_JIRA):
            _refused_cleanly(
                ws,
                lambda t=target, p=preset: import_csv(
                    ws, table, target=t, product_id=product_id, preset=p
                ),
            )


def _mutate(data: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, replacement in cuts:
        at = position % max(len(out), 1)
        out[at : at + len(replacement)] = replacement
    return bytes(out)


MUTATIONS = st.lists(
    st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6
)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(world, data: bytes):
    ws, ids, _files, folder = world
    _import_csv_everywhere(ws, ids["product"], data)
    _refused_cleanly(ws, lambda: import_mspdi(ws, data, product_id=ids["product"]))
    _json_refused_cleanly(data, folder)


@FUZZ
@given(
    kind=st.sampled_from(["csv", "mspdi", "json"]),
    which=st.integers(0, 2),
    fraction=st.floats(0, 1),
)
def test_valid_files_cut_short(world, kind: str, which: int, fraction: float):
    ws, ids, files, folder = world
    source = files[kind][which % len(files[kind])]
    _feed(ws, ids, folder, kind, source[: int(len(source) * fraction)])


@FUZZ
@given(kind=st.sampled_from(["csv", "mspdi", "json"]), which=st.integers(0, 2), cuts=MUTATIONS)
def test_valid_files_with_bytes_changed(world, kind: str, which: int, cuts):
    ws, ids, files, folder = world
    source = files[kind][which % len(files[kind])]
    _feed(ws, ids, folder, kind, _mutate(source, cuts))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@FUZZ
@given(
    picks=st.lists(
        st.tuples(st.integers(0, 10**4), st.integers(0, 10**4), JSON_VALUES), min_size=1, max_size=4
    )
)
def test_json_fields_changed(world, picks):
    _ws, _ids, files, folder = world
    document = json.loads(files["json"][0])
    tables = [rows for rows in document["tables"].values() if rows]
    for table_pick, row_pick, value in picks:
        row = tables[table_pick % len(tables)][row_pick % len(tables[table_pick % len(tables)])]
        column = sorted(row)[row_pick % len(row)]
        row[column] = value
    _json_refused_cleanly(json.dumps(document).encode(), folder)


MSPDI_FIELDS = (
    "UID ID Name Start Finish OutlineLevel Summary Milestone PercentComplete Type LinkLag "
    "LagFormat PredecessorUID Number Duration MinutesPerDay CalendarUID DayType DayWorking "
    "FromTime ToTime FromDate ToDate BaseCalendarUID"
).split()
# Values that have broken importers elsewhere: overflowing numbers, edge dates, not-numbers.
AWKWARD = st.sampled_from(
    [
        "1e999",
        "9" * 500,
        "-0",
        "NaN",
        "inf",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00:00",
        "31/12/99999",
        "2024-02-30",
        "-1",
        "PT99999999999H0M0S",
        "",
        " ",
        "=1+1",
        "🚀",
    ]
)
VALUES = st.text(max_size=12) | st.integers(-(10**12), 10**12).map(str) | AWKWARD


@FUZZ
@given(
    names=st.lists(st.sampled_from(MSPDI_FIELDS), min_size=1, max_size=4),
    values=st.lists(VALUES, min_size=4, max_size=4),
    which=st.integers(0, 1),
)
def test_mspdi_fields_changed(world, names, values, which):
    ws, ids, files, _folder = world
    text = files["mspdi"][which].decode("utf-8")
    for name, value in zip(names, values, strict=False):
        escaped = value.replace("&", "&amp;").replace("<", "&lt;")
        text = re.sub(rf"<{name}>[^<]*</{name}>", f"<{name}>{escaped}</{name}>", text, count=3)
    _refused_cleanly(ws, lambda: import_mspdi(ws, text.encode(), product_id=ids["product"]))


@FUZZ
@given(
    cells=st.lists(
        st.tuples(st.integers(0, 50), st.integers(0, 50), VALUES), min_size=1, max_size=5
    ),
    which=st.integers(0, 2),
)
def test_csv_cells_changed(world, cells, which):
    ws, ids, files, _folder = world
    table = read_csv(files["csv"][which])
    rows = [list(row) for row in table.rows]
    for row_pick, column_pick, value in cells:
        row = rows[row_pick % len(rows)]
        row[column_pick % len(row)] = value
    _import_csv_everywhere(ws, ids["product"], csv_bytes(table.headers, rows))


def _feed(ws, ids, folder: Path, kind: str, data: bytes) -> None:
    if kind == "csv":
        _import_csv_everywhere(ws, ids["product"], data)
    elif kind == "mspdi":
        _refused_cleanly(ws, lambda: import_mspdi(ws, data, product_id=ids["product"]))
    else:
        _json_refused_cleanly(data, folder)


def _json_refused_cleanly(data: bytes, folder: Path) -> None:
    """A JSON import makes a new file: on refusal there must be no trace of it."""
    target = folder / f"{uuid.uuid4().hex}.pmdesk"
    try:
        import_json(data, target)
    except PmdeskError as exc:
        assert str(exc).strip()
        assert not list(folder.glob(f"{target.name}*")), "a refused import left a file behind"
        return
    with Workspace.open(target) as copy:
        assert copy.check().ok
