"""Rules the test suite holds itself to, so that no test can pass by waiting for nothing.

pytest-qt's ``waitActive``, ``waitExposed``, ``waitSignal``, ``waitSignals``,
``assertNotEmitted`` and ``captureExceptions`` are context managers (or blockers to wait
on): called on a line of their own they return an object and wait for nothing. A test that
did ``qtbot.waitActive(window)`` then looked for the focused widget found none, skipped
every control, and passed whatever the focus order was. ``tests/gui/windows.py`` has
``active`` and ``exposed`` that wait.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CONTEXT_ONLY = {
    "waitActive",
    "wait_active",
    "waitExposed",
    "wait_exposed",
    "waitSignal",
    "wait_signal",
    "waitSignals",
    "wait_signals",
    "assertNotEmitted",
    "assert_not_emitted",
    "captureExceptions",
    "capture_exceptions",
}


def bare_waits(source: str, name: str = "<test>") -> list[str]:
    """Each statement that only calls one of CONTEXT_ONLY and drops what it returns."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in CONTEXT_ONLY
        ):
            found.append(f"{name}:{node.lineno}: {ast.unparse(node.value)}")
    return found


def test_the_rule_finds_a_bare_wait_and_lets_the_context_manager_be():
    assert bare_waits("qtbot.waitActive(window)\nself.qtbot.waitExposed(view)\n") == [
        "<test>:1: qtbot.waitActive(window)",
        "<test>:2: self.qtbot.waitExposed(view)",
    ]
    assert not bare_waits(
        "with qtbot.waitExposed(view):\n    view.show()\n"
        "blocker = qtbot.waitSignal(op.done)\nblocker.wait()\n"
    )


def test_no_test_calls_a_qtbot_context_manager_bare():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        found += bare_waits(path.read_text(encoding="utf-8"), str(path.relative_to(TESTS)))
    assert not found, "these wait for nothing; use tests/gui/windows.active/exposed:\n" + (
        "\n".join(found)
    )
