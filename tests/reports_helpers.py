"""Helpers for the report tests: school PCs that played lessons and made real signed reports."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from teachpoint.library import teaching, usage
from teachpoint.paths import DataPaths
from teachpoint.reports import outbox
from teachpoint.transport.sources import FolderSource
from teachpoint.workspace import Workspace


def school_pc(root: Path, published_repo: Path, publisher_key: Path, school: str) -> Workspace:
    """A PC with the test repository installed and its school name set."""
    ws = Workspace(DataPaths(root, explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    ws.install(FolderSource(published_repo))
    ws.set_setting(outbox.SETTING_SCHOOL, school)
    return ws


def play_days(ws: Workspace, days: list[str], minutes: int = 20, subject: str = "音乐") -> str:
    """Record ``minutes`` of ``subject`` on each day (as the player would, in aggregate)."""
    rid = ws.catalogue.db.execute(
        "SELECT r.id FROM resources r JOIN lessons l ON l.id = r.lesson_id WHERE l.subject = ? "
        "AND r.kind = 'video'", [subject]).fetchone()[0]
    with ws.catalogue.write_lock, ws.catalogue.db.conn:
        for day in days:
            usage.count_start(ws.catalogue.db.conn, rid, day=day)
            ws.catalogue.db.conn.execute(
                "UPDATE usage_daily SET played_ms = played_ms + ?, finished = finished + 1 "
                "WHERE day = ? AND resource_id = ?", [minutes * 60_000, day, rid])
    return rid


def county_usage(db: Path) -> list[tuple]:
    """Every usage row of a county database (to prove nothing merged was lost)."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT pc, day, lesson, started, played_s, finished FROM usage "
                            "ORDER BY pc, day, lesson").fetchall()
    finally:
        conn.close()


def bookmark(ws: Workspace, label: str) -> None:
    rid = ws.catalogue.db.execute("SELECT id FROM resources WHERE kind = 'video'").fetchone()[0]
    teaching.add_bookmark(ws.catalogue, rid, 1000, label)
