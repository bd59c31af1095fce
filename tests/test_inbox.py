"""The satellite inbox: files arrive in any order, some incomplete, some twice; scans import what
is complete and verified and leave the rest waiting, without errors."""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
import time
from pathlib import Path

import pytest

from helpers import assert_installed_lessons_play, is_pack_file
from teachpoint.cli import main
from teachpoint.repo import keys
from teachpoint.sync.engine import SyncEngine
from teachpoint.sneakernet.inbox_config import get_inbox, set_inbox
from teachpoint.sneakernet.inbox import (
    APPLIED, COMPLETE, ERROR, OLDER, REJECTED_DIR, STALE_SECONDS, WAITING, scan_inbox)
from teachpoint.sync.service import ServiceTimes, run_service
from teachpoint.transport.sources import FolderSource, collection_bytes
from teachpoint.library.settings import SETTING_DEMO


@pytest.fixture
def workspace(workspace):
    workspace.set_setting(SETTING_DEMO, "not wanted in these tests")
    return workspace


def repo_files(repo: Path) -> list[Path]:
    return sorted(p.relative_to(repo) for p in repo.rglob("*") if p.is_file())


def deliver(repo: Path, inbox: Path, rel: Path) -> Path:
    target = inbox / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(repo / rel, target)
    return target


