"""The stream sizer against a model link: goodput = min(streams x per-connection cap, link rate).

No network and no clock: ticks every 0.25 s of model time; a new stream is "ready" (has its first
byte) one tick after it starts. These pin the policy; tests/test_download.py checks it end to end
through the link emulator and nginx.
"""

from collections import Counter

import pytest

from teachpoint.transport.stream_sizer import StreamSizer

TICK = 0.25


def run(per_conn, link, max_streams=16, seconds=120.0, can_grow=True, startup_ticks=1, seen=None):
    """Drive a sizer for ``seconds``; return the targets it chose, tick by tick (and append
    ``sizer.probing_down`` to ``seen`` after each tick)."""
    sizer = StreamSizer(max_streams, window_s=3.0)
    received, now, targets, current, since = 0.0, 0.0, [], sizer.target, 0.0
    while now < seconds:
        now += TICK
        rate = min(current * per_conn, link) if now - since > startup_ticks * TICK else 0.0
        received += rate * TICK
        ready = now - since > startup_ticks * TICK
        target = sizer.tick(now, int(received), ready, can_grow)
        if seen is not None:
            seen.append(sizer.probing_down)
        if target != current:
            current, since = target, now
        targets.append(target)
    return targets


def settled(targets):
    """The count held most of the second half (re-probes come and go)."""
    return Counter(targets[len(targets) // 2:]).most_common(1)[0][0]


def test_slow_link_that_two_streams_fill_ends_at_three_and_never_opens_more_than_four():
    """Two would fill it, but one of them alone (in the other's round trip between two pieces)
    would not: a third covers those gaps."""
    targets = run(per_conn=25_000, link=32_000)  # link (c): 256 kbit/s, 200 kbit/s per connection
    assert max(targets) <= 4 and settled(targets) == 3


def test_satellite_link_grows_to_what_fills_it_and_no_further():
    targets = run(per_conn=25_000, link=250_000)  # link (a): 2 Mbit/s, 10 streams fill it
    assert settled(targets) == 10 and max(targets) <= 13


def test_uncapped_link_grows_to_the_maximum():
    assert settled(run(per_conn=25_000, link=10**9, max_streams=8)) == 8


def test_connection_start_up_is_not_counted_as_growth_or_loss():
    """Four streams fill this link exactly: the down-probe misses the fourth's whole share, so the
    one probe up doubles (4 -> 8), is judged after the new streams' handshakes and undone."""
    targets = run(per_conn=100_000, link=400_000, max_streams=8, startup_ticks=6)  # 1.5 s handshakes
    assert settled(targets) == 4 and max(targets) <= 8 and targets.count(8) <= 20  # one window


def test_on_a_satellite_link_the_first_probe_up_doubles():
    """Link (a): the stream removed first took its whole share with it, so growth starts by
    doubling (4 -> 8), then by half (8 -> 12): the link is full sooner, never more than 12 open."""
    targets = run(per_conn=25_000, link=250_000)
    grown = [t for i, t in enumerate(targets) if i and t > targets[i - 1]]
    assert grown[:2] == [8, 12] and max(targets) == 12


@pytest.mark.parametrize("link", [32_000, 10**9])
def test_no_growth_while_a_cap_is_reached(link):
    targets = run(per_conn=25_000, link=link, can_grow=False)
    assert max(targets) <= 4


def test_only_a_probe_down_cuts_a_stream_at_once():
    """A stream taken away to measure without it stops at once; streams trimmed after a probe up
    that did not help finish their pieces (the bytes on their way are not thrown away)."""
    probing = []
    targets = run(per_conn=25_000, link=250_000, seen=probing)  # link (a)
    drops = [(a, b, down) for a, b, down in zip(targets, targets[1:], probing[1:]) if b < a]
    assert drops[0] == (4, 3, True)  # the first probe: measured without the fourth, at once
    assert any(a == 12 and not down for a, _, down in drops), drops  # the trim: pieces finish
    assert all(down == (a == 4) for a, _, down in drops), drops
