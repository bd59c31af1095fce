"""The home page: first run asks for classes, one card per class with its next lesson,
"continue" moving on, downloads, what is new, locked classes, broken and empty libraries."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from helpers import decode_frames
from teachpoint.library import home, teaching
from teachpoint.library.model import STATE_INSTALLED, FileRef, Position, RepositoryInfo, Resource
from teachpoint.paths import DataPaths
from teachpoint.ui import i18n
from teachpoint.ui.home_page import HomePage
from teachpoint.ui.home_screen import HomeScreen
from teachpoint.library.settings import SETTING_LOCKED
from teachpoint.workspace import Workspace
from uihelpers import REPO, make_mp4, rid, sha256_of


def assert_good_lessons_play(ws) -> None:
    """helpers.assert_installed_lessons_play for the library fixture, whose installed
    "Hello 你好" is a text file on purpose (so that helper cannot be used on it)."""
    for local in ("m-3-2-4", "m-3-2-5"):
        res = ws.catalogue.resource(rid(local))
        assert ws.catalogue.state_of(rid(local)) == STATE_INSTALLED
        report = ws.store.verify([f.sha256 for f in res.files if f.role in ("main", "subtitle")])
        assert not report.damaged and not report.missing
        decode_frames(ws.store.path_of(res.main.sha256))


def _page(qtbot, tasks, ws, show=True) -> HomePage:
    page = HomePage(tasks)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        if show:
            page.show()
        page.set_workspace(ws)
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)  # the seen marker is saved
    return page


def _reload(qtbot, page) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()
    qtbot.waitUntil(lambda: page.tasks.active == 0, timeout=10_000)


def _card(page, subject):
    return next(c for c in page.cards if c.card.teaching_class.subject == subject)


def test_first_run_picks_two_classes_and_shows_their_cards(qtbot, tasks, library):
    screen = HomeScreen(tasks)
    qtbot.addWidget(screen)
    screen.show()
    screen.set_workspace(library)
    qtbot.waitUntil(lambda: screen.currentWidget() is screen.picker
                    and screen.picker.chooser.isEnabled(), timeout=10_000)
    picker = screen.picker
    assert picker.first_run and picker.skip_button.isVisible()
    qtbot.mouseClick(picker.grade_grid.buttons[3], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(picker.subject_grid.buttons["音乐"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(picker.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(picker.grade_grid.buttons[2], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(picker.subject_grid.buttons["语文"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(picker.add_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.home.loaded, timeout=10_000):
        qtbot.mouseClick(picker.save_button, Qt.MouseButton.LeftButton)
    assert screen.currentWidget() is screen.home
    page = screen.home
    assert len(page.cards) == 2 and page.no_classes.isHidden()
    music, chinese = _card(page, "音乐"), _card(page, "语文")
    assert music.class_label.text() == "三年级  ·  音乐"
    assert music.resource_id == rid("m-3-2-4") and "小雨沙沙" in music.title.text()
    assert "第二单元 春天" in music.where.text() and "人音版 上册" in music.where.text()
    assert music.play_button.isEnabled() and music.download_button.isHidden()
    assert chinese.resource_id == rid("y-2-5-14") and "小马过河" in chinese.title.text()
    with qtbot.waitSignal(screen.play_requested, timeout=2000) as played:
        qtbot.mouseClick(music.play_button, Qt.MouseButton.LeftButton)
    assert played.args == [rid("m-3-2-4")]


def test_skipping_the_first_run_leaves_an_invitation(qtbot, tasks, library):
    screen = HomeScreen(tasks)
    qtbot.addWidget(screen)
    screen.show()
    screen.set_workspace(library)
    qtbot.waitUntil(lambda: screen.currentWidget() is screen.picker, timeout=10_000)
    with qtbot.waitSignal(screen.home.loaded, timeout=10_000):
        qtbot.mouseClick(screen.picker.skip_button, Qt.MouseButton.LeftButton)
    assert screen.currentWidget() is screen.home  # not asked again on this start
    assert screen.home.no_classes.isVisible() and screen.home.choose_button.isVisible()
    qtbot.mouseClick(screen.home.choose_button, Qt.MouseButton.LeftButton)
    assert screen.currentWidget() is screen.picker and not screen.picker.first_run
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)


def test_finishing_a_lesson_moves_continue_to_the_next(qtbot, tasks, library):
    teaching.add_class(library.catalogue, 3, "音乐")
    page = _page(qtbot, tasks, library)
    card = page.cards[0]
    assert card.resource_id == rid("m-3-2-4") and card.resume.isHidden()
    # never started: "next lesson", not "continue"
    assert card.title.text() == card.tr("Next lesson: {title}").format(title="小雨沙沙")
    assert not card.title.text().startswith("继续")
    teaching.record_play(library.catalogue, rid("m-3-2-4"))
    teaching.save_position(library.catalogue, rid("m-3-2-4"), 83_000)
    _reload(qtbot, page)
    card = page.cards[0]
    assert card.resource_id == rid("m-3-2-4") and "01:23" in card.resume.text()
    assert card.title.text() == "继续：小雨沙沙" and card.resume.isVisibleTo(card)
    teaching.save_position(library.catalogue, rid("m-3-2-4"), 0, finished=True)
    _reload(qtbot, page)
    card = page.cards[0]
    assert card.resource_id == rid("m-3-2-5") and "春天在哪里" in card.title.text()
    with qtbot.waitSignal(page.play_requested, timeout=2000) as played:
        qtbot.mouseClick(card.play_button, Qt.MouseButton.LeftButton)
    assert played.args == [rid("m-3-2-5")]


def test_a_start_of_a_few_seconds_is_not_offered_as_continue(qtbot, tasks, library):
    teaching.add_class(library.catalogue, 3, "音乐")
    teaching.record_play(library.catalogue, rid("m-3-2-4"))
    teaching.save_position(library.catalogue, rid("m-3-2-4"), 800)  # opened, closed at once
    page = _page(qtbot, tasks, library)
    card = page.cards[0]
    assert card.resource_id == rid("m-3-2-4") and card.card.next.position_ms == 800
    assert card.resume.isHidden() and card.resume.text() == ""  # no "上次停在 00:00"
    assert card.title.text() == card.tr("Next lesson: {title}").format(title="小雨沙沙")
    teaching.save_position(library.catalogue, rid("m-3-2-4"), home.RESUME_MIN_MS)
    _reload(qtbot, page)
    card = page.cards[0]
    assert card.title.text() == "继续：小雨沙沙" and "00:10" in card.resume.text()


def test_grade_names_follow_the_interface_language(qtbot, qapp, tasks, library):
    teaching.add_class(library.catalogue, 3, "音乐")
    with library.catalogue.db.conn:  # a senior-school class too (no lessons for it here)
        library.catalogue.db.conn.execute("INSERT INTO classes (grade, subject, edition) "
                                          "VALUES (10, '物理', '')")
    page = _page(qtbot, tasks, library)
    labels = lambda: sorted(c.class_label.text() for c in page.cards)  # noqa: E731
    assert labels() == ["三年级  ·  音乐", "高一  ·  物理"]
    try:
        i18n.install_translators(qapp, "en")
        QApplication.processEvents()
        assert labels() == ["Grade 3  ·  音乐", "Senior 1  ·  物理"]
    finally:
        i18n.install_translators(qapp, "zh_CN")
        QApplication.processEvents()
    assert labels() == ["三年级  ·  音乐", "高一  ·  物理"]


def test_a_lesson_not_downloaded_offers_download(qtbot, tasks, library):
    teaching.add_class(library.catalogue, 2, "语文", "统编版")
    teaching.add_class(library.catalogue, 3, "数学")
    page = _page(qtbot, tasks, library)
    chinese, maths = _card(page, "语文"), _card(page, "数学")
    for card, local in ((chinese, "y-2-5-14"), (maths, "s-3-1-1")):  # not downloaded, damaged
        assert card.play_button.isHidden() and card.download_button.isVisibleTo(card)
        assert card.warning.isVisibleTo(card) and card.warning.text()
        with qtbot.waitSignal(page.download_requested, timeout=2000) as wanted:
            qtbot.mouseClick(card.download_button, Qt.MouseButton.LeftButton)
        assert wanted.args == [rid(local)]


def _arrive(ws, tmp_path, title="新课：跳绳"):
    """A new lesson arrives with a real video (as an update would bring it)."""
    video = make_mp4(tmp_path / "new.mp4", seconds=2.0, source="smptebars")
    info = RepositoryInfo(REPO, "某某县教学资源", "k" * 16, 2, "s" * 64,
                          "2026-02-01T00:00:00Z", "2027-01-01T00:00:00Z", "test")
    res = Resource(rid="t-3-1-1", kind="video", title=title,
                   position=Position(3, "体育与健康", "人教版", "上册", "第一单元", 1),
                   files=(FileRef("main", sha256_of(video), video.stat().st_size, "video/mp4",
                                  "", "new.mp4"),), duration=2.0)
    ws.catalogue.apply_repository(info, [res], [])
    ws.store.add_file(video)
    ws.catalogue.mark_blob_present(sha256_of(video), video.stat().st_size)
    return rid("t-3-1-1")


def test_whats_new_counts_arrivals_and_resets_after_viewing(qtbot, tasks, library, tmp_path):
    page = _page(qtbot, tasks, library)
    assert page.data.new_count == 0  # the first look sees nothing "new"
    assert home.seen_marker(library.catalogue) is not None
    # nothing new: one quiet line, no "新课程 0 节" heading
    assert page.new_heading.isHidden() and page.new_list.isHidden()
    assert page.new_hint.isVisible() and page.new_hint.text() == "上次看过以后没有新课程。"
    page.hide()
    new_id = _arrive(library, tmp_path)
    _reload(qtbot, page)  # not on screen: counted, not yet marked seen
    assert page.data.new_count == 1 and page.new_lesson_ids() == [new_id]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()  # the teacher looks
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
    assert page.data.new_count == 1 and page.new_list.isVisible()
    assert page.new_heading.isVisible() and page.new_heading.text() == "新课程 1 节"
    row = page.new_list.item(0)
    assert "新课：跳绳" in row.text() and page.new_list_hint.hint == page.tr("View ›")  # drawn
    assert row.data(Qt.ItemDataRole.AccessibleTextRole).endswith(page.tr("View ›"))  # on the row
    assert page.new_list.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    with qtbot.waitSignal(page.lesson_selected, timeout=2000) as chosen:
        page.new_list.itemClicked.emit(page.new_list.item(0))
    assert chosen.args == [new_id]
    _reload(qtbot, page)
    assert page.data.new_count == 0 and page.new_lesson_ids() == []
    assert_good_lessons_play(library)


def test_locked_classes_show_read_only(qtbot, tasks, library):
    library.set_setting(SETTING_LOCKED, json.dumps(["classes"]))
    screen = HomeScreen(tasks)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.home.loaded, timeout=10_000):
        screen.set_workspace(library)
    assert screen.currentWidget() is screen.home  # no first-run picker: IT staff decide
    assert screen.home.no_classes.isVisible() and not screen.home.choose_button.isVisible()
    qtbot.mouseClick(screen.home.change_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.picker.chooser.isEnabled(), timeout=10_000)
    assert not screen.picker.chooser.isVisible() and screen.picker.note.isVisible()
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)


def test_broken_classes_show_a_sensible_card_and_lose_nothing(qtbot, tasks, library):
    with library.catalogue.db.conn:  # a subject this program does not know, a grade out of range
        library.catalogue.db.conn.execute(
            "INSERT INTO classes (grade, subject, edition) VALUES (3, '书法鉴赏', ''), (99, '音乐', '')")
    teaching.add_class(library.catalogue, 5, "美术")  # a real subject with no lessons here
    teaching.add_class(library.catalogue, 3, "音乐", "人音版")
    page = _page(qtbot, tasks, library)
    assert len(page.cards) == 4
    for card in page.cards:
        if card.card.teaching_class.subject == "音乐" and card.card.teaching_class.grade == 3:
            assert card.play_button.isEnabled()
            continue
        assert card.card.next is None and card.play_button.isHidden()
        assert card.warning.isVisibleTo(card) and card.warning.text()
    assert _card(page, "书法鉴赏").card.subject_known is False
    assert any(c.class_label.text().startswith("99") for c in page.cards)
    assert len(teaching.classes(library.catalogue)) == 4  # nothing was dropped
    assert_good_lessons_play(library)


def test_an_empty_library_explains_where_lessons_come_from(qtbot, tasks, tmp_path):
    ws = Workspace(DataPaths(tmp_path / "empty", explicit=True), install_demo=False)
    try:
        teaching.add_class(ws.catalogue, 3, "音乐")
        page = _page(qtbot, tasks, ws)
        assert page.empty_library.isVisible() and page.empty_library.text()
        assert len(page.cards) == 1 and page.cards[0].card.next is None
        assert page.cards[0].warning.isVisibleTo(page.cards[0])
        assert page.new_list.isHidden() and page.data.new_count == 0
    finally:
        qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
        ws.close()
