"""Metadata packs (teachpoint.repo.packs): few requests for a first install, single nodes for a
small update, old and new clients both ways, and the hostile cases (real nginx, real files)."""

from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path

import pytest

from helpers import ROWS, assert_installed_lessons_play, write_csv
from teachpoint.errors import PackMismatch
from teachpoint.library import search_index
from teachpoint.paths import DataPaths
from teachpoint.publish.publisher import publish
from teachpoint.repo.format import Pin, decode_node, encode_node, index_children, meta_path
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.packs import decode_pack, encode_pack, grade_packs, pack_ref
from teachpoint.repo import tree
from teachpoint.repo.root import parse_root
from teachpoint.repo.tree import GRADE, diff_trees
from teachpoint.sneakernet.export import export
from teachpoint.sneakernet.export_plan import give_plan
from teachpoint.sync.pipeline import METADATA_ONLY, import_repository
from teachpoint.testing.nginx import NginxServer
from teachpoint.transport.http_source import HttpSource
from teachpoint.transport.sources import FolderSource
from teachpoint.workspace import Workspace

# one subject with many leaves (units): a pack of nine nodes beside the three of helpers.ROWS
MANY_UNITS = [f"数学/三年级/认识时间.mp4,认识钟表 {u},三年级,数学,人教版,下册,第{u}单元,1,video,,,钟表"
              for u in range(1, 9)]
NEW_ROW = "数学/三年级/认识时间.mp4,认识钟表 加课,三年级,数学,人教版,下册,第8单元,2,video,,,钟表"


def quiet(*_):
    """A publish progress sink."""


@pytest.fixture(scope="module")
def versions(tmp_path_factory, source_dir, publisher_key):
    """``{"packed", "plain", "packed2"}``: v1 with subject packs, v1 without (an older
    publisher), and the packed repository at v2 (+1 lesson in a subject of eight units). Grade
    packs (tests/test_grade_packs.py) are left out here: these tests are about the subject level,
    which a grade too big for a grade pack goes through."""
    base = tmp_path_factory.mktemp("packs")
    src = base / "src"
    shutil.copytree(source_dir, src)
    write_csv(src, ROWS + MANY_UNITS)
    key = publisher_key.with_suffix(".key")
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tree, "GRADE_PACK_MAX", 0)
        for name, packs in (("packed", True), ("plain", False)):
            publish(src, key, base / name, name="county", progress=quiet, packs=packs)
            out[name] = base / name
        shutil.copytree(base / "packed", base / "packed2")
        write_csv(src, ROWS + MANY_UNITS + [NEW_ROW])
        publish(src, key, base / "packed2", progress=quiet)
        out["packed2"] = base / "packed2"
    return out


@pytest.fixture
def ws(workspace):
    """A fresh data dir trusting the publisher (conftest's)."""
    return workspace


@pytest.fixture(scope="module")
def other_repo(tmp_path_factory, source_dir, publisher_key):
    out = tmp_path_factory.mktemp("other") / "repo"
    publish(source_dir, publisher_key.with_suffix(".key"), out, name="other", progress=quiet,
            packs=False)
    return out


def served(nginx: NginxServer, name: str) -> HttpSource:
    return HttpSource(f"{nginx.url}/{name}/")


def meta_requests(nginx: NginxServer, since: int = 0) -> list[str]:
    """The metadata paths nginx was asked for (its access log), after the first ``since``."""
    log = (nginx.prefix / "access.log").read_text("utf-8", "replace").splitlines()[since:]
    return [line.split('"')[1].split()[1] for line in log if "/meta/" in line]


def grade_nodes(repo: Path, trust) -> dict[int, dict]:
    """The grade nodes of a repository, by grade."""
    source = FolderSource(repo)
    root = parse_root(source.read_root(), trust)
    return {g: decode_node(source.read_node(p.sha256, p.size), p, GRADE) for g, p in root.grades.items()}


