"""Hostile and broken repositories: each is refused with a clear error and nothing changes.

Every test first installs the good repository, then offers a bad one, and finally checks that the
lessons already installed still play.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from datetime import datetime, timedelta, timezone

import pytest

from helpers import assert_installed_lessons_play, is_pack_file, resign_root
from teachpoint.errors import RepositoryError, RollbackError, SignatureError
from teachpoint.repo import keys
from teachpoint.publish.publisher import publish
from teachpoint.repo.format import blob_path, encode_node, meta_path
from teachpoint.repo.root import parse_root
from teachpoint.transport.sources import FolderSource
from teachpoint.repo.trust import TrustStore
from teachpoint.repo.verify import verify_repository
from teachpoint.sync.pipeline import OLDER


def quiet(*_):
    pass


@pytest.fixture
def installed(workspace, published_repo):
    """A workspace with the good repository installed; returns (workspace, snapshot)."""
    workspace.install(FolderSource(published_repo))
    return workspace


def snapshot(ws):
    db = ws.catalogue.db
    return (db.execute("SELECT * FROM repositories").fetchall(),
            db.execute("SELECT id, title, repo_version FROM resources ORDER BY id").fetchall(),
            db.execute("SELECT sha256, state FROM blobs ORDER BY sha256").fetchall())


def payload_of(repo):
    return json.loads(json.loads((repo / "root.json").read_text("utf-8"))["payload"])


def a_leaf(repo):
    """(path, node) of some leaf node in the repository."""
    for path in (repo / "meta").iterdir():
        if is_pack_file(path):
            continue
        node = json.loads(gzip.decompress(path.read_bytes()))
        if node["_type"] == "leaf":
            return path, node
    raise AssertionError("no leaf")


def refused(ws, repo, error=RepositoryError, match=None):
    before = snapshot(ws)
    with pytest.raises(error, match=match):
        ws.install(FolderSource(repo))
    assert snapshot(ws) == before, "a refused repository must change nothing"
    assert_installed_lessons_play(ws, 3)


def test_tampered_blob_is_not_installed(workspace, repo_copy):
    leaf_path, leaf = a_leaf(repo_copy)
    sha = leaf["resources"][0]["files"][0]["sha256"]
    blob = repo_copy / blob_path(sha)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    report = workspace.install(FolderSource(repo_copy))
    assert len(report.problems) == 1 and "expected" in report.problems[0]
    assert not workspace.store.has(sha)
    assert workspace.catalogue.status()["resources"]["installed"] == 2
    assert not any(p.name.endswith(".tmp") for p in workspace.store.root.rglob("*"))
    assert_installed_lessons_play(workspace, 2)
    assert not verify_repository(FolderSource(repo_copy), TrustStore(workspace.paths.trust)).ok


def test_tampered_metadata_node(installed, repo_copy, publisher_key):
    """Version 2 pins a changed leaf; the mirror serves other bytes under that leaf's name."""
    path, leaf = a_leaf(repo_copy)
    leaf["resources"][0]["title"] = "第二版的标题"
    data = encode_node(leaf)
    _repoint(repo_copy, path, data, publisher_key)
    leaf["resources"][0]["title"] = "被篡改的标题"
    (repo_copy / meta_path(hashlib.sha256(data).hexdigest())).write_bytes(encode_node(leaf))
    refused(installed, repo_copy, RepositoryError, "does not match its pin|larger than")


def test_swapped_node_from_another_place_is_refused(installed, repo_copy, publisher_key):
    """Mix-and-match: a grade pin pointing at a leaf (wrong node type) or another version's node."""
    leaf_path, _ = a_leaf(repo_copy)
    data = leaf_path.read_bytes()

    def point_grade_at_leaf(p):
        p["version"] = 2
        first = sorted(p["grades"])[0]
        p["grades"][first] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    resign_root(repo_copy, publisher_key.with_suffix(".key"), point_grade_at_leaf)
    refused(installed, repo_copy, RepositoryError, "not a grade node")


