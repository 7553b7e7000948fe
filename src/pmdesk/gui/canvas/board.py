"""The board on screen: a view as wide as its scene, plus the quick-capture editor.

Quick capture: with a block focused, typing opens an editor in that block;
Enter adds the note and starts the next, Shift+Enter starts a new line in it,
Esc cancels. Double-clicking a note
edits its text in the same editor.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QFrame, QGraphicsView, QPlainTextEdit, QWidget

from .items import BlockItem, NoteItem
from .scene import BoardScene
from .style import wrapped_height

_STEP_KEYS = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1}


class CaptureEditor(QPlainTextEdit):
    """A note typed onto the board: Enter finishes it, Shift+Enter starts a new line.

    It wraps at word boundaries as the note itself does, so what is typed looks
    like what will be drawn; the line-edit vocabulary (``text``, ``setText``,
    ``insert``) keeps callers simple.
    """

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("captureEditor")
        self.setPlaceholderText("Type a note · Enter adds · Shift+Enter new line · Esc cancels")
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTabChangesFocus(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it grows instead
        self.hide()

    # -- the line-edit vocabulary ------------------------------------------------------------

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)
        self.moveCursor(QTextCursor.MoveOperation.End)  # typing goes on after the first key

    def insert(self, text: str) -> None:
        self.insertPlainText(text)

    def line_height(self) -> int:
        """One line of text plus the frame: the editor's smallest useful height."""
        margins = self.contentsMargins()
        document = round(self.document().documentMargin() * 2)
        return self.fontMetrics().lineSpacing() + document + margins.top() + margins.bottom()

    def content_height(self) -> int:
        """The height that shows every line typed so far, wrapped at the editor's width."""
        margin = round(self.document().documentMargin() * 2)
        width = max(1, self.viewport().width() - margin)
        text = self.text()
        if text.endswith("\n"):
            text += " "  # a new empty last line still takes its height
        found = wrapped_height(self.font(), text, width)
        return self.line_height() - self.fontMetrics().lineSpacing() + round(found)

    # -- keys ----------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Esc and Enter belong to the editor, not to window shortcuts (leave presentation...).
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in (
            Qt.Key.Key_Escape,
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            self.submitted.emit(self.text())
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class BoardView(QGraphicsView):
    noteTyped = Signal(str, str)  # block key, text
    noteEdited = Signal(int, str)  # note id, new text

    def __init__(self, scene: BoardScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.board = scene
        self.setAccessibleName("Canvas board")
        self.viewport().setAccessibleName("Canvas board")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A crowded board grows taller than the window and scrolls as a whole (never sideways).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRenderHints(self.renderHints())
        self.editor = CaptureEditor(self.viewport())
        self.capture_block: str | None = None
        self.editing_note: int | None = None
        self.editor.submitted.connect(self._submitted)
        self.editor.textChanged.connect(self._place_editor)  # grows with each wrapped line
        self.editor.cancelled.connect(self.close_editor)
        scene.captureRequested.connect(self.start_capture)
        scene.editRequested.connect(self.start_edit)
        scene.focusItemChanged.connect(self._focus_moved)

    def _focus_moved(self, item, _old, _reason) -> None:
        """The block or note the keyboard reached: scrolled into view and told to screen readers."""
        if item is None:
            return
        self.ensureVisible(item.sceneBoundingRect(), 0, 0)
        block = (
            item
            if isinstance(item, BlockItem)
            else (self.board.blocks.get(item.data.block) if isinstance(item, NoteItem) else None)
        )
        if block is not None:
            notes = len(self.board.notes_in(block.key))
            self.setAccessibleDescription(f"{block.title}: {notes} note{'s' * (notes != 1)}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = self.viewport().size()
        self.board.resize(size.width(), size.height())
        self._place_editor()

    # -- capture and edit -----------------------------------------------------------------

    def start_capture(self, block: str, text: str = "") -> None:
        if self.board.voting or block not in self.board.blocks:
            return
        self.capture_block, self.editing_note = block, None
        self._open_editor(text)

    def start_edit(self, note_id: int) -> None:
        note = self.board.notes.get(note_id)
        if note is None:
            return
        self.capture_block, self.editing_note = note.data.block, note_id
        self._open_editor(note.data.text)
        self.editor.selectAll()

    def _open_editor(self, text: str) -> None:
        font = self.board.style.font(self.board.style.body_px)
        self.editor.setFont(font)
        self.editor.setText(text)
        self._place_editor()
        self.editor.show()
        self.editor.raise_()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _place_editor(self) -> None:
        if self.capture_block is None:
            return
        block = self.board.blocks.get(self.capture_block)
        if block is None or not block.isVisible():
            return
        if self.editing_note is not None and self.editing_note in self.board.notes:
            rect = self.board.notes[self.editing_note].sceneBoundingRect()
        else:
            rect = block.sceneBoundingRect()
        area = self.mapFromScene(rect).boundingRect()
        width = max(120, area.width() - 12)
        self.editor.resize(width, self.editor.height())  # wrap at the final width, then measure
        if self.editing_note is None:  # capture: above the block's bottom edge
            height = min(
                self.editor.content_height(), max(self.editor.line_height(), area.height() // 2)
            )
            top = area.bottom() - height - 6
        else:  # edit: over the note, as tall as the note or the text, whichever is taller
            room = self.mapFromScene(block.sceneBoundingRect()).boundingRect().bottom() - area.top()
            height = min(max(area.height(), self.editor.content_height()), max(room, area.height()))
            top = area.top()
        self.editor.setGeometry(QRect(area.left() + 6, max(0, top), width, height))

    def _submitted(self, text: str) -> None:
        text = text.strip()
        if self.editing_note is not None:
            note_id = self.editing_note
            self.close_editor()
            if text:
                self.noteEdited.emit(note_id, text)
            return
        if text and self.capture_block is not None:
            self.noteTyped.emit(self.capture_block, text)
        self.editor.clear()  # ready for the next note
        self._place_editor()

    def close_editor(self) -> None:
        block = self.capture_block
        self.capture_block = self.editing_note = None
        self.editor.hide()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        if block in self.board.blocks:
            self.board.blocks[block].setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def capturing(self) -> bool:
        return self.editor.isVisible()

    # -- keyboard: step through blocks, zoom one ----------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._owns_key(event):
            event.accept()
            return True
        return super().event(event)

    def _owns_key(self, event: QKeyEvent) -> bool:
        """Keys the board uses rather than the window (arrows between blocks, Esc to unzoom)."""
        if event.key() == Qt.Key.Key_Escape:
            return self.board.focused is not None
        if event.key() in _STEP_KEYS and not event.modifiers():
            return self.board.current_block() is not None
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = mods & Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self.toggle_focus()
            return
        if key == Qt.Key.Key_Escape and self.board.focused is not None:
            self.board.focus_block(None)
            return
        if key in _STEP_KEYS and not mods and self.board.current_block() is not None:
            self.board.step_block(_STEP_KEYS[key])
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab steps through the blocks, then leaves the board (Shift+Tab: before the first)."""
        order = self.board.block_order()
        current = self.board.current_block()
        if order and not self.capturing and current in order:
            index = order.index(current)
            if (index < len(order) - 1) if forward else index > 0:
                self.board.step_block(1 if forward else -1)
                return True
        self.board.clearFocus()  # the board's own focus item, so arrows start afresh next time
        return super().focusNextPrevChild(forward)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tabbing in lands on the first block; Shift+Tab from after the board, on the last."""
        super().focusInEvent(event)
        order = self.board.block_order()
        reason = event.reason()
        if order and reason in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
            key = order[0] if reason == Qt.FocusReason.TabFocusReason else order[-1]
            if self.board.focused is not None:
                self.board.focus_block(key)
            else:
                self.board.blocks[key].setFocus(reason)

    def toggle_focus(self) -> None:
        if self.board.focused is not None:
            self.board.focus_block(None)
            return
        key = self.board.current_block() or next(iter(self.board.block_order()), None)
        self.board.focus_block(key)
