"""The HTTP side of ``teachpoint serve``: connections, requests, ranges (what is served: ``serve.py``).

Built to hold up under hostile or broken clients on a school LAN (issue 12):

* Each connection runs on its own daemon thread; :class:`~teachpoint.transport.serve_limits.
  ConnectionLimits` caps them in all and per client address (over a cap: ``503`` +
  ``Retry-After``, logged at a bounded rate).
* A **whole-request deadline**: from the moment the server waits for a request until its last
  header line, at most ``request_deadline`` seconds pass, however slowly the bytes drip in (one
  byte every few seconds never resets it). ``timeout`` bounds every silence (an idle keep-alive
  connection, a client that stopped reading).
* HTTP/1.1 keep-alive; HTTP/1.0 closes at once after the answer unless the client asked for
  ``Connection: keep-alive``, which is then said back (so it does not wait for a close).
* Request targets in origin form (``/a/b``) and absolute form (``http://host:port/a/b``).
* GET and HEAD, one byte range (206), unsatisfiable or absurd ranges (a 5,000-digit number) 416,
  ``If-Range``, strong ETags, never a ``Content-Encoding``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import socket
import sqlite3
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from teachpoint.transport.http_range import USER_AGENT
from teachpoint.transport.serve_limits import ConnectionLimits

log = logging.getLogger("teachpoint.transport.serve")

BUFFER = 256 * 1024
MAX_DIGITS = 18  # a byte position longer than this is absurd (and int() of 5,000 digits raises)
_ABSURD = 1 << 62
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _position(digits: str) -> int:
    """A byte position from its digits; absurdly long numbers become a huge one, never an error."""
    return int(digits) if len(digits) <= MAX_DIGITS else _ABSURD


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """``(first, last)`` for a single satisfiable range; None = send everything; "416" = unsatisfiable.

    Malformed headers and several ranges are answered with the whole body (RFC 9110 allows it).
    """
    if not header:
        return None
    m = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if not m or (not m[1] and not m[2]):
        return None
    if not m[1]:  # suffix: the last n bytes
        n = _position(m[2])
        return "416" if n == 0 or size == 0 else (max(0, size - n), size - 1)
    first = _position(m[1])
    if m[2] and _position(m[2]) < first:
        return None  # invalid: ignore the header
    if first >= size:
        return "416"
    return first, min(_position(m[2]) if m[2] else size - 1, size - 1)


def request_path(target: str) -> str:
    """The path of a request target in origin form or absolute form, without the query."""
    if target.startswith(("http://", "https://")):
        return urlsplit(target).path or "/"
    return target.split("?", 1)[0]


class _DeadlineReader(io.RawIOBase):
    """The connection's socket as a raw stream: each read waits at most ``idle_s``, and none
    may end after ``deadline`` (``time.monotonic()``; None = no deadline)."""

    def __init__(self, sock: socket.socket, idle_s: float):
        super().__init__()
        self.sock, self.idle_s, self.deadline = sock, idle_s, None

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        wait = self.idle_s
        if self.deadline is not None:
            wait = min(wait, self.deadline - time.monotonic())
            if wait <= 0:
                raise TimeoutError("the request took longer than its deadline")
        self.sock.settimeout(wait)
        return self.sock.recv_into(buf)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, handler, limits: ConnectionLimits):
        self.limits = limits
        self.active: dict[socket.socket, str] = {}
        self.active_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        address = client_address[0]
        why = self.limits.admit(address)
        if why is not None:
            self.limits.refused(address, why + " (503)")
            with contextlib.suppress(OSError):
                request.settimeout(2)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\n"
                                b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.limits.release(address)
            raise

    def process_request_thread(self, request, client_address):
        with self.active_lock:
            self.active[request] = client_address[0]
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.active_lock:
                self.active.pop(request, None)
            self.limits.release(client_address[0])

    def handle_error(self, request, client_address) -> None:
        """A client that went away, stalled or ran out of time is normal; anything else is a bug."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            log.debug("peer %s: connection ended: %s", client_address[0], exc.__class__.__name__)
        else:
            log.exception("peer %s: unexpected error", client_address[0])

    def drop_connections(self) -> None:
        with self.active_lock:
            for sock in list(self.active):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    peer = None  # set on the subclass Peer makes: the Peer whose lookup() says what to send
    request_deadline = 30.0

    def version_string(self) -> str:
        return USER_AGENT

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._reader = _DeadlineReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        """Read one request within the deadline, then answer with the plain socket timeout."""
        self._reader.deadline = time.monotonic() + self.request_deadline
        super().handle_one_request()

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self._reader.deadline = None
        self.connection.settimeout(self.timeout)  # sending: each silence bounded, not the whole answer
        return ok

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        path = request_path(self.path)
        try:
            item = self.peer.lookup(path)
        except (sqlite3.Error, OSError) as exc:
            log.warning("serving %s failed: %s", path[:200], exc)
            self._plain(503, "busy, try again\n", body, {"Retry-After": "5"})
            return
        if item is None:
            self._plain(404, "not found\n", body)
            return
        try:
            self._send_item(item, body)
        finally:
            item.close()

    def _send_item(self, item, body: bool) -> None:
        headers = {"ETag": item.etag, "Cache-Control": item.cache, "Accept-Ranges": "bytes",
                   "Content-Type": item.media_type}
        if item.mtime:
            headers["Last-Modified"] = formatdate(item.mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        if inm and (inm.strip() == "*" or item.etag in [t.strip() for t in inm.split(",")]):
            self._head(304, headers, None)
            return
        rng = parse_range(self.headers.get("Range"), item.size)
        if rng is not None and not self._if_range_ok(item):
            rng = None
        if rng == "416":
            self._plain(416, "range not satisfiable\n", body,
                        {**headers, "Content-Range": f"bytes */{item.size}"})
            return
        first, last = rng if rng else (0, item.size - 1)
        if rng:
            headers["Content-Range"] = f"bytes {first}-{last}/{item.size}"
        count = last - first + 1
        self._head(206 if rng else 200, headers, count)
        if body and count > 0:
            self._send_body(item, first, count)

    def _if_range_ok(self, item) -> bool:
        value = self.headers.get("If-Range")
        if value is None:
            return True
        value = value.strip()
        if value.startswith(('"', "W/")):
            return value == item.etag
        try:  # a date validator: only an exact match with Last-Modified counts
            return bool(item.mtime) and parsedate_to_datetime(value).timestamp() == int(item.mtime)
        except (TypeError, ValueError):
            return False

    def _send_body(self, item, first: int, count: int) -> None:
        if item.data is not None:
            self.wfile.write(item.data[first:first + count])
            return
        sent = 0
        if hasattr(os, "sendfile"):
            sent = self.connection.sendfile(item.fh, first, count)
        else:
            item.fh.seek(first)
            buf = memoryview(bytearray(min(BUFFER, count)))
            while sent < count:
                n = item.fh.readinto(buf[:min(len(buf), count - sent)])
                if not n:
                    break
                self.wfile.write(buf[:n])
                sent += n
        if sent < count:  # the file shrank under us: the client must not take this as complete
            log.warning("short body for %s: %d of %d bytes", self.path[:200], sent, count)
            self.close_connection = True

    def _head(self, code: int, headers: dict, length: int | None) -> None:
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self._connection_header()
        self.end_headers()

    def _connection_header(self) -> None:
        """Say what happens to the connection: an HTTP/1.0 client waits for a close unless told
        ``keep-alive``; an HTTP/1.1 client is told ``close`` when we will close."""
        if self.close_connection:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")

    def _plain(self, code: int, text: str, body: bool, headers: dict | None = None) -> None:
        data = text.encode("ascii")
        out = {**(headers or {}), "Content-Type": "text/plain; charset=ascii",
               "Cache-Control": "no-cache"}
        self._head(code, out, len(data))
        if body:
            self.wfile.write(data)

    def log_request(self, code="-", size="-") -> None:
        log.debug("%s %s %s", self.address_string(), self.requestline[:300], code)

    def log_error(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        """Bad requests and time-outs are refusals: logged at a bounded rate."""
        self.server.limits.refused(self.client_address[0], (format % args)[:300])

    def log_message(self, format, *args) -> None:  # noqa: A002
        log.debug("peer %s: %s", self.address_string(), (format % args)[:300])
