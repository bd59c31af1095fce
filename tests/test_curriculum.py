"""The curriculum vocabulary: grades, subjects, editions, volumes, units (DESIGN §5)."""

from __future__ import annotations

import pytest

from teachpoint.errors import UnknownCurriculumValue, UsageError
from teachpoint.library import curriculum as c


@pytest.mark.parametrize(
    "text, grade",
    [
        (3, 3), ("3", 3), ("３", 3), (" 3 ", 3), ("03", 3), ("3年级", 3), ("３年级", 3),
        ("三年级", 3), ("小学三年级", 3), ("Grade 3", 3), ("grade3", 3), ("G3", 3), ("g 3", 3),
        ("七年级", 7), ("初一", 7), ("初中一年级", 7), ("初中七年级", 7), ("7", 7), ("初2", 8),
        ("初三", 9), ("九年级", 9),
        ("高一", 10), ("十年级", 10), ("高中一年级", 10), ("10年级", 10), ("高二", 11),
        ("十二年级", 12), ("高3", 12), ("Ｇ１２", 12),
    ],
)
def test_parse_grade_accepts_the_forms_people_write(text, grade):
    assert c.parse_grade(text) == grade


@pytest.mark.parametrize("text", ["", "  ", "0", 0, 13, "13", "初四", "高四", "小学七年级", "abc",
                                  "一百", True, "三年纪"])
def test_parse_grade_rejects_unknown_values(text):
    with pytest.raises(UnknownCurriculumValue) as info:
        c.parse_grade(text)
    assert info.value.field == "grade"
    assert info.value.valid == list(c.GRADES.values())


def test_unknown_grade_suggests_the_nearest_and_lists_valid_values():
    with pytest.raises(UnknownCurriculumValue) as info:
        c.parse_grade("三年纪")
    err = info.value
    assert err.suggestion == "三年级"
    assert isinstance(err, UsageError)  # the CLI turns it into exit code 2
    assert "三年纪" in str(err) and "did you mean 三年级" in str(err)
    assert "一年级" in str(err) and "高三" in str(err)


def test_unknown_grade_with_a_stage_prefix_suggests_the_plain_grade():
    with pytest.raises(UnknownCurriculumValue) as info:
        c.parse_grade("小学七年级")
    assert info.value.suggestion == "七年级"


def test_an_out_of_range_number_gets_no_misleading_suggestion():
    with pytest.raises(UnknownCurriculumValue) as info:
        c.parse_grade(13)
    assert info.value.suggestion is None


def test_grade_names_stages_and_aliases_round_trip():
    assert [c.grade_name(n) for n in (1, 3, 7, 9, 10, 12)] == ["一年级", "三年级", "七年级", "九年级", "高一", "高三"]
    assert [c.stage_of(n) for n in (1, 6, 7, 9, 10, 12)] == ["小学", "小学", "初中", "初中", "高中", "高中"]
    assert c.stage_of("初一") == "初中"
    for n in c.GRADES:
        aliases = c.grade_aliases(n)
        assert aliases[0] == c.grade_name(n)
        assert all(c.parse_grade(alias) == n for alias in aliases), aliases
    assert "初一" in c.grade_aliases(7) and "十年级" in c.grade_aliases(10)


def test_stages_cover_grades_one_to_twelve_once():
    grades = [g for stage in c.STAGES.values() for g in stage]
    assert grades == list(range(1, 13)) == list(c.GRADES)


@pytest.mark.parametrize(
    "text, subject",
    [
        ("数学", "数学"), (" 数学 ", "数学"), ("道法", "道德与法治"), ("生物", "生物学"),
        ("体育", "体育与健康"), ("思政", "思想政治"), ("政治", "思想政治"), ("外语", "英语"),
        ("English", "英语"), ("MATH", "数学"), ("Maths", "数学"), ("Music", "音乐"), ("Art", "美术"),
        ("PE", "体育与健康"), ("ＰＥ", "体育与健康"), ("shuxue", "数学"), ("yinyue", "音乐"),
        ("tiyu", "体育与健康"), ("初中数学", "数学"), ("音乐课", "音乐"), ("综合实践", "综合实践活动"),
        ("信息技术", "信息技术"), ("信息科技", "信息科技"), ("劳动教育", "劳动"),
    ],
)
def test_parse_subject_accepts_names_aliases_english_and_pinyin(text, subject):
    assert c.parse_subject(text) == subject


def test_every_subject_and_alias_is_canonical():
    for name in c.SUBJECTS:
        assert c.parse_subject(name) == name
    from teachpoint.library.curriculum_data import SUBJECT_ALIASES

    assert set(SUBJECT_ALIASES.values()) <= set(c.SUBJECTS)
    assert all(set(stages) <= set(c.STAGES) for stages in c.SUBJECTS.values())


