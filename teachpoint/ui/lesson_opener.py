"""Opening a lesson: read it in a worker, then show it in the player, the document view or the
details panel — the GUI thread never waits on SQLite (issue 11).

Every request reads the lesson through the one task helper; the answer comes back on the GUI
thread. A later click wins: a new 播放 cancels the lesson still being read for an earlier one,
and a new selection cancels the details still being read. When the lesson page shows a lesson,
:attr:`LessonOpener.opened` says so (tests and the teachpoint-play path wait on it); when the
details panel shows one (also a lesson that cannot play, with the reason), :attr:`details_shown`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from teachpoint.ui import queries
from teachpoint.ui.document_view import opens_in_document_view
from teachpoint.ui.lesson_panel import LessonPanel
from teachpoint.ui.tasks import Task

if TYPE_CHECKING:
    from teachpoint.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class LessonOpener(QObject):
    """Reads lessons off the GUI thread for the window and shows them where they belong."""

    opened = Signal(str)  # resource id now on the player or document page
    details_shown = Signal(str)  # resource id whose details the panel now shows

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self._opening: Task | None = None
        self._details: Task | None = None
        self.came_from: str | None = None  # the place to go back to when the lesson closes

    # ---- requests (GUI thread) ------------------------------------------------------------------

    def play(self, resource_id: str, fullscreen: bool = False) -> None:
        """Open ``resource_id`` in the player (or the document view) once it has been read."""
        ws = self.window.ws
        if ws is None:
            return
        for earlier in (self._opening, self._details):
            if earlier is not None:
                earlier.cancel()  # this click wins
        self._opening = self.window.tasks.run(
            lambda: queries.load_lesson(ws, resource_id), name="open-lesson",
            on_done=lambda info: self._open(ws, resource_id, info, fullscreen),
            on_error=lambda exc: log.error("cannot read lesson %s", resource_id, exc_info=exc))

    def show_details(self, resource_id: str) -> None:
        """Show ``resource_id``'s details in the panel once read (a later selection wins)."""
        ws = self.window.ws
        if ws is None:
            return
        if self._details is not None:
            self._details.cancel()
        self._details = self.window.tasks.run(
            lambda: queries.load_lesson(ws, resource_id), name="show-lesson",
            on_done=lambda info: self._show_details(resource_id, info),
            on_error=lambda exc: log.error("cannot read lesson %s", resource_id, exc_info=exc))

    def reload_details(self) -> None:
        """Read the lesson the panel shows again (a sync, a download, a lesson just closed)."""
        ws, shown = self.window.ws, self.window.lesson_panel.info
        if ws is None or shown is None:
            return
        rid = shown.resource_id
        self.window.tasks.run(lambda: queries.load_lesson(ws, rid), name="reload-lesson",
                              on_done=lambda info: self._reloaded(rid, info))

    # ---- answers (GUI thread) ---------------------------------------------------------------

    def _show_details(self, resource_id: str, info) -> None:
        panel = self.window.lesson_panel
        if info is None:
            panel.show_empty()
        else:
            panel.show_lesson(info)
        self.details_shown.emit(resource_id)

    def _reloaded(self, resource_id: str, info) -> None:
        current = self.window.lesson_panel.info
        if info is not None and current is not None and current.resource_id == resource_id:
            self.window.lesson_panel.show_lesson(info)

    def _open(self, ws, resource_id: str, info, fullscreen: bool) -> None:
        win = self.window
        if info is None or win.ws is not ws:
            return  # gone meanwhile, or another library was opened
        win.library_pane.select_resource(resource_id)  # highlighted when the teacher comes back
        if not LessonPanel.can_play(info):
            win.reveal_lesson(resource_id, info)  # the details say why, with "download now"
            self.details_shown.emit(resource_id)
            return
        win.lesson_panel.show_lesson(info)
        if not win.showing_lesson():
            self.came_from = win.top_bar.current()
        win.enter_lesson_page()
        if opens_in_document_view(info):
            if win.player_view.info is not None:  # 下一课 from the player to a worksheet
                win.player_view.close_lesson(emit=False)
            win.pages.setCurrentWidget(win.document_view)
            win.document_view.open_lesson(ws, info)
        else:
            win.pages.setCurrentWidget(win.player_view)
            if win.player_view.open_lesson(ws, info) and fullscreen:
                win.player_view.set_fullscreen(True)
        self.opened.emit(resource_id)
