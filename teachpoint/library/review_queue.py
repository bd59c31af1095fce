"""The county's review queue (审核/准入, issue 15): SQL over the county database.

The queue lives in the same county database as the usage reports (:mod:`teachpoint.library.county`),
so a PC's key is pinned once, in ``pcs``, whichever arrives first; refused packages go to the same
``refused`` table. Two tables of its own, created on first use (``CREATE … IF NOT EXISTS``):

* ``review_entries`` — one contribution (a lesson of one PC): its resources as the PC signed them
  (JSON in the repository format), the state (pending / accepted / rejected), the last decision
  (who, when, why) and the county's resource id once accepted;
* ``review_log`` — every decision and undo, never rewritten (the record of who decided what).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

TABLES = [
    """CREATE TABLE IF NOT EXISTS review_entries (
        id INTEGER PRIMARY KEY,
        pc_id TEXT NOT NULL,
        contribution_id TEXT NOT NULL,
        repo_version INTEGER NOT NULL,
        resources TEXT NOT NULL,          -- JSON list of resources (repository format)
        title TEXT NOT NULL,
        main_sha256 TEXT NOT NULL,
        collected_at TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending','accepted','rejected','withdrawn')),
        decided_by TEXT NOT NULL DEFAULT '',
        decided_at TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        county_resource TEXT NOT NULL DEFAULT '',
        UNIQUE (pc_id, contribution_id)
    )""",
    "CREATE INDEX IF NOT EXISTS review_entries_main ON review_entries(main_sha256)",
    """CREATE TABLE IF NOT EXISTS review_log (
        id INTEGER PRIMARY KEY,
        entry INTEGER NOT NULL REFERENCES review_entries(id),
        action TEXT NOT NULL,             -- accept, reject, undo
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    )""",
]


@dataclass(frozen=True)
class EntryRow:
    id: int
    pc_id: str
    contribution_id: str
    repo_version: int
    resources: str
    title: str
    main_sha256: str
    collected_at: str
    source: str
    state: str
    decided_by: str
    decided_at: str
    reason: str
    county_resource: str


_COLUMNS = ("id, pc_id, contribution_id, repo_version, resources, title, main_sha256, collected_at, "
            "source, state, decided_by, decided_at, reason, county_resource")


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create the queue's tables in a county database (idempotent)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql in TABLES:
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def add_entry(conn, pc_id: str, contribution_id: str, version: int, resources_json: str, title: str,
              main_sha256: str, at: str, source: str) -> str:
    """Queue a contribution: ``"new"``, ``"updated"`` (a pending one whose resources a newer
    version changed) or ``"known"`` (already queued or decided: unchanged)."""
    row = conn.execute("SELECT id, state, repo_version, resources FROM review_entries WHERE pc_id = ? "
                       "AND contribution_id = ?", [pc_id, contribution_id]).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO review_entries (pc_id, contribution_id, repo_version, resources, title, "
            "main_sha256, collected_at, source) VALUES (?,?,?,?,?,?,?,?)",
            [pc_id, contribution_id, version, resources_json, title, main_sha256, at, source[:500]])
        return "new"
    if row[1] in ("pending", "withdrawn") and row[2] < version and (
            row[3] != resources_json or row[1] == "withdrawn"):
        conn.execute("UPDATE review_entries SET resources = ?, title = ?, repo_version = ?, "
                     "main_sha256 = ?, source = ?, state = 'pending' WHERE id = ?",
                     [resources_json, title, version, main_sha256, source[:500], row[0]])
        return "updated"
    return "known"


def withdraw_missing(conn, pc_id: str, version: int, present: set[str], at: str) -> list[int]:
    """Pending entries of a PC that its newer package no longer carries (the teacher removed
    the lesson) become ``withdrawn``, so nobody publishes what the school took back."""
    gone = [r[0] for r in conn.execute(
        "SELECT id, contribution_id FROM review_entries WHERE pc_id = ? AND state = 'pending' "
        "AND repo_version < ?", [pc_id, version]) if r[1] not in present]
    for entry_id in gone:
        decide(conn, entry_id, "withdrawn", "school", at, "the school removed it", "", "withdrawn")
    return gone


def entries(conn, state: str | None = None) -> list[EntryRow]:
    where, args = ("WHERE state = ?", [state]) if state else ("", [])
    return [EntryRow(*r) for r in conn.execute(
        f"SELECT {_COLUMNS} FROM review_entries {where} ORDER BY id", args)]


def entry(conn, entry_id: int) -> EntryRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM review_entries WHERE id = ?", [entry_id]).fetchone()
    return EntryRow(*row) if row else None


def same_content(conn, main_sha256: str, other_than: int) -> list[int]:
    """Ids of other queue entries whose main file has the same SHA-256."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM review_entries WHERE main_sha256 = ? AND id != ? ORDER BY id",
        [main_sha256, other_than])]


def decide(conn, entry_id: int, state: str, by: str, at: str, reason: str, county_resource: str,
           action: str) -> None:
    """Record a decision (or an undo back to pending) and log it, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE review_entries SET state = ?, decided_by = ?, decided_at = ?, reason = ?, "
                     "county_resource = ? WHERE id = ?",
                     [state, by, at, reason, county_resource, entry_id])
        conn.execute("INSERT INTO review_log (entry, action, by, at, reason) VALUES (?,?,?,?,?)",
                     [entry_id, action, by, at, reason])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def history(conn, entry_id: int) -> list[dict]:
    """Every decision about an entry, oldest first: action, by, at, reason."""
    return [{"action": a, "by": b, "at": t, "reason": r} for a, b, t, r in conn.execute(
        "SELECT action, by, at, reason FROM review_log WHERE entry = ? ORDER BY id", [entry_id])]


def decided(conn) -> list[EntryRow]:
    """Entries with a standing decision (what the county's signed reviews node lists)."""
    return [e for e in entries(conn) if e.state in ("accepted", "rejected")]
