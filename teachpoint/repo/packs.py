"""Metadata packs: one subject's nodes in one file, so a first install needs few round trips.

A pack is an optional extra object of a repository (docs/repository-format.md, "Metadata
packs"). The publisher writes one per subject: the subject node and every leaf under it, each
as its exact node bytes. It is stored like a node (``meta/<sha256>.json.gz``, named by its
hash) and pinned from the grade node, beside the pin of the subject node it holds::

    {"_type": "grade", "children": {...},
     "packs": {"语文": {"sha256": "…", "size": 123456, "nodes": 81}}}

Old clients read only ``children`` and never ask for a pack; new clients reading an old
repository find no ``packs`` and fetch single nodes. A client decides per pack with
:func:`wants_pack`. A pack is checked against its pin and every node in it against its own
hash before any of it is kept; a mismatch is :class:`PackMismatch`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from teachpoint.errors import PackMismatch, RepositoryError
from teachpoint.repo.format import (
    MAX_NODE_BYTES, Pin, check_sha, check_size, decode_node, encode_node, parse_pin)

PACK = "pack"
PACK_MIN_UNKNOWN = 8  # this many unknown nodes cost more round trips than one pack's bytes
MAX_PACK_NODES = 100_001  # a subject node and at most 100,000 leaves (index_children's bound)


@dataclass(frozen=True)
class PackRef:
    """The pin of a pack and how many nodes it holds."""

    pin: Pin
    nodes: int

    def to_json(self) -> dict:
        return {**self.pin.to_json(), "nodes": self.nodes}


def encode_pack(members: list[tuple[Pin, bytes]]) -> bytes:
    """The bytes of a pack holding these nodes (pin and exact bytes each), in the given order."""
    return encode_node({"_type": PACK, "nodes": [
        [pin.sha256, pin.size, base64.b64encode(data).decode("ascii")] for pin, data in members]})


def pack_ref(data: bytes, nodes: int) -> PackRef:
    """The reference to a pack's bytes, as the grade node carries it."""
    return PackRef(Pin(hashlib.sha256(data).hexdigest(), len(data)), nodes)


def decode_pack(data: bytes, ref: PackRef) -> list[tuple[Pin, bytes]]:
    """Every node of a pack, each checked against its own hash; :class:`PackMismatch` if any is off.

    The pack itself is checked against its pin first (as a node: bounded inflate, typed).
    """
    try:
        obj = decode_node(data, ref.pin, PACK)
    except RepositoryError as exc:
        raise PackMismatch(f"metadata pack {ref.pin.sha256[:12]}… is not the pinned pack: {exc}") \
            from exc
    items = obj.get("nodes")
    if not isinstance(items, list) or len(items) > MAX_PACK_NODES:
        raise PackMismatch(f"metadata pack {ref.pin.sha256[:12]}… is malformed")
    return [_member(item, ref) for item in items]


def _member(item, ref: PackRef) -> tuple[Pin, bytes]:
    """One ``[sha256, size, base64]`` entry, its bytes checked against its hash."""
    if not isinstance(item, list) or len(item) != 3 or not isinstance(item[2], str):
        raise PackMismatch(f"metadata pack {ref.pin.sha256[:12]}… has a malformed entry")
    pin = Pin(check_sha(item[0]), check_size(item[1], MAX_NODE_BYTES))
    try:
        data = base64.b64decode(item[2], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PackMismatch(f"metadata pack {ref.pin.sha256[:12]}… has a malformed entry") from exc
    if len(data) != pin.size or hashlib.sha256(data).hexdigest() != pin.sha256:
        raise PackMismatch(f"node {pin.sha256[:12]}… in metadata pack {ref.pin.sha256[:12]}… "
                           f"does not match its hash (tampered?)")
    return pin, data


def grade_packs(node: dict) -> dict[str, PackRef]:
    """The packs a grade node pins, by subject (none in a repository from an older publisher)."""
    raw = node.get("packs", {})
    if not isinstance(raw, dict) or len(raw) > 1000:
        raise RepositoryError("malformed pack list in a grade node")
    out = {}
    for subject, value in raw.items():
        count = value.get("nodes") if isinstance(value, dict) else None
        if not isinstance(subject, str) or isinstance(count, bool) or not isinstance(count, int) \
                or not 1 <= count <= MAX_PACK_NODES:
            raise RepositoryError("malformed pack entry in a grade node")
        out[subject] = PackRef(parse_pin(value), count)
    return out


def wants_pack(unknown: int, total: int) -> bool:
    """Fetch the pack (not single nodes) when ``unknown`` of its ``total`` nodes are not held here.

    One pack is one round trip; single nodes are one each (a few in parallel). On a satellite
    link a round trip (600 ms) carries ~150 KB, about a hundred nodes' worth, so the pack wins as
    soon as several nodes are missing (:data:`PACK_MIN_UNKNOWN`) or most of it is. A single
    missing node (+1 lesson) is always fetched alone, keeping small updates small.
    """
    return unknown > 1 and (unknown >= PACK_MIN_UNKNOWN or 2 * unknown >= total)
