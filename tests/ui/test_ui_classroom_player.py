"""The player in front of a class (issue 13), offscreen with real libvlc (vmem) and real media:
F and the bookmark list, full screen going idle and waking, the OSD, the end card with 下一课,
a damaged mp4 that is never counted, and ``teachpoint play``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from classroom_helpers import AUDIO, DAMAGED, add_lessons
from teachpoint.cli.play_cmd import LessonNotFound, find_lesson
from teachpoint.library import home, teaching
from teachpoint.library.teaching import TeachingClass
from teachpoint.ui.main_window import PAGE_HOME, PAGE_PLAYER, MainWindow
from teachpoint.ui.player.base import ENDED, PLAYING
from uihelpers import open_lesson, rid


def _play(qtbot, window, resource_id):
    view = open_lesson(qtbot, window, resource_id)
    return view


def test_f_toggles_full_screen_and_the_bookmark_list_never_lingers(qtbot, window):
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    view.tools.show_bookmarks.setChecked(True)
    assert view.bookmarks_panel.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_F)
    qtbot.waitUntil(window.isFullScreen, timeout=5000)
    assert view.is_fullscreen and not view.bookmarks_panel.isVisible()  # not over the class's picture
    qtbot.keyClick(view, Qt.Key.Key_B)  # a bookmark in full screen: a note, not the side list
    assert not view.bookmarks_panel.isVisible() and view.chrome.osd.text().startswith("已在")
    qtbot.keyClick(view, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5000)
    view.tools.show_bookmarks.setChecked(True)
    _play(qtbot, window, rid("m-3-2-5"))  # another lesson: the list of the last one closes
    assert not view.bookmarks_panel.isVisible() and not view.tools.show_bookmarks.isChecked()


def test_full_screen_controls_and_cursor_hide_when_still_and_come_back(qtbot, window):
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    view.chrome.watcher.timer.setInterval(300)  # the 3 s of the classroom, shortened
    view.set_fullscreen(True)
    qtbot.waitUntil(window.isFullScreen, timeout=5000)
    qtbot.waitUntil(lambda: view.controls.isHidden() and view.tools.isHidden(), timeout=5000)
    assert view.cursor().shape() == Qt.CursorShape.BlankCursor
    assert view.player.video_widget().cursor().shape() == Qt.CursorShape.BlankCursor
    qtbot.keyClick(view, Qt.Key.Key_Up)  # a key wakes them, and says what it did
    assert view.controls.isVisible() and view.tools.isVisible()
    assert view.cursor().shape() != Qt.CursorShape.BlankCursor
    assert view.chrome.osd.isVisible() and view.chrome.osd.text() == "音量 100%"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.chrome.osd.text() == "前进10秒"
    view.set_fullscreen(False)  # out of full screen nothing hides
    qtbot.wait(600)
    assert view.controls.isVisible() and not view.chrome.watcher.watching


def test_end_card_offers_the_units_next_lesson_and_plays_it(qtbot, window, library):
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    view.set_fullscreen(True)
    qtbot.waitUntil(window.isFullScreen, timeout=5000)
    view.seek(view.player.duration_ms() - 800)
    qtbot.waitUntil(lambda: view.showing_end_card, timeout=10_000)
    assert window.isFullScreen()  # the class keeps its full picture
    qtbot.waitUntil(lambda: view.end_card.next_id == rid("m-3-2-5"), timeout=5000)
    assert view.end_card.next_title.text() == "下一课：春天在哪里"
    qtbot.mouseClick(view.end_card.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.info is not None and view.info.resource_id == rid("m-3-2-5")
                    and view.player.state == PLAYING, timeout=15_000)
    assert window.isFullScreen() and view.title.text() == "春天在哪里"
    # the unit's last lesson: no 下一课, 重新播放 plays it again, 返回 goes back
    qtbot.waitUntil(lambda: view.showing_end_card, timeout=15_000)
    qtbot.waitUntil(lambda: teaching.progress_of(library.catalogue, rid("m-3-2-5"))["finished"], timeout=5000)
    qtbot.wait(300)
    assert view.end_card.next_id is None and view.end_card.next_button.isHidden()
    qtbot.mouseClick(view.end_card.replay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.player.state == PLAYING and not view.showing_end_card, timeout=15_000)
    qtbot.waitUntil(lambda: view.player.state == ENDED, timeout=15_000)
    qtbot.mouseClick(view.end_card.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentIndex() != PAGE_PLAYER, timeout=5000)
    assert not window.isFullScreen()


def test_a_damaged_mp4_says_so_and_is_never_counted_or_watched(qtbot, window, library, tmp_path):
    add_lessons(library, tmp_path)
    music_3 = TeachingClass(0, 3, "音乐", "人音版")
    for n in range(1, 8):  # the class is at 8: the lessons before it are done
        if library.catalogue.resource(rid(f"m-3-2-{n}")) is not None:
            teaching.save_position(library.catalogue, rid(f"m-3-2-{n}"), 0, finished=True)
    card_before = home.next_lesson(library.catalogue, music_3).resource_id
    assert card_before == DAMAGED
    view = _play(qtbot, window, DAMAGED)
    qtbot.waitUntil(lambda: view.showing_message, timeout=25_000)
    assert view.message.text().startswith("该课程无法播放") and view.redownload_button.isVisible()
    assert "ended before anything played" in view.error_detail
    qtbot.mouseClick(view.redownload_button, Qt.MouseButton.LeftButton)
    # the stored copy hashes right (the file itself is faulty): the teacher is told so
    qtbot.waitUntil(lambda: "和发来时完全一样" in view.message.text(), timeout=10_000)
    assert not view.redownload_button.isEnabled()
    qtbot.mouseClick(view.message_back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentIndex() != PAGE_PLAYER, timeout=5000)
    progress = teaching.progress_of(library.catalogue, DAMAGED)
    assert progress == {"position_ms": 0, "play_count": 0, "last_played": None, "finished": False}
    assert home.next_lesson(library.catalogue, music_3).resource_id == card_before  # did not move on
    view = _play(qtbot, window, AUDIO)  # and the next lesson plays: an audio one, in its own view
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    assert view.video_stack.currentWidget() is view.audio_view
    assert view.controls.fullscreen.isHidden()
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert not window.isFullScreen()


def test_find_lesson_by_id_title_and_nearest_matches(library):
    assert find_lesson(library, rid("m-3-2-4")) == rid("m-3-2-4")
    assert find_lesson(library, "春天在哪里") == rid("m-3-2-5")
    with pytest.raises(LessonNotFound) as caught:
        find_lesson(library, "小雨")
    assert "小雨沙沙" in str(caught.value) and rid("m-3-2-4") in str(caught.value)
    with pytest.raises(LessonNotFound, match="nothing similar"):
        find_lesson(library, "完全没有这样的课")


def test_play_command_with_an_unknown_lesson_is_an_error_and_opens_no_window(library):
    library.close()
    env = dict(os.environ, TEACHPOINT_DATA_DIR=str(library.paths.root))
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(key, None)  # a window could not open here: a try would fail loudly
    code = ("import sys; from teachpoint.cli import main; rc = main(['play', '小雨']); "
            "print('qt-loaded' if 'PySide6.QtWidgets' in sys.modules else 'no-qt'); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: no lesson is called '小雨'; nearest: ")
    assert "小雨沙沙" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout.strip() == "no-qt"


def test_the_app_can_open_straight_on_one_lesson_full_screen(qtbot, tasks, library):
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.show()
    win.play_when_open(rid("m-3-2-4"), fullscreen=True)
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_PLAYER, timeout=10_000)
    view = win.player_view
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    qtbot.waitUntil(win.isFullScreen, timeout=5000)
    view.close_lesson()
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_HOME, timeout=5000)
    win.shutdown()


def _subtitle_rows(image) -> int:
    """Rows of the lower half with white text pixels (the subtitle grows with its size)."""
    rows = 0
    for y in range(image.height() // 2, image.height()):
        rows += sum(1 for x in range(0, image.width(), 2) if image.pixelColor(x, y).lightness() > 235) > 3
    return rows


def test_subtitle_size_follows_large_text_and_the_teachers_choice(qtbot, qapp, window, library):
    from teachpoint.ui import style
    from teachpoint.ui.player.subtitle_size import SETTING_SUBTITLE_SIZE

    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING and view.player.position_ms() > 1500,
                    timeout=15_000)
    assert view.subtitle_size.isVisible() and view.player.subtitle_scale() == 100
    qtbot.waitUntil(lambda: view.player.video_widget().frames_shown > 30, timeout=5000)
    normal = _subtitle_rows(view.player.video_widget().current_frame())
    view.subtitle_size.actions_by_choice["larger"].trigger()  # the teacher picks 特大
    qtbot.waitUntil(lambda: view.player.subtitle_scale() == 180 and view.player.state == PLAYING,
                    timeout=15_000)
    assert view.player.position_ms() >= 1000  # restarted where it was, not from the start
    shown = view.player.video_widget().frames_shown
    qtbot.waitUntil(lambda: view.player.video_widget().frames_shown > shown + 10, timeout=5000)
    larger = _subtitle_rows(view.player.video_widget().current_frame())
    assert larger > normal + 10, (normal, larger)
    qtbot.waitUntil(lambda: library.setting(SETTING_SUBTITLE_SIZE) == "larger", timeout=5000)
    view.subtitle_size.actions_by_choice["auto"].trigger()  # back to "automatic" …
    try:
        style.apply_look(qapp, large_text=True)  # … with 大字体 on: large subtitles
        _play(qtbot, window, rid("m-3-2-5"))
        _play(qtbot, window, rid("m-3-2-4"))
        qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
        assert view.player.subtitle_scale() == 140
    finally:
        style.apply_look(qapp)

