"""The parallel, resumable blob downloader for slow, lossy satellite links (DESIGN §4).

    dl = Downloader(store, max_streams=8, limiter=RateLimiter(250_000), on_blob_done=mark_playable)
    stats = dl.run([BlobJob(sha, size, base + blob_path(sha)) for sha, size in wanted], cancel=ev)

How it works:

* Every blob is fetched into a :class:`~teachpoint.library.partial.PartialBlob`; only its
  ``missing_ranges()`` are queued, so a restart (even after a crash) resumes where it stopped.
  Each chunk (16 KiB) is written with ``write_at`` the moment it arrives.
* Missing ranges are cut into pieces of ``piece_bytes`` and fetched with HTTP ``Range`` requests
  by a pool of worker threads (one ``requests.Session`` each). When the queue runs dry an idle
  worker *steals* the second half of the largest range still in flight (the owner sees its end
  move and stops there), so the tail of a download never runs on one stream.
* The pool is sized to the link by :class:`~teachpoint.transport.stream_sizer.StreamSizer`: it
  starts with 4 streams, first tries one fewer, and adds more only while goodput grows against a
  baseline taken at the same stream count after start-up; streams that did not help retire when
  their piece is done (what is on its way over the link is not thrown away), a stream taken away
  to measure without it at once (its piece cut where it is). Each worker keeps one ``requests.Session``: its connection is reused for
  every piece it fetches.
* Reads are bounded by the requested range and the declared size. ``timeout=(stall_s, stall_s)``
  bounds the gap between bytes: a half-dead connection is dropped and the piece re-requested.
  Errors are retried with exponential backoff and jitter; ``Retry-After`` on 429/503 pauses the
  whole source. ``Accept-Encoding: identity`` always; ``If-Range`` with the first validator seen.
* A server that ignores ``Range`` (200) gets one sequential whole-body download of that blob;
  bytes we already had count as wasted. 404/410 fail the blob at once; a wrong size (Content-Range
  total, 416) or a failed hash discards the partial and starts the blob again, at most
  ``max_blob_attempts`` times, then the blob is reported in ``DownloadStats.blobs_failed``.
* If no body byte arrives for ``give_up_s`` the run ends with :class:`SourceUnreachable`;
  the partial downloads stay for next time.

Layout: this module holds the public API, the monitor loop and the workers; each run the
downloader holds a :class:`~teachpoint.transport.download_queue.PieceQueue` (blobs, pieces, work
stealing), a :class:`~teachpoint.transport.http_range.RangeFetcher` (the Range requests and the
checks on each response) and a :class:`~teachpoint.transport.stream_sizer.StreamSizer`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from teachpoint.errors import BlobMismatch, SourceUnreachable, StoreError
from teachpoint.library.partial import load_ranges
from teachpoint.library.store import Cancelled, ContentStore, check_sha
from teachpoint.transport.download_queue import BlobJob, PieceQueue, _Blob
from teachpoint.transport.http_range import (
    CHUNK, NET_ERRORS, NOT_ON_SOURCE, RangeFetcher, _BlobFailed, new_stream_session, _RetryLater, origin,
    parse_retry_after)
from teachpoint.transport.ratelimit import RateLimiter
from teachpoint.transport.stream_sizer import StreamSizer

__all__ = ["BlobJob", "DownloadStats", "DownloadProgress", "Downloader", "SourceUnreachable",
           "NOT_ON_SOURCE", "parse_retry_after"]  # BlobJob lives in download_queue, the last two in http_range

log = logging.getLogger(__name__)

TICK_S = 0.25  # monitor period: progress, cancel, give-up, adaptation
ADAPT_S = 2.0  # goodput window of the stream sizer
BACKOFF_BASE_S, BACKOFF_MAX_S = 0.25, 30.0
JOIN_S = 2.0  # how long run() waits for its workers when it ends


@dataclass
class DownloadStats:
    bytes_received: int = 0  # body bytes read from the network
    bytes_wasted: int = 0  # received but not needed (had them, Range ignored, failed hash)
    blobs_done: int = 0
    blobs_failed: dict[str, Exception] = field(default_factory=dict)  # sha -> NotOnSource / RepositoryError
    elapsed: float = 0.0
    streams_max: int = 0


@dataclass
class DownloadProgress:
    bytes_done: int
    bytes_total: int
    speed_bps: float  # bytes/s, smoothed
    eta_s: float | None
    streams: int
    current: str  # sha of a blob in flight


class Downloader:
    """Fetches blobs over HTTP into a :class:`ContentStore`; see the module docstring."""

    def __init__(self, store: ContentStore, *, max_streams: int = 8, piece_bytes: int = 256 * 1024,
                 stall_s: float = 20.0, give_up_s: float = 120.0, max_blob_attempts: int = 3,
                 limiter: RateLimiter | None = None, session_factory=None,
                 on_progress=None, on_blob_done=None):
        if max_streams < 1 or piece_bytes < CHUNK or max_blob_attempts < 1:
            raise ValueError("max_streams >= 1, piece_bytes >= 16 KiB and max_blob_attempts >= 1 needed")
        self.store, self.max_streams, self.piece_bytes = store, max_streams, piece_bytes
        self.stall_s, self.give_up_s, self.max_blob_attempts = stall_s, give_up_s, max_blob_attempts
        self.limiter = limiter or RateLimiter(None)
        self.session_factory = session_factory or new_stream_session
        self.on_progress, self.on_blob_done = on_progress, on_blob_done
        self.stats = DownloadStats()
        self._cv = threading.Condition()
        self._boosted: set[str] = set()
        self._reset_run_state()

    def _reset_run_state(self) -> None:
        self._pause: dict[str, float] = {}  # origin -> monotonic time the source may be asked again
        self._stop = threading.Event()
        self._fatal: BaseException | None = None
        self._last_error = ""
        self._workers: list[threading.Thread] = []
        self._live = 0  # workers not retired
        self._target = 0  # workers wanted now (the sizer's figure)
        self.queue = PieceQueue(self.store, self.stats, self._cv, self._stop, self.piece_bytes,
                                self.max_blob_attempts)
        self.fetcher = RangeFetcher(self._cv, self.stats, self.limiter, self._stop, self.stall_s,
                                    self._wait_source)

    # ------------------------------------------------------------------ public

    def boost(self, sha256: str) -> None:
        """Move this blob's pieces to the front of the queue (thread-safe, also during run)."""
        with self._cv:
            self._boosted.add(sha256)
            self.queue.boost(sha256)

    def active_blobs(self) -> dict[str, int]:
        """Blobs being fetched or committed now: sha256 -> bytes already there (thread-safe)."""
        with self._cv:
            return {b.job.sha256: min(b.have, b.job.size) for b in self.queue.blobs.values()
                    if b.state in ("active", "committing")}

    def run(self, jobs: list[BlobJob], cancel=None) -> DownloadStats:
        """Fetch every job; return when each is done or failed.

        Raises SourceUnreachable, Cancelled (partials kept), NotEnoughSpace / StoreError.
        """
        self.stats = stats = DownloadStats()
        self._reset_run_state()
        t0 = time.monotonic()
        with self._cv:
            for job in sorted(jobs, key=lambda j: j.priority):
                check_sha(job.sha256)
                have = sum(e - s for s, e in load_ranges(
                    self.store.partial_dir / f"{job.sha256}.ranges", job.sha256, job.size))
                self.queue.add(job, have, job.sha256 in self._boosted)
        sizer = StreamSizer(self.max_streams, ADAPT_S)
        self._target = sizer.target
        window: deque = deque([(t0, 0)])
        next_report = t0
        try:
            while True:
                with self._cv:
                    if not self.queue.unresolved() or self._fatal:
                        break
                    while self._live < self._target:
                        self._spawn()
                    self._cv.wait(TICK_S)
                    if not self.queue.unresolved() or self._fatal:
                        break
                    if self.queue.waiting_on_disk():
                        self.fetcher.last_byte = time.monotonic()  # hashing, not waiting for the link
                    received, silent = stats.bytes_received, time.monotonic() - self.fetcher.last_byte
                    ready = self._live == self._target and all(
                        t in self.fetcher.started for t in self._workers if getattr(t, "live", False))
                now = time.monotonic()
                if cancel is not None and cancel.is_set():
                    raise Cancelled("cancelled: download")
                if silent > self.give_up_s:
                    raise SourceUnreachable(
                        f"nothing received for {silent:.0f}s from {self._origins()}"
                        + (f" (last error: {self._last_error})" if self._last_error else ""))
                window.append((now, received))
                while len(window) > 2 and window[1][0] < now - 5.0:
                    window.popleft()
                speed = self._rate(window, now - 5.0)
                if now >= next_report and self.on_progress is not None:
                    next_report = now + TICK_S
                    self._report(speed)
                target = sizer.tick(now, received, ready, self._can_grow(speed, sizer.target))
                with self._cv:
                    if target < self._target and sizer.probing_down:
                        self.queue.cut(self._live - target)  # their workers retire at once
                    self._target = target
                    self._cv.notify_all()
        finally:
            self._stop.set()
            self._shutdown()
            stats.elapsed = time.monotonic() - t0
        if self._fatal is not None:
            raise self._fatal
        if self.on_progress is not None:
            self._report(0.0)
        return stats

    # ------------------------------------------------------------------ monitor helpers

    def _origins(self) -> str:
        return ", ".join(sorted({origin(b.job.url) for b in self.queue.blobs.values()})) or "the source"

    def _spawn(self) -> None:
        """Start one more worker (caller holds ``_cv``)."""
        t = threading.Thread(target=self._worker, name=f"download-{len(self._workers)}", daemon=True)
        t.live = True
        self._workers.append(t)
        self._live += 1
        t.start()

    def _retire(self) -> bool:
        """True (and the calling worker counts as gone) when more workers run than the target."""
        me = threading.current_thread()
        if self._live <= max(1, self._target) or not getattr(me, "live", False):
            return False
        me.live = False
        self._live -= 1
        return True

    @staticmethod
    def _rate(window: deque, since: float) -> float:
        """Bytes/s over the samples ``(time, bytes_received)`` taken after ``since``."""
        first = next((w for w in window if w[0] >= since), window[0])
        last = window[-1]
        return (last[1] - first[1]) / max(last[0] - first[0], 1e-3)

    def _can_grow(self, speed: float, streams: int) -> bool:
        """More streams could help: no rate cap reached and enough left for one piece each."""
        with self._cv:
            left = self.queue.bytes_left()
        capped = self.limiter.limit is not None and speed >= 0.9 * self.limiter.limit
        return not capped and left >= 2 * streams * self.piece_bytes

    def _report(self, speed: float) -> None:
        with self._cv:
            live = [b for b in self.queue.blobs.values() if b.state != "failed"]
            done, total = sum(min(b.have, b.job.size) for b in live), sum(b.job.size for b in live)
            inflight = self.queue.inflight
            current = inflight[0].blob.job.sha256 if inflight else ""
            streams = len(inflight)
        eta = (total - done) / speed if speed > 0 else None
        try:
            self.on_progress(DownloadProgress(done, total, speed, eta, streams, current))
        except Exception:  # noqa: BLE001 - a broken observer must not break the download
            log.exception("on_progress callback failed")

    def _shutdown(self) -> None:
        """Join the workers and close the partials (progress kept).

        The join is bounded: a worker stuck in a silent read (up to ``stall_s``) is left to end on
        its own; its partial is closed here, so it can no longer write, and it takes no new work.
        """
        with self._cv:
            self._cv.notify_all()
        deadline = time.monotonic() + JOIN_S
        for t in self._workers:
            t.join(max(0.0, deadline - time.monotonic()))
        with self._cv:
            partials = [b.partial for b in self.queue.blobs.values() if b.partial is not None]
            for b in self.queue.blobs.values():
                b.partial = None
        for p in partials:
            try:
                p.close()  # keeps the progress for next time
            except StoreError as exc:
                log.warning("could not save partial download %s: %s", p.sha256, exc)

    # ------------------------------------------------------------------ workers

    def _worker(self) -> None:
        session, failures = None, 0
        try:
            session = self.session_factory()
            while True:
                with self._cv:
                    task = None if self._retire() else self.queue.take()
                if task is None:
                    return
                if isinstance(task, _Blob):
                    self._commit(task)
                    continue
                delay, before = 0.0, task.pos
                try:
                    self.fetcher.fetch(session, task)
                    failures = 0
                except _BlobFailed as exc:
                    with self._cv:
                        self.queue.fail_attempt(task.blob, task.gen, str(exc), exc.permanent)
                except _RetryLater as exc:
                    self._set_pause(task.blob.job.url, exc.seconds, str(exc))
                except NET_ERRORS as exc:
                    failures = 1 if task.pos != before else failures + 1
                    delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (failures - 1))
                    delay *= random.uniform(0.5, 1.0)  # jitter: streams do not retry in step
                    self._last_error = f"{type(exc).__name__}: {exc}"[:300]
                    log.debug("%s: %s; retrying in %.1fs", task.blob.job.url, self._last_error, delay)
                except StoreError:
                    with self._cv:
                        if task.live() and not self._stop.is_set():
                            raise
                finally:
                    with self._cv:
                        due = self.queue.release(task)
                if due is not None:
                    self._commit(due)
                if delay:
                    self._stop.wait(delay)
        except BaseException as exc:  # noqa: BLE001 - handed to run(), which raises it
            with self._cv:
                if self._fatal is None and not isinstance(exc, Cancelled):
                    self._fatal = exc
                self._stop.set()
                self._cv.notify_all()
        finally:
            if session is not None:
                session.close()

    def _set_pause(self, url: str, seconds: float, why: str) -> None:
        with self._cv:
            where = origin(url)
            self._pause[where] = max(self._pause.get(where, 0.0), time.monotonic() + seconds)
            self._last_error = why
        log.info("%s: %s", where, why)

    def _wait_source(self, url: str) -> None:
        where = origin(url)
        while not self._stop.is_set():
            with self._cv:
                left = self._pause.get(where, 0.0) - time.monotonic()
            if left <= 0:
                return
            self._stop.wait(min(left, TICK_S))

    def _commit(self, blob: _Blob) -> None:
        """Verify and install a complete blob (in this worker thread), then tell the caller."""
        try:
            blob.partial.commit(cancel=self._stop)
        except BlobMismatch as exc:  # the partial is already deleted
            with self._cv:
                blob.partial = None
                self.queue.fail_attempt(blob, blob.gen, f"failed verification: {exc}", mismatch=True)
            return
        except Cancelled:
            return
        with self._cv:
            blob.state, blob.have, blob.partial = "done", blob.job.size, None
            self.stats.blobs_done += 1
            self._cv.notify_all()
        log.debug("verified %s (%d bytes)", blob.job.sha256, blob.job.size)
        if self.on_blob_done is not None:
            try:
                self.on_blob_done(blob.job.sha256, blob.job.size)
            except Exception:  # noqa: BLE001
                log.exception("on_blob_done callback failed")