def test_subject_stages_follow_the_programmes():
    assert c.SUBJECTS["思想政治"] == ("高中",)
    assert "小学" in c.SUBJECTS["道德与法治"] and "高中" not in c.SUBJECTS["道德与法治"]
    assert "小学" not in c.SUBJECTS["物理"]
    assert "思想政治" in c.subjects_for_grade(10) and "道德与法治" not in c.subjects_for_grade(10)
    assert "科学" in c.subjects_for_grade(3) and "化学" not in c.subjects_for_grade(3)


@pytest.mark.parametrize("text, suggestion", [("数字", "数学"), ("语言", "语文"), ("音月", "音乐"),
                                              ("化雪", "化学"), ("shuxe", "数学"), ("xyz", None)])
def test_unknown_subject_suggests_by_characters_and_by_sound(text, suggestion):
    with pytest.raises(UnknownCurriculumValue) as info:
        c.parse_subject(text)
    assert info.value.field == "subject"
    assert info.value.suggestion == suggestion
    assert info.value.valid == list(c.SUBJECTS)
    assert "道德与法治" in str(info.value)


def test_lookups_return_none_instead_of_raising():
    assert c.lookup_grade("初一") == 7 and c.lookup_grade("初四") is None
    assert c.lookup_subject("道法") == "道德与法治" and c.lookup_subject("数字") is None


@pytest.mark.parametrize(
    "text, edition",
    [
        ("部编版", "统编版"), ("部编", "统编版"), ("统编", "统编版"), ("人教", "人教版"), ("人教版", "人教版"),
        (" 北师大 ", "北师大版"), ("外研社", "外研版"), ("西南师大版", "西师大版"), ("PEP", "人教PEP版"),
        ("湘教", "湘教版"), ("人民音乐出版社", "人音版"),
        # Unknown editions are allowed: regions use editions nobody listed.
        ("某某版", "某某版"), ("  黔教版  ", "黔教版"), ("Oxford  English", "Oxford English"), ("", ""),
    ],
)
def test_parse_edition_normalises_known_aliases_and_keeps_the_rest(text, edition):
    assert c.parse_edition(text) == edition


def test_edition_key_compares_spellings():
    assert c.edition_key("部编版") == c.edition_key("统编") == c.edition_key("统编版")
    assert c.edition_key("某某版") != c.edition_key("统编版")


@pytest.mark.parametrize(
    "text, volume",
    [
        ("上", "上册"), ("下", "下册"), ("上册", "上册"), ("全册", "全一册"), ("必修1", "必修第一册"),
        ("必修一", "必修第一册"), ("必修第1册", "必修第一册"), ("必修第一册", "必修第一册"),
        ("选必2", "选择性必修第二册"), ("选择性必修三", "选择性必修第三册"), ("必修上", "必修上册"),
        ("三年级上册", "上册"), ("初一下", "下册"), ("奇怪册", "奇怪册"), (" 第五分册 ", "第五分册"),
    ],
)
def test_parse_volume(text, volume):
    assert c.parse_volume(text) == volume


def test_volumes_list_the_senior_forms():
    assert {"上册", "下册", "全一册", "必修第一册", "选择性必修第一册"} <= set(c.VOLUMES)


@pytest.mark.parametrize(
    "text, order",
    [
        ("第三单元 春天", 3), ("第12单元", 12), ("第十二单元", 12), ("第 2 单元", 2), ("Unit 3", 3),
        ("unit 3 My school", 3), ("Module 2 Animals", 2), ("3", 3), ("3 春天", 3), ("３．春天", 3),
        ("第一组", 1), ("春天", 0), ("", 0), ("一个春天", 0),
    ],
)
def test_unit_order(text, order):
    assert c.unit_order(text) == order


@pytest.mark.parametrize("text, n", [("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23),
                                     ("一百零五", 105), ("两", 2), ("7", 7), ("abc", None), ("", None)])
def test_chinese_number(text, n):
    assert c.chinese_number(text) == n


def test_core_modules_stay_light_in_a_fresh_interpreter():
    """No Qt or vlc in the core; pypinyin only loads when a spelling needs it (CLI start-up)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from teachpoint.library import curriculum as c\n"
        "assert c.parse_subject('道法') == '道德与法治' and c.parse_grade('初一') == 7\n"
        "assert 'pypinyin' not in sys.modules\n"
        "assert c.parse_subject('shuxue') == '数学' and 'pypinyin' in sys.modules\n"
        "import teachpoint.library.search\n"
        "assert not {'PySide6', 'vlc'} & set(sys.modules), 'Qt or vlc imported by the core'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
