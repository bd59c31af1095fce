"""The settings page (设置): every setting a teacher or the IT staff may change, in one scrolling page.

Sections, top to bottom: first what a teacher looks for — display (language, large text), storage,
download in advance (subscriptions) — then, under a heading saying the school's IT teacher sets
them, the PIN (管理密码), lesson sources, trusted publishers, download speed limit, satellite
receiving folder, diagnostics. While a PIN is set and not entered, the four sections it guards
(:data:`~teachpoint.library.settings.IT_LOCKED_SECTIONS`) are hidden; leaving the page locks them. Tab follows the same order (the sections are created in page order). Each section
reads and writes through the :class:`~teachpoint.ui.tasks.TaskManager` and checks input with the
same core functions the command line uses; settings the site configuration locks are shown but
cannot be changed. See :mod:`teachpoint.ui.settings` for the sections.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from teachpoint.ui.settings.bandwidth import BandwidthSection
from teachpoint.ui.settings.common import SettingsSection
from teachpoint.ui.settings.diagnose import DiagnoseSection
from teachpoint.ui.settings.display import DisplaySection
from teachpoint.ui.settings.inbox import InboxSection
from teachpoint.ui.settings.it_lock import ItLockSection
from teachpoint.ui.settings.sources import SourcesSection
from teachpoint.ui.settings.storage import StorageSection
from teachpoint.ui.settings.subscriptions import SubscriptionsSection
from teachpoint.ui.settings.trust import TrustSection
from teachpoint.ui.tasks import TaskManager

log = logging.getLogger(__name__)


class SettingsPage(QWidget):
    """The 设置 page. Call :meth:`set_workspace` once the workspace is open, :meth:`refresh`
    when the page is shown again (sync status and disk numbers change)."""

    #: a source was added or removed (the sync controller starts a round, so downloads begin)
    sources_changed = Signal()
    #: one of :data:`teachpoint.workspace.LOCKABLE` was changed here ("bandwidth", "trust" …)
    setting_changed = Signal(str)
    #: the 返回 button was pressed
    back_requested = Signal()

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SettingsPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.tasks = tasks
        self.ws = None
        self.title = QLabel()
        self.title.setObjectName("SettingsTitle")
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back_requested)
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.title, 1)

        # created in page order, so Tab goes down the page in the order it is read
        self.display = DisplaySection(tasks)
        self.storage = StorageSection(tasks)
        self.subscriptions = SubscriptionsSection(tasks)
        self.it_heading = QLabel()
        self.it_heading.setObjectName("SettingsGroupHeading")
        self.it_heading.setWordWrap(True)
        self.it_lock = ItLockSection(tasks)
        self.sources = SourcesSection(tasks)
        self.trust = TrustSection(tasks)
        self.bandwidth = BandwidthSection(tasks)
        self.inbox = InboxSection(tasks)
        self.diagnose = DiagnoseSection(tasks)
        content = QWidget()
        content.setObjectName("SettingsContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(14)
        for section in self.sections():
            if section is self.it_lock:
                column.addSpacing(10)
                column.addWidget(self.it_heading)
            column.addWidget(section)
            section.changed.connect(self._section_changed)
        column.addStretch(1)
        self.it_lock.unlocked_changed.connect(self._show_guarded)
        self._show_guarded(False)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(header)
        layout.addWidget(self.scroll, 1)
        self.retranslate()

    def sections(self) -> list[SettingsSection]:
        """The sections in page (and Tab) order: the teacher's first, then the IT staff's."""
        return [self.display, self.storage, self.subscriptions, self.it_lock,
                self.sources, self.trust, self.bandwidth, self.inbox, self.diagnose]

    def it_sections(self) -> list[SettingsSection]:
        """The sections under "set by the school's IT teacher" (after the PIN)."""
        return self.sections()[self.sections().index(self.sources):]

    def guarded_sections(self) -> list[SettingsSection]:
        """The sections the PIN guards: sources, trust, bandwidth, inbox."""
        return [self.sources, self.trust, self.bandwidth, self.inbox]

    def _show_guarded(self, unlocked: bool) -> None:
        for section in self.guarded_sections():
            section.setVisible(unlocked)

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the page locks the IT part again (the next teacher needs the PIN too)."""
        if not event.spontaneous():
            self.it_lock.lock()
        super().hideEvent(event)

    def set_workspace(self, ws) -> None:
        """Show the settings of ``ws`` (each section reads its part in a worker)."""
        self.ws = ws
        for section in self.sections():
            section.set_workspace(ws)

    def refresh(self) -> None:
        """Read everything again (last sync results, disk space); messages from an earlier visit
        ("已添加 …") are cleared, so the page shows only what is true now."""
        if self.ws is not None:
            for section in self.sections():
                section.clear_messages()
                section.load()

    def _section_changed(self, name: str) -> None:
        log.info("setting changed in the settings page: %s", name)
        self.setting_changed.emit(name)
        if name == "sources":
            self.sources_changed.emit()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Settings"))
        self.back_button.setText(self.tr("← Back to lessons"))
        self.it_heading.setText(self.tr("Set up by the school's IT teacher"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
