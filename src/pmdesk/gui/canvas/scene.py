"""The board scene: the template's grid of blocks with notes flowed inside them.

The scene is as wide as the view showing it (one scene pixel is one screen
pixel), so text sizes are real pixel sizes and a block's notes are laid out
for the room they actually have; a desk board too crowded for the window grows
taller and the view scrolls it. Gestures come out as ``…Requested`` signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsSceneMouseEvent

from pmdesk.core.templates import TO_SORT, CanvasLayout

from .flow import SCALES, flow_at, flow_notes
from .grid import SPREADS, Cell, Plan, plan
from .items import (
    EMPTY_BLOCK_HINT,
    BlockItem,
    NoteData,
    NoteItem,
    block_padding,
    header_height,
    longest_word,
)
from .style import BoardStyle, wrapped_height

NOTE_WIDTH_EM = 9.0  # a note is about nine body-text heights wide (~20 characters a line)
FOCUS_ZOOM = 2.0  # a focused block's text, on the desk (a projector's is large already: 1.4)


class BoardScene(QGraphicsScene):
    moveRequested = Signal(list, str, int)  # note ids, block key, index in the block
    captureRequested = Signal(str, str)  # block key, first text typed
    editRequested = Signal(int)  # note id
    dotRequested = Signal(int)  # note id, while voting
    focusedBlockChanged = Signal(object)  # block key or None

    def __init__(self, style: BoardStyle, parent=None) -> None:
        super().__init__(parent)
        self.style = style
        self.layout_spec: CanvasLayout | None = None
        self.blocks: dict[str, BlockItem] = {}
        self.notes: dict[int, NoteItem] = {}
        self.size = (1200.0, 800.0)
        self.focused: str | None = None  # the block zoomed to fill the board
        self.voting = False
        self._press: tuple[QPointF, NoteItem] | None = None
        self._dragging: list[NoteItem] = []
        self._drag_origin = QPointF()

    # -- content ------------------------------------------------------------------------

    def set_template(self, layout: CanvasLayout | None) -> None:
        for block in self.blocks.values():
            self.removeItem(block)
        self.blocks.clear()
        self.notes.clear()
        self.clear()
        self.layout_spec = layout
        self.focused = None
        if layout is not None:
            for spec in [*layout.blocks]:
                self.blocks[spec.key] = BlockItem(spec.key, spec.title, spec.prompt, self.style)
            self.blocks[TO_SORT] = BlockItem(
                TO_SORT, "To sort", "Notes from another template", self.style
            )
            for block in self.blocks.values():
                self.addItem(block)
        self.relayout()

    def set_notes(self, notes: Sequence[NoteData]) -> None:
        """Show these notes, reusing the items of notes already shown (selection is kept)."""
        wanted = {note.id: note for note in notes}
        for note_id in set(self.notes) - set(wanted):
            item = self.notes.pop(note_id)
            self.removeItem(item)
        for note in notes:
            item = self.notes.get(note.id)
            if item is None:
                item = NoteItem(note, self.style)
                self.notes[note.id] = item
                self.addItem(item)
            else:
                item.set_data(note)
        self.relayout()

    def set_style(self, style: BoardStyle) -> None:
        self.style = style
        for item in [*self.blocks.values(), *self.notes.values()]:
            item.style = style
        self.setBackgroundBrush(style.background)
        self.relayout()

    def resize(self, width: float, height: float) -> None:
        self.size = (max(200.0, width), max(150.0, height))
        self.relayout()

    # -- reading --------------------------------------------------------------------------

    def block_order(self) -> list[str]:
        """Blocks in reading order (row, then column); "to sort" last when it has notes."""
        if self.layout_spec is None:
            return []
        keys = [b.key for b in sorted(self.layout_spec.blocks, key=lambda b: (b.row, b.col))]
        return keys + ([TO_SORT] if self.notes_in(TO_SORT) else [])

    def notes_in(self, key: str) -> list[NoteItem]:
        known = set(self.blocks) - {TO_SORT}
        found = [
            n
            for n in self.notes.values()
            if n.data.block == key or (key == TO_SORT and n.data.block not in known)
        ]
        return sorted(found, key=lambda n: (n.data.position, n.data.id))

    def selected_ids(self) -> list[int]:
        return [n.data.id for n in self._all_in_order() if n.isSelected()]

    def _all_in_order(self) -> list[NoteItem]:
        return [n for key in self.block_order() for n in self.notes_in(key)]

    def block_at(self, scene_pos: QPointF) -> BlockItem | None:
        for block in self.blocks.values():
            if block.isVisible() and block.sceneBoundingRect().contains(scene_pos):
                return block
        return None

    def drop_index(self, block: BlockItem, scene_pos: QPointF, moving: set[int]) -> int:
        """Where a note dropped at ``scene_pos`` goes among the block's other notes."""
        point = block.local_point(scene_pos)
        others = [n for n in self.notes_in(block.key) if n.data.id not in moving]
        for index, note in enumerate(others):
            rect = note.rect.translated(note.pos() + QPointF(0, block.scroll))
            if point.y() < rect.top() or (
                point.y() < rect.bottom() and point.x() < rect.center().x()
            ):
                return index
        return len(others)

    # -- layout ------------------------------------------------------------------------------

    def relayout(self) -> None:
        width, height = self.size
        rects = self._block_rects(width, height) if self.layout_spec is not None else {}
        bottom = max((r.bottom() for r in rects.values()), default=0.0) + self._margin()
        # A crowded desk board grows and scrolls (rounding never makes it scroll by a pixel).
        self.setSceneRect(0, 0, width, bottom if bottom > height + 0.5 else height)
        self.setBackgroundBrush(self.style.background)
        for key, block in self.blocks.items():
            rect = rects.get(key)
            block.setVisible(rect is not None)
            if rect is not None:
                self._layout_block(block, rect)
        self.update()

    def _margin(self) -> float:
        return max(10.0, self.style.body_px * 0.5)

    def _block_rects(self, width: float, height: float) -> dict[str, QRectF]:
        """Every block's place: rows and columns weighted by the notes they hold.

        Every note shows at the largest type that fits; on a projector the board
        fits the screen, on the desk it grows taller and scrolls as a whole
        rather than shrink notes below a readable size.
        """
        margin, gap = self._margin(), max(8.0, self.style.body_px * 0.35)
        full = QRectF(margin, margin, width - 2 * margin, height - 2 * margin)
        if self.focused is not None and self.focused in self.blocks:
            return {self.focused: full}
        spec = self.layout_spec
        cells = [Cell(b.key, b.row, b.col, b.rowspan, b.colspan) for b in spec.blocks]
        rows = spec.rows
        if self.notes_in(TO_SORT):
            cells.append(Cell(TO_SORT, rows, 0, 1, spec.columns))
            rows += 1
        chosen = self._plan(cells, spec.columns, rows, full, gap)
        room = full.height() if self.style.projected else max(full.height(), chosen.height)
        fitted = chosen.fitted(room)
        return {c.key: QRectF(*fitted.rect(c, full.left(), full.top())) for c in cells}

    def _plan(self, cells: list[Cell], columns: int, rows: int, full: QRectF, gap: float) -> Plan:
        """The first plan, largest type first and even columns first, that fits the board.

        When none fits: the full-size plan that comes closest (the desk board then
        grows and scrolls; on a projector only the blocks too crowded to fit
        shrink their notes, to the floor, and scroll).
        """
        style = self.style
        measured: dict[tuple[str, float, float], float] = {}

        def measure(text: str, width: float, scale: float) -> float:
            key = (text, width, scale)
            if key not in measured:
                measured[key] = style.text_height(text, width, scale)
            return measured[key]

        header = header_height(style, "", full.width())  # one line: a row's least height
        full_size: Plan | None = None
        for scale in [s for s in SCALES if s >= style.min_note_scale] or [1.0]:
            needs: dict[tuple[str, float], float] = {}

            def need(
                key: str,
                width: float,
                scale: float = scale,
                needs: dict[tuple[str, float], float] = needs,
            ) -> float:
                """A block's height at this scale, cached per scale (bound, not looked up)."""
                if (key, width) not in needs:
                    needs[key, width] = self._need(key, width, scale, measure)
                return needs[key, width]

            for spread in SPREADS:
                found = plan(
                    cells,
                    columns,
                    rows,
                    full.width(),
                    full.height(),
                    gap,
                    need=need,
                    min_width=self._min_width,
                    min_height=header + style.body_px * 1.5,
                    spread=spread,
                )
                if found.height <= full.height() + 0.5:
                    return found
                if scale == 1.0 and (full_size is None or found.height < full_size.height):
                    full_size = found
        return full_size

    def _need(self, key: str, width: float, scale: float, measure) -> float:
        """The height block ``key`` needs at ``width`` to show every note at ``scale``."""
        style, pad = self.style, block_padding(self.style)
        header = header_height(style, self.blocks[key].title, width)
        area = max(1.0, width - 2 * pad)
        notes = self.notes_in(key)
        if notes:
            content = flow_at(
                [n.data.text for n in notes],
                area,
                measure,
                scale,
                style.body_px * NOTE_WIDTH_EM * scale,
                8 * scale,
                max(6.0, style.body_px * 0.3),
                [n.badge_height for n in notes],
            ).content_height
        elif style.projected:
            content = style.body_px
        else:  # the prompt and the hint an empty block shows
            block = self.blocks[key]
            small = style.font(style.small_px)
            content = (
                wrapped_height(small, block.prompt, area)
                + style.small_px * 0.4
                + wrapped_height(style.font(style.small_px, italic=True), EMPTY_BLOCK_HINT, area)
            )
        return header + content + pad

    def _min_width(self, key: str) -> float:
        """A block is never narrower than its title's longest word (and a short note)."""
        style = self.style
        return max(longest_word(style, self.blocks[key].title), style.body_px * 6) + (
            2 * block_padding(style) + 2
        )

    def _layout_block(self, block: BlockItem, rect: QRectF) -> None:
        style = self._zoomed() if block.key == self.focused else self.style
        block.style = style
        block.set_geometry(rect, header_height(style, block.title, rect.width()))
        notes = self.notes_in(block.key)
        block.count = len(notes)
        area = block.area.rect()
        flow = flow_notes(
            [n.data.text for n in notes],
            area.width(),
            area.height(),
            style.text_height,
            note_width=style.body_px * NOTE_WIDTH_EM,
            padding=8,
            gap=max(6.0, style.body_px * 0.3),
            extras=[n.badge_height for n in notes],
            min_scale=style.min_note_scale,
        )
        block.content_height = flow.content_height
        block.scroll = min(block.scroll, block.max_scroll())
        for note, slot in zip(notes, flow.slots, strict=True):
            note.style = style
            if note not in self._dragging:
                note.setParentItem(block.area)
                note.set_geometry(
                    QRectF(
                        area.left() + slot.x,
                        area.top() + slot.y - block.scroll,
                        slot.width,
                        slot.height,
                    ),
                    flow.scale,
                )
        block.notes_placed()

    def _zoomed(self) -> BoardStyle:
        """The style of a focused block: everything larger, as if zoomed in."""
        zoom = 1.4 if self.style.projected else FOCUS_ZOOM
        s = self.style
        return replace(
            s,
            body_px=round(s.body_px * zoom),
            title_px=round(s.title_px * zoom),
            small_px=round(s.small_px * zoom),
        )

    def focus_block(self, key: str | None) -> None:
        """Zoom one block to fill the board (None: the whole board again)."""
        self.focused = key if key in self.blocks else None
        self.relayout()
        if self.focused is not None:
            self.blocks[self.focused].setFocus(Qt.FocusReason.OtherFocusReason)
        self.focusedBlockChanged.emit(self.focused)

    def current_block(self) -> str | None:
        item = self.focusItem()
        if isinstance(item, BlockItem):
            return item.key
        if isinstance(item, NoteItem):
            return item.data.block
        return self.focused

    def step_block(self, step: int) -> str | None:
        """Move the keyboard focus (and the zoom, when zoomed) to the next or previous block."""
        order = self.block_order()
        if not order:
            return None
        current = self.current_block()
        index = order.index(current) + step if current in order else 0
        key = order[index % len(order)]
        if self.focused is not None:
            self.focus_block(key)
        else:
            self.blocks[key].setFocus(Qt.FocusReason.TabFocusReason)
            self.update()
        return key

    # -- mouse: select, drag between blocks, vote ---------------------------------------------

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        note = self._note_at(event.scenePos())
        if self.voting and event.button() == Qt.MouseButton.LeftButton:
            if note is not None:
                self.dotRequested.emit(note.data.id)
            event.accept()
            return
        super().mousePressEvent(event)
        if note is not None and event.button() == Qt.MouseButton.LeftButton:
            self._press = (event.scenePos(), note)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._press is None:
            super().mouseMoveEvent(event)
            return
        start, pressed = self._press
        if not self._dragging:
            if (event.scenePos() - start).manhattanLength() < QApplication.startDragDistance():
                return
            self._begin_drag(pressed)
        delta = event.scenePos() - self._drag_origin
        self._drag_origin = event.scenePos()
        for note in self._dragging:
            note.moveBy(delta.x(), delta.y())

    def _begin_drag(self, pressed: NoteItem) -> None:
        if not pressed.isSelected():
            self.clearSelection()
            pressed.setSelected(True)
        self._dragging = [n for n in self._all_in_order() if n.isSelected()]
        self._drag_origin = self._press[0]
        for note in self._dragging:
            where = note.scenePos()
            note.setParentItem(None)
            note.setPos(where)
            note.setZValue(10)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        dragging, self._dragging, self._press = self._dragging, [], None
        if not dragging:
            super().mouseReleaseEvent(event)
            return
        for note in dragging:
            note.setZValue(0)
        block = self.block_at(event.scenePos())
        ids = [n.data.id for n in dragging]
        self.relayout()  # back in place until the move is in the file
        if block is not None:
            self.moveRequested.emit(
                ids, block.key, self.drop_index(block, event.scenePos(), set(ids))
            )

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        note = self._note_at(event.scenePos())
        if note is not None and not self.voting:
            self.editRequested.emit(note.data.id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _note_at(self, scene_pos: QPointF) -> NoteItem | None:
        for item in self.items(scene_pos, deviceTransform=QTransform()):
            if isinstance(item, NoteItem) and item.isVisible():
                return item
        return None

    def render_to(self, painter: QPainter, target: QRectF) -> None:
        self.render(painter, target, self.sceneRect())
