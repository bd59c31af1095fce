"""Text for search: compact text, pinyin and initials, the tag text of a resource, query words.

*Compact* text is NFKC, lower case, letters and digits only: spaces, punctuation and any LIKE/FTS
syntax are gone. Pinyin comes from pypinyin's default, phrase-aware readings (no heteronyms);
non-Chinese runs are kept as they are. Words of a query that name a grade or a subject
(三年级, 数学), also glued together (三年级音乐), become filters (:func:`plan_query`). Used by
:mod:`teachpoint.library.search`, which re-exports :func:`compact` and :func:`pinyin_forms`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from teachpoint.library import curriculum

_NOT_HAN = "\x00"  # marks runs pypinyin passed through unchanged
_SEGMENT = re.compile(r"[^\W_]+")  # runs of letters and digits (any script)
_UNIT_ORDINAL = re.compile(
    r"^\s*(?:第\s*[\d零〇一二两三四五六七八九十百]+\s*(?:单元|组|章|模块|主题|部分|板块)|"
    r"(?:unit|module|chapter)\s*\d+)", re.IGNORECASE)


@functools.lru_cache(maxsize=16_384)
def _compact_cached(text: str) -> str:
    return compact(text)


def compact(text: str) -> str:
    """NFKC, lower case, letters and digits only: ``"《小马 过河》Ｕnit-3"`` → ``"小马过河unit3"``."""
    return "".join(_segments(text))


def pinyin_forms(text: str) -> tuple[str, str]:
    """Full pinyin and initials of ``text``, compact: ``"小马过河 (2)"`` → ``("xiaomaguohe2", "xmgh2")``."""
    return title_forms(text)[1:]


def title_forms(text: str) -> tuple[str, str, str]:
    """:func:`compact` text, full pinyin and initials of ``text`` (its runs split once)."""
    segments = _segments(text)
    parts = [_segment_pinyin(seg) for seg in segments]
    return "".join(segments), "".join(p[0] for p in parts), "".join(p[1] for p in parts)


def _segments(text: str) -> list[str]:
    """Runs of letters and digits of ``text`` after NFKC and lower-casing."""
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):  # the check is ~30× cheaper than normalising
        text = unicodedata.normalize("NFKC", text)
    return _SEGMENT.findall(text.lower())


@functools.lru_cache(maxsize=65_536)
def _segment_pinyin(segment: str) -> tuple[str, str]:
    """Pinyin and initials of one run of letters/digits (cached: units, keywords and title parts repeat)."""
    from pypinyin import lazy_pinyin  # ~0.15 s of dictionaries: only when text is indexed or searched

    items = lazy_pinyin(segment, errors=lambda run: _NOT_HAN + run)
    full = "".join(item.lstrip(_NOT_HAN) for item in items)
    initials = "".join(item[1:] if item.startswith(_NOT_HAN) else item[:1] for item in items)
    return full.lower(), initials.lower()


@functools.lru_cache(maxsize=16_384)
def tag_forms(unit: str, keywords: str) -> tuple[str, str, str]:
    """The ``tags``, ``tags_pinyin`` and ``tags_initials`` text of a resource.

    Tags are the unit name and the keywords (``keywords``: ';'-separated), compact, each once,
    space-separated; the pinyin and initials are those of each tag. Cached: the resources of a
    unit often share their keywords.
    """
    keywords = keywords.split(";")
    tags = _unique(map(_compact_cached, [unit, *keywords]))
    # Pinyin and initials of a unit leave out its ordinal: every unit's 第一单元 would otherwise
    # answer short initials such as "dy" or "yd".
    spoken_tags = _unique(map(_compact_cached, [_UNIT_ORDINAL.sub("", unit), *keywords]))
    spoken = [_segment_pinyin(t) for t in spoken_tags]  # a compact tag is a single segment
    return " ".join(tags), " ".join(f[0] for f in spoken), " ".join(f[1] for f in spoken)


def _unique(texts: Iterable[str]) -> list[str]:
    """Non-empty texts, first occurrence only, in order."""
    return [t for t in dict.fromkeys(texts) if t]


@dataclass(frozen=True)
class QueryPlan:
    """What a query asks for once its grade and subject words are understood.

    ``words`` are looked for as text within ``filters`` (empty: every lesson of the filters, in
    curriculum order). ``literal`` (when not None) are the words as typed, also looked for as
    plain text without those filters, and ranked first: a title that happens to contain a
    subject word (数学广角, 美术馆) must still be found by its own name.
    """

    words: list[str]
    filters: dict
    literal: list[str] | None = None


def plan_query(words: list[str], filters: dict) -> QueryPlan:
    """Understand the grade and subject words of ``words`` (三年级, 音乐, 初一, 道法 …).

    A word naming a grade or subject becomes a filter (never overriding an explicit one), also
    when glued to others: 三年级音乐 is 三年级 + 音乐, 三年级音乐小雨 is both filters plus 小雨.
    Separate words with other words left (三年级 分数) filter only; a query that is nothing but
    curriculum words, or one whose words had to be split, also searches its text as typed.
    """
    found: dict = {}
    rest: list[str] = []
    split = False
    for word in words:
        parts = _split_curriculum(word, filters, found)
        split = split or (len(parts) > 1)
        rest += [text for field, text in parts if field is None]
    if not found:
        return QueryPlan(list(words), dict(filters))
    literal = list(words) if (split or not rest) else None
    return QueryPlan(rest, {**filters, **found}, literal)


def _split_curriculum(word: str, filters: dict, found: dict) -> list[tuple[str | None, str]]:
    """``word`` as (field, text) parts: curriculum words peeled off its start and end go into
    ``found``; the middle stays as (None, text). A word that is no such thing is [(None, word)]."""
    field, value = _curriculum_word(word)
    if field:
        if field in filters or field in found:
            return [(None, word)]
        found[field] = value
        return [(field, word)]
    parts: list[tuple[str | None, str]] = []
    tail: list[tuple[str | None, str]] = []
    middle = word
    for at_start in (True, False):
        while middle:
            piece = _curriculum_affix(middle, at_start, filters, found)
            if piece is None:
                break
            field, value, text = piece
            found[field] = value
            middle = middle[len(text):] if at_start else middle[:-len(text)]
            if at_start:
                parts.append((field, text))
            else:
                tail.insert(0, (field, text))
    if not parts and not tail:
        return [(None, word)]
    return parts + ([(None, middle)] if middle else []) + tail


def _curriculum_affix(word: str, at_start: bool, filters: dict, found: dict):
    """The longest (field, value, text) curriculum word at the start (or end) of ``word`` whose
    field is still free; None if there is none."""
    if word.isascii():
        return None
    for size in range(min(len(word), _LONGEST_WORD), 1, -1):
        text = word[:size] if at_start else word[-size:]
        field, value = _curriculum_word(text)
        if field and field not in filters and field not in found:
            return field, value, text
    return None


_GRADE_MARKED = re.compile(r"年级|^[初高]中?[一二三]$")  # 三年级, 初一, 高中二年级; not a bare 三
_LONGEST_WORD = 8  # 小学三年级, 道德与法治, 综合实践活动, 高中二年级: no Chinese alias is longer


def _curriculum_word(word: str) -> tuple[str | None, object]:
    """("grade", 3) for 三年级/初一, ("subject", "数学") for 数学/道法, else (None, None).

    Only Chinese words count: "3", "it", "art" or "music" in a query are far more often part of
    a title (Unit 3, Is it a cat?) than a filter; so do bare numerals (三, 一二 start titles).
    """
    if word.isascii():
        return None, None
    grade = curriculum.lookup_grade(word) if _GRADE_MARKED.search(word) else None
    if grade is not None:
        return "grade", grade
    subject = curriculum.lookup_subject(word)
    return ("subject", subject) if subject else (None, None)
