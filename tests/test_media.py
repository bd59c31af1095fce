"""teachpoint.publish.media against real files made with ffmpeg (and hand-written PDF bytes)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from teachpoint.errors import TeachPointError
from teachpoint.publish import media
from teachpoint.publish.media import MediaError, looks_like_media, make_thumbnail, media_type_for, probe, \
    sniff_kind, subtitle_language

pytestmark = pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("ffprobe")),
                                reason="needs ffmpeg and ffprobe")

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
                   check=True, timeout=60)


def _png(path: Path, w: int = 8, h: int = 4) -> None:
    """A tiny valid RGB PNG written by hand."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\0" + bytes([200, 30, 30]) * w for _ in range(h))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("媒体")
    f = {
        "video": d / "认识时间.mp4",
        "audio": d / "小雨沙沙（伴奏）.m4a",
        "fake": d / "假视频.mp4",
        "png": d / "封面.png",
        "pdf": d / "练习单.pdf",
        "mp3": d / "歌曲.mp3",
    }
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-c:a", "aac",
            "-shortest", str(f["video"]))
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=660:duration=1.5", "-c:a", "aac", str(f["audio"]))
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=1", "-c:a", "libmp3lame", str(f["mp3"])) \
        if _has_encoder("libmp3lame") else f.pop("mp3")
    f["fake"].write_text("这不是视频，只是一个改了扩展名的文本文件。\n" * 20, encoding="utf-8")
    _png(f["png"])
    f["pdf"].write_bytes(MINIMAL_PDF)
    return f


def _has_encoder(name: str) -> bool:
    out = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    return f" {name} " in out


# ----------------------------------------------------------------------------- sniff_kind


def test_sniff_kind_by_content(files, tmp_path):
    assert sniff_kind(files["video"]) == "video"
    assert sniff_kind(files["audio"]) == "audio"
    assert sniff_kind(files["png"]) == "image"
    assert sniff_kind(files["pdf"]) == "document"
    if "mp3" in files:
        assert sniff_kind(files["mp3"]) == "audio"
    # Content wins over a lying extension where the content is conclusive.
    disguised = tmp_path / "图片.mp4"
    disguised.write_bytes(files["png"].read_bytes())
    assert sniff_kind(disguised) == "image"
    as_m4a = tmp_path / "声音.m4a"
    as_m4a.write_bytes(files["video"].read_bytes())
    assert sniff_kind(as_m4a) == "audio"  # MP4 container: the extension picks audio or video


def test_sniff_kind_falls_back_to_extension(files, tmp_path):
    # Plain text has no magic number: the extension decides, looks_like_media rejects it.
    assert sniff_kind(files["fake"]) == "video"
    for name, kind in [("说明.txt", "document"), ("课件.pptx", "slides"), ("课件.ppt", "slides"),
                       ("教案.docx", "document"), ("x.srt", "other"), ("无扩展名", "other")]:
        p = tmp_path / name
        p.write_text("一些文字", encoding="utf-8")
        assert sniff_kind(p) == kind, name
    assert sniff_kind(tmp_path / "不存在.mkv") == "video"


