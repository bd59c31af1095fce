"""Which lesson a stored file belongs to, and how much of a lesson is stored (sync progress rows).

Small reads for the sync page and the command line; they take the catalogue's lock like every
read that may run beside a writer in another thread.
"""

from __future__ import annotations


def lesson_of_file(cat, sha256: str) -> tuple[str, str] | None:
    """(resource id, title) of the lesson a file belongs to — its main file first — or None."""
    with cat.write_lock:
        row = cat.db.execute(
            "SELECT f.resource_id, r.title FROM files f JOIN resources r ON r.id = f.resource_id "
            "WHERE f.sha256 = ? ORDER BY f.role = 'main' DESC LIMIT 1", [sha256]).fetchone()
    return (row[0], row[1]) if row else None


def newly_playable(cat, sha256: str, announced: set[str]) -> list[str]:
    """Lessons this just-stored file makes playable (main file and subtitles all stored).

    Each lesson is returned once: its id is added to ``announced``.
    """
    out = []
    with cat.write_lock:
        rows = cat.db.execute("SELECT DISTINCT resource_id FROM files WHERE sha256 = ? "
                              "AND role IN ('main', 'subtitle')", [sha256]).fetchall()
        for (rid,) in rows:
            if rid not in announced and cat.state_of(rid) == "installed":
                announced.add(rid)
                out.append(rid)
    return out


def stored_sizes(cat, resource_id: str) -> dict[str, int]:
    """sha256 → size of each file of a lesson; negative while the file is not stored yet."""
    with cat.write_lock:
        return dict(cat.db.execute(
            "SELECT f.sha256, CASE WHEN b.state = 'present' THEN f.size ELSE -f.size END "
            "FROM files f LEFT JOIN blobs b ON b.sha256 = f.sha256 WHERE f.resource_id = ?",
            [resource_id]).fetchall())


def repository_lessons(cat, repo_id: str) -> list[tuple[str, str, str]]:
    """(resource id, kind, state) of every lesson of a repository, videos first, in order."""
    with cat.write_lock:
        return cat.db.execute(
            "SELECT r.id, r.kind, s.state FROM resources r JOIN resource_state s "
            "ON s.resource_id = r.id WHERE r.repo_id = ? ORDER BY r.kind != 'video', r.sort_key, r.id",
            [repo_id]).fetchall()


def playable_files(cat, repo_id: str) -> list[str]:
    """sha256 of the main files and subtitles of a repository (what playing needs)."""
    with cat.write_lock:
        return [r[0] for r in cat.db.execute(
            "SELECT DISTINCT f.sha256 FROM files f JOIN resources r ON r.id = f.resource_id "
            "WHERE r.repo_id = ? AND f.role IN ('main', 'subtitle')", [repo_id])]


def check_stored_files(cat, store, shas: list[str], progress=None):
    """Re-hash stored files; damaged ones are moved aside and marked for re-download.

    The one "verify, set aside, mark" step of ``teachpoint verify-store`` and of the player's
    重新下载. Returns the store's verify report (``ok``, ``damaged``, ``missing``).
    """
    report = store.verify(shas, progress=progress)
    for sha in report.damaged:
        store.quarantine(sha)
    cat.mark_blobs_checked(report.ok, report.damaged, report.missing)
    return report
