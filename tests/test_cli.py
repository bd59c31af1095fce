"""The teachpoint command as IT staff run it: real subprocesses, real data dirs, the real demo."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers import decode_frames

TEACHPOINT = [sys.executable, "-m", "teachpoint"]


def run(*args, data_dir=None, user=None, check_ok=True):
    cmd = TEACHPOINT + (["--data-dir", str(data_dir)] if data_dir else []) + list(args)
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] + cmd
    env = {**os.environ, "HOME": os.environ.get("HOME", "/tmp")}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    if check_ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def assert_clean_error(proc, code=None):
    assert proc.returncode != 0
    if code is not None:
        assert proc.returncode == code
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A data dir on which the demo channel was installed by the first command."""
    data = tmp_path_factory.mktemp("demo") / "数据 目录"
    run("status", data_dir=data)
    return data


def fresh_copy(demo_dir, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target, ignore=shutil.ignore_patterns("*-wal", "*-shm", "sync.lock"))
    return target


def assert_demo_plays(data_dir):
    status = json.loads(run("status", "--json", data_dir=data_dir).stdout)
    assert status["resources"]["installed"] >= 8
    tree = json.loads(run("browse", "--subject", "音乐", "--json", data_dir=data_dir).stdout)
    video = next(r for e in tree[0]["subjects"][0]["editions"] for v in e["volumes"]
                 for u in v["units"] for le in u["lessons"] for r in le["resources"]
                 if r["kind"] == "video" and r["state"] == "installed")
    db = sqlite3.connect(f"file:{data_dir / 'catalogue.sqlite'}?mode=ro", uri=True)
    try:
        sha = db.execute("SELECT sha256 FROM files WHERE resource_id=? AND role='main'",
                         [video["id"]]).fetchone()[0]
    finally:
        db.close()
    decode_frames(data_dir / "store" / "sha256" / sha[:2] / sha)


def test_fresh_data_dir_shows_demo_channel_installed(demo_dir):
    status = json.loads(run("status", "--json", data_dir=demo_dir).stdout)
    assert status["data_dir"] == str(demo_dir)
    assert status["repositories"][0]["id"] == "teachpoint-demo"
    assert status["lessons"]["installed"] >= 6 and status["lessons"]["not_downloaded"] == 0
    assert status["store_bytes"] > 0 and status["free_bytes"] > 0
    trusted = json.loads(run("trust", "list", "--json", data_dir=demo_dir).stdout)
    assert trusted[0]["repositories"] == ["teachpoint-demo"], "demo key only for the demo"
    assert_demo_plays(demo_dir)


