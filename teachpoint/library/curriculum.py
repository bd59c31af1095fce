"""Parsing and naming the national curriculum vocabulary (年级 → 学科 → 版本 → 册 → 单元 → 课).

Grades and subjects are a closed vocabulary: an unknown one raises
:class:`~teachpoint.errors.UnknownCurriculumValue` naming the nearest valid value. Editions and
volumes are open (regions use editions nobody listed): known aliases are normalised, anything
else is returned stripped. All parsers accept fullwidth characters and stray whitespace.

The data lives in :mod:`teachpoint.library.curriculum_data`; it is re-exported here.
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
import unicodedata

from teachpoint.errors import UnknownCurriculumValue
from teachpoint.library.curriculum_data import (
    CHINESE_DIGITS,
    EDITION_ALIASES,
    EDITIONS,
    GRADES,
    JUNIOR,
    PRIMARY,
    SENIOR,
    STAGES,
    SUBJECT_ALIASES,
    SUBJECTS,
    VOLUME_ALIASES,
    VOLUMES,
)

__all__ = [
    "EDITIONS", "GRADES", "STAGES", "SUBJECTS", "VOLUMES",
    "chinese_number", "edition_key", "grade_aliases", "grade_name", "lookup_grade", "lookup_subject",
    "parse_edition", "parse_grade", "parse_subject", "parse_volume", "stage_of", "subjects_for_grade",
    "unit_order",
]

log = logging.getLogger(__name__)

_SUGGEST_CUTOFF = 0.5
_CN_NUM = "[零〇一二两三四五六七八九十百]+"
_GRADE_RE = re.compile(
    rf"(?P<prefix>grade|gr|g|小学|初中|初|高中|高)?\.?(?P<num>\d{{1,2}}|{_CN_NUM})"
    r"(?P<suffix>年级|th|st|nd|rd)?"
)
_UNIT_RES = (
    re.compile(rf"第\s*(\d+|{_CN_NUM})\s*(?:单元|组|章|模块|主题|部分|板块)"),
    re.compile(r"(?:unit|module|chapter|topic|lesson)\s*[-.:#]?\s*(\d+)", re.IGNORECASE),
    re.compile(rf"^\s*(\d+|{_CN_NUM})(?:\s*(?:单元|组|章|模块)|(?=[\s.、:：\-_)）]|$))"),
)
_VOLUME_RE = re.compile(r"(选择性必修|选必|必修|选修)第?([1-4一二三四])册?")
_GRADE_VOLUME_RE = re.compile(r"(?:.{1,3}年级|初[一二三]|高[一二三])(上册|下册|上|下|全一册)")


def _key(text: object) -> str:
    """Normalise for lookups: NFKC (fullwidth → ASCII), lower case, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", str(text)).lower().split())


def _clean(text: object) -> str:
    """NFKC with surrounding whitespace stripped and inner runs collapsed (case kept)."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split())


def chinese_number(text: str) -> int | None:
    """Parse ``"12"``, ``"十二"``, ``"二十三"``, ``"一百零五"`` … into an int (None if not a number)."""
    text = _key(text)
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CHINESE_DIGITS + "〇两十百" for ch in text):
        return None
    digits = {ch: i for i, ch in enumerate(CHINESE_DIGITS)} | {"〇": 0, "两": 2}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        else:  # a unit: 十 or 百
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
    return total + current


# --- grades -----------------------------------------------------------------------------------

def grade_name(n: int) -> str:
    """Canonical name of grade ``n``: 三年级, 七年级, 高一 …"""
    return GRADES[parse_grade(n)]


def place_zh(position) -> str:
    """Where a lesson sits, in words: "三年级 音乐 人音版 上册 第二单元 第4课" (parts left out when empty)."""
    p = position
    parts = [grade_name(p.grade), p.subject, p.edition, p.volume, p.unit,
             f"第{p.lesson}课" if p.lesson else ""]
    return " ".join(x for x in parts if x)


def grade_aliases(n: int) -> list[str]:
    """Names people use for grade ``n`` (all accepted by :func:`parse_grade`), canonical first."""
    n = parse_grade(n)
    names = [GRADES[n], f"{_cn(n)}年级"]
    if n <= 6:
        names.append(f"小学{_cn(n)}年级")
    elif n <= 9:
        names += [f"初{_cn(n - 6)}", f"初中{_cn(n - 6)}年级"]
    else:
        names += [f"高中{_cn(n - 9)}年级"]
    names += [f"{n}年级", str(n), f"Grade {n}", f"G{n}"]
    return list(dict.fromkeys(names))


def stage_of(n: int | str) -> str:
    """The stage (学段) of a grade: 小学, 初中 or 高中."""
    n = parse_grade(n)
    return next(stage for stage, grades in STAGES.items() if n in grades)


def parse_grade(text: str | int) -> int:
    """Grade as an int 1..12 from ``3``, ``"3"``, ``"３年级"``, ``"三年级"``, ``"初一"``, ``"G7"`` …"""
    n = lookup_grade(text)
    if n is None:
        raise _unknown_grade(str(text))
    return n


def lookup_grade(text: str | int) -> int | None:
    """Like :func:`parse_grade`, but ``None`` for an unknown grade (cheap: no suggestion)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if text in GRADES else None
    match = _GRADE_RE.fullmatch(_key(text))
    return _grade_from_match(match) if match else None


