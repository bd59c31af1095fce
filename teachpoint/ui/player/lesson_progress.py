"""What the player remembers about the lesson it plays: the play count, where it stopped, the end.

A play is counted (``teaching.record_play``, which also moves the home page's "continue" on) only
once the file has really played — a moment of it with a known length — never for a damaged file
that libvlc "opens" and ends at 0 s. Positions are saved on pause, on leaving and every
:data:`SAVE_EVERY_MS` of playing (classroom PCs get switched off at the wall). Every write runs
through :class:`~.progress_writer.ProgressWriter`, off the GUI thread and in order.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Signal

from teachpoint.ui import queries
from teachpoint.ui.player.progress_writer import ProgressWriter
from teachpoint.ui.queries import LessonInfo
from teachpoint.ui.tasks import TaskManager
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

SAVE_EVERY_MS = 15_000


class LessonProgress(QObject):
    """Plays, positions and "finished" of the lesson being played, written in order off the GUI thread."""

    write_failed = Signal(object)  # the exception of a write that could not be done (full disk)

    def __init__(self, tasks: TaskManager, parent: QObject | None = None):
        super().__init__(parent)
        self.writer = ProgressWriter(tasks, self)
        self.writer.failed.connect(self.write_failed)
        self.ws: Workspace | None = None
        self.info: LessonInfo | None = None
        self.counted = False
        self._saved_at = 0

    def begin(self, ws: Workspace, info: LessonInfo) -> None:
        """A new lesson opens: nothing counted yet."""
        self.ws, self.info = ws, info
        self.counted = False
        self._saved_at = info.position_ms

    def played_to(self, position_ms: int, duration_ms: int, playing: bool) -> None:
        """The player is at ``position_ms``: count the play once it really plays; save now and then."""
        if self.info is None or not playing:
            return
        if not self.counted and position_ms > 0 and duration_ms > 0:
            self.counted = True
            ws, rid = self.ws, self.info.resource_id
            self.writer.submit(lambda: queries.record_play(ws, rid))
        if self.counted and abs(position_ms - self._saved_at) >= SAVE_EVERY_MS:
            self.save(position_ms)

    def save(self, position_ms: int, finished: bool = False,
             then: Callable[[object], None] | None = None) -> None:
        """Remember ``position_ms`` (and "finished"); a lesson that never played is left untouched."""
        if self.info is None or not (self.counted or finished):
            if then is not None:
                self.writer.submit(lambda: None, on_done=then, on_error=then)
            return
        ws, info = self.ws, self.info
        self._saved_at = info.position_ms = position_ms
        self.writer.submit(lambda: queries.save_position(ws, info.resource_id, position_ms, finished=finished),
                           on_done=then, on_error=then if then is not None else None)

    def finish(self, on_next: Callable[[tuple[str, str] | None], None]) -> None:
        """Played to the end: mark it finished, then find the class's next lesson for ``on_next``."""
        if self.info is None:
            return
        self.save(0, finished=True)
        ws, info = self.ws, self.info
        self.writer.submit(lambda: queries.next_lesson_after(ws, info), on_done=on_next,
                           on_error=lambda exc: on_next(None))

    def after_writes(self, callback: Callable[[object], None]) -> None:
        """Call ``callback`` on the GUI thread once every write queued so far is done (at once
        when nothing is waiting)."""
        if not self.writer.busy:
            callback(None)
            return
        self.writer.submit(lambda: None, on_done=callback, on_error=callback)

    def end(self) -> None:
        self.info = None
