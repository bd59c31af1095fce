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
from teachpoint.library.wanted import class_lessons, lesson_of, missing_files, resources_of_lesson
from teachpoint.sync.schedule import Subscriptions

NEXT_LESSONS = 3  # how many lessons after "continue" count as next
ROLE_ORDER = {"thumbnail": 0, "subtitle": 1, "main": 2, "attachment": 3}

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
    best: dict[str, WantedBlob] = {}
    for f in missing_files(cat, repo_id):
        sha, size, rid, grade, subject, edition = \
            f.sha256, f.size, f.resource_id, f.grade, f.subject, f.edition
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
        key = (tier, grade, subject, edition, f.volume, f.unit_order, f.unit, f.lesson,
               ROLE_ORDER[f.role])
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
        lessons = class_lessons(cat, cls.grade, cls.subject, cls.edition)
        first = lessons.index(lesson_of(cat, start))
        for lesson_id in lessons[first:first + NEXT_LESSONS]:
            out.update(resources_of_lesson(cat, lesson_id))
    return out
