"""Catalogue at scale: build, cold open, browse and search a synthetic 100,000-resource catalogue.

    .venv/bin/python benchmarks/catalogue_scale.py [--resources N] [--queries Q] [--keep PATH]
    .venv/bin/python benchmarks/catalogue_scale.py --install [--resources N] [--keep DIR]

``--install`` times the first metadata install through the pipeline instead (see
benchmarks/catalogue_install.py: goal <= 8 s for 100,000 resources, and how long writers wait).

Builds a file catalogue with realistic Chinese titles across every grade and subject (rows go
straight into ``lessons``/``resources`` in one transaction, then ``index_resources``), then
measures in fresh processes so that nothing is warm that a teacher's PC would not have warm:

* build: insert time and search-index time;
* cold open: ``open_database`` + first browse + first search in a new process;
* browse: one node (grade / subject / edition / volume → units, lessons, resource titles);
* search: p50/p95 for Chinese substrings, full pinyin and initials (≥ 50 queries each);
* peak RSS of each process (``resource.getrusage``).

Goals (DESIGN, issue): browse ≤ 30 ms, search p95 ≤ 50 ms, RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from teachpoint.library import curriculum  # noqa: E402
from teachpoint.library.db import open_database  # noqa: E402

GOAL_BROWSE_MS, GOAL_SEARCH_P95_MS, GOAL_RSS_MB = 30.0, 50.0, 300.0

# Topic words per subject family; a title is a topic plus a lesson-part and a kind suffix.
TOPICS = {
    "语文": "春天来了 小马过河 乌鸦喝水 司马光 静夜思 咏柳 荷花 秋天的雨 坐井观天 小蝌蚪找妈妈 "
    "曹冲称象 找春天 雷锋叔叔你在哪里 日月潭 葡萄沟 大青树下的小学 美丽的小兴安岭 富饶的西沙群岛 "
    "草船借箭 景阳冈 猴王出世 少年闰土 桥 穷人 背影 春 济南的冬天 从百草园到三味书屋 孔乙己 "
    "故乡 岳阳楼记 醉翁亭记 出师表 沁园春雪 荷塘月色 劝学 师说 赤壁赋 雨巷".split(),
    "数学": "认识图形 10以内的加法 认识钟表 两位数加减法 表内乘法 认识时间 万以内的加法 认识分数 "
    "长方形和正方形 小数的意义 三角形 多边形的面积 因数与倍数 分数的加法和减法 圆的面积 "
    "比和比例 百分数 负数 有理数 一元一次方程 相交线与平行线 实数 平面直角坐标系 二元一次方程组 "
    "不等式 全等三角形 勾股定理 一次函数 二次函数 相似三角形 锐角三角函数 集合 函数的概念 "
    "指数函数 对数函数 三角恒等变换 平面向量 复数 立体几何初步 概率 数列 导数".split(),
    "英语": "Hello Colours Animals My family My school Numbers Fruit Weather Clothes At the zoo "
    "Shopping My day Seasons Festivals Hobbies Travel Healthy food Sports Friendship "
    "Life in the future Environment Great inventions".split(),
    "音乐": "小星星 两只老虎 欢乐颂 茉莉花 彩色的中国 我是草原小牧民 龙咚锵 让我们荡起双桨 "
    "歌唱祖国 卢沟谣 黄河大合唱 春江花月夜 二泉映月 梁祝 京剧唱腔 民族乐器 节奏练习 竖笛入门".split(),
    "美术": "认识颜色 线条的魅力 有趣的拼贴 剪纸 泥塑 民间玩具 水墨游戏 色彩的冷暖 设计标志 "
    "中国画 版画 书法入门 建筑艺术 传统纹样 手工折纸 写生".split(),
    "科学": "植物的一生 动物的生命周期 水的三态 声音的产生 光的传播 电路 磁铁 天气 岩石与土壤 "
    "地球与宇宙 简单机械 物质的变化 力和运动 生物的多样性 微生物".split(),
    "物理": "机械运动 声现象 光现象 透镜 质量与密度 力 运动和力 压强 浮力 功和机械能 简单机械 "
    "内能 电流和电路 欧姆定律 电功率 电与磁 牛顿运动定律 曲线运动 万有引力 动量 电场 磁场 "
    "电磁感应 热学 光学 原子物理".split(),
    "化学": "走进化学世界 空气 氧气 水的组成 碳和碳的氧化物 燃料 金属 溶液 酸和碱 盐 化肥 "
    "物质的量 离子反应 氧化还原反应 元素周期律 化学键 化学反应速率 有机化合物".split(),
    "生物学": "细胞 植物体的结构 光合作用 呼吸作用 人体的营养 血液循环 神经调节 遗传与变异 "
    "生物的进化 生态系统 细胞的分子组成 酶 细胞的增殖 基因的表达 免疫调节".split(),
    "历史": "中国境内早期人类 夏商周 秦统一中国 汉朝 三国两晋南北朝 隋唐 宋元 明清 鸦片战争 "
    "辛亥革命 五四运动 抗日战争 新中国成立 改革开放 古代埃及 文艺复兴 工业革命".split(),
    "地理": "地球和地图 陆地和海洋 天气与气候 居民与聚落 中国的疆域 中国的地形 河流 自然资源 "
    "北方地区 南方地区 西北地区 青藏地区 大气环境 水循环 地貌 人口 城镇化 区域发展".split(),
    "道德与法治": "我上学了 我们的班级 爱护环境 家庭生活 我们的公共生活 法律保护我们 少年有梦 "
    "友谊的天空 师长情谊 生命的思考 遵守社会规则 宪法 富强与创新 民主与法治".split(),
    "思想政治": "中国特色社会主义 经济与社会 政治与法治 哲学与文化 当代国际政治与经济 逻辑与思维".split(),
    "体育与健康": "队列队形 跑 跳绳 立定跳远 投掷 篮球 足球 排球 武术 广播体操 游泳 健康生活方式".split(),
}
GENERIC_TOPICS = "认识与体验 探究活动 设计与制作 项目学习 作品欣赏 安全教育 主题活动 实践探索".split()
PARTS = ["", "（第一课时）", "（第二课时）", "（第三课时）", "练习", "复习"]
KINDS = [("video", "微课"), ("slides", "课件"), ("document", "教学设计"), ("document", "课后练习")]
EDITIONS = {"语文": "统编版", "道德与法治": "统编版", "历史": "统编版", "音乐": "人音版", "美术": "人美版",
            "英语": "外研版"}
SENTENCES = ["本课时通过情境导入激发学生兴趣。", "引导学生自主探究、合作交流。", "配有课堂练习和拓展阅读。",
             "适合教学点复式班使用。", "视频讲解清晰，便于学生跟读。", "教师可暂停组织讨论。"]


def plan(n_resources: int, seed: int = 7):
    """Yield (lesson row, [resource rows]) until ``n_resources`` resources are planned."""
    rng = random.Random(seed)
    combos = [(g, s) for g in curriculum.GRADES for s in curriculum.subjects_for_grade(g)]
    per_combo = -(-n_resources // len(combos))
    made, lesson_id = 0, 0
    for grade, subject in combos:
        topics = TOPICS.get(subject, GENERIC_TOPICS)
        editions = [EDITIONS.get(subject, "人教版"), "北师大版" if subject != "语文" else "苏教版"]
        volumes = ["上册", "下册"] if grade <= 9 else ["必修第一册", "必修第二册"]
        count = 0
        for edition in editions:
            for volume in volumes:
                for unit_no in range(1, 9):
                    unit = f"第{'一二三四五六七八'[unit_no - 1]}单元 {rng.choice(topics)}"
                    for lesson_no in range(1, 6):
                        if count >= per_combo or made >= n_resources:
                            break
                        lesson_id += 1
                        lesson = (lesson_id, grade, subject, edition, volume, unit, unit_no, lesson_no)
                        rows = []
                        for sort_key in range(min(3, per_combo - count, n_resources - made)):
                            topic = rng.choice(topics)
                            kind, suffix = KINDS[(lesson_no + sort_key) % len(KINDS)]
                            title = f"{topic}{rng.choice(PARTS)} {suffix}"
                            desc = (f"{curriculum.grade_name(grade)}{subject}{volume}：{topic}。"
                                    + "".join(rng.sample(SENTENCES, 2)))
                            rows.append((f"bench:{made:06d}", "bench", lesson_id, kind, title, desc,
                                         f"{topic};{subject};{suffix}", 600.0 if kind == "video" else None,
                                         "zh", 1, sort_key))
                            made += 1
                            count += 1
                        yield lesson, rows


# --- phases (each runs in its own process and prints one JSON object) ---------------------------

def rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_build(path: Path, n: int) -> dict:
    """Create the catalogue: bulk insert in one transaction, then build the search index."""
    from teachpoint.library.search import index_resources

    t0 = time.perf_counter()
    db = open_database(path).db
    conn = db.conn
    lessons, resources, files, blobs = [], [], [], []
    for lesson, rows in plan(n):
        lessons.append(lesson)
        resources.extend(rows)
    for i, row in enumerate(resources):
        sha = f"{i:064x}"
        files.append((row[0], "main", sha, 50_000_000, "video/mp4", "", f"{i}.mp4"))
        if i % 3 == 0:  # a third of the catalogue is downloaded
            blobs.append((sha, 50_000_000, "present", "2025-09-01T08:00:00Z"))
    t1 = time.perf_counter()
    with conn:
        conn.execute("INSERT INTO repositories (id, title, key_id, version, root_sha256, published_at,"
                     " expires_at, accepted_at) VALUES ('bench', '基准', 'k', 1, '0', '', '', '')")
        conn.executemany("INSERT INTO lessons (id, grade, subject, edition, volume, unit, unit_order,"
                         " lesson) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", lessons)
        conn.executemany("INSERT INTO resources (id, repo_id, lesson_id, kind, title, description, keywords,"
                         " duration, language, repo_version, sort_key) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         resources)
        conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", files)
        conn.executemany("INSERT INTO blobs (sha256, size, state, stored_at) VALUES (?, ?, ?, ?)", blobs)
    t2 = time.perf_counter()
    indexed = index_resources(db)
    t3 = time.perf_counter()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    return {"resources": len(resources), "lessons": len(lessons), "indexed": indexed,
            "generate_s": t1 - t0, "insert_s": t2 - t1, "index_s": t3 - t2,
            "size_mb": path.stat().st_size / 1e6, "rss_mb": rss_mb()}


BROWSE_SQL = """
    SELECT l.unit, l.lesson, r.id, r.title, r.kind, r.duration,
           (SELECT CASE WHEN SUM(b.state = 'damaged') > 0 THEN 'damaged'
                        WHEN SUM(b.sha256 IS NULL) > 0 THEN 'not_downloaded' ELSE 'installed' END
            FROM files f LEFT JOIN blobs b ON b.sha256 = f.sha256
            WHERE f.resource_id = r.id AND f.role IN ('main', 'subtitle')) AS state
    FROM lessons l JOIN resources r ON r.lesson_id = l.id
    WHERE l.grade = ? AND l.subject = ? AND l.edition = ? AND l.volume = ?
    ORDER BY l.unit_order, l.unit, l.lesson, r.sort_key, r.id"""
EDITIONS_SQL = "SELECT DISTINCT edition, volume FROM lessons WHERE grade = ? AND subject = ? ORDER BY 1, 2"


def browse(conn, grade: int, subject: str) -> int:
    """One tree node as a UI would show it: editions/volumes, then the first volume's lessons."""
    edition, volume = conn.execute(EDITIONS_SQL, (grade, subject)).fetchone()
    return len(conn.execute(BROWSE_SQL, (grade, subject, edition, volume)).fetchall())


