"""Disk space of the content store: what lessons use, what is free, and the free-space floor.

The floor ("keep at least N bytes free") is what the store refuses to write below (see
:meth:`teachpoint.library.store.ContentStore.check_space`). :func:`check_floor` is the one check
for a new floor value, whoever sets it (the settings page, a site configuration).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from teachpoint.errors import UsageError


class FloorProblem(UsageError):
    """A free-space floor that cannot be used; ``reason``: not_a_number, negative, too_large."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class StoreSpace:
    """Bytes used by stored lesson files, and the size and free space of their disk."""

    used: int
    files: int
    free: int
    total: int
    floor: int


def disk_of(path: Path) -> tuple[int, int]:
    """(total, free) bytes of the filesystem holding ``path`` (its nearest existing folder)."""
    p = Path(path)
    while not p.exists() and p.parent != p:
        p = p.parent
    try:
        usage = shutil.disk_usage(p)
    except OSError:
        return 0, 0
    return usage.total, usage.free


def store_space(store) -> StoreSpace:
    """Walk the store (slow on a big store: run it off the UI thread) and measure its disk."""
    stats = store.stats()
    total, free = disk_of(store.root)
    return StoreSpace(stats.bytes, stats.count, free, total, store.floor_bytes)


def check_floor(value, total: int) -> int:
    """The floor as an int of bytes if it is a sensible value for a disk of ``total`` bytes.

    UsageError for a negative or non-integer value, or one the disk could never satisfy.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise FloorProblem("not_a_number",
                           f"the free-space floor must be a whole number of bytes, not {value!r}")
    if value < 0:
        raise FloorProblem("negative", f"the free-space floor cannot be negative ({value})")
    if total and value >= total:
        raise FloorProblem("too_large", f"the free-space floor ({value} bytes) is larger than "
                           f"the disk ({total} bytes)")
    return value
