"""Resumable partial downloads of one blob, written by several threads at once.

``partial/<sha>.part`` holds the bytes at their final offsets (a sparse file of the declared size);
``partial/<sha>.ranges`` is a small JSON sidecar listing the merged ``[start, end)`` ranges that are
complete. The sidecar is only ever replaced atomically and only after the data it describes was
fsynced (a *checkpoint*), so after a crash or a power cut the recorded ranges are really on disk:
at worst the bytes written since the last checkpoint are fetched again, never trusted blindly.
``commit()`` hashes the whole file anyway, and a mismatch throws the partial away.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from teachpoint.errors import BlobMismatch, StoreError
from teachpoint.library.store import CancelToken, Progress, fsync_dir, hash_file, write_all

if TYPE_CHECKING:
    from teachpoint.library.store import ContentStore

log = logging.getLogger(__name__)

CHECKPOINT_BYTES = 8 << 20  # checkpoint after this much new data …
CHECKPOINT_SECONDS = 5.0  # … or this long after the previous checkpoint, whichever comes first
_O_BINARY = getattr(os, "O_BINARY", 0)

Range = tuple[int, int]


def add_range(ranges: list[Range], start: int, end: int) -> list[Range]:
    """Insert ``[start, end)`` into sorted, merged ``ranges``; returns a new merged list."""
    out: list[Range] = []
    for s, e in ranges:
        if e < start or s > end:  # disjoint and not touching
            out.append((s, e))
        else:
            start, end = min(s, start), max(e, end)
    out.append((start, end))
    return sorted(out)


def missing_ranges(ranges: list[Range], size: int) -> list[Range]:
    """The complement of merged ``ranges`` within ``[0, size)``."""
    out, pos = [], 0
    for s, e in ranges:
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < size:
        out.append((pos, size))
    return out


def load_ranges(sidecar: Path, sha256: str, size: int) -> list[Range]:
    """Ranges recorded in a sidecar; anything unreadable, foreign or out of bounds counts as none."""
    try:
        raw = json.loads(sidecar.read_bytes())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable partial sidecar %s: %s", sidecar, exc)
        return []
    if not isinstance(raw, dict) or raw.get("sha256") != sha256 or raw.get("size") != size:
        return []
    ranges: list[Range] = []
    for item in raw.get("done") if isinstance(raw.get("done"), list) else []:
        ok = (isinstance(item, list) and len(item) == 2
              and all(type(v) is int for v in item) and 0 <= item[0] < item[1] <= size)
        if not ok:
            log.warning("ignoring partial sidecar %s with a bad range %r", sidecar, item)
            return []
        ranges = add_range(ranges, item[0], item[1])
    return ranges


def _pwrite_all(fd: int, data: memoryview, offset: int, seek_lock: threading.Lock) -> None:
    """Write all of ``data`` at ``offset`` (``os.pwrite``; seek+write under a lock where it is missing)."""
    if hasattr(os, "pwrite"):
        while data:
            n = os.pwrite(fd, data, offset)
            data, offset = data[n:], offset + n
        return
    with seek_lock:  # Windows has no pwrite
        os.lseek(fd, offset, os.SEEK_SET)
        while data:
            data = data[os.write(fd, data):]


class PartialBlob:
    """A blob being downloaded in ranges; get one from :meth:`ContentStore.open_partial`.

    ``write_at`` may be called from several threads at once for different ranges. The object is
    closed by ``close()`` (progress kept for a later resume), ``commit()`` or ``discard()``.
    """

    def __init__(self, store: ContentStore, sha256: str, size: int,
                 checkpoint_bytes: int = CHECKPOINT_BYTES, checkpoint_seconds: float = CHECKPOINT_SECONDS):
        self.store, self.sha256, self.size = store, sha256, size
        self.path = store.partial_dir / f"{sha256}.part"
        self.sidecar = store.partial_dir / f"{sha256}.ranges"
        self._checkpoint_bytes, self._checkpoint_seconds = checkpoint_bytes, checkpoint_seconds
        self._cv = threading.Condition()  # guards _done, _inflight, _unsaved, closed
        self._save_lock = threading.Lock()  # serialises checkpoints and closing the fd
        self._seek_lock = threading.Lock()
        self._inflight = self._unsaved = 0
        self._last_save = time.monotonic()
        self.closed = False
        store.ensure_layout()
        self._done = self._open_file()
        self._finalizer = weakref.finalize(self, os.close, self._fd)

    def _open_file(self) -> list[Range]:
        """Open (or create) the .part file at full size; returns the ranges safe to trust."""
        ranges = load_ranges(self.sidecar, self.sha256, self.size)
        with self.store.writing(self.partial_dir):
            self.store.check_space(self.size - sum(e - s for s, e in ranges))
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _O_BINARY, 0o644)
            try:
                have = os.fstat(self._fd).st_size
                if ranges and have < ranges[-1][1]:
                    log.warning("partial %s is shorter than its sidecar says; starting over", self.path)
                    ranges = []
                if have != self.size:
                    os.ftruncate(self._fd, self.size)  # sparse: takes no space yet
            except BaseException:
                os.close(self._fd)
                raise
        if ranges:
            log.info("resuming %s: %d of %d bytes already here", self.sha256, _total(ranges), self.size)
        return ranges

    @property
    def partial_dir(self) -> Path:
        return self.store.partial_dir

    # ------------------------------------------------------------------ writing

    def write_at(self, offset: int, data: bytes | bytearray | memoryview) -> None:
        """Write ``data`` at ``offset``; raises BlobMismatch if it would pass the declared size."""
        mv = memoryview(data).cast("B")
        if not isinstance(offset, int) or offset < 0 or offset + len(mv) > self.size:
            raise BlobMismatch(f"write of {len(mv)} bytes at {offset} is outside blob "
                               f"{self.sha256[:12]}… of {self.size} bytes")
        if not mv:
            return
        with self._cv:
            if self.closed:
                raise StoreError(f"partial download {self.sha256[:12]}… is closed")
            self._inflight += 1
        written = due = False
        try:
            with self.store.writing(self.path, len(mv)):
                _pwrite_all(self._fd, mv, offset, self._seek_lock)
            written = True
        finally:
            with self._cv:  # record before leaving, so close() never misses a finished write
                if written:
                    self._done = add_range(self._done, offset, offset + len(mv))
                    self._unsaved += len(mv)
                    due = (self._unsaved >= self._checkpoint_bytes
                           or time.monotonic() - self._last_save >= self._checkpoint_seconds)
                self._inflight -= 1
                self._cv.notify_all()
        if due:
            self.flush()

    def flush(self) -> None:
        """Checkpoint: fsync the data, then atomically record the ranges it completes."""
        with self._save_lock:
            if not self._finalizer.alive:
                return
            with self._cv:
                snapshot, self._unsaved, self._last_save = list(self._done), 0, time.monotonic()
            with self.store.writing(self.partial_dir):
                (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(self._fd)
                self._write_sidecar(snapshot)

    def _write_sidecar(self, ranges: list[Range]) -> None:
        """Replace the sidecar atomically (temp file, fsync, rename, fsync of the folder)."""
        body = json.dumps({"sha256": self.sha256, "size": self.size, "done": [list(r) for r in ranges]})
        tmp = self.sidecar.with_name(self.sidecar.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_BINARY, 0o644)
        try:
            write_all(fd, memoryview(body.encode()))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.sidecar)
        fsync_dir(self.partial_dir)

    # ------------------------------------------------------------------ state

    def missing_ranges(self) -> list[Range]:
        """``[start, end)`` ranges still to be written, in order."""
        with self._cv:
            return missing_ranges(self._done, self.size)

    @property
    def bytes_done(self) -> int:
        with self._cv:
            return _total(self._done)

    @property
    def complete(self) -> bool:
        return not self.missing_ranges()

    # ------------------------------------------------------------------ ending

    def _stop_writers(self) -> None:
        """Refuse new writes and wait for the ones in flight."""
        with self._cv:
            self.closed = True
            self._cv.wait_for(lambda: self._inflight == 0)

    def close(self) -> None:
        """Checkpoint and close, keeping the partial on disk for a later resume."""
        if self.closed:
            return
        self._stop_writers()
        self.flush()
        with self._save_lock:
            self._finalizer()

    def discard(self) -> None:
        """Close and delete the partial download and its sidecar."""
        self._stop_writers()
        with self._save_lock:
            self._finalizer()
        with self.store.writing(self.partial_dir):
            for p in (self.path, self.sidecar, self.sidecar.with_name(self.sidecar.name + ".tmp")):
                p.unlink(missing_ok=True)

    def commit(self, progress: Progress | None = None, cancel: CancelToken | None = None) -> Path:
        """Hash the whole file; if it matches, move it into the store and return the blob's path.

        Raises StoreError if ranges are still missing (the partial stays), BlobMismatch if the hash
        is wrong (the partial is deleted: there is no telling which range was bad).
        """
        if self.closed:
            raise StoreError(f"partial download {self.sha256[:12]}… is closed")
        missing = self.missing_ranges()
        if missing:
            raise StoreError(f"cannot commit {self.sha256[:12]}…: {len(missing)} range(s), "
                             f"{sum(e - s for s, e in missing)} bytes still missing")
        self._stop_writers()
        self.flush()  # a cancel or crash while hashing must not lose the finished download
        with self._save_lock:
            self._finalizer()
        try:
            digest = hash_file(self.path, progress, cancel)
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        if digest != self.sha256:
            self.discard()
            raise BlobMismatch(f"downloaded blob has SHA-256 {digest[:12]}…, expected {self.sha256[:12]}…; "
                               "the partial download was deleted")
        dest = self.store.install(self.path, self.sha256)
        with self.store.writing(self.partial_dir):
            self.sidecar.unlink(missing_ok=True)
        return dest

    def __enter__(self) -> "PartialBlob":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<PartialBlob {self.sha256[:12]}… {self.bytes_done}/{self.size}{' closed' if self.closed else ''}>"


def _total(ranges: list[Range]) -> int:
    return sum(e - s for s, e in ranges)
