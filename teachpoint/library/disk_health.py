"""Can this PC still save what a class does, and still download lessons? No Qt here.

Two things go wrong on a full disk, and a teacher must see both (not only the log):

* the catalogue cannot be written ("database or disk is full", SQLite's ``SQLITE_FULL``): play
  positions, bookmarks and classes are not saved — found by a small real write
  (:func:`check_disk` with ``write_probe``), decided by SQLite's error code, never its text;
* free space is below the floor the store keeps (:class:`~teachpoint.errors.NotEnoughSpace`):
  no lesson can be downloaded, on any page.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from teachpoint.library.catalogue import now_iso
from teachpoint.library.space import disk_of

log = logging.getLogger(__name__)

PROBE_KEY = "health.write_probe"
PROBE_BYTES = 8192  # more than a page: a full database cannot take it without growing


@dataclass(frozen=True)
class DiskHealth:
    """Free bytes and the floor of the lesson store's disk, and whether the catalogue can be written."""

    free: int
    floor: int
    can_save: bool = True
    detail: str = ""  # the technical reason when it cannot (for 技术详情)

    @property
    def downloads_blocked(self) -> bool:
        """No lesson fits: the store refuses to go below the floor."""
        return self.free <= self.floor

    @property
    def ok(self) -> bool:
        return self.can_save and not self.downloads_blocked


def check_disk(ws, write_probe: bool = False) -> DiskHealth:
    """Measure the store's disk and, with ``write_probe``, try a real write to the catalogue.

    Run it in a worker: it takes the catalogue's lock. A read-only data directory is reported by
    the workspace elsewhere and is not probed.
    """
    _total, free = disk_of(ws.store.root)
    floor = ws.store.floor_bytes
    if not write_probe or ws.read_only:
        return DiskHealth(free, floor)
    try:
        _probe(ws.catalogue)
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_FULL:
            raise
        log.warning("the catalogue cannot be written: %s", exc)
        return DiskHealth(free, floor, can_save=False, detail=f"SQLite: {exc}")
    return DiskHealth(free, floor)


def _probe(cat) -> None:
    """Write (and remove) a row bigger than a page, in one transaction: it fails exactly when
    the catalogue can no longer grow."""
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                            [PROBE_KEY, now_iso().ljust(PROBE_BYTES, ".")])
        cat.db.conn.execute("DELETE FROM settings WHERE key = ?", [PROBE_KEY])
