"""Lessons a classroom meets besides good videos: a damaged mp4 and an audio lesson (issue 13)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource
from teachpoint.workspace import Workspace
from uihelpers import REPO, make_mp4, sha256_of

DAMAGED = f"{REPO}:m-3-2-8"
AUDIO = f"{REPO}:m-3-2-9"


def _file(role: str, path: Path, media_type: str) -> FileRef:
    return FileRef(role, sha256_of(path), path.stat().st_size, media_type, "", path.name)


def add_lessons(ws: Workspace, folder: Path) -> None:
    """A damaged mp4 (an ffmpeg lesson cut in half) and an audio lesson, in 三年级音乐 第二单元."""
    whole = make_mp4(folder / "whole.mp4", seconds=8.0)
    damaged = folder / "damaged.mp4"
    damaged.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    audio = folder / "song.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
                    "-c:a", "aac", str(audio)], check=True, timeout=60)
    unit = ("人音版", "上册", "第二单元 春天")
    resources = [
        Resource(rid="m-3-2-8", kind="video", title="坏了的课", duration=8.0,
                 position=Position(3, "音乐", *unit, 8), files=(_file("main", damaged, "video/mp4"),)),
        Resource(rid="m-3-2-9", kind="audio", title="春天的歌（歌曲范唱）", duration=12.0,
                 position=Position(3, "音乐", *unit, 9), files=(_file("main", audio, "audio/mp4"),)),
    ]
    info = RepositoryInfo(REPO, "某某县教学资源", "k" * 16, 1, "r" * 64,
                          "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "test")
    ws.catalogue.apply_repository(info, resources, [])
    for path in (damaged, audio):
        ws.store.add_file(path)
        ws.catalogue.mark_blob_present(sha256_of(path), path.stat().st_size)
