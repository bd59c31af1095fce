"""The LAN peer: serve this PC's verified store as a repository collection over HTTP.

Other PCs in the same school add ``http://HOST:PORT/`` as a source and sync from it like from the
county server: it is the same repository format (docs/repository-format.md), laid out as a
collection::

    /teachpoint.json                          the repositories this PC accepted and can serve
    /<repo>/root.json                         the accepted root, byte for byte (signature intact)
    /<repo>/meta/<sha256>.json.gz             verified metadata nodes from the node cache
    /<repo>/blobs/sha256/<ab>/<sha256>        verified blobs the catalogue lists as present

Nothing else is served, and nothing is ever written. Paths are matched as raw text against those
exact shapes (no percent-decoding, no ``..``); files are opened without following a symlink in the
last component, after checking the folder above is a real directory, and must be regular files.
GET and HEAD, single byte ranges (206/416), If-Range, strong ETags, never gzip. Each connection is
served on its own daemon thread, at most ``max_connections`` at a time (more get 503 +
Retry-After, which the downloader honours), with a socket timeout so a half-dead client cannot
pin a thread. Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import socket
import sqlite3
import stat
import sys
import threading
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from teachpoint import __version__
from teachpoint.errors import TeachPointError
from teachpoint.repo.format import MAX_ROOT_BYTES
from teachpoint.transport.sources import collection_bytes

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
MAX_CONNECTIONS = 32
SOCKET_TIMEOUT = 20.0  # seconds without progress (idle keep-alive, stalled reader) before closing
BUFFER = 256 * 1024
IMMUTABLE = "public, max-age=31536000, immutable"
_REPO = r"(?P<repo>[a-z0-9][a-z0-9._-]{0,63})"
_SHA = r"(?P<sha>[0-9a-f]{64})"
ROUTES = [
    ("collection", re.compile(r"/teachpoint\.json")),
    ("root", re.compile(rf"/{_REPO}/root\.json")),
    ("node", re.compile(rf"/{_REPO}/meta/{_SHA}\.json\.gz")),
    ("blob", re.compile(rf"/{_REPO}/blobs/sha256/(?P<fan>[0-9a-f]{{2}})/{_SHA}")),
]
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


class ServeError(TeachPointError):
    """The peer cannot start (address in use, bad address, …)."""


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
        n = int(m[2])
        return "416" if n == 0 or size == 0 else (max(0, size - n), size - 1)
    first = int(m[1])
    if m[2] and int(m[2]) < first:
        return None  # invalid: ignore the header
    if first >= size:
        return "416"
    return first, min(int(m[2]) if m[2] else size - 1, size - 1)


class _Item:
    """One thing to send: bytes in memory or an open regular file."""

    def __init__(self, etag: str, mtime: float, cache: str, size: int, data: bytes | None = None,
                 fh=None, media_type: str = "application/octet-stream"):
        self.etag, self.mtime, self.cache, self.size = f'"{etag}"', mtime, cache, size
        self.data, self.fh, self.media_type = data, fh, media_type

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


def _open_regular(folder, name: str):
    """Open ``folder/name`` read-only if ``folder`` is a real directory and ``name`` a regular file."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return None
        fd = os.open(os.path.join(folder, name), os.O_RDONLY | _O_NOFOLLOW | _O_BINARY)
    except OSError:
        return None
    fh = os.fdopen(fd, "rb", buffering=0)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        fh.close()
        return None
    return fh


