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
    """:class:`LibraryPane` and :class:`LessonPanel` side by side, neither collapsible; the
    school's own lessons bar (添加本校课程 / 本校课程) above the tree, in the tree's column."""

    def __init__(self, own_bar: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("LibraryPage")
        self.pane = LibraryPane()
        self.lesson_panel = LessonPanel()
        self.own_bar = own_bar
        left = QWidget()  # the bar above the filters: the tree's column can still shrink
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(own_bar)
        left_layout.addWidget(self.pane)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll_area(self.lesson_panel))
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 640])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.addWidget(self.splitter)
