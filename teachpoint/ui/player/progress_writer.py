"""The player's writes to the catalogue (plays, positions, bookmarks), off the GUI thread and in order.

Every write goes through the one :class:`~teachpoint.ui.tasks.TaskManager`, but the player's writes
must land in the order they were made: a periodic position save queued before "finished" must not
overwrite it. So :class:`ProgressWriter` keeps a queue and at most one task in flight; that task
drains the queue in order (jobs queued while it runs are taken by the same task). Each job may have
an ``on_done(result)`` / ``on_error(exc)`` that is called on the GUI thread afterwards. A failed
write (a full disk) is logged and handed to ``on_error``; it never stops playing.

At exit the window calls ``TaskManager.wait``, which lets the draining task finish every queued job.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from teachpoint.ui.tasks import TaskManager

log = logging.getLogger(__name__)


class ProgressWriter(QObject):
    """Runs the player's catalogue writes one after another on the task helper."""

    failed = Signal(object)  # an exception of a job without its own on_error (e.g. disk full)

    def __init__(self, tasks: TaskManager, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self._jobs: deque[tuple[Callable[[], Any], Callable | None, Callable | None]] = deque()
        self._lock = threading.Lock()  # guards _jobs and _draining (never held around SQLite)
        self._draining = False

    def submit(self, job: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        """Queue ``job`` (runs in a worker after every job queued before it)."""
        with self._lock:
            self._jobs.append((job, on_done, on_error))
            if self._draining:
                return
            self._draining = True
        self.tasks.run(self._drain, on_done=self._deliver, on_error=self._drain_failed,
                       name="player-writes")

    @property
    def busy(self) -> bool:
        """True while some queued write has not been done yet."""
        with self._lock:
            return self._draining

    def _drain(self) -> list[tuple[Callable | None, Callable | None, Any, BaseException | None]]:
        """Worker: run queued jobs in order until the queue is empty; return their outcomes."""
        outcomes = []
        while True:
            with self._lock:
                if not self._jobs:
                    self._draining = False
                    return outcomes
                job, on_done, on_error = self._jobs.popleft()
            try:
                outcomes.append((on_done, on_error, job(), None))
            except Exception as exc:  # noqa: BLE001 - reported on the GUI thread
                log.warning("a player write failed: %s", exc)
                outcomes.append((on_done, on_error, None, exc))

    def _deliver(self, outcomes) -> None:
        """GUI thread: hand each job's result or error to its callback."""
        for on_done, on_error, result, exc in outcomes:
            if exc is None:
                if on_done is not None:
                    on_done(result)
            elif on_error is not None:
                on_error(exc)
            else:
                self.failed.emit(exc)

    def _drain_failed(self, exc: BaseException) -> None:
        with self._lock:
            self._draining = False
        log.error("player writes stopped: %s", exc)
        self.failed.emit(exc)
