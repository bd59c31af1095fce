"""The 全部课程 place: the curriculum tree (or search results) beside the chosen lesson's details.

The details scroll (a long description in 大字体 on a 768-line projector) rather than making the
window taller than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from teachpoint.ui.lesson_panel import LessonPanel
from teachpoint.ui.library_pane import LibraryPane
from teachpoint.ui.widgets import scroll_area


class LibraryPage(QWidget):
    """:class:`LibraryPane` and :class:`LessonPanel` side by side, neither collapsible."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("LibraryPage")
        self.pane = LibraryPane()
        self.lesson_panel = LessonPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.pane)
        self.splitter.addWidget(scroll_area(self.lesson_panel))
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 640])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.addWidget(self.splitter)
