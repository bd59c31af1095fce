"""``teachpoint review collect SOURCE…``: gather schools' contributions into the county's queue.

A SOURCE is a stick (``TeachPoint/contributions/<pc_id>/``), a folder holding one contribution
repository or several (``<pc_id>/``), or an ``s3://BUCKET/PREFIX`` (``contributions/<pc_id>/``
objects the PCs uploaded). Each contribution repository carries the PC's public key
(``pc.pub``). It is accepted only when

* its name is ``contrib-<pc_id>`` and ``pc.pub`` is the key that signs its root;
* that key is the one the county pinned for that PC (:mod:`teachpoint.library.county`: the same
  pinning as the usage reports; a PC never seen before is pinned now);
* the signature verifies, every node matches its pin and every file its hash (copied into the
  queue's own content store, :func:`review_store`), and every resource names its PC as origin.

Anything else is refused with its reason (kept in the county database's ``refused`` table, shown
in the result) and nothing of that package is queued; what was collected before stays.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import (
    BlobMismatch, ObjectStoreAuthError, ObjectStoreError, ObjectStoreUnreachable, RepositoryError,
    ReviewError, SignatureError, TeachPointError, UsageError)
from teachpoint.library import county, review_queue
from teachpoint.library.catalogue import now_iso
from teachpoint.library.contributions import CONTRIB_PREFIX
from teachpoint.library.store import ContentStore
from teachpoint.repo import keys
from teachpoint.repo.format import MAX_ROOT_BYTES, ROOT_NAME, blob_path, meta_path, resource_to_json
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.root import parse_root
from teachpoint.repo.tree import diff_trees
from teachpoint.repo.untrusted import peek_payload
from teachpoint.transport.sources import FolderSource, read_bounded

log = logging.getLogger(__name__)

PUB_NAME = "pc.pub"
MAX_PUB_BYTES = 4096
STICK_PATH = ("TeachPoint", "contributions")
STORE_FLOOR = 256 << 20


def review_dir(db_path: Path) -> Path:
    """The queue's folder beside the county database: ``<db>.review/``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".review")


def review_store(db_path: Path) -> ContentStore:
    """The content store of the files waiting for review (verified, by hash)."""
    return ContentStore(review_dir(db_path) / "store", floor_bytes=STORE_FLOOR)


def open_queue(db_path: Path):
    """The county database with the review tables (created on first use)."""
    conn = county.open_county(Path(db_path))
    review_queue.ensure_tables(conn)
    return conn


@dataclass
class CollectResult:
    """What one collection did."""

    new: int = 0
    updated: int = 0
    known: int = 0
    withdrawn: int = 0  # pending lessons the school removed since
    refused: list[dict] = field(default_factory=list)
    pcs: set[str] = field(default_factory=set)

    def to_json(self) -> dict:
        return {"new": self.new, "updated": self.updated, "known": self.known,
                "withdrawn": self.withdrawn, "refused": self.refused, "pcs": sorted(self.pcs)}

    def describe(self) -> str:
        lines = [f"queued {self.new} new contribution(s) from {len(self.pcs)} PC(s); "
                 f"{self.updated} updated; {self.known} already known; {self.withdrawn} withdrawn "
                 f"by their school; {len(self.refused)} refused"]
        lines += [f"refused {r['source']}: {r['reason']}" for r in self.refused]
        return "\n".join(lines)


class _PcKey:
    """Trust exactly one PC key, for its own contribution repository only."""

    def __init__(self, public, repo_id: str):
        self.public, self.repo_id = public, repo_id

    def get(self, key_id):
        return self.public if key_id == self.public.key_id else None

    def allows(self, key_id, repo_id):
        return key_id == self.public.key_id and repo_id == self.repo_id


class _FolderPackage(FolderSource):
    """A contribution repository in a folder (its ``pc.pub`` beside ``root.json``)."""

    def read_pub(self) -> bytes:
        return read_bounded(self.folder / PUB_NAME, MAX_PUB_BYTES)


class _BucketPackage:
    """A contribution repository in a bucket folder, every object read with a bounded GET;
    blobs stream into the store (which reads at most the declared size + 1 and checks the hash)."""

    def __init__(self, folder):
        self.folder = folder
        self.location = folder.location.url

    def _get(self, rel: str, limit: int) -> bytes:
        data = self.folder.get_bytes(rel, limit)
        if data is None:
            raise RepositoryError(f"{self.location}{rel} is missing")
        return data

    def read_root(self) -> bytes:
        return self._get(ROOT_NAME, MAX_ROOT_BYTES)

    def read_pub(self) -> bytes:
        return self._get(PUB_NAME, MAX_PUB_BYTES)

    def read_node(self, sha256: str, size: int) -> bytes:
        return self._get(meta_path(sha256), size)

    def fetch_blob(self, sha256: str, size: int, store, progress=None, cancel=None) -> None:
        from botocore.exceptions import ClientError

        from teachpoint.transport.s3 import MISSING_KEY_CODES, error_code, translated_errors

        rel, where = blob_path(sha256), self.folder.location
        with translated_errors(f"reading {rel}", where):
            try:
                resp = self.folder.client.get_object(Bucket=where.bucket, Key=where.key(rel))
            except ClientError as exc:
                if error_code(exc) in MISSING_KEY_CODES:  # the package's fault, not the bucket's
                    raise RepositoryError(f"{self.location}{rel} is missing") from exc
                raise
            with contextlib.closing(resp["Body"]) as body:
                store.add_stream(body, sha256, size, progress=progress, cancel=cancel)


