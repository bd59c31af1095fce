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
This module says *what* is served; :mod:`teachpoint.transport.serve_http` speaks HTTP (GET and
HEAD, single byte ranges, If-Range, strong ETags, never gzip, a whole-request deadline, HTTP/1.0
and keep-alive) and :mod:`teachpoint.transport.serve_limits` caps connections in all
(``max_connections``) and per client address (``max_per_address``); over a cap a client gets 503 +
Retry-After, which the downloader honours. Nothing here imports Qt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import threading

from teachpoint.library.readonly_catalogue import ReadOnlyCatalogue
from teachpoint.errors import TeachPointError
from teachpoint.repo.format import CONTRIB_PREFIX, MAX_ROOT_BYTES
from teachpoint.transport.serve_http import _Handler, _Server, _Server6, parse_range
from teachpoint.transport.serve_limits import ConnectionLimits
from teachpoint.transport.sources import collection_bytes

__all__ = ["Peer", "ServeError", "serve_collection", "parse_range", "DEFAULT_PORT", "MAX_CONNECTIONS"]

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
MAX_CONNECTIONS = 256  # threads are cheap; idle and slow clients are cut off by the deadlines
MAX_PER_ADDRESS = 16  # a downloader uses up to 8 streams plus one for metadata
SOCKET_TIMEOUT = 20.0  # seconds without progress (idle keep-alive, stalled reader) before closing
REQUEST_DEADLINE = 30.0  # seconds from waiting for a request to its last header line
IMMUTABLE = "public, max-age=31536000, immutable"
_REPO = r"(?P<repo>[a-z0-9][a-z0-9._-]{0,63})"
_SHA = r"(?P<sha>[0-9a-f]{64})"
ROUTES = [
    ("collection", re.compile(r"/teachpoint\.json")),
    ("root", re.compile(rf"/{_REPO}/root\.json")),
    ("node", re.compile(rf"/{_REPO}/meta/{_SHA}\.json\.gz")),
    ("blob", re.compile(rf"/{_REPO}/blobs/sha256/(?P<fan>[0-9a-f]{{2}})/{_SHA}")),
]
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


class ServeError(TeachPointError):
    """The peer cannot start (address in use, bad address, …)."""


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
                 max_connections: int = MAX_CONNECTIONS, timeout: float = SOCKET_TIMEOUT,
                 max_per_address: int = MAX_PER_ADDRESS, request_deadline: float = REQUEST_DEADLINE):
        self.ws = ws
        self.nodes_dir, self.roots_dir = ws.cache.nodes_dir, ws.cache.roots_dir
        self.catalogue = ReadOnlyCatalogue(ws.paths.catalogue, immutable=ws.read_only)
        handler = type("Handler", (_Handler,), {"peer": self, "timeout": timeout,
                                                 "request_deadline": request_deadline})
        server_cls = _Server6 if ":" in host else _Server
        limits = ConnectionLimits(max_connections, min(max_per_address, max_connections))
        try:
            self.server = server_cls((host, port), handler, limits)
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

    def repositories(self) -> list[str]:
        """Repositories this PC accepted whose accepted root it still holds unchanged (not the
        school's own lessons: those go to the county for review, never to peers)."""
        with self.catalogue.connect() as conn:
            rows = self.catalogue.accepted_roots(conn)
        return [repo for repo, sha in rows if not repo.startswith(CONTRIB_PREFIX)
                and self._root_bytes(repo, sha) is not None]

    def _root_bytes(self, repo: str, want_sha: str | None) -> tuple[bytes, float] | None:
        fh = _open_regular(self.roots_dir, f"{repo}.root.json")
        if fh is None:
            return None
        with fh:
            data, mtime = fh.read(MAX_ROOT_BYTES + 1), os.fstat(fh.fileno()).st_mtime
        if len(data) > MAX_ROOT_BYTES or hashlib.sha256(data).hexdigest() != want_sha:
            return None  # not the root the catalogue accepted (an update in progress?)
        return data, mtime

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
        with self.catalogue.connect() as conn:
            sha = self.catalogue.accepted_root(conn, repo)
            if sha is None:
                return None
            root = self._root_bytes(repo, sha)
            if root is None:
                return None
            if kind == "root":
                return _Item(sha, root[1], "no-cache", len(root[0]), data=root[0],
                             media_type="application/json")
            if kind == "node":  # a node file, a pack kept whole, or a node inside a kept pack
                name = f"{m['sha']}.json.gz"
                found = self._file(self.nodes_dir, name, m["sha"], None) or \
                    self._file(self.ws.cache.packs_dir, name, m["sha"], None)
                data = None if found else self.ws.cache.packed_node(m["sha"])
                return found if data is None else _Item(m["sha"], 0, IMMUTABLE, len(data), data=data)
            if m["fan"] != m["sha"][:2]:
                return None
            size = self.catalogue.stored_size_in(conn, m["sha"], repo)
        if size is None:
            return None
        store = self.ws.store
        path = store.path_of(m["sha"])
        return self._file(path.parent, path.name, m["sha"], size)

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


def serve_collection(ws, host: str = "127.0.0.1", port: int = DEFAULT_PORT, **options) -> Peer:
    """Start serving ``ws`` on a background thread; the caller ``close()``s the returned peer."""
    return Peer(ws, host, port, **options).start()
