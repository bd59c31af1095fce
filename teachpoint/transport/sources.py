"""Where a repository is read from: a folder (stick, inbox, mirror) or an HTTP(S) URL.

Every transport is a *source* with one small interface, which is all the import pipeline
(:func:`teachpoint.sync.pipeline.import_repository`) knows of it:

* ``location`` — where it is, for messages;
* ``read_root() -> bytes`` and ``read_node(sha256, size) -> bytes`` — untrusted bytes, each read
  bounded by the size the caller expects (the pipeline verifies the signature and every pin);
* ``fetch_blobs(store, todo, *, on_stored, progress, cancel) -> TransferResult`` — bring the
  wanted files into the store, each verified by hash before it counts, most wanted first;
* ``boost(sha256)`` — fetch this file next (a teacher pressed 立即下载);
* ``described_as`` and ``key_folder`` — for the message when the publisher is not trusted.

A source hands out untrusted bytes; callers verify everything.
"""

from __future__ import annotations

import errno
import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from teachpoint import __version__
from teachpoint.errors import (
    NotOnSource, RepositoryError, SourceUnreachable, StoreError, UnsafePath)
from teachpoint.repo.format import (
    MAX_ROOT_BYTES, REPO_ID_RE, ROOT_NAME, blob_path, meta_path)
from teachpoint.transport.folder_copy import copy_blobs
from teachpoint.transport.transfer import TransferProgress, TransferResult

if TYPE_CHECKING:
    import requests

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
        raise NotOnSource(f"missing from the repository: {path.name}") from exc
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
        self._boosted: set[str] = set()
        self.key_folder = self.folder  # a publisher's .pub may lie beside the repository
        self.described_as = "the stick's"  # for messages: whose repository this is

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

    def boost(self, sha256: str) -> None:
        """Copy this file before the others still waiting (thread-safe enough: a set add)."""
        self._boosted.add(sha256)

    def boosted_first(self, todo: list) -> list:
        return sorted(todo, key=lambda b: b.sha256 not in self._boosted)

    def fetch_blobs(self, store, todo: list, *, on_stored, repository: str = "", progress=None,
                    cancel=None, **_http_options) -> TransferResult:
        """Copy the wanted files this folder has into the store (see :func:`copy_blobs`)."""
        return copy_blobs(self, store, todo, on_stored=on_stored, repository=repository,
                          progress=progress, cancel=cancel)


class HttpSource:
    """A repository on a web server. (The resumable parallel downloader builds on this.)"""

    def __init__(self, url: str, session: "requests.Session | None" = None):
        self.base = url if url.endswith("/") else url + "/"
        self.location = self.base
        self.key_folder = None
        self.described_as = f"the server {self.base}'s"
        self._given = session
        self._local = threading.local()  # requests sessions are not shared between threads

    @property
    def session(self) -> "requests.Session":
        session = getattr(self._local, "session", None)
        if session is None:
            import requests  # only when syncing over HTTP: ~50 ms of start-up otherwise (issue 17)

            session = self._given if self._given is not None and threading.current_thread() is \
                threading.main_thread() else requests.Session()
            session.headers.update({"User-Agent": f"TeachPoint/{__version__}",
                                    "Accept-Encoding": "identity"})
            self._local.session = session
        return session

    def _get(self, rel: str, limit: int) -> bytes:
        import requests  # loaded by self.session already; named here for the except clause

        try:
            with self.session.get(self.base + rel, stream=True, timeout=HTTP_TIMEOUT) as resp:
                if resp.status_code == 404:
                    raise NotOnSource(f"{self.base} has no {rel} (not a TeachPoint repository?)")
                if resp.status_code != 200:
                    raise RepositoryError(f"{self.base}{rel}: HTTP {resp.status_code}")
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise RepositoryError(f"{rel} is larger than the {limit} bytes it may be")
                data = bytearray()
                for chunk in resp.iter_content(1 << 16):
                    data += chunk
                    if len(data) > limit:
                        raise RepositoryError(f"{rel} is larger than the {limit} bytes it may be")
                return bytes(data)
        except requests.RequestException as exc:
            raise SourceUnreachable(f"cannot reach {self.base}: {exc.__class__.__name__}") from exc

    prefetched_root: bytes | None = None

    def read_root(self) -> bytes:
        data, self.prefetched_root = self.prefetched_root, None
        return data if data is not None else self._get(ROOT_NAME, MAX_ROOT_BYTES)

    def read_node(self, sha256: str, size: int) -> bytes:
        return self._get(meta_path(sha256), size)

    def iter_blob(self, sha256: str, size: int, chunk: int = 1 << 20):
        """The blob's bytes in chunks, never more than ``size`` + 1 in all (to spot size lies)."""
        import requests  # for the except clause; see session

        rel = blob_path(sha256)
        try:
            with self.session.get(self.base + rel, stream=True, timeout=HTTP_TIMEOUT) as resp:
                if resp.status_code != 200:
                    raise RepositoryError(f"blob {sha256[:12]}…: HTTP {resp.status_code}")
                left = size + 1
                for data in resp.iter_content(chunk):
                    yield data[:left]
                    left -= len(data)
                    if left <= 0:
                        return
        except requests.RequestException as exc:
            raise RepositoryError(f"blob {sha256[:12]}…: {exc.__class__.__name__}") from exc


    # ---- files ---------------------------------------------------------------------------

    _downloader = None

    def boost(self, sha256: str) -> None:
        """Download this file next (also while a download runs)."""
        downloader = self._downloader
        if downloader is not None:
            downloader.boost(sha256)

    def fetch_blobs(self, store, todo: list, *, on_stored, repository: str = "", progress=None,
                    cancel=None, limiter=None, max_streams: int = 8) -> TransferResult:
        """Download the wanted files with the parallel resumable downloader, most wanted first.

        A file this server does not have is counted missing (a mirror or LAN peer may hold only
        some); a file that failed otherwise is a typed problem in the result. Raises
        :class:`SourceUnreachable` when the server cannot be reached at all, and
        :class:`Cancelled` when ``cancel`` is set (partial files are kept for the next round).
        """
        from teachpoint.transport.download import BlobJob, Downloader

        res = TransferResult()
        jobs = [BlobJob(b.sha256, b.size, self.base + blob_path(b.sha256), priority=i)
                for i, b in enumerate(todo)]
        total = sum(b.size for b in todo)

        def stored(sha256: str, size: int) -> None:
            res.files_copied += 1
            res.bytes_copied += size
            on_stored(sha256, size)

        def report(p) -> None:
            if progress is not None:
                progress(TransferProgress(repository, res.files_copied, len(todo), p.bytes_done,
                                          total, p.speed_bps, p.eta_s, p.streams, p.current,
                                          downloader.active_blobs()))

        downloader = self._downloader = Downloader(store, max_streams=max_streams, limiter=limiter,
                                                   on_progress=report, on_blob_done=stored)
        try:
            stats = self._downloader.run(jobs, cancel=cancel)
        finally:
            self._downloader = None
        for sha, failure in stats.blobs_failed.items():
            if isinstance(failure, NotOnSource):
                res.files_missing += 1
            else:
                res.problems.append(failure)
        return res


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
    except NotOnSource:
        pass  # no root.json here: perhaps a collection
    names = parse_collection(top._get(COLLECTION_NAME, MAX_ROOT_BYTES))
    return [HttpSource(top.base + rel, top.session) for rel in names.values()]
