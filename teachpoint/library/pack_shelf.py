"""Metadata packs kept whole in the node cache: one file per pack, not one per node.

A first install of 100,000 resources brings ~170 packs holding ~8,200 nodes; writing each node as a
file of its own cost 0.4–4 s on this machine's disk (and one journal commit per node when synced),
so :class:`~teachpoint.library.node_cache.NodeCache` keeps a pack as the very bytes the
repository pinned (``packs/<sha256>.json.gz``) and finds a node in it through an index
``node sha256 → pack`` built from the packs on disk the first time it is needed. Packs are not
synced one by one: :meth:`PackShelf.sync` syncs them all (the cache calls it before it records a
new accepted root). A pack damaged on disk is checked like any node and is only a cache miss.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from teachpoint.errors import RepositoryError
from teachpoint.fsutil import PUBLIC_FILE, fsync_dir, make_dirs, set_mode
from teachpoint.repo.format import Pin
from teachpoint.repo.packs import PackRef, decode_pack

log = logging.getLogger(__name__)
DECODED_PACKS = 4  # a tree walk reads one subject (one pack) after the other


class PackShelf:
    """The packs of one node cache folder; thread-safe (the prefetch reads from several threads)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._index: dict[str, tuple[str, int]] | None = None  # node sha256 → (pack sha256, size)
        self._decoded: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self._unsynced: list[Path] = []
        self._lock = threading.Lock()

    def path_of(self, pack_sha256: str) -> Path:
        return self.folder / f"{pack_sha256}.json.gz"

    def put(self, ref: PackRef, data: bytes, members: list[tuple[Pin, bytes]]) -> None:
        """Keep a verified pack (its bytes as pinned, its nodes already checked); not yet synced."""
        make_dirs(self.folder)
        path = self.path_of(ref.pin.sha256)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                set_mode(fh.fileno(), PUBLIC_FILE)
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        with self._lock:
            self._unsynced.append(path)
            if self._index is not None:
                self._index.update((pin.sha256, (ref.pin.sha256, pin.size)) for pin, _ in members)
            self._remember(ref.pin.sha256, {pin.sha256: node for pin, node in members})

    def get(self, sha256: str, size: int | None = None) -> bytes | None:
        """The bytes of node ``sha256`` from a kept pack (of ``size`` bytes, if given), or None."""
        with self._lock:
            entry = self._load_index().get(sha256)
            if entry is None or (size is not None and entry[1] != size):
                return None
            return self._members(entry[0]).get(sha256)

    def forget_index(self) -> None:
        """Packs were removed from the folder: the node index is read again when next needed."""
        with self._lock:
            self._index = None
            self._decoded.clear()

    def holder(self, sha256: str) -> str | None:
        """The hash of a kept pack that holds node ``sha256``, or None."""
        with self._lock:
            entry = self._load_index().get(sha256)
        return entry[0] if entry is not None else None

    def whole(self, pin: Pin) -> bytes | None:
        """The bytes of the kept pack ``pin`` itself, or None."""
        try:
            data = self.path_of(pin.sha256).read_bytes()
        except OSError:
            return None
        return data if len(data) == pin.size else None

    def sync(self) -> None:
        """Sync the packs kept since the last call, then their folder."""
        with self._lock:
            pending, self._unsynced = self._unsynced, []
        for path in pending:
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if pending:
            fsync_dir(self.folder)

    def _load_index(self) -> dict[str, tuple[str, int]]:
        """The node → pack index, read from the packs on disk the first time (caller holds the lock)."""
        if self._index is None:
            self._index = {}
            names = sorted(self.folder.glob("*.json.gz")) if self.folder.is_dir() else []
            for path in names:
                members = self._members(path.name.split(".", 1)[0])
                self._index.update((sha, (path.name.split(".", 1)[0], len(node)))
                                   for sha, node in members.items())
        return self._index

    def _members(self, pack_sha256: str) -> dict[str, bytes]:
        """The nodes of a kept pack, checked (an unreadable or damaged pack holds none)."""
        if pack_sha256 in self._decoded:
            self._decoded.move_to_end(pack_sha256)
            return self._decoded[pack_sha256]
        try:
            data = self.path_of(pack_sha256).read_bytes()
            members = {pin.sha256: node for pin, node in decode_pack(
                data, PackRef(Pin(pack_sha256, len(data)), 0))}  # 0: its node count not known here
        except (OSError, RepositoryError) as exc:
            log.warning("cached metadata pack %s… is unreadable (%s): ignored", pack_sha256[:12], exc)
            members = {}
        self._remember(pack_sha256, members)
        return members

    def _remember(self, pack_sha256: str, members: dict[str, bytes]) -> None:
        self._decoded[pack_sha256] = members
        self._decoded.move_to_end(pack_sha256)
        while len(self._decoded) > DECODED_PACKS:
            self._decoded.popitem(last=False)
