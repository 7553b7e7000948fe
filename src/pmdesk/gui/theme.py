"""Light and dark themes (Fusion style + QPalette), the projector palette, and icons.

Colours live in palettes rather than style sheets so that every standard
widget — and every view drawing with ``palette()`` — follows a theme switch.
Icons are single-colour SVGs drawn with ``currentColor``: they are tinted with
the theme's text colour when loaded, so they stay legible on dark and light.
"""

from __future__ import annotations

import html
from functools import cache, lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from pmdesk.core import palette
from pmdesk.paths import resource_path

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# role -> (active colour, disabled colour or None for "same")
_LIGHT: dict[Role, tuple[str, str | None]] = {
    Role.Window: ("#f4f5f7", None),
    Role.WindowText: ("#1d2126", "#8a9099"),
    Role.Base: ("#ffffff", "#f4f5f7"),
    Role.AlternateBase: ("#f0f2f5", None),
    Role.Text: ("#1d2126", "#8a9099"),
    Role.PlaceholderText: ("#7a808a", None),
    Role.Button: ("#f8f9fa", None),
    Role.ButtonText: ("#1d2126", "#9aa0a8"),
    Role.BrightText: ("#ffffff", None),
    Role.Highlight: ("#2f6fde", "#c4cad3"),
    Role.HighlightedText: ("#ffffff", None),
    Role.Link: ("#1f5cc4", None),
    Role.LinkVisited: ("#6a3fb5", None),
    Role.ToolTipBase: ("#1d2126", None),
    Role.ToolTipText: ("#f4f5f7", None),
    Role.Light: ("#ffffff", None),
    Role.Midlight: ("#e9ebee", None),
    Role.Mid: ("#c9cdd3", None),
    Role.Dark: ("#a3a9b1", None),
    Role.Shadow: ("#6b7079", None),
}

_DARK: dict[Role, tuple[str, str | None]] = {
    Role.Window: ("#1f2226", None),
    Role.WindowText: ("#e4e7eb", "#6f767f"),
    Role.Base: ("#17191c", "#1f2226"),
    Role.AlternateBase: ("#23272c", None),
    Role.Text: ("#e4e7eb", "#6f767f"),
    Role.PlaceholderText: ("#8a919a", None),
    Role.Button: ("#2a2e34", None),
    Role.ButtonText: ("#e4e7eb", "#6f767f"),
    Role.BrightText: ("#ffffff", None),
    Role.Highlight: ("#3d7ff0", "#3a3f46"),
    Role.HighlightedText: ("#ffffff", None),
    Role.Link: ("#7fb0ff", None),
    Role.LinkVisited: ("#b49cff", None),
    Role.ToolTipBase: ("#e4e7eb", None),
    Role.ToolTipText: ("#1d2126", None),
    Role.Light: ("#3a3f46", None),
    Role.Midlight: ("#30353b", None),
    Role.Mid: ("#3a3f46", None),
    Role.Dark: ("#111315", None),
    Role.Shadow: ("#000000", None),
}

# For a projector: near-black on white survives a washed-out image; saturated
# blue (colour-blind safe against the black text) marks the selection.
_PRESENTATION: dict[Role, tuple[str, str | None]] = {
    Role.Window: ("#ffffff", None),
    Role.WindowText: ("#000000", "#555555"),
    Role.Base: ("#ffffff", None),
    Role.AlternateBase: ("#eef1f5", None),
    Role.Text: ("#000000", "#555555"),
    Role.PlaceholderText: ("#444444", None),
    Role.Button: ("#ffffff", None),
    Role.ButtonText: ("#000000", "#555555"),
    Role.BrightText: ("#ffffff", None),
    Role.Highlight: ("#0047b3", None),
    Role.HighlightedText: ("#ffffff", None),
    Role.Link: ("#0047b3", None),
    Role.LinkVisited: ("#5a2a9e", None),
    Role.ToolTipBase: ("#000000", None),
    Role.ToolTipText: ("#ffffff", None),
    Role.Light: ("#ffffff", None),
    Role.Midlight: ("#dddddd", None),
    Role.Mid: ("#888888", None),
    Role.Dark: ("#333333", None),
    Role.Shadow: ("#000000", None),
}

THEME_LABELS = {"light": "Light", "dark": "Dark"}

# Colours that mean the same in both themes (a warning is red on light and dark).
PROBLEM_STYLE = f"color: {palette.PROBLEM};"  # why an entry was refused, said under it
READ_ONLY_BADGE_STYLE = (
    "background: #b3261e; color: white; border-radius: 4px; padding: 1px 8px; font-weight: 600;"
)


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it exactly: Qt would read "<b>" in a tooltip as markup."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


