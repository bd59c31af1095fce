"""The player's full-screen manners: controls and cursor out of the way, short notes for keys.

:class:`FullScreenChrome` ties an :class:`~.idle_hider.IdleWatcher` to the player page: in full
screen, after a still spell the rows of controls hide (only those that were showing, and they come
back as they were) and the cursor becomes blank, over the video too; movement or a key brings them
back. They stay while the pointer rests on them. :meth:`note` flashes an :class:`~.osd.OsdLabel` over the video ("音量 60%").
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QWidget

from teachpoint.ui.player.idle_hider import IDLE_MS, IdleWatcher
from teachpoint.ui.player.osd import OsdLabel


class FullScreenChrome(QObject):
    """Hides ``rows`` and the cursor of ``page`` when full screen goes idle; shows key notes."""

    def __init__(self, page: QWidget, rows: list[QWidget], idle_ms: int = IDLE_MS):
        super().__init__(page)
        self.page = page
        self.rows = rows
        self.video: QWidget | None = None
        self.watcher = IdleWatcher(self, idle_ms, keep_awake=self._pointer_on_controls)
        self.watcher.idle_changed.connect(self._idle_changed)
        self.osd = OsdLabel(page)
        self._hidden: list[QWidget] = []

    def set_video(self, widget: QWidget) -> None:
        """The widget that shows the picture (the OSD sits over it, its cursor hides too)."""
        self.video = widget
        self.osd.set_anchor(widget)

    @property
    def controls_hidden(self) -> bool:
        return bool(self._hidden)

    def set_fullscreen(self, on: bool) -> None:
        if on:
            self.watcher.start()
        else:
            self.watcher.stop()

    def wake(self) -> None:
        """Show the controls now (something the teacher must see happened, e.g. the end card)."""
        self.watcher.wake()

    def note(self, text: str) -> None:
        """Flash ``text`` over the picture for a moment."""
        anchor = self.video if self.video is not None and self.video.isVisible() else self.page
        self.osd.set_anchor(anchor)
        self.osd.flash(text)

    def _idle_changed(self, idle: bool) -> None:
        if idle:
            self._hidden = [row for row in self.rows if row.isVisible()]
            for row in self._hidden:
                row.hide()
            for widget in self._cursor_widgets():
                widget.setCursor(Qt.CursorShape.BlankCursor)
        else:
            for row in self._hidden:
                row.show()
            self._hidden = []
            for widget in self._cursor_widgets():
                widget.unsetCursor()

    def _pointer_on_controls(self) -> bool:
        return any(row.isVisible() and row.rect().contains(row.mapFromGlobal(QCursor.pos()))
                   for row in self.rows)

    def _cursor_widgets(self) -> list[QWidget]:
        return [w for w in (self.page, self.video) if w is not None]

    def shutdown(self) -> None:
        self.watcher.stop()
        self.osd.hide()