def all_meta(repo: Path) -> set[str]:
    return {p.name.split(".")[0] for p in (repo / "meta").iterdir()}


# ---- the format -------------------------------------------------------------------------------


def test_publisher_pins_one_pack_per_subject_holding_its_nodes(ws, versions):
    packed, plain = grade_nodes(versions["packed"], ws.trust), grade_nodes(versions["plain"], ws.trust)
    source = FolderSource(versions["packed"])
    for grade, node in packed.items():
        refs = grade_packs(node)
        assert set(refs) == set(index_children(node)) and not grade_packs(plain[grade])
        assert index_children(node) == index_children(plain[grade])  # same subtrees below
        for subject, ref in refs.items():
            members = decode_pack(source.read_node(ref.pin.sha256, ref.pin.size), ref)
            subject_pin = index_children(node)[subject]
            assert members[0][0] == subject_pin and len(members) == ref.nodes
            leaves = index_children(decode_node(members[0][1], subject_pin, "subject"))
            assert [pin for pin, _ in members[1:]] == [leaves[k] for k in sorted(leaves)]
    plain_grades = {p.sha256 for p in parse_root(
        (versions["plain"] / "root.json").read_bytes(), ws.trust).grades.values()}
    assert all_meta(versions["plain"]) - plain_grades < all_meta(versions["packed"])  # packs: extra


def test_a_pack_is_checked_whole_and_must_hold_what_it_declares():
    nodes = [encode_node({"_type": "leaf", "resources": []}),
             encode_node({"_type": "subject", "children": {}})]
    members = [(Pin(hashlib.sha256(n).hexdigest(), len(n)), n) for n in nodes]
    good = encode_pack(members)
    assert decode_pack(good, pack_ref(good, 2)) == members
    with pytest.raises(PackMismatch, match="does not match its pin"):
        decode_pack(good[:-1] + bytes([good[-1] ^ 1]), pack_ref(good, 2))
    short = good[:-3]  # signed as it is, but its sizes do not add up
    with pytest.raises(PackMismatch, match="does not hold the nodes it declares"):
        decode_pack(short, pack_ref(short, 2))
    with pytest.raises(PackMismatch, match="does not hold the nodes it declares"):
        decode_pack(good, pack_ref(good, 3))
    bomb = encode_node({"_type": "pack", "sizes": [1] * 300_000})
    with pytest.raises(PackMismatch, match="malformed"):
        decode_pack(bomb, pack_ref(bomb, 0))


# ---- old and new clients, both ways -----------------------------------------------------------


def old_client_walk(source, grades: dict[int, Pin]):
    """What a client from before packs does: the tree walk, one node per request, no prefetch."""
    reader = NodeReader(None, source)
    return diff_trees(None, grades, reader), reader


def test_old_client_reads_a_packed_repository_and_never_asks_for_a_pack(ws, versions):
    packed = FolderSource(versions["packed"])
    root = parse_root(packed.read_root(), ws.trust)
    diff, reader = old_client_walk(packed, root.grades)
    packs = {ref.pin for node in grade_nodes(versions["packed"], ws.trust).values()
             for ref in grade_packs(node).values()}
    assert len(diff.upserts) == len(ROWS) + len(MANY_UNITS)
    assert not packs & set(reader.pins) and reader.requests == len(reader.pins)
    plain = FolderSource(versions["plain"])
    old_diff, _ = old_client_walk(plain, parse_root(plain.read_root(), ws.trust).grades)
    assert sorted(old_diff.upserts, key=lambda r: r.rid) == sorted(diff.upserts, key=lambda r: r.rid)


