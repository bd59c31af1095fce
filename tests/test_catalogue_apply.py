"""A catalogue update at scale: batched, its search rows written in the same transaction (issue 17).

The bulk path (most of the index changes) and the incremental path (a few rows) must give the
same search results as a rebuild from scratch, and an update that fails half-way must leave the
previous state (resources, files, search rows) as it was.
"""

import pytest

from teachpoint.library import search, search_index
from teachpoint.library.catalogue import Catalogue
from test_catalogue_db import make_resource, repo_info

TITLES = ["小雨沙沙", "春天来了", "小马过河", "乌鸦喝水", "静夜思"]


def many(count, version_tag=""):
    return [make_resource(f"r{i}", f"{TITLES[i % len(TITLES)]}{version_tag}{i}", lesson=i % 9 + 1)
            for i in range(count)]


def index_rows(cat):
    return cat.db.execute(
        "SELECT id, resource_id, title, title_pinyin, tags, ordering FROM search_text ORDER BY id").fetchall()


def hits(cat, query):
    return sorted(h.resource_id for h in search.search(cat.db, query, limit=500))


def test_bulk_then_incremental_updates_match_a_rebuild():
    cat = Catalogue.open(None)
    cat.apply_repository(repo_info(1), many(300), [])  # bulk: the index was empty
    bulk = index_rows(cat)
    search.index_resources(cat.db)  # a rebuild from the catalogue numbers rows the same way
    assert index_rows(cat) == bulk and len(bulk) == 300

    changed = [make_resource("r7", "坐井观天"), make_resource("new1", "曹冲称象")]
    cat.apply_repository(repo_info(2), changed, ["r8"])  # incremental: 2 of 300 rows
    assert hits(cat, "坐井观天") == ["county:r7"] and hits(cat, "zjgt") == ["county:r7"]
    assert hits(cat, "曹冲称象") == ["county:new1"]
    assert "county:r8" not in hits(cat, "静夜思") and "county:r7" not in hits(cat, "乌鸦喝水")
    after = {r[1]: r[2:] for r in index_rows(cat)}
    search.index_resources(cat.db)
    assert {r[1]: r[2:] for r in index_rows(cat)} == after


def test_bulk_rewrite_keeps_the_rows_of_other_repositories():
    cat = Catalogue.open(None)
    cat.apply_repository(repo_info(1, repo="school"), [make_resource("s1", "校本课 剪纸")], [])
    cat.apply_repository(repo_info(1), many(200), [])
    assert hits(cat, "剪纸") == ["school:s1"]
    assert len(hits(cat, "春天来了")) == 40


@pytest.mark.parametrize("count", [3, 200])  # the incremental and the bulk path
def test_a_failed_update_leaves_the_previous_state(monkeypatch, count):
    cat = Catalogue.open(None)
    cat.apply_repository(repo_info(1), many(count), [])
    before = (index_rows(cat), cat.db.execute("SELECT * FROM resources ORDER BY id").fetchall(),
              cat.db.execute("SELECT * FROM files ORDER BY resource_id").fetchall())

    def broken(conn, rows):
        conn.execute("DELETE FROM search_text")
        raise OSError("disk full")

    monkeypatch.setattr(search_index, "write_rows", broken)
    with pytest.raises(OSError):
        cat.apply_repository(repo_info(2), many(count, "新"), ["r0"])
    assert cat.repository("county").version == 1
    after = (index_rows(cat), cat.db.execute("SELECT * FROM resources ORDER BY id").fetchall(),
             cat.db.execute("SELECT * FROM files ORDER BY resource_id").fetchall())
    assert after == before
    assert hits(cat, TITLES[1]) != []
