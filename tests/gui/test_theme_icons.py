"""The window's icons are drawn from their SVG, in the text's colour (the disabled text's
when disabled), at the size they are shown at and only when first shown there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption, QToolButton
from tests.gui.windows import demo_or_new, open_main_window

from pmdesk.gui import theme
from pmdesk.gui.commands import UpdateCommand
from pmdesk.store.services.portfolio import PortfolioService

Role, Group = QPalette.ColorRole, QPalette.ColorGroup


def _image(pixmap: QPixmap) -> QImage:
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def _drawn_from_svg(name: str, colour: str, pixels: int) -> QImage:
    """The SVG drawn straight, ``currentColor`` as ``colour``, on ``pixels`` square."""
    svg = theme._svg_source(name).replace("currentColor", colour)  # noqa: SLF001
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(svg.encode())).render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    return image


def _darkest(image: QImage) -> int:
    """The lightness of the darkest pixel: a line icon's ink (its edges are blends)."""
    return min(
        QColor(image.pixel(x, y)).lightness()
        for x in range(image.width())
        for y in range(image.height())
    )


@pytest.mark.parametrize("pixels", [16, 20, 24, 37, 48])
def test_an_icon_at_any_size_is_its_svg_drawn_at_that_size(qapp, pixels):
    palette = QApplication.palette()
    text = palette.color(Group.Active, Role.WindowText).name()
    dimmed = palette.color(Group.Disabled, Role.WindowText).name()
    icon = theme.icon("undo")
    normal = _image(icon.pixmap(QSize(pixels, pixels)))
    assert normal == _drawn_from_svg("undo", text, pixels)
    disabled = _image(icon.pixmap(QSize(pixels, pixels), QIcon.Mode.Disabled))
    assert disabled == _drawn_from_svg("undo", dimmed, pixels)
    assert normal != disabled


def test_a_sharper_screen_gets_twice_the_pixels_and_a_tint_its_own_colour(qapp):
    icon = theme.icon("undo", "#c0392b")
    sharp = icon.pixmap(QSize(24, 24), 2.0)
    assert sharp.devicePixelRatio() == 2.0 and sharp.size() == QSize(48, 48)
    assert _image(sharp) == _drawn_from_svg("undo", "#c0392b", 48)
    assert theme.icon("undo", "#c0392b") is icon  # made once a name and colour


def test_selected_and_active_looks_are_the_style_s_own_of_the_normal_one(qapp):
    icon = theme.icon("open")
    normal = icon.pixmap(QSize(20, 20))
    for mode in (QIcon.Mode.Selected, QIcon.Mode.Active):
        expected = QApplication.style().generatedIconPixmap(mode, normal, QStyleOption())
        assert _image(icon.pixmap(QSize(20, 20), mode)) == _image(expected)


def test_an_icon_is_drawn_only_at_the_sizes_shown(qapp, monkeypatch):
    drawn: list[tuple[str, int]] = []
    render = theme._render  # noqa: SLF001

    def counted(name, colour, size, scale):
        drawn.append((name, size.width()))
        return render(name, colour, size, scale)

    monkeypatch.setattr(theme, "_render", counted)
    icon = theme.icon("redo", "#123456")
    assert drawn == []  # nothing drawn until shown
    icon.pixmap(QSize(24, 24))
    icon.pixmap(QSize(24, 24))
    assert drawn == [("redo", 24)]


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_the_toolbar_s_undo_turns_from_dimmed_to_the_text_s_colour_after_an_edit(
    qtbot, demo_template, tmp_path, kind
):
    window = open_main_window(qtbot, demo_or_new(kind, demo_template, tmp_path))
    button = window.toolbar.widgetForAction(window.menu_actions.undo)
    palette = QApplication.palette()
    text = palette.color(Group.Active, Role.WindowText).name()
    dimmed = palette.color(Group.Disabled, Role.WindowText).name()
    assert not window.menu_actions.undo.isEnabled()
    before = _darkest(button.grab().toImage())
    assert before >= QColor(dimmed).lightness() - 8  # nothing darker than the dimmed ink
    portfolio = window.ctx.service(PortfolioService)
    product = portfolio.list_products()[0]
    window.ctx.run(UpdateCommand(portfolio.products, product.id, {"owner": "Dana"}, "Set owner"))
    qtbot.waitUntil(window.menu_actions.undo.isEnabled)
    after = _darkest(button.grab().toImage())
    assert after <= QColor(text).lightness() + 40 < before


