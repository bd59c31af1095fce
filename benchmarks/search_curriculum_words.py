"""Queries that name a grade or subject (音乐, 三年级音乐, 三年级 音乐) against plain title words, on
the same catalogue in the same process; prints CPU milliseconds and the ratio.

    .venv/bin/python benchmarks/catalogue_scale.py --resources 100000 --keep /tmp/cat100k.sqlite
    .venv/bin/python benchmarks/search_curriculum_words.py /tmp/cat100k.sqlite

The peer is the search people already use (title words such as 小马, 分数): a grade/subject query
lists up to 50 lessons of that grade and subject, so it reads more rows; the goal of every search
stays p95 ≤ 50 ms (benchmarks/catalogue_scale.py).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from teachpoint.library.db import open_database  # noqa: E402
from teachpoint.library.search import search  # noqa: E402

CURRICULUM = ["音乐", "三年级音乐", "三年级 音乐", "初一数学", "语文", "高二 物理", "四年级英语", "美术"]
TITLE_WORDS = ["小马", "过河", "分数", "春天", "有理数", "歌曲", "古诗", "乘法"]
ROUNDS = 8


def cpu_ms(db, queries: list[str]) -> list[float]:
    """CPU milliseconds of each search, ``ROUNDS`` times over ``queries``."""
    costs = []
    for _ in range(ROUNDS):
        for query in queries:
            start = time.thread_time()
            search(db, query)
            costs.append((time.thread_time() - start) * 1e3)
    return costs


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)]


def main(path: str) -> int:
    db = open_database(Path(path)).db
    search(db, "预热")  # pypinyin and the page cache, as after the first keystroke
    ours, peer = cpu_ms(db, CURRICULUM), cpu_ms(db, TITLE_WORDS)
    print(f"grade/subject words: p50 {statistics.median(ours):.1f} ms, p95 {p95(ours):.1f} ms CPU")
    print(f"title words (peer):  p50 {statistics.median(peer):.1f} ms, p95 {p95(peer):.1f} ms CPU")
    print(f"ratio p95: {p95(ours) / p95(peer):.1f}x; goal p95 <= 50 ms: "
          f"{'ok' if p95(ours) <= 50 else 'MISSED'}")
    for query in CURRICULUM:
        print(f"  {query:<10} {len(search(db, query)):>3} hits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
