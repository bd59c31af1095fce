"""The broadcast carousel's packet: one UDP datagram = one RaptorQ encoding symbol of one object.

A small FLUTE-like format (see docs/broadcast.md). Like ALC/LCT (RFC 5651/5775) each packet names
its session (TSI) and object (TOI) and carries one encoding symbol with its FEC Payload ID; unlike
FLUTE there is no FDT: every object of a repository is named by its SHA-256, so the object id IS
the content hash and the header says which kind it is (root, metadata node, blob). The path of an
object in a repository folder follows from (kind, sha256) alone, and a decoded object is kept only
if it hashes to its id. Header, big-endian, 68 bytes::

    0  magic "TPB" (3)   3  format version = 1 (1)
    4  TSI (8): the publisher key id (16 hex digits) that signs the repository's root
    12 channel tag (8): first 8 bytes of SHA-256 of the repository name
    20 kind (1): 1 root.json, 2 metadata node, 3 blob      21 reserved, 0 (1)
    22 symbol size T (2)       24 transfer length F, the object's bytes (8)
    32 object SHA-256 (32)     64 FEC Payload ID (RFC 6330 §3.2): SBN (1) + ESI (3)
    68 the symbol (T bytes)

FEC: RaptorQ (RFC 6330, FEC Encoding ID 6) with the OTI derived from (F, T) by the ``raptorq``
library's defaults, so both ends agree without an FDT. Everything in a packet is untrusted.
"""

from __future__ import annotations

import hashlib
import ipaddress
import struct
from dataclasses import dataclass

from teachpoint.errors import RepositoryError
from teachpoint.repo.format import MAX_NODE_BYTES, MAX_ROOT_BYTES, ROOT_NAME, blob_path, meta_path

MAGIC = b"TPB"
VERSION = 1
HEADER = struct.Struct(">3sB8s8sBBHQ32s")
PAYLOAD_ID_BYTES = 4
HEADER_BYTES = HEADER.size + PAYLOAD_ID_BYTES  # 68
KIND_ROOT, KIND_META, KIND_BLOB = 1, 2, 3
KIND_NAMES = {KIND_ROOT: "root", KIND_META: "metadata", KIND_BLOB: "file"}
DEFAULT_SYMBOL = 1320  # 68 + 1320 = 1388-byte datagrams: under a 1500 MTU with IP/UDP/GRE room
MIN_SYMBOL, MAX_SYMBOL = 64, 8192
MAX_DATAGRAM = HEADER_BYTES + MAX_SYMBOL


class BadPacket(RepositoryError):
    """A datagram that is not a well-formed carousel packet (dropped and counted)."""


@dataclass(frozen=True)
class ObjectId:
    """What a packet says about its object: everything needed to store and decode it."""

    tsi: str  # publisher key id, 16 hex digits
    tag: str  # channel tag, 16 hex digits
    kind: int
    sha256: str
    length: int
    symbol_size: int

    @property
    def source_symbols(self) -> int:
        """Symbols of the object itself (K summed over source blocks)."""
        return max(1, -(-self.length // self.symbol_size))

    def repo_path(self) -> str:
        """Where the object lives inside a repository folder."""
        if self.kind == KIND_ROOT:
            return ROOT_NAME
        if self.kind == KIND_META:
            return meta_path(self.sha256)
        return blob_path(self.sha256)


@dataclass(frozen=True)
class Packet:
    obj: ObjectId
    sbn: int
    esi: int
    fec_packet: bytes  # payload id + symbol, as the raptorq library reads and writes it


def channel_tag(repository: str) -> str:
    """The 8-byte tag of a repository name, as 16 hex digits."""
    return hashlib.sha256(repository.encode("utf-8")).hexdigest()[:16]


def kind_limit(kind: int, max_blob: int) -> int:
    """The largest object a kind may declare (a size lie beyond it drops the packet)."""
    return {KIND_ROOT: MAX_ROOT_BYTES, KIND_META: MAX_NODE_BYTES}.get(kind, max_blob)


def encode_packet(obj: ObjectId, fec_packet: bytes) -> bytes:
    """One datagram: our header + the raptorq packet (payload id + symbol)."""
    head = HEADER.pack(MAGIC, VERSION, bytes.fromhex(obj.tsi), bytes.fromhex(obj.tag), obj.kind, 0,
                       obj.symbol_size, obj.length, bytes.fromhex(obj.sha256))
    return head + fec_packet


def decode_packet(data: bytes, max_blob: int) -> Packet:
    """Parse and range-check a datagram; raise :class:`BadPacket` for anything off."""
    if len(data) < HEADER_BYTES + 1 or len(data) > MAX_DATAGRAM:
        raise BadPacket(f"datagram of {len(data)} bytes")
    magic, version, tsi, tag, kind, _, symbol, length, sha = HEADER.unpack_from(data)
    if magic != MAGIC or version != VERSION:
        raise BadPacket("not a TeachPoint carousel packet")
    if kind not in KIND_NAMES:
        raise BadPacket(f"unknown object kind {kind}")
    if not MIN_SYMBOL <= symbol <= MAX_SYMBOL or len(data) != HEADER_BYTES + symbol:
        raise BadPacket(f"symbol size {symbol} does not fit the datagram")
    if not 0 < length <= kind_limit(kind, max_blob):
        raise BadPacket(f"{KIND_NAMES[kind]} declares {length} bytes")
    fec = data[HEADER.size:]
    sbn, esi = fec[0], int.from_bytes(fec[1:4], "big")
    obj = ObjectId(tsi.hex(), tag.hex(), kind, sha.hex(), length, symbol)
    return Packet(obj, sbn, esi, bytes(fec))


def parse_address(text: str, default_host: str = "127.0.0.1") -> tuple[str, int]:
    """``ADDR:PORT`` (or ``:PORT``) → (host, port); raise ValueError when malformed."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} is not ADDR:PORT")
    return (host.strip("[]") or default_host), int(port)


def is_multicast(host: str) -> bool:
    """Is ``host`` a multicast group address? (a host name is unicast)"""
    try:
        return ipaddress.ip_address(host).is_multicast
    except ValueError:
        return False
