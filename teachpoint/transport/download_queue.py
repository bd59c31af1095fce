"""The piece queue of :class:`~teachpoint.transport.download.Downloader`: blobs, pieces, work stealing.

Each blob of a run is a :class:`_Blob`; its missing ranges are queued on a heap (boosted blobs
first, then by priority and order) and handed to workers as :class:`_Piece` objects, cut to
``piece_bytes``. When the heap runs dry an idle worker steals the second half of the largest piece
in flight. A blob whose pieces are all done is due a commit; a failed attempt restarts it (a new
generation: pieces of the old one are dropped) or gives it up.

:class:`_PieceQueue` is a mixin of ``Downloader``: its methods run with ``self._cv`` held and use
the downloader's run state (``_blobs``, ``_heap``, ``_seq``, ``_inflight``, ``_stop``, ``stats``,
``store``, ``piece_bytes``, ``max_blob_attempts``).
"""

from __future__ import annotations

import heapq
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teachpoint.transport.download import BlobJob

log = logging.getLogger("teachpoint.transport.download")

MIN_STEAL = 32 * 1024  # never steal less than this (a new request costs an RTT)


class _Blob:
    def __init__(self, job: BlobJob, index: int, have: int):
        self.job, self.index, self.have = job, index, have
        self.state = "queued"  # queued -> active -> committing -> done | failed (or back to queued)
        self.partial = None
        self.gen = 0  # bumped when the blob restarts: pieces of an older generation are dropped
        self.outstanding = 1  # queue entries + pieces in flight (of this generation)
        self.attempts = 0
        self.validator: str | None = None  # strong ETag or Last-Modified, for If-Range
        self.sequential = False  # the server ignored Range: one whole-body stream
        self.ranges_broken = False  # a bad 206 came back: ask for the whole file, no Range
        self.boosted = False
        self.fetched = 0  # useful bytes received for this generation (wasted if it fails)


class _Piece:
    def __init__(self, blob: _Blob, pos: int, end: int, sequential: bool = False):
        self.blob, self.gen, self.pos, self.end, self.sequential = blob, blob.gen, pos, end, sequential

    def live(self) -> bool:
        b = self.blob
        return self.gen == b.gen and b.state == "active" and (self.sequential or not b.sequential)


class _PieceQueue:
    """The queue half of ``Downloader`` (caller holds ``_cv``); see the module docstring."""

    def _unresolved(self) -> bool:
        return any(b.state not in ("done", "failed") for b in self._blobs.values())

    def _key(self, blob: _Blob, start) -> tuple:
        return (0 if blob.boosted else 1, blob.job.priority, blob.index, start or 0)

    def _push(self, blob: _Blob, start, end, sequential: bool = False) -> None:
        entry = (self._key(blob, start), next(self._seq), blob, blob.gen, start, end, sequential)
        heapq.heappush(self._heap, entry)
        self._cv.notify_all()

    def _take(self):
        """Next piece, a blob to commit, or None when the run is over; waits while work is in flight."""
        while not self._stop.is_set():
            while self._heap:
                _, _, blob, gen, start, end, seq = heapq.heappop(self._heap)
                if gen != blob.gen or blob.state not in ("queued", "active"):
                    continue
                if start is None:
                    if self._activate(blob):
                        return blob
                    continue
                if blob.sequential and not seq:
                    blob.outstanding -= 1
                    if self._check_blob(blob):
                        return blob
                    continue
                if not seq and end - start > self.piece_bytes:
                    self._push(blob, start + self.piece_bytes, end)
                    blob.outstanding += 1
                    end = start + self.piece_bytes
                return self._start(_Piece(blob, start, end, seq))
            piece = self._steal()
            if piece is not None:
                return self._start(piece)
            if not self._unresolved():
                return None
            self._cv.wait(0.5)
        return None

    def _start(self, piece: _Piece) -> _Piece:
        self._inflight.append(piece)
        self.stats.streams_max = max(self.stats.streams_max, len(self._inflight))
        return piece

    def _steal(self) -> _Piece | None:
        """Split off the second half of the largest range in flight, if one is worth splitting."""
        live = [p for p in self._inflight if p.live() and not p.sequential and p.end - p.pos >= 2 * MIN_STEAL]
        if not live:
            return None
        victim = max(live, key=lambda p: (p.blob.boosted, p.end - p.pos))
        mid = victim.pos + (victim.end - victim.pos) // 2
        piece = _Piece(victim.blob, mid, victim.end)
        victim.end = mid
        victim.blob.outstanding += 1
        log.debug("stealing %d-%d of %s", mid, piece.end, victim.blob.job.sha256[:12])
        return piece

    def _activate(self, blob: _Blob) -> bool:
        """Open the blob's partial and queue its missing ranges; True if it only needs a commit."""
        if self.store.has(blob.job.sha256):
            blob.state, blob.have, blob.outstanding = "done", blob.job.size, 0
            self.stats.blobs_done += 1
            return False
        blob.partial = self.store.open_partial(blob.job.sha256, blob.job.size)
        blob.state = "active"
        missing = blob.partial.missing_ranges()
        blob.have = blob.job.size - sum(e - s for s, e in missing)
        blob.outstanding = len(missing)
        for s, e in missing:
            self._push(blob, s, e)
        if not missing:
            blob.state = "committing"
        return not missing

    def _release(self, piece: _Piece) -> _Blob | None:
        """A worker is done with ``piece``: requeue what is left; returns the blob if it is due a commit."""
        self._inflight.remove(piece)
        self._cv.notify_all()
        if piece.gen != piece.blob.gen or piece.blob.state != "active":
            return None
        if piece.live() and piece.pos < piece.end and not self._stop.is_set():
            self._push(piece.blob, piece.pos, piece.end, piece.sequential)
            return None
        piece.blob.outstanding -= 1
        return piece.blob if self._check_blob(piece.blob) else None

    def _check_blob(self, blob: _Blob) -> bool:
        """When nothing of the blob is queued or in flight: requeue holes, or mark it for commit."""
        if blob.outstanding > 0 or blob.state != "active" or self._stop.is_set():
            return False
        missing = blob.partial.missing_ranges()
        if blob.sequential and missing:
            missing = [(missing[0][0], blob.job.size)]
        for s, e in missing:
            self._push(blob, s, e, blob.sequential)
        blob.outstanding = len(missing)
        if not missing:
            blob.state = "committing"
        return not missing

    def _fail_attempt(self, blob: _Blob, gen: int, reason: str, permanent: bool = False) -> None:
        """One attempt at the blob failed: start it again, or give it up after max attempts."""
        if gen != blob.gen or blob.state not in ("active", "committing"):
            return  # another worker already dealt with this generation
        blob.attempts += 1
        partial, blob.partial = blob.partial, None
        blob.gen += 1
        self.stats.bytes_wasted += blob.fetched
        blob.fetched = blob.have = 0
        blob.sequential, blob.validator = False, None
        if partial is not None and permanent and partial.bytes_done:
            partial.close()  # missing on this source: what we have may still be completed elsewhere
        elif partial is not None:
            partial.discard()  # wrong size or content: nothing in it can be trusted
        if permanent or blob.attempts >= self.max_blob_attempts:
            blob.state, blob.outstanding = "failed", 0
            self.stats.blobs_failed[blob.job.sha256] = reason
            log.warning("giving up on %s: %s", blob.job.sha256, reason)
        else:
            log.info("retrying %s from scratch (attempt %d): %s", blob.job.sha256, blob.attempts + 1, reason)
            blob.state, blob.outstanding = "queued", 1
            self._push(blob, None, None)
        self._cv.notify_all()
