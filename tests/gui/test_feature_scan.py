"""PySide6's question to every imported module, answered without tokenizing its source.

``pmdesk.gui.app.quicker_feature_scan`` replaces the search shiboken's import hook makes
(does this module's source say "PySide6"?) with the same search on the file's bytes, and
with "no" for the packages that never import Qt. The answers must be PySide6's own.
"""

from __future__ import annotations

import subprocess
import sys
import types

from pmdesk.gui import app


def _hook():
    return sys.modules["shibokensupport.feature"]._mod_uses_pyside


def test_the_hook_is_replaced_once_and_answers_like_pyside6_for_every_loaded_module():
    assert app.quicker_feature_scan()  # installed at import; asking again changes nothing
    hook = _hook()
    assert getattr(hook, "reads_bytes", False)
    pyside_own = hook.pyside_own
    modules = [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    differing = [m.__name__ for m in modules if bool(pyside_own(m)) != hook(m)]
    assert differing == []
    import pmdesk.gui.theme

    assert hook(pmdesk.gui.theme)  # imports PySide6
    assert not hook(sys.modules["pmdesk.store.workspace"])  # a layer without Qt
    assert not hook(sys.modules["json"])


def test_a_module_without_a_source_file_gets_pyside6s_own_answer(tmp_path):
    made = types.ModuleType("made_in_memory")
    assert _hook()(made) is False
    source = tmp_path / "uses_qt.py"
    source.write_text("import PySide6\n", encoding="utf-8")
    on_disk = types.ModuleType("uses_qt")
    on_disk.__file__ = str(source)
    assert _hook()(on_disk) is True
    source.unlink()  # gone since: PySide6's own search cannot read it either
    assert _hook()(on_disk) is False


def test_the_window_stack_imports_without_reading_the_stores_sources():
    """In a fresh process: once the window's module is loaded, importing the store opens
    none of its files for the hook (the tokenizer is never asked)."""
    code = (
        "import builtins, io, sys\n"
        "import pmdesk.gui.app\n"
        "opened = []\n"
        "real_open = io.open\n"
        "def spy(file, *args, **kwargs):\n"
        "    opened.append(str(file))\n"
        "    return real_open(file, *args, **kwargs)\n"
        "builtins.open = spy\n"
        "import tokenize\n"
        "tokenize.open = lambda *a, **k: (_ for _ in ()).throw(AssertionError(a))\n"
        "import pmdesk.store.workspace\n"
        "builtins.open = real_open\n"
        "print([f for f in opened if '/pmdesk/store/' in f or '/sqlalchemy/' in f])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
