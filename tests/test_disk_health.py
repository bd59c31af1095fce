"""A full disk is seen by a real write (SQLite's SQLITE_FULL) and by the store's free-space floor."""

from __future__ import annotations

import sqlite3

import pytest

from helpers import assert_installed_lessons_play
from teachpoint.library.settings import set_setting
from teachpoint.library.disk_health import check_disk
from test_site_config import played  # noqa: F401 - the fixture: a workspace with lessons installed


def fill_catalogue(ws) -> None:
    """Let the catalogue grow no more and fill its free pages, as on a full disk: SQLite then
    answers SQLITE_FULL ("database or disk is full") to any write that needs room."""
    conn = ws.catalogue.db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    for i in range(10_000):  # bounded: a few free pages at most
        try:
            with conn:
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [f"fill.{i}", "x" * 500])
        except sqlite3.OperationalError as exc:
            assert exc.sqlite_errorcode == sqlite3.SQLITE_FULL
            return
    raise AssertionError("the catalogue never filled up")


def test_a_full_catalogue_cannot_save_and_says_so(workspace):
    assert check_disk(workspace, write_probe=True).ok
    fill_catalogue(workspace)
    health = check_disk(workspace, write_probe=True)
    assert not health.can_save and "full" in health.detail
    with pytest.raises(sqlite3.OperationalError):  # what saving anything meets
        set_setting(workspace.catalogue, "ui.note", "x" * 5000)


def test_free_space_below_the_floor_blocks_downloads(played):  # noqa: F811 - a fixture
    health = check_disk(played)
    assert not health.downloads_blocked
    played.store.floor_bytes = health.free + (1 << 30)  # a small disk: less free than the floor
    assert check_disk(played).downloads_blocked and not check_disk(played).ok
    assert_installed_lessons_play(played)
