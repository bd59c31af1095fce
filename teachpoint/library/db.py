"""Opening the catalogue database: identification, WAL, explicit versioned migrations.

A TeachPoint catalogue is an SQLite file whose ``PRAGMA application_id`` is :data:`APPLICATION_ID`
and whose ``PRAGMA user_version`` is the schema version. Opening:

* a missing or empty file → created at the newest schema;
* an older schema → upgraded step by step, each step in one transaction;
* a newer schema → :class:`CatalogueTooNew`, file untouched;
* a file that is not SQLite, or SQLite that is not ours → moved aside to
  ``catalogue.sqlite.unreadable-YYYYmmdd-HHMMSS`` (never overwritten) and a fresh one created;
  the caller is told through :attr:`OpenResult.set_aside`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from teachpoint.errors import CatalogueError, CatalogueTooNew
from teachpoint.library.migrations import MIGRATIONS

log = logging.getLogger(__name__)

APPLICATION_ID = 0x54504E54  # "TPNT"
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class OpenResult:
    db: sqlite_utils.Database
    set_aside: Path | None = None  # where an unreadable file was moved, if one was
    upgraded_from: int | None = None


def open_database(path: Path | None, read_only: bool = False) -> OpenResult:
    """Open (creating or upgrading) the catalogue at ``path``; ``None`` means in memory.

    ``read_only`` opens an existing catalogue without writing anything (a data dir on read-only
    media): lessons can be browsed and played, nothing can be saved.
    """
    if read_only:
        return OpenResult(_open_read_only(path))
    if path is None:
        db = sqlite_utils.Database(memory=True)
        _prepare(db)
        return OpenResult(db, upgraded_from=migrate(db))
    set_aside = None
    try:
        db = _connect(path)
        _identify(db)
    except _NotOurs as exc:
        set_aside = _move_aside(path, str(exc))
        db = _connect(path)
    except sqlite3.OperationalError as exc:
        raise CatalogueError(f"cannot open catalogue {path}: {exc}") from exc
    try:
        upgraded = migrate(db)
    except sqlite3.OperationalError as exc:
        raise CatalogueError(f"cannot write catalogue {path}: {exc}") from exc
    return OpenResult(db, set_aside=set_aside, upgraded_from=upgraded)


def _open_read_only(path: Path) -> sqlite_utils.Database:
    if not path.is_file():
        raise CatalogueError(f"no catalogue at {path}, and the data directory is read-only")
    # immutable=1: no -wal/-shm files needed, so this works on truly read-only media.
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        db = sqlite_utils.Database(sqlite3.connect(uri, uri=True, check_same_thread=False))
        _identify(db)
    except (sqlite3.DatabaseError, _NotOurs) as exc:
        raise CatalogueError(f"cannot read catalogue {path}: {exc}") from exc
    version = schema_version(db)
    if version != SCHEMA_VERSION:
        raise CatalogueError(f"catalogue {path} has schema {version}, this TeachPoint needs "
                             f"{SCHEMA_VERSION}, and the data directory is read-only")
    return db


class _NotOurs(Exception):
    pass


def _connect(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    _prepare(db)
    return db


def _prepare(db: sqlite_utils.Database) -> None:
    try:
        db.execute("PRAGMA foreign_keys = ON")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                log.warning("catalogue journal mode is %s, not WAL", mode)
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        readonly = (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY
        if isinstance(exc, sqlite3.OperationalError) and not readonly:
            raise
        if isinstance(exc, sqlite3.OperationalError):
            return  # read-only: opening is still fine, writes will fail clearly later
        raise _NotOurs(f"not an SQLite database ({exc})") from exc


def _identify(db: sqlite_utils.Database) -> None:
    """Raise :class:`_NotOurs` unless the file is empty or a TeachPoint catalogue."""
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.table_names()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError):
            raise
        raise _NotOurs(f"not an SQLite database ({exc})") from exc
    if app_id == APPLICATION_ID:
        return
    if app_id == 0 and not tables:
        return  # brand new file
    raise _NotOurs(f"SQLite file of another program (application_id={app_id}, tables={tables[:5]})")


def _move_aside(path: Path, why: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.unreadable-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
    try:
        path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
    except OSError as exc:
        raise CatalogueError(f"catalogue {path} is unreadable ({why}) and cannot be moved aside: {exc}") from exc
    log.warning("catalogue %s was unreadable (%s); moved aside to %s", path, why, target)
    return target


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int | None:
    """Apply pending migrations; return the version upgraded from, or None if already current."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise CatalogueTooNew(
            f"the catalogue was written by a newer TeachPoint (schema {current}, this version "
            f"understands up to {SCHEMA_VERSION}); update TeachPoint — the catalogue was not changed"
        )
    if current == SCHEMA_VERSION:
        return None
    for version in range(current, SCHEMA_VERSION):
        step = MIGRATIONS[version]
        with db.conn:  # one transaction per step
            db.conn.execute("BEGIN")
            step(db)
            db.conn.execute(f"PRAGMA user_version = {version + 1}")
            db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        log.info("catalogue migrated to schema %d", version + 1)
    return current
