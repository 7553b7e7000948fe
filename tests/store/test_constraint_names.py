"""Constraint names are unique within each table, as both engines write the DDL.

SQLite accepts two constraints of one name; PostgreSQL refuses the second, so
a duplicate would make a schema that works in a file and fails on a team
server (two enum columns of one type in a table share a CHECK name unless
``enum_type`` is given one). Migrations also address constraints by name.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from pmdesk.store.models import Base

TABLES = sorted(Base.metadata.tables.values(), key=lambda t: t.name)
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def _duplicates(names: list[str]) -> list[str]:
    return sorted(name for name, count in Counter(names).items() if count > 1)


@pytest.mark.parametrize("dialect", DIALECTS.values(), ids=DIALECTS.keys())
def test_no_table_has_two_constraints_of_one_name_in_its_ddl(dialect):
    found = {}
    for table in TABLES:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        duplicates = _duplicates(re.findall(r"CONSTRAINT (\w+)", ddl))
        if duplicates:
            found[table.name] = duplicates
    assert found == {}


def test_every_check_constraint_has_a_name_of_its_own():
    found = {}
    for table in TABLES:
        names = [str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)]
        unnamed = [n for n in names if not n.startswith(f"ck_{table.name}_")]
        duplicates = _duplicates(names)
        if unnamed or duplicates:
            found[table.name] = unnamed + duplicates
    assert found == {}


def test_the_recycle_stage_has_its_own_check():
    checks = {
        str(c.name): [column.name for column in c.columns]
        for c in Base.metadata.tables["gate_review"].constraints
        if isinstance(c, sa.CheckConstraint)
    }
    assert checks == {
        "ck_gate_review_stage": ["stage"],
        "ck_gate_review_gatedecision": ["decision"],
        "ck_gate_review_recycle_to": ["recycle_to"],
    }
