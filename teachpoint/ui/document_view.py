"""PDFs and pictures inside the app; other files (slides, Word…) in the PC's own program.

:class:`DocumentView` is a page like the player's: a dark bar with "← Back", the title, page
buttons and a zoom choice, then the document. PDFs use QtPdf (QPdfDocument + QPdfView, one page
at a time, fitted to the width or the whole page); pictures are drawn scaled to fit. A file that
will not open (damaged PDF, garbage picture) gives a plain message, never a crash.

Stored files carry no extension (the store names them by hash), so what a file is comes from
its first bytes (:func:`sniff`). Reading and decoding run in the :class:`TaskManager`; a file for
another program is first copied, under its original name, to a temporary folder (the program
knows the file by its extension, and must not change the stored copy).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRect, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QImageReader, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from teachpoint.ui.queries import LessonInfo
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

DOCUMENT_KINDS = ("document", "image", "slides", "other")  # resource kinds shown here, not played
PDF, IMAGE, EXTERNAL = "pdf", "image", "external"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
OPEN_FOLDER = "teachpoint-open"


def opens_in_document_view(info: LessonInfo) -> bool:
    """True for lessons the main window should hand to :class:`DocumentView` (not the player)."""
    return info.kind in DOCUMENT_KINDS


def sniff(path: Path, kind_hint: str = "") -> str:
    """:data:`PDF`, :data:`IMAGE` or :data:`EXTERNAL`, from the file's first bytes.

    A lesson of kind ``image`` is treated as a picture whatever its bytes (so a damaged picture
    gives the "cannot open" message rather than being handed to another program).
    """
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if kind_hint == "image" or head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return IMAGE
    if Path(path).suffix.lower() == ".pdf":
        return PDF  # a damaged PDF: QtPdf says so
    return EXTERNAL


def open_externally(path: Path | str) -> bool:
    """Open ``path`` with the PC's program for that kind of file; False if none would take it."""
    ok = QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    log.info("opened %s with the system's program: %s", path, ok)
    return bool(ok)


def external_copy(source: Path, name: str, folder: Path | None = None) -> Path:
    """A copy of ``source`` named ``name`` (its original file name) in a temporary folder."""
    safe = Path(name).name or source.name
    target_dir = (folder or Path(tempfile.gettempdir()) / OPEN_FOLDER) / source.name[:16]
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / safe
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)
    return target


