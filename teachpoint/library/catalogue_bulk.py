"""Large catalogue updates without long pauses for the other threads of the process.

A first install handles ~100,000 resources in Python before and while it writes them. Two things
in that work hold the GIL for tens of milliseconds at a time, and the GUI thread (which waits for
the GIL to run its own queries) stalls for as long (measured with benchmarks/catalogue_install.py):

* the cyclic garbage collector: a full collection walks every object alive — a million of them
  while the rows of a large update are in memory, 50–100 ms each time, and it runs again and
  again as they are built (~0.5 s of the walk's 1.9 s at 100k). :func:`collector_paused` keeps
  it off for the duration; the rows hold no reference cycles and are freed by reference counting.
* freeing them: a list of 100,000 rows (or resources) dropped at once is freed in one go,
  ~100 ms for a first install's resources; :func:`release` empties it a slice at a time.
* ``list.sort`` of 100,000 rows: one C call, 30–85 ms. :func:`sorted_in_slices` sorts slices
  of a few thousand (~2 ms each) and merges them in Python (``heapq.merge``: ~40 ms more CPU for
  100,000 rows, but other threads get the GIL every few ms as usual).
"""

from __future__ import annotations

import gc
import heapq
import threading
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
SLICE = 8192  # items sorted in one C call at most before the merge (~2 ms)
RELEASE_SLICE = 1024  # rows freed in one go (~1 ms): a reader waits for each of its GIL hand-overs

_pausing = threading.Lock()
_paused = 0  # how many callers have the collector paused at the moment
_was_enabled = True  # the collector's state before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off while the block runs (nested and threads: it comes
    back on when the last block ends, and only if it was on before the first)."""
    global _paused, _was_enabled
    with _pausing:
        _paused += 1
        if _paused == 1:
            _was_enabled = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _pausing:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def release(*lists: list) -> None:
    """Empty ``lists`` a slice at a time, freeing what only they held without one long pause."""
    for items in lists:
        while items:
            del items[-RELEASE_SLICE:]


def sorted_in_slices(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """``sorted(items, key=key)`` without a C call longer than one slice's sort.

    A string key (not a tuple) keeps the slices' sorts on the fast comparison of strings."""
    rows = list(items)
    if len(rows) <= SLICE:
        return sorted(rows, key=key)
    runs = [sorted(rows[start:start + SLICE], key=key) for start in range(0, len(rows), SLICE)]
    return list(heapq.merge(*runs, key=key))


@contextmanager
def set_aside(conn, tables: tuple[str, ...], kinds: tuple[str, ...] = ("index",)) -> Iterator[None]:
    """Drop the triggers and/or explicit indexes (``kinds``) of ``tables`` while the block runs and
    create them again after it, in the caller's transaction.

    For bulk writes: an index built once at the end sorts its keys once, where 100,000 inserts in
    random order cost more (measured: 0.25 s less for ``resources`` and ``files`` in a first
    install, 0.5 s for the search index). If the block raises they are not created again: the
    caller's transaction, rolled back, brings them back. SQLite cannot drop anything while
    another statement of ``conn`` is still running (``database table is locked``).
    """
    derived = conn.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        f"AND type IN ({','.join('?' * len(kinds))}) AND tbl_name IN ({','.join('?' * len(tables))})",
        [*kinds, *tables]).fetchall()
    for kind, name, _ in derived:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    yield
    for _, _, sql in derived:
        conn.execute(sql)
