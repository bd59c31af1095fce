"""Short read-only connections to the catalogue, for threads that only look (``teachpoint serve``).

A server thread opens its own connection per request, read-only: in WAL mode a reader never waits
for a writer (a sync importing at the same time), and nothing it does can change the catalogue.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


class ReadOnlyCatalogue:
    """The questions a LAN peer asks of its own catalogue."""

    def __init__(self, path: Path, immutable: bool = False):
        self._uri = Path(path).resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")

    @contextlib.contextmanager
    def connect(self):
        conn = sqlite3.connect(self._uri, uri=True, timeout=5)
        try:
            yield conn
        finally:
            conn.close()

    @staticmethod
    def accepted_roots(conn) -> list[tuple[str, str]]:
        """(repository id, sha256 of its accepted root), by id."""
        return conn.execute("SELECT id, root_sha256 FROM repositories ORDER BY id").fetchall()

    @staticmethod
    def accepted_root(conn, repo: str) -> str | None:
        row = conn.execute("SELECT root_sha256 FROM repositories WHERE id = ?", [repo]).fetchone()
        return row[0] if row else None

    @staticmethod
    def stored_size_in(conn, sha256: str, repo: str) -> int | None:
        """The size of a stored (present) file that a lesson of ``repo`` uses, or None."""
        row = conn.execute(
            "SELECT b.size FROM blobs b WHERE b.sha256 = ? AND b.state = 'present' AND EXISTS "
            "(SELECT 1 FROM files f JOIN resources r ON r.id = f.resource_id "
            "WHERE f.sha256 = b.sha256 AND r.repo_id = ?)", [sha256, repo]).fetchone()
        return row[0] if row else None
