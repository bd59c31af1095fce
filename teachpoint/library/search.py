"""Chinese search over the catalogue: characters, full pinyin and initials.

Indexing (:func:`index_resources`) keeps one ``search_text`` row per resource holding *compact*
text (NFKC, lower case, letters and digits only — spaces, punctuation and any LIKE/FTS syntax are
gone before SQL sees it): the title, its pinyin (小马过河 → ``xiaomaguohe``) and initials
(``xmgh``); the *tags* (unit name and keywords, space-separated, with their pinyin and initials);
the description as *body*; plus the grade, subject and a sort key. Pinyin comes from pypinyin's
default, phrase-aware readings (no heteronyms); non-Chinese runs are kept as they are. The text
normalisation itself (:func:`compact`, :func:`pinyin_forms`, tag text, query words naming a
grade or subject) is in :mod:`teachpoint.library.search_text`.

Searching (:func:`search`) asks indexes for candidates — B-tree ranges for exact and prefix
matches of titles, the trigram index ``search_fts`` for substrings of 3+ characters, the
2-character tokens of ``search_grams`` for 2 (a single character only matches the start of
titles) — then scores each candidate with exact ``instr`` checks, so an index only narrows and
never decides. Each candidate stream is capped (``CANDIDATE_CAP``) in catalogue order, which
bounds the cost of needles that match much of the catalogue (``s``, ``lx``, 练习).

Ranking: title exact > title prefix > title substring > title pinyin > title initials > tags >
body > "every word matches somewhere" > "in the grade / subject the query named"; ties go by grade, subject (programme order), edition,
volume, unit, lesson and resource order.
"""

from __future__ import annotations

import logging
import sys
import unicodedata
from dataclasses import dataclass
from typing import Iterable

import sqlite_utils

from teachpoint.library import curriculum
from teachpoint.library.catalogue_bulk import set_aside
from teachpoint.library.search_rows import search_row as _search_row
from teachpoint.library.search_rows import short_grams
from teachpoint.library.search_text import compact, pinyin_forms, plan_query

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200  # raw input beyond this is ignored
MAX_NEEDLE_CHARS = 48  # a compact needle longer than this is cut (still far beyond any title)
MAX_TERMS = 4  # whitespace-separated words considered for the "every word matches" tier
MAX_LIMIT = 500
CANDIDATE_CAP = 2000  # rows each candidate stream contributes at most (see _candidates)
TRIGRAM = 3  # the FTS5 trigram index serves needles at least this long
MAX_TRIGRAMS = 10  # a longer needle asks the index for every third trigram only
_CHUNK = 500  # ids per IN (...) list
# Row by row (through the triggers) costs ~2 ms a resource, a bulk rebuild ~0.15 ms a resource of
# the whole catalogue: more ids than this, or than 1/15 of the rows, and the bulk rebuild is cheaper.
BULK_THRESHOLD = 64
BULK_FRACTION = 15


@dataclass(frozen=True)
class SearchHit:
    """One search result; ``matched_on`` names the best field that matched (see ``TIERS``)."""

    resource_id: str
    title: str  # as the publisher wrote it
    grade: int
    subject: str
    unit: str
    score: int
    matched_on: str


# --- indexing -----------------------------------------------------------------------------------

_SOURCE_SQL = """
    SELECT r.id, r.title, r.description, r.keywords, r.sort_key,
           l.grade, l.subject, l.edition, l.volume, l.unit, l.unit_order, l.lesson
    FROM resources r JOIN lessons l ON l.id = r.lesson_id"""
_CATALOGUE_ORDER = """
    ORDER BY l.grade, instr(:subjects, '|' || l.subject || '|') = 0,
             instr(:subjects, '|' || l.subject || '|'), l.subject, l.edition,
             instr(:volumes, '|' || l.volume || '|') = 0, instr(:volumes, '|' || l.volume || '|'),
             l.volume, l.unit_order, l.unit, l.lesson, r.sort_key, r.id"""
