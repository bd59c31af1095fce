"""Maintenance of the content store: re-hashing blobs, quarantining damaged ones, garbage collection.

:class:`StoreMaintenance` is held by :class:`teachpoint.library.store.ContentStore` (composition,
not a mixin): ``store.verify``, ``store.quarantine`` and ``store.gc`` hand over to it, and it uses
the store's paths, reading methods and error handling.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from teachpoint.errors import StoreError
from teachpoint.library.store_io import CancelToken, _not_stored, _SHA_RE, check_sha, fsync_dir, hash_file

log = logging.getLogger("teachpoint.library.store")  # these are ContentStore's methods: log as the store

STALE_TMP_SECONDS = 3600  # gc removes temp files older than this


@dataclass
class VerifyReport:
    ok: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # present but the content does not hash right
    missing: list[str] = field(default_factory=list)  # asked for but not in the store


@dataclass
class GcReport:
    blobs_removed: int = 0
    tmp_removed: int = 0
    partials_removed: int = 0
    bytes_freed: int = 0


class StoreMaintenance:
    """``verify``, ``quarantine`` and ``gc`` of one :class:`~teachpoint.library.store.ContentStore`.

    Uses the store's ``path_of``, ``has``, ``size_of``, ``iter_blobs``, ``remove``,
    ``ensure_layout``, ``writing``, ``partial_open`` and its ``tmp_dir``, ``partial_dir`` and
    ``damaged_dir``.
    """

    def __init__(self, store):
        self.store = store

    def verify(self, shas: Iterable[str] | None = None, progress: Callable[[int, int], None] | None = None,
               cancel: CancelToken | None = None) -> VerifyReport:
        """Re-hash all blobs (or ``shas``); ``progress(bytes_done, bytes_total)`` as it goes."""
        targets = list(self.store.iter_blobs()) if shas is None else [check_sha(s) for s in shas]
        report, sizes = VerifyReport(), {}
        for sha in targets:
            try:
                sizes[sha] = self.store.size_of(sha)
            except StoreError:
                report.missing.append(sha)
        total, base = sum(sizes.values()), 0
        for sha, size in sizes.items():
            cb = (lambda n, b=base: progress(b + n, total)) if progress else None
            try:
                good = hash_file(self.store.path_of(sha), cb, cancel) == sha
            except OSError as exc:
                log.warning("cannot read blob %s: %s", sha, exc)
                good = False
            (report.ok if good else report.damaged).append(sha)
            if not good:
                log.warning("blob %s is damaged", sha)
            base += size
        return report

    def quarantine(self, sha256: str) -> Path:
        """Move a (damaged) blob to ``damaged/<sha>.<timestamp>``; never deletes it. Returns the new path."""
        src = self.store.path_of(sha256)
        if not self.store.has(sha256):
            raise _not_stored(sha256)
        self.store.ensure_layout()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest, n = self.store.damaged_dir / f"{sha256}.{stamp}", 0
        while dest.exists():
            n += 1
            dest = self.store.damaged_dir / f"{sha256}.{stamp}-{n}"
        with self.store.writing(self.store.damaged_dir):
            os.rename(src, dest)
            fsync_dir(src.parent)
            fsync_dir(self.store.damaged_dir)
        log.warning("quarantined blob %s to %s", sha256, dest)
        return dest

    def gc(self, referenced: Iterable[str], now: float | None = None) -> GcReport:
        """Remove blobs not in ``referenced``, stale temp files and unneeded partial downloads.

        Every referenced value is validated first: a malformed set (say, upper-case hex) must fail
        loudly rather than look like "nothing is referenced" and empty the store.
        """
        keep = {check_sha(s) for s in referenced}
        now = time.time() if now is None else now
        report = GcReport()
        for sha in list(self.store.iter_blobs()):
            if sha not in keep:
                size = self.store.size_of(sha)
                if self.store.remove(sha):
                    report.blobs_removed += 1
                    report.bytes_freed += size
        report.tmp_removed, freed = self._sweep(self.store.tmp_dir, lambda e: e.stat().st_mtime < now - STALE_TMP_SECONDS)
        report.bytes_freed += freed
        report.partials_removed, freed = self._sweep(self.store.partial_dir, lambda e: self._partial_unneeded(e.name, keep))
        report.bytes_freed += freed
        log.info("gc: %s", report)
        return report

    def _partial_unneeded(self, name: str, keep: set[str]) -> bool:
        """A partial-download file whose blob is unreferenced or already stored, and not in use."""
        sha = name.split(".", 1)[0]
        if not _SHA_RE.fullmatch(sha) or self.store.partial_open(sha):
            return False
        return sha not in keep or self.store.has(sha)

    def _sweep(self, folder: Path, doomed: Callable[[os.DirEntry], bool]) -> tuple[int, int]:
        """Delete regular files in ``folder`` for which ``doomed`` is true; returns (count, bytes)."""
        count = freed = 0
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return 0, 0
        for e in entries:
            with self.store.writing(folder):
                if e.is_file(follow_symlinks=False) and doomed(e):
                    size = e.stat(follow_symlinks=False).st_size
                    os.unlink(e.path)
                    count, freed = count + 1, freed + size
        return count, freed