def test_environment_variable_picks_the_data_dir(tmp_path):
    env = {**os.environ, "TEACHPOINT_DATA_DIR": str(tmp_path / "env-data"),
           "TEACHPOINT_LOG_DIR": str(tmp_path / "logs")}
    proc = subprocess.run(TEACHPOINT + ["status", "--json"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert json.loads(proc.stdout)["data_dir"] == str(tmp_path / "env-data")
    log = (tmp_path / "logs" / "teachpoint.log").read_text("utf-8")
    assert "teachpoint-demo" in log  # the demo install was logged


@pytest.mark.parametrize("query, title", [("小雨", "小雨沙沙"), ("xiaoyushasha", "小雨沙沙"),
                                          ("xyss", "小雨沙沙"), ("认识", "认识时间"),
                                          ("renshishijian", "认识时间"), ("音乐", "小雨沙沙"),
                                          ("三年级音乐", "小雨沙沙"), ("三年级 音乐", "小雨沙沙")])
def test_search_finds_demo_lessons(demo_dir, query, title):
    hits = json.loads(run("search", query, "--json", data_dir=demo_dir).stdout)
    assert hits and hits[0]["title"].startswith(title)


@pytest.mark.parametrize("query", ['"', "*", "NEAR", "'; DROP TABLE resources; --", "%_\\",
                                   "数" * 10_000, "   "])
def test_hostile_search_queries(demo_dir, query):
    proc = run("search", query, "--json", data_dir=demo_dir)
    assert isinstance(json.loads(proc.stdout), list)
    assert_demo_plays(demo_dir)


@pytest.mark.parametrize("args", [["browse", "--grade", "三年纪"], ["search", "x", "--subject", "数字"],
                                  ["browse", "--grade", "13"]])
def test_unknown_filters_list_valid_values(demo_dir, args):
    proc = run(*args, data_dir=demo_dir, check_ok=False)
    assert_clean_error(proc, 2)
    assert "valid:" in proc.stderr
    assert_demo_plays(demo_dir)


def test_corrupt_catalogue_is_kept_aside(demo_dir, tmp_path):
    data = fresh_copy(demo_dir, tmp_path)
    for side in ("catalogue.sqlite-wal", "catalogue.sqlite-shm"):
        (data / side).unlink(missing_ok=True)
    (data / "catalogue.sqlite").write_bytes(b"\x00garbage" * 1000)
    status = json.loads(run("status", "--json", data_dir=data).stdout)
    kept = list(data.glob("catalogue.sqlite.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"\x00garbage" * 1000
    # a fresh catalogue: the demo channel is installed again (its files were still in the store)
    assert status["resources"]["installed"] >= 8 and status["blobs"] == 27
    assert_demo_plays(data)


def test_catalogue_from_a_newer_version_is_refused_untouched(demo_dir, tmp_path):
    data = fresh_copy(demo_dir, tmp_path)
    conn = sqlite3.connect(data / "catalogue.sqlite")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = (data / "catalogue.sqlite").read_bytes()
    proc = run("status", data_dir=data, check_ok=False)
    assert_clean_error(proc)
    assert "newer TeachPoint" in proc.stderr
    assert (data / "catalogue.sqlite").read_bytes() == before


def test_rotten_blob_is_found_moved_aside_and_marked(demo_dir, tmp_path):
    data = fresh_copy(demo_dir, tmp_path)
    blobs = sorted((data / "store" / "sha256").rglob("*"), key=lambda p: p.stat().st_size)
    victim = [p for p in blobs if p.is_file()][-1]  # the largest: a video
    raw = bytearray(victim.read_bytes())
    raw[1000] ^= 0x55
    victim.write_bytes(bytes(raw))
    proc = run("verify-store", "--json", data_dir=data, check_ok=False)
    assert proc.returncode == 3
    out = json.loads(proc.stdout)
    assert out["damaged"] == [victim.name] and out["resources_affected"]
    assert not victim.exists() and list((data / "store" / "damaged").iterdir())
    status = json.loads(run("status", "--json", data_dir=data).stdout)
    assert status["resources"]["damaged"] >= 1
    # a later import of the demo repairs it
    run("import", str(Path(__file__).resolve().parent.parent / "assets" / "demo"), data_dir=data)
    assert json.loads(run("status", "--json", data_dir=data).stdout)["resources"]["damaged"] == 0
    assert_demo_plays(data)


def test_floor_reached_gives_space_needed_and_keeps_lessons(demo_dir, tmp_path, published_repo,
                                                            publisher_key):
    data = fresh_copy(demo_dir, tmp_path)
    run("trust", "add", str(publisher_key.with_suffix(".pub")), data_dir=data)
    conn = sqlite3.connect(data / "catalogue.sqlite")
    conn.execute("INSERT INTO settings VALUES ('store_floor_bytes', ?)", [str(1 << 60)])
    conn.commit()
    conn.close()
    proc = run("import", str(published_repo), data_dir=data, check_ok=False)
    assert_clean_error(proc)
    assert "not enough disk space" in proc.stderr and "free" in proc.stderr
    assert_demo_plays(data)


def test_read_only_data_dir_still_browses(demo_dir):
    """As an unprivileged user (root ignores permissions), on a data dir it cannot write."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root to switch to an unprivileged user")
    base = Path(tempfile.mkdtemp(prefix="tp-ro-"))
    try:
        data = base / "data"
        shutil.copytree(demo_dir, data)
        for side in ("catalogue.sqlite-wal", "catalogue.sqlite-shm"):
            assert not (data / side).exists() or (data / side).stat().st_size >= 0
        os.chmod(base, 0o755)
        for p in [data, *data.rglob("*")]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        status = json.loads(run("status", "--json", data_dir=data, user=65534).stdout)
        assert status["read_only"] and status["resources"]["installed"] >= 8
        proc = run("import", str(data), data_dir=data, user=65534, check_ok=False)
        assert_clean_error(proc)
        assert "read-only" in proc.stderr
    finally:
        for p in [base, *base.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        shutil.rmtree(base)


def test_import_of_a_folder_that_is_not_a_stick(demo_dir, tmp_path):
    data = fresh_copy(demo_dir, tmp_path)
    (tmp_path / "U盘").mkdir()
    proc = run("import", str(tmp_path / "U盘"), data_dir=data, check_ok=False)
    assert_clean_error(proc)
    assert "not a TeachPoint repository" in proc.stderr
    assert_demo_plays(data)


def test_keygen_trust_publish_verify_import_round_trip(tmp_path, source_dir, demo_dir):
    data = fresh_copy(demo_dir, tmp_path)
    prefix = tmp_path / "县"
    run("keygen", "--out", str(prefix), "--name", "某某县")
    assert oct((tmp_path / "县.key").stat().st_mode & 0o777) == "0o600"
    assert_clean_error(run("keygen", "--out", str(prefix), check_ok=False))
    repo = tmp_path / "仓库"
    out = run("publish", str(source_dir), "--key", str(prefix) + ".key", "--out", str(repo),
              "--name", "county").stdout
    assert "3 resources" in out
    verified = json.loads(run("verify", str(repo), "--trust", str(prefix) + ".pub", "--json").stdout)
    assert verified["ok"] and verified["resources"] == 3
    refused = run("import", str(repo), data_dir=data, check_ok=False)
    assert_clean_error(refused)
    run("trust", "add", str(prefix) + ".pub", data_dir=data)
    imported = json.loads(run("import", str(repo), "--json", data_dir=data).stdout)
    assert imported["summary"] == "新增 3 节课, 更新 0 节"
    listed = run("trust", "list", data_dir=data).stdout
    assert "某某县" in listed
    run("trust", "remove", "某某县", data_dir=data)
    assert "某某县" not in run("trust", "list", data_dir=data).stdout


def test_core_imports_no_qt_and_no_vlc():
    code = (
        "import importlib, pkgutil, sys, teachpoint\n"
        "core = ('library', 'repo', 'publish', 'transport', 'sync', 'sneakernet', 'site')\n"
        "for pkg in [importlib.import_module('teachpoint.' + name) for name in core]:\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "above = [m for m in sys.modules if m.startswith(('teachpoint.ui', 'teachpoint.cli', 'teachpoint.ops'))]\n"
        "assert not above, ('the core imports a layer above it', above)\n"
        "import teachpoint.workspace, teachpoint.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'vlc', 'shiboken6')]\n"
        "assert not bad, bad\n"
        "print('ok', len(sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("ok"), proc.stderr
