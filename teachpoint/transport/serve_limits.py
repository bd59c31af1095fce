"""How many connections ``teachpoint serve`` takes, and how it says that it refused some.

A classroom PC serving its lessons must not be tied up by one client (a broken download tool
opening hundreds of connections, a scanner): connections are counted in all and per client
address, and a connection over either cap is answered ``503`` with ``Retry-After`` (which
TeachPoint's own clients honour). Refusals come in floods, so they are logged sparingly: the first
at INFO, then at most one INFO line per ``note_every_s`` that counts the ones in between (each
one is still logged at DEBUG).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

log = logging.getLogger("teachpoint.transport.serve")

NOTE_EVERY_S = 60.0


class ConnectionLimits:
    """Counts open connections (in all, per address) and logs refusals at a bounded rate."""

    def __init__(self, total: int, per_address: int, note_every_s: float = NOTE_EVERY_S):
        if total < 1 or per_address < 1:
            raise ValueError("connection limits must be at least 1")
        self.total, self.per_address, self.note_every_s = total, per_address, note_every_s
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._last_note = -float("inf")
        self._unsaid = 0

    def admit(self, address: str) -> str | None:
        """Count a new connection from ``address``; None if admitted, else why it is refused."""
        with self._lock:
            if sum(self._open.values()) >= self.total:
                return f"busy: {self.total} connections open"
            if self._open[address] >= self.per_address:
                return f"{self.per_address} connections already open from this address"
            self._open[address] += 1
            return None

    def release(self, address: str) -> None:
        """A connection admitted from ``address`` has ended."""
        with self._lock:
            self._open[address] -= 1
            if self._open[address] <= 0:
                del self._open[address]

    def open_count(self, address: str | None = None) -> int:
        """Connections open now, in all or from one address."""
        with self._lock:
            return self._open[address] if address is not None else sum(self._open.values())

    def refused(self, address: str, why: str) -> None:
        """Log a refused or cut-off connection: INFO at most once per ``note_every_s``."""
        now = time.monotonic()
        with self._lock:
            say = now - self._last_note >= self.note_every_s
            if say:
                unsaid, self._unsaid, self._last_note = self._unsaid, 0, now
            else:
                self._unsaid += 1
        if say:
            more = f" ({unsaid} more refused since the last note)" if unsaid else ""
            log.info("refusing %s: %s%s", address, why[:200], more)
        else:
            log.debug("refusing %s: %s", address, why[:200])
