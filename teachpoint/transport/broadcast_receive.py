"""The school's side of the one-way broadcast: listen, collect symbols, decode, hand over.

Datagrams from the carousel (:mod:`broadcast_packet`) are checked and filtered: malformed → junk;
a session (TSI) that is not a key this PC trusts → foreign (another publisher's channel); an
object already complete → duplicate. The rest go to the :class:`SymbolSpool` on disk. A decoded
object that hashes to its id is written (temp file + rename) into a repository-shaped folder,
``DATA_DIR/broadcast/received/<channel tag>/``, at the path the repository format gives it. A root
goes there only if it is signed by a trusted key for its repository, matches the channel and is
not older than the root already there or the version installed: a forged or replayed root cannot
displace the good one. That folder is then imported by :func:`import_received` — the satellite
inbox's scan, the same pipeline as every other transport — a few seconds after objects complete,
so lessons install one by one.

A reception report (received, still missing, last heard) is kept in ``broadcast/reception.json``.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from teachpoint.errors import RepositoryError, TeachPointError
from teachpoint.fsutil import atomic_write
from teachpoint.repo.format import ROOT_NAME
from teachpoint.repo.root import parse_root
from teachpoint.sneakernet.inbox import scan_inbox
from teachpoint.sync.lock import SyncBusy, SyncLock
from teachpoint.transport.broadcast_packet import (
    KIND_BLOB, KIND_ROOT, BadPacket, ObjectId, channel_tag, decode_packet,
    is_multicast)
from teachpoint.transport.broadcast_reader import DatagramReader
from teachpoint.transport.broadcast_report import ReceptionReport
from teachpoint.transport.broadcast_spool import SpoolLimits, SymbolSpool

log = logging.getLogger(__name__)

BROADCAST_DIR = "broadcast"
IMPORT_EVERY_S = 2.0  # import completed objects at most this often
RECV_BUFFER = 4 << 20
MAX_DONE = 1_000_000  # ids remembered as complete (drop their packets early)
MAX_SESSIONS = 1000  # session ids whose trust is cached


@dataclass
class ReceiverSettings:
    listen: tuple[str, int] = ("127.0.0.1", 5500)
    interface: str = "0.0.0.0"  # the DVB receiver's NIC address, for a multicast group
    limits: SpoolLimits = None  # type: ignore[assignment]
    import_every_s: float = IMPORT_EVERY_S

    def __post_init__(self):
        if self.limits is None:
            self.limits = SpoolLimits()


def broadcast_dir(ws) -> Path:
    return ws.paths.root / BROADCAST_DIR


def import_received(ws, folder: Path, cancel=None):
    """THE one call into the import pipeline: the inbox's public scan, as ``teachpoint inbox
    --scan`` calls it. It imports what has fully arrived, lets partial metadata wait, and (cleanup)
    deletes from ``folder`` what it installed. Raises SyncBusy when another sync holds the lock."""
    with SyncLock(ws.paths.root):
        return scan_inbox(ws, folder, cleanup=True, cancel=cancel)


class BroadcastReceiver:
    """Receives carousels into the data directory of ``ws`` (a :class:`Workspace`)."""

    def __init__(self, ws, settings: ReceiverSettings | None = None):
        self.ws = ws
        self.settings = settings or ReceiverSettings()
        top = broadcast_dir(ws)
        self.received = top / "received"
        self.spool = SymbolSpool(top / "spool", self.settings.limits)
        self.done: set[str] = set()
        self._rooted: set[str] = set()  # channels whose signed root arrived in this run
        self._trusted: dict[str, tuple[bool, float]] = {}
        self._pending_import = self.received.is_dir() and any(self.received.iterdir())
        self._last_import = 0.0
        self.sock = open_listener(self.settings.listen, self.settings.interface)
        self.report = ReceptionReport(top / "reception.json", self.sock.getsockname())

    def close(self) -> None:
        self.sock.close()

    # ---- the loop -----------------------------------------------------------------------------

    def run(self, seconds: float | None = None, until_complete: bool = False,
            stop: threading.Event | None = None) -> ReceptionReport:
        """Listen until ``seconds`` pass, everything heard is installed, or ``stop`` is set."""
        stop = stop or threading.Event()
        deadline = None if seconds is None else time.monotonic() + seconds
        with DatagramReader(self.sock) as reader:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                data = reader.get(0.2)
                if data is not None:
                    self.handle(data)
                if self._import_due():
                    self.import_now(stop)
                    if until_complete and self.report.complete:
                        break
                self.report.local_drops = reader.dropped
                self.report.save_if_due(self.spool)
        for data in reader.leftovers():
            self.handle(data)
        if self._pending_import:
            self.import_now(stop)
        self.report.save(self.spool)
        return self.report

    def handle(self, data: bytes) -> None:
        """One datagram: filter, spool, decode when enough symbols arrived."""
        try:
            packet = decode_packet(data, self.settings.limits.max_object_bytes)
        except BadPacket:
            self.report.junk += 1
            return
        obj = packet.obj
        if not self._is_trusted(obj.tsi):
            self.report.foreign += 1
            return
        self.report.heard()
        if obj.sha256 in self.done or (obj.kind == KIND_BLOB and self.ws.store.has(obj.sha256)):
            self.done.add(obj.sha256)
            self.report.duplicates += 1
            return
        if self.spool.add(packet):
            data = self.spool.decode(obj.sha256)
            if data is not None:
                self._complete(obj, data)

    def _is_trusted(self, key_id: str) -> bool:
        """Is the session's key one this PC trusts? (cached for a minute; the store is files)"""
        now = time.monotonic()
        cached = self._trusted.get(key_id)
        if cached is None or now - cached[1] > 60:
            if len(self._trusted) > MAX_SESSIONS:  # a flood of made-up sessions: start over
                self._trusted.clear()
            cached = (self.ws.trust.get(key_id) is not None, now)
            self._trusted[key_id] = cached
        return cached[0]

    # ---- complete objects ---------------------------------------------------------------------

    def _complete(self, obj: ObjectId, data: bytes) -> None:
        self.spool.drop(obj.sha256)
        if len(self.done) < MAX_DONE:
            self.done.add(obj.sha256)
        folder = self.received / obj.tag
        if obj.kind == KIND_ROOT:
            if not self._root_acceptable(obj, data, folder):
                return
            self._rooted.add(obj.tag)
        try:
            atomic_write(folder / obj.repo_path(), data, mode=0o644)
        except OSError as exc:  # disk full: say so; the object is collected again later
            self.done.discard(obj.sha256)
            self.report.rejected(f"cannot write {obj.repo_path()}: {exc.strerror or exc}")
            return
        self.report.completed(obj)
        self._pending_import = True
        log.info("broadcast: received %s %s… (%d bytes)", obj.repo_path().split("/")[0],
                 obj.sha256[:12], obj.length)

    def _root_acceptable(self, obj: ObjectId, data: bytes, folder: Path) -> bool:
        """A root may replace the folder's only if trusted, on its channel, and not older."""
        try:
            root = parse_root(data, self.ws.trust)
        except RepositoryError as exc:
            self.report.rejected(f"root on channel {obj.tag}: {exc}")
            return False
        if channel_tag(root.repository) != obj.tag or root.key_id != obj.tsi:
            self.report.rejected(f"root of {root.repository!r} sent on another channel")
            return False
        floor = _version_there(folder / ROOT_NAME, self.ws.trust)
        accepted = self.ws.catalogue.repository(root.repository)
        if accepted is not None:
            floor = max(floor, accepted.version)
        if root.version < floor:
            self.report.rejected(f"{root.repository} version {root.version} is older than "
                                 f"version {floor}; kept the newer one")
            return False
        return True

    # ---- import -------------------------------------------------------------------------------

    def _import_due(self) -> bool:
        return self._pending_import and \
            time.monotonic() - self._last_import >= self.settings.import_every_s

    def import_now(self, cancel=None) -> None:
        """Import every received folder through the inbox pipeline; note what is still missing."""
        self._last_import = time.monotonic()
        try:
            folders = sorted(p for p in self.received.iterdir() if p.is_dir() and (
                p.name in self._rooted or (p / ROOT_NAME).is_file()))
        except OSError:
            folders = []
        try:
            for folder in folders:
                self.report.imported(folder.name, import_received(self.ws, folder, cancel))
            self._pending_import = False
            trim_received(self.received, self.settings.limits.max_bytes)
        except SyncBusy:
            log.info("broadcast: another sync is running; importing later")
        except TeachPointError as exc:  # disk full, read-only: say so, keep listening
            self.report.rejected(f"import failed: {exc}")
            log.warning("broadcast: import failed: %s", exc)


