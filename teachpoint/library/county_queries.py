"""Reads of the county database (:mod:`teachpoint.library.county`) for the summary and the page.

The page never scans ``usage`` (10 million rows for a province): :func:`weekly_lesson_seconds`
reads the ``week_lesson`` aggregate (the caller folds it into per-subject weeks and most/least used
lessons) and :func:`school_class_seconds` the ``week_pc_class`` aggregate for recent weeks.
Everything else reads the small ``pcs``, ``received``, ``refused`` and ``lessons`` tables.
"""

from __future__ import annotations

import json
import sqlite3

MONDAY_OFFSET = 4  # day 0 (1970-01-01) was a Thursday; (day - 4) // 7 numbers weeks from a Monday
MAX_GAPS_LISTED = 50


def week_of(day: int) -> int:
    return (day - MONDAY_OFFSET) // 7


def totals(conn: sqlite3.Connection) -> dict:
    """Counts for the page's head line."""
    pcs, schools = conn.execute("SELECT COUNT(*), COUNT(DISTINCT school) FROM pcs").fetchone()
    reports = conn.execute("SELECT COUNT(*) FROM received").fetchone()[0]
    refused = conn.execute("SELECT COUNT(*) FROM refused").fetchone()[0]
    first, last = conn.execute("SELECT MIN(first_day), MAX(last_day) FROM pcs").fetchone()
    return {"pcs": pcs, "schools": schools, "reports": reports, "refused": refused,
            "first_day": first, "last_day": last}


def pc_rows(conn: sqlite3.Connection) -> list[dict]:
    """Per PC: school, key, last report, reports received, highest number, gaps, health."""
    rows = conn.execute(
        """SELECT p.id, p.pc_id, p.school, p.key_id, p.last_report_at, p.last_received_at, p.health,
                  COUNT(r.seq), COALESCE(MAX(r.seq), 0), COALESCE(SUM(r.records), 0)
           FROM pcs p LEFT JOIN received r ON r.pc = p.id GROUP BY p.id ORDER BY p.school, p.pc_id""").fetchall()
    out = []
    for pid, pc_id, school, key_id, last_at, recv_at, health, count, top, records in rows:
        out.append({"pc_id": pc_id, "school": school, "key_id": key_id, "last_report_at": last_at,
                    "last_received_at": recv_at, "reports": count, "max_seq": top,
                    "missing": top - count, "records": records, "health": json.loads(health or "{}"),
                    "_row": pid})
    return out


def gaps_of(conn: sqlite3.Connection, pc_row: int, limit: int = MAX_GAPS_LISTED) -> list[int]:
    """Sequence numbers missing between 1 and the highest received (the first ``limit``)."""
    have = [s for (s,) in conn.execute("SELECT seq FROM received WHERE pc = ? ORDER BY seq", [pc_row])]
    missing, expect = [], 1
    for seq in have:
        missing.extend(range(expect, min(seq, expect + limit - len(missing))))
        expect = seq + 1
        if len(missing) >= limit:
            break
    return missing[:limit]


def refusals(conn: sqlite3.Connection, limit: int = 200) -> list[dict]:
    rows = conn.execute("SELECT at, source, pc_id, seq, kind, reason, offered_key_id FROM refused "
                        "ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    keys = ("at", "source", "pc_id", "seq", "kind", "reason", "offered_key_id")
    return [dict(zip(keys, r)) for r in rows]


def weekly_lesson_seconds(conn: sqlite3.Connection, since_day: int) -> list[tuple]:
    """(week, lesson id, seconds played, starts, finishes) from the week of ``since_day`` on."""
    return conn.execute("SELECT week, lesson, played_s, started, finished FROM week_lesson WHERE week >= ?",
                        [week_of(since_day)]).fetchall()


def lessons(conn: sqlite3.Connection) -> dict[int, tuple[str, int, str, str]]:
    """lesson id → (resource id, grade, subject, title)."""
    return {r[0]: r[1:] for r in conn.execute("SELECT id, resource_id, grade, subject, title FROM lessons")}


def school_class_seconds(conn: sqlite3.Connection, first_week: int, last_week: int) -> list[tuple]:
    """(school, grade, subject, seconds played) over weeks ``first_week``..``last_week``."""
    return conn.execute(
        """SELECT p.school, w.grade, w.subject, SUM(w.played_s)
           FROM week_pc_class w JOIN pcs p ON p.id = w.pc
           WHERE w.week BETWEEN ? AND ? GROUP BY p.school, w.grade, w.subject""",
        [first_week, last_week]).fetchall()


def school_last_heard(conn: sqlite3.Connection) -> list[tuple[str, str | None, int]]:
    """(school, newest report time of any of its PCs, PCs) per school."""
    return conn.execute("SELECT school, MAX(last_report_at), COUNT(*) FROM pcs GROUP BY school "
                        "ORDER BY MAX(last_report_at)").fetchall()
