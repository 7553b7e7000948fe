"""pmdesk: a desktop workbench for product managers."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``pmdesk.__version__``, read from the installed package's metadata on first use.

    Not at import: importlib.metadata costs a start of the window tens of milliseconds.
    """
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("pmdesk")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
