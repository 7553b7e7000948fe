"""A Drawing that writes its shapes straight into the page, for charts of many thousand shapes.

reportlab renders a ``Drawing`` generically: every shape is wrapped in its own
saved graphics state, its whole state (colours, width, dash, cap, join) is set
again, and every number goes through a pure-Python formatter. A roadmap poster
of 20,000 items spent a third of its time there. :class:`FastDrawing` is the
same ``Drawing`` (the same shapes, the same picture) drawn by :func:`render`:
the state is set only where it changes, numbers are written to a thousandth of
a point, and text goes out as its font subsets' codes, as reportlab writes it.

Only what the charts use is drawn this way: rectangles (square or rounded),
lines, polylines, polygons, circles, text in the embedded TrueType fonts, and
groups with a transform. A drawing holding anything else (or opacity, caps,
joins) is handed to reportlab's own renderer whole, so nothing is ever lost.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import (
    FILL_NON_ZERO,
    STATE_DEFAULTS,
    Circle,
    Drawing,
    Group,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import pdfgeom

_IDENTITY = (1, 0, 0, 1, 0, 0)
_ROUND = 0.4472  # reportlab's bezier factor for a rounded corner (pathobject.roundRect)
_OPS = {(1, 0): "S", (0, 1): "f*", (1, 1): "B*"}
_OPS_NON_ZERO = {(1, 0): "S", (0, 1): "f", (1, 1): "B"}
_SIMPLE = {Rect, Line, Polygon, PolyLine, Circle, String}

_checking_lock = threading.Lock()
_checking_depth = 0


@contextmanager
def unchecked_shapes() -> Iterator[None]:
    """Build shapes without reportlab's per-attribute validation (``rl_config.shapeChecking``).

    The charts set only valid values; checking each of a hundred thousand
    attributes cost a tenth of a poster. Nested and threaded uses are counted,
    so checking comes back on when the last one ends.
    """
    global _checking_depth
    with _checking_lock:
        if _checking_depth == 0:
            _checking_depth_saved.append(rl_config.shapeChecking)
            rl_config.shapeChecking = 0
        _checking_depth += 1
    try:
        yield
    finally:
        with _checking_lock:
            _checking_depth -= 1
            if _checking_depth == 0:
                rl_config.shapeChecking = _checking_depth_saved.pop()


_checking_depth_saved: list[int] = []


# -- making shapes -----------------------------------------------------------------------
#
# reportlab's shape constructors only assign attributes, each through a validating
# ``__setattr__``: a chart of fifty thousand shapes spent a tenth of its time there.
# These make the same objects (the same class, the same attributes, as a test
# checks) by filling their ``__dict__`` at once.


def _line_state() -> dict:
    return {
        "strokeColor": STATE_DEFAULTS["strokeColor"],
        "strokeWidth": 1,
        "strokeLineCap": 0,
        "strokeLineJoin": 0,
        "strokeMiterLimit": 0,
        "strokeDashArray": None,
        "strokeOpacity": None,
    }


def _made(cls: type, state: dict) -> Any:
    shape: Any = object.__new__(cls)
    shape.__dict__.update(state)
    return shape


def make_rect(x: float, y: float, width: float, height: float, rx=0, ry=0, **kw) -> Rect:
    """``Rect(x, y, width, height, rx, ry, **kw)``."""
    state = {"fillColor": STATE_DEFAULTS["fillColor"], "fillOpacity": None, **_line_state()}
    state.update(kw)
    state.update(x=x, y=y, width=width, height=height, rx=rx, ry=ry)
    return _made(Rect, state)


def make_line(x1: float, y1: float, x2: float, y2: float, **kw) -> Line:
    """``Line(x1, y1, x2, y2, **kw)``."""
    state = _line_state()
    state.update(kw)
    state.update(x1=x1, y1=y1, x2=x2, y2=y2)
    return _made(Line, state)


def make_polygon(points: list, **kw) -> Polygon:
    """``Polygon(points, **kw)``."""
    assert len(points) % 2 == 0, "Point list must have even number of elements!"
    state = {"fillColor": STATE_DEFAULTS["fillColor"], "fillOpacity": None, **_line_state()}
    state.update(kw)
    state["points"] = points or []
    return _made(Polygon, state)


def make_circle(cx: float, cy: float, r: float, **kw) -> Circle:
    """``Circle(cx, cy, r, **kw)``."""
    state = {"fillColor": STATE_DEFAULTS["fillColor"], "fillOpacity": None, **_line_state()}
    state.update(kw)
    state.update(cx=cx, cy=cy, r=r)
    return _made(Circle, state)


def make_string(x: float, y: float, text: str, **kw) -> String:
    """``String(x, y, text, **kw)``."""
    state = {
        "x": x,
        "y": y,
        "text": text,
        "textAnchor": "start",
        "fontName": STATE_DEFAULTS["fontName"],
        "fontSize": STATE_DEFAULTS["fontSize"],
        "fillColor": STATE_DEFAULTS["fillColor"],
    }
    state.update(kw)
    return _made(String, state)


class FastDrawing(Drawing):
    """A ``Drawing`` whose ``draw`` writes its shapes straight into the page (see module)."""

    def draw(self, show_boundary=rl_config._unset_) -> None:
        if show_boundary is rl_config._unset_:
            show_boundary = getattr(self, "_showBoundary", rl_config._unset_)
        boundary = rl_config.showBoundary if show_boundary is rl_config._unset_ else show_boundary
        if boundary or not render(self, self.canv):  # a boundary is reportlab's to draw
            renderPDF.draw(self, self.canv, 0, 0, showBoundary=show_boundary)


def num(value: float) -> str:
    """A number for a content stream, to a thousandth of a point."""
    return ("%.3f" % value).rstrip("0").rstrip(".")  # noqa: UP031 (the fastest way)


def _matrix(transform: tuple) -> str:
    """A transformation matrix in full: a scale factor is not a length."""
    return " ".join(f"{v:.8f}".rstrip("0").rstrip(".") or "0" for v in transform) + " cm"


_colour_ops: dict[tuple[float, float, float, str], str] = {}


def _colour(colour: Color, op: str) -> str:
    key = (colour.red, colour.green, colour.blue, op)
    text = _colour_ops.get(key)
    if text is None:
        parts = (f"{c:.6f}".rstrip("0").rstrip(".") or "0" for c in key[:3])
        text = _colour_ops[key] = f"{' '.join(parts)} {op}"
    return text


def _supported(group: Group) -> bool:
    for node in group.contents:
        kind = type(node)
        if kind is Group:
            if not _supported(node):
                return False
        elif kind not in _SIMPLE:
            return False
        else:
            get = node.__dict__.get
            if get("strokeOpacity") is not None or get("fillOpacity") is not None:
                return False
            if get("strokeLineCap", 0) or get("strokeLineJoin", 0):
                return False
            if kind is String:
                if not getattr(pdfmetrics.getFont(node.fontName), "_dynamicFont", False):
                    return False
                if get("textRenderMode", 0):
                    return False
    return True


def render(drawing: Drawing, canv) -> bool:
    """Write ``drawing`` into ``canv`` at the origin; False (nothing written) if it holds
    something only reportlab's renderer draws."""
    if getattr(drawing, "renderScale", 1) != 1 or not _supported(drawing):
        return False
    out: list[str] = ["q"]
    transform = tuple(drawing.transform)
    if transform != _IDENTITY:
        out.append(_matrix(transform))
    _Writer(canv, out).group(drawing)
    out.append("Q")
    canv._code.append("\n".join(out))
    return True


