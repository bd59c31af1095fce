"""The one way a tree walk reads metadata nodes: the verified cache first, then a source.

Every walk of a repository tree (:func:`teachpoint.repo.tree.diff_trees`) — installing, looking at
a stick, planning an export, reading a previous publish, the inbox waiting for its metadata — asks
a :class:`NodeReader` for each node. A node read from a source is checked against its pin before
anything uses it, and kept in the cache only when the reader is told to keep it.
"""

from __future__ import annotations

import logging
import threading
import time

from teachpoint.errors import NotYetArrived, RepositoryError
from teachpoint.repo.format import Pin, decode_node
from teachpoint.repo.packs import PackRef, decode_pack

log = logging.getLogger(__name__)
# One pack unpacked at a time: unpacking is Python work under the GIL, so more threads doing it at
# once gain nothing and make every other thread (the GUI's) wait behind each of them in turn.
_UNPACKING = threading.Lock()
_EMPTY = {"_type": "", "children": {}, "resources": []}


class NodeBudgetExceeded(Exception):
    """A walk read more nodes, or took longer, than its budget allows (a look, not an import)."""


class NodeReader:
    """A ``fetch(pin, node_type) -> node`` callable for :func:`diff_trees`.

    ``cache`` is a :class:`teachpoint.library.node_cache.NodeCache` (or None); ``source`` anything
    with ``read_node(sha256, size)`` (or None: cache only). ``keep`` stores verified nodes read
    from the source in the cache. ``max_nodes``/``deadline`` (a :func:`time.monotonic` value) bound
    a read-only look. ``wait_for_missing`` treats :class:`NotYetArrived` nodes as empty and counts
    them in :attr:`missing`, so a walk over a half-received repository sees what is there.
    """

    def __init__(self, cache=None, source=None, *, keep: bool = True, max_nodes: int | None = None,
                 deadline: float | None = None, wait_for_missing: bool = False):
        self.cache, self.source, self.keep = cache, source, keep
        self.max_nodes, self.deadline, self.wait_for_missing = max_nodes, deadline, wait_for_missing
        self.nodes = 0  # nodes asked for
        self.bytes_read = 0  # bytes read from the source (not the cache)
        self.missing = 0  # NotYetArrived nodes (wait_for_missing)
        self.pins: list[Pin] = []  # every pin asked for, in walk order
        self.requests = 0  # reads from the source (nodes and packs)

    def __call__(self, pin: Pin, node_type: str) -> dict:
        self.nodes += 1
        if (self.max_nodes is not None and self.nodes > self.max_nodes) or \
                (self.deadline is not None and time.monotonic() > self.deadline):
            raise NodeBudgetExceeded()
        self.pins.append(pin)
        data = self.cache.get(pin) if self.cache is not None else None
        if data is not None:
            try:
                return decode_node(data, pin, node_type)
            except RepositoryError:
                log.warning("cached metadata node %s… is damaged: reading it again", pin.sha256[:12])
        if self.source is None:
            raise RepositoryError(f"metadata node {pin.sha256[:12]}… is not in the cache")
        try:
            self.requests += 1
            data = self.source.read_node(pin.sha256, pin.size)
        except NotYetArrived:
            if not self.wait_for_missing:
                raise
            self.missing += 1
            return dict(_EMPTY, _type=node_type)
        node = decode_node(data, pin, node_type)  # verified before it is used or kept
        self.bytes_read += len(data)
        if self.keep and self.cache is not None:
            self.cache.put(pin, data)
        return node

    def read_pack(self, ref: PackRef) -> int:
        """Read a pack from the source and keep every node in it; how many nodes.

        The pack is checked against its pin and each node against its own hash before any is
        kept (:class:`PackMismatch` otherwise: nothing of it is written). A pack the source lacks
        raises :class:`NotOnSource` (or :class:`NotYetArrived`) like a node.
        """
        self.requests += 1
        data = self.source.read_node(ref.pin.sha256, ref.pin.size)
        with _UNPACKING:
            members = decode_pack(data, ref)
            self.bytes_read += len(data)
            if self.keep and self.cache is not None:
                self.cache.put_pack(ref, data, members)
        return len(members)
