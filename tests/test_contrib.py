"""Teachers' own lessons at the school (issue 15): add → in the catalogue at once, 本校, plays;
list, remove; and every bad input of the issue refused with a typed error, losing nothing."""

from __future__ import annotations

import errno
import os
import subprocess

import pytest

from teachpoint.contrib import (
    PENDING, add_contribution, get_contribution, list_contributions, remove_contribution)
from teachpoint.contrib.repository import repo_dir
from teachpoint.errors import (
    DuplicateContribution, FileTooLarge, NotEnoughSpace, NotMediaFile, UnknownCurriculumValue,
    UsageError)
from teachpoint.library import contributions as own
from teachpoint.library import store as store_module
from teachpoint.sync.pipeline import import_repository
from teachpoint.transport.sources import FolderSource

from teachpoint.testing import media

from helpers import assert_installed_lessons_play, make_video


@pytest.fixture
def school(workspace, repo_copy):
    """A school PC with the county's lessons installed."""
    import_repository(workspace, FolderSource(repo_copy)).raise_problem()
    return workspace


@pytest.fixture(scope="module")
def lesson_video(tmp_path_factory):
    return make_video(tmp_path_factory.mktemp("phone") / "春天在哪里.mp4", seconds=2.0, colour="rgbtestsrc")


def _add(ws, path, **extra):
    args = dict(title="春天在哪里", grade="三年级", subject="音乐", edition="人音版", volume="上册",
                unit="第二单元 春天", lesson=6, teacher="李老师")
    args.update(extra)
    return add_contribution(ws, [path], **args)


def test_added_lesson_is_in_the_catalogue_at_once_marked_own_and_plays(school, lesson_video, tmp_path):
    subs = tmp_path / "春天在哪里.srt"
    subs.write_bytes("1\n00:00:00,000 --> 00:00:01,000\n春天在哪里呀\n".encode("gb18030"))
    seen = []
    c = _add(school, lesson_video, subtitles=[subs], progress=lambda *a: seen.append(a))
    assert c.state == PENDING and c.state_zh == "待审核"
    assert c.place_zh == "三年级 音乐 人音版 上册 第二单元 春天 第6课"
    assert len(c.resource_ids) == 1
    rid = c.resource_ids[0]
    assert own.is_own_lesson(school.catalogue, rid)
    assert own.own_resource_ids(school.catalogue) == {rid}
    res = school.catalogue.resource(rid)
    assert res.title == "春天在哪里" and res.position.lesson == 6 and res.kind == "video"
    assert {f.role for f in res.files} == {"main", "subtitle", "thumbnail"}
    assert school.catalogue.state_of(rid) == "installed"
    assert res.origin.pc and res.origin.contribution == c.id and res.origin.teacher == ""  # not shared
    assert seen and {s[0] for s in seen} <= {"hash", "copy"}
    # One copy on disk: the repository's blob is the store's blob (hard link).
    main = res.main
    assert os.stat(school.store.path_of(main.sha256)).st_nlink >= 2
    assert (repo_dir(school) / "root.json").is_file()
    assert [x.id for x in list_contributions(school)] == [c.id]
    assert_installed_lessons_play(school, expect_at_least=4)


def test_remove_takes_the_lesson_out(school, lesson_video):
    c = _add(school, lesson_video, share_name=True)
    assert school.catalogue.resource(c.resource_ids[0]).origin.teacher == "李老师"
    remove_contribution(school, c.id)
    assert list_contributions(school) == []
    # Nothing of it is left to travel to the county.
    assert not list((repo_dir(school) / "blobs").rglob(c.files[0][1]))
    assert school.catalogue.resource(c.resource_ids[0]) is None
    with pytest.raises(UsageError):
        get_contribution(school, c.id)
    assert_installed_lessons_play(school, expect_at_least=3)
    again = _add(school, lesson_video)  # may be added again after removal
    assert again.id == c.id


def test_same_video_twice_is_refused_by_its_content(school, lesson_video, tmp_path):
    _add(school, lesson_video)
    renamed = tmp_path / "另一个名字.mp4"
    renamed.write_bytes(lesson_video.read_bytes())
    with pytest.raises(DuplicateContribution, match="contributed before"):
        _add(school, renamed, title="别的标题")
    assert len(list_contributions(school)) == 1
    assert_installed_lessons_play(school, expect_at_least=4)


@pytest.mark.parametrize("field, value, valid", [("grade", "十三年级", "一年级"), ("subject", "炼丹", "音乐")])
def test_unknown_grade_or_subject_lists_the_valid_ones(school, lesson_video, field, value, valid):
    with pytest.raises(UnknownCurriculumValue) as caught:
        _add(school, lesson_video, **{field: value})
    assert valid in str(caught.value) and "valid" in str(caught.value)
    assert list_contributions(school) == []
    assert_installed_lessons_play(school, expect_at_least=3)


@pytest.mark.parametrize("field, value", [("title", "春天/../../etc"), ("title", "春天\x07"),
                                          ("teacher", "李\\老师"), ("unit", "第二单元\n春天")])
def test_names_with_separators_or_control_characters_are_refused(school, lesson_video, field, value):
    with pytest.raises(UsageError, match="path separator or a control character"):
        _add(school, lesson_video, **{field: value})
    assert list_contributions(school) == []
    assert_installed_lessons_play(school, expect_at_least=3)


def test_a_file_that_is_not_media_is_refused(school, tmp_path):
    fake = tmp_path / "课堂实录.mp4"
    fake.write_bytes(b"this is a text file pretending to be a video\n" * 100)
    with pytest.raises(NotMediaFile):
        _add(school, fake)
    assert list_contributions(school) == [] and not (repo_dir(school) / "root.json").exists()
    assert_installed_lessons_play(school, expect_at_least=3)


