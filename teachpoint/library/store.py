"""The content-addressed store: every file kept once, under its SHA-256, only after it was verified.

Layout under ``root``::

    sha256/ab/ab12…            verified blobs (64 lower-case hex names, two-character fan-out)
    tmp/                       in-progress writes (same filesystem, so the final rename is atomic)
    partial/<sha>.part|.ranges resumable downloads (see :mod:`teachpoint.library.partial`)
    damaged/<sha>.<time>       quarantined blobs, kept as evidence

A blob enters only through temp file → hash check → fsync → ``os.replace`` → fsync of the directory,
so nobody ever sees a half-written or unverified blob (inside a :meth:`ContentStore.batch` the fsync
and rename run while the next file is copied, the directories are fsynced once, at the commit).
Every sha256 argument is validated because it names a file (path-traversal defence). A declared
size bounds every read: at most ``size + 1`` bytes are taken from a stream. The store is a plain
filesystem component: no Qt, no catalogue; the catalogue records blob states itself. OS errors come out as :class:`StoreError` with a message for
people; errors of the *source* (a network stream, a file on a stick) pass through unchanged, so
the caller can resume or report the source.

The low-level pieces (sha and size checks, cancelling, fsync, hashing, the copy loop) live in
:mod:`teachpoint.library.store_io`, the batch in :mod:`teachpoint.library.store_batch` and the
maintenance (verify, quarantine, gc) in :mod:`teachpoint.library.store_maintenance`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import stat
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from teachpoint.errors import BlobMismatch, NotEnoughSpace, StoreError
from teachpoint.library.store_io import (
    CHUNK, WRITEBACK_EVERY, CancelToken, Cancelled, Progress, _check_size, _fadvise, _not_stored, _SHA_RE,
    _file_reader, _stream_reader, check_cancel, check_sha, copy_hashing, fsync_dir, hash_file, write_all)
from teachpoint.library.store_batch import BlobBatch, OnDurable
from teachpoint.library.store_maintenance import STALE_TMP_SECONDS, GcReport, StoreMaintenance, VerifyReport

# The public names, several of them re-exported from store_io and store_maintenance.
__all__ = ["CHUNK", "STALE_TMP_SECONDS", "WRITEBACK_EVERY", "CancelToken", "Cancelled", "ContentStore",
           "GcReport", "Progress", "StoreStats", "VerifyReport", "check_cancel", "check_sha", "fsync_dir",
           "hash_file", "write_all"]

log = logging.getLogger(__name__)

_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


@dataclass
class StoreStats:
    count: int
    bytes: int
    free: int


class ContentStore:
    """Blobs named by their SHA-256 under ``root``; keeps ``floor_bytes`` of the disk free."""

    def __init__(self, root: Path, floor_bytes: int = 1 << 30):
        if floor_bytes < 0:
            raise StoreError(f"the free-space floor cannot be negative ({floor_bytes})")
        self.root = Path(root)
        self.floor_bytes = floor_bytes
        self.blobs_dir = self.root / "sha256"
        self.tmp_dir = self.root / "tmp"
        self.partial_dir = self.root / "partial"
        self.damaged_dir = self.root / "damaged"
        self._layout_ready = False
        self._partials: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._partials_lock = threading.Lock()
        self._batches = threading.local()  # .current: this thread's BlobBatch (see batch)
        self.maintenance = StoreMaintenance(self)

    # ------------------------------------------------------------------ paths and errors

    def path_of(self, sha256: str) -> Path:
        """Where the blob lives (or would live)."""
        check_sha(sha256)
        return self.blobs_dir / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """True if the blob is stored (a regular file; symlinks planted in the store do not count)."""
        try:
            return stat.S_ISREG(os.lstat(self.path_of(sha256)).st_mode)
        except OSError:
            return False

    def os_error(self, exc: OSError, where: Path | str, needed: int = 0) -> StoreError:
        """Turn an OSError met while writing ``where`` into a StoreError for people."""
        if exc.errno in _NO_SPACE:
            return NotEnoughSpace(needed, self._free(), self.floor_bytes, where=str(self.root))
        if exc.errno in _READ_ONLY:
            why = "" if exc.errno == errno.EROFS else f": {exc.strerror}"
            return StoreError(f"cannot write to {where} (read-only{why})")
        return StoreError(f"cannot write to {where}: {exc.strerror or exc}")

    @contextlib.contextmanager
    def writing(self, where: Path | str, needed: int = 0):
        """Context in which OSErrors become StoreErrors (see :meth:`os_error`)."""
        try:
            yield
        except OSError as exc:
            raise self.os_error(exc, where, needed) from exc

    def ensure_layout(self) -> None:
        """Create the store folders (once); raise StoreError if the root cannot be written."""
        if self._layout_ready:
            return
        with self.writing(self.root):
            for d in (self.blobs_dir, self.tmp_dir, self.partial_dir, self.damaged_dir):
                try:
                    d.mkdir(parents=True, exist_ok=True)
                except (FileExistsError, NotADirectoryError) as exc:
                    raise StoreError(f"cannot create the store at {self.root}: {exc.strerror}") from exc
        self._layout_ready = True

    # ------------------------------------------------------------------ space

    def _free(self) -> int:
        """Free bytes on the store's filesystem (nearest existing ancestor if root is not made yet)."""
        p = self.root
        while not p.exists() and p.parent != p:
            p = p.parent
        try:
            return shutil.disk_usage(p).free
        except OSError:
            return 0

    def check_space(self, needed: int) -> None:
        """Raise :class:`NotEnoughSpace` if writing ``needed`` bytes would go below the floor."""
        free = self._free()
        if free - needed < self.floor_bytes:
            raise NotEnoughSpace(needed, free, self.floor_bytes, where=str(self.root))

    # ------------------------------------------------------------------ adding

    def add_stream(self, stream, sha256: str, size: int, progress: Progress | None = None,
                   cancel: CancelToken | None = None) -> Path:
        """Store what ``stream`` yields, which must be exactly ``size`` bytes hashing to ``sha256``.

        Reads at most ``size + 1`` bytes, in 1 MiB chunks. If the blob is already stored nothing is
        read. Raises BlobMismatch (size or hash), Cancelled, NotEnoughSpace or StoreError; in every
        case nothing new appears in the store and the temp file is gone.
        """
        check_sha(sha256)
        _check_size(size)
        if self.has(sha256):
            return self._existing(sha256, size)
        return self._ingest(_stream_reader(stream), size, sha256, progress, cancel, "stream")

    def add_file(self, path: Path, sha256: str | None = None, size: int | None = None,
                 progress: Progress | None = None, cancel: CancelToken | None = None) -> Path:
        """Copy a local file into the store in one copy-and-hash pass.

        With ``sha256=None`` the hash is computed and trusted (publisher, "trust on first sight").
        A declared ``size`` that differs from the file fails at once, before any copying. Errors
        opening or reading the *source* (missing file, a stick pulled out: EIO) propagate unchanged
        as OSError, like stream errors in :meth:`add_stream`, so the caller can tell "the source is
        bad" from "the store is full/read-only" (always StoreError). The temp file is removed.
        """
        path = Path(path)
        if sha256 is not None:
            check_sha(sha256)
        if size is not None:
            _check_size(size)
        if sha256 is not None and self.has(sha256):
            return self._existing(sha256, size)
        if not stat.S_ISREG(os.stat(path).st_mode):  # never block opening a FIFO or device
            raise StoreError(f"{path} is not a regular file")
        with open(path, "rb", buffering=0) as f:
            actual = os.fstat(f.fileno()).st_size
            if size is not None and size != actual:
                raise BlobMismatch(f"{path} is {actual} bytes, expected {size}")
            _fadvise(f.fileno(), 0, "SEQUENTIAL")
            return self._ingest(_file_reader(f), actual, sha256, progress, cancel, str(path))

    def _existing(self, sha256: str, size: int | None) -> Path:
        """Path of an already stored blob, after checking the declared size agrees with it."""
        have = self.size_of(sha256)
        if size is not None and have != size:
            raise BlobMismatch(f"blob {sha256[:12]}… is stored with {have} bytes, not the declared {size}")
        return self.path_of(sha256)

    def _ingest(self, fill, size: int, expected: str | None, progress, cancel, label: str) -> Path:
        """Copy ``size`` bytes from ``fill`` into a temp file while hashing; verify; install."""
        self.check_space(size)
        self.ensure_layout()
        with self.writing(self.tmp_dir, size):
            fd, tmp_name = tempfile.mkstemp(prefix=f"{(expected or 'new')[:16]}-", suffix=".tmp",
                                            dir=self.tmp_dir)
        tmp = Path(tmp_name)
        batch = getattr(self._batches, "current", None)
        try:
            digest = copy_hashing(fill, fd, size, progress, cancel, label,
                                  lambda: self.writing(self.tmp_dir, size), write_all)
            if expected is not None and digest != expected:
                raise BlobMismatch(f"{label} has SHA-256 {digest[:12]}…, expected {expected[:12]}…")
            with self.writing(self.tmp_dir, size):
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, 0o644)  # readable by every account on a shared classroom PC
                if batch is None:
                    os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        if batch is not None:
            return batch.seal(fd, tmp, digest, size)  # fsync and rename while the next file copies
        os.close(fd)
        return self.install(tmp, digest)

    def install(self, src: Path, sha256: str, defer: set | None = None) -> Path:
        """Atomically move a verified, fsynced file into place (same filesystem); returns its path.

        If the blob is already there, ``src`` is removed instead (identical content, stored once).
        The folders to fsync go into ``defer`` if given (a batch fsyncs them at its commit).
        """
        dest = self.path_of(sha256)
        with self.writing(dest.parent):
            if self.has(sha256):
                src.unlink(missing_ok=True)
                return dest
            sync = fsync_dir if defer is None else defer.add
            if not dest.parent.is_dir():
                dest.parent.mkdir(exist_ok=True)
                sync(self.blobs_dir)
            os.replace(src, dest)
            sync(dest.parent)
        log.debug("stored %s", sha256)
        return dest

    @contextlib.contextmanager
    def batch(self, on_durable: OnDurable | None = None):
        """Blobs added in this thread inside the ``with`` are sealed behind the next copy (a BlobBatch).

        Each blob's data is fsynced before its rename, in a store-io thread while the next file
        is copied; each folder is fsynced once per ``commit()`` of the yielded
        :class:`~teachpoint.library.store_batch.BlobBatch` and at the end, and only then is
        ``on_durable(sha256, size)`` told, so record blobs (the catalogue) there. An ``add_*``
        inside returns the blob's path before the blob is there. Nested: the outer batch commits.
        """
        outer = getattr(self._batches, "current", None)
        if outer is not None:
            yield outer
            return
        self._batches.current = batch = BlobBatch(self, on_durable)
        try:
            yield batch
        finally:
            self._batches.current = None
            batch.commit()

    # ------------------------------------------------------------------ partial downloads

    def open_partial(self, sha256: str, size: int, **options):
        """Open (resuming if it exists) the partial download of one blob; see :class:`PartialBlob`.

        One object per blob per store: opening it again while it is open returns the same object.
        """
        from teachpoint.library.partial import PartialBlob

        check_sha(sha256)
        _check_size(size)
        with self._partials_lock:
            part = self._partials.get(sha256)
            if part is not None and not part.closed:
                if part.size != size:
                    raise BlobMismatch(f"partial {sha256[:12]}… is open with size {part.size}, not {size}")
                return part
            part = PartialBlob(self, sha256, size, **options)
            self._partials[sha256] = part
            return part

    def partial_open(self, sha256: str) -> bool:
        with self._partials_lock:
            part = self._partials.get(sha256)
            return part is not None and not part.closed

    # ------------------------------------------------------------------ reading

    def open_blob(self, sha256: str):
        """Open a stored blob for reading (binary); a symlink planted in the store is not followed."""
        path = self.path_of(sha256)
        try:
            return os.fdopen(os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_BINARY), "rb")
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise _not_stored(sha256) from exc
        except OSError as exc:
            raise StoreError(f"cannot read blob {sha256[:12]}…: {exc.strerror or exc}") from exc

    def size_of(self, sha256: str) -> int:
        """Size in bytes of a stored blob."""
        try:
            st = os.lstat(self.path_of(sha256))
        except OSError:
            raise _not_stored(sha256) from None
        if not stat.S_ISREG(st.st_mode):
            raise _not_stored(sha256)
        return st.st_size

    def iter_blobs(self) -> Iterator[str]:
        """Yield the sha256 of every stored blob; junk, symlinks and misplaced files are skipped."""
        try:
            fans = sorted((e for e in os.scandir(self.blobs_dir) if len(e.name) == 2 and e.is_dir()),
                          key=lambda e: e.name)
        except OSError:
            return
        for fan in fans:
            try:
                entries = list(os.scandir(fan.path))
            except OSError:
                continue
            for e in entries:
                if _SHA_RE.fullmatch(e.name) and e.name[:2] == fan.name and e.is_file(follow_symlinks=False):
                    yield e.name

    def stats(self) -> StoreStats:
        """Count and total size of the stored blobs, and free disk space."""
        count = total = 0
        for sha in self.iter_blobs():
            with contextlib.suppress(StoreError):
                total += self.size_of(sha)
                count += 1
        return StoreStats(count, total, self._free())

    # ------------------------------------------------------------------ removing
    # ---- maintenance (teachpoint.library.store_maintenance) ------------------------------------

    def verify(self, shas=None, progress=None, cancel=None) -> VerifyReport:
        """Re-hash all blobs (or ``shas``); see :meth:`StoreMaintenance.verify`."""
        return self.maintenance.verify(shas, progress, cancel)

    def quarantine(self, sha256: str) -> Path:
        """Move a damaged blob aside (never deleted); see :meth:`StoreMaintenance.quarantine`."""
        return self.maintenance.quarantine(sha256)

    def gc(self, referenced, now: float | None = None) -> GcReport:
        """Remove unreferenced blobs and stale temp files; see :meth:`StoreMaintenance.gc`."""
        return self.maintenance.gc(referenced, now)


    def remove(self, sha256: str) -> bool:
        """Delete a blob; True if it was there."""
        path = self.path_of(sha256)
        with self.writing(path.parent):
            try:
                path.unlink()
            except FileNotFoundError:
                return False
        return True

