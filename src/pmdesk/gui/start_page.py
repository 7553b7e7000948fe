"""The welcome page shown when no workspace is open: demo, new, open, recent files.

It only emits ``…Requested`` signals; the main window does the opening, so a
file opened from here behaves exactly like one opened from the File menu.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pmdesk.paths import user_data_dir

from .theme import app_icon, plain_tooltip

TAGLINE = "A workbench for product managers: every product, from first idea to retirement."
DEMO_STEM = "Demo portfolio"

# Colours come from palette(...), so the buttons follow a theme switch.
_BUTTON_STYLE = """
QPushButton {
    padding: 8px 18px;
    border: 1px solid palette(mid);
    border-radius: 6px;
    background: palette(button);
    color: palette(button-text);
}
QPushButton:hover { border-color: palette(highlight); }
QPushButton:focus { border-color: palette(highlight); }
QPushButton#primary {
    background: palette(highlight);
    color: palette(highlighted-text);
    border-color: palette(highlight);
    font-weight: 600;
}
"""


def next_demo_path(folder: Path) -> Path:
    """``Demo portfolio.pmdesk``, else ``Demo portfolio 2.pmdesk``, …: never an existing file."""
    candidate = folder / f"{DEMO_STEM}.pmdesk"
    number = 2
    while candidate.exists() or candidate.with_name(candidate.name + "-wal").exists():
        candidate = folder / f"{DEMO_STEM} {number}.pmdesk"
        number += 1
    return candidate


def create_demo_workspace(folder: Path | None = None) -> Path:
    """A fresh demo portfolio in the user's data folder; returns its path (closed)."""
    from pmdesk.store.demo import create_demo  # heavy and rarely needed: import on use

    folder = folder or user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = next_demo_path(folder)
    result = create_demo(path)
    close = getattr(result, "close", None)
    if callable(close):  # create_demo may hand back the open workspace
        close()
    return path


class _RecentRow(QWidget):
    """One recent file: its name, and the folder it is in underneath, smaller."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        name = QLabel(path.stem)
        name.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(name.font())
        bold.setWeight(QFont.Weight.DemiBold)
        name.setFont(bold)
        folder = QLabel(str(path.parent))
        folder.setTextFormat(Qt.TextFormat.PlainText)
        folder.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quieter than the name
        for label in (name, folder):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        self.setToolTip(plain_tooltip(str(path)))


class StartPage(QWidget):
    demoRequested = Signal()
    newRequested = Signal()
    openRequested = Signal()
    recentRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addWidget(self._logo(), 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(12)
        column.addWidget(self._title(), 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(6)
        column.addWidget(self._tagline())
        column.addSpacing(28)
        column.addLayout(self._buttons())
        column.addSpacing(28)
        self.recent_heading = QLabel("Recent files")
        heading_font = QFont(self.recent_heading.font())
        heading_font.setWeight(QFont.Weight.DemiBold)
        self.recent_heading.setFont(heading_font)
        column.addWidget(self.recent_heading)
        column.addSpacing(6)
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentFiles")
        self.recent_list.setAccessibleName("Recent files")
        self.recent_list.setFrameShape(QFrame.Shape.StyledPanel)
        self.recent_list.itemActivated.connect(self._open_item)
        self.recent_list.itemClicked.connect(self._open_item)
        column.addWidget(self.recent_list)

        holder = QWidget()
        holder.setLayout(column)
        holder.setFixedWidth(600)
        holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(2)
        outer.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(3)
        self.set_recent([])

    # -- building ---------------------------------------------------------------------

    @staticmethod
    def _logo() -> QLabel:
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(88, 88)))
        return logo

    def _title(self) -> QLabel:
        title = QLabel("pmdesk")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setWeight(QFont.Weight.Bold)
        title.setFont(font)
        return title

    @staticmethod
    def _tagline() -> QLabel:
        tagline = QLabel(TAGLINE)
        tagline.setWordWrap(True)
        tagline.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        return tagline

    def _buttons(self) -> QHBoxLayout:
        self.demo_button = QPushButton("Open the demo portfolio")
        self.demo_button.setObjectName("primary")
        self.new_button = QPushButton("New workspace…")
        self.open_button = QPushButton("Open…")
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addStretch(1)
        for button, signal in (
            (self.demo_button, self.demoRequested),
            (self.new_button, self.newRequested),
            (self.open_button, self.openRequested),
        ):
            button.setStyleSheet(_BUTTON_STYLE)
            button.setAutoDefault(False)
            button.clicked.connect(signal)
            row.addWidget(button)
        row.addStretch(1)
        return row

    # -- recent files -------------------------------------------------------------------

    def set_recent(self, paths: Iterable[Path | str]) -> None:
        """Show the recent files that still exist (the others cannot be opened from here)."""
        self.recent_list.clear()
        existing = [Path(p) for p in paths if Path(p).is_file()]
        for path in existing:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(plain_tooltip(str(path)))
            row = _RecentRow(path)
            item.setSizeHint(row.sizeHint())
            self.recent_list.addItem(item)
            self.recent_list.setItemWidget(item, row)
        self.recent_heading.setVisible(bool(existing))
        self.recent_list.setVisible(bool(existing))
        if existing:
            rows = sum(self.recent_list.sizeHintForRow(i) for i in range(len(existing)))
            self.recent_list.setFixedHeight(min(rows, 320) + 2 * self.recent_list.frameWidth())

    def recent_paths(self) -> list[Path]:
        return [
            Path(self.recent_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.recent_list.count())
        ]

    def changeEvent(self, event: QEvent) -> None:
        # Style sheets resolve palette(...) once; a theme switch must resolve them again.
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            for button in (self.demo_button, self.new_button, self.open_button):
                button.setStyleSheet("")
                button.setStyleSheet(_BUTTON_STYLE)
        super().changeEvent(event)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.recentRequested.emit(item.data(Qt.ItemDataRole.UserRole))