def _grade_from_match(match: re.Match) -> int | None:
    """Apply the stage prefix of a grade match (初一 = 7, 高中二年级 = 11, 初中八年级 = 8)."""
    n = chinese_number(match["num"])
    prefix = match["prefix"] or ""
    if n is None:
        return None
    if prefix in ("初", "初中"):
        n = n + 6 if 1 <= n <= 3 else n
        return n if n in STAGES[JUNIOR] else None
    if prefix in ("高", "高中"):
        n = n + 9 if 1 <= n <= 3 else n
        return n if n in STAGES[SENIOR] else None
    if prefix == "小学":
        return n if n in STAGES[PRIMARY] else None
    return n if n in GRADES else None


def _unknown_grade(value: str) -> UnknownCurriculumValue:
    """The error for an unknown grade, suggesting the nearest (小学七年级 → 七年级)."""
    key, suggestion = _key(value), None
    for prefix in ("小学", "初中", "高中"):
        match = _GRADE_RE.fullmatch(key[len(prefix):]) if key.startswith(prefix) else None
        n = _grade_from_match(match) if match and not match["prefix"] else None
        suggestion = suggestion or (GRADES[n] if n else None)
    if suggestion is None:
        candidates = {_key(alias): GRADES[n] for n in GRADES for alias in grade_aliases(n)}
        suggestion = _nearest(value, candidates)
    return UnknownCurriculumValue("grade", value, list(GRADES.values()), suggestion)


