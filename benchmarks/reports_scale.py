"""County-scale usage reports: collect, database size, the county page, its queries.

    .venv/bin/python benchmarks/reports_scale.py [--pcs 10000] [--days 200] [--days-per-report 20]
                                                 [--no-duckdb] [--keep PATH]

Writes really signed synthetic reports (teachpoint.testing.synthetic_reports: each PC its own
Ed25519 key, ~6 records per school day) into a folder, then measures:

* ``teachpoint reports collect`` (the real code: bounded read, signature check, key pinning, one
  SQLite transaction per report): records/s, against two peers in the same run —
  "sqlite ceiling": the same rows bulk-inserted with executemany in one transaction, no reading,
  no verification; and "duckdb": the same verified reports merged into DuckDB with the same
  per-report upsert transaction (the alternative store the issue asks to measure);
* the county database's size;
* ``reports html`` (dashboard + page) wall time, and the p95 of the page's queries over 5 runs;
  the same two heavy page queries in DuckDB for comparison.

Goals (issue 14): collect ≥ 100,000 records/s; the page in ≤ 10 s.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teachpoint.library import county  # noqa: E402
from teachpoint.reports import dashboard  # noqa: E402
from teachpoint.reports import format as fmt  # noqa: E402
from teachpoint.reports.collect import collect  # noqa: E402
from teachpoint.reports.page import write_page  # noqa: E402
from teachpoint.testing.synthetic_reports import make_pcs, school_days, write_reports  # noqa: E402


def goal(label: str, ok: bool) -> str:
    return f"{label}: {'MET' if ok else 'MISSED'}"


def sqlite_ceiling(reports_dir: Path, db: Path) -> tuple[float, int]:
    """Bulk-insert every record (already parsed, unverified) in one transaction: the floor of cost."""
    rows, lesson_ids, pc_ids = [], {}, {}
    for path in sorted(reports_dir.iterdir()):
        rep = fmt.decode(path.read_bytes())
        pc = pc_ids.setdefault(rep.pc_id, len(pc_ids) + 1)
        for r in rep.records:
            rows.append((pc, county.day_number(r[0]), lesson_ids.setdefault(r[1], len(lesson_ids) + 1),
                         r[5], r[6], r[7], rep.seq))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute([s for s in county.SCHEMA if "CREATE TABLE usage" in s][0])
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO usage VALUES (?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, len(rows)


DUCK_SCHEMA = """CREATE TABLE usage (pc INTEGER, day INTEGER, lesson INTEGER, started INTEGER,
    played_s INTEGER, finished INTEGER, seq INTEGER, PRIMARY KEY (pc, day, lesson));
    CREATE TABLE lessons (id INTEGER PRIMARY KEY, resource_id TEXT UNIQUE, grade INTEGER, subject TEXT);"""


def duckdb_merge(reports_dir: Path, db: Path) -> tuple[float, int, object] | None:
    """The same verified reports merged into DuckDB, one upsert transaction per report."""
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect(str(db))
    con.execute(DUCK_SCHEMA)
    pcs, lessons, records = {}, {}, 0
    started = time.perf_counter()
    for path in sorted(reports_dir.iterdir()):
        rep = fmt.decode(fmt.read_bounded(path))
        pc = pcs.setdefault(rep.pc_id, len(pcs) + 1)
        new = [(lessons.setdefault(r[1], len(lessons) + 1), r[1], r[2], r[3]) for r in rep.records
               if r[1] not in lessons]
        con.execute("BEGIN")
        for lesson in new:
            con.execute("INSERT INTO lessons VALUES (?,?,?,?)", lesson)
        if rep.records:
            values = ",".join(["(?,?,?,?,?,?,?)"] * len(rep.records))
            params = [v for r in rep.records for v in (pc, county.day_number(r[0]), lessons[r[1]],
                                                       r[5], r[6], r[7], rep.seq)]
            con.execute(f"INSERT INTO usage VALUES {values} ON CONFLICT (pc, day, lesson) DO UPDATE SET "
                        "started = excluded.started, played_s = excluded.played_s, "
                        "finished = excluded.finished, seq = excluded.seq", params)
        con.execute("COMMIT")
        records += len(rep.records)
    return time.perf_counter() - started, records, con


def duckdb_page_queries(con, first_day: int, last_day: int) -> dict[str, float]:
    """The page's two heavy scans in DuckDB (same shapes as teachpoint.library.county_queries)."""
    out = {}
    started = time.perf_counter()
    con.execute("SELECT (day - 4) // 7 AS week, lesson, SUM(played_s), SUM(started), SUM(finished) "
                "FROM usage WHERE day >= ? GROUP BY week, lesson", [first_day]).fetchall()
    out["weekly_lesson_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    con.execute("SELECT pc, l.grade, l.subject, SUM(played_s) FROM usage u JOIN lessons l ON l.id = u.lesson "
                "WHERE day BETWEEN ? AND ? GROUP BY pc, l.grade, l.subject",
                [last_day - 27, last_day]).fetchall()
    out["school_class_seconds"] = time.perf_counter() - started
    return out


