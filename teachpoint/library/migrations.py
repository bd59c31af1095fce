"""Explicit, versioned catalogue migrations.

``MIGRATIONS[n]`` upgrades a catalogue from schema ``n`` to ``n + 1``. Each runs inside one
transaction opened by :func:`teachpoint.library.db.migrate`, so it must only execute statements on
``db.conn`` (no ``executescript``, no sqlite-utils helpers that commit on their own). Never edit a
released migration: append a new one.
"""

from __future__ import annotations

from typing import Callable

import sqlite_utils

SCHEMA_1 = [
    # A repository this PC has accepted metadata from (one per publisher channel).
    """CREATE TABLE repositories (
        id TEXT PRIMARY KEY,            -- the repository's name as signed by its publisher
        title TEXT NOT NULL DEFAULT '',
        key_id TEXT NOT NULL,           -- fingerprint of the publisher key that signs it
        version INTEGER NOT NULL,       -- highest accepted root version (never goes down)
        root_sha256 TEXT NOT NULL,
        published_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        accepted_at TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '' -- where it last came from (URL, folder)
    )""",
    # A curriculum position: grade → subject → edition → volume → unit → lesson.
    """CREATE TABLE lessons (
        id INTEGER PRIMARY KEY,
        grade INTEGER NOT NULL,          -- 1..12 (see curriculum.GRADES)
        subject TEXT NOT NULL,           -- canonical subject name, e.g. 音乐
        edition TEXT NOT NULL DEFAULT '',
        volume TEXT NOT NULL DEFAULT '',
        unit TEXT NOT NULL DEFAULT '',
        unit_order INTEGER NOT NULL DEFAULT 0,
        lesson INTEGER NOT NULL DEFAULT 0,
        UNIQUE (grade, subject, edition, volume, unit, lesson)
    )""",
    """CREATE TABLE resources (
        id TEXT PRIMARY KEY,             -- repository id + ':' + the publisher's resource id
        repo_id TEXT NOT NULL REFERENCES repositories(id),
        lesson_id INTEGER NOT NULL REFERENCES lessons(id),
        kind TEXT NOT NULL CHECK (kind IN ('video','audio','document','image','slides','other')),
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '',   -- ';'-separated
        duration REAL,                        -- seconds, for audio and video
        language TEXT NOT NULL DEFAULT 'zh',
        repo_version INTEGER NOT NULL,       -- root version that last changed it
        sort_key INTEGER NOT NULL DEFAULT 0  -- order among a lesson's resources
    )""",
    "CREATE INDEX resources_lesson ON resources(lesson_id)",
    "CREATE INDEX resources_repo ON resources(repo_id)",
    # Files of a resource; a blob (sha256) may serve many resources and is stored once.
    """CREATE TABLE files (
        resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('main','subtitle','thumbnail','attachment')),
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL DEFAULT 'application/octet-stream',
        language TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',       -- original file name, for display and extension
        PRIMARY KEY (resource_id, role, sha256)
    )""",
    "CREATE INDEX files_sha256 ON files(sha256)",
    # What the content store holds; a file's blob missing from here is "not yet downloaded".
    """CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('present','damaged')),
        stored_at TEXT NOT NULL,
        verified_at TEXT
    )""",
    # The teacher's own data.
    """CREATE TABLE progress (
        resource_id TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
        position_ms INTEGER NOT NULL DEFAULT 0,
        play_count INTEGER NOT NULL DEFAULT 0,
        last_played TEXT,
        finished INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE bookmarks (
        id INTEGER PRIMARY KEY,
        resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
        position_ms INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE classes (
        id INTEGER PRIMARY KEY,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        edition TEXT NOT NULL DEFAULT '',
        UNIQUE (grade, subject, edition)
    )""",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # Search helper table, filled by teachpoint.library.search.
    """CREATE TABLE search_text (
        resource_id TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
        title TEXT NOT NULL,          -- lower-cased title
        title_pinyin TEXT NOT NULL,   -- full pinyin, no spaces or tones
        title_initials TEXT NOT NULL, -- first letters
        body TEXT NOT NULL,           -- description, keywords, unit, lower-cased
        body_pinyin TEXT NOT NULL
    )""",
    # Resource state derived from its files' blobs: never stored twice.
    """CREATE VIEW resource_state AS
        SELECT r.id AS resource_id,
               CASE
                 WHEN SUM(CASE WHEN b.state = 'damaged' THEN 1 ELSE 0 END) > 0 THEN 'damaged'
                 WHEN SUM(CASE WHEN b.sha256 IS NULL THEN 1 ELSE 0 END) > 0 THEN 'not_downloaded'
                 ELSE 'installed'
               END AS state
        FROM resources r
        LEFT JOIN files f ON f.resource_id = r.id AND f.role IN ('main','subtitle')
        LEFT JOIN blobs b ON b.sha256 = f.sha256
        GROUP BY r.id""",
]


def _run(statements: list[str]) -> Callable[[sqlite_utils.Database], None]:
    def step(db: sqlite_utils.Database) -> None:
        for sql in statements:
            db.conn.execute(sql)

    return step


