"""The player's top row (hidden in full screen): back, the lesson's title, where it continues
from with 从头开始, and 字幕大小."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from teachpoint.ui.formatting import format_clock
from teachpoint.ui.player.subtitle_size import SubtitleSizeButton


class PlayerHeader(QWidget):
    """Back button, title, resume notice + restart, subtitle size."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PlayerHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.back_button = QPushButton()
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = QLabel()
        self.title.setObjectName("PlayerTitle")
        self.resume_notice = QLabel()
        self.resume_notice.setObjectName("ResumeNotice")
        for label in (self.title, self.resume_notice):  # long texts never widen the window
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.restart_button = QPushButton()
        self.restart_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.subtitle_size = SubtitleSizeButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.back_button)
        layout.addSpacing(12)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.resume_notice, 1)
        layout.addWidget(self.restart_button)
        layout.addWidget(self.subtitle_size)
        self.retranslate()

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("← Back to the lessons"))
        self.restart_button.setText(self.tr("Start from the beginning"))

    def show_lesson(self, title: str) -> None:
        self.title.setText(title)
        self.hide_resume()

    def show_resumed(self, position_ms: int) -> None:
        """Say where the lesson continues from, with 从头开始 beside it."""
        self.resume_notice.setText(self.tr("Continuing from {t}, where you stopped last time")
                                   .format(t=format_clock(position_ms)))
        self.resume_notice.show()
        self.restart_button.show()

    def hide_resume(self) -> None:
        self.resume_notice.hide()
        self.restart_button.hide()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