def _palette(table: dict[Role, tuple[str, str | None]]) -> QPalette:
    palette = QPalette()
    for role, (active, disabled) in table.items():
        colour = QColor(active)
        for group in (Group.Active, Group.Inactive):
            palette.setColor(group, role, colour)
        palette.setColor(Group.Disabled, role, QColor(disabled or active))
    return palette


def palette_for(theme: str) -> QPalette:
    return _palette(_DARK if theme == "dark" else _LIGHT)


def presentation_palette() -> QPalette:
    return _palette(_PRESENTATION)


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style with the theme's palette; icons loaded afterwards follow it, and so do
    the toolbars' » buttons (``tint_overflow``)."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette_for(theme))
    app.setProperty("pmdeskTheme", theme)
    for widget in app.allWidgets():
        if isinstance(widget, QToolBar):
            tint_overflow(widget)


def current_theme() -> str:
    app = QApplication.instance()
    value = app.property("pmdeskTheme") if app is not None else None
    return value if value in THEME_LABELS else "light"


# -- icons -------------------------------------------------------------------------


@cache
def _svg_source(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg`` tinted with ``colour`` (default: text).

    Its disabled look is drawn in the palette's disabled text colour rather than
    derived by Qt, which on a dark theme would stay almost as bright as enabled.
    """
    palette = QApplication.palette()
    if colour is None:
        colour = palette.color(Group.Active, Role.WindowText)
    disabled = palette.color(Group.Disabled, Role.WindowText)
    return _tinted_icon(name, QColor(colour).name(), disabled.name())


@lru_cache(maxsize=256)
def _tinted_icon(name: str, colour: str, disabled: str) -> QIcon:
    return QIcon(_TintedIcon(name, colour, disabled))


class _TintedIcon(QIconEngine):
    """An SVG icon drawn in one colour (another when disabled) at the size it is shown at,
    when it is first shown at that size, then kept.

    Drawing every icon of the window at five sizes and two looks up front took 14 ms of
    each start (150 pictures for the 16, 20 or 24 pixels a menu or a toolbar shows). The
    active and selected looks are the normal one as Qt's style makes them (a selected
    item's icon tinted with the highlight), as for an icon of fixed pictures.
    """

    def __init__(self, name: str, colour: str, disabled: str) -> None:
        super().__init__()
        self._name, self._colour, self._disabled = name, colour, disabled
        self._drawn: dict[tuple[int, int, QIcon.Mode, float], QPixmap] = {}

    def clone(self) -> QIconEngine:
        return _TintedIcon(self._name, self._colour, self._disabled)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        key = (size.width(), size.height(), mode, scale)
        found = self._drawn.get(key)
        if found is None:
            ink = self._disabled if mode == QIcon.Mode.Disabled else self._colour
            found = _render(self._name, ink, size, scale)
            if mode in (QIcon.Mode.Active, QIcon.Mode.Selected):
                from PySide6.QtWidgets import QStyleOption  # (its enums: not at every start)

                generated = QApplication.style().generatedIconPixmap(mode, found, QStyleOption())
                if not generated.isNull():
                    found = generated
            self._drawn[key] = found
        return found

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else _device_pixel_ratio()
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))


def _render(name: str, colour: str, size: QSize, scale: float) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer  # only needed once icons are drawn

    svg = _svg_source(name).replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    width, height = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    pixmap.setDevicePixelRatio(scale)
    return pixmap


OVERFLOW_BUTTON = "qt_toolbar_ext_button"  # the » Qt gives a toolbar too narrow for its tools


def tint_overflow(toolbar: QToolBar) -> None:
    """The » of a toolbar too narrow for its tools, in the ink of pmdesk's other icons.

    Qt's own is a fixed dark grey picture, all but lost on the dark theme, and drawn a
    shade lighter at its first paint than at the next: opening a plan on its Roadmap, the
    last change on screen was that button, 40 ms after the plan was drawn. Set by each
    toolbar as it is built, and again at every change of theme (``apply_theme``).
    """
    button = toolbar.findChild(QToolButton, OVERFLOW_BUTTON)
    if button is not None:
        button.setIcon(icon("more"))


def app_icon() -> QIcon:
    """The application icon (full colour: it is not tinted)."""
    return QIcon(str(resource_path("icons", "pmdesk.svg")))


def _device_pixel_ratio() -> float:
    screen = QGuiApplication.primaryScreen()
    return max(1.0, screen.devicePixelRatio()) if screen is not None else 1.0
