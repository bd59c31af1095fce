"""The reviewer watches a queued video in the app's own player, in a window of its own.

The video is a file of the review queue, not a lesson of this PC's library, so the player gets a
view of the workspace that counts nothing: watching to judge is not teaching (no play count, no
resume point, no usage record for a resource the catalogue does not hold).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from teachpoint.ui.player.player_window import PlayerView
from teachpoint.ui.queries import LessonInfo
from teachpoint.ui.tasks import TaskManager


class _Uncounted:
    """The workspace as the player sees it while a reviewer watches: read-only, so the player's
    own rule (:func:`teachpoint.ui.queries.record_play` skips a read-only library) counts nothing."""

    read_only = True

    def __init__(self, ws):
        self._ws = ws

    def __getattr__(self, name):
        return getattr(self._ws, name)


class ReviewPlayer(QDialog):
    """A window with the existing :class:`PlayerView`; closes when the player's 返回 is pressed."""

    def __init__(self, tasks: TaskManager, ws, info: LessonInfo, parent: QWidget | None = None,
                 player_factory=None):
        super().__init__(parent)
        self.setObjectName("ReviewPlayer")
        self.setWindowTitle(info.title)
        kwargs = {"player_factory": player_factory} if player_factory else {}
        self.view = PlayerView(tasks=tasks, **kwargs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.view.closed.connect(self.accept)
        self.resize(960, 640)
        self.workspace = _Uncounted(ws)
        self.view.set_workspace(self.workspace)
        self.view.open_lesson(self.workspace, info)

    def done(self, result: int) -> None:
        """Closing the window stops the video (the player saves nothing: read-only view)."""
        self.view.shutdown()
        super().done(result)
