"""Metadata packs: a subtree's nodes in one file, so a first install needs few round trips.

A pack is an optional extra object of a repository (docs/repository-format.md, "Metadata
packs"). The publisher writes one per subject: the subject node and every leaf under it, each
as its exact node bytes, after a small header giving their sizes. It is stored like a node
(``meta/<sha256>.json.gz``, named by its hash; a multi-member gzip file) and pinned from the
grade node, beside the pin of the subject node it holds::

    {"_type": "grade", "children": {...},
     "packs": {"语文": {"sha256": "…", "size": 123456, "nodes": 81}}}

A grade whose whole subtree is small (at most :data:`GRADE_PACK_MAX` bytes of nodes) also gets a
*grade pack* — its grade node, then each subject node followed by its leaves — pinned from the
signed root (``"packs": {"3": {…}}``): a first install of a small repository is then the root and
one read per grade, all in flight at once.

Old clients read only ``children`` and never ask for a pack; new clients reading an old
repository find no ``packs`` and fetch single nodes. A client decides per pack with
:func:`wants_pack`. A pack is checked against its pin before any of it is kept (a mismatch is
:class:`PackMismatch`), and each node in it is named by the hash of its own bytes, so the walk
checks it against the pin pointing at it exactly as if it had come alone.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass

from teachpoint.errors import PackMismatch, RepositoryError
from teachpoint.repo.format import MAX_NODE_BYTES, Pin, encode_node, parse_pin

PACK = "pack"
PACK_MIN_UNKNOWN = 8  # this many unknown nodes cost more round trips than one pack's bytes
MAX_PACK_NODES = 100_001  # a subject node and at most 100,000 leaves (index_children's bound)
MAX_HEADER = 1 << 20  # a pack's inflated header: ~7 bytes per node
# A grade pack is written when the grade's nodes add up to at most this. On link (a) one
# connection carries ~25 KB/s, so 32 KB is about what the two round trips it saves (grade node,
# then the subject packs, four at a time) would have carried; a bigger grade is read as its grade
# node and subject packs, many streams at once (a pack is one stream).
GRADE_PACK_MAX = 32 * 1024


@dataclass(frozen=True)
class PackRef:
    """The pin of a pack and how many nodes it holds."""

    pin: Pin
    nodes: int

    def to_json(self) -> dict:
        return {**self.pin.to_json(), "nodes": self.nodes}


def encode_pack(members: list[tuple[Pin, bytes]]) -> bytes:
    """The bytes of a pack holding these nodes (pin and exact bytes each), in the given order.

    A gzip member holding ``{"_type": "pack", "sizes": [...]}``, then each node's own bytes
    (each a gzip member too, so the whole is one multi-member gzip file like a node).
    """
    header = encode_node({"_type": PACK, "sizes": [pin.size for pin, _ in members]})
    return header + b"".join(data for _, data in members)


def pack_ref(data: bytes, nodes: int) -> PackRef:
    """The reference to a pack's bytes, as the grade node carries it."""
    return PackRef(Pin(hashlib.sha256(data).hexdigest(), len(data)), nodes)


def decode_pack(data: bytes, ref: PackRef) -> list[tuple[Pin, bytes]]:
    """Every node of a pack, each named by its own hash; :class:`PackMismatch` if anything is off.

    The pack is checked against its pin first; its header is inflated with a bound and checked;
    the nodes' sizes must add up to the rest exactly, and to ``ref.nodes`` nodes unless that is
    0 (a pack found as a file, whose pin says nothing of its count). Each node is returned with the
    pin of its actual bytes (a tree walk then checks it against the pin that points at it).
    """
    name = f"metadata pack {ref.pin.sha256[:12]}…"
    if len(data) != ref.pin.size or hashlib.sha256(data).hexdigest() != ref.pin.sha256:
        raise PackMismatch(f"{name} does not match its pin (tampered?)")
    sizes, rest = _header(data, name)
    if sum(sizes) != len(rest) or (ref.nodes and len(sizes) != ref.nodes):
        raise PackMismatch(f"{name} does not hold the nodes it declares")
    members, offset = [], 0
    for size in sizes:
        node = rest[offset:offset + size]
        members.append((Pin(hashlib.sha256(node).hexdigest(), size), node))
        offset += size
    return members


def _header(data: bytes, name: str) -> tuple[list[int], bytes]:
    """The node sizes a pack declares, and the bytes after its header."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        header = json.loads(inflater.decompress(data, MAX_HEADER).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise PackMismatch(f"{name} is malformed: {exc}") from exc
    sizes = header.get("sizes") if isinstance(header, dict) and header.get("_type") == PACK else None
    if not inflater.eof or not isinstance(sizes, list) or not 1 <= len(sizes) <= MAX_PACK_NODES \
            or not all(type(n) is int and 0 < n <= MAX_NODE_BYTES for n in sizes):
        raise PackMismatch(f"{name} is malformed")
    return sizes, inflater.unused_data


def grade_packs(node: dict) -> dict[str, PackRef]:
    """The packs a grade node pins, by subject (none in a repository from an older publisher)."""
    return parse_pack_list(node.get("packs", {}), "a grade node")


def parse_pack_list(raw, where: str) -> dict[str, PackRef]:
    """``{name: PackRef}`` from a ``"packs"`` object (of a grade node or of the root);
    :class:`RepositoryError` if it is malformed."""
    if not isinstance(raw, dict) or len(raw) > 1000:
        raise RepositoryError(f"malformed pack list in {where}")
    out = {}
    for name, value in raw.items():
        count = value.get("nodes") if isinstance(value, dict) else None
        if not isinstance(name, str) or isinstance(count, bool) or not isinstance(count, int) \
                or not 1 <= count <= MAX_PACK_NODES:
            raise RepositoryError(f"malformed pack entry in {where}")
        out[name] = PackRef(parse_pin(value), count)
    return out


def wants_pack(unknown: int, total: int) -> bool:
    """Fetch the pack (not single nodes) when ``unknown`` of its ``total`` nodes are not held here.

    One pack is one round trip; single nodes are one each (a few in parallel). On a satellite
    link a round trip (600 ms) carries ~150 KB, about a hundred nodes' worth, so the pack wins as
    soon as several nodes are missing (:data:`PACK_MIN_UNKNOWN`) or most of it is. A single
    missing node (+1 lesson) is always fetched alone, keeping small updates small.
    """
    return unknown > 1 and (unknown >= PACK_MIN_UNKNOWN or 2 * unknown >= total)
