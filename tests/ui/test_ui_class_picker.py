"""Choosing "my classes": catalogue combinations first, saving through the task manager,
locked by the site configuration, keyboard use, broken and empty catalogues."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from helpers import decode_frames
from teachpoint.errors import UsageError
from teachpoint.library import teaching
from teachpoint.library.model import STATE_INSTALLED
from teachpoint.paths import DataPaths
from teachpoint.ui import home_queries, i18n
from teachpoint.ui.class_picker import ClassPicker, ClassPickerDialog
from teachpoint.library.settings import SETTING_LOCKED
from teachpoint.workspace import Workspace
from uihelpers import rid

PLAYABLE = ("m-3-2-4", "m-3-2-5")  # the test library's good videos (its "Hello" is broken on purpose)


def assert_good_lessons_play(ws) -> None:
    """Like helpers.assert_installed_lessons_play, for the library fixture, whose installed
    "Hello 你好" is a text file on purpose (so that helper cannot be used on it)."""
    for local in PLAYABLE:
        res = ws.catalogue.resource(rid(local))
        assert ws.catalogue.state_of(rid(local)) == STATE_INSTALLED
        report = ws.store.verify([f.sha256 for f in res.files if f.role in ("main", "subtitle")])
        assert not report.damaged and not report.missing
        decode_frames(ws.store.path_of(res.main.sha256))


def _picker(qtbot, tasks, ws, first_run=True) -> ClassPicker:
    picker = ClassPicker(tasks, first_run=first_run)
    qtbot.addWidget(picker)
    picker.show()
    with qtbot.waitSignal(picker.loaded, timeout=10_000):
        picker.set_workspace(ws)
    return picker


def _labels(grid) -> list[str]:
    return [b.text() for b in grid.buttons.values()]


def _save(qtbot, picker) -> None:
    with qtbot.waitSignal(picker.saved, timeout=10_000):
        qtbot.mouseClick(picker.save_button, Qt.MouseButton.LeftButton)


def test_offers_the_catalogues_grades_and_subjects_in_chinese(qtbot, tasks, library):
    picker = _picker(qtbot, tasks, library)
    assert _labels(picker.grade_grid) == ["二年级", "三年级", "四年级"]
    assert not picker.subject_grid.isVisibleTo(picker)  # no grade chosen yet
    qtbot.mouseClick(picker.grade_grid.buttons[3], Qt.MouseButton.LeftButton)
    assert _labels(picker.subject_grid) == ["数学", "音乐"]
    qtbot.mouseClick(picker.subject_grid.buttons["音乐"], Qt.MouseButton.LeftButton)
    assert picker.edition_grid.values() == ["", "人音版"]  # "any edition" first
    assert picker.edition_grid.buttons[""].isChecked()
    picker.show_all.setChecked(True)  # the whole curriculum for lessons not here yet
    assert len(picker.grade_grid.values()) == 12 and picker.grade_grid.buttons[3].isChecked()
    assert "美术" in picker.subject_grid.values()
    assert picker.subject_grid.buttons["美术"].property("empty") is True
    assert picker.subject_grid.buttons["音乐"].property("empty") is False


def test_picking_two_classes_saves_them(qtbot, tasks, library):
    picker = _picker(qtbot, tasks, library)
    assert picker.skip_button.text() != picker.tr("Cancel")  # first run: skip for now
    picker.select(3, "音乐")
    qtbot.mouseClick(picker.add_button, Qt.MouseButton.LeftButton)
    assert picker.chosen == [(3, "音乐", "")]
    picker.select(2, "语文", "统编版")  # not added by hand: saving takes it too
    _save(qtbot, picker)
    saved = [(c.grade, c.subject, c.edition) for c in teaching.classes(library.catalogue)]
    assert saved == [(2, "语文", "统编版"), (3, "音乐", "")]


def test_removing_a_class_and_keeping_the_others(qtbot, tasks, library):
    kept = teaching.add_class(library.catalogue, 3, "音乐", "人音版")
    teaching.add_class(library.catalogue, 2, "语文")
    picker = _picker(qtbot, tasks, library, first_run=False)
    assert picker.chosen == [(2, "语文", ""), (3, "音乐", "人音版")]
    picker.remove((2, "语文", ""))
    _save(qtbot, picker)
    assert teaching.classes(library.catalogue) == [kept]  # same id: kept, not re-added


def test_keyboard_alone_picks_a_class(qtbot, tasks, library):
    picker = _picker(qtbot, tasks, library)
    picker.grade_grid.buttons[4].setFocus()
    qtbot.keyClick(picker.grade_grid.buttons[4], Qt.Key.Key_Return)
    qtbot.keyClick(picker.subject_grid.buttons["英语"], Qt.Key.Key_Space)
    assert picker.selection() == (4, "英语", "")
    picker.add_button.setFocus()
    qtbot.keyClick(picker.add_button, Qt.Key.Key_Enter)
    assert picker.chosen == [(4, "英语", "")]
    with qtbot.waitSignal(picker.skipped, timeout=2000):
        qtbot.keyClick(picker, Qt.Key.Key_Escape)
    assert teaching.classes(library.catalogue) == []  # skipping saves nothing


def test_locked_classes_are_read_only(qtbot, tasks, library):
    teaching.add_class(library.catalogue, 3, "音乐", "人音版")
    library.set_setting(SETTING_LOCKED, json.dumps(["classes"]))
    picker = _picker(qtbot, tasks, library, first_run=False)
    assert picker.chosen == [(3, "音乐", "人音版")]
    assert not picker.chooser.isVisibleTo(picker) and not picker.save_button.isVisibleTo(picker)
    assert picker.note.isVisibleTo(picker) and picker.note.text()
    assert picker.findChildren(type(picker.save_button), "ClassPickerRemove") == []
    picker.remove((3, "音乐", "人音版"))
    picker.save()
    with pytest.raises(UsageError):
        home_queries.save_classes(library, [])
    assert len(teaching.classes(library.catalogue)) == 1
    with qtbot.waitSignal(picker.skipped, timeout=2000):
        qtbot.mouseClick(picker.skip_button, Qt.MouseButton.LeftButton)


def test_unknown_subject_in_saved_classes_is_kept(qtbot, tasks, library):
    """A hand-edited class the program does not know survives the teacher saving others."""
    with library.catalogue.db.conn:
        library.catalogue.db.conn.execute(
            "INSERT INTO classes (grade, subject, edition) VALUES (3, '书法鉴赏', '')")
    picker = _picker(qtbot, tasks, library, first_run=False)
    assert (3, "书法鉴赏", "") in picker.chosen
    picker.select(3, "音乐")
    _save(qtbot, picker)
    assert {c.subject for c in teaching.classes(library.catalogue)} == {"书法鉴赏", "音乐"}
    assert_good_lessons_play(library)


def test_empty_catalogue_offers_the_whole_curriculum(qtbot, tasks, tmp_path):
    ws = Workspace(DataPaths(tmp_path / "empty", explicit=True), install_demo=False)
    try:
        picker = _picker(qtbot, tasks, ws)
        assert picker.show_all.isChecked()
        assert _labels(picker.grade_grid)[:3] == ["一年级", "二年级", "三年级"]
        assert _labels(picker.grade_grid)[-1] == "高三"
        picker.select(5, "美术")
        _save(qtbot, picker)
        assert [(c.grade, c.subject) for c in teaching.classes(ws.catalogue)] == [(5, "美术")]
    finally:
        tasks.wait(10_000)
        ws.close()


def test_save_and_skip_stay_in_sight_on_a_short_screen(qtbot, tasks, tmp_path):
    """The whole curriculum on a 1366×768 screen: the choices scroll, 保存 does not."""
    ws = Workspace(DataPaths(tmp_path / "empty", explicit=True), install_demo=False)
    try:
        picker = _picker(qtbot, tasks, ws)
        picker.resize(1366, 600)  # below the top bar of a 768-pixel screen
        picker.select(3, "音乐")
        picker.add_selection()
        picker.select(4, "语文")
        qtbot.waitUntil(lambda: picker.findChild(QScrollArea).verticalScrollBar().maximum() > 0,
                        timeout=5000)  # the choices do not fit: they scroll
        whole = QRect(0, 0, picker.width(), picker.height())
        for button in (picker.save_button, picker.skip_button):
            assert button.isVisible()
            assert not picker.findChild(QScrollArea).isAncestorOf(button)
            place = QRect(button.mapTo(picker, button.rect().topLeft()), button.size())
            assert whole.contains(place), (button.text(), place, whole)
        _save(qtbot, picker)  # a real click on it saves the list and the pending choice
        assert [(c.grade, c.subject) for c in teaching.classes(ws.catalogue)] == \
            [(3, "音乐"), (4, "语文")]
    finally:
        tasks.wait(10_000)
        ws.close()


def test_grade_buttons_in_english(qtbot, qapp, tasks, tmp_path):
    ws = Workspace(DataPaths(tmp_path / "empty", explicit=True), install_demo=False)
    try:
        picker = _picker(qtbot, tasks, ws)
        picker.select(3, "音乐")
        i18n.install_translators(qapp, "en")
        QApplication.processEvents()
        labels = _labels(picker.grade_grid)
        assert labels[:2] == ["Grade 1", "Grade 2"] and labels[8] == "Grade 9"
        assert labels[9:] == ["Senior 1", "Senior 2", "Senior 3"]
        assert picker.grade_grid.buttons[3].isChecked()  # the choice survives the switch
        assert picker.class_text((10, "物理", "")).startswith("Senior 1  ·  物理")
    finally:
        i18n.install_translators(qapp, "zh_CN")
        QApplication.processEvents()
        tasks.wait(10_000)
        ws.close()
    assert _labels(picker.grade_grid)[-1] == "高三"


def test_dialog_wraps_the_picker(qtbot, tasks, library):
    dialog = ClassPickerDialog(tasks, library)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.picker.chooser.isEnabled(), timeout=10_000)
    dialog.picker.select(3, "数学", "人教版")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.picker.save()
    assert [(c.grade, c.subject, c.edition) for c in teaching.classes(library.catalogue)] == \
        [(3, "数学", "人教版")]