def read_image(path: Path) -> QImage:
    """Decode a picture (turned the way the camera says); raises ValueError if it cannot."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise ValueError(f"not a picture Qt can read: {reader.errorString()}")
    return image


@dataclass
class Prepared:
    """What a worker found out about a file, for the GUI thread to show."""

    kind: str
    path: Path
    image: QImage | None = None


def prepare(path: Path, kind_hint: str = "", original_name: str = "") -> Prepared:
    """Worker side: decide how to show ``path``; decode a picture; copy a file for another program."""
    kind = sniff(path, kind_hint)
    if kind == IMAGE:
        return Prepared(IMAGE, path, read_image(path))
    if kind == EXTERNAL:
        return Prepared(EXTERNAL, external_copy(path, original_name or path.name))
    return Prepared(PDF, path)


class ImageCanvas(QWidget):
    """Draws one picture as large as fits, proportions kept, centred on a dark background."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image: QImage | None = None

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def target_rect(self) -> QRect:
        if self.image is None or self.image.isNull():
            return QRect()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect((self.width() - size.width()) // 2, (self.height() - size.height()) // 2,
                     size.width(), size.height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#3a3a3a"))
        if self.image is not None and not self.image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(self.target_rect(), self.image)
        painter.end()


class DocumentView(QWidget):
    """Shows one document lesson; emits :attr:`closed` when the teacher goes back.

    ``tasks`` (a :class:`~teachpoint.ui.tasks.TaskManager`) reads the file off the GUI thread;
    without it (small tools, tests of the widget alone) the reading happens inline.
    """

    closed = Signal()
    shown = Signal(str)  # PDF, IMAGE, EXTERNAL or "message", once the file is on screen

    def __init__(self, tasks=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("DocumentPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.tasks = tasks
        self.state = ""  # PDF, IMAGE, EXTERNAL, "message", "loading"
        self.external_path: Path | None = None
        self.detail = ""
        self._task = None
        self._request = 0

        bar = QWidget()
        bar.setObjectName("DocumentBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.back_button = QPushButton()
        self.title = QLabel()
        self.title.setObjectName("PlayerTitle")
        self.prev_button = QPushButton()
        self.page_label = QLabel()
        self.next_button = QPushButton()
        self.fit_button = QPushButton()
        self.fit_button.setCheckable(True)
        self.open_again = QPushButton()
        hl = QHBoxLayout(bar)
        hl.setContentsMargins(12, 8, 12, 8)
        hl.addWidget(self.back_button)
        hl.addSpacing(12)
        hl.addWidget(self.title, 1)
        for w in (self.prev_button, self.page_label, self.next_button, self.fit_button, self.open_again):
            hl.addWidget(w)
        for b in (self.back_button, self.prev_button, self.next_button, self.fit_button, self.open_again):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)

        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.SinglePage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.image_view = ImageCanvas()
        self.message = QLabel()
        self.message.setObjectName("DocumentMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message_page = QWidget()
        ml = QVBoxLayout(message_page)
        ml.addStretch(1)
        ml.addWidget(self.message, 0, Qt.AlignmentFlag.AlignCenter)
        ml.addStretch(1)
        self.stack = QStackedWidget()
        for w in (message_page, self.pdf_view, self.image_view):
            self.stack.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.stack, 1)

        self.back_button.clicked.connect(lambda: self.close_document())
        self.prev_button.clicked.connect(lambda: self.turn_page(-1))
        self.next_button.clicked.connect(lambda: self.turn_page(1))
        self.fit_button.toggled.connect(self._fit_toggled)
        self.open_again.clicked.connect(lambda: self._open_external_again())
        self.pdf_view.pageNavigator().currentPageChanged.connect(lambda _p: self._update_bar())
        for key, slot in ((Qt.Key.Key_PageDown, lambda: self.turn_page(1)),
                          (Qt.Key.Key_PageUp, lambda: self.turn_page(-1)),
                          (Qt.Key.Key_Right, lambda: self.turn_page(1)),
                          (Qt.Key.Key_Left, lambda: self.turn_page(-1))):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.retranslate()
        self._update_bar()

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("← Back to the lessons"))
        self.prev_button.setText(self.tr("Previous page"))
        self.prev_button.setToolTip(self.tr("Previous page (Page Up or ← key)"))
        self.next_button.setText(self.tr("Next page"))
        self.next_button.setToolTip(self.tr("Next page (Page Down or → key)"))
        self.fit_button.setText(self.tr("Whole page"))
        self.fit_button.setToolTip(self.tr("Show the whole page, or fit the page to the width"))
        self.open_again.setText(self.tr("Open again"))
        self.open_again.setToolTip(self.tr("Open the file again in the computer's own program"))
        self._update_bar()

    # ---- opening ----------------------------------------------------------------------------

    def open_lesson(self, ws: Workspace, info: LessonInfo) -> None:
        """Show the lesson's main file (or hand it to the PC's program)."""
        self.title.setText(info.title)
        if info.main_path is None:
            self._show_message(self.tr("This lesson's file is not on this computer yet, or it is "
                                       "damaged. Please download it again."), "not in the store")
            return
        catalogue = ws.catalogue

        def original_name() -> str:
            with catalogue.write_lock:
                res = catalogue.resource(info.resource_id)
            return res.main.name if res is not None and res.main is not None else ""

        self._start(lambda: prepare(info.main_path, info.kind, original_name()))

    def open_file(self, path: Path, title: str = "") -> None:
        """Show any file (no catalogue): by its first bytes."""
        self.title.setText(title or Path(path).name)
        self._start(lambda: prepare(Path(path), "", Path(path).name))

    def _start(self, work) -> None:
        self._clear()
        self.state = "loading"
        self._request += 1
        request = self._request
        if self.tasks is None:
            try:
                self._prepared(request, work())
            except Exception as exc:
                self._failed(request, exc)
            return
        self._task = self.tasks.run(lambda: work(), on_done=lambda r: self._prepared(request, r),
                                    on_error=lambda e: self._failed(request, e), name="open document")

    def _prepared(self, request: int, prepared: Prepared) -> None:
        if request != self._request:
            return  # the teacher has moved on
        if prepared.kind == IMAGE:
            self.image_view.set_image(prepared.image)
            self.stack.setCurrentWidget(self.image_view)
            self._shown(IMAGE)
        elif prepared.kind == PDF:
            self._show_pdf(prepared.path)
        else:
            self.external_path = prepared.path
            if open_externally(prepared.path):
                self._show_message(self.tr("“{name}” has been opened in another program on this "
                                           "computer.").format(name=prepared.path.name), "", EXTERNAL)
            else:
                self._show_message(self.tr("This computer has no program that can open "
                                           "“{name}”.").format(name=prepared.path.name), "no program")

    def _failed(self, request: int, exc) -> None:
        if request == self._request:
            self._show_message(self._cannot_open_text(), str(exc))

    def _show_pdf(self, path: Path) -> None:
        error = self.pdf.load(str(path))
        if error != QPdfDocument.Error.None_ or self.pdf.pageCount() < 1:
            self.pdf.close()
            self._show_message(self._cannot_open_text(), f"QtPdf: {error}")
            return
        self.stack.setCurrentWidget(self.pdf_view)
        self.pdf_view.pageNavigator().jump(0, QPointF(), 0)
        self._shown(PDF)

    def _cannot_open_text(self) -> str:
        return self.tr("This file cannot be opened.\nIt may be damaged. Please choose another "
                       "lesson, or download this one again.")

    def _show_message(self, text: str, detail: str, state: str = "message") -> None:
        self.detail = detail
        self.message.setText(text)
        self.message.setToolTip(detail)
        self.stack.setCurrentIndex(0)
        if detail:
            log.warning("document not shown: %s", detail)
        self._shown(state)

    def _shown(self, state: str) -> None:
        self.state = state
        self._update_bar()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.shown.emit(state)

    def _clear(self) -> None:
        self.pdf.close()
        self.image_view.set_image(None)
        self.external_path = None
        self.detail = ""

    def close_document(self, emit: bool = True) -> None:
        self._request += 1  # a file still being read is dropped
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._clear()
        self.state = ""
        if emit:
            self.closed.emit()

    # ---- pages and zoom ---------------------------------------------------------------------

    @property
    def page(self) -> int:
        return self.pdf_view.pageNavigator().currentPage()

    def turn_page(self, delta: int) -> None:
        if self.state != PDF:
            return
        target = max(0, min(self.pdf.pageCount() - 1, self.page + delta))
        if target != self.page:
            self.pdf_view.pageNavigator().jump(target, QPointF(), 0)
        self._update_bar()

    def _fit_toggled(self, whole_page: bool) -> None:
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView if whole_page else QPdfView.ZoomMode.FitToWidth)

    def _update_bar(self) -> None:
        is_pdf = self.state == PDF
        for w in (self.prev_button, self.page_label, self.next_button, self.fit_button):
            w.setVisible(is_pdf)
        self.open_again.setVisible(self.state == EXTERNAL)
        if is_pdf:
            count = self.pdf.pageCount()
            self.page_label.setText(self.tr("Page {n} of {count}").format(n=self.page + 1, count=count))
            self.prev_button.setEnabled(self.page > 0)
            self.next_button.setEnabled(self.page < count - 1)

    def _open_external_again(self) -> None:
        if self.external_path is not None:
            open_externally(self.external_path)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
