"""Team workspace passwords in the platform keyring — only a real, secure one, or nowhere.

pmdesk never writes a password to its own files. When the platform offers a
secure keyring (Secret Service or KWallet on Linux, the macOS Keychain, the
Windows Credential Locker), the person may ask for the password of a team
workspace to be kept there; otherwise it is asked for each time. A keyring
that stores passwords in a plain or home-made file (``keyrings.alt`` and the
like), the fail and null backends, and anything the ``keyring`` library itself
ranks below "recommended" (priority < 1) are refused, so "remembered" always
means "in the platform's own safe store".

The entry is found by service ``pmdesk`` and the address without its password
(``user@host:port/database``), so a remembered password is only offered for
the very same login on the very same database.

A keyring can fail at any moment (no D-Bus session, a locked collection the
person will not unlock, a broken backend): every failure is caught here and
means "not available" or "not found"; :func:`last_problem` says why, in a
sentence for the person. ``keyring`` is imported on first use, never at start.
No Qt here, so the command line could use it too.
"""

from __future__ import annotations

from typing import Any, NamedTuple

SERVICE = "pmdesk"
DEFAULT_PORT = 5432
# Refused by module: the library's own stand-ins and the unencrypted/home-made file stores.
INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
# Refused by class name: plain or file-based stores, whatever package they come from.
# Case matters: "File" must not refuse a "ProfileKeyring".
INSECURE_WORDS = ("Plaintext", "PlainText", "Uncrypted", "Unencrypted", "File")

_problem = ""


class Login(NamedTuple):
    """What the connect dialog gathered: the address, the password, and the keyring's part.

    ``keep`` is True to remember the password once the connection works, False to
    forget the one remembered, None to leave the keyring alone.
    """

    url: str
    password: str
    keep: bool | None = None


def account(url: str) -> str | None:
    """``user@host:port/database`` for a postgresql:// address (never its password), or None."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url.strip())
        port = parsed.port or DEFAULT_PORT
    except (ArgumentError, ValueError, TypeError, AttributeError):
        return None
    if not parsed.drivername.lower().startswith(("postgresql", "postgres")):
        return None
    socket = parsed.query.get("host")
    host = parsed.host or (socket if isinstance(socket, str) else "") or "localhost"
    host = f"[{host.lower()}]" if ":" in host else host.lower()  # an IPv6 address
    user = f"{parsed.username}@" if parsed.username else ""
    return f"{user}{host}:{port}/{parsed.database or ''}"


def available() -> bool:
    """True only when the keyring in use is a real, secure store (see the module docstring)."""
    return _backend() is not None


def load(url: str) -> str | None:
    """The password remembered for ``url``, or None (nothing stored, or no usable keyring)."""
    found = _call("read", url, lambda backend, key: backend.get_password(SERVICE, key))
    return found if isinstance(found, str) else None


def save(url: str, password: str) -> bool:
    """Remember ``password`` for ``url``; False (and :func:`last_problem`) when it was not."""
    if not password:
        _fail("An empty password is not remembered.")
        return False
    done = _call(
        "save",
        url,
        lambda backend, key: backend.set_password(SERVICE, key, password),
        secret=password,
    )
    return done is not _FAILED


def forget(url: str) -> bool:
    """Drop the password remembered for ``url``; True when none is left (also: none was there)."""
    return _call("forget", url, _delete) is not _FAILED


def remember_after_connect(login: Login) -> str:
    """Do what the person chose, once the connection worked (a wrong password is never kept).

    Returns '' or, when the keyring refused, a sentence to show them.
    """
    if login.keep is None:
        return ""
    done = save(login.url, login.password) if login.keep else forget(login.url)
    return "" if done else last_problem()


def last_problem() -> str:
    """Why the last load, save or forget did not work, as a sentence; '' when it did."""
    return _problem


# -- the backend ------------------------------------------------------------------------------

_FAILED = object()


def _backend() -> Any | None:
    """The keyring in use when it is secure, else None; never raises."""
    try:
        import keyring

        backend = keyring.get_keyring()
        return backend if _secure(backend) else None
    except Exception:  # noqa: BLE001 - a broken keyring install means "no keyring", not a crash
        return None


def _secure(backend: Any) -> bool:
    """A real store: a chainer only when everything it chains is one."""
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return bool(chained) and all(_secure_one(each) for each in chained)
    return _secure_one(backend)


def _secure_one(backend: Any) -> bool:
    kind = type(backend)
    if kind.__module__.startswith(INSECURE_MODULES):
        return False
    if any(word in kind.__name__ for word in INSECURE_WORDS):
        return False
    return float(backend.priority) >= 1


def _delete(backend: Any, key: str) -> None:
    from keyring.errors import PasswordDeleteError

    try:
        backend.delete_password(SERVICE, key)
    except PasswordDeleteError:  # nothing was stored: forgetting it is done
        if backend.get_password(SERVICE, key) is not None:
            raise


def _call(what: str, url: str, action: Any, secret: str = "") -> Any:
    """Run ``action(backend, key)``; any failure becomes _FAILED and a sentence."""
    global _problem
    _problem = ""
    key = account(url)
    if key is None:
        return _fail("This is not a postgresql:// address.")  # the text may hold a password
    backend = _backend()
    if backend is None:
        return _fail("No secure system keyring is available.")
    try:
        return action(backend, key)
    except Exception as exc:  # noqa: BLE001 - locked, no D-Bus, KeyringError, backend bugs
        reason = str(exc).strip() or type(exc).__name__
        if secret:
            reason = reason.replace(secret, "•••")
        return _fail(f"The system keyring could not {what} the password: {reason}")


def _fail(sentence: str) -> Any:
    global _problem
    _problem = sentence
    return _FAILED
