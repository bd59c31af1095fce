"""The piece queue of :class:`~teachpoint.transport.download.Downloader`: blobs, pieces, work stealing.

Each blob of a run is a :class:`_Blob`; its missing ranges are queued on a heap (boosted blobs
first, then by priority and order) and handed to workers as :class:`_Piece` objects, cut to
``piece_bytes`` — smaller near the end of a run, a fair share of what is left per stream, so the
streams end together. When the heap runs dry an idle worker steals the second half of the largest
piece in flight. A blob whose pieces are all done is due a commit; a failed attempt restarts it (a new
generation: pieces of the old one are dropped) or gives it up.

:class:`PieceQueue` holds the state of one ``Downloader.run`` (a new queue per run); the
downloader holds it and shares its condition variable, stop event and stats with it. Its methods
run with that condition variable held.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from dataclasses import dataclass

from teachpoint.errors import BlobMismatch, NotOnSource, RepositoryError

log = logging.getLogger("teachpoint.transport.download")

MIN_STEAL = 32 * 1024  # never steal less than this (a new request costs an RTT)


@dataclass
class BlobJob:
    """One blob to fetch: its hash, declared size and full URL; lower ``priority`` first."""

    sha256: str
    size: int
    url: str  # full URL of the blob
    priority: int = 0  # lower first


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


class PieceQueue:
    """The blobs of one download run and their pieces (caller holds ``cv``); see the module docstring."""

    def __init__(self, store, stats, cv: threading.Condition, stop: threading.Event,
                 piece_bytes: int, max_blob_attempts: int):
        self.store, self.stats, self._cv, self._stop = store, stats, cv, stop
        self.piece_bytes, self.max_blob_attempts = piece_bytes, max_blob_attempts
        self.blobs: dict[str, _Blob] = {}
        self.inflight: list[_Piece] = []
        self._heap: list = []
        self._seq = itertools.count()
        self._left: int | None = None  # bytes left at the monitor's last count (bytes_left)

    def add(self, job: BlobJob, have: int, boosted: bool) -> None:
        """Queue ``job`` (``have`` bytes already in its partial) unless it is queued or stored."""
        if job.sha256 in self.blobs:
            return
        blob = self.blobs[job.sha256] = _Blob(job, len(self.blobs), have)
        blob.boosted = boosted
        if self.store.has(job.sha256):
            blob.state, blob.have, blob.outstanding = "done", job.size, 0
            self.stats.blobs_done += 1
        else:
            self._push(blob, None, None)

    def boost(self, sha256: str) -> None:
        """Move the blob's pieces to the front of the queue."""
        blob = self.blobs.get(sha256)
        if blob is not None and not blob.boosted:
            blob.boosted = True
            self._heap = [(self._key(e[2], e[4]),) + e[1:] for e in self._heap]
            heapq.heapify(self._heap)

    def unresolved(self) -> bool:
        """Some blob is neither done nor failed."""
        return any(b.state not in ("done", "failed") for b in self.blobs.values())

    def waiting_on_disk(self) -> bool:
        """Nothing is in flight and the rest is hashing or committing, not waiting for the link."""
        return not self.inflight and (not self._heap or any(
            b.state == "committing" for b in self.blobs.values()))

    def bytes_left(self) -> int:
        """Bytes still to fetch of the blobs not given up (also kept for :meth:`_piece_size`)."""
        self._left = sum(b.job.size - b.have for b in self.blobs.values() if b.state != "failed")
        return self._left

    def _piece_size(self) -> int:
        """``piece_bytes``, or less near the end of a run: a fair share of what is left per stream
        (as of the monitor's last count), so the last pieces end together instead of one long
        piece on one capped stream after the others are done; never below what is worth a steal."""
        if self._left is None:
            return self.piece_bytes
        share = self._left // (len(self.inflight) + 1)
        return max(2 * MIN_STEAL, min(self.piece_bytes, share))

    def _key(self, blob: _Blob, start) -> tuple:
        return (0 if blob.boosted else 1, blob.job.priority, blob.index, start or 0)

    def _push(self, blob: _Blob, start, end, sequential: bool = False) -> None:
        entry = (self._key(blob, start), next(self._seq), blob, blob.gen, start, end, sequential)
        heapq.heappush(self._heap, entry)
        self._cv.notify_all()

    def take(self):
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
                size = self._piece_size()
                if not seq and end - start > size:
                    self._push(blob, start + size, end)
                    blob.outstanding += 1
                    end = start + size
                return self._start(_Piece(blob, start, end, seq))
            piece = self._steal()
            if piece is not None:
                return self._start(piece)
            if not self.unresolved():
                return None
            self._cv.wait(0.5)
        return None

    def _start(self, piece: _Piece) -> _Piece:
        self.inflight.append(piece)
        self.stats.streams_max = max(self.stats.streams_max, len(self.inflight))
        return piece

    def _steal(self) -> _Piece | None:
        """Split off the second half of the largest range in flight, if one is worth splitting."""
        live = [p for p in self.inflight if p.live() and not p.sequential and p.end - p.pos >= 2 * MIN_STEAL]
        if not live:
            return None
        victim = max(live, key=lambda p: (p.blob.boosted, p.end - p.pos))
        mid = victim.pos + (victim.end - victim.pos) // 2
        piece = _Piece(victim.blob, mid, victim.end)
        victim.end = mid
        victim.blob.outstanding += 1
        log.debug("stealing %d-%d of %s", mid, piece.end, victim.blob.job.sha256[:12])
        return piece

    def cut(self, count: int) -> None:
        """Stop ``count`` pieces in flight where they are (their rest is queued again), so that
        their workers come back at once (and retire): fewer streams without waiting a piece."""
        ranged = [p for p in self.inflight if p.live() and not p.sequential and p.pos < p.end]
        for piece in sorted(ranged, key=lambda p: p.end - p.pos, reverse=True)[:count]:
            self._push(piece.blob, piece.pos, piece.end)
            piece.blob.outstanding += 1
            piece.end = piece.pos

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

    def release(self, piece: _Piece) -> _Blob | None:
        """A worker is done with ``piece``: requeue what is left; returns the blob if it is due a commit."""
        self.inflight.remove(piece)
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

    def fail_attempt(self, blob: _Blob, gen: int, reason: str, permanent: bool = False,
                     mismatch: bool = False) -> None:
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
            # typed for the caller: not on this server (404), wrong content, or another failure
            failure = NotOnSource if permanent else BlobMismatch if mismatch else RepositoryError
            self.stats.blobs_failed[blob.job.sha256] = failure(f"file {blob.job.sha256[:12]}…: {reason}")
            log.warning("giving up on %s: %s", blob.job.sha256, reason)
        else:
            log.info("retrying %s from scratch (attempt %d): %s", blob.job.sha256, blob.attempts + 1, reason)
            blob.state, blob.outstanding = "queued", 1
            self._push(blob, None, None)
        self._cv.notify_all()