class _Writer:
    """Emits shapes, setting the graphics state only where it changes."""

    def __init__(self, canv, out: list[str]) -> None:
        self.canv = canv
        self.out = out
        # The state reportlab starts a Drawing with: black, 1 pt, no dash.
        self.stroke = "0 0 0 RG"
        self.fill = "0 0 0 rg"
        self.width = 1.0
        self.dash = None
        out += [self.stroke, "1 w", "0 J", "0 j", "[] 0 d", self.fill]

    def group(self, group: Group) -> None:
        for node in group.contents:
            kind = type(node)
            if kind is Rect:
                self.rect(node)
            elif kind is String:
                self.string(node)
            elif kind is Line:
                self.line(node)
            elif kind is Polygon or kind is PolyLine:
                self.poly(node, closed=kind is Polygon)
            elif kind is Circle:
                self.circle(node)
            else:  # a Group
                transform = tuple(node.transform)
                if transform == _IDENTITY:
                    self.group(node)
                    continue
                saved = (self.stroke, self.fill, self.width, self.dash)
                self.out.append(f"q {_matrix(transform)}")
                self.group(node)
                self.out.append("Q")
                self.stroke, self.fill, self.width, self.dash = saved

    # -- state ------------------------------------------------------------------------

    def _stroke(self, node) -> bool:
        colour = node.strokeColor
        if colour is None:
            return False
        out = self.out
        op = _colour(colour, "RG")
        if op != self.stroke:
            out.append(op)
            self.stroke = op
        width = node.strokeWidth
        if width != self.width:
            out.append(f"{num(width)} w")
            self.width = width
        dash = node.strokeDashArray or None
        if dash != self.dash:
            if dash is None:
                out.append("[] 0 d")
            else:
                phase, array = 0, dash
                if len(dash) == 2 and isinstance(dash[1], list | tuple):
                    phase, array = dash
                out.append(f"[{' '.join(num(v) for v in array)}] {num(phase)} d")
            self.dash = dash
        return True

    def _fill(self, node) -> bool:
        colour = node.fillColor
        if colour is None:
            return False
        op = _colour(colour, "rg")
        if op != self.fill:
            self.out.append(op)
            self.fill = op
        return True

    def _paint(self, node, stroke: bool, fill: bool) -> str:
        ops = _OPS_NON_ZERO if node.__dict__.get("fillMode") == FILL_NON_ZERO else _OPS
        return ops[int(stroke), int(fill)]

    # -- shapes -------------------------------------------------------------------------

    def rect(self, node: Rect) -> None:
        stroke, fill = self._stroke(node), self._fill(node)
        if not (stroke or fill):
            return
        op = self._paint(node, stroke, fill)
        x, y, w, h, r = node.x, node.y, node.width, node.height, node.rx
        if not (r == node.ry == 0):
            self.out.append(f"n {_round_rect(x, y, w, h, r)} {op}")
        else:
            self.out.append(f"n {num(x)} {num(y)} {num(w)} {num(h)} re {op}")

    def line(self, node: Line) -> None:
        if self._stroke(node):
            self.out.append(f"n {num(node.x1)} {num(node.y1)} m {num(node.x2)} {num(node.y2)} l S")

    def poly(self, node, closed: bool) -> None:
        stroke = self._stroke(node)
        fill = closed and self._fill(node)
        if not (stroke or fill):
            return
        p = node.points
        path = [f"n {num(p[0])} {num(p[1])} m"]
        path += [f"{num(p[i])} {num(p[i + 1])} l" for i in range(2, len(p) - 1, 2)]
        if closed:
            path.append("h")
        path.append(self._paint(node, stroke, fill))
        self.out.append(" ".join(path))

    def circle(self, node: Circle) -> None:
        stroke, fill = self._stroke(node), self._fill(node)
        if not (stroke or fill):
            return
        cx, cy, r = node.cx, node.cy, node.r
        curves = pdfgeom.bezierArc(cx - r, cy - r, cx + r, cy + r, 0, 360)
        path = [f"n {num(curves[0][0])} {num(curves[0][1])} m"]
        path += [" ".join(num(v) for v in curve[2:]) + " c" for curve in curves]
        path.append(self._paint(node, stroke, fill))
        self.out.append(" ".join(path))

    def string(self, node: String) -> None:
        if not self._fill(node):
            return
        text = node.text
        font = pdfmetrics.getFont(node.fontName)
        size = node.fontSize
        x = node.x
        anchor = node.textAnchor
        if anchor not in ("start", "inherited"):
            width = pdfmetrics.stringWidth(text, node.fontName, size)
            x -= width if anchor == "end" else width * 0.5
        self.out.append(text_run(self.canv, font, size, x, node.y, text))


