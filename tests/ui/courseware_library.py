"""A real published library of the courseware schools have, for the courseware UI tests.

:func:`publish_courseware` publishes (real ffprobe, real LibreOffice) a repository holding: the
same dark video with the same subtitles once in UTF-8 and once in GBK, an RMVB with GBK
subtitles, a VCD AVSEQ01.DAT, a PAL 4:3 video, a PPTX (shipped with its PDF) and a Flash file.
:func:`install_courseware` installs it into a fresh data folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from helpers import write_csv  # noqa: E402
from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.publish.publisher import publish  # noqa: E402
from teachpoint.repo import keys  # noqa: E402
from teachpoint.testing import courseware_media as cm  # noqa: E402
from teachpoint.transport.sources import FolderSource  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402

UNIT = "三年级,音乐,人音版,上册,第二单元 春天"
TITLES = {"utf8": "春天（UTF-8字幕）", "gbk": "春天（GBK字幕）", "rmvb": "小燕子（RMVB）",
          "vcd": "春天在哪里（VCD）", "pal": "四比三（PAL）", "pptx": "春天课件", "swf": "春天动画"}
ROWS = [f"春天.mp4,{TITLES['utf8']},{UNIT},1,,字幕/春天.utf8.srt,,",
        f"春天.mp4,{TITLES['gbk']},{UNIT},2,,字幕/春天.gbk.srt,,",
        f"老课件/小燕子.rmvb,{TITLES['rmvb']},{UNIT},3,,老课件/小燕子.srt,,",
        f"VCD/MPEGAV/AVSEQ01.DAT,{TITLES['vcd']},{UNIT},4,,,,",
        f"PAL/四比三.mpg,{TITLES['pal']},{UNIT},5,,,,",
        f"春天课件.pptx,{TITLES['pptx']},{UNIT},6,,,,",
        f"春天动画.swf,{TITLES['swf']},{UNIT},7,,,,"]


def publish_courseware(base: Path) -> tuple[Path, Path]:
    """(repository folder, publisher key prefix) under ``base``."""
    src = base / "src"
    cm.make_dark_video(src / "春天.mp4", seconds=40.0)
    (src / "字幕").mkdir(parents=True)
    # LF here, CRLF in the GBK file: the same text, but two blobs (tests rewrite one of them)
    (src / "字幕/春天.utf8.srt").write_bytes(cm.subtitle_text().replace("\r\n", "\n").encode("utf-8"))
    (src / "字幕/春天.gbk.srt").write_bytes(cm.subtitle_text().encode("gbk"))
    cm.make_rmvb(src / "老课件/小燕子.rmvb", seconds=20.0)
    (src / "老课件/小燕子.srt").write_bytes(cm.subtitle_text().encode("gbk"))
    cm.make_vcd_dat(src / "VCD/MPEGAV/AVSEQ01.DAT", seconds=4.0)
    cm.make_pal_4x3(src / "PAL/四比三.mpg", seconds=10.0)
    cm.make_pptx(src / "春天课件.pptx")
    cm.make_swf(src / "春天动画.swf")
    write_csv(src, ROWS)
    key = base / "keys" / "county"
    key.parent.mkdir(parents=True)
    keys.generate_keypair(key, name="某某县资源中心")
    out = base / "repo"
    publish(src, key.with_suffix(".key"), out, name="county", title="某某县教学资源", progress=lambda *_: None)
    return out, key


def install_courseware(data: Path, repo: Path, key: Path) -> Workspace:
    ws = Workspace(DataPaths(data, explicit=True), install_demo=False)
    ws.trust.add(key.with_suffix(".pub"))
    ws.install(FolderSource(repo))
    return ws


def rid_of(ws: Workspace, name: str) -> str:
    """The catalogue id of the lesson called :data:`TITLES` [name]."""
    return ws.catalogue.db.execute("SELECT id FROM resources WHERE title = ?", [TITLES[name]]).fetchone()[0]


def white_box(image, left: int = 0, top: int = 0, width: int | None = None, height: int | None = None):
    """(width, height) of the bounding box of white pixels in a region of a QImage (the PAL
    lesson's square), sampled every pixel along two crossing lines through its centre."""
    width = image.width() - left if width is None else width
    height = image.height() - top if height is None else height

    def white(x: int, y: int) -> bool:
        c = image.pixel(x, y)
        return ((c >> 16) & 255) > 220 and ((c >> 8) & 255) > 220 and (c & 255) > 220

    cx, cy = left + width // 2, top + height // 2
    xs = [x for x in range(left, left + width) if white(x, cy)]
    ys = [y for y in range(top, top + height) if white(cx, y)]
    return (max(xs) - min(xs) + 1 if xs else 0), (max(ys) - min(ys) + 1 if ys else 0)