def trim_received(received: Path, max_bytes: int) -> int:
    """Keep what waits in the received folders (objects no signed metadata wanted yet: early,
    or valid-hash junk) under ``max_bytes``, deleting the oldest first; returns files deleted."""
    files = []
    for path in received.glob("*/*/**/*"):
        try:
            if path.is_file() and not path.is_symlink():
                st = path.stat()
                files.append((st.st_mtime, st.st_size, path))
        except OSError:
            continue
    total, deleted = sum(f[1] for f in files), 0
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        deleted += 1
    if deleted:
        log.info("broadcast: deleted %d waiting file(s) to stay within %d bytes", deleted, max_bytes)
    return deleted


def _version_there(path: Path, trust) -> int:
    """Version of the trusted root already in a received folder (0 if none or unreadable)."""
    try:
        return parse_root(path.read_bytes(), trust).version
    except (OSError, RepositoryError):
        return 0


def open_listener(listen: tuple[str, int], interface: str = "0.0.0.0") -> socket.socket:
    """A UDP socket bound to ``listen``; a multicast address is joined on ``interface``."""
    host, port = listen
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECV_BUFFER)
    if is_multicast(host):  # other programs may listen to the same group: share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        mreq = struct.pack("4s4s", socket.inet_aton(host), socket.inet_aton(interface))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    else:
        sock.bind((host, port))
    return sock

