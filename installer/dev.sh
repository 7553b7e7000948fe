#!/usr/bin/env bash
# Sets up everything pmdesk needs on a fresh machine, then runs the app or the tests.
#
#   bash installer/dev.sh demo    # launch pmdesk on a freshly generated demo portfolio
#   bash installer/dev.sh test    # lint, format and type checks, then the whole test suite
#   bash installer/dev.sh quick   # the type check and the tests but the slow ones (a developer's loop)
#   bash installer/dev.sh run [FILE|ARGS...]   # launch pmdesk with any arguments
#   bash installer/dev.sh bundle [--smoke]     # build the self-contained app (installer/build.py)
#   bash installer/dev.sh libraries             # only the Debian libraries of Qt's real window
#
# It needs Python 3.12 or newer (PySide6 6.12 on CPython 3.11 corrupts the
# reference count of None in paint() overrides; 3.12 made None immortal). It
# creates ./.venv, installs the pinned packages from pyproject.toml, and the
# Debian libraries Qt needs for a real window when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv

python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in "${PMDESK_PYTHON:-}" python3.13 python3.12 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"; return 0
        fi
    done
    # pyenv shims refuse versions that are not selected; look at the installs directly.
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 \
                     /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
        if [ -x "$candidate" ] && python_ok "$candidate"; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

apt_install() {
    # Install Debian packages that are missing (root only; otherwise say what to install).
    local missing=() pkg
    command -v dpkg-query >/dev/null 2>&1 || return 0
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "pmdesk: installing ${missing[*]}" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    else
        echo "pmdesk: please install these packages: ${missing[*]}" >&2
    fi
}

setup_venv() {
    local python
    if ! python=$(find_python); then
        echo "pmdesk: Python 3.12 or newer is required and none was found." >&2
        echo "        Install python3.12 (or set PMDESK_PYTHON=/path/to/python3.12)." >&2
        exit 1
    fi
    if [ -x "$VENV/bin/python" ] && ! python_ok "$VENV/bin/python"; then
        echo "pmdesk: $VENV uses an older Python; recreating it with $python" >&2
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        "$python" -m venv "$VENV"
    fi
    # Reinstall only when the pinned dependencies changed.
    local stamp="$VENV/.pmdesk-installed" wanted
    wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
        echo "$wanted" > "$stamp"
    fi
}

gui_libraries() {
    # What Qt's xcb platform plugin loads on a desktop Debian/Ubuntu.
    apt_install libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 \
        libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 \
        libxcb-image0 libxcb-randr0 libxcb-xinerama0
}

test_tools() {
    # Offscreen Qt needs fontconfig and EGL; PDF tests read pages back with poppler.
    apt_install libegl1 libfontconfig1 libgl1 libxkbcommon0 poppler-utils postgresql
    # MS Project exports are read back by MPXJ, which runs on a Java runtime.
    command -v java >/dev/null 2>&1 || apt_install default-jre-headless
    # Decks and workbooks are converted to PDF (and workbooks recalculated) by LibreOffice.
    apt_install libreoffice-impress libreoffice-calc
}

house_rules() {
    # The house rules CI holds the tree to (pyproject.toml [tool.ruff]): lint, then format.
    local tree=(src tests benchmarks installer docs)
    "$VENV/bin/ruff" check --no-cache "${tree[@]}"
    "$VENV/bin/ruff" format --check --no-cache "${tree[@]}" >/dev/null \
        || { "$VENV/bin/ruff" format --check --no-cache "${tree[@]}"; exit 1; }
}

type_check() {
    # core, store, exchange and the Qt-free CLI commands type-check clean ([tool.mypy]).
    "$VENV/bin/mypy"
}

command=${1:-demo}
shift || true
case "$command" in
    demo)
        gui_libraries
        setup_venv
        exec "$VENV/bin/python" -m pmdesk --demo "$@"
        ;;
    run)
        gui_libraries
        setup_venv
        exec "$VENV/bin/python" -m pmdesk "$@"
        ;;
    test)
        test_tools
        setup_venv
        house_rules
        type_check
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    quick)
        # The developer's loop: everything but the slow tests (the SIGKILL rounds, the
        # bundle build). CI and "test" run them all.
        test_tools
        setup_venv
        type_check
        exec "$VENV/bin/python" -m pytest -m "not slow and not bundle" "$@"
        ;;
    libraries)
        # What a real window needs and nothing else (benchmarks/vs_planner.py starts the app
        # on an X display).
        gui_libraries
        ;;
    bundle)
        # With the GUI libraries present, PyInstaller copies them into the bundle.
        gui_libraries
        setup_venv
        exec "$VENV/bin/python" installer/build.py "$@"
        ;;
    *)
        echo "usage: bash installer/dev.sh demo|run [ARGS]|test|quick [PYTEST ARGS]|bundle [--smoke]|libraries" >&2
        exit 2
        ;;
esac