def queries(count: int, seed: int = 11) -> dict[str, list[str]]:
    """Search queries people type: Chinese words and fragments, full pinyin, initials, the first
    keystroke of search-as-you-type, and Chinese words with a grade filter (``word|grade``)."""
    from teachpoint.library.search import pinyin_forms

    rng = random.Random(seed)
    words = [w for topics in TOPICS.values() for w in topics if not w.isascii()] + GENERIC_TOPICS
    chinese, pinyin, initials, first = [], [], [], []
    while len(chinese) < count:
        word = rng.choice(words)
        if rng.random() < 0.4 and len(word) > 2:  # a fragment, as people type part of a title
            start = rng.randrange(len(word) - 1)
            word = word[start:start + rng.choice((2, 3))]
        full, initial = pinyin_forms(word)
        chinese.append(word)
        pinyin.append(full if rng.random() < 0.7 else " ".join(re.findall(r"[a-z]+", full)) or full)
        initials.append(initial.upper() if rng.random() < 0.3 else initial)
        first.append(word[0] if rng.random() < 0.5 else initial[0])
    return {"chinese": chinese, "pinyin": pinyin, "initials": initials, "first keystroke": first,
            "chinese + grade": [f"{q}|{rng.choice(list(curriculum.GRADES))}" for q in chinese]}


