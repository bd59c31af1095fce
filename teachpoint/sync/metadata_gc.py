"""Removing metadata no accepted tree uses any more from the node cache (``teachpoint gc``).

Each update leaves the nodes and packs of the version it replaced in the cache (``DATA_DIR/metadata``):
a year of republishing a 100,000-resource catalogue leaves several times its metadata, and every
stale pack is read again when the cache's pack index is rebuilt. :func:`prune_metadata` keeps what
the root last applied for each installed repository reaches — every node of its tree, its review
decisions and the packs its grade nodes pin — and removes the rest, under the sync lock (an import
writes a new tree's nodes into the cache before it accepts the root). If any accepted tree cannot
be read whole from the cache, nothing is removed: what is kept decides, never a guess.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from teachpoint.errors import TeachPointError
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.root import parse_root
from teachpoint.repo.tree import read_whole_tree
from teachpoint.sync.lock import SyncLock

log = logging.getLogger(__name__)


@dataclass
class MetadataGcReport:
    """What :func:`prune_metadata` did: files and bytes removed, or why it removed nothing."""

    files_removed: int = 0
    bytes_freed: int = 0
    skipped: str = ""  # why nothing was removed ("" when it ran)


def prune_metadata(ws) -> MetadataGcReport:
    """Remove cached nodes and packs that no accepted tree of ``ws`` uses; see the module doc.

    Raises :class:`~teachpoint.sync.lock.SyncBusy` when a sync holds the lock."""
    with SyncLock(ws.paths.root):
        try:
            keep = _still_used(ws)
        except TeachPointError as exc:  # a root or node missing or damaged: keep everything
            log.warning("metadata cache not cleaned: %s", exc)
            return MetadataGcReport(skipped=str(exc))
        files, freed = ws.cache.prune(keep)
    log.info("metadata cache: %d unused file(s) removed, %d bytes", files, freed)
    return MetadataGcReport(files, freed)


def _still_used(ws) -> set[str]:
    """Hashes of every node and pack the accepted trees reach (raises if one cannot be read)."""
    keep: set[str] = set()
    for info in ws.catalogue.repositories():
        raw = ws.cache.accepted_root_bytes(info.id)
        if raw is None:
            raise TeachPointError(f"the accepted root of {info.id} is not in the metadata cache")
        tree = read_whole_tree(parse_root(raw, ws.trust), NodeReader(ws.cache))
        keep.update(pin.sha256 for pin in tree.nodes + tree.packs)
    return keep
