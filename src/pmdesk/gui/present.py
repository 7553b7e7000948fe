"""Present (F5): the current view, full screen on a chosen screen, for a room to read.

The view widget itself is borrowed — not copied — so everything it shows stays
live and editable; the presentation only changes what surrounds it: no window
chrome, large type and a high-contrast palette. Esc or F5 gives the widget back
to the stack, at the index it came from.

Workshop mode adds: PageDown/PageUp (or the arrows) ask for the next or
previous view (``stepRequested``; the main window swaps the borrowed view with
``present_view``), a text scale (Ctrl++ / Ctrl+- / Ctrl+0, 1.0–3.0), the
timer in a band of its own above the view (never over content), and each
view's own presentation look through the optional hook
``view.set_presentation(theme | None)``; views without it keep the generic
large-font, high-contrast look.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QFontInfo,
    QGuiApplication,
    QKeySequence,
    QScreen,
    QShortcut,
)
from PySide6.QtWidgets import QApplication, QMenu, QStackedWidget, QVBoxLayout, QWidget

from .theme import presentation_palette
from .widgets.fonts import scaled
from .widgets.hint import PRESENTATION
from .workshop.theme import BODY_PX_AT_1080, PresentationTheme, clamp_scale
from .workshop.timer import TimerOverlay, WorkshopTimer

SCALE_STEP = 0.25


def step_key(keys: Sequence[str], current: str | None, step: int) -> str | None:
    """The view ``step`` away from ``current`` in the sidebar's order ``keys`` (no wrap-around).

    Every view is presented, in the order the person sees in the sidebar: a workshop
    walks the product's story as the app tells it, with nothing skipped.
    """
    order = list(keys)
    if not order:
        return None
    if current not in order:
        return order[0]
    index = min(len(order) - 1, max(0, order.index(current) + step))
    return order[index]


def choose_screen(
    screens: Sequence[QScreen], window_screen: QScreen | None, preferred: str = ""
) -> QScreen | None:
    """The screen to present on: the named one, else another screen than the window's.

    With a laptop and a projector the window is usually on the laptop, so the
    "other" screen is the projector; with one screen it is that screen.
    """
    for screen in screens:
        if preferred and screen.name() == preferred:
            return screen
    others = [s for s in screens if s is not window_screen]
    if others and window_screen is not None and len(screens) > 1:
        return others[0]
    return window_screen or (screens[0] if screens else None)


def fill_screen_menu(
    menu: QMenu, preferred: str, chosen: QScreen | None, choose: Callable[[str], None]
) -> None:
    """The "Present On" submenu: Automatic, then one checkable entry per connected screen."""
    menu.clear()
    automatic = menu.addAction("Automatic (another screen when there is one)")
    automatic.setCheckable(True)
    automatic.setChecked(not preferred)
    automatic.triggered.connect(partial(choose, ""))
    menu.addSeparator()
    for screen in QGuiApplication.screens():
        size = screen.geometry().size()
        label = f"{screen.name() or 'Screen'} ({size.width()}×{size.height()})"
        action = menu.addAction(label.replace("&", "&&"))
        action.setCheckable(True)
        action.setChecked(bool(preferred) and screen is chosen)
        action.triggered.connect(partial(choose, screen.name()))


def band_height(body_px: int) -> int:
    """The timer band's height: 90 px at the 28 px body text of 1080 lines, scaled with it."""
    return round(body_px * 3.2)


def body_pixel_size(screen_height: int, base_pixel_size: int, scale: float = 1.0) -> int:
    base = max(round(BODY_PX_AT_1080 * screen_height / 1080), 2 * base_pixel_size)
    return round(base * clamp_scale(scale))


def _scale_set_fonts(root: QWidget, factor: float) -> list[tuple[QWidget, QFont]]:
    """Enlarge fonts a view set on its own widgets (headings), which would not inherit ours.

    Returns each widget's original font so that they can be put back exactly.
    """
    changed = []
    for widget in root.findChildren(QWidget):
        if not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            continue
        original = QFont(widget.font())
        widget.setFont(scaled(original, factor))
        changed.append((widget, original))
    return changed


