"""The Marketing mix tab: a product's four Ps side by side, each from where the app keeps it.

Product (the tagline, the canvas's value proposition, key features and customer
segments, the launch's differentiator), Price (the business case's price points, else
the launch plan's price), Place (the launch plan's channels, else the canvas's) and
Promotion (the launch plan's key messages per audience and the canvas's campaigns). The
reading is :meth:`MarketService.marketing_mix`, the one the commercial specification
prints. Every entry is edited in place (F2 or a double click, then Enter) and new ones
are added from the panel, each one undo step on the row that holds it; a button per
panel opens the view that holds the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import CanvasTemplate
from pmdesk.core.errors import ValidationError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.pricing import format_money, format_rate
from pmdesk.core.templates import canvas_layout
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.common import name_parts, quiet
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.look import Look
from pmdesk.gui.widgets.stale import StaleUntilShown
from pmdesk.gui.workshop.theme import STICKIES
from pmdesk.store.services import (
    CanvasService,
    FinanceService,
    LaunchService,
    PortfolioService,
    RequirementService,
)
from pmdesk.store.services.market import MarketingMix, MarketService, text_lines

from .commands import MarketCommand

Index = QModelIndex | QPersistentModelIndex

MIX_KINDS = (
    ChangeKind.PRODUCT,
    ChangeKind.CANVAS_BOARD,
    ChangeKind.CANVAS_NOTE,
    ChangeKind.REQUIREMENT,
    ChangeKind.LAUNCH,
    ChangeKind.LAUNCH_MESSAGE,
    ChangeKind.PRICE_POINT,
    ChangeKind.BUSINESS_CASE,
)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # what the entry is: an Entry, None for a heading
EDIT_ROLE = Qt.ItemDataRole.UserRole + 2  # the text an editor starts from
SHOWN_CHARS = 400  # of an entry's text in its row; the whole text on hover and in the editor
TIP_CHARS = 4_000
EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
)
NO_EDITS = QAbstractItemView.EditTrigger.NoEditTriggers

# The canvas meanings a note added from the tab goes to: (meaning, what the person adds).
PRODUCT_ADDS = (
    ("features", "Key feature"),
    ("value", "Value proposition"),
    ("customers", "Customer segment"),
)
PROMOTION_ADDS = ("Key message", "Campaign on the canvas")

# Where each P comes from, and where to fill it when it is empty: (key, view, button).
OPEN = {
    "product": ("canvas", "Open in Canvas"),
    "price": ("business_case", "Open in Business case"),
    "place": ("launch", "Open in Launch plan"),
    "promotion": ("launch", "Open in Launch plan"),
}
EMPTY = {
    "product": (
        "No value proposition, key features or customer segments yet — add them below, "
        "or on the Canvas"
    ),
    "price": (
        "No price points yet — set them in the Business case (Pricing), or the launch "
        "plan's price in the Launch view"
    ),
    "place": "No channels yet — add one below, or in the Launch plan or on the Canvas",
    "promotion": (
        "No key messages or campaigns yet — add a launch in the Launch view for its "
        "messages, or a campaign below"
    ),
}


@dataclass(frozen=True)
class Entry:
    """What an entry of the mix is, so an edit reaches the row that holds it."""

    kind: str  # note, requirement, tagline, differentiator, price_point, message, launch_line
    id: int  # the note's, requirement's, product's, launch's, price point's or message's id
    field: str = ""  # a launch's text field a line belongs to (channels, price)
    line: int = -1  # which of that field's lines


def shown(text: str) -> str:
    flat = " ".join(text[: SHOWN_CHARS * 2].split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 1] + "…"


class EntryDelegate(QStyledItemDelegate):
    """Edits an entry's own text (not the row's shown form) and hands it to ``commit``;
    the list itself is refilled from the workspace after the edit."""

    def __init__(self, commit: Callable[[Entry, str], bool], parent: Any = None) -> None:
        super().__init__(parent)
        self.commit = commit

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAccessibleName("Edit entry")
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(index.data(EDIT_ROLE) or "")

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        entry = index.data(KEY_ROLE)
        if isinstance(editor, QLineEdit) and isinstance(entry, Entry):
            text = editor.text()
            if text != (index.data(EDIT_ROLE) or ""):
                # after the editor has closed: the edit refills the list it sits in
                QTimer.singleShot(0, lambda: self.commit(entry, text))


class MixPanel(QGroupBox):
    """One P: its entries under headings, a line to add one, and the view that holds it."""

    def __init__(self, key: str, title: str, commit: Callable[[Entry, str], bool]) -> None:
        super().__init__(title)
        self.key = key
        self.setObjectName(f"mix_{key}")
        self.source = quiet()
        self.source.setWordWrap(True)
        self.source.setObjectName(f"mixSource_{key}")
        self.list = QListWidget()
        self.list.setAccessibleName(f"{title} entries")
        self.list.setWordWrap(True)
        self.list.setItemDelegate(EntryDelegate(commit, self.list))
        self.list.setEditTriggers(EDIT_TRIGGERS)
        self.hint = next_step_hint(EMPTY[key], hidden=True)
        self.kind = QComboBox()
        self.kind.setAccessibleName(f"{title}: what to add")
        self.audience = QLineEdit()
        self.audience.setPlaceholderText("Audience")
        self.audience.setAccessibleName("Audience of the message")
        self.text = QLineEdit()
        self.text.setAccessibleName(f"New {title.lower()} entry")
        self.add_button = QPushButton("Add")
        self.add_button.setAccessibleName(f"Add to {title}")
        view, label = OPEN[key]
        self.view_key = view
        self.open_button = QPushButton(label)
        self.add_row = QWidget()
        row = QHBoxLayout(self.add_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.kind)
        row.addWidget(self.audience)
        row.addWidget(self.text, 1)
        row.addWidget(self.add_button)
        foot = QHBoxLayout()
        foot.addWidget(self.source, 1)
        foot.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.add_row)
        layout.addLayout(foot)
        self.kind.hide()
        self.audience.hide()

    def fill(self, sections: list[tuple[str, list[tuple[str, Entry | None, str]]]]) -> None:
        """``sections``: (heading, [(shown text, entry, editable text)]); empty ones left out."""
        current = self.list.currentItem()
        keep = current.data(KEY_ROLE) if current is not None else None
        self.list.clear()
        bold = QFont(self.list.font())
        bold.setBold(True)
        for heading, entries in sections:
            if not entries:
                continue
            if heading:
                head = QListWidgetItem(heading)
                head.setFont(bold)
                head.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.list.addItem(head)
            for text, entry, editable in entries:
                item = QListWidgetItem(f"•  {shown(text)}")
                item.setData(KEY_ROLE, entry)
                item.setData(EDIT_ROLE, editable)
                item.setToolTip(text[:TIP_CHARS])
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if entry is not None:
                    flags |= Qt.ItemFlag.ItemIsEditable
                item.setFlags(flags)
                self.list.addItem(item)
                if keep is not None and entry == keep:
                    self.list.setCurrentItem(item)
        empty = self.list.count() == 0
        self.hint.setVisible(empty)
        self.list.setVisible(not empty)

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(n) for n in range(self.list.count())]

    def item_of(self, text: str) -> QListWidgetItem | None:
        """The entry whose own text is ``text``."""
        return next((i for i in self.items() if i.data(EDIT_ROLE) == text), None)


class MixTab(QWidget):
    """The four Ps of the product shown, edited where they are kept."""

    viewRequested = Signal(str)  # a view's key: the window shows it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.market = ctx.service(MarketService)
        self.canvas = ctx.service(CanvasService)
        self.launches = ctx.service(LaunchService)
        self.finance = ctx.service(FinanceService)
        self.portfolio = ctx.service(PortfolioService)
        self.requirements = ctx.service(RequirementService)
        self.product_id: int | None = None
        self.mix: MarketingMix | None = None
        self.look = Look()
        self.panels = {
            key: MixPanel(key, title, self.edit)
            for key, title in (
                ("product", "Product"),
                ("price", "Price"),
                ("place", "Place"),
                ("promotion", "Promotion"),
            )
        }
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 6, 0, 0)
        for n, panel in enumerate(self.panels.values()):
            grid.addWidget(panel, n // 2, n % 2)
            panel.open_button.clicked.connect(lambda _c=False, p=panel: self.open(p.key))
            panel.add_button.clicked.connect(lambda _c=False, p=panel: self.add(p.key))
            panel.text.returnPressed.connect(lambda p=panel: self.add(p.key))
        product, promotion = self.panels["product"], self.panels["promotion"]
        for _meaning, label in PRODUCT_ADDS:
            product.kind.addItem(label)
        product.kind.show()
        promotion.kind.addItems(list(PROMOTION_ADDS))
        promotion.kind.show()
        promotion.audience.show()
        promotion.kind.currentIndexChanged.connect(
            lambda n: promotion.audience.setVisible(n == 0 and not self.look.active)
        )
        self.panels["price"].add_row.hide()  # price points need the business case's currency
        product.text.setPlaceholderText("New entry, on the canvas")
        self.panels["place"].text.setPlaceholderText("New channel")
        promotion.text.setPlaceholderText("New message or campaign")
        promotion.audience.setMinimumWidth(150)
        self.stale = StaleUntilShown(self, lambda _c: self.refresh())
        ctx.changed.connect(self._follow)
        name_parts(self)

    # -- showing ------------------------------------------------------------------------------

    def show_product(self, product_id: int | None) -> None:
        self.product_id = product_id
        self.stale.mark()

    def _follow(self, changes: ChangeSet) -> None:
        if changes.touches(*MIX_KINDS):
            self.stale.changed(changes)

    def refresh(self) -> None:
        pid = self.product_id
        self.mix = self.market.marketing_mix(pid) if pid is not None else None
        mix = self.mix
        writable = mix is not None and not self.ctx.read_only
        for panel in self.panels.values():
            panel.setEnabled(mix is not None)
            for widget in (panel.text, panel.add_button, panel.kind, panel.audience):
                widget.setEnabled(writable)
            if not self.look.active:  # in front of the room the lists stay read-only
                panel.list.setEditTriggers(EDIT_TRIGGERS if writable else NO_EDITS)
        if mix is None:
            for panel in self.panels.values():
                panel.fill([])
                panel.source.clear()
            return
        self._fill_product(mix)
        self._fill_price(mix)
        self._fill_place(mix)
        self._fill_promotion(mix)

    def _notes(self, mix: MarketingMix, meaning: str) -> list[tuple[str, Entry | None, str]]:
        return [(n.text, Entry("note", n.id), n.text) for n in mix.notes(meaning)]

    def _fill_product(self, mix: MarketingMix) -> None:
        panel = self.panels["product"]
        features = self._notes(mix, "features") or [
            (title, Entry("requirement", rid), title) for rid, title in mix.delivered
        ]
        tagline = [(mix.tagline, Entry("tagline", mix.product_id), mix.tagline)]
        different: list[tuple[str, Entry | None, str]] = []
        if mix.launch_id is not None and mix.differentiator.strip():
            different = [
                (
                    mix.differentiator,
                    Entry("differentiator", mix.launch_id),
                    mix.differentiator,
                )
            ]
        panel.fill(
            [
                ("Tagline", tagline if mix.tagline.strip() else []),
                ("Value proposition", self._notes(mix, "value")),
                (
                    "Key features" if mix.features_from_canvas else "Delivered capabilities",
                    features,
                ),
                ("Customer segments", self._notes(mix, "customers")),
                ("Different because it", different),
            ]
        )
        panel.source.setText(
            "From the canvas (value proposition, key features, customer segments), "
            + (
                "the product's tagline and the launch's positioning"
                if mix.features_from_canvas
                else "and, with no key features there, the delivered requirements"
            )
        )

    def _fill_price(self, mix: MarketingMix) -> None:
        panel = self.panels["price"]
        if mix.price_points:
            entries = [
                (
                    f"{' · '.join(x for x in (p.segment, p.tier, p.channel) if x) or 'Price'}"
                    f" — {format_money(p.list_price, mix.currency)}"
                    + (f", {format_rate(p.discount)} off" if p.discount else ""),
                    Entry("price_point", p.id),
                    f"{p.list_price.normalize():f}",  # 2400, not 2400.00
                )
                for p in mix.price_points
            ]
            panel.fill([("List prices", entries)])
            panel.source.setText(
                "From the business case's price points: edit a list price in place"
            )
        else:
            lines = self._launch_lines(mix, "price", mix.launch_price)
            panel.fill([("The launch plan's price", lines)])
            panel.source.setText(
                "From the launch plan's price: the business case has no price points yet"
            )

    def _launch_lines(
        self, mix: MarketingMix, field: str, lines: tuple[str, ...]
    ) -> list[tuple[str, Entry | None, str]]:
        launch = mix.launch_id
        if launch is None:
            return []
        return [
            (text, Entry("launch_line", launch, field, n), text) for n, text in enumerate(lines)
        ]

    def _fill_place(self, mix: MarketingMix) -> None:
        panel = self.panels["place"]
        if mix.channels_from_launch:
            panel.fill(
                [
                    (
                        "The launch plan's channels",
                        self._launch_lines(mix, "channels", mix.launch_channels),
                    )
                ]
            )
            panel.source.setText(f"From the channels of “{mix.launch_name}”")
            panel.view_key, label = "launch", "Open in Launch plan"
        else:
            panel.fill([("The canvas's place and channels", self._notes(mix, "channels"))])
            panel.source.setText("From the canvas's Place and channels: the launch plan lists none")
            panel.view_key, label = "canvas", "Open in Canvas"
        panel.open_button.setText(label)

    def _fill_promotion(self, mix: MarketingMix) -> None:
        panel = self.panels["promotion"]
        sections: list[tuple[str, list[tuple[str, Entry | None, str]]]] = [
            (
                f"Key messages for {audience}",
                [(m.message, Entry("message", m.id), m.message) for m in said],
            )
            for audience, said in mix.messages_by_audience().items()
        ]
        sections.append(("Campaigns (the canvas's promotion)", self._notes(mix, "promotion")))
        panel.fill(sections)
        panel.source.setText(
            f"From the key messages of “{mix.launch_name}” and the canvas's promotion"
            if mix.launch_id is not None
            else "From the canvas's promotion: the product has no launch plan yet"
        )
        audiences = list(mix.messages_by_audience())
        if not panel.audience.text() and audiences:
            panel.audience.setText(audiences[0])

    # -- going where the rest is kept -----------------------------------------------------------

    def open(self, key: str) -> None:
        self.viewRequested.emit(self.panels[key].view_key)

    # -- edits, each one undo step ---------------------------------------------------------------

    def _run(self, action: Callable[[], Any], text: str) -> bool:
        return self.ctx.run(MarketCommand(self.market, action, text))

    def edit(self, entry: Entry, text: str) -> bool:
        """The entry's row takes ``text``: one undo step; a blank text changes nothing."""
        mix = self.mix
        if mix is None or self.ctx.read_only:
            return False
        if not text.strip():
            self.ctx.errorRaised.emit(
                "Type the new text — an entry is removed in the view that holds it"
            )
            return False
        if entry.kind == "note":
            return self._run(
                lambda: self.canvas.notes.update(entry.id, text=text), "Edit a canvas note"
            )
        if entry.kind == "requirement":
            return self._run(
                lambda: self.requirements.requirements.update(entry.id, title=text),
                "Rename a delivered requirement",
            )
        if entry.kind == "tagline":
            return self._run(
                lambda: self.portfolio.products.update(entry.id, tagline=text),
                "Edit the product's tagline",
            )
        if entry.kind == "differentiator":
            return self._run(
                lambda: self.launches.launches.update(entry.id, pos_differentiator=text),
                "Edit the launch's differentiator",
            )
        if entry.kind == "message":
            return self._run(
                lambda: self.launches.messages.update(entry.id, message=text),
                "Edit a key message",
            )
        if entry.kind == "price_point":
            return self._run(
                lambda: self.finance.update_price_point(entry.id, list_price=text),
                "Edit a list price",
            )
        if entry.kind == "launch_line":
            return self._run(
                lambda: self._set_line(entry, text),
                f"Edit the launch plan's {entry.field}",
            )
        return False

    def _set_line(self, entry: Entry, text: str) -> None:
        """Replace one entry of a launch's free-text list, the other lines as they were."""
        launch = self.launches.launches.get(entry.id)
        lines = getattr(launch, entry.field).splitlines()
        listed = [n for n, line in enumerate(lines) if text_lines(line)]
        if not 0 <= entry.line < len(listed):
            raise ValidationError(entry.field, "the list changed meanwhile; try again")
        lines[listed[entry.line]] = " ".join(text.split("\n"))
        self.launches.launches.update(entry.id, **{entry.field: "\n".join(lines)})

    def add(self, key: str) -> bool:
        """Add the typed entry to the panel's P where it is kept: one undo step."""
        mix, panel = self.mix, self.panels[key]
        text = panel.text.text().strip()
        if mix is None or self.ctx.read_only:
            return False
        if not text:
            self.ctx.errorRaised.emit("Type the entry to add first")
            return False
        if key == "product":
            meaning, label = PRODUCT_ADDS[panel.kind.currentIndex()]
            ok = self._run(lambda: self._add_note(meaning, text), f"Add a {label.lower()}")
        elif key == "place":
            if mix.channels_from_launch and mix.launch_id is not None:
                launch_id = mix.launch_id
                ok = self._run(
                    lambda: self._append_line(launch_id, "channels", text), "Add a channel"
                )
            else:
                ok = self._run(lambda: self._add_note("channels", text), "Add a channel")
        elif key == "promotion":
            if panel.kind.currentIndex() == 1:
                ok = self._run(lambda: self._add_note("promotion", text), "Add a campaign")
            else:
                ok = self._add_message(panel, text)
        else:
            return False
        if ok:
            panel.text.clear()
        return ok

    def _add_message(self, panel: MixPanel, text: str) -> bool:
        mix = self.mix
        if mix is None or mix.launch_id is None:
            self.ctx.errorRaised.emit(
                "A key message belongs to a launch: add one in the Launch view first, "
                "or add the text as a campaign on the canvas"
            )
            return False
        audience = " ".join(panel.audience.text().split()) or "Everyone"
        launch_id = mix.launch_id
        position = len(mix.messages)
        return self._run(
            lambda: self.launches.messages.create(
                launch_id=launch_id, audience=audience, message=text, position=position
            ),
            f"Add a key message for {audience}",
        )

    def _append_line(self, launch_id: int, field: str, text: str) -> None:
        launch = self.launches.launches.get(launch_id)
        before = getattr(launch, field).rstrip("\n")
        self.launches.launches.update(launch_id, **{field: f"{before}\n{text}" if before else text})

    def _add_note(self, meaning: str, text: str) -> int:
        """A note in the canvas block of ``meaning``; the product's first canvas is made
        (a Product Canvas) when it has none, in the same step."""
        mix = self.mix
        assert mix is not None
        board_id = mix.board_id
        if board_id is None:
            board_id = self.canvas.boards.create(
                product_id=mix.product_id,
                name=CanvasTemplate.PRODUCT_CANVAS.label,
                template=CanvasTemplate.PRODUCT_CANVAS,
                sort_order=0,
            ).id
        board = self.canvas.boards.get(board_id)
        block = next(
            (b.key for b in canvas_layout(board.template).blocks if b.meaning == meaning), None
        )
        if block is None:
            raise ValidationError(
                "block", f"the canvas “{board.name}” has no block for this; add it in the Canvas"
            )
        position = sum(1 for n in self.canvas.notes_of_board(board_id) if n.block == block)
        return self.canvas.notes.create(
            board_id=board_id, block=block, text=text, colour=STICKIES[0].code, position=position
        ).id

    # -- workshop mode ---------------------------------------------------------------------------

    def set_presentation(self, theme: Any | None) -> None:
        """In front of the room the four Ps are read, not edited: no add lines, no editors."""
        self.look.restore()
        if theme is None:
            return
        for panel in self.panels.values():
            self.look.hide(panel.add_row, panel.open_button, panel.source)
            self.look.read_only(panel.list)
            self.look.call(panel.list.setSpacing, panel.list.spacing(), 4)
