"""Verified metadata nodes and accepted roots, kept in the data directory for incremental updates.

Layout under ``DATA_DIR/metadata``: ``nodes/<sha256>.json.gz`` (each checked against its pin before
it was put here), ``packs/<sha256>.json.gz`` (metadata packs kept whole, their nodes found through
:class:`~teachpoint.library.pack_shelf.PackShelf`) and ``roots/<repository>.json`` + ``roots/<repository>.root.json`` (the root last
applied). Only this module knows the layout.
"""

from __future__ import annotations

import json
from pathlib import Path

from teachpoint.fsutil import atomic_write
from teachpoint.library.pack_shelf import PackShelf
from teachpoint.repo.format import Pin
from teachpoint.repo.packs import PackRef
from teachpoint.repo.root import SignedRoot


class NodeCache:
    """Verified metadata nodes and accepted roots kept in the data dir for incremental updates."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.packs = PackShelf(self.folder / "packs")

    @property
    def nodes_dir(self) -> Path:
        return self.folder / "nodes"

    @property
    def packs_dir(self) -> Path:
        return self.packs.folder

    @property
    def roots_dir(self) -> Path:
        return self.folder / "roots"

    def _node(self, sha256: str) -> Path:
        return self.folder / "nodes" / f"{sha256}.json.gz"

    def get(self, pin: Pin) -> bytes | None:
        """The kept bytes of node (or pack) ``pin``: a node file, a node in a pack, a pack; or None."""
        try:
            data = self._node(pin.sha256).read_bytes()
        except OSError:
            data = None
        if data is not None and len(data) == pin.size:
            return data
        return self.packs.get(pin.sha256, pin.size) or self.packs.whole(pin)

    def put(self, pin: Pin, data: bytes) -> None:
        atomic_write(self._node(pin.sha256), data)

    def put_pack(self, ref: PackRef, data: bytes, members: list[tuple[Pin, bytes]]) -> None:
        """Keep a verified pack whole (see :mod:`teachpoint.library.pack_shelf`)."""
        self.packs.put(ref, data, members)

    def prune(self, keep: set[str]) -> tuple[int, int]:
        """Remove the kept nodes and packs whose hash is not in ``keep``; ``(files, bytes)`` freed.

        The caller decides what is still used (:mod:`teachpoint.sync.metadata_gc`), holding the
        sync lock: nothing else writes the cache meanwhile. A pack that is no longer pinned stays
        while it holds a kept node that has no file of its own (after an update that read single
        nodes, the unchanged nodes of that subject live only in the pack of the version before)."""
        keep = set(keep)
        for sha in list(keep):
            if not self._node(sha).exists():
                keep.add(self.packs.holder(sha) or sha)
        files = freed = 0
        for folder in (self.nodes_dir, self.packs_dir):
            for path in sorted(folder.glob("*.json.gz")) if folder.is_dir() else []:
                if path.name.split(".", 1)[0] in keep:
                    continue
                try:
                    size = path.stat().st_size
                    path.unlink()
                except FileNotFoundError:
                    continue
                files, freed = files + 1, freed + size
        if files:
            self.packs.forget_index()
        return files, freed

    def packed_node(self, sha256: str) -> bytes | None:
        """A node kept inside a pack, by its hash alone (a LAN peer serving it), or None."""
        return self.packs.get(sha256)

    def accepted_grades(self, repo_id: str) -> dict[int, Pin] | None:
        """Grade pins of the root last applied for a repository (None if unknown)."""
        try:
            raw = json.loads((self.folder / "roots" / f"{repo_id}.json").read_text("utf-8"))
            return {int(g): Pin(p["sha256"], p["size"]) for g, p in raw["grades"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def accept(self, root: SignedRoot) -> None:
        """Record ``root`` as the one last applied (after syncing the packs kept for it)."""
        self.packs.sync()
        payload = {"version": root.version, "sha256": root.sha256,
                   "grades": {str(g): p.to_json() for g, p in root.grades.items()}}
        atomic_write(self.folder / "roots" / f"{root.repository}.json",
                      json.dumps(payload).encode("utf-8"))
        atomic_write(self.folder / "roots" / f"{root.repository}.root.json", root.raw)

    def accepted_root_bytes(self, repo_id: str) -> bytes | None:
        """The signed root last applied for a repository, as received (None if unknown)."""
        try:
            return (self.folder / "roots" / f"{repo_id}.root.json").read_bytes()
        except OSError:
            return None
