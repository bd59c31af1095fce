"""One sync at a time per data directory, across processes (the app and the service).

The lock belongs to the operation: :func:`teachpoint.sync.pipeline.import_repository` takes it
itself, so every transport (and every command) is covered. It is re-entrant within one thread —
a sync round holds it for all its sources, and each import inside takes it again for free — and
exclusive between threads and processes.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from teachpoint.errors import TeachPointError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


class SyncBusy(TeachPointError):
    """Another process is syncing this data directory right now."""


_held = threading.local()  # lock path -> depth, for the thread that holds it


class SyncLock:
    """An exclusive, non-blocking lock on ``DATA_DIR/sync.lock``; released on exit or crash."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "sync.lock"
        self.fd: int | None = None
        self._key = os.path.abspath(self.path)

    @staticmethod
    def _depths() -> dict:
        if not hasattr(_held, "depths"):
            _held.depths = {}
        return _held.depths

    def held_here(self) -> bool:
        """This thread holds the lock already (an outer operation took it)."""
        return self._depths().get(self._key, 0) > 0

    def __enter__(self) -> "SyncLock":
        depths = self._depths()
        if depths.get(self._key, 0) > 0:
            depths[self._key] += 1
            return self
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
        depths[self._key] = 1
        return self

    def __exit__(self, *exc) -> None:
        depths = self._depths()
        depths[self._key] = depths.get(self._key, 1) - 1
        if depths[self._key] > 0:
            return
        del depths[self._key]
        if self.fd is not None:
            if fcntl:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