def packages(source) -> list:
    """The contribution repositories in a folder or on a stick."""
    folder = Path(source)
    if (folder / ROOT_NAME).is_file():
        return [_FolderPackage(folder)]
    found = []
    for parent in (folder.joinpath(*STICK_PATH), folder):
        if parent.is_dir():
            found += [_FolderPackage(p) for p in sorted(parent.iterdir())  # not the lessons' repos
                      if not p.is_symlink() and (p / ROOT_NAME).is_file() and (p / PUB_NAME).is_file()]
    if not folder.is_dir():
        raise ReviewError(f"{folder} is not there (stick not inserted?)")
    return found


def _bucket_packages(url: str, endpoint_url: str | None = None) -> list:
    from teachpoint.transport.s3 import BucketFolder, S3Location, make_client, parse_s3_url

    top = parse_s3_url(url)
    client = make_client(endpoint_url)
    listed = BucketFolder(client, top).list_objects()
    folders = sorted({name[:-len(ROOT_NAME)] for name in listed
                      if name.endswith(ROOT_NAME) and (name == ROOT_NAME or name.endswith("/" + ROOT_NAME))})
    return [_BucketPackage(BucketFolder(client, S3Location(top.bucket, top.prefix + sub)))
            for sub in folders]


def collect(db_path: Path, sources: list, endpoint_url: str | None = None) -> CollectResult:
    """Collect every contribution package of ``sources`` into the queue at ``db_path``."""
    from teachpoint.transport.s3 import is_s3_url

    conn = open_queue(db_path)
    store = review_store(db_path)
    result = CollectResult()
    try:
        for source in sources:
            found = _bucket_packages(str(source), endpoint_url) if is_s3_url(str(source)) \
                else packages(source)
            for package in found:
                collect_package(conn, store, package, result)
    finally:
        conn.close()
    return result


def collect_package(conn, store, package, result: CollectResult) -> None:
    """Verify one package and queue its contributions; a bad one is refused and remembered."""
    try:
        pc_id, public, version, groups = _verified(conn, store, package)
    except (ObjectStoreAuthError, ObjectStoreUnreachable):
        raise  # the bucket, not the package: stop (what was collected stays)
    except (RepositoryError, ReviewError, BlobMismatch, ObjectStoreError, UsageError) as exc:
        _refuse(conn, result, package.location, exc)
        return
    at = now_iso()
    county.pin_pc(conn, pc_id, public.b64, public.key_id, at)
    for cid, resources in groups.items():
        first = next((r for r in resources if r.rid == cid), resources[0])
        outcome = review_queue.add_entry(
            conn, pc_id, cid, version, json.dumps([resource_to_json(r) for r in resources],
                                                  ensure_ascii=False),
            first.title, first.main.sha256, at, package.location)
        setattr(result, outcome, getattr(result, outcome) + 1)
    result.withdrawn += len(review_queue.withdraw_missing(conn, pc_id, version, set(groups), at))
    result.pcs.add(pc_id)


def _verified(conn, store, package):
    """(pc id, its key, version, contribution id → resources) of a package that checks out."""
    data = package.read_root()
    claim = peek_payload(data)
    repo_id = claim.get("repository")
    if not isinstance(repo_id, str) or not repo_id.startswith(CONTRIB_PREFIX):
        raise ReviewError("not a contribution repository (its name is not contrib-<pc id>)")
    pc_id = repo_id[len(CONTRIB_PREFIX):]
    public = keys.parse_public_key(package.read_pub(), PUB_NAME)
    pinned = county.pinned_pc(conn, pc_id)
    if pinned is not None and pinned[1] != public.b64:
        raise SignatureError(f"PC {pc_id} is pinned to another key; this package is signed by "
                             f"{public.key_id} (refused: a new key must be accepted by county staff)")
    root = parse_root(data, _PcKey(public, repo_id))
    resources = diff_trees(None, root.grades, NodeReader(source=package, keep=False)).upserts
    groups: dict[str, list] = {}
    for res in resources:
        if res.origin is None or res.origin.pc != pc_id or res.main is None:
            raise ReviewError(f"resource {res.rid} does not name PC {pc_id} as its origin")
        groups.setdefault(res.origin.contribution, []).append(res)
    for res in resources:
        for f in res.files:
            if not store.has(f.sha256):
                package.fetch_blob(f.sha256, f.size, store)
    return pc_id, public, root.version, groups


def _refuse(conn, result: CollectResult, where: str, exc: TeachPointError) -> None:
    reason = str(exc)
    county.record_refusal(conn, now_iso(), where, exc.__class__.__name__, reason)
    result.refused.append({"source": where, "kind": exc.__class__.__name__, "reason": reason})
    log.warning("contribution package %s refused: %s", where, reason)
