"""Which files to fetch, in what order: what the teacher is most likely to need next first.

Tiers: 0 — the next lessons of each of "my classes" (from the last one played on); 1 — the rest of
those classes' grade and subject; 2 — everything else this PC subscribes to. Within a tier,
curriculum order, with a lesson's small files (thumbnail, subtitles) before its video. Files
outside the subscriptions are not fetched unless asked for on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

from teachpoint.library import teaching
from teachpoint.library.catalogue import Catalogue
from teachpoint.sync.schedule import Subscriptions

NEXT_LESSONS = 3  # how many lessons after "continue" count as next
ROLE_ORDER = {"thumbnail": 0, "subtitle": 1, "main": 2, "attachment": 3}

_WANTED_SQL = """
SELECT f.sha256, f.size, f.role, r.id, l.grade, l.subject, l.edition, l.volume, l.unit_order,
       l.unit, l.lesson
FROM files f JOIN resources r ON r.id = f.resource_id JOIN lessons l ON l.id = r.lesson_id
LEFT JOIN blobs b ON b.sha256 = f.sha256
WHERE (b.sha256 IS NULL OR b.state = 'damaged') {repo_clause}
"""


@dataclass(frozen=True)
class WantedBlob:
    sha256: str
    size: int
    key: tuple  # sort key: smaller first


def wanted_in_order(cat: Catalogue, subscriptions: Subscriptions, repo_id: str | None = None,
                    boosted: set[str] = frozenset()) -> list[WantedBlob]:
    """Blobs the catalogue points at but the store lacks, most wanted first."""
    next_up = _next_resources(cat)
    classes = {(c.grade, c.subject, c.edition) for c in teaching.classes(cat)}
    params = [repo_id] if repo_id else []
    rows = cat.db.execute(
        _WANTED_SQL.format(repo_clause="AND r.repo_id = ?" if repo_id else ""), params).fetchall()
    best: dict[str, WantedBlob] = {}
    for sha, size, role, rid, grade, subject, edition, volume, unit_order, unit, lesson in rows:
        if rid in boosted:
            tier = -1
        elif rid in next_up:
            tier = 0
        elif (grade, subject, edition) in classes or (grade, subject, "") in classes:
            tier = 1
        elif subscriptions.wants(grade, subject):
            tier = 2
        else:
            continue
        key = (tier, grade, subject, edition, volume, unit_order, unit, lesson, ROLE_ORDER[role])
        if sha not in best or key < best[sha].key:
            best[sha] = WantedBlob(sha, size, key)
    return sorted(best.values(), key=lambda b: b.key)


def _next_resources(cat: Catalogue) -> set[str]:
    """Resource ids of the next few lessons of every class, and the other files of those lessons."""
    out: set[str] = set()
    for cls in teaching.classes(cat):
        start = teaching.next_lesson(cat, cls)
        if not start:
            continue
        edition_clause = "AND l.edition = ?" if cls.edition else ""
        params = [cls.grade, cls.subject] + ([cls.edition] if cls.edition else [])
        lessons = [r[0] for r in cat.db.execute(
            f"""SELECT DISTINCT l.id FROM lessons l WHERE l.grade = ? AND l.subject = ? {edition_clause}
            ORDER BY l.volume, l.unit_order, l.unit, l.lesson""", params)]
        first = cat.db.execute("SELECT lesson_id FROM resources WHERE id = ?", [start]).fetchone()[0]
        chosen = lessons[lessons.index(first):lessons.index(first) + NEXT_LESSONS]
        for lesson_id in chosen:
            out.update(r[0] for r in cat.db.execute(
                "SELECT id FROM resources WHERE lesson_id = ?", [lesson_id]))
    return out


def resource_blobs(cat: Catalogue, resource_id: str) -> list[str]:
    return [r[0] for r in cat.db.execute(
        "SELECT sha256 FROM files WHERE resource_id = ?", [resource_id])]
