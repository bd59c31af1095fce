"""The right-hand panel: what the selected lesson is, and a big 播放 button."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from teachpoint.library.model import STATE_DAMAGED, STATE_NOT_DOWNLOADED
from teachpoint.ui.document_view import DOCUMENT_KINDS, opens_in_document_view
from teachpoint.ui.formatting import format_clock, format_duration
from teachpoint.ui.own_mark_label import OwnMarkLabel
from teachpoint.ui.queries import LessonInfo
from teachpoint.ui.widgets import make_label

log = logging.getLogger(__name__)

PLAYABLE_KINDS = ("video", "audio")
OPENABLE_KINDS = PLAYABLE_KINDS + DOCUMENT_KINDS  # documents and pictures open in the app
THUMB_WIDTH = 360


class LessonPanel(QWidget):
    """Shows one :class:`LessonInfo`; emits :attr:`play_requested` with its resource id, or
    :attr:`download_requested` ("download now") for a lesson whose files are not here."""

    play_requested = Signal(str)
    download_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("LessonPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.info: LessonInfo | None = None

        self.hint = _label("Hint", wrap=True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail = QLabel()
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.title = _label("LessonTitle", wrap=True)
        self.where = _label("LessonWhere", wrap=True)
        self.own = OwnMarkLabel()  # 本校 and its review state, or another school's teacher
        self.facts = _label("LessonFacts", wrap=True)
        self.progress = _label("LessonProgress", wrap=True)
        self.warning = _label("StateWarning", wrap=True)
        self.description = _label("LessonDescription", wrap=True)
        self.play_button = QPushButton()
        self.play_button.setObjectName("PlayButton")
        self.play_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.play_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.play_button.clicked.connect(self._play_clicked)
        self.download_button = QPushButton()
        self.download_button.setObjectName("DownloadButton")
        self.download_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.download_button.clicked.connect(self._download_clicked)
        self._asked_download: set[str] = set()
        self.downloads_blocked = False  # the disk is too full to download (see DiskBanner)
        self.stalled = ""  # why lessons asked for do not come ("" while trying)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.thumbnail)
        layout.addWidget(self.title)
        layout.addWidget(self.where)
        layout.addWidget(self.own)
        layout.addWidget(self.facts)
        layout.addWidget(self.progress)
        layout.addWidget(self.warning)
        layout.addWidget(self.description)
        layout.addSpacing(12)
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.download_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.retranslate()
        self.show_empty()

    # ---- content ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.hint.setText(self.tr("Choose a lesson on the left,\nor type its name in the search box above."))
        if self.info is not None:
            self.show_lesson(self.info)

    def show_empty(self, message: str | None = None) -> None:
        """No lesson selected (or ``message`` instead of the usual hint)."""
        self.info = None
        if message:
            self.hint.setText(message)
        for w in self._detail_widgets():
            w.hide()
        self.hint.show()

    def show_lesson(self, info: LessonInfo) -> None:
        self.info = info
        self.hint.hide()
        self.title.setText(info.title)
        self.where.setText("  ·  ".join(info.breadcrumbs))
        self.own.show_mark(info.own)
        facts = []
        if info.lesson:
            facts.append(self.tr("Lesson {n}").format(n=info.lesson))
        if format_duration(info.duration):
            facts.append(self.tr("Length: {d}").format(d=format_duration(info.duration)))
        if info.subtitles:
            facts.append(self.tr("with subtitles"))
        self.facts.setText("  ·  ".join(facts))
        self.progress.setText(self._progress_text(info))
        self.description.setText(info.description)
        self.warning.setText(self._warning_text(info))
        self._show_thumbnail(info)
        for w in (self.title, self.where, self.facts, self.play_button):
            w.show()
        for w in (self.progress, self.warning, self.description):
            w.setVisible(bool(w.text()))
        self.play_button.setText(self.tr("Open") if opens_in_document_view(info)
                                 else self.tr("▶  Play"))  # an old RMVB listed as "other" plays
        self.play_button.setEnabled(self.can_play(info))
        missing = info.state in (STATE_NOT_DOWNLOADED, STATE_DAMAGED)
        self.download_button.setVisible(missing and not self.downloads_blocked)  # the warning says why
        asked = info.resource_id in self._asked_download
        trying = asked and not self.stalled
        self.download_button.setEnabled(missing and not trying and not self.downloads_blocked)
        self.download_button.setText(self.tr("Downloading first…") if trying
                                     else self.tr("Download now"))

    def set_download_state(self, state) -> None:
        """Lessons 下载 was pressed for on any page, whether the disk lets anything download, and
        why they do not come (a :class:`~teachpoint.ui.download_requests.DownloadState`)."""
        self._asked_download, self.downloads_blocked = set(state.asked), state.blocked
        self.stalled = state.stalled
        if self.info is not None:
            self.show_lesson(self.info)

    @staticmethod
    def can_play(info: LessonInfo) -> bool:
        """Installed and a kind the app opens itself (video, audio, document, picture)."""
        return info.playable and info.kind in OPENABLE_KINDS

    def _download_clicked(self) -> None:
        if self.info is not None and not self.downloads_blocked:
            self._asked_download.add(self.info.resource_id)
            self.download_requested.emit(self.info.resource_id)
            self.show_lesson(self.info)

    def _progress_text(self, info: LessonInfo) -> str:
        if info.finished and not info.position_ms:
            return self.tr("Watched to the end before.")
        if info.position_ms > 0:
            return self.tr("Last stopped at {t}; playing continues from there.").format(
                t=format_clock(info.position_ms))
        return ""

    def _warning_text(self, info: LessonInfo) -> str:
        asked = info.resource_id in self._asked_download
        if info.state in (STATE_NOT_DOWNLOADED, STATE_DAMAGED) and self.downloads_blocked:
            return self.tr("It cannot be downloaded now: the disk of this computer is full. "
                           "Please ask the school's IT teacher to free some space. The lessons "
                           "already here still play.")
        if info.state in (STATE_NOT_DOWNLOADED, STATE_DAMAGED) and asked and self.stalled:
            return self.stalled
        if info.state == STATE_NOT_DOWNLOADED:
            return (self.tr("Downloading; it plays here once it has arrived (see “Updates”).")
                    if asked else
                    self.tr("This lesson is not on this computer yet. It arrives with the next "
                            "update (network or USB stick); 'Download now' fetches it first."))
        if info.state == STATE_DAMAGED:
            return (self.tr("The file is damaged; it is being downloaded again. It plays here "
                            "once it has arrived (see “Updates”).") if asked else
                    self.tr("The file of this lesson is damaged, so it cannot be played. "
                            "'Download now' fetches it again."))
        if info.kind not in OPENABLE_KINDS:
            return self.tr("This kind of material opens with another program on this computer.")
        if not info.playable:
            return self.tr("The lesson file is missing from this computer.")
        return ""

    def _show_thumbnail(self, info: LessonInfo) -> None:
        pix = QPixmap(str(info.thumbnail_path)) if info.thumbnail_path else QPixmap()
        if pix.isNull():
            self.thumbnail.clear()
            self.thumbnail.hide()
            return
        self.thumbnail.setPixmap(pix.scaledToWidth(THUMB_WIDTH, Qt.TransformationMode.SmoothTransformation))
        self.thumbnail.show()

    def _detail_widgets(self) -> list[QWidget]:
        return [self.thumbnail, self.title, self.where, self.own, self.facts, self.progress, self.warning,
                self.description, self.play_button, self.download_button]

    def _play_clicked(self) -> None:
        if self.info is not None and self.can_play(self.info):
            self.play_requested.emit(self.info.resource_id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _label(name: str, wrap: bool = False) -> QLabel:
    return make_label(name, wrap=wrap)
