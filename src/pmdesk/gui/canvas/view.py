"""The Canvas view: a product's boards as sticky-note grids, with the notes table alongside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core import voting
from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import CanvasTemplate, VoteTarget
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.templates import canvas_layout
from pmdesk.gui.commands import CreateCommand, DeleteCommand, UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.image_export import export_scene, export_widget
from pmdesk.gui.workshop.theme import STICKIES, PresentationTheme
from pmdesk.gui.workshop.voting import VotingSession
from pmdesk.store.services import CanvasService, RequirementService

from . import links as note_links
from .board import BoardView
from .commands import (
    DuplicateNotesCommand,
    MoveNotesCommand,
    SwitchTemplateCommand,
    UpdateNotesCommand,
)
from .items import NoteData
from .scene import BoardScene
from .style import BoardStyle
from .table import NotesTable
from .toolbar import BoardToolbar, VotingBar

CANVAS_TABLES = (
    ChangeKind.CANVAS_NOTE,
    ChangeKind.NOTE_ITEM_LINK,
    ChangeKind.NOTE_REQUIREMENT_LINK,
)


class CanvasView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(CanvasService)
        self.board_id: int | None = None
        self.template = CanvasTemplate.PRODUCT_CANVAS
        self.presentation: PresentationTheme | None = None
        self.scene = BoardScene(BoardStyle.from_palette(self.palette(), self.font()), self)
        self.board = BoardView(self.scene)
        self.toolbar = BoardToolbar()
        self.voting_bar = VotingBar()
        self.voting_bar.hide()
        self.session = VotingSession(ctx, VoteTarget.CANVAS_NOTE, self)
        self.table = self.register(NotesTable(ctx, self.service, self))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Canvas board and notes table")
        self.board_page = QStackedWidget()
        self.board_page.addWidget(self.board)
        self.start_page, self.start_buttons = self._make_start_page()
        self.board_page.addWidget(self.start_page)
        self.blank_hint = next_step_hint(
            "Blank board — double-click a block, or select it and type, to add a note"
        )
        self.tabs.addTab(self.board_page, "Board")
        self.tabs.addTab(self.table, "Notes")
        self.content_layout.addWidget(self.toolbar)
        self.content_layout.addWidget(self.voting_bar)
        self.content_layout.addWidget(self.blank_hint)
        self.content_layout.addWidget(self.tabs, 1)
        self._connect()
        self.follow_changes(self._follow)

    def _make_start_page(self) -> tuple[QWidget, list[QPushButton]]:
        """What a product without a board shows: the next step, with the templates at hand."""
        page = QWidget()
        hint = next_step_hint(
            "No canvas yet — choose a template to start", centred=True, hidden=False
        )
        font = hint.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)  # the page's only line: larger still
        hint.setFont(font)
        buttons = []
        row = QHBoxLayout()
        row.addStretch(1)
        for template in CanvasTemplate:
            button = QPushButton(template.label)
            button.setToolTip(f"Add a board with the {template.label} template")
            button.clicked.connect(lambda _c=False, t=template: self.create_board(t))
            row.addWidget(button)
            buttons.append(button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addStretch(2)
        return page, buttons

    def _connect(self) -> None:
        t, s, v = self.toolbar, self.scene, self.voting_bar
        t.boards.activated.connect(lambda _n: self.show_board(t.boards.currentData()))
        t.add_board_menu.triggered.connect(lambda action: self.create_board(action.data()))
        t.template.activated.connect(lambda _n: self.switch_template(t.template.currentData()))
        t.add_note.clicked.connect(self._add_note_clicked)
        t.colour_menu.triggered.connect(lambda action: self.set_colour(action.data()))
        t.duplicate.clicked.connect(self.duplicate_selected)
        t.delete.clicked.connect(self.delete_selected)
        t.focus.clicked.connect(lambda _c: self.board.toggle_focus())
        t.vote.toggled.connect(self._voting_toggled)
        t.links.clicked.connect(lambda _c: self.edit_links())
        s.moveRequested.connect(self.move_notes)
        s.dotRequested.connect(self.session.place)
        s.selectionChanged.connect(self.selectionChanged)
        self.selectionChanged.connect(self._update_links_button)
        s.focusedBlockChanged.connect(lambda key: t.focus.setChecked(key is not None))
        self.board.noteTyped.connect(self.add_note)
        self.board.noteEdited.connect(self.edit_note)
        v.start.clicked.connect(self.start_voting)
        v.undo_dot.clicked.connect(self.session.undo_dot)
        v.reveal.clicked.connect(self.session.reveal)
        v.sort.clicked.connect(self.sort_by_votes)
        v.finish.clicked.connect(lambda: t.vote.setChecked(False))
        self.session.changed.connect(self._voting_changed)
        duplicate = QAction("Duplicate", self)
        duplicate.setShortcut("Ctrl+D")
        duplicate.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        duplicate.triggered.connect(self.duplicate_selected)
        self.board.addAction(duplicate)

    # -- boards --------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self.board_id = None
        self.toolbar.vote.setChecked(False)
        self._fill_boards()
        self.show_board(self.toolbar.boards.itemData(0) if self.toolbar.boards.count() else None)

    def _fill_boards(self) -> None:
        combo = self.toolbar.boards
        combo.blockSignals(True)
        combo.clear()
        if self.product_id is not None:
            for board in self.service.boards_of(self.product_id):
                combo.addItem(board.name, board.id)
        combo.setCurrentIndex(max(combo.findData(self.board_id), 0) if self.board_id else 0)
        combo.blockSignals(False)
        editable = self.product_id is not None and not self.ctx.read_only
        self.toolbar.add_board.setEnabled(editable)
        for widget in (combo, self.toolbar.template):
            widget.setEnabled(combo.count() > 0)

    def show_board(self, board_id: int | None) -> None:
        self.board_id = board_id
        self.table.show_board(board_id)
        self._show_empty_state()
        if board_id is None:
            self.scene.set_template(None)
            return
        board = self.service.boards.get(board_id)
        self.template = board.template
        self.toolbar.boards.setCurrentIndex(self.toolbar.boards.findData(board_id))
        template = self.toolbar.template
        template.setCurrentIndex(template.findData(CanvasTemplate(board.template).value))
        self.scene.set_template(canvas_layout(board.template))
        self._reload_notes()

    def _reload_notes(self) -> None:
        if self.board_id is None:
            return
        links = self.service.link_counts(self.board_id)
        notes = [
            NoteData(n.id, n.block, n.text, n.colour, n.position, n.votes, *links.get(n.id, (0, 0)))
            for n in self.service.notes_of_board(self.board_id)
        ]
        self.scene.set_notes(notes)
        self._voting_changed()  # dots on the notes, and results that name them
        self._show_empty_state()

    def _show_empty_state(self) -> None:
        """No board: the template choice in its place; a blank board: how to add a note."""
        editable = self.product_id is not None and not self.ctx.read_only
        for button in self.start_buttons:
            button.setEnabled(editable)
            button.setVisible(self.presentation is None)  # editing chrome: not for a room
        self.board_page.setCurrentWidget(
            self.board if self.board_id is not None else self.start_page
        )
        blank = self.board_id is not None and not self.scene.notes
        self.blank_hint.setVisible(blank and self.presentation is None)
        t = self.toolbar
        for button in (t.add_note, t.colour, t.duplicate, t.delete, t.focus, t.vote):
            button.setEnabled(self.board_id is not None)  # nothing to act on without a board
        if self.board_id is None:
            t.template.setCurrentIndex(-1)

    def create_board(self, template: CanvasTemplate | str) -> int | None:
        if self.product_id is None or self.ctx.read_only:
            return None
        template = CanvasTemplate(template)  # menu data arrives as the enum's value
        taken = {b.name.casefold() for b in self.service.boards_of(self.product_id)}
        name, number = template.label, 2
        while name.casefold() in taken:
            name, number = f"{template.label} {number}", number + 1
        command = CreateCommand(
            self.service.boards,
            {
                "product_id": self.product_id,
                "name": name,
                "template": template,
                "sort_order": len(taken),
            },
            f"Add board “{name}”",
        )
        if not self.ctx.run(command):
            return None
        self.board_id = command.entity_id
        self._fill_boards()
        self.show_board(command.entity_id)
        return command.entity_id

    def switch_template(self, template: CanvasTemplate | str) -> bool:
        template = CanvasTemplate(template)  # the picker's data arrives as the enum's value
        if self.board_id is None or template == self.template:
            return False
        ok = self.ctx.run(SwitchTemplateCommand(self.service, self.board_id, template))
        if not ok:  # refused: the picker goes back to the board's real template
            self.show_board(self.board_id)
        return ok

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None:
            return
        if changes.touches(ChangeKind.CANVAS_BOARD):
            self._fill_boards()
            gone = self.toolbar.boards.findData(self.board_id) < 0  # deleted, here or away
            if gone or self.board_id is None:
                combo = self.toolbar.boards
                self.show_board(combo.itemData(0) if combo.count() else None)
            elif self.service.boards.get(self.board_id).template != self.template:
                self.show_board(self.board_id)  # a template switch (or its undo)
                return
        if self.board_id is not None and changes.touches(*CANVAS_TABLES):
            self._reload_notes()

    # -- notes ------------------------------------------------------------------------------

    def add_note(self, block: str, text: str, colour: str | None = None) -> int | None:
        if self.board_id is None:
            return None
        position = len([n for n in self.scene.notes.values() if n.data.block == block])
        command = CreateCommand(
            self.service.notes,
            {
                "board_id": self.board_id,
                "block": block,
                "text": text,
                "colour": colour or STICKIES[0].code,
                "position": position,
            },
            "Add note",
        )
        return command.entity_id if self.ctx.run(command) else None

    def _add_note_clicked(self) -> None:
        key = self.scene.current_block() or next(iter(self.scene.block_order()), None)
        if key is not None:
            self.board.start_capture(key)

    def edit_note(self, note_id: int, text: str) -> bool:
        return self.ctx.run(UpdateCommand(self.service.notes, note_id, {"text": text}, "Edit note"))

    def move_notes(self, note_ids: list[int], block: str, index: int) -> bool:
        noun = "note" if len(note_ids) == 1 else f"{len(note_ids)} notes"
        return self.ctx.run(MoveNotesCommand(self.service, note_ids, block, index, f"Move {noun}"))

    def selected_ids(self) -> list[int]:
        if self.tabs.currentWidget() is self.table:
            return self.table.selected_ids()
        return self.scene.selected_ids()

    def set_colour(self, colour: str) -> bool:
        ids = self.selected_ids()
        if not ids:
            return False
        changes = {note_id: {"colour": colour} for note_id in ids}
        return self.ctx.run(UpdateNotesCommand(self.service, changes, "Change note colour"))

    def duplicate_selected(self) -> bool:
        ids = self.selected_ids()
        return bool(ids) and self.ctx.run(
            DuplicateNotesCommand(self.service, ids, "Duplicate notes")
        )

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            noun = "note" if len(ids) == 1 else f"{len(ids)} notes"
            self.ctx.run(DeleteCommand(self.service.notes, ids, f"Delete {noun}"))

    def has_selection(self) -> bool:
        return bool(self.selected_ids())

    # -- links to roadmap items and requirements ------------------------------------------------

    def _update_links_button(self) -> None:
        self.toolbar.links.setEnabled(len(self.selected_ids()) == 1 and not self.ctx.read_only)

    def edit_links(self, note_id: int | None = None) -> bool:
        """Pick the roadmap items and requirements a note links to (one undoable step)."""
        if note_id is None:
            ids = self.selected_ids()
            if len(ids) != 1:
                return False
            note_id = ids[0]
        if self.product_id is None or self.ctx.read_only:
            return False
        requirements = self.ctx.service(RequirementService)
        items = list(requirements.item_names(self.product_id).items())  # by start date
        reqs = [
            (r.id, f"{r.ref} · {r.title}" if r.ref else r.title)
            for r in requirements.requirements_of(self.product_id)
        ]
        linked_items, linked_reqs = self.service.links_of_note(note_id)
        text = self.service.notes.get(note_id).text
        chosen = note_links.choose_links(self, text, items, reqs, linked_items, linked_reqs)
        if chosen is None:
            return False
        item_change = note_links.changes(set(linked_items), chosen[0])
        req_change = note_links.changes(set(linked_reqs), chosen[1])
        if not any(item_change + req_change):
            return False
        return self.ctx.run(
            note_links.LinkNoteCommand(
                self.service, note_id, item_change, req_change, "Change note links"
            )
        )

    # -- dot voting -------------------------------------------------------------------------

    def _voting_toggled(self, on: bool) -> None:
        self.voting_bar.setVisible(on)
        if not on:
            self.session.close()
        self._voting_changed()

    def start_voting(self, dots: int | None = None, participants: list[str] | None = None) -> bool:
        if self.product_id is None or self.board_id is None:
            return False
        self.toolbar.vote.setChecked(True)
        names = (
            participants
            if participants is not None
            else voting.parse_participants(self.voting_bar.participants.text())
        )
        return self.session.start(
            self.product_id,
            board_id=self.board_id,
            dots=dots or self.voting_bar.dots.value(),
            participants=names,
            title=self.toolbar.boards.currentText(),
        )

    def _voting_changed(self) -> None:
        self.scene.voting = self.session.active
        status = self.session.status()
        results = self.voting_results() if self.session.revealed else []
        if results:
            status += " — " + " · ".join(f"{text} {dots}" for text, dots in results[:5])
        self.voting_bar.show_state(
            self.session.round_id is not None, status, self.session.active, self.session.revealed
        )
        self.voting_bar.status.setToolTip("\n".join(f"{dots}  {text}" for text, dots in results))
        self._show_voter_dots()

    def voting_results(self) -> list[tuple[str, int]]:
        """The revealed round's notes with dots: (text, dots), most first, ties by text."""
        labels = {nid: " ".join(item.data.text.split()) for nid, item in self.scene.notes.items()}
        return [(labels[nid], dots) for nid, dots in self.session.results(labels) if dots]

    def _show_voter_dots(self) -> None:
        mine = self.session.dots_of_voter() if self.session.active else {}
        for note_id, item in self.scene.notes.items():
            item.dots = mine.get(note_id, 0)
            item.hide_votes = self.session.active
            item.update()

    def sort_by_votes(self) -> bool:
        """Order every block's notes by votes, most first (one undo step)."""
        changes: dict[int, dict[str, Any]] = {}
        counts = {nid: item.data.votes for nid, item in self.scene.notes.items()}
        for key in self.scene.block_order():
            ids = [n.data.id for n in self.scene.notes_in(key)]
            for position, note_id in enumerate(voting.ranked(ids, counts)):
                changes[note_id] = {"position": position}
        return self.ctx.run(UpdateNotesCommand(self.service, changes, "Sort notes by votes"))

    # -- presentation and export ---------------------------------------------------------------

    def set_presentation(self, theme: PresentationTheme | None) -> None:
        """The projector look: big type, thick strokes, Okabe–Ito notes, editing chrome hidden."""
        self.presentation = theme
        self.toolbar.setVisible(theme is None)
        self._show_empty_state()
        self.tabs.tabBar().setVisible(theme is None)
        if theme is not None:
            self.tabs.setCurrentWidget(self.board_page)
            self.content_layout.setContentsMargins(0, 0, 0, 0)
            style = BoardStyle.from_theme(theme, self.font())
        else:
            self.content_layout.setContentsMargins(14, 12, 14, 10)
            style = BoardStyle.from_palette(self.palette(), self.font())
        self.scene.set_style(style)
        self.board.editor.setFont(style.font(style.body_px))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if self.presentation is None and event.type() in (
            event.Type.PaletteChange,
            event.Type.FontChange,
        ):
            self.scene.set_style(BoardStyle.from_palette(self.palette(), self.font()))

    def export_image(self, path: Path, size: QSize | None = None) -> Path:
        """The board as PNG or SVG (by suffix), drawn from the scene, not a screen grab;
        without a board, the template choice shown in its place."""
        if self.board_id is None:
            return export_widget(self.board_page, path, title="Canvas")
        return export_scene(
            self.scene,
            path,
            size=size,
            background=self.scene.style.background,
            title=self.toolbar.boards.currentText(),
        )
