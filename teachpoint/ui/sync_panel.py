"""The 同步 page: is this computer online, when did it last update, what is downloading now.

Everything here is drawn from the :class:`~teachpoint.ui.sync_controller.SyncState` snapshots the
controller emits; the two big buttons (立即同步, 暂停/继续) call the controller. Problems are shown
in plain words; the technical text for IT staff sits behind a 技术详情 toggle, selectable.
With no source configured the page explains that lessons come by USB stick, or that IT staff
can add a source in 设置.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea,
    QVBoxLayout, QWidget)

from teachpoint.ui.formatting import format_duration, format_size
from teachpoint.ui.reception_panel import ReceptionPanel
from teachpoint.ui.sync_controller import OFFLINE_STATE, ONLINE, SyncController, SyncState
from teachpoint.ui.sync_round import MAX_FILE_ROWS
from teachpoint.ui.widgets import make_label, set_bar_value

log = logging.getLogger(__name__)

CLOCK_REFRESH_MS = 30_000  # "3 分钟前" moves on even when nothing else happens


class _FileRow(QWidget):
    """One lesson in flight (all its files): title and size, and its own progress bar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("SyncFileTitle")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 2)
        layout.addWidget(self.bar, 3)


class SyncPanel(QWidget):
    """The sync page, driven by a :class:`SyncController`.

    The content scrolls (like the home and settings pages), and everything that only shows in
    some states starts hidden, so the page never makes the window taller than a small screen.
    """

    def __init__(self, controller: SyncController, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SyncPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.controller = controller
        self._stale = True  # a state arrived while the page was hidden

        self.title = _label("LessonTitle")
        self.status = _label("SyncStatus", wrap=True)
        self.note = _label("Hint", wrap=True)
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("PlayButton")
        self.sync_button.clicked.connect(controller.sync_now)
        self.pause_button = QPushButton()
        self.pause_button.setObjectName("SyncPauseButton")
        self.pause_button.clicked.connect(self._pause_clicked)
        self.overall = _label("SyncOverall", wrap=True)
        self.overall_bar = QProgressBar()
        self.overall_bar.setRange(0, 1000)
        self.overall_bar.setTextVisible(False)  # the line above says how much
        self.file_rows = [_FileRow() for _ in range(MAX_FILE_ROWS)]
        self.new_lessons = _label("SyncNewLessons")
        self.seen_button = QPushButton()
        self.seen_button.clicked.connect(controller.mark_seen)
        self.problems = _label("StateWarning", wrap=True)
        self.details_button = QPushButton()
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(lambda on: self.details.setVisible(on))
        self.details = QPlainTextEdit()
        self.details.setObjectName("SyncDetails")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.details.hide()
        self.no_source = _label("Hint", wrap=True)
        self.reception = ReceptionPanel(controller, self.ago)
        for widget in (self.note, self.no_source, self.overall, self.overall_bar, *self.file_rows,
                       self.new_lessons, self.seen_button, self.problems, self.details_button):
            widget.hide()  # shown by show_state when the state calls for them

        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.pause_button)
        buttons.addStretch(1)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_lessons)
        new_row.addWidget(self.seen_button)
        new_row.addStretch(1)
        details_row = QHBoxLayout()
        details_row.addWidget(self.details_button)
        details_row.addStretch(1)
        self.body = QWidget()
        self.body.setObjectName("SyncBody")
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.note)
        layout.addWidget(self.no_source)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(self.overall)
        layout.addWidget(self.overall_bar)
        for row in self.file_rows:
            layout.addWidget(row)
        layout.addLayout(new_row)
        layout.addWidget(self.reception)
        layout.addWidget(self.problems)
        layout.addLayout(details_row)
        layout.addWidget(self.details)
        layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        self.clock = QTimer(self)
        self.clock.setInterval(CLOCK_REFRESH_MS)
        self.clock.timeout.connect(lambda: self.show_state(self.controller.state))
        self.clock.start()
        controller.state_changed.connect(self.show_state)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Lesson updates"))
        self.sync_button.setText(self.tr("Sync now"))
        self.seen_button.setText(self.tr("OK, seen"))
        self.details_button.setText(self.tr("Technical details (for the school's IT teacher)"))
        self.no_source.setText(self.tr(
            "This computer has no update source yet. New lessons can come on a USB stick: plug it "
            "in and TeachPoint offers to copy them. If the school has a network connection, the school's "
            "IT teacher can add a source in Settings."))
        self.show_state(self.controller.state)

    # ---- drawing the state ------------------------------------------------------------------------

    def show_state(self, s: SyncState) -> None:
        """Draw one snapshot (connected to ``controller.state_changed``); deferred while hidden."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        now = datetime.now(timezone.utc)
        self.status.setText(self._status_text(s, now))
        if self.status.property("connection") != s.connection:
            self.status.setProperty("connection", s.connection)
            self.status.style().unpolish(self.status)
            self.status.style().polish(self.status)
        self.note.setText(self._note_text(s, now))
        self.note.setVisible(bool(self.note.text()))
        self.no_source.setVisible(s.has_sources is False and not s.running)
        self.pause_button.setText(self.tr("Resume") if s.paused else self.tr("Pause"))
        self.pause_button.setEnabled(bool(s.has_sources) or s.running or s.paused)
        self.sync_button.setEnabled(not s.running)
        downloading = s.running and s.bytes_total > 0
        self.overall.setText(self._overall_text(s))
        self.overall.setVisible(s.running)
        self.overall_bar.setVisible(downloading)
        if downloading:
            set_bar_value(self.overall_bar, int(1000 * s.fraction))
        for row, f in zip(self.file_rows, s.files + (None,) * MAX_FILE_ROWS):
            row.setVisible(f is not None and downloading)
            if f is not None:
                row.label.setText(self.tr("{title} · {size}").format(title=f.title, size=format_size(f.size)))
                set_bar_value(row.bar, int(1000 * f.done / f.size) if f.size else 1000)
        self.new_lessons.setText(self.tr("New lessons: {n}").format(n=s.new_lessons))
        self.new_lessons.setVisible(s.new_lessons > 0)
        self.seen_button.setVisible(s.new_lessons > 0)
        self.problems.setText("\n".join(s.problems))
        self.problems.setVisible(bool(s.problems))
        self.details_button.setVisible(bool(s.details))
        self.details.setVisible(bool(s.details) and self.details_button.isChecked())
        if self.details.toPlainText() != s.details:
            self.details.setPlainText(s.details)

    def _status_text(self, s: SyncState, now: datetime) -> str:
        if s.has_sources is False:
            return self.tr("No update source")
        if s.connection == ONLINE:
            where = self.tr("Online")
        elif s.connection == OFFLINE_STATE:
            where = self.tr("Offline")
        else:
            where = self.tr("Checking the connection…") if s.running else self.tr("Not checked yet")
        if s.last_synced:
            when = self.tr("last synced {when}").format(when=self.ago(s.last_synced, now))
        elif s.running:
            when = self.tr("first sync in progress")
        else:
            when = self.tr("never synced yet")
        return self.tr("● {where} · {when}").format(where=where, when=when)

    def _note_text(self, s: SyncState, now: datetime) -> str:
        if s.paused:
            return self.tr("Syncing is paused. What was already downloaded is kept; press Resume "
                           "to continue.")
        if s.service_busy:
            return self.tr("The background sync service is updating the lessons. This page "
                           "follows when it has finished.")
        if s.running or s.next_round_at is None or not s.has_sources:
            return ""
        seconds = max(0.0, (s.next_round_at - now).total_seconds())
        if s.connection == OFFLINE_STATE or s.problems:
            return self.tr("TeachPoint will try again in {t}.").format(t=self.later(seconds))
        return self.tr("Next check in {t}.").format(t=self.later(seconds))

    def _overall_text(self, s: SyncState) -> str:
        if not s.running:
            return ""
        if not s.bytes_total:
            return self.tr("Checking {source} for new lessons…").format(source=s.source) \
                if s.source else self.tr("Checking for new lessons…")
        text = self.tr("Downloading: {done} of {total} ({p}%)").format(
            done=format_size(s.bytes_done), total=format_size(s.bytes_total),
            p=s.percent)
        if s.speed_bps > 0:
            text += self.tr(" · {speed}/s").format(speed=format_size(int(s.speed_bps)))
        if s.eta_s is not None and s.speed_bps > 0:
            text += self.tr(" · about {t} left").format(t=self.later(s.eta_s))
        return text

    # ---- times in words -----------------------------------------------------------------------

    def ago(self, moment: datetime, now: datetime) -> str:
        """"刚刚", "3 分钟前", "2 小时前", "5 天前"."""
        seconds = (now - moment).total_seconds()
        if seconds < 60:
            return self.tr("just now")
        if seconds < 3600:
            return self.tr("{n} min ago").format(n=int(seconds // 60))
        if seconds < 86400:
            return self.tr("{n} h ago").format(n=int(seconds // 3600))
        return self.tr("{n} days ago").format(n=int(seconds // 86400))

    def later(self, seconds: float) -> str:
        """A wait or a remaining time in words: "不到 1 分钟", "3分20秒", "2 小时"."""
        if seconds < 1:
            return self.tr("a moment")
        if seconds >= 3600:
            return self.tr("{n} h").format(n=round(seconds / 3600, 1))
        return format_duration(seconds)

    # ---- buttons ------------------------------------------------------------------------------

    def _pause_clicked(self) -> None:
        if self.controller.state.paused:
            self.controller.resume()
        else:
            self.controller.pause()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.show_state(self.controller.state)
        super().showEvent(event)
        self.reception.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _label(name: str, wrap: bool = False) -> QLabel:
    return make_label(name, wrap=wrap, selectable=True)
