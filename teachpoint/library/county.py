"""The county's database of usage reports (SQLite, WAL): PCs and their pinned keys, the reports
received (by sequence number), refusals, lessons, and one usage row per PC, day and lesson.

SQLite was chosen over DuckDB by measurement (``benchmarks/reports_scale.py``): merging is many
small upserts in one transaction per report, where SQLite is fast and DuckDB is not; the page's
aggregates over ~10 million rows stay within the goal with SQLite. The county's SQL lives here
(the library owns all SQL); :mod:`teachpoint.reports.collect` decides, this module stores.

Usage rows hold absolute daily values; a row is replaced only by a report with a higher sequence
number (:func:`merge_report`), so replays, duplicates and out-of-order arrival are harmless.
Days are stored as day numbers since 1970-01-01 (:func:`day_number`) to keep 10 M rows small.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections import defaultdict
from datetime import date
from pathlib import Path

from teachpoint.errors import CatalogueError

APPLICATION_ID = 0x54504354  # "TPCT"
SCHEMA = [
    """CREATE TABLE pcs (
        id INTEGER PRIMARY KEY,
        pc_id TEXT NOT NULL UNIQUE,
        key_b64 TEXT NOT NULL,          -- pinned on first sight
        key_id TEXT NOT NULL,
        school TEXT NOT NULL DEFAULT '',
        first_seen TEXT NOT NULL,
        last_report_at TEXT,            -- created_at of the newest report received
        last_received_at TEXT,
        health TEXT NOT NULL DEFAULT '{}',  -- JSON of the newest report's health
        health_seq INTEGER NOT NULL DEFAULT 0,
        first_day INTEGER,              -- the earliest and latest day of its records
        last_day INTEGER
    )""",
    """CREATE TABLE received (
        pc INTEGER NOT NULL REFERENCES pcs(id),
        seq INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        records INTEGER NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (pc, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE refused (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        pc_id TEXT NOT NULL DEFAULT '',
        seq INTEGER,
        kind TEXT NOT NULL,             -- the exception class name
        reason TEXT NOT NULL,
        offered_key_id TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE lessons (
        id INTEGER PRIMARY KEY,
        resource_id TEXT NOT NULL UNIQUE,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE usage (
        pc INTEGER NOT NULL,
        day INTEGER NOT NULL,           -- days since 1970-01-01
        lesson INTEGER NOT NULL,
        started INTEGER NOT NULL,
        played_s INTEGER NOT NULL,
        finished INTEGER NOT NULL,
        seq INTEGER NOT NULL,           -- the report that set these values
        PRIMARY KEY (pc, day, lesson)
    ) WITHOUT ROWID""",
    # Aggregates kept in step by merge_report (the page reads these, never scans usage).
    """CREATE TABLE week_lesson (
        week INTEGER NOT NULL,          -- (day - 4) / 7: weeks from a Monday
        lesson INTEGER NOT NULL,
        played_s INTEGER NOT NULL, started INTEGER NOT NULL, finished INTEGER NOT NULL,
        PRIMARY KEY (week, lesson)
    ) WITHOUT ROWID""",
    """CREATE TABLE week_pc_class (
        week INTEGER NOT NULL,
        pc INTEGER NOT NULL,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        played_s INTEGER NOT NULL,
        PRIMARY KEY (week, pc, grade, subject)
    ) WITHOUT ROWID""",
]
_EPOCH = date(1970, 1, 1).toordinal()


@functools.lru_cache(maxsize=8192)
def day_number(day: str) -> int:
    """'YYYY-MM-DD' → days since 1970-01-01."""
    return date.fromisoformat(day).toordinal() - _EPOCH


def day_text(number: int) -> str:
    return date.fromordinal(int(number) + _EPOCH).isoformat()


def open_county(path: Path) -> sqlite3.Connection:
    """Open (create) the county database; raises :class:`CatalogueError` for a foreign file."""
    path = Path(path)
    try:
        with _OPENING:  # a new file's switch to WAL fails ("locked") beside another first open
            conn = _connect_and_create(path)
    except sqlite3.DatabaseError as exc:
        raise CatalogueError(f"cannot open the county database {path}: {exc}") from None
    if conn is None:
        raise CatalogueError(f"{path} is not a TeachPoint county database")
    return conn


_OPENING = threading.Lock()


def _connect_and_create(path: Path) -> sqlite3.Connection | None:
    """The connection, the schema created if the file is new; None for a foreign database."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-65536")
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    if app == 0:
        _create_schema(conn)  # unless another connection (a worker, a command) just did
        app = conn.execute("PRAGMA application_id").fetchone()[0]
    if app != APPLICATION_ID:
        conn.close()
        return None
    return conn


def _create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables of a new, empty database. The emptiness is checked inside the write
    transaction, so two connections opening a new file at once create it once (the second
    waits, then finds it made)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master").fetchone():
            for sql in SCHEMA:
                conn.execute(sql)
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def pinned_pc(conn: sqlite3.Connection, pc_id: str) -> tuple[int, str] | None:
    """(row id, pinned key base64) of a PC, or None when never seen."""
    return conn.execute("SELECT id, key_b64 FROM pcs WHERE pc_id = ?", [pc_id]).fetchone()


def pin_pc(conn: sqlite3.Connection, pc_id: str, key_b64: str, key_id: str, at: str) -> None:
    """Pin a PC's key on first sight when something other than a report (a contribution, issue
    15) is the first thing the county receives from it; a pinned key is never replaced here."""
    conn.execute("INSERT OR IGNORE INTO pcs (pc_id, key_b64, key_id, first_seen) VALUES (?,?,?,?)",
                 [pc_id, key_b64, key_id, at])


def record_refusal(conn: sqlite3.Connection, at: str, source: str, kind: str, reason: str,
                   pc_id: str = "", seq: int | None = None, offered_key_id: str = "") -> None:
    """Remember a refused report (its own small transaction)."""
    conn.execute("INSERT INTO refused (at, source, pc_id, seq, kind, reason, offered_key_id) "
                 "VALUES (?,?,?,?,?,?,?)", [at, source[:500], pc_id, seq, kind, reason[:500], offered_key_id])


def _lesson_ids(conn: sqlite3.Connection, records, known: dict) -> dict[str, tuple[int, int, str]]:
    """(row id, grade, subject) of the records' lessons not in ``known`` (new lessons added; the
    first grade and subject seen for a lesson stay, so the aggregates never split one lesson)."""
    wanted = {r[1]: r for r in records if r[1] not in known}
    if not wanted:
        return {}
    conn.executemany("INSERT INTO lessons (resource_id, grade, subject, title) VALUES (?,?,?,?) "
                     "ON CONFLICT(resource_id) DO UPDATE SET title = excluded.title "
                     "WHERE lessons.title != excluded.title",
                     [(rid, r[2], r[3], r[4]) for rid, r in wanted.items()])
    ids: dict[str, tuple[int, int, str]] = {}
    names = list(wanted)
    for i in range(0, len(names), 500):
        part = names[i:i + 500]
        for rid, *row in conn.execute(f"SELECT resource_id, id, grade, subject FROM lessons WHERE "
                                      f"resource_id IN ({','.join('?' * len(part))})", part):
            ids[rid] = tuple(row)
    return ids


def _changes(conn: sqlite3.Connection, pc: int, report, lessons: dict) -> tuple[list, dict, dict]:
    """The usage rows this report changes (a newer sequence number than stored), and the
    differences they make to the week aggregates."""
    latest = {}
    for r in report.records:  # one value per day and lesson (a report repeating one: the last)
        latest[(day_number(r[0]), r[1])] = r
    days = [d for d, _ in latest]
    old = {}
    if days:
        old = {(d, les): row for d, les, *row in conn.execute(
            "SELECT day, lesson, started, played_s, finished, seq FROM usage "
            "WHERE pc = ? AND day BETWEEN ? AND ?", [pc, min(days), max(days)])}
    rows, by_lesson, by_class = [], defaultdict(lambda: [0, 0, 0]), defaultdict(int)
    for (day, rid), r in latest.items():
        lesson, grade, subject = lessons[rid]
        was = old.get((day, lesson), (0, 0, 0, 0))
        if was[3] >= report.seq:
            continue
        week = (day - 4) // 7
        acc = by_lesson[(week, lesson)]
        acc[0] += r[6] - was[1]
        acc[1] += r[5] - was[0]
        acc[2] += r[7] - was[2]
        by_class[(week, pc, grade, subject)] += r[6] - was[1]
        rows.append((pc, day, lesson, r[5], r[6], r[7], report.seq))
    return rows, by_lesson, by_class


def _apply(conn: sqlite3.Connection, rows: list, by_lesson: dict, by_class: dict) -> None:
    conn.executemany(
        "INSERT INTO usage (pc, day, lesson, started, played_s, finished, seq) VALUES (?,?,?,?,?,?,?) "
        "ON CONFLICT(pc, day, lesson) DO UPDATE SET started = excluded.started, "
        "played_s = excluded.played_s, finished = excluded.finished, seq = excluded.seq", rows)
    conn.executemany(
        "INSERT INTO week_lesson (week, lesson, played_s, started, finished) VALUES (?,?,?,?,?) "
        "ON CONFLICT(week, lesson) DO UPDATE SET played_s = played_s + excluded.played_s, "
        "started = started + excluded.started, finished = finished + excluded.finished",
        [(*k, *v) for k, v in by_lesson.items()])
    conn.executemany(
        "INSERT INTO week_pc_class (week, pc, grade, subject, played_s) VALUES (?,?,?,?,?) "
        "ON CONFLICT(week, pc, grade, subject) DO UPDATE SET played_s = played_s + excluded.played_s",
        [(*k, v) for k, v in by_class.items()])


_PC_UPDATE = """UPDATE pcs SET last_received_at = :received,
    first_day = CASE WHEN :lo IS NULL THEN first_day ELSE MIN(COALESCE(first_day, :lo), :lo) END,
    last_day = CASE WHEN :hi IS NULL THEN last_day ELSE MAX(COALESCE(last_day, :hi), :hi) END,
    health = CASE WHEN health_seq < :seq THEN :health ELSE health END,
    school = CASE WHEN health_seq < :seq THEN :school ELSE school END,
    last_report_at = CASE WHEN health_seq < :seq THEN :created ELSE last_report_at END,
    health_seq = MAX(health_seq, :seq) WHERE id = :pc"""


def merge_report(conn: sqlite3.Connection, report, received_at: str, source: str,
                 lesson_cache: dict | None = None) -> bool:
    """Merge one verified report in ONE transaction; False when it was already merged.

    The PC's key is pinned here on first sight (the caller checked it against a pinned one).
    ``lesson_cache`` (resource id → lesson row) may be shared by the merges of one connection;
    it learns new lessons only once their transaction committed.
    """
    known = lesson_cache if lesson_cache is not None else {}
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = pinned_pc(conn, report.pc_id)
        if row is None:
            pc = conn.execute("INSERT INTO pcs (pc_id, key_b64, key_id, school, first_seen) VALUES (?,?,?,?,?)",
                              [report.pc_id, report.key.b64, report.key.key_id, report.school,
                               received_at]).lastrowid
        else:
            pc = row[0]
        if not conn.execute("INSERT OR IGNORE INTO received (pc, seq, created_at, received_at, records, "
                            "source) VALUES (?,?,?,?,?,?)", [pc, report.seq, report.created_at, received_at,
                                                             len(report.records), source[:500]]).rowcount:
            conn.execute("ROLLBACK")  # this PC's report with this number is merged already
            return False
        new = _lesson_ids(conn, report.records, known)
        rows, by_lesson, by_class = _changes(conn, pc, report, {**known, **new} if new else known)
        _apply(conn, rows, by_lesson, by_class)
        days = [r[1] for r in rows]
        conn.execute(_PC_UPDATE, {"received": received_at, "lo": min(days, default=None),
                                  "hi": max(days, default=None), "seq": report.seq,
                                  "health": json.dumps(report.health, ensure_ascii=False),
                                  "school": report.school, "created": report.created_at, "pc": pc})
        conn.execute("COMMIT")
        known.update(new)
        return True
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def contiguous_through(conn: sqlite3.Connection, pc_id: str) -> int:
    """The highest n such that reports 1..n of a PC were all received (0: none from 1)."""
    row = conn.execute(
        "SELECT MIN(r.seq) FROM received r JOIN pcs p ON p.id = r.pc WHERE p.pc_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM received n WHERE n.pc = r.pc AND n.seq = r.seq + 1)", [pc_id]).fetchone()
    first = conn.execute("SELECT 1 FROM received r JOIN pcs p ON p.id = r.pc WHERE p.pc_id = ? AND r.seq = 1",
                         [pc_id]).fetchone()
    return row[0] if first and row[0] else 0
