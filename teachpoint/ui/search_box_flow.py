"""What the top bar's search box does with the keyboard: typing goes to 全部课程, the best hit is
highlighted so 播放 is one click (or Enter) away, ↓ moves into the list, Ctrl+F comes back.

The searching itself (debounce, worker, latest answer) is :class:`SearchController`'s; this class
only connects the box, the controller and the library pane, and asks the window (by signal) to
show the library place or to play a lesson.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QWidget

from teachpoint.ui.lesson_panel import LessonPanel
from teachpoint.ui.library_pane import LibraryPane
from teachpoint.ui.search_controller import SearchController


class SearchBoxFlow(QObject):
    """The search box's keys and results; ``library_wanted()`` / ``play_requested(id)``."""

    library_wanted = Signal()
    play_requested = Signal(str)

    def __init__(self, box: QLineEdit, search: SearchController, pane: LibraryPane,
                 details: LessonPanel, window: QWidget):
        super().__init__(window)
        self.box, self.search, self.pane, self.details = box, search, pane, details
        self._play_first_result = False
        search.results_ready.connect(self._results_ready)
        search.cleared.connect(pane.show_tree)
        pane.filters_changed.connect(search.set_filters)
        box.textEdited.connect(lambda text: text.strip() and self.library_wanted.emit())
        box.returnPressed.connect(self._enter)
        box.installEventFilter(self)
        focus = QShortcut(QKeySequence("Ctrl+F"), window)
        focus.activated.connect(lambda: (box.setFocus(), box.selectAll()))

    def _results_ready(self, query: str, rows: list) -> None:
        """Show the hits with the best one highlighted (played at once after an early Enter)."""
        self.pane.show_results(query, rows)
        if not self.pane.select_first_result():
            self.details.show_empty()
        elif self._play_first_result:
            self.play_requested.emit(self.pane.current_result())
        self._play_first_result = False

    def _enter(self) -> None:
        """Enter in the box plays the highlighted result (searching first if still typing)."""
        current = self.pane.current_result()
        search = self.search
        if (current and self.pane.showing_results and not search.timer.isActive()
                and search.last_query == search.query):
            self.play_requested.emit(current)
        elif search.query:
            self.library_wanted.emit()
            self._play_first_result = True
            search.run_now()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        """↓ in the search box moves into the list, so the keyboard alone is enough."""
        if (watched is self.box and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self.library_wanted.emit()
            self.pane.focus_list()
            return True
        return super().eventFilter(watched, event)
