"""Publish a repository to S3-compatible object storage (``teachpoint publish --out s3://``, ``upload``).

:func:`upload_repository` copies a repository folder into a bucket folder, sending only the
objects the bucket lacks (by name and size: every name but ``root.json`` is a hash, so an object
that is there is the right one): first the blobs, then the metadata nodes, and ``root.json``
last, only after everything it pins is in the bucket. A client that reads mid-upload therefore
sees the old root and the old (still present) objects: the old version, whole. Each file is
hashed before it goes up, so a damaged local file is never published under a name that caches
keep forever.

Headers: by-hash objects ``Cache-Control: public, max-age=31536000, immutable``; the root
``no-cache``; blobs ``application/octet-stream`` (the metadata carries each file's real type,
and CDNs do not compress that type), nodes ``application/gzip``, the root ``application/json``;
never a ``Content-Encoding``.

:func:`publish_to_bucket` publishes into a local working folder (given, so it keeps the state
between publishes, or a temporary one), after fetching the bucket's current root and the nodes
it pins into that folder, so the version goes on from the bucket's and unchanged nodes keep
their names; then it uploads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import RepositoryError, UsageError
from teachpoint.fsutil import atomic_write
from teachpoint.publish.publisher import publish
from teachpoint.repo.format import (
    MAX_ROOT_BYTES, ROOT_NAME, SHA_RE, Pin, decode_node, index_children, meta_path, parse_pin)
from teachpoint.repo.tree import GRADE, LEAF, SUBJECT
from teachpoint.transport.s3 import BucketFolder, ObjectInfo
from teachpoint.transport.sources import read_bounded

log = logging.getLogger(__name__)
IMMUTABLE = "public, max-age=31536000, immutable"
ROOT_CACHE_CONTROL = "no-cache"
BLOB_TYPE, NODE_TYPE, ROOT_TYPE = "application/octet-stream", "application/gzip", "application/json"
WORKERS = 16
PROGRESS_EVERY_S = 1.0


@dataclass
class UploadReport:
    """What an upload sent; ``order`` is the kind of each PUT in the order they finished."""

    location: str
    repository: str = ""
    version: int = 0
    objects_in_bucket: int = 0
    blobs_uploaded: int = 0
    nodes_uploaded: int = 0
    root_uploaded: bool = False
    bytes_uploaded: int = 0
    skipped: int = 0
    order: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "order"}


def root_payload(data: bytes, where: str) -> dict:
    """The (unverified) payload of a root: its name and version decide what may replace what.

    The signature is checked by every client and by the publisher; here only the structure is.
    """
    try:
        payload = json.loads(json.loads(data.decode("utf-8"))["payload"])
        version = payload["version"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise RepositoryError(f"{where} is not a TeachPoint root") from exc
    if isinstance(version, bool) or not isinstance(version, int) or not isinstance(payload, dict):
        raise RepositoryError(f"{where} is not a TeachPoint root")
    return payload


def repository_objects(repo_dir: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """(blobs, nodes) of a repository folder: relative name → file; anything else is ignored."""
    blobs = {f"blobs/sha256/{p.parent.name}/{p.name}": p
             for p in sorted((repo_dir / "blobs" / "sha256").glob("??/*"))
             if SHA_RE.match(p.name) and p.parent.name == p.name[:2] and p.is_file()}
    nodes = {meta_path(p.name[:64]): p for p in sorted((repo_dir / "meta").glob("*.json.gz"))
             if len(p.name) == 72 and SHA_RE.match(p.name[:64]) and p.is_file()}
    return blobs, nodes


def upload_repository(repo_dir: Path, folder: BucketFolder, progress=lambda text: None,
                      workers: int = WORKERS) -> UploadReport:
    """Upload what the bucket lacks of ``repo_dir``: blobs, then nodes, then the root."""
    repo_dir = Path(repo_dir)
    if not (repo_dir / ROOT_NAME).is_file():
        raise RepositoryError(f"{repo_dir} is not a TeachPoint repository (no {ROOT_NAME})")
    root = read_bounded(repo_dir / ROOT_NAME, MAX_ROOT_BYTES)
    payload = root_payload(root, str(repo_dir / ROOT_NAME))
    report = UploadReport(folder.location.url, str(payload.get("repository", "")),
                          payload["version"])
    listed = folder.list_objects()
    report.objects_in_bucket = len(listed)
    remote_root = folder.get_bytes(ROOT_NAME, MAX_ROOT_BYTES) if ROOT_NAME in listed else None
    if remote_root == root:
        progress(f"{folder.location.url} already holds version {report.version}")
    elif remote_root is not None:
        _refuse_older(remote_root, payload, folder.location.url)
    blobs, nodes = repository_objects(repo_dir)
    for kind, objects, content_type in (("blob", blobs, BLOB_TYPE), ("node", nodes, NODE_TYPE)):
        missing = {rel: p for rel, p in objects.items() if not _present(listed.get(rel), p)}
        report.skipped += len(objects) - len(missing)
        _put_all(folder, kind, missing, content_type, report, progress, workers)
    if remote_root != root:
        folder.put_bytes(ROOT_NAME, root, ROOT_TYPE, ROOT_CACHE_CONTROL)
        report.root_uploaded = True
        report.bytes_uploaded += len(root)
        report.order.append("root")
    log.info("uploaded %s to %s: %s", repo_dir, folder.location.url, report.to_json())
    return report


def _refuse_older(remote_root: bytes, payload: dict, url: str) -> None:
    """Never replace the bucket's root with an older or a different same-numbered one."""
    try:
        remote = root_payload(remote_root, url + ROOT_NAME)
    except RepositoryError:
        log.warning("%s%s is not a TeachPoint root; it is replaced", url, ROOT_NAME)
        return
    if remote.get("repository") != payload.get("repository"):
        raise UsageError(f"{url} holds the repository {remote.get('repository')!r}, not "
                         f"{payload.get('repository')!r}: choose another folder")
    if remote["version"] >= payload["version"]:
        raise UsageError(f"{url} already holds version {remote['version']}, newer than (or "
                         f"different from) this folder's version {payload['version']}: "
                         "publish again to make a newer version")


