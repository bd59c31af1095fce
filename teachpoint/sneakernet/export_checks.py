"""What an export destination allows, checked before anything is written to it.

FAT rules (names FAT32 and Windows accept, case-insensitive clashes, the 4 GiB - 1 file limit),
the type of the filesystem holding the destination, and what the stick already carries: files
of the right size, and a ``root.json`` of its own that ours must not replace. Used by
:func:`teachpoint.sneakernet.export.export`; :mod:`teachpoint.sneakernet.export` re-exports the public names.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from teachpoint.errors import StoreError
from teachpoint.repo.format import MAX_ROOT_BYTES, ROOT_NAME, blob_path

if TYPE_CHECKING:
    from teachpoint.sneakernet.export import ExportReport
    from teachpoint.sneakernet.export_plan import RepoPlan

FAT_MAX_FILE = (4 << 30) - 1
FAT_TYPES = {"vfat", "msdos", "fat", "umsdos"}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_FAT_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


class ExportError(StoreError):
    """The stick cannot take the export (read-only, a name or a file FAT cannot hold, …)."""


class StickReadOnly(ExportError):
    """The stick cannot be written at all (write-protected or mounted read-only)."""


# ---- FAT ------------------------------------------------------------------------------------------


def fat_name_ok(name: str) -> bool:
    """A name FAT32 (long names) and Windows accept: ASCII, no reserved characters or device names."""
    return (0 < len(name) <= 255 and name.isascii() and not _FAT_BAD.search(name)
            and not name.endswith((".", " ")) and name.split(".")[0].lower() not in _RESERVED)


def check_fat_names(names) -> None:
    """Raise ExportError unless every name is FAT-safe and they are unique ignoring case."""
    seen: dict[str, str] = {}
    for name in names:
        if not fat_name_ok(name):
            raise ExportError(f"the name {name!r} cannot be written to a FAT stick")
        other = seen.setdefault(name.lower(), name)
        if other != name:
            raise ExportError(f"the names {other!r} and {name!r} clash on a FAT stick (case is ignored)")


def check_fat_sizes(dest: Path, todo: list[tuple[RepoPlan, str, int]]) -> None:
    """Raise ExportError if a blob of ``todo`` (``(repo plan, sha256, size)``) is too big for FAT32."""
    for r, sha, size in todo:
        if size > FAT_MAX_FILE:
            raise ExportError(
                f"{r.names.get(sha, sha)} is {size / (1 << 30):.1f} GiB, too big for a FAT32 stick "
                f"(at most 4 GiB - 1 a file; it would be {dest / r.repository / blob_path(sha)}); "
                "format the stick as exFAT or NTFS and pass --large-files")


def filesystem_type(path: Path, mounts: str | None = None) -> str | None:
    """The type of the filesystem holding ``path`` (Linux: longest mount-point prefix in /proc/mounts)."""
    real = os.path.realpath(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text("utf-8", "replace")
        except OSError:
            return None
    best, fstype = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), parts[1])
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):  # later mounts over the same point win
            best, fstype = point, parts[2]
    return fstype


def may_be_fat(path: Path, mounts: str | None = None) -> bool:
    """True if ``path`` is on FAT, or we cannot tell (not Linux, no /proc/mounts)."""
    if mounts is None and not sys.platform.startswith("linux"):
        return True
    kind = filesystem_type(path, mounts)
    return kind is None or kind in FAT_TYPES


# ---- what the stick already has -------------------------------------------------------------------


def present(path: Path, size: int) -> bool:
    """True if ``path`` is a regular file (not a symlink) of ``size`` bytes."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return st.st_size == size and not os.path.islink(path) and os.path.isfile(path)


def read_small(path: Path) -> bytes | None:
    """At most ``MAX_ROOT_BYTES + 1`` bytes of a file, or None if it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_ROOT_BYTES + 1)
    except OSError:
        return None


def stick_root_allows(dest: Path, r: RepoPlan, report: ExportReport) -> bool:
    """False (with a note in ``report``) if the stick already has a newer or conflicting root for ``r``."""
    data = read_small(dest / r.repository / ROOT_NAME)
    if data is None or data == r.root_raw:
        return True
    try:
        payload = json.loads(json.loads(data.decode("utf-8"))["payload"])
        version = payload["version"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise TypeError
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return True  # garbage on the stick: ours replaces it (the importer verifies anyway)
    if version > r.version:
        report.notes.append(f"{r.repository}: the stick already has version {version}, newer than "
                            f"our {r.version}: skipped")
        return False
    if version == r.version:
        report.notes.append(f"{r.repository}: the stick has a different version {version} "
                            "(same number, other content): skipped")
        return False
    return True
