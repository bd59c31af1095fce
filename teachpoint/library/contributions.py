"""Queries of teachers' own lessons (issue 15): this PC's contributions, the county's decisions on
them, and which catalogue resources are 本校 (the school's own).

A contribution's resources live in the repository ``contrib-<pc_id>`` (:data:`CONTRIB_PREFIX`),
signed by the PC's own key and imported through the one pipeline like any other repository. The
``contributions`` table keeps what the teacher entered (the teacher's name stays here unless the
teacher chose to share it); ``review_decisions`` holds the decisions the county signed into its
repository (written by :meth:`Catalogue.apply_repository`). Schema: migration 7.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass

from teachpoint.library.catalogue import now_iso
from teachpoint.library.model import Position
from teachpoint.repo.format import CONTRIB_PREFIX  # repository id of a PC's own lessons

__all__ = ["CONTRIB_PREFIX", "ContributionRow", "add_contribution_row", "attribution",
           "contribution_rows", "contribution_shas", "delete_contribution_row", "is_own_lesson",
           "mark_replaced", "own_resource_ids", "resource_exists"]


@dataclass(frozen=True)
class ContributionRow:
    """One row of ``contributions`` with the newest decision about it (if any)."""

    id: str
    repo_id: str
    title: str
    place: Position
    teacher: str
    share_name: bool
    main_sha256: str
    main_size: int
    files: list
    added_at: str
    replaced_by: str
    decision: str = ""  # '', 'accepted' or 'rejected'
    decided_at: str = ""
    reason: str = ""
    county_resource: str = ""  # catalogue id of the county's copy (accepted)


_COLUMNS = ("c.id, c.repo_id, c.title, c.grade, c.subject, c.edition, c.volume, c.unit, c.lesson, "
            "c.teacher, c.share_name, c.main_sha256, c.main_size, c.files, c.added_at, c.replaced_by")


def add_contribution_row(cat, row: ContributionRow) -> None:
    """Remember a contribution this PC made."""
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute(
            f"INSERT INTO contributions ({_COLUMNS.replace('c.', '')}) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [row.id, row.repo_id, row.title, *astuple(row.place), row.teacher, int(row.share_name),
             row.main_sha256, row.main_size, json.dumps(row.files, ensure_ascii=False), row.added_at or now_iso(), row.replaced_by])


def delete_contribution_row(cat, contribution_id: str) -> None:
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute("DELETE FROM contributions WHERE id = ?", [contribution_id])


def mark_replaced(cat, contribution_id: str, county_resource: str) -> None:
    """The county's signed copy now stands for this contribution in the catalogue."""
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute("UPDATE contributions SET replaced_by = ? WHERE id = ?",
                            [county_resource, contribution_id])


def contribution_rows(cat, pc_id: str, contribution_id: str | None = None) -> list[ContributionRow]:
    """This PC's contributions, newest first, each with the newest decision of any repository."""
    where, args = ("WHERE c.id = ?", [contribution_id]) if contribution_id else ("", [])
    rows = cat.db.execute(
        f"SELECT {_COLUMNS}, d.decision, d.decided_at, d.reason, d.repo_id, d.resource "
        "FROM contributions c LEFT JOIN review_decisions d ON d.contribution_id = c.id "
        "AND d.pc_id = ? AND d.decided_at = (SELECT MAX(decided_at) FROM review_decisions x "
        "WHERE x.contribution_id = c.id AND x.pc_id = ?) "
        f"{where} ORDER BY c.added_at DESC, c.id", [pc_id, pc_id, *args]).fetchall()
    out = []
    for r in rows:
        county = f"{r[19]}:{r[20]}" if r[16] == "accepted" and r[20] else ""
        out.append(ContributionRow(*r[:3], Position(*r[3:9]), r[9], bool(r[10]), r[11], r[12], json.loads(r[13]), r[14],
                                   r[15], r[16] or "", r[17] or "", r[18] or "", county))
    return out


def contribution_shas(cat, repo_id: str) -> dict[str, str]:
    """sha256 → contribution id of every main file this PC contributed (also replaced ones)."""
    out = {}
    for cid, files in cat.db.execute("SELECT id, files FROM contributions WHERE repo_id = ?", [repo_id]):
        for role, sha, *_ in json.loads(files):
            if role == "main":
                out.setdefault(sha, cid)
    return out


def next_free_lesson(cat, place) -> int:
    """The number after the highest lesson at ``place``'s grade, subject, edition, volume and
    unit (1 where there is none): a teacher's lesson given no number gets a place of its own
    instead of joining the lesson already there."""
    row = cat.db.execute(
        "SELECT MAX(lesson) FROM lessons WHERE grade=? AND subject=? AND edition=? AND volume=? "
        "AND unit=?", [place.grade, place.subject, place.edition, place.volume, place.unit]).fetchone()
    return (row[0] or 0) + 1


def resource_exists(cat, resource_id: str) -> bool:
    return cat.db.execute("SELECT 1 FROM resources WHERE id = ?", [resource_id]).fetchone() is not None


def is_own_lesson(cat, resource_id: str) -> bool:
    """True if the resource is 本校: one of this school's own lessons (its contrib- repository)."""
    row = cat.db.execute("SELECT repo_id FROM resources WHERE id = ?", [resource_id]).fetchone()
    return bool(row) and row[0].startswith(CONTRIB_PREFIX)


def own_resource_ids(cat, lesson_id: int | None = None) -> set[str]:
    """Catalogue ids of the 本校 resources (all, or of one lesson) — what the UI marks 本校."""
    sql = "SELECT id FROM resources WHERE repo_id LIKE ? ESCAPE '\\'"
    args: list = [CONTRIB_PREFIX.replace("_", "\\_") + "%"]
    if lesson_id is not None:
        sql += " AND lesson_id = ?"
        args.append(lesson_id)
    return {r[0] for r in cat.db.execute(sql, args)}


def attribution(cat, resource_id: str) -> dict | None:
    """The origin of a county resource that came from a contribution (``pc``, ``contribution``,
    ``teacher`` when shared), or None."""
    row = cat.db.execute("SELECT origin FROM resources WHERE id = ?", [resource_id]).fetchone()
    return json.loads(row[0]) if row and row[0] else None
