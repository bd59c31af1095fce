"""The QtMultimedia backend: :class:`QtMediaPlayer`, for PCs where libvlc is missing.

QMediaPlayer (PySide6-Addons, Qt's FFmpeg media plugin built in) decodes the same H.264/AAC
lessons, also offscreen (DESIGN §6). Frames arrive through a :class:`QVideoSink` and are painted by
the same :class:`~teachpoint.ui.player.video_widgets.FrameView` the libvlc vmem mode uses, so
the player page treats both backends alike. Limits compared with libvlc: the lesson's separate
subtitle files (.srt) are not shown (QMediaPlayer only knows tracks inside the video file), and
each frame is converted to a QImage on the GUI thread, which costs more CPU for large videos.
Without a sound card QAudioOutput plays to no device; volume and mute still read back.

Commands that start or tear down the decoding pipeline (setSource, play, pause, stop, setPosition)
are *queued* to the media player (:meth:`QtMediaPlayer._send`) instead of called directly. A
direct ``stop()`` from Python holds the GIL while Qt's FFmpeg thread, tearing down, needs the GIL
to reach a Python-wrapped object (our QVideoSink) — a deadlock seen once in the test suite. Queued,
the call runs from the event loop, where PySide has released the GIL. Queued calls keep their order.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QTimer, QUrl
from PySide6.QtWidgets import QWidget

from teachpoint.ui.player.base import ENDED, ERROR, OPENING, PAUSED, PLAYING, STOPPED, Player, PlayerUnavailable
from teachpoint.ui.player.video_widgets import FrameView

log = logging.getLogger(__name__)

POLL_MS = 200
OPEN_TIMEOUT_MS = 20_000
END_MARGIN_MS = 500  # seeks stop this far before the end (a seek to the very end just ends)


def _load_qtmultimedia():
    try:
        from PySide6 import QtMultimedia  # noqa: PLC0415 - only when this backend is wanted
    except ImportError as exc:
        raise PlayerUnavailable(f"QtMultimedia cannot be loaded (PySide6-Addons missing?): {exc}") from exc
    return QtMultimedia


class QtMediaPlayer(Player):
    """:class:`Player` on QMediaPlayer; ``mode`` is accepted for symmetry and ignored."""

    name = "qt"
    subtitle_files_supported = False

    def __init__(self, parent: QObject | None = None, mode: str | None = None):
        super().__init__(parent)
        qtmm = _load_qtmultimedia()
        self._mp = qtmm.QMediaPlayer(self)
        if not self._mp.isAvailable():
            raise PlayerUnavailable("QtMultimedia has no media backend on this PC")
        self._status = qtmm.QMediaPlayer.MediaStatus
        self._playback = qtmm.QMediaPlayer.PlaybackState
        self._audio = qtmm.QAudioOutput(self)
        self._mp.setAudioOutput(self._audio)
        self._sink = qtmm.QVideoSink(self)
        self._mp.setVideoSink(self._sink)
        self._widget = FrameView()
        self._sink.videoFrameChanged.connect(self._frame_arrived)
        self._mp.mediaStatusChanged.connect(self._status_changed)
        self._mp.playbackStateChanged.connect(self._playback_changed)
        self._mp.durationChanged.connect(lambda d: self.duration_changed.emit(int(d)) if d > 0 else None)
        self._mp.errorOccurred.connect(lambda _err, text: self._fail(text or "QtMultimedia error"))
        self._path = ""
        self._loaded = False
        self._released = False
        self._want_subtitles = True
        self.frames = 0  # frames received (diagnostics and tests)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_position)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.setInterval(OPEN_TIMEOUT_MS)
        self._watchdog.timeout.connect(self._open_timed_out)
        log.info("QtMultimedia player ready")

    # ---- what QMediaPlayer tells us ---------------------------------------------------------

    def _frame_arrived(self, frame) -> None:
        if self._released or not frame.isValid():
            return
        image = frame.toImage()
        if not image.isNull():
            self.frames += 1
            self._widget.show_frame(image)

    def _status_changed(self, status) -> None:
        if self._released:
            return
        log.debug("qt media status %s", status)
        if status == self._status.LoadingMedia:
            self._set_state(OPENING)
        elif status == self._status.EndOfMedia and self.state != ERROR:
            self._poll.stop()
            self._watchdog.stop()
            self.position_changed.emit(self.duration_ms())
            self._set_state(ENDED)
            self.ended.emit()
        elif status == self._status.InvalidMedia:
            self._fail("QtMultimedia cannot open the file")

    def _playback_changed(self, playback) -> None:
        if self._released or self.state == ERROR:
            return
        if playback == self._playback.PlayingState:
            self._watchdog.stop()
            self._set_state(PLAYING)
            self._poll.start()
        elif playback == self._playback.PausedState:
            self._poll.stop()
            self._poll_position()
            self._set_state(PAUSED)
        elif self.state != ENDED and self._mp.mediaStatus() != self._status.EndOfMedia:
            self._poll.stop()
            self._set_state(STOPPED)

    def _poll_position(self) -> None:
        if not self._released:
            self.position_changed.emit(int(self._mp.position()))

    def _fail(self, message: str) -> None:
        if self.state == ERROR:
            return
        self._poll.stop()
        self._watchdog.stop()
        log.warning("playback failed: %s (%s)", message, self._path)
        self._set_state(ERROR)
        self.error.emit(message)

    def _open_timed_out(self) -> None:
        if self.state in (OPENING, STOPPED):
            self._send("stop")
            self._fail(f"the file did not start within {OPEN_TIMEOUT_MS // 1000} s")

    def _send(self, method: str, *args) -> None:
        """Call a QMediaPlayer slot from the event loop (queued, in order; see the module doc)."""
        QMetaObject.invokeMethod(self._mp, method, Qt.ConnectionType.QueuedConnection, *args)

    # ---- the Player interface ---------------------------------------------------------------

    def video_widget(self) -> QWidget:
        return self._widget

    def load(self, path: Path, subtitles: list[Path] | None = None) -> None:
        self._check_alive()
        self._poll.stop()
        self._watchdog.stop()
        self._send("stop")
        self._state = STOPPED  # quietly: the old file's end or error must not leak into the new one
        self._path = str(path)
        self._widget.clear()
        self._send("setSource", Q_ARG(QUrl, QUrl.fromLocalFile(str(path))))
        self._loaded = True
        self.state_changed.emit(STOPPED)

    def play(self) -> None:
        self._check_alive()
        if not self._loaded:
            return
        if self.state == ERROR:
            self._state = STOPPED
            self._send("setSource", Q_ARG(QUrl, QUrl()))
            self._send("setSource", Q_ARG(QUrl, QUrl.fromLocalFile(self._path)))
        if self.state != PLAYING:
            self._watchdog.start()
            self._send("play")

    def pause(self) -> None:
        if self.state == PLAYING:
            self._send("pause")

    def stop(self) -> None:
        if self._released:
            return
        self._poll.stop()
        self._watchdog.stop()
        self._send("stop")
        self._set_state(STOPPED)

    def seek(self, ms: int) -> None:
        if self._released or not self._loaded or self.state == ERROR:
            return
        length = self.duration_ms()
        ms = max(0, int(ms))
        if length > 0:
            ms = min(ms, max(0, length - END_MARGIN_MS))
        if self.state in (ENDED, STOPPED):
            self.play()
        self._send("setPosition", Q_ARG("qlonglong", int(ms)))
        self.position_changed.emit(ms)

    def position_ms(self) -> int:
        return 0 if self._released else int(self._mp.position())

    def duration_ms(self) -> int:
        return 0 if self._released else max(0, int(self._mp.duration()))

    def set_rate(self, rate: float) -> None:
        if not self._released:
            self._mp.setPlaybackRate(self.clamp_rate(rate))

    def rate(self) -> float:
        return 1.0 if self._released else round(float(self._mp.playbackRate()), 3)

    def set_volume(self, percent: int) -> None:
        self._audio.setVolume(self.clamp_volume(percent) / 100.0)

    def volume(self) -> int:
        return round(self._audio.volume() * 100)

    def set_muted(self, muted: bool) -> None:
        self._audio.setMuted(bool(muted))

    def is_muted(self) -> bool:
        return self._audio.isMuted()

    def has_subtitles(self) -> bool:
        return False  # separate subtitle files are not supported by QMediaPlayer

    def set_subtitles_enabled(self, on: bool) -> None:
        self._want_subtitles = bool(on)

    def subtitles_enabled(self) -> bool:
        return self._want_subtitles

    def release(self) -> None:
        if self._released:
            return
        self._poll.stop()
        self._watchdog.stop()
        self._released = True
        self._send("stop")
        self._send("setSource", Q_ARG(QUrl, QUrl()))
        log.info("QtMultimedia player released")

    def _check_alive(self) -> None:
        if self._released:
            raise RuntimeError("the player was released")
