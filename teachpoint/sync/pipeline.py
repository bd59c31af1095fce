"""Bring the local catalogue and store up to a verified repository state from a source.

This is the one import path every transport uses (USB stick, satellite inbox, LAN peer, HTTP,
the built-in demo): verify the root, fetch only the changed metadata nodes (each checked against
its pin), apply the catalogue change in one transaction, then copy the blobs the catalogue wants,
each verified by hash before it enters the store. Lessons become playable one by one.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import BlobMismatch, RepositoryError
from teachpoint.fsutil import atomic_write
from teachpoint.library.catalogue import Catalogue
from teachpoint.repo.format import Pin, decode_node, index_children
from teachpoint.repo.tree import GRADE, LEAF, SUBJECT, diff_trees
from teachpoint.repo.root import SignedRoot, check_not_rollback, parse_root

log = logging.getLogger(__name__)


@dataclass
class InstallReport:
    repository: str = ""
    version: int = 0
    previous_version: int | None = None
    up_to_date: bool = False
    added: int = 0
    updated: int = 0
    removed: int = 0
    metadata_bytes: int = 0
    blobs_copied: int = 0
    bytes_copied: int = 0
    blobs_unavailable: int = 0
    problems: list[str] = field(default_factory=list)
    expired_days: float = 0.0

    def summary_zh(self) -> str:
        """The one line a teacher reads, e.g. "新增 12 节课, 更新 3 节"."""
        parts = [f"新增 {self.added} 节课", f"更新 {self.updated} 节"]
        if self.removed:
            parts.append(f"移除 {self.removed} 节")
        return ", ".join(parts)


class NodeCache:
    """Verified metadata nodes and accepted roots kept in the data dir for incremental updates."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _node(self, sha256: str) -> Path:
        return self.folder / "nodes" / f"{sha256}.json.gz"

    def get(self, pin: Pin) -> bytes | None:
        try:
            data = self._node(pin.sha256).read_bytes()
        except OSError:
            return None
        return data if len(data) == pin.size else None

    def put(self, pin: Pin, data: bytes) -> None:
        atomic_write(self._node(pin.sha256), data)

    def accepted_grades(self, repo_id: str) -> dict[int, Pin] | None:
        """Grade pins of the root last applied for a repository (None if unknown)."""
        try:
            raw = json.loads((self.folder / "roots" / f"{repo_id}.json").read_text("utf-8"))
            return {int(g): Pin(p["sha256"], p["size"]) for g, p in raw["grades"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def accept(self, root: SignedRoot) -> None:
        payload = {"version": root.version, "sha256": root.sha256,
                   "grades": {str(g): p.to_json() for g, p in root.grades.items()}}
        atomic_write(self.folder / "roots" / f"{root.repository}.json",
                      json.dumps(payload).encode("utf-8"))
        atomic_write(self.folder / "roots" / f"{root.repository}.root.json", root.raw)


def install_from(source, catalogue: Catalogue, store, trust, cache: NodeCache,
                 progress=None, cancel=None, blobs: bool = True) -> InstallReport:
    """Verify ``source`` and install what it offers; see the module docstring.

    Raises :class:`RepositoryError` (or a subclass) before anything changes if the metadata is
    not acceptable. ``blobs=False`` applies the metadata only (files come later). Blob problems are collected in the report: the metadata is already applied,
    and a later sync fetches what is missing.
    """
    report = InstallReport()
    root = parse_root(source.read_root(), trust)
    report.repository, report.version = root.repository, root.version
    report.expired_days = max(0.0, root.expired_days())
    accepted = catalogue.repository(root.repository)
    report.previous_version = accepted.version if accepted else None
    if check_not_rollback(root, accepted):
        report.up_to_date = True
    else:
        _apply_metadata(source, root, accepted, catalogue, cache, report)
    report.metadata_bytes += len(root.raw)
    if blobs:
        _copy_blobs(source, catalogue, store, root.repository, report, progress, cancel)
    return report


def _apply_metadata(source, root: SignedRoot, accepted, catalogue: Catalogue, cache: NodeCache,
                    report: InstallReport) -> None:
    old = cache.accepted_grades(root.repository) if accepted else None

    def fetch(pin: Pin, node_type: str) -> dict:
        data = cache.get(pin)
        if data is None:
            data = source.read_node(pin.sha256, pin.size)
            report.metadata_bytes += len(data)
            node = decode_node(data, pin, node_type)  # verify before caching
            cache.put(pin, data)
            return node
        return decode_node(data, pin, node_type)

    _prefetch(source, root, old, cache, report)
    diff = diff_trees(old, root.grades, fetch)
    removed = diff.removed
    if accepted and old is None:  # cache lost: compare with the catalogue instead
        removed = sorted(catalogue.resource_ids(root.repository) - {r.rid for r in diff.upserts})
    known = catalogue.resource_ids(root.repository)
    report.added = sum(1 for r in diff.upserts if r.rid not in known)
    report.updated = len(diff.upserts) - report.added
    report.removed = len(removed)
    catalogue.apply_repository(root.info(source.location), diff.upserts, removed)
    cache.accept(root)


PREFETCH_STREAMS = 8
_CHILD_TYPE = {GRADE: SUBJECT, SUBJECT: LEAF}


def _prefetch(source, root: SignedRoot, old: dict | None, cache: NodeCache,
              report: InstallReport) -> None:
    """Fetch the new tree's missing nodes level by level, several at once.

    On a satellite link each request costs a 600 ms round trip; fetching a level's nodes in
    parallel turns "one round trip per node" into "one per level". Every node is verified against
    its pin before it is cached; anything missed here is fetched later by the tree walk.
    """
    old = old or {}
    level = [(pin, GRADE) for g, pin in root.grades.items() if pin != old.get(g)]
    with ThreadPoolExecutor(PREFETCH_STREAMS) as pool:
        while level:
            missing = [(pin, kind) for pin, kind in level if cache.get(pin) is None]
            nodes = list(pool.map(lambda item: _fetch_verified(source, cache, *item, report), missing))
            level = [(child, _CHILD_TYPE[kind]) for (pin, kind), node in zip(missing, nodes)
                     if node is not None and kind in _CHILD_TYPE
                     for child in index_children(node).values()]


def _fetch_verified(source, cache: NodeCache, pin: Pin, kind: str, report: InstallReport):
    try:
        data = source.read_node(pin.sha256, pin.size)
        node = decode_node(data, pin, kind)
    except RepositoryError:
        return None  # the tree walk fetches it again and reports the problem properly
    cache.put(pin, data)
    report.metadata_bytes += len(data)
    return node


def _copy_blobs(source, catalogue: Catalogue, store, repo_id: str, report: InstallReport,
                progress, cancel) -> None:
    wanted = catalogue.wanted_blobs(repo_id)
    for n, (sha, size) in enumerate(wanted):
        if cancel is not None and cancel.is_set():
            break
        if store.has(sha):  # shared with another repository, or stored before
            catalogue.mark_blob_present(sha, size)
            continue
        if not source.has_blob(sha, size):
            report.blobs_unavailable += 1
            continue
        try:
            source.fetch_blob(sha, size, store, cancel=cancel)
        except BlobMismatch as exc:  # tampered or rotted on the source: others may still be fine
            report.problems.append(f"blob {sha[:12]}…: {exc}")
            continue
        except RepositoryError as exc:  # missing or unreadable on the source
            report.problems.append(str(exc))
            continue
        catalogue.mark_blob_present(sha, size)
        report.blobs_copied += 1
        report.bytes_copied += size
        if progress:
            progress(n + 1, len(wanted), report.bytes_copied)

