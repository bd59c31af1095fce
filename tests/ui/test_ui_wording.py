"""Teacher-facing Chinese names the IT staff one way (学校信息老师) and carries no internal words."""

from __future__ import annotations

import re
from pathlib import Path

TS = Path(__file__).resolve().parents[2] / "assets" / "i18n" / "teachpoint_zh_CN.ts"
IT_NAME = "学校信息老师"
OTHER_IT_NAMES = ("电脑管理员", "IT人员", "IT 人员", "负责电脑的老师", "网管", "技术人员")
INTERNAL_WORDS = ("任意版本", "A–B", "A-B", "repo")


def _translations() -> list[str]:
    text = TS.read_text(encoding="utf-8")
    return re.findall(r"<translation>([^<]*)</translation>", text)


def test_one_name_for_the_it_staff():
    translations = _translations()
    assert sum(IT_NAME in t for t in translations) >= 20
    for t in translations:
        assert not any(name in t for name in OTHER_IT_NAMES), t
        assert not re.search(r"(?<!学校)信息老师", t), t  # never a bare 信息老师


def test_no_internal_words_in_chinese_text():
    for t in _translations():
        assert not any(word in t for word in INTERNAL_WORDS), t


def _english_sources() -> list[str]:
    text = TS.read_text(encoding="utf-8")
    return [re.sub(r"\s+", " ", s) for s in re.findall(r"<source>([^<]*)</source>", text)]


def test_english_names_the_it_staff_as_the_chinese_does():
    """学校信息老师 is "the school's IT teacher" in English too: not "IT staff" or "IT contact"."""
    sources = _english_sources()
    assert sum("the school&apos;s IT teacher" in s or "the school's IT teacher" in s for s in sources) >= 20
    for s in sources:
        assert not re.search(r"IT (staff|contact)|(?<!school&apos;s )(?<!school's )IT teacher", s), s
