"""A lossy UDP relay on 127.0.0.1 for tests and benchmarks: the satellite channel in a box.

Datagrams sent to the relay's port are forwarded to a destination after a seeded channel model:

* random loss with probability ``loss``;
* bursty loss (Gilbert-Elliott): a good state that turns bad with ``burst_enter`` per datagram and
  a bad state (everything lost) that ends with ``burst_exit`` per datagram — the mean burst is
  ``1 / burst_exit`` datagrams and the long-run loss ``burst_enter / (burst_enter + burst_exit)``;
* reordering: with ``reorder`` a datagram is held back and sent after the next 1–8 datagrams;
* duplication: with ``duplicate`` a datagram is sent twice.

It runs in a thread (``with UdpRelay(...) as relay``) or as a process
(``python -m teachpoint.testing.udp_relay --to 127.0.0.1:PORT --loss 0.1 --seconds 60``), and it
always stops after ``max_seconds``. Only for 127.0.0.1: it never talks to other hosts.
"""

from __future__ import annotations

import argparse
import random
import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class ChannelModel:
    loss: float = 0.0
    burst_enter: float = 0.0
    burst_exit: float = 1.0
    reorder: float = 0.0
    duplicate: float = 0.0
    seed: int = 1

    @staticmethod
    def bursty(loss: float, mean_burst: float, seed: int = 1) -> "ChannelModel":
        """Gilbert-Elliott loss averaging ``loss`` in bursts of ``mean_burst`` datagrams."""
        exit_p = 1.0 / mean_burst
        return ChannelModel(burst_enter=loss * exit_p / (1 - loss), burst_exit=exit_p, seed=seed)


@dataclass
class RelayCounts:
    received: int = 0
    forwarded: int = 0
    lost: int = 0
    duplicated: int = 0
    reordered: int = 0


class UdpRelay:
    """Forward datagrams from ``listen_port`` on 127.0.0.1 to ``dest`` through a channel model."""

    def __init__(self, dest: tuple[str, int], model: ChannelModel | None = None,
                 listen_port: int = 0, max_seconds: float = 600.0):
        if dest[0] not in ("127.0.0.1", "localhost"):
            raise ValueError("the test relay only forwards to 127.0.0.1")
        self.dest, self.model, self.max_seconds = dest, model or ChannelModel(), max_seconds
        self.rng = random.Random(self.model.seed)
        self.counts = RelayCounts()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", listen_port))
        self.sock.settimeout(0.1)
        self.out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.stop_event = threading.Event()
        self._bad = False
        self._held: list[tuple[int, bytes]] = []
        self._thread: threading.Thread | None = None
        self.paused = threading.Event()  # while set, everything is lost (the PC is switched off)

    @property
    def address(self) -> tuple[str, int]:
        return self.sock.getsockname()

    def __enter__(self) -> "UdpRelay":
        self._thread = threading.Thread(target=self.run, name="udp-relay", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(5)
        self.sock.close()
        self.out.close()

    def run(self) -> None:
        """Relay until stopped or ``max_seconds`` passed."""
        deadline = time.monotonic() + self.max_seconds
        while not self.stop_event.is_set() and time.monotonic() < deadline:
            try:
                data = self.sock.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.counts.received += 1
            if self._lost():
                self.counts.lost += 1
                continue
            self._forward(data)

    def _lost(self) -> bool:
        m, rng = self.model, self.rng
        if self.paused.is_set():
            return True
        if m.burst_enter:
            self._bad = rng.random() >= m.burst_exit if self._bad else rng.random() < m.burst_enter
            if self._bad:
                return True
        return rng.random() < m.loss

    def _forward(self, data: bytes) -> None:
        m, rng = self.model, self.rng
        if m.reorder and rng.random() < m.reorder:
            self._held.append((rng.randint(1, 8), data))
            self.counts.reordered += 1
            return
        self._send(data)
        if m.duplicate and rng.random() < m.duplicate:
            self._send(data)
            self.counts.duplicated += 1
        still = []
        for wait, held in self._held:
            if wait <= 1:
                self._send(held)
            else:
                still.append((wait - 1, held))
        self._held = still

    def _send(self, data: bytes) -> None:
        try:
            self.out.sendto(data, self.dest)
            self.counts.forwarded += 1
        except OSError:
            pass


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="lossy UDP relay on 127.0.0.1 (tests, benchmarks)")
    p.add_argument("--port", type=int, required=True, help="listen on 127.0.0.1:PORT")
    p.add_argument("--to", required=True, help="forward to 127.0.0.1:PORT")
    p.add_argument("--loss", type=float, default=0.0)
    p.add_argument("--burst", type=float, default=0.0, help="mean burst length (bursty loss)")
    p.add_argument("--reorder", type=float, default=0.0)
    p.add_argument("--duplicate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seconds", type=float, default=600.0)
    args = p.parse_args(argv)
    host, _, port = args.to.rpartition(":")
    model = (ChannelModel.bursty(args.loss, args.burst, args.seed) if args.burst
             else ChannelModel(loss=args.loss, seed=args.seed))
    model.reorder, model.duplicate = args.reorder, args.duplicate
    UdpRelay((host, int(port)), model, args.port, args.seconds).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