def phase_cold(path: Path) -> dict:
    """A fresh process: import search (pypinyin loads its dictionaries), open the catalogue,
    browse one node, run one search."""
    t = time.perf_counter()
    from teachpoint.library.search import search

    t0 = time.perf_counter()
    db = open_database(path).db
    t1 = time.perf_counter()
    browse(db.conn, 3, "数学")
    t2 = time.perf_counter()
    search(db, "小马过河")
    t3 = time.perf_counter()
    return {"import_ms": (t0 - t) * 1e3, "open_ms": (t1 - t0) * 1e3, "first_browse_ms": (t2 - t1) * 1e3,
            "first_search_ms": (t3 - t2) * 1e3, "rss_mb": rss_mb()}


def phase_warm(path: Path, count: int) -> dict:
    """Browse many nodes and run every query kind; wall and CPU milliseconds per operation."""
    from teachpoint.library.search import search

    db = open_database(path).db
    nodes = [(g, s) for g in curriculum.GRADES for s in curriculum.subjects_for_grade(g)]
    timings: dict[str, list[tuple[float, float]]] = {"browse": []}
    hits: dict[str, list[int]] = {}
    for grade, subject in random.Random(3).sample(nodes, min(count, len(nodes))):
        timings["browse"].append(timed(browse, db.conn, grade, subject)[1])
    for kind, qs in queries(count).items():
        timings[kind], hits[kind] = [], []
        for q in qs:
            text, _, grade = q.partition("|")
            found, cost = timed(search, db, text, grade=grade or None)
            timings[kind].append(cost)
            hits[kind].append(len(found))
    return {"timings": timings, "hits": {k: statistics.mean(v) for k, v in hits.items()},
            "rss_mb": rss_mb()}


