"""Speed and volume controls of the player page: a speed button with a menu, mute + a slider.

Neither takes keyboard focus (the page's shortcuts must keep working); the page connects their
signals to the player and calls :meth:`SpeedButton.set_rate` / :meth:`VolumeControl.set_volume`
when a key changes the value, so what the teacher sees is always what plays.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QSlider, QWidget

from teachpoint.ui.player.base import MAX_VOLUME, RATES

VOLUME_STEP = 10


def format_rate(rate: float) -> str:
    """``1.0`` → ``"1"``, ``0.75`` → ``"0.75"``, ``1.5`` → ``"1.5"``."""
    return f"{rate:g}"


def next_rate(rate: float, direction: int) -> float:
    """The offered speed one step faster (``direction`` > 0) or slower than ``rate``."""
    if direction > 0:
        return next((r for r in RATES if r > rate + 1e-6), RATES[-1])
    return next((r for r in reversed(RATES) if r < rate - 1e-6), RATES[0])


class SpeedButton(QPushButton):
    """Shows the current speed ("Speed 1×"); its menu offers :data:`RATES`."""

    rate_chosen = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SpeedButton")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._rate = 1.0
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("SpeedMenu")
        group = QActionGroup(self)
        self.actions_by_rate = {}
        for rate in RATES:
            action = self.menu_.addAction(f"{format_rate(rate)}×")
            action.setCheckable(True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, r=rate: self._chosen(r))
            self.actions_by_rate[rate] = action
        self.setMenu(self.menu_)
        self.retranslate()

    def retranslate(self) -> None:
        self.setToolTip(self.tr("Playing speed: slower for dictation, faster for review ([ and ] keys)"))
        self.set_rate(self._rate)

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        """Show ``rate`` (no signal)."""
        self._rate = rate
        self.setText(self.tr("Speed {rate}×").format(rate=format_rate(rate)))
        self.setProperty("changed", abs(rate - 1.0) > 1e-6)  # styled so a slow speed is noticed
        self.style().unpolish(self)
        self.style().polish(self)
        for r, action in self.actions_by_rate.items():
            action.setChecked(abs(r - rate) < 1e-6)

    def _chosen(self, rate: float) -> None:
        self.set_rate(rate)
        self.rate_chosen.emit(rate)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class VolumeControl(QWidget):
    """A mute button and a volume slider (0–:data:`MAX_VOLUME` %)."""

    volume_changed = Signal(int)
    muted_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("VolumeControl")
        self.mute_button = QPushButton()
        self.mute_button.setObjectName("MuteButton")
        self.mute_button.setCheckable(True)
        self.mute_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mute_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("VolumeSlider")
        self.slider.setRange(0, MAX_VOLUME)
        self.slider.setSingleStep(VOLUME_STEP)
        self.slider.setPageStep(VOLUME_STEP)
        self.slider.setValue(MAX_VOLUME)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setMinimumWidth(120)
        self.slider.setMaximumWidth(200)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.mute_button)
        layout.addWidget(self.slider)
        self.slider.valueChanged.connect(self._slider_moved)
        self.mute_button.toggled.connect(self._mute_toggled)
        self._quiet = False
        self.retranslate()

    def retranslate(self) -> None:
        self.mute_button.setToolTip(self.tr("Sound off / on (M key)"))
        self.slider.setToolTip(self.tr("Volume (↑ and ↓ keys)"))
        self._show_mute(self.mute_button.isChecked())

    @property
    def volume(self) -> int:
        return self.slider.value()

    @property
    def muted(self) -> bool:
        return self.mute_button.isChecked()

    def set_volume(self, percent: int) -> None:
        """Show ``percent`` (no signal)."""
        self._quiet = True
        self.slider.setValue(max(0, min(MAX_VOLUME, int(percent))))
        self._quiet = False

    def set_muted(self, muted: bool) -> None:
        self._quiet = True
        self.mute_button.setChecked(bool(muted))
        self._show_mute(bool(muted))
        self._quiet = False

    def _slider_moved(self, value: int) -> None:
        if not self._quiet:
            self.volume_changed.emit(value)

    def _mute_toggled(self, on: bool) -> None:
        self._show_mute(on)
        if not self._quiet:
            self.muted_changed.emit(on)

    def _show_mute(self, on: bool) -> None:
        self.mute_button.setText(self.tr("Sound: off") if on else self.tr("Sound: on"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
