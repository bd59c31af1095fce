"""PDFs and pictures shown inside the app (QtPdf, QImageReader); other files handed to the PC's
own program; damaged files give a plain message and the video lessons still play."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF, QObject, QRectF, Qt, Slot
from PySide6.QtGui import QColor, QDesktopServices, QFont, QPageSize, QPainter, QPdfWriter

from uihelpers import REPO, library_resources, rid, sha256_of
from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource
from teachpoint.paths import DataPaths
from teachpoint.ui import queries
from teachpoint.ui.document_view import (
    EXTERNAL,
    IMAGE,
    PDF,
    DocumentView,
    external_copy,
    opens_in_document_view,
    sniff,
)
from teachpoint.ui.player.base import PLAYING
from teachpoint.ui.player.player_window import PlayerView
from teachpoint.workspace import Workspace

PAGE_TEXTS = ["第一页：小雨沙沙", "第二页：春天在哪里", "第三页：生字表"]


def make_pdf(path: Path) -> Path:
    """A real three-page A4 PDF with large Chinese text, drawn by Qt's PDF writer."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15))
    writer.setResolution(72)
    painter = QPainter(writer)
    font = QFont("Noto Sans CJK SC")
    font.setPointSize(40)
    painter.setFont(font)
    for i, text in enumerate(PAGE_TEXTS):
        if i:
            writer.newPage()
        painter.fillRect(QRectF(0, 0, 480, 120), QColor("#1f6f43"))
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(0, 160, 500, 200), Qt.AlignmentFlag.AlignLeft, text)
    painter.end()
    return path


