"""The app's search understands grade and subject words and offers grade / subject filters;
a 10,000-character search is cut with a plain note and the lessons still play."""

from __future__ import annotations

from PySide6.QtCore import Qt

from test_ui_class_picker import assert_good_lessons_play
from test_ui_main_window import _result_titles, type_chinese

TIMEOUT = 10_000


def _search(qtbot, window, text: str) -> None:
    with qtbot.waitSignal(window.search.results_ready, timeout=TIMEOUT):
        window.search_box.setText(text)


def test_grade_and_subject_words_find_those_lessons(qtbot, window):
    for query in ("音乐", "三年级音乐", "三年级 音乐"):
        _search(qtbot, window, query)
        assert _result_titles(window) == ["小雨沙沙", "春天在哪里"], query
    window.search_box.clear()
    with qtbot.waitSignal(window.search.results_ready, timeout=TIMEOUT):
        type_chinese(window.search_box, "三年级音乐")  # typed as an input method commits it
    assert _result_titles(window) == ["小雨沙沙", "春天在哪里"]


def test_grade_and_subject_filters_in_the_library(qtbot, window):
    pane = window.library_pane
    grades = [pane.grade_filter.itemText(i) for i in range(pane.grade_filter.count())]
    assert grades == ["全部年级", "二年级", "三年级", "四年级"]
    with qtbot.waitSignal(window.search.results_ready, timeout=TIMEOUT):
        pane.set_filters(3, None)  # the box is empty: the grade's lessons
    assert _result_titles(window) == ["认识时间", "小雨沙沙", "春天在哪里"]  # curriculum order
    assert "三年级" in pane.results_label.text()
    subjects = [pane.subject_filter.itemText(i) for i in range(pane.subject_filter.count())]
    assert subjects == ["全部学科", "数学", "音乐"]  # the chosen grade's subjects
    with qtbot.waitSignal(window.search.results_ready, timeout=TIMEOUT):
        pane.set_filters(3, "数学")
    assert _result_titles(window) == ["认识时间"]
    _search(qtbot, window, "小雨")  # a search inside the filters finds nothing in 数学
    assert _result_titles(window) == [] and "只看三年级 数学" in pane.results_label.text()
    with qtbot.waitSignal(window.search.results_ready, timeout=TIMEOUT):
        pane.set_filters(None, None)
    assert _result_titles(window) == ["小雨沙沙"]
    window.search_box.clear()
    assert not pane.showing_results  # no text, no filter: the tree again


def test_a_ten_thousand_character_search_is_cut_with_a_note(qtbot, window, library):
    _search(qtbot, window, "小雨沙沙" + "雨" * 10_000)
    label = window.library_pane.results_label.text()
    assert "只用了前 200 个字" in label and len(label) < 300
    _search(qtbot, window, "x" * 10_000)
    assert _result_titles(window) == [] and "只用了前 200 个字" in window.library_pane.results_label.text()
    window.search_box.clear()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert_good_lessons_play(library)
