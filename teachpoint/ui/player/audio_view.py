"""What the player shows for an audio lesson: its title and how far it has played, not a black box."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from teachpoint.ui.formatting import format_clock


class AudioView(QWidget):
    """A large title, "音频课" and a progress bar with the time, in the player's black area."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("AudioView")
        self.kind_label = QLabel()
        self.kind_label.setObjectName("AudioKind")
        self.kind_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setObjectName("AudioTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("AudioProgress")
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 1000)
        self.time_label = QLabel()
        self.time_label.setObjectName("AudioTime")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 12, 48, 12)
        layout.addStretch(1)
        layout.addWidget(self.kind_label)
        layout.addWidget(self.title)
        layout.addSpacing(24)
        layout.addWidget(self.progress)
        layout.addWidget(self.time_label)
        layout.addStretch(1)
        self.retranslate()
        self.set_times(0, 0)

    def retranslate(self) -> None:
        self.kind_label.setText(self.tr("♪ Audio lesson"))

    def show_for(self, title: str) -> None:
        self.title.setText(title)
        self.set_times(0, 0)

    def set_times(self, position_ms: int, duration_ms: int) -> None:
        """Move the bar and the clock to ``position_ms`` of ``duration_ms``."""
        share = min(1.0, position_ms / duration_ms) if duration_ms > 0 else 0.0
        self.progress.setValue(round(share * 1000))
        total = format_clock(duration_ms) if duration_ms else "--:--"
        self.time_label.setText(f"{format_clock(position_ms)} / {total}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
