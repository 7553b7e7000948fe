"""House rules of the GUI's shape, and File ▸ Export of every view, the way a person uses it.

- the window asks a view for what it offers through hooks declared on BaseView, never by
  looking a name up (``getattr(view, "export_image")``);
- the first-generation views (gui/views/portfolio.py, gui/views/lifecycle.py) are gone and
  nothing imports them;
- one module writes images of widgets (gui/widgets/image_export.py): every view's
  ``export_image`` goes through it;
- every view exports a PNG from the menu on the demo and on a new workspace (with no product
  and with an empty one), and the PNG read back is a real picture of the view.
"""

from __future__ import annotations

import ast
import shutil
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget
from tests.gui.windows import RecordingDialogs, active

import pmdesk.gui
from pmdesk.gui.gantt.view import GanttView
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.gui.views import VIEWS, BaseView, ViewSpec
from pmdesk.gui.views.hooks import NotOffered, offers
from pmdesk.store.services.portfolio import PortfolioService
from pmdesk.store.workspace import Workspace

GUI = Path(pmdesk.gui.__file__).parent
HOOKS = ("export_image", "add_product", "start_voting", "chart_actions")
IMAGE_HELPER = "widgets/image_export.py"
# Modules that read a widget's pixels without writing an image file, and why.
SCREEN_READS = {
    "selftest.py": "measures how much of a view is painted (the start-up self-test)",
    "workshop/presenter.py": "shows a thumbnail of the audience screen to the presenter",
}


def gui_modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(GUI).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(GUI.rglob("*.py"))
    }


# -- hooks, not names ---------------------------------------------------------------------------


