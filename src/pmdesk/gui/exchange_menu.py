"""File ▸ Import and File ▸ Export: interchange formats, PDFs and images, from the window.

The window owns this object and hands it three things: the menus to fill, a
way to reach the open workspace (its AppContext) and product, and the current
view. File choosers go through ``ask_open``/``ask_save`` (tests replace them).
Imports are one undo step each; exports read and never change the file. Both
run off the GUI thread (``gui/ops``) with progress and Cancel: a cancelled
import leaves the file as it was, a cancelled export writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from pmdesk.core.errors import PmdeskError

from .context import AppContext
from .ops import BackgroundOp, OpToken, error_text

if TYPE_CHECKING:
    from pmdesk.exchange.tabular import CsvTable
    from pmdesk.store.workspace import Workspace

    from .deck_dialog import OfficeExportDialog


def _ask_open(parent: QWidget, title: str, pattern: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", pattern)
    return Path(name) if name else None


def _ask_save(parent: QWidget, title: str, suggested: str, pattern: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
    return Path(name) if name else None


def _ask_folder(parent: QWidget, title: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title)
    return Path(name) if name else None


class ExchangeMenus(QObject):
    def __init__(
        self,
        parent: QWidget,
        import_menu: QMenu,
        export_menu: QMenu,
        context: Callable[[], AppContext | None],
        product: Callable[[], int | None],
        current_view: Callable[[], QWidget | None],
        open_path: Callable[[Path], object],
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self._context = context
        self._product = product
        self._current_view = current_view
        self._open_path = open_path
        self.ask_open = _ask_open
        self.ask_save = _ask_save
        self.ask_folder = _ask_folder
        self.show_dialog: Callable[[QWidget], object] = lambda dialog: dialog.exec()
        self.actions: list[QAction] = []
        self.op: BackgroundOp | None = None  # the last import or export started here
        self.dialog: QWidget | None = None  # the last import, deck or workbook dialog
        self._fill_import(import_menu)
        self._fill_export(export_menu)

    # -- menus -------------------------------------------------------------------------------

    def _add(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], None],
        needs_write: bool = False,
        needs_product: bool = False,
    ) -> QAction:
        action = menu.addAction(text)
        action.setProperty("needs_write", needs_write)
        action.setProperty("needs_product", needs_product)
        action.triggered.connect(lambda _checked=False: self._guard(slot))
        self.actions.append(action)
        return action

    def _fill_import(self, menu: QMenu) -> None:
        self._add(menu, "CSV File…", self.import_csv, needs_write=True, needs_product=True)
        self._add(menu, "Excel File…", self.import_xlsx, needs_write=True, needs_product=True)
        self._add(menu, "MS Project XML…", self.import_mspdi, needs_write=True, needs_product=True)
        menu.addSeparator()
        self._add(menu, "Portfolio from JSON (new workspace)…", self.import_json)

    def _fill_export(self, menu: QMenu) -> None:
        menu.addSeparator()
        self._add(menu, "Current View as SVG…", self.export_svg)
        menu.addSeparator()
        self._add(menu, "PDF Document…", self.export_pdf)
        self._add(menu, "PowerPoint Deck…", self.export_deck)
        self._add(menu, "Excel Workbook…", self.export_workbook)
        menu.addSeparator()
        self._add(menu, "Roadmap as MS Project XML…", self.export_mspdi, needs_product=True)
        self._add(menu, "Dates as iCalendar…", self.export_ics)
        self._add(menu, "Portfolio as JSON…", self.export_json)
        self._add(menu, "All Tables as CSV…", self.export_csv)

    def update_enabled(self) -> None:
        ctx = self._context()
        for action in self.actions:
            enabled = ctx is not None
            if action.property("needs_write"):
                enabled = enabled and not ctx.read_only
            if action.property("needs_product"):
                enabled = enabled and self._product() is not None
            if action.text().startswith("Portfolio from JSON"):
                enabled = True
            action.setEnabled(enabled)

    def _guard(self, slot: Callable[[], None]) -> None:
        try:
            slot()
        except PmdeskError as exc:
            ctx = self._context()
            if ctx is not None:
                ctx.errorRaised.emit(str(exc))

    def _status(self, text: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 6000)

    # -- running off the GUI thread -----------------------------------------------------------

    def _run(
        self,
        work: Callable[[OpToken], object],
        title: str,
        on_done: Callable[[object], object],
        on_failed: Callable[[str], object] | None = None,
    ) -> BackgroundOp:
        """Start ``work`` as the menu's op: progress and Cancel shown, the outcome on this thread."""
        op = BackgroundOp(self.window, work, title=title)
        op.succeeded.connect(on_done)
        op.failed.connect(lambda error: (on_failed or self._error)(error_text(error, title)))
        op.cancelled.connect(lambda: self._status(f"{title}: cancelled, nothing was written"))
        return self._keep(op).start()

    def _keep(self, op: BackgroundOp) -> BackgroundOp:
        """The last op stays reachable (tests wait on it); an earlier, finished one goes."""
        if self.op is not None and not self.op.running:
            self.op.deleteLater()
        self.op = op
        return op

    def _error(self, text: str) -> None:
        ctx = self._context()
        if ctx is not None:
            ctx.errorRaised.emit(text)
        else:
            from .dialogs import Dialogs

            Dialogs(self.window).error("pmdesk", text)

    def _export(
        self,
        ctx: AppContext,
        title: str,
        produce: Callable[[Workspace, OpToken], bytes],
        path: Path,
    ) -> BackgroundOp:
        """Export on a worker with a read-only workspace of its own; the file appears whole.

        ``produce`` makes the bytes (reporting progress); they are written to a
        temporary file beside ``path`` and renamed, so a cancelled or failed export
        leaves nothing behind and an existing file stays until the new one is complete.
        """
        reopen = ctx.workspace.reopen_read_only

        def work(token: OpToken) -> Path:
            token.progress(None, f"{title}…")
            with reopen() as ws:
                data = produce(ws, token)
            token.check()
            return write_whole(path, data)

        return self._run(work, title, lambda written: self._status(f"Saved {written.name}"))

    # -- imports ---------------------------------------------------------------------------

    def import_csv(self) -> None:
        """Read and check the file off the GUI thread, then show the import dialog."""
        from pmdesk.exchange.tabular import read_csv

        self._import_table(
            "Import CSV",
            "CSV files (*.csv *.txt);;All files (*)",
            lambda path, _token: (read_csv(path), None),
        )

    def import_xlsx(self) -> None:
        """As a CSV file: the workbook read and checked off the GUI thread, then the dialog.

        The sheet offered first is the one the reader picks (the first with rows);
        when other sheets have rows too, they are read as well and the dialog
        offers a choice of sheet.
        """
        from pmdesk.exchange.workbook_import import read_xlsx, sheet_names

        def read(path: Path, token: OpToken) -> tuple[CsvTable, dict[str, CsvTable]]:
            first = read_xlsx(path)
            return first, sheet_tables(path, first, sheet_names(path), read_xlsx, token)

        self._import_table("Import Excel", "Excel workbooks (*.xlsx *.xlsm);;All files (*)", read)

    def _import_table(
        self,
        title: str,
        filters: str,
        read: Callable[[Path, OpToken], tuple[CsvTable, dict[str, CsvTable] | None]],
    ) -> None:
        """Ask for a file, read and check it off the GUI thread, then show the import dialog.

        ``read`` gives the table offered first and, for a workbook, every sheet with
        rows by name (the dialog then offers a choice of sheet); None for a single table.
        """
        from pmdesk.exchange.tabular_import import plan_csv

        from .import_dialog import FIRST_TARGET

        ctx, product = self._context(), self._product()
        path = self.ask_open(self.window, title, filters)
        if ctx is None or product is None or path is None:
            return
        ws = ctx.workspace

        def work(token: OpToken) -> tuple:
            token.progress(None, f"Reading {path.name}…")
            first, tables = read(path, token)
            token.progress(None, f"Checking {len(first.rows):,} rows…")
            return first, plan_csv(ws, first, FIRST_TARGET), tables

        def show(first: CsvTable, plan, tables: dict[str, CsvTable] | None) -> None:
            sheets = {}
            if tables is not None:
                sheets = dict(
                    sheets=list(tables), sheet=_sheet_of(first), read_sheet=tables.__getitem__
                )
            self._show_csv_dialog(ctx, product, first, plan, **sheets)

        # Shown once the op has ended, so the dialog's own loop runs outside it.
        self._run(work, f"Read {path.name}", lambda got: QTimer.singleShot(0, lambda: show(*got)))

    def _show_csv_dialog(self, ctx: AppContext, product: int, table, plan, **sheets) -> None:
        from .import_dialog import CsvImportDialog

        if self._context() is not ctx:  # the workspace was closed meanwhile
            return
        dialog = CsvImportDialog(ctx, table, product, self.window, plan=plan, **sheets)
        dialog.imported.connect(lambda result: self._status(_created_text(result)))
        self.dialog = dialog
        self.show_dialog(dialog)

    def import_mspdi(self) -> None:
        from pmdesk.exchange.mspdi import import_mspdi

        from .import_dialog import apply_import

        ctx, product = self._context(), self._product()
        path = self.ask_open(self.window, "Import MS Project XML", "MS Project XML (*.xml)")
        if ctx is None or product is None or path is None:
            return
        ws = ctx.workspace
        self._keep(
            apply_import(
                self.window,
                ctx,
                lambda progress: import_mspdi(ws, path, product_id=product, progress=progress),
                f"Import {path.name}",
                on_done=lambda command: self._status(_created_text(command.result)),
                on_cancelled=lambda: self._status(
                    f"Import of {path.name} cancelled: nothing changed"
                ),
            )
        )

    def import_json(self) -> None:
        from pmdesk.exchange.json_io import import_json

        source = self.ask_open(self.window, "Import portfolio from JSON", "JSON (*.json)")
        if source is None:
            return
        target = self.ask_save(
            self.window,
            "New workspace for the imported portfolio",
            str(source.with_suffix(".pmdesk")),
            "pmdesk workspace (*.pmdesk)",
        )
        if target is None:
            return

        def work(token: OpToken) -> Path:
            token.progress(0.0, f"Reading {source.name}…")
            writing = token.steps(0.05, 1.0, f"Writing {target.name}…")
            return import_json(source, target, progress=writing)

        def failed(text: str) -> None:
            from .dialogs import Dialogs

            Dialogs(self.window).error("Import failed", text)

        self._run(work, f"Import {source.name}", self._open_path, failed)

    # -- exports ---------------------------------------------------------------------------

    def _suggest(self, suffix: str) -> str:
        ctx = self._context()
        stem = ctx.workspace.path.stem if ctx is not None else "pmdesk"
        return f"{stem}{suffix}"

    def export_svg(self) -> None:
        # Painting a widget is the GUI thread's business, and quick: no worker.
        view = self._current_view()
        path = self.ask_save(
            self.window, "Export current view as SVG", self._suggest(".svg"), "SVG image (*.svg)"
        )
        if view is None or path is None:
            return
        from .views.base import BaseView
        from .views.hooks import offers
        from .widgets.image_export import export_widget

        svg = path.with_suffix(".svg")
        if offers(view, BaseView.export_image):
            view.export_image(svg)  # the view's own drawing: the whole chart or board
        else:
            export_widget(view, svg)
        self._status(f"Saved {svg.name}")

    def export_pdf(self) -> None:
        from .export_dialog import ExportDialog, kind_for_view

        ctx = self._context()
        if ctx is None:
            return
        self.show_dialog(
            ExportDialog(
                ctx,
                kind_for_view(self._current_view()),
                product_id=self._product(),
                parent=self.window,
            )
        )

    def export_deck(self) -> None:
        from .deck_dialog import DeckDialog

        self._show_office_dialog(DeckDialog)

    def export_workbook(self) -> None:
        from .deck_dialog import WorkbookDialog

        self._show_office_dialog(WorkbookDialog)

    def _show_office_dialog(self, cls: type[OfficeExportDialog]) -> None:
        """The deck's or workbook's dialog, about the product of the view in front."""
        from .deck_dialog import product_for_view

        ctx = self._context()
        if ctx is None:
            return
        product = product_for_view(self._current_view(), self._product())
        dialog = cls(ctx, product, parent=self.window)
        dialog.exported.connect(lambda path: self._status(f"Saved {path.name}"))
        self.dialog = dialog
        self.show_dialog(dialog)

    def export_mspdi(self) -> None:
        from pmdesk.exchange.mspdi import export_mspdi

        ctx, product = self._context(), self._product()
        path = self.ask_save(
            self.window,
            "Export roadmap as MS Project XML",
            self._suggest(".xml"),
            "MS Project XML (*.xml)",
        )
        if ctx is not None and product is not None and path is not None:
            self._export(
                ctx, f"Export {path.name}", lambda ws, _token: export_mspdi(ws, product), path
            )

    def export_ics(self) -> None:
        from pmdesk.exchange.ics import export_ics

        ctx = self._context()
        path = self.ask_save(
            self.window, "Export dates as iCalendar", self._suggest(".ics"), "iCalendar (*.ics)"
        )
        if ctx is not None and path is not None:
            product = self._product()
            self._export(
                ctx,
                f"Export {path.name}",
                lambda ws, _token: export_ics(ws, product_id=product),
                path,
            )

    def export_json(self) -> None:
        from pmdesk.exchange.json_io import export_json

        ctx = self._context()
        path = self.ask_save(
            self.window, "Export portfolio as JSON", self._suggest(".json"), "JSON (*.json)"
        )
        if ctx is not None and path is not None:
            self._export(
                ctx,
                f"Export {path.name}",
                lambda ws, token: export_json(ws, progress=token.steps(0.0, 0.95)),
                path,
            )

    def export_csv(self) -> None:
        from pmdesk.exchange.tabular import export_table, exportable_tables

        ctx = self._context()
        folder = self.ask_folder(self.window, "Export all tables as CSV into a folder")
        if ctx is None or folder is None:
            return
        reopen = ctx.workspace.reopen_read_only

        def work(token: OpToken) -> list[Path]:
            names = exportable_tables()
            sheets: dict[str, bytes] = {}
            with reopen() as ws:
                for number, name in enumerate(names):
                    token.progress(number / len(names), f"Reading {name.replace('_', ' ')}…")
                    sheets[name] = export_table(ws, name)
            token.progress(1.0, f"Writing {len(sheets)} files…")
            folder.mkdir(parents=True, exist_ok=True)
            return [write_whole(folder / f"{name}.csv", data) for name, data in sheets.items()]

        self._run(
            work,
            "Export all tables as CSV",
            lambda written: self._status(f"Saved {len(written)} CSV files in {folder}"),
        )


