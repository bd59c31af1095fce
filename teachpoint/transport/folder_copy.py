"""Copying wanted files from a folder source (stick, mirror, inbox) into the store.

One loop for every folder transport: each file is hashed while it is copied and counts only once
the store has verified it; a file with the wrong content is refused, and a source that vanishes
part way (a stick pulled out) stops the copy cleanly so the next run continues.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from teachpoint.errors import BlobMismatch, RepositoryError
from teachpoint.library.store import Cancelled
from teachpoint.sync.priority import WantedBlob
from teachpoint.repo.format import ROOT_NAME
from teachpoint.transport.sources import FolderSource

PROGRESS_EVERY = 0.25  # seconds between progress callbacks inside one file


@dataclass
class CopyProgress:
    repository: str
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    speed_bps: float  # bytes/s since the copy started
    eta_s: float | None


@dataclass
class CopyResult:
    files_copied: int = 0
    bytes_copied: int = 0
    files_missing: int = 0  # wanted, but not on the source (or not complete there)
    files_unreadable: int = 0  # on the source but reading failed (stick pulled out?)
    rejected: list[str] = field(default_factory=list)  # sha256 of files with the wrong content
    problems: list[str] = field(default_factory=list)
    source_lost: bool = False  # the source disappeared part way (stick removed)
    cancelled: bool = False


def copy_blobs(ws, source: FolderSource, todo: list[WantedBlob], repository: str = "",
               progress=None, cancel=None) -> CopyResult:
    """Copy the ``todo`` files the source has into the store; each is verified before it counts.

    A file that fails leaves nothing behind (the store removes its temp file); the catalogue marks
    a file present only once it is stored. If the source disappears part way, the copy stops and
    ``source_lost`` is set: what was copied stays, and the next import continues from there.
    """
    res = CopyResult()
    offered = []
    for blob in todo:
        if source.has_blob(blob.sha256, blob.size):
            offered.append(blob)
        else:
            res.files_missing += 1
    total = sum(b.size for b in offered)
    started = time.monotonic()
    last = [0.0]

    def emit(done: int, force: bool = False) -> None:
        now = time.monotonic()
        if progress is None or (not force and now - last[0] < PROGRESS_EVERY):
            return
        last[0] = now
        speed = done / max(now - started, 1e-6)
        eta = (total - done) / speed if speed > 0 else None
        progress(CopyProgress(repository, res.files_copied, len(offered), done, total, speed, eta))

    for blob in offered:
        if cancel is not None and cancel.is_set():
            res.cancelled = True
            break
        base = res.bytes_copied
        try:
            source.fetch_blob(blob.sha256, blob.size, ws.store, cancel=cancel,
                              progress=lambda n, base=base: emit(base + n))
        except Cancelled:
            res.cancelled = True
            break
        except BlobMismatch as exc:  # wrong content: never installed; the others may be fine
            res.rejected.append(blob.sha256)
            res.problems.append(f"file {blob.sha256[:12]}… on {source.location} is damaged or "
                                f"tampered, not installed ({exc})")
            continue
        except RepositoryError as exc:  # vanished or unreadable on the source
            res.files_unreadable += 1
            if not (source.folder / ROOT_NAME).is_file():
                res.source_lost = True
                res.problems.append(f"{source.location} went away during the copy (stick "
                                    "removed?); insert it again and import again to continue")
                break
            res.problems.append(str(exc))
            continue
        ws.catalogue.mark_blob_present(blob.sha256, blob.size)
        res.files_copied += 1
        res.bytes_copied += blob.size
        emit(res.bytes_copied, force=True)  # each stored file is news: it can be played now
    if res.source_lost:
        res.files_missing += len(offered) - res.files_copied - res.files_unreadable - len(res.rejected)
    return res