def looked_up_names(tree: ast.AST) -> list[str]:
    """Every ``getattr(x, "name")`` or ``hasattr(x, "name")`` with a written name."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            found.append(f"{node.func.id}:{node.args[1].value}")
    return found


def test_the_window_calls_declared_hooks_and_looks_no_hook_up_by_name():
    names = looked_up_names(gui_modules()["main_window.py"])
    assert not [n for n in names if n.startswith("getattr:")], names
    hooks = [n for n in names if n.split(":")[1] in (*HOOKS, "chart")]
    assert hooks == []
    for hook in HOOKS:
        assert callable(getattr(BaseView, hook)), f"BaseView declares {hook}"


def test_the_name_check_can_fail():
    tree = ast.parse('export = getattr(view, "export_image", None)\nhasattr(view, "chart")')
    assert looked_up_names(tree) == ["getattr:export_image", "hasattr:chart"]


def test_every_view_offers_an_image_and_the_defaults_say_not_offered(qtbot, demo_ctx):
    plain = BaseView(demo_ctx)
    qtbot.addWidget(plain)
    for hook in HOOKS:
        assert not offers(plain, getattr(BaseView, hook))
    with pytest.raises(NotOffered):
        plain.export_image(Path("never.png"))
    with pytest.raises(NotOffered):
        plain.chart_actions()
    for spec in VIEWS:
        view = spec.factory(demo_ctx, None)
        qtbot.addWidget(view)
        assert offers(view, BaseView.export_image), spec.key
        assert offers(view, BaseView.add_product) == (spec.key == "portfolio")
        assert offers(view, BaseView.start_voting) == (spec.key in ("canvas", "market"))
        assert offers(view, BaseView.chart_actions) == (spec.key == "roadmap")


def test_actions_a_view_does_not_offer_are_disabled(qtbot, tmp_path):
    """A view that offers no hook: File ▸ Export and Start Dot Voting are off, and the
    Roadmap menu says where its actions are."""
    path = tmp_path / "new.pmdesk"
    Workspace.create(path, name="New").close()
    window = MainWindow(
        settings=Settings(), dialogs=Dialogs(), views=[ViewSpec("plain", "Plain", BaseView)]
    )
    qtbot.addWidget(window)
    assert window.open_path(path)
    actions = window.menu_actions
    assert not actions.export_png.isEnabled()
    assert not actions.start_voting.isEnabled()
    actions.roadmap_menu.aboutToShow.emit()
    texts = [a.text() for a in actions.roadmap_menu.actions()]
    assert texts == ["Available in the Roadmap view"]
    actions.export_png.trigger()  # disabled: nothing is asked, nothing is written
    assert window.dialogs.asked == [] and not list(tmp_path.glob("*.png"))


# -- the first-generation views -----------------------------------------------------------------


def test_the_first_generation_views_are_gone():
    assert not (GUI / "views" / "portfolio.py").exists()
    assert not (GUI / "views" / "lifecycle.py").exists()
    gone = {"pmdesk.gui.views.portfolio", "pmdesk.gui.views.lifecycle"}
    for name, tree in gui_modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level and name.startswith("views/"):
                    module = f"pmdesk.gui.views.{module}".rstrip(".")
                assert module not in gone, f"{name} imports {module}"
                if module == "pmdesk.gui.views" or (node.level and name.startswith("views/")):
                    assert not {a.name for a in node.names} & {"portfolio", "lifecycle"}, name


def test_the_chart_view_owns_its_gestures():
    assert GanttView.__bases__ == (QGraphicsView,)
    assert not any(cls.__name__.endswith("Mixin") for cls in GanttView.__mro__)


# -- one image helper ---------------------------------------------------------------------------


def is_call_of(node: ast.AST, attribute: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == attribute
    )


def image_writers(tree: ast.AST) -> dict[str, int]:
    """How often a module grabs a widget, saves a grab, or makes an SVG generator."""
    found: Counter[str] = Counter()
    for node in ast.walk(tree):
        if is_call_of(node, "grab"):
            found["grab"] += 1
        if is_call_of(node, "save") and is_call_of(node.func.value, "grab"):
            found["grab().save"] += 1
        if isinstance(node, ast.Name) and node.id == "QSvgGenerator":
            found["QSvgGenerator"] += 1
        if isinstance(node, ast.FunctionDef) and node.name in ("export_widget", "export_scene"):
            found[f"def {node.name}"] += 1
    return dict(found)


def test_one_module_writes_images_of_widgets():
    writers = {name: image_writers(tree) for name, tree in gui_modules().items()}
    writers = {name: found for name, found in writers.items() if found}
    helper = writers.pop(IMAGE_HELPER)
    assert helper["grab().save"] == 1 and helper["QSvgGenerator"] >= 1
    assert helper["def export_widget"] == helper["def export_scene"] == 1
    assert writers == {name: {"grab": 1} for name in SCREEN_READS}


def test_the_image_writer_check_can_fail():
    tree = ast.parse(
        "def export_widget(w, p):\n"
        "    w.grab().save(str(p), 'PNG')\n"
        "    from PySide6.QtSvg import QSvgGenerator\n"
        "    QSvgGenerator()\n"
    )
    assert image_writers(tree) == {
        "def export_widget": 1,
        "grab": 1,
        "grab().save": 1,
        "QSvgGenerator": 1,
    }


def test_an_image_that_cannot_be_written_says_so_the_same_way(qtbot, demo_ctx, tmp_path):
    from pmdesk.gui.widgets.image_export import ImageExportError

    view = next(s for s in VIEWS if s.key == "requirements").factory(demo_ctx, None)
    qtbot.addWidget(view)
    view.set_product(demo_ctx.service(PortfolioService).list_products()[0].id)
    for name in ("missing/folder/x.png", "picture.jpg"):
        with pytest.raises(ImageExportError, match="Could not write the image"):
            view.export_image(tmp_path / name)


# -- File ▸ Export from every view ----------------------------------------------------------------


class Dialogs(RecordingDialogs):
    """Answers the window's questions; the image's path is the one the test sets."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[Path] = []
        self.next_png: Path | None = None

    def png_path(self, suggested: Path) -> Path | None:
        self.asked.append(suggested)
        return self.next_png


