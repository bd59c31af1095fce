"""Where a repository is read from: a folder (stick, inbox, mirror) or an HTTP(S) URL.

A source hands out untrusted bytes; callers verify everything (signature on the root, pins on
nodes, hashes on blobs). Every read is bounded by the size the caller expects.
"""

from __future__ import annotations

import errno
import json
import logging
import threading
from pathlib import Path

import requests

from teachpoint.errors import (
    MissingFromSource, RepositoryError, SourceUnreachable, StoreError, UnsafePath)
from teachpoint.transport import http_get
from teachpoint.repo.format import (
    MAX_ROOT_BYTES, REPO_ID_RE, ROOT_NAME, blob_path, meta_path)

log = logging.getLogger(__name__)
HTTP_TIMEOUT = (10, 30)  # connect, gap between bytes
COLLECTION_NAME = "teachpoint.json"
COLLECTION_TYPE = "teachpoint-collection"


def read_bounded(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes of a file; more than that is an error (a size lie)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError as exc:
        raise RepositoryError(f"missing from the repository: {path.name}") from exc
    except OSError as exc:
        raise RepositoryError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise RepositoryError(f"{path.name} is larger than the {limit} bytes it may be")
    return data


class FolderSource:
    """A repository in a local folder: a USB stick, a satellite inbox, a mirror."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.location = str(self.folder)

    def exists(self) -> bool:
        return (self.folder / ROOT_NAME).is_file()

    def read_root(self) -> bytes:
        if not self.folder.is_dir():
            raise SourceUnreachable(f"{self.folder} is not there (stick not inserted?)")
        if not self.exists():
            raise RepositoryError(f"{self.folder} is not a TeachPoint repository (no {ROOT_NAME})")
        return read_bounded(self.folder / ROOT_NAME, MAX_ROOT_BYTES)

    def read_node(self, sha256: str, size: int) -> bytes:
        return read_bounded(self.folder / meta_path(sha256), size)

    def has_blob(self, sha256: str, size: int) -> bool:
        path = self.folder / blob_path(sha256)
        try:
            return path.is_file() and path.stat().st_size == size
        except OSError:
            return False

    def iter_blob(self, sha256: str, size: int, chunk: int = 1 << 20):
        """The blob's bytes in chunks, never more than ``size`` + 1 in all (to spot size lies)."""
        path = self.folder / blob_path(sha256)
        try:
            with open(path, "rb") as fh:
                left = size + 1
                while left > 0 and (data := fh.read(min(chunk, left))):
                    left -= len(data)
                    yield data
        except FileNotFoundError as exc:
            raise RepositoryError(f"blob {sha256[:12]}… is missing") from exc
        except OSError as exc:
            raise RepositoryError(f"cannot read blob {sha256[:12]}…: {exc.strerror or exc}") from exc

    def fetch_blob(self, sha256: str, size: int, store, progress=None, cancel=None) -> None:
        """Copy one blob into the store, hashing while copying (the store verifies)."""
        path = self.folder / blob_path(sha256)
        try:
            store.add_file(path, sha256=sha256, size=size, progress=progress, cancel=cancel)
        except FileNotFoundError as exc:
            raise RepositoryError(f"blob {sha256[:12]}… is not in {self.folder}") from exc
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.ENODEV, errno.ENXIO, errno.ENOENT):
                raise RepositoryError(f"reading {self.folder} failed (stick removed?): {exc}") from exc
            raise StoreError(f"copying blob {sha256[:12]}… failed: {exc}") from exc


class HttpSource:
    """A repository on a web server. (The resumable parallel downloader builds on this.)"""

    def __init__(self, url: str, session: requests.Session | None = None):
        self.base = url if url.endswith("/") else url + "/"
        self.location = self.base
        self._given = session
        self._local = threading.local()  # requests sessions are not shared between threads

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._given if self._given is not None and threading.current_thread() is \
                threading.main_thread() else http_get.new_session()
            session.headers.update(http_get.SESSION_HEADERS)
            self._local.session = session
        return session

    def _get(self, rel: str, limit: int) -> bytes:
        """A whole metadata file, raw, retried (:func:`http_get.fetch_bytes`); the root and the
        collection index, which change in place, are asked for past every cache."""
        url, headers = self.base + rel, None
        if rel in (ROOT_NAME, COLLECTION_NAME):
            url, headers = http_get.fresh(url)
        try:
            return http_get.fetch_bytes(self.session, url, limit, headers=headers)
        except MissingFromSource as exc:
            raise MissingFromSource(f"{self.base} has no {rel} (not a TeachPoint repository?)") from exc

    prefetched_root: bytes | None = None

    def read_root(self) -> bytes:
        data, self.prefetched_root = self.prefetched_root, None
        return data if data is not None else self._get(ROOT_NAME, MAX_ROOT_BYTES)

    def read_node(self, sha256: str, size: int) -> bytes:
        return self._get(meta_path(sha256), size)

    def iter_blob(self, sha256: str, size: int, chunk: int = 1 << 20):
        """The blob's bytes in chunks, raw, never more than ``size`` + 1 in all (to spot size lies)."""
        with http_get.open_ok(self.session, self.base + blob_path(sha256)) as resp:
            yield from http_get.read_raw(resp, size + 1, chunk)


def open_source(location: str):
    """A source for a URL or a folder path."""
    if location.startswith(("http://", "https://")):
        return HttpSource(location)
    return FolderSource(Path(location))


def parse_collection(data: bytes) -> dict[str, str]:
    """The repositories a collection index lists: repository name → relative folder ("name/")."""
    try:
        obj = json.loads(data.decode("utf-8"))
        entries = obj["repositories"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise RepositoryError(f"{COLLECTION_NAME} is malformed") from exc
    if obj.get("_type") != COLLECTION_TYPE or not isinstance(entries, dict) or len(entries) > 1000:
        raise RepositoryError(f"{COLLECTION_NAME} is not a TeachPoint collection")
    out = {}
    for name, rel in entries.items():
        if not (isinstance(name, str) and REPO_ID_RE.match(name) and rel == name + "/"):
            raise UnsafePath(f"{COLLECTION_NAME} names a bad folder {str(rel)[:80]!r}")
        out[name] = rel
    return out


def collection_bytes(names) -> bytes:
    """The index file of a collection holding these repositories (one folder each)."""
    obj = {"_type": COLLECTION_TYPE, "format": 1,
           "repositories": {n: n + "/" for n in sorted(names)}}
    return (json.dumps(obj, indent=1) + "\n").encode("utf-8")


def expand_sources(location: str) -> list:
    """The repository sources at a location: itself, or each repository of a collection.

    A collection (a stick or a LAN peer carrying several repositories) has ``teachpoint.json``
    at its top and one repository folder per entry; a plain repository has ``root.json``.
    """
    top = open_source(location)
    if isinstance(top, FolderSource):
        if (top.folder / ROOT_NAME).is_file():
            return [top]
        index = top.folder / COLLECTION_NAME
        if not index.is_file():
            top.read_root()  # raises the right "not a folder" / "not a repository" message
        names = parse_collection(read_bounded(index, MAX_ROOT_BYTES))
        return [FolderSource(top.folder / rel) for rel in names.values()]
    try:
        top.prefetched_root = top._get(ROOT_NAME, MAX_ROOT_BYTES)
        return [top]
    except SourceUnreachable:
        raise
    except RepositoryError as exc:
        if "has no" not in str(exc):
            raise
    names = parse_collection(top._get(COLLECTION_NAME, MAX_ROOT_BYTES))
    return [HttpSource(top.base + rel, top.session) for rel in names.values()]
