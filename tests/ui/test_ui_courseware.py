"""Courseware in the app, offscreen (issue 13): office lessons as their PDF, printable and full
screen; Flash and unopenable files said honestly; old RMVB/VCD/PAL lessons play through the real
libvlc (vmem) with GBK subtitles converted and pixels squared. Hostile files give a message and
the installed lessons still play.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from courseware_library import TITLES, install_courseware, publish_courseware, rid_of, white_box
from teachpoint.library.model import Resource
from teachpoint.library.subtitles import CACHE_FOLDER, playable_subtitle
from teachpoint.publish import office
from teachpoint.ui import queries
from teachpoint.ui.document_view import EXTERNAL, PDF, DocumentView, opens_in_document_view
from teachpoint.ui.lesson_panel import LessonPanel
from teachpoint.ui.player.base import PLAYING
from teachpoint.ui.player.player_window import PlayerView

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
pytestmark = pytest.mark.skipif(office.office_program() is None, reason="LibreOffice not installed")


@pytest.fixture(scope="module")
def courseware_repo(tmp_path_factory):
    return publish_courseware(tmp_path_factory.mktemp("courseware"))


@pytest.fixture
def ws(tmp_path, courseware_repo):
    workspace = install_courseware(tmp_path / "data", *courseware_repo)
    yield workspace
    workspace.close()


@pytest.fixture
def view(qtbot, tasks):
    widget = DocumentView(tasks)
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    return widget


def _open(qtbot, view, ws, name_or_rid) -> str:
    rid = rid_of(ws, name_or_rid) if name_or_rid in TITLES else name_or_rid
    with qtbot.waitSignal(view.shown, timeout=20_000) as blocker:
        view.open_lesson(ws, queries.load_lesson(ws, rid))
    return blocker.args[0]


def assert_lesson_plays(qtbot, ws, name="utf8") -> PlayerView:
    """The installed lesson plays through the real player (vmem offscreen)."""
    player_view = PlayerView()
    qtbot.addWidget(player_view)
    try:
        assert player_view.open_lesson(ws, queries.load_lesson(ws, rid_of(ws, name)))
        qtbot.waitUntil(lambda: player_view.player.state == PLAYING
                        and player_view.player.position_ms() > 500, timeout=20_000)
        frames = player_view.player.video_widget().frames_shown
        qtbot.waitUntil(lambda: player_view.player.video_widget().frames_shown > frames, timeout=10_000)
    finally:
        player_view.shutdown()
    return player_view


def test_pptx_lesson_shows_its_pdf_prints_and_goes_full_screen(qtbot, view, ws, tmp_path):
    assert _open(qtbot, view, ws, "pptx") == PDF  # the PDF LibreOffice made at publish time
    assert view.pdf.pageCount() == 2 and view.page_label.text() == "第 1 / 2 页"
    assert view.print_button.isVisible() and view.fullscreen_button.isVisible()
    ARTIFACTS.mkdir(exist_ok=True)
    qtbot.wait(300)
    shot = view.grab().toImage()
    shot.save(str(ARTIFACTS / "courseware-pptx-as-pdf.png"))
    assert _red_pixels(shot) > 50  # the slide's red title text, rendered

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert view.print_to(printer) == 2
    copy = QPdfDocument()
    assert copy.load(str(printed)) == QPdfDocument.Error.None_ and copy.pageCount() == 2
    page = copy.render(0, copy.pagePointSize(0).toSize())
    page.save(str(ARTIFACTS / "courseware-printed-page1.png"))
    assert _red_pixels(page) > 20  # the printed page has the slide on it, not a blank sheet
    copy.close()

    qtbot.keyClick(view, Qt.Key.Key_F5)
    qtbot.waitUntil(view.is_fullscreen, timeout=5000)
    assert view.fullscreen_button.isChecked()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.is_fullscreen(), timeout=5000)


def test_flash_gets_one_honest_sentence_and_is_not_handed_on(qtbot, view, ws, monkeypatch):
    monkeypatch.setattr("teachpoint.ui.document_view.open_externally",
                        lambda path: pytest.fail("Flash must not be handed to another program"))
    assert _open(qtbot, view, ws, "swf") == "message"
    assert view.message.text().startswith("这是Flash课件")
    assert "已用电脑上的其他程序打开" not in view.message.text()


def test_a_failing_xdg_open_is_reported_as_failed(qtbot, view, ws, tmp_path, monkeypatch):
    res = ws.catalogue.resource(rid_of(ws, "pptx"))
    _forget_pdf(ws, res)  # as if published before PDFs: only the .pptx is here
    opener = _stand_in_xdg_open(tmp_path / "bin", exit_code=3, log=tmp_path / "opened.txt")
    monkeypatch.setenv("PATH", f"{opener.parent}{os.pathsep}{os.environ['PATH']}")
    assert _open(qtbot, view, ws, "pptx") == "message"
    assert view.message.text() == "这台电脑上没有能打开“春天课件.pptx”的程序。"
    assert (tmp_path / "opened.txt").read_text().strip().endswith("春天课件.pptx")
    # a stand-in that works is reported as opened
    _stand_in_xdg_open(tmp_path / "bin", exit_code=0, log=tmp_path / "opened.txt")
    assert _open(qtbot, view, ws, "pptx") == EXTERNAL
    assert view.message.text() == "已用电脑上的其他程序打开“春天课件.pptx”。"


def test_a_corrupt_pdf_gives_a_message_and_lessons_still_play(qtbot, view, ws, tmp_path):
    res = ws.catalogue.resource(rid_of(ws, "pptx"))
    pdf = next(f for f in res.files if f.role == "attachment")
    path = ws.store.path_of(pdf.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage\xff" * 300)  # damaged on the disk
    assert _open(qtbot, view, ws, "pptx") == "message"
    assert view.message.text().startswith("这个文件打不开")
    assert_lesson_plays(qtbot, ws, "rmvb")


@pytest.mark.parametrize("name", ["rmvb", "vcd"])
def test_old_video_formats_play_in_the_app(qtbot, ws, name):
    info = queries.load_lesson(ws, rid_of(ws, name))
    assert info.kind == "video" and info.duration and info.thumbnail_path
    assert_lesson_plays(qtbot, ws, name)


def test_pal_4x3_plays_4x3_offscreen(qtbot, ws):
    player_view = PlayerView()
    qtbot.addWidget(player_view)
    try:
        assert player_view.open_lesson(ws, queries.load_lesson(ws, rid_of(ws, "pal")))
        widget = player_view.player.video_widget()
        qtbot.waitUntil(lambda: widget.current_frame() is not None, timeout=20_000)
        frame = widget.current_frame()
        assert (frame.width(), frame.height()) == (768, 576)  # 720×576 with 16:15 pixels
        w, h = white_box(frame)
        assert abs(w - h) <= 6, (w, h)  # the square is square (1.25:1 would make it 281×300)
        frame.save(str(ARTIFACTS / "courseware-pal-4x3-offscreen.png"))
    finally:
        player_view.shutdown()


def test_subtitles_already_published_in_gbk_are_converted_before_libvlc(qtbot, ws):
    # a repository published before this change: the GBK bytes are in the store as they were
    sub = next(f for f in ws.catalogue.resource(rid_of(ws, "gbk")).files if f.role == "subtitle")
    gbk = ws.store.path_of(sub.sha256)
    old_bytes = gbk.read_bytes()
    text = old_bytes.decode("utf-8")
    os.chmod(gbk, 0o644)
    gbk.write_bytes(text.encode("gbk"))
    converted = playable_subtitle(gbk)
    assert converted == ws.paths.root / CACHE_FOLDER / f"{sub.sha256}.utf8"
    assert converted.read_bytes().decode("utf-8") == text
    assert playable_subtitle(gbk) == converted  # cached
    utf8 = next(f for f in ws.catalogue.resource(rid_of(ws, "utf8")).files if f.role == "subtitle")
    assert playable_subtitle(ws.store.path_of(utf8.sha256)) == ws.store.path_of(utf8.sha256)
    gbk.write_bytes(old_bytes)  # the GBK lesson's blob only: the UTF-8 lesson has its own


def test_a_binary_subtitle_does_not_stop_the_lesson(qtbot, ws):
    sub = next(f for f in ws.catalogue.resource(rid_of(ws, "rmvb")).files if f.role == "subtitle")
    path = ws.store.path_of(sub.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(bytes(range(256)) * 40)  # a binary file where the .srt was
    assert playable_subtitle(path) == path  # left alone, the reason logged
    assert_lesson_plays(qtbot, ws, "rmvb")


def _forget_pdf(ws, res: Resource) -> None:
    pdf = next(f for f in res.files if f.role == "attachment")
    ws.store.path_of(pdf.sha256).unlink()


def _stand_in_xdg_open(folder: Path, exit_code: int, log: Path) -> Path:
    folder.mkdir(exist_ok=True)
    script = folder / "xdg-open"
    script.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexit {exit_code}\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def _red_pixels(image, step: int = 3) -> int:
    """Pixels of the slides' red text (#c00000)."""
    count = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = QColor(image.pixel(x, y))
            count += c.red() > 150 and c.green() < 90 and c.blue() < 90
    return count



def test_an_rmvb_published_as_other_before_goes_to_the_player(qtbot, ws):
    rid = rid_of(ws, "rmvb")
    with ws.catalogue.write_lock, ws.catalogue.db.conn:
        ws.catalogue.db.execute("UPDATE resources SET kind = 'other' WHERE id = ?", [rid])  # an old publish
    info = queries.load_lesson(ws, rid)
    assert info.kind == "other" and not opens_in_document_view(info)
    panel = LessonPanel()
    qtbot.addWidget(panel)
    panel.show_lesson(info)
    assert panel.play_button.text() == "▶  播放" and panel.play_button.isEnabled()
    assert_lesson_plays(qtbot, ws, "rmvb")
    swf = queries.load_lesson(ws, rid_of(ws, "swf"))
    assert opens_in_document_view(swf)  # Flash is not media: the document view says why