def biggest_blob(repo: Path) -> Path:
    return max((p for p in (repo / "blobs").rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)


def installed_count(ws) -> int:
    return ws.catalogue.status()["resources"]["installed"]


@pytest.mark.parametrize("layout", ["repository", "collection"])
def test_files_arriving_shuffled_in_steps(workspace, published_repo, tmp_path, layout):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    target = inbox if layout == "repository" else inbox / "county"
    files = repo_files(published_repo)
    rng = random.Random(7)
    blobs = [f for f in files if f.parts[0] == "blobs"]
    meta = [f for f in files if f.parts[0] != "blobs"]
    rng.shuffle(blobs)
    rng.shuffle(meta)
    # some files before any metadata, the metadata in a random order, then the rest of the files
    order = blobs[:3] + meta + blobs[3:]
    cut = [0, 2, 3, 3 + len(meta) // 2, 3 + len(meta), 5 + len(meta), len(order)]
    steps = [order[a:b] for a, b in zip(cut, cut[1:])]
    assert scan_inbox(workspace, inbox).waiting == ["nothing received yet"]
    if layout == "collection":
        (inbox / "teachpoint.json").write_bytes(collection_bytes(["county"]))
    seen = []
    for n, step in enumerate(steps):
        for rel in step:
            deliver(published_repo, target, rel)
        result = scan_inbox(workspace, inbox)
        assert result.problems == [], result.problems
        state = result.repositories[0].state if result.repositories else WAITING
        seen.append((state, installed_count(workspace)))
        if n == 3:  # metadata complete: the files that came early are installed now
            assert result.repositories[0].files_installed == 3
        if n < len(steps) - 1:
            assert state in (WAITING, APPLIED) and result.waiting
    assert seen[:3] == [(WAITING, 0)] * 3  # no root yet, or only half the metadata
    assert seen[3][0] == seen[4][0] == APPLIED and seen[4][1] < 3
    assert seen[-1] == (COMPLETE, 3)
    assert [c for _, c in seen] == sorted(c for _, c in seen)  # lessons only ever arrive
    assert_installed_lessons_play(workspace, 3)
    again = scan_inbox(workspace, inbox)
    assert again.repositories[0].state == COMPLETE and not again.changed and not again.problems


def test_metadata_is_applied_only_when_every_node_is_there(workspace, published_repo, tmp_path):
    inbox = tmp_path / "inbox"
    deliver(published_repo, inbox, Path("root.json"))
    # packs left out: each holds a subject's nodes, so a missing node would be found in one
    nodes = sorted(p for p in (published_repo / "meta").iterdir() if not is_pack_file(p))
    for node in nodes[:-1]:
        deliver(published_repo, inbox, node.relative_to(published_repo))
    result = scan_inbox(workspace, inbox)
    repo = result.repositories[0]
    assert repo.state == WAITING and "metadata file(s) not received yet" in repo.reason
    assert workspace.catalogue.repository("county") is None and not result.problems
    half = nodes[-1].read_bytes()[:10]  # the last one arrives truncated
    (inbox / "meta" / nodes[-1].name).write_bytes(half)
    assert scan_inbox(workspace, inbox).repositories[0].state == WAITING
    deliver(published_repo, inbox, nodes[-1].relative_to(published_repo))
    result = scan_inbox(workspace, inbox)
    assert result.repositories[0].state == APPLIED and result.repositories[0].report.added == 3
    assert result.repositories[0].files_waiting == 7 and not result.problems


def test_truncated_file_waits_then_completes(workspace, published_repo, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(published_repo, inbox)
    big = inbox / biggest_blob(published_repo).relative_to(published_repo)
    data = big.read_bytes()
    big.write_bytes(data[: len(data) // 2])
    result = scan_inbox(workspace, inbox)
    repo = result.repositories[0]
    assert (repo.state, repo.files_installed, repo.files_waiting) == (APPLIED, 6, 1)
    assert not result.problems and not workspace.store.has(big.name)
    assert installed_count(workspace) == 2
    big.write_bytes(data)
    result = scan_inbox(workspace, inbox)
    assert result.repositories[0].state == COMPLETE and not result.problems
    assert_installed_lessons_play(workspace, 3)


def test_repeated_files_are_harmless(workspace, published_repo, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(published_repo, inbox)
    assert scan_inbox(workspace, inbox).repositories[0].state == COMPLETE
    for _ in range(2):  # the broadcast comes round again
        shutil.copytree(published_repo, inbox, dirs_exist_ok=True)
        result = scan_inbox(workspace, inbox)
        assert result.repositories[0].state == COMPLETE
        assert not result.problems and not result.changed
    assert_installed_lessons_play(workspace, 3)


def test_wrong_content_is_reported_and_set_aside(workspace, published_repo, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(published_repo, inbox)
    big = inbox / biggest_blob(published_repo).relative_to(published_repo)
    good = big.read_bytes()
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0xFF
    big.write_bytes(bytes(bad))
    result = scan_inbox(workspace, inbox)
    repo = result.repositories[0]
    assert repo.rejected == [big.name] and repo.state == APPLIED
    assert len(result.problems) == 1 and "wrong content" in result.problems[0]
    assert not big.exists()
    aside = list((inbox / REJECTED_DIR).iterdir())
    assert len(aside) == 1 and aside[0].name.startswith(big.name)
    assert not workspace.store.has(big.name)
    assert_installed_lessons_play(workspace, 2)
    # the missing file is now simply waiting, without a new error …
    result = scan_inbox(workspace, inbox)
    assert not result.problems and result.repositories[0].files_waiting == 1
    # … until a good copy arrives; a too-long copy is set aside too
    big.write_bytes(good + b"x")
    result = scan_inbox(workspace, inbox)
    assert len(result.problems) == 1 and "not the declared" in result.problems[0]
    big.write_bytes(good)
    result = scan_inbox(workspace, inbox)
    assert result.repositories[0].state == COMPLETE and not result.problems
    assert_installed_lessons_play(workspace, 3)


def test_cleanup_removes_what_was_imported(workspace, published_repo, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(published_repo, inbox)
    (inbox / "receiver.log").write_text("junk that is not ours")
    missing = biggest_blob(published_repo).relative_to(published_repo)
    (inbox / missing).unlink()
    result = scan_inbox(workspace, inbox, cleanup=True)
    repo = result.repositories[0]
    assert repo.state == APPLIED and repo.deleted == 6  # the installed files only
    left = set(repo_files(inbox))
    assert Path("root.json") in left and any(p.parts[0] == "meta" for p in left)
    assert not any(p.parts[0] == "blobs" for p in left)
    deliver(published_repo, inbox, missing)
    result = scan_inbox(workspace, inbox, cleanup=True)
    assert result.repositories[0].state == COMPLETE
    assert repo_files(inbox) == [Path("receiver.log")]
    assert_installed_lessons_play(workspace, 3)
    # the next broadcast of the same version: imported again, nothing to do, cleaned again
    shutil.copytree(published_repo, inbox, dirs_exist_ok=True)
    result = scan_inbox(workspace, inbox, cleanup=True)
    assert not result.problems and not result.changed
    assert repo_files(inbox) == [Path("receiver.log")]
    assert scan_inbox(workspace, inbox, cleanup=True).problems == []


def test_garbage_root_is_reported_once_when_it_stays_garbage(workspace, published_repo, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    root = inbox / "root.json"
    good = (published_repo / "root.json").read_bytes()
    root.write_bytes(good[:50])  # still arriving
    for _ in range(2):
        result = scan_inbox(workspace, inbox)
        assert not result.problems and result.repositories[0].state == WAITING
    old = time.time() - STALE_SECONDS - 60
    os.utime(root, (old, old))
    result = scan_inbox(workspace, inbox)
    assert len(result.problems) == 1 and "stayed unreadable for 11 minutes" in result.problems[0]
    assert not scan_inbox(workspace, inbox).problems  # reported once, not every round
    root.write_bytes(b"\x00garbage")  # changed: new garbage, fresh again, waits
    assert not scan_inbox(workspace, inbox).problems
    os.utime(root, (old, old))
    assert len(scan_inbox(workspace, inbox).problems) == 1
    shutil.copytree(published_repo, inbox, dirs_exist_ok=True)
    result = scan_inbox(workspace, inbox)
    assert result.repositories[0].state == COMPLETE and not result.problems
    assert_installed_lessons_play(workspace, 3)


def test_untrusted_and_older_broadcasts(workspace, published_repo, tmp_path, source_dir,
                                        publisher_key):
    from teachpoint.publish.publisher import publish

    inbox = tmp_path / "inbox"
    shutil.copytree(published_repo, inbox)
    scan_inbox(workspace, inbox)
    # a stranger's root: reported once, nothing changes
    pair = keys.generate_keypair(tmp_path / "mallory")
    private = keys.load_private_key(pair.private_path)
    payload = json.loads(json.loads((inbox / "root.json").read_text("utf-8"))["payload"])
    payload.update(version=9, key_id=pair.public.key_id)
    text = json.dumps(payload)
    (inbox / "root.json").write_text(json.dumps({"payload": text, "signatures": [
        {"key_id": pair.public.key_id, "sig": keys.sign(private, text.encode())}]}))
    result = scan_inbox(workspace, inbox)
    assert result.repositories[0].state == ERROR
    assert len(result.problems) == 1 and pair.public.key_id in result.problems[0]
    assert not scan_inbox(workspace, inbox).problems
    assert workspace.catalogue.repository("county").version == 1
    assert_installed_lessons_play(workspace, 3)
    # an old broadcast after a newer version arrived by other means: no rollback, no error
    newer = tmp_path / "newer"
    shutil.copytree(published_repo, newer)
    publish(source_dir, publisher_key.with_suffix(".key"), newer, progress=lambda *_: None)
    workspace.install(FolderSource(newer))
    shutil.copy(published_repo / "root.json", inbox / "root.json")
    result = scan_inbox(workspace, inbox)
    assert result.repositories[0].state == OLDER and not result.problems
    assert workspace.catalogue.repository("county").version == 2


def test_settings_cli_and_service(workspace, published_repo, tmp_path, capsys):
    inbox = tmp_path / "卫星 收件箱"
    data = str(workspace.paths.root)
    assert get_inbox(workspace) is None
    assert main(["--data-dir", data, "inbox"]) == 0
    assert "no inbox set" in capsys.readouterr().out
    assert main(["--data-dir", data, "inbox", "--set", str(inbox), "--cleanup"]) == 0
    assert main(["--data-dir", data, "inbox"]) == 0
    assert f"inbox: {inbox} (not there yet); cleanup on" in capsys.readouterr().out
    assert get_inbox(workspace).cleanup and get_inbox(workspace).folder == inbox
    assert main(["--data-dir", data, "inbox", "--no-cleanup"]) == 0
    assert not get_inbox(workspace).cleanup
    capsys.readouterr()

    shutil.copytree(published_repo, inbox)
    assert main(["--data-dir", data, "inbox", "--scan", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["changed"] and out["repositories"][0]["state"] == COMPLETE
    assert out["repositories"][0]["summary"] == "新增 3 节课, 更新 0 节"
    assert main(["--data-dir", data, "inbox", "--scan"]) == 0
    assert "county version 1: complete" in capsys.readouterr().out

    assert main(["--data-dir", data, "inbox", "--off"]) == 0
    assert get_inbox(workspace) is None
    assert main(["--data-dir", data, "inbox", "--scan"]) == 2
    assert "no inbox is set" in capsys.readouterr().err


def test_the_service_scans_the_inbox(tmp_path, published_repo, publisher_key):
    from teachpoint.paths import DataPaths
    from teachpoint.workspace import Workspace

    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    try:
        ws.trust.add(publisher_key.with_suffix(".pub"))
        inbox = tmp_path / "inbox"
        shutil.copytree(published_repo, inbox)
        set_inbox(ws, inbox, cleanup=True)
        stop = threading.Event()
        rounds = run_service(SyncEngine(ws, cancel=stop), stop, ServiceTimes(tick=0.01), max_rounds=2)
        assert rounds == 2
        assert installed_count(ws) == 3 and repo_files(inbox) == []
        assert_installed_lessons_play(ws, 3)
    finally:
        ws.close()
