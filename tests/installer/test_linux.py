"""Linux integration: the desktop entry, the MIME type (tried on real files), install-user.sh."""

from __future__ import annotations

import configparser
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import build
import project
import pytest

NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
LINUX = project.INSTALLER / "linux"


def _desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.RawConfigParser(delimiters=("=",), strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def _mime_type() -> ET.Element:
    root = ET.parse(LINUX / "pmdesk.xml").getroot()
    assert root.tag == f"{{{NS['m']}}}mime-info"
    types = root.findall("m:mime-type", NS)
    assert [t.get("type") for t in types] == [project.MIME_TYPE]
    return types[0]


def _magic_matches(match: ET.Element, head: bytes) -> bool:
    """shared-mime-info's rule for a string match with nested (all must hold) sub-matches."""
    assert match.get("type") == "string"
    offset, value = int(match.get("offset")), match.get("value").encode()
    found = head[offset : offset + len(value)] == value
    children = match.findall("m:match", NS)
    return found and (not children or any(_magic_matches(c, head) for c in children))


def _file_head(path: Path) -> bytes:
    return path.read_bytes()[:100]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    from pmdesk.store.demo import create_demo

    return create_demo(tmp_path / "Plans & <ideas> 🚀.pmdesk")


@pytest.fixture
def other_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 1234")
        db.execute("CREATE TABLE t (x)")
    return path


def test_desktop_entry_is_valid_and_opens_pmdesk_files():
    entry = _desktop_entry(LINUX / "pmdesk.desktop")
    assert entry["Type"] == "Application" and entry["Name"] and entry["Icon"] == "pmdesk"
    assert entry["Exec"].split()[0] == "pmdesk" and entry["Exec"].split()[-1] in ("%f", "%F")
    assert entry["Terminal"] == "false"
    for key in ("MimeType", "Categories", "Keywords"):
        assert entry[key].endswith(";"), f"{key} is a list and must end with ';'"
    assert project.MIME_TYPE in entry["MimeType"].split(";")
    main_categories = {
        "AudioVideo",
        "Audio",
        "Video",
        "Development",
        "Education",
        "Game",
        "Graphics",
        "Network",
        "Office",
        "Science",
        "Settings",
        "System",
        "Utility",
    }
    assert main_categories & set(entry["Categories"].split(";"))


def test_mime_type_declares_the_glob_and_the_magic():
    mime = _mime_type()
    assert [g.get("pattern") for g in mime.findall("m:glob", NS)] == [f"*.{project.EXTENSION}"]
    magic = mime.find("m:magic", NS)
    assert int(magic.get("priority")) > 50  # above the generic SQLite type
    outer = magic.find("m:match", NS)
    assert outer.get("offset") == "0" and project.SQLITE_HEADER.startswith(
        outer.get("value").encode()
    )
    inner = outer.find("m:match", NS)
    assert int(inner.get("offset")) == project.APPLICATION_ID_OFFSET
    assert inner.get("value").encode() == project.APPLICATION_ID
    assert mime.find("m:sub-class-of", NS).get("type") == "application/vnd.sqlite3"


def test_the_magic_knows_a_workspace_from_other_sqlite_files(demo: Path, other_sqlite: Path):
    outer = _mime_type().find("m:magic/m:match", NS)
    assert _magic_matches(outer, _file_head(demo))
    assert project.is_workspace_header(_file_head(demo))
    for path in (other_sqlite, LINUX / "pmdesk.xml"):
        assert not _magic_matches(outer, _file_head(path))
        assert not project.is_workspace_header(_file_head(path))


@pytest.mark.skipif(
    not (shutil.which("update-mime-database") and shutil.which("gio")),
    reason="needs shared-mime-info and gio",
)
def test_the_desktop_recognises_workspaces_even_renamed(tmp_path, demo, other_sqlite):
    share = tmp_path / "share"
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(LINUX / "pmdesk.xml", share / "mime" / "packages")
    subprocess.run(["update-mime-database", str(share / "mime")], check=True, capture_output=True)
    renamed = tmp_path / "renamed.bin"
    shutil.copy(demo, renamed)
    env = dict(os.environ, XDG_DATA_HOME=str(share), XDG_DATA_DIRS="/usr/local/share:/usr/share")

    def content_type(path: Path) -> str:
        out = subprocess.run(
            ["gio", "info", "-a", "standard::content-type", str(path)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return out.rsplit(":", 1)[1].strip()

    assert content_type(demo) == project.MIME_TYPE
    assert content_type(renamed) == project.MIME_TYPE
    assert content_type(other_sqlite) != project.MIME_TYPE


# -- the bundle's Linux files, the archive and install-user.sh ------------------------------


@pytest.fixture
def fake_bundle(tmp_path: Path) -> Path:
    """A bundle as build.py lays it out, with a shell script standing in for the app."""
    bundle = tmp_path / "dist" / "pmdesk"
    (bundle / "_internal").mkdir(parents=True)
    app = bundle / "pmdesk"
    app.write_text('#!/bin/sh\necho "pmdesk 9.9.9 $*"\n')
    app.chmod(0o755)
    build.add_linux_files(bundle)
    return bundle


def test_add_linux_files_lays_out_share(fake_bundle: Path):
    share = fake_bundle / "share"
    assert (share / "applications" / "pmdesk.desktop").read_text() == (
        LINUX / "pmdesk.desktop"
    ).read_text()
    assert (share / "mime" / "packages" / "pmdesk.xml").is_file()
    for size in project.PNG_SIZES:
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "pmdesk.png"
        assert _png_size(icon) == (size, size)
        assert (icon.parents[1] / "mimetypes" / "application-x-pmdesk.png").is_file()
    assert os.access(fake_bundle / "install-user.sh", os.X_OK)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_generated_icons_match_their_sizes():
    from PIL import Image

    for size in project.PNG_SIZES:
        assert _png_size(project.ICON_DIR / f"pmdesk-{size}.png") == (size, size)
    with Image.open(project.ICON_DIR / "pmdesk.ico") as ico:
        assert sorted(ico.ico.sizes()) == [(s, s) for s in project.ICO_SIZES]
    with Image.open(project.ICON_DIR / "pmdesk.icns") as icns:
        assert {s for s, _, _ in icns.info["sizes"]} >= {16, 32, 128, 256, 512}


def test_archive_holds_the_bundle_as_one_folder(fake_bundle: Path, tmp_path: Path):
    target = build.make_archive(fake_bundle, tmp_path / "pmdesk-9.9.9-linux-x86_64.tar.gz")
    with tarfile.open(target) as archive:
        members = {m.name: m for m in archive.getmembers()}
    assert {name.split("/")[0] for name in members} == {"pmdesk"}
    for name in ("pmdesk/pmdesk", "pmdesk/install-user.sh"):
        assert members[name].mode & stat.S_IXUSR
        assert members[name].uid == 0 and members[name].uname == ""
    assert "pmdesk/share/mime/packages/pmdesk.xml" in members
    assert not target.with_name(target.name + ".part").exists()


def _run_install(script: Path, prefix: Path, tmp_path: Path, *args: str):
    env = dict(
        os.environ,
        PMDESK_PREFIX=str(prefix),
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(prefix / "share"),
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
    )
    return subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_install_user_installs_and_uninstalls(fake_bundle: Path, tmp_path: Path):
    prefix = tmp_path / "a home with spaces" / ".local"
    result = _run_install(fake_bundle / "install-user.sh", prefix, tmp_path)
    assert result.returncode == 0, result.stderr
    installed = prefix / "lib" / "pmdesk" / "pmdesk"
    assert (prefix / "bin" / "pmdesk").resolve() == installed.resolve()
    entry = _desktop_entry(prefix / "share" / "applications" / "pmdesk.desktop")
    assert entry["Exec"] == f'"{installed}" %f' and entry["TryExec"] == str(installed)
    assert (prefix / "share" / "mime" / "packages" / "pmdesk.xml").is_file()
    assert (prefix / "share/icons/hicolor/48x48/apps/pmdesk.png").is_file()
    if shutil.which("update-mime-database"):
        assert (prefix / "share" / "mime" / "application" / "x-pmdesk.xml").is_file()
    assert "installed pmdesk 9.9.9" in result.stdout

    shutil.rmtree(fake_bundle)  # the download may go: uninstall works from the installed copy
    result = _run_install(installed.parent / "install-user.sh", prefix, tmp_path, "uninstall")
    assert result.returncode == 0, result.stderr
    assert not (prefix / "bin" / "pmdesk").exists() and not installed.parent.exists()
    left = {p.relative_to(prefix).as_posix() for p in prefix.rglob("*") if p.is_file()}
    assert not [p for p in left if "pmdesk" in p], left  # only shared caches remain


def test_install_user_refuses_to_replace_a_foreign_folder(fake_bundle, tmp_path):
    prefix = tmp_path / "local"
    (prefix / "lib" / "pmdesk").mkdir(parents=True)
    (prefix / "lib" / "pmdesk" / "precious.txt").write_text("keep me")
    result = _run_install(fake_bundle / "install-user.sh", prefix, tmp_path)
    assert result.returncode != 0 and "not a pmdesk installation" in result.stderr
    assert (prefix / "lib" / "pmdesk" / "precious.txt").read_text() == "keep me"


def test_install_user_without_a_build_says_how_to_make_one(tmp_path):
    lonely = tmp_path / "install-user.sh"
    shutil.copy(LINUX / "install-user.sh", lonely)
    result = _run_install(lonely, tmp_path / "local", tmp_path)
    assert result.returncode != 0 and "dev.sh bundle" in result.stderr
