"""One sync at a time per data directory, across processes (the app and the service)."""

from __future__ import annotations

import os
from pathlib import Path

from teachpoint.errors import TeachPointError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


class SyncBusy(TeachPointError):
    """Another process is syncing this data directory right now."""


class SyncLock:
    """An exclusive, non-blocking lock on ``DATA_DIR/sync.lock``; released on exit or crash."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "sync.lock"
        self.fd: int | None = None

    def __enter__(self) -> "SyncLock":
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                msvcrt.locking(self.fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            os.close(self.fd)
            self.fd = None
            raise SyncBusy("another TeachPoint process is syncing this data directory; "
                           "try again when it has finished") from exc
        os.ftruncate(self.fd, 0)
        os.write(self.fd, str(os.getpid()).encode())
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            if fcntl:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
