"""What the home screen reads from the catalogue: the classes on offer, each class's next
lesson, and the lessons that arrived since the teacher last looked. No Qt here.

"What is new" compares ``blobs.stored_at`` with a *seen marker* saved in the settings table
(:data:`SETTING_HOME_SEEN`). Timestamps have one-second precision, so the marker also names
the blobs stored in its own second: a file that lands in that same second after the teacher
looked still counts as new. The marker is taken from the same read that showed the list, so
whatever arrives between showing and marking is never lost.

Every function expects the caller to hold the catalogue's lock (see ``teachpoint.ui.home_queries``).
Queries stay per-row or index-driven (no ``resource_state`` view joins), so they stay quick on
catalogues of 100,000 resources.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from teachpoint.library import teaching
from teachpoint.library.catalogue import STATE_SQL, Catalogue
from teachpoint.library.curriculum import GRADES
from teachpoint.library.teaching import TeachingClass

log = logging.getLogger(__name__)

SETTING_HOME_SEEN = "home_seen_at"
NEW_LIST_LIMIT = 8
_NEW_ROWS_SCANNED = 200  # newest rows read to pick NEW_LIST_LIMIT distinct lessons
_KIND_RANK = {"video": 0, "audio": 1}
#: A lesson stopped before this point (ms) counts as not started: the home card does not offer
#: to continue it and the player starts it from the beginning (shared by both).
RESUME_MIN_MS = 10_000


@dataclass(frozen=True)
class ClassOffer:
    """A grade + subject + edition the catalogue holds lessons for."""

    grade: int
    subject: str
    edition: str
    lessons: int


@dataclass(frozen=True)
class SeenMarker:
    """Up to where the teacher has seen arrivals: a ``stored_at`` and the blobs of that second."""

    at: str
    same_second: tuple[str, ...] = ()

    def encode(self) -> str:
        return json.dumps({"at": self.at, "same_second": list(self.same_second)})

    @classmethod
    def decode(cls, text: str | None) -> "SeenMarker | None":
        """The marker from its setting; a bare timestamp is accepted, anything else is None."""
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return cls(text.strip()) if text.strip()[:1].isdigit() else None
        if isinstance(value, dict) and isinstance(value.get("at"), str):
            shas = value.get("same_second") or []
            return cls(value["at"], tuple(s for s in shas if isinstance(s, str)))
        log.warning("setting %s is not a seen marker; ignored", SETTING_HOME_SEEN)
        return None


@dataclass(frozen=True)
class NextLesson:
    """The lesson a class continues with, and whether it can play here."""

    resource_id: str
    title: str
    kind: str
    edition: str
    volume: str
    unit: str
    lesson: int
    state: str | None
    position_ms: int
    finished: bool
    duration: float | None


@dataclass(frozen=True)
class NewLesson:
    resource_id: str
    title: str
    grade: int
    subject: str
    unit: str
    lesson: int
    stored_at: str


def worth_resuming(position_ms: int, finished: bool) -> bool:
    """True if a lesson stopped at ``position_ms`` is partly watched (continue from there)."""
    return not finished and position_ms >= RESUME_MIN_MS


def grade_label(grade: int) -> str:
    """一年级 … 高三; an out-of-range number (hand-edited data) is shown as it is."""
    return GRADES.get(grade, str(grade))


# ---- classes -------------------------------------------------------------------------------

def class_offers(cat: Catalogue) -> list[ClassOffer]:
    """Every grade + subject + edition with lessons, in curriculum order (one index scan)."""
    rows = cat.db.execute(
        "SELECT grade, subject, edition, COUNT(*) FROM lessons "
        "GROUP BY grade, subject, edition ORDER BY grade, subject, edition").fetchall()
    return [ClassOffer(*row) for row in rows]


def effective_edition(cat: Catalogue, cls: TeachingClass) -> str:
    """The edition a class follows: its own, or for "any edition" the one last played in that
    grade + subject, else the one with the most lessons (so lessons of two editions never mix)."""
    if cls.edition:
        return cls.edition
    row = cat.db.execute(
        "SELECT l.edition FROM lessons l JOIN resources r ON r.lesson_id = l.id "
        "JOIN progress p ON p.resource_id = r.id "
        "WHERE l.grade = ? AND l.subject = ? AND p.last_played IS NOT NULL "
        "ORDER BY p.last_played DESC LIMIT 1", [cls.grade, cls.subject]).fetchone()
    if row is None:
        row = cat.db.execute(
            "SELECT edition FROM lessons WHERE grade = ? AND subject = ? "
            "GROUP BY edition ORDER BY COUNT(*) DESC, edition LIMIT 1",
            [cls.grade, cls.subject]).fetchone()
    return row[0] if row else ""


def next_lesson(cat: Catalogue, cls: TeachingClass) -> NextLesson | None:
    """The "continue" lesson of a class with what the card shows; None if it has no lessons."""
    edition = effective_edition(cat, cls)
    rid = teaching.next_lesson(cat, TeachingClass(cls.id, cls.grade, cls.subject, edition))
    if rid is None:
        return None
    row = cat.db.execute(
        f"SELECT r.title, r.kind, l.edition, l.volume, l.unit, l.lesson, r.duration, {STATE_SQL} "
        "FROM resources r JOIN lessons l ON l.id = r.lesson_id WHERE r.id = ?", [rid]).fetchone()
    if row is None:
        return None
    progress = teaching.progress_of(cat, rid)
    title, kind, ed, volume, unit, lesson, duration, state = row
    return NextLesson(rid, title, kind, ed, volume, unit, lesson, state,
                      progress["position_ms"], progress["finished"], duration)


def library_is_empty(cat: Catalogue) -> bool:
    return cat.db.execute("SELECT NOT EXISTS (SELECT 1 FROM resources)").fetchone()[0] == 1


# ---- what is new ---------------------------------------------------------------------------

def current_marker(cat: Catalogue) -> SeenMarker | None:
    """The marker that covers every blob stored so far (None if the store is empty)."""
    at = cat.db.execute("SELECT MAX(stored_at) FROM blobs WHERE state = 'present'").fetchone()[0]
    if at is None:
        return None
    shas = cat.db.execute("SELECT sha256 FROM blobs WHERE stored_at = ? ORDER BY sha256",
                          [at]).fetchall()
    return SeenMarker(at, tuple(s for (s,) in shas))


def _arrived_since(marker: SeenMarker) -> tuple[str, list]:
    placeholders = ",".join("?" * len(marker.same_second))
    same = f"AND b.sha256 NOT IN ({placeholders})" if marker.same_second else ""
    where = (f"b.state = 'present' AND (b.stored_at > ? OR (b.stored_at = ? {same}))")
    return where, [marker.at, marker.at, *marker.same_second]


def count_new_lessons(cat: Catalogue, marker: SeenMarker | None) -> int:
    """Lessons with a main file stored after ``marker`` (none when nothing was ever seen)."""
    if marker is None:
        return 0
    where, params = _arrived_since(marker)
    return cat.db.execute(
        "SELECT COUNT(DISTINCT r.lesson_id) FROM blobs b "
        "JOIN files f ON f.sha256 = b.sha256 AND f.role = 'main' "
        f"JOIN resources r ON r.id = f.resource_id WHERE {where}", params).fetchone()[0]


def new_lessons(cat: Catalogue, marker: SeenMarker | None,
                limit: int = NEW_LIST_LIMIT) -> list[NewLesson]:
    """The newest arrivals after ``marker``, one entry per lesson (its video first)."""
    if marker is None:
        return []
    where, params = _arrived_since(marker)
    rows = cat.db.execute(
        "SELECT r.lesson_id, r.id, r.title, r.kind, l.grade, l.subject, l.unit, l.lesson, "
        "b.stored_at FROM blobs b JOIN files f ON f.sha256 = b.sha256 AND f.role = 'main' "
        "JOIN resources r ON r.id = f.resource_id JOIN lessons l ON l.id = r.lesson_id "
        f"WHERE {where} ORDER BY b.stored_at DESC, l.grade, l.subject, l.unit_order, l.lesson, "
        "r.sort_key LIMIT ?", [*params, _NEW_ROWS_SCANNED]).fetchall()
    best: dict[int, tuple] = {}
    for row in rows:  # a lesson keeps the place of its newest row, and shows its video
        current = best.get(row[0])
        if current is None or _KIND_RANK.get(row[3], 9) < _KIND_RANK.get(current[3], 9):
            best[row[0]] = row
    picked = list(best.values())[:limit]
    return [NewLesson(r[1], r[2], r[4], r[5], r[6], r[7], r[8]) for r in picked]


def seen_marker(cat: Catalogue) -> SeenMarker | None:
    row = cat.db.execute("SELECT value FROM settings WHERE key = ?", [SETTING_HOME_SEEN]).fetchone()
    return SeenMarker.decode(row[0] if row else None)


def mark_seen(cat: Catalogue, marker: SeenMarker) -> None:
    """Remember that the teacher has seen every arrival up to ``marker`` (never goes back)."""
    with cat.write_lock, cat.db.conn:
        old = seen_marker(cat)
        if old is not None and old.at > marker.at:
            return
        if old is not None and old.at == marker.at:
            marker = SeenMarker(marker.at, tuple(sorted(set(old.same_second) | set(marker.same_second))))
        cat.db.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [SETTING_HOME_SEEN, marker.encode()])
