"""Grade packs (teachpoint.repo.packs): a small grade's whole subtree in one file pinned from the
signed root, so a first install of a small repository is the root and one read per grade, all at
once. Real publisher, real nginx, real files; the hostile cases check the lessons installed
before still play."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest

from helpers import ROWS, assert_installed_lessons_play, write_csv
from teachpoint.errors import RepositoryError
from teachpoint.paths import DataPaths
from teachpoint.publish.publisher import publish
from teachpoint.repo import keys, tree
from teachpoint.repo.format import meta_path
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.packs import PackRef, decode_pack, grade_packs
from teachpoint.repo.root import build_root, parse_root
from teachpoint.repo.tree import read_whole_tree
from teachpoint.repo.verify import verify_repository
from teachpoint.sneakernet.export import export
from teachpoint.sneakernet.export_plan import give_plan
from teachpoint.sync.metadata_gc import prune_metadata
from teachpoint.sync.pipeline import METADATA_ONLY, import_repository
from teachpoint.testing.nginx import NginxServer
from teachpoint.transport.sources import FolderSource
from teachpoint.workspace import Workspace
from test_metadata_packs import (  # noqa: F401 (other_repo, playing, ws: fixtures)
    MANY_UNITS, NEW_ROW, assert_a_tampered_pack_is_refused, grade_nodes, import_without,
    meta_requests, other_repo, playing, quiet, served, ws)

LESSONS = len(ROWS) + len(MANY_UNITS)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, source_dir, publisher_key):
    """``{"graded", "graded2"}``: v1 as the publisher writes it by default (two small grades: a
    grade pack each) and v2 = v1 + one lesson."""
    base = tmp_path_factory.mktemp("grade-packs")
    src = base / "src"
    shutil.copytree(source_dir, src)
    write_csv(src, ROWS + MANY_UNITS)
    key = publisher_key.with_suffix(".key")
    publish(src, key, base / "graded", name="county", progress=quiet)
    shutil.copytree(base / "graded", base / "graded2")
    write_csv(src, ROWS + MANY_UNITS + [NEW_ROW])
    publish(src, key, base / "graded2", progress=quiet)
    return {"graded": base / "graded", "graded2": base / "graded2"}


def root_of(repo, trust):
    return parse_root((repo / "root.json").read_bytes(), trust)


def pack_paths(root) -> set[str]:
    return {meta_path(ref.pin.sha256) for ref in root.grade_packs.values()}


def asked_paths(asked: list[str]) -> list[str]:
    return sorted(p.split("/", 2)[2] for p in asked)


# ---- the format -------------------------------------------------------------------------------


def test_each_small_grade_has_a_pack_of_its_whole_subtree_pinned_from_the_root(workspace, graded):
    repo = graded["graded"]
    root = root_of(repo, workspace.trust)
    assert set(root.grade_packs) == set(root.grades) == {2, 3}
    reader = NodeReader(source=FolderSource(repo), keep=False)
    whole = read_whole_tree(root, reader)
    packed = set()
    for grade, ref in root.grade_packs.items():
        members = decode_pack((repo / meta_path(ref.pin.sha256)).read_bytes(), ref)
        assert members[0][0] == root.grades[grade]  # the grade node first
        packed |= {pin for pin, _ in members}
    assert packed == set(whole.nodes)  # every node of the tree, in the pack of its grade
    # the subject packs stay (a big grade is read through them), and the root lists every pack
    subject_packs = {ref.pin for node in grade_nodes(repo, workspace.trust).values()
                     for ref in grade_packs(node).values()}
    assert subject_packs and set(whole.packs) == subject_packs | {
        ref.pin for ref in root.grade_packs.values()}


def test_a_grade_too_big_for_a_pack_gets_none(workspace, source_dir, publisher_key, tmp_path,
                                              monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(source_dir, src)
    write_csv(src, ROWS + MANY_UNITS)
    monkeypatch.setattr(tree, "GRADE_PACK_MAX", 2500)  # grade 2 (one lesson) fits, grade 3 not
    publish(src, publisher_key.with_suffix(".key"), tmp_path / "repo", name="county",
            progress=quiet)
    assert set(root_of(tmp_path / "repo", workspace.trust).grade_packs) == {2}
    publish(src, publisher_key.with_suffix(".key"), tmp_path / "plain", name="county",
            progress=quiet, packs=False)
    assert not root_of(tmp_path / "plain", workspace.trust).grade_packs


def test_a_root_pinning_a_pack_of_a_grade_it_lacks_is_refused(workspace, graded, publisher_key):
    good = root_of(graded["graded"], workspace.trust)
    private = keys.load_private_key(publisher_key.with_suffix(".key"))
    ref = next(iter(good.grade_packs.values()))
    now = datetime.now(timezone.utc)

    def signed(grade_packs) -> bytes:
        return build_root(private, good.key_id, "county", "县", 9, now, now + timedelta(days=9),
                          good.grades, {}, grade_packs=grade_packs)

    with pytest.raises(RepositoryError, match="does not have"):
        parse_root(signed({9: ref}), workspace.trust)
    with pytest.raises(RepositoryError, match="malformed pack entry"):
        parse_root(signed({2: PackRef(ref.pin, 0)}), workspace.trust)
    assert parse_root(signed({2: ref}), workspace.trust).grade_packs == {2: ref}


# ---- what a client reads ----------------------------------------------------------------------


def test_a_first_install_reads_the_root_and_one_pack_per_grade(workspace, graded):
    with NginxServer(graded["graded"].parent) as nginx:
        outcome = import_repository(workspace, served(nginx, "graded"), METADATA_ONLY)
        asked = meta_requests(nginx)
    root = root_of(graded["graded"], workspace.trust)
    assert asked_paths(asked) == sorted(pack_paths(root))  # two reads for the whole tree
    assert outcome.raise_problem().added == LESSONS
    assert all(workspace.cache.packs.whole(ref.pin) for ref in root.grade_packs.values())


def test_one_more_lesson_after_a_grade_pack_install_is_three_single_nodes(workspace, graded):
    with NginxServer(graded["graded"].parent) as nginx:
        import_repository(workspace, served(nginx, "graded"), METADATA_ONLY).raise_problem()
        before = len((nginx.prefix / "access.log").read_text("utf-8").splitlines())
        outcome = import_repository(workspace, served(nginx, "graded2"), METADATA_ONLY)
        asked = meta_requests(nginx, before)
    assert (outcome.raise_problem().added, outcome.updated) == (1, 0)
    assert len(asked) == 3  # the grade node, the subject node, the leaf: no pack
    assert not set(asked_paths(asked)) & pack_paths(root_of(graded["graded2"], workspace.trust))
    assert outcome.metadata_bytes <= 64 * 1024


# ---- hostile ----------------------------------------------------------------------------------


def test_a_tampered_grade_pack_is_refused_and_nothing_is_written(playing, graded, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(graded["graded"], repo)
    root = root_of(repo, playing.trust)
    assert_a_tampered_pack_is_refused(playing, repo, repo / meta_path(root.grade_packs[3].pin.sha256))


def test_a_grade_pack_missing_on_the_source_falls_back_to_the_grade_node(playing, graded):
    root = root_of(graded["graded"], playing.trust)
    gone = graded["graded"] / meta_path(root.grade_packs[3].pin.sha256)
    outcome, asked = import_without(playing, graded["graded"], gone)
    asked = asked_paths(asked)
    assert outcome.raise_problem().added == LESSONS
    assert asked.count(meta_path(root.grade_packs[3].pin.sha256)) == 1  # asked once: 404
    assert meta_path(root.grades[3].sha256) in asked  # then its grade node, as without the pack
    assert_installed_lessons_play(playing, 3)


# ---- what the PC keeps and gives --------------------------------------------------------------


def test_gc_keeps_the_grade_packs_and_a_stick_carries_them(workspace, graded, tmp_path,
                                                           publisher_key):
    workspace.install(FolderSource(graded["graded"]))
    root = root_of(graded["graded"], workspace.trust)
    prune_metadata(workspace)
    assert all(workspace.cache.packs.whole(ref.pin) for ref in root.grade_packs.values())
    stick = tmp_path / "stick"
    export(workspace, give_plan(workspace), stick)
    assert all((stick / "county" / path).stat().st_size > 0 for path in pack_paths(root))
    fresh = Workspace(DataPaths(tmp_path / "next", explicit=True), install_demo=False)
    try:
        fresh.trust.add(publisher_key.with_suffix(".pub"))
        fresh.install(FolderSource(stick / "county"))
        assert all(fresh.cache.packs.whole(ref.pin) for ref in root.grade_packs.values())
        assert_installed_lessons_play(fresh, LESSONS)
    finally:
        fresh.close()


def test_verify_names_a_damaged_pack_and_accepts_a_missing_one(workspace, graded, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(graded["graded"], repo)
    root = root_of(repo, workspace.trust)
    assert verify_repository(FolderSource(repo), workspace.trust).ok
    (repo / meta_path(root.grade_packs[2].pin.sha256)).unlink()  # optional: nodes one by one
    assert verify_repository(FolderSource(repo), workspace.trust).ok
    damaged = repo / meta_path(root.grade_packs[3].pin.sha256)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    problems = verify_repository(FolderSource(repo), workspace.trust).problems
    assert len(problems) == 1 and problems[0].startswith("grade 3 pack:")
    assert "does not match its pin" in problems[0]
