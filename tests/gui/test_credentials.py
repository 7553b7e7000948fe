"""Team workspace passwords: in a secure system keyring when there is one, never in a file.

The keyring here is an in-memory backend set with ``keyring.set_keyring`` (the
real one is restored afterwards, and never touched: every test starts on the
library's fail backend). The backends below take a constructor argument, so the
library's own detection, which only builds backends without arguments, never
picks them up for another test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringLocked, PasswordDeleteError
from PySide6.QtWidgets import QDialog, QLineEdit
from tests.gui.windows import RecordingDialogs

from pmdesk import credentials
from pmdesk.core.errors import PmdeskError
from pmdesk.gui import team
from pmdesk.gui.team import ConnectDialog

URL = "postgresql://pm@db.example/portfolio"
OTHER_URL = "postgresql://pm@other.example/portfolio"
PASSWORD = 'Tr0ub4dor <&> "q" 🔑'
CORE = "Tr0ub4dor"  # the ASCII part, to look for in files whatever their encoding


class MemoryKeyring(KeyringBackend):
    """A secure-looking keyring that keeps its entries in a dict."""

    priority = 1

    def __init__(self, entries: dict[tuple[str, str], str]) -> None:
        super().__init__()
        self.entries = entries

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not there")


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's plain file store: refused by name."""


class UncryptedFileKeyring(MemoryKeyring):
    pass


class AltKeyring(MemoryKeyring):
    """A store from the keyrings.alt package: refused by module."""


AltKeyring.__module__ = "keyrings.alt.Windows"


class ProfileKeyring(MemoryKeyring):
    """ "File" inside another word is not a file store."""


class LowKeyring(MemoryKeyring):
    """Ranked below recommended by the library itself."""

    priority = 0.5


class LockedKeyring(MemoryKeyring):
    """A real keyring the person will not unlock: every call raises."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"org.freedesktop.DBus.Error.NoReply while storing {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


@pytest.fixture(autouse=True)
def use_keyring(monkeypatch):
    """Set the keyring for one test; the one in use before comes back afterwards."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(fail.Keyring())
    return keyring.set_keyring


@pytest.fixture
def memory(use_keyring) -> dict[tuple[str, str], str]:
    entries: dict[tuple[str, str], str] = {}
    use_keyring(MemoryKeyring(entries))
    return entries


def files_holding(folder: Path, text: str) -> list[Path]:
    needles = [text.encode("utf-8"), text.encode("utf-16-le")]
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    ]


# -- the account ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "account"),
    [
        ("postgresql://pm@db.example/portfolio", "pm@db.example:5432/portfolio"),
        ("postgresql://pm:Tr0ub4dor@DB.Example:5433/portfolio", "pm@db.example:5433/portfolio"),
        ("postgres://ana%40corp@db.example/plan", "ana@corp@db.example:5432/plan"),
        ("postgresql:///plan?host=/run/postgresql", "/run/postgresql:5432/plan"),
        ("postgresql://pm@[::1]:5433/plan", "pm@[::1]:5433/plan"),
    ],
)
def test_the_entry_is_the_address_without_its_password(url, account):
    assert credentials.account(url) == account
    assert CORE not in account


@pytest.mark.parametrize("url", ["", "/home/me/plan.pmdesk", "sqlite:///plan.db", "not a url"])
def test_anything_else_has_no_entry(url):
    assert credentials.account(url) is None
    assert credentials.load(url) is None
    assert not credentials.save(url, PASSWORD)


# -- save, load, forget --------------------------------------------------------------------


def test_save_load_forget(memory):
    assert credentials.available()
    assert credentials.load(URL) is None
    assert credentials.save(URL, PASSWORD) and credentials.last_problem() == ""
    assert memory == {("pmdesk", "pm@db.example:5432/portfolio"): PASSWORD}
    assert credentials.load(URL) == PASSWORD
    assert credentials.load("postgresql://pm:typed@db.example:5432/portfolio") == PASSWORD
    assert credentials.load(OTHER_URL) is None
    assert credentials.load("postgresql://ana@db.example/portfolio") is None
    assert credentials.forget(URL) and memory == {}
    assert credentials.load(URL) is None
    assert credentials.forget(URL)  # nothing left to forget is not a failure


def test_an_empty_password_is_not_remembered(memory):
    assert not credentials.save(URL, "")
    assert memory == {} and credentials.last_problem()


