"""添加本校课程 in the app (issue 15): the dialog driven like a teacher drives it (files from the
file picker, the 我的班级 grade/subject buttons, title, name), the lesson in 全部课程 at once,
marked 本校 and playing; hostile input gives one plain sentence and the installed lessons still
play; the 本校课程 list shows the state and removes a lesson."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog

from helpers import decode_frames
from teachpoint.library import contributions as own
from teachpoint.testing import media as test_media
from teachpoint.ui.models.curriculum_model import COL_STATE
from teachpoint.ui.main_window import PAGE_LIBRARY, PAGE_PLAYER
from teachpoint.ui.player.base import PLAYING
from uihelpers import rid as county_rid


def t(source: str, context: str) -> str:
    return QCoreApplication.translate(context, source)


def assert_installed_lessons_play(ws) -> None:
    """The county's playable lessons of the test library are installed, intact and decode
    (the library also holds a deliberately broken "video", which never played)."""
    for local in ("m-3-2-4", "m-3-2-5"):
        res = ws.catalogue.resource(county_rid(local))
        assert ws.catalogue.state_of(county_rid(local)) == "installed"
        report = ws.store.verify([f.sha256 for f in res.files])
        assert not report.damaged and not report.missing
        decode_frames(ws.store.path_of(res.main.sha256))


@pytest.fixture(scope="module")
def phone_video(tmp_path_factory) -> Path:
    """A teacher's own recording: a real H.264 video with a Chinese name."""
    return test_media.make_video(tmp_path_factory.mktemp("phone") / "春天在哪里.mp4", 3.0,
                                 pattern="rgbtestsrc", size="320x240", rate=25)


def pick_files(qtbot, monkeypatch, button, paths) -> None:
    """Press a 选择文件 button; the file picker answers with ``paths``."""
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(p) for p in paths], "")))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_dialog(qtbot, window):
    qtbot.mouseClick(window.own_bar.add_button, Qt.MouseButton.LeftButton)
    dialog = window.own_bar.dialog
    qtbot.waitUntil(lambda: bool(dialog.picker.grade_grid.buttons), timeout=10_000)
    return dialog


def fill(qtbot, monkeypatch, dialog, files, grade=3, subject="音乐", title="春天在哪里") -> None:
    """What a teacher does: files, grade and subject buttons, 册, unit, number, title, name."""
    pick_files(qtbot, monkeypatch, dialog.pick_files_button, files)
    qtbot.mouseClick(dialog.picker.grade_grid.buttons[grade], Qt.MouseButton.LeftButton)
    if subject in dialog.picker.subject_grid.buttons:
        qtbot.mouseClick(dialog.picker.subject_grid.buttons[subject], Qt.MouseButton.LeftButton)
    dialog.volume_box.setCurrentIndex(dialog.volume_box.findData("上册"))
    dialog.unit_edit.setText("第二单元 春天")
    dialog.lesson_spin.setValue(6)
    dialog.title_edit.setText(title)
    dialog.teacher_edit.setText("李老师")


def test_a_lesson_added_through_the_dialog_is_in_the_library_at_once_marked_and_plays(
        qtbot, monkeypatch, window, library, phone_video):
    dialog = open_dialog(qtbot, window)
    assert not dialog.add_button.isEnabled()  # nothing chosen yet
    fill(qtbot, monkeypatch, dialog, [phone_video])
    qtbot.mouseClick(dialog.share_name, Qt.MouseButton.LeftButton)
    assert dialog.add_button.isEnabled()
    with qtbot.waitSignal(dialog.added, timeout=30_000) as added:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    contribution = added.args[0]
    rid = contribution.resource_ids[0]
    assert own.is_own_lesson(library.catalogue, rid)
    # shown at once under its place in 全部课程, marked 本校 with its state and the shared name
    qtbot.waitUntil(lambda: window.lesson_panel.info is not None
                    and window.lesson_panel.info.resource_id == rid, timeout=10_000)
    assert window.pages.currentIndex() == PAGE_LIBRARY
    mark = window.lesson_panel.own.text()
    assert "本校课程" in mark and "等待县里审核" in mark and "李老师" in mark
    index = window.library_pane.tree.currentIndex()
    assert "春天在哪里" in index.data() and index.siblingAtColumn(COL_STATE).data() == "本校"
    assert "三年级" in window.lesson_panel.where.text() and "第二单元 春天" in window.lesson_panel.where.text()
    # and it plays like any other lesson
    qtbot.mouseClick(window.lesson_panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_PLAYER, timeout=5000)
    view = window.player_view
    qtbot.waitUntil(lambda: view.player is not None and view.player.state == PLAYING
                    and view.player.position_ms() > 300, timeout=15_000)
    assert view.title.text() == "春天在哪里"


def _refused(qtbot, monkeypatch, window, library, files, **fill_args) -> str:
    dialog = open_dialog(qtbot, window)
    fill(qtbot, monkeypatch, dialog, files, **fill_args)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running and dialog.message.isVisible(), timeout=30_000)
    assert dialog.isVisible()  # the choices stay; the teacher can correct them
    assert dialog.details.isVisibleTo(dialog)  # 技术详情 for the IT teacher
    assert_installed_lessons_play(library)
    return dialog.message.text()


def test_a_file_that_is_not_media_is_refused_with_a_sentence(qtbot, monkeypatch, window, library, media):
    text = _refused(qtbot, monkeypatch, window, library, [media["broken"]])
    assert text == t("One of the files is not a video, PDF, slides or picture this computer can show "
                     "(or it is damaged), so the lesson was not added. Choose the lesson's files "
                     "again.", "ProblemTexts")
    assert not own.own_resource_ids(library.catalogue)


