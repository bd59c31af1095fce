"""The player's control bar: big buttons a teacher can hit from across the room.

No control takes keyboard focus, so Space / arrows / F11 always reach the page's shortcuts
(a focused button would swallow Space).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QStyle, QStyleOptionSlider, QWidget

from teachpoint.ui.formatting import format_clock
from teachpoint.ui.icons import make_icon
from teachpoint.ui.player.base import ENDED, PLAYING


MIN_SEEK_BAR_PX = 280  # narrower than this and the bar drops the ±10 s words (1024×768, 大字体)


class SeekSlider(QSlider):
    """A slider that jumps to where it is clicked and reports the teacher's seeks only."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setRange(0, 0)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.sliderReleased.connect(lambda: self.seek_requested.emit(self.value()))

    def value_at(self, x: int) -> int:
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderGroove, self)
        handle = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderHandle, self)
        span = max(1, groove.width() - handle.width())
        return QStyle.sliderValueFromPosition(self.minimum(), self.maximum(),
                                              x - groove.x() - handle.width() // 2, span)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > 0:
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            hit = self.style().hitTestComplexControl(QStyle.ComplexControl.CC_Slider, opt,
                                                     event.position().toPoint(), self)
            if hit != QStyle.SubControl.SC_SliderHandle:
                value = self.value_at(int(event.position().x()))
                self.setValue(value)
                self.seek_requested.emit(value)
        super().mousePressEvent(event)


class ControlBar(QWidget):
    """Play/pause, ±10 s, position, seek bar, subtitles, full screen."""

    toggle_clicked = Signal()
    back_clicked = Signal()      # −10 s
    forward_clicked = Signal()   # +10 s
    seek_requested = Signal(int)
    subtitles_toggled = Signal(bool)
    fullscreen_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ControlBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.play_pause = _button("PlayPause")
        self.rewind = _button("Rewind")
        self.forward = _button("Forward")
        self.subtitles = _button("Subtitles")
        self.subtitles.setCheckable(True)
        self.subtitles.setChecked(True)
        self.fullscreen = _button("Fullscreen")
        self.slider = SeekSlider()
        self.time_label = QLabel()
        self.time_label.setObjectName("TimeLabel")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(10)
        for w in (self.rewind, self.play_pause, self.forward):
            layout.addWidget(w)
        layout.addWidget(self.time_label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.subtitles)
        layout.addWidget(self.fullscreen)

        self.play_pause.clicked.connect(self.toggle_clicked)
        self.rewind.clicked.connect(self.back_clicked)
        self.forward.clicked.connect(self.forward_clicked)
        self.slider.seek_requested.connect(self.seek_requested)
        self.slider.sliderMoved.connect(lambda v: self._show_time(v, self.slider.maximum()))
        self.subtitles.toggled.connect(self._subtitles_toggled)
        self.fullscreen.clicked.connect(self.fullscreen_clicked)
        self._state = ""
        self._is_fullscreen = False
        self._compact = False
        self._icons = {name: make_icon(name) for name in
                       ("play", "pause", "replay", "rewind", "forward", "fullscreen", "leave_fullscreen")}
        self.rewind.setIcon(self._icons["rewind"])
        self.forward.setIcon(self._icons["forward"])
        self.forward.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # icon after the text
        self.retranslate()
        self.set_times(0, 0)

    def retranslate(self) -> None:
        self.rewind.setText("" if self._compact else self.tr("Back 10 s"))
        self.forward.setText("" if self._compact else self.tr("Ahead 10 s"))
        self.rewind.setToolTip(self.tr("Back 10 seconds (← key)"))
        self.forward.setToolTip(self.tr("Forward 10 seconds (→ key)"))
        self.play_pause.setToolTip(self.tr("Play or pause (Space bar)"))
        self.fullscreen.setToolTip(self.tr("Full screen (F11; Esc leaves)"))
        self.set_state(self._state)
        self.set_fullscreen(self._is_fullscreen)
        self._subtitles_toggled(self.subtitles.isChecked(), emit=False)

    @property
    def compact(self) -> bool:
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """Icons only on ±10 s (their tooltips still say it), so a 1024-pixel projector picture —
        with large text too — keeps a seek bar a hand can hit."""
        if compact != self._compact:
            self._compact = compact
            self.retranslate()

    def full_width(self) -> int:
        """The narrowest this bar can be with every label written out (measured, any font)."""
        if not self._compact:
            return self.minimumSizeHint().width()
        self.set_compact(False)
        width = self.minimumSizeHint().width()
        self.set_compact(True)
        return width

    def fit(self) -> None:
        """Compact when the full labels would leave the seek bar shorter than :data:`MIN_SEEK_BAR_PX`."""
        self.set_compact(self.width() < self.full_width() + MIN_SEEK_BAR_PX)

    def resizeEvent(self, event) -> None:
        self.fit()
        super().resizeEvent(event)

    def set_state(self, state: str) -> None:
        self._state = state
        if state == PLAYING:
            self.play_pause.setText(self.tr("Pause"))
            self.play_pause.setIcon(self._icons["pause"])
        elif state == ENDED:
            self.play_pause.setText(self.tr("Again"))
            self.play_pause.setIcon(self._icons["replay"])
        else:
            self.play_pause.setText(self.tr("Play"))
            self.play_pause.setIcon(self._icons["play"])

    def set_times(self, position_ms: int, duration_ms: int) -> None:
        if duration_ms != self.slider.maximum():
            self.slider.setRange(0, max(0, duration_ms))
        if not self.slider.isSliderDown():
            self.slider.setValue(min(position_ms, duration_ms) if duration_ms else 0)
            self._show_time(position_ms, duration_ms)

    def _show_time(self, position_ms: int, duration_ms: int) -> None:
        total = format_clock(duration_ms) if duration_ms else "--:--"
        self.time_label.setText(f"{format_clock(position_ms)} / {total}")

    def set_subtitles_available(self, available: bool) -> None:
        self.subtitles.setVisible(available)

    def _subtitles_toggled(self, on: bool, emit: bool = True) -> None:
        self.subtitles.setText(self.tr("Subtitles: on") if on else self.tr("Subtitles: off"))
        if emit:
            self.subtitles_toggled.emit(on)

    def set_fullscreen_available(self, available: bool) -> None:
        """Audio lessons have no picture to fill the screen with: no 全屏 button."""
        self.fullscreen.setVisible(available)

    def set_fullscreen(self, on: bool) -> None:
        self._is_fullscreen = on
        self.fullscreen.setText(self.tr("Leave full screen") if on else self.tr("Full screen"))
        self.fullscreen.setIcon(self._icons["leave_fullscreen" if on else "fullscreen"])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit()  # other words or large text: other widths
        super().changeEvent(event)


def _button(name: str) -> QPushButton:
    button = QPushButton()
    button.setIconSize(QSize(26, 26))
    button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button
