"""House rule: a change kind is named by its ChangeKind member, never by a string.

A misspelt string passed to ``changes.touches("roadmap_itme")`` is silently never true and the
view never refreshes; ``ChangeKind.ROADMAP_ITEM`` misspelt fails at import. This scans the
source (AST) for strings given as kinds: to ``touches``/``reloads``/``ids`` (directly or
through ``*NAME`` of a module-level tuple), to a team workspace's ``hold_version``/
``release_version``, and as a ``Lookup``'s kinds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pmdesk"
KIND_METHODS = {"touches", "reloads", "ids", "hold_version", "release_version"}
FIRST_ONLY = {"ids", "hold_version", "release_version"}  # their other arguments are no kinds


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for element in node.elts for s in _strings(element)]
    return []


def _module_tuples(tree: ast.Module) -> dict[str, ast.AST]:
    """Module-level ``NAME = (...)`` (and ``A, B = x, y``) assignments, by name."""
    found: dict[str, ast.AST] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name) and statement.value is not None:
                    found[target.id] = statement.value
                elif isinstance(target, ast.Tuple) and isinstance(statement.value, ast.Tuple):
                    for name, value in zip(target.elts, statement.value.elts, strict=False):
                        if isinstance(name, ast.Name):
                            found[name.id] = value
    return found


def _kind_args(call: ast.Call) -> list[ast.AST]:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in KIND_METHODS and isinstance(func, ast.Attribute):
        return list(call.args[:1]) if name in FIRST_ONLY else list(call.args)
    if name == "Lookup":
        return list(call.args[1:2]) + [k.value for k in call.keywords if k.arg == "kinds"]
    return []


def string_kinds(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string given where a change kind belongs."""
    tree = ast.parse(source)
    tuples = _module_tuples(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for arg in _kind_args(node):
            if isinstance(arg, ast.Starred):
                arg = arg.value
            if isinstance(arg, ast.Name) and arg.id in tuples:
                arg = tuples[arg.id]
            found += [(node.lineno, text) for text in _strings(arg)]
    return found


def test_no_string_is_passed_where_a_change_kind_belongs():
    offences = [
        f"{path.relative_to(SRC.parent)}:{line}: {text!r}"
        for path in sorted(SRC.rglob("*.py"))
        for line, text in string_kinds(path.read_text(encoding="utf-8"))
    ]
    assert not offences, "name the ChangeKind member instead:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "source",
    [
        'changes.touches("roadmap_item")',
        'changes.touches(ChangeKind.LANE, "lane")',
        'changes.reloads("product")',
        'changes.ids("stakeholder", "delete")',
        'KINDS = ("launch", "launch_task")\nchanges.touches(*KINDS)',
        'ITEM, LINK = "roadmap_item", "dependency"\nchanges.ids(ITEM)',
        'Lookup(load, ("lane",))',
        'ws.hold_version("roadmap_item", 3)',
    ],
)
def test_the_rule_sees_a_string_kind(source):
    assert string_kinds(source)


@pytest.mark.parametrize(
    "source",
    [
        "changes.touches(ChangeKind.ROADMAP_ITEM)",
        'changes.ids(ChangeKind.STAKEHOLDER, "delete")',  # the op is a string, rightly
        "KINDS = (ChangeKind.LAUNCH,)\nchanges.touches(*KINDS)",
        "query.ids()",
        "Lookup(load, (ChangeKind.LANE,))",
    ],
)
def test_the_rule_lets_members_pass(source):
    assert not string_kinds(source)