def write_whole(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then put it in place at once.

    A folder that is missing or read-only is a message naming the file, not a crash.
    """
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise PmdeskError(f"{path.name}: cannot write the file ({exc.strerror})") from None
    return path


def sheet_tables(
    source: Path,
    first: CsvTable,
    names: list[str],
    read: Callable[[Path, str], CsvTable],
    token: OpToken,
) -> dict[str, CsvTable]:
    """Every sheet with rows, in the order of the workbook's tabs (``first`` already read).

    A sheet that is empty or cannot be read is left out: choosing it would
    only say so. One sheet alone is no choice: then the dict is empty.
    """
    if len(names) < 2:
        return {}
    tables: dict[str, CsvTable] = {}
    for number, name in enumerate(names):
        if name == _sheet_of(first):
            tables[name] = first
            continue
        token.progress(number / len(names), f"Reading sheet {name}…")
        try:
            table = read(source, name)
        except PmdeskError:
            continue
        if table.rows:
            tables[name] = table
    return tables if len(tables) > 1 else {}


def _sheet_of(table: CsvTable) -> str | None:
    return getattr(table, "sheet", None) or None


def _created_text(result) -> str:
    parts = [
        f"{len(ids)} {table.replace('_', ' ')}" for table, ids in result.created.items() if ids
    ]
    return f"Imported {', '.join(parts) or 'nothing'}"
