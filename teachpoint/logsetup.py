"""Logging into size-bounded rotating files, one file per kind of process.

The app (and short commands) write ``teachpoint.log``; the background sync service writes
``teachpoint-sync.log`` (:data:`SERVICE_LOG_FILE`), so the two processes that share a PC never
rotate each other's file. Each file keeps :data:`BACKUPS` old copies of :data:`MAX_BYTES`, so the
log folder stays under :func:`folder_bound` bytes.

Rotation renames the file; on Windows that fails while another process holds the file open. The
standard handler then keeps writing to the full file forever. :class:`BoundedRotatingFileHandler`
instead stops writing once the file reaches :data:`HARD_LIMIT_FACTOR` times its size and retries
the rotation now and then: a few lines may be lost, the disk never fills up.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_FILE = "teachpoint.log"
SERVICE_LOG_FILE = "teachpoint-sync.log"
LOG_FILES = (LOG_FILE, SERVICE_LOG_FILE)
MAX_BYTES = 1 << 20  # 1 MiB a file
BACKUPS = 5  # so one kind of log never exceeds ~6 MiB
HARD_LIMIT_FACTOR = 2  # a file whose rotation keeps failing stops growing at twice MAX_BYTES
RETRY_EVERY = 200  # records dropped between two attempts to rotate a stuck file


def folder_bound(max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> int:
    """The most bytes the log folder can hold: every kind of log, all copies, worst case."""
    return len(LOG_FILES) * (backups + HARD_LIMIT_FACTOR) * max_bytes


class BoundedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A :class:`RotatingFileHandler` that stays bounded even when it cannot rotate."""

    def __init__(self, filename, max_bytes: int, backups: int):
        super().__init__(filename, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self.stuck = False  # the last rotation failed
        self.dropped = 0  # records not written since the file got too big

    def doRollover(self) -> None:
        try:
            super().doRollover()
            self.stuck = False
        except OSError:
            # Another process holds the file (Windows), or an old copy cannot be replaced.
            self.stuck = True
            if self.stream is None:
                self.stream = self._open()

    def emit(self, record: logging.LogRecord) -> None:
        if self.stuck and self._too_big():
            self.dropped += 1
            if self.dropped % RETRY_EVERY:
                return
            self.doRollover()  # try again now and then
            if self.stuck:
                return
        super().emit(record)

    def _too_big(self) -> bool:
        try:
            return os.path.getsize(self.baseFilename) >= HARD_LIMIT_FACTOR * self.maxBytes
        except OSError:
            return False


def setup_logging(log_dir: Path, level: int = logging.INFO, file_name: str = LOG_FILE,
                  max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> Path | None:
    """Send the root logger to ``log_dir/file_name``; returns the file, or None if unwritable.

    A log directory that cannot be written must never stop the app: logging then stays off.
    """
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = BoundedRotatingFileHandler(log_dir / file_name, max_bytes, backups)
    except OSError:
        # No log file: keep warnings off the terminal too (commands print their own errors).
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return log_dir / file_name


def log_files(log_dir: Path) -> list[Path]:
    """The TeachPoint log files in ``log_dir``, newest first (current files before old copies)."""
    try:
        found = [p for p in Path(log_dir).iterdir()
                 if p.is_file() and any(p.name.startswith(n) for n in LOG_FILES)]
    except OSError:
        return []

    def mtime(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=mtime, reverse=True)
