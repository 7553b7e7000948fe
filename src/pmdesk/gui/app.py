"""``run_gui``: the application object, the main window, the first file, the event loop.

Startup speed is a feature. The window's chrome (menus, toolbar, the list of views,
the file's name in the title) is shown and painted first, with only Qt and pmdesk's
own window code imported; the file is opened right after that first paint, which is
when the store (SQLAlchemy and every model) is imported, and only the first view is
built. Nothing heavy (pyqtgraph, reportlab, alembic, numpy) is imported at all.

With ``PMDESK_BENCH_FIRST_PAINT=1`` the app prints ``window-paint <seconds>`` right
after the window's first paint (the chrome), then ``first-paint-sqlalchemy True|False``
(whether SQLAlchemy had been imported), ``first-paint-cpu <seconds>`` (the
process's CPU time, every thread's, since it started), ``first-paint <seconds>`` and
``first-paint-wall <time.time()>`` right after the first paint that shows what it
opened on (the file's view, or the start page when no file is opened), then quits
with exit code 0. Seconds count from this module's import. benchmarks/ uses it:
``first-paint`` is the figure for "a file to a drawn window" (open_large.py),
``window-paint`` the one for "cold start to a painted window" (startup.py).
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # as early as this module can: before Qt is imported

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

# Packages that never import Qt: pmdesk's lower layers (tests/test_layering.py holds them to
# it) and what they build on. PySide6's feature hook asks nothing of their modules.
WITHOUT_QT = ("pmdesk.core", "pmdesk.store", "pmdesk.exchange", "sqlalchemy", "reportlab")
_INSIDE_WITHOUT_QT = tuple(f"{package}." for package in WITHOUT_QT)


def quicker_feature_scan() -> bool:
    """Spare every module imported after PySide6 a read of its source by PySide6.

    Once PySide6 is imported, shiboken's import hook asks of every new module whether it
    uses PySide6 (for its opt-in ``from __feature__ import ...``), by searching the
    module's source for "PySide6" through ``inspect.getsource``: linecache and the
    tokenizer, about 1 ms a module. SQLAlchemy and the models (300 modules) load after
    Qt, on the worker that opens the file: 0.1 s of every start. Modules of packages that
    never import Qt (``WITHOUT_QT``) are answered at once; others get the same search on
    their file's bytes; a module without a ``.py`` file gets PySide6's own. Returns
    whether the hook was found (a PySide6 without it needs nothing).
    """
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:
        return False
    if getattr(original, "reads_bytes", False):
        return True

    def uses_pyside(module: object) -> bool:
        name = getattr(module, "__name__", "")
        if name in WITHOUT_QT or name.startswith(_INSIDE_WITHOUT_QT):
            return False
        source = getattr(module, "__file__", None)
        if not isinstance(source, str) or not source.endswith(".py"):
            return bool(original(module))
        try:
            with open(source, "rb") as file:
                return b"PySide6" in file.read()
        except OSError:
            return bool(original(module))

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    uses_pyside.pyside_own = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]
    return True


quicker_feature_scan()  # before the window's own modules and the store are imported

from pmdesk.paths import resource_path

from .widgets.first_paint import AfterFirstPaint

if TYPE_CHECKING:
    from .main_window import MainWindow

BENCH_ENV = "PMDESK_BENCH_FIRST_PAINT"
EMOJI_FONT = "Symbola.ttf"  # resources/fonts: the PDFs embed it too


class FirstPaintReporter(QObject):
    """Reports the window's first paint, then the first paint of what it opened on, and quits.

    ``window-paint`` follows the first paint of the window (the chrome). Once the file
    is open (``opened``), the page the window then shows (the view, or the start page)
    is watched, and ``first-paint`` follows its first paint.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._window_seen = False
        self._shown: QWidget | None = None
        window.installEventFilter(self)

    def opened(self, shown: QWidget) -> None:
        """The file is open (or none was asked for) and ``shown`` is on screen: watch it."""
        self._shown = shown
        shown.installEventFilter(self)
        shown.update()  # painted now even where nothing changed (the start page shown again)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # Zero delay: each report follows the paint that is under way, not precedes it.
            if watched is self._window and not self._window_seen:
                self._window_seen = True
                QTimer.singleShot(0, self._report_window)
            if self._shown is not None and watched is self._shown:
                self._shown = None  # once
                QTimer.singleShot(0, self._report)
        return False

    def _report_window(self) -> None:
        print(f"window-paint {time.perf_counter() - _STARTED:.4f}", flush=True)

    def _report(self) -> None:
        # Whether SQLAlchemy was loaded by then: a file's first view is drawn before the
        # store loads when it can be (pmdesk.store.early).
        print(f"first-paint-sqlalchemy {'sqlalchemy' in sys.modules}")
        print(f"first-paint-cpu {time.process_time():.4f}")
        print(f"first-paint {time.perf_counter() - _STARTED:.4f}")
        print(f"first-paint-wall {time.time():.6f}", flush=True)
        QApplication.exit(0)


