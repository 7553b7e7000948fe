"""Telling the other clients of a team workspace what changed: a change log plus a wake-up.

Each commit writes its ChangeSet as one row of ``pmdesk_change_log``, in the
same transaction, so only committed changes are ever announced. Then it sends
a NOTIFY whose only job is to wake the other clients at once; they read the
log rows after the last one they have seen. Reading the log rather than the
notices gives three things notices alone cannot:

- nothing is missed while a client is disconnected: when it comes back it
  reads every row it has not seen, in order;
- where LISTEN is not available (some connection poolers), the same read every
  half second is the polling fallback;
- a change set of any size is one row (a NOTIFY payload must stay under 8 kB).

Log ids must appear in commit order, or a reader could see id 11 before id 10
commits and skip 10 for ever. So a writer takes a transaction-level advisory
lock just before inserting its row: ids are handed out, and committed, one
writer at a time. The lock is held only from that insert to the commit, after
every other statement of the transaction has run, so it cannot deadlock with
row locks. Rows older than a week are pruned now and then; a client that was
away longer is told to reload everything (``ChangeFeed.gap``).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pmdesk.core.changes import Change, ChangeSet

from .models import Base
from .team_server import CONNECT_TIMEOUT_S, ConnectionLostError, connection_failure, libpq_params

CHANNEL = "pmdesk_changes"
LOG_LOCK = 0x504D444B  # the advisory lock key: "PMDK", as in the file header
KEEP = "7 days"
PRUNE_EVERY = 500  # one commit in this many removes rows older than KEEP
READ_LIMIT = 2000  # log rows read per poll; the rest come with the next one

_meta = sa.MetaData()
LOG = sa.Table(
    "pmdesk_change_log",
    _meta,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("origin", sa.String(32), nullable=False),
    sa.Column("changes", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
)


def create_log(conn: sa.Connection) -> None:
    """The log table, if the database has none yet (made with the workspace, or added later)."""
    _meta.create_all(conn, checkfirst=True)


def new_origin() -> str:
    """A name for this client, so it can skip the log rows of its own commits."""
    return uuid.uuid4().hex[:12]


def encode(changeset: ChangeSet) -> str:
    return json.dumps(
        [
            [
                c.kind,
                c.op,
                [list(i) if isinstance(i, tuple) else i for i in sorted(c.ids, key=repr)],
            ]
            for c in changeset.changes
        ]
    )


def decode(text: str) -> ChangeSet | None:
    """A log row's changes; None for anything malformed or naming no known table."""
    try:
        changes = tuple(
            Change(kind, op, frozenset(tuple(i) if isinstance(i, list) else i for i in ids))
            for kind, op, ids in json.loads(text)
            if kind in Base.metadata.tables and op in ("insert", "update", "delete")
        )
    except (ValueError, TypeError):
        return None
    return ChangeSet(changes) if changes else None


def record(session: Session, changeset: ChangeSet, origin: str) -> None:
    """Log the commit's changes and wake the others; call last, just before the commit."""
    if not changeset:
        return
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOG_LOCK)))
    stmt = sa.insert(LOG).values(origin=origin, changes=encode(changeset)).returning(LOG.c.id)
    new_id: int = session.execute(stmt).scalar_one()
    session.execute(sa.select(sa.func.pg_notify(CHANNEL, str(new_id))))
    if new_id % PRUNE_EVERY == 0:
        old = LOG.c.at < sa.func.now() - sa.text(f"interval '{KEEP}'")
        session.execute(sa.delete(LOG).where(old))


class ChangeFeed:
    """What other clients committed, read from the log on a connection of its own.

    ``fileno`` lets a GUI wake up the moment a NOTIFY arrives (QSocketNotifier);
    without LISTEN it simply polls. A lost connection raises ConnectionLostError;
    the next ``poll`` reconnects and carries on from the last row it read.
    """

    def __init__(self, url: sa.URL, origin: str, where: str) -> None:
        self._url = url
        self.origin = origin
        self.where = where
        self._conn: Any = None
        self.last_id: int | None = None
        self.listening = False
        # Set when rows this client never read were pruned: only a full reload is right then.
        self.gap = False

    def open(self) -> None:
        """Connect and listen. Safe to call from another thread (a GUI reconnecting in the
        background): the connection becomes visible only once it is ready."""
        import psycopg

        conn = None
        try:
            conn = psycopg.connect(
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="pmdesk-listen",
                **libpq_params(self._url),
            )
            if self.last_id is None:
                found = conn.execute(f"SELECT coalesce(max(id), 0) FROM {LOG.name}").fetchone()
                self.last_id = found[0] if found is not None else 0
        except psycopg.Error as exc:
            if conn is not None:
                conn.close()
            raise connection_failure(self.where, exc) from exc
        try:
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening = True
        except psycopg.Error:
            self.listening = False  # no notifications here (a pooler): polling still works
        self.close()
        self._conn = conn

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def fileno(self) -> int:
        return self._conn.fileno() if self.connected and self.listening else -1

    def poll(self) -> list[ChangeSet]:
        """The ChangeSets others committed since the last poll, oldest first (never blocks)."""
        import psycopg

        if not self.connected:
            self.open()
        last_id = self.last_id
        assert last_id is not None  # open() reads it
        try:
            for _ in self._conn.notifies(timeout=0):
                pass  # a wake-up only: the log says what changed
            rows = self._conn.execute(
                f"SELECT id, origin, changes FROM {LOG.name} WHERE id > %s ORDER BY id LIMIT %s",
                (last_id, READ_LIMIT),
            ).fetchall()
            if rows and rows[0][0] != last_id + 1:
                oldest = self._conn.execute(f"SELECT min(id) FROM {LOG.name}").fetchone()[0]
                self.gap = self.gap or (oldest is not None and oldest > last_id + 1)
        except psycopg.Error as exc:
            self.close()
            raise ConnectionLostError(self.where, str(exc)) from exc
        found = []
        for log_id, origin, text in rows:
            self.last_id = log_id
            changeset = decode(text) if origin != self.origin else None
            if changeset:
                found.append(changeset)
        return found

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
