"""The one background-task helper of the UI (in the spirit of Anki's ``aqt/taskman.py``).

Work runs on a :class:`QThreadPool`; its result, its error and its progress reports come back to the
GUI thread by Qt signal (queued across threads), so callbacks may touch widgets and workers never
do. Usage::

    tasks = TaskManager()
    tasks.run(lambda: Workspace(paths), on_done=window.set_workspace, on_error=window.show_error)

    # with progress: ``fn`` receives one argument, a thread-safe ``report(value)`` callable
    tasks.run(lambda report: verify(progress=report), on_done=..., on_progress=bar.update)

A :class:`Task` handle can be cancelled: its callbacks are then dropped, and a worker that takes a
cancel token can stop early (``task.cancel_event`` has ``is_set()``, like the core's tokens).
Database work shares the catalogue's lock (see :mod:`teachpoint.ui.queries`), so writes stay
serialised while reads run here.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]
ProgressCallback = Callable[[Any], None]


class _Relay(QObject):
    """Carries a task's outcome to the GUI thread.

    It is created on the GUI thread and its own slots receive its signals, so the connections are
    queued and the slots run there (a plain lambda would run in the emitting worker thread).
    """

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)

    def __init__(self, on_done: Callable, on_failed: Callable, on_progress: Callable | None):
        super().__init__()
        self._on_done, self._on_failed, self._on_progress = on_done, on_failed, on_progress
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)
        if on_progress is not None:
            self.progress.connect(self._deliver_progress)

    @Slot(object)
    def _deliver_done(self, value) -> None:
        self._on_done(value)

    @Slot(object)
    def _deliver_failed(self, exc) -> None:
        self._on_failed(exc)

    @Slot(object)
    def _deliver_progress(self, value) -> None:
        self._on_progress(value)


class Task:
    """Handle of one submitted piece of work."""

    def __init__(self, name: str):
        self.name = name
        self.cancel_event = threading.Event()
        self.finished = False

    def cancel(self) -> None:
        """Drop the callbacks (and tell a cooperative worker to stop via ``cancel_event``)."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def is_set(self) -> bool:
        """So the handle itself can be passed as a core cancel token."""
        return self.cancel_event.is_set()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable, relay: _Relay, task: Task, wants_progress: bool):
        super().__init__()
        self.fn, self.relay, self.task, self.wants_progress = fn, relay, task, wants_progress
        # autoDelete stays on: the pool owns the runnable and deletes it after run() returns.

    def run(self) -> None:  # worker thread: never touch widgets here
        try:
            if self.wants_progress:
                result = self.fn(self.relay.progress.emit)
            else:
                result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - delivered to on_error on the GUI thread
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class TaskManager(QObject):
    """Runs callables off the GUI thread and calls back on it.

    ``error`` is emitted (with the task name and exception) for failures that have no
    ``on_error`` of their own, so the window can show something rather than fail silently.
    """

    error = Signal(str, object)

    def __init__(self, parent: QObject | None = None, max_threads: int | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        # Long tasks (a sync round, a USB import) hold a thread each for minutes, so the pool is
        # wider than the core count: short reads (tree, search) must never queue behind them.
        self.pool.setMaxThreadCount(max_threads or max(8, QThread.idealThreadCount()))
        self._live: dict[int, _Relay] = {}  # outcome not delivered yet
        self._next = 0

    def run(self, fn: Callable, on_done: DoneCallback | None = None,
            on_error: ErrorCallback | None = None, on_progress: ProgressCallback | None = None,
            name: str | None = None) -> Task:
        """Run ``fn`` in the pool; call ``on_done(result)`` / ``on_error(exc)`` on the GUI thread.

        With ``on_progress``, ``fn`` is called with one argument: a thread-safe callable whose
        every call reaches ``on_progress(value)`` on the GUI thread, in order.
        """
        if QThread.currentThread() is not self.thread():
            raise RuntimeError("TaskManager.run must be called from the GUI thread")
        task = Task(name or getattr(fn, "__name__", "task"))
        key, self._next = self._next, self._next + 1

        def finish(callback, value):
            self._live.pop(key, None)
            task.finished = True
            relay.deleteLater()
            if task.cancelled:
                log.debug("task %s finished after cancel; result dropped", task.name)
                return
            if callback is not None:
                _safe(callback, value, task)

        def failed(exc):
            if on_error is None and not task.cancelled:
                log.error("task %s failed", task.name, exc_info=exc)
                self.error.emit(task.name, exc)
            finish(on_error, exc)

        def progress(value):
            if not task.cancelled:
                _safe(on_progress, value, task)

        relay = _Relay(lambda result: finish(on_done, result), failed,
                       progress if on_progress is not None else None)
        self._live[key] = relay
        runnable = _Runnable(fn, relay, task, wants_progress=on_progress is not None)
        self.pool.start(runnable)
        return task

    @property
    def active(self) -> int:
        """How many submitted tasks have not delivered their outcome yet."""
        return len(self._live)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the workers are idle (at shutdown); True if they all finished in time."""
        return self.pool.waitForDone(timeout_ms)


def _safe(callback: Callable, value: Any, task: Task) -> None:
    try:
        callback(value)
    except Exception:
        log.exception("callback of task %s failed", task.name)
