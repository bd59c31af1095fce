"""A batch of blobs entering the content store: each sealed while the next is copied, recorded together.

Made by :meth:`teachpoint.library.store.ContentStore.batch`. Inside it, a verified temp file is
handed to :meth:`BlobBatch.seal` instead of being fsynced and renamed on the spot. A store-io
thread then fsyncs its data and only after that renames it under its name, while the caller
already copies the next file, so the disk writes one file back while the next one is read. At
most :data:`MAX_SEALING` files wait for their fsync.

:meth:`BlobBatch.commit` waits for those, fsyncs each touched folder once (the renames become
durable) and only then tells ``on_durable(sha256, size)``, in the order the blobs were sealed —
that is where the caller records a blob (the catalogue marks it present). So the store's invariant
holds inside a batch: a blob never appears under its name before its data is on disk and its hash
was checked, and no blob is recorded before its rename is durable. A crash part way leaves temp
files (removed at the next open) and perhaps blobs stored but not recorded, which the next import
finds in the store and records (:func:`teachpoint.sync.pipeline.wanted_files`).

A seal that fails (disk full or an I/O error at the fsync, a rename refused) removes its temp
file; the error, a :class:`StoreError`, is raised once: by the next :meth:`seal` (so the copying
stops) or else by :meth:`commit`, after the blobs that made it were told to ``on_durable``.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from pathlib import Path
from typing import Callable

from teachpoint.library.store_io import _writer_pool, fsync_dir

log = logging.getLogger(__name__)

MAX_SEALING = 2  # verified files whose fsync may still be running while the next one is copied

OnDurable = Callable[[str, int], None]


class BlobBatch:
    """Verified blobs of one batch: sealed (fsync, then rename) in the background, recorded on commit."""

    def __init__(self, store, on_durable: OnDurable | None = None):
        self.store = store
        self.on_durable = on_durable
        self.folders: set[Path] = set()  # folders holding renames not fsynced yet
        self._sealing: deque = deque()  # (future, sha256, size), oldest first
        self._sealed: list[tuple[str, int]] = []  # renamed; durable at the next commit
        self._failure: BaseException | None = None  # a failed seal not raised yet

    def seal(self, fd: int, tmp: Path, sha256: str, size: int) -> Path:
        """Take over a verified, fully written temp file (its open ``fd`` too); returns the blob's path.

        The blob is there once its seal ran, durable and recorded at :meth:`commit`. Raises the
        StoreError of an earlier seal that failed; then this file is removed too.
        """
        try:
            while len(self._sealing) >= MAX_SEALING:
                self._settle(self._sealing.popleft())
            self._raise_failure()
        except BaseException:
            _discard(fd, tmp)
            raise
        job = _writer_pool().submit(self._seal_one, fd, tmp, sha256, size)
        self._sealing.append((job, sha256, size))
        return self.store.path_of(sha256)

    def commit(self) -> None:
        """Wait for every seal, fsync their folders once, tell ``on_durable``; raise a failed seal's error."""
        while self._sealing:
            self._settle(self._sealing.popleft())
        if self.folders:
            with self.store.writing(self.store.blobs_dir):
                for folder in sorted(self.folders):
                    fsync_dir(folder)
            self.folders.clear()
        sealed, self._sealed = self._sealed, []
        if self.on_durable is not None:
            for sha256, size in sealed:
                self.on_durable(sha256, size)
        self._raise_failure()

    def _seal_one(self, fd: int, tmp: Path, sha256: str, size: int) -> None:
        """In a store-io thread: the data onto the disk, then the rename (its folder fsync waits)."""
        try:
            with self.store.writing(self.store.tmp_dir, size):
                os.fsync(fd)
        except BaseException:
            _discard(fd, tmp)
            raise
        os.close(fd)
        try:
            self.store.install(tmp, sha256, self.folders)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _settle(self, entry) -> None:
        """Wait for one seal; remember the blob, or the first failure."""
        job, sha256, size = entry
        try:
            job.result()
        except BaseException as exc:  # noqa: BLE001 - kept and raised once, from the caller's thread
            log.warning("storing %s… failed at its fsync or rename: %s", sha256[:12], exc)
            if self._failure is None:
                self._failure = exc
            return
        self._sealed.append((sha256, size))

    def _raise_failure(self) -> None:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure


def _discard(fd: int, tmp: Path) -> None:
    """Close and remove a temp file that will not become a blob."""
    os.close(fd)
    tmp.unlink(missing_ok=True)
