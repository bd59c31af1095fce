"""What the player shows when a lesson has played to its end: 下一课 / 重新播放 / 返回.

It takes the place of the last frame (in full screen too, which stays on), so the class sees a
calm card instead of a picture cut off mid-movement. 下一课 is the lesson the class continues
with, the same one the home page's card offers (:func:`teachpoint.library.home.next_lesson`);
it is hidden while that is being looked up and when this was the class's last lesson.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EndCard(QWidget):
    """The end-of-lesson card with its three big buttons."""

    next_clicked = Signal(str)  # resource id of the next lesson
    replay_clicked = Signal()
    back_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("EndCard")
        self.heading = QLabel()
        self.heading.setObjectName("EndCardHeading")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lesson_title = QLabel()
        self.lesson_title.setObjectName("EndCardTitle")
        self.lesson_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lesson_title.setWordWrap(True)
        self.next_button = QPushButton()
        self.next_button.setObjectName("PlayButton")
        self.replay_button = QPushButton()
        self.replay_button.setObjectName("EndCardButton")
        self.back_button = QPushButton()
        self.back_button.setObjectName("EndCardButton")
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addStretch(1)
        for button in (self.next_button, self.replay_button, self.back_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.next_title = QLabel()
        self.next_title.setObjectName("EndCardNext")
        self.next_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.addStretch(1)
        layout.addWidget(self.heading)
        layout.addWidget(self.lesson_title)
        layout.addSpacing(24)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addWidget(self.next_title)
        layout.addStretch(1)
        self._next_id: str | None = None
        self._next_name = ""
        self.next_button.clicked.connect(lambda: self._next_id and self.next_clicked.emit(self._next_id))
        self.replay_button.clicked.connect(lambda: self.replay_clicked.emit())
        self.back_button.clicked.connect(lambda: self.back_clicked.emit())
        self.retranslate()
        self.set_next(None, "")

    def retranslate(self) -> None:
        self.heading.setText(self.tr("This lesson has finished"))
        self.next_button.setText(self.tr("Next lesson ▶"))
        self.replay_button.setText(self.tr("Play again"))
        self.back_button.setText(self.tr("Back to the lessons"))
        self._show_next_title()

    def show_for(self, title: str) -> None:
        """The card for the lesson ``title``; 下一课 waits for :meth:`set_next`."""
        self.lesson_title.setText(title)
        self.set_next(None, "")

    def set_next(self, resource_id: str | None, title: str) -> None:
        """Offer ``resource_id`` as 下一课 (None: there is none, the button is hidden)."""
        self._next_id, self._next_name = resource_id, title
        self.next_button.setVisible(resource_id is not None)
        self._show_next_title()

    @property
    def next_id(self) -> str | None:
        return self._next_id

    def _show_next_title(self) -> None:
        text = self.tr("Next: {title}").format(title=self._next_name) if self._next_id else ""
        self.next_title.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