def test_a_20_gb_file_is_refused_before_copying(school, tmp_path):
    huge = tmp_path / "整学期.mp4"
    with open(huge, "wb") as f:
        f.truncate(20 << 30)  # sparse: 20 GB declared, nothing written
    before = school.store.stats()
    with pytest.raises(FileTooLarge, match="at most"):
        _add(school, huge)
    assert school.store.stats().count == before.count
    assert_installed_lessons_play(school, expect_at_least=3)


def test_a_file_larger_than_the_free_space_is_refused_before_copying(school, lesson_video):
    school.store.floor_bytes = 1 << 62  # nothing fits above this floor
    with pytest.raises(FileTooLarge, match="do not fit"):
        _add(school, lesson_video)
    assert list_contributions(school) == []


@pytest.fixture(scope="module")
def big_video(tmp_path_factory):
    """A real video of a few MiB (the store copies in 1 MiB chunks)."""
    return media.make_video(tmp_path_factory.mktemp("phone") / "长视频.mp4", seconds=3.0,
                            noise_seed=3, bitrate="8M")


@pytest.mark.parametrize("when", ["copying the video", "storing the thumbnail at the import"])
def test_a_disk_that_fills_during_add_leaves_nothing(school, big_video, monkeypatch, when):
    """ENOSPC at the store's own write helper: in the middle of the video's copy, or later when
    the import stores the thumbnail the publisher made (the kernel's ENOSPC is exercised by
    tests/test_store.py in a tiny tmpfs)."""
    real = store_module.write_all
    chunks = -(-big_video.stat().st_size // store_module.CHUNK)
    fail_at = 2 if when == "copying the video" else chunks + 1
    calls = {"n": 0}

    def filling(fd, data):
        calls["n"] += 1
        if calls["n"] >= fail_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(store_module, "write_all", filling)
    big = big_video
    count = school.store.stats().count
    with pytest.raises(NotEnoughSpace):
        _add(school, big)
    monkeypatch.setattr(store_module, "write_all", real)
    assert calls["n"] == fail_at
    assert school.store.stats().count == count
    assert own.own_resource_ids(school.catalogue) == set()
    assert not any(school.store.tmp_dir.iterdir())
    assert list_contributions(school) == []
    assert_installed_lessons_play(school, expect_at_least=3)


def test_pictures_and_pdfs_are_lessons_too(school, tmp_path):
    pic = tmp_path / "板书.png"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1",
                    str(pic)], check=True, timeout=60)
    c = add_contribution(school, [pic], title="板书", grade=3, subject="美术")
    assert school.catalogue.resource(c.resource_ids[0]).kind == "image"


def test_a_cancelled_add_leaves_nothing(school, big_video):
    import threading

    from teachpoint.library.store import Cancelled

    cancel = threading.Event()
    count = school.store.stats().count

    def progress(stage, done, total):
        if stage == "copy":
            cancel.set()  # the teacher pressed 取消 while the file was being copied

    with pytest.raises(Cancelled):
        _add(school, big_video, progress=progress, cancel=cancel)
    assert school.store.stats().count == count and list_contributions(school) == []
    assert_installed_lessons_play(school, expect_at_least=3)


def test_the_new_core_packages_import_no_qt_and_no_vlc():
    import sys

    code = ("import sys, teachpoint.contrib, teachpoint.contrib.share, teachpoint.review, "
            "teachpoint.cli.contribute_cmds, teachpoint.cli.review_cmds; "
            "bad = [m for m in ('PySide6', 'vlc') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_export_refuses_a_stick_without_room_before_copying(school, lesson_video, tmp_path, monkeypatch):
    from teachpoint.contrib import share

    _add(school, lesson_video)
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(share, "free_space", lambda path: 1000)
    with pytest.raises(NotEnoughSpace):
        share.export_contributions(school, stick)
    assert not any(stick.rglob("*.json*"))  # nothing half-written: no root, no node
    monkeypatch.undo()
    done = share.export_contributions(school, stick)
    assert done.files_copied >= 4 and share.export_contributions(school, stick).files_copied == 0
    with pytest.raises(share.ExportError, match="not there"):
        share.export_contributions(school, tmp_path / "no-such-mount" / "stick")


def test_lessons_added_without_a_number_each_get_a_place_of_their_own(school, tmp_path):
    """Two lessons in the same unit with no 课次: the next free numbers, two lessons in the tree
    (they used to fall into one, titled by the first)."""
    first = make_video(tmp_path / "一.mp4", seconds=1.0, colour="testsrc2")
    second = make_video(tmp_path / "二.mp4", seconds=1.0, colour="smptebars")
    a = _add(school, first, title="小雨沙沙（二）", lesson=None)
    b = _add(school, second, title="小雨沙沙（三）", lesson=None)
    lessons = {school.catalogue.db.execute(
        "SELECT lesson_id FROM resources WHERE id = ?", [rid]).fetchone()[0]
        for rid in a.resource_ids + b.resource_ids}
    assert len(lessons) == 2
    numbers = sorted(r[0] for r in school.catalogue.db.execute(
        "SELECT lesson FROM lessons WHERE grade=3 AND subject='音乐' AND unit='第二单元 春天'"))
    assert numbers[-2:] == [numbers[-2], numbers[-2] + 1] and numbers[-2] > 4  # after 小雨沙沙 (4)
    assert_installed_lessons_play(school, expect_at_least=5)
