"""PDFs and pictures inside the app; office documents as the PDF published with them; other files
(and office documents published without a PDF) in the PC's own program.

:class:`DocumentView` is a page like the player's: a dark bar with "← Back", the title, page
buttons, a zoom choice, 打印 (print) and 全屏 (full screen, for the projector: F5 or F11, Esc
leaves), then the document. PDFs use QtPdf (QPdfDocument + QPdfView, one page at a time, fitted to
the width or the whole page); pictures are drawn scaled to fit. A file that will not open
(damaged PDF, garbage picture), Flash, or a file no program on the PC takes gives one plain
sentence, never a crash and never a claim that it opened.

Which file to show and the worker-side reading live in :mod:`teachpoint.ui.document_files`;
printing in :mod:`teachpoint.ui.document_print`. Reading and decoding run in the
:class:`TaskManager`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRect, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from teachpoint.ui.document_files import (  # noqa: F401 - re-exported for callers and tests
    EXTERNAL, FLASH, IMAGE, OPEN_FOLDER, PDF, Prepared, external_copy, is_media, prepare, read_image,
    shown_file, sniff)
from teachpoint.ui.document_print import print_pdf
from teachpoint.ui.player.screens import FullScreenPlacer
from teachpoint.ui.queries import LessonInfo
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

DOCUMENT_KINDS = ("document", "image", "slides", "other")  # resource kinds shown here, not played


def opens_in_document_view(info: LessonInfo) -> bool:
    """True for lessons the main window should hand to :class:`DocumentView` (not the player).

    A lesson published as ``other`` before the publisher looked at content (an RMVB, a VCD
    ``.DAT``) goes to the player when its first bytes say it is video or sound.
    """
    if info.kind == "other" and info.main_path is not None and is_media(info.main_path):
        return False
    return info.kind in DOCUMENT_KINDS


def open_externally(path: Path | str) -> bool:
    """Open ``path`` with the PC's program through Qt (GUI thread); False if none would take it."""
    ok = QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    log.info("opened %s with the system's program: %s", path, ok)
    return bool(ok)


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
        self.print_button = QPushButton()
        self.fullscreen_button = QPushButton()
        self.fullscreen_button.setCheckable(True)
        self._placer = FullScreenPlacer()
        self._fit_before = False  # the zoom choice before full screen, given back after it
        hl = QHBoxLayout(bar)
        hl.setContentsMargins(12, 8, 12, 8)
        hl.addWidget(self.back_button)
        hl.addSpacing(12)
        hl.addWidget(self.title, 1)
        for w in (self.prev_button, self.page_label, self.next_button, self.fit_button, self.print_button,
                  self.fullscreen_button, self.open_again):
            hl.addWidget(w)
        for b in (self.back_button, self.prev_button, self.next_button, self.fit_button, self.open_again,
                  self.print_button, self.fullscreen_button):
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
        self.print_button.clicked.connect(lambda: self.ask_to_print())
        self.fullscreen_button.clicked.connect(lambda on: self.set_fullscreen(on))
        self.pdf_view.pageNavigator().currentPageChanged.connect(lambda _p: self._update_bar())
        for key, slot in ((Qt.Key.Key_PageDown, lambda: self.turn_page(1)),
                          (Qt.Key.Key_PageUp, lambda: self.turn_page(-1)),
                          (Qt.Key.Key_Right, lambda: self.turn_page(1)),
                          (Qt.Key.Key_Left, lambda: self.turn_page(-1)),
                          (Qt.Key.Key_F5, lambda: self.set_fullscreen(not self.is_fullscreen())),
                          (Qt.Key.Key_F11, lambda: self.set_fullscreen(not self.is_fullscreen())),
                          (Qt.Key.Key_Escape, lambda: self.set_fullscreen(False))):
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
        self.print_button.setText(self.tr("Print"))
        self.print_button.setToolTip(self.tr("Print this document (for example a worksheet)"))
        self._update_fullscreen_text()
        self.fullscreen_button.setToolTip(self.tr("Show the page on the whole screen (F5 or F11; Esc leaves)"))
        self._update_bar()

    # ---- opening ----------------------------------------------------------------------------

    def open_lesson(self, ws: Workspace, info: LessonInfo) -> None:
        """Show the lesson's main file (or hand it to the PC's program)."""
        self.title.setText(info.title)
        if info.main_path is None:
            self._show_message(self.tr("This lesson's file is not on this computer yet, or it is "
                                       "damaged. Please download it again."), "not in the store")
            return

        def work() -> Prepared:
            path, name = shown_file(ws, info)  # an office document: the PDF published with it
            return prepare(path, info.kind, name)

        self._start(work)

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
        elif prepared.kind == FLASH:
            self._show_message(self.tr("This is Flash courseware. Flash has been switched off "
                                       "everywhere since 2021, so no program on this computer can "
                                       "play it; please ask the school's IT teacher for this lesson as a "
                                       "video."), "Flash (.swf) is not played")
        else:
            self._show_external(prepared)

    def _show_external(self, prepared: Prepared) -> None:
        """Say honestly whether the PC's program took the file (xdg-open's answer, else Qt's)."""
        opened = prepared.opened if prepared.opened is not None else open_externally(prepared.path)
        if opened:
            self.external_path = prepared.path
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
        self.set_fullscreen(False)
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

    # ---- printing and full screen -------------------------------------------------------------

    def ask_to_print(self) -> None:
        """Qt's print dialog for the PDF on screen; prints the pages the teacher chose."""
        if self.state != PDF:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title.text())
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.pdf.pageCount())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print the PDF on screen to ``printer``; returns the number of pages printed."""
        return print_pdf(self.pdf, printer) if self.state == PDF else 0

    def is_fullscreen(self) -> bool:
        return self.window().isFullScreen()

    def set_fullscreen(self, on: bool) -> None:
        """The document on the whole screen (the projector) or back in the window."""
        window = self.window()
        if on and not window.isFullScreen() and self.state in (PDF, IMAGE):
            self._fit_before = self.fit_button.isChecked()
            self.fit_button.setChecked(True)  # a whole slide or page on the projector
            self._placer.enter(window, None)
        elif not on and window.isFullScreen():
            self._placer.leave(window)
            self.fit_button.setChecked(self._fit_before)
        self.fullscreen_button.setChecked(window.isFullScreen())
        self._update_fullscreen_text()

    def _update_fullscreen_text(self) -> None:
        self.fullscreen_button.setText(self.tr("Leave full screen") if self.fullscreen_button.isChecked()
                                       else self.tr("Full screen"))

    def _update_bar(self) -> None:
        is_pdf = self.state == PDF
        for w in (self.prev_button, self.page_label, self.next_button, self.fit_button, self.print_button):
            w.setVisible(is_pdf)
        self.fullscreen_button.setVisible(self.state in (PDF, IMAGE))
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
