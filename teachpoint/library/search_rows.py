"""The row of the search index that describes one resource (``search_text`` and its gram text).

:func:`search_row` is the one place a resource's searchable text is made — by a rebuild and an
incremental update of :mod:`teachpoint.library.search` and by a catalogue update
(:mod:`teachpoint.library.search_index`) alike. Pinyin, tags and a unit's sort key repeat across
resources and are cached (:mod:`teachpoint.library.search_text`, :func:`_lesson_ordering`).
"""

from __future__ import annotations

import functools
import operator

from teachpoint.library import curriculum
from teachpoint.library.migrations import SEARCH_SHORT_MAX
from teachpoint.library.search_text import compact, tag_forms, title_forms

_SUBJECT_RANK = {name: i for i, name in enumerate(curriculum.SUBJECTS)}
_VOLUME_RANK = {name: i for i, name in enumerate(curriculum.VOLUMES)}


def short_grams(title: str, title_initials: str, tags: str) -> str:
    """The ``search_grams`` text of a row: its 2-character substrings, exactly as the triggers of
    schema 3 compute them in SQL (a delete must name the same tokens as the insert did)."""
    short = f"{title} {title_initials} {tags}"[:SEARCH_SHORT_MAX]
    # SQL's substr(short, k, 2) for k = 1..length: each pair of neighbours, then the last alone.
    return " ".join(map(operator.add, short, short[1:])) + " " + short[-1]


def search_row(rid, title, description, keywords, sort_key,
               grade, subject, edition, volume, unit, unit_order, lesson) -> tuple:
    """The ``search_text`` values of one resource."""
    title_compact, title_pinyin, title_initials = title_forms(title)
    tags, tags_pinyin, tags_initials = tag_forms(unit, keywords or "")
    ordering = (f"{_lesson_ordering(grade, subject, edition, volume, unit_order, unit)}"
                f"{_num(lesson)}{_num(sort_key)}{rid}")
    return (rid, grade, subject, ordering, title_compact, title_pinyin, title_initials,
            tags, tags_pinyin, tags_initials, compact(description))


@functools.lru_cache(maxsize=4096)
def _lesson_ordering(grade, subject, edition, volume, unit_order, unit) -> str:
    """The start of a row's sort key: grade, subject, edition, volume, unit (one per unit)."""
    return "\x1f".join((f"{_num(grade)}{_num(_SUBJECT_RANK.get(subject, 99))}{subject}", edition,
                        f"{_num(_VOLUME_RANK.get(volume, 99))}{volume}", f"{_num(unit_order)}{unit}", ""))


def _num(value) -> str:
    """A small non-negative int as a fixed-width sortable string."""
    return f"{max(0, min(int(value or 0), 99_999)):05d}"