def text_run(canv, font, size: float, x: float, y: float, text: str) -> str:
    """One line of text at (x, y) as PDF operators, in the font's embedded subsets, as
    reportlab's own canvas would write it (without its per-call state bookkeeping)."""
    doc = canv._doc
    size_op = f"{num(size)} Tf"
    parts = [f"BT 1 0 0 1 {num(x)} {num(y)} Tm"]
    current = None
    for subset, chunk in font.splitString(text, doc):
        if subset != current:
            parts.append(f"{font.getSubsetInternalName(subset, doc)} {size_op}")
            current = subset
        parts.append(f"({canv._escape(chunk)}) Tj")
    parts.append("ET")
    return " ".join(parts)


def _round_rect(x: float, y: float, width: float, height: float, radius: float) -> str:
    """The path of reportlab's rounded rectangle (pathobject.roundRect), as one string."""
    xlo, xhi = min(x, x + width), max(x, x + width)
    ylo, yhi = min(y, y + height), max(y, y + height)
    r, t = radius, _ROUND * radius
    a, b, c, d = num(xlo), num(xhi), num(ylo), num(yhi)
    xlo_r, xhi_r, ylo_r, yhi_r = num(xlo + r), num(xhi - r), num(ylo + r), num(yhi - r)
    xlo_t, xhi_t, ylo_t, yhi_t = num(xlo + t), num(xhi - t), num(ylo + t), num(yhi - t)
    return (
        f"{xlo_r} {c} m {xhi_r} {c} l {xhi_t} {c} {b} {ylo_t} {b} {ylo_r} c "
        f"{b} {yhi_r} l {b} {yhi_t} {xhi_t} {d} {xhi_r} {d} c "
        f"{xlo_r} {d} l {xlo_t} {d} {a} {yhi_t} {a} {yhi_r} c "
        f"{a} {ylo_r} l {a} {ylo_t} {xlo_t} {c} {xlo_r} {c} c h"
    )