def timed(fn, *args, **kwargs):
    """``fn``'s result and its (wall, CPU) cost in milliseconds."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = fn(*args, **kwargs)
    return result, ((time.perf_counter() - wall) * 1e3, (time.thread_time() - cpu) * 1e3)


# --- driver -----------------------------------------------------------------------------------

def run_phase(*args: str) -> dict:
    """Run this file with ``--phase …`` in a fresh interpreter and return its JSON."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def report(n: int, build: dict, cold: dict, warm: dict) -> None:
    """Print the figures and the comparison with the goals."""
    def verdict(value: float, goal: float) -> str:
        return "ok" if value <= goal else "OVER"

    print(f"\nCatalogue at scale: {build['resources']:,} resources in {build['lessons']:,} lessons, "
          f"SQLite {__import__('sqlite3').sqlite_version}, file {build['size_mb']:.0f} MB")
    print(f"  build: generate {build['generate_s']:.1f} s, insert {build['insert_s']:.1f} s "
          f"(one transaction), search index {build['index_s']:.1f} s; peak RSS {build['rss_mb']:.0f} MB")
    print(f"  cold process: import search {cold['import_ms']:.0f} ms, open {cold['open_ms']:.1f} ms, "
          f"first browse {cold['first_browse_ms']:.1f} ms, first search {cold['first_search_ms']:.1f} ms; "
          f"peak RSS {cold['rss_mb']:.0f} MB")
    print(f"\n  {'operation':<24}{'n':>4}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'p95 CPU':>9}"
          f"{'hits':>6}  goal (p95 wall)")
    for kind, costs in warm["timings"].items():
        goal = GOAL_BROWSE_MS if kind == "browse" else GOAL_SEARCH_P95_MS
        walls, cpus = [w for w, _ in costs], [c for _, c in costs]
        hits = warm["hits"].get(kind)
        print(f"  {('browse node' if kind == 'browse' else 'search ' + kind):<24}{len(walls):>4}"
              f"{pct(walls, 50):>8.1f}{pct(walls, 95):>8.1f}{max(walls):>8.1f}{pct(cpus, 95):>9.1f}"
              f"{(f'{hits:.0f}' if hits is not None else '-'):>6}  ≤ {goal:.0f} ms: "
              f"{verdict(pct(walls, 95), goal)}")
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > cores:
        print(f"  note: load average {load:.1f} on {cores} CPUs — wall times include waiting for other "
              f"processes; the CPU column is what the work itself cost")
    rss = max(build["rss_mb"], cold["rss_mb"], warm["rss_mb"])
    print(f"\n  peak RSS: build {build['rss_mb']:.0f} MB, browse+search {warm['rss_mb']:.0f} MB "
          f"(goal ≤ {GOAL_RSS_MB:.0f} MB: {verdict(rss, GOAL_RSS_MB)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60, help="queries per kind (≥ 50 recommended)")
    parser.add_argument("--keep", type=Path, help="build the catalogue here and keep it")
    parser.add_argument("--install", action="store_true",
                        help="instead: time the first metadata install of --resources from a local "
                             "folder through the pipeline (benchmarks/catalogue_install.py)")
    parser.add_argument("--phase", choices=("build", "cold", "warm"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.install:
        import catalogue_install

        raise SystemExit(catalogue_install.main(["--resources", str(args.resources)]
                                                + (["--keep", str(args.keep)] if args.keep else [])))
    if args.phase:
        result = {"build": lambda: phase_build(args.db, args.resources),
                  "cold": lambda: phase_cold(args.db),
                  "warm": lambda: phase_warm(args.db, args.queries)}[args.phase]()
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="tp-bench-") as tmp:
        path = args.keep or Path(tmp) / "catalogue.sqlite"
        if path.exists():
            sys.exit(f"{path} exists; remove it or choose another --keep path")
        print(f"building {args.resources:,} resources in {path} …", flush=True)
        build = run_phase("--phase", "build", "--db", str(path), "--resources", str(args.resources))
        cold = run_phase("--phase", "cold", "--db", str(path))
        warm = run_phase("--phase", "warm", "--db", str(path), "--queries", str(args.queries))
        report(args.resources, build, cold, warm)


if __name__ == "__main__":
    main()
