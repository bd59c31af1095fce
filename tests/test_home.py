"""The home screen's catalogue reads: classes on offer, "continue" per class, what is new."""

from __future__ import annotations

from teachpoint.library import home, teaching
from teachpoint.library.home import SeenMarker
from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource

REPO = "county"


def _res(rid, title, grade, subject, edition, unit, lesson, kind="video", sort_key=0):
    sha = f"{abs(hash(rid)):064x}"[-64:]
    return Resource(rid=rid, kind=kind, title=title,
                    position=Position(grade, subject, edition, "上册", unit, lesson),
                    files=(FileRef("main", sha, 100, "video/mp4", "", f"{rid}.mp4"),),
                    sort_key=sort_key)


def _apply(ws, resources, version=1):
    info = RepositoryInfo(REPO, "县资源", "k" * 16, version, "r" * 64,
                          "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "test")
    ws.catalogue.apply_repository(info, resources, [])


def _store(ws, local_rid, stored_at):
    """Mark the main blob of a resource present with a chosen arrival time."""
    sha = ws.catalogue.resource(f"{REPO}:{local_rid}").main.sha256
    ws.catalogue.mark_blob_present(sha, 100)
    with ws.catalogue.db.conn:
        ws.catalogue.db.conn.execute("UPDATE blobs SET stored_at = ? WHERE sha256 = ?", [stored_at, sha])
    return sha


MUSIC = [
    _res("m1", "小雨沙沙", 3, "音乐", "人音版", "第一单元", 1),
    _res("m2", "春天在哪里", 3, "音乐", "人音版", "第一单元", 2),
    _res("m3", "龙咚锵", 3, "音乐", "人音版", "第二单元", 1),
    _res("h1", "湘艺第一课", 3, "音乐", "湘艺版", "第一单元", 1),
    _res("y1", "小马过河", 2, "语文", "统编版", "第五单元", 14),
    _res("y1-doc", "小马过河 教学设计", 2, "语文", "统编版", "第五单元", 14, kind="document", sort_key=1),
]


def test_class_offers_are_the_catalogues_combinations(workspace):
    assert home.class_offers(workspace.catalogue) == []
    assert home.library_is_empty(workspace.catalogue)
    _apply(workspace, MUSIC)
    offers = [(o.grade, o.subject, o.edition, o.lessons) for o in home.class_offers(workspace.catalogue)]
    assert offers == [(2, "语文", "统编版", 1), (3, "音乐", "人音版", 3), (3, "音乐", "湘艺版", 1)]
    assert not home.library_is_empty(workspace.catalogue)


def test_any_edition_follows_one_edition_and_finishing_moves_on(workspace):
    _apply(workspace, MUSIC)
    cat = workspace.catalogue
    cls = teaching.add_class(cat, "三年级", "音乐")  # any edition
    assert home.effective_edition(cat, cls) == "人音版"  # the edition with most lessons
    first = home.next_lesson(cat, cls)
    assert (first.title, first.edition, first.unit, first.lesson) == ("小雨沙沙", "人音版", "第一单元", 1)
    teaching.save_position(cat, first.resource_id, 30_000)
    resumed = home.next_lesson(cat, cls)
    assert resumed.resource_id == first.resource_id and resumed.position_ms == 30_000
    teaching.save_position(cat, first.resource_id, 0, finished=True)
    assert home.next_lesson(cat, cls).title == "春天在哪里"  # not 湘艺第一课 of the other edition
    teaching.record_play(cat, f"{REPO}:h1")  # the teacher switched books (a later day)
    with cat.db.conn:
        cat.db.conn.execute("UPDATE progress SET last_played = '2999-01-01T00:00:00Z' "
                            "WHERE resource_id = ?", [f"{REPO}:h1"])
    assert home.effective_edition(cat, cls) == "湘艺版"


def test_only_a_lesson_watched_past_the_first_seconds_is_worth_resuming(workspace):
    _apply(workspace, MUSIC)
    cat = workspace.catalogue
    cls = teaching.add_class(cat, 3, "音乐", "人音版")
    first = home.next_lesson(cat, cls)
    assert not home.worth_resuming(first.position_ms, first.finished)  # never started
    teaching.save_position(cat, first.resource_id, 800)  # opened and closed at once
    short = home.next_lesson(cat, cls)
    assert short.resource_id == first.resource_id and short.position_ms == 800
    assert not home.worth_resuming(short.position_ms, short.finished)
    assert not home.worth_resuming(home.RESUME_MIN_MS - 1, False)
    teaching.save_position(cat, first.resource_id, home.RESUME_MIN_MS)
    watched = home.next_lesson(cat, cls)
    assert home.worth_resuming(watched.position_ms, watched.finished)
    assert not home.worth_resuming(60_000, True)  # watched to the end


def test_a_class_without_lessons_has_no_next_lesson(workspace):
    _apply(workspace, MUSIC)
    cat = workspace.catalogue
    assert home.next_lesson(cat, teaching.add_class(cat, 5, "美术")) is None
    assert home.grade_label(3) == "三年级" and home.grade_label(99) == "99"


def test_whats_new_counts_lessons_whose_main_file_arrived_after_the_marker(workspace):
    _apply(workspace, MUSIC)
    cat = workspace.catalogue
    _store(workspace, "m1", "2026-03-01T08:00:00Z")
    assert home.count_new_lessons(cat, home.seen_marker(cat)) == 0  # never looked: nothing "new"
    home.mark_seen(cat, home.current_marker(cat))
    assert home.count_new_lessons(cat, home.seen_marker(cat)) == 0

    _store(workspace, "m2", "2026-03-01T08:00:00Z")  # same second as the marker, after looking
    _store(workspace, "y1", "2026-03-02T09:00:00Z")
    _store(workspace, "y1-doc", "2026-03-02T09:00:05Z")
    seen = home.seen_marker(cat)
    assert home.count_new_lessons(cat, seen) == 2  # 小马过河 counts once
    titles = [n.title for n in home.new_lessons(cat, seen)]
    assert titles == ["小马过河", "春天在哪里"]  # newest first, a lesson shown by its video

    home.mark_seen(cat, home.current_marker(cat))
    assert home.count_new_lessons(cat, home.seen_marker(cat)) == 0
    home.mark_seen(cat, SeenMarker("2026-01-01T00:00:00Z"))  # an older marker never wins
    assert home.seen_marker(cat).at == "2026-03-02T09:00:05Z"


def test_seen_marker_survives_odd_settings(workspace):
    assert SeenMarker.decode(None) is None
    assert SeenMarker.decode("not a marker") is None
    assert SeenMarker.decode("[1, 2]") is None
    assert SeenMarker.decode("2026-03-01T08:00:00Z") == SeenMarker("2026-03-01T08:00:00Z")
    marker = SeenMarker("2026-03-01T08:00:00Z", ("a" * 64,))
    assert SeenMarker.decode(marker.encode()) == marker
    workspace.set_setting(home.SETTING_HOME_SEEN, "{broken")
    assert home.seen_marker(workspace.catalogue) is None
    assert home.count_new_lessons(workspace.catalogue, None) == 0


def test_continue_is_each_classs_first_unfinished_lesson_not_the_last_opened(workspace):
    _apply(workspace, MUSIC)
    cat = workspace.catalogue
    music = teaching.add_class(cat, 3, "音乐", "人音版")
    chinese = teaching.add_class(cat, 2, "语文", "统编版")
    teaching.save_position(cat, f"{REPO}:m3", 40_000)  # a peek at a later lesson, opened last
    teaching.record_play(cat, f"{REPO}:m3")
    assert home.next_lesson(cat, music).title == "小雨沙沙"  # still the first unfinished one
    teaching.save_position(cat, f"{REPO}:m1", 0, finished=True)
    assert home.next_lesson(cat, music).title == "春天在哪里"
    teaching.save_position(cat, f"{REPO}:m2", 20_000)
    teaching.save_position(cat, f"{REPO}:y1", 5_000)  # another class's lesson, opened last
    resumed = home.next_lesson(cat, music)
    assert (resumed.title, resumed.position_ms) == ("春天在哪里", 20_000)  # per class
    assert home.next_lesson(cat, chinese).title == "小马过河"
    for rid in ("m2", "m3"):
        teaching.save_position(cat, f"{REPO}:{rid}", 0, finished=True)
    done = home.next_lesson(cat, music)  # all watched: the last one, marked watched
    assert done.title == "龙咚锵" and done.finished