def test_forged_signature(installed, repo_copy):
    envelope = json.loads((repo_copy / "root.json").read_text("utf-8"))
    payload = json.loads(envelope["payload"])
    payload["version"] = 99
    envelope["payload"] = json.dumps(payload)  # changed content, old signature
    (repo_copy / "root.json").write_text(json.dumps(envelope), encoding="utf-8")
    refused(installed, repo_copy, SignatureError)


def test_untrusted_key(installed, repo_copy, tmp_path):
    keys.generate_keypair(tmp_path / "mallory")
    resign_root(repo_copy, tmp_path / "mallory.key", lambda p: p.update(version=5))
    refused(installed, repo_copy, SignatureError, "does not trust")


def test_key_trusted_for_another_repository_only(workspace, published_repo, publisher_key):
    workspace.trust.add(publisher_key.with_suffix(".pub"), repos=["someone-else"])
    with pytest.raises(SignatureError):
        workspace.install(FolderSource(published_repo))
    assert workspace.catalogue.status()["resources"]["installed"] == 0


def test_rollback_to_older_version(tmp_path, source_dir, publisher_key, workspace):
    repo = tmp_path / "repo"
    publish(source_dir, publisher_key.with_suffix(".key"), repo, name="county", progress=quiet)
    old_root = (repo / "root.json").read_bytes()
    publish(source_dir, publisher_key.with_suffix(".key"), repo, progress=quiet)
    workspace.install(FolderSource(repo))
    assert workspace.catalogue.repository("county").version == 2
    (repo / "root.json").write_bytes(old_root)
    before = snapshot(workspace)
    outcome = workspace.install(FolderSource(repo))  # one policy for every transport:
    assert outcome.status == OLDER and outcome.installed_version == 2  # never roll back, say so
    assert not outcome.metadata_applied and "比本机的版本 2 旧" in outcome.summary_zh()
    assert snapshot(workspace) == before, "an older root must not change the catalogue"
    assert_installed_lessons_play(workspace, 3)


def test_same_version_different_content_is_refused(installed, repo_copy, publisher_key):
    resign_root(repo_copy, publisher_key.with_suffix(".key"), lambda p: p.update(title="另一个"))
    refused(installed, repo_copy, RollbackError, "same number")


def test_traversal_names_and_bad_hashes_in_metadata(installed, repo_copy, publisher_key):
    for evil in ({"name": "../../etc/passwd"}, {"sha256": "../../../etc/passwd"},
                 {"name": "C:\\Windows\\x.dll"}):
        repo = repo_copy.parent / f"evil{len(str(evil))}"
        shutil.copytree(repo_copy, repo)
        path, leaf = a_leaf(repo)
        leaf["resources"][0]["files"][0].update(evil)
        data = encode_node(leaf)
        _repoint(repo, path, data, publisher_key)
        refused(installed, repo, RepositoryError)


def _repoint(repo, old_path, data, publisher_key):
    """Store a replacement leaf and re-pin it all the way up to a newly signed root."""
    old_sha = old_path.name.split(".")[0]
    new_sha = hashlib.sha256(data).hexdigest()
    (repo / meta_path(new_sha)).write_bytes(data)
    replaced = {old_sha: (new_sha, len(data))}
    for _ in range(2):  # subject node, then grade node
        for path in list((repo / "meta").iterdir()):
            if is_pack_file(path):
                continue
            node = json.loads(gzip.decompress(path.read_bytes()))
            if not isinstance(node, dict) or node.get("_type") not in ("grade", "subject"):
                continue
            hit = [k for k, v in node["children"].items() if v["sha256"] in replaced]
            if hit:
                for k in hit:
                    sha, size = replaced[node["children"][k]["sha256"]]
                    node["children"][k] = {"sha256": sha, "size": size}
                out = encode_node(node)
                out_sha = hashlib.sha256(out).hexdigest()
                (repo / meta_path(out_sha)).write_bytes(out)
                replaced[path.name.split(".")[0]] = (out_sha, len(out))

    def mutate(p):
        p["version"] = 2
        for g, pin in p["grades"].items():
            if pin["sha256"] in replaced:
                sha, size = replaced[pin["sha256"]]
                p["grades"][g] = {"sha256": sha, "size": size}

    resign_root(repo, publisher_key.with_suffix(".key"), mutate)


