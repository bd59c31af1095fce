"""``teachpoint contribute …`` and ``teachpoint review …`` as IT staff and scripts use them: exit
codes, ``--json``, one-line ``error: …`` for bad input, and the round trip through a folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from teachpoint.testing import media


def tp(data, *args, expect=0):
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(data), *map(str, args)],
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert proc.returncode == expect, proc.stderr
    if expect:
        last = proc.stderr.strip().splitlines()[-1]  # progress lines may come first
        assert last.startswith("error: ") and "Traceback" not in proc.stderr
    return proc


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    return media.make_video(tmp_path_factory.mktemp("phone") / "春天在哪里.mp4", seconds=1.0)


def test_contribute_and_review_from_the_command_line(tmp_path, lesson, published_repo, publisher_key):
    import shutil

    data, county_repo, db = tmp_path / "data", tmp_path / "county-repo", tmp_path / "county.db"
    shutil.copytree(published_repo, county_repo)
    tp(data, "trust", "add", publisher_key.with_suffix(".pub"))
    tp(data, "import", county_repo)
    added = json.loads(tp(data, "contribute", "add", lesson, "--title", "春天在哪里", "--grade", "三年级",
                          "--subject", "音乐", "--lesson", "6", "--teacher", "李老师", "--share-name",
                          "--json").stdout)
    assert added["state_zh"] == "待审核" and added["place"] == "三年级 音乐 第6课"
    err = tp(data, "contribute", "add", lesson, "--title", "again", "--grade", "3", "--subject", "音乐",
             expect=1).stderr
    assert "contributed before" in err
    err = tp(data, "contribute", "add", lesson, "--title", "x", "--grade", "3", "--subject", "炼丹",
             expect=2).stderr
    assert "valid: 道德与法治" in err
    tp(data, "contribute", "export", "--to", tmp_path / "stick")

    got = json.loads(tp(data, "review", "collect", tmp_path / "stick", "--db", db, "--json").stdout)
    assert got["new"] == 1 and got["refused"] == []
    queue = json.loads(tp(data, "review", "list", "--db", db, "--json").stdout)
    assert [(e["title"], e["teacher"], e["state"]) for e in queue] == [("春天在哪里", "李老师", "pending")]
    shown = tp(data, "review", "show", queue[0]["id"], "--db", db, "--repo", county_repo).stdout
    assert "duration=" in shown and "width=160" in shown
    tp(data, "review", "accept", queue[0]["id"], "--db", db, expect=2)  # no --key/--out
    tp(data, "review", "accept", queue[0]["id"], "--db", db, "--key", publisher_key.with_suffix(".key"),
       "--out", county_repo, "--by", "王审核")
    tp(data, "verify", county_repo, "--trust", publisher_key.with_suffix(".pub"))  # reviews too
    tp(data, "import", county_repo)
    mine = json.loads(tp(data, "contribute", "list", "--json").stdout)
    assert mine[0]["state_zh"] == "已通过" and mine[0]["replaced"]
    tp(data, "review", "reject", queue[0]["id"], "--db", db, "--reason", "画面太暗", expect=2)  # published
    tp(data, "review", "reject", queue[0]["id"], "--db", db, "--reason", "画面太暗",
       "--key", publisher_key.with_suffix(".key"), "--out", county_repo)
    tp(data, "review", "undo", "99", "--db", db, expect=2)
    tp(data, "import", county_repo)
    listed = tp(data, "contribute", "list").stdout
    assert "未通过" in listed and "画面太暗" in listed
    tp(data, "contribute", "remove", mine[0]["id"])
    assert json.loads(tp(data, "contribute", "list", "--json").stdout) == []
    tp(data, "contribute", "remove", "nonesuch", expect=2)


def test_review_setup_makes_this_pc_the_reviewer_and_off_takes_it_back(tmp_path, publisher_key):
    """IT's one command for the app's 审核 place; a wrong key is a clear error that changes nothing."""
    from teachpoint.paths import DataPaths
    from teachpoint.review.config import review_config
    from teachpoint.workspace import Workspace

    data = tmp_path / "data"

    def config():
        ws = Workspace(DataPaths(data, explicit=True), install_demo=False)
        try:
            return review_config(ws)
        finally:
            ws.close()

    out = tp(data, "review", "setup", "--key", tmp_path / "no such.key", expect=2)
    assert "is not a file" in out.stderr and config() is None
    tp(data, "review", "setup", expect=2)  # neither --key nor --off
    out = tp(data, "review", "setup", "--key", publisher_key.with_suffix(".key"),
             "--out", tmp_path / "县 repo")
    assert "审核" in out.stdout
    got = config()
    assert got.key == publisher_key.with_suffix(".key").resolve()
    assert got.db == got.key.with_name("county.db") and got.out == str((tmp_path / "县 repo").resolve())
    tp(data, "review", "setup", "--off")
    assert config() is None
