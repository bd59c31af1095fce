"""One class on the home page: its next lesson, where it sits, where it stopped, 播放 or 下载."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from teachpoint.library.home import worth_resuming
from teachpoint.library.model import STATE_DAMAGED, STATE_INSTALLED, STATE_NOT_DOWNLOADED
from teachpoint.ui.class_picker import display_grade
from teachpoint.ui.formatting import format_clock
from teachpoint.ui.home_queries import ClassCard
from teachpoint.ui.widgets import make_label

PLAYABLE_KINDS = ("video", "audio")


class ClassCardWidget(QFrame):
    """One class: 下一课：<title> (继续：<title> when partly watched), where it sits, where it
    stopped, 播放 or 下载."""

    play_requested = Signal(str)
    download_requested = Signal(str)

    def __init__(self, card: ClassCard, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("HomeCard")
        self.card = card
        self.download_asked = False  # 下载 was pressed: say it is coming
        self.downloads_blocked = False  # the disk is full: say why 下载 cannot work
        self.stalled = ""  # why the lesson asked for does not come ("" while trying)
        self.class_label = make_label("HomeCardClass")
        self.title = make_label("HomeCardTitle")
        self.where = make_label("LessonWhere")
        self.resume = make_label("HomeResume")
        self.warning = make_label("StateWarning")
        self.play_button = QPushButton()
        self.play_button.setObjectName("PlayButton")
        self.play_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.play_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.play_button.clicked.connect(self._play)
        self.download_button = QPushButton()
        self.download_button.setObjectName("HomeDownload")
        self.download_button.clicked.connect(self._download)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(6)
        for w in (self.class_label, self.title, self.where, self.resume, self.warning):
            layout.addWidget(w)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.download_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate()

    @property
    def resource_id(self) -> str | None:
        return self.card.next.resource_id if self.card.next else None

    def set_download_state(self, asked: bool, blocked: bool, stalled: str = "") -> None:
        self.download_asked, self.downloads_blocked, self.stalled = asked, blocked, stalled
        self.retranslate()

    def can_play(self) -> bool:
        nxt = self.card.next
        return nxt is not None and nxt.state == STATE_INSTALLED and nxt.kind in PLAYABLE_KINDS

    def retranslate(self) -> None:
        card, nxt = self.card, self.card.next
        cls = card.teaching_class
        grade = display_grade(cls.grade)
        self.class_label.setText("  ·  ".join(p for p in (grade, cls.subject, cls.edition) if p))
        self.play_button.setText(self.tr("▶  Play"))
        self.download_button.setText(self.tr("Download"))
        if nxt is None:
            self.title.setText(self.tr("No lessons for this class yet"))
            self.where.setText("")
            self.resume.setText("")
            self.warning.setText(
                self.tr("This program does not know the subject “{s}”. Please choose your "
                        "classes again.").format(s=cls.subject) if not card.subject_known else
                self.tr("They arrive with the next update (network or USB stick)."))
        else:
            self.title.setText(
                self.tr("Continue: {title}").format(title=nxt.title)
                if worth_resuming(nxt.position_ms, nxt.finished) else
                self.tr("Next lesson: {title}").format(title=nxt.title))
            book = " ".join(p for p in (nxt.edition, nxt.volume) if p)
            lesson = self.tr("Lesson {n}").format(n=nxt.lesson) if nxt.lesson else ""
            self.where.setText("  ·  ".join(p for p in (book, nxt.unit, lesson) if p))
            self.resume.setText(self._resume_text())
            self.warning.setText(self._warning_text())
        for w in (self.where, self.resume, self.warning):
            w.setVisible(bool(w.text()))
        wants_download = nxt is not None and nxt.state in (STATE_NOT_DOWNLOADED, STATE_DAMAGED)
        self.download_button.setVisible(wants_download and not self.downloads_blocked)  # why: above
        trying = self.download_asked and not self.stalled
        self.download_button.setEnabled(not trying)
        if trying:
            self.download_button.setText(self.tr("Downloading…"))
        self.play_button.setVisible(nxt is not None and not wants_download)
        self.play_button.setEnabled(self.can_play())

    def _resume_text(self) -> str:
        nxt = self.card.next
        if worth_resuming(nxt.position_ms, nxt.finished):  # not for a start of a few seconds
            return self.tr("Stopped at {t} last time; plays on from there.").format(
                t=format_clock(nxt.position_ms))
        if nxt.finished:
            return self.tr("Watched to the end before.")
        return ""

    def _warning_text(self) -> str:
        state = self.card.next.state
        if state not in (STATE_NOT_DOWNLOADED, STATE_DAMAGED):
            return ""
        if self.downloads_blocked:
            return self.tr("It cannot be downloaded now: the disk of this computer is full. "
                           "Please ask the school's IT teacher to free some space.")
        if self.download_asked and self.stalled:
            return self.stalled
        if state == STATE_DAMAGED:
            return (self.tr("The file is damaged; it is being downloaded again. It plays here "
                            "once it has arrived (see “Updates”).") if self.download_asked else
                    self.tr("The file of this lesson is damaged. Press “Download” to fetch it "
                            "again."))
        return (self.tr("Downloading; it plays here once it has arrived (see “Updates”).")
                if self.download_asked else
                self.tr("Not on this computer yet: press “Download”, or bring it on a USB stick."))

    def _play(self) -> None:
        if self.can_play():
            self.play_requested.emit(self.resource_id)

    def _download(self) -> None:
        if self.resource_id and not self.downloads_blocked:
            self.set_download_state(True, self.downloads_blocked)  # seen at once, on this card
            self.download_requested.emit(self.resource_id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
