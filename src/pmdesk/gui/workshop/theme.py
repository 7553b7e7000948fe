"""The projector look: high contrast, thick strokes and the Okabe–Ito colour-blind-safe palette.

A washed-out projector flattens pastel colours into one; the Okabe–Ito hues
stay apart for people with any common colour-vision deficiency, and black text
stays readable on every one of the hues used for notes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtGui import QColor

from pmdesk.core.palette import OKABE_ITO  # kept importable here; paper reads it too

BODY_PX_AT_1080 = 28
MIN_SCALE, MAX_SCALE = 1.0, 3.0


@dataclass(frozen=True)
class Sticky:
    """One sticky-note colour: its stored code, its name, and its projector hue."""

    code: str
    name: str
    projected: str


# The fixed sticky palette. Pastels on the desk; the projector shows the Okabe–Ito hue.
STICKIES: tuple[Sticky, ...] = (
    Sticky("#FFE066", "Yellow", OKABE_ITO["yellow"]),
    Sticky("#FFC38A", "Orange", OKABE_ITO["orange"]),
    Sticky("#9FD3FF", "Blue", OKABE_ITO["sky_blue"]),
    Sticky("#A8E6A1", "Green", OKABE_ITO["bluish_green"]),
    Sticky("#FFB3C7", "Red", OKABE_ITO["vermillion"]),
    Sticky("#D7BDFF", "Purple", OKABE_ITO["reddish_purple"]),
)


def nearest_sticky(colour: str) -> Sticky:
    """The palette entry closest in hue to any stored colour (older files, imports)."""
    wanted = QColor(colour)
    if not wanted.isValid():
        return STICKIES[0]
    for sticky in STICKIES:
        if sticky.code.upper() == wanted.name().upper():
            return sticky

    def distance(sticky: Sticky) -> float:
        other = QColor(sticky.code)
        hue = abs(wanted.hslHueF() - other.hslHueF())
        hue = min(hue, 1 - hue)
        return hue * 4 + abs(wanted.lightnessF() - other.lightnessF())

    return min(STICKIES, key=distance)


@dataclass(frozen=True)
class PresentationTheme:
    """What a view needs to draw itself for a room: sizes in pixels, colours, strokes."""

    body_px: int = BODY_PX_AT_1080
    scale: float = 1.0
    dark: bool = False
    # The smallest body text allowed on this screen (the target at scale 1.0).
    min_body_px: int = BODY_PX_AT_1080

    @classmethod
    def for_screen(
        cls, screen_height: int, scale: float = 1.0, dark: bool = False, minimum_px: int = 0
    ) -> PresentationTheme:
        scale = clamp_scale(scale)
        body = max(round(BODY_PX_AT_1080 * screen_height / 1080), minimum_px)
        return cls(body_px=round(body * scale), scale=scale, dark=dark, min_body_px=body)

    def scaled(self, scale: float) -> PresentationTheme:
        base = self.body_px / self.scale
        scale = clamp_scale(scale)
        return replace(self, body_px=round(base * scale), scale=scale)

    @property
    def heading_px(self) -> int:
        return round(self.body_px * 1.25)

    @property
    def small_px(self) -> int:
        """Secondary text (prompts, badges): smaller, still legible from the back."""
        return max(20, round(self.body_px * 0.75))

    @property
    def stroke(self) -> float:
        return max(3.0, self.body_px / 9)

    @property
    def background(self) -> QColor:
        return QColor("#000000" if self.dark else "#FFFFFF")

    @property
    def ink(self) -> QColor:
        return QColor("#FFFFFF" if self.dark else "#000000")

    @property
    def panel(self) -> QColor:
        return QColor("#1A1A1A" if self.dark else "#F2F2F2")

    @property
    def accent(self) -> QColor:
        return QColor(OKABE_ITO["sky_blue"] if self.dark else OKABE_ITO["blue"])

    def note_fill(self, colour: str) -> QColor:
        return QColor(nearest_sticky(colour).projected)

    def note_ink(self, _colour: str) -> QColor:
        return QColor("#000000")  # every projected hue keeps black text above 4.5:1


def clamp_scale(scale: float) -> float:
    return min(MAX_SCALE, max(MIN_SCALE, float(scale)))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
