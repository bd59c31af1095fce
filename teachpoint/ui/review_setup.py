"""Where the 审核 screen finds the county's review (issue 15), and the reads it runs; no Qt here.

The screen exists only on a reviewer's PC: one where IT staff configured the county's publisher
key. Nothing in the app knew a publisher's *private* key before (the trust store holds public
keys), so the review takes one setting, ``review.county`` (:data:`SETTING_REVIEW`), a JSON object
with the same three things the command line takes (``teachpoint review … --db --key --out``)::

    {"key": "/srv/county/publisher.key", "db": "/srv/county/county.db",
     "out": "/srv/county/repo"   (or "s3://bucket/prefix"),  "endpoint_url": ""}

``db`` defaults to ``county.db`` beside the key, ``out`` to ``repo`` beside the key. Without the
setting, or when the key file is not there, :func:`review_config` is None and the top bar shows
no 审核 place (teachers never see it).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from teachpoint import review
from teachpoint.library.model import STATE_INSTALLED
from teachpoint.library.curriculum import grade_name
from teachpoint.transport.s3 import is_s3_url
from teachpoint.ui.queries import LessonInfo

log = logging.getLogger(__name__)

SETTING_REVIEW = "review.county"


@dataclass(frozen=True)
class ReviewConfig:
    """The county's publisher key, its database (the queue) and its repository (folder or s3://)."""

    key: Path
    db: Path
    out: str
    endpoint_url: str | None = None

    @property
    def repo_folder(self) -> Path | None:
        """The county repository as a folder (duplicates are looked for there), else None."""
        return None if is_s3_url(self.out) else Path(self.out)


def review_config(ws) -> ReviewConfig | None:
    """The configured review, or None (no setting, unreadable setting, key file missing)."""
    raw = ws.setting(SETTING_REVIEW)
    if not raw:
        return None
    try:
        value = json.loads(raw)
        key = Path(value["key"]).expanduser()
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("setting %s is not usable (%s); no 审核 screen", SETTING_REVIEW, exc)
        return None
    if not key.is_file():
        log.warning("the publisher key %s named by %s is not there; no 审核 screen", key, SETTING_REVIEW)
        return None
    db = Path(value.get("db") or key.with_name("county.db")).expanduser()
    out = str(value.get("out") or key.with_name("repo"))
    return ReviewConfig(key, db, out, value.get("endpoint_url") or None)


def configure(ws, key: Path, db: Path | None = None, out: str | None = None,
              endpoint_url: str | None = None) -> None:
    """Write the setting (IT staff's set-up and the tests)."""
    value = {"key": str(key), "db": str(db) if db else "", "out": str(out) if out else "",
             "endpoint_url": endpoint_url or ""}
    ws.set_setting(SETTING_REVIEW, json.dumps(value, ensure_ascii=False))


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
