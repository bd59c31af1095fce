"""Low-level pieces of the content store: validating names and sizes, cancelling, durable writes, hashing.

Shared by :class:`teachpoint.library.store.ContentStore`, its maintenance
(:mod:`teachpoint.library.store_maintenance`) and partial downloads
(:mod:`teachpoint.library.partial`). Everything here is re-exported by
:mod:`teachpoint.library.store`, which is where other modules import it from.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, ContextManager, Protocol

from teachpoint.fsutil import fsync_dir, write_all  # noqa: F401 (the store's writers use them)
from teachpoint.errors import BlobMismatch, StoreError

CHUNK = 1 << 20  # read size; measured faster than 4 or 16 MiB here (the buffer stays in cache)
WRITEBACK_EVERY = 32 << 20  # start writing dirty pages to disk this often (see _fadvise)
_SHA_RE = re.compile(r"[0-9a-f]{64}")

Progress = Callable[[int], None]


class CancelToken(Protocol):
    """Anything with ``is_set()``, e.g. :class:`threading.Event`."""

    def is_set(self) -> bool: ...


class Cancelled(StoreError):
    """The caller's cancel token was set; the operation left nothing behind."""


def check_sha(sha256: object) -> str:
    """Return ``sha256`` if it is 64 lower-case hex digits, else raise :class:`StoreError`."""
    if not isinstance(sha256, str) or not _SHA_RE.fullmatch(sha256):
        raise StoreError(f"not a SHA-256 (64 lower-case hex digits): {sha256!r:.80}")
    return sha256