class UrlRecorder(QObject):
    """Stands in for the desktop's file opener (xdg-open would start a real program)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    @Slot("QUrl")
    def open(self, url) -> None:
        self.urls.append(url)


@pytest.fixture
def files(tmp_path, media):
    folder = tmp_path / "docs"
    folder.mkdir()
    pptx = folder / "春天.pptx"
    with zipfile.ZipFile(pptx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/slides/slide1.xml", "<slide>春天</slide>")
    return {
        "pdf": make_pdf(folder / "lesson.pdf"),
        "corrupt_pdf": _write(folder / "corrupt.pdf", b"%PDF-1.7\n" + b"\x00garbage\xff" * 300),
        "png": media["thumbnail"],
        "garbage_png": _write(folder / "garbage.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20),
        "pptx": pptx,
    }


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _doc(local, kind, title, path, media_type, lesson):
    return Resource(rid=local, kind=kind, title=title,
                    position=Position(3, "音乐", "人音版", "上册", "第二单元 春天", lesson),
                    files=(FileRef("main", sha256_of(path), path.stat().st_size, media_type, "",
                                   path.name),))


DOCS = [("d-pdf", "document", "歌词（PDF）", "pdf", "application/pdf", 10),
        ("d-corrupt", "document", "坏的PDF", "corrupt_pdf", "application/pdf", 11),
        ("d-png", "image", "春天的图片", "png", "image/png", 12),
        ("d-garbage", "image", "坏的图片", "garbage_png", "image/png", 13),
        ("d-pptx", "slides", "春天课件", "pptx",
         "application/vnd.openxmlformats-officedocument.presentationml.presentation", 14)]


@pytest.fixture
def doc_library(tmp_path, media, files):
    """The usual test lessons plus one lesson per document kind, all installed."""
    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    info = RepositoryInfo(REPO, "某某县教学资源", "k" * 16, 1, "r" * 64,
                          "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "test")
    docs = [_doc(local, kind, title, files[key], mt, n) for local, kind, title, key, mt, n in DOCS]
    ws.catalogue.apply_repository(info, library_resources(media) + docs, [])
    for path in [media[k] for k in ("video", "video2", "subtitle", "thumbnail")] + list(files.values()):
        ws.store.add_file(path)
        ws.catalogue.mark_blob_present(sha256_of(path), path.stat().st_size)
    yield ws
    ws.close()


@pytest.fixture
def view(qtbot, tasks):
    widget = DocumentView(tasks)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    return widget


@pytest.fixture
def url_recorder(monkeypatch):
    # Qt's opener stands in for the PC's program; xdg-open (read by its exit status when the
    # machine has it) is left out so the recorder sees every open
    monkeypatch.setattr("teachpoint.ui.document_files.open_with_xdg", lambda path, wait_s=0: None)
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")
    yield recorder
    QDesktopServices.unsetUrlHandler("file")


def _open(qtbot, view, ws, local):
    info = queries.load_lesson(ws, rid(local))
    assert opens_in_document_view(info) and info.main_path is not None
    with qtbot.waitSignal(view.shown, timeout=10_000) as shown:
        view.open_lesson(ws, info)
    return shown.args[0]


def assert_video_lesson_plays(qtbot, ws):
    """The installed video lesson still plays, through the real player."""
    player_view = PlayerView()
    qtbot.addWidget(player_view)
    try:
        assert player_view.open_lesson(ws, queries.load_lesson(ws, rid("m-3-2-4")))
        qtbot.waitUntil(lambda: player_view.player.state == PLAYING
                        and player_view.player.position_ms() > 500, timeout=15_000)
    finally:
        player_view.shutdown()


def dark_pixels(image, step: int = 6) -> int:
    return sum(1 for y in range(0, image.height(), step) for x in range(0, image.width(), step)
               if sum(image.pixelColor(x, y).getRgb()[:3]) < 200)


def test_sniff_tells_files_apart(files):
    assert sniff(files["pdf"]) == PDF
    assert sniff(files["corrupt_pdf"]) == PDF
    assert sniff(files["png"]) == IMAGE
    assert sniff(files["garbage_png"]) == IMAGE
    assert sniff(files["pptx"]) == EXTERNAL
    assert sniff(files["pptx"], kind_hint="image") == IMAGE


def test_pdf_lesson_shows_pages_turns_and_fits(qtbot, view, doc_library):
    assert _open(qtbot, view, doc_library, "d-pdf") == PDF
    assert view.title.text() == "歌词（PDF）"
    assert view.pdf.pageCount() == 3 and view.page == 0
    assert view.page_label.text() in ("Page 1 of 3", "第 1 / 3 页")
    assert not view.prev_button.isEnabled() and view.next_button.isEnabled()
    # the page really is drawn: green band and black Chinese text on white
    qtbot.waitUntil(lambda: dark_pixels(view.pdf_view.viewport().grab().toImage()) > 50, timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.page == 1
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.page == 2 and not view.next_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)  # stays on the last page
    assert view.page == 2
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert view.page == 1
    assert view.pdf.pageLabel(1) in ("2", "")
    # the PDF holds the Chinese text (the font maps some characters to CJK radicals: NFKC)
    assert "春天在哪里" in unicodedata.normalize("NFKC", view.pdf.getAllText(1).text())
    from PySide6.QtPdfWidgets import QPdfView

    assert view.pdf_view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    qtbot.mouseClick(view.fit_button, Qt.MouseButton.LeftButton)
    assert view.pdf_view.zoomMode() == QPdfView.ZoomMode.FitInView
    with qtbot.waitSignal(view.closed, timeout=2000):
        qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert view.pdf.pageCount() == 0  # closed


def test_image_lesson_is_drawn_scaled(qtbot, view, doc_library):
    assert _open(qtbot, view, doc_library, "d-png") == IMAGE
    image = view.image_view.image
    assert image.width() == 320 and image.height() == 180
    rect = view.image_view.target_rect()
    assert rect.width() == view.image_view.width()  # fills the width, 16:9 kept
    assert abs(rect.width() * 180 - rect.height() * 320) <= 320
    shot = view.image_view.grab().toImage()
    assert dark_pixels(shot) < (shot.width() // 6) * (shot.height() // 6)  # colourful test card
    assert view.prev_button.isHidden() and view.fit_button.isHidden()


@pytest.mark.parametrize("local", ["d-corrupt", "d-garbage"])
def test_damaged_pdf_or_picture_gives_a_message_and_videos_still_play(qtbot, view, doc_library, local):
    assert _open(qtbot, view, doc_library, local) == "message"
    assert view.message.text().startswith("这个文件打不开")  # zh_CN, the default language
    assert view.message.isVisible() and view.detail
    assert view.prev_button.isHidden()
    # the page still works: a good document opens next
    assert _open(qtbot, view, doc_library, "d-pdf") == PDF
    assert_video_lesson_plays(qtbot, doc_library)


def test_slides_open_in_the_pcs_program_under_their_own_name(qtbot, view, doc_library, url_recorder, tmp_path):
    assert _open(qtbot, view, doc_library, "d-pptx") == EXTERNAL
    assert len(url_recorder.urls) == 1
    opened = Path(url_recorder.urls[0].toLocalFile())
    assert opened.name == "春天.pptx" and zipfile.is_zipfile(opened)
    info = queries.load_lesson(doc_library, rid("d-pptx"))
    assert opened != info.main_path and info.main_path.exists()  # a copy: the store is untouched
    assert view.open_again.isVisible() and "春天.pptx" in view.message.text()
    qtbot.mouseClick(view.open_again, Qt.MouseButton.LeftButton)
    assert len(url_recorder.urls) == 2
    # copying twice reuses the copy; a hostile name cannot leave the folder
    again = external_copy(info.main_path, "../../etc/passwd", tmp_path / "open")
    assert again.parent.parent == tmp_path / "open" and again.name == "passwd"


def test_open_file_without_catalogue(qtbot, files):
    view = DocumentView()  # no TaskManager: read inline
    qtbot.addWidget(view)
    view.open_file(files["pdf"])
    assert view.state == PDF and view.title.text() == "lesson.pdf"
    view.open_file(files["garbage_png"])
    assert view.state == "message"
    missing = files["pdf"].with_name("missing.pdf")
    view.open_file(missing)  # gone since the list was made
    assert view.state == "message" and "missing.pdf" in view.detail


def test_video_kinds_do_not_open_here(doc_library):
    assert not opens_in_document_view(queries.load_lesson(doc_library, rid("m-3-2-4")))