class PresentationWindow(QWidget):
    """A frameless full-screen window holding one borrowed view widget."""

    finished = Signal(QWidget)  # the view, back in its stack
    stepRequested = Signal(int)  # +1 next view, -1 previous
    scaleChanged = Signal(float)

    def __init__(
        self,
        view: QWidget,
        stack: QStackedWidget,
        screen: QScreen,
        scale: float = 1.0,
        timer: WorkshopTimer | None = None,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("pmdesk — presentation")
        self.setProperty(PRESENTATION, True)  # what the view's widgets ask (widgets.hint.presented)
        self.view = view
        self._stack = stack
        self._index = stack.indexOf(view)
        self._presenting = False
        self._own_fonts: list[tuple[QWidget, QFont]] = []
        self._screen_height = screen.geometry().height()
        self.scale = clamp_scale(scale)
        self.setPalette(presentation_palette())
        self.setAutoFillBackground(True)
        self.setFont(self._large_font())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(0)
        # The timer's own strip above the view: while it shows, nothing of the view is under it.
        self.timer_band = QWidget(self)
        self.timer_band.setObjectName("timerBand")
        self.timer_band.hide()
        layout.addWidget(self.timer_band)
        self._shortcut((Qt.Key.Key_Escape, Qt.Key.Key_F5), self.stop)
        self._shortcut((Qt.Key.Key_PageDown, Qt.Key.Key_Right), lambda: self.stepRequested.emit(1))
        self._shortcut((Qt.Key.Key_PageUp, Qt.Key.Key_Left), lambda: self.stepRequested.emit(-1))
        self._shortcut(("Ctrl++", "Ctrl+="), lambda: self.set_scale(self.scale + SCALE_STEP))
        self._shortcut(("Ctrl+-",), lambda: self.set_scale(self.scale - SCALE_STEP))
        self._shortcut(("Ctrl+0",), lambda: self.set_scale(1.0))
        self.timer_overlay: TimerOverlay | None = None
        if timer is not None:
            self.timer_overlay = TimerOverlay(timer, self.timer_band)
            timer.stateChanged.connect(self._timer_state)
            self._timer_state()
        self.setScreen(screen)
        self.setGeometry(screen.geometry())

    def _shortcut(self, keys, slot) -> None:
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def _large_font(self) -> QFont:
        font = QFont(QApplication.font())
        base_px = QFontInfo(font).pixelSize()
        font.setPixelSize(body_pixel_size(self._screen_height, base_px, self.scale))
        return font

    @property
    def theme(self) -> PresentationTheme:
        """The projector look for views that draw their own (sizes follow this window's font)."""
        body = QFontInfo(self.font()).pixelSize()
        return PresentationTheme(
            body_px=body, scale=self.scale, min_body_px=round(body / self.scale)
        )

    @property
    def presenting(self) -> bool:
        return self._presenting

    def start(self) -> None:
        """Take the view from its stack and show it full screen."""
        self._borrow()
        self._presenting = True
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.view.setFocus()

    def _borrow(self) -> None:
        factor = QFontInfo(self.font()).pixelSize() / max(
            1, QFontInfo(self.view.font()).pixelSize()
        )
        self._own_fonts = _scale_set_fonts(self.view, factor)
        self._index = self._stack.indexOf(self.view)
        self._stack.removeWidget(self.view)
        self.layout().addWidget(self.view)
        hook = getattr(self.view, "set_presentation", None)
        if callable(hook):
            self.layout().setContentsMargins(0, 0, 0, 0)  # it draws its own margins
            hook(self.theme)
        else:
            self.layout().setContentsMargins(24, 24, 24, 24)
        # Shown with its presented look: the desk's widgets in the projector's type, shown
        # even for a moment, would widen the window past the screen.
        self.view.show()
        if self.timer_overlay is not None:
            body_px = QFontInfo(self.font()).pixelSize()
            self.timer_band.setFixedHeight(band_height(body_px))
            self.timer_overlay.set_body_px(body_px)

    def _give_back(self) -> QWidget:
        view = self.view
        hook = getattr(view, "set_presentation", None)
        if callable(hook):
            hook(None)
        self.layout().removeWidget(view)
        for widget, font in self._own_fonts:
            with contextlib.suppress(RuntimeError):  # the view may have dropped that widget
                widget.setFont(font)
        self._own_fonts = []
        index = min(max(self._index, 0), self._stack.count())
        self._stack.insertWidget(index, view)
        return view

    def present_view(self, view: QWidget) -> None:
        """Show another view (the next one): the current one goes back to its stack first."""
        if view is self.view or not self._presenting:
            return
        self._give_back()
        self.view = view
        self._borrow()
        view.setFocus()

    def set_scale(self, scale: float) -> None:
        """Text scale 1.0–3.0 over the default (≥ 28 px body text at 1080 lines)."""
        scale = clamp_scale(round(scale / SCALE_STEP) * SCALE_STEP)
        if scale == self.scale:
            return
        self.scale = scale
        if self._presenting:
            self._give_back()
        self.setFont(self._large_font())
        if self._presenting:
            self._borrow()
        self.scaleChanged.emit(scale)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.timer_overlay is not None:
            self.timer_overlay.place()

    def _timer_state(self) -> None:
        """Show the band (and the timer in it) while the timer counts, is paused or has run out."""
        overlay = self.timer_overlay
        if overlay is not None:
            timer = overlay.timer
            shown = timer.running or timer.remaining_ms() < timer.duration_ms or overlay.flashing
            self.timer_band.setVisible(shown)
            overlay.setVisible(shown)
            overlay.place()

    def stop(self) -> None:
        """Give the view back to the stack, where it was, and close."""
        if not self._presenting:
            return
        self._presenting = False
        view = self._give_back()
        self._stack.setCurrentWidget(view)
        self.close()
        self.finished.emit(view)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closed some other way (the window manager, Alt+F4): still give the view back.
        self.stop()
        super().closeEvent(event)
