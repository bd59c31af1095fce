"""Publishing from a folder, verifying, importing: the happy paths and incremental updates."""

from __future__ import annotations

import shutil

import pytest

from helpers import ROWS, assert_installed_lessons_play, make_video, write_csv
from teachpoint.errors import PublishError, UsageError
from teachpoint.publish.publisher import publish
from teachpoint.transport.sources import FolderSource
from teachpoint.repo.trust import TrustStore
from teachpoint.repo.verify import verify_repository


def quiet(*_):
    pass


def tree_files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_gbk_chinese_folder_publishes_verifies_and_imports(published_repo, publisher_key, workspace):
    trust = TrustStore(workspace.paths.trust)
    result = verify_repository(FolderSource(published_repo), trust)
    assert result.ok, result.problems
    assert (result.repository, result.version, result.resources) == ("county", 1, 3)

    report = workspace.install(FolderSource(published_repo))
    assert (report.added, report.updated, report.removed) == (3, 0, 0)
    assert report.changes_zh() == "新增 3 节课, 更新 0 节"
    assert workspace.catalogue.status()["resources"]["installed"] == 3
    song = workspace.catalogue.resource("county:" + _rid_of(workspace, "小雨沙沙"))
    assert song.position.grade == 3 and song.position.unit == "第二单元 春天"
    assert [f.language for f in song.files if f.role == "subtitle"] == ["zh"]
    assert any(f.role == "thumbnail" for f in song.files), "a thumbnail is made for videos"
    assert 0.5 < song.duration < 2.0
    assert_installed_lessons_play(workspace, 3)


def _rid_of(ws, title):
    rid = ws.catalogue.db.execute("SELECT id FROM resources WHERE title = ?", [title]).fetchone()[0]
    return rid.split(":", 1)[1]


def test_same_import_twice_is_up_to_date(published_repo, workspace):
    workspace.install(FolderSource(published_repo))
    again = workspace.install(FolderSource(published_repo))
    assert again.up_to_date and again.blobs_copied == 0
    assert again.metadata_bytes == (published_repo / "root.json").stat().st_size  # the root only


def test_republish_is_incremental_and_import_applies_the_change(
        tmp_path, source_dir, publisher_key, workspace):
    src = tmp_path / "src"
    shutil.copytree(source_dir, src)
    repo = tmp_path / "repo"
    publish(src, publisher_key.with_suffix(".key"), repo, name="county", progress=quiet)
    workspace.install(FolderSource(repo))
    before = tree_files(repo)

    # one lesson added, one removed, one retitled
    make_video(src / "音乐/三年级/春晓.mp4", colour="rgbtestsrc")
    rows = [ROWS[0].replace("小雨沙沙,三年级", "小雨沙沙（新版）,三年级"), ROWS[2],
            "音乐/三年级/春晓.mp4,春晓,三年级,音乐,人音版,上册,第二单元 春天,5,,,,"]
    write_csv(src, rows, encoding="utf-8-sig")
    report = publish(src, publisher_key.with_suffix(".key"), repo, progress=quiet)
    assert (report.version, report.added, report.changed, report.removed) == (2, 1, 1, 1)
    after = tree_files(repo)
    assert all(after[p] == data for p, data in before.items() if p.name != "root.json"), \
        "existing blobs and nodes are never rewritten"
    assert report.new_blobs == 2  # the new video and its thumbnail

    update = workspace.install(FolderSource(repo))
    assert (update.added, update.updated, update.removed) == (1, 1, 1)
    assert update.changes_zh() == "新增 1 节课, 更新 1 节, 移除 1 节"
    titles = {r[0] for r in workspace.catalogue.db.execute("SELECT title FROM resources")}
    assert titles == {"小雨沙沙（新版）", "认识时间", "春晓"}
    # only the changed metadata travelled: grade 3 music, not grade 2 or maths
    assert update.metadata_bytes < sum(len(d) for p, d in after.items() if p.parts[0] == "meta")
    assert_installed_lessons_play(workspace, 3)


def test_publish_problems_are_listed_together_and_repo_is_untouched(
        tmp_path, source_dir, publisher_key, published_repo):
    src = tmp_path / "src"
    shutil.copytree(source_dir, src)
    repo = tmp_path / "repo"
    shutil.copytree(published_repo, repo)
    before = tree_files(repo)
    (src / "假视频.mp4").write_text("这不是视频", encoding="utf-8")
    (tmp_path / "secret.mp4").write_bytes(b"x")
    (src / "link.mp4").symlink_to(tmp_path / "secret.mp4")
    rows = ROWS + [
        "假视频.mp4,假视频,三年级,音乐,,,,1,video,,,",
        "没有这个文件.mp4,缺文件,三年级,音乐,,,,2,,,,",
        "../secret.mp4,越界,三年级,音乐,,,,3,,,,",
        "link.mp4,链接,三年级,音乐,,,,4,,,,",
        "音乐/三年级/小雨沙沙.mp4,错年级,三年纪,音乐,,,,5,,,,",
        "音乐/三年级/小雨沙沙.mp4,错学科,三年级,数字,,,,6,,,,",
    ]
    write_csv(src, rows)
    with pytest.raises(PublishError) as err:
        publish(src, publisher_key.with_suffix(".key"), repo, progress=quiet)
    text = str(err.value)
    for expected in ["catalogue.csv:5: file: not a video", "catalogue.csv:6: file: file not found",
                     "catalogue.csv:7:", "catalogue.csv:8: file: link.mp4 points outside",
                     "三年级", "数学"]:
        assert expected in text, (expected, text)
    assert tree_files(repo) == before


def test_publish_refuses_empty_csv_and_foreign_key(tmp_path, source_dir, publisher_key, published_repo):
    src = tmp_path / "src"
    src.mkdir()
    (src / "catalogue.csv").write_bytes(b"")
    with pytest.raises(PublishError, match="catalogue.csv"):
        publish(src, publisher_key.with_suffix(".key"), tmp_path / "out", name="x", progress=quiet)
    assert not (tmp_path / "out" / "root.json").exists()
    from teachpoint.repo import keys
    keys.generate_keypair(tmp_path / "other")
    repo = tmp_path / "repo"
    shutil.copytree(published_repo, repo)
    with pytest.raises(UsageError, match="cannot continue"):
        publish(source_dir, tmp_path / "other.key", repo, progress=quiet)
