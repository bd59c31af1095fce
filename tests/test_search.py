"""Chinese search over the catalogue: characters, pinyin, initials, filters, ranking, hostile input."""

from __future__ import annotations

import pytest

from teachpoint.errors import UnknownCurriculumValue
from teachpoint.library import search as search_mod
from teachpoint.library.db import open_database
from teachpoint.library.search import SearchHit, compact, index_resources, pinyin_forms, search

# (id, grade, subject, edition, volume, unit, unit_order, lesson)
LESSONS = [
    (1, 2, "语文", "统编版", "下册", "第五单元 寓言", 5, 1),
    (2, 3, "数学", "人教版", "上册", "第八单元 分数的初步认识", 8, 1),
    (3, 1, "语文", "统编版", "下册", "第一单元 春天", 1, 1),
    (4, 3, "音乐", "人音版", "上册", "第二单元 快乐的歌", 2, 4),
    (5, 3, "英语", "外研版", "上册", "Unit 3 My school", 3, 1),
    (6, 7, "数学", "人教版", "上册", "第一单元 有理数", 1, 1),
    (7, 2, "语文", "统编版", "上册", "第二单元 家乡", 2, 3),
    (8, 10, "数学", "人教版", "必修第三册", "第一单元 向量", 1, 1),
    (9, 10, "数学", "人教版", "必修第二册", "第一单元 函数", 1, 1),
]
# (id, lesson, title, description, keywords, sort_key)
RESOURCES = [
    ("r:horse", 1, "小马过河", "寓言故事：小马要过河，松鼠说水深，老牛说水浅。", "小马;寓言", 0),
    ("r:horse-ppt", 1, "小马过河 课件", "", "", 1),
    ("r:horse-practice", 1, "《小马过河》课后练习", "", "", 2),
    ("r:fractions", 2, "认识分数（第一课时）", "分数的初步认识，几分之一。", "分数", 0),
    ("r:fractions-2", 2, "几分之一", "", "分数;平均分", 1),
    ("r:spring", 3, "春天来了", "一年级语文：找春天。", "春天", 0),
    ("r:song", 4, "小雨沙沙", "学唱歌曲《小雨沙沙》，感受春天。", "歌曲", 0),
    ("r:school", 5, "Unit 3 My School", "Learn the words classroom and library.", "school", 0),
    ("r:rational", 6, "有理数的加法", "七年级数学：有理数的加法法则。", "有理数", 0),
    ("r:bank", 7, "银行", "认识银行和长城。", "", 0),
    ("r:grow", 7, "我长大了", "", "", 1),
]


def _insert(db, resources=RESOURCES):
    conn = db.conn
    with conn:
        conn.execute(
            "INSERT INTO repositories (id, title, key_id, version, root_sha256, published_at, expires_at,"
            " accepted_at) VALUES ('r', '县资源中心', 'k', 1, '0', '', '', '')")
        conn.executemany(
            "INSERT INTO lessons (id, grade, subject, edition, volume, unit, unit_order, lesson)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", LESSONS)
        conn.executemany(
            "INSERT INTO resources (id, repo_id, lesson_id, kind, title, description, keywords,"
            " repo_version, sort_key) VALUES (?, 'r', ?, 'video', ?, ?, ?, 1, ?)", resources)


@pytest.fixture
def db():
    database = open_database(None).db
    _insert(database)
    assert index_resources(database) == len(RESOURCES)
    return database


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.resource_id for h in hits]


# --- text forms ---------------------------------------------------------------------------------

def test_compact_and_pinyin_forms():
    assert compact("《小马 过河》Ｕnit-3 % _ \\") == "小马过河unit3"
    assert pinyin_forms("小马过河") == ("xiaomaguohe", "xmgh")
    assert pinyin_forms("Unit 3 我的学校") == ("unit3wodexuexiao", "unit3wdxx")  # ASCII kept as is
    # Polyphones take pypinyin's phrase-aware default reading.
    assert pinyin_forms("银行")[0] == "yinhang"
    assert pinyin_forms("长大")[0] == "zhangda"
    assert pinyin_forms("长城")[0] == "changcheng"
    assert pinyin_forms("绿色")[0] == "lvse"


# --- what is found ------------------------------------------------------------------------------

