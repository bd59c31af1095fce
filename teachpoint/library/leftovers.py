"""What a killed import leaves in a data folder, and removing it when the folder is opened.

A blob is written to ``store/tmp`` and renamed into place only once verified; a download writes
``store/partial/<sha>.part`` with a ``.ranges`` sidecar that says which bytes are good; metadata
and settings files are written through temp files next to them. A ``kill -9`` part way leaves the
temp files (up to a whole lesson) and, before the first sidecar, a ``.part`` nothing can resume.
:func:`remove_crash_leftovers` deletes exactly those; it is called with the sync lock held, so no
live process owns them. Resumable partial downloads (a ``.part`` with its sidecar) are kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from teachpoint.fsutil import is_temp_name, remove_leftovers

log = logging.getLogger(__name__)


@dataclass
class Leftovers:
    files: int = 0
    bytes: int = 0


def remove_crash_leftovers(store, metadata_dir: Path) -> Leftovers:
    """Delete temp files and unresumable partials of killed processes (caller holds the lock)."""
    out = Leftovers()
    for folder, doomed in ((store.tmp_dir, lambda p: True),
                           (store.partial_dir, _unresumable),
                           (Path(metadata_dir), is_temp_name)):
        files, size = remove_leftovers(folder, doomed)
        out.files, out.bytes = out.files + files, out.bytes + size
    if out.files:
        log.info("removed %d file(s), %d bytes left by an interrupted import", out.files, out.bytes)
    return out


def _unresumable(path: Path) -> bool:
    if is_temp_name(path):
        return True  # a sidecar being rewritten when the process died
    return path.suffix == ".part" and not path.with_suffix(".ranges").exists()
