"""A red strip under the top bar when the disk is full: positions cannot be saved, or lessons
cannot be downloaded. Plain words for the teacher, the numbers and SQLite's words behind 技术详情.

It checks :func:`teachpoint.library.disk_health.check_disk` in a worker: with a real write when
the workspace opens, after each lesson (that is when positions are saved) and when asked; the
free space alone every minute. :attr:`DiskBanner.health_changed` lets the home cards and the
lesson details say why 下载 cannot work right where the button is.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from teachpoint.library.disk_health import DiskHealth, check_disk
from teachpoint.ui.details_toggle import DetailsToggle
from teachpoint.ui.formatting import format_size
from teachpoint.ui.tasks import TaskManager

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60_000


class DiskBanner(QWidget):
    """Hidden while the disk is fine; otherwise one plain sentence, 技术详情 and 再检查一次."""

    health_changed = Signal(object)  # DiskHealth
    checked = Signal()  # a check finished (tests)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("DiskBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#DiskBanner { background: #fdecea; border-bottom: 2px solid #c62828; }"
                           "#DiskBanner QLabel { color: #7f1d1d; }")
        self.tasks = tasks
        self.ws = None
        self.health: DiskHealth | None = None
        self._saving_failed = False  # a write failed once: keep probing with writes
        self.suppressed = False  # a lesson fills the screen: say it after the lesson
        self.text = QLabel()
        self.text.setObjectName("DiskBannerText")
        self.text.setWordWrap(True)
        self.details = DetailsToggle()
        self.again_button = QPushButton()
        self.again_button.clicked.connect(lambda: self.check(write_probe=True))
        column = QVBoxLayout()
        column.addWidget(self.text)
        column.addWidget(self.details.label)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.addLayout(column, 1)
        row.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.details, 0, Qt.AlignmentFlag.AlignTop)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.hide()
        self.retranslate()

    def set_workspace(self, ws) -> None:
        self.ws = ws
        self.timer.start()
        self.check(write_probe=True)

    def check(self, write_probe: bool = False) -> None:
        """Measure the disk (and try a real write) in a worker; show or hide the banner."""
        ws = self.ws
        if ws is None:
            return
        probe = write_probe or self._saving_failed
        self.tasks.run(lambda: check_disk(ws, write_probe=probe), on_done=self._checked,
                       on_error=lambda exc: log.warning("cannot check the disk: %s", exc),
                       name="disk-check")

    def _checked(self, health: DiskHealth) -> None:
        self._saving_failed = not health.can_save
        old = self.health
        changed = old is None or (old.can_save, old.downloads_blocked) != (
            health.can_save, health.downloads_blocked)
        self.health = health
        self.retranslate()
        self.setVisible(not health.ok and not self.suppressed)
        if changed:
            self.health_changed.emit(health)
        self.checked.emit()

    def set_suppressed(self, on: bool) -> None:
        """Keep out of the way while a lesson plays in front of the class."""
        self.suppressed = on
        self.setVisible(self.health is not None and not self.health.ok and not on)

    def retranslate(self) -> None:
        self.again_button.setText(self.tr("Check again"))
        h = self.health
        if h is None or h.ok:
            return
        if not h.can_save:
            self.text.setText(self.tr(
                "The disk of this computer is full: where each lesson stopped, bookmarks and "
                "classes cannot be saved now. Lessons still play. Please ask the school's IT "
                "teacher to free some disk space."))
        else:
            self.text.setText(self.tr(
                "There is not enough free disk space, so no lessons can be downloaded ({free} "
                "free, {floor} must stay free). The lessons already here still play. Please ask "
                "the school's IT teacher to free some disk space.").format(
                    free=format_size(h.free), floor=format_size(h.floor)))
        self.details.set_detail(f"free={h.free} floor={h.floor} can_save={h.can_save} {h.detail}".strip())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
