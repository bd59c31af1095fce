"""The catalogue: what lessons exist, where they sit in the curriculum, and what this PC holds.

Wraps an sqlite-utils ``Database`` opened by :func:`teachpoint.library.db.open_database`.
Repository contents are written only through :meth:`Catalogue.apply_repository`, in one short
transaction, after the metadata they come from has been verified. The teacher's own data (progress, bookmarks,
classes) lives in :mod:`teachpoint.library.teaching`.
"""

from __future__ import annotations

import json
import logging
import operator
import threading
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from teachpoint.library import search_index
from teachpoint.library.catalogue_bulk import release, set_aside, sorted_in_slices
from teachpoint.library.curriculum import unit_order
from teachpoint.library.db import open_database
from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource
from teachpoint.repo.format import origin_from_json, origin_to_json

log = logging.getLogger(__name__)
_FIRST = operator.itemgetter(0)  # a row's catalogue id
LARGE_UPDATE = 1000  # resources: from here on an update is written as a large one (see apply_repository)


# The local state of the resource ``r`` for one row, computed from its files' blobs. Cheaper than
# joining the ``resource_state`` view, which aggregates every resource (450 ms at 100k).
STATE_SQL = """(SELECT CASE
    WHEN SUM(CASE WHEN b.state = 'damaged' THEN 1 ELSE 0 END) > 0 THEN 'damaged'
    WHEN SUM(CASE WHEN b.sha256 IS NULL THEN 1 ELSE 0 END) > 0 THEN 'not_downloaded'
    ELSE 'installed' END
    FROM files f LEFT JOIN blobs b ON b.sha256 = f.sha256
    WHERE f.resource_id = r.id AND f.role IN ('main', 'subtitle'))"""


