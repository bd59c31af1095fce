"""scripts/make_demo_source.py: run it for real and check what it wrote (about 15–25 s)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from teachpoint.publish.media import looks_like_media, probe, sniff_kind, subtitle_language

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_demo_source.py"
HEADERS = ["文件", "标题", "年级", "学科", "版本", "册", "单元", "课次", "类型", "字幕", "缩略图", "简介", "关键词"]
LESSON_KEY = ("年级", "学科", "版本", "册", "单元", "课次")

pytestmark = pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("ffprobe")),
                                reason="needs ffmpeg and ffprobe")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "演示频道"
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


@pytest.fixture(scope="module")
def rows(demo) -> list[dict[str, str]]:
    raw = (demo[0] / "catalogue.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GB18030, as Chinese Excel writes it, not UTF-8
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("gb18030")
    assert "\r\n" in text
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == HEADERS
    return list(reader)


def _files(folder: Path, row: dict[str, str]) -> list[Path]:
    names = [row["文件"], *filter(None, row["字幕"].split(";")), *filter(None, [row["缩略图"]])]
    return [folder / n for n in names]


def test_prints_size_and_stays_small(demo):
    folder, stdout = demo
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert total < 4_000_000
    m = re.search(r"(\d+) lessons, (\d+) resources .*\((\d+) bytes\)", stdout)
    assert m and int(m.group(3)) == total
    assert 6 <= int(m.group(1)) <= 8


def test_every_row_points_at_real_files(demo, rows):
    folder, _ = demo
    listed = {folder / "catalogue.csv"}
    for row in rows:
        for path in _files(folder, row):
            assert path.is_file(), path
            assert not Path(row["文件"]).is_absolute() and ".." not in Path(row["文件"]).parts
            listed.add(path)
        assert row["课次"].isdigit() and row["册"] in ("上册", "下册") and row["年级"].endswith("年级")
        assert row["标题"] and row["简介"] and row["关键词"]
    on_disk = {p for p in folder.rglob("*") if p.is_file()}
    assert on_disk == listed  # nothing unlisted is left lying around
    assert any(re.search(r"[\u4e00-\u9fff]", p.parent.name) for p in on_disk)  # Chinese folders


def test_media_decode_and_fit_their_kind(demo, rows):
    folder, _ = demo
    kinds = []
    for row in rows:
        path = folder / row["文件"]
        kind = row["类型"] or sniff_kind(path)
        assert kind == sniff_kind(path)
        kinds.append(kind)
        assert looks_like_media(path, kind) is None, row["文件"]
        if kind in ("video", "audio"):
            info = probe(path)
            assert info.has_audio and info.audio_codec == "aac"
            if kind == "video":
                assert info.video_codec == "h264" and (info.width, info.height) in ((426, 240), (640, 360))
                assert 8 <= info.duration <= 15
            # A full decode, not only the headers, that also measures the loudness.
            done = subprocess.run(["ffmpeg", "-nostdin", "-xerror", "-i", str(path), "-af", "volumedetect",
                                   "-f", "null", "-"], capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr[-500:]
            mean = float(re.search(r"mean_volume: (-?[\d.]+) dB", done.stderr).group(1))
            assert mean > -35, (row["文件"], mean)  # a melody, not silence
        for sub in filter(None, row["字幕"].split(";")):
            assert probe(folder / sub).format_name in ("srt", "webvtt")
    assert kinds.count("video") >= 6 and "audio" in kinds and "document" in kinds
    assert any(not r["类型"] for r in rows)  # one row leaves 类型 to sniffing


def test_lessons_group_and_subtitles(rows):
    lessons: dict[tuple, list[dict]] = {}
    for row in rows:
        lessons.setdefault(tuple(row[k] for k in LESSON_KEY), []).append(row)
    assert 6 <= len(lessons) <= 8
    assert len({r["年级"] for r in rows}) >= 4 and len({r["学科"] for r in rows}) >= 6
    maths = [g for key, g in lessons.items() if key[1] == "数学"][0]
    assert sorted(Path(r["文件"]).suffix for r in maths) == [".mp4", ".pdf"]
    for group in lessons.values():
        assert Path(group[0]["文件"]).suffix == ".mp4"  # the video comes first in each lesson
    for row in rows:
        if row["文件"].endswith(".mp4"):
            langs = [subtitle_language(s) for s in row["字幕"].split(";")]
            assert langs[0] == "zh"
            assert langs == (["zh", "en"] if row["学科"] == "英语" else ["zh"])


def test_videos_move(demo, rows):
    folder, _ = demo
    for row in rows:
        path = folder / row["文件"]
        if path.suffix == ".mp4":
            a, b = (_gray_frame(path, t) for t in (1.0, 4.0))
            assert sum(x != y for x, y in zip(a, b)) > len(a) // 100, row["文件"]


def _gray_frame(path: Path, at: float) -> bytes:
    return subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1",
                           "-vf", "scale=160:90,format=gray", "-f", "rawvideo", "-"],
                          capture_output=True, check=True, timeout=60).stdout


def test_worksheet_pdf_is_well_formed(demo, tmp_path):
    folder, _ = demo
    pdf = next(folder.rglob("*.pdf"))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[startxref:startxref + 4] == b"xref"
    entries = re.findall(rb"(\d{10}) 00000 n ", data[startxref:])
    for number, offset in enumerate(entries, 1):
        assert data[int(offset):].startswith(b"%d 0 obj" % number)
    # The page image is a JPEG that decodes.
    start = data.index(b"stream\n") + len(b"stream\n")
    jpeg = tmp_path / "page.jpg"
    jpeg.write_bytes(data[start:data.index(b"\nendstream", start)])
    info = probe(jpeg)
    assert info.video_codec == "mjpeg" and info.width > 800 and info.height > 1100


def test_worksheet_opens_in_a_pdf_engine(demo):
    """Qt's PDF module (pdfium) loads and renders it; in a subprocess so no Qt app leaks here."""
    pytest.importorskip("PySide6.QtPdf")
    pdf = next(demo[0].rglob("*.pdf"))
    code = (
        "import sys\n"
        "from PySide6.QtCore import QSize\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "from PySide6.QtPdf import QPdfDocument\n"
        "app = QGuiApplication([])\n"
        "d = QPdfDocument()\n"
        "d.load(sys.argv[1])\n"
        "img = d.render(0, QSize(200, 283))\n"
        "dark = sum(1 for y in range(0, 283, 3) for x in range(0, 200, 3) if img.pixelColor(x, y).value() < 128)\n"
        "print(d.status().name, d.pageCount(), d.metaData(QPdfDocument.MetaDataField.Title), dark)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code, str(pdf)], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    status, pages, title, dark = done.stdout.split()
    assert (status, pages, title) == ("Ready", "1", "认识时间练习单")
    assert int(dark) > 50  # ink on the page, not a blank render


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "别的文件.txt").write_text("keep me", encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "--force" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["别的文件.txt"]
