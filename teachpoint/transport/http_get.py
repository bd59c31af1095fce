"""Whole-file HTTP GETs for metadata (and ``verify``'s blob reads) that survive the real web.

Blob downloads (:mod:`teachpoint.transport.download`) retry, honour ``Retry-After`` and drop
stalled connections; a metadata read must be as robust, or one busy moment of a peer fails the
whole round (issue 12). Here:

* :data:`USER_AGENT` is the one ``User-Agent`` of every request TeachPoint makes, and
  :data:`SESSION_HEADERS` what every session sends (``Accept-Encoding: identity``: never ask
  for a compressed body; ranges and pinned sizes are about the bytes on the server).
* :func:`fetch_bytes` GETs a whole file of at most ``limit`` bytes. Connection errors, stalls
  (no byte for ``stall_s``), 408/429/5xx are retried with exponential backoff and jitter, or after
  ``Retry-After`` when the server says; bounded by ``attempts`` and by ``budget_s`` (a wait that
  would end past the budget is not started). 404/410 and other statuses are not retried, nor is
  a connection that cannot be made at all (refused, no route): that source is offline for this
  round, and the engine's rounds retry it.
* :func:`open_ok` gives the 200 response of a GET (same retries) to stream from;
  :func:`read_raw` reads its body *raw*: whatever ``Content-Encoding`` a server or bucket claims
  (``.gz`` files are often labelled gzip), the bytes on the wire are the file; the pinned size
  and hash decide.
* :func:`fresh` is for files that change in place (``root.json``, ``teachpoint.json``): a
  cache-busting query and ``Cache-Control``/``Pragma: no-cache``, so that neither a polite cache nor
  a transparent one that ignores request headers can hand out an old root. Content-addressed
  nodes and blobs never change and may be cached forever.

Errors are typed (:mod:`teachpoint.errors`): :class:`NotOnSource`, :class:`OversizeResponse`,
:class:`UnexpectedResponse`, :class:`SourceBusy`, :class:`SourceStalled`, :class:`SourceUnreachable`.
"""

from __future__ import annotations

import contextlib
import logging
import random
import secrets
import socket
import time
from dataclasses import dataclass

import requests
import urllib3

from teachpoint.errors import (
    NotOnSource, OversizeResponse, SourceBusy, SourceStalled, SourceUnreachable,
    UnexpectedResponse)
from teachpoint.transport.http_range import NET_ERRORS, USER_AGENT, parse_retry_after

log = logging.getLogger(__name__)

