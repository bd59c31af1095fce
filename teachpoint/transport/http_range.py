"""HTTP ``Range`` fetching for :class:`~teachpoint.transport.download.Downloader`: one piece at a time.

* :func:`parse_retry_after` reads ``Retry-After`` (delta-seconds or HTTP-date, capped).
* ``_check_response`` sorts a response: 404/410 fail the blob for good, 429/503 with
  ``Retry-After`` pause the source, 416 or a wrong size restart the blob, 408/429/5xx are retried
  (raised as network errors), anything but 200/206 fails the attempt. A ``Content-Encoding`` label
  is ignored: the body is read raw, the size and hash decide. It records the first strong ETag
  (or Last-Modified) as the blob's ``If-Range`` validator.
* ``_content_range`` checks a 206's Content-Range against what was asked, the declared size
  and Content-Length. A 206 that is not one plain range (``multipart/byteranges``, a bad or
  missing Content-Range, another range than asked) marks the blob ``ranges_broken``: it is
  fetched at once as one whole-file GET without ``Range``.
* ``_read`` streams the body into the partial chunk by chunk, bounded by the requested range
  and by the piece's end (which may move when another worker steals its tail).

:class:`RangeFetcher` is held by ``Downloader`` (a new one per run): it shares the run's
condition variable, stats, limiter and stop event, and asks ``wait_source(url)`` before each
request (a paused source).
"""

from __future__ import annotations

import email.utils
import http.client
import logging
import re
import threading
import time
from urllib.parse import urlsplit

import requests
import urllib3

from teachpoint import __version__
from teachpoint.transport.download_queue import _Blob, _Piece

log = logging.getLogger("teachpoint.transport.download")

USER_AGENT = f"TeachPoint/{__version__}"  # every request TeachPoint makes says this (http_get too)

CHUNK = 16 * 1024  # read/write/limiter unit: small, so the rate cap is smooth
NOT_ON_SOURCE = "not found on the source"  # a mirror or peer may hold only some files
MAX_RETRY_AFTER_S = 3600.0
NET_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


class _BlobFailed(Exception):
    """This attempt at the blob failed; ``permanent`` = do not try again (404)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class _BadPartial(Exception):
    """A 206 that is not the single range asked for: the server's ranges cannot be trusted."""


class _RetryLater(Exception):
    def __init__(self, seconds: float, status: int):
        super().__init__(f"HTTP {status}, asked to retry after {seconds:.0f}s")
        self.seconds = seconds


