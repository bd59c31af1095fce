"""Copying wanted files from a folder source (stick, mirror, inbox) into the store.

One loop for every folder transport: each file is hashed while it is copied and counts only once
the store has verified it; a file with the wrong content is refused, and a source that vanishes
part way (a stick pulled out) stops the copy cleanly so the next run continues.
"""

from __future__ import annotations

import time

from teachpoint.errors import BlobMismatch, NotYetArrived, RepositoryError, SourceUnreachable
from teachpoint.library.store import Cancelled
from teachpoint.transport.transfer import TransferProgress, TransferResult

PROGRESS_EVERY = 0.25  # seconds between progress callbacks inside one file


def copy_blobs(source, store, todo: list, *, on_stored, repository: str = "",
               progress=None, cancel=None) -> TransferResult:
    """Copy the ``todo`` files the folder ``source`` has into ``store``; each verified first.

    ``on_stored(sha256, size)`` is called for each file once it is stored (the pipeline marks it
    present in the catalogue there). A file that fails leaves nothing behind (the store removes
    its temp file). If the source disappears part way, the copy stops and ``source_lost`` is set:
    what was copied stays, and the next import continues from there.
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

    def emit(done: int, force: bool = False) -> None:
        now = time.monotonic()
        if progress is None or (not force and now - last[0] < PROGRESS_EVERY):
            return
        last[0] = now
        speed = done / max(now - started, 1e-6)
        eta = (total - done) / speed if speed > 0 else None
        in_flight = {current[0].sha256: done - current[1]} if current[0] is not None else {}
        progress(TransferProgress(repository, res.files_copied, len(offered), done, total, speed,
                                  eta, current=current[0].sha256 if current[0] else "",
                                  in_flight=in_flight))

    for blob in source.boosted_first(offered):
        if cancel is not None and cancel.is_set():
            res.cancelled = True
            break
        base = res.bytes_copied
        current[:] = [blob, base]
        try:
            source.fetch_blob(blob.sha256, blob.size, store, cancel=cancel,
                              progress=lambda n, base=base: emit(base + n))
        except Cancelled:
            res.cancelled = True
            break
        except BlobMismatch as exc:  # wrong content: never installed; the others may be fine
            res.rejected.append(blob.sha256)
            res.problems.append(BlobMismatch(f"file {blob.sha256[:12]}… on {source.location} is "
                                             f"damaged or tampered, not installed ({exc})"))
            continue
        except NotYetArrived:  # rewritten or shortened while we read it (the inbox)
            res.files_missing += 1
            continue
        except RepositoryError as exc:  # vanished or unreadable on the source
            res.files_unreadable += 1
            if not source.exists():
                res.source_lost = True
                res.problems.append(SourceUnreachable(
                    f"{source.location} went away during the copy (stick removed?); insert it "
                    "again and import again to continue"))
                break
            res.problems.append(exc)
            continue
        on_stored(blob.sha256, blob.size)
        res.files_copied += 1
        res.bytes_copied += blob.size
        current[0] = None
        emit(res.bytes_copied, force=True)  # each stored file is news: it can be played now
    if res.source_lost:
        res.files_missing += len(offered) - res.files_copied - res.files_unreadable - len(res.rejected)
    return res
