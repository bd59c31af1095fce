"""How much metadata an update costs a client: 100,000 resources, then +1 and 1,000 changed.

Publishes a synthetic repository (tiny text blobs; realistic Chinese titles across all grades
and subjects) with the real publisher, installs it metadata-only into a real client workspace, then
republishes after adding one lesson and after changing 1,000 lessons, and measures the bytes the
client reads to catch up (root + changed nodes) against a full metadata download.

    .venv/bin/python benchmarks/metadata_delta.py [--resources 100000]

Goal (DESIGN §3): +1 lesson in a 100k catalogue costs <= 64 KB of metadata on the wire.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teachpoint.library import curriculum  # noqa: E402
from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.repo import keys  # noqa: E402
from teachpoint.publish.publisher import publish  # noqa: E402
from teachpoint.transport.sources import FolderSource  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402

WORDS = ("春天 小马 过河 认识 分数 时间 长方形 面积 古诗 两首 静夜思 乘法 口诀 植物 动物 地球 "
         "太阳 月亮 声音 光 电 水 空气 中国 长城 黄河 音乐 歌唱 祖国 美丽 家乡 朋友 礼貌 安全 "
         "劳动 节约 环境 保护 实验 观察 测量 图形 方程 函数 英语 字母 单词 对话 故事 诗歌").split()
HEADER = "文件,标题,年级,学科,版本,册,单元,课次,类型,简介,关键词\n"


def make_rows(n: int, rng: random.Random) -> list[list[str]]:
    rows, i = [], 0
    while i < n:  # more rows than one edition holds: units go on being numbered
        for grade in range(1, 13):
            for subject in curriculum.subjects_for_grade(grade)[:14]:
                for volume in ("上册", "下册"):
                    for unit in range(1 + i // 40000 * 8, 9 + i // 40000 * 8):
                        for lesson in range(1, 5):
                            if i >= n:
                                return rows
                            title = "".join(rng.sample(WORDS, 2)) + f"（{lesson}）"
                            rows.append([f"f/{i % 100}/{i}.txt", title, curriculum.grade_name(grade),
                                         subject, "人教版", volume, f"第{unit}单元", str(lesson),
                                         "document", "简介" + title, ";".join(rng.sample(WORDS, 2))])
                            i += 1
    return rows


def write_source(src: Path, rows: list[list[str]]) -> None:
    for row in rows:
        path = src / row[0]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{row[1]}\n", encoding="utf-8")
    text = HEADER + "".join(",".join(r) + "\n" for r in rows)
    (src / "catalogue.csv").write_text(text, encoding="utf-8")


def meta_bytes(repo: Path) -> int:
    return (repo / "root.json").stat().st_size + sum(
        p.stat().st_size for p in (repo / "meta").iterdir())


def timed_publish(src, key, repo):
    start = time.perf_counter()
    report = publish(src, key, repo, name="bench", progress=lambda *_: None)
    return report, time.perf_counter() - start


def catch_up(ws, repo) -> tuple[int, float]:
    start = time.perf_counter()
    report = ws.install(FolderSource(repo), blobs=False)
    return report.metadata_bytes, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=1_000)
    args = parser.parse_args()
    rng = random.Random(20261122)
    with tempfile.TemporaryDirectory(prefix="tp-bench-") as tmp:
        tmp = Path(tmp)
        src, repo = tmp / "src", tmp / "repo"
        pair = keys.generate_keypair(tmp / "bench")
        rows = make_rows(args.resources, rng)
        write_source(src, rows)
        rep1, t1 = timed_publish(src, pair.private_path, repo)
        full = meta_bytes(repo)
        ws = Workspace(DataPaths(tmp / "client", explicit=True), install_demo=False)
        ws.trust.add(pair.public_path)
        first_bytes, t_first = catch_up(ws, repo)

        rows.append(["f/new.txt", "新增的一课", "三年级", "音乐", "人音版", "上册", "第2单元", "9",
                     "document", "", ""])
        write_source(src, rows)
        rep2, t2 = timed_publish(src, pair.private_path, repo)
        one_bytes, t_one = catch_up(ws, repo)

        for row in rng.sample(rows, args.changed):
            row[1] = row[1] + "（修订）"
        write_source(src, rows)
        rep3, t3 = timed_publish(src, pair.private_path, repo)
        many_bytes, t_many = catch_up(ws, repo)
        ws.close()

    kb = lambda n: f"{n / 1024:,.1f} KB"  # noqa: E731
    print(f"\nmetadata_delta: {args.resources:,} resources, one client catching up each time\n")
    print(f"{'step':<34}{'publish s':>10}{'client reads':>16}{'client s':>10}{'vs full':>9}")
    print(f"{'first publish, full download':<34}{t1:>10.1f}{kb(first_bytes):>16}{t_first:>10.1f}"
          f"{first_bytes / full:>9.1%}")
    print(f"{'+1 lesson':<34}{t2:>10.1f}{kb(one_bytes):>16}{t_one:>10.2f}{one_bytes / full:>9.2%}")
    print(f"{f'{args.changed:,} lessons changed':<34}{t3:>10.1f}{kb(many_bytes):>16}{t_many:>10.2f}"
          f"{many_bytes / full:>9.1%}")
    print(f"\nfull metadata (root + all nodes): {kb(full)} in {rep1.new_meta_files:,} nodes")
    print(f"goal: +1 lesson <= 64 KB -> {'MET' if one_bytes <= 64 * 1024 else 'MISSED'} "
          f"({kb(one_bytes)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
