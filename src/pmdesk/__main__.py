"""``python -m pmdesk`` does what the ``pmdesk`` command does."""

from pmdesk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
