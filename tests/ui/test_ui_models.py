"""The item models: curriculum tree content (Chinese titles, marks, roles) and search results."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from uihelpers import rid
from teachpoint.library.model import STATE_DAMAGED, STATE_INSTALLED, STATE_NOT_DOWNLOADED
from teachpoint.ui import queries
from teachpoint.ui.models.curriculum_model import (
    COL_STATE,
    COL_TITLE,
    ROLE_KIND,
    ROLE_LESSON_COUNT,
    ROLE_RESOURCE_ID,
    ROLE_STATE,
    CurriculumModel,
    NodeKind,
)
from teachpoint.ui.models.search_model import ROLE_STATE_TEXT, ROLE_SUBTITLE, SearchResultsModel


def _walk(model, parent=QModelIndex(), depth=0):
    for row in range(model.rowCount(parent)):
        idx = model.index(row, COL_TITLE, parent)
        yield depth, idx
        yield from _walk(model, idx, depth + 1)


def test_tree_has_grades_subjects_units_and_lessons_in_chinese(qapp, library):
    model = CurriculumModel()
    model.populate(queries.load_tree(library))
    grades = [model.index(r, COL_TITLE).data() for r in range(model.rowCount())]
    assert grades == ["二年级", "三年级", "四年级"]
    rows = [(d, i.data(), i.data(ROLE_KIND)) for d, i in _walk(model)]
    labels = [label for _, label, _ in rows]
    # a subject with one book shows the book in its own row; units and lessons below
    assert "音乐（人音版·上册）" in labels
    assert "第二单元 春天" in labels
    assert "第4课　小雨沙沙" in labels and "第5课　春天在哪里" in labels
    assert model.lesson_count == 5
    kinds = {label: kind for _, label, kind in rows}
    assert kinds["三年级"] == NodeKind.GRADE
    assert kinds["音乐（人音版·上册）"] == NodeKind.SUBJECT
    assert kinds["第二单元 春天"] == NodeKind.UNIT
    assert kinds["第4课　小雨沙沙"] == NodeKind.LESSON
    grade3 = model.index(1, COL_TITLE)
    assert grade3.data(ROLE_LESSON_COUNT) == 3


def test_lesson_rows_carry_resource_id_and_state_marks(qapp, library):
    model = CurriculumModel()
    model.populate(queries.load_tree(library))
    expect = {
        rid("m-3-2-4"): (STATE_INSTALLED, ""),
        rid("y-2-5-14"): (STATE_NOT_DOWNLOADED, "未下载"),
        rid("s-3-1-1"): (STATE_DAMAGED, "已损坏"),
    }
    for resource_id, (state, mark) in expect.items():
        idx = model.index_of_resource(resource_id)
        assert idx.isValid()
        assert idx.data(ROLE_RESOURCE_ID) == resource_id
        assert idx.data(ROLE_STATE) == state
        assert idx.siblingAtColumn(COL_STATE).data() == mark
    assert set(model.resource_ids()) == {rid(x) for x in
                                         ("m-3-2-4", "m-3-2-5", "y-2-5-14", "s-3-1-1", "e-4-1-1")}
    # not-installed lessons are greyed
    muted = model.index_of_resource(rid("y-2-5-14")).data(Qt.ItemDataRole.ForegroundRole)
    assert muted is not None


def test_update_state_changes_the_mark(qapp, library):
    model = CurriculumModel()
    model.populate(queries.load_tree(library))
    model.update_state(rid("y-2-5-14"), STATE_INSTALLED)
    idx = model.index_of_resource(rid("y-2-5-14"))
    assert idx.data(ROLE_STATE) == STATE_INSTALLED
    assert idx.siblingAtColumn(COL_STATE).data() == ""


def test_repopulating_keeps_lookups_valid(qapp, library):
    model = CurriculumModel()
    model.populate(queries.load_tree(library))
    model.populate(queries.load_tree(library))
    assert model.index_of_resource(rid("m-3-2-4")).data() == "第4课　小雨沙沙"
    assert not model.index_of_resource("county:nope").isValid()


def test_lesson_with_several_resources_gets_child_rows(qapp):
    tree = [{"grade": 1, "name": "一年级", "subjects": [{"subject": "美术", "editions": [
        {"edition": "", "volumes": [{"volume": "", "units": [{"unit": "", "lessons": [
            {"lesson": 2, "title": "画太阳", "resources": [
                {"id": "r:v", "title": "画太阳", "kind": "video", "duration": 60, "state": "installed"},
                {"id": "r:s", "title": "画太阳 课件", "kind": "slides", "duration": None,
                 "state": "not_downloaded"}]}]}]}]}]}]}]
    model = CurriculumModel()
    model.populate(tree)
    subject = model.index(0, COL_TITLE, model.index(0, COL_TITLE))
    assert subject.data() == "美术"  # no book, no unit: no blank rows
    lesson = model.index(0, COL_TITLE, subject)
    assert lesson.data() == "第2课　画太阳" and lesson.data(ROLE_RESOURCE_ID) == "r:v"
    assert model.rowCount(lesson) == 2
    assert model.index_of_resource("r:s").data() == "画太阳 课件"
    assert model.index_of_resource("r:s").data(ROLE_KIND) == NodeKind.RESOURCE


def test_search_results_model(qapp, library):
    rows = queries.run_search(library, "xiaoyu")
    model = SearchResultsModel()
    model.set_results("xiaoyu", rows)
    assert model.rowCount() >= 1
    first = model.index(0, 0)
    assert first.data() == "小雨沙沙"
    assert first.data(ROLE_SUBTITLE) == "三年级 · 音乐 · 第二单元 春天"
    assert first.data(ROLE_RESOURCE_ID) == rid("m-3-2-4")
    damaged = SearchResultsModel()
    damaged.set_results("认识", queries.run_search(library, "认识时间"))
    assert damaged.index(0, 0).data(ROLE_STATE_TEXT) == "已损坏"
    model.clear()
    assert model.rowCount() == 0
