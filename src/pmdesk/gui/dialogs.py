"""Every question the window asks the person, in one replaceable object.

The main window never calls QFileDialog or QMessageBox directly: it calls a
``Dialogs`` instance. Tests swap in one that answers at once, so no test can
hang on a modal dialog, and the wording of each question lives in one place.
"""

from __future__ import annotations

import html
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

WORKSPACE_FILTER = "pmdesk workspaces (*.pmdesk);;All files (*)"
PNG_FILTER = "PNG images (*.png)"


def with_suffix(path: Path, suffix: str) -> Path:
    """``path`` with ``suffix`` added when the person typed a name without it."""
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class Dialogs:
    """The modal questions and messages of the main window."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def open_path(self, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.parent, "Open workspace", str(folder), WORKSPACE_FILTER
        )
        return Path(name) if name else None

    def new_path(self, folder: Path) -> Path | None:
        # No overwrite question: Workspace.create refuses an existing file and says so.
        name, _ = QFileDialog.getSaveFileName(
            self.parent,
            "New workspace",
            str(folder / "Untitled.pmdesk"),
            WORKSPACE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return with_suffix(Path(name), ".pmdesk") if name else None

    def save_copy_path(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.parent, "Save a copy as", str(suggested), WORKSPACE_FILTER
        )
        return with_suffix(Path(name), ".pmdesk") if name else None

    def png_path(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.parent, "Export current view as PNG", str(suggested), PNG_FILTER
        )
        return with_suffix(Path(name), ".png") if name else None

    def error(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.parent)
        box.setTextFormat(_plain())
        box.exec()

    def ask_read_only(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Open read-only?", text, parent=self.parent)
        box.setTextFormat(_plain())
        read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(read_only)
        box.exec()
        return box.clickedButton() is read_only

    def about(self, html_text: str) -> None:
        QMessageBox.about(self.parent, "About pmdesk", html_text)


def _plain() -> Qt.TextFormat:
    # File names and messages are shown exactly as they are, "<" and "&" included.
    return Qt.TextFormat.PlainText


@dataclass(frozen=True)
class AboutFacts:
    version: str
    qt_version: str
    pyside_version: str
    python_version: str
    file_path: Path | None
    format_version: int | None


def about_facts(file_path: Path | None, format_version: int | None) -> AboutFacts:
    import PySide6

    from pmdesk import __version__

    return AboutFacts(
        version=__version__,
        qt_version=qVersion(),
        pyside_version=PySide6.__version__,
        python_version=f"{platform.python_version()} ({sys.implementation.name})",
        file_path=file_path,
        format_version=format_version,
    )


def about_html(facts: AboutFacts) -> str:
    """The About box, as rich text in which every value is escaped."""
    rows = [
        ("pmdesk", facts.version),
        ("Qt", facts.qt_version),
        ("PySide6", facts.pyside_version),
        ("Python", facts.python_version),
        ("File", str(facts.file_path) if facts.file_path else "no file open"),
    ]
    if facts.format_version is not None:
        rows.append(("File format", str(facts.format_version)))
    table = "".join(
        f"<tr><td style='padding-right:12px'><b>{html.escape(k)}</b></td>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return (
        "<h3>pmdesk</h3>"
        "<p>A desktop workbench for product managers: one offline file per portfolio.</p>"
        f"<table>{table}</table>"
    )
