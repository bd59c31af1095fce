"""Looking at a catalogue file without changing it: is it healthy, and what is in it.

For the self-test and the diagnostics zip, which must describe a damaged catalogue rather than
move it aside (opening it as a :class:`Catalogue` would). Read-only connections only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

COUNTED_TABLES = ("repositories", "lessons", "resources", "files", "blobs", "progress",
                  "bookmarks", "classes", "settings", "sources")


def open_read_only(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=10)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:  # a read-only folder without the -shm file: no WAL readers
        return sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True)


def catalogue_health(path: Path) -> str | None:
    """None if ``path`` is missing or a healthy SQLite file; otherwise what is wrong with it.

    Read-only: a damaged catalogue is described, never changed or moved aside.
    """
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return f"cannot be opened: {exc}"
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in rows] != ["ok"]:
            return "damaged: " + "; ".join(str(r[0]) for r in rows[:3])
    except sqlite3.Error as exc:
        return f"not readable: {exc}"
    finally:
        conn.close()
    return None


def catalogue_summary(path: Path, problems: list[str], redact_setting, redact_text) -> dict:
    """Counts, states, schema and sync history, read-only; problems are noted, never raised.

    ``redact_setting(key, value)`` and ``redact_text(text)`` remove secrets before anything is
    returned (the diagnostics zip decides what a secret is).
    """
    out: dict = {"path": str(path), "exists": path.is_file()}
    if not path.is_file():
        problems.append(f"no catalogue at {path}")
        return out
    out["bytes"] = path.stat().st_size
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        problems.append(f"catalogue cannot be opened: {exc}")
        return out
    try:
        def query(sql: str, what: str):
            try:
                return conn.execute(sql).fetchall()
            except sqlite3.Error as exc:
                problems.append(f"catalogue {what}: {exc}")
                return None

        for key, pragma in (("application_id", "application_id"), ("schema_version", "user_version"),
                            ("journal_mode", "journal_mode")):
            rows = query(f"PRAGMA {pragma}", pragma)
            out[key] = rows[0][0] if rows else None
        rows = query("PRAGMA quick_check", "integrity check")
        if rows is not None:
            out["quick_check"] = [r[0] for r in rows[:10]]
            if out["quick_check"] != ["ok"]:
                problems.append("catalogue is damaged: " + "; ".join(out["quick_check"][:3]))
        out["rows"] = {}
        for table in COUNTED_TABLES:
            rows = query(f"SELECT COUNT(*) FROM {table}", f"table {table}")
            out["rows"][table] = rows[0][0] if rows else None
        rows = query("SELECT state, COUNT(*) FROM resource_state GROUP BY state", "resource states")
        out["resource_states"] = dict(rows or [])
        rows = query("SELECT state, COUNT(*), COALESCE(SUM(size), 0) FROM blobs GROUP BY state",
                     "stored files")
        out["blobs"] = {s: {"count": n, "bytes": b} for s, n, b in rows or []}
        rows = query("SELECT kind, COUNT(*) FROM resources GROUP BY kind", "kinds")
        out["kinds"] = dict(rows or [])
        out["repositories"] = _rows(conn, problems, redact_text, "repositories", "SELECT id, title, key_id, version, "
                                    "published_at, expires_at, accepted_at, source FROM repositories")
        out["sources"] = _rows(conn, problems, redact_text, "sources", "SELECT name, location, added_at, last_attempt, "
                               "last_success, last_error, failures FROM sources")
        for src in out["sources"]:
            if src.get("last_error"):
                problems.append(f"source {src['name']}: last error: {src['last_error']}")
        settings = query("SELECT key, value FROM settings ORDER BY key", "settings") or []
        out["settings"] = {k: redact_setting(k, v) for k, v in settings}
    finally:
        conn.close()
    return out


def _rows(conn, problems: list[str], redact_text, what: str, sql: str) -> list[dict]:
    try:
        cur = conn.execute(sql)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except sqlite3.Error as exc:
        problems.append(f"catalogue {what}: {exc}")
        return []
    return [{k: redact_text(v) if isinstance(v, str) else v for k, v in zip(names, row)}
            for row in rows]


def journal_mode(cat) -> str:
    """The open catalogue's journal mode ("wal" when readers never wait for a writer)."""
    return cat.db.execute("PRAGMA journal_mode").fetchone()[0]
