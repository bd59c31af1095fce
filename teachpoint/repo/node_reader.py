"""The one way a tree walk reads metadata nodes: the verified cache first, then a source.

Every walk of a repository tree (:func:`teachpoint.repo.tree.diff_trees`) — installing, looking at
a stick, planning an export, reading a previous publish, the inbox waiting for its metadata — asks
a :class:`NodeReader` for each node. A node read from a source is checked against its pin before
anything uses it, and kept in the cache only when the reader is told to keep it.
"""

from __future__ import annotations

import time

from teachpoint.errors import NotYetArrived, RepositoryError
from teachpoint.repo.format import Pin, decode_node

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

    def __call__(self, pin: Pin, node_type: str) -> dict:
        self.nodes += 1
        if (self.max_nodes is not None and self.nodes > self.max_nodes) or \
                (self.deadline is not None and time.monotonic() > self.deadline):
            raise NodeBudgetExceeded()
        self.pins.append(pin)
        data = self.cache.get(pin) if self.cache is not None else None
        if data is not None:
            return decode_node(data, pin, node_type)
        if self.source is None:
            raise RepositoryError(f"metadata node {pin.sha256[:12]}… is not in the cache")
        try:
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
