"""Durable writes shared by the core (no Qt): the store, export, publish and every small file.

One way to put bytes on disk so a crash leaves the old file or the whole new one: write a temp
file next to the target, fsync it, rename it over the target, fsync the folder.

What TeachPoint publishes or exports is read by other accounts: Debian's nginx and Apache run as
``www-data``, a stick is read on another PC (DESIGN §9). So published files are born 0644 and the
folders this code creates 0755, *whatever the umask* (the umask may only narrow a mode given to
``open``/``mkdir``; these helpers set the exact mode afterwards). Private things (secret keys) are
written elsewhere with 0600 (``teachpoint.repo.keys``).
"""

from __future__ import annotations

import hashlib
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


def remove_leftovers(folder: Path, is_leftover, max_files: int = 200_000) -> tuple[int, int]:
    """Delete the files under ``folder`` that ``is_leftover(path)`` calls crash leftovers.

    For temp and partial files a killed process left behind (the caller makes sure no live
    process owns them: it holds the sync lock, or the folder is its own output). Symlinks are
    never followed; at most ``max_files`` entries are looked at. Returns (files, bytes) removed;
    a file that cannot be removed is skipped (the next run tries again).
    """
    removed = freed = seen = 0
    stack = [Path(folder)]
    while stack and seen < max_files:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False) and is_leftover(Path(entry.path)):
                    size = entry.stat(follow_symlinks=False).st_size
                    os.unlink(entry.path)
                    removed, freed = removed + 1, freed + size
            except OSError:
                continue
    return removed, freed


def is_temp_name(path: Path) -> bool:
    """A name :func:`atomic_write` and the store's, export's and publish's writers use for temps."""
    return path.name.endswith(".tmp")


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (no-op where directories cannot be opened, e.g. Windows)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: memoryview) -> None:
    """``os.write`` until every byte of ``data`` is written."""
    while data:
        data = data[os.write(fd, data):]


COPY_CHUNK = 1 << 20


def copy_verified(src: Path, target: Path, sha256: str, size: int, on_chunk=None,
                  mode: int = PUBLIC_FILE) -> bool:
    """Copy ``src`` to ``target`` hashing in the same pass; False (nothing left) if it does not match.

    The bytes go to ``target.tmp``, are fsynced, and renamed into place only when the hash and
    size are right, so a file changed between hashing and copying is never published under the
    wrong name. ``on_chunk(bytes_done)`` after each chunk (it may raise to cancel). Errors pass
    as OSError; the temp file is removed on every failure.
    """
    tmp = target.with_name(target.name + ".tmp")
    with open(src, "rb", buffering=0) as fin:
        if os.fstat(fin.fileno()).st_size != size:
            return False
        advise(fin.fileno(), "SEQUENTIAL")
        make_dirs(target.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), mode)
        set_mode(fd, mode)  # the umask may have narrowed it
        h, done, good = hashlib.sha256(), 0, False
        buf = memoryview(bytearray(COPY_CHUNK))
        try:
            while n := fin.readinto(buf):
                h.update(buf[:n])
                write_all(fd, buf[:n])
                done += n
                if done % (32 << 20) < n:
                    advise(fd, "DONTNEED")  # start writeback now: the final fsync is short
                if on_chunk:
                    on_chunk(done)
            good = done == size and h.hexdigest() == sha256
            if good:
                os.fsync(fd)
        finally:
            os.close(fd)
            if not good:
                _unlink_quietly(tmp)
    if not good:
        return False
    try:
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError:
        _unlink_quietly(tmp)
        raise
    return True


def advise(fd: int, advice: str) -> None:
    """``posix_fadvise`` where the OS has it (SEQUENTIAL, DONTNEED …); a hint, never an error."""
    if hasattr(os, "posix_fadvise"):
        try:
            os.posix_fadvise(fd, 0, 0, getattr(os, "POSIX_FADV_" + advice))
        except OSError:
            pass


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def link_or_copy(src: Path, target: Path, sha256: str, size: int) -> bool:
    """Make ``target`` the same bytes as the verified file ``src``: a hard link where the file
    system allows (one copy on disk; both are immutable, named by hash), else a verified copy.
    False (nothing left) if a copy does not match ``sha256``/``size``."""
    make_dirs(Path(target).parent)
    try:
        os.link(src, target)
        return True
    except OSError:
        return copy_verified(Path(src), Path(target), sha256, size)
