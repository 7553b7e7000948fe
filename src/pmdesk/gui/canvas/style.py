"""How the board is drawn: colours, strokes and text sizes, for the desk or for a room."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette, QTextLayout, QTextOption

from pmdesk.gui.workshop.theme import PresentationTheme, nearest_sticky

Role = QPalette.ColorRole
# On the desk a crowded board grows and scrolls rather than shrink notes below this.
DESK_MIN_NOTE_PX = 11


@dataclass(frozen=True)
class BoardStyle:
    background: QColor
    block_fill: QColor
    block_border: QColor
    ink: QColor
    quiet: QColor
    accent: QColor
    stroke: float
    body_px: int
    title_px: int
    small_px: int
    family: str
    projected: bool = False
    min_note_scale: float = 0.0  # notes never shrink below this share of body_px

    @classmethod
    def from_palette(cls, palette: QPalette, font: QFont) -> BoardStyle:
        size = font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 4 / 3)
        body = max(12, size)
        return cls(
            background=palette.color(Role.Window),
            block_fill=palette.color(Role.Base),
            block_border=palette.color(Role.Mid),
            ink=palette.color(Role.Text),
            quiet=palette.color(Role.PlaceholderText),
            accent=palette.color(Role.Highlight),
            stroke=1.0,
            body_px=body,
            title_px=round(body * 1.08),
            small_px=max(10, body - 2),
            family=font.family(),
            min_note_scale=min(1.0, DESK_MIN_NOTE_PX / body),
        )

    @classmethod
    def from_theme(cls, theme: PresentationTheme, font: QFont) -> BoardStyle:
        return cls(
            background=theme.background,
            block_fill=theme.panel,
            block_border=theme.ink,
            ink=theme.ink,
            quiet=theme.ink,
            accent=theme.accent,
            stroke=theme.stroke,
            body_px=theme.body_px,
            title_px=theme.heading_px,
            small_px=theme.small_px,
            family=font.family(),
            projected=True,
            min_note_scale=min(1.0, theme.min_body_px / theme.body_px),
        )

    def font(self, pixel_size: float, bold: bool = False, italic: bool = False) -> QFont:
        font = QFont(self.family)
        font.setPixelSize(max(6, round(pixel_size)))
        font.setBold(bold)
        font.setItalic(italic)
        return font

    def note_fill(self, colour: str) -> QColor:
        if self.projected:
            return QColor(nearest_sticky(colour).projected)
        found = QColor(colour)
        return found if found.isValid() else QColor(nearest_sticky(colour).code)

    def note_ink(self) -> QColor:
        return QColor("#000000")  # dark text on every sticky, in both themes

    def text_height(self, text: str, width: float, scale: float) -> float:
        return wrapped_height(self.font(self.body_px * scale), text, width)


def wrap_option() -> QTextOption:
    """Wrap at word boundaries; only a word wider than the note is broken."""
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    return option


def wrapped_height(font: QFont, text: str, width: float) -> float:
    """The height of ``text`` wrapped as NoteItem draws it (same font, same wrap rule)."""
    # QPainter.drawText breaks lines at "\n"; a bare QTextLayout needs the line separator.
    layout = QTextLayout((text or " ").replace("\n", "\u2028"), font)
    layout.setTextOption(wrap_option())
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1.0, width))
        height += line.height()
    layout.endLayout()
    return height
