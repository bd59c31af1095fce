"""A shared token bucket that caps the download rate of every stream together (DESIGN §4).

    limiter = RateLimiter(200_000)        # bytes per second for all streams together
    limiter.consume(len(chunk), cancel)   # after each chunk read from the network
    limiter.set_limit(None)               # lift the cap, live (the evening schedule)

Tokens are bytes; the bucket refills at ``limit`` bytes/s and holds at most ``limit * burst_s``
(so an idle minute does not turn into a burst of a minute's worth). A request larger than the
bucket waits until the bucket is full and then drives it into debt, so the long-run rate stays
exact whatever the chunk size. Waiting is done in short sleeps, so a cancel or a new limit takes
effect within ~0.1 s.
"""

from __future__ import annotations

import threading
import time

MAX_SLEEP_S = 0.1  # longest single sleep: bounds the reaction time to cancel / set_limit


class RateLimiter:
    """Shared token bucket in BYTES per second; ``None`` = unlimited. Thread-safe; limit changeable live."""

    def __init__(self, limit_bytes_per_s: float | None = None, burst_s: float = 0.25):
        if burst_s <= 0:
            raise ValueError("burst_s must be positive")
        self._lock = threading.Lock()
        self._burst_s = float(burst_s)
        self._limit: float | None = None
        self._tokens = 0.0
        self._stamp = time.monotonic()
        self.set_limit(limit_bytes_per_s)
        with self._lock:
            self._tokens = self._capacity()

    @property
    def limit(self) -> float | None:
        """Current cap in bytes per second, or None for unlimited."""
        return self._limit

    def set_limit(self, limit_bytes_per_s: float | None) -> None:
        """Change the cap (None lifts it); waiting callers pick up the new rate at once."""
        if limit_bytes_per_s is not None and not limit_bytes_per_s > 0:
            raise ValueError(f"a rate limit must be positive or None, not {limit_bytes_per_s!r}")
        with self._lock:
            self._refill(time.monotonic())
            self._limit = None if limit_bytes_per_s is None else float(limit_bytes_per_s)
            self._tokens = min(self._tokens, self._capacity())

    def _capacity(self) -> float:
        return 0.0 if self._limit is None else max(1.0, self._limit * self._burst_s)

    def _refill(self, now: float) -> None:
        """Add the tokens earned since the last call (caller holds the lock)."""
        if self._limit is not None:
            self._tokens = min(self._capacity(), self._tokens + (now - self._stamp) * self._limit)
        self._stamp = now

    def consume(self, n: int, cancel=None) -> None:
        """Block until ``n`` bytes may pass; returns early (without charging) if ``cancel.is_set()``."""
        if n <= 0:
            return
        while True:
            if cancel is not None and cancel.is_set():
                return
            with self._lock:
                now = time.monotonic()
                self._refill(now)
                if self._limit is None:
                    return
                need = min(float(n), self._capacity())
                if self._tokens >= need:
                    self._tokens -= n  # may go negative for n > capacity: later callers repay it
                    return
                wait = (need - self._tokens) / self._limit
            time.sleep(min(max(wait, 0.001), MAX_SLEEP_S))
