"""File ▸ Import and File ▸ Export: interchange formats, PDFs and images, from the window.

The window owns this object and hands it three things: the menus to fill, a
way to reach the open workspace (its AppContext) and product, and the current
view. File choosers go through ``ask_open``/``ask_save`` (tests replace them).
Imports are one undo step each; exports read and never change the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from pmdesk.core.errors import PmdeskError

from .context import AppContext


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
        self._add(menu, "MS Project XML…", self.import_mspdi, needs_write=True, needs_product=True)
        menu.addSeparator()
        self._add(menu, "Portfolio from JSON (new workspace)…", self.import_json)

    def _fill_export(self, menu: QMenu) -> None:
        menu.addSeparator()
        self._add(menu, "Current View as SVG…", self.export_svg)
        menu.addSeparator()
        self._add(menu, "PDF Document…", self.export_pdf)
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

    # -- imports ---------------------------------------------------------------------------

    def import_csv(self) -> None:
        from pmdesk.exchange.tabular import read_csv

        from .import_dialog import CsvImportDialog

        ctx, product = self._context(), self._product()
        path = self.ask_open(self.window, "Import CSV", "CSV files (*.csv *.txt);;All files (*)")
        if ctx is None or product is None or path is None:
            return
        dialog = CsvImportDialog(ctx, read_csv(path), product, self.window)
        dialog.imported.connect(lambda result: self._status(_created_text(result)))
        self.show_dialog(dialog)

    def import_mspdi(self) -> None:
        from pmdesk.exchange.mspdi import import_mspdi

        from .import_dialog import ImportCommand

        ctx, product = self._context(), self._product()
        path = self.ask_open(self.window, "Import MS Project XML", "MS Project XML (*.xml)")
        if ctx is None or product is None or path is None:
            return
        command = ImportCommand(
            ctx.workspace,
            lambda: import_mspdi(ctx.workspace, path, product_id=product),
            f"Import {path.name}",
        )
        if ctx.run(command):
            self._status(_created_text(command.result))

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
        try:
            created = import_json(source, target)
        except PmdeskError as exc:
            from .dialogs import Dialogs

            Dialogs(self.window).error("Import failed", str(exc))
            return
        self._open_path(created)

    # -- exports ---------------------------------------------------------------------------

    def _suggest(self, suffix: str) -> str:
        ctx = self._context()
        stem = ctx.workspace.path.stem if ctx is not None else "pmdesk"
        return f"{stem}{suffix}"

    def export_svg(self) -> None:
        view = self._current_view()
        path = self.ask_save(
            self.window, "Export current view as SVG", self._suggest(".svg"), "SVG image (*.svg)"
        )
        if view is None or path is None:
            return
        export = getattr(view, "export_image", None)
        if export is not None:
            export(path.with_suffix(".svg"))
        else:
            render_svg(view, path.with_suffix(".svg"))
        self._status(f"Saved {path.with_suffix('.svg').name}")

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
            export_mspdi(ctx.workspace, product, path)
            self._status(f"Saved {path.name}")

    def export_ics(self) -> None:
        from pmdesk.exchange.ics import export_ics

        ctx = self._context()
        path = self.ask_save(
            self.window, "Export dates as iCalendar", self._suggest(".ics"), "iCalendar (*.ics)"
        )
        if ctx is not None and path is not None:
            export_ics(ctx.workspace, path, product_id=self._product())
            self._status(f"Saved {path.name}")

    def export_json(self) -> None:
        from pmdesk.exchange.json_io import export_json

        ctx = self._context()
        path = self.ask_save(
            self.window, "Export portfolio as JSON", self._suggest(".json"), "JSON (*.json)"
        )
        if ctx is not None and path is not None:
            export_json(ctx.workspace, path)
            self._status(f"Saved {path.name}")

    def export_csv(self) -> None:
        from pmdesk.exchange.tabular import export_all

        ctx = self._context()
        folder = self.ask_folder(self.window, "Export all tables as CSV into a folder")
        if ctx is not None and folder is not None:
            written = export_all(ctx.workspace, folder)
            self._status(f"Saved {len(written)} CSV files in {folder}")


def render_svg(widget: QWidget, path: Path) -> None:
    """Any widget as SVG (vector where Qt paints vectors: text, lines, shapes)."""
    from PySide6.QtCore import QPoint, QRect, QSize
    from PySide6.QtGui import QPainter, QRegion
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(widget.windowTitle() or "pmdesk view")
    painter = QPainter(generator)
    try:
        flags = QWidget.RenderFlag.DrawChildren | QWidget.RenderFlag.DrawWindowBackground
        widget.render(painter, QPoint(), QRegion(), flags)
    finally:
        painter.end()


def _created_text(result) -> str:
    parts = [
        f"{len(ids)} {table.replace('_', ' ')}" for table, ids in result.created.items() if ids
    ]
    return f"Imported {', '.join(parts) or 'nothing'}"
