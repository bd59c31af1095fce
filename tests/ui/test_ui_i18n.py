"""Every user-visible string of the UI has a Chinese translation, and the .qm matches the .ts."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

from teachpoint.ui import i18n

UI_DIR = Path(i18n.__file__).resolve().parent
TS = i18n.i18n_dir() / "teachpoint_zh_CN.ts"
QM = i18n.qm_path("zh_CN")


def source_strings() -> set[tuple[str, str]]:
    """(context, text) of every ``self.tr("…")`` (context = enclosing class, as lupdate does),
    ``QCoreApplication.translate("ctx", "…")`` and ``QT_TRANSLATE_NOOP("ctx", "…")`` in
    teachpoint/ui. ``translate("ctx", variable)`` is allowed only in a module that declares that
    context's strings with QT_TRANSLATE_NOOP (a table of labels, as places.py has)."""
    found: set[tuple[str, str]] = set()

    def visit(node: ast.AST, cls: str | None, dynamic: list, declared: set) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node.name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "QT_TRANSLATE_NOOP":
            assert all(isinstance(a, ast.Constant) for a in node.args[:2]), node.lineno
            found.add((node.args[0].value, node.args[1].value))
            declared.add(node.args[0].value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = node.args
            if (node.func.attr == "tr" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "self"):
                assert args and isinstance(args[0], ast.Constant), \
                    f"self.tr() needs a literal string (line {node.lineno})"
                assert cls, f"self.tr() outside a class (line {node.lineno})"
                found.add((cls, args[0].value))
            elif node.func.attr == "translate" and len(args) >= 2:
                assert isinstance(args[0], ast.Constant), \
                    f"translate() needs a literal context (line {node.lineno})"
                if isinstance(args[1], ast.Constant):
                    found.add((args[0].value, args[1].value))
                else:
                    dynamic.append((args[0].value, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, cls, dynamic, declared)

    for path in sorted(UI_DIR.rglob("*.py")):
        dynamic: list[tuple[str, int]] = []
        declared: set[str] = set()
        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), None, dynamic, declared)
        for context, line in dynamic:
            assert context in declared, \
                f"{path.name}:{line}: translate() of a variable needs QT_TRANSLATE_NOOP({context!r}, …)"
    return found


def ts_messages() -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(TS).getroot()
    return {(ctx.findtext("name"), msg.findtext("source")): msg.find("translation")
            for ctx in root.iter("context") for msg in ctx.iter("message")}


def test_there_are_strings_to_check():
    strings = source_strings()
    assert len(strings) > 40
    assert ("TopBar", "Search: title, pinyin or initials") in strings


def test_every_source_string_has_a_finished_chinese_translation_in_the_ts():
    messages = ts_messages()
    missing = sorted(source_strings() - set(messages))
    assert not missing, f"not in {TS.name} (run assets/i18n/update.sh, then translate): {missing}"
    unfinished = sorted(k for k in source_strings()
                        if messages[k].get("type") in ("unfinished", "vanished", "obsolete")
                        or not (messages[k].text or "").strip())
    assert not unfinished, f"untranslated: {unfinished}"


def test_compiled_qm_translates_every_string(qapp):
    translator = QTranslator()
    assert translator.load(str(QM)), f"cannot load {QM}"
    untranslated = [k for k in source_strings() if not translator.translate(k[0], k[1])]
    assert not untranslated, f"{QM.name} is stale (run assets/i18n/update.sh): {untranslated}"


def test_placeholders_survive_translation():
    """``{n}`` in the English must be in the Chinese too, or .format() breaks at runtime."""
    import re

    for (ctx, source), tr in ts_messages().items():
        assert set(re.findall(r"{\w+}", source)) == set(re.findall(r"{\w+}", tr.text or "")), \
            f"{ctx}: {source!r} → {tr.text!r}"


def _lrelease() -> str | None:
    here = Path(sys.executable).parent
    for candidate in (here / "pyside6-lrelease", shutil.which("pyside6-lrelease")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def test_committed_qm_is_built_from_the_ts(tmp_path):
    tool = _lrelease()
    if tool is None:
        pytest.skip("pyside6-lrelease not installed")
    out = tmp_path / "fresh.qm"
    subprocess.run([tool, str(TS), "-qm", str(out)], check=True, capture_output=True, timeout=60)
    assert out.read_bytes() == QM.read_bytes(), "rebuild the .qm: assets/i18n/update.sh"


def test_language_choice(monkeypatch):
    monkeypatch.delenv(i18n.ENV_LANG, raising=False)
    assert i18n.choose_language() == "zh_CN"
    assert i18n.choose_language("en") == "en"
    monkeypatch.setenv(i18n.ENV_LANG, "en")
    assert i18n.choose_language("zh_CN") == "en"  # the environment wins
    monkeypatch.setenv(i18n.ENV_LANG, "klingon")
    assert i18n.choose_language() == "zh_CN"


def test_switching_language_retranslates_open_windows(qtbot, qapp, tasks):
    from teachpoint.ui.main_window import MainWindow

    win = MainWindow(tasks)
    qtbot.addWidget(win)
    assert win.opening_label.text() == "正在打开课程库…"
    try:
        i18n.install_translators(qapp, "en")
        qtbot.waitUntil(lambda: win.opening_label.text() == "Opening the lesson library…", timeout=5000)
        assert win.player_view.controls.play_pause.text() == "Play"
    finally:
        i18n.install_translators(qapp, "zh_CN")
    qtbot.waitUntil(lambda: win.opening_label.text() == "正在打开课程库…", timeout=5000)
