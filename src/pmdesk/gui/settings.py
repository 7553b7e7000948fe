"""The person's preferences as one typed object, with its defaults in code.

Stored through QSettings in INI format: in ``PMDESK_CONFIG_DIR`` when it is set
(tests point it at a temporary folder, so they never touch the real file), else
in the platform's usual place. Anything unreadable in the file falls back to
the default instead of breaking startup: a settings file is never worth a crash.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10
THEMES = ("light", "dark")
ZOOM_RANGE = (-3, 8)
FILE_NAME = "pmdesk.ini"


def settings_store() -> QSettings:
    """The QSettings behind the preferences, at the place described in the module docstring."""
    folder = os.environ.get("PMDESK_CONFIG_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / FILE_NAME), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "pmdesk", "pmdesk")


@dataclass
class Settings:
    """Everything pmdesk remembers between runs."""

    geometry: bytes = b""
    window_state: bytes = b""
    last_file: str = ""
    recent_files: list[str] = field(default_factory=list)
    theme: str = "light"
    zoom: int = 0
    last_view: str = "portfolio"
    # The product last selected in each file, by the file's absolute path.
    last_products: dict[str, int] = field(default_factory=dict)
    # Name of the screen chosen in View > Present on; empty means "pick a sensible one".
    present_screen: str = ""

    # -- recent files -------------------------------------------------------------

    def add_recent(self, path: Path | str) -> None:
        """Put ``path`` first in the recent list (once), keeping at most MAX_RECENT."""
        text = _normal(path)
        self.recent_files = [text] + [p for p in self.recent_files if p != text]
        del self.recent_files[MAX_RECENT:]

    def remove_recent(self, path: Path | str) -> None:
        text = _normal(path)
        self.recent_files = [p for p in self.recent_files if p != text]

    def clear_recent(self) -> None:
        self.recent_files = []

    def product_for(self, path: Path | str) -> int | None:
        return self.last_products.get(_normal(path))

    def remember_product(self, path: Path | str, product_id: int | None) -> None:
        key = _normal(path)
        if product_id is None:
            self.last_products.pop(key, None)
        else:
            self.last_products[key] = int(product_id)

    # -- persistence ----------------------------------------------------------------

    @classmethod
    def load(cls, store: QSettings | None = None) -> Settings:
        store = store or settings_store()
        loaded = cls()
        loaded.geometry = _bytes(store.value("window/geometry"))
        loaded.window_state = _bytes(store.value("window/state"))
        loaded.last_file = _text(store.value("files/last"))
        recent = [p for p in _json(store.value("files/recent"), list) if isinstance(p, str)]
        loaded.recent_files = list(dict.fromkeys(recent))[:MAX_RECENT]
        theme = _text(store.value("view/theme"), "light")
        loaded.theme = theme if theme in THEMES else "light"
        loaded.zoom = clamp_zoom(_int(store.value("view/zoom")))
        loaded.last_view = _text(store.value("view/last"), "portfolio") or "portfolio"
        products = _json(store.value("files/products"), dict)
        loaded.last_products = {
            str(k): v for k, v in products.items() if isinstance(v, int) and not isinstance(v, bool)
        }
        loaded.present_screen = _text(store.value("present/screen"))
        return loaded

    def save(self, store: QSettings | None = None) -> None:
        store = store or settings_store()
        store.setValue("window/geometry", QByteArray(self.geometry))
        store.setValue("window/state", QByteArray(self.window_state))
        store.setValue("files/last", self.last_file)
        store.setValue("files/recent", json.dumps(self.recent_files, ensure_ascii=False))
        store.setValue("files/products", json.dumps(self.last_products, ensure_ascii=False))
        store.setValue("view/theme", self.theme)
        store.setValue("view/zoom", self.zoom)
        store.setValue("view/last", self.last_view)
        store.setValue("present/screen", self.present_screen)
        store.sync()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def clamp_zoom(step: int) -> int:
    low, high = ZOOM_RANGE
    return max(low, min(high, step))


def _normal(path: Path | str) -> str:
    return str(Path(path).expanduser().absolute())


# QSettings hands back whatever the INI file holds (strings, mostly): read defensively.


def _bytes(value: object) -> bytes:
    if isinstance(value, QByteArray):
        return bytes(value.data())
    return value if isinstance(value, bytes) else b""


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _int(value: object) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


def _json(value: object, kind: type) -> list | dict:
    try:
        decoded = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        decoded = None
    return decoded if isinstance(decoded, kind) else kind()