def now_iso() -> str:
    """The current UTC time as ISO 8601 with a Z suffix (seconds precision)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _replace_decisions(conn, repo_id: str, decisions: list) -> None:
    """The review decisions a repository's accepted root carries (inside the caller's transaction)."""
    conn.execute("DELETE FROM review_decisions WHERE repo_id = ?", [repo_id])
    conn.executemany(
        "INSERT OR REPLACE INTO review_decisions (repo_id, pc_id, contribution_id, decision, "
        "decided_at, reason, resource) VALUES (?,?,?,?,?,?,?)",
        [(repo_id, d.pc, d.contribution, d.decision, d.at, d.reason, d.resource) for d in decisions])


class Catalogue:
    """The catalogue database of one data directory."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        # One writer at a time inside this process; SQLite's own locking guards other processes.
        self.write_lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None, read_only: bool = False) -> "Catalogue":
        """Open (create, upgrade) the catalogue file at ``path``; ``None`` = in memory."""
        result = open_database(path, read_only=read_only)
        cat = cls(result.db)
        cat.set_aside = result.set_aside
        return cat

    set_aside: Path | None = None

    def close(self) -> None:
        self.db.conn.close()

    # ---- repositories -------------------------------------------------------------------------

    def repository(self, repo_id: str) -> RepositoryInfo | None:
        """The accepted state of one repository, or None if never accepted."""
        row = self.db.execute(
            "SELECT id, title, key_id, version, root_sha256, published_at, expires_at, source "
            "FROM repositories WHERE id = ?",
            [repo_id],
        ).fetchone()
        return RepositoryInfo(*row) if row else None

    def repositories(self) -> list[RepositoryInfo]:
        rows = self.db.execute(
            "SELECT id, title, key_id, version, root_sha256, published_at, expires_at, source "
            "FROM repositories ORDER BY id"
        ).fetchall()
        return [RepositoryInfo(*r) for r in rows]

    def resource_ids(self, repo_id: str) -> set[str]:
        """The publisher ids (rid) of every resource of a repository."""
        prefix = repo_id + ":"
        rows = self.db.execute("SELECT id FROM resources WHERE repo_id = ?", [repo_id])
        return {r[0][len(prefix):] for r in rows}

    def apply_repository(
        self, info: RepositoryInfo, upserts: list[Resource], removed: list[str],
        decisions: list | None = None, *, release_upserts: bool = False,
    ) -> None:
        """Record a verified repository state: add/replace ``upserts``, delete ``removed`` rids.

        Everything is written in ONE transaction (DESIGN §2): an interruption leaves the previous
        state, and no reader ever sees half an update. Everything that needs no database is done
        before it: the search rows (pinyin: most of the cost) and the parameters of every
        statement; inside, each statement runs once per batch (``executemany``), and the search
        index is updated incrementally (or rewritten in bulk from its own rows when most of it
        changes). An update bigger than the catalogue (a first install) writes its tables with
        their indexes set aside and builds them at the end (:func:`catalogue_bulk.set_aside`).
        The teacher's progress and bookmarks survive an update of their resource.

        The transaction runs on a connection of its own (:meth:`_writer`), so this process's
        readers — the GUI's queries, which share the catalogue connection under
        :attr:`write_lock` — go on reading the previous state (WAL) and are not held up by it:
        the write lock is not taken at all for a file catalogue. A large update
        (:data:`LARGE_UPDATE` resources or more) checkpoints after its commit, not inside it, and
        its Python work never holds the GIL long (:mod:`teachpoint.library.catalogue_bulk`); the
        GUI-like reader of benchmarks/catalogue_install.py measures both. Writers wait for the
        commit (as a writer in another process does).

        Why not slices of short transactions: a reader between two slices would see resources of
        the new version without their files or search rows, and a crash between slices would
        leave a mix that no signed root describes. Staging the slices in other tables would not
        shorten the last step, which writes the same index entries again.

        ``decisions`` (the root's signed review decisions, issue 15) replace the ones this
        repository carried before; None leaves them as they are. ``release_upserts`` empties the
        caller's ``upserts`` list once its rows are made, before the transaction: a first
        install's ~1M objects are then freed before the GUI reads the new rows, not after.
        """
        search_rows = search_index.rows_for(info.id, upserts)
        # Sorted by id: the primary-key index is then written in order (~2x faster for a first install).
        resource_rows = sorted_in_slices((self._resource_params(info, res) for res in upserts), _FIRST)
        file_rows = sorted_in_slices(((f"{info.id}:{res.rid}", f.role, f.sha256, f.size, f.media_type,
                                       f.language, f.name) for res in upserts for f in res.files), _FIRST)
        large = len(upserts) + len(removed) >= LARGE_UPDATE
        upserted = len(upserts)
        if release_upserts:
            release(upserts)
        writer = self._writer(checkpoint_in_commit=not large)
        try:
            with (self.write_lock if writer is self.db.conn else nullcontext()), writer:
                writer.execute("BEGIN IMMEDIATE")
                # More rows than the catalogue holds (a first install): their indexes built at the end.
                bulk = upserted > writer.execute("SELECT count(*) FROM resources").fetchone()[0]
                with set_aside(writer, ("resources", "files")) if bulk else nullcontext():
                    self._write_repository(writer, info, resource_rows, file_rows, removed)
                search_index.write_rows(writer, search_rows)
                # Freed before the commit: after it, the GUI's queries read the new rows and wait
                # for the GIL at each row they step through (release: library.catalogue_bulk).
                release(search_rows, resource_rows, file_rows)
                if decisions is not None:
                    _replace_decisions(writer, info.id, decisions)
                writer.execute(
                    "DELETE FROM lessons WHERE id NOT IN (SELECT DISTINCT lesson_id FROM resources)")
            if large and writer is not self.db.conn:
                writer.execute("PRAGMA wal_checkpoint(PASSIVE)")  # after the commit: see _writer
        finally:
            if writer is not self.db.conn:
                writer.close()
        log.info("repository %s v%d applied: %d upserted, %d removed",
                 info.id, info.version, upserted, len(removed))

    def _writer(self, checkpoint_in_commit: bool = True):
        """A connection of its own to this catalogue's file; the shared one for one in memory.

        Without ``checkpoint_in_commit`` (a large update) it never checkpoints inside its commit
        (``wal_autocheckpoint = 0``): the automatic checkpoint of a first install's ~100 MB of
        WAL inside the commit held a reader of the shared connection ~100 ms (measured; none when
        :meth:`apply_repository` checkpoints after the commit, PASSIVE). A small update keeps
        SQLite's automatic checkpoint (every ~1000 pages of WAL), saving a sync per update.
        """
        name = self.db.execute("PRAGMA database_list").fetchone()[2]
        if not name:
            return self.db.conn
        conn = open_database(Path(name)).db.conn
        if not checkpoint_in_commit:
            conn.execute("PRAGMA wal_autocheckpoint = 0")
        return conn

    def _write_repository(self, conn, info: RepositoryInfo, resource_rows: list, file_rows: list,
                          removed: list[str]) -> None:
        """The repository row, its removed and upserted resources and their files (caller's transaction)."""
        conn.execute(
            "INSERT INTO repositories (id, title, key_id, version, root_sha256, published_at, "
            "expires_at, accepted_at, source) VALUES (?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET title=excluded.title, key_id=excluded.key_id, "
            "version=excluded.version, root_sha256=excluded.root_sha256, "
            "published_at=excluded.published_at, expires_at=excluded.expires_at, "
            "accepted_at=excluded.accepted_at, source=excluded.source",
            [info.id, info.title, info.key_id, info.version, info.root_sha256,
             info.published_at, info.expires_at, now_iso(), info.source],
        )
        conn.executemany("DELETE FROM resources WHERE id = ?", [(f"{info.id}:{rid}",) for rid in removed])
        # Resources of one lesson usually share one Position object (repo.format): look each up once.
        positions = {id(row[1]): row[1] for row in resource_rows}
        lesson_ids = self._lesson_ids(conn, list(dict.fromkeys(positions.values())))
        by_object = {key: lesson_ids[pos] for key, pos in positions.items()}
        if len(resource_rows) < LARGE_UPDATE:  # a small update: replace the files of each (a probe)
            had = {row[0] for row in resource_rows}
        else:  # only these can have files to replace (none at a first install)
            had = {r[0] for r in conn.execute("SELECT id FROM resources WHERE repo_id = ?", [info.id])}
        params = [(rid, info.id, by_object[id(pos)], *rest) for rid, pos, *rest in resource_rows]
        conn.executemany(
            "INSERT INTO resources (id, repo_id, lesson_id, kind, title, description, keywords, "
            "duration, language, repo_version, sort_key, origin) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET lesson_id=excluded.lesson_id, kind=excluded.kind, "
            "title=excluded.title, description=excluded.description, keywords=excluded.keywords, "
            "duration=excluded.duration, language=excluded.language, "
            "repo_version=excluded.repo_version, sort_key=excluded.sort_key, origin=excluded.origin",
            params)
        release(params)
        conn.executemany("DELETE FROM files WHERE resource_id = ?",
                         [(row[0],) for row in resource_rows if row[0] in had])
        conn.executemany(
            "INSERT OR IGNORE INTO files (resource_id, role, sha256, size, media_type, language, name) "
            "VALUES (?,?,?,?,?,?,?)", file_rows)

    @staticmethod
    def _resource_params(info: RepositoryInfo, res: Resource) -> tuple:
        """``(catalogue id, position, kind, …, sort_key)``: a resources row, its lesson still a position."""
        return (f"{info.id}:{res.rid}", res.position, res.kind, res.title, res.description,
                ";".join(res.keywords), res.duration, res.language, info.version, res.sort_key,
                json.dumps(origin_to_json(res.origin), ensure_ascii=False) if res.origin else "")

    @staticmethod
    def _lesson_ids(conn, positions: list[Position]) -> dict[Position, int]:
        """The ``lessons`` id of each position, adding the lessons not there yet (caller's transaction)."""
        conn.executemany(
            "INSERT OR IGNORE INTO lessons (grade, subject, edition, volume, unit, unit_order, lesson) "
            "VALUES (?,?,?,?,?,?,?)",
            [(p.grade, p.subject, p.edition, p.volume, p.unit, unit_order(p.unit), p.lesson)
             for p in positions])
        find = "SELECT id FROM lessons WHERE grade=? AND subject=? AND edition=? AND volume=? AND unit=? AND lesson=?"
        if len(positions) < 1000:  # a small update: look each one up
            return {p: conn.execute(find, [p.grade, p.subject, p.edition, p.volume, p.unit, p.lesson])
                    .fetchone()[0] for p in positions}
        wanted = set(positions)  # a large one: one pass over the table
        rows = conn.execute("SELECT id, grade, subject, edition, volume, unit, lesson FROM lessons")
        return {pos: row[0] for row in rows if (pos := Position(*row[1:])) in wanted}

    # ---- blobs ----------------------------------------------------------------------------------

    def mark_blob_present(self, sha256: str, size: int) -> None:
        """The store now holds this verified blob."""
        with self.write_lock, self.db.conn:
            self.db.conn.execute(
                "INSERT INTO blobs (sha256, size, state, stored_at, verified_at) "
                "VALUES (?,?,'present',?,?) ON CONFLICT(sha256) DO UPDATE SET "
                "state='present', size=excluded.size, stored_at=excluded.stored_at, "
                "verified_at=excluded.verified_at",
                [sha256, size, now_iso(), now_iso()],
            )

    def mark_blobs_checked(self, present: list[str], damaged: list[str], missing: list[str]) -> None:
        """Record the outcome of a store verification."""
        with self.write_lock, self.db.conn:
            conn = self.db.conn
            stamp = now_iso()
            conn.executemany("UPDATE blobs SET state='present', verified_at=? WHERE sha256=?",
                             [(stamp, s) for s in present])
            conn.executemany("UPDATE blobs SET state='damaged', verified_at=? WHERE sha256=?",
                             [(stamp, s) for s in damaged])
            conn.executemany("DELETE FROM blobs WHERE sha256=?", [(s,) for s in missing])

    def forget_blob(self, sha256: str) -> None:
        """The blob was moved out of the store (quarantined or collected)."""
        with self.write_lock, self.db.conn:
            self.db.conn.execute("DELETE FROM blobs WHERE sha256 = ?", [sha256])

    def present_blobs(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT sha256, size FROM blobs WHERE state='present'").fetchall())

    def referenced_blobs(self) -> set[str]:
        """Every blob some resource points at (the store keeps these on gc)."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT sha256 FROM files")}

    def resources_using(self, sha256: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT resource_id FROM files WHERE sha256 = ?", [sha256])]

    # ---- reading ----------------------------------------------------------------------------------

    def resource(self, resource_id: str) -> Resource | None:
        """One resource as a :class:`Resource` (its ``rid`` is the catalogue id), or None."""
        row = self.db.execute(
            "SELECT r.id, r.kind, r.title, l.grade, l.subject, l.edition, l.volume, l.unit, l.lesson, "
            "r.description, r.keywords, r.duration, r.language, r.sort_key, r.origin "
            "FROM resources r JOIN lessons l ON l.id = r.lesson_id WHERE r.id = ?",
            [resource_id],
        ).fetchone()
        if not row:
            return None
        files = tuple(
            FileRef(*f) for f in self.db.execute(
                "SELECT role, sha256, size, media_type, language, name FROM files "
                "WHERE resource_id = ? ORDER BY role, language", [resource_id])
        )
        return Resource(
            rid=row[0], kind=row[1], title=row[2], position=Position(*row[3:9]), files=files,
            description=row[9], keywords=tuple(k for k in row[10].split(";") if k),
            duration=row[11], language=row[12], sort_key=row[13],
            origin=origin_from_json(json.loads(row[14]), row[0]) if row[14] else None,
        )

    def state_of(self, resource_id: str) -> str | None:
        row = self.db.execute(
            f"SELECT {STATE_SQL} FROM resources r WHERE r.id = ?", [resource_id]).fetchone()
        return row[0] if row else None

    def status(self) -> dict:
        """Counts of resources and lessons by local state, and store totals."""
        by_state = dict(self.db.execute(
            "SELECT state, COUNT(*) FROM resource_state GROUP BY state").fetchall())
        lesson_rows = self.db.execute(
            "SELECT l.id, MIN(CASE s.state WHEN 'damaged' THEN 0 WHEN 'not_downloaded' THEN 1 "
            "ELSE 2 END) FROM lessons l JOIN resources r ON r.lesson_id = l.id "
            "JOIN resource_state s ON s.resource_id = r.id GROUP BY l.id").fetchall()
        names = {0: "damaged", 1: "not_downloaded", 2: "installed"}
        lessons = {v: 0 for v in names.values()}
        for _, worst in lesson_rows:
            lessons[names[worst]] += 1
        blobs = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(size),0) FROM blobs WHERE state='present'").fetchone()
        return {
            "resources": {s: by_state.get(s, 0) for s in ("installed", "not_downloaded", "damaged")},
            "lessons": lessons,
            "blobs": blobs[0],
            "blob_bytes": blobs[1],
        }
