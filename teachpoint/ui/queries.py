"""Plain reads of the library that the UI runs (in workers or on the GUI thread); no Qt here.

The catalogue has one SQLite connection shared by threads; every function takes the catalogue's
lock so a background read and a GUI-thread write (say, saving the resume position) never
interleave on it. Results are plain data, safe to hand from a worker to the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.library import browse, home, search, teaching
from teachpoint.library.curriculum import grade_name
from teachpoint.library.model import STATE_INSTALLED
from teachpoint.library.teaching import TeachingClass
from teachpoint.library.lesson_files import check_stored_files
from teachpoint.ui.own_queries import OwnMark, mark_own_lessons, own_mark
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

SUBTITLE_PREFERENCE = ("zh", "zh-cn", "zh_cn", "chi", "")  # classroom default: Chinese first


@dataclass(frozen=True)
class LibrarySummary:
    lessons: int
    installed: int
    not_downloaded: int
    damaged: int
    store_bytes: int


@dataclass
class LessonInfo:
    """Everything the details panel and the player need about one resource."""

    resource_id: str
    title: str
    kind: str
    grade: int
    grade_label: str
    subject: str
    edition: str
    volume: str
    unit: str
    lesson: int
    duration: float | None
    state: str | None
    description: str = ""
    main_path: Path | None = None
    subtitles: list[tuple[str, Path]] = field(default_factory=list)  # (language, path), preferred first
    thumbnail_path: Path | None = None
    position_ms: int = 0
    play_count: int = 0
    finished: bool = False
    own: OwnMark | None = None  # a teacher's lesson: 本校 (with its review state) or another school's

    @property
    def playable(self) -> bool:
        return self.state == STATE_INSTALLED and self.main_path is not None

    @property
    def breadcrumbs(self) -> list[str]:
        """年级 · 学科 · 版本 册 · 单元 (empty parts left out)."""
        book = " ".join(p for p in (self.edition, self.volume) if p)
        return [p for p in (self.grade_label, self.subject, book, self.unit) if p]


def load_tree(ws: Workspace) -> list[dict]:
    """The whole curriculum tree (see :func:`teachpoint.library.browse.browse_tree`)."""
    with ws.catalogue.write_lock:
        tree = browse.browse_tree(ws.catalogue.db)
    mark_own_lessons(ws, tree)  # 本校 lessons carry their review state ("own")
    return tree


@dataclass(frozen=True)
class SearchRow:
    """One search hit with its local state (so results can be marked 未下载 / 已损坏)."""

    hit: search.SearchHit
    state: str | None


def run_search(ws: Workspace, query: str, limit: int = 50, grade: int | None = None,
               subject: str | None = None) -> list[SearchRow]:
    with ws.catalogue.write_lock:
        hits = search.search(ws.catalogue.db, query, grade=grade, subject=subject, limit=limit)
        return [SearchRow(h, ws.catalogue.state_of(h.resource_id)) for h in hits]


def library_summary(ws: Workspace) -> LibrarySummary:
    with ws.catalogue.write_lock:
        status = ws.catalogue.status()
    lessons = status["lessons"]
    return LibrarySummary(
        lessons=sum(lessons.values()), installed=lessons["installed"],
        not_downloaded=lessons["not_downloaded"], damaged=lessons["damaged"],
        store_bytes=status["blob_bytes"])


def load_lesson(ws: Workspace, resource_id: str) -> LessonInfo | None:
    """Details of one resource with the paths of its stored files (None if it is gone)."""
    with ws.catalogue.write_lock:
        res = ws.catalogue.resource(resource_id)
        if res is None:
            return None
        state = ws.catalogue.state_of(resource_id)
        progress = teaching.progress_of(ws.catalogue, resource_id)
    pos = res.position
    info = LessonInfo(
        resource_id=resource_id, title=res.title, kind=res.kind, grade=pos.grade,
        grade_label=grade_name(pos.grade), subject=pos.subject, edition=pos.edition,
        volume=pos.volume, unit=pos.unit, lesson=pos.lesson, duration=res.duration, state=state,
        description=res.description, position_ms=progress["position_ms"],
        play_count=progress["play_count"], finished=progress["finished"],
        own=own_mark(ws, resource_id))
    main = res.main
    if main is not None and state == STATE_INSTALLED and ws.store.has(main.sha256):
        info.main_path = ws.store.path_of(main.sha256)
    subs = [f for f in res.files if f.role == "subtitle" and ws.store.has(f.sha256)]
    subs.sort(key=lambda f: _subtitle_rank(f.language))
    info.subtitles = [(f.language, ws.store.path_of(f.sha256)) for f in subs]
    thumb = next((f for f in res.files if f.role == "thumbnail" and ws.store.has(f.sha256)), None)
    if thumb is not None:
        info.thumbnail_path = ws.store.path_of(thumb.sha256)
    return info


def _subtitle_rank(language: str) -> int:
    lang = (language or "").lower()
    return SUBTITLE_PREFERENCE.index(lang) if lang in SUBTITLE_PREFERENCE else len(SUBTITLE_PREFERENCE)


def save_position(ws: Workspace, resource_id: str, position_ms: int, finished: bool = False) -> None:
    """Remember where playback stopped; a read-only data directory just skips it."""
    if ws.read_only:
        return
    teaching.save_position(ws.catalogue, resource_id, position_ms, finished=finished)


def record_play(ws: Workspace, resource_id: str) -> None:
    if ws.read_only:
        return
    teaching.record_play(ws.catalogue, resource_id)


def next_lesson_after(ws: Workspace, info: LessonInfo) -> tuple[str, str] | None:
    """(id, title) of the lesson the class continues with after ``info`` — the home card's own
    choice (:func:`teachpoint.library.home.next_lesson` for ``info``'s grade, subject and edition),
    read after ``info`` was marked finished; None when ``info`` was the class's last lesson."""
    cls = TeachingClass(0, info.grade, info.subject, info.edition)
    with ws.catalogue.write_lock:
        nxt = home.next_lesson(ws.catalogue, cls)
    if nxt is None or nxt.resource_id == info.resource_id:
        return None
    return nxt.resource_id, nxt.title


def recheck_lesson_file(ws: Workspace, resource_id: str) -> bool | None:
    """Re-hash a lesson's stored files; a damaged one is moved aside and marked damaged, so the
    next sync (or stick) fetches it again. True if one was damaged (a fresh copy will help),
    False if all are intact (the file itself is faulty), None if none is stored to check."""
    with ws.catalogue.write_lock:
        res = ws.catalogue.resource(resource_id)
    shas = [f.sha256 for f in (res.files if res is not None else ()) if ws.store.has(f.sha256)]
    if not shas:
        return None
    if ws.read_only:
        return bool(ws.store.verify(shas).damaged)
    return bool(check_stored_files(ws.catalogue, ws.store, shas).damaged)