def _present(info: ObjectInfo | None, path: Path) -> bool:
    return info is not None and info.size == path.stat().st_size


def _put_all(folder: BucketFolder, kind: str, objects: dict[str, Path], content_type: str,
             report: UploadReport, progress, workers: int) -> None:
    """PUT every object (hash-checked), ``workers`` at a time; all must succeed before returning."""
    if not objects:
        return
    done, last, lock = [0], [0.0], threading.Lock()

    def put(rel: str, path: Path) -> None:
        _check_name(rel, path)
        folder.put_file(rel, path, content_type, IMMUTABLE)
        with lock:
            report.bytes_uploaded += path.stat().st_size
            report.order.append(kind)
            done[0] += 1
            if time.monotonic() - last[0] >= PROGRESS_EVERY_S or done[0] == len(objects):
                last[0] = time.monotonic()
                progress(f"uploaded {done[0]} of {len(objects)} {kind}s")

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="s3-put") as pool:
        futures = [pool.submit(put, rel, path) for rel, path in objects.items()]
        try:
            finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in finished if f.exception() is not None), None)
            if failed is not None:
                raise failed.exception()
        except BaseException:  # a failed PUT or Ctrl-C: start no more, the root stays unsent
            for future in futures:
                future.cancel()
            raise
    if kind == "blob":
        report.blobs_uploaded += len(objects)
    else:
        report.nodes_uploaded += len(objects)


def _check_name(rel: str, path: Path) -> None:
    """A by-hash file must hash to its name before it is published under it."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != Path(rel).name[:64]:
        raise RepositoryError(f"{path} does not match its name (damaged?): nothing after it, and "
                              "not the root, was uploaded")


def seed_from_bucket(folder: BucketFolder, work_dir: Path, workers: int = WORKERS) -> int | None:
    """Bring the bucket's root and the nodes it pins into ``work_dir`` if the bucket is newer.

    Returns the bucket's version (None for an empty bucket folder). Nodes are checked against
    their pins; the publisher checks the root's signature with its own key.
    """
    remote = folder.get_bytes(ROOT_NAME, MAX_ROOT_BYTES)
    if remote is None:
        return None
    payload = root_payload(remote, folder.location.url + ROOT_NAME)
    local_root = work_dir / ROOT_NAME
    if local_root.is_file():
        local = root_payload(read_bounded(local_root, MAX_ROOT_BYTES), str(local_root))
        if local["version"] >= payload["version"]:
            return payload["version"]  # ours is as new, or a publish not uploaded yet
    grades = payload.get("grades")
    if not isinstance(grades, dict):
        raise RepositoryError(f"{folder.location.url}{ROOT_NAME} is not a TeachPoint root")
    level = [(parse_pin(p), GRADE) for p in grades.values()]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="s3-get") as pool:
        while level:
            nodes = list(pool.map(lambda item: _node(folder, work_dir, *item), level))
            level = [(pin, SUBJECT if kind == GRADE else LEAF)
                     for node, kind in nodes if kind != LEAF
                     for pin in index_children(node).values()]
    atomic_write(local_root, remote)
    return payload["version"]


def _node(folder: BucketFolder, work_dir: Path, pin: Pin, kind: str) -> tuple[dict, str]:
    """A verified node from ``work_dir``, or from the bucket (then kept in ``work_dir``)."""
    path = work_dir / meta_path(pin.sha256)
    if path.is_file():
        return decode_node(read_bounded(path, pin.size), pin, kind), kind
    data = folder.get_bytes(meta_path(pin.sha256), pin.size)
    if data is None:
        raise RepositoryError(f"{folder.location.url} lacks the node {pin.sha256[:12]}… its root "
                              "pins: upload the repository again from a complete copy")
    node = decode_node(data, pin, kind)
    atomic_write(path, data)
    return node, kind


def publish_to_bucket(src_dir: Path, key_file: Path, folder: BucketFolder,
                      work_dir: Path | None = None, progress=lambda text: None, **options):
    """Publish ``src_dir`` into ``folder``: (publish report, upload report). See the module doc."""
    if work_dir is not None:
        return _publish_and_upload(src_dir, key_file, folder, Path(work_dir), progress, options)
    with tempfile.TemporaryDirectory(prefix="teachpoint-bucket-") as tmp:
        return _publish_and_upload(src_dir, key_file, folder, Path(tmp) / "repo", progress, options)


def _publish_and_upload(src_dir, key_file, folder, work_dir: Path, progress, options):
    version = seed_from_bucket(folder, work_dir)
    if version is not None:
        progress(f"{folder.location.url} holds version {version}")
    published = publish(src_dir, key_file, work_dir, progress=progress, **options)
    return published, upload_repository(work_dir, folder, progress)