def check_cancel(cancel: CancelToken | None, what: str) -> None:
    """Raise :class:`Cancelled` if the token is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"cancelled: {what}")


def hash_file(path: Path, progress: Progress | None = None, cancel: CancelToken | None = None) -> str:
    """SHA-256 of a file, read in big chunks; ``progress(bytes_done)`` after each one."""
    h, done = hashlib.sha256(), 0
    buf = memoryview(bytearray(CHUNK))
    with open(path, "rb", buffering=0) as f:
        _fadvise(f.fileno(), 0, "SEQUENTIAL")
        while n := f.readinto(buf):
            check_cancel(cancel, f"hashing {path.name}")
            h.update(buf[:n])
            done += n
            if progress:
                progress(done)
    return h.hexdigest()


def _fadvise(fd: int, length: int, advice: str) -> None:
    """``posix_fadvise`` where it exists (not on Windows/macOS); a hint, so failures are ignored.

    ``SEQUENTIAL`` on sources doubles read-ahead. ``DONTNEED`` on the temp file, every
    :data:`WRITEBACK_EVERY` bytes, makes Linux start writeback at once, so the disk works while we
    hash and the final fsync is short (1 GiB: 2.2 s → 1.7 s here; ``cp`` + sync 1.3 s); it also
    keeps a big import from pushing everything else out of a small PC's memory.
    """
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, length, getattr(os, "POSIX_FADV_" + advice))


def copy_hashing(fill, fd: int, size: int, progress: Progress | None, cancel: CancelToken | None,
                 label: str, writing: Callable[[], ContextManager], write=write_all) -> str:
    """The store's one copy loop: ``fill`` into ``fd``, never more than ``size + 1`` bytes; the hex hash.

    Reading, hashing and writing overlap: while chunk k is hashed here, a worker writes it and
    another reads chunk k+1 into the second buffer (hashlib and file I/O release the GIL). At
    most one read and one write are in flight, so the file is read and written in order. Errors
    of ``fill`` (the source) propagate unchanged; ``write(fd, chunk)`` writes, and its OSError
    passes through ``writing()`` (the store turns it into a StoreError). The serial loop ran at
    0.62-0.74x of ``cp`` + per-file fsync on a 1 GB import, the hash (~2 GB/s) adding its time to
    the disk's; see benchmarks/usb_import.py.
    """
    h, done = hashlib.sha256(), 0
    bufs = [memoryview(bytearray(min(CHUNK, size + 1))) for _ in range(2)]
    pool = _writer_pool()
    reading = pool.submit(fill, bufs[0][: min(len(bufs[0]), size + 1)])
    in_flight = None  # the write in flight

    def finish_write(written: int) -> None:
        """Wait for the write in flight; every WRITEBACK_EVERY bytes start writeback (see _fadvise)."""
        if in_flight is None:
            return
        with writing():
            in_flight.result()
        if written % WRITEBACK_EVERY < CHUNK:
            _fadvise(fd, written, "DONTNEED")

    try:
        for turn in itertools.count():
            check_cancel(cancel, f"adding {label}")
            n = reading.result()  # a source's OSError propagates unchanged
            reading = None
            if not n:
                break
            done += n
            if done > size:
                raise BlobMismatch(f"{label} is longer than the declared {size} bytes")
            chunk = bufs[turn % 2][:n]
            finish_write(done - n)  # frees the other buffer
            in_flight = pool.submit(write, fd, chunk)
            nxt = bufs[(turn + 1) % 2]
            reading = pool.submit(fill, nxt[: min(len(nxt), size + 1 - done)])
            h.update(chunk)
            if progress:
                progress(done)
        finish_write(done)
        in_flight = None
    finally:
        for job in (reading, in_flight):  # an error above: no read or write may outlive the copy
            if job is not None:
                with contextlib.suppress(BaseException):
                    job.result()
    if done < size:
        raise BlobMismatch(f"{label} ended after {done} of the declared {size} bytes")
    return h.hexdigest()


def _file_reader(f) -> Callable[[memoryview], int]:
    """A ``fill(buffer) -> n`` over a regular file opened unbuffered and read once, front to back.

    Every :data:`WRITEBACK_EVERY` bytes the pages already read leave the page cache (``DONTNEED``):
    the file is read once, so its pages are recycled for the next reads instead of pushing the
    rest of a small PC's memory out. On a VM whose freed memory goes back to the host (virtio
    balloon free page reporting, as on the benchmark machine) a 2 GB import would otherwise take
    ~2 GB of fresh pages at ~10 µs a page (sys time 2.4 s instead of 0.1 s for a cold read).
    """
    fd, done = f.fileno(), 0

    def fill(mv: memoryview) -> int:
        nonlocal done
        n = f.readinto(mv) or 0
        if done and (done + n) // WRITEBACK_EVERY != done // WRITEBACK_EVERY:
            _fadvise(fd, done, "DONTNEED")  # bytes [0, done) are in our buffers already
        done += n
        return n

    return fill


def _stream_reader(stream) -> Callable[[memoryview], int]:
    """A ``fill(buffer) -> n`` function over a binary file-like (``readinto`` or ``read``)."""
    readinto = getattr(stream, "readinto", None)
    if readinto is not None:
        return lambda mv: readinto(mv) or 0

    def fill(mv: memoryview) -> int:
        data = stream.read(len(mv))
        if len(data) > len(mv):  # a read(n) that returns more than n must not slip past the bound
            raise BlobMismatch(f"stream returned {len(data)} bytes, more than the {len(mv)} asked for")
        mv[: len(data)] = data
        return len(data)

    return fill


def _not_stored(sha256: str) -> StoreError:
    return StoreError(f"blob {sha256[:12]}… is not in the store")


def _check_size(size: object) -> None:
    """A declared size must be a non-negative int."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise StoreError(f"invalid declared size {size!r}")

_WRITERS: list[ThreadPoolExecutor] = []
_WRITERS_LOCK = threading.Lock()


def _writer_pool() -> ThreadPoolExecutor:
    """The threads that read and write the store's incoming files (made on first use, shared;
    a job only waits for I/O, never for another job, so sharing cannot deadlock)."""
    with _WRITERS_LOCK:
        if not _WRITERS:
            _WRITERS.append(ThreadPoolExecutor(4, thread_name_prefix="store-io"))
        return _WRITERS[0]