def test_chinese_substring(db):
    assert set(ids(search(db, "小马"))) == {"r:horse", "r:horse-ppt", "r:horse-practice"}
    assert ids(search(db, "有理数"))[0] == "r:rational"
    assert "r:fractions" in ids(search(db, "分数"))


def test_full_pinyin_with_any_case_and_spaces(db):
    for query in ("xiaomaguohe", "XiaoMaGuoHe", "xiao ma guo he", " xiaoma  guohe "):
        hits = search(db, query)
        assert ids(hits)[:3] == ["r:horse", "r:horse-ppt", "r:horse-practice"], query
        assert hits[0].matched_on == "title_pinyin"
    assert ids(search(db, "shuxue")) == []  # no title says 数学: pinyin is not a subject filter
    assert ids(search(db, "yinhang")) == ["r:bank"]


def test_initials(db):
    hits = search(db, "xmgh")
    assert ids(hits)[:2] == ["r:horse", "r:horse-ppt"]
    assert hits[0].matched_on == "title_initials"
    assert ids(search(db, "XMGH")) == ids(hits)
    assert ids(search(db, "rsfs")) == ["r:fractions"]
    assert ids(search(db, "fs")) == ["r:fractions"]  # two letters: titles only


def test_mixed_chinese_and_pinyin(db):
    assert ids(search(db, "小ma"))[:1] == ["r:horse"]


def test_ascii_titles_and_digits(db):
    assert ids(search(db, "unit 3")) == ["r:school"]
    assert ids(search(db, "my school")) == ["r:school"]
    assert ids(search(db, "SCHOOL"))[0] == "r:school"


def test_tags_and_body_are_searched_too(db):
    hits = {h.resource_id: h for h in search(db, "寓言")}
    assert hits["r:horse"].matched_on == "tags"  # unit 寓言 and keyword
    assert search(db, "yuyan")[0].matched_on == "tags_pinyin"
    assert ids(search(db, "松鼠说水深")) == ["r:horse"]
    assert search(db, "松鼠说水深")[0].matched_on == "body"
    assert "r:song" in ids(search(db, "感受春天"))
    assert ids(search(db, "第八单元")) == ["r:fractions", "r:fractions-2"]  # unit names, with the ordinal


def test_single_character_matches_the_start_of_titles(db):
    starting = {"r:horse", "r:horse-ppt", "r:horse-practice", "r:song"}  # 《小马过河》 starts with 小 too
    assert set(ids(search(db, "小"))) == starting
    assert set(ids(search(db, "X"))) == starting  # initials xmgh…, xyss
    assert ids(search(db, "河")) == []  # inside titles only: a single character is too common


def test_hit_fields(db):
    hit = search(db, "小马过河")[0]
    assert hit == SearchHit("r:horse", "小马过河", 2, "语文", "第五单元 寓言", 100, "title")


# --- ranking ------------------------------------------------------------------------------------

RANKED = [  # for 有理数, best first; lesson 6's unit is 第一单元 有理数, lesson 2 is about fractions
    ("r:q-exact", 6, "有理数", "", "", 1),
    ("r:q-prefix", 6, "有理数的减法", "", "", 2),
    ("r:q-substring", 6, "认识有理数", "", "", 3),
    ("r:q-tags", 6, "数轴", "", "", 4),
    ("r:q-body", 2, "分数与小数", "分数都是有理数。", "", 5),
]


def test_ranking_exact_then_prefix_then_substring_then_tags_then_body(db):
    _insert_more(db, RANKED)
    hits = [h for h in search(db, "有理数") if h.resource_id.startswith("r:q-")]
    assert ids(hits) == [r[0] for r in RANKED]
    assert [h.matched_on for h in hits] == ["title", "title", "title", "tags", "body"]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert ids(search(db, "有理数"))[:3] == ["r:q-exact", "r:rational", "r:q-prefix"]  # tie: resource order


def test_pinyin_ranking_follows_the_same_order(db):
    _insert_more(db, RANKED)
    hits = [h for h in search(db, "youlishu") if h.resource_id.startswith("r:q-")]
    assert ids(hits) == ["r:q-exact", "r:q-prefix", "r:q-substring", "r:q-tags"]  # no pinyin of bodies
    assert [h.matched_on for h in hits] == ["title_pinyin"] * 3 + ["tags_pinyin"]