# Schema 2: indexed search (teachpoint.library.search). ``search_text`` is a derived cache, so it is
# recreated empty and ``index_resources`` refills it. It gets an INTEGER PRIMARY KEY (the FTS tables
# key on it, and VACUUM never renumbers it), the grade, subject and a ready-made sort key (ranking and
# filtering without joins), and its text split into title / tags (unit, keywords) / body
# (description), each with pinyin and initials where a searcher needs them. Two FTS5 indexes narrow
# the candidates, which are then checked exactly:
#   search_fts    trigram, over every text column: needles of 3+ characters;
#   search_grams  2-character tokens of the short columns (title, tags and their initials):
#                 2-character needles, which a trigram index cannot serve. It is contentless;
#                 its tokens are the 2-character substrings of ``short_text`` computed by the
#                 triggers (with the ``search_ints`` counter table), so deletes stay exact.
# Triggers keep both in step with ``search_text``, also when deleting a resource cascades here.
_FTS_COLUMNS = "title, title_pinyin, title_initials, tags, tags_pinyin, tags_initials, body"
_NEW = ", ".join(f"new.{c}" for c in _FTS_COLUMNS.split(", "))
_OLD = ", ".join(f"old.{c}" for c in _FTS_COLUMNS.split(", "))
SEARCH_SHORT_MAX = 256  # characters of the short columns given to search_grams


def _short_text(row: str) -> str:
    return (f"substr({row}.title || ' ' || {row}.title_initials || ' ' || {row}.tags || ' ' || "
            f"{row}.tags_initials, 1, {SEARCH_SHORT_MAX})")


def _grams(row: str) -> str:
    text = _short_text(row)
    return f"SELECT group_concat(substr({text}, k, 2), ' ') FROM search_ints WHERE k <= length({text})"


SCHEMA_2 = [
    "DROP TABLE search_text",
    """CREATE TABLE search_text (
        id INTEGER PRIMARY KEY,
        resource_id TEXT NOT NULL UNIQUE REFERENCES resources(id) ON DELETE CASCADE,
        grade INTEGER NOT NULL,         -- copied from the lesson, for filtering without a join
        subject TEXT NOT NULL,
        ordering TEXT NOT NULL,         -- sort key: grade, subject, edition, volume, unit, lesson, order
        title TEXT NOT NULL,            -- compact title: NFKC, lower case, letters and digits only
        title_pinyin TEXT NOT NULL,     -- full pinyin without tones or spaces (小马过河 → xiaomaguohe)
        title_initials TEXT NOT NULL,   -- first letter of each syllable (xmgh); other runs kept as is
        tags TEXT NOT NULL,             -- compact unit name and keywords, ' '-separated
        tags_pinyin TEXT NOT NULL,      -- the same, each in full pinyin
        tags_initials TEXT NOT NULL,    -- the same, each as initials
        body TEXT NOT NULL              -- compact description
    )""",
    # A one-character needle matches the start of a title (or of its initials): ranges on these.
    "CREATE INDEX search_text_title ON search_text(title)",
    "CREATE INDEX search_text_initials ON search_text(title_initials)",
    "CREATE TABLE search_ints (k INTEGER PRIMARY KEY)",
    f"""WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < {SEARCH_SHORT_MAX})
        INSERT INTO search_ints (k) SELECT k FROM n""",
    f"""CREATE VIRTUAL TABLE search_fts USING fts5({_FTS_COLUMNS},
        content='search_text', content_rowid='id', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE search_grams USING fts5(short, content='', detail=none, columnsize=0,
        tokenize='unicode61 remove_diacritics 0')""",
    f"""CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN
        INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW});
        INSERT INTO search_grams(rowid, short) VALUES (new.id, ({_grams("new")}));
    END""",
    f"""CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO search_grams(search_grams, rowid, short) VALUES ('delete', old.id, ({_grams("old")}));
    END""",
    f"""CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO search_grams(search_grams, rowid, short) VALUES ('delete', old.id, ({_grams("old")}));
        INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW});
        INSERT INTO search_grams(rowid, short) VALUES (new.id, ({_grams("new")}));
    END""",
]

# Schema 3: search_fts keeps no positions (detail=none: a fifth of the size; it is queried as
# "every trigram of the needle" and candidates are checked exactly anyway), search_grams no longer
# holds the tags' initials (two letters matched every unit's 第一单元 → "dy"), and exact/prefix
# lookups get indexes on title_pinyin and title_initials. The rows of search_text are kept; both
# FTS tables are rebuilt from them.
def _grams_v3(row: str) -> str:
    text = f"substr({row}.title || ' ' || {row}.title_initials || ' ' || {row}.tags, 1, {SEARCH_SHORT_MAX})"
    return f"SELECT group_concat(substr({text}, k, 2), ' ') FROM search_ints WHERE k <= length({text})"


