"""``teachpoint gc`` also cleans the metadata cache: what no accepted tree uses goes, nothing else.

Real repositories from the real publisher (v1 with packs, v2 = +1 lesson fetched as single nodes),
installed from folders; the cache is checked by reading the whole accepted tree from it alone.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from helpers import ROWS, assert_installed_lessons_play
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.root import parse_root
from teachpoint.repo.tree import read_whole_tree
from teachpoint.sync.lock import SyncBusy, SyncLock
from teachpoint.sync.metadata_gc import prune_metadata
from teachpoint.transport.sources import FolderSource
from test_metadata_packs import MANY_UNITS, versions  # noqa: F401 (the fixture)

LESSONS = len(ROWS) + len(MANY_UNITS) + 1  # v2 adds one


def cached_files(ws) -> set[str]:
    return {p.name.split(".", 1)[0] for folder in (ws.cache.nodes_dir, ws.cache.packs_dir)
            for p in folder.glob("*.json.gz")}


def tree_from_cache_alone(ws):
    """The accepted tree of "county", read from the cache only (raises if a node is missing)."""
    root = parse_root(ws.cache.accepted_root_bytes("county"), ws.trust)
    return read_whole_tree(root, NodeReader(ws.cache))


@pytest.fixture
def updated(workspace, versions):  # noqa: F811
    """v1 (packs) installed, then v2 (+1 lesson: a grade, a subject and a leaf node alone)."""
    workspace.install(FolderSource(versions["packed"]))
    workspace.install(FolderSource(versions["packed2"]))
    return workspace


def test_gc_removes_what_the_update_replaced_and_keeps_the_tree_whole(updated, versions):  # noqa: F811
    v1_grades = {p.sha256 for p in parse_root(
        (versions["packed"] / "root.json").read_bytes(), updated.trust).grades.values()}
    before = cached_files(updated)
    stale = v1_grades - {p.sha256 for p in tree_from_cache_alone(updated).nodes}
    assert stale and stale <= before  # the grade node v2 replaced is still kept

    report = prune_metadata(updated)

    after = cached_files(updated)
    assert not report.skipped and report.files_removed == len(before - after) > 0
    assert not stale & after
    tree = tree_from_cache_alone(updated)  # every node still there, some only inside a v1 pack
    assert len(tree.resources) == LESSONS
    assert updated.install(FolderSource(versions["packed2"])) is not None  # same version: fine
    assert_installed_lessons_play(updated, LESSONS)
    assert prune_metadata(updated).files_removed == 0  # nothing more to remove


def test_a_missing_node_means_nothing_is_removed(updated):
    victim = next(p for p in updated.cache.nodes_dir.glob("*.json.gz"))
    victim.unlink()  # the accepted tree can no longer be read whole from the cache
    before = cached_files(updated)
    report = prune_metadata(updated)
    assert report.skipped and report.files_removed == 0 and cached_files(updated) == before
    assert_installed_lessons_play(updated, LESSONS)


def test_gc_waits_for_no_sync(updated):
    held, release = threading.Event(), threading.Event()

    def sync_running():
        with SyncLock(updated.paths.root):
            held.set()
            release.wait(10)

    worker = threading.Thread(target=sync_running)
    worker.start()
    try:
        assert held.wait(10)
        before = cached_files(updated)
        with pytest.raises(SyncBusy):
            prune_metadata(updated)
        assert cached_files(updated) == before
    finally:
        release.set()
        worker.join(10)
    assert_installed_lessons_play(updated, LESSONS)


def test_the_gc_command_says_what_it_removed_from_the_metadata_cache(updated):
    """The command a user runs, in a process of its own, on the updated data dir."""
    data = updated.paths.root
    updated.close()
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(data), "gc"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("metadata cache:"))
    assert line.startswith("metadata cache: removed ") and not line.startswith(
        "metadata cache: removed 0 "), proc.stdout
