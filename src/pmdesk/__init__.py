"""pmdesk: a desktop workbench for product managers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pmdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
