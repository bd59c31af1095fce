"""The reads the 审核 screen runs (issue 15); no Qt here. Whether this PC reviews, and with which
key, database and repository, is :mod:`teachpoint.review.config`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from teachpoint import review
from teachpoint.library.model import STATE_INSTALLED
from teachpoint.library.curriculum import grade_name
from teachpoint.review.config import ReviewConfig
from teachpoint.ui.queries import LessonInfo

log = logging.getLogger(__name__)


@dataclass
class EntryDetails:
    """One queue entry as the screen shows it: ``shown`` is :func:`teachpoint.review.show`'s dict
    (placement, teacher, checks, history); the paths are the queued files to look at."""

    entry: review.Entry
    shown: dict
    thumbnail: Path | None = None
    video: Path | None = None


def load_queue(config: ReviewConfig) -> list[review.Entry]:
    """Waiting entries first (oldest first), then the decided ones."""
    entries = review.list_entries(config.db)
    return sorted(entries, key=lambda e: (e.state != "pending", e.id))


def load_details(config: ReviewConfig, entry_id: int) -> EntryDetails:
    """The checks of one entry (ffprobe; slow: run in a worker) and its files' paths."""
    entry = next(e for e in review.list_entries(config.db) if e.id == entry_id)
    shown = review.show(config.db, entry_id, config.repo_folder)
    details = EntryDetails(entry, shown)
    for res in entry.resources:
        for f in res.files:
            if f.role == "thumbnail" and details.thumbnail is None:
                details.thumbnail = review.blob_path(config.db, f.sha256)
            if f.role == "main" and res.kind == "video" and details.video is None:
                details.video = review.blob_path(config.db, f.sha256)
    return details


def lesson_to_watch(config: ReviewConfig, details: EntryDetails) -> LessonInfo | None:
    """The queued video as a lesson the existing player opens (None: nothing to play)."""
    if details.video is None:
        return None
    first = details.entry.first
    pos = first.position
    subs = [(f.language, review.blob_path(config.db, f.sha256))
            for res in details.entry.resources for f in res.files if f.role == "subtitle"]
    return LessonInfo(
        resource_id=f"review:{details.entry.id}", title=first.title, kind="video", grade=pos.grade,
        grade_label=grade_name(pos.grade), subject=pos.subject, edition=pos.edition,
        volume=pos.volume, unit=pos.unit, lesson=pos.lesson, duration=first.duration,
        state=STATE_INSTALLED, main_path=details.video, subtitles=subs)


def accept(config: ReviewConfig, entry_id: int) -> review.Entry:
    return review.accept(config.db, entry_id, config.key, config.out, endpoint_url=config.endpoint_url)


def reject(config: ReviewConfig, entry_id: int, reason: str) -> review.Entry:
    """Refuse with the reason; published at once (the reason travels back with the next sync)."""
    return review.reject(config.db, entry_id, reason, key=config.key, out=config.out,
                         endpoint_url=config.endpoint_url)


def undo(config: ReviewConfig, entry_id: int) -> review.Entry:
    return review.undo(config.db, entry_id, key=config.key, out=config.out,
                       endpoint_url=config.endpoint_url)


def collect(config: ReviewConfig, folder: Path) -> review.CollectResult:
    return review.collect(config.db, [Path(folder)], endpoint_url=config.endpoint_url)
