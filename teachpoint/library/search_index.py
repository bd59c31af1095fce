"""Search rows for a catalogue update: computed before the write lock, written inside it.

:meth:`Catalogue.apply_repository <teachpoint.library.catalogue.Catalogue.apply_repository>`
computes the ``search_text`` row of every added or changed resource with :func:`rows_for`
*before* it opens its write transaction (pinyin and text normalisation are ~85 % of indexing
time), then writes them with :func:`write_rows` inside it, in the same transaction as the rows
they describe. The row itself is :func:`teachpoint.library.search_rows.search_row`, the one the
rest of the index uses.

:func:`write_rows` updates the index incrementally (delete the changed rows, insert their new
ones; the triggers keep ``search_fts`` and ``search_grams`` in step) unless the update touches
more than ``search.BULK_THRESHOLD`` rows and more than 1/``BULK_FRACTION`` of the index; then it
rewrites the whole index in bulk from the rows already in ``search_text`` (no pinyin computed
again) plus the new ones, numbered in catalogue order (``ordering``), as a rebuild does.
"""

from __future__ import annotations

import logging
import operator
from typing import Iterable

from teachpoint.library import search
from teachpoint.library.catalogue_bulk import release, sorted_in_slices
from teachpoint.library.curriculum import unit_order
from teachpoint.library.model import Resource

log = logging.getLogger(__name__)

_COLUMNS = search._COLUMNS
_ORDERING = _COLUMNS.split(", ").index("ordering")


def rows_for(repo_id: str, resources: Iterable[Resource]) -> list[tuple]:
    """The ``search_text`` values of each resource of repository ``repo_id`` (no database needed)."""
    rows = []
    unit_orders: dict[str, int] = {}  # a unit's order is parsed from its name: once per name
    for res in resources:
        pos = res.position
        order = unit_orders.get(pos.unit)
        if order is None:
            order = unit_orders[pos.unit] = unit_order(pos.unit)
        rows.append(search._search_row(
            f"{repo_id}:{res.rid}", res.title, res.description, ";".join(res.keywords), res.sort_key,
            pos.grade, pos.subject, pos.edition, pos.volume, pos.unit, order, pos.lesson))
    return rows


def write_rows(conn, rows: list[tuple]) -> int:
    """Replace the index rows of the resources in ``rows`` (caller's transaction); how many."""
    count = conn.execute("SELECT count(*) FROM search_text").fetchone()[0]
    if len(rows) > max(search.BULK_THRESHOLD, count // search.BULK_FRACTION):
        return _rewrite_all(conn, rows)
    conn.executemany("DELETE FROM search_text WHERE resource_id = ?", [(row[0],) for row in rows])
    conn.executemany(search._INSERT_SQL, rows)  # the triggers fill search_fts and search_grams
    return len(rows)


def _rewrite_all(conn, rows: list[tuple]) -> int:
    """Rewrite every index row in catalogue order: kept rows as they are, ``rows`` new or replaced."""
    new_ids = {row[0] for row in rows}
    kept = [row for row in conn.execute(f"SELECT {_COLUMNS} FROM search_text") if row[0] not in new_ids]
    merged = sorted_in_slices(kept + rows, key=operator.itemgetter(_ORDERING))  # ends with the id: unique
    search.replace_all(conn, merged, indexes_aside=True)
    release(merged, kept)
    log.debug("search index rewritten: %d rows, %d new or changed", len(merged), len(rows))
    return len(rows)
