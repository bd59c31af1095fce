"""Data directory resolution and the size-bounded rotating log."""

import logging
import logging.handlers

from teachpoint import logsetup
from teachpoint.paths import resolve_data_dir


def test_data_dir_order(monkeypatch, tmp_path):
    monkeypatch.setenv("TEACHPOINT_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(str(tmp_path / "cli")).root == tmp_path / "cli"
    assert resolve_data_dir(None).root == tmp_path / "env"
    monkeypatch.delenv("TEACHPOINT_DATA_DIR")
    assert resolve_data_dir(None).root.name == "TeachPoint"  # platformdirs default


def test_logs_rotate_and_stay_bounded(tmp_path, monkeypatch):
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = [h for h in root.handlers
                     if not isinstance(h, logging.handlers.RotatingFileHandler)]
    try:
        path = logsetup.setup_logging(tmp_path / "日志")
        log = logging.getLogger("teachpoint.test")
        for i in range(16_000):
            log.info("第 %d 行：一条很长的日志信息 %s", i, "x" * 420)
        files = list((tmp_path / "日志").iterdir())
        assert path.exists() and len(files) == logsetup.BACKUPS + 1
        total = sum(f.stat().st_size for f in files)
        assert total <= (logsetup.BACKUPS + 1) * logsetup.MAX_BYTES
    finally:
        for h in root.handlers:
            if h not in saved:
                h.close()
        root.handlers = saved


def test_unwritable_log_dir_does_not_stop_anything(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert logsetup.setup_logging(blocker / "logs") is None
