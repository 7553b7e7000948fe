"""pmdesk's MS Project XML, read back by an independent reader: MPXJ (on the Java runtime).

A plan written by pmdesk must mean the same in MS Project: each lag keeps its unit and
whether it counts working or elapsed time, the calendar keeps its working weekdays,
holidays and extra working days, and every item keeps its dates. And a real plan
saved by MS Project, imported and exported again, keeps every link's type and lag.

MPXJ runs in a process of its own (``mpxj_read.py``): one run reads every file a test
hands it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pmdesk.exchange.mspdi import export_mspdi, import_mspdi
from pmdesk.store.services import CalendarService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

READER = Path(__file__).with_name("mpxj_read.py")
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "mspdi"
NOW = dt.datetime(2027, 2, 1, 9, 0)
MON = dt.date(2027, 3, 1)

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None, reason="MPXJ needs a Java runtime (installer/dev.sh installs one)"
)


def mpxj(*paths: Path) -> list[dict]:
    done = subprocess.run(
        [sys.executable, str(READER), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _day(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


def _plan(ws: Workspace, name: str) -> tuple[int, dict[str, int]]:
    """A product whose links count working days, elapsed days, a week and hours."""
    product = ws.service(PortfolioService).create_product(name=name)
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform")

    def item(label: str, first: int, last: int) -> int:
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=label,
            start_date=_day(first),
            end_date=_day(last),
        ).id

    ids = {
        "Design": item("Design", 0, 4),
        "Build": item("Build", 8, 11),
        "Docs": item("Docs", 7, 9),
        "Test": item("Test", 15, 18),
        "Ship": item("Ship", 14, 17),
    }
    link = roadmap.dependencies.create
    link(predecessor_id=ids["Design"], successor_id=ids["Build"], lag_days=2, lag_elapsed=False)
    link(predecessor_id=ids["Design"], successor_id=ids["Docs"], lag_days=2, lag_elapsed=True)
    link(
        predecessor_id=ids["Build"],
        successor_id=ids["Test"],
        type="SS",
        lag_days=5,
        lag_elapsed=False,
        lag_unit="week",
        lag_exact=24_000,  # one working week of 5 × 480 minutes, in tenths of a minute
    )
    link(
        predecessor_id=ids["Docs"],
        successor_id=ids["Ship"],
        type="FF",
        lag_days=1,
        lag_elapsed=False,
        lag_unit="hour",
        lag_exact=2_400,  # four hours
    )
    return product.id, ids


@pytest.fixture
def workspace(tmp_path: Path):
    ws = Workspace.create(tmp_path / "reference.pmdesk", name="Reference")
    yield ws
    ws.close()


def _links_by_name(document: dict) -> Counter:
    names = {t["uid"]: t["name"] for t in document["tasks"]}
    return Counter(
        (names[link["pred"]], task["name"], link["type"], tuple(link["lag"]))
        for task in document["tasks"]
        for link in task["links"]
    )


def test_lags_keep_their_unit_and_kind_in_ms_project(workspace, tmp_path: Path):
    product, _ids = _plan(workspace, "Atlas")
    path = tmp_path / "atlas.xml"
    export_mspdi(workspace, product, path, now=NOW)
    (document,) = mpxj(path)
    assert _links_by_name(document) == Counter(
        {
            ("Design", "Build", "FS", (2.0, "d")): 1,  # two working days
            ("Design", "Docs", "FS", (2.0, "ed")): 1,  # two elapsed days
            ("Build", "Test", "SS", (1.0, "w")): 1,
            ("Docs", "Ship", "FF", (4.0, "h")): 1,
        }
    )


def test_items_keep_their_dates_in_ms_project(workspace, tmp_path: Path):
    product, ids = _plan(workspace, "Atlas")
    path = tmp_path / "atlas.xml"
    export_mspdi(workspace, product, path, now=NOW)
    (document,) = mpxj(path)
    items = {i.name: i for i in workspace.service(RoadmapService).items_of(product)}
    found = {t["name"]: t for t in document["tasks"] if t["name"] in ids}
    assert set(found) == set(ids)
    for name, task in found.items():
        assert task["start"][:10] == items[name].start_date.isoformat(), name
        assert task["finish"][:10] == items[name].end_date.isoformat(), name


def test_the_calendar_travels_with_its_holidays_and_extra_days(workspace, tmp_path: Path):
    calendars = workspace.service(CalendarService)
    standard = calendars.workspace_calendar()
    calendars.add_exception(standard.id, name="Company day", start_date=_day(9))
    calendars.add_exception(standard.id, name="Launch Saturday", start_date=_day(12), working=True)
    product, _ids = _plan(workspace, "Atlas")
    # A second product works Sunday to Thursday, on a calendar of its own.
    other, _ = _plan(workspace, "Borealis")
    own = calendars.give_own_calendar(other)
    calendars.update_calendar(own.id, weekdays=0b1001111)

    atlas, borealis = tmp_path / "atlas.xml", tmp_path / "borealis.xml"
    export_mspdi(workspace, product, atlas, now=NOW)
    export_mspdi(workspace, other, borealis, now=NOW)
    first, second = mpxj(atlas, borealis)

    assert first["calendar"]["working"] == [True] * 5 + [False, False]  # Monday first
    assert first["calendar"]["minutes_per_day"] == 480
    exceptions = {(f[:10], t[:10], w) for f, t, w in first["calendar"]["exceptions"]}
    assert (_day(9).isoformat(), _day(9).isoformat(), False) in exceptions
    assert (_day(12).isoformat(), _day(12).isoformat(), True) in exceptions
    assert second["calendar"]["working"] == [True] * 4 + [False, False, True]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.xml")))
def test_a_plan_saved_by_ms_project_keeps_its_links_through_pmdesk(name, tmp_path: Path):
    source = CORPUS / name
    ws = Workspace.create(tmp_path / "corpus.pmdesk", name="Corpus")
    try:
        product = ws.service(PortfolioService).create_product(name="Imported")
        import_mspdi(ws, source.read_bytes(), product_id=product.id)
        exported = tmp_path / "again.xml"
        export_mspdi(ws, product.id, exported, now=NOW)
    finally:
        ws.close()
    original, again = mpxj(source, exported)
    # Summary tasks become lanes in pmdesk: compare the links between plain tasks.
    plain = {t["uid"] for t in original["tasks"] if not t["summary"]}
    kept = Counter(
        {
            key: n
            for key, n in _links_by_name(
                {
                    "tasks": [
                        {**t, "links": [x for x in t["links"] if x["pred"] in plain]}
                        for t in original["tasks"]
                        if t["uid"] in plain
                    ]
                }
            ).items()
        }
    )
    assert _links_by_name(again) >= kept
    assert original["calendar"]["working"] == again["calendar"]["working"]
