"""The player's second row of controls: speed, volume, A–B repeat, bookmarks, projector screen.

:class:`PlayerToolRow` owns these widgets and applies them to the player it is bound to
(:meth:`bind`), so the page only forwards keys to :meth:`step_speed`, :meth:`step_volume`,
:meth:`toggle_mute`. Speed starts at 1× for every lesson (a slowed lesson must not surprise
the next class); volume and mute stay as set.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from teachpoint.ui.player.ab_repeat import ABButton, ABRepeat
from teachpoint.ui.player.base import Player
from teachpoint.ui.player.screens import ScreenChooser
from teachpoint.ui.player.speed_volume import VOLUME_STEP, SpeedButton, VolumeControl, next_rate
from teachpoint.ui.tasks import TaskManager


class PlayerToolRow(QWidget):
    """Speed, volume, A–B, bookmarks and screen controls under the seek bar."""

    add_bookmark_clicked = Signal()
    bookmarks_toggled = Signal(bool)

    def __init__(self, repeat: ABRepeat, tasks: TaskManager | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PlayerTools")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.player: Player | None = None
        self.speed = SpeedButton()
        self.volume = VolumeControl()
        self.ab_button = ABButton(repeat)
        self.add_bookmark = QPushButton()
        self.add_bookmark.setObjectName("AddBookmarkTool")
        self.show_bookmarks = QPushButton()
        self.show_bookmarks.setObjectName("ShowBookmarks")
        self.show_bookmarks.setCheckable(True)
        for button in (self.add_bookmark, self.show_bookmarks):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.screen_chooser = ScreenChooser(tasks)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 0, 16, 10)
        layout.setSpacing(10)
        layout.addWidget(self.speed)
        layout.addWidget(self.volume)
        layout.addWidget(self.ab_button)
        layout.addStretch(1)
        layout.addWidget(self.add_bookmark)
        layout.addWidget(self.show_bookmarks)
        layout.addWidget(self.screen_chooser)
        self.speed.rate_chosen.connect(self._apply_rate)
        self.volume.volume_changed.connect(self._apply_volume)
        self.volume.muted_changed.connect(self._apply_muted)
        self.add_bookmark.clicked.connect(lambda: self.add_bookmark_clicked.emit())
        self.show_bookmarks.toggled.connect(self.bookmarks_toggled)
        self.retranslate()

    def retranslate(self) -> None:
        self.add_bookmark.setText(self.tr("+ Bookmark"))
        self.add_bookmark.setToolTip(self.tr("Bookmark the current moment (B key)"))
        self.show_bookmarks.setText(self.tr("Bookmarks"))
        self.show_bookmarks.setToolTip(self.tr("Show or hide this lesson's bookmarks"))

    def bind(self, player: Player) -> None:
        """Apply the shown volume and mute to ``player`` and keep them in step from now on."""
        self.player = player
        player.set_volume(self.volume.volume)
        player.set_muted(self.volume.muted)

    def new_lesson(self) -> None:
        """Normal speed for a new lesson."""
        self._apply_rate(1.0)
        self.speed.set_rate(1.0)

    # ---- keys -------------------------------------------------------------------------------

    def step_speed(self, direction: int) -> float:
        rate = next_rate(self.speed.rate, direction)
        self.speed.set_rate(rate)
        self._apply_rate(rate)
        return rate

    def step_volume(self, direction: int) -> int:
        value = max(0, min(self.volume.slider.maximum(), self.volume.volume + direction * VOLUME_STEP))
        self.volume.set_volume(value)
        self._apply_volume(value)
        if value > 0 and self.volume.muted:  # turning it up means "I want to hear it"
            self.toggle_mute()
        return value

    def toggle_mute(self) -> bool:
        muted = not self.volume.muted
        self.volume.set_muted(muted)
        self._apply_muted(muted)
        return muted

    # ---- to the player ----------------------------------------------------------------------

    def _apply_rate(self, rate: float) -> None:
        if self.player is not None:
            self.player.set_rate(rate)

    def _apply_volume(self, percent: int) -> None:
        if self.player is not None:
            self.player.set_volume(percent)

    def _apply_muted(self, muted: bool) -> None:
        if self.player is not None:
            self.player.set_muted(muted)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
