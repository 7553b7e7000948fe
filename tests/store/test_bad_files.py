"""Files that are not sound pmdesk workspaces are refused clearly and never touched.

Each case builds a bad file in its own folder, records every byte and mtime in
that folder, tries to open it (for writing and read-only) and checks that the
right error came out and that the folder is exactly as it was: same files, same
bytes, same mtimes, no ``-wal``, ``-shm``, ``-journal`` or ``.lock`` left beside it.
"""

from __future__ import annotations

import random
import sqlite3
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from pmdesk.store import schema
from pmdesk.store.errors import DamagedWorkspaceError, NotAWorkspaceError, TooNewError
from pmdesk.store.services import PortfolioService, RoadmapService, StakeholderService
from pmdesk.store.workspace import Workspace

NAME = "plan.pmdesk"


@pytest.fixture(scope="module")
def sound_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a closed, sound workspace with rows in several tables."""
    path = tmp_path_factory.mktemp("sound") / NAME
    ws = Workspace.create(path, name="Sound")
    product = ws.service(PortfolioService).create_product(name="Atlas", vision="v" * 3000)
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform")
    for n in range(40):
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"Item {n}",
            start_date="2027-01-01",
            end_date="2027-02-01",
            notes="n" * 500,
        )
    ws.service(StakeholderService).stakeholders.create(product_id=product.id, name="Dana")
    ws.close()
    return path.read_bytes()


def _folder_state(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under ``folder``: its bytes (None for folders) and mtime."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def _page_size(data: bytes) -> int:
    (size,) = struct.unpack(">H", data[16:18])
    return 65536 if size == 1 else size


def _root_pages_in_the_middle(path: Path) -> list[int]:
    """Root pages of tables and indexes (b-tree pages for sure) in the middle half of the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        pages = [
            row[0]
            for row in conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE rootpage > 1 ORDER BY rootpage"
            )
        ]
        total = conn.execute("PRAGMA page_count").fetchone()[0]
    finally:
        conn.close()
    return [p for p in pages if total // 4 <= p <= 3 * total // 4]


# -- the bad files -------------------------------------------------------------------------


def empty(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    path.write_bytes(b"")
    return path


def text(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    path.write_text('Meeting notes: <b>launch</b> & "pricing" 🚀\n' * 50, encoding="utf-8")
    return path


def png(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    noise = random.Random(7).randbytes(5000)
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise)
    return path


def foreign_database(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, email TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Dana', 'dana@example.com')")
    conn.commit()
    conn.close()
    return path


def pmdesk_id_but_no_tables(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("CREATE TABLE other (x)")
    conn.commit()
    conn.close()
    return path


def truncated_to(size: Callable[[bytes], int]) -> Callable[[Path, bytes], Path]:
    def make(folder: Path, sound: bytes) -> Path:
        path = folder / NAME
        path.write_bytes(sound[: size(sound)])
        return path

    return make


def garbage_in_the_middle(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    path.write_bytes(sound)
    pages = _root_pages_in_the_middle(path)
    assert len(pages) >= 3, "the sound file is too small to corrupt in the middle"
    page_size = _page_size(sound)
    rng = random.Random(2024)
    data = bytearray(sound)
    for page in rng.sample(pages, 3):
        start = (page - 1) * page_size
        data[start : start + page_size] = rng.randbytes(page_size)
    path.write_bytes(bytes(data))
    return path


def garbage_over_rows(folder: Path, sound: bytes) -> Path:
    """Keep the page headers of leaf pages that hold rows, scramble their cells.

    Unlike whole-page garbage (a page that is no b-tree page at all), these pages
    still look like b-tree pages until quick_check follows their cell pointers.
    Garbage over *empty* pages would not do: their unused space is never read.
    """
    path = folder / NAME
    page_size = _page_size(sound)
    pages = _leaf_pages_with_rows(sound, page_size)
    assert len(pages) >= 2, "the sound file has too few pages of rows"
    rng = random.Random(99)
    data = bytearray(sound)
    for page in rng.sample(pages, 2):
        start = (page - 1) * page_size
        data[start + 8 : start + page_size] = rng.randbytes(page_size - 8)
    path.write_bytes(bytes(data))
    return path


def _leaf_pages_with_rows(data: bytes, page_size: int) -> list[int]:
    """Table leaf pages (type 13) with at least one cell, in the middle half of the file."""
    total = len(data) // page_size
    found = []
    for page in range(total // 4, 3 * total // 4 + 1):
        start = (page - 1) * page_size
        kind, cells = data[start], struct.unpack(">H", data[start + 3 : start + 5])[0]
        if page > 1 and kind == 13 and cells > 0:
            found.append(page)
    return found


def newer_format(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    path.write_bytes(sound)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    return path


def a_folder(folder: Path, sound: bytes) -> Path:
    path = folder / NAME
    path.mkdir()
    (path / "inside.txt").write_text("not a workspace")
    return path


def missing(folder: Path, sound: bytes) -> Path:
    return folder / NAME


CASES = [
    pytest.param(empty, NotAWorkspaceError, "empty", id="empty"),
    pytest.param(text, NotAWorkspaceError, "not a database file", id="text"),
    pytest.param(png, NotAWorkspaceError, "not a database file", id="png"),
    pytest.param(foreign_database, NotAWorkspaceError, "another program", id="foreign-sqlite"),
    pytest.param(pmdesk_id_but_no_tables, DamagedWorkspaceError, "damaged", id="no-tables"),
    pytest.param(
        truncated_to(lambda d: len(d) // 2), DamagedWorkspaceError, "truncated", id="truncated-half"
    ),
    pytest.param(
        truncated_to(lambda d: len(d) - _page_size(d)),
        DamagedWorkspaceError,
        "truncated",
        id="truncated-last-page",
    ),
    pytest.param(
        truncated_to(lambda d: 100), DamagedWorkspaceError, "truncated", id="truncated-header-only"
    ),
    pytest.param(
        truncated_to(lambda d: 50),
        DamagedWorkspaceError,
        "header is incomplete",
        id="truncated-50-bytes",
    ),
    pytest.param(
        garbage_in_the_middle,
        DamagedWorkspaceError,
        "integrity check failed|damaged",
        id="garbage-pages",
    ),
    pytest.param(
        garbage_over_rows,
        DamagedWorkspaceError,
        "integrity check failed|damaged",
        id="garbage-over-rows",
    ),
    pytest.param(
        newer_format, TooNewError, f"format 99.*up to {schema.SCHEMA_VERSION}", id="newer-format"
    ),
    pytest.param(a_folder, NotAWorkspaceError, "folder", id="folder"),
    pytest.param(missing, NotAWorkspaceError, "no such file", id="missing"),
]


@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read-only"])
@pytest.mark.parametrize(("make", "error", "message"), CASES)
def test_bad_file_is_refused_and_left_untouched(
    tmp_path: Path, sound_file: bytes, make, error, message, read_only: bool
):
    path = make(tmp_path, sound_file)
    before = _folder_state(tmp_path)

    with pytest.raises(error, match=message) as refused:
        Workspace.open(path, read_only=read_only)

    assert str(refused.value).startswith(f"{NAME}: ")
    assert "\n" not in str(refused.value)
    assert _folder_state(tmp_path) == before


@pytest.mark.parametrize("corrupt", [garbage_in_the_middle, garbage_over_rows])
def test_the_corruption_really_breaks_b_tree_pages(tmp_path: Path, sound_file: bytes, corrupt):
    """Guard for the garbage cases: SQLite's own quick_check must object to the file."""
    path = corrupt(tmp_path, sound_file)
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError:
        result = [("malformed",)]
    finally:
        conn.close()
    assert result != [("ok",)]


def test_too_new_names_both_versions(tmp_path: Path, sound_file: bytes):
    path = newer_format(tmp_path, sound_file)
    with pytest.raises(TooNewError) as refused:
        Workspace.open(path)
    assert (refused.value.file_version, refused.value.app_version) == (99, schema.SCHEMA_VERSION)
    assert "newer pmdesk" in str(refused.value)


def test_sound_file_opens(tmp_path: Path, sound_file: bytes):
    """The control case: the same bytes, unharmed, open and pass the check."""
    path = tmp_path / NAME
    path.write_bytes(sound_file)
    with Workspace.open(path) as ws:
        assert ws.check().ok
        assert ws.service(RoadmapService).items.count() == 40


def test_a_stale_page_count_in_the_header_is_not_truncation(tmp_path: Path, sound_file: bytes):
    """The header's page count means something only when "version-valid-for" (bytes
    92-96) equals the change counter (24-28); an older SQLite leaves it stale, and
    SQLite itself then goes by the file's size. So must pmdesk."""
    data = bytearray(sound_file)
    data[28:32] = (len(data) // _page_size(data) + 50).to_bytes(4, "big")  # overstated
    data[92:96] = (int.from_bytes(data[24:28], "big") - 1).to_bytes(4, "big")
    path = tmp_path / "older-sqlite.pmdesk"
    path.write_bytes(bytes(data))
    with Workspace.open(path, read_only=True) as ws:
        assert ws.check().ok
    # The same overstated count, valid this time: that file really is cut short.
    data[92:96] = data[24:28]
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedWorkspaceError, match="truncated"):
        Workspace.open(path, read_only=True)