def _insert_more(db, resources):
    with db.conn:
        db.conn.executemany(
            "INSERT INTO resources (id, repo_id, lesson_id, kind, title, description, keywords,"
            " repo_version, sort_key) VALUES (?, 'r', ?, 'video', ?, ?, ?, 1, ?)", resources)
    index_resources(db, [r[0] for r in resources])


def test_title_beats_pinyin_beats_initials():
    order = [score for score, _, _ in search_mod.TIERS]
    assert order == sorted(order, reverse=True)
    fields = [field for _, field, _ in search_mod.TIERS]
    assert fields.index("title") < fields.index("title_pinyin") < fields.index("title_initials")
    assert fields.index("title_initials") < fields.index("tags") < fields.index("body")


def test_ties_go_by_grade_subject_and_lesson_order(db):
    _insert_more(db, [("r:t-g7", 6, "练习一", "", "", 0), ("r:t-g2-down", 1, "练习二", "", "", 0),
                      ("r:t-g2-up", 7, "练习三", "", "", 9), ("r:t-g3-music", 4, "练习四", "", "", 0),
                      ("r:t-g3-math", 2, "练习五", "", "", 9), ("r:t-g10-3", 8, "练习六", "", "", 0),
                      ("r:t-g10-2", 9, "练习七", "", "", 0)])
    hits = [h for h in search(db, "练习") if h.resource_id.startswith("r:t-")]
    assert len({h.score for h in hits}) == 1
    # Grade first; in grade 2 上册 before 下册; in grade 3 数学 before 音乐 (programme order);
    # 必修第二册 before 必修第三册 (volume order, not code-point order: 三 < 二 in Unicode).
    assert ids(hits) == ["r:t-g2-up", "r:t-g2-down", "r:t-g3-math", "r:t-g3-music", "r:t-g7",
                         "r:t-g10-2", "r:t-g10-3"]


def test_ties_within_a_lesson_follow_resource_order(db):
    assert ids(search(db, "fenshu")) == ["r:fractions", "r:fractions-2"]  # title pinyin, then tags


# --- filters ------------------------------------------------------------------------------------

def test_filters_accept_aliases(db):
    assert ids(search(db, "分数", grade="三年级")) == ["r:fractions", "r:fractions-2"]
    assert ids(search(db, "分数", grade=3, subject="math")) == ["r:fractions", "r:fractions-2"]
    assert ids(search(db, "分数", grade="2")) == []
    assert ids(search(db, "有理数", grade="初一", subject="数学")) == ["r:rational"]
    assert ids(search(db, "小马", subject="语文")) == ["r:horse", "r:horse-ppt", "r:horse-practice"]
    assert ids(search(db, "小马", subject="音乐")) == []
    assert ids(search(db, "小马", grade="", subject=" ")) != []  # blank filters are no filters


def test_curriculum_words_in_a_query_filter(db):
    assert ids(search(db, "三年级 分数")) == ["r:fractions", "r:fractions-2"]
    assert ids(search(db, "二年级 分数")) == []
    assert ids(search(db, "语文 小马")) == ["r:horse", "r:horse-ppt", "r:horse-practice"]
    assert ids(search(db, "数学 小马")) == []
    assert ids(search(db, "三年级 数学")) == ["r:fractions", "r:fractions-2"]  # the filters' lessons
    assert ids(search(db, "Unit 3")) == ["r:school"]  # ASCII words are never filters ("3", "art", "it")


@pytest.mark.parametrize("query", ["音乐", "三年级音乐", "三年级 音乐", "音乐三年级", "三年级音乐课",
                                   "小学三年级音乐", "  ３年级　音乐 "])
def test_grade_and_subject_words_alone_list_those_lessons(db, query):
    hits = search(db, query)
    assert ids(hits) == ["r:song"]
    assert hits[0].matched_on == "curriculum"