def test_first_install_over_nginx_reads_grades_and_packs_only(ws, versions):
    with NginxServer(versions["packed"].parent) as nginx:
        outcome = import_repository(ws, served(nginx, "packed"), METADATA_ONLY).raise_problem()
        asked = meta_requests(nginx)
    root = parse_root((versions["packed"] / "root.json").read_bytes(), ws.trust)
    nodes = list(grade_nodes(versions["packed"], ws.trust).values())
    packs = {meta_path(ref.pin.sha256) for node in nodes for ref in grade_packs(node).values()}
    grades = {meta_path(pin.sha256) for pin in root.grades.values()}
    assert sorted(p.split("/", 2)[2] for p in asked) == sorted(grades | packs)
    assert len(asked) < sum(ref.nodes for node in nodes for ref in grade_packs(node).values())
    assert outcome.added == len(ROWS) + len(MANY_UNITS)
    assert len(ws.catalogue.resource_ids("county")) == outcome.added


def test_new_client_reads_a_repository_without_packs_node_by_node(ws, versions):
    with NginxServer(versions["plain"].parent) as nginx:
        outcome = import_repository(ws, served(nginx, "plain"), METADATA_ONLY).raise_problem()
        asked = meta_requests(nginx)
    assert sorted(p.split("/", 2)[2] for p in asked) == sorted(
        meta_path(sha) for sha in all_meta(versions["plain"]))  # every node once, nothing else
    assert outcome.added == len(ROWS) + len(MANY_UNITS)


def test_small_update_after_a_packed_install_fetches_single_nodes(ws, versions):
    with NginxServer(versions["packed"].parent) as nginx:
        import_repository(ws, served(nginx, "packed"), METADATA_ONLY).raise_problem()
        before = len((nginx.prefix / "access.log").read_text("utf-8").splitlines())
        outcome = import_repository(ws, served(nginx, "packed2"), METADATA_ONLY).raise_problem()
        asked = meta_requests(nginx, before)
    new = all_meta(versions["packed2"]) - all_meta(versions["packed"])
    assert (outcome.added, outcome.updated) == (1, 0)
    assert len(asked) == 3  # the grade node, the subject node, the leaf: no pack
    assert all(p.split("/")[-1].split(".")[0] in new for p in asked)
    assert outcome.metadata_bytes <= 64 * 1024


# ---- hostile ----------------------------------------------------------------------------------


@pytest.fixture
def playing(ws, other_repo):
    """``ws`` with the lessons of repository "other" installed (they must still play after)."""
    ws.install(FolderSource(other_repo))
    assert_installed_lessons_play(ws, 3)
    return ws


def packs_of(repo: Path, trust) -> dict[Path, int]:
    """The pack files of a repository and how many nodes each holds."""
    return {repo / meta_path(ref.pin.sha256): ref.nodes
            for node in grade_nodes(repo, trust).values() for ref in grade_packs(node).values()}


