"""Usage records: per local day and lesson resource, how often it was started, how long it played
and how often it was played to (near) the end. Aggregates only — nothing about pupils, no text the
teacher typed (bookmark labels never come here). See ``docs/privacy.md``.

:func:`count_start` and :func:`count_progress` are called by :mod:`teachpoint.library.teaching`
inside its own write transactions. Minutes played are the forward progress of the saved position,
capped by the wall-clock time since the previous save (a seek forward is not counted as playing).
Reports read :func:`pending_records` and mark what they carried with :func:`mark_reported`; the
使用情况 page reads :func:`class_totals`, :func:`weekly_minutes` and :func:`quiet_classes`.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from teachpoint.library.catalogue import Catalogue

log = logging.getLogger(__name__)

FINISHED_SHARE = 0.95      # a position at or past this share of the length counts as finished
CAP_SLACK_MS = 2_000       # timer jitter allowed on top of the wall-clock time between saves
UNKNOWN_GAP_MS = 15_000    # at most this much is counted when the previous save time is unknown
KEEP_DAYS = 400            # records older than this are deleted from the PC (a school year + margin)

_UPSERT = """INSERT INTO usage_daily
    (day, resource_id, grade, subject, title, started, played_ms, finished, rev, reported_seq)
    SELECT ?, r.id, l.grade, l.subject, r.title, ?, ?, ?, 1, NULL
    FROM resources r JOIN lessons l ON l.id = r.lesson_id WHERE r.id = ?
    ON CONFLICT(day, resource_id) DO UPDATE SET
        started = started + excluded.started, played_ms = played_ms + excluded.played_ms,
        finished = finished + excluded.finished, rev = rev + 1, reported_seq = NULL"""

RECORD_COLUMNS = ("day", "resource_id", "grade", "subject", "title", "started", "played_ms", "finished")


@dataclass(frozen=True)
class ClassTotal:
    """One class (grade + subject) over a period."""

    grade: int
    subject: str
    started: int
    minutes: float
    finished: int
    last_day: str | None = None


def today() -> str:
    """The PC's local date (a school day is a local day)."""
    return date.today().isoformat()


def _add(conn: sqlite3.Connection, resource_id: str, started: int, played_ms: int, finished: int,
         day: str | None = None) -> None:
    conn.execute(_UPSERT, [day or today(), started, played_ms, finished, resource_id])


def count_start(conn: sqlite3.Connection, resource_id: str, day: str | None = None) -> None:
    """A lesson started playing (inside the caller's transaction)."""
    _add(conn, resource_id, 1, 0, 0, day)


def _ms_since(stamp: str | None, now: datetime) -> int | None:
    """Milliseconds from an ISO ``...Z`` stamp to ``now``; None when unknown or unreadable."""
    if not stamp:
        return None
    try:
        then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0, int((now - then).total_seconds() * 1000))


def count_progress(conn: sqlite3.Connection, resource_id: str, position_ms: int, finished: bool,
                   now: datetime | None = None, day: str | None = None) -> None:
    """A position is about to be saved: add the time played since the last save, and a finish.

    Reads the previous position from ``progress`` (so call it before the position is written).
    """
    now = now or datetime.now(timezone.utc)
    prev = conn.execute("SELECT position_ms, last_played FROM progress WHERE resource_id = ?",
                        [resource_id]).fetchone()
    row = conn.execute("SELECT duration FROM resources WHERE id = ?", [resource_id]).fetchone()
    if row is None:
        return
    length = int((row[0] or 0) * 1000)
    end = length if finished and length else position_ms
    before = prev[0] if prev else 0
    gap = _ms_since(prev[1], now) if prev else None
    cap = UNKNOWN_GAP_MS if gap is None else gap + CAP_SLACK_MS
    played = max(0, min(end - before, cap))
    if length:
        mark = length * FINISHED_SHARE
        done = int(end >= mark and before < mark)
    else:
        done = int(bool(finished))
    if played or done:
        _add(conn, resource_id, 0, played, done, day)


def pending_records(cat: Catalogue, limit: int) -> list[tuple]:
    """Up to ``limit`` records changed since they were last reported, oldest day first.

    Each is ``RECORD_COLUMNS`` followed by its ``rev`` (for :func:`mark_reported`).
    """
    return cat.db.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)}, rev FROM usage_daily WHERE reported_seq IS NULL "
        "ORDER BY day, resource_id LIMIT ?", [int(limit)]).fetchall()


def pending_count(cat: Catalogue) -> int:
    return cat.db.execute("SELECT COUNT(*) FROM usage_daily WHERE reported_seq IS NULL").fetchone()[0]


def mark_reported(cat: Catalogue, records: list[tuple], seq: int) -> None:
    """Mark records as carried by report ``seq``; a row changed since it was read stays pending."""
    with cat.write_lock, cat.db.conn:
        cat.db.conn.executemany(
            "UPDATE usage_daily SET reported_seq = ? WHERE day = ? AND resource_id = ? AND rev = ?",
            [(seq, r[0], r[1], r[-1]) for r in records])


def purge_old(cat: Catalogue, keep_days: int = KEEP_DAYS, on: date | None = None) -> int:
    """Delete records older than ``keep_days`` (reported or not); returns how many went."""
    cutoff = ((on or date.today()) - timedelta(days=keep_days)).isoformat()
    with cat.write_lock, cat.db.conn:
        return cat.db.conn.execute("DELETE FROM usage_daily WHERE day < ?", [cutoff]).rowcount


def class_totals(cat: Catalogue, since: str, until: str) -> list[ClassTotal]:
    """Per grade + subject between two days (inclusive), busiest first."""
    rows = cat.db.execute(
        "SELECT grade, subject, SUM(started), SUM(played_ms) / 60000.0, SUM(finished), MAX(day) "
        "FROM usage_daily WHERE day BETWEEN ? AND ? GROUP BY grade, subject "
        "ORDER BY SUM(played_ms) DESC, grade, subject", [since, until]).fetchall()
    return [ClassTotal(*r) for r in rows]


def daily_minutes(cat: Catalogue, since: str, until: str) -> list[tuple[str, int, str, float]]:
    """(day, grade, subject, minutes) between two days, for the week and term charts."""
    return cat.db.execute(
        "SELECT day, grade, subject, SUM(played_ms) / 60000.0 FROM usage_daily "
        "WHERE day BETWEEN ? AND ? GROUP BY day, grade, subject ORDER BY day", [since, until]).fetchall()


def quiet_classes(cat: Catalogue, quiet_since: str) -> list[ClassTotal]:
    """The teacher's classes ("my classes") with no lesson played since ``quiet_since``.

    ``last_day`` is the last day anything of that class was played (None: never).
    """
    rows = cat.db.execute(
        """SELECT c.grade, c.subject,
               (SELECT MAX(u.day) FROM usage_daily u
                WHERE u.grade = c.grade AND u.subject = c.subject AND u.played_ms > 0)
           FROM (SELECT DISTINCT grade, subject FROM classes) c ORDER BY c.grade, c.subject""").fetchall()
    return [ClassTotal(g, s, 0, 0.0, 0, last) for g, s, last in rows if last is None or last < quiet_since]
