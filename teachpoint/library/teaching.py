"""The teacher's own data: resume positions, play counts, bookmarks, "my classes", next lesson.

Nothing here is pupil data. Starts and positions also feed the daily usage aggregates
(:mod:`teachpoint.library.usage`) in the same transaction; bookmark labels never leave the PC.
"""

from __future__ import annotations

from dataclasses import dataclass

from teachpoint.library import usage
from teachpoint.library.catalogue import Catalogue, now_iso
from teachpoint.library.curriculum import parse_grade, parse_subject


@dataclass(frozen=True)
class TeachingClass:
    id: int
    grade: int
    subject: str
    edition: str


def record_play(cat: Catalogue, resource_id: str) -> None:
    """A lesson started playing: count it and remember when."""
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute(
            "INSERT INTO progress (resource_id, play_count, last_played) VALUES (?, 1, ?) "
            "ON CONFLICT(resource_id) DO UPDATE SET play_count = play_count + 1, "
            "last_played = excluded.last_played",
            [resource_id, now_iso()],
        )
        usage.count_start(cat.db.conn, resource_id)


def save_position(cat: Catalogue, resource_id: str, position_ms: int, finished: bool = False) -> None:
    """Remember where playback stopped (so tomorrow's class continues there)."""
    with cat.write_lock, cat.db.conn:
        usage.count_progress(cat.db.conn, resource_id, max(0, int(position_ms)), finished)
        cat.db.conn.execute(
            "INSERT INTO progress (resource_id, position_ms, finished, last_played) VALUES (?,?,?,?) "
            "ON CONFLICT(resource_id) DO UPDATE SET position_ms = excluded.position_ms, "
            "finished = MAX(finished, excluded.finished), last_played = excluded.last_played",
            [resource_id, max(0, int(position_ms)), int(finished), now_iso()],
        )


def progress_of(cat: Catalogue, resource_id: str) -> dict:
    row = cat.db.execute(
        "SELECT position_ms, play_count, last_played, finished FROM progress WHERE resource_id = ?",
        [resource_id]).fetchone()
    if not row:
        return {"position_ms": 0, "play_count": 0, "last_played": None, "finished": False}
    return {"position_ms": row[0], "play_count": row[1], "last_played": row[2], "finished": bool(row[3])}


def add_bookmark(cat: Catalogue, resource_id: str, position_ms: int, label: str = "") -> int:
    with cat.write_lock, cat.db.conn:
        cur = cat.db.conn.execute(
            "INSERT INTO bookmarks (resource_id, position_ms, label, created_at) VALUES (?,?,?,?)",
            [resource_id, max(0, int(position_ms)), label[:200], now_iso()])
        return cur.lastrowid


def bookmarks(cat: Catalogue, resource_id: str) -> list[dict]:
    rows = cat.db.execute(
        "SELECT id, position_ms, label FROM bookmarks WHERE resource_id = ? ORDER BY position_ms",
        [resource_id]).fetchall()
    return [{"id": r[0], "position_ms": r[1], "label": r[2]} for r in rows]


def remove_bookmark(cat: Catalogue, bookmark_id: int) -> None:
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute("DELETE FROM bookmarks WHERE id = ?", [bookmark_id])


def add_class(cat: Catalogue, grade, subject, edition: str = "") -> TeachingClass:
    """Add one of "my classes" (grade + subject + edition); adding it twice is harmless."""
    g, s = parse_grade(grade), parse_subject(subject)
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute(
            "INSERT OR IGNORE INTO classes (grade, subject, edition) VALUES (?,?,?)", [g, s, edition])
    row = cat.db.execute("SELECT id FROM classes WHERE grade=? AND subject=? AND edition=?",
                         [g, s, edition]).fetchone()
    return TeachingClass(row[0], g, s, edition)


def classes(cat: Catalogue) -> list[TeachingClass]:
    return [TeachingClass(*r) for r in cat.db.execute(
        "SELECT id, grade, subject, edition FROM classes ORDER BY grade, subject, edition")]


def remove_class(cat: Catalogue, class_id: int) -> None:
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute("DELETE FROM classes WHERE id = ?", [class_id])


def next_lesson(cat: Catalogue, cls: TeachingClass) -> str | None:
    """The resource to offer as "continue" for a class: its first unfinished lesson.

    Lessons go in curriculum order (volume, unit, lesson). A lesson counts as finished when one
    of its videos or audios was watched to the end; the first lesson that is not is offered —
    whatever was opened last (a peek at a later lesson does not move the class on). Within that
    lesson a resource already started comes first, else its first one. When every lesson is
    finished the last one is offered (the card then says it was watched).
    """
    edition_clause = "AND l.edition = ?" if cls.edition else ""
    params = [cls.grade, cls.subject] + ([cls.edition] if cls.edition else [])
    ordered = cat.db.execute(
        f"""SELECT r.id, l.id, COALESCE(p.finished, 0), COALESCE(p.position_ms, 0)
        FROM resources r JOIN lessons l ON l.id = r.lesson_id
        LEFT JOIN progress p ON p.resource_id = r.id
        WHERE l.grade = ? AND l.subject = ? {edition_clause} AND r.kind IN ('video', 'audio')
        ORDER BY l.volume, l.unit_order, l.unit, l.lesson, l.id, r.sort_key, r.title""",
        params).fetchall()
    if not ordered:
        return None
    finished_lessons = {lesson for _, lesson, finished, _ in ordered if finished}
    unfinished = [row for row in ordered if row[1] not in finished_lessons]
    if not unfinished:
        return ordered[-1][0]
    first_lesson = unfinished[0][1]
    rows = [row for row in unfinished if row[1] == first_lesson]
    started = next((row for row in rows if row[3] > 0), rows[0])
    return started[0]
