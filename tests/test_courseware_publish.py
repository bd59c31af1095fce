"""The courseware rural schools really have, through publish and import (issue 13).

Real files only: RMVB written by ffmpeg, a VCD AVSEQ01.DAT (RIFF/CDXA sectors around a
``-target pal-vcd`` stream), a PAL 4:3 MPEG-2, subtitles saved in GBK/UTF-16/UTF-8 BOM, a PPTX
written by LibreOffice and converted to PDF by LibreOffice during publish.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from helpers import assert_installed_lessons_play, make_video, write_csv
from teachpoint.errors import PublishError
from teachpoint.library.subtitles import SubtitleError, decode_subtitle
from teachpoint.publish import media, office
from teachpoint.publish.publisher import publish
from teachpoint.testing import courseware_media as cm
from teachpoint.transport.sources import FolderSource

needs_office = pytest.mark.skipif(office.office_program() is None, reason="LibreOffice not installed")


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def courseware(tmp_path_factory):
    """A source folder with an MP4 lesson, an RMVB, a VCD .DAT, a PAL 4:3 video, GBK subtitles."""
    src = tmp_path_factory.mktemp("courseware") / "src"
    make_video(src / "春天.mp4", seconds=2.0)
    cm.make_rmvb(src / "老课件/小燕子.rmvb")
    cm.make_vcd_dat(src / "VCD/MPEGAV/AVSEQ01.DAT")
    cm.make_pal_4x3(src / "PAL/四比三.mpg", seconds=2.0)
    (src / "老课件/小燕子.srt").write_bytes(cm.subtitle_text().encode("gbk"))
    (src / "春天.srt").write_bytes(cm.subtitle_text().encode("utf-16"))
    return src


ROWS = ["春天.mp4,春天,三年级,音乐,人音版,上册,第二单元 春天,1,,春天.srt,,",
        "老课件/小燕子.rmvb,小燕子,三年级,音乐,人音版,上册,第二单元 春天,2,,老课件/小燕子.srt,,",
        "VCD/MPEGAV/AVSEQ01.DAT,VCD 春天在哪里,三年级,音乐,人音版,上册,第二单元 春天,3,,,,",
        "PAL/四比三.mpg,四比三,三年级,音乐,人音版,上册,第二单元 春天,4,,,,"]


def _by_title(workspace, title):
    rid = workspace.catalogue.db.execute("SELECT id FROM resources WHERE title = ?", [title]).fetchone()[0]
    return workspace.catalogue.resource(rid)


def test_rmvb_vcd_dat_and_gbk_subtitles_publish_as_playable_lessons(tmp_path, courseware, publisher_key,
                                                                      workspace):
    write_csv(courseware, ROWS)
    out = tmp_path / "repo"
    publish(courseware, publisher_key.with_suffix(".key"), out, name="county", progress=quiet)
    workspace.install(FolderSource(out))
    for title in ("小燕子", "VCD 春天在哪里", "四比三"):
        res = _by_title(workspace, title)
        assert res.kind == "video", title  # by content, not by extension
        assert 1.5 < res.duration < 2.5, title
        thumb = next(f for f in res.files if f.role == "thumbnail")
        assert workspace.store.has(thumb.sha256)
    # GBK and UTF-16 subtitles arrive as UTF-8 with the same text, under their own names
    for title, name in (("小燕子", "小燕子.srt"), ("春天", "春天.srt")):
        sub = next(f for f in _by_title(workspace, title).files if f.role == "subtitle")
        data = workspace.store.path_of(sub.sha256).read_bytes()
        assert data.decode("utf-8") == cm.subtitle_text() and sub.name == name
    # the PAL 4:3 thumbnail is 4:3, not 1.25:1
    thumb = next(f for f in _by_title(workspace, "四比三").files if f.role == "thumbnail")
    info = media.probe(workspace.store.path_of(thumb.sha256))
    assert (info.width, info.height) == (320, 240)
    assert_installed_lessons_play(workspace, 4)


def test_content_kind_asks_ffprobe_only_what_magic_cannot_place(tmp_path, courseware):
    renamed = tmp_path / "lesson.bin"
    shutil.copyfile(courseware / "老课件/小燕子.rmvb", renamed)
    assert media.content_kind(renamed) == "video"
    assert media.sniff_kind(courseware / "VCD/MPEGAV/AVSEQ01.DAT") == "video"
    raw = tmp_path / "第一课.xyz"  # a NUT file: ffmpeg reads it, no magic number of ours places it
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10",
                    "-t", "2", "-c:v", "mpeg4", "-f", "nut", str(raw)], check=True, timeout=60)
    assert media.sniff_kind(raw) == "other" and media.content_kind(raw) == "video"
    text = tmp_path / "readme.dat"
    text.write_text("这不是视频\n" * 20, encoding="utf-8")
    assert media.content_kind(text) == "other"  # ffprobe calls text "tty": not a lesson
    pal = media.probe(courseware / "PAL/四比三.mpg")
    assert pal.sample_aspect == (16, 15) and pal.display_width == 768


def test_changing_the_kind_on_republish_recomputes_the_duration(tmp_path, publisher_key, workspace):
    src = tmp_path / "src"
    make_video(src / "歌.mp4", seconds=2.0)
    row = "歌.mp4,歌,三年级,音乐,人音版,上册,第一单元,1,{kind},,,"
    out = tmp_path / "repo"
    write_csv(src, [row.format(kind="其他")])
    publish(src, publisher_key.with_suffix(".key"), out, name="county", progress=quiet)
    write_csv(src, [row.format(kind="视频")])
    publish(src, publisher_key.with_suffix(".key"), out, name="county", progress=quiet)
    workspace.install(FolderSource(out))
    res = _by_title(workspace, "歌")
    assert res.kind == "video" and 1.5 < res.duration < 2.5
    assert any(f.role == "thumbnail" for f in res.files)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16", "utf-16-be"])
def test_subtitle_encodings_decode_to_the_same_text(encoding):
    text, _found = decode_subtitle(cm.subtitle_text().encode(encoding))
    assert text == cm.subtitle_text()


def test_two_gbk_characters_are_not_taken_for_big5_or_korean():
    short = "1\r\n00:00:00,000 --> 00:00:02,000\r\n你好\r\n"
    assert decode_subtitle(short.encode("gbk")) == (short, "gb18030")


def test_hostile_subtitle_and_slides_are_listed_and_nothing_is_written(tmp_path, courseware, publisher_key,
                                                                        workspace):
    write_csv(courseware, ROWS[:1])
    out = tmp_path / "repo"
    publish(courseware, publisher_key.with_suffix(".key"), out, name="county", progress=quiet)
    workspace.install(FolderSource(out))
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    bad = tmp_path / "bad"
    shutil.copytree(courseware, bad)
    (bad / "坏字幕.srt").write_bytes(bytes(range(256)) * 40)  # a binary file named .srt
    (bad / "空.pptx").write_bytes(b"")
    (bad / "半截.rmvb").write_bytes((courseware / "老课件/小燕子.rmvb").read_bytes()[:300])
    whole = cm.make_rmvb(tmp_path / "long.rmvb", seconds=20.0).read_bytes()
    (bad / "一半.rmvb").write_bytes(whole[: len(whole) // 2])  # header says 20 s, packets stop at ~10
    write_csv(bad, ROWS[:1] + [
        "春天.mp4,春天二,三年级,音乐,人音版,上册,第二单元 春天,5,,坏字幕.srt,,",
        "空.pptx,空课件,三年级,音乐,人音版,上册,第二单元 春天,6,,,,",
        "半截.rmvb,半截,三年级,音乐,人音版,上册,第二单元 春天,7,,,,",
        "一半.rmvb,一半,三年级,音乐,人音版,上册,第二单元 春天,8,,,,"])
    with pytest.raises(PublishError) as caught:
        publish(bad, publisher_key.with_suffix(".key"), out, name="county", progress=quiet)
    said = "\n".join(caught.value.problems)
    assert "坏字幕.srt" in said and "not text" in said
    assert ":4: file: empty file" in said
    assert ":5: file: not a video file" in said
    assert ":6: file: the file is cut short" in said and "lasts 20.0 s" in said
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert_installed_lessons_play(workspace, 1)
    with pytest.raises(SubtitleError):
        decode_subtitle(b"")


@needs_office
def test_pptx_is_shipped_with_its_pdf_made_by_libreoffice(tmp_path, publisher_key, workspace):
    src = tmp_path / "src"
    cm.make_pptx(src / "春天课件.pptx")
    make_video(src / "春天.mp4")
    write_csv(src, ["春天课件.pptx,春天课件,三年级,音乐,人音版,上册,第二单元 春天,1,,,,",
                    "春天.mp4,春天,三年级,音乐,人音版,上册,第二单元 春天,1,,,,"])
    out = tmp_path / "repo"
    publish(src, publisher_key.with_suffix(".key"), out, name="county", progress=quiet)
    workspace.install(FolderSource(out))
    res = _by_title(workspace, "春天课件")
    assert res.kind == "slides" and res.main.name == "春天课件.pptx"
    pdf = next(f for f in res.files if f.role == "attachment")
    assert (pdf.media_type, pdf.name) == ("application/pdf", "春天课件.pdf")
    path = workspace.store.path_of(pdf.sha256)
    assert path.read_bytes().startswith(b"%PDF-")
    pages = subprocess.run(["ffprobe", "-v", "quiet", str(path)], capture_output=True)  # not media
    assert pages.returncode != 0
    assert _pdf_pages(path) == 2
    # republishing the same deck reuses its PDF (no second conversion, no new blob)
    report = publish(src, publisher_key.with_suffix(".key"), out, name="county", progress=quiet)
    assert report.new_blobs == 0 and report.changed == 0
    assert_installed_lessons_play(workspace, 2)


@needs_office
def test_a_damaged_pptx_is_a_publish_problem_not_a_crash(tmp_path, publisher_key):
    src = tmp_path / "src"
    src.mkdir()
    (src / "坏.pptx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 200)
    write_csv(src, ["坏.pptx,坏课件,三年级,音乐,人音版,上册,第二单元 春天,1,,,,"])
    with pytest.raises(PublishError) as caught:
        publish(src, publisher_key.with_suffix(".key"), tmp_path / "repo", name="county", progress=quiet)
    assert "LibreOffice could not convert 坏.pptx" in "\n".join(caught.value.problems)
    assert not (tmp_path / "repo").exists() or not (tmp_path / "repo/root.json").exists()


def _pdf_pages(path) -> int:
    """Pages of a PDF by its page objects (enough for LibreOffice's uncompressed page tree)."""
    import re
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


@needs_office
def test_convert_many_runs_libreoffice_once_for_many_and_names_the_bad_one(tmp_path):
    good = cm.make_pptx(tmp_path / "春天课件.pptx")
    other = tmp_path / "第二课.pptx"
    shutil.copyfile(good, other)
    bad = tmp_path / "坏.ppt"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00broken" * 100)
    made = office.convert_many({"a" * 64: good, "b" * 64: other, "c" * 64: bad}, tmp_path / "out")
    assert _pdf_pages(made["a" * 64]) == 2 and _pdf_pages(made["b" * 64]) == 2
    assert isinstance(made["c" * 64], office.ConversionError) and "坏.ppt" in str(made["c" * 64])
