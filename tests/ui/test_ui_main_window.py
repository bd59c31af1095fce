"""The main window: opening in a worker, the tree, search as you type, lesson details."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from uihelpers import open_lesson, rid
from teachpoint.paths import DataPaths
from teachpoint.ui.main_window import (
    PAGE_HOME, PAGE_LIBRARY, PAGE_OPENING, PAGE_PLAYER, PAGE_PROBLEM, PAGE_SETTINGS, MainWindow)
from teachpoint.ui.models.curriculum_model import COL_TITLE


def test_opening_page_first_then_home_with_the_class_picker(qtbot, tasks, library):
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.show()
    win.open_workspace(library.paths, install_demo=False)
    assert win.pages.currentIndex() == PAGE_OPENING
    assert win.opening_label.text() == "正在打开课程库…"
    assert not win.search_box.isEnabled()
    qtbot.waitUntil(lambda: win.tree_loaded and win.summary is not None, timeout=10_000)
    assert win.pages.currentIndex() == PAGE_HOME
    assert win.top_bar.current() == "home"
    # first run, no classes chosen yet: the home place asks for them
    qtbot.waitUntil(lambda: win.home.currentWidget() is win.home.picker, timeout=10_000)
    assert win.search_box.isEnabled()
    assert win.search_box.placeholderText() == "搜索：课名、拼音或首字母"
    win.tasks.wait(10_000)  # the worker asking whether this PC reviews (no: 审核 stays hidden)
    shown = [b.text() for b in win.top_bar.buttons.values() if not b.isHidden()]
    assert shown == ["首页", "全部课程", "同步", "使用情况", "设置"]
    win.shutdown()


def test_typing_in_the_search_box_anywhere_goes_to_the_library(qtbot, window):
    window.go("settings")
    assert window.pages.currentIndex() == PAGE_SETTINGS
    qtbot.keyClicks(window.search_box, "xiaoyu")
    assert window.pages.currentIndex() == PAGE_LIBRARY and window.top_bar.current() == "library"
    qtbot.waitUntil(lambda: window.library_pane.showing_results, timeout=5000)


def test_a_lesson_opened_from_home_returns_to_home(qtbot, window):
    window.go("home")
    open_lesson(qtbot, window, rid("m-3-2-4"))
    assert window.pages.currentIndex() == PAGE_PLAYER and window.top_bar.isHidden()
    qtbot.waitUntil(lambda: window.player_view.player is not None
                    and window.player_view.player.state == "playing", timeout=10_000)
    window.player_view.close_lesson()
    assert window.pages.currentIndex() == PAGE_HOME and window.top_bar.isVisible()


def test_a_lesson_is_read_in_a_worker_and_the_latest_click_wins(qtbot, window):
    """播放 returns before the lesson is read (the GUI thread never waits on SQLite); two quick
    clicks open only the second lesson."""
    opened: list[str] = []
    window.lessons.opened.connect(opened.append)
    window.go("home")
    window.play(rid("m-3-2-4"))
    assert window.pages.currentIndex() == PAGE_HOME  # not yet: the read is in a worker
    open_lesson(qtbot, window, rid("m-3-2-5"))
    qtbot.wait(300)  # the first read has long finished: its answer was dropped
    assert opened == [rid("m-3-2-5")]
    assert window.player_view.info.resource_id == rid("m-3-2-5")
    window.player_view.close_lesson()
    assert window.pages.currentIndex() == PAGE_HOME


def test_status_bar_counts_lessons_and_store_size(window):
    text = window.status_label.text()
    assert "共 5 节课" in text and "3 节可以播放" in text
    assert "1 节未下载" in text and "1 节已损坏" in text
    assert "KB" in text


def test_tree_shows_the_curriculum(window):
    model = window.library_pane.tree_model
    assert [model.index(r, COL_TITLE).data() for r in range(model.rowCount())] == \
        ["二年级", "三年级", "四年级"]
    idx = model.index_of_resource(rid("m-3-2-4"))
    assert window.library_pane.tree.isExpanded(idx.parent())  # small library: all open


def test_selecting_a_lesson_shows_its_details(qtbot, window):
    assert window.library_pane.select_resource(rid("m-3-2-4"))
    panel = window.lesson_panel
    qtbot.waitUntil(lambda: panel.info is not None, timeout=5000)
    assert panel.title.text() == "小雨沙沙"
    assert panel.where.text() == "三年级  ·  音乐  ·  人音版 上册  ·  第二单元 春天"
    assert "第4课" in panel.facts.text() and "时长：6秒" in panel.facts.text()
    assert "有字幕" in panel.facts.text()
    assert panel.description.text().startswith("学唱歌曲")
    assert panel.thumbnail.pixmap() is not None and not panel.thumbnail.pixmap().isNull()
    assert panel.play_button.isEnabled() and panel.play_button.text() == "▶  播放"
    assert panel.warning.isHidden()


def test_not_downloaded_and_damaged_lessons_cannot_be_played(qtbot, window):
    panel = window.lesson_panel
    window.library_pane.select_resource(rid("y-2-5-14"))
    qtbot.waitUntil(lambda: panel.info is not None and panel.info.title == "小马过河", timeout=5000)
    assert not panel.play_button.isEnabled()
    assert "还没有下载" in panel.warning.text() and panel.warning.isVisible()
    window.library_pane.select_resource(rid("s-3-1-1"))
    qtbot.waitUntil(lambda: panel.info.title == "认识时间", timeout=5000)
    assert not panel.play_button.isEnabled()
    assert "已损坏" in panel.warning.text()
    with qtbot.waitSignal(window.lessons.details_shown, timeout=5000):
        window.play(rid("s-3-1-1"))  # double-click on it: nothing opens, the reason stays shown
    assert window.pages.currentIndex() == PAGE_LIBRARY and "已损坏" in panel.warning.text()


def type_chinese(widget, text: str) -> None:
    """Type like a Chinese input method does: each character arrives as a committed string
    (QTest's key clicks only know ASCII)."""
    for ch in text:
        event = QInputMethodEvent("", [])
        event.setCommitString(ch)
        QApplication.sendEvent(widget, event)


def _result_titles(window):
    model = window.library_pane.results_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_search_as_you_type_pinyin_initials_and_characters(qtbot, window):
    pane = window.library_pane
    qtbot.keyClicks(window.search_box, "xiaoyu")
    qtbot.waitUntil(lambda: pane.showing_results and "小雨沙沙" in _result_titles(window), timeout=5000)
    assert _result_titles(window)[0] == "小雨沙沙"
    assert "找到" in pane.results_label.text()

    window.search_box.clear()
    qtbot.waitUntil(lambda: not pane.showing_results, timeout=5000)
    qtbot.keyClicks(window.search_box, "xyss")
    qtbot.waitUntil(lambda: _result_titles(window)[:1] == ["小雨沙沙"], timeout=5000)

    window.search_box.clear()
    type_chinese(window.search_box, "春天在")
    qtbot.waitUntil(lambda: _result_titles(window)[:1] == ["春天在哪里"], timeout=5000)


def test_results_follow_the_latest_text(qtbot, window):
    """Keys typed faster than the debounce give one search, for the final text."""
    searched = []
    window.search.results_ready.connect(lambda q, rows: searched.append(q))
    qtbot.keyClicks(window.search_box, "xiaoma")
    qtbot.waitUntil(lambda: bool(searched), timeout=5000)
    qtbot.wait(400)  # nothing else arrives (debounced)
    assert searched == ["xiaoma"]
    assert _result_titles(window)[0] == "小马过河"


def test_nothing_found_explains(qtbot, window):
    qtbot.keyClicks(window.search_box, "qqqzzz")
    pane = window.library_pane
    qtbot.waitUntil(lambda: pane.showing_results, timeout=5000)
    assert pane.results_model.rowCount() == 0
    assert "没有找到" in pane.results_label.text()


def test_results_show_the_best_hit_and_enter_plays_it(qtbot, window):
    qtbot.keyClicks(window.search_box, "xiaoyu")
    panel = window.lesson_panel
    qtbot.waitUntil(lambda: panel.info is not None and panel.info.title == "小雨沙沙", timeout=5000)
    assert window.search_box.hasFocus()  # the teacher can keep typing
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_PLAYER, timeout=5000)
    assert window.player_view.title.text() == "小雨沙沙"
    window.player_view.close_lesson()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LIBRARY, timeout=5000)


