"""Build pmdesk as a self-contained one-folder app with PyInstaller, and package it.

    bash installer/dev.sh bundle [--smoke]          # sets up .venv first, then runs this
    .venv/bin/python installer/build.py [--smoke] [--dist DIR] [--work DIR] [--no-archive]

1. installs the exact PyInstaller pins of pyproject.toml's ``build`` extra into the
   Python running this script (the project venv), unless they are there already;
2. runs installer/pmdesk.spec -> ``dist/pmdesk/`` (``pmdesk.app`` too on macOS);
3. on Linux adds the desktop integration (``install-user.sh``, ``share/``: desktop entry,
   MIME type, icons) and writes ``dist/pmdesk-<version>-linux-<machine>.tar.gz``;
   on Windows runs Inno Setup's ``iscc`` when it is on the PATH;
4. with ``--smoke``, runs the built ``pmdesk --version`` and ``pmdesk --self-test``.

It prints how long each step took and how big the result is.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import (
    ICON_DIR,
    ICON_SVG,
    INSTALLER,
    PNG_SIZES,
    ROOT,
    Project,
    archive_name,
    build_requirements,
    read_project,
)

SPEC = INSTALLER / "pmdesk.spec"
LINUX = INSTALLER / "linux"
SMOKE_TIMEOUT = 300


class BuildError(Exception):
    """A step failed; the message says which and why."""


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"==> {title}", flush=True)
    started = time.perf_counter()
    yield
    print(f"    done in {time.perf_counter() - started:.1f} s", flush=True)


# -- 1. the build tools ---------------------------------------------------------------------


def missing_requirements(pins: list[str]) -> list[str]:
    """The ``name==version`` pins that this Python does not have at exactly that version."""
    missing = []
    for pin in pins:
        name, _, wanted = pin.partition("==")
        try:
            installed = importlib.metadata.version(name.strip())
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != wanted.strip():
            missing.append(pin)
    return missing


def ensure_build_tools() -> None:
    missing = missing_requirements(build_requirements())
    if not missing:
        return
    if sys.prefix == sys.base_prefix:
        raise BuildError(
            "run this with the project venv's Python (bash installer/dev.sh bundle);"
            f" it would install {' '.join(missing)}"
        )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *missing,
        ],
        check=True,
    )


# -- 2. PyInstaller -------------------------------------------------------------------------


def run_pyinstaller(dist: Path, work: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    subprocess.run(command, check=True, cwd=ROOT)


# -- 3. Linux desktop integration and the archive -------------------------------------------


def linux_share_files() -> dict[str, Path]:
    """What goes under the bundle's ``share/``: path relative to share/ -> source file."""
    files = {
        "applications/pmdesk.desktop": LINUX / "pmdesk.desktop",
        "mime/packages/pmdesk.xml": LINUX / "pmdesk.xml",
        "icons/hicolor/scalable/apps/pmdesk.svg": ICON_SVG,
        "icons/hicolor/scalable/mimetypes/application-x-pmdesk.svg": ICON_SVG,
    }
    for size in PNG_SIZES:
        png = ICON_DIR / f"pmdesk-{size}.png"
        files[f"icons/hicolor/{size}x{size}/apps/pmdesk.png"] = png
        files[f"icons/hicolor/{size}x{size}/mimetypes/application-x-pmdesk.png"] = png
    return files


def add_linux_files(bundle: Path) -> None:
    """install-user.sh beside the executable, and the files it installs under share/."""
    for relative, source in linux_share_files().items():
        if not source.is_file():
            raise BuildError(f"{source} is missing (icons: run installer/make_icons.py)")
        target = bundle / "share" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    script = bundle / "install-user.sh"
    shutil.copyfile(LINUX / "install-user.sh", script)
    script.chmod(0o755)


def _normalised(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No build machine's user names or ids in the archive; files keep their modes."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def make_archive(bundle: Path, target: Path) -> Path:
    """``target`` (.tar.gz) holding ``bundle`` as its one top folder, written atomically."""
    partial = target.with_name(target.name + ".part")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=bundle.name, filter=_normalised)
    os.replace(partial, target)
    return target


def run_inno_setup(project: Project) -> Path | None:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        print("    iscc (Inno Setup 6) is not on the PATH: no installer made")
        return None
    subprocess.run(
        [iscc, f"/DAppVersion={project.version}", str(INSTALLER / "windows" / "pmdesk.iss")],
        check=True,
    )
    return ROOT / "dist" / f"{project.name}-{project.version}-windows-x64-setup.exe"


# -- 4. smoke test --------------------------------------------------------------------------


def executable(bundle: Path, project: Project) -> Path:
    if sys.platform == "win32":
        return bundle / f"{project.name}-cli.exe"  # the console one: its output is readable
    return bundle / project.name


def smoke_test(program: Path, project: Project) -> None:
    """The built app reports the right version and passes its own self-test."""
    result = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, timeout=SMOKE_TIMEOUT
    )
    if result.returncode != 0 or result.stdout.strip() != f"{project.name} {project.version}":
        raise BuildError(f"{program} --version said {result.stdout!r} {result.stderr!r}")
    print(f"    {result.stdout.strip()}")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [str(program), "--self-test"],
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT,
        env=env,
    )
    print(re.sub(r"(?m)^", "    ", result.stdout.rstrip()))
    if result.returncode != 0:
        raise BuildError(f"{program} --self-test failed:\n{result.stderr}")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dist",
        type=Path,
        default=ROOT / "dist",
        help="where the app and the archive go (default: dist/)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "build" / "pyinstaller",
        help="PyInstaller's working folder (default: build/pyinstaller/)",
    )
    parser.add_argument("--no-archive", action="store_true", help="skip the .tar.gz")
    parser.add_argument(
        "--smoke", action="store_true", help="then run the built pmdesk --version and --self-test"
    )
    args = parser.parse_args(argv)
    project = read_project()
    dist, started = args.dist.resolve(), time.perf_counter()
    bundle = dist / project.name
    try:
        with step(f"build tools: {' '.join(build_requirements())}"):
            ensure_build_tools()
        with step(f"PyInstaller: {project.name} {project.version} -> {bundle}"):
            run_pyinstaller(dist, args.work.resolve())
        if sys.platform.startswith("linux"):
            with step("Linux desktop entry, MIME type, icons, install-user.sh"):
                add_linux_files(bundle)
            if not args.no_archive:
                with step(f"archive: {archive_name(project)}"):
                    archive = make_archive(bundle, dist / archive_name(project))
                print(f"    {archive.stat().st_size / 2**20:.1f} MiB")
        elif sys.platform == "win32":
            with step("Inno Setup installer"):
                run_inno_setup(project)
        if args.smoke:
            with step("smoke test: --version, --self-test"):
                smoke_test(executable(bundle, project), project)
    except (BuildError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    print(
        f"{bundle}: {folder_size(bundle) / 2**20:.0f} MiB; "
        f"built in {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