def test_sniff_kind_office_zip_and_utf16_text(tmp_path):
    import zipfile
    pptx = tmp_path / "课件.zip"
    with zipfile.ZipFile(pptx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<p/>")
    assert sniff_kind(pptx) == "slides"
    odt = tmp_path / "教案.odt"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert sniff_kind(odt) == "document"
    utf16 = tmp_path / "笔记.txt"
    utf16.write_bytes("\ufeff记事本保存的文字".encode("utf-16-le"))
    assert sniff_kind(utf16) == "document"  # FF FE is a BOM, not an MP3 frame


# ----------------------------------------------------------------------------- probe


def test_probe_video_with_audio(files):
    info = probe(files["video"])
    assert info.has_video and info.has_audio
    assert (info.width, info.height) == (320, 240)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.duration == pytest.approx(2.0, abs=0.2)
    assert "mp4" in info.format_name


def test_probe_audio_only(files):
    info = probe(files["audio"])
    assert info.has_audio and not info.has_video
    assert info.width is None and info.video_codec is None
    assert info.duration == pytest.approx(1.5, abs=0.2)


def test_probe_rejects_text_and_missing(files, tmp_path):
    with pytest.raises(MediaError) as e:
        probe(files["fake"])
    assert str(e.value).startswith("not a media file (")
    assert str(files["fake"]) not in str(e.value)  # one plain line, no path noise
    assert isinstance(e.value, TeachPointError)
    with pytest.raises(MediaError, match="file not found"):
        probe(tmp_path / "没有.mp4")


def test_probe_without_ffprobe(files, monkeypatch):
    monkeypatch.setattr(media.shutil, "which", lambda name: None)
    with pytest.raises(MediaError, match="ffprobe is not installed"):
        probe(files["video"])


# ----------------------------------------------------------------------------- looks_like_media


def test_looks_like_media(files, tmp_path):
    assert looks_like_media(files["video"], "video") is None
    assert looks_like_media(files["audio"], "audio") is None
    assert looks_like_media(files["video"], "audio") is None  # a video's sound track can be played
    assert looks_like_media(files["png"], "image") is None
    assert looks_like_media(files["pdf"], "document") is None

    problem = looks_like_media(files["fake"], "video")
    assert problem.startswith("not a video file (ffprobe: ") and "\n" not in problem
    assert looks_like_media(files["audio"], "video") == "not a video file (ffprobe: no video stream, only audio)"
    assert looks_like_media(files["png"], "video").startswith("not a video file (ffprobe: a still image")
    assert looks_like_media(files["fake"], "audio").startswith("not an audio file")
    assert looks_like_media(tmp_path / "无.mp4", "video") == "file not found"
    empty = tmp_path / "空.mp4"
    empty.touch()
    assert looks_like_media(empty, "video") == "empty file"

    fake_pdf = tmp_path / "假.pdf"
    fake_pdf.write_text("<html>404 Not Found</html>")
    assert "PDF" in looks_like_media(fake_pdf, "document")
    fake_png = tmp_path / "假.png"
    fake_png.write_text("not a picture")
    assert looks_like_media(fake_png, "image").startswith("not an image file")
    video_as_doc = tmp_path / "教案.docx"
    video_as_doc.write_bytes(files["video"].read_bytes())
    assert looks_like_media(video_as_doc, "document") == "not a document file (content looks like video)"
    assert looks_like_media(files["fake"], "other") is None


# ----------------------------------------------------------------------------- thumbnails


def test_make_thumbnail(files, tmp_path):
    out = tmp_path / "缩略图" / "认识时间.jpg"
    make_thumbnail(files["video"], out)
    data = out.read_bytes()
    assert data[:3] == b"\xff\xd8\xff"
    info = probe(out)
    assert (info.width, info.height) == (320, 240)
    make_thumbnail(files["video"], out, at_seconds=60, width=160)  # past the end: first frame
    assert probe(out).width == 160
    assert [p.name for p in out.parent.iterdir()] == ["认识时间.jpg"]  # no temp files left


def test_make_thumbnail_failures(files, tmp_path):
    with pytest.raises(MediaError, match="cannot make a thumbnail"):
        make_thumbnail(files["fake"], tmp_path / "a.jpg")
    with pytest.raises(MediaError, match="cannot make a thumbnail"):
        make_thumbnail(files["audio"], tmp_path / "b.jpg", at_seconds=0)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("name, mime", [
    ("课.mp4", "video/mp4"), ("课.MP4", "video/mp4"), ("字幕.zh.vtt", "text/vtt"),
    ("字幕.zh.srt", "application/x-subrip"), ("字幕.ass", "text/x-ssa"), ("练习单.pdf", "application/pdf"),
    ("图.jpg", "image/jpeg"), ("图.JPEG", "image/jpeg"), ("歌.m4a", "audio/mp4"), ("歌.mp3", "audio/mpeg"),
    ("课.mkv", "video/x-matroska"), ("课.ts", "video/mp2t"), ("课.flv", "video/x-flv"),
    ("课件.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("x.html", "text/html"), ("无扩展名", "application/octet-stream"), ("x.qqq", "application/octet-stream"),
])
def test_media_type_for(name, mime):
    assert media_type_for(name) == mime


@pytest.mark.parametrize("name, lang", [
    ("天地人.zh.srt", "zh"), ("天地人.zh-CN.vtt", "zh"), ("Unit 1 Hello.en.vtt", "en"),
    ("课.chs.srt", "zh"), ("课.EN.srt", "en"), ("课.eng.srt", "en"), ("课.zh_CN.srt", "zh"),
    ("课.zh-Hans-CN.srt", "zh"), ("课.zh-TW.srt", "zh-Hant"), ("课.cht.ass", "zh-Hant"),
    ("课.英文.srt", "en"), ("课[英文].srt", "en"), ("课_en.srt", "en"), ("课.ug.srt", "ug"),
    ("天地人.srt", "zh"), ("Unit 1 Hello.srt", "zh"), ("第1.2课.srt", "zh"), ("foo.bar.srt", "zh"),
    (Path("语文") / "一年级" / "天地人.en-US.srt", "en"),
])
def test_subtitle_language(name, lang):
    assert subtitle_language(name) == lang


def test_no_qt_import():
    import sys
    code = "import sys, teachpoint.publish.media; assert 'PySide6' not in sys.modules and 'vlc' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