SESSION_HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
NO_CACHE = {"Cache-Control": "no-cache", "Pragma": "no-cache"}
CHUNK = 64 * 1024
TIMEOUTS = (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one fetch tries; every loop is bounded in count and in time."""

    attempts: int = 5  # requests at most
    budget_s: float = 30.0  # no wait starts that would end later than this after the first request
    connect_s: float = 10.0
    stall_s: float = 30.0  # longest gap between two bytes
    backoff_s: float = 0.5  # first wait; doubles each time, with jitter
    backoff_max_s: float = 10.0
    min_rate: float = 1024.0  # bytes/s: a body slower than this on average is cut off

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before request ``attempt + 1`` when the server gave no Retry-After."""
        return min(self.backoff_max_s, self.backoff_s * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)


DEFAULT_POLICY = RetryPolicy()


class _Retry(Exception):
    """One attempt failed in a way another attempt may fix; ``error`` is raised if none is left."""

    def __init__(self, error: Exception, wait: float | None = None):
        super().__init__(str(error))
        self.error, self.wait = error, wait


def new_session() -> requests.Session:
    """A requests session that sends TeachPoint's headers."""
    session = requests.Session()
    session.headers.update(SESSION_HEADERS)
    return session


def fresh(url: str) -> tuple[str, dict]:
    """``(url, headers)`` that no cache can answer from an old copy (see the module docstring)."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}fresh={secrets.token_hex(8)}", dict(NO_CACHE)


def fetch_bytes(session, url: str, limit: int, *, headers: dict | None = None,
                policy: RetryPolicy = DEFAULT_POLICY) -> bytes:
    """The whole body of ``url`` (at most ``limit`` bytes), raw, with retries; see the module docstring."""
    def once() -> bytes:
        with _request(session, url, headers, policy) as resp:
            declared = resp.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise OversizeResponse(f"{_name(url)} is larger than the {limit} bytes it may be")
            try:
                data = b"".join(read_raw(resp, limit + 1, deadline=_body_deadline(policy, limit)))
            except SourceUnreachable as exc:  # the body broke off or stalled: worth another try
                raise _Retry(exc) from exc
        if len(data) > limit:
            raise OversizeResponse(f"{_name(url)} is larger than the {limit} bytes it may be")
        return data

    return _with_retries(once, url, policy)


@contextlib.contextmanager
def open_ok(session, url: str, *, headers: dict | None = None, policy: RetryPolicy = DEFAULT_POLICY):
    """The 200 response of a GET of ``url`` (retried like :func:`fetch_bytes`), to stream from."""
    resp = _with_retries(lambda: _request(session, url, headers, policy), url, policy)
    try:
        yield resp
    finally:
        resp.close()


def read_raw(resp, cap: int, chunk: int = CHUNK, deadline: float | None = None):
    """The body's bytes as sent (never decoded), in chunks, at most ``cap`` bytes in all.

    A read error becomes :class:`SourceStalled` (timeout) or :class:`SourceUnreachable`; so does
    a body still arriving after ``deadline`` (``time.monotonic()``).
    """
    left = cap
    try:
        while left > 0:
            data = resp.raw.read(min(chunk, left), decode_content=False)
            if not data:
                return
            left -= len(data)
            yield data
            if deadline is not None and time.monotonic() > deadline:
                raise SourceStalled(f"{_name(resp.url)} arrives too slowly")
    except TIMEOUTS as exc:
        raise SourceStalled(f"{_name(resp.url)}: nothing arrived for a while ({type(exc).__name__})") from exc
    except NET_ERRORS as exc:
        raise SourceUnreachable(f"{_name(resp.url)}: connection failed ({type(exc).__name__})") from exc


def _body_deadline(policy: RetryPolicy, limit: int) -> float:
    return time.monotonic() + policy.stall_s + limit / policy.min_rate


def _request(session, url: str, headers: dict | None, policy: RetryPolicy):
    """One GET whose status says "here is the file" (the caller closes it); else raises
    (``_Retry`` if another attempt may help)."""
    try:
        resp = session.get(url, headers=headers, stream=True, timeout=(policy.connect_s, policy.stall_s))
    except TIMEOUTS as exc:
        raise _Retry(SourceStalled(f"{_origin(url)} does not answer ({type(exc).__name__})")) from exc
    except NET_ERRORS as exc:
        error = SourceUnreachable(f"cannot reach {_origin(url)}: {type(exc).__name__}")
        if _no_connection(exc):
            raise error from exc  # nothing listens / no route: offline now, the next round retries
        raise _Retry(error) from exc
    try:
        _check_status(resp, url)
    except BaseException:
        resp.close()
        raise
    return resp


def _no_connection(exc: BaseException) -> bool:
    """True if no connection could be made at all (refused, no route), as opposed to a timeout
    or a connection that broke."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _check_status(resp, url: str) -> None:
    code = resp.status_code
    if code == 200:
        return
    if code in (404, 410):
        raise NotOnSource(f"{_name(url)} is not there (HTTP {code})")
    if code in (408, 425, 429) or code >= 500:
        wait = parse_retry_after(resp.headers.get("Retry-After"))
        raise _Retry(SourceBusy(f"{_origin(url)} is busy (HTTP {code})", wait), wait)
    raise UnexpectedResponse(f"{_name(url)}: HTTP {code} {resp.reason or ''}".rstrip(), code)


def _with_retries(attempt_fn, url: str, policy: RetryPolicy):
    """Call ``attempt_fn`` until it returns, a non-retryable error, or the count/time budget ends."""
    started = time.monotonic()
    for attempt in range(1, policy.attempts + 1):
        try:
            return attempt_fn()
        except _Retry as exc:
            retry = exc
        wait = retry.wait if retry.wait is not None else policy.backoff(attempt)
        if attempt == policy.attempts or time.monotonic() - started + wait > policy.budget_s:
            raise retry.error from retry.__cause__
        log.info("%s: %s; trying again in %.1fs (%d/%d)", _name(url), retry.error, wait, attempt,
                 policy.attempts)
        time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _origin(url: str) -> str:
    return "/".join(url.split("/", 3)[:3])


def _name(url: str) -> str:
    """The URL as people should read it: without our cache-busting query."""
    return url.split("?", 1)[0]
