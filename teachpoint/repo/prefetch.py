"""Fetch the nodes a new tree needs, several at once, packs where they pay.

On a satellite link each request costs a 600 ms round trip. :func:`prefetch_tree` walks the new
tree from the grade nodes down, a few reads in flight at once, each node's children asked for as
soon as it arrives (no barrier between levels: about one round trip per level, not per node),
and fetches a whole pack (:mod:`teachpoint.repo.packs`) instead of single nodes where it
pays:

* a grade nothing of which is held here (a first install, a new grade, a lost cache) whose
  grade pack the root pins (a small grade): that pack alone — the whole grade in one read;
* a subject nothing of which is held here: its pack at once, without reading the subject node
  first;
* a changed subject: its node alone, then the pack if many of its leaves are unknown, else the
  unknown leaves alone (+1 lesson stays a few KB).

Every node, alone or from a pack, is verified against its pin before it is cached (through
:class:`~teachpoint.repo.node_reader.NodeReader`). A pack that does not match its pin is
:class:`PackMismatch`, raised: the import stops and nothing of that pack is kept. A pack the
source lacks (a mirror or stick that copied only single nodes) falls back to single nodes: a
pack is an optional extra, and the nodes themselves are just as verifiable. Any other failure of
a single node is left to the tree walk that follows, which reports it properly.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from teachpoint.errors import NotYetArrived, PackMismatch, RepositoryError
from teachpoint.repo.format import Pin, decode_node, index_children
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.packs import PackRef, grade_packs, wants_pack
from teachpoint.repo.tree import GRADE, LEAF, SUBJECT

log = logging.getLogger(__name__)
# Reads in flight at once, sized to the bytes a level reads. Big packs (~75 KB each in a 100k
# catalogue) are bound by the satellite's per-connection cap (200 kbit/s): 8 streams filled only
# ~1.4 Mbit/s of link (a) in a 100k first install (1.81x the bytes' time; 4 streams 3.20x), 12
# keep it full (1.36x, benchmarks/metadata_link.py). Small reads (nodes, a small repository's
# packs) cost round trips, not bytes: four in flight hide those, and a small install or update
# never opens more than four connections (link (c): at most 4 open).
PACK_STREAMS = 12
NODE_STREAMS = 4
BYTES_PER_STREAM = 64 * 1024  # a level wider than four streams only past 4 x 64 KB to read


@dataclass
class PrefetchStats:
    """What a prefetch read from the source."""

    bytes_read: int = 0
    requests: int = 0  # node and pack reads
    packs: int = 0  # packs read
    fallbacks: int = 0  # packs pinned but not on the source: read as single nodes


@dataclass(frozen=True)
class _Item:
    """One read of a level: a node (``kind``) or a pack (``pack``, with ``fallback`` items)."""

    pin: Pin
    kind: str = ""
    pack: PackRef | None = None  # read this pack (``pin`` is its pin)
    fallback: tuple = ()  # the reads instead of the pack if the source lacks it
    old_pin: Pin | None = None  # the grade node this one replaces
    covering: PackRef | None = None  # a subject node's pack, if many of its leaves are unknown


def prefetch_tree(source, cache, new: dict[int, Pin], old: dict[int, Pin] | None,
                  grade_packs: dict[int, PackRef] | None = None) -> PrefetchStats:
    """Bring the nodes of the tree ``new`` (grade pins; ``grade_packs``: the packs of small
    grades the root pins) that ``cache`` lacks; see the module doc.

    A few reads are in flight at once (:class:`_TreeReads`): :data:`NODE_STREAMS`, up to
    :data:`PACK_STREAMS` while many bytes are waiting to be read (big packs: :func:`_width`).
    There is no barrier between the tree's levels: a node's children are asked for as soon as it
    arrives, so one slow read (a new connection's handshake, a bigger pack) holds up only its
    own subtree. The source's idle connections are handed back before and after
    (``release_connections``: a few stay warm for the files).
    """
    old, grade_packs = old or {}, grade_packs or {}
    first = [_grade_read(pin, old.get(g), grade_packs.get(g), cache) for g, pin in sorted(new.items())
             if pin != old.get(g)]
    source.release_connections()
    stats = _TreeReads(source, cache).run(first)
    source.release_connections()
    return stats


class _TreeReads:
    """The reads of one prefetch: a queue, worker threads (one session each), children queued as
    their parent arrives. Workers are only added (up to :func:`_width` of what waits), never
    swapped, so no more connections are open than reads were in flight at the widest."""

    def __init__(self, source, cache):
        self.source, self.cache = source, cache
        self.stats = PrefetchStats()
        self._waiting: list[_Item] = []
        self._busy = 0
        self._workers: list[threading.Thread] = []
        self._failure: BaseException | None = None
        self._cv = threading.Condition()

    def run(self, first: list[_Item]) -> PrefetchStats:
        """Read ``first`` and everything under it; raises the first failure of a read."""
        with self._cv:
            self._queue(first)
        for worker in self._workers:  # a worker adds others before it ends: the loop sees them
            worker.join()
        if self._failure is not None:
            raise self._failure
        return self.stats

    def _queue(self, items: list[_Item]) -> None:
        """Queue reads (``_cv`` held) and add workers up to the width of what now waits."""
        self._waiting += [item for item in items
                          if item.pack is not None or self.cache.get(item.pin) is None]
        want = _width(self._waiting, self._busy)
        while len(self._workers) < want:
            worker = threading.Thread(target=self._work, name=f"prefetch-{len(self._workers)}",
                                      daemon=True)
            self._workers.append(worker)
            worker.start()
        self._cv.notify_all()

    def _work(self) -> None:
        """Take reads until none waits and none is in flight (its children could still come)."""
        while True:
            with self._cv:
                while not self._waiting and self._busy and self._failure is None:
                    self._cv.wait()
                if not self._waiting or self._failure is not None:
                    self._cv.notify_all()
                    return
                item = self._waiting.pop(0)
                self._busy += 1
            try:
                node, reader = _read(self.source, self.cache, item)
                children = self._record(item, node, reader)
            except BaseException as exc:  # noqa: BLE001 - raised by run() in the caller's thread
                with self._cv:
                    self._failure = self._failure or exc
                    self._busy -= 1
                    self._cv.notify_all()
                return
            with self._cv:
                self._busy -= 1
                self._queue(children)

    def _record(self, item: _Item, node, reader) -> list[_Item]:
        """Count one read; the reads it leads to."""
        with self._cv:
            self.stats.bytes_read += reader.bytes_read
            self.stats.requests += reader.requests
            if item.pack is not None:
                self.stats.packs += node is not None
                self.stats.fallbacks += node is None
        if item.pack is not None:
            return [] if node is not None else list(item.fallback)
        return _children(item, node, self.cache) if node is not None else []


def _width(waiting: list[_Item], in_flight: int) -> int:
    """Reads in flight: one stream per :data:`BYTES_PER_STREAM` of pinned bytes waiting, at
    least :data:`NODE_STREAMS` (round trips) and at most :data:`PACK_STREAMS`, never more than
    there are reads (waiting and ``in_flight``)."""
    wanted = sum(item.pin.size for item in waiting) // BYTES_PER_STREAM
    return max(1, min(len(waiting) + in_flight, max(NODE_STREAMS, min(PACK_STREAMS, wanted))))


def _read(source, cache, item: _Item):
    """``(node or None, reader)``: a node read and verified, or a pack read and kept (True)."""
    reader = NodeReader(cache, source)
    try:
        if item.pack is not None:
            reader.read_pack(item.pack)
            return True, reader
        return reader(item.pin, item.kind), reader
    except PackMismatch:
        raise
    except (RepositoryError, NotYetArrived) as exc:
        if item.pack is not None:
            log.info("metadata pack %s… not read (%s): fetching its nodes one by one",
                     item.pin.sha256[:12], exc)
        return None, reader


def _grade_read(pin: Pin, old_pin: Pin | None, pack: PackRef | None, cache) -> _Item:
    """A changed grade's first read: its grade pack when the root pins one and nothing of the
    grade is held here (neither its new nor its old grade node), else its grade node."""
    single = _Item(pin, GRADE, old_pin=old_pin)
    if pack is None or cache.get(pin) is not None or _cached(cache, old_pin, GRADE) is not None:
        return single
    return _Item(pack.pin, pack=pack, fallback=(single,))


def _children(item: _Item, node: dict, cache) -> list[_Item]:
    """The next level's reads under a grade or subject node."""
    if item.kind == GRADE:
        return _under_grade(node, _cached(cache, item.old_pin, GRADE), cache)
    if item.kind != SUBJECT:
        return []
    children = index_children(node)
    leaves = tuple(_Item(pin, LEAF) for pin in children.values() if cache.get(pin) is None)
    if item.covering is not None and wants_pack(len(leaves), len(children)):
        return [_Item(item.covering.pin, pack=item.covering, fallback=leaves)]
    return list(leaves)


def _under_grade(node: dict, old_node: dict | None, cache) -> list[_Item]:
    """Reads under a changed grade: the pack of a subject nothing of which is held here, else
    the subject node (whose leaves then decide about its pack)."""
    packs = grade_packs(node)
    old_subjects = index_children(old_node) if old_node else {}
    items = []
    for subject, pin in index_children(node).items():
        if cache.get(pin) is not None:
            continue
        ref = packs.get(subject)
        single = _Item(pin, SUBJECT, covering=ref)
        if ref is not None and _cached(cache, old_subjects.get(subject), SUBJECT) is None:
            items.append(_Item(ref.pin, pack=ref, fallback=(_Item(pin, SUBJECT),)))
        else:
            items.append(single)
    return items


def _cached(cache, pin: Pin | None, kind: str) -> dict | None:
    """The node ``pin`` from the cache, verified, or None."""
    data = cache.get(pin) if pin is not None else None
    if data is None:
        return None
    try:
        return decode_node(data, pin, kind)
    except RepositoryError:
        return None