def test_a_20_gb_file_is_refused_before_anything_is_copied(qtbot, monkeypatch, window, library, tmp_path):
    huge = tmp_path / "课堂实录.mp4"
    with open(huge, "wb") as fh:  # sparse: 20 GB on paper, nothing on disk
        fh.truncate(20 << 30)
    text = _refused(qtbot, monkeypatch, window, library, [huge])
    assert text.startswith("文件太大")
    assert not own.own_resource_ids(library.catalogue)


def test_the_same_video_twice_is_refused_once_added(qtbot, monkeypatch, window, library, phone_video):
    dialog = open_dialog(qtbot, window)
    fill(qtbot, monkeypatch, dialog, [phone_video])
    with qtbot.waitSignal(dialog.added, timeout=30_000):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    text = _refused(qtbot, monkeypatch, window, library, [phone_video], title="春天在哪里（二）")
    assert "以前已经添加过" in text
    assert len(own.own_resource_ids(library.catalogue)) == 1


def test_an_unknown_place_is_refused_naming_the_valid_ones(qtbot, monkeypatch, window, library,
                                                          phone_video):
    """A subject this program does not know (a hand-edited catalogue offers it in the picker)."""
    dialog = open_dialog(qtbot, window)
    fill(qtbot, monkeypatch, dialog, [phone_video])
    dialog.picker.subject_grid.set_choices([("书法课", "书法课", True)])  # not a national subject
    qtbot.mouseClick(dialog.picker.subject_grid.buttons["书法课"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running and dialog.message.isVisible(), timeout=30_000)
    assert "书法课" in dialog.message.text() and "音乐" in dialog.message.text()
    assert not own.own_resource_ids(library.catalogue)
    assert_installed_lessons_play(library)


def test_the_list_shows_the_state_and_removes_a_lesson(qtbot, monkeypatch, window, library, phone_video):
    dialog = open_dialog(qtbot, window)
    fill(qtbot, monkeypatch, dialog, [phone_video])
    with qtbot.waitSignal(dialog.added, timeout=30_000):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.own_bar.list_button, Qt.MouseButton.LeftButton)
    lessons = window.own_bar.list_dialog
    qtbot.waitUntil(lambda: len(lessons.remove_buttons) == 1, timeout=10_000)
    assert len(lessons.contributions) == 1 and lessons.contributions[0].state_zh == "待审核"
    (cid, button), = lessons.remove_buttons.items()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # asks once more on the same button
    assert lessons.remove_buttons[cid].text() == t("Remove it?", "OwnLessonsDialog")
    qtbot.mouseClick(lessons.remove_buttons[cid], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not lessons.contributions and not lessons.remove_buttons, timeout=10_000)
    assert not own.own_resource_ids(library.catalogue)
    assert_installed_lessons_play(library)


def test_the_usb_dialog_takes_this_schools_lessons_to_the_county(qtbot, tasks, library, phone_video,
                                                                 tmp_path):
    """An empty stick is worth the dialog once the school has lessons of its own; 拷到U盘 writes
    the signed contribution repository the county collects."""
    from teachpoint import review
    from teachpoint.contrib import add_contribution
    from teachpoint.ui.usb import UsbDialog, inspect_drive

    stick = tmp_path / "stick"
    stick.mkdir()
    assert not inspect_drive(library, stick).is_teachpoint  # nothing of ours yet: no pop-up
    add_contribution(library, [phone_video], title="春天在哪里", grade=3, subject="音乐")
    offer = inspect_drive(library, stick)
    assert offer.is_teachpoint and offer.own_lessons
    dialog = UsbDialog(tasks, library, offer)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.county_box.isVisible() and dialog.county_heading.text() == "把本校课程带给县里"
    with qtbot.waitSignal(dialog.job_finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.county_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["county", True]
    assert "可以安全拔出U盘" in dialog.result.text()
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
    assert review.collect(tmp_path / "county.db", [stick]).new == 1  # the county can take it


def test_cancel_while_the_files_are_checked_keeps_nothing(qtbot, monkeypatch, window, library, phone_video):
    """取消 while the files are checked: the core's cancel token stops it; no lesson and
    no stored file are left (the copy stage stops the same way)."""
    import threading

    from teachpoint.ui import contribute_dialog

    real, reported, go_on = contribute_dialog.add_contribution, threading.Event(), threading.Event()

    def held(ws, files, progress, **kwargs):  # the real core, held at its first progress report
        def hold(*report):
            reported.set()
            go_on.wait(10)
            progress(*report)
        return real(ws, files, progress=hold, **kwargs)

    monkeypatch.setattr(contribute_dialog, "add_contribution", held)
    blobs_before = set(library.store.iter_blobs())
    dialog = open_dialog(qtbot, window)
    fill(qtbot, monkeypatch, dialog, [phone_video])
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reported.is_set() and dialog.cancel_button.isVisible(), timeout=10_000)
    assert not dialog.close_button.isEnabled()  # not closed under a running copy
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    go_on.set()
    qtbot.waitUntil(lambda: not dialog.running and dialog.message.isVisible(), timeout=30_000)
    assert dialog.message.text() == "已取消，没有添加任何内容。"
    assert not own.own_resource_ids(library.catalogue)
    assert set(library.store.iter_blobs()) == blobs_before
    assert_installed_lessons_play(library)
