"""The schema's SQL compared as SQLite means it: spacing, quoted names and the order of
table constraints do not matter; a comma inside parentheses or quotes is not a column's end."""

from __future__ import annotations

import pytest

from pmdesk.store.file_schema import _top_level_split, normalise


@pytest.mark.parametrize(
    ("body", "parts"),
    [
        ("a INTEGER, b TEXT", ["a INTEGER", "b TEXT"]),
        ("a, CHECK (a IN (1, 2)), b", ["a", "CHECK (a IN (1, 2))", "b"]),
        ("a DEFAULT 'x, y', b", ["a DEFAULT 'x, y'", "b"]),
        ("a DEFAULT ')', b DEFAULT '('", ["a DEFAULT ')'", "b DEFAULT '('"]),
        ('"odd, name" TEXT, `x(y` INT, z', ['"odd, name" TEXT', "`x(y` INT", "z"]),
        ("", [""]),
        ("a,", ["a", ""]),
    ],
)
def test_a_tables_body_splits_at_its_top_level_commas_only(body, parts):
    assert _top_level_split(body) == parts


def test_two_spellings_of_one_table_compare_equal_and_a_changed_check_does_not():
    one = 'CREATE TABLE "t" (\n  a INTEGER,\n  CHECK (a > 0),\n  UNIQUE (a)\n)'
    other = "CREATE TABLE t (a INTEGER, UNIQUE (a), CHECK (a > 0))"
    assert normalise(one) == normalise(other)
    assert normalise(other) != normalise("CREATE TABLE t (a INTEGER, UNIQUE (a), CHECK (a > 1))")
    assert normalise(None) == ""
