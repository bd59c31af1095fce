"""The publisher's side of the one-way broadcast: a repository as a RaptorQ data carousel over UDP.

Each pass sends the metadata group (signed root + every metadata node of the current tree), then
the blobs lesson by lesson, new content first (:mod:`broadcast_plan`). Blobs go on air in spans of
up to :data:`REPAIR_SPAN_BYTES`: first their source symbols, in windows of :data:`WINDOW_BYTES`
interleaved (a loss-free receiver installs lessons window by window, new ones first), then the
repair symbols of the whole span interleaved — every object gets its repair spread over the whole
tail, so under loss L all objects of the span complete together as soon as the tail has carried
L/(1-L) of their size, close to the best a fountain code can do (size ÷ rate ÷ (1-L)). Every
``meta_every``-th datagram is a metadata-group symbol, so a receiver that tunes in mid-pass has the
root and metadata long before the pass ends. Pacing uses the shared token bucket
(:class:`RateLimiter`): a steady rate, as a broadcast link needs.

A republish (root.json changes) is noticed between windows: the carousel restarts with the new
version, its new lessons first. Blobs the new version shares keep their ids (their SHA-256), so a
receiver keeps every symbol it already has.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from teachpoint.errors import RepositoryError
from teachpoint.transport.broadcast_fec import interleave, pass_datagrams, pass_order
from teachpoint.transport.broadcast_packet import DEFAULT_SYMBOL, is_multicast
from teachpoint.transport.broadcast_plan import (
    CarouselPlan, PlannedObject, previous_blobs, read_plan, remember_version, root_fingerprint)
from teachpoint.transport.ratelimit import RateLimiter

log = logging.getLogger(__name__)

WINDOW_BYTES = 4 << 20  # blobs whose source symbols are interleaved together
REPAIR_SPAN_BYTES = 256 << 20  # blobs whose repair symbols are interleaved together (memory:
#                                fec × this), sent after the span's source windows
UDP_OVERHEAD = 28  # IPv4 + UDP header bytes per datagram, charged to the rate


@dataclass
class SenderSettings:
    rate_kbit: float = 2000.0
    fec_percent: float = 40.0
    symbol_size: int = DEFAULT_SYMBOL
    meta_every: int = 40  # one metadata-group datagram per this many datagrams
    ttl: int = 4  # multicast hops
    interface: str | None = None  # address of the NIC multicast leaves from (None: the route's)
    window_bytes: int = WINDOW_BYTES
    repair_span_bytes: int = REPAIR_SPAN_BYTES


@dataclass
class SendReport:
    passes: int = 0
    datagrams: int = 0
    bytes_sent: int = 0
    version: int = 0
    republished: int = 0  # times a new version replaced the one on air

    def to_json(self) -> dict:
        return dict(self.__dict__)


class CarouselSender:
    """Sends one repository folder as a carousel to ``dest`` (unicast or multicast)."""

    def __init__(self, repo_dir: Path, dest: tuple[str, int], settings: SenderSettings | None = None,
                 data_dir: Path | None = None):
        self.repo_dir = Path(repo_dir)
        self.dest = dest
        self.settings = settings or SenderSettings()
        self.data_dir = data_dir
        self.limiter = RateLimiter(self.settings.rate_kbit * 1000 / 8, burst_s=0.05)
        self.sock = _open_socket(dest, self.settings.ttl, self.settings.interface)
        self.report = SendReport()
        self._fingerprint = ""
        self._sent_since_meta = 0

    def close(self) -> None:
        self.sock.close()

    def run(self, passes: int | None = 1, stop: threading.Event | None = None,
            start_pass: int = 0) -> SendReport:
        """Send ``passes`` passes (None: until ``stop`` is set) from pass number ``start_pass``
        (a carousel restarted later can go on with fresh symbols); return what was sent."""
        stop = stop or threading.Event()
        plan = self._load_plan(set())
        pass_no, end = start_pass, None if passes is None else start_pass + passes
        while not stop.is_set() and (end is None or pass_no < end):
            republished = self._send_pass(plan, pass_no, stop)
            if republished is not None:
                plan, pass_no = republished, 0
                continue
            pass_no += 1
            self.report.passes += 1
        return self.report

    def _load_plan(self, fallback_previous: set[str]) -> CarouselPlan:
        """Read the folder's current version (new lessons first); remember it as on air."""
        fingerprint = root_fingerprint(self.repo_dir)
        first = read_plan(self.repo_dir, self.settings.symbol_size, set())
        previous = previous_blobs(self.data_dir, first.repository, first.version) or fallback_previous
        plan = read_plan(self.repo_dir, self.settings.symbol_size, previous) if previous else first
        remember_version(self.data_dir, plan)
        self._fingerprint = fingerprint
        self.report.version = plan.version
        self._meta = self._metadata_stream(plan)
        log.info("carousel: %s version %d, %d metadata object(s), %d new and %d other file(s), "
                 "%.1f MB", plan.repository, plan.version, len(plan.metadata), len(plan.new_blobs),
                 len(plan.other_blobs), plan.total_bytes / 1e6)
        return plan

    def _send_pass(self, plan: CarouselPlan, pass_no: int, stop) -> CarouselPlan | None:
        """One pass; returns the new plan if the repository was republished meanwhile."""
        meta = _readable(plan.metadata)
        self._send_all(pass_order([pass_datagrams(p.obj, d, pass_no, self._fec) for p, d in meta]),
                       stop, with_meta=False)
        for span in _windows(plan.blobs, self.settings.repair_span_bytes):
            repairs: list[list[bytes]] = []
            for window in _windows(span, self.settings.window_bytes):
                if stop.is_set():
                    return None
                new_plan = self._republished(plan)
                if new_plan is not None:
                    return new_plan
                parts = [pass_datagrams(p.obj, data, pass_no, self._fec)
                         for p, data in _readable(window)]
                self._send_all(interleave([source for source, _ in parts]), stop, with_meta=True)
                repairs.extend(repair for _, repair in parts)
            self._send_all(interleave(repairs), stop, with_meta=True)
        return None

    def _republished(self, plan: CarouselPlan) -> CarouselPlan | None:
        """The new version's plan if root.json changed and the folder reads whole; else None."""
        if root_fingerprint(self.repo_dir) in ("", self._fingerprint):
            return None
        try:
            new_plan = self._load_plan({p.obj.sha256 for p in plan.blobs})
        except (OSError, RepositoryError) as exc:  # a publish still being written
            log.info("carousel: new root, but the repository is not readable yet (%s)", exc)
            return None
        self.report.republished += 1
        log.info("carousel: the repository was republished; new version goes on air")
        return new_plan

    @property
    def _fec(self) -> float:
        return max(0.0, self.settings.fec_percent) / 100.0

    def _metadata_stream(self, plan: CarouselPlan) -> Iterator[bytes]:
        """Endless metadata-group datagrams, fresh symbols on each round."""
        data = list(_readable(plan.metadata))
        round_no = 1  # round 0 is what each pass opens with
        while data:
            yield from pass_order([pass_datagrams(p.obj, d, round_no, self._fec) for p, d in data])
            round_no += 1

    def _send_all(self, datagrams: list[bytes], stop, with_meta: bool) -> None:
        every = self.settings.meta_every
        for datagram in datagrams:
            if stop.is_set():
                return
            if with_meta and every > 0:
                self._sent_since_meta += 1
                if self._sent_since_meta >= every:
                    self._sent_since_meta = 0
                    extra = next(self._meta, None)
                    if extra is not None:
                        self._send(extra, stop)
            self._send(datagram, stop)

    def _send(self, datagram: bytes, stop) -> None:
        self.limiter.consume(len(datagram) + UDP_OVERHEAD, stop)
        try:
            self.sock.sendto(datagram, self.dest)
        except OSError as exc:  # no route / buffer full: a broadcast never stops for one packet
            log.debug("send failed: %s", exc)
            time.sleep(0.001)
        self.report.datagrams += 1
        self.report.bytes_sent += len(datagram)


def _readable(objects: list[PlannedObject]) -> Iterator[tuple[PlannedObject, bytes]]:
    """(object, bytes) for each object whose file can be read now (a publisher's gc may have
    removed one: the carousel goes on without it)."""
    for planned in objects:
        try:
            yield planned, planned.path.read_bytes()
        except OSError as exc:
            log.warning("carousel: skipping %s: %s", planned.path, exc)


def _windows(blobs: list[PlannedObject], window_bytes: int) -> Iterator[list[PlannedObject]]:
    """Consecutive groups of blobs of about ``window_bytes`` together (order kept)."""
    group, size = [], 0
    for blob in blobs:
        if group and size + blob.obj.length > window_bytes:
            yield group
            group, size = [], 0
        group.append(blob)
        size += blob.obj.length
    if group:
        yield group


def _open_socket(dest: tuple[str, int], ttl: int, interface: str | None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    if is_multicast(dest[0]):
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        if interface:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
    return sock