@pytest.mark.parametrize(
    "backend",
    [
        fail.Keyring(),
        null.Keyring(),
        PlaintextKeyring({}),
        UncryptedFileKeyring({}),
        AltKeyring({}),
        LowKeyring({}),
    ],
    ids=lambda backend: type(backend).__name__,
)
def test_insecure_or_missing_keyrings_are_refused(use_keyring, backend):
    use_keyring(backend)
    assert not credentials.available()
    assert not credentials.save(URL, PASSWORD)
    assert "no secure system keyring" in credentials.last_problem().lower()
    assert credentials.load(URL) is None
    assert getattr(backend, "entries", {}) == {}


def test_a_chain_is_only_as_safe_as_its_weakest_store(use_keyring, monkeypatch):
    safe, plain = MemoryKeyring({}), PlaintextKeyring({})
    use_keyring(ChainerBackend())
    monkeypatch.setattr(ChainerBackend, "backends", [safe, ProfileKeyring({})])
    assert credentials.available()
    monkeypatch.setattr(ChainerBackend, "backends", [safe, plain])
    assert not credentials.available()
    monkeypatch.setattr(ChainerBackend, "backends", [])
    assert not credentials.available()


def test_a_failing_keyring_means_not_found_with_a_reason(use_keyring):
    use_keyring(LockedKeyring({}))
    assert credentials.available()
    assert credentials.load(URL) is None
    assert "could not read" in credentials.last_problem()
    assert not credentials.save(URL, PASSWORD)
    assert "could not save" in credentials.last_problem()
    assert CORE not in credentials.last_problem()  # the backend's message held the password
    assert not credentials.forget(URL)
    assert "unlock" in credentials.last_problem()


