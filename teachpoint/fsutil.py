"""Small filesystem helpers shared by the core (no Qt).

What TeachPoint publishes or exports is read by other accounts: Debian's nginx and Apache run as
``www-data``, a stick is read on another PC (DESIGN §9). So published files are born 0644 and the
folders this code creates 0755, *whatever the umask* (the umask may only narrow a mode given to
``open``/``mkdir``; these helpers set the exact mode afterwards). Private things (secret keys) are
written elsewhere with 0600 (``teachpoint.repo.keys``).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PUBLIC_FILE = 0o644  # readable by a web server's account, writable by the owner
PUBLIC_DIR = 0o755


def make_dirs(path: Path, mode: int = PUBLIC_DIR) -> None:
    """Create ``path`` and its missing parents, each new folder with exactly ``mode``.

    Folders that already exist are left as they are (never chmod someone's /tmp or home).
    """
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by someone else meanwhile: theirs to set
        set_mode(folder, mode)


def set_mode(fd_or_path, mode: int = PUBLIC_FILE) -> None:
    """Give an open file descriptor (int) or a path exactly ``mode`` (no-op off POSIX).

    A file system without Unix modes (FAT/exFAT sticks refuse some changes with EPERM) keeps what
    its mount options give: a failure here is logged, never raised.
    """
    if os.name != "posix":
        return
    try:
        if isinstance(fd_or_path, int):
            os.fchmod(fd_or_path, mode)
        else:
            os.chmod(fd_or_path, mode)
    except OSError as exc:
        log.debug("cannot set mode %o on %s: %s", mode, fd_or_path, exc)


def atomic_write(path: Path, data: bytes, mode: int = PUBLIC_FILE) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one, never a part.

    A uniquely named temp file in the same folder is written, fsynced and renamed over ``path``;
    the file gets exactly ``mode`` (default 0644: published and cached content is public) and
    missing folders are created 0755. On any failure the temp file is removed and the error (an
    OSError) passes to the caller.
    """
    path = Path(path)
    make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            set_mode(fh.fileno(), mode)  # mkstemp makes 0600
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
