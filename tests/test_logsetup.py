"""The log folder stays bounded: rotation, a rotation that keeps failing, several processes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from teachpoint import logsetup

LINE = "第 %d 行：一条很长的日志信息 " + "x" * 300


def _logger(handler: logging.Handler) -> logging.Logger:
    log = logging.getLogger(f"teachpoint.test.{id(handler)}")
    log.propagate = False
    log.handlers = [handler]
    log.setLevel(logging.INFO)
    return log


def _folder_bytes(folder) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_log_that_cannot_rotate_stops_growing_and_recovers(tmp_path):
    """Windows cannot rename a log another process holds open; the file must not grow forever."""
    max_bytes, backups = 32 * 1024, 2
    handler = logsetup.BoundedRotatingFileHandler(tmp_path / logsetup.LOG_FILE, max_bytes, backups)
    # Old copies that cannot be replaced: folders (not empty) where rotation wants to put files.
    for i in range(1, backups + 1):
        (tmp_path / f"{logsetup.LOG_FILE}.{i}").mkdir()
        (tmp_path / f"{logsetup.LOG_FILE}.{i}" / "keep").write_text("x")
    log = _logger(handler)
    try:
        for i in range(6000):  # ~2 MB of log lines
            log.info(LINE, i)
        current = tmp_path / logsetup.LOG_FILE
        assert handler.stuck and handler.dropped > 0
        assert current.stat().st_size <= logsetup.HARD_LIMIT_FACTOR * max_bytes + 1024
        # The obstacle goes away (the other process exits): rotation resumes, bounded again.
        for i in range(1, backups + 1):
            (tmp_path / f"{logsetup.LOG_FILE}.{i}" / "keep").unlink()
            (tmp_path / f"{logsetup.LOG_FILE}.{i}").rmdir()
        for i in range(6000):
            log.info(LINE, i)
        assert not handler.stuck
        files = sorted(p.name for p in tmp_path.iterdir())
        assert files == [logsetup.LOG_FILE] + [f"{logsetup.LOG_FILE}.{i}" for i in range(1, backups + 1)]
        assert all((tmp_path / f).is_file() for f in files)
        assert _folder_bytes(tmp_path) <= (backups + 1) * (max_bytes + 1024)
        assert "5999 行" in current.read_text(encoding="utf-8")  # the newest line is kept
    finally:
        handler.close()


WRITER = """
import logging, sys
from pathlib import Path
from teachpoint import logsetup
logsetup.setup_logging(Path(sys.argv[1]), file_name=sys.argv[2], max_bytes=16 * 1024, backups=3)
log = logging.getLogger("teachpoint.writer")
for i in range(int(sys.argv[3])):
    log.info("%s 第 %d 行 %s", sys.argv[2], i, "y" * 200)
"""


def test_app_service_and_commands_writing_at_once_stay_bounded(tmp_path):
    """The app, the sync service and a command log at the same time, as on a classroom PC."""
    folder = tmp_path / "日志"
    writers = [("app", logsetup.LOG_FILE), ("command", logsetup.LOG_FILE),
               ("service", logsetup.SERVICE_LOG_FILE)]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), name, "8000"],
                              stderr=subprocess.PIPE, text=True) for _who, name in writers]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Logging error" not in err
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) <= 2 * (3 + 1), files
    assert {logsetup.LOG_FILE, logsetup.SERVICE_LOG_FILE} <= set(files)
    assert _folder_bytes(folder) <= logsetup.folder_bound(16 * 1024, 3)


def test_the_sync_service_logs_to_its_own_file(tmp_path):
    data, logs = tmp_path / "data", tmp_path / "logs"
    env = dict(os.environ, TEACHPOINT_LOG_DIR=str(logs))
    for args in (["source", "list"], ["sync", "--once"]):
        proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(data), *args],
                              capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
    app_log = (logs / logsetup.LOG_FILE).read_text(encoding="utf-8")
    service_log = (logs / logsetup.SERVICE_LOG_FILE).read_text(encoding="utf-8")
    assert "demo" in app_log  # the first command installed the demo channel
    assert "demo" not in service_log
    assert [p.name for p in logsetup.log_files(logs)][0] == logsetup.SERVICE_LOG_FILE
