"""Plain reads: SQL text run over any DB-API connection, without SQLAlchemy.

A read takes a ``fetch(sql, params)`` that runs one statement and returns its rows as
tuples. The SQL is SQLite's and PostgreSQL's alike (``?`` placeholders: a PostgreSQL
fetch writes them as its driver's ``%s``). :func:`plain_read` runs a read on a
workspace: on the file's own read-only connection while an early workspace's store
loads (:mod:`pmdesk.store.early`), else on a short session's connection. The reads
themselves live with what they read (``roadmap_rows``, ``portfolio_rows``,
``plan_rows``). Nothing here imports SQLAlchemy: ``tests/test_layering.py`` holds it
to that.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

Fetch = Callable[[str, Sequence[object]], Sequence[Sequence]]


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite holds its text, PostgreSQL's driver parses it."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def read_date(value: str | dt.date) -> dt.date:
    """A date column's value: ISO text from SQLite, a date from PostgreSQL."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def fetcher(conn: Any) -> Fetch:
    """A fetch on a SQLAlchemy connection (a session's): plain tuples.

    On SQLite straight from the driver's cursor: the bulk reads hold only ints and text,
    which SQLAlchemy would hand over unchanged, so the driver's own tuples are the same
    values without building a Row per row (100,000 items: about a third of the read).
    Other databases (a team workspace) run the same SQL through SQLAlchemy, with their
    driver's placeholders.
    """
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        assert driver is not None
        return lambda sql, params: driver.execute(sql, tuple(params)).fetchall()
    return lambda sql, params: conn.exec_driver_sql(sql.replace("?", "%s"), tuple(params)).all()


def plain_read[R](ws: Any, read: Callable[[Fetch], R]) -> R:
    """``read(fetch)`` on the workspace: on the file's own read-only connection while an
    early workspace's store loads (``early_fetch``), else on a short session's."""
    early = getattr(ws, "early_fetch", None)
    fetch = early() if early is not None else None
    if fetch is not None:
        return read(fetch)
    with ws.read() as session:
        return read(fetcher(session.connection()))