@pytest.mark.parametrize("size", [-1, 2**62, "12", True])
def test_absurd_declared_sizes(installed, repo_copy, publisher_key, size):
    path, leaf = a_leaf(repo_copy)
    leaf["resources"][0]["files"][0]["size"] = size
    _repoint(repo_copy, path, encode_node(leaf), publisher_key)
    refused(installed, repo_copy, RepositoryError, "size")


def test_size_lie_on_a_blob_is_caught(workspace, repo_copy):
    """The blob on the stick is longer than declared: it is not installed."""
    _, leaf = a_leaf(repo_copy)
    sha = leaf["resources"][0]["files"][0]["sha256"]
    blob = repo_copy / blob_path(sha)
    blob.write_bytes(blob.read_bytes() + b"extra")
    report = workspace.install(FolderSource(repo_copy))
    assert not workspace.store.has(sha)
    assert report.files.files_missing + len(report.problems) >= 1
    assert_installed_lessons_play(workspace, 2)


def test_decompression_bomb_and_oversized_nodes(installed, repo_copy, publisher_key):
    bomb = gzip.compress(b"{" + b" " * (80 << 20) + b"}", compresslevel=9, mtime=0)
    path, _ = a_leaf(repo_copy)
    _repoint(repo_copy, path, bomb, publisher_key)
    refused(installed, repo_copy, RepositoryError, "inflates past")


def test_malformed_and_huge_root(installed, tmp_path):
    for name, data in {"garbage": b"\x00\xffnot json", "json": b'{"payload": 3}',
                       "huge": b" " * (2 << 20), "empty": b""}.items():
        repo = tmp_path / name
        repo.mkdir()
        (repo / "root.json").write_bytes(data)
        refused(installed, repo, RepositoryError)


def test_folder_that_is_not_a_repository(installed, tmp_path):
    junk = tmp_path / "照片"
    junk.mkdir()
    (junk / "IMG_0001.jpg").write_bytes(os.urandom(100))
    refused(installed, junk, RepositoryError, "not a TeachPoint repository")


def test_expired_metadata_still_installs_and_says_how_old(workspace, repo_copy, publisher_key):
    past = (datetime.now(timezone.utc) - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    longer_past = (datetime.now(timezone.utc) - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
    resign_root(repo_copy, publisher_key.with_suffix(".key"),
           lambda p: p.update(expires=past, published=longer_past))
    report = workspace.install(FolderSource(repo_copy))
    assert 39 < report.expired_days < 41
    assert workspace.catalogue.status()["resources"]["installed"] == 3
    result = verify_repository(FolderSource(repo_copy), TrustStore(workspace.paths.trust))
    assert any("expired" in p for p in result.problems)
    assert_installed_lessons_play(workspace, 3)


def test_verify_lists_every_problem(repo_copy, workspace):
    leaves = [p for p in (repo_copy / "meta").iterdir()]
    blobs = [p for p in (repo_copy / "blobs").rglob("*") if p.is_file()]
    blobs[0].unlink()
    blobs[1].write_bytes(b"rotten")
    result = verify_repository(FolderSource(repo_copy), TrustStore(workspace.paths.trust))
    assert len(result.problems) >= 2 and leaves
    text = "\n".join(result.problems)
    assert "missing" in text and ("SHA-256" in text or "bytes" in text)


def test_parse_root_rejects_unknown_format(repo_copy, publisher_key, workspace):
    resign_root(repo_copy, publisher_key.with_suffix(".key"), lambda p: p.update(format=2))
    with pytest.raises(RepositoryError, match="format"):
        parse_root((repo_copy / "root.json").read_bytes(), TrustStore(workspace.paths.trust))
