"""Sound that goes nowhere, for PCs (and tests) without a sound card: libvlc's "amem" output.

With ``--aout=dummy`` libvlc drops the sound but also ignores volume and mute, so nothing
could confirm that the volume control reaches libvlc. Here libvlc hands each decoded buffer to
a callback that throws it away, and tells a second callback the volume and mute it applies —
the same values a sound card would get. Like the vmem callbacks, these run on libvlc's audio
thread and must stay referenced while the player exists.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class SilentAudio:
    """Discards libvlc's sound and records the volume (0.0–2.0) and mute libvlc applies."""

    def __init__(self):
        self._lock = threading.Lock()
        self.buffers = 0  # sound buffers libvlc delivered (diagnostics and tests)
        self._applied: tuple[float, bool] | None = None
        self._callbacks: tuple = ()

    def attach(self, vlc_module, media_player) -> None:
        """Route ``media_player``'s sound here (before it starts playing)."""
        decorators = vlc_module.CallbackDecorators
        play = decorators.AudioPlayCb(self._play)
        set_volume = decorators.AudioSetVolumeCb(self._set_volume)
        self._callbacks = (play, set_volume)
        media_player.audio_set_callbacks(play, None, None, None, None, None)
        media_player.audio_set_volume_callback(set_volume)
        media_player.audio_set_format("S16N", 44100, 2)

    def _play(self, _opaque, _samples, _count, _pts) -> None:  # libvlc's audio thread
        with self._lock:
            self.buffers += 1

    def _set_volume(self, _opaque, volume: float, mute: bool) -> None:  # libvlc's audio thread
        try:
            with self._lock:
                self._applied = (float(volume), bool(mute))
        except Exception:  # never let an exception cross into C
            log.exception("volume callback failed")

    @property
    def applied(self) -> tuple[float, bool] | None:
        """(volume, muted) as libvlc last applied them to the sound, None before any sound."""
        with self._lock:
            return self._applied
