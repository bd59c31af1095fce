"""``teachpoint diagnose`` / :func:`write_diagnostics`: what goes in, what stays out, hostile places."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from helpers import assert_installed_lessons_play

from teachpoint.ops import diagnostics
from teachpoint import logsetup
from teachpoint.ops.diagnostics import DiagnosticsError, write_diagnostics
from teachpoint.library import teaching
from teachpoint.paths import DataPaths
from teachpoint.library.source_list import add_source, record_attempt
from teachpoint.workspace import Workspace

PUPIL_LABEL = "王小明在这里睡着了"


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    """A data folder in use: demo lessons, a source that failed, settings, teacher data, logs."""
    monkeypatch.setenv("TEACHPOINT_LOG_DIR", str(tmp_path / "logs"))
    paths = DataPaths(tmp_path / "data")
    ws = Workspace(paths)
    rid = ws.catalogue.db.execute("SELECT id FROM resources WHERE kind = 'video' LIMIT 1").fetchone()[0]
    teaching.record_play(ws.catalogue, rid)
    teaching.save_position(ws.catalogue, rid, 12_000)
    teaching.add_bookmark(ws.catalogue, rid, 3_000, PUPIL_LABEL)
    add_source(ws.catalogue, "http://teacher:s3cr3t-pw@127.0.0.1:9/county/", "county")
    record_attempt(ws.catalogue, "county", "server not reachable")
    ws.set_setting("sync.proxy_password", "hunter2-secret")
    ws.set_setting("ui_language", "zh_CN")
    ws.close()
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / logsetup.LOG_FILE).write_text("2026-01-01 INFO app started\n", encoding="utf-8")
    return paths


def read_zip(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


def test_the_zip_holds_what_it_staff_need_and_no_private_data(classroom, tmp_path):
    out = tmp_path / "U盘"
    out.mkdir()
    written = write_diagnostics(classroom, out)
    assert written.parent == out and written.name.startswith("teachpoint-diagnostics-")
    assert [p.name for p in out.iterdir()] == [written.name]  # no temporary files left
    parts = read_zip(written)
    assert {"report.txt", "versions.json", "catalogue.json", "data-folder.json", "trusted-keys.json",
            "selftest.txt", f"logs/{logsetup.LOG_FILE}"} <= set(parts)
    versions = json.loads(parts["versions.json"])
    assert versions["teachpoint"] and versions["python"] and versions["qt"].startswith("6.")
    assert versions["libvlc"].startswith("3.")
    cat = json.loads(parts["catalogue.json"])
    assert cat["quick_check"] == ["ok"] and cat["schema_version"] >= 4
    assert cat["rows"]["bookmarks"] == 1 and cat["rows"]["progress"] == 1
    assert cat["resource_states"]["installed"] >= 5
    assert cat["repositories"][0]["id"] == "teachpoint-demo"
    county = cat["sources"][0]
    assert county["last_error"] == "server not reachable" and county["failures"] == 1
    assert county["location"] == "http://<redacted>@127.0.0.1:9/county/"
    assert cat["settings"]["sync.proxy_password"] == "<redacted>"
    assert cat["settings"]["ui_language"] == "zh_CN"
    assert "result: all is well" in parts["selftest.txt"].decode()
    report = parts["report.txt"].decode()
    assert "source county: last error: server not reachable" in report
    everything = b"".join(parts.values())
    for private in (PUPIL_LABEL, "s3cr3t-pw", "hunter2-secret"):
        assert private.encode() not in everything, private
    assert b"PRIVATE KEY" not in everything


def test_logs_are_bounded_to_the_newest_lines(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for i, name in enumerate([f"{logsetup.LOG_FILE}.2", f"{logsetup.LOG_FILE}.1", logsetup.LOG_FILE]):
        lines = [f"file {name} line {n} {'z' * 100}\n" for n in range(30_000)]  # ~3.6 MB each
        (logs / name).write_text("".join(lines), encoding="utf-8")
        os.utime(logs / name, (1_000_000 + i, 1_000_000 + i))
    problems: list[str] = []
    parts = diagnostics.recent_logs(logs, problems)
    assert sum(len(v) for v in parts.values()) <= diagnostics.LOG_BUDGET
    newest = parts[f"logs/{logsetup.LOG_FILE}"].decode()
    assert newest.endswith(f"file {logsetup.LOG_FILE} line 29999 {'z' * 100}\n")
    assert all(line.startswith("file ") for line in newest.splitlines())  # whole lines only
    assert f"logs/{logsetup.LOG_FILE}.2" not in parts and not problems


def test_a_corrupt_catalogue_is_noted_and_the_zip_still_written(classroom, tmp_path):
    catalogue = classroom.catalogue
    raw = bytearray(catalogue.read_bytes())
    raw[4096:4096 * 6] = os.urandom(4096 * 5)
    catalogue.write_bytes(bytes(raw))
    for side in ("-wal", "-shm"):
        catalogue.with_name(catalogue.name + side).unlink(missing_ok=True)
    before = catalogue.read_bytes()
    written = write_diagnostics(classroom, tmp_path / "diag.zip")
    parts = read_zip(written)
    report = parts["report.txt"].decode()
    assert "catalogue is damaged" in report or "catalogue" in report.split("problem(s) noted:")[1]
    assert "self-test found problems" in report
    assert "[FAIL] catalogue" in parts["selftest.txt"].decode()
    assert {"versions.json", f"logs/{logsetup.LOG_FILE}", "data-folder.json"} <= set(parts)
    assert catalogue.read_bytes() == before  # diagnosing changes nothing
    # The app sets the damaged catalogue aside later; the lessons are still in the store.
    catalogue.write_bytes(b"not a catalogue any more")
    ws = Workspace(classroom)
    assert_installed_lessons_play(ws, expect_at_least=5)
    ws.close()


def test_a_missing_destination_folder_is_a_clear_error(classroom, tmp_path):
    with pytest.raises(DiagnosticsError, match="does not exist"):
        write_diagnostics(classroom, tmp_path / "no-such-stick" / "diag.zip", selftest=False)


HOSTILE = """
set -e
mkdir -p "$1/full" "$1/ro"
mount -t tmpfs -o size=64k tmpfs "$1/full"
mount -t tmpfs -o ro,size=64k tmpfs "$1/ro"
for where in full ro; do
  set +e
  "$2" -m teachpoint --data-dir "$3" diagnose --no-selftest --to "$1/$where/diag.zip"
  echo "exit=$?"
  set -e
  echo "left=$(ls -A "$1/$where" | tr '\\n' ' ')"
done
"""


def test_a_full_or_read_only_stick_is_a_clear_error_and_leaves_nothing(classroom, tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare") or subprocess.run(
            ["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        pytest.skip("needs root and unshare to mount a tiny full and a read-only file system")
    # Logs that do not compress: the zip cannot fit in 64 KB.
    (tmp_path / "logs" / logsetup.LOG_FILE).write_text(os.urandom(400_000).hex(), encoding="utf-8")
    proc = subprocess.run(["unshare", "--mount", "sh", "-c", HOSTILE, "sh", str(tmp_path / "mnt"),
                           sys.executable, str(classroom.root)],
                          capture_output=True, text=True, timeout=300, env=os.environ)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out == ["exit=1", "left=", "exit=1", "left="], proc.stdout + proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert "the disk or stick is full (nothing was written)" in errors[0]
    assert "read-only" in errors[1] and "Traceback" not in proc.stderr
    ws = Workspace(classroom)
    assert_installed_lessons_play(ws, expect_at_least=5)
    ws.close()
