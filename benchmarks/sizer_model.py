"""The stream sizer's policy on a model link with a real link's noise, over many seeds.

    .venv/bin/python benchmarks/sizer_model.py                  # 100 seeds, 120 s and 600 s
    .venv/bin/python benchmarks/sizer_model.py --seeds 40 --seconds 120

No network and no clock: :class:`teachpoint.testing.link_models.GappyLink` (each stream silent
for a round trip after every 256 KB piece, pieces staggered by the seed; a new connection silent
for two) driven by the downloader's window and tick, in model time. Which seeds go astray depends
only on where the silences fall, so the figures are exact for a seed and say how often the policy
misjudges a link, not how fast this machine is. For each link and span it prints the share of
what the link can carry that arrived (mean, 10th percentile, worst seed), how many seeds settled
at the counts that fill the link (and the range of counts all seeds settled at), and when the
link was first full (median).

Peers in the same run, the same seeds: the policy as it was before close verdicts measured on
(``extend_close=False``: session 6) and with whole windows only (no early verdicts either:
session 5). Links (``LINKS``): (a) 2 Mbit/s that ten 200 kbit/s streams fill, (c) 256 kbit/s
(two fill it; three cover the round trips), and an uncapped link where sixteen capped streams
(the maximum) are best.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teachpoint.testing.link_models import LINKS, TICK, GappyLink, drive  # noqa: E402
from teachpoint.transport.download import ADAPT_S  # noqa: E402

MAX_STREAMS = 16
POLICIES = {"now": {}, "one window (s6)": {"extend_close": False},
            "whole windows (s5)": {"extend_close": False, "judge_early": False}}
FILLED = {"a": (10, 12), "c": (3, 3), "uncapped": (16, 16)}  # counts that fill each link


def settled(targets: list[int]) -> int:
    """The count held most of the second half (re-probes come and go)."""
    return Counter(targets[len(targets) // 2:]).most_common(1)[0][0]


def measure(name: str, seeds: range, seconds: float, policy: dict) -> dict:
    """The figures of one policy on one link over ``seeds``."""
    per_conn, link = LINKS[name]
    can_carry = min(link, MAX_STREAMS * per_conn) * seconds
    low, high = FILLED[name]
    shares, counts, full_at = [], [], []
    for seed in seeds:
        got: list[float] = []
        targets = drive(GappyLink(per_conn, link, seed), max_streams=MAX_STREAMS, seconds=seconds,
                        got=got, window_s=ADAPT_S, **policy)
        shares.append(got[0] / can_carry)
        counts.append(settled(targets))
        full_at.append(next(((i + 1) * TICK for i, t in enumerate(targets) if t >= low), seconds))
    shares.sort()
    return {"mean": statistics.fmean(shares), "p10": shares[len(shares) // 10], "worst": shares[0],
            "settled": sum(low <= c <= high for c in counts), "counts": (min(counts), max(counts)),
            "full": statistics.median(full_at)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--seconds", type=float, nargs="+", default=[120.0, 600.0])
    ap.add_argument("--links", default="a,c,uncapped")
    args = ap.parse_args()
    seeds = range(args.seeds)
    print(f"model links, seeds 0-{args.seeds - 1}, window {ADAPT_S} s, tick {TICK} s, "
          f"at most {MAX_STREAMS} streams")
    print(f"\n{'link':<9}{'span':>6}  {'policy':<20}{'mean':>7}{'p10':>7}{'worst':>7}"
          f"{'settled':>9}{'(range)':>8}{'full at':>9}   vs now (mean / worst)")
    for name in args.links.split(","):
        low, high = FILLED[name]
        for seconds in args.seconds:
            t0 = time.perf_counter()
            rows = {label: measure(name, seeds, seconds, policy) for label, policy in POLICIES.items()}
            now = rows["now"]
            for label, r in rows.items():
                vs = "" if label == "now" else \
                    f"   {now['mean'] / r['mean']:.3f}x / {now['worst'] / r['worst']:.2f}x"
                print(f"{name:<9}{seconds:5.0f}s  {label:<20}{r['mean']:7.1%}{r['p10']:7.1%}"
                      f"{r['worst']:7.1%}{r['settled']:>5}/{len(seeds):<3}"
                      f"{'(%d-%d)' % r['counts']:>8}{r['full']:8.2f}s{vs}")
            print(f"{'':<17}(settled = at {low}-{high} streams, the count held most of the second "
                  f"half; range: of all seeds; {time.perf_counter() - t0:.0f} s to compute)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
