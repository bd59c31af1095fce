"""The strip above the 全部课程 page: ＋ 添加本校课程 and 本校课程 (issue 15).

A teacher looks for their own lessons where the lessons are, so both live on the 全部课程 page:
＋ 添加本校课程 opens :class:`~teachpoint.ui.contribute_dialog.ContributeDialog`, 本校课程 opens
the list with each lesson's review state (:class:`~teachpoint.ui.own_lessons_dialog.OwnLessonsDialog`).
``lesson_added(resource id)`` when a lesson was added (the window refreshes the library and shows
it), ``show_requested(resource id)`` for 在课程里看, ``library_changed`` after a removal.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from teachpoint.ui.contribute_dialog import ContributeDialog
from teachpoint.ui.own_lessons_dialog import OwnLessonsDialog
from teachpoint.ui.tasks import TaskManager


class OwnLessonsBar(QWidget):
    """Two buttons; ``workspace()`` gives the open workspace (None before it is open)."""

    lesson_added = Signal(str)
    show_requested = Signal(str)
    library_changed = Signal()

    def __init__(self, tasks: TaskManager, workspace: Callable[[], object | None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("OwnLessonsBar")
        self.tasks, self.workspace = tasks, workspace
        self.dialog: ContributeDialog | None = None
        self.list_dialog: OwnLessonsDialog | None = None
        self.add_button = QPushButton()
        self.list_button = QPushButton()
        for button, slot in ((self.add_button, self.open_add), (self.list_button, self.open_list)):
            button.setObjectName("UsbActionButton")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, s=slot: s())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.add_button)
        layout.addWidget(self.list_button)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("＋  Add a lesson of this school"))
        self.list_button.setText(self.tr("Lessons of this school"))
        self.add_button.setToolTip(self.tr("Add a video, PDF, slides or pictures a teacher of this "
                                           "school made; the county reviews it for every school."))

    def open_add(self) -> ContributeDialog | None:
        """添加本校课程 (non-modal: the window stays usable)."""
        ws = self.workspace()
        if ws is None:
            return None
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = ContributeDialog(self.tasks, ws, self.window())
        self.dialog.added.connect(self._added)
        self.dialog.show()
        return self.dialog

    def open_list(self) -> OwnLessonsDialog | None:
        """本校课程: the list with each lesson's review state."""
        ws = self.workspace()
        if ws is None:
            return None
        if self.list_dialog is not None and self.list_dialog.isVisible():
            self.list_dialog.reload()
            self.list_dialog.raise_()
            return self.list_dialog
        self.list_dialog = OwnLessonsDialog(self.tasks, ws, self.window())
        self.list_dialog.add_requested.connect(self.open_add)
        self.list_dialog.show_requested.connect(self.show_requested)
        self.list_dialog.library_changed.connect(self.library_changed)
        self.list_dialog.show()
        return self.list_dialog

    def _added(self, contribution) -> None:
        if self.list_dialog is not None and self.list_dialog.isVisible():
            self.list_dialog.reload()
        if contribution.resource_ids:
            self.lesson_added.emit(contribution.resource_ids[0])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