def test_enter_while_still_typing_searches_then_plays(qtbot, window):
    window.search_box.setText("chuntianzai")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_PLAYER, timeout=5000)
    assert window.player_view.title.text() == "春天在哪里"
    window.player_view.close_lesson()


def test_down_arrow_moves_from_search_box_into_results(qtbot, window):
    qtbot.keyClicks(window.search_box, "chuntian")
    pane = window.library_pane
    qtbot.waitUntil(lambda: pane.showing_results and pane.results_model.rowCount() == 2, timeout=5000)
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert pane.results.hasFocus()
    qtbot.keyClick(pane.results, Qt.Key.Key_Down)
    second = pane.results_model.index(1, 0).data()
    qtbot.waitUntil(lambda: window.lesson_panel.info is not None  # details are read in a worker
                    and window.lesson_panel.info.title == second, timeout=5000)


def test_clicking_a_result_shows_details_and_clearing_returns_to_tree(qtbot, window):
    type_chinese(window.search_box, "小马")
    pane = window.library_pane
    qtbot.waitUntil(lambda: _result_titles(window)[:1] == ["小马过河"], timeout=5000)
    rect = pane.results.visualRect(pane.results_model.index(0, 0))
    qtbot.mouseClick(pane.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.lesson_panel.info is not None
                    and window.lesson_panel.info.title == "小马过河", timeout=5000)
    window.search_box.clear()
    qtbot.waitUntil(lambda: not pane.showing_results, timeout=5000)


def test_activating_a_lesson_in_the_tree_plays_it(qtbot, window):
    pane = window.library_pane
    pane.select_resource(rid("m-3-2-5"))
    pane.tree.setFocus()
    qtbot.keyClick(pane.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_PLAYER, timeout=5000)
    player = window.player_view
    qtbot.waitUntil(lambda: player.player is not None and player.player.state == "playing", timeout=15_000)
    assert player.title.text() == "春天在哪里"
    qtbot.mouseClick(player.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LIBRARY, timeout=5000)


def test_unopenable_data_dir_shows_a_problem_page(qtbot, tasks, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.open_workspace(DataPaths(blocker / "data", explicit=True), install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_PROBLEM, timeout=10_000)
    assert win.problem_title.text() == "课程库打不开"
    assert "技术信息" in win.problem_detail.text()
    assert win.retry_button.text() == "再试一次"