def test_grade_and_subject_words_glued_to_other_words(db):
    assert ids(search(db, "三年级数学分数")) == ["r:fractions", "r:fractions-2"]
    assert ids(search(db, "数学分数")) == ["r:fractions", "r:fractions-2"]
    assert ids(search(db, "二年级语文小马"))[:1] == ["r:horse"]
    assert ids(search(db, "四年级音乐")) == []  # no such lessons: nothing, not everything
    assert ids(search(db, "语文")) == ["r:spring", "r:bank", "r:grow", "r:horse", "r:horse-ppt",
                                       "r:horse-practice"]  # curriculum order: grade 1 first
    assert ids(search(db, "数学", limit=2)) == ["r:fractions", "r:fractions-2"]
    assert [h.grade for h in search(db, "初一")] == [7]
    assert ids(search(db, "", grade=3, subject="音乐")) == ["r:song"]  # the app's filters alone
    assert ids(search(db, "三")) == []  # a bare numeral is no grade


def test_a_title_holding_a_subject_word_is_still_found_first(db):
    _add_resource(db, "r:gallery", 1, "美术馆参观")  # a 语文 lesson whose title says 美术
    _add_resource(db, "r:angle", 2, "数学广角")
    assert ids(search(db, "美术馆参观")) == ["r:gallery"]
    assert ids(search(db, "数学广角"))[:1] == ["r:angle"]
    hits = search(db, "语文")
    assert "r:gallery" in ids(hits) and hits[0].matched_on == "curriculum"


def _add_resource(db, rid: str, lesson: int, title: str) -> None:
    with db.conn:
        db.conn.execute(
            "INSERT INTO resources (id, repo_id, lesson_id, kind, title, description, keywords,"
            " repo_version, sort_key) VALUES (?, 'r', ?, 'video', ?, '', '', 1, 9)", [rid, lesson, title])
    index_resources(db, [rid])


@pytest.mark.parametrize("kwargs, field, suggestion", [
    ({"grade": "三年纪"}, "grade", "三年级"),
    ({"grade": 13}, "grade", None),
    ({"subject": "数字"}, "subject", "数学"),
])
def test_unknown_filter_is_a_clear_error(db, kwargs, field, suggestion):
    with pytest.raises(UnknownCurriculumValue) as info:
        search(db, "小马", **kwargs)
    err = info.value
    assert err.field == field and err.suggestion == suggestion
    assert "valid:" in str(err)
    assert ("一年级" if field == "grade" else "道德与法治") in str(err)


# --- hostile input ------------------------------------------------------------------------------

