"""``teachpoint --selftest`` as IT staff run it: a real subprocess, real libvlc, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import assert_installed_lessons_play, decode_frames

from teachpoint.library.store import ContentStore
from teachpoint.paths import DataPaths
from teachpoint.workspace import Workspace


def selftest(data, tmp_path, **env_extra):
    env = dict(os.environ, TEACHPOINT_LOG_DIR=str(tmp_path / "logs"), **env_extra)
    env.pop("DISPLAY", None)  # the player check must work with no display at all
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--selftest", "--data-dir", str(data)],
                          capture_output=True, text=True, env=env, timeout=300)
    return proc


def lines_of(proc, status: str) -> dict[str, str]:
    """``{check name: detail}`` of the report lines with ``status``."""
    out = {}
    for line in proc.stdout.splitlines():
        if line.startswith(f"[{status:>4}]"):
            out[line[7:20].strip()] = line[21:]
    return out


def test_selftest_passes_on_a_fresh_data_folder(tmp_path):
    data = tmp_path / "数据"
    proc = selftest(data, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ok = lines_of(proc, "ok")
    assert {"versions", "data folder", "catalogue", "demo channel", "free space", "player", "libvlc",
            "logs"} <= set(ok)
    assert "frames of a demo lesson decoded offscreen" in ok["player"]
    assert "libvlc 3." in ok["player"]
    assert "installed" in ok["demo channel"] and "files verified" in ok["demo channel"]
    assert "site config" in proc.stdout  # checked, or "unavailable" until that module exists
    assert not lines_of(proc, "FAIL")
    assert proc.stdout.splitlines()[-1].startswith("result: all is well")
    assert len(proc.stdout.splitlines()) <= 24  # one screen
    ws = Workspace(DataPaths(data))
    assert_installed_lessons_play(ws, expect_at_least=5)
    ws.close()


def test_without_libvlc_the_fallback_player_is_checked_and_libvlc_is_a_warning(tmp_path):
    proc = selftest(tmp_path / "data", tmp_path, TEACHPOINT_PLAYER="qt")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "played a demo lesson offscreen" in lines_of(proc, "ok")["player"]
    assert "not in use" in lines_of(proc, "WARN")["libvlc"]


@pytest.mark.parametrize("damage", ["header", "pages"])
def test_a_damaged_catalogue_fails_and_is_left_untouched(tmp_path, damage):
    data = tmp_path / "data"
    ws = Workspace(DataPaths(data))
    ws.close()
    catalogue = data / "catalogue.sqlite"
    raw = bytearray(catalogue.read_bytes())
    if damage == "header":
        raw[0:100] = os.urandom(100)
    else:  # damaged pages, as after a power cut on a failing disk
        raw[4096:4096 * 6] = os.urandom(4096 * 5)
    catalogue.write_bytes(bytes(raw))
    for side in ("catalogue.sqlite-wal", "catalogue.sqlite-shm"):
        (data / side).unlink(missing_ok=True)
    before = catalogue.read_bytes()
    proc = selftest(data, tmp_path)
    assert proc.returncode == 1
    failed = lines_of(proc, "FAIL")
    assert str(catalogue) in failed["catalogue"], proc.stdout
    assert ("damaged" if damage == "pages" else "not a database") in failed["catalogue"]
    assert "PROBLEMS: catalogue" in proc.stdout.splitlines()[-1]
    assert catalogue.read_bytes() == before  # described, not changed or moved aside
    assert not [p for p in data.iterdir() if ".unreadable-" in p.name]
    store = ContentStore(data / "store")
    report = store.verify()
    assert report.ok and not report.damaged  # the lessons themselves are intact
    for sha in report.ok:
        if store.path_of(sha).read_bytes()[4:8] == b"ftyp":
            decode_frames(store.path_of(sha))
    if damage == "header":  # the app sets such a file aside and starts afresh
        ws = Workspace(DataPaths(data))
        assert ws.catalogue.set_aside is not None
        assert_installed_lessons_play(ws, expect_at_least=5)
        ws.close()


def test_a_damaged_demo_lesson_fails_the_selftest(tmp_path):
    data = tmp_path / "data"
    ws = Workspace(DataPaths(data))
    video = ws.catalogue.db.execute(
        "SELECT f.sha256 FROM files f JOIN resources r ON r.id = f.resource_id "
        "WHERE r.kind = 'video' AND f.role = 'main' LIMIT 1").fetchone()[0]
    ws.close()
    blob = ws.store.path_of(video)
    blob.chmod(0o644)
    with blob.open("r+b") as f:  # bit rot in a stored lesson
        f.seek(2000)
        f.write(b"\0" * 64)
    proc = selftest(data, tmp_path)
    assert proc.returncode == 1
    failed = lines_of(proc, "FAIL")
    assert "1 damaged files" in failed["demo channel"], proc.stdout
    assert "no demo lesson to play" in failed["player"]


def test_a_data_folder_that_cannot_be_written_fails_clearly(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    proc = selftest(blocker / "data", tmp_path)
    assert proc.returncode == 1
    failed = lines_of(proc, "FAIL")
    assert "cannot be written" in failed["data folder"]
    assert "Traceback" not in proc.stdout + proc.stderr