def prepare_qt() -> None:
    """What Qt reads once, before it first draws (``benchmarks/roadmap.py`` calls it too).

    Qt hands a large fill (the Fusion style's scroll bars and gradients among them) to a
    pool of threads and waits for them: on two cores that costs more than the fill itself
    (the roadmap's scroll bar, repainted on every zoom: 0.9 ms instead of 0.2 ms). Where
    there are more cores, as measured nowhere here, Qt keeps its pool: a large picture
    (an exported chart, a projector's screen) may gain from it.
    """
    if (os.cpu_count() or 1) <= 2:
        os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def application() -> QApplication:
    """The application object as pmdesk starts it (its names, the emoji font); the one
    already made, if any. docs/make_screenshots.py starts with it too, so that its
    pictures are the app's."""
    prepare_qt()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pmdesk")
    app.setOrganizationName("pmdesk")
    app.setDesktopFileName("pmdesk")
    # Emoji fall back to the monochrome font the PDFs embed, not to empty boxes (about 5 ms).
    QFontDatabase.addApplicationFont(str(resource_path("fonts", EMOJI_FONT)))
    return app


def _team_url(path: Path | str | None) -> str | None:
    """``path`` if it is a team workspace's address (``postgresql://``), else None."""
    if isinstance(path, str) and path.lower().startswith(("postgresql://", "postgres://")):
        return path
    return None


def opening_name(path: Path | str | None, last_file: str) -> str | None:
    """The name of the file a start on ``path`` opens (else the last file), which the
    window shows while it opens; None for a team workspace or no file (the start page)."""
    if _team_url(path) is not None:
        return None
    target = _startup_file(None if path is None else Path(path), last_file)
    return target.stem if target is not None else None


def _startup_file(path: Path | None, last_file: str) -> Path | None:
    """The file given, else the last file if it still exists, else none (the start page)."""
    if path is not None:
        return Path(path)
    if last_file and Path(last_file).is_file():
        return Path(last_file)
    return None


def report_errors_in(window) -> None:
    """A pmdesk error that escapes an event handler is a message in ``window``, not a traceback.

    Views read the file as they are shown; damage met only then (text that is not
    UTF-8, a page that breaks) comes out of a slot as DamagedWorkspaceError, which Qt
    would print to a terminal nobody watches. Anything else keeps Python's own report.
    """
    from pmdesk.core.errors import PmdeskError

    fallback = sys.excepthook

    def hook(kind, error, trace) -> None:
        if isinstance(error, PmdeskError):
            window.dialogs.error("pmdesk", str(error))
        else:
            fallback(kind, error, trace)

    sys.excepthook = hook


class _VersionReader(QObject):
    """Reads pmdesk's version on a thread of its own and hands it to the application.

    ``importlib.metadata`` takes 25-40 ms to import and search. Read on the window's
    thread right after the first view was drawn, it held up whatever came next there: a
    click, a key, the repaint that follows the first view's (measured 40 ms later).
    """

    found = Signal(str)  # emitted on the reading thread: queued to the application's

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.found.connect(app.setApplicationVersion)
        self.found.connect(self.deleteLater)

    def start(self) -> None:
        threading.Thread(target=self._read, name="pmdesk-version", daemon=True).start()

    def _read(self) -> None:
        from pmdesk import __version__

        with contextlib.suppress(RuntimeError):  # the application has gone meanwhile
            self.found.emit(__version__)


