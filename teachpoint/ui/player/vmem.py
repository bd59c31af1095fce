"""libvlc "vmem" output: libvlc decodes into our buffer, frames go to the GUI thread as QImages.

Used when there is no window system to embed into (``QT_QPA_PLATFORM=offscreen``, Wayland) —
window embedding without a display makes VLC crash (DESIGN §6). The four ctypes callbacks run on
libvlc's video thread; they must stay referenced for as long as the player exists, or libvlc
calls freed memory. At most one "frame ready" notification is queued at a time, and the GUI
always takes the newest frame, so a slow GUI drops frames instead of piling them up.

vmem is told the stored size only (720×576 for a 4:3 PAL picture), not the pixels' shape, so
the format callback asks ffprobe for the sample aspect ratio of :attr:`VmemRenderer.source` and
has libvlc scale the frames to square pixels (768×576).
"""

from __future__ import annotations

import ctypes
import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QImage

from teachpoint.publish.media import MediaError, probe

log = logging.getLogger(__name__)

ALIGN = 32  # libvlc wants pitches, line counts and plane addresses aligned to 32
CHROMA = b"RV32"  # 32-bit BGRX in memory = QImage.Format_RGB32 on little-endian PCs
MAX_WIDTH = 1920  # bigger pictures are scaled down by libvlc (vmem copies every frame)

_UINT_P = ctypes.POINTER(ctypes.c_uint)
FormatCb = ctypes.CFUNCTYPE(ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
                            _UINT_P, _UINT_P, _UINT_P, _UINT_P)
CleanupCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
LockCb = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
UnlockCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
DisplayCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


def _align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


class VmemRenderer(QObject):
    """Owns the frame buffer and the callbacks; emits :attr:`frame_ready` on the GUI thread."""

    frame_ready = Signal(QImage)
    _frame_waiting = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._buffer = None
        self._address = 0
        self._width = self._height = self._pitch = 0
        self._latest: QImage | None = None
        self._notified = False
        self.frames = 0  # frames libvlc displayed (for diagnostics and tests)
        self.source = ""  # the file being played: its pixel shape is asked of ffprobe
        self._shape: tuple[str, tuple[int, int]] = ("", (1, 1))  # (source, sample aspect) cache
        # Keep references: libvlc holds only raw function pointers to these.
        self._callbacks = (FormatCb(self._format), CleanupCb(self._cleanup), LockCb(self._lock_cb),
                           UnlockCb(self._unlock_cb), DisplayCb(self._display))
        self._frame_waiting.connect(self._deliver)  # queued: emitted on libvlc's thread

    def attach(self, vlc_module, media_player) -> None:
        """Route ``media_player``'s video into this renderer (before it starts playing)."""
        fmt, cleanup, lock, unlock, display = self._callbacks
        set_callbacks = vlc_module.dll["libvlc_video_set_callbacks"]
        set_callbacks.argtypes = [ctypes.c_void_p, LockCb, UnlockCb, DisplayCb, ctypes.c_void_p]
        set_callbacks.restype = None
        set_format = vlc_module.dll["libvlc_video_set_format_callbacks"]
        set_format.argtypes = [ctypes.c_void_p, FormatCb, CleanupCb]
        set_format.restype = None
        handle = media_player._as_parameter_
        set_callbacks(handle, lock, unlock, display, None)
        set_format(handle, fmt, cleanup)

    # ---- libvlc's video thread ------------------------------------------------------------------

    def _format(self, _opaque, chroma, width, height, pitches, lines) -> int:
        try:
            w, h = int(width[0]), int(height[0])
            if w <= 0 or h <= 0:
                return 0
            w = self._square_width(w)
            if w > MAX_WIDTH:
                h, w = max(1, h * MAX_WIDTH // w), MAX_WIDTH
            ctypes.memmove(chroma, CHROMA, 4)
            pitch, rows = _align(w * 4), _align(h)
            width[0], height[0], pitches[0], lines[0] = w, h, pitch, rows
            with self._lock:
                self._buffer = ctypes.create_string_buffer(pitch * rows + ALIGN)
                base = ctypes.addressof(self._buffer)
                self._address = _align(base)
                self._width, self._height, self._pitch = w, h, pitch
            log.debug("vmem format %dx%d pitch %d", w, h, pitch)
            return 1
        except Exception:  # never let an exception cross into C
            log.exception("vmem format callback failed")
            return 0

    def _square_width(self, width: int) -> int:
        """The width that makes the source's pixels square (libvlc scales to it)."""
        source = self.source
        if self._shape[0] != source:
            try:
                self._shape = (source, probe(source).sample_aspect if source else (1, 1))
            except MediaError as exc:
                log.debug("no pixel shape for %s: %s", source, exc)
                self._shape = (source, (1, 1))
        num, den = self._shape[1]
        return max(1, round(width * num / den))

    def _cleanup(self, _opaque) -> None:
        with self._lock:
            self._buffer, self._address = None, 0

    def _lock_cb(self, _opaque, planes):
        planes[0] = self._address
        return None

    def _unlock_cb(self, _opaque, _picture, _planes) -> None:
        return None

    def _display(self, _opaque, _picture) -> None:
        try:
            with self._lock:
                if not self._address:
                    return
                data = ctypes.string_at(self._address, self._pitch * self._height)
                image = QImage(data, self._width, self._height, self._pitch,
                               QImage.Format.Format_RGB32).copy()
                self._latest = image
                self.frames += 1
                notify = not self._notified
                self._notified = True
            if notify:
                self._frame_waiting.emit()
        except Exception:
            log.exception("vmem display callback failed")

    # ---- GUI thread -------------------------------------------------------------------------------

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            image, self._latest, self._notified = self._latest, None, False
        if image is not None:
            self.frame_ready.emit(image)

    @property
    def callbacks(self) -> tuple:
        return self._callbacks