class Peer:
    """An HTTP server over one workspace. ``start()`` runs it on a thread; ``close()`` stops it."""

    def __init__(self, ws, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 max_connections: int = MAX_CONNECTIONS, timeout: float = SOCKET_TIMEOUT):
        self.ws = ws
        self.nodes_dir = ws.cache.folder / "nodes"
        self.roots_dir = ws.cache.folder / "roots"
        self._db_uri = ws.paths.catalogue.resolve().as_uri() + (
            "?mode=ro&immutable=1" if ws.read_only else "?mode=ro")
        handler = type("Handler", (_Handler,), {"peer": self, "timeout": timeout})
        server_cls = _Server6 if ":" in host else _Server
        try:
            self.server = server_cls((host, port), handler, max_connections)
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self.host, self.port = host, self.server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> "Peer":
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="teachpoint-peer", daemon=True)
        self._thread.start()
        log.info("serving %s at %s", self.ws.paths.root, self.url)
        return self

    def close(self) -> None:
        """Stop accepting, drop open connections, release the port."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(10)
            self._thread = None
        self.server.drop_connections()
        self.server.server_close()

    def __enter__(self) -> "Peer":
        return self if self._thread else self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- what is served -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _db(self):
        conn = sqlite3.connect(self._db_uri, uri=True, timeout=5)
        try:
            yield conn
        finally:
            conn.close()

    def repositories(self) -> list[str]:
        """Repositories this PC accepted whose accepted root it still holds unchanged."""
        with self._db() as conn:
            rows = conn.execute("SELECT id, root_sha256 FROM repositories ORDER BY id").fetchall()
        return [repo for repo, sha in rows if self._root_bytes(repo, sha) is not None]

    def _root_bytes(self, repo: str, want_sha: str | None) -> tuple[bytes, float] | None:
        fh = _open_regular(self.roots_dir, f"{repo}.root.json")
        if fh is None:
            return None
        with fh:
            data, mtime = fh.read(MAX_ROOT_BYTES + 1), os.fstat(fh.fileno()).st_mtime
        if len(data) > MAX_ROOT_BYTES or hashlib.sha256(data).hexdigest() != want_sha:
            return None  # not the root the catalogue accepted (an update in progress?)
        return data, mtime

    def _repo_sha(self, conn, repo: str) -> str | None:
        row = conn.execute("SELECT root_sha256 FROM repositories WHERE id = ?", [repo]).fetchone()
        return row[0] if row else None

    def lookup(self, path: str) -> _Item | None:
        """What to send for a request path, or None (404)."""
        for kind, pattern in ROUTES:
            m = pattern.fullmatch(path)
            if m:
                break
        else:
            return None
        if kind == "collection":
            data = collection_bytes(self.repositories())
            return _Item(hashlib.sha256(data).hexdigest(), 0, "no-cache", len(data), data=data,
                         media_type="application/json")
        repo = m["repo"]
        with self._db() as conn:
            sha = self._repo_sha(conn, repo)
            if sha is None:
                return None
            root = self._root_bytes(repo, sha)
            if root is None:
                return None
            if kind == "root":
                return _Item(sha, root[1], "no-cache", len(root[0]), data=root[0],
                             media_type="application/json")
            if kind == "node":
                return self._file(self.nodes_dir, f"{m['sha']}.json.gz", m["sha"], None)
            if m["fan"] != m["sha"][:2]:
                return None
            row = conn.execute(
                "SELECT b.size FROM blobs b WHERE b.sha256 = ? AND b.state = 'present' AND EXISTS "
                "(SELECT 1 FROM files f JOIN resources r ON r.id = f.resource_id "
                "WHERE f.sha256 = b.sha256 AND r.repo_id = ?)", [m["sha"], repo]).fetchone()
        if row is None:
            return None
        store = self.ws.store
        path = store.path_of(m["sha"])
        return self._file(path.parent, path.name, m["sha"], row[0])

    @staticmethod
    def _file(folder, name: str, sha: str, size: int | None) -> _Item | None:
        fh = _open_regular(folder, name)
        if fh is None:
            return None
        st = os.fstat(fh.fileno())
        if size is not None and st.st_size != size:
            fh.close()
            log.warning("not serving %s: %d bytes on disk, %d in the catalogue", sha, st.st_size, size)
            return None
        return _Item(sha, st.st_mtime, IMMUTABLE, st.st_size, fh=fh)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address, handler, max_connections: int):
        self.slots = threading.BoundedSemaphore(max_connections)
        self.active: set[socket.socket] = set()
        self.active_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            log.info("busy: refusing %s (503)", client_address[0])
            with contextlib.suppress(OSError):
                request.settimeout(2)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\n"
                                b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        with self.active_lock:
            self.active.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.active_lock:
                self.active.discard(request)
            self.slots.release()

    def handle_error(self, request, client_address) -> None:
        """A client that went away or stalled is normal; anything else is logged with a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            log.info("peer %s: connection ended: %s", client_address[0], exc.__class__.__name__)
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
    peer: Peer

    def version_string(self) -> str:
        return f"TeachPoint/{__version__}"

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        path = self.path.split("?", 1)[0]
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

    def _send_item(self, item: _Item, body: bool) -> None:
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

    def _if_range_ok(self, item: _Item) -> bool:
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

    def _send_body(self, item: _Item, first: int, count: int) -> None:
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
        self.end_headers()

    def _plain(self, code: int, text: str, body: bool, headers: dict | None = None) -> None:
        data = text.encode("ascii")
        out = {**(headers or {}), "Content-Type": "text/plain; charset=ascii",
               "Cache-Control": "no-cache"}
        self._head(code, out, len(data))
        if body:
            self.wfile.write(data)

    def log_request(self, code="-", size="-") -> None:
        log.debug("%s %s %s", self.address_string(), self.requestline[:300], code)

    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        log.info("peer %s: %s", self.address_string(), (format % args)[:300])


def serve_collection(ws, host: str = "127.0.0.1", port: int = DEFAULT_PORT, **options) -> Peer:
    """Start serving ``ws`` on a background thread; the caller ``close()``s the returned peer."""
    return Peer(ws, host, port, **options).start()