def test_no_keyring_library_at_all_is_no_keyring(monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring now raises ImportError
    assert not credentials.available()
    assert credentials.load(URL) is None
    assert not credentials.save(URL, PASSWORD)


def test_remember_after_connect_does_what_was_chosen(memory):
    assert credentials.remember_after_connect(credentials.Login(URL, PASSWORD, None)) == ""
    assert memory == {}
    assert credentials.remember_after_connect(credentials.Login(URL, PASSWORD, True)) == ""
    assert credentials.load(URL) == PASSWORD
    assert credentials.remember_after_connect(credentials.Login(URL, PASSWORD, False)) == ""
    assert memory == {}


def test_starting_pmdesk_does_not_import_keyring():
    code = (
        "import sys, pmdesk.cli, pmdesk.credentials, pmdesk.gui.team, pmdesk.gui.main_window;"
        "sys.exit(1 if 'keyring' in sys.modules else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- the dialog ----------------------------------------------------------------------------


def make_dialog(qtbot, url: str = URL, offer_keyring: bool = True) -> ConnectDialog:
    dialog = ConnectDialog(None, url, offer_keyring=offer_keyring)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_without_a_keyring_the_box_is_hidden_and_the_note_says_why(qtbot):
    dialog = make_dialog(qtbot)
    assert not dialog.remember_box.isVisible()
    assert dialog.note.isVisible() and dialog.note.text() == ConnectDialog.NO_KEYRING
    dialog.password_edit.setText(PASSWORD)
    assert dialog.login() == credentials.Login(URL, PASSWORD, None)


def test_with_a_keyring_the_box_is_offered_unticked(qtbot, memory):
    dialog = make_dialog(qtbot)
    assert dialog.remember_box.isVisible() and dialog.remember_box.isEnabled()
    assert not dialog.remember_box.isChecked() and not dialog.note.isVisible()
    assert dialog.password_edit.text() == ""


def test_share_does_not_offer_the_keyring(qtbot, memory):
    credentials.save(URL, PASSWORD)
    dialog = make_dialog(qtbot, offer_keyring=False)
    assert not dialog.remember_box.isVisible() and dialog.password_edit.text() == ""
    assert dialog.note.text() == ConnectDialog.NOT_SAVED


def test_a_remembered_password_is_filled_in_masked_and_ticked(qtbot, memory):
    credentials.save(URL, PASSWORD)
    dialog = make_dialog(qtbot)
    assert dialog.password_edit.text() == PASSWORD
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.remember_box.isChecked()
    assert dialog.login() == credentials.Login(URL, PASSWORD, None)  # nothing to change


def test_unticking_forgets_the_password_once_connected(qtbot, memory):
    credentials.save(URL, PASSWORD)
    dialog = make_dialog(qtbot)
    dialog.remember_box.setChecked(False)
    login = dialog.login()
    assert login.keep is False and credentials.load(URL) == PASSWORD  # not before connecting
    assert credentials.remember_after_connect(login) == ""
    assert memory == {}


def test_ticking_saves_only_once_connected(qtbot, memory):
    dialog = make_dialog(qtbot)
    dialog.password_edit.setText(PASSWORD)
    dialog.remember_box.setChecked(True)
    login = dialog.login()
    assert login == credentials.Login(URL, PASSWORD, True) and memory == {}
    credentials.remember_after_connect(login)
    assert credentials.load(URL) == PASSWORD


def test_a_new_password_typed_over_the_remembered_one_replaces_it(qtbot, memory):
    credentials.save(URL, "old")
    dialog = make_dialog(qtbot)
    dialog.password_edit.setText(PASSWORD)
    assert dialog.login().keep is True


def test_another_address_never_gets_the_remembered_password(qtbot, memory):
    credentials.save(URL, PASSWORD)
    dialog = make_dialog(qtbot)
    dialog.url_edit.setText(OTHER_URL)
    assert dialog.password_edit.text() == "" and not dialog.remember_box.isChecked()
    assert dialog.login() == credentials.Login(OTHER_URL, "", None)
    dialog.url_edit.setText(URL)
    dialog.url_edit.editingFinished.emit()
    assert dialog.password_edit.text() == PASSWORD and dialog.remember_box.isChecked()


def test_a_typed_address_is_looked_up_when_left(qtbot, memory):
    credentials.save(URL, PASSWORD)
    dialog = make_dialog(qtbot, url="")
    qtbot.keyClicks(dialog.url_edit, URL)
    assert dialog.password_edit.text() == ""  # not while typing
    dialog.url_edit.editingFinished.emit()
    assert dialog.password_edit.text() == PASSWORD


def test_a_password_typed_before_the_address_is_kept(qtbot, memory):
    credentials.save(URL, "remembered")
    dialog = make_dialog(qtbot, url="")
    dialog.password_edit.setText(PASSWORD)
    dialog.url_edit.setText(URL)
    dialog.url_edit.editingFinished.emit()
    assert dialog.password_edit.text() == PASSWORD and dialog.remember_box.isChecked()


def test_a_locked_keyring_in_the_dialog_says_so_and_lets_you_type(qtbot, use_keyring):
    use_keyring(LockedKeyring({}))
    dialog = make_dialog(qtbot)
    assert dialog.note.isVisible() and "could not read" in dialog.note.text()
    assert dialog.remember_box.isVisible() and not dialog.remember_box.isChecked()
    dialog.password_edit.setText(PASSWORD)
    dialog.remember_box.setChecked(True)
    problem = credentials.remember_after_connect(dialog.login())
    assert "could not save" in problem and CORE not in problem


# -- the window: only a password that worked, and never in pmdesk's files ------------------


@pytest.fixture
def window(qtbot, monkeypatch, tmp_path):
    """A window whose server takes only PASSWORD, and whose dialog types ``window.typed``."""
    from pmdesk.gui import main_window
    from pmdesk.store import factory
    from pmdesk.store.workspace import Workspace

    def connect(url: str, password: str) -> Workspace:  # a file stands in for the server
        if password != PASSWORD:
            raise PmdeskError(
                "portfolio on db.example: the server refused this user name or password"
            )
        return Workspace.create(
            tmp_path / f"team{len(list(tmp_path.iterdir()))}.pmdesk", name="Team"
        )

    def answer(dialog: ConnectDialog) -> QDialog.DialogCode:
        dialog.password_edit.setText(shown.typed.pop(0))
        dialog.remember_box.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(factory, "connect_workspace", connect)
    monkeypatch.setattr(team.ConnectDialog, "exec", answer)
    shown = main_window.MainWindow(dialogs=RecordingDialogs(read_only=False))
    shown.typed = []
    qtbot.addWidget(shown)
    yield shown
    shown.close_workspace()


def test_the_window_remembers_only_a_password_that_worked(window, memory):
    window.typed += ["wrong <&>", PASSWORD]
    assert not window.open_url(URL)
    assert window.dialogs.errors and memory == {}
    assert window.open_url(URL)
    assert credentials.load(URL) == PASSWORD
    window.close_workspace()
    window.settings.save()
    for folder in ("PMDESK_CONFIG_DIR", "PMDESK_DATA_DIR"):
        root = Path(os.environ[folder])
        assert files_holding(root, CORE) == [] and files_holding(root, PASSWORD) == []


def test_the_window_connects_and_says_so_when_the_keyring_refuses(window, use_keyring):
    use_keyring(LockedKeyring({}))
    window.typed.append(PASSWORD)
    assert window.open_url(URL) and window.workspace is not None
    [(title, text)] = window.dialogs.errors
    assert "not remembered" in title and "could not save" in text and CORE not in text
