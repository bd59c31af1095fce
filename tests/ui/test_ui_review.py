"""The 审核 screen (issue 15): a top-bar place only where a publisher key is configured; with a
school's stick (real media, real signatures) collected through 收集 the reviewer sees the checks,
watches the video in the app's own player, accepts one lesson and rejects one with a reason, and
takes a decision back — every step through the widgets; a second school that syncs the county's
repository sees the accepted lesson with the teacher's shared name."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from teachpoint import review
from teachpoint.contrib import add_contribution
from teachpoint.contrib.share import export_contributions
from teachpoint.testing import media as test_media
from teachpoint.paths import DataPaths
from teachpoint.sync.pipeline import import_repository
from teachpoint.transport.sources import FolderSource
from teachpoint.review.config import configure as configure_review, review_config
from teachpoint.ui import queries
from teachpoint.ui.lesson_panel import LessonPanel
from teachpoint.workspace import Workspace
from teachpoint.ui.main_window import PAGE_HOME, PAGE_REVIEW, MainWindow
from teachpoint.ui.places import REVIEW
from teachpoint.ui.player.base import PLAYING
from uihelpers import build_library


@pytest.fixture
def stick(tmp_path, media) -> Path:
    """A school adds two lessons (one with GBK subtitles) and carries them on a stick."""
    school = build_library(tmp_path / "school", media)
    phone = tmp_path / "phone"
    spring = test_media.make_video(phone / "春天在哪里.mp4", 2.0, pattern="rgbtestsrc")
    swallow = test_media.make_video(phone / "小燕子.mp4", 2.0, pattern="smptebars")
    subs = phone / "春天在哪里.srt"
    subs.write_bytes("1\n00:00:00,000 --> 00:00:02,000\n春天在哪里呀\n".encode("gb18030"))
    add_contribution(school, [spring], title="春天在哪里", grade="三年级", subject="音乐",
                     edition="人音版", volume="上册", unit="第二单元 春天", lesson=6,
                     subtitles=[subs], teacher="李老师", share_name=True)
    add_contribution(school, [swallow], title="小燕子", grade="三年级", subject="音乐")
    export_contributions(school, tmp_path / "school-stick")
    school.close()
    return tmp_path / "school-stick"


def open_window(qtbot, tasks, ws) -> MainWindow:
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.show()
    win.open_workspace(ws.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_HOME and win.tree_loaded, timeout=10_000)
    return win


def test_no_review_place_without_a_publisher_key(qtbot, window, library, tmp_path):
    window.tasks.wait(10_000)  # the worker that asks whether this PC reviews
    assert window.top_bar.buttons[REVIEW].isHidden()
    configure_review(library, tmp_path / "missing.key")  # named but not there: still none
    assert review_config(library) is None


def test_the_reviewer_collects_accepts_one_rejects_one_and_takes_a_decision_back(
        qtbot, monkeypatch, tasks, library, stick, publisher_key, repo_copy, tmp_path):
    collected = tmp_path / "county" / "county.db"
    collected.parent.mkdir()
    configure_review(library, publisher_key.with_suffix(".key"), collected, str(repo_copy))
    win = open_window(qtbot, tasks, library)
    qtbot.waitUntil(win.top_bar.buttons[REVIEW].isVisible, timeout=10_000)  # offered by a worker
    assert win.top_bar.buttons[REVIEW].text() == "审核"
    qtbot.mouseClick(win.top_bar.buttons[REVIEW], Qt.MouseButton.LeftButton)
    assert win.pages.currentIndex() == PAGE_REVIEW
    page = win.review_page
    qtbot.waitUntil(lambda: page.collect_button.isEnabled() and "还没有要审核的课程" in page.summary.text(),
                    timeout=10_000)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(stick)))
    qtbot.mouseClick(page.collect_button, Qt.MouseButton.LeftButton)  # 从U盘或文件夹收集
    qtbot.waitUntil(lambda: page.queue.count() == 2 and bool(page.message.text()), timeout=30_000)
    assert page.message.text() == "收集到 2 节新课程，0 节以前已经收过。"
    assert "2 节课等待审核" in page.summary.text()
    ids = {e.title: e.id for e in page.entries}

    page.select(ids["春天在哪里"])
    qtbot.waitUntil(lambda: page.details.details is not None, timeout=30_000)
    checks = page.details.checks.text()
    assert "160×120" in checks and "字幕 春天在哪里.srt：编码" in checks and "没有重复" in checks
    assert "李老师" in page.details.sender.text()
    assert "三年级 音乐 人音版 上册 第二单元 春天 第6课" == page.details.where.text()
    assert not page.reject_button.isEnabled()  # not without a reason

    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)  # the app's own player
    player = page.player.view
    qtbot.waitUntil(lambda: player.player is not None and player.player.state == PLAYING
                    and player.player.position_ms() > 200, timeout=15_000)
    qtbot.mouseClick(player.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.player.isVisible(), timeout=5000)
    assert library.catalogue.db.execute("SELECT COUNT(*) FROM progress").fetchone()[0] == 0

    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and "已通过并发布" in page.message.text(), timeout=120_000)
    qtbot.waitUntil(lambda: page.details.details is not None
                    and page.details.details.entry.state == "accepted", timeout=30_000)
    assert page.undo_button.isVisible() and not page.accept_button.isEnabled()

    page.select(ids["小燕子"])
    qtbot.waitUntil(lambda: page.details.details is not None
                    and page.details.details.entry.id == ids["小燕子"], timeout=30_000)
    page.reason_edit.insert("画面太暗，请重新录制")  # typed (QtTest cannot type Chinese)
    qtbot.mouseClick(page.reject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and "未通过" in page.message.text(), timeout=60_000)
    states = {e.title: (e.state, e.reason) for e in review.list_entries(collected)}
    assert states == {"春天在哪里": ("accepted", ""), "小燕子": ("rejected", "画面太暗，请重新录制")}
    qtbot.waitUntil(lambda: "画面太暗" in page.details.state.text(), timeout=30_000)

    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)  # 撤销 the rejection
    qtbot.waitUntil(lambda: not page.busy and "已撤销" in page.message.text(), timeout=60_000)
    assert {e.title: e.state for e in review.list_entries(collected)}["小燕子"] == "pending"
    win.shutdown()
    second_school_sees_the_teachers_name(qtbot, tmp_path, publisher_key, repo_copy)


def second_school_sees_the_teachers_name(qtbot, tmp_path, publisher_key, repo_copy) -> None:
    """Another school syncs the county repository: the accepted lesson carries the shared name."""
    other = Workspace(DataPaths(tmp_path / "second-school", explicit=True), install_demo=False)
    try:
        other.trust.add(publisher_key.with_suffix(".pub"))
        import_repository(other, FolderSource(repo_copy)).raise_problem()
        rid = next(r for r in other.catalogue.resource_ids("county")
                   if other.catalogue.resource(f"county:{r}").title == "春天在哪里")
        info = queries.load_lesson(other, f"county:{rid}")
        panel = LessonPanel()
        qtbot.addWidget(panel)
        panel.show_lesson(info)
        assert panel.own.text() == "其他学校老师制作的课程  ·  制作：李老师"
    finally:
        other.close()


def test_a_tampered_stick_is_refused_in_a_sentence_and_the_queue_stays(
        qtbot, monkeypatch, tasks, library, stick, publisher_key, repo_copy, tmp_path):
    import shutil

    tampered = tmp_path / "tampered-stick"
    shutil.copytree(stick, tampered)
    video = max((p for p in tampered.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    data = bytearray(video.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the biggest file (a video)
    video.write_bytes(bytes(data))
    db = tmp_path / "county" / "county.db"
    db.parent.mkdir()
    configure_review(library, publisher_key.with_suffix(".key"), db, str(repo_copy))
    win = open_window(qtbot, tasks, library)
    qtbot.waitUntil(win.top_bar.buttons[REVIEW].isVisible, timeout=10_000)
    qtbot.mouseClick(win.top_bar.buttons[REVIEW], Qt.MouseButton.LeftButton)
    page = win.review_page
    qtbot.waitUntil(page.collect_button.isEnabled, timeout=10_000)  # its configuration is read
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tampered)))
    qtbot.mouseClick(page.collect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and page.message.isVisible()
                    and "没有收下" in page.message.text(), timeout=30_000)
    assert page.problem_details.isVisibleTo(page)  # which package and why, for IT
    assert page.queue.count() == 0 and review.list_entries(db) == []
    win.shutdown()