def page_runs(db: Path, out: Path, runs: int = 5) -> tuple[list[float], list[float], dict]:
    """Wall times of ``reports html`` and every query's time, over ``runs`` runs."""
    walls, samples, per_query = [], [], {}
    for _ in range(runs):
        started = time.perf_counter()
        write_page(db, out)
        walls.append(time.perf_counter() - started)
        conn = county.open_county(db)
        data = dashboard.build(conn)
        conn.close()
        for name, secs in data["timings"].items():
            samples.append(secs)
            per_query[name] = max(per_query.get(name, 0.0), secs)
    return walls, samples, per_query


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pcs", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=200)
    ap.add_argument("--days-per-report", type=int, default=20)
    ap.add_argument("--no-duckdb", action="store_true")
    ap.add_argument("--keep", metavar="PATH", help="keep the work folder here")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tp-reports-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    reports_dir = work / "stick" / "_reports"
    try:
        started = time.perf_counter()
        n_reports, n_records = write_reports(reports_dir, make_pcs(args.pcs),
                                             school_days(date(2026, 9, 1), args.days), args.days_per_report)
        print(f"synthetic: {args.pcs} PCs x {args.days} school days = {n_reports} reports, {n_records} "
              f"records ({sum(p.stat().st_size for p in reports_dir.iterdir()) / 1e6:.0f} MB) made in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        db = work / "county.db"
        started = time.perf_counter()
        result = collect([work / "stick"], db, write_acks=False)
        secs = time.perf_counter() - started
        rate = result.records / secs
        print(f"collect (teachpoint): {result.merged} reports, {result.records} records in {secs:.1f} s = "
              f"{rate:,.0f} records/s  [{goal('goal >= 100,000 records/s', rate >= 100_000)}]", flush=True)
        size = sum(p.stat().st_size for p in work.glob("county.db*"))
        print(f"county database: {size / 1e6:.0f} MB ({size / max(1, result.records):.0f} bytes/record)")
        ceil_s, ceil_n = sqlite_ceiling(reports_dir, work / "ceiling.db")
        print(f"peer sqlite ceiling (bulk insert, no read/verify): {ceil_n / ceil_s:,.0f} records/s; "
              f"teachpoint/ceiling = {rate / (ceil_n / ceil_s):.2f}", flush=True)
        walls, samples, per_query = page_runs(db, work / "page.html")
        print(f"reports html: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s "
              f"[{goal('goal <= 10 s', max(walls) <= 10)}]; page {(work / 'page.html').stat().st_size / 1e6:.1f} MB")
        print(f"page queries: p95 {p95(samples) * 1000:.0f} ms over {len(samples)} samples; slowest each: "
              + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(per_query.items(), key=lambda kv: -kv[1])))
        if not args.no_duckdb:
            duck = duckdb_merge(reports_dir, work / "county.duckdb")
            if duck is None:
                print("peer duckdb: not installed (pip install .[bench])")
            else:
                dsecs, drecs, con = duck
                conn = county.open_county(db)
                first, last = conn.execute("SELECT MIN(day), MAX(day) FROM usage").fetchone()
                conn.close()
                q = duckdb_page_queries(con, first, last)
                con.close()
                dsize = (work / "county.duckdb").stat().st_size
                print(f"peer duckdb merge: {drecs / dsecs:,.0f} records/s (teachpoint sqlite/duckdb = "
                      f"{rate / (drecs / dsecs):.2f}); size {dsize / 1e6:.0f} MB; heavy queries "
                      + ", ".join(f"{k} {v * 1000:.0f} ms (sqlite {per_query[k] * 1000:.0f} ms)"
                                  for k, v in q.items()))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
