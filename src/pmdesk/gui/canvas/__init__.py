"""The product canvas: a board of template blocks filled with sticky notes."""

from .view import CanvasView

__all__ = ["CanvasView"]
