"""The settings page with bad input and locked settings: a clear message, nothing changed.

The workspace here has lessons installed from a real signed repository, so each test can also
check that the installed lessons still play afterwards.
"""

from __future__ import annotations

import json
import os

import pytest

from helpers import assert_installed_lessons_play
from teachpoint.sync import schedule
from teachpoint.sneakernet.inbox_config import get_inbox
from teachpoint.library.source_list import add_source, list_sources
from teachpoint.transport.sources import FolderSource
from teachpoint.ui.settings_page import SettingsPage
from teachpoint.library.settings import LOCKABLE, SETTING_LOCKED

TIMEOUT = 15_000


@pytest.fixture
def installed(workspace, repo_copy):
    """A workspace (trusting the test publisher) with the published lessons installed."""
    workspace.install(FolderSource(repo_copy))
    assert_installed_lessons_play(workspace, 3)
    return workspace


@pytest.fixture
def open_page(qtbot, tasks, installed):
    """Opens settings pages on ``installed``; at the end lets their last reads finish before
    the workspace is closed (fixtures tear down in reverse order)."""

    def opener() -> SettingsPage:
        page = SettingsPage(tasks)
        qtbot.addWidget(page)
        page.show()
        page.set_workspace(installed)
        qtbot.waitUntil(lambda: tasks.active == 0 and page.storage.space is not None,
                        timeout=TIMEOUT)
        return page

    yield opener
    assert tasks.wait(TIMEOUT)


@pytest.fixture
def page(open_page):
    return open_page()


def problem(qtbot, message) -> str:
    """Wait for a problem message next to a field; its text."""
    qtbot.waitUntil(lambda: message.kind == "problem", timeout=TIMEOUT)
    assert message.isVisible() and message.text().strip()
    text = message.text()
    message.clear_message()
    return text


def settings_snapshot(ws) -> dict:
    rows = ws.catalogue.db.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    return dict(rows)


@pytest.mark.parametrize("text", ["ftp://county.example/lessons", "file:///etc", "http://",
                                  "https://example.cn/repo?x=1", "192.168.1.10", "课程", "   "])
def test_addresses_that_are_not_http_or_a_folder_are_refused(qtbot, page, installed, text):
    page.sources.add_location(text)
    problem(qtbot, page.sources.message)
    assert list_sources(installed.catalogue) == []
    qtbot.waitUntil(lambda: page.tasks.active == 0, timeout=TIMEOUT)
    assert_installed_lessons_play(installed, 3)


def test_missing_folder_and_file_are_refused_with_their_path(qtbot, page, installed, tmp_path):
    missing = tmp_path / "没有这个文件夹"
    page.sources.add_location(str(missing))
    assert str(missing) in problem(qtbot, page.sources.message)
    a_file = tmp_path / "lessons.txt"
    a_file.write_text("不是文件夹")
    page.sources.add_location(str(a_file))
    assert str(a_file) in problem(qtbot, page.sources.message)
    assert list_sources(installed.catalogue) == []
    assert_installed_lessons_play(installed, 3)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder whatever its permissions")