def new_stream_session() -> requests.Session:
    """A session for one download stream: one connection, no retries of its own (the downloader
    decides)."""
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def _overlap(ranges: list[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(e, end) - max(s, start)) for s, e in ranges)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return min(max(0.0, when.timestamp() - time.time()), MAX_RETRY_AFTER_S)


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: what a pause (Retry-After) applies to."""
    u = urlsplit(url)
    return f"{u.scheme}://{u.netloc}"


class RangeFetcher:
    """The HTTP requests of the ``Downloader``'s workers, one piece at a time; see the module docstring."""

    def __init__(self, cv: threading.Condition, stats, limiter, stop: threading.Event, stall_s: float,
                 wait_source):
        self._cv, self.stats, self.limiter, self._stop = cv, stats, limiter, stop
        self.stall_s, self._wait_source = stall_s, wait_source
        self.last_byte = time.monotonic()  # when a body byte last arrived (the monitor's give-up clock)
        self.started: set = set()  # worker threads that have received a body byte (connection set up)

    def fetch(self, session, piece: _Piece) -> None:
        """Fetch the piece with as many requests as it takes; raises on the first failure."""
        blob, size = piece.blob, piece.blob.job.size
        while True:
            with self._cv:
                if not piece.live() or piece.pos >= piece.end or self._stop.is_set():
                    return
                start, end, validator = piece.pos, piece.end, blob.validator
            self._wait_source(blob.job.url)
            headers = {"Accept-Encoding": "identity"}
            if not blob.ranges_broken:
                headers["Range"] = f"bytes={start}-{end - 1}"
                if validator:
                    headers["If-Range"] = validator
            with session.get(blob.job.url, headers=headers, stream=True,
                             timeout=(self.stall_s, self.stall_s)) as resp:
                self._check_response(resp, blob)
                if resp.status_code == 206:
                    try:
                        first, last = self._content_range(resp, start, size, "Range" in headers)
                    except _BadPartial as exc:
                        log.info("%s: %s; fetching %s as one whole file", origin(blob.job.url),
                                 exc, blob.job.sha256[:12])
                        with self._cv:
                            blob.ranges_broken = True
                        continue
                    self._read(resp, piece, first, last + 1)
                else:  # 200: Range ignored (or If-Range failed): the whole body, once, in order
                    length = resp.headers.get("Content-Length")
                    if length is not None and length.isdigit() and int(length) != size:
                        raise _BlobFailed(f"the source has {length} bytes, expected {size}")
                    with self._cv:
                        if not piece.live() or blob.partial is None:
                            return
                        if not blob.sequential:
                            log.info("%s ignores Range: fetching %s as one stream",
                                     origin(blob.job.url), blob.job.sha256[:12])
                        blob.sequential = piece.sequential = True
                        piece.pos, piece.end = 0, size
                        useful = blob.partial.missing_ranges()
                    self._read(resp, piece, 0, size, useful=useful)

    def _check_response(self, resp, blob: _Blob) -> None:
        code = resp.status_code
        if code in (404, 410):
            raise _BlobFailed(f"{NOT_ON_SOURCE} (HTTP {code})", permanent=True)
        if code in (429, 503):
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            if wait is not None:
                raise _RetryLater(wait, code)
        if code == 416:
            have = resp.headers.get("Content-Range", "")
            raise _BlobFailed(f"the source refused the range (HTTP 416, {have})")
        if code in (408, 429) or code >= 500:
            raise requests.HTTPError(f"HTTP {code} {resp.reason}")
        if code not in (200, 206):
            raise _BlobFailed(f"HTTP {code} {resp.reason}")
        # A Content-Encoding label (".gz is gzip", a bucket's metadata) is not acted on: _read takes
        # the raw bytes and the size and hash decide (issue 12).
        etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        validator = etag if etag and not etag.startswith("W/") else modified
        with self._cv:
            if blob.validator is None and validator:
                blob.validator = validator

    @staticmethod
    def _content_range(resp, start: int, size: int, asked: bool = True) -> tuple[int, int]:
        """``(first, last)`` of a 206 after checking it against what was asked and Content-Length.

        Raises ``_BadPartial`` for anything but the one plain range asked for, ``_BlobFailed``
        when the server's file has another size.
        """
        value = resp.headers.get("Content-Range", "").strip()
        m = _CONTENT_RANGE.fullmatch(value)
        if not asked or not m:
            kind = resp.headers.get("Content-Type", "").split(";", 1)[0].strip()
            raise _BadPartial(f"206 ({kind or 'no type'}) with Content-Range {value[:80]!r}")
        first, last, total = int(m[1]), int(m[2]), m[3]
        if total != "*" and int(total) != size:
            raise _BlobFailed(f"the source has {total} bytes, expected {size}")
        if first != start or last < first or last >= size:
            raise _BadPartial(f"asked for bytes from {start}, got Content-Range {m[0]!r}")
        length = resp.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) != last - first + 1):
            raise _BadPartial(f"Content-Length {length} does not match Content-Range {m[0]!r}")
        return first, last

    def _read(self, resp, piece: _Piece, offset: int, stop: int, useful=None) -> None:
        """Stream ``[offset, stop)`` of the body into the partial, chunk by chunk, until the piece ends.

        ``useful`` (sequential mode) lists the ranges still missing when the body started; the
        rest of what arrives is counted as wasted.
        """
        blob, raw = piece.blob, resp.raw
        while offset < stop:
            data = raw.read1(min(CHUNK, stop - offset), decode_content=False)
            if not data:
                raise requests.ConnectionError(f"body ended after byte {offset}, {stop - offset} bytes early")
            n = len(data)
            with self._cv:
                self.stats.bytes_received += n
                self.last_byte = time.monotonic()
                self.started.add(threading.current_thread())
            self.limiter.consume(n, self._stop)
            with self._cv:
                part = blob.partial
                ok = part is not None and piece.live() and not self._stop.is_set()
                keep = max(0, min(n, piece.end - offset)) if ok else 0
                good = keep if useful is None else _overlap(useful, offset, offset + keep)
                self.stats.bytes_wasted += n - good
                blob.have += good
                blob.fetched += good
                piece.pos = offset + keep
            if keep:
                part.write_at(offset, memoryview(data)[:keep])
            offset += n
            if keep < n or piece.pos >= piece.end:
                return  # the end moved (stolen), the piece is done, or the run is stopping
