"""A thread that drains the receiver's UDP socket into a bounded queue.

A broadcast never waits: datagrams that arrive while the receiver decodes an object or imports
through the pipeline would overflow the kernel's socket buffer (~0.5 s at 8 Mbit/s with a 4 MiB
buffer) and be lost. This thread only reads; the queue (:data:`MAX_QUEUED` datagrams, ~28 MB at
most) absorbs stalls of tens of seconds at satellite rates. When even that is full, datagrams are
dropped and counted.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading

from teachpoint.transport.broadcast_packet import MAX_DATAGRAM

log = logging.getLogger(__name__)

MAX_QUEUED = 20_000


class DatagramReader:
    """``with DatagramReader(sock) as reader: reader.get(timeout)``; stops on exit."""

    def __init__(self, sock: socket.socket, max_queued: int = MAX_QUEUED):
        self.sock = sock
        self.queue: queue.Queue[bytes] = queue.Queue(max_queued)
        self.dropped = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="broadcast-reader", daemon=True)

    def __enter__(self) -> "DatagramReader":
        self.sock.settimeout(0.2)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(MAX_DATAGRAM + 1)
            except socket.timeout:
                continue
            except OSError as exc:
                if self._stop.is_set():
                    return
                log.warning("broadcast: receive failed: %s", exc)
                self._stop.wait(0.2)
                continue
            try:
                self.queue.put_nowait(data)
            except queue.Full:
                self.dropped += 1

    def get(self, timeout: float) -> bytes | None:
        """The next datagram, or None after ``timeout`` seconds without one."""
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def leftovers(self) -> list[bytes]:
        """What was queued when reading stopped (call after exit)."""
        out = []
        while True:
            try:
                out.append(self.queue.get_nowait())
            except queue.Empty:
                return out
