"""Received symbols, kept on disk per object across passes and restarts, within fixed bounds.

``SPOOL/<sha256>.json`` says what the object is (its header fields); ``SPOOL/<sha256>.sym`` holds its
symbols as fixed-size records (RFC 6330 payload id + symbol) appended as they arrive. A PC switched
off in pass 1 reloads the index on start and completes the object in pass 2. A record torn by a
crash is cut off on load. Nothing here is trusted: a decoded object is returned only if it hashes to
its id, and a spool that decodes to the wrong bytes (junk symbols under a real id) is discarded.

Bounds (:class:`SpoolLimits`): at most ``max_objects`` partial objects and ``max_bytes`` of symbols;
over either, the objects heard least recently are evicted first. One object keeps at most
``K * MAX_OVERHEAD + 16`` symbols. Duplicate symbols are dropped by (SBN, ESI): the set of seen
ids of every partial object is kept in memory (read from disk once after a restart), about 60
bytes a stored symbol, so the byte limit bounds it too (~50 MB for the default 1 GiB). A carousel
interleaves a hundred objects symbol by symbol: re-reading sets from disk would cost a whole
object's read per datagram.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import raptorq

from teachpoint.fsutil import atomic_write
from teachpoint.repo.format import SHA_RE
from teachpoint.transport.broadcast_packet import (
    KIND_NAMES, MAX_SYMBOL, MIN_SYMBOL, PAYLOAD_ID_BYTES, ObjectId, Packet)

log = logging.getLogger(__name__)

MAX_OVERHEAD = 1.3  # beyond K * this (+16) symbols without a decode, the spool is junk
RETRY_STEP = 0.01  # after a failed decode, wait for 1% more symbols (at least 2) before the next


@dataclass
class SpoolLimits:
    max_objects: int = 512
    max_bytes: int = 1 << 30
    max_object_bytes: int = 2 << 30  # decoding holds an object in memory


@dataclass
class _Entry:
    obj: ObjectId
    count: int
    last_heard: float
    next_try: int
    esis: set[int] | None = field(default=None, repr=False)

    @property
    def record(self) -> int:
        return PAYLOAD_ID_BYTES + self.obj.symbol_size

    @property
    def bytes(self) -> int:
        return self.count * self.record


class SymbolSpool:
    """Partial objects on disk (see the module doc)."""

    def __init__(self, folder: Path, limits: SpoolLimits | None = None):
        self.folder = Path(folder)
        self.limits = limits or SpoolLimits()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.entries: dict[str, _Entry] = {}
        self.evicted = 0
        self.discarded = 0
        self._load()

    # ---- state --------------------------------------------------------------------------------

    @property
    def total_bytes(self) -> int:
        return sum(e.bytes for e in self.entries.values())

    def _load(self) -> None:
        """Rebuild the index from disk; cut torn records; drop anything malformed."""
        for meta in self.folder.glob("*.json"):
            sha = meta.stem
            try:
                obj = ObjectId(**json.loads(meta.read_text("utf-8")))
                if obj.sha256 != sha or not SHA_RE.match(sha) or obj.kind not in KIND_NAMES \
                        or not MIN_SYMBOL <= obj.symbol_size <= MAX_SYMBOL:
                    raise ValueError("inconsistent")
                sym = self._sym(sha)
                size = sym.stat().st_size if sym.exists() else 0
                record = PAYLOAD_ID_BYTES + obj.symbol_size
                if size % record:
                    os.truncate(sym, size - size % record)
                count = size // record
                self.entries[sha] = _Entry(obj, count, sym.stat().st_mtime if count else 0.0,
                                           next_try=obj.source_symbols)
            except (OSError, ValueError, TypeError) as exc:
                log.warning("broadcast spool: dropping %s (%s)", meta.name, exc)
                self._remove_files(sha)
        for sym in self.folder.glob("*.sym"):
            if sym.stem not in self.entries:
                self._remove_files(sym.stem)
        for tmp in self.folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)

    def _sym(self, sha: str) -> Path:
        return self.folder / f"{sha}.sym"

    def _remove_files(self, sha: str) -> None:
        for suffix in (".sym", ".json"):
            (self.folder / f"{sha}{suffix}").unlink(missing_ok=True)

    # ---- adding -------------------------------------------------------------------------------

    def add(self, packet: Packet, now: float | None = None) -> bool:
        """Store one symbol; True when the object has enough symbols to try a decode."""
        now = time.time() if now is None else now
        obj = packet.obj
        entry = self.entries.get(obj.sha256)
        if entry is not None and entry.obj != obj:  # same id, other header: the first one stands
            return False
        if entry is None:
            entry = self._create(obj, now)
        esis = self._esis(entry)
        key = packet.sbn << 24 | packet.esi
        if key in esis or entry.count >= obj.source_symbols * MAX_OVERHEAD + 16:
            return False
        with open(self._sym(obj.sha256), "ab") as fh:
            fh.write(packet.fec_packet)
        esis.add(key)
        entry.count += 1
        entry.last_heard = now
        if self.limits.max_bytes and entry.count % 64 == 0:
            self._evict(keep=obj.sha256)
        return entry.count >= entry.next_try

    def _create(self, obj: ObjectId, now: float) -> _Entry:
        self._evict(keep=None, room_for=1)
        atomic_write(self.folder / f"{obj.sha256}.json", json.dumps(asdict(obj)).encode("utf-8"))
        entry = _Entry(obj, 0, now, next_try=obj.source_symbols, esis=set())
        self.entries[obj.sha256] = entry
        return entry

    def _esis(self, entry: _Entry) -> set[int]:
        """The (SBN, ESI) keys stored for ``entry`` (read from its file the first time)."""
        if entry.esis is None:
            entry.esis = {int.from_bytes(rec[:PAYLOAD_ID_BYTES], "big")
                          for rec in self._records(entry)}
        return entry.esis

    def _records(self, entry: _Entry):
        record = entry.record
        try:
            with open(self._sym(entry.obj.sha256), "rb") as fh:
                while len(rec := fh.read(record)) == record:
                    yield rec
        except OSError as exc:
            log.warning("broadcast spool: cannot read %s: %s", entry.obj.sha256[:12], exc)

    def _evict(self, keep: str | None, room_for: int = 0) -> None:
        """Evict the least recently heard objects until within both limits."""
        limits = self.limits
        while self.entries and (len(self.entries) + room_for > limits.max_objects
                                or self.total_bytes > limits.max_bytes):
            victims = [e for s, e in self.entries.items() if s != keep]
            if not victims:
                return
            oldest = min(victims, key=lambda e: e.last_heard)
            log.info("broadcast spool: evicting %s (%d symbols)", oldest.obj.sha256[:12], oldest.count)
            self.drop(oldest.obj.sha256)
            self.evicted += 1

    # ---- decoding -----------------------------------------------------------------------------

    def decode(self, sha: str) -> bytes | None:
        """The object's bytes if its symbols decode to data with the right hash, else None.

        A failed decode waits for more symbols; data with the wrong hash discards the spool.
        """
        entry = self.entries.get(sha)
        if entry is None:
            return None
        obj = entry.obj
        decoder = raptorq.Decoder.with_defaults(obj.length, obj.symbol_size)
        data = None
        for rec in self._records(entry):
            data = decoder.decode(rec)
            if data is not None:
                break
        if data is None:
            entry.next_try = entry.count + max(2, int(entry.count * RETRY_STEP))
            if entry.count >= obj.source_symbols * MAX_OVERHEAD + 16:
                self._discard(entry, "does not decode")
            return None
        data = bytes(data)
        if len(data) != obj.length or hashlib.sha256(data).hexdigest() != sha:
            self._discard(entry, "decodes to the wrong bytes (junk symbols?)")
            return None
        return data

    def _discard(self, entry: _Entry, why: str) -> None:
        log.warning("broadcast spool: %s %s…: %s; collecting it again",
                    KIND_NAMES[entry.obj.kind], entry.obj.sha256[:12], why)
        self.drop(entry.obj.sha256)
        self.discarded += 1

    def drop(self, sha: str) -> None:
        """Forget an object (completed, evicted or junk)."""
        self.entries.pop(sha, None)
        self._remove_files(sha)
