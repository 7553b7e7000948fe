"""Present (F5): the current view, full screen on a chosen screen, for a room to read.

The view widget itself is borrowed — not copied — so everything it shows stays
live and editable; the presentation only changes what surrounds it: no window
chrome, large type and a high-contrast palette. Esc or F5 gives the widget back
to the stack, at the index it came from.
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

# Body text height at 1920×1080; scaled with the screen's height, never below 2× the app's.
BODY_PX_AT_1080 = 28


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


def body_pixel_size(screen_height: int, base_pixel_size: int) -> int:
    return max(round(BODY_PX_AT_1080 * screen_height / 1080), 2 * base_pixel_size)


def _scale_set_fonts(root: QWidget, factor: float) -> list[tuple[QWidget, QFont]]:
    """Enlarge fonts a view set on its own widgets (headings), which would not inherit ours.

    Returns each widget's original font so that they can be put back exactly.
    """
    changed = []
    for widget in root.findChildren(QWidget):
        if not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            continue
        original = QFont(widget.font())
        larger = QFont(original)
        if original.pixelSize() > 0:
            larger.setPixelSize(round(original.pixelSize() * factor))
        else:
            larger.setPointSizeF(original.pointSizeF() * factor)
        widget.setFont(larger)
        changed.append((widget, original))
    return changed


class PresentationWindow(QWidget):
    """A frameless full-screen window holding one borrowed view widget."""

    finished = Signal(QWidget)  # the view, back in its stack

    def __init__(self, view: QWidget, stack: QStackedWidget, screen: QScreen) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("pmdesk — presentation")
        self.view = view
        self._stack = stack
        self._index = stack.indexOf(view)
        self._presenting = False
        self._own_fonts: list[tuple[QWidget, QFont]] = []
        self.setPalette(presentation_palette())
        self.setAutoFillBackground(True)
        self.setFont(self._large_font(screen))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        for key in (Qt.Key.Key_Escape, Qt.Key.Key_F5):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.stop)
        self.setScreen(screen)
        self.setGeometry(screen.geometry())

    @staticmethod
    def _large_font(screen: QScreen) -> QFont:
        font = QFont(QApplication.font())
        base_px = QFontInfo(font).pixelSize()
        font.setPixelSize(body_pixel_size(screen.geometry().height(), base_px))
        return font

    @property
    def presenting(self) -> bool:
        return self._presenting

    def start(self) -> None:
        """Take the view from its stack and show it full screen."""
        factor = QFontInfo(self.font()).pixelSize() / max(
            1, QFontInfo(self.view.font()).pixelSize()
        )
        self._own_fonts = _scale_set_fonts(self.view, factor)
        self._stack.removeWidget(self.view)
        self.layout().addWidget(self.view)
        self.view.show()
        self._presenting = True
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.view.setFocus()

    def stop(self) -> None:
        """Give the view back to the stack, where it was, and close."""
        if not self._presenting:
            return
        self._presenting = False
        self.layout().removeWidget(self.view)
        for widget, font in self._own_fonts:
            with contextlib.suppress(RuntimeError):  # the view may have dropped that widget
                widget.setFont(font)
        self._own_fonts = []
        index = min(max(self._index, 0), self._stack.count())
        self._stack.insertWidget(index, self.view)
        self._stack.setCurrentWidget(self.view)
        self.close()
        self.finished.emit(self.view)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closed some other way (the window manager, Alt+F4): still give the view back.
        self.stop()
        super().closeEvent(event)