SCHEMA_3 = [
    "DROP TRIGGER search_text_ai",
    "DROP TRIGGER search_text_ad",
    "DROP TRIGGER search_text_au",
    "DROP TABLE search_fts",
    "DROP TABLE search_grams",
    "DROP INDEX search_text_initials",
    "CREATE INDEX search_text_title_pinyin ON search_text(title_pinyin)",
    "CREATE INDEX search_text_title_initials ON search_text(title_initials)",
    f"""CREATE VIRTUAL TABLE search_fts USING fts5({_FTS_COLUMNS},
        content='search_text', content_rowid='id', tokenize='trigram', detail=none)""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    """CREATE VIRTUAL TABLE search_grams USING fts5(short, content='', detail=none, columnsize=0,
        tokenize='unicode61 remove_diacritics 0')""",
    f"INSERT INTO search_grams(rowid, short) SELECT id, ({_grams_v3('search_text')}) FROM search_text",
    f"""CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN
        INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW});
        INSERT INTO search_grams(rowid, short) VALUES (new.id, ({_grams_v3("new")}));
    END""",
    f"""CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO search_grams(search_grams, rowid, short) VALUES ('delete', old.id, ({_grams_v3("old")}));
    END""",
    f"""CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO search_grams(search_grams, rowid, short) VALUES ('delete', old.id, ({_grams_v3("old")}));
        INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW});
        INSERT INTO search_grams(rowid, short) VALUES (new.id, ({_grams_v3("new")}));
    END""",
]

# Schema 4: the sources this PC syncs from, and how the last attempt went.
SCHEMA_4 = [
    """CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        location TEXT NOT NULL UNIQUE,   -- http(s) URL ending in '/', or an absolute folder path
        added_at TEXT NOT NULL,
        last_attempt TEXT,
        last_success TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        failures INTEGER NOT NULL DEFAULT 0
    )""",
]

# Schema 5: "what is new" on the home page asks which files arrived since the teacher last looked.
SCHEMA_5 = [
    "CREATE INDEX blobs_stored_at ON blobs(stored_at)",
]

# Schema 6: usage records (teachpoint.library.usage): one row per local day and lesson resource,
# aggregates only (starts, milliseconds played, times finished). Grade, subject and the publisher's
# title are copied so a record outlives its lesson's removal from the catalogue; no pupil data, no
# teacher's text. ``rev`` counts changes, ``reported_seq`` is the report that last carried the row
# (NULL: changed since, so pending).
SCHEMA_6 = [
    """CREATE TABLE usage_daily (
        day TEXT NOT NULL,               -- local date YYYY-MM-DD
        resource_id TEXT NOT NULL,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',  -- the publisher's signed title, never the teacher's text
        started INTEGER NOT NULL DEFAULT 0,
        played_ms INTEGER NOT NULL DEFAULT 0,
        finished INTEGER NOT NULL DEFAULT 0,
        rev INTEGER NOT NULL DEFAULT 1,
        reported_seq INTEGER,
        PRIMARY KEY (day, resource_id)
    )""",
    "CREATE INDEX usage_daily_pending ON usage_daily(reported_seq) WHERE reported_seq IS NULL",
]

# Schema 7 (issue 15): teachers' own lessons. ``resources.origin`` holds the JSON origin of a county
# resource that came from a contribution (attribution); ``review_decisions`` the county's signed
# decisions as the last accepted root of each repository carried them; ``contributions`` this PC's
# own lessons (their resources live in the ``contrib-<pc>`` repository until the county's copy
# replaces them: ``replaced_by``).
SCHEMA_7 = [
    "ALTER TABLE resources ADD COLUMN origin TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE review_decisions (
        repo_id TEXT NOT NULL,           -- the repository whose signed root carried the decision
        pc_id TEXT NOT NULL,
        contribution_id TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('accepted','rejected')),
        decided_at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        resource TEXT NOT NULL DEFAULT '',  -- the county's resource id of an accepted one
        PRIMARY KEY (repo_id, pc_id, contribution_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE contributions (
        id TEXT PRIMARY KEY,             -- resource id in the contrib-<pc> repository
        repo_id TEXT NOT NULL,
        title TEXT NOT NULL,
        grade INTEGER NOT NULL,
        subject TEXT NOT NULL,
        edition TEXT NOT NULL DEFAULT '',
        volume TEXT NOT NULL DEFAULT '',
        unit TEXT NOT NULL DEFAULT '',
        lesson INTEGER NOT NULL DEFAULT 0,
        teacher TEXT NOT NULL DEFAULT '',
        share_name INTEGER NOT NULL DEFAULT 0,
        main_sha256 TEXT NOT NULL UNIQUE,
        main_size INTEGER NOT NULL,
        files TEXT NOT NULL DEFAULT '[]', -- JSON [[role, sha256, size, name], ...] as added
        added_at TEXT NOT NULL,
        replaced_by TEXT NOT NULL DEFAULT ''  -- catalogue id of the county's copy, once imported
    )""",
]

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _run(SCHEMA_1),
    _run(SCHEMA_2),
    _run(SCHEMA_3),
    _run(SCHEMA_4),
    _run(SCHEMA_5),
    _run(SCHEMA_6),
    _run(SCHEMA_7),
]
