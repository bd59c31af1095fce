"""Model links for the stream sizer: no network, no clock, model time in ticks of the downloader.

* :class:`SteadyLink`: goodput = min(streams x per-connection cap, link rate); a new stream is
  "ready" (has its first byte) ``startup_ticks`` ticks after any change of the count;
* :class:`GappyLink` adds the noise of a real link: each stream is silent for a round trip after
  every piece (HTTP/1.1, one piece at a time per connection; pieces staggered by a seed) and a new
  connection needs two before its first byte.

:func:`drive` runs a :class:`~teachpoint.transport.stream_sizer.StreamSizer` over one for a span
of model time. Used by tests/test_stream_sizer.py and ``benchmarks/sizer_model.py``; the link
emulator (:mod:`.linkemu`) and nginx check the same policy end to end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from teachpoint.transport.download import TICK_S
from teachpoint.transport.stream_sizer import StreamSizer

TICK = TICK_S  # the downloader's monitor period
KB = 1024
# (per-connection cap, link rate) in bytes/s: link (a) 2 Mbit/s that ten streams fill, link (c)
# 256 kbit/s that two fill, and a link far faster than sixteen streams (each capped).
LINKS = {"a": (25_000, 250_000), "c": (25_000, 32_000), "uncapped": (25_000, 10**9)}


class SteadyLink:
    """Every stream at its cap (the link shared when they exceed it); after any change of the
    count nothing arrives for ``startup_ticks`` ticks, then every stream is ready."""

    def __init__(self, per_conn, link, startup_ticks=1):
        self.per_conn, self.link, self.startup_s = per_conn, link, startup_ticks * TICK
        self.count, self.since = 0, 0.0

    def resize(self, count, now):
        """Change the number of streams at model time ``now``."""
        self.count, self.since = count, now

    def advance(self, now, dt):
        """Body bytes delivered in the ``dt`` s up to ``now``, and whether every stream is ready."""
        ready = now - self.since > self.startup_s
        return (min(self.count * self.per_conn, self.link) * dt if ready else 0.0), ready


@dataclass
class GappyStream:
    """One stream of a :class:`GappyLink`."""

    silent_s: float  # until its next byte (a request, or a handshake and a request, on the way)
    left: float  # bytes left of its piece
    started: bool = False  # has received a byte


class GappyLink:
    """Each stream carries a piece at up to its cap (streams delivering share the link evenly),
    then is silent for ``rtt`` s (the next request); pieces start staggered (seeded). A new
    connection is silent for two round trips (handshake, request) before its first byte; the
    four streams of the start are warm (one round trip). Streams removed stop at once."""

    STEP = 0.01

    def __init__(self, per_conn, link, seed, rtt=0.6, piece=256 * KB):
        self.per_conn, self.link, self.rtt, self.piece = per_conn, link, rtt, piece
        self.rng, self.streams, self.warm = random.Random(seed), [], True

    @property
    def count(self):
        """Streams open now."""
        return len(self.streams)

    def resize(self, count, now):
        """Open new streams (staggered: each is part way into its first piece) or drop the last."""
        while len(self.streams) < count:
            if self.warm:  # part way into a piece: gaps staggered
                self.streams.append(GappyStream(self.rtt, self.rng.uniform(0.05, 1.0) * self.piece))
            else:  # a new connection takes a fresh piece from the queue
                self.streams.append(GappyStream(2 * self.rtt, self.piece))
        del self.streams[count:]
        self.warm = False

    def advance(self, now, dt):
        """Body bytes delivered in the ``dt`` s up to ``now``, and whether every stream has one."""
        total = 0.0
        for _ in range(round(dt / self.STEP)):
            busy = [s for s in self.streams if s.silent_s <= 0]
            rate = min(self.per_conn, self.link / len(busy)) if busy else 0.0
            for s in self.streams:
                if s.silent_s > 0:
                    s.silent_s -= self.STEP
                    continue
                got = min(s.left, rate * self.STEP)
                s.left, s.started, total = s.left - got, True, total + got
                if s.left <= 0:  # the piece is done: silent while the next one is asked for
                    s.silent_s, s.left = self.rtt, self.piece
        return total, all(s.started for s in self.streams)


def drive(model, max_streams=16, seconds=120.0, can_grow=True, seen=None, got=None,
          **sizer_args):
    """Drive a sizer over ``model`` for ``seconds``; return the targets it chose, tick by tick (and
    append ``sizer.probing_down`` to ``seen`` after each tick; the bytes delivered to ``got``)."""
    sizer = StreamSizer(max_streams, **{"window_s": 3.0, **sizer_args})
    received, now, targets = 0.0, 0.0, []
    model.resize(sizer.target, now)
    while now < seconds:
        now += TICK
        received, target = step(sizer, model, received, now, can_grow)
        if seen is not None:
            seen.append(sizer.probing_down)
        targets.append(target)
    if got is not None:
        got.append(received)
    return targets


def step(sizer, model, received, now, can_grow=True):
    """One tick of model time up to ``now``: the bytes, the sizer's tick, its count applied;
    return the bytes received so far and the target."""
    got, ready = model.advance(now, TICK)
    received += got
    target = sizer.tick(now, int(received), ready, can_grow)
    if target != model.count:
        model.resize(target, now)
    return received, target
