"""Helpers shared by the UI tests and the Xvfb scenario script: real media, a small library.

The library is built through the core API (``Catalogue.apply_repository`` + ``ContentStore``)
with real H.264 files made by ffmpeg.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource
from teachpoint.paths import DataPaths
from teachpoint.testing import media
from teachpoint.workspace import Workspace

REPO = "county"


def make_mp4(path: Path, seconds: float = 6.0, source: str = "testsrc", size: str = "320x240") -> Path:
    """A real H.264 + AAC mp4 (colourful test pattern with a running counter)."""
    return media.make_video(path, seconds, pattern=source, size=size, rate=25)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_media(folder: Path) -> dict[str, Path]:
    """Real media files: two videos, a Chinese subtitle, a thumbnail, a text file named .mp4."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {
        "video": make_mp4(folder / "xiaoyu.mp4"),
        "video2": make_mp4(folder / "xiaoma.mp4", seconds=4.0, source="testsrc2"),
        "subtitle": folder / "xiaoyu.zh.srt",
        "thumbnail": folder / "thumb.png",
        "broken": folder / "broken.mp4",
    }
    out["subtitle"].write_text("1\n00:00:00,000 --> 00:00:05,000\n小雨沙沙沙，种子说：我要发芽\n",
                               encoding="utf-8")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180",
                    "-frames:v", "1", str(out["thumbnail"])], check=True, timeout=60)
    out["broken"].write_text("这不是视频文件，只是一段文字。\n" * 20, encoding="utf-8")
    return out


def _ref(role: str, path: Path, media_type: str, language: str = "") -> FileRef:
    return FileRef(role, sha256_of(path), path.stat().st_size, media_type, language, path.name)


def _lesson(rid, title, grade, subject, edition, volume, unit, lesson, files, duration=6.0,
            description="", keywords=()):
    return Resource(rid=rid, kind="video", title=title,
                    position=Position(grade, subject, edition, volume, unit, lesson),
                    files=tuple(files), description=description, keywords=tuple(keywords),
                    duration=duration)


def library_resources(media: dict[str, Path]) -> list[Resource]:
    """Five lessons in three grades: installed, with subtitles, not downloaded, damaged, broken."""
    video = _ref("main", media["video"], "video/mp4")
    return [
        _lesson("m-3-2-4", "小雨沙沙", 3, "音乐", "人音版", "上册", "第二单元 春天", 4,
                [video, _ref("subtitle", media["subtitle"], "application/x-subrip", "zh"),
                 _ref("thumbnail", media["thumbnail"], "image/png")],
                description="学唱歌曲《小雨沙沙》，感受春雨的声音。", keywords=("春天", "雨")),
        _lesson("m-3-2-5", "春天在哪里", 3, "音乐", "人音版", "上册", "第二单元 春天", 5,
                [_ref("main", media["video2"], "video/mp4")], duration=4.0),
        _lesson("y-2-5-14", "小马过河", 2, "语文", "统编版", "下册", "第五单元", 14,
                [FileRef("main", "c" * 64, 1000, "video/mp4", name="xiaoma.mp4")],
                description="寓言故事"),
        _lesson("s-3-1-1", "认识时间", 3, "数学", "人教版", "上册", "第一单元 时、分、秒", 1,
                [FileRef("main", "d" * 64, 1000, "video/mp4", name="shijian.mp4")]),
        _lesson("e-4-1-1", "Hello 你好", 4, "英语", "外研版", "上册", "Unit 1", 1,
                [_ref("main", media["broken"], "video/mp4")], duration=30.0),
    ]


def build_library(root: Path, media: dict[str, Path]) -> Workspace:
    """A data directory with :func:`library_resources`; blobs present except 小马过河 (not
    downloaded) and 认识时间 (damaged)."""
    ws = Workspace(DataPaths(root, explicit=True), install_demo=False)
    info = RepositoryInfo(REPO, "某某县教学资源", "k" * 16, 1, "r" * 64,
                          "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "test")
    ws.catalogue.apply_repository(info, library_resources(media), [])
    for key in ("video", "video2", "subtitle", "thumbnail", "broken"):
        ws.store.add_file(media[key])
        ws.catalogue.mark_blob_present(sha256_of(media[key]), media[key].stat().st_size)
    ws.catalogue.mark_blob_present("d" * 64, 1000)
    ws.catalogue.mark_blobs_checked([], ["d" * 64], [])
    return ws


def rid(local: str) -> str:
    """Catalogue id of one of the test lessons."""
    return f"{REPO}:{local}"


LESSON_TIMEOUT_MS = 10_000  # a lesson is read in a worker before it opens (issue 11)


def open_lesson(qtbot, window, resource_id: str, fullscreen: bool = False):
    """``window.play(resource_id)`` and wait until the lesson page shows that lesson (the
    opener's ``opened`` signal: the page index alone may still be the previous lesson's)."""
    with qtbot.waitSignal(window.lessons.opened, timeout=LESSON_TIMEOUT_MS,
                          check_params_cb=lambda opened: opened == resource_id):
        window.play(resource_id, fullscreen)
    return window.player_view


def show_details(qtbot, window, resource_id: str) -> None:
    """``window.show_lesson(resource_id)`` and wait until the details panel shows it."""
    with qtbot.waitSignal(window.lessons.details_shown, timeout=LESSON_TIMEOUT_MS,
                          check_params_cb=lambda shown: shown == resource_id):
        window.show_lesson(resource_id)
