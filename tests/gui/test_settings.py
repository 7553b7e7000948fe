"""The typed settings object: defaults in code, an INI file in the temporary config folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings
from tests.gui.windows import exposed

from pmdesk.gui.settings import MAX_RECENT, ZOOM_RANGE, Settings, settings_store


def test_the_file_is_in_the_folder_tests_point_at(tmp_path: Path):
    store = settings_store()
    folder = Path(os.environ["PMDESK_CONFIG_DIR"])
    assert store.format() == QSettings.Format.IniFormat
    assert Path(store.fileName()).parent == folder
    Settings(theme="dark").save()
    assert (folder / "pmdesk.ini").is_file()


def test_nothing_stored_gives_the_defaults_in_code():
    assert Settings.load() == Settings()


def test_every_field_round_trips(tmp_path: Path):
    odd = tmp_path / 'R&D <team> "plans" 🚀.pmdesk'
    saved = Settings(
        geometry=bytes(range(256)),
        window_state=b"\x00state\xff",
        last_file=str(odd),
        theme="dark",
        zoom=3,
        last_view="roadmap",
        last_products={str(odd): 7},
        present_screen="HDMI-1",
    )
    for number in range(3):
        saved.add_recent(tmp_path / f"file {number}.pmdesk")
    saved.save()
    loaded = Settings.load()
    assert loaded == saved
    # Every field is covered above: a new field must be added to this test too.
    assert {
        name for name in Settings.field_names() if getattr(saved, name) == getattr(Settings(), name)
    } == set()


def test_recent_files_newest_first_without_duplicates_and_capped(tmp_path: Path):
    settings = Settings()
    paths = [tmp_path / f"p{number}.pmdesk" for number in range(MAX_RECENT + 3)]
    for path in paths:
        settings.add_recent(path)
    settings.add_recent(paths[5])  # opened again: moves to the front, once
    expected = [paths[5], *[p for p in reversed(paths) if p != paths[5]]][:MAX_RECENT]
    assert settings.recent_files == [str(p) for p in expected]
    settings.save()
    assert Settings.load().recent_files == [str(p) for p in expected]
    settings.remove_recent(paths[5])
    assert str(paths[5]) not in settings.recent_files
    settings.clear_recent()
    assert settings.recent_files == []


def test_a_single_recent_file_survives_as_a_list(tmp_path: Path):
    # QSettings would hand a one-item list back as a plain string; JSON keeps the type.
    settings = Settings()
    settings.add_recent(tmp_path / "only.pmdesk")
    settings.save()
    assert Settings.load().recent_files == [str(tmp_path / "only.pmdesk")]


def test_unreadable_values_fall_back_to_defaults_instead_of_failing():
    store = settings_store()
    store.setValue("view/theme", "purple")
    store.setValue("view/zoom", "lots")
    store.setValue("files/recent", "{not json")
    store.setValue("files/products", '{"a": "seven", "b": 2}')
    store.sync()
    loaded = Settings.load()
    assert loaded.theme == "light"
    assert loaded.zoom == 0
    assert loaded.recent_files == []
    assert loaded.last_products == {"b": 2}


def test_zoom_is_kept_within_range():
    store = settings_store()
    store.setValue("view/zoom", 99)
    store.sync()
    assert Settings.load().zoom == ZOOM_RANGE[1]


def test_last_product_is_per_file(tmp_path: Path):
    settings = Settings()
    settings.remember_product(tmp_path / "a.pmdesk", 3)
    settings.remember_product(tmp_path / "b.pmdesk", 9)
    assert settings.product_for(tmp_path / "a.pmdesk") == 3
    assert settings.product_for(tmp_path / "b.pmdesk") == 9
    settings.remember_product(tmp_path / "a.pmdesk", None)
    assert settings.product_for(tmp_path / "a.pmdesk") is None


def test_window_geometry_is_restored_by_the_next_window(qtbot):
    from pmdesk.gui.main_window import MainWindow

    first = MainWindow(settings=Settings.load(), views=[])
    qtbot.addWidget(first)
    first.resize(771, 533)  # within the offscreen 800×600 screen
    first.show()
    exposed(qtbot, first)
    first.close()
    assert Settings.load().geometry, "closing the window stores its geometry"

    second = MainWindow(settings=Settings.load(), views=[])
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (771, 533)
