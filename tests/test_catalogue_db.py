"""Opening, migrating and protecting the catalogue file."""

import sqlite3

import pytest

from teachpoint.library.wanted import missing_files
from teachpoint.errors import CatalogueTooNew
from teachpoint.library import teaching
from teachpoint.library.catalogue import Catalogue
from teachpoint.library.db import APPLICATION_ID, SCHEMA_VERSION, open_database, schema_version
from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource

SHA_A = "a" * 64
SHA_B = "b" * 64


def make_resource(rid, title, grade=3, subject="音乐", unit="第二单元 春天", lesson=1, sha=SHA_A):
    return Resource(rid=rid, kind="video", title=title,
                    position=Position(grade, subject, "人音版", "上册", unit, lesson),
                    files=(FileRef("main", sha, 100, "video/mp4", name="x.mp4"),),
                    description="春天的歌", keywords=("春天",), duration=12.0)


def repo_info(version=1, repo="county"):
    return RepositoryInfo(repo, "县资源中心", "k" * 16, version, "r" * 64,
                          "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "/media/usb")


def test_new_file_gets_current_schema_and_wal(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    result = open_database(path)
    assert schema_version(result.db) == SCHEMA_VERSION
    assert result.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert result.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert result.set_aside is None


def test_reopen_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    cat = Catalogue.open(path)
    cat.apply_repository(repo_info(), [make_resource("r1", "小雨沙沙")], [])
    cat.close()
    again = open_database(path)
    assert again.upgraded_from is None
    assert again.db.execute("SELECT title FROM resources").fetchall() == [("小雨沙沙",)]


def test_older_schema_is_upgraded_step_by_step(tmp_path, monkeypatch):
    """A catalogue written by an older version (schema 0 + data) opens and upgrades."""
    from teachpoint.library import db as dbmod
    from teachpoint.library import migrations

    path = tmp_path / "catalogue.sqlite"
    cat = Catalogue.open(path)
    cat.apply_repository(repo_info(), [make_resource("r1", "小雨沙沙")], [])
    cat.close()

    def add_column(db):
        db.conn.execute("ALTER TABLE resources ADD COLUMN future_note TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(dbmod, "MIGRATIONS", migrations.MIGRATIONS + [add_column])
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    result = dbmod.open_database(path)
    assert result.upgraded_from == SCHEMA_VERSION
    assert schema_version(result.db) == SCHEMA_VERSION + 1
    assert result.db.execute("SELECT title, future_note FROM resources").fetchall() == [("小雨沙沙", "")]


def test_newer_schema_is_refused_and_untouched(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    open_database(path).db.conn.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CatalogueTooNew, match="newer TeachPoint"):
        open_database(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"this is not sqlite at all\x00" * 100, b""])
def test_not_sqlite_is_moved_aside_not_overwritten(tmp_path, content):
    path = tmp_path / "catalogue.sqlite"
    path.write_bytes(content or b"garbage")
    result = open_database(path)
    assert result.set_aside is not None and result.set_aside.read_bytes() == (content or b"garbage")
    assert schema_version(result.db) == SCHEMA_VERSION


def test_someone_elses_sqlite_is_moved_aside(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    result = open_database(path)
    assert result.set_aside.name.startswith("catalogue.sqlite.unreadable-")
    kept = sqlite3.connect(result.set_aside).execute("SELECT amount FROM invoices").fetchall()
    assert kept == [(9.5,)]


def test_apply_repository_upserts_removes_and_keeps_progress():
    cat = Catalogue.open(None)
    cat.apply_repository(repo_info(1), [make_resource("r1", "小雨沙沙"),
                                        make_resource("r2", "春晓", lesson=2, sha=SHA_B)], [])
    teaching.save_position(cat, "county:r1", 5000)
    cat.apply_repository(repo_info(2), [make_resource("r1", "小雨沙沙（新版）")], ["r2"])
    assert cat.resource("county:r1").title == "小雨沙沙（新版）"
    assert cat.resource("county:r2") is None
    assert teaching.progress_of(cat, "county:r1")["position_ms"] == 5000
    assert cat.repository("county").version == 2
    # the emptied lesson is gone from the tree
    assert cat.db.execute("SELECT COUNT(*) FROM lessons").fetchone()[0] == 1


def test_states_follow_blobs_and_one_blob_serves_two_resources():
    cat = Catalogue.open(None)
    cat.apply_repository(repo_info(), [make_resource("r1", "小雨沙沙"),
                                       make_resource("r2", "小雨沙沙 复习", lesson=2)], [])
    assert cat.status()["resources"]["not_downloaded"] == 2
    assert {f.sha256 for f in missing_files(cat)} == {SHA_A}  # a shared blob is one file to fetch
    cat.mark_blob_present(SHA_A, 100)
    assert cat.status()["resources"]["installed"] == 2
    cat.mark_blobs_checked([], [SHA_A], [])
    assert cat.state_of("county:r1") == "damaged"
    assert cat.status()["lessons"]["damaged"] == 2


def test_next_lesson_continues_where_the_class_stopped():
    cat = Catalogue.open(None)
    cat.apply_repository(repo_info(), [make_resource(f"r{i}", f"第{i}课", lesson=i) for i in (1, 2, 3)], [])
    cls = teaching.add_class(cat, "三年级", "音乐", "人音版")
    assert teaching.next_lesson(cat, cls) == "county:r1"
    teaching.record_play(cat, "county:r1")
    teaching.save_position(cat, "county:r1", 30000)
    assert teaching.next_lesson(cat, cls) == "county:r1"  # unfinished: resume it
    teaching.save_position(cat, "county:r1", 60000, finished=True)
    assert teaching.next_lesson(cat, cls) == "county:r2"


def test_bookmarks_and_classes_round_trip():
    cat = Catalogue.open(None)
    cat.apply_repository(repo_info(), [make_resource("r1", "小雨沙沙")], [])
    teaching.add_bookmark(cat, "county:r1", 42000, "跟唱开始")
    teaching.add_bookmark(cat, "county:r1", 1000, "")
    assert [b["position_ms"] for b in teaching.bookmarks(cat, "county:r1")] == [1000, 42000]
    teaching.add_class(cat, "初一", "生物", "")
    teaching.add_class(cat, 7, "生物学", "")  # the same class said differently
    assert [(c.grade, c.subject) for c in teaching.classes(cat)] == [(7, "生物学")]
