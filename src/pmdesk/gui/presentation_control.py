"""Presenting from the main window: Present (F5), the presenter view, stepping, the timer.

The main window owns one ``PresentationControl`` and wires its menu actions to it; the
control borrows the current view into a :class:`~pmdesk.gui.present.PresentationWindow`
on the chosen screen, opens the presenter view on the laptop when there are two screens,
walks the views with PageDown/PageUp, and gives the view back (following it in the
sidebar) when the presentation ends. The window itself keeps no presentation state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QMainWindow, QWidget

if TYPE_CHECKING:
    from .actions import WindowActions
    from .context import AppContext
    from .navigation import ViewHost
    from .present import PresentationWindow
    from .settings import Settings
    from .workshop.presenter import PresenterWindow
    from .workshop.timer import WorkshopTimer


class PresentationControl(QObject):
    def __init__(
        self,
        window: QMainWindow,
        view_host: ViewHost,
        actions: WindowActions,
        settings: Settings,
        context: Callable[[], AppContext | None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.view_host = view_host
        self.actions = actions
        self.settings = settings
        self._context = context
        self.presentation: PresentationWindow | None = None
        self.presenter: PresenterWindow | None = None
        self.scale = 1.0  # the text scale chosen in the last presentation
        self._timer: WorkshopTimer | None = None
        a = actions
        a.present.triggered.connect(self.toggle)
        a.stop_presenting.triggered.connect(self.stop)
        a.present_menu.aboutToShow.connect(self._fill_screen_menu)
        a.timer_set.triggered.connect(self.set_timer)
        a.timer_toggle.triggered.connect(lambda: self.timer.toggle())
        a.timer_reset.triggered.connect(lambda: self.timer.reset())

    @property
    def timer(self) -> WorkshopTimer:
        """The workshop timer, made the first time it is used (not before the first paint)."""
        if self._timer is None:
            from .workshop.timer import WorkshopTimer

            self._timer = WorkshopTimer(self.window)
        return self._timer

    def set_timer(self) -> None:
        from .workshop.timer import ask_minutes

        minutes = ask_minutes(self.window, self.timer.duration_ms / 60_000)
        if minutes is not None:
            self.timer.set_minutes(minutes)

    # -- the screen ------------------------------------------------------------------------

    def _fill_screen_menu(self) -> None:
        from .present import fill_screen_menu

        fill_screen_menu(
            self.actions.present_menu,
            self.settings.present_screen,
            self.screen(),
            self._choose_screen,
        )

    def _choose_screen(self, name: str) -> None:
        self.settings.present_screen = name
        self.settings.save()

    def screen(self) -> QScreen | None:
        """The screen to present on (the chosen one, else another than the window's)."""
        from .present import choose_screen

        return choose_screen(
            QGuiApplication.screens(), self.window.screen(), self.settings.present_screen
        )

    # -- presenting ------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.presentation is not None:
            self.stop()
            return
        view, screen = self.view_host.current_view(), self.screen()
        if view is None or screen is None:
            return
        from .present import PresentationWindow

        self.presentation = PresentationWindow(
            view, self.view_host.stack, screen, self.scale, self.timer
        )
        self.presentation.addActions(list(self.actions.timer_actions))
        self.presentation.finished.connect(self._finished)
        self.presentation.stepRequested.connect(self.step)
        self.presentation.scaleChanged.connect(self._scale_changed)
        self.presentation.start()
        self.actions.stop_presenting.setEnabled(True)
        self._open_presenter(screen)

    def _scale_changed(self, scale: float) -> None:
        self.scale = scale

    def _open_presenter(self, audience_screen: QScreen) -> None:
        """With two screens, the laptop (the window's screen) gets the presenter view."""
        laptop = self.window.screen()
        ctx = self._context()
        if ctx is None or len(QGuiApplication.screens()) < 2 or audience_screen is laptop:
            return
        from .workshop.presenter import PresenterWindow

        self.presenter = PresenterWindow(ctx, self.timer)
        self.presenter.stepRequested.connect(self.step)
        self.presenter.addActions(list(self.actions.timer_actions))
        self.presenter.setScreen(laptop)
        self.presenter.setGeometry(laptop.availableGeometry())
        self.presenter.show()
        self._update_presenter()

    def presented_key(self) -> str | None:
        """The key of the view on the projector (None when not presenting)."""
        if self.presentation is None:
            return None
        for key, created in self.view_host.created_views().items():
            if created is self.presentation.view:
                return key
        return None

    def step(self, step: int) -> None:
        """PageDown/PageUp while presenting: the next or previous view, created if need be."""
        from .present import step_key

        current = self.presented_key()
        key = step_key(list(self.view_host.specs), current, step)
        if self.presentation is None or key is None or key == current:
            return
        self.view_host.show_view(key)
        view = self.view_host.current_view()
        if view is not None:
            self.presentation.present_view(view)
            self.presentation.activateWindow()
        self._update_presenter()

    def _update_presenter(self) -> None:
        key = self.presented_key()
        if self.presenter is None or key is None:
            return
        from .present import step_key

        specs = self.view_host.specs
        following = step_key(list(specs), key, 1)
        next_title = specs[following].title if following not in (None, key) else ""
        self.presenter.show_view(key, specs[key].title, self.presentation.view, next_title)

    def stop(self) -> None:
        if self.presentation is not None:
            self.presentation.stop()

    def _finished(self, view: QWidget) -> None:
        self.presentation = None
        if self.presenter is not None:
            self.presenter.close()
            self.presenter = None
        self.actions.stop_presenting.setEnabled(False)
        for key, created in self.view_host.created_views().items():
            if created is view:  # the sidebar may have moved meanwhile: follow the view back
                self.view_host.show_view(key)
        self.window.activateWindow()
