"""Canvas as a table: the sticky notes of one board, by block, with colour and votes."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMenu, QPushButton, QWidget

from pmdesk.core.canvas_blocks import block_label, blocks_of
from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import CanvasTemplate
from pmdesk.core.errors import ValidationError
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, Lookup
from pmdesk.gui.widgets.delegates import STICKY_COLOURS
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import CanvasService

from .base import BaseView
from .common import create, free_name, heading, next_order, quiet

_COLOUR_NAMES = {code.upper(): name for code, name in STICKY_COLOURS}


def _colour_text(row: Any) -> str:
    return _COLOUR_NAMES.get(row.colour.upper(), row.colour)


def _colour_changes(value: Any, _row: Any) -> dict[str, Any]:
    text = str(value or "").strip()
    if not text.startswith("#") or not QColor(text).isValid():
        raise ValidationError("colour", f"“{text}” is not a colour; pick one or type #RRGGBB")
    return {"colour": QColor(text).name().upper()}


def _note_name(row: Any) -> str:
    text = " ".join(row.text.split())
    return text[:40] + "…" if len(text) > 40 else text or "note"


class CanvasView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(CanvasService)
        self.board_id: int | None = None
        self.template = CanvasTemplate.PRODUCT_CANVAS
        self.blocks = Lookup(self._blocks, ("canvas_note", "canvas_board"))
        self.model = EntityTableModel(
            ctx, self.service.notes, self._columns(), name_of=_note_name, parent=self
        )
        self.table = self.register(
            EntityTable(
                self.model,
                noun=("note", "notes"),
                create=self._new_note,
                edit_field="text",
                sort_field="block",
            )
        )
        self._build()
        ctx.changed.connect(self._follow)

    def _build(self) -> None:
        self.boards = QComboBox()
        self.boards.setMinimumWidth(260)
        self.boards.activated.connect(lambda _n: self.show_board(self.boards.currentData()))
        self.add_board = QPushButton("Add board")
        menu = QMenu(self.add_board)
        for template in CanvasTemplate:
            action = menu.addAction(template.label)
            action.triggered.connect(lambda _checked=False, t=template: self.create_board(t))
        self.add_board.setMenu(menu)
        self.hint = quiet()
        top = QHBoxLayout()
        top.addWidget(heading("Canvas"))
        top.addStretch(1)
        top.addWidget(quiet("Board"))
        top.addWidget(self.boards)
        top.addWidget(self.add_board)
        self.content_layout.addLayout(top)
        self.content_layout.addWidget(self.hint)
        self.content_layout.addWidget(self.table, 1)

    def _columns(self) -> list[Column]:
        return [
            Column(
                "block",
                "Block",
                Kind.CHOICE,
                choices=self.blocks,
                width=26,
                display=lambda r: block_label(r.block, self.template),
                sort_value=self._block_rank,
                header_tip="Sorted in the template's order",
            ),
            Column(
                "colour",
                "Colour",
                Kind.COLOUR,
                display=_colour_text,
                decoration=lambda r: r.colour,
                to_changes=_colour_changes,
                width=12,
            ),
            Column("votes", "Votes", Kind.INT, minimum=0, width=6),
            Column("text", "Note", Kind.LONG_TEXT, width=60),
        ]

    def _block_rank(self, row: Any) -> tuple[int, int]:
        keys = [key for key, _label in blocks_of(self.template)]
        return (keys.index(row.block), row.position) if row.block in keys else (len(keys), 0)

    def _blocks(self) -> dict[str, str]:
        """The template's blocks, plus any other block a note of this board sits in."""
        found = dict(blocks_of(self.template))
        for note in self.model.entities():
            found.setdefault(note.block, block_label(note.block, self.template))
        return found

    # -- boards --------------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self.board_id = None
        self._fill_boards()
        self.show_board(self.boards.itemData(0) if self.boards.count() else None)

    def _fill_boards(self) -> None:
        self.boards.blockSignals(True)
        self.boards.clear()
        if self.product_id is not None:
            for board in self.service.boards_of(self.product_id):
                label = board.name
                if board.name != board.template.label:
                    label = f"{board.name} ({board.template.label})"
                self.boards.addItem(label, board.id)
        found = self.boards.findData(self.board_id) if self.board_id is not None else -1
        self.boards.setCurrentIndex(max(found, 0))
        self.boards.blockSignals(False)
        self.boards.setEnabled(self.boards.count() > 0)
        self.add_board.setEnabled(self.product_id is not None and not self.ctx.read_only)

    def show_board(self, board_id: int | None) -> None:
        self.board_id = board_id
        if board_id is not None:
            self.template = self.service.boards.get(board_id).template
            self.boards.setCurrentIndex(self.boards.findData(board_id))
        self.model.set_query(
            TableQuery.where_equal(self.service.notes, board_id=board_id)
            if board_id is not None
            else None
        )
        self.hint.setVisible(board_id is None)
        self.hint.setText("This product has no canvas yet. Use “Add board” to start one.")

    def create_board(self, template: CanvasTemplate = CanvasTemplate.PRODUCT_CANVAS) -> int | None:
        if self.product_id is None or self.ctx.read_only:
            return None
        repo = self.service.boards
        name = free_name(repo, template.label, product_id=self.product_id)
        command = create(
            repo,
            f"Add board “{name}”",
            product_id=self.product_id,
            name=name,
            template=template,
            sort_order=next_order(repo, product_id=self.product_id),
        )
        if not self.ctx.run(command):
            return None
        self.board_id = command.entity_id
        self._fill_boards()
        self.show_board(command.entity_id)
        return command.entity_id

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None or not changes.touches("canvas_board"):
            return
        gone = self.board_id in changes.ids("canvas_board", "delete")
        self._fill_boards()
        if gone or (self.board_id is None and self.boards.count()):
            self.show_board(self.boards.itemData(0) if self.boards.count() else None)
        elif self.board_id is not None:
            self.template = self.service.boards.get(self.board_id).template

    # -- notes -------------------------------------------------------------------------------------

    def _new_note(self) -> CreateCommand:
        if self.board_id is None:
            raise ValidationError("board", "add a board first")
        current = self.table.current_id()
        row = self.model.entity(self.model.row_of(current)) if current is not None else None
        block = row.block if row is not None else blocks_of(self.template)[0][0]
        return create(
            self.service.notes,
            "Add note",
            board_id=self.board_id,
            block=block,
            text="",
            colour=STICKY_COLOURS[0][0],
            position=next_order(self.service.notes, "position", board_id=self.board_id),
        )
