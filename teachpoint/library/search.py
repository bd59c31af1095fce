"""Chinese search over the catalogue: characters, full pinyin and initials.

Indexing (:func:`index_resources`) stores, per resource, a *compact* form of its text (NFKC,
lower case, letters and digits only — so spaces, punctuation and LIKE/FTS syntax never matter)
in ``search_text``: the title, its pinyin (小马过河 → ``xiaomaguohe``) and initials (``xmgh``);
the *tags* (grade, subject, edition, volume, unit, keywords — space-separated, each also as pinyin
and initials); and the description as *body*. Pinyin comes from pypinyin with its default
readings (phrase-aware, heteronyms off); non-Chinese runs are kept as they are.

Searching (:func:`search`) finds candidates through the FTS5 trigram index for needles of three or
more characters and by scanning the narrow covering index ``search_text_short`` for shorter ones
(titles, tags, initials), then scores every candidate with exact ``instr`` checks, so the index only
ever narrows and never decides. Ranking: title exact > title prefix > title substring > title
pinyin > title initials > tags > body > "every word matches somewhere"; ties go by grade, subject
(programme order), edition, volume, unit, lesson, resource order.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Iterator

import sqlite_utils
from pypinyin import lazy_pinyin

from teachpoint.errors import UnknownCurriculumValue
from teachpoint.library import curriculum

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200  # raw input beyond this is ignored
MAX_NEEDLE_CHARS = 48  # a compact needle longer than this is cut (still far beyond any title)
MAX_TERMS = 4  # whitespace-separated words considered for the "every word matches" tier
MAX_LIMIT = 500
TRIGRAM = 3  # the FTS5 trigram index serves needles at least this long
_CHUNK = 500  # ids per IN (...) list
_NOT_HAN = "\x00"  # marks runs pypinyin passed through unchanged
_SEGMENT = re.compile(r"[^\W_]+")  # runs of letters and digits (any script)



@dataclass(frozen=True)
class SearchHit:
    """One search result; ``matched_on`` names the best field that matched (see ``TIERS``)."""

    resource_id: str
    title: str
    grade: int
    subject: str
    unit: str
    score: int
    matched_on: str


# --- normalising text ---------------------------------------------------------------------------

def compact(text: str) -> str:
    """NFKC, lower case, letters and digits only: ``"《小马 过河》Ｕnit-3"`` → ``"小马过河unit3"``."""
    return "".join(_SEGMENT.findall(unicodedata.normalize("NFKC", text or "").lower()))


def pinyin_forms(text: str) -> tuple[str, str]:
    """Full pinyin and initials of ``text``, compact: ``"小马过河 (2)"`` → ``("xiaomaguohe2", "xmgh2")``."""
    parts = [_segment_pinyin(seg) for seg in _SEGMENT.findall(unicodedata.normalize("NFKC", text or "").lower())]
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


@functools.lru_cache(maxsize=200_000)
def _segment_pinyin(segment: str) -> tuple[str, str]:
    """Pinyin and initials of one run of letters/digits (cached: units, keywords and title parts repeat)."""
    items = lazy_pinyin(segment, errors=lambda run: _NOT_HAN + run)
    full = "".join(item.lstrip(_NOT_HAN) for item in items)
    initials = "".join(item[1:] if item.startswith(_NOT_HAN) else item[:1] for item in items)
    return full.lower(), initials.lower()


# --- indexing -----------------------------------------------------------------------------------

_SOURCE_SQL = """
    SELECT r.id, r.title, r.description, r.keywords, r.sort_key,
           l.grade, l.subject, l.edition, l.volume, l.unit, l.unit_order, l.lesson
    FROM resources r JOIN lessons l ON l.id = r.lesson_id"""
_INSERT_SQL = """
    INSERT INTO search_text (resource_id, grade, subject, ordering, title, title_pinyin,
                             title_initials, tags, tags_pinyin, tags_initials, body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_SUBJECT_RANK = {name: i for i, name in enumerate(curriculum.SUBJECTS)}
_VOLUME_RANK = {name: i for i, name in enumerate(curriculum.VOLUMES)}


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
    """Delete, then insert, the rows of ``ids`` (all rows when ``None``)."""
    if ids is None:
        conn.execute("DELETE FROM search_text")
        return _insert(conn, conn.execute(_SOURCE_SQL))
    count = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM search_text WHERE resource_id IN ({marks})", chunk)
        count += _insert(conn, conn.execute(f"{_SOURCE_SQL} WHERE r.id IN ({marks})", chunk).fetchall())
    return count


def _insert(conn, rows: Iterable[tuple]) -> int:
    """Insert search rows built from source rows, in batches; return how many."""
    count, batch = 0, []
    for row in rows:
        batch.append(_search_row(*row))
        if len(batch) >= 1000:
            conn.executemany(_INSERT_SQL, batch)
            count, batch = count + len(batch), []
    conn.executemany(_INSERT_SQL, batch)
    return count + len(batch)


def _search_row(rid, title, description, keywords, sort_key,
                grade, subject, edition, volume, unit, unit_order, lesson) -> tuple:
    """The ``search_text`` values of one resource."""
    title_pinyin, title_initials = pinyin_forms(title)
    tags = [t for t in dict.fromkeys(map(compact, [unit, *(keywords or "").split(";")])) if t]
    forms = [_segment_pinyin(t) for t in tags]  # a compact tag is one segment
    ordering = "\x1f".join((
        f"{_num(grade)}{_num(_SUBJECT_RANK.get(subject, 99))}{subject}", edition,
        f"{_num(_VOLUME_RANK.get(volume, 99))}{volume}", f"{_num(unit_order)}{unit}",
        f"{_num(lesson)}{_num(sort_key)}{rid}"))
    return (rid, grade, subject, ordering, compact(title), title_pinyin, title_initials,
            " ".join(tags), " ".join(f[0] for f in forms), " ".join(f[1] for f in forms),
            compact(description))


def _num(value) -> str:
    """A small non-negative int as a fixed-width sortable string."""
    return f"{max(0, min(int(value or 0), 99_999)):05d}"


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


# (score, matched_on, condition); ``:n`` text, ``:p`` pinyin, ``:i`` initials of the whole query.
TIERS = (
    (100, "title", "s.title = :n"),
    (90, "title", "instr(s.title, :n) = 1"),
    (80, "title", "instr(s.title, :n) > 0"),
    (70, "title_pinyin", "instr(s.title_pinyin, :p) = 1"),
    (60, "title_pinyin", "instr(s.title_pinyin, :p) > 0"),
    (55, "title_initials", "instr(s.title_initials, :i) = 1"),
    (50, "title_initials", "instr(s.title_initials, :i) > 0"),
    (40, "tags", "instr(s.tags, :n) > 0"),
    (35, "tags_pinyin", "instr(s.tags_pinyin, :p) > 0"),
    (33, "tags_initials", "instr(s.tags_initials, :i) > 0"),
    (30, "body", "instr(s.body, :n) > 0"),
)
TERMS_SCORE, TERMS_MATCHED_ON = 10, "terms"
MATCHED_ON = {score: field for score, field, _ in TIERS} | {TERMS_SCORE: TERMS_MATCHED_ON}


def search(db: sqlite_utils.Database, query: str, grade: int | str | None = None,
           subject: str | None = None, limit: int = 50) -> list[SearchHit]:
    """Resources matching ``query`` (characters, pinyin or initials), best first.

    ``grade`` and ``subject`` filter and accept any alias (三年级, 3, 初一; 数学, 道法); an
    unknown one raises :class:`UnknownCurriculumValue`. In a query of several words, words that
    name a grade or subject (三年级 数学 分数) filter too, if other words remain. An empty query
    gives ``[]``.
    """
    filters = _filters(grade, subject)
    words = unicodedata.normalize("NFKC", str(query or ""))[:MAX_QUERY_CHARS].split()
    if len(words) > 1:
        words = _take_curriculum_words(words, filters)
    words = list(dict.fromkeys(w[:MAX_NEEDLE_CHARS] for w in map(compact, words) if w))
    needle_text = "".join(words)[:MAX_NEEDLE_CHARS]
    if not needle_text or limit <= 0:
        return []
    needle = _Needle.of(needle_text)
    terms = [_Needle.of(w) for w in words[:MAX_TERMS]] if len(words) > 1 else []
    sql, params = _search_sql(needle, terms, filters, min(limit, MAX_LIMIT))
    rows = db.conn.execute(sql, params).fetchall()
    # Candidates are a superset: any that matched no tier scored 0, sorted last, and go here.
    return [SearchHit(rid, title, grade_, subject_, unit, score, MATCHED_ON[score])
            for rid, title, grade_, subject_, unit, score in rows if score > 0]


def _filters(grade, subject) -> dict:
    """Canonical filter values (raises :class:`UnknownCurriculumValue` for unknown ones)."""
    filters = {}
    if grade is not None and str(grade).strip():
        filters["grade"] = curriculum.parse_grade(grade)
    if subject is not None and str(subject).strip():
        filters["subject"] = curriculum.parse_subject(subject)
    return filters


def _take_curriculum_words(words: list[str], filters: dict) -> list[str]:
    """Move words naming a grade (not a bare number) or a subject into ``filters``; return the rest.

    Only when some other word remains, and never overriding an explicit filter.
    """
    found, rest = {}, []
    for word in words:
        field, value = _curriculum_word(word)
        if field and field not in filters and field not in found:
            found[field] = value
        else:
            rest.append(word)
    if rest and found:
        filters.update(found)
        return rest
    return words


def _curriculum_word(word: str) -> tuple[str | None, object]:
    """("grade", 3) for 三年级/初一/G3, ("subject", "数学") for 数学/道法/math, else (None, None)."""
    grade = None if word.isdigit() else curriculum.lookup_grade(word)
    if grade is not None:
        return "grade", grade
    subject = curriculum.lookup_subject(word)
    return ("subject", subject) if subject else (None, None)


def _search_sql(needle: _Needle, terms: list[_Needle], filters: dict, limit: int) -> tuple[str, dict]:
    """One statement: candidates from the indexes, exact scoring, filters, ranking, display columns."""
    params = {"n": needle.text, "p": needle.pinyin, "i": needle.initials, "limit": limit} | filters
    sources = [_candidates(needle, "n", params)]
    whens = [f"WHEN {cond} THEN {score}" for score, _, cond in TIERS if _usable(cond, needle)]
    if terms:
        each = [f"SELECT * FROM ({_candidates(t, f't{k}', params)})" for k, t in enumerate(terms)]
        sources.append(" INTERSECT ".join(each))
        every = " AND ".join(_matches(t, f"t{k}") for k, t in enumerate(terms))
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


def _usable(condition: str, needle: _Needle) -> bool:
    """Whether a tier applies to this needle (no pinyin tiers for a Chinese query, …)."""
    if ":p" in condition:
        return bool(needle.pinyin)
    if ":i" in condition:
        return bool(needle.initials)
    if "s.body" in condition:
        return len(needle.text) >= TRIGRAM  # short needles are not looked for in descriptions
    return True


def _candidates(needle: _Needle, name: str, params: dict) -> str:
    """SQL giving a superset of the ``search_text`` ids the needle can match; adds its params.

    Needles of 3+ characters (and pinyin) go to the trigram index, 2-character ones to the
    2-character tokens of ``search_grams``; a single character only matches the start of a title
    or of its initials (anything else would match most of the catalogue).
    """
    params[f"{name}_n"], params[f"{name}_p"], params[f"{name}_i"] = needle.text, needle.pinyin, needle.initials
    phrases = [form for form in (needle.text, needle.pinyin) if len(form) >= TRIGRAM]
    parts = []
    if phrases:
        params[f"{name}_fts"] = " OR ".join(_phrase(form) for form in dict.fromkeys(phrases))
        parts.append(f"SELECT rowid FROM search_fts WHERE search_fts MATCH :{name}_fts")
    if len(needle.text) == TRIGRAM - 1:
        params[f"{name}_gram"] = _phrase(needle.text)
        parts.append(f"SELECT rowid FROM search_grams WHERE search_grams MATCH :{name}_gram")
    elif len(needle.text) == 1:  # too common to look for anywhere: the start of titles only
        params[f"{name}_next"] = chr(min(ord(needle.text) + 1, sys.maxunicode))
        parts += [f"SELECT id FROM search_text WHERE {col} >= :{name}_n AND {col} < :{name}_next"
                  for col in ("title", "title_initials")]
    return " UNION ".join(parts)


def _matches(needle: _Needle, name: str) -> str:
    """SQL condition: the needle (params from :func:`_candidates`) occurs in some field of ``s``."""
    fields = [("s.title", "n"), ("s.tags", "n")]
    if len(needle.text) >= TRIGRAM:
        fields.append(("s.body", "n"))
    if needle.pinyin:
        fields += [("s.title_pinyin", "p"), ("s.tags_pinyin", "p")]
    if needle.initials:
        fields += [("s.title_initials", "i"), ("s.tags_initials", "i")]
    return "(" + " OR ".join(f"instr({col}, :{name}_{form}) > 0" for col, form in fields) + ")"


def _phrase(text: str) -> str:
    """An FTS5 string literal: a phrase, i.e. a substring with the trigram tokenizer."""
    return '"' + text.replace('"', '""') + '"'
