"""What the catalogue wants that the store lacks, with what it takes to put it in order.

The one "wanted files" query: :mod:`teachpoint.sync.priority` orders its rows (my classes first,
then subscriptions), and every transport fetches in that order. Also the class lesson lists the
priorities need.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MissingFile:
    """A file some resource points at that the store does not hold (or holds damaged)."""

    sha256: str
    size: int
    role: str
    resource_id: str
    grade: int
    subject: str
    edition: str
    volume: str
    unit_order: int
    unit: str
    lesson: int


def missing_files(cat, repo_id: str | None = None) -> list[MissingFile]:
    """Every (file, resource) pair whose file is not stored, for one repository or all."""
    sql = """
    SELECT f.sha256, f.size, f.role, r.id, l.grade, l.subject, l.edition, l.volume, l.unit_order,
           l.unit, l.lesson
    FROM files f JOIN resources r ON r.id = f.resource_id JOIN lessons l ON l.id = r.lesson_id
    LEFT JOIN blobs b ON b.sha256 = f.sha256
    WHERE (b.sha256 IS NULL OR b.state = 'damaged')""" + (" AND r.repo_id = ?" if repo_id else "")
    return [MissingFile(*row) for row in cat.db.execute(sql, [repo_id] if repo_id else [])]


def class_lessons(cat, grade: int, subject: str, edition: str = "") -> list[str]:
    """Lesson ids of a class (any edition when ``edition`` is empty), in curriculum order."""
    clause = "AND l.edition = ?" if edition else ""
    params = [grade, subject] + ([edition] if edition else [])
    return [r[0] for r in cat.db.execute(
        f"""SELECT DISTINCT l.id FROM lessons l WHERE l.grade = ? AND l.subject = ? {clause}
        ORDER BY l.volume, l.unit_order, l.unit, l.lesson""", params)]


def lesson_of(cat, resource_id: str) -> str | None:
    row = cat.db.execute("SELECT lesson_id FROM resources WHERE id = ?", [resource_id]).fetchone()
    return row[0] if row else None


def resources_of_lesson(cat, lesson_id: str) -> list[str]:
    return [r[0] for r in cat.db.execute("SELECT id FROM resources WHERE lesson_id = ?", [lesson_id])]


def files_of_resource(cat, resource_id: str) -> list[str]:
    """sha256 of every file of a resource (to fetch them first on demand)."""
    return [r[0] for r in cat.db.execute(
        "SELECT sha256 FROM files WHERE resource_id = ?", [resource_id])]