def test_a_tampered_pack_is_refused_and_nothing_is_written(playing, versions, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(versions["packed"], repo)
    packs = packs_of(repo, playing.trust)
    assert_a_tampered_pack_is_refused(playing, repo, max(packs, key=packs.get))


def assert_a_tampered_pack_is_refused(playing, repo: Path, target: Path) -> None:
    """Flip a byte of the pack file ``target`` in ``repo``: the import stops with PackMismatch,
    nothing of "county" is written, and the lessons installed before still play."""
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    outcome = import_repository(playing, FolderSource(repo), METADATA_ONLY)
    assert isinstance(outcome.problem, PackMismatch) and outcome.status == "failed"
    assert playing.catalogue.repository("county") is None
    assert not playing.catalogue.resource_ids("county")
    assert not (playing.cache.packs_dir / target.name).exists()
    assert_installed_lessons_play(playing, 3)


def test_a_pack_missing_on_the_source_falls_back_to_single_nodes(playing, versions):
    packs = packs_of(versions["packed"], playing.trust)
    gone = max(packs, key=packs.get)  # the subject of nine units: ten nodes
    members = decode_pack(gone.read_bytes(), pack_ref(gone.read_bytes(), packs[gone]))
    lacking = [pin for pin, _ in members if playing.cache.get(pin) is None]
    grades = len(grade_nodes(versions["packed"], playing.trust))
    outcome, asked = import_without(playing, versions["packed"], gone)
    assert outcome.raise_problem().added == len(ROWS) + len(MANY_UNITS)
    assert asked.count(f"/packed/{meta_path(gone.name.split('.')[0])}") == 1  # asked once: 404
    # then the nodes of that pack this PC lacked, one by one (the other subjects are the same
    # as those of "other": held already, neither their packs nor their nodes are asked for)
    assert len(lacking) > 1 and len(asked) == grades + 1 + len(lacking)
    assert {f"/packed/{meta_path(pin.sha256)}" for pin in lacking} <= set(asked)
    assert_installed_lessons_play(playing, 3)


def import_without(ws, repo: Path, gone: Path):
    """Import ``repo`` over nginx (metadata only) while its file ``gone`` is missing; the outcome
    and the metadata paths nginx was asked for."""
    with NginxServer(repo.parent) as nginx:
        moved = gone.with_name("moved-away")
        gone.rename(moved)
        try:
            outcome = import_repository(ws, served(nginx, repo.name), METADATA_ONLY)
        finally:
            moved.rename(gone)
        return outcome, meta_requests(nginx)


def test_a_damaged_pack_in_the_cache_is_a_miss_read_again(ws, versions):
    ws.install(FolderSource(versions["packed"]), blobs=False)
    for kept in ws.cache.packs_dir.iterdir():
        kept.write_bytes(b"\x00" * kept.stat().st_size)
    fresh = Workspace(ws.paths, install_demo=False)  # a new process: the pack index is read again
    try:
        outcome = import_repository(fresh, FolderSource(versions["packed2"]), METADATA_ONLY)
        assert outcome.raise_problem().added == 1
    finally:
        fresh.close()


# ---- the catalogue while it is written ------------------------------------------------------


def test_readers_are_not_held_up_by_a_catalogue_update(ws, versions, monkeypatch):
    """While apply_repository's transaction is open, the GUI's reader (shared connection under
    write_lock) gets the lock at once and sees the previous state; then the new one."""
    inside, go_on = threading.Event(), threading.Event()
    real = search_index.write_rows

    def held(conn, rows):
        inside.set()
        assert go_on.wait(60)
        return real(conn, rows)

    monkeypatch.setattr(search_index, "write_rows", held)
    worker = threading.Thread(target=ws.install, args=(FolderSource(versions["packed"]),),
                              kwargs={"blobs": False})
    worker.start()
    try:
        assert inside.wait(60)
        assert ws.catalogue.write_lock.acquire(timeout=0)  # not held by the update
        try:
            assert not ws.catalogue.resource_ids("county")  # the previous state, not half of one
        finally:
            ws.catalogue.write_lock.release()
    finally:
        go_on.set()
        worker.join(60)
    assert len(ws.catalogue.resource_ids("county")) == len(ROWS) + len(MANY_UNITS)


def test_a_stick_carries_the_packs_and_the_next_pc_installs_from_them(ws, versions, tmp_path,
                                                                      publisher_key):
    """A stick written by a PC that holds the packs whole carries them: the next PC's import
    reads a subject in one file, as from the server (it read every node one by one before)."""
    ws.install(FolderSource(versions["packed"]))
    stick = tmp_path / "stick"
    export(ws, give_plan(ws), stick)
    packs = [ref.pin for node in grade_nodes(versions["packed"], ws.trust).values()
             for ref in grade_packs(node).values()]
    assert packs and all((stick / "county" / meta_path(p.sha256)).stat().st_size == p.size
                         for p in packs)
    fresh = Workspace(DataPaths(tmp_path / "next", explicit=True), install_demo=False)
    try:
        fresh.trust.add(publisher_key.with_suffix(".pub"))
        fresh.install(FolderSource(stick / "county"))
        assert all(fresh.cache.packs.whole(p) is not None for p in packs)  # read as packs
        assert_installed_lessons_play(fresh, len(ROWS) + len(MANY_UNITS))
    finally:
        fresh.close()
