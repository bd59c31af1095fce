"""Helpers shared by the core tests: real media, catalogue.csv files, "do lessons still play"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from teachpoint.publish.publisher import publish
from teachpoint.testing import media
from teachpoint.workspace import Workspace

CSV_HEADER = "文件,标题,年级,学科,版本,册,单元,课次,类型,字幕,简介,关键词\n"


def make_video(path: Path, seconds: float = 1.0, colour: str = "testsrc") -> Path:
    """A real, tiny H.264 + AAC mp4 made by ffmpeg."""
    return media.make_video(path, seconds, pattern=colour)


def write_csv(folder: Path, rows: list[str], encoding: str = "gb18030") -> None:
    (folder / "catalogue.csv").write_bytes((CSV_HEADER + "\n".join(rows) + "\n").encode(encoding))


ROWS = [
    "音乐/三年级/小雨沙沙.mp4,小雨沙沙,三年级,音乐,人音版,上册,第二单元 春天,4,,音乐/三年级/小雨沙沙.zh.srt,学唱歌曲,春天;雨",
    "语文/一年级/小马过河.mp4,小马过河,二年级,语文,统编版,下册,第五单元,14,video,,寓言故事,小马",
    "数学/三年级/认识时间.mp4,认识时间,三年级,数学,人教版,上册,第一单元 时、分、秒,1,,,钟表,时间",
]


def is_pack_file(path: Path) -> bool:
    """A metadata pack (teachpoint.repo.packs: a multi-member gzip file), not a single node."""
    import zlib

    head = zlib.decompressobj(wbits=31).decompress(path.read_bytes(), 64)
    return head.startswith(b'{"_type":"pack"')  # keys sorted, no spaces (encode_node)


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


NEW_ROW = "音乐/三年级/春晓.mp4,春晓,三年级,音乐,人音版,上册,第二单元 春天,5,,,,"


def make_versions(base: Path, source_dir: Path, publisher_key: Path) -> tuple[Path, Path]:
    """(v1, v2) copies of the repository "county" under ``base``; v2 adds the lesson 春晓
    (:data:`NEW_ROW`: video + thumbnail)."""
    src = base / "src"
    shutil.copytree(source_dir, src)
    repo = base / "repo"
    publish(src, publisher_key.with_suffix(".key"), repo, name="county", title="某某县教学资源",
            progress=lambda *_: None)
    v1 = base / "v1"
    shutil.copytree(repo, v1)
    make_video(src / "音乐/三年级/春晓.mp4", colour="rgbtestsrc")
    write_csv(src, ROWS + [NEW_ROW])
    publish(src, publisher_key.with_suffix(".key"), repo, progress=lambda *_: None)
    return v1, repo


def resign_root(repo: Path, key_file: Path, mutate) -> None:
    """Rewrite ``repo/root.json`` with ``mutate(payload)`` applied, signed by ``key_file``."""
    import json

    from teachpoint.repo import keys

    private = keys.load_private_key(key_file)
    payload = json.loads(json.loads((repo / "root.json").read_text("utf-8"))["payload"])
    mutate(payload)
    payload["key_id"] = keys.public_key_of(private).key_id
    text = json.dumps(payload, ensure_ascii=False)
    envelope = {"payload": text, "signatures": [
        {"key_id": payload["key_id"], "sig": keys.sign(private, text.encode("utf-8"))}]}
    (repo / "root.json").write_text(json.dumps(envelope), encoding="utf-8")
