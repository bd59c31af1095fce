"""Search as you type: debounce the box, search off the GUI thread, keep only the latest answer.

The grade / subject filters of the library pane (:meth:`SearchController.set_filters`) narrow
every search; with the box empty they list the lessons of the chosen grade and subject.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLineEdit

from teachpoint.library.search import MAX_QUERY_CHARS
from teachpoint.ui import queries
from teachpoint.ui.tasks import Task, TaskManager
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
RESULT_LIMIT = 50


class SearchController(QObject):
    """Watches a line edit; emits :attr:`results_ready` (query, rows) or :attr:`cleared`.

    Typing restarts a short timer; when it fires the query runs in the task pool. An answer that
    arrives after the text changed again is dropped, so results never jump back to an old query.
    """

    results_ready = Signal(str, list)
    cleared = Signal()
    failed = Signal(str, object)

    def __init__(self, box: QLineEdit, tasks: TaskManager, workspace: Callable[[], Workspace | None],
                 parent: QObject | None = None, debounce_ms: int = DEBOUNCE_MS):
        super().__init__(parent)
        self.box, self.tasks, self._workspace = box, tasks, workspace
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(self.run_now)
        self._generation = 0
        self._task: Task | None = None
        self.last_query = ""
        self._running: tuple = ()
        self.grade: int | None = None
        self.subject: str | None = None
        box.textChanged.connect(self._text_changed)

    @property
    def query(self) -> str:
        return self.box.text().strip()

    @property
    def filtered(self) -> bool:
        return self.grade is not None or self.subject is not None

    @property
    def truncated(self) -> bool:
        """The text is longer than a search reads (only its start is searched for)."""
        return len(self.query) > MAX_QUERY_CHARS

    def set_filters(self, grade: int | None, subject: str | None) -> None:
        """Narrow searches to a grade and/or subject (None: any) and search again at once."""
        if (grade, subject) == (self.grade, self.subject):
            return
        self.grade, self.subject = grade, subject
        self._text_changed(self.box.text())
        if self.query or self.filtered:
            self.run_now()

    def _text_changed(self, _text: str) -> None:
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if not self.query and not self.filtered:
            self.timer.stop()
            self.last_query = ""
            self.cleared.emit()
            return
        self.timer.start()

    def run_now(self) -> None:
        """Search for the box's text at once (the timer calls this; so does Enter)."""
        self.timer.stop()
        query, ws = self.query, self._workspace()
        if (not query and not self.filtered) or ws is None:
            return
        generation = self._generation
        key = (query, self.grade, self.subject)
        if self._task is not None and not self._task.finished and key == self._running:
            return  # the same query is already running
        self.last_query, self._running = query, key
        grade, subject = self.grade, self.subject

        def done(rows: list) -> None:
            if generation != self._generation:
                return  # the teacher kept typing: a newer query is coming
            self._task = None
            self.results_ready.emit(query, rows)

        def error(exc: BaseException) -> None:
            if generation == self._generation:
                self._task = None
                log.warning("search for %r failed: %s", query, exc)
                self.failed.emit(query, exc)

        self._task = self.tasks.run(lambda: queries.run_search(ws, query, RESULT_LIMIT, grade, subject),
                                    on_done=done, on_error=error, name="search")