def workspace_file(source: str, demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / f"{source}.pmdesk"
    if source == "demo":
        shutil.copyfile(demo_template, path)
        return path
    with Workspace.create(path, name="New portfolio") as ws:
        if source == "new, one product":
            ws.service(PortfolioService).create_product(name="Atlas")
    return path


def inked_share(image: QImage) -> float:
    """The share of pixels (every 2nd row and column) not of the picture's commonest colour."""
    colours = Counter(
        image.pixel(x, y) for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
    )
    return 1 - colours.most_common(1)[0][1] / colours.total()


@pytest.mark.parametrize("source", ["demo", "new, no product", "new, one product"])
def test_every_view_exports_a_png_from_the_menu(qtbot, demo_template, tmp_path, source):
    window = MainWindow(settings=Settings(), dialogs=Dialogs())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    active(qtbot, window)
    assert window.open_path(workspace_file(source, demo_template, tmp_path))
    for spec in VIEWS:
        window.view_host.show_view(spec.key)
        QApplication.processEvents()
        view: QWidget = window.view_host.current_view()
        target = tmp_path / f"{spec.key}.png"
        window.dialogs.next_png = target
        action = window.menu_actions.export_png
        assert action.isEnabled(), spec.key
        action.trigger()
        assert window.dialogs.errors == [], spec.key
        image = QImage(str(target))
        assert not image.isNull(), spec.key
        # A picture of the view, not of a page it hides: about the view's size or larger
        # (a drawn board or map is drawn whole), with something drawn on it.
        assert image.width() >= view.width() // 2 and image.height() >= view.height() // 2, (
            spec.key,
            image.size(),
            view.size(),
        )
        assert inked_share(image) > 0.001, spec.key


# -- collaborators, not mixins ------------------------------------------------------------------


def reaches_into_host(cls: ast.ClassDef) -> set[str]:
    """The ``self._x`` a plain class (no base but object) reads without ever owning it.

    A class owns what it assigns to ``self``, defines in its body or declares at class
    level; reading anything else means it relies on a host it is mixed into.
    """
    if any(not (isinstance(b, ast.Name) and b.id == "object") for b in cls.bases):
        return set()
    owned = set()
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            owned.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            owned |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    used = set()
    for node in ast.walk(cls):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            (owned if isinstance(node.ctx, ast.Store | ast.Del) else used).add(node.attr)
    return used - owned


def test_no_gui_class_is_a_mixin_reaching_into_its_host():
    found = {
        f"{name}::{node.name}": sorted(reaches_into_host(node))
        for name, tree in gui_modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and reaches_into_host(node)
    }
    assert found == {}


def test_the_mixin_check_can_fail():
    # The shape table models once followed changes with: a mixin working on the model's ids.
    tree = ast.parse(
        "class FollowsChanges:\n"
        "    MASS_CHANGE = 200\n"
        "    def apply_changes(self, changes):\n"
        "        if self._query is not None:\n"
        "            self._remove(set(changes.ids('x', 'delete')) & self._known)\n"
        "    def _remove(self, ids):\n"
        "        self._order = [i for i in self._order if i not in ids]\n"
        "        self._known -= ids\n"
        "        runs = sorted(self._pos[i] for i in ids)\n"
        "        for i in ids:\n"
        "            self._rows.pop(i, None)\n"
        "        self._reindex()\n"
        "class Owned(object):\n"
        "    def __init__(self):\n"
        "        self._known = set()\n"
        "    def add(self, i):\n"
        "        self._known.add(i)\n"
        "        self._tidy()\n"
        "    def _tidy(self):\n"
        "        pass\n"
    )
    mixin, owned = (n for n in tree.body if isinstance(n, ast.ClassDef))
    assert reaches_into_host(mixin) == {"_query", "_pos", "_rows", "_reindex"}
    assert reaches_into_host(owned) == set()