HOSTILE = [
    '"', '""', '"小马', "*", "小*", "NEAR", "NEAR(小马 过河)", "小马 OR 过河", "title:小马", "{title}: x",
    "'; DROP TABLE resources; --", "%", "%%", "_", "小_", "\\", "\\%", "^", "-", "(", ")", "AND", "NOT 小马",
    "\x00", "\x00小马", "😀", "小马\u200b过河", "ｘｉａｏｍａ", "ʃ", "\ud800", "小\ud800马", "\U0010ffff",
    "ﷺ", "Ⅻ", "①②", "x" * 3, "𠀀𠀁",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(db, query):
    hits = search(db, query)
    assert isinstance(hits, list) and all(isinstance(h, SearchHit) for h in hits)
    assert db.conn.execute("SELECT count(*) FROM resources").fetchone()[0] == len(RESOURCES)


def test_hostile_queries_give_sane_results(db):
    assert search(db, "'; DROP TABLE resources; --") == []
    assert ids(search(db, '"小马"'))[:1] == ["r:horse"]  # quotes are ignored, the text is not
    assert ids(search(db, "小马*"))[:1] == ["r:horse"]
    assert ids(search(db, "%小马%"))[:1] == ["r:horse"]
    assert ids(search(db, "NEAR")) == []
    assert ids(search(db, "ｘｉａｏｍａ"))[:1] == ["r:horse"]  # fullwidth letters are letters


@pytest.mark.parametrize("query", ["", " ", "\t\n", "　", "%_\\\"*", None])
def test_empty_queries_give_nothing(db, query):
    assert search(db, query) == []


def test_huge_queries_are_cut_not_fatal(db):
    assert search(db, "小" * 10_000) == []
    assert search(db, "a " * 5_000) == []
    # Input beyond MAX_QUERY_CHARS is dropped before anything else happens.
    assert ids(search(db, "小马过河" + " " * 10_000 + "x" * 10_000))[:1] == ["r:horse"]
    assert search(db, "x" * 10_000) == []
    assert ids(search(db, "小马过河" + "%" * 10_000))[:1] == ["r:horse"]  # the wildcards vanish
    assert search(db, "小马", limit=0) == []
    assert len(search(db, "小马", limit=1)) == 1
    assert len(search(db, "小马", limit=10**9)) == 3


# --- broad needles -------------------------------------------------------------------------------

def test_capped_candidates_keep_exact_and_prefix_matches_first(db, monkeypatch):
    _insert_more(db, [(f"r:p{k}", 1, f"春天的故事{k}", "", "", 10 + k) for k in range(6)])
    monkeypatch.setattr(search_mod, "CANDIDATE_CAP", 2)
    hits = search(db, "春天来了")
    assert ids(hits)[:1] == ["r:spring"]
    assert ids(search(db, "chuntianlaile"))[:1] == ["r:spring"]
    assert len(search(db, "春天")) >= 2


def test_capped_candidates_apply_filters_inside_the_streams(db, monkeypatch):
    # Many matches in grade 1 come first in catalogue order; the one in grade 7 must still be found.
    _insert_more(db, [(f"r:c{k}", 3, f"练习{k}", "", "", 10 + k) for k in range(8)]
                 + [("r:c-g7", 6, "有理数练习", "", "", 10)])
    monkeypatch.setattr(search_mod, "CANDIDATE_CAP", 3)
    assert ids(search(db, "练习", grade=7)) == ["r:c-g7"]
    assert ids(search(db, "lianxi", grade="初一")) == ["r:c-g7"]
    assert ids(search(db, "lx", subject="数学")) == ["r:c-g7"]


def test_bulk_rebuild_numbers_rows_in_catalogue_order(db):
    rows = db.conn.execute("SELECT ordering FROM search_text ORDER BY id").fetchall()
    assert rows == sorted(rows)


# --- keeping the index in step ------------------------------------------------------------------

def _gram_rows(db, rowid: int) -> set[int]:
    """Rows of ``search_grams`` that still list ``rowid`` under any of the tokens of its text."""
    title, initials, tags = db.conn.execute(
        "SELECT title, title_initials, tags FROM search_text WHERE id = ?", (rowid,)).fetchone()
    tokens = set(search_mod.short_grams(title, initials, tags).split())
    found = set()
    for token in tokens:
        query = search_mod._phrase(token)
        found |= {r for (r,) in db.conn.execute(
            "SELECT rowid FROM search_grams WHERE search_grams MATCH ?", (query,))}
    return found


def test_reindexing_one_resource_picks_up_a_change(db):
    with db.conn:
        db.conn.execute("UPDATE resources SET title = '乌鸦喝水' WHERE id = 'r:horse'")
    assert index_resources(db, ["r:horse"]) == 1
    assert ids(search(db, "乌鸦")) == ["r:horse"]
    assert ids(search(db, "wuyahe")) == ["r:horse"]
    assert "r:horse" not in ids(search(db, "小马过河"))
    assert "r:horse" not in ids(search(db, "xm"))


def test_deleting_a_resource_removes_it_from_every_index(db):
    rowid = db.conn.execute("SELECT id FROM search_text WHERE resource_id = 'r:horse-ppt'").fetchone()[0]
    assert rowid in _gram_rows(db, rowid)  # filled by the bulk path, in Python
    tokens_before = _gram_rows(db, rowid)
    with db.conn:
        db.conn.execute("DELETE FROM search_text WHERE resource_id = 'r:horse-ppt'")  # the SQL trigger
        db.conn.execute("INSERT INTO search_text (id, resource_id, grade, subject, ordering, title,"
                        " title_pinyin, title_initials, tags, tags_pinyin, tags_initials, body)"
                        " SELECT ?, 'r:horse-ppt', 2, '语文', '', '小马过河课件', 'xiaomaguohekejian', 'xmghkj',"
                        " '第五单元寓言', 'yuyan', 'yy', ''", (rowid,))
    assert _gram_rows(db, rowid) == tokens_before  # trigger-made tokens equal the Python-made ones
    with db.conn:
        db.conn.execute("DELETE FROM resources WHERE id = 'r:horse-ppt'")  # cascades to search_text
    assert "r:horse-ppt" not in ids(search(db, "小马"))
    assert "r:horse-ppt" not in ids(search(db, "xiaomaguohe"))
    hits = db.conn.execute("SELECT rowid FROM search_grams WHERE search_grams MATCH '\"小马\"'").fetchall()
    assert (rowid,) not in hits
    db.conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")


def test_reindexing_a_missing_id_drops_its_row(db):
    with db.conn:
        db.conn.execute("PRAGMA foreign_keys = OFF")
        db.conn.execute("DELETE FROM resources WHERE id = 'r:bank'")
        db.conn.execute("PRAGMA foreign_keys = ON")
    assert index_resources(db, ["r:bank", "r:nope"]) == 0
    assert search(db, "银行") == []


def test_bulk_reindex_restores_the_triggers(db, monkeypatch):
    monkeypatch.setattr(search_mod, "BULK_THRESHOLD", 1)

    def triggers():
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"
        return db.conn.execute(sql).fetchall()

    before = triggers()
    assert len(before) == 3
    assert index_resources(db, ["r:horse", "r:spring", "r:song", "r:school"]) == len(RESOURCES)
    assert triggers() == before
    assert ids(search(db, "xmgh"))[:1] == ["r:horse"]
    db.conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")


def test_index_joins_the_callers_transaction(db):
    conn = db.conn
    conn.execute("BEGIN")
    conn.execute("UPDATE resources SET title = '乌鸦喝水' WHERE id = 'r:horse'")
    index_resources(db, ["r:horse"])
    assert conn.in_transaction  # not committed behind the caller's back
    assert ids(search(db, "乌鸦")) == ["r:horse"]
    conn.execute("ROLLBACK")
    assert search(db, "乌鸦") == []
    assert ids(search(db, "小马过河"))[:1] == ["r:horse"]


def test_a_failed_index_rolls_back_its_own_transaction(db, monkeypatch):
    def boom(*args):
        raise RuntimeError("pinyin exploded")

    monkeypatch.setattr(search_mod, "_search_row", boom)
    with pytest.raises(RuntimeError):
        index_resources(db)
    assert not db.conn.in_transaction
    assert ids(search(db, "小马过河"))[:1] == ["r:horse"]  # the previous index is intact
    assert db.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 3


def test_a_schema_2_catalogue_is_upgraded_with_its_search_rows(tmp_path):
    import sqlite3

    import sqlite_utils

    from teachpoint.library import db as dbmod
    from teachpoint.library.migrations import MIGRATIONS

    path = tmp_path / "catalogue.sqlite"
    old = sqlite_utils.Database(sqlite3.connect(path))
    for version, step in enumerate(MIGRATIONS[:2]):
        with old.conn:
            old.conn.execute("BEGIN")
            step(old)
            old.conn.execute(f"PRAGMA user_version = {version + 1}")
            old.conn.execute(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    _insert(old)
    with old.conn:  # rows as schema 2 held them (its triggers fill its own indexes)
        old.conn.executemany(search_mod._INSERT_SQL, [search_mod._search_row(*row) for row in
                                                      old.conn.execute(search_mod._SOURCE_SQL).fetchall()])
    old.conn.close()

    result = open_database(path)
    db = result.db
    assert result.upgraded_from == 2 and dbmod.schema_version(db) == len(MIGRATIONS)
    assert ids(search(db, "xmgh"))[:2] == ["r:horse", "r:horse-ppt"]  # trigram index rebuilt
    assert ids(search(db, "分数", grade=3)) == ["r:fractions", "r:fractions-2"]  # grams rebuilt
    rowid = db.conn.execute("SELECT id FROM search_text WHERE resource_id = 'r:horse-ppt'").fetchone()[0]
    with db.conn:
        db.conn.execute("DELETE FROM resources WHERE id = 'r:horse-ppt'")
    assert (rowid,) not in db.conn.execute(
        "SELECT rowid FROM search_grams WHERE search_grams MATCH '\"小马\"'").fetchall()
    db.conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")


def test_schema_has_the_search_indexes():
    db = open_database(None).db
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 2
    assert {"search_text", "search_fts", "search_grams"} <= set(db.table_names())
    assert index_resources(db) == 0
    assert search(db, "小马") == []
