"""Shared fixtures: real media made with ffmpeg, a real publisher key, a real signed repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from teachpoint.paths import DataPaths
from teachpoint.sync import keys
from teachpoint.sync.publish import publish
from teachpoint.workspace import Workspace

# Logs of every teachpoint process the tests start stay in one temp folder, not in $HOME.
os.environ.setdefault("TEACHPOINT_LOG_DIR", tempfile.mkdtemp(prefix="teachpoint-test-logs-"))

CSV_HEADER = "文件,标题,年级,学科,版本,册,单元,课次,类型,字幕,简介,关键词\n"


def make_video(path: Path, seconds: float = 1.0, colour: str = "testsrc") -> Path:
    """A real, tiny H.264 + AAC mp4 made by ffmpeg."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"{colour}=size=160x120:rate=10",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-t", str(seconds),
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-b:a", "32k", "-shortest", str(path)],
        check=True, timeout=60)
    return path


def write_csv(folder: Path, rows: list[str], encoding: str = "gb18030") -> None:
    (folder / "catalogue.csv").write_bytes((CSV_HEADER + "\n".join(rows) + "\n").encode(encoding))


ROWS = [
    "音乐/三年级/小雨沙沙.mp4,小雨沙沙,三年级,音乐,人音版,上册,第二单元 春天,4,,音乐/三年级/小雨沙沙.zh.srt,学唱歌曲,春天;雨",
    "语文/一年级/小马过河.mp4,小马过河,二年级,语文,统编版,下册,第五单元,14,video,,寓言故事,小马",
    "数学/三年级/认识时间.mp4,认识时间,三年级,数学,人教版,上册,第一单元 时、分、秒,1,,,钟表,时间",
]


@pytest.fixture(scope="session")
def source_dir(tmp_path_factory) -> Path:
    """A publisher's source folder with Chinese names and a GB18030 catalogue.csv."""
    src = tmp_path_factory.mktemp("source") / "县资源中心"
    make_video(src / "音乐/三年级/小雨沙沙.mp4")
    (src / "音乐/三年级/小雨沙沙.zh.srt").write_text(
        "1\n00:00:00,000 --> 00:00:01,000\n小雨沙沙沙\n", encoding="utf-8")
    make_video(src / "语文/一年级/小马过河.mp4", colour="testsrc2")
    make_video(src / "数学/三年级/认识时间.mp4", colour="smptebars")
    write_csv(src, ROWS)
    return src


@pytest.fixture(scope="session")
def publisher_key(tmp_path_factory) -> Path:
    prefix = tmp_path_factory.mktemp("keys") / "county"
    keys.generate_keypair(prefix, name="某某县资源中心")
    return prefix


@pytest.fixture(scope="session")
def published_repo(tmp_path_factory, source_dir, publisher_key) -> Path:
    """A signed repository (version 1) published from ``source_dir``; copy it before changing it."""
    out = tmp_path_factory.mktemp("published") / "repo"
    publish(source_dir, publisher_key.with_suffix(".key"), out, name="county",
            title="某某县教学资源", progress=lambda *_: None)
    return out


@pytest.fixture
def repo_copy(tmp_path, published_repo) -> Path:
    target = tmp_path / "stick" / "repo"
    shutil.copytree(published_repo, target)
    return target


@pytest.fixture
def workspace(tmp_path, publisher_key):
    """A fresh data dir (no demo) that trusts the test publisher."""
    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    yield ws
    ws.close()


def decode_frames(path: Path, frames: int = 5) -> None:
    """Decode the first frames of a video with ffmpeg: raises if it cannot be played."""
    subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-frames:v", str(frames),
                    "-f", "null", "-"], check=True, timeout=60, capture_output=True)


def assert_installed_lessons_play(ws: Workspace, expect_at_least: int = 1) -> None:
    """Every installed resource's files are in the store, intact, and its video decodes."""
    rows = ws.catalogue.db.execute(
        "SELECT resource_id FROM resource_state WHERE state = 'installed'").fetchall()
    assert len(rows) >= expect_at_least, "no installed lessons left"
    for (rid,) in rows:
        res = ws.catalogue.resource(rid)
        main = res.main
        assert ws.store.has(main.sha256)
        report = ws.store.verify([f.sha256 for f in res.files if f.role in ("main", "subtitle")])
        assert not report.damaged and not report.missing
        if res.kind == "video":
            decode_frames(ws.store.path_of(main.sha256))
