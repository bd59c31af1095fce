"""Where a repository is read from: a folder (stick, inbox, mirror) or an HTTP(S) URL.

Every transport is a *source* with one small interface, which is all the import pipeline
(:func:`teachpoint.sync.pipeline.import_repository`) knows of it:

* ``location`` — where it is, for messages;
* ``read_root() -> bytes`` and ``read_node(sha256, size) -> bytes`` — untrusted bytes, each read
  bounded by the size the caller expects (the pipeline verifies the signature and every pin);
* ``fetch_blobs(store, todo, *, on_stored, progress, cancel) -> TransferResult`` — bring the
  wanted files into the store, each verified by hash before it counts, most wanted first;
* ``boost(sha256)`` — fetch this file next (a teacher pressed 立即下载);
* ``expand()`` — the repositories at this place (itself, or each of a collection);
* ``release_connections()`` — close the idle connections the metadata reads left open, so
  only the file downloader's streams stay open while files arrive;
* ``described_as`` and ``key_folder`` — for the message when the publisher is not trusted.

A source hands out untrusted bytes; callers verify everything.
"""

from __future__ import annotations

import errno
import json
import logging
from pathlib import Path

from teachpoint.errors import (
    NotOnSource, RepositoryError, SourceUnreachable, StoreError, UnsafePath)
from teachpoint.repo.format import (
    MAX_ROOT_BYTES, REPO_ID_RE, ROOT_NAME, blob_path, meta_path)
from teachpoint.transport.folder_copy import copy_blobs
from teachpoint.transport.transfer import TransferResult

log = logging.getLogger(__name__)
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

    def expand(self) -> list["FolderSource"]:
        """This repository, or each repository of the collection in this folder."""
        if (self.folder / ROOT_NAME).is_file():
            return [self]
        index = self.folder / COLLECTION_NAME
        if not index.is_file():
            self.read_root()  # raises the right "not a folder" / "not a repository" message
        names = parse_collection(read_bounded(index, MAX_ROOT_BYTES))
        return [FolderSource(self.folder / rel) for rel in names.values()]

    def boost(self, sha256: str) -> None:
        """Copy this file before the others still waiting (thread-safe enough: a set add)."""
        self._boosted.add(sha256)

    def release_connections(self) -> None:
        """Nothing to release: a folder holds no connections (see HttpSource.release_connections)."""

    def boosted_first(self, todo: list) -> list:
        return sorted(todo, key=lambda b: b.sha256 not in self._boosted)

    def fetch_blobs(self, store, todo: list, *, on_stored, repository: str = "", progress=None,
                    cancel=None, **_http_options) -> TransferResult:
        """Copy the wanted files this folder has into the store (see :func:`copy_blobs`)."""
        return copy_blobs(self, store, todo, on_stored=on_stored, repository=repository,
                          progress=progress, cancel=cancel)


def open_source(location: str):
    """A source for a URL or a folder path."""
    if location.startswith(("http://", "https://")):
        from teachpoint.transport.http_source import HttpSource  # requests only for a URL

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
    return open_source(location).expand()