_COLUMNS = ("resource_id, grade, subject, ordering, title, title_pinyin, title_initials, tags, "
            "tags_pinyin, tags_initials, body")
_INSERT_SQL = f"INSERT INTO search_text ({_COLUMNS}) VALUES ({', '.join('?' * 11)})"
_INSERT_ID_SQL = f"INSERT INTO search_text (id, {_COLUMNS}) VALUES ({', '.join('?' * 12)})"


def index_resources(db: sqlite_utils.Database, resource_ids: Iterable[str] | None = None) -> int:
    """(Re)build the search rows of ``resource_ids`` (``None``: every resource); return how many.

    Call it for every resource added or changed (title, description, keywords, lesson). Ids with
    no resource lose their row (deleting a resource also removes it, by cascade). Runs inside the
    caller's transaction if one is open, so a catalogue update and its index commit together.
    """
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        count = _reindex(conn, None if resource_ids is None else list(dict.fromkeys(resource_ids)))
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    log.debug("indexed %d resource(s) for search", count)
    return count


def _reindex(conn, ids: list[str] | None) -> int:
    """Delete, then insert, the rows of ``ids`` (all rows when ``None``, or when there are many)."""
    if ids is None or len(ids) > max(BULK_THRESHOLD, _row_count(conn) // BULK_FRACTION):
        return _rebuild_all(conn)
    count = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM search_text WHERE resource_id IN ({marks})", chunk)
        rows = conn.execute(f"{_SOURCE_SQL} WHERE r.id IN ({marks})", chunk).fetchall()
        conn.executemany(_INSERT_SQL, [_search_row(*row) for row in rows])  # triggers fill the FTS
        count += len(rows)
    return count


def _row_count(conn) -> int:
    return conn.execute("SELECT count(*) FROM search_text").fetchone()[0]


def _rebuild_all(conn) -> int:
    """Rebuild every row in bulk from the catalogue (see :func:`replace_all`)."""
    # Rows are numbered in catalogue order, so index order (rowid) is catalogue order: a capped
    # candidate stream then holds the matches that rank first among equals.
    order = {"subjects": "|" + "|".join(curriculum.SUBJECTS) + "|",
             "volumes": "|" + "|".join(curriculum.VOLUMES) + "|"}
    rows = conn.execute(_SOURCE_SQL + _CATALOGUE_ORDER, order)  # streams: reads other tables
    return replace_all(conn, (_search_row(*row) for row in rows))


def replace_all(conn, rows: Iterable[tuple], *, indexes_aside: bool = False) -> int:
    """Replace every row of the index by ``rows`` (``search_text`` values in catalogue order).

    In bulk: the FTS triggers are set aside (row by row is ~10x slower), rows are numbered as
    they come, the trigram index is rebuilt from ``search_text`` and the gram index filled
    directly. ``rows`` may stream from other tables, not from ``search_text``. With
    ``indexes_aside`` the title indexes are dropped too and built at the end, sorted once (0.5 s
    less at 100k); not while ``rows`` streams from a statement: SQLite drops nothing then.
    """
    with set_aside(conn, ("search_text",), ("trigger", "index") if indexes_aside else ("trigger",)):
        conn.execute("DELETE FROM search_text")
        conn.execute("INSERT INTO search_grams(search_grams) VALUES ('delete-all')")
        count, batch = 0, []
        for row in rows:
            count += 1
            batch.append((count, *row))
            if len(batch) >= 1000:
                _insert_bulk(conn, batch)
                batch = []
        _insert_bulk(conn, batch)
        conn.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    return count


def _insert_bulk(conn, batch: list[tuple]) -> None:
    """Insert rows with explicit ids, and their gram tokens (the triggers are off)."""
    conn.executemany(_INSERT_ID_SQL, batch)
    conn.executemany("INSERT INTO search_grams(rowid, short) VALUES (?, ?)",
                     [(row[0], short_grams(row[5], row[7], row[8])) for row in batch])


# --- searching ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Needle:
    """One thing to look for, with the form each field family is compared with."""

    text: str  # compact text: compared with title, tags, body
    pinyin: str  # compared with title_pinyin, tags_pinyin ('' = not a pinyin query)
    initials: str  # compared with title_initials, tags_initials ('' = not an initials query)

    @classmethod
    def of(cls, text: str) -> _Needle:
        has_latin = any("a" <= ch <= "z" for ch in text)
        pinyin = pinyin_forms(text)[0] if has_latin else ""
        return cls(text, pinyin if len(pinyin) >= TRIGRAM else "", text if text.isascii() else "")


# Searchable columns of ``search_text``: which form of a needle they are compared with (text,
# pinyin or initials) and the shortest needle looked for in them.
FIELDS = {
    "title": ("n", 1), "title_pinyin": ("p", 1), "title_initials": ("i", 1),
    "tags": ("n", 1), "tags_pinyin": ("p", 1), "tags_initials": ("i", TRIGRAM),
    "body": ("n", TRIGRAM),
}
_FORMS = {"n": "text", "p": "pinyin", "i": "initials"}  # parameter suffix → _Needle attribute
# (score, column, how it matches), best first; the column is what SearchHit.matched_on reports.
TIERS = (
    (100, "title", "exact"), (90, "title", "prefix"), (80, "title", "contains"),
    (70, "title_pinyin", "prefix"), (60, "title_pinyin", "contains"),
    (55, "title_initials", "prefix"), (50, "title_initials", "contains"),
    (40, "tags", "contains"), (35, "tags_pinyin", "contains"), (33, "tags_initials", "contains"),
    (30, "body", "contains"),
)
TERMS_SCORE, TERMS_MATCHED_ON = 10, "terms"  # several words, each found in some column
CURRICULUM_SCORE, CURRICULUM_MATCHED_ON = 5, "curriculum"  # the query named its grade / subject
MATCHED_ON = {score: column for score, column, _ in TIERS} | {TERMS_SCORE: TERMS_MATCHED_ON,
                                                               CURRICULUM_SCORE: CURRICULUM_MATCHED_ON}


def search(db: sqlite_utils.Database, query: str, grade: int | str | None = None,
           subject: str | None = None, limit: int = 50) -> list[SearchHit]:
    """Resources matching ``query`` (characters, pinyin or initials), best first.

    ``grade`` and ``subject`` filter and accept any alias (三年级, 3, 初一; 数学, 道法); an
    unknown one raises :class:`UnknownCurriculumValue`. Words of the query that name a grade or
    subject filter too (三年级 数学 分数, 三年级音乐; see :func:`plan_query`); a query that is only
    such words (音乐, 三年级 音乐) lists those lessons in curriculum order, after any title that
    contains the words as typed. An empty query gives ``[]``, or with a filter the filter's lessons.
    """
    filters = _filters(grade, subject)
    if limit <= 0:
        return []
    words = unicodedata.normalize("NFKC", str(query or ""))[:MAX_QUERY_CHARS].split()
    plan = plan_query(words, filters)
    hits = _text_hits(db, plan.literal, filters, limit) if plan.literal else []
    if plan.words:
        hits += _text_hits(db, plan.words, plan.filters, limit)
    elif plan.filters and (plan.literal or not words):
        hits += _lessons_of(db, plan.filters, limit)
    best = {}
    for hit in hits:  # a resource keeps its first (best) hit
        best.setdefault(hit.resource_id, hit)
    return list(best.values())[:limit]


def _text_hits(db: sqlite_utils.Database, words: list[str], filters: dict, limit: int) -> list[SearchHit]:
    """Resources whose text matches ``words`` within ``filters``, best first."""
    words = list(dict.fromkeys(w[:MAX_NEEDLE_CHARS] for w in map(compact, words) if w))
    needle_text = "".join(words)[:MAX_NEEDLE_CHARS]
    if not needle_text:
        return []
    needle = _Needle.of(needle_text)
    terms = [_Needle.of(w) for w in words[:MAX_TERMS]] if len(words) > 1 else []
    sql, params = _search_sql(needle, terms, filters, min(limit, MAX_LIMIT))
    rows = db.conn.execute(sql, params).fetchall()
    # Candidates are a superset: any that matched no tier scored 0, sorted last, and go here.
    return [SearchHit(rid, title, grade_, subject_, unit, score, MATCHED_ON[score])
            for rid, title, grade_, subject_, unit, score in rows if score > 0]


def _lessons_of(db: sqlite_utils.Database, filters: dict, limit: int) -> list[SearchHit]:
    """Resources of a grade and/or subject in curriculum order (the query named only them).

    Like every candidate stream, the first ``CANDIDATE_CAP`` rows in index (catalogue) order
    are read and ordered exactly: a subject spread over 100,000 rows costs no full scan."""
    where = " AND ".join(f"s.{name} = :{name}" for name in filters)
    rows = db.conn.execute(
        f"""SELECT r.id, r.title, l.grade, l.subject, l.unit
        FROM (SELECT s.resource_id, s.ordering FROM search_text s WHERE {where}
              ORDER BY s.id LIMIT :cap) s
        JOIN resources r ON r.id = s.resource_id JOIN lessons l ON l.id = r.lesson_id
        ORDER BY s.ordering LIMIT :limit""",
        {**filters, "limit": min(limit, MAX_LIMIT), "cap": CANDIDATE_CAP}).fetchall()
    return [SearchHit(rid, title, grade_, subject_, unit, CURRICULUM_SCORE, CURRICULUM_MATCHED_ON)
            for rid, title, grade_, subject_, unit in rows]


def _filters(grade, subject) -> dict:
    """Canonical filter values (raises :class:`UnknownCurriculumValue` for unknown ones)."""
    filters = {}
    if grade is not None and str(grade).strip():
        filters["grade"] = curriculum.parse_grade(grade)
    if subject is not None and str(subject).strip():
        filters["subject"] = curriculum.parse_subject(subject)
    return filters


def _search_sql(needle: _Needle, terms: list[_Needle], filters: dict, limit: int) -> tuple[str, dict]:
    """One statement: candidates from the indexes, exact scoring, filters, ranking, display columns."""
    params = {"n": needle.text, "p": needle.pinyin, "i": needle.initials, "limit": limit,
              "cap": CANDIDATE_CAP} | filters
    sources = _candidates(needle, "n", params, filters)
    whens = [f"WHEN {_condition(column, how, FIELDS[column][0])} THEN {score}"
             for score, column, how in TIERS if _applies(column, needle)]
    if terms:  # candidates of the longest word (the most selective, usually); the CASE checks all
        names = [f"t{k}" for k in range(len(terms))]
        for term, name in zip(terms, names):
            _bind(term, name, params)
        longest = max(range(len(terms)), key=lambda k: len(terms[k].text))
        sources += _candidates(terms[longest], names[longest], params, filters)
        every = " AND ".join(_matches(term, name) for term, name in zip(terms, names))
        whens.append(f"WHEN {every} THEN {TERMS_SCORE}")
    where = " AND ".join(f"s.{name} = :{name}" for name in filters) or "1"
    sql = f"""
        WITH cand(id) AS ({" UNION ".join(f"SELECT * FROM ({s})" for s in sources)}),
        best AS (
            SELECT s.resource_id AS rid, s.ordering, CASE {" ".join(whens)} ELSE 0 END AS score
            FROM cand JOIN search_text s ON s.id = cand.id WHERE {where}
            ORDER BY score DESC, s.ordering LIMIT :limit)
        SELECT r.id, r.title, l.grade, l.subject, l.unit, best.score
        FROM best JOIN resources r ON r.id = best.rid JOIN lessons l ON l.id = r.lesson_id
        ORDER BY best.score DESC, best.ordering"""
    return sql, params


def _applies(column: str, needle: _Needle) -> bool:
    """Whether ``column`` is compared with this needle: no pinyin columns for a Chinese needle,
    no initials for a non-Latin one, and short needles only in titles and tags."""
    form, shortest = FIELDS[column]
    return bool(getattr(needle, _FORMS[form])) and len(needle.text) >= shortest


def _condition(column: str, how: str, param: str) -> str:
    """SQL testing ``column`` of ``search_text s`` against the named parameter."""
    if how == "exact":
        return f"s.{column} = :{param}"
    return f"instr(s.{column}, :{param}) {'= 1' if how == 'prefix' else '> 0'}"


def _candidates(needle: _Needle, name: str, params: dict, filters: dict) -> list[str]:
    """SQL selects whose union is the ``search_text`` ids to score for the needle; adds params.

    * Exact and prefix matches of the title, its pinyin and its initials: B-tree ranges.
    * Substrings: the trigram index for 3+ characters (text and pinyin), the 2-character tokens
      of ``search_grams`` for 2; a single character only matches the start of titles.
    Each stream keeps its first ``CANDIDATE_CAP`` rows in index order, which is catalogue order
    (see :func:`_rebuild_all`), so a needle matching half the catalogue costs no more than one
    matching a few thousand rows; filters apply inside the streams so they never empty them.
    """
    _bind(needle, name, params)
    where = "".join(f" AND s.{field} = :{field}" for field in filters)
    selects = []
    for column, (form, _) in FIELDS.items():
        value = params[f"{name}_{form}"]
        if column.startswith("title") and value and _applies(column, needle):
            params[f"{name}_{form}_next"] = value[:-1] + chr(min(ord(value[-1]) + 1, sys.maxunicode))
            selects.append(
                f"SELECT s.id FROM search_text s INDEXED BY search_text_{column} WHERE s.{column} >= "
                f":{name}_{form} AND s.{column} < :{name}_{form}_next{where} ORDER BY s.id LIMIT :cap")
    forms = list(dict.fromkeys(f for f in (needle.text, needle.pinyin) if len(f) >= TRIGRAM))
    if forms:
        params[f"{name}_fts"] = " OR ".join(_trigram_query(form) for form in forms)
        selects.append(_stream("search_fts", f":{name}_fts", where))
    if len(needle.text) == TRIGRAM - 1:
        params[f"{name}_gram"] = _phrase(needle.text)
        selects.append(_stream("search_grams", f":{name}_gram", where))
    return selects


def _bind(needle: _Needle, name: str, params: dict) -> None:
    """Add the needle's forms as parameters ``{name}_n``, ``{name}_p`` and ``{name}_i``."""
    params.update({f"{name}_{form}": getattr(needle, attr) for form, attr in _FORMS.items()})


def _stream(table: str, match: str, where: str) -> str:
    """The first ``:cap`` rows of an FTS table matching, in rowid (catalogue) order."""
    if not where:
        return f"SELECT rowid FROM {table} WHERE {table} MATCH {match} ORDER BY rowid LIMIT :cap"
    return (f"SELECT f.rowid FROM {table} f JOIN search_text s ON s.id = f.rowid "
            f"WHERE f.{table} MATCH {match}{where} ORDER BY f.rowid LIMIT :cap")


def _trigram_query(text: str) -> str:
    """FTS5 query for rows holding every trigram of ``text`` (the index keeps no positions, so
    this is a superset of the rows containing ``text``); long needles use a covering subset."""
    starts = range(len(text) - TRIGRAM + 1)
    if len(starts) > MAX_TRIGRAMS:
        starts = sorted({*range(0, len(text) - TRIGRAM + 1, TRIGRAM), len(text) - TRIGRAM})
    grams = dict.fromkeys(text[k:k + TRIGRAM] for k in starts)
    return "(" + " AND ".join(_phrase(g) for g in grams) + ")"


def _matches(needle: _Needle, name: str) -> str:
    """SQL condition: the needle (params from :func:`_candidates`) occurs in some column of ``s``."""
    return "(" + " OR ".join(_condition(column, "contains", f"{name}_{form}")
                             for column, (form, _) in FIELDS.items() if _applies(column, needle)) + ")"


def _phrase(text: str) -> str:
    """An FTS5 string literal (never an operator, whatever the text)."""
    return '"' + text.replace('"', '""') + '"'
