"""Text for search: compact text, pinyin and initials, the tag text of a resource, query words.

*Compact* text is NFKC, lower case, letters and digits only: spaces, punctuation and any LIKE/FTS
syntax are gone. Pinyin comes from pypinyin's default, phrase-aware readings (no heteronyms);
non-Chinese runs are kept as they are. Words of a query that name a grade or a subject
(三年级, 数学) become filters (:func:`take_curriculum_words`). Used by
:mod:`teachpoint.library.search`, which re-exports :func:`compact` and :func:`pinyin_forms`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
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
    parts = [_segment_pinyin(seg) for seg in _segments(text)]
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


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


def tag_forms(unit: str, keywords: list[str]) -> tuple[str, str, str]:
    """The ``tags``, ``tags_pinyin`` and ``tags_initials`` text of a resource.

    Tags are the unit name and the keywords, compact, each once, space-separated; the pinyin and
    initials are those of each tag.
    """
    tags = _unique(map(_compact_cached, [unit, *keywords]))
    # Pinyin and initials of a unit leave out its ordinal: every unit's 第一单元 would otherwise
    # answer short initials such as "dy" or "yd".
    spoken_tags = _unique(map(_compact_cached, [_UNIT_ORDINAL.sub("", unit), *keywords]))
    spoken = [_segment_pinyin(t) for t in spoken_tags]  # a compact tag is a single segment
    return " ".join(tags), " ".join(f[0] for f in spoken), " ".join(f[1] for f in spoken)


def _unique(texts: Iterable[str]) -> list[str]:
    """Non-empty texts, first occurrence only, in order."""
    return [t for t in dict.fromkeys(texts) if t]


def take_curriculum_words(words: list[str], filters: dict) -> list[str]:
    """Move words naming a grade or a subject into ``filters``; return the other words.

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
    """("grade", 3) for 三年级/初一, ("subject", "数学") for 数学/道法, else (None, None).

    Only Chinese words count: "3", "it", "art" or "music" in a query are far more often part of
    a title (Unit 3, Is it a cat?) than a filter.
    """
    if word.isascii():
        return None, None
    grade = curriculum.lookup_grade(word)
    if grade is not None:
        return "grade", grade
    subject = curriculum.lookup_subject(word)
    return ("subject", subject) if subject else (None, None)
