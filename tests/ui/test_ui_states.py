"""Plain states a teacher can act on: a full disk (positions not saved, nothing downloads) says
so in a banner and next to 下载; a lesson set aside as damaged, or being downloaded, shows it on
the home card, in the tree and in the details at once. Installed lessons keep playing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from teachpoint.library import teaching
from teachpoint.library.model import STATE_DAMAGED
from teachpoint.ui.main_window import PAGE_HOME, MainWindow
from teachpoint.ui.models.curriculum_model import ROLE_STATE
from test_disk_health import fill_catalogue
from test_ui_class_picker import assert_good_lessons_play
from uihelpers import open_lesson, rid, sha256_of, show_details

TIMEOUT = 15_000


def _open(qtbot, tasks, library) -> MainWindow:
    win = MainWindow(tasks, watch_drives=False)
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_HOME and win.tree_loaded
                    and win.disk_banner.health is not None, timeout=TIMEOUT)
    return win


def _card(win, subject):
    return next(c for c in win.home.home.cards if c.card.teaching_class.subject == subject)


def _tree_state(win, resource_id: str):
    index = win.library_pane.tree_model.index_of_resource(resource_id)
    return index.data(ROLE_STATE) if index.isValid() else None


def test_a_small_disk_says_why_download_cannot_work_right_there(qtbot, tasks, library):
    teaching.add_class(library.catalogue, 2, "语文")  # its lesson 小马过河 is not downloaded
    library.set_floor(1 << 55)  # more free space wanted than any disk has: a fresh small-disk PC
    win = _open(qtbot, tasks, library)
    banner = win.disk_banner
    qtbot.waitUntil(banner.isVisible, timeout=TIMEOUT)
    assert "磁盘空间不够" in banner.text.text() and "学校信息老师" in banner.text.text()
    assert "free=" not in banner.text.text() and not banner.details.label.isVisible()  # 技术详情 only
    qtbot.waitUntil(lambda: bool(win.home.home.cards), timeout=TIMEOUT)
    card = _card(win, "语文")
    assert "磁盘满了" in card.warning.text() and card.download_button.isHidden()
    win.reveal_lesson(rid("y-2-5-14"))
    qtbot.waitUntil(lambda: win.lesson_panel.info is not None, timeout=TIMEOUT)
    assert "磁盘满了" in win.lesson_panel.warning.text()
    assert win.lesson_panel.download_button.isHidden()
    assert_good_lessons_play(library)
    win.shutdown()


def test_positions_that_cannot_be_saved_show_a_banner(qtbot, tasks, library):
    win = _open(qtbot, tasks, library)
    assert win.disk_banner.isHidden()
    open_lesson(qtbot, win, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: win.player_view.player is not None
                    and win.player_view.player.state == "playing", timeout=TIMEOUT)
    with win.ws.catalogue.write_lock:
        fill_catalogue(win.ws)  # the disk fills up during the lesson
    win.player_view.close_lesson()  # saving the position fails: "database or disk is full"
    qtbot.waitUntil(win.disk_banner.isVisible, timeout=TIMEOUT)
    text = win.disk_banner.text.text()
    assert "磁盘满了" in text and "记不住每节课播放到哪里" in text
    assert "database" not in text  # SQLite's words only behind 技术详情
    qtbot.mouseClick(win.disk_banner.details.button, Qt.MouseButton.LeftButton)
    assert "database or disk is full" in win.disk_banner.details.label.text()
    assert_good_lessons_play(library)
    win.shutdown()


def test_a_lesson_set_aside_as_damaged_shows_everywhere_at_once(qtbot, tasks, library, media):
    teaching.add_class(library.catalogue, 3, "音乐", "人音版")
    win = _open(qtbot, tasks, library)
    qtbot.waitUntil(lambda: bool(win.home.home.cards), timeout=TIMEOUT)
    assert not _card(win, "音乐").play_button.isHidden()
    show_details(qtbot, win, rid("m-3-2-4"))  # the details are open too
    sha = sha256_of(media["video"])
    win.ws.catalogue.mark_blobs_checked([], [sha], [])  # a sync round's check set it aside
    with qtbot.waitSignal(win.home.home.loaded, timeout=TIMEOUT):
        win.sync.library_changed.emit()
    card = _card(win, "音乐")
    assert not card.download_button.isHidden() and card.play_button.isHidden()
    assert "已损坏" in card.warning.text()
    qtbot.waitUntil(lambda: win.lesson_panel.info.state == STATE_DAMAGED, timeout=TIMEOUT)
    assert "已损坏" in win.lesson_panel.warning.text() and not win.lesson_panel.play_button.isEnabled()
    qtbot.waitUntil(lambda: _tree_state(win, rid("m-3-2-4")) == STATE_DAMAGED, timeout=TIMEOUT)
    qtbot.waitUntil(card.download_button.isVisible, timeout=TIMEOUT)
    qtbot.mouseClick(card.download_button, Qt.MouseButton.LeftButton)  # 下载: visible at once
    card = _card(win, "音乐")
    assert "正在重新下载" in card.warning.text() and not card.download_button.isEnabled()
    assert "正在重新下载" in win.lesson_panel.warning.text()
    assert not win.lesson_panel.download_button.isEnabled()
    win.shutdown()


def test_download_with_nowhere_to_download_from_says_why(qtbot, tasks, library):
    teaching.add_class(library.catalogue, 2, "语文")  # 小马过河: not downloaded; no source set up
    win = _open(qtbot, tasks, library)
    qtbot.waitUntil(lambda: bool(win.home.home.cards), timeout=TIMEOUT)
    card = _card(win, "语文")
    qtbot.waitUntil(card.download_button.isVisible, timeout=TIMEOUT)
    qtbot.mouseClick(card.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "U盘" in _card(win, "语文").warning.text(), timeout=TIMEOUT)
    card = _card(win, "语文")
    assert "学校信息老师" in card.warning.text() and card.download_button.isEnabled()  # try again
    win.reveal_lesson(rid("y-2-5-14"))
    qtbot.waitUntil(lambda: win.lesson_panel.info is not None
                    and "U盘" in win.lesson_panel.warning.text(), timeout=TIMEOUT)
    assert_good_lessons_play(library)
    win.shutdown()
