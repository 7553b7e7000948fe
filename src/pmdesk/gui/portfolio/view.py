"""The portfolio view: where every product stands, a lifecycle board and a growth–share chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import Stage
from pmdesk.core.errors import ValidationError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.lifecycle import can_review, decision_for_move
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.views.common import free_name, heading, quiet, tabs
from pmdesk.gui.widgets.hint import accessible_table, next_step_hint
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.gui.widgets.look import Look, row_height

# plan_rows (the business case an In-life product is held to: core.finance and pricing) is
# read by the first refresh; imported with this module, it loads while the window's worker
# checks the file (ViewHost.prepare), not after.
from pmdesk.store import plan_rows  # noqa: F401
from pmdesk.store.portfolio_rows import PortfolioQueries

from .board import LifecycleBoard
from .overview import (
    HEADERS,
    ID_ROLE,
    SPARK_COLUMN,
    OverviewModel,
    SparklineDelegate,
    fit_columns,
)
from .rollup import RollupPanel

if TYPE_CHECKING:
    from pmdesk.gui.widgets.entity_table import EntityTable
    from pmdesk.store.services import PortfolioService

    from .products import CreateProductCommand

# Tables whose edits change the P&L roll-up, and the business case elimination rule's flag.
_MONEY = (
    ChangeKind.PRODUCT,
    ChangeKind.METRIC,
    ChangeKind.METRIC_VALUE,
    ChangeKind.BUSINESS_CASE,
    ChangeKind.BUSINESS_DRIVER,
    ChangeKind.BUSINESS_SCENARIO,
    ChangeKind.SCENARIO_OVERRIDE,
    ChangeKind.BUSINESS_CASE_VERSION,
    ChangeKind.COST_ITEM,
)
# Tables whose edits change what the overview, board or chart show (flags included).
_WATCHED = (
    ChangeKind.STAGE_PERIOD,
    ChangeKind.ROADMAP_ITEM,
    ChangeKind.WORKSPACE_INFO,
    ChangeKind.ELIMINATION_REVIEW,
    *_MONEY,
)
COLUMN_CHARS = (24, 13, 16, 9, 30, 16, 14, 12)  # overview column widths, in characters
PRESENT_DROP = (2, 6)  # Owner, Latest revenue: what a projector leaves out first
HEALTH_COLUMN = 3


class PortfolioView(BaseView):
    needs_product = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title, self.subtitle = heading(), quiet()
        self.add_button = QPushButton("Add product…")
        self.add_button.setToolTip("Add a product to the portfolio (Undo takes it back)")
        self.add_button.clicked.connect(lambda: self.add_product())
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(16)
        top.addWidget(self.add_button)
        top.addStretch(1)
        top.addWidget(self.subtitle)
        self.content_layout.addLayout(top)
        self.hint = next_step_hint("No products yet — Add product to start")
        self.content_layout.addWidget(self.hint)
        self.model = OverviewModel(self)
        self.table = self._overview_table()
        self.board = LifecycleBoard(self)
        self.board.moveRequested.connect(self.request_move)
        self.board.productActivated.connect(self.productActivated)
        # The bubble chart needs pyqtgraph (and numpy): built when its tab is first shown,
        # so opening pmdesk on the Portfolio does not pay for them.
        self._rows: list = []
        self._bubbles = None
        self._bubble_host = QWidget(self)
        QVBoxLayout(self._bubble_host).setContentsMargins(0, 0, 0, 0)
        self.bubble_hint = next_step_hint("", self._bubble_host, centred=True)
        self._bubble_host.layout().addWidget(self.bubble_hint)
        # The editable table is built (and its rows read) when its tab is first shown:
        # a file opened on the Portfolio is drawn sooner without it.
        self._editor: EntityTable | None = None
        self.editor_page = QWidget(self)
        QVBoxLayout(self.editor_page).setContentsMargins(0, 0, 0, 0)
        self.rollup = RollupPanel(self)
        self.rollup.productActivated.connect(self.productActivated)
        self.rollup.yearChanged.connect(self.refresh_rollup)
        self._rollup_stale = True
        self.tabs = tabs(
            (self.table, "Products"),
            (self.board, "Lifecycle board"),
            (self._bubble_host, "Growth–share"),
            (self.rollup, "P&&L"),
            (self.editor_page, "Edit products"),
        )
        self.tabs.currentChanged.connect(self._tab_shown)
        self.look = Look()
        self.content_layout.addWidget(self.tabs, 1)
        self.follow_changes(self._follow)  # hidden, it recomputes once when shown
        self.refresh()

    def set_presentation(self, theme: Any | None) -> None:
        """The overview (or board, or chart: whichever is shown) for the room, no editing tab.

        Rows grow with the large type so that the sparklines and stage chips stay
        readable; everything comes back as it was when the presentation ends.
        """
        self.look.restore()
        if theme is None:
            return
        self.look.tab(self.tabs, hide=(self.editor_page,))
        self.look.hide(self.add_button)
        self.look.rows(self.table, row_height(theme))
        self.look.rows(self.rollup.table, row_height(theme))
        self._present_columns(theme.body_px)
        self.board.set_presentation(self.look, theme)

    def _present_columns(self, body_px: int) -> None:
        """Columns as wide as their text in the large type, on one screen without scrolling.

        When the room's type makes the table wider than the screen, Owner and then Latest
        revenue step aside (the trend line stays): whole names beat clipped ones. Only on a
        screen too small even then do the columns shrink together.
        """
        font = QFont(self.table.font())
        font.setPixelSize(body_px)
        plain, bold = QFontMetrics(font), QFont(font)
        bold.setBold(True)
        heads = QFontMetrics(bold)
        widths = {}
        for column, header in enumerate(HEADERS):
            texts = [self.model.index(r, column).data() or "" for r in range(self.model.rowCount())]
            text = max([plain.horizontalAdvance(t) for t in texts], default=0)
            icon = body_px if column == HEALTH_COLUMN else 0
            widths[column] = max(text + icon, heads.horizontalAdvance(header)) + body_px
        widths[SPARK_COLUMN] = max(widths[SPARK_COLUMN], body_px * 6)
        screen = self.window().screen() or QGuiApplication.primaryScreen()
        widths, dropped = fit_columns(widths, screen.geometry().width() - 2 * body_px, PRESENT_DROP)
        for column in dropped:
            self.look.call(
                lambda hidden, c=column: self.table.setColumnHidden(c, hidden), False, True
            )
        for column, width in widths.items():
            self.look.call(
                lambda w, c=column: self.table.setColumnWidth(c, w),
                self.table.columnWidth(column),
                width,
            )

    def _overview_table(self) -> QTableView:
        table = QTableView(self)
        table.setAccessibleName("Products overview")
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move, Enter opens
        table.setModel(self.model)
        table.setItemDelegateForColumn(SPARK_COLUMN, SparklineDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        line = table.fontMetrics().lineSpacing()
        # An explicit floor: Qt's default one follows the font, so one read while the large
        # projector type is on would keep the rows tall after the presentation ends.
        table.verticalHeader().setMinimumSectionSize(line + 4)
        table.verticalHeader().setDefaultSectionSize(int(line * 2.2))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, chars in enumerate(COLUMN_CHARS):
            table.setColumnWidth(column, table.fontMetrics().averageCharWidth() * chars + 16)
        table.activated.connect(self._row_activated)  # double-click, or Enter
        table.selectionModel().currentRowChanged.connect(lambda *_: self.selectionChanged.emit())
        return table

    @property
    def portfolio(self) -> PortfolioService:
        """The products' service: the store's, loaded after a file's first view is drawn
        (the overview itself is read without it, see store/portfolio_rows.py)."""
        from pmdesk.store.services import PortfolioService

        return self.ctx.service(PortfolioService)

    @property
    def editor(self) -> EntityTable:
        """The editable product table, built and read when it is first shown or asked for."""
        if self._editor is None:
            from pmdesk.store.queries import TableQuery

            self._editor = self._edit_table()
            self.editor_page.layout().addWidget(self._editor)
            self._editor.show()  # (a page on screen shows a new child only when asked)
            self._editor.model.set_query(TableQuery.where_equal(self.portfolio.products))
        return self._editor

    def _edit_table(self) -> EntityTable:
        """The editable product table, for every field the overview does not edit."""
        from pmdesk.gui.widgets.entity_model import EntityTableModel
        from pmdesk.gui.widgets.entity_table import EntityTable

        from .products import product_columns

        model = EntityTableModel(self.ctx, self.portfolio.products, product_columns(), parent=self)
        table = self.register(
            EntityTable(
                model,
                title="Products",
                noun=("product", "products"),
                create=self._new_product,
                edit_field="name",
                activate_field="name",
            )
        )
        accessible_table(table, "Products (editable)")
        table.rowActivated.connect(self.productActivated)
        return table

    def _new_product(self) -> CreateProductCommand:
        from .products import CreateProductCommand

        name = free_name(self.portfolio.products, "New product")
        return CreateProductCommand(self.portfolio, {"name": name}, f"Add product “{name}”")

    def add_product(self) -> int | None:
        """Ask for the new product's name, add it (one undo step) and select it."""
        from .products import CreateProductCommand

        if self.ctx.read_only:
            return None
        suggested = free_name(self.portfolio.products, "New product")
        name, ok = QInputDialog.getText(
            self, "Add product", "Name of the new product:", text=suggested
        )
        if not ok:
            return None
        name = name.strip()
        command = CreateProductCommand(self.portfolio, {"name": name}, f"Add product “{name}”")
        if not self.ctx.run(command):
            return None
        self.select_product(command.entity_id)
        self.statusMessage.emit(f"Added “{name}”: open it to fill in its canvas and lifecycle")
        return command.entity_id

    # -- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the overview (a few queries per product); rows are updated in place,
        so the table and the board keep their selection and scroll position."""
        queries = PortfolioQueries(self.ctx.workspace)
        rows = queries.overview()
        self.model.set_rows(rows)
        self.board.set_rows(rows)
        self._rows = rows
        if self._bubbles is not None:
            self._bubbles.set_rows(rows)
        self._bubble_empty_state(rows)
        self.hint.setVisible(not rows)
        self.add_button.setEnabled(not self.ctx.read_only)
        name, organisation = queries.heading()
        self.title.setText(f"Portfolio — {name}")
        flagged = sum(1 for r in rows if r.flagged)
        parts = [f"{len(rows)} product{'s' if len(rows) != 1 else ''}"]
        if flagged:
            parts.append(f"{flagged} flagged for elimination")
        if organisation:
            parts.append(organisation)
        self.subtitle.setText(" · ".join(parts))

    @property
    def bubbles(self):
        """The growth–share chart, built on first use."""
        if self._bubbles is None:
            from .bubble import BubbleChart

            self._bubbles = BubbleChart(self._bubble_host)
            self._bubbles.productClicked.connect(self._bubble_clicked)
            self._bubble_host.layout().addWidget(self._bubbles, 1)
            self._bubbles.set_rows(self._rows)
            self._bubble_empty_state(self._rows)
        return self._bubbles

    def _bubble_empty_state(self, rows: list) -> None:
        """No axis without a bubble: say what the chart needs instead of drawing an empty plot."""
        plotted = any(r.share is not None and r.growth is not None for r in rows)
        self.bubble_hint.setText(
            "No products yet — Add product to start"
            if not rows
            else "No market share and growth values yet — add Market share and Market growth "
            "metrics to a product in Lifecycle ▸ Metrics"
        )
        self.bubble_hint.setAccessibleName(self.bubble_hint.text())
        self.bubble_hint.setVisible(not plotted)
        self._bubble_host.layout().setStretchFactor(self.bubble_hint, 0 if plotted else 1)
        if self._bubbles is not None:
            self._bubbles.setVisible(plotted)

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.editor_page:
            _ = self.editor  # the property builds the table the first time its tab is shown
        if self.tabs.widget(index) is self._bubble_host:
            _ = self.bubbles  # the property builds the chart the first time its tab is shown
        if self.tabs.widget(index) is self.rollup and self._rollup_stale:
            self.refresh_rollup()

    def refresh_rollup(self) -> None:
        """Add up every product's P&L (a business case evaluated per product): only while
        its tab is shown; otherwise once, when it is next shown."""
        if self.tabs.currentWidget() is not self.rollup:
            self._rollup_stale = True
            return
        from pmdesk.store.services.finance import FinanceService

        found = self.ctx.service(FinanceService).portfolio_pnl(self.rollup.chosen_year())
        counted = {p.product_id for p in found.products}
        missing = [r.name for r in self._rows if r.id not in counted]
        finance = self.ctx.service(FinanceService)
        no_case = [
            r.name for r in self._rows if r.id not in counted and not finance.case_id_for(r.id)
        ]
        self.rollup.set_figures(found, missing, no_case)
        self._rollup_stale = False

    def _follow(self, changes: ChangeSet) -> None:
        if changes.touches(*_WATCHED):
            self.refresh()
        if changes.touches(*_MONEY):
            self.refresh_rollup()

    def load(self, product_id: int | None) -> None:
        if product_id is not None:
            self.select_product(product_id)

    def selected_product(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select_product(self, product_id: int) -> None:
        row = self.model.row_of(product_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _row_activated(self, index: QModelIndex) -> None:
        product_id = index.data(ID_ROLE)
        if product_id is not None:
            self.productActivated.emit(product_id)

    def _bubble_clicked(self, product_id: int) -> None:
        self.select_product(product_id)
        self.productActivated.emit(product_id)

    # -- gestures -------------------------------------------------------------------------------

    def request_move(self, product_id: int, target: Stage) -> bool:
        """A card dropped on another stage: its gate review opens, proposing that move."""
        product = self.portfolio.products.get(product_id)
        if not can_review(product.stage) or decision_for_move(product.stage, target) is None:
            reason = (
                f"{product.name} cannot move from {product.stage.label} to {target.label}: "
                + (
                    "an End-of-life product has no further gate"
                    if not can_review(product.stage)
                    else "a gate moves a product one stage forward, back, or to End-of-life"
                )
            )
            self.ctx.errorRaised.emit(str(ValidationError("stage", reason)))
            return False
        # The gate review's dialog loads with the first review, not with the view (the
        # Portfolio is the first view of a start, drawn sooner without it).
        from pmdesk.gui.lifecycle import gate_dialog

        return gate_dialog.review_gate(self.ctx, product_id, target, self)

    # -- export -------------------------------------------------------------------------------

    def export_image(self, path: Path) -> Path:
        """The current tab as PNG, or SVG when the name ends in .svg."""
        return export_widget(self.tabs.currentWidget(), path, title="Portfolio")
