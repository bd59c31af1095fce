"""The player interface the UI talks to; backends (libvlc, QtMultimedia) implement it.

A player owns one video widget (:meth:`Player.video_widget`) that the player page lays out. All
signals are emitted on the GUI thread (backends marshal their own threads' events by signal).
Positions and durations are integer milliseconds.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from teachpoint.errors import TeachPointError

# Player states (strings, so logs and tests read well)
STOPPED = "stopped"
OPENING = "opening"
PLAYING = "playing"
PAUSED = "paused"
ENDED = "ended"
ERROR = "error"
STATES = (STOPPED, OPENING, PLAYING, PAUSED, ENDED, ERROR)

RATES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # the speeds offered to the teacher
MIN_RATE, MAX_RATE = RATES[0], RATES[-1]
MAX_VOLUME = 100  # percent; louder than the file is left to the PC's own volume
DEFAULT_SUBTITLE_SCALE = 100  # percent of the engine's normal subtitle size


class PlayerUnavailable(TeachPointError):
    """No playback engine could be started on this PC (e.g. libvlc is not installed)."""


class Player(QObject):
    """Abstract media player.

    Signals: ``position_changed(ms)``, ``duration_changed(ms)``, ``state_changed(state)``,
    ``ended()``, ``error(message)`` — ``message`` is technical detail for the log and IT staff;
    the page shows the teacher a plain-language text of its own.
    """

    position_changed = Signal(int)
    duration_changed = Signal(int)
    state_changed = Signal(str)
    ended = Signal()
    error = Signal(str)

    name = "abstract"
    subtitle_files_supported = True  # can show the lesson's separate .srt files

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._state = STOPPED

    # ---- state bookkeeping shared by backends -------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    @property
    def is_playing(self) -> bool:
        return self._state == PLAYING

    # ---- the interface ------------------------------------------------------------------------

    def video_widget(self) -> QWidget:
        """The widget that shows the picture (created once, reused for every file)."""
        raise NotImplementedError

    def load(self, path: Path, subtitles: list[Path] | None = None) -> None:
        """Open ``path`` (not yet playing); ``subtitles`` in order of preference."""
        raise NotImplementedError

    def play(self) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def toggle(self) -> None:
        """Play if paused/stopped/ended, pause if playing."""
        if self._state == PLAYING:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        raise NotImplementedError

    def seek(self, ms: int) -> None:
        """Jump to ``ms`` (clamped to the file); works while playing or paused."""
        raise NotImplementedError

    def position_ms(self) -> int:
        raise NotImplementedError

    def duration_ms(self) -> int:
        """Length of the loaded file, 0 while unknown."""
        raise NotImplementedError

    @staticmethod
    def clamp_rate(rate: float) -> float:
        return max(MIN_RATE, min(MAX_RATE, float(rate)))

    @staticmethod
    def clamp_volume(percent: int) -> int:
        return max(0, min(MAX_VOLUME, int(percent)))

    def set_rate(self, rate: float) -> None:
        """Playback speed, 1.0 = normal; clamped to :data:`MIN_RATE`…:data:`MAX_RATE`."""
        raise NotImplementedError

    def rate(self) -> float:
        """The speed the engine plays at (read back from the engine)."""
        raise NotImplementedError

    def set_volume(self, percent: int) -> None:
        """0–:data:`MAX_VOLUME`; kept across files and applied whenever sound starts."""
        raise NotImplementedError

    def volume(self) -> int:
        raise NotImplementedError

    def set_muted(self, muted: bool) -> None:
        raise NotImplementedError

    def is_muted(self) -> bool:
        raise NotImplementedError

    def has_subtitles(self) -> bool:
        raise NotImplementedError

    def set_subtitles_enabled(self, on: bool) -> None:
        raise NotImplementedError

    def subtitles_enabled(self) -> bool:
        raise NotImplementedError

    def set_subtitle_scale(self, percent: int) -> None:
        """Subtitle text size in percent (from the next file on); engines that draw no subtitle
        files of their own ignore it."""

    def subtitle_scale(self) -> int:
        return DEFAULT_SUBTITLE_SCALE

    def release(self) -> None:
        """Free the engine; the player cannot be used afterwards."""
        raise NotImplementedError
