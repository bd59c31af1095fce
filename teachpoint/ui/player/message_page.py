"""The page the player shows instead of a picture when a lesson cannot play: why, and the way on.

A plain sentence for the teacher (the technical detail is only the tooltip, for IT staff on the
phone), "back to the lessons", and — when a fresh copy could help — 重新下载 (download again).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from teachpoint.ui import queries
from teachpoint.ui.tasks import TaskManager
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)


class MessagePage(QWidget):
    """A message in the middle of the black player area, with its buttons."""

    back_clicked = Signal()
    redownload_clicked = Signal()
    redownload_requested = Signal(str)  # the lesson's resource id, once its file was re-checked

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PlayerMessagePage")
        self.message = QLabel()
        self.message.setObjectName("VideoMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.back = QPushButton()
        self.back.setObjectName("PlayButton")
        self.redownload = QPushButton()
        self.redownload.setObjectName("RedownloadButton")
        self.redownload.hide()
        for button in (self.back, self.redownload):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addStretch(1)
        layout.addWidget(self.message, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(20)
        layout.addWidget(self.redownload, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(12)
        layout.addWidget(self.back, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.back.clicked.connect(lambda: self.back_clicked.emit())
        self.redownload.clicked.connect(lambda: self.redownload_clicked.emit())
        self._asked = self._faulty = False
        self.resource_id: str | None = None  # the lesson 重新下载 is offered for
        self.retranslate()

    def retranslate(self) -> None:
        self.back.setText(self.tr("← Back to the lessons"))
        self.redownload.setToolTip(self.tr("Fetch a fresh copy of this lesson the next "
                                           "time the computer syncs (or from a USB stick)"))
        self._show_redownload_text()

    def show_text(self, text: str, detail: str | None) -> None:
        """Show ``text`` (``detail`` only as the tooltip); no 重新下载 until :meth:`offer_redownload`."""
        self.message.setText(text)
        self.message.setToolTip(detail or "")
        self.redownload.hide()
        self.resource_id = None

    def request_redownload(self, tasks: TaskManager, ws: Workspace) -> None:
        """重新下载: re-hash the stored file in a worker (a damaged one is set aside so sync
        fetches it again), then :attr:`redownload_requested`. If the copy is intact, the file
        itself is faulty and the teacher is told so."""
        rid = self.resource_id
        if rid is None:
            return
        log.info("re-download requested for %s", rid)
        self.redownload_asked("")
        tasks.run(lambda: queries.recheck_lesson_file(ws, rid),
                  on_done=lambda damaged: self._rechecked(rid, damaged),
                  on_error=lambda exc: self._rechecked(rid, None), name="recheck-lesson")

    def _rechecked(self, resource_id: str, damaged: bool | None) -> None:
        self.redownload_requested.emit(resource_id)
        if damaged is False and resource_id == self.resource_id:
            self.redownload_asked(self.tr(
                "The copy on this computer is exactly as it was sent, so the file itself is faulty. "
                "Please tell the school's IT teacher which lesson this is."))

    def offer_redownload(self, resource_id: str) -> None:
        self.resource_id = resource_id
        self._asked = self._faulty = False
        self.redownload.setEnabled(True)
        self._show_redownload_text()
        self.redownload.show()

    def redownload_asked(self, note: str) -> None:
        """The fresh copy was asked for: the button says so and cannot be pressed twice; a
        ``note`` (the stored copy is intact) is added to the message."""
        self._asked, self._faulty = True, bool(note)
        self.redownload.setEnabled(False)
        self._show_redownload_text()
        if note:
            self.message.setText(self.message.text() + "\n\n" + note)

    def _show_redownload_text(self) -> None:
        if self._faulty:  # the stored copy is intact: a fresh copy of the same file would not help
            self.redownload.setText(self.tr("Checked"))
        else:
            self.redownload.setText(self.tr("Asked to download it again") if self._asked
                                    else self.tr("Download this lesson again"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
