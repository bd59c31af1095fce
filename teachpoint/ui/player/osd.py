"""The on-screen display: "音量 60%" or "前进 10 秒" over the picture for a moment after a key.

libvlc draws into its own native window, which no Qt child widget can cover (see
:mod:`.video_widgets`), so the OSD is a small frameless tool window of its own, placed over the
top-left corner of the video and hidden again after :data:`SHOW_MS`. It never takes focus or
clicks, so keys keep reaching the player. Its parent is the player page (deleted with it),
but as a tool window it is drawn on top, outside the page's layout.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

SHOW_MS = 1500
MARGIN = 24


class OsdLabel(QLabel):
    """A short text shown over ``anchor`` (the video widget) for :data:`SHOW_MS`."""

    def __init__(self, anchor: QWidget):
        super().__init__(anchor, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("PlayerOsd")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.anchor = anchor
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SHOW_MS)
        self.timer.timeout.connect(self.hide)

    def set_anchor(self, anchor: QWidget) -> None:
        self.anchor = anchor

    def flash(self, text: str) -> None:
        """Show ``text`` over the anchor's top-left corner (if the anchor is on screen)."""
        self.setText(text)
        self.adjustSize()
        if self.anchor is None or not self.anchor.isVisible():
            self.hide()
            return
        self.move(self.anchor.mapToGlobal(QPoint(MARGIN, MARGIN)))
        self.show()
        self.raise_()
        self.timer.start()
