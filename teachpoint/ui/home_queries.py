"""Reads and writes the home screen and the class picker run in workers; no Qt here.

Each function takes the catalogue's lock for its whole read, so what it returns is one
consistent view; results are plain data, safe to hand to the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from teachpoint.errors import DataDirError, UsageError
from teachpoint.library import home, teaching
from teachpoint.library.curriculum import lookup_subject
from teachpoint.library.home import ClassOffer, NewLesson, NextLesson, SeenMarker
from teachpoint.library.teaching import TeachingClass
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

LOCK_CLASSES = "classes"  # the LOCKABLE name a site configuration uses


@dataclass(frozen=True)
class ClassCard:
    """One of "my classes" with the lesson it continues with (None: no lessons here)."""

    teaching_class: TeachingClass
    grade_label: str
    next: NextLesson | None
    subject_known: bool  # False: a subject name this TeachPoint does not know (hand-edited)


@dataclass
class HomeData:
    cards: list[ClassCard] = field(default_factory=list)
    library_empty: bool = True
    new_count: int = 0
    new_lessons: list[NewLesson] = field(default_factory=list)
    marker: SeenMarker | None = None  # covers what this read saw; saved when the page is shown
    classes_locked: bool = False


@dataclass
class PickerData:
    offers: list[ClassOffer]
    classes: list[TeachingClass]
    locked: bool      # the site configuration (IT staff) set the classes
    read_only: bool   # the data directory cannot be written


def load_home(ws: Workspace) -> HomeData:
    """Everything the home page shows, in one read."""
    cat = ws.catalogue
    with cat.write_lock:
        data = HomeData(library_empty=home.library_is_empty(cat),
                        classes_locked=ws.is_locked(LOCK_CLASSES))
        for cls in teaching.classes(cat):
            data.cards.append(ClassCard(cls, home.grade_label(cls.grade), home.next_lesson(cat, cls),
                                        lookup_subject(cls.subject) == cls.subject))
        seen = home.seen_marker(cat)
        data.new_count = home.count_new_lessons(cat, seen)
        data.new_lessons = home.new_lessons(cat, seen)
        data.marker = home.current_marker(cat)
    return data


def mark_seen(ws: Workspace, marker: SeenMarker | None) -> None:
    """The teacher has looked at the home page: arrivals up to ``marker`` are no longer new."""
    if marker is None or ws.read_only:
        return
    home.mark_seen(ws.catalogue, marker)


def load_picker(ws: Workspace) -> PickerData:
    cat = ws.catalogue
    with cat.write_lock:
        return PickerData(home.class_offers(cat), teaching.classes(cat),
                          ws.is_locked(LOCK_CLASSES), ws.read_only)


def save_classes(ws: Workspace, wanted: list[tuple[int, str, str]]) -> list[TeachingClass]:
    """Make "my classes" exactly ``wanted`` (grade, subject, edition); returns the saved list.

    Classes kept from before keep their id. Refused when the site configuration locks the
    classes or the data directory is read-only.
    """
    if ws.is_locked(LOCK_CLASSES):
        raise UsageError("the school's IT teacher set the classes on this computer")
    if ws.read_only:
        raise DataDirError("the lesson library on this computer is read-only")
    cat = ws.catalogue
    with cat.write_lock:
        keep = {(g, s, e) for g, s, e in wanted}
        existing = teaching.classes(cat)
        for cls in existing:
            if (cls.grade, cls.subject, cls.edition) not in keep:
                teaching.remove_class(cat, cls.id)
        have = {(c.grade, c.subject, c.edition) for c in existing}
        for grade, subject, edition in wanted:
            if (grade, subject, edition) not in have:
                teaching.add_class(cat, grade, subject, edition)
                have.add((grade, subject, edition))
        saved = teaching.classes(cat)
    log.info("my classes: %s", ", ".join(f"{c.grade}/{c.subject}/{c.edition or '*'}" for c in saved))
    return saved