def _cn(n: int) -> str:
    """1..12 in Chinese numerals (一 … 十二)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    return "十" + (CHINESE_DIGITS[n - 10] if n > 10 else "")


# --- subjects ---------------------------------------------------------------------------------

def parse_subject(text: str) -> str:
    """Canonical subject from a name, an alias (道法, 生物, PE, Math), or its pinyin (shuxue)."""
    name = lookup_subject(text)
    if name is None:
        raise UnknownCurriculumValue(
            "subject", str(text), list(SUBJECTS),
            _nearest(str(text), _subject_lookup() | _subject_pinyin_lookup(), pinyin=True)
        )
    return name


def lookup_subject(text: str) -> str | None:
    """Like :func:`parse_subject`, but ``None`` for an unknown subject (cheap: no suggestion)."""
    variants = _subject_variants(_key(text))
    for table in (_subject_lookup, _subject_pinyin_lookup):  # pypinyin loads only if needed
        lookup = table()
        found = next((lookup[c] for c in variants if c in lookup), None)
        if found:
            return found
    return None


def subjects_for_grade(n: int | str) -> list[str]:
    """Canonical subjects taught in the stage of grade ``n``, in programme order."""
    stage = stage_of(n)
    return [name for name, stages in SUBJECTS.items() if stage in stages]


def _subject_variants(key: str) -> list[str]:
    """The key itself, then without a stage prefix (初中数学) or a 课/学科 suffix (音乐课)."""
    variants = [key]
    for prefix in (PRIMARY, JUNIOR, SENIOR):
        if key.startswith(prefix) and len(key) > len(prefix):
            variants.append(key[len(prefix):])
    for variant in list(variants):
        for suffix in ("学科", "课"):
            if variant.endswith(suffix) and len(variant) > len(suffix):
                variants.append(variant[: -len(suffix)])
    return variants


@functools.cache
def _subject_lookup() -> dict[str, str]:
    """Normalised name or alias → canonical subject."""
    lookup = {_key(alias): name for alias, name in SUBJECT_ALIASES.items()}
    lookup.update({_key(name): name for name in SUBJECTS})
    return lookup


@functools.cache
def _subject_pinyin_lookup() -> dict[str, str]:
    """Pinyin of the Chinese names and aliases (shuxue, tiyu) → canonical subject."""
    lookup: dict[str, str] = {}
    for written, name in [(name, name) for name in SUBJECTS] + list(SUBJECT_ALIASES.items()):
        if not written.isascii():
            lookup.setdefault(_pinyin(_key(written)), name)
    return lookup


# --- editions and volumes ---------------------------------------------------------------------

def parse_edition(text: str) -> str:
    """Canonical edition for known names and aliases (部编版 → 统编版, 人教 → 人教版);
    any other text is returned stripped, since regions use editions not listed here."""
    cleaned = _clean(text)
    key = _key(cleaned)
    lookup = _edition_lookup()
    for candidate in (key, key + "版"):
        if candidate in lookup:
            return lookup[candidate]
    return cleaned


def edition_key(text: str) -> str:
    """Comparison key for editions: two spellings of one edition give the same key."""
    return _key(parse_edition(text))


@functools.cache
def _edition_lookup() -> dict[str, str]:
    lookup = {_key(alias): name for alias, name in EDITION_ALIASES.items()}
    lookup.update({_key(name): name for name in EDITIONS})
    return lookup


def parse_volume(text: str) -> str:
    """Canonical volume for known forms (上 → 上册, 必修1 → 必修第一册, 三年级上册 → 上册);
    any other text is returned stripped."""
    cleaned = _clean(text)
    key = _key(cleaned)
    if key in VOLUMES:
        return key
    if key in VOLUME_ALIASES:
        return VOLUME_ALIASES[key]
    match = _VOLUME_RE.fullmatch(key)
    if match:
        kind = {"选必": "选择性必修"}.get(match[1], match[1])
        return f"{kind}第{_cn(chinese_number(match[2]) or 0)}册"
    match = _GRADE_VOLUME_RE.fullmatch(key)
    if match:
        return VOLUME_ALIASES.get(match[1], match[1])
    return cleaned


# --- units ------------------------------------------------------------------------------------

def unit_order(unit_text: str) -> int:
    """Order of a unit from its name: "第三单元 春天" → 3, "Unit 12" → 12, "3" → 3; 0 when none."""
    text = unicodedata.normalize("NFKC", str(unit_text or ""))
    for pattern in _UNIT_RES:
        match = pattern.search(text)
        if match:
            return chinese_number(match[1]) or 0
    return 0


# --- suggestions ------------------------------------------------------------------------------

def _nearest(value: str, candidates: dict[str, str], pinyin: bool = False) -> str | None:
    """Canonical value whose alias is closest to ``value``.

    Characters and (with ``pinyin``) whole syllables count fully, since a wrong character with
    the right sound (音月 → 音乐) is the typical slip; letter-level pinyin likeness only breaks
    ties, because unrelated syllables share letters (shuzi and lishi share "sh" and "i").
    """
    key = _key(value)
    if not key or key.isdigit():
        return None  # an out-of-range number has no "nearest" grade worth suggesting
    best, best_score = None, _SUGGEST_CUTOFF
    for alias, canonical in candidates.items():
        score = _likeness(key, alias, pinyin)
        if score > best_score:
            best, best_score = canonical, score
    return best


def _likeness(a: str, b: str, pinyin: bool) -> float:
    """Similarity 0..1 of two normalised names (see :func:`_nearest`)."""
    chars = difflib.SequenceMatcher(None, a, b).ratio()
    if not pinyin:
        return chars
    syllables = difflib.SequenceMatcher(None, _syllables(a), _syllables(b)).ratio()
    letters = difflib.SequenceMatcher(None, _pinyin(a), _pinyin(b)).ratio()
    return 0.6 * max(chars, syllables) + 0.4 * letters


@functools.lru_cache(maxsize=1024)
def _syllables(text: str) -> tuple[str, ...]:
    """Tone-less pinyin syllables of ``text`` (数学 → ("shu", "xue")); other runs kept whole."""
    from pypinyin import lazy_pinyin  # imported lazily: only spelling aliases need it

    return tuple(part.lower() for part in lazy_pinyin(text))


def _pinyin(text: str) -> str:
    """Tone-less pinyin without separators (数学 → shuxue); other characters kept, lower-cased."""
    return "".join(_syllables(text))
