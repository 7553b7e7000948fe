"""A .pmdesk file holds data, never code: its schema must be exactly its format's.

SQLite keeps a database's schema as SQL text inside the file (``sqlite_master``), and
that text runs: a trigger planted in a file fires on an ordinary edit, a view named
like one of pmdesk's tables runs whatever query it holds when pmdesk reads it. So,
before anything reads a table, the schema of a file is compared with the one its
format version defines, frozen in ``resources/formats/format_<N>.json`` the day the
format is released (``python -m pmdesk.store.file_schema`` writes the current one; a
test checks it against the models, so a model change without a new format fails).
A trigger, a view, a table, column, index or constraint the format does not have, or
one missing, and the file is refused without being modified.

SQLite's own bookkeeping tables (``sqlite_sequence``, ``sqlite_stat1``…) are allowed;
they hold numbers, not code.
"""

from __future__ import annotations

import json
import re
import sqlite3
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from pmdesk.paths import resource_path

# Types of schema object that hold code that runs when a table is read or written.
CODE = ("trigger", "view")


class SchemaObject(NamedTuple):  # (quicker to load than a dataclass: a start reads it)
    type: str
    name: str
    sql: str  # normalised; "" for SQLite's automatic indexes


class ForeignSchema(Exception):
    """What makes a file's schema differ from its format's; the message names it."""


@lru_cache(maxsize=2048)
def normalise(sql: str | None) -> str:
    """The SQL text as a comparable form: spacing folded, the created name unquoted.

    SQLite stores the text as written, and ``ALTER TABLE … RENAME`` (which an upgrade
    uses to rebuild a table) quotes the new name; neither changes what the SQL does.
    Kept per text: opening a file reads its schema twice (the structure's check and the
    values' check beside it), and every file of a format holds the same texts.
    """
    text = re.sub(r"\s+", " ", sql or "").strip()
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    text = re.sub(r'^(CREATE (?:UNIQUE )?(?:TABLE|INDEX)) "([^"]+)"', r"\1 \2", text)
    return _constraints_sorted(text) if text.startswith("CREATE TABLE ") else text


_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)\b", re.IGNORECASE)


def _constraints_sorted(text: str) -> str:
    """A table's columns in order, its table constraints sorted.

    The order of table constraints means nothing to SQLite, and a table rebuilt by an
    upgrade (Alembic's batch mode) lists them in whatever order it kept them.
    """
    head, paren, body = text.partition("(")
    if not paren or not body.endswith(")"):
        return text
    parts = _top_level_split(body[:-1])
    columns = [p for p in parts if not _CONSTRAINT.match(p)]
    constraints = sorted(p for p in parts if _CONSTRAINT.match(p))
    return f"{head}({', '.join(columns + constraints)})"


_MARKS = re.compile(r"[(),'\"`]")  # the only characters the split looks at


def _top_level_split(body: str) -> list[str]:
    """The body's parts at its top-level commas (not inside parentheses or quotes).

    Only the characters that can matter are visited (a table's SQL is some 300
    characters and a few dozen of them): every file's schema is read at each open.
    """
    parts, depth, quote, start = [], 0, "", 0
    for mark in _MARKS.finditer(body):
        char = mark.group()
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:  # a comma
            i = mark.start()
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return parts


def read_schema(conn: sqlite3.Connection) -> list[SchemaObject]:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    return [SchemaObject(str(t), str(n), normalise(s)) for t, n, s in rows]


def _bookkeeping(obj: SchemaObject) -> bool:
    return (
        obj.type == "table"
        and obj.name.startswith("sqlite_")
        or (obj.type == "index" and obj.name.startswith("sqlite_autoindex_"))
    )


def refuse_code(found: list[SchemaObject]) -> None:
    """No trigger or view, whatever the format: pmdesk never makes one."""
    for obj in found:
        if obj.type in CODE:
            raise ForeignSchema(
                f"it contains a {obj.type} named “{obj.name}” that pmdesk does not make; "
                "a workspace holds data only, so pmdesk will not open a file that carries code"
            )
        if obj.type not in ("table", "index"):
            raise ForeignSchema(f"it contains an unknown schema object “{obj.name}” ({obj.type})")


def verify(found: list[SchemaObject], version: int) -> None:
    """Raise ForeignSchema unless ``found`` is exactly format ``version``'s schema."""
    refuse_code(found)
    expected = expected_schema(version)
    have = {(o.type, o.name): o.sql for o in found if not _bookkeeping(o)}
    for key in sorted(have.keys() - expected.keys()):
        raise ForeignSchema(
            f"it has a {key[0]} “{key[1]}” that workspace format {version} does not have"
        )
    for key in sorted(expected.keys() - have.keys()):
        raise ForeignSchema(f"the {key[0]} “{key[1]}” of workspace format {version} is missing")
    for key in sorted(expected):
        if have[key] != expected[key]:
            raise ForeignSchema(
                f"the {key[0]} “{key[1]}” is not as workspace format {version} defines it"
            )


def format_file(version: int) -> Path:
    return resource_path("formats", f"format_{version}.json")


@cache
def expected_schema(version: int) -> dict[tuple[str, str], str]:
    path = format_file(version)
    if not path.is_file():
        raise ForeignSchema(f"workspace format {version} is not one this pmdesk knows")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {(o["type"], o["name"]): o["sql"] for o in data["objects"]}


def current_schema() -> list[SchemaObject]:
    """What the live models create, read back from a new in-memory database."""
    import sqlalchemy as sa

    from .models import Base

    conn = sqlite3.connect(":memory:")
    try:
        engine = sa.create_engine(
            "sqlite+pysqlite://", creator=lambda: conn, poolclass=sa.pool.StaticPool
        )
        Base.metadata.create_all(engine)
        found = read_schema(conn)
        engine.dispose()
        return [o for o in found if not _bookkeeping(o)]
    finally:
        conn.close()


def freeze(version: int, objects: list[SchemaObject]) -> str:
    listed = sorted(objects, key=lambda o: (o.type, o.name))
    body = {
        "format": version,
        "objects": [{"type": o.type, "name": o.name, "sql": o.sql} for o in listed],
    }
    return json.dumps(body, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # write the current format's frozen schema, once per release
    from . import schema

    target = format_file(schema.SCHEMA_VERSION)
    if target.exists():
        raise SystemExit(f"{target} exists: a released format's schema is history")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(freeze(schema.SCHEMA_VERSION, current_schema()), encoding="utf-8")
    print(target)
