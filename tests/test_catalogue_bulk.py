"""A large catalogue update (a first install) on a catalogue file: indexes set aside and built
again, the checkpoint after the commit, and the helpers that keep other threads from waiting
(issue 17). The speed itself is measured by benchmarks/catalogue_install.py, not here.
"""

import gc
import random
import sqlite3
import threading

import pytest

from teachpoint.errors import RepositoryError
from teachpoint.library import catalogue as catalogue_mod
from teachpoint.library import catalogue_bulk, search, search_index
from teachpoint.library.catalogue import Catalogue
from teachpoint.repo.format import resource_from_json, resource_to_json
from test_catalogue_apply import hits, index_rows, many
from test_catalogue_db import make_resource, repo_info


def schema(path):
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=str)
    finally:
        conn.close()


def main_file_count(path, table):
    """Rows of ``table`` in the main database file alone (the WAL ignored): what a checkpoint copied."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def small_large_update(monkeypatch):
    """Updates of 20 resources or more count as large (1000 in the product)."""
    monkeypatch.setattr(catalogue_mod, "LARGE_UPDATE", 20)


def test_a_first_install_builds_the_same_schema_and_index_and_is_checkpointed(tmp_path, small_large_update):
    path = tmp_path / "catalogue.sqlite"
    cat = Catalogue.open(path)
    cat.apply_repository(repo_info(1, repo="school"), [make_resource("s1", "校本课 剪纸")], [])
    before = schema(path)
    upserts = many(300)
    cat.apply_repository(repo_info(1), upserts, [], release_upserts=True)  # bulk: more than it holds
    assert upserts == []  # freed before the commit, as asked
    assert schema(path) == before  # every index and trigger is back, as it was
    assert main_file_count(path, "resources") == 301  # checkpointed after the commit
    bulk = index_rows(cat)
    search.index_resources(cat.db)  # a rebuild from the catalogue numbers rows the same way
    assert index_rows(cat) == bulk
    assert hits(cat, "剪纸") == ["school:s1"] and len(hits(cat, "春天来了")) == 60
    assert cat.db.execute("SELECT count(*) FROM files").fetchone()[0] == 301
    cat.apply_repository(repo_info(2), [make_resource("r7", "坐井观天")], ["r8"])  # small, incremental
    assert hits(cat, "zjgt") == ["county:r7"] and cat.resource("county:r8") is None
    assert schema(path) == before


@pytest.mark.parametrize("where", ["resources", "search"])
def test_a_failed_first_install_leaves_the_schema_and_the_rows(tmp_path, monkeypatch, small_large_update, where):
    path = tmp_path / "catalogue.sqlite"
    cat = Catalogue.open(path)
    cat.apply_repository(repo_info(1, repo="school"), [make_resource("s1", "校本课 剪纸")], [])
    before = schema(path), index_rows(cat)
    if where == "resources":  # fails while the indexes of resources and files are set aside
        write = Catalogue._write_repository

        def broken(self, *args):
            write(self, *args)
            raise OSError("disk full")

        monkeypatch.setattr(Catalogue, "_write_repository", broken)
    else:  # fails while the search index's triggers and title indexes are set aside
        def broken(conn, batch):
            raise OSError("disk full")

        monkeypatch.setattr(search, "_insert_bulk", broken)
    with pytest.raises(OSError):
        cat.apply_repository(repo_info(1), many(200), [])
    assert (schema(path), index_rows(cat)) == before
    assert cat.repository("county") is None and hits(cat, "剪纸") == ["school:s1"]
    assert cat.db.execute("SELECT count(*) FROM resources").fetchone()[0] == 1


def test_the_collector_is_paused_nested_and_across_threads_and_comes_back():
    assert gc.isenabled()
    entered, leave = threading.Event(), threading.Event()

    def other():
        with catalogue_bulk.collector_paused():
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    with catalogue_bulk.collector_paused():
        thread.start()
        assert entered.wait(10)
        with catalogue_bulk.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread still holds it
    leave.set()
    thread.join(10)
    assert gc.isenabled()


def test_the_collector_stays_off_if_it_was_off():
    gc.disable()
    try:
        with catalogue_bulk.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error():
    with pytest.raises(ValueError):
        with catalogue_bulk.collector_paused():
            raise ValueError("walk failed")
    assert gc.isenabled()


@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 50, 64])
def test_sorted_in_slices_sorts_like_sorted(monkeypatch, count):
    monkeypatch.setattr(catalogue_bulk, "SLICE", 8)
    rng = random.Random(count)
    rows = [(f"id{rng.randrange(1000):04d}", n) for n in range(count)]  # equal keys keep their order
    assert catalogue_bulk.sorted_in_slices(rows, key=lambda row: row[0]) == \
        sorted(rows, key=lambda row: row[0])


def test_resources_of_one_lesson_share_their_position_and_texts_are_still_checked():
    a, b = (resource_from_json(resource_to_json(make_resource(rid, "小雨沙沙"))) for rid in ("a", "b"))
    assert a.position is b.position and a == make_resource("a", "小雨沙沙")
    good = resource_to_json(make_resource("a", "小雨沙沙"))
    for field, value, what in (("unit", "第一\x01单元", "unit"), ("title", 7, "title"),
                               ("description", "x" * 4001, "description"),
                               ("keywords", ["ok", "bad\x1b"], "keyword")):
        with pytest.raises(RepositoryError, match=what):
            resource_from_json({**good, field: value})
    with pytest.raises(RepositoryError, match="file name"):
        resource_from_json({**good, "files": [{**good["files"][0], "name": 3}]})
    with pytest.raises(RepositoryError, match="bad grade"):
        resource_from_json({**good, "grade": True})


def test_release_empties_every_list_given(monkeypatch):
    monkeypatch.setattr(catalogue_bulk, "RELEASE_SLICE", 3)
    a, b, kept = list(range(10)), [(n,) for n in range(4)], [1, 2]
    catalogue_bulk.release(a, b, [])
    assert a == [] and b == [] and kept == [1, 2]