def test_unreadable_folder_is_refused(qtbot, page, installed, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    try:
        page.sources.add_location(str(locked))
        assert str(locked) in problem(qtbot, page.sources.message)
    finally:
        locked.chmod(0o700)
    assert list_sources(installed.catalogue) == []


def test_the_same_source_twice_is_refused(qtbot, page, installed, repo_copy):
    add_source(installed.catalogue, str(repo_copy))
    page.sources.add_location(str(repo_copy))
    problem(qtbot, page.sources.message)
    assert [s.location for s in list_sources(installed.catalogue)] == [str(repo_copy)]


@pytest.mark.parametrize("content", [b"", b"\x00\xff garbage \x13" * 50,
                                     b"teachpoint-ed25519 AAAA short\n",
                                     "随便写的一段中文".encode("gb18030")])
def test_garbage_key_files_are_refused_without_asking(qtbot, page, installed, tmp_path, content):
    before = [k.key_id for k in installed.trust.list()]
    bad = tmp_path / "publisher.pub"
    bad.write_bytes(content)
    page.trust.add_key_file(bad)
    problem(qtbot, page.trust.message)
    assert page.trust.question is None
    assert [k.key_id for k in installed.trust.list()] == before
    assert_installed_lessons_play(installed, 3)


def test_a_private_key_is_refused(qtbot, page, installed, publisher_key):
    before = [k.key_id for k in installed.trust.list()]
    page.trust.add_key_file(publisher_key.with_suffix(".key"))
    assert "PRIVATE" in problem(qtbot, page.trust.message)
    assert page.trust.question is None
    assert [k.key_id for k in installed.trust.list()] == before


def test_a_missing_key_file_is_refused(qtbot, page, installed, tmp_path):
    page.trust.add_key_file(tmp_path / "nowhere.pub")
    problem(qtbot, page.trust.message)
    assert page.trust.question is None


@pytest.mark.parametrize("start,end", [("25:00", "26:00"), ("08:60", "09:00"), ("8点", "17:00"),
                                       ("", "17:00"), ("08:00", "08:00"), ("-1:00", "02:00")])
def test_bad_time_windows_are_refused(qtbot, page, installed, start, end):
    before = settings_snapshot(installed)
    bw = page.bandwidth
    bw.start_box.setText(start)
    bw.end_box.setText(end)
    bw.window_limit_box.setText("256")
    bw.add_window()
    text = problem(qtbot, bw.window_message)
    if start == "25:00":
        assert "25:00" in text
    assert settings_snapshot(installed) == before
    assert bw.windows_list.count() == 0
    assert_installed_lessons_play(installed, 3)


@pytest.mark.parametrize("value", ["-5", "0", "abc", "1.5", "99999999999", ""])
def test_bad_speed_limits_are_refused(qtbot, page, installed, value):
    before = settings_snapshot(installed)
    bw = page.bandwidth
    bw.unlimited_box.setChecked(False)
    bw.limit_box.setText(value)
    bw.save_limit()
    problem(qtbot, bw.limit_message)
    bw.window_limit_box.setText(value)
    bw.add_window()
    problem(qtbot, bw.window_message)
    assert settings_snapshot(installed) == before
    assert schedule.load_bandwidth(installed).limit_kbit is None


@pytest.mark.parametrize("value", ["-1", "abc", "inf", "nan", "100000000"])
def test_bad_free_space_floors_are_refused(qtbot, page, installed, value):
    floor = installed.floor_bytes
    page.storage.floor_box.setText(value)
    page.storage.save_floor()
    problem(qtbot, page.storage.message)
    qtbot.waitUntil(lambda: page.tasks.active == 0, timeout=TIMEOUT)
    assert installed.floor_bytes == floor == installed.store.floor_bytes
    assert_installed_lessons_play(installed, 3)


def test_a_file_is_refused_as_the_inbox(qtbot, page, installed, tmp_path):
    a_file = tmp_path / "inbox.txt"
    a_file.write_text("x")
    page.inbox.set_folder(a_file)
    problem(qtbot, page.inbox.message)
    assert get_inbox(installed) is None


def test_locked_settings_are_shown_but_cannot_be_changed(qtbot, tasks, installed, repo_copy,
                                                         open_page):
    add_source(installed.catalogue, str(repo_copy))
    installed.set_setting(SETTING_LOCKED, json.dumps(list(LOCKABLE)))
    before = settings_snapshot(installed)
    page = open_page()

    for section in (page.sources, page.trust, page.bandwidth, page.subscriptions, page.storage,
                    page.inbox, page.display):
        assert section.lock_note.isVisible() and section.lock_note.text(), type(section).__name__
        for widgets in section.lockable.values():
            assert not any(w.isEnabled() for w in widgets), type(section).__name__
    # the values are still shown
    assert page.sources.table.topLevelItemCount() == 1
    assert page.trust.table.topLevelItemCount() == 1
    assert page.storage.used_value.text()
    assert not page.diagnose.lock_note.isVisible() and page.diagnose.export_button.isEnabled()

    page.sources.add_location("http://192.168.1.10/lessons/")
    page.bandwidth.save_limit()
    page.storage.save_floor()
    page.display.set_large_text(True)
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=TIMEOUT)
    assert settings_snapshot(installed) == before
    assert len(list_sources(installed.catalogue)) == 1


def test_one_locked_setting_leaves_the_others_editable(installed, open_page):
    installed.set_setting(SETTING_LOCKED, json.dumps(["bandwidth"]))
    page = open_page()
    assert page.bandwidth.lock_note.isVisible() and not page.bandwidth.limit_box.isEnabled()
    assert not page.sources.lock_note.isVisible() and page.sources.add_button.isEnabled()
    assert page.display.language_box.isEnabled() and page.display.large_text_box.isEnabled()