def _set_version() -> None:
    _VersionReader(QApplication.instance()).start()


_FREEZE_ONCE_DRAWN = False  # set by run_gui: what its start made is frozen once drawn


def _once_drawn() -> None:
    """What waits for the first view to be on screen: the version (read on a thread), and
    the cycle collector (paused for the start by ``run_gui``) collecting again.

    What the start made (modules, classes, the window, a large plan's rows) is frozen
    first: it lives as long as the window does, and the collector would otherwise walk
    all of it at its first full collection, just after the view appears (0.14 s on a
    100,000-item plan, 15 ms frozen). Frozen objects are still freed when their last
    reference goes; only a cycle among them waits for the process's end.
    """
    global _FREEZE_ONCE_DRAWN
    if _FREEZE_ONCE_DRAWN:  # pmdesk's own start (run_gui), not a window opened by a test
        _FREEZE_ONCE_DRAWN = False
        gc.freeze()
    gc.enable()
    _set_version()


def show_and_open(
    window: MainWindow,
    path: Path | str | None,
    opened: Callable[[QWidget], None] | None = None,
) -> AfterFirstPaint:
    """Show ``window`` and open ``path`` (else the last file) right after its first paint.

    The first paint is the window's chrome with the file's name in the title and the
    list of views; the file (and the store, SQLAlchemy and the models with it) follows,
    then the view. A ``postgresql://`` address opens a team workspace (the password is
    asked for). A file that cannot be opened leaves the start page, with the reason.
    ``opened`` is called with the page on screen once the file is open (or is not).
    Python's cycle collector, if paused for the start (``run_gui``), collects again once
    that page is drawn.
    Returns what waits for the first paint (its ``done`` follows the opening).
    """
    team_url = _team_url(path)
    target = None if team_url else _startup_file(path, window.settings.last_file)
    if target is not None:
        window.show_opening(target.stem)

    def open_first() -> None:
        if not window.isVisible():  # closed before its first paint: nothing left to open
            return
        if team_url is not None:
            window.open_url(team_url)
        elif target is not None and not window.open_path(target):
            window.show_start_page()
        window.statusBar().clearMessage()  # "Opening …"
        page = window.pages.currentWidget()
        view = window.view_host.current_view() if page is window.view_host else None
        # Reading the version imports importlib.metadata (25 ms): once the view is drawn.
        AfterFirstPaint(view or page, _once_drawn)
        if opened is not None:
            opened(view or page)

    waiting = AfterFirstPaint(window, open_first)
    window.show()
    return waiting


def run_gui(path: Path | str | None = None) -> int:
    """Run pmdesk's window on ``path`` (or the last file); returns the exit code.

    A ``postgresql://`` address opens a team workspace (the password is asked for).
    The window is shown first (its chrome, with the file's name); the file is opened
    right after its first paint (``show_and_open``).

    Python's cycle collector is paused until the first view is drawn (``pmdesk.cli``
    pauses it before Qt is imported): a start makes objects that live on (modules,
    SQLAlchemy's and the models' classes, a large plan's rows), and collecting over and
    over while they are made is wasted; it runs again once the view is on screen.
    """
    global _FREEZE_ONCE_DRAWN
    gc.disable()  # in case the command line did not (the self-test, a test)
    _FREEZE_ONCE_DRAWN = True
    app = application()
    from . import theme
    from .main_window import MainWindow
    from .settings import Settings

    settings = Settings.load()
    theme.apply_theme(app, settings.theme)
    app.setWindowIcon(theme.app_icon())
    window = MainWindow(settings=settings, opening=opening_name(path, settings.last_file))
    report_errors_in(window)
    reporter: FirstPaintReporter | None = None

    def opened(page: QWidget) -> None:
        if reporter is not None:
            reporter.opened(page)

    show_and_open(window, path, opened)
    if os.environ.get(BENCH_ENV) == "1":
        # Installed after show_and_open's filter, so it sees the first paint first:
        # "window-paint" is printed before the file is opened.
        reporter = FirstPaintReporter(window)
    code = app.exec()
    gc.enable()  # closed before anything was drawn
    if window.isVisible():  # quit by QApplication.exit: still close the file cleanly
        window.close()
    return code
