"""Sync policy and bookkeeping: bandwidth windows, subscriptions, sources, priorities, backoff."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from teachpoint.errors import UnknownCurriculumValue, UsageError
from teachpoint.library import teaching
from teachpoint.library.catalogue import Catalogue
from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource
from teachpoint.sync.priority import wanted_in_order
from teachpoint.sync.schedule import Bandwidth, Subscriptions, parse_window
from teachpoint.sync.service import ServiceTimes, backoff_delay
from teachpoint.library.source_list import add_source, list_sources, normalise_location, remove_source

MONDAY_9 = datetime(2026, 11, 23, 9, 0)
MONDAY_20 = datetime(2026, 11, 23, 20, 0)
SATURDAY_9 = datetime(2026, 11, 28, 9, 0)


def test_school_day_window_caps_only_class_time():
    bw = Bandwidth(limit_kbit=None, windows=[parse_window("mon-fri 08:00-17:00 256")])
    assert bw.limit_at(MONDAY_9) == 256
    assert bw.limit_at(MONDAY_20) is None
    assert bw.limit_at(SATURDAY_9) is None


def test_window_past_midnight_and_round_trip():
    bw = Bandwidth(limit_kbit=2000, windows=[parse_window("fri 22:00-06:00 unlimited")])
    assert bw.limit_at(datetime(2026, 11, 27, 23, 0)) is None  # Friday night
    assert bw.limit_at(datetime(2026, 11, 28, 5, 0)) is None  # Saturday early, still Friday's window
    assert bw.limit_at(datetime(2026, 11, 28, 7, 0)) == 2000
    again = Bandwidth.from_json(bw.to_json())
    assert again.to_json() == bw.to_json()


@pytest.mark.parametrize("bad", ["every day 8-17 256", "mon-fri 08:00-08:00 10", "xyz 08:00-09:00 5",
                                 "mon 25:00-26:00 5", "mon 08:00-09:00 0", "'; DROP TABLE"])
def test_bad_windows_are_clear_errors(bad):
    with pytest.raises(UsageError):
        parse_window(bad)


def test_subscriptions_accept_aliases_and_reject_unknown():
    subs = Subscriptions.from_values(["初一", "3"], ["道法", "音乐"])
    assert subs.grades == [3, 7] and subs.subjects == ["道德与法治", "音乐"]
    assert subs.wants(3, "音乐") and not subs.wants(4, "音乐") and not subs.wants(3, "数学")
    assert Subscriptions().wants(12, "物理")
    with pytest.raises(UnknownCurriculumValue):
        Subscriptions.from_values(["十三年级"], [])


def test_sources_are_validated_named_and_removed(tmp_path):
    cat = Catalogue.open(None)
    entry = add_source(cat, "http://county.example:8080/repo")
    assert entry.location == "http://county.example:8080/repo/" and entry.name == "county.example:8080"
    add_source(cat, str(tmp_path / "U盘"), "卫星收件箱")
    with pytest.raises(UsageError, match="already a source"):
        add_source(cat, "http://county.example:8080/repo/", "again")
    for bad in ["ftp://x/", "http://host:port/", "http://h/?q=1", ""]:
        with pytest.raises(UsageError):
            normalise_location(bad)
    remove_source(cat, "卫星收件箱")
    assert [s.name for s in list_sources(cat)] == ["county.example:8080"]
    with pytest.raises(UsageError, match="no source named"):
        remove_source(cat, "nope")


def _res(rid, grade, subject, lesson, sha, size=10):
    return Resource(rid, "video", rid, Position(grade, subject, "人教版", "上册", "第一单元", lesson),
                    (FileRef("main", sha, size), FileRef("thumbnail", sha[::-1], 1)))


def test_priority_next_lessons_first_then_class_then_subscriptions():
    cat = Catalogue.open(None)
    info = RepositoryInfo("r", "", "k" * 16, 1, "x" * 64, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
    resources = [_res(f"m{i}", 3, "数学", i, f"{i:064x}") for i in range(1, 7)]
    resources += [_res("y1", 3, "语文", 1, "a" * 64), _res("p1", 8, "物理", 1, "b" * 64)]
    cat.apply_repository(info, resources, [])
    cls = teaching.add_class(cat, 3, "数学", "人教版")
    for done in ("r:m1", "r:m2"):  # 继续 is the class's first unfinished lesson
        teaching.save_position(cat, done, 1000, finished=True)
        teaching.record_play(cat, done)
    assert teaching.next_lesson(cat, cls) == "r:m3"
    order = [b.sha256 for b in wanted_in_order(cat, Subscriptions.from_values([3], []))]
    mains = [o for o in order if o[0] in "0ab"]
    assert mains[:3] == [f"{i:064x}" for i in (3, 4, 5)]  # next lessons of my class
    assert "b" * 64 not in order  # grade 8 not subscribed
    assert order.index(f"{6:064x}") < order.index("a" * 64)  # my class before other subjects
    boosted = wanted_in_order(cat, Subscriptions.from_values([3], []), boosted={"r:p1"})
    assert boosted[0].sha256 in ("b" * 64, ("b" * 64)[::-1])  # on demand jumps the queue


def test_backoff_doubles_with_jitter_and_is_capped():
    times = ServiceTimes(first_backoff=30, max_backoff=3600)
    rng = random.Random(1)
    delays = [backoff_delay(n, times, rng) for n in range(1, 12)]
    assert 22 <= delays[0] <= 38 and 45 <= delays[1] <= 75
    assert all(d <= 3600 * 1.25 for d in delays) and delays[-1] >= 3600 * 0.75
