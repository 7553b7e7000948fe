"""The arrows point down: gui -> exchange -> store -> core. Qt stays in the GUI layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "pmdesk"
QT = ("PySide6", "pyqtgraph", "shiboken6")
LAYERS = {"core": 0, "store": 1, "exchange": 2, "gui": 3}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            package = path.relative_to(SRC).parts[: -node.level]
            names.append(".".join(("pmdesk", *package, node.module or "")))
    return names


def test_no_qt_outside_the_gui_layer():
    offenders = []
    for layer in ("core", "store", "exchange"):
        for path in (SRC / layer).rglob("*.py"):
            offenders += [
                f"{path.relative_to(SRC)}: {n}" for n in _imports(path) if n.split(".")[0] in QT
            ]
    assert not offenders, offenders


def test_layers_only_import_downwards():
    offenders = []
    for layer, rank in LAYERS.items():
        for path in (SRC / layer).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] == "pmdesk" and len(parts) > 1 and parts[1] in LAYERS:
                    if LAYERS[parts[1]] > rank:
                        offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert not offenders, offenders


def test_store_imports_without_qt_at_runtime():
    code = (
        "import sys, pmdesk.store.workspace, pmdesk.store.services, pmdesk.core.validation;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','pyqtgraph')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_first_view_and_what_it_reads_import_without_sqlalchemy():
    """What a file's first view is drawn with before SQLAlchemy and the models load
    (``pmdesk.store.early``): the window, the roadmap view and its chart, the portfolio
    view, the file's checks, and the roadmap's, the portfolio's and the plan's reads."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen';"
        "import pmdesk.store.early, pmdesk.store.roadmap_rows, pmdesk.store.sqlite_file;"
        "import pmdesk.store.plain, pmdesk.store.portfolio_rows, pmdesk.store.plan_rows;"
        "import pmdesk.gui.main_window, pmdesk.gui.views.roadmap, pmdesk.gui.gantt.panel;"
        "import pmdesk.gui.portfolio.view;"
        "bad=[m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'"
        " or m.startswith(('pmdesk.store.models', 'pmdesk.store.services'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
