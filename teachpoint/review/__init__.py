"""The county's review of teachers' lessons (审核/准入; issue 15).

The API the app's 审核 screen and the command line use (``db`` is the county database file)::

    collect(db, sources, endpoint_url=None) -> CollectResult     sticks, folders, s3:// prefixes
    list_entries(db, state=None) -> list[Entry]
    show(db, id, county_repo=None) -> dict                       the entry, its checks, history
    accept(db, id, key, out, *, by=None, name=None, endpoint_url=None) -> Entry
    reject(db, id, reason, *, by=None, key=None, out=None, …) -> Entry
    undo(db, id, *, by=None, key=None, out=None, …) -> Entry
    blob_path(db, sha256) -> Path                                a queued file (to play, thumbnail)
"""

from __future__ import annotations

from pathlib import Path

from teachpoint.library import review_queue
from teachpoint.review.checks import entry_checks
from teachpoint.review.collect import CollectResult, collect, open_queue, review_store
from teachpoint.review.decide import accept, load_entry, reject, undo
from teachpoint.review.model import Entry

__all__ = ["CollectResult", "Entry", "accept", "blob_path", "collect", "list_entries", "reject",
           "show", "undo"]


def list_entries(db_path, state: str | None = None) -> list[Entry]:
    """The queue, oldest first (``state``: only pending / accepted / rejected ones)."""
    conn = open_queue(db_path)
    try:
        return [Entry.from_row(r) for r in review_queue.entries(conn, state)]
    finally:
        conn.close()


def show(db_path, entry_id, county_repo: Path | None = None) -> dict:
    """One entry with its checks (duration, resolution, bitrate, subtitle encoding, duplicates)
    and the history of decisions about it."""
    conn = open_queue(db_path)
    try:
        entry = load_entry(conn, entry_id)
        return {**entry.to_json(), "checks": entry_checks(conn, review_store(db_path), entry, county_repo),
                "history": review_queue.history(conn, entry.id)}
    finally:
        conn.close()


def blob_path(db_path, sha256: str) -> Path:
    """Where a queued file is (the 审核 screen plays the video and shows the thumbnail from it)."""
    return review_store(db_path).path_of(sha256)