def test_an_icon_painted_into_a_rectangle_is_drawn_at_its_size(qapp):
    """QIcon.paint (as an item view's delegate draws it) places the same picture."""
    text = QApplication.palette().color(Group.Active, Role.WindowText).name()
    image = QImage(40, 40, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    theme.icon("open").paint(painter, 10, 10, 20, 20)
    painter.end()
    assert image.copy(10, 10, 20, 20) == _drawn_from_svg("open", text, 20)


def _ink(image: QImage) -> QColor:
    """The colour of the most opaque pixel: the line's own ink (its edges are blends)."""
    best = max(
        ((x, y) for x in range(image.width()) for y in range(image.height())),
        key=lambda p: image.pixelColor(*p).alpha(),
    )
    return image.pixelColor(*best)


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_the_toolbars_more_button_is_drawn_in_the_theme_s_ink_light_and_dark(
    qtbot, demo_template, tmp_path, kind
):
    """A toolbar too narrow for its tools folds them behind »: pmdesk's own, in the text's
    colour, on both themes (Qt's own is a dark picture, all but lost on the dark theme)."""
    path = demo_or_new(kind, demo_template, tmp_path)
    window = open_main_window(qtbot, path, size=(900, 700), view="roadmap")
    QApplication.processEvents()
    roadmap = window.view_host.current_view()
    bars = [window.toolbar, roadmap.chart.toolbar]

    def check(name: str) -> None:
        ink = QApplication.palette().color(Group.Active, Role.WindowText)
        for bar in bars:
            more = bar.findChild(QToolButton, theme.OVERFLOW_BUTTON)
            assert more is not None, bar.windowTitle()
            drawn = _ink(_image(more.icon().pixmap(QSize(16, 16))))
            assert drawn.name() == ink.name(), (bar.windowTitle(), name)

    try:
        check("as opened")
        for name in ("dark", "light"):
            window.menu_actions.themes[name].trigger()  # View ▸ Theme, as a person picks it
            check(name)
        if kind == "demo":  # a new workspace's Roadmap asks for a product first
            more = roadmap.chart.toolbar.findChild(QToolButton, theme.OVERFLOW_BUTTON)
            assert more.isVisible()  # the roadmap's tools do not fit in 900 pixels
    finally:
        window.menu_actions.themes["light"].trigger()


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_the_roadmap_s_kind_and_status_lists_show_their_longest_choice_at_every_zoom(
    qtbot, demo_template, tmp_path, kind
):
    """They keep the width of their fixed lists (worked out when first shown), and work it
    out again when the type grows: View ▸ Zoom In, as a person zooms."""
    path = demo_or_new(kind, demo_template, tmp_path)
    window = open_main_window(qtbot, path, size=(1366, 768), view="roadmap")
    QApplication.processEvents()
    bar = window.view_host.current_view().chart.toolbar
    try:
        for _step in range(4):
            for box in (bar.kind_filter, bar.status_filter):
                metrics = box.fontMetrics()
                longest = max(
                    metrics.horizontalAdvance(box.itemText(n)) for n in range(box.count())
                )
                assert box.sizeHint().width() >= longest + metrics.averageCharWidth()
            window.menu_actions.zoom_in.trigger()
            QApplication.processEvents()
    finally:
        window.menu_actions.zoom_reset.trigger()  # the zoom is a setting: as it was
