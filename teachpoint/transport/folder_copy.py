"""Copying wanted files from a folder source (stick, mirror, inbox) into the store.

One loop for every folder transport: each file is hashed while it is copied and counts only once
the store has verified it and it is durable; a file with the wrong content is refused, and a source
that vanishes part way (a stick pulled out) stops the copy cleanly so the next run continues.

The copy runs in a store batch (:meth:`teachpoint.library.store.ContentStore.batch`): a file's
fsync and rename run while the next file is read, and the folders are fsynced once per commit —
every :data:`COMMIT_EVERY` seconds and at the end — when the files become playable (``on_stored``).
"""

from __future__ import annotations

import time

from teachpoint.errors import BlobMismatch, NotYetArrived, RepositoryError, SourceUnreachable
from teachpoint.library.store import Cancelled
from teachpoint.transport.transfer import TransferProgress, TransferResult

PROGRESS_EVERY = 0.25  # seconds between progress callbacks inside one file
COMMIT_EVERY = 1.0  # seconds between batch commits: how long a copied lesson may wait to be playable


def copy_blobs(source, store, todo: list, *, on_stored, repository: str = "",
               progress=None, cancel=None) -> TransferResult:
    """Copy the ``todo`` files the folder ``source`` has into ``store``; each verified first.

    ``on_stored(sha256, size)`` is called for each file once it is stored and durable (the
    pipeline marks it present in the catalogue there), in this thread, at a batch commit. A file
    that fails leaves nothing behind (the store removes its temp file). If the source disappears
    part way, the copy stops and ``source_lost`` is set: what was copied stays, and the next import
    continues from there. A problem of this PC (disk full) is raised after the files already
    stored were told to ``on_stored``.
    """
    res = TransferResult()
    offered = []
    for blob in todo:
        if source.has_blob(blob.sha256, blob.size):
            offered.append(blob)
        else:
            res.files_missing += 1
    total = sum(b.size for b in offered)
    started = time.monotonic()
    last = [0.0]

    current: list = [None, 0]  # the file being copied, and where it started in the total
    copied = [0, 0]  # files and bytes copied and verified (durable or about to be)

    def durable(sha256: str, size: int) -> None:
        on_stored(sha256, size)
        res.files_copied += 1
        res.bytes_copied += size

    def emit(done: int, force: bool = False) -> None:
        now = time.monotonic()
        if progress is None or (not force and now - last[0] < PROGRESS_EVERY):
            return
        last[0] = now
        speed = done / max(now - started, 1e-6)
        eta = (total - done) / speed if speed > 0 else None
        in_flight = {current[0].sha256: done - current[1]} if current[0] is not None else {}
        progress(TransferProgress(repository, copied[0], len(offered), done, total, speed,
                                  eta, current=current[0].sha256 if current[0] else "",
                                  in_flight=in_flight))

    with store.batch(on_durable=durable) as batch:
        committed = time.monotonic()
        for blob in source.boosted_first(offered):
            if not _copy_one(source, store, blob, res, cancel, current, copied, emit):
                break
            if time.monotonic() - committed >= COMMIT_EVERY:
                batch.commit()
                committed = time.monotonic()
            emit(copied[1], force=True)  # each stored file is news: it can be played soon
    if res.source_lost:
        res.files_missing += len(offered) - res.files_copied - res.files_unreadable - len(res.rejected)
    return res


def _copy_one(source, store, blob, res: TransferResult, cancel, current: list, copied: list,
              emit) -> bool:
    """Copy one file into the store (batch); False when the copy must stop (cancel, source gone)."""
    if cancel is not None and cancel.is_set():
        res.cancelled = True
        return False
    base = copied[1]
    current[:] = [blob, base]
    try:
        source.fetch_blob(blob.sha256, blob.size, store, cancel=cancel,
                          progress=lambda n, base=base: emit(base + n))
    except Cancelled:
        res.cancelled = True
        return False
    except BlobMismatch as exc:  # wrong content: never installed; the others may be fine
        res.rejected.append(blob.sha256)
        res.problems.append(BlobMismatch(f"file {blob.sha256[:12]}… on {source.location} is "
                                         f"damaged or tampered, not installed ({exc})"))
        return True
    except NotYetArrived:  # rewritten or shortened while we read it (the inbox)
        res.files_missing += 1
        return True
    except RepositoryError as exc:  # vanished or unreadable on the source
        res.files_unreadable += 1
        if not source.exists():
            res.source_lost = True
            res.problems.append(SourceUnreachable(
                f"{source.location} went away during the copy (stick removed?); insert it "
                "again and import again to continue"))
            return False
        res.problems.append(exc)
        return True
    finally:
        current[0] = None
    copied[0] += 1
    copied[1] += blob.size
    return True
