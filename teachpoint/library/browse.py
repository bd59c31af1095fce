"""The curriculum tree as teachers walk it: 年级 → 学科 → 版本 → 册 → 单元 → 课 → resources."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from teachpoint.library.catalogue import STATE_SQL
from teachpoint.library.curriculum import grade_name, parse_grade, parse_subject


@dataclass
class LessonEntry:
    lesson_id: int
    lesson: int
    resources: list[dict] = field(default_factory=list)  # id, title, kind, duration, state

    @property
    def title(self) -> str:
        """A lesson is called after its first resource (videos first)."""
        return self.resources[0]["title"] if self.resources else ""


_TREE_SQL = """
SELECT l.id, l.grade, l.subject, l.edition, l.volume, l.unit, l.lesson,
       r.id, r.title, r.kind, r.duration, {state}
FROM lessons l
JOIN resources r ON r.lesson_id = l.id
{where}
ORDER BY l.grade, l.subject, l.edition, l.volume, l.unit_order, l.unit, l.lesson,
         CASE r.kind WHEN 'video' THEN 0 WHEN 'audio' THEN 1 ELSE 2 END, r.sort_key, r.title
"""


def lesson_rows(db: sqlite_utils.Database, grade=None, subject=None, edition=None, volume=None):
    """Rows of the tree below an optional node, in teaching order (validated filters)."""
    clauses, params = [], []
    if grade is not None:
        clauses.append("l.grade = ?")
        params.append(parse_grade(grade))
    if subject is not None:
        clauses.append("l.subject = ?")
        params.append(parse_subject(subject))
    if edition is not None:
        clauses.append("l.edition = ?")
        params.append(edition)
    if volume is not None:
        clauses.append("l.volume = ?")
        params.append(volume)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return db.execute(_TREE_SQL.format(where=where, state=STATE_SQL), params).fetchall()


def browse_tree(db: sqlite_utils.Database, grade=None, subject=None) -> list[dict]:
    """The nested tree (grades → subjects → editions → volumes → units → lessons) as plain dicts."""
    grades: dict = {}
    lessons: dict[int, LessonEntry] = {}
    for (lid, g, subj, ed, vol, unit, lesson, rid, title, kind, dur, state) in lesson_rows(
            db, grade, subject):
        units = (grades.setdefault(g, {}).setdefault(subj, {}).setdefault(ed, {})
                 .setdefault(vol, {}).setdefault(unit, []))
        if lid not in lessons:
            lessons[lid] = LessonEntry(lid, lesson)
            units.append(lessons[lid])
        lessons[lid].resources.append(
            {"id": rid, "title": title, "kind": kind, "duration": dur, "state": state})
    return [
        {"grade": g, "name": grade_name(g), "subjects": [
            {"subject": s, "editions": [
                {"edition": e, "volumes": [
                    {"volume": v, "units": [
                        {"unit": u, "lessons": [
                            {"lesson": le.lesson, "title": le.title, "resources": le.resources}
                            for le in ls]}
                        for u, ls in units.items()]}
                    for v, units in vols.items()]}
                for e, vols in eds.items()]}
            for s, eds in subjects.items()]}
        for g, subjects in grades.items()
    ]
