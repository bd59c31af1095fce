"""The libvlc backend (python-vlc).

Two ways to show video (DESIGN §6):

* **window** — libvlc draws into a native child window (``set_xwindow`` on X11, ``set_hwnd`` on
  Windows, ``set_nsobject`` on macOS). Needs a real display; fastest.
* **vmem** — libvlc decodes into our buffer and frames reach a painted widget by signal
  (:mod:`teachpoint.ui.player.vmem`). Used for ``QT_QPA_PLATFORM=offscreen`` and Wayland, where
  window mode would crash or cannot embed.

libvlc events arrive on libvlc's own threads; each is re-emitted through a queued signal and
handled on the GUI thread (libvlc must never be called from inside its own event callback).
``TEACHPOINT_NO_AUDIO=1`` sends the sound to :class:`~.vlc_audio.SilentAudio` (tests, CI, PCs
without a sound card). Speed, volume and mute are kept here and applied again whenever libvlc
(re)creates its sound output, so they hold from one lesson to the next.
A file libvlc opens but finds no streams in ends at once: that is reported as an error, and so
is a file that "ends" before a single moment of it played with no length known (a damaged or
cut-off mp4: libvlc finds streams, decodes nothing and reports the end at 0 s), and a file that
does not start within :data:`OPEN_TIMEOUT_MS`.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from teachpoint.library.subtitles import playable_subtitle
from teachpoint.ui.player.base import (
    DEFAULT_SUBTITLE_SCALE,
    ENDED,
    ERROR,
    OPENING,
    PAUSED,
    PLAYING,
    STOPPED,
    Player,
    PlayerUnavailable,
)
from teachpoint.ui.player.video_widgets import FrameView, NativeVideoSurface
from teachpoint.ui.player.vlc_audio import SilentAudio
from teachpoint.ui.player.vlc_setup import (  # noqa: F401 - re-exported for callers and tests
    ENV_NO_AUDIO,
    ENV_VIDEO_OUTPUT,
    MODE_VMEM,
    MODE_WINDOW,
    choose_video_mode,
    load_vlc,
    no_audio_wanted,
    vlc_arguments,
)
from teachpoint.ui.player.vmem import VmemRenderer

log = logging.getLogger(__name__)

POLL_MS = 200  # position updates while playing
OPEN_TIMEOUT_MS = 20_000
STOP_JOIN_S = 10  # how long a new load/play waits for a background stop
_EVENTS = ("MediaPlayerOpening", "MediaPlayerPlaying", "MediaPlayerPaused", "MediaPlayerStopped",
           "MediaPlayerEndReached", "MediaPlayerEncounteredError", "MediaPlayerLengthChanged",
           "MediaPlayerESAdded", "MediaPlayerVout")


class VlcPlayer(Player):
    """:class:`Player` on libvlc; ``mode`` is ``"window"`` or ``"vmem"`` (default: chosen)."""

    name = "vlc"
    _vlc_event = Signal(str, int)  # emitted on libvlc threads, handled on the GUI thread

    def __init__(self, parent: QObject | None = None, mode: str | None = None):
        super().__init__(parent)
        self.vlc = load_vlc()
        self.mode = mode or choose_video_mode()
        self.audio: SilentAudio | None = SilentAudio() if no_audio_wanted() else None
        self.renderer: VmemRenderer | None = None
        if self.mode == MODE_VMEM:
            self._widget: QWidget = FrameView()
            self.renderer = VmemRenderer(self)
            self.renderer.frame_ready.connect(self._widget.show_frame)
        else:
            self._widget = NativeVideoSurface()
        self._engine_scale = self._wanted_scale = DEFAULT_SUBTITLE_SCALE
        self._start_engine()
        self._volume, self._muted = 100, False
        self._media = None
        self._released = False
        self._window_bound = False
        self._streams = 0
        self._last_position = 0
        self._want_subtitles = True
        self._subtitle_files: list[Path] = []
        self._vlc_event.connect(self._on_vlc_event)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_position)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.setInterval(OPEN_TIMEOUT_MS)
        self._watchdog.timeout.connect(self._open_timed_out)
        log.info("libvlc %s ready (%s mode)", self.vlc.libvlc_get_version().decode(), self.mode)

    # ---- the libvlc engine --------------------------------------------------------------------

    def _start_engine(self) -> None:
        """A libvlc instance (with the subtitle size, which libvlc reads only at its start) and
        its media player, wired to our sound, frames and events."""
        try:
            self._instance = self.vlc.Instance(vlc_arguments(subtitle_scale=self._wanted_scale))
        except Exception as exc:  # python-vlc raises assorted errors when libvlc is missing
            raise PlayerUnavailable(f"libvlc cannot be started: {exc}") from exc
        if self._instance is None:
            raise PlayerUnavailable("libvlc cannot be started (is VLC installed?)")
        self._engine_scale = self._wanted_scale
        self._mp = self._instance.media_player_new()
        self._mp.video_set_mouse_input(False)  # clicks and keys go to Qt, not to libvlc
        self._mp.video_set_key_input(False)
        if self.audio is not None:
            self.audio.attach(self.vlc, self._mp)
        if self.renderer is not None:
            self.renderer.attach(self.vlc, self._mp)
        self._window_bound = False
        self._events = self._mp.event_manager()
        for name in _EVENTS:
            self._events.event_attach(getattr(self.vlc.EventType, name), self._vlc_callback, name)

    def _stop_engine(self) -> None:
        """Stop and free the media player and instance (synchronous: no callbacks afterwards)."""
        self._wait_for_stop()
        self._mp.stop()
        for name in _EVENTS:
            self._events.event_detach(getattr(self.vlc.EventType, name))
        self._mp.release()
        self._instance.release()
        self._media = None

    def set_subtitle_scale(self, percent: int) -> None:
        """Subtitle text size in percent of libvlc's normal; takes effect from the next load
        (libvlc reads it when it starts, so a new engine is made then)."""
        self._wanted_scale = max(50, min(300, int(percent)))

    def subtitle_scale(self) -> int:
        return self._engine_scale

    # ---- events -------------------------------------------------------------------------------

    def _vlc_callback(self, event, name: str) -> None:  # libvlc thread: only re-emit
        value = 0
        if name == "MediaPlayerLengthChanged":
            value = int(event.u.new_length)
        self._vlc_event.emit(name, value)

    @Slot(str, int)
    def _on_vlc_event(self, name: str, value: int) -> None:
        if self._released:
            return
        log.debug("vlc event %s %s", name, value)
        if name == "MediaPlayerOpening":
            self._set_state(OPENING)
        elif name == "MediaPlayerESAdded":
            self._streams += 1
            self._apply_audio()
            self._apply_subtitle_choice()  # a subtitle track may appear after Playing
        elif name == "MediaPlayerLengthChanged":
            if value > 0:
                self.duration_changed.emit(value)
        elif name == "MediaPlayerPlaying":
            self._set_state(PLAYING)
            self._poll.start()
            self._apply_audio()
            self._apply_subtitle_choice()
        elif name == "MediaPlayerPaused":
            self._poll.stop()
            self._poll_position()
            self._set_state(PAUSED)
        elif name == "MediaPlayerVout":
            self._video_size_known()
        elif name == "MediaPlayerEndReached":
            self._finish_end()
        elif name == "MediaPlayerEncounteredError":
            self._fail("libvlc reported an error while playing")
        elif name == "MediaPlayerStopped" and self.state not in (ENDED, ERROR):
            self._poll.stop()
            self._set_state(STOPPED)

    def _video_size_known(self) -> None:
        """Tell the frame view the picture's true shape.

        vmem frames can carry the decoder's padding rows (320x240 arrives as 320x258, scaled),
        so the view draws them at the visible size libvlc reports, not the buffer's.
        """
        if isinstance(self._widget, FrameView):
            size = self._mp.video_get_size(0)
            if size and size[0] > 0 and size[1] > 0:
                self._widget.set_display_size(int(size[0]), int(size[1]))

    def _finish_end(self) -> None:
        self._poll.stop()
        self._watchdog.stop()
        if self._streams == 0:
            self._fail("the file has no audio or video stream libvlc can decode")
            return
        if self.duration_ms() <= 0 and self._last_position <= 0:
            self._fail("the file ended before anything played (damaged or cut off)")
            return
        self._last_position = self.duration_ms() or self._last_position
        self.position_changed.emit(self._last_position)
        self._set_state(ENDED)
        self.ended.emit()

    def _fail(self, message: str) -> None:
        self._poll.stop()
        self._watchdog.stop()
        log.warning("playback failed: %s (%s)", message, self._media_path)
        self._set_state(ERROR)
        self.error.emit(message)

    def _open_timed_out(self) -> None:
        if self.state in (OPENING, STOPPED) and not self._streams:
            self._mp.stop()
            self._fail(f"the file did not start within {OPEN_TIMEOUT_MS // 1000} s")

    def _poll_position(self) -> None:
        if self._released:
            return
        if self.audio is not None and self.audio.applied != (self._volume / 100, self._muted):
            self._apply_audio()  # the silent output appears only once sound is decoded
        pos = self._mp.get_time()
        if pos is not None and pos >= 0:
            if pos > 0:
                self._watchdog.stop()
            self._last_position = pos
            self.position_changed.emit(pos)

    # ---- the Player interface ---------------------------------------------------------------

    def video_widget(self) -> QWidget:
        return self._widget

    @property
    def _media_path(self) -> str:
        return getattr(self, "_path", "")

    def load(self, path: Path, subtitles: list[Path] | None = None) -> None:
        self._check_alive()
        self._wait_for_stop()
        self._mp.stop()
        self._poll.stop()
        self._watchdog.stop()
        if self._wanted_scale != self._engine_scale:
            log.info("new subtitle size %s%%: restarting libvlc", self._wanted_scale)
            self._stop_engine()
            self._start_engine()
        self._path = str(path)
        self._streams, self._last_position = 0, 0
        # GBK/UTF-16 subtitles become a cached UTF-8 copy: libvlc reads UTF-8 only
        self._subtitle_files = [playable_subtitle(Path(p)) for p in subtitles or []]
        if self.renderer is not None:
            self.renderer.source = str(path)  # vmem squares the pixels of this file
        media = self._instance.media_new_path(str(path))
        for i, sub in enumerate(self._subtitle_files):
            # first = preferred; libvlc probes the content, a file extension is not needed
            media.slaves_add(self.vlc.MediaSlaveType.subtitle, 4 if i == 0 else 1, sub.as_uri())
        self._mp.set_media(media)
        self._media = media
        if isinstance(self._widget, FrameView):
            self._widget.clear()
        self._set_state(STOPPED)

    def _bind_window(self) -> None:
        if self.mode != MODE_WINDOW or self._window_bound:
            return
        handle = self._widget.window_handle()
        if sys.platform.startswith("win"):
            self._mp.set_hwnd(handle)
        elif sys.platform == "darwin":
            self._mp.set_nsobject(handle)
        else:
            self._mp.set_xwindow(handle)
        self._window_bound = True

    def play(self) -> None:
        self._check_alive()
        self._wait_for_stop()
        if self._media is None:
            return
        self._bind_window()
        if self.state == PAUSED:
            self._mp.set_pause(0)
            return
        if self.state in (ENDED, ERROR):
            self._mp.stop()
            self._streams = 0
        if self.state != PLAYING:
            self._watchdog.start()
            if self._mp.play() == -1:
                self._fail("libvlc could not start playback")

    def pause(self) -> None:
        if self.state == PLAYING:
            self._mp.set_pause(1)

    def stop(self) -> None:
        """Stop playing. libvlc's stop waits for its decoder and video threads (0.2–0.6 s,
        seconds on a busy PC: benchmarks/ui_responsiveness.py), so it runs on a short-lived thread
        and the page changes at once; the next load/play/release waits for it to finish."""
        if self._released:
            return
        self._poll.stop()
        self._watchdog.stop()
        self._wait_for_stop()
        self._stopper = threading.Thread(target=self._mp.stop, name="libvlc-stop", daemon=True)
        self._stopper.start()
        self._set_state(STOPPED)

    def _wait_for_stop(self) -> None:
        """Let a background stop finish before the player is used again."""
        stopper, self._stopper = getattr(self, "_stopper", None), None
        if stopper is not None:
            stopper.join(STOP_JOIN_S)
            if stopper.is_alive():
                log.warning("libvlc did not stop within %s s", STOP_JOIN_S)

    def seek(self, ms: int) -> None:
        if self._released or self._media is None:
            return
        length = self.duration_ms()
        ms = max(0, int(ms))
        if length > 0:
            ms = min(ms, max(0, length - 500))
        if self.state in (ENDED, STOPPED):
            self.play()
        self._mp.set_time(ms)
        self._last_position = ms
        self.position_changed.emit(ms)

    def position_ms(self) -> int:
        if self._released:
            return self._last_position
        if self.state in (PLAYING, PAUSED):
            pos = self._mp.get_time()
            if pos is not None and pos >= 0:
                self._last_position = pos
        return self._last_position

    def duration_ms(self) -> int:
        if self._released:
            return 0
        length = self._mp.get_length()
        return max(0, length or 0)

    def set_rate(self, rate: float) -> None:
        if not self._released:
            self._mp.set_rate(self.clamp_rate(rate))

    def rate(self) -> float:
        return 1.0 if self._released else round(float(self._mp.get_rate()), 3)

    def set_volume(self, percent: int) -> None:
        self._volume = self.clamp_volume(percent)
        self._apply_audio()

    def volume(self) -> int:
        return self._volume

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self._apply_audio()

    def is_muted(self) -> bool:
        return self._muted

    def _apply_audio(self) -> None:
        """Hand volume and mute to libvlc (a no-op there until its sound output exists)."""
        if not self._released:
            self._mp.audio_set_volume(self._volume)
            self._mp.audio_set_mute(self._muted)

    def _subtitle_tracks(self) -> list[int]:
        tracks = self._mp.video_get_spu_description() or []
        return [tid for tid, _name in tracks if tid >= 0]

    def has_subtitles(self) -> bool:
        return bool(self._subtitle_files) or bool(self._subtitle_tracks())

    def set_subtitles_enabled(self, on: bool) -> None:
        self._want_subtitles = bool(on)
        self._apply_subtitle_choice()

    def subtitles_enabled(self) -> bool:
        return self._want_subtitles

    def _apply_subtitle_choice(self) -> None:
        if self._released or self.state not in (PLAYING, PAUSED):
            return
        tracks = self._subtitle_tracks()
        if not self._want_subtitles:
            self._mp.video_set_spu(-1)
        elif tracks and self._mp.video_get_spu() not in tracks:
            self._mp.video_set_spu(tracks[0])

    def release(self) -> None:
        if self._released:
            return
        self._poll.stop()
        self._watchdog.stop()
        self._stop_engine()  # synchronous: no callbacks run after this returns
        self._released = True
        log.info("libvlc player released")

    def _check_alive(self) -> None:
        if self._released:
            raise RuntimeError("the player was released")
