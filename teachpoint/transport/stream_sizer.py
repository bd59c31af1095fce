"""How many streams the :class:`~teachpoint.transport.download.Downloader` keeps open: sized to the link.

More connections help only while each one is capped below the link (a lossy satellite link caps
one TCP stream at ~200 kbit/s, DESIGN §4); past that they cost a satellite handshake and a server
slot each and bring nothing. The sizer probes and keeps what helped:

1. *settle*: after the stream count changes, wait until every stream has received a body byte
   (connection and request set up), so start-up never counts as growth or as loss;
2. *measure*: goodput (body bytes/s) over ``window_s`` at that count: the baseline;
3. *probe down* first (4 -> 3): one stream fewer; if goodput fell by less than half of one
   stream's share, that stream was not needed: keep the lower count and try one fewer again,
   down to :data:`MIN_STREAMS` (a slow link that two streams fill ends at 3, never having opened
   more than 4); if it fell more, go back up and probe up from there;
4. *probe up*: add half as many streams again (4 -> 6) — or as many again (4 -> 8) when the
   stream removed in step 3 took its whole share with it (each stream is capped on its own, far
   from the link's rate: link (a)) —, at most :data:`MAX_STEP` at once; settle, measure at the new
   count. If goodput grew by nearly (``LINEAR``) what the added streams would bring at the
   baseline's per-stream rate, keep them and double next (up to ``MAX_STEP``: 8 -> 12); if not,
   keep only the streams that did help (baseline count + gain / per-stream rate, rounded: the link
   is full) and hold for ``hold_windows`` windows before probing up again (the link may have
   changed) — by one stream from then on, the hold doubling after each such probe (up to
   ``MAX_HOLD_WINDOWS``). A link that exactly four streams fill sees eight for one window.

*Early verdicts*: a baseline is always measured over the whole ``window_s`` (every judgement
compares against it), but a probe's window may be judged from half of it on (and at least
:data:`EARLY_MIN_TICKS` ticks) when its verdict is already clear beyond the noise of a short
sample. Every stream is silent for a round trip between two pieces (HTTP/1.1, one piece at a time
per connection), so a sample can read low by about one stream's share (:data:`GAP_SLACK`), but
silence never makes it read high: only bytes counted late at the window's start do, a little
(:data:`BURST_SLACK`). So a probe judged failed (a stream missed, growth short of linear) is
judged early only if it would still fail with one share more; one judged passed, only if it
would still pass with a quarter share less; both slacks shrink as the window grows (the same
silence is a smaller part of a longer window). A probe up by one stream always runs the whole
window: whether that stream helped (0.1 share over the threshold) or not (0.9 under) is within
the noise of any short sample, and it comes after the ramp, when there is little to win.
Anything else that is close also waits for the whole window, as before. On link (a) the probe
4 -> 8 is kept after half a window, so the link fills a second sooner; a full link absorbs one
stream's silence (the others take its room), so a verdict there is close to exact. A probe kept
early leaves its shorter sample as the next baseline, as a whole window's does. Checked on a
model link with such silences (tests/test_stream_sizer.py): no early verdict is wrong where its
whole window is right, and the counts settle as often where they should as with whole windows.

*Close verdicts measure on*: a probe whose whole window leaves its verdict within that noise
(failed by less than half a share, passed by less than an eighth; the slacks shrink as the window
grows) is measured for up to :data:`CLOSE_LIMIT` windows before it is judged. The baseline is one
window and noisy too: a baseline read low makes a stream taken away look unneeded (4 -> 3 on a link
that ten fill, then held at three), so a probe down still within the noise at the limit keeps its
stream. On the model link (seeds 0-99, 120 s) this took link (a)'s worst seed from 53 % to 89 % of
the link and settled every seed at 10-12 streams (86 before); the uncapped one at 16 in every seed
(79 before), its worst from 33 % to 84 % (``benchmarks/sizer_model.py``). The price: a close probe
up holds its streams longer, so the median seed fills link (a) 0.5 s of model time later (7.75 s).

Nothing grows while a rate cap is (nearly) reached or when too little is left to fetch
(``can_grow`` is False). Pure logic, no threads or clocks of its own: the downloader's monitor
calls :meth:`tick` every quarter second.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger("teachpoint.transport.download")

START_STREAMS = 4  # several ranged requests in flight from the start (DESIGN §4)
# Never fewer than three: HTTP/1.1 asks for one piece at a time, so each stream is silent for a
# round trip between pieces; with two, that leaves one stream alone, which a satellite link's
# per-connection cap keeps below a link that two fill (link (c): 200 of 256 kbit/s; ~1.6 %
# of the link lost to those gaps, too little for a 2 s window to see).
MIN_STREAMS = 3
GROWTH_KEPT = 0.5  # a stream removed is missed when goodput fell by half of its share
LINEAR = 0.9  # a probe up kept whole when goodput grew by 90 % of what its streams would add
SETTLE_LIMIT_WINDOWS = 3  # stop waiting for a silent stream after this many windows
MAX_HOLD_WINDOWS = 32
MAX_STEP = 4  # streams added by one probe at most (4 -> 8 -> 12 -> 16): a server slot each
EARLY_FRACTION = 0.5  # a probe's window may be judged from this part of window_s on ...
EARLY_MIN_TICKS = 4  # ... and after this many ticks (a 2 s window at 0.25 s ticks: 1 s)
GAP_SLACK = 1.0  # shares a sample over the shortest early window may read low (pieces' gaps)
BURST_SLACK = 0.25  # shares it may read high (bytes counted late at the window's start)
CLOSE_LIMIT = 3.0  # a probe's verdict within the noise is measured for up to this many windows


@dataclass
class _Sample:
    streams: int
    speed: float  # bytes/s


class StreamSizer:
    """The target stream count of one download run; see the module docstring."""

    def __init__(self, max_streams: int, window_s: float, hold_windows: int = 8,
                 judge_early: bool = True, extend_close: bool = True):
        self.max_streams, self.window_s, self.hold_windows = max_streams, window_s, hold_windows
        self.judge_early = judge_early  # False: every window runs its full window_s
        self.extend_close = extend_close  # False: ... and never longer (close verdicts too)
        self._ticks = 0  # ticks since the measuring window began
        self.target = min(START_STREAMS, max_streams)
        self._settling_since: float | None = None  # set when the count changes
        self._mark: tuple[float, int] | None = None  # (time, bytes) the measuring window began
        self._baseline: _Sample | None = None
        self._probing = False
        self._going_down = True  # the first probes remove streams, until one was missed
        self._hold = 0  # windows to wait before the next probe
        self._sized = False  # a probe failed once: from then on probe up by one stream
        self._doubling = False  # the last probe up was linear: the next one doubles

    @property
    def probing_down(self) -> bool:
        """A stream was just taken away to measure without it: it must stop at once (its piece
        cut where it is). Streams that did not help after a probe up may finish their pieces."""
        return self._probing and self._going_down

    def tick(self, now: float, received: int, ready: bool, can_grow: bool) -> int:
        """The target after this tick. ``received``: body bytes so far; ``ready``: every stream
        has received a byte since it started; ``can_grow``: no rate cap reached, work enough left."""
        if self._settling_since is None and self._mark is None:
            self._settling_since = now
        if self._settling_since is not None:
            if not ready and now - self._settling_since < SETTLE_LIMIT_WINDOWS * self.window_s:
                return self.target
            self._settling_since, self._mark = None, (now, received)
            return self.target
        start, before = self._mark
        elapsed = now - start
        self._ticks += 1
        if elapsed <= 0:
            return self.target
        sample = _Sample(self.target, (received - before) / elapsed)
        if elapsed < self.window_s:
            if not (self._probing and self._clear_early(sample, elapsed)):
                return self.target
            log.debug("%d -> %d streams judged after %.2f s of %.2f: %+.2f shares past the threshold",
                      self._baseline.streams, sample.streams, elapsed, self.window_s,
                      self._margin(sample))
        doubt = self._probing and self.extend_close and not self._beyond_noise(sample, elapsed)
        if doubt and elapsed < CLOSE_LIMIT * self.window_s:
            return self.target  # within the noise: measure on
        self._mark, self._ticks = (now, received), 0
        if self._probing:
            self._judge_probe(sample, doubt)
        else:
            self._baseline = sample
        if not self._probing and (can_grow or self._going_down):
            self._maybe_probe()
        return self.target

    def _helped(self, sample: _Sample) -> float:
        """Goodput gained over the baseline, in the baseline's per-stream shares (lost: < 0)."""
        base = self._baseline
        per_stream = base.speed / base.streams if base.streams else 0.0
        return (sample.speed - base.speed) / per_stream if per_stream > 0 else 0.0

    def _margin(self, sample: _Sample) -> float:
        """Shares by which the probe passed (> 0 after a probe down, >= 0 after a probe up) or
        failed (below): a stream removed was not missed / every stream added helped."""
        added = sample.streams - self._baseline.streams
        helped = self._helped(sample)
        return helped + GROWTH_KEPT if added < 0 else helped - LINEAR * added

    def _clear_early(self, sample: _Sample, elapsed: float) -> bool:
        """Whether the probe's verdict after ``elapsed`` s of its window is one no link noise
        could flip: failed by more than one share (a short sample reads low by up to one: the
        round trip each stream is silent between pieces), or passed by more than a quarter share
        (it reads high only by bytes counted late). Both slacks shrink as the window grows."""
        early_s = EARLY_FRACTION * self.window_s
        base = self._baseline
        if (not self.judge_early or self._ticks < EARLY_MIN_TICKS or elapsed < early_s
                or base is None or base.speed <= 0 or not base.streams):
            return False
        if sample.streams == base.streams + 1:  # +0.1 share if it helped, -0.9 if not: too close
            return False
        return self._beyond_noise(sample, elapsed)

    def _beyond_noise(self, sample: _Sample, elapsed: float) -> bool:
        """Whether a probe's sample of ``elapsed`` s failed by more than :data:`GAP_SLACK` shares
        or passed by :data:`BURST_SLACK`, both scaled to the sample's length (half a window: whole)."""
        margin, scale = self._margin(sample), EARLY_FRACTION * self.window_s / elapsed
        return margin >= BURST_SLACK * scale or margin <= -GAP_SLACK * scale

    def _judge_probe(self, sample: _Sample, doubt: bool = False) -> None:
        """Keep the added streams that helped; shrink to those if not all of them did.

        After a probe down (``added`` < 0): keep the lower count if the stream was clearly not
        missed (``doubt``: the verdict was still within the noise after the longest window)."""
        base, added = self._baseline, sample.streams - self._baseline.streams
        helped, margin = self._helped(sample), self._margin(sample)
        self._probing = False
        if added < 0:
            if margin > 0 and not doubt:  # lost less than half a stream's share: not needed
                self._baseline = sample
            else:
                log.debug("%d -> %d streams: %.0f -> %.0f B/s, back up", base.streams,
                          sample.streams, base.speed, sample.speed)
                self._going_down = False
                # The stream took its whole share with it: each stream is capped on its own, far
                # from the link's rate, so the first probe up doubles (else it adds half).
                self._doubling = -helped >= LINEAR
                self._set(base.streams)  # its baseline still holds: probe up from it at once
            return
        if margin >= 0:  # every added stream helped: keep them, grow faster
            log.debug("%d -> %d streams: %.0f -> %.0f B/s, kept", base.streams, sample.streams,
                      base.speed, sample.speed)
            self._baseline, self._doubling = sample, True
            return
        # Some or none helped: keep those that did (the link is full), hold, then probe by one.
        keep = base.streams + max(0, min(added, round(helped)))
        log.debug("%d -> %d streams: %.0f -> %.0f B/s, %d kept", base.streams, sample.streams,
                  base.speed, sample.speed, keep)
        self._set(keep)
        self._baseline, self._hold = None, self.hold_windows
        if self._sized:
            self.hold_windows = min(MAX_HOLD_WINDOWS, 2 * self.hold_windows)
        self._sized = True

    def _maybe_probe(self) -> None:
        """Remove a stream (first) or add streams when the hold is over and the count may change."""
        if self._hold > 0:
            self._hold -= 1
            return
        if self._baseline is None:
            return
        if self._going_down:
            if self.target <= MIN_STREAMS:
                self._going_down, self._hold, self._sized = False, self.hold_windows, True
                return
            self._probing = True
            self._set(self.target - 1)
            return
        if self.target >= self.max_streams:
            return
        step = 1 if self._sized else self.target if self._doubling else max(1, self.target // 2)
        step = min(step, MAX_STEP)
        self._probing = True
        self._set(min(self.max_streams, self.target + step))

    def _set(self, target: int) -> None:
        if target != self.target:
            self.target, self._settling_since, self._mark, self._ticks = target, None, None, 0
