"""Finding and starting libvlc: the video output mode, libvlc's arguments, a bundled libvlc.

Kept apart from :mod:`.vlc_backend` (the player itself) so the backend stays readable.
:func:`hold_plugins` loads libvlc and its plugins in a worker and keeps them loaded, so the
instances the player makes on the GUI thread (the first lesson, a new subtitle size) start fast.
``TEACHPOINT_VIDEO_OUTPUT=window|vmem`` overrides the video output chosen for the platform;
``TEACHPOINT_NO_AUDIO=1`` sends sound nowhere (tests, CI, PCs without a sound card).
"""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtGui import QGuiApplication

from teachpoint.resources import use_bundled_libvlc
from teachpoint.ui.player.base import PlayerUnavailable

ENV_NO_AUDIO = "TEACHPOINT_NO_AUDIO"
ENV_VIDEO_OUTPUT = "TEACHPOINT_VIDEO_OUTPUT"  # "window" or "vmem" to override the choice
MODE_WINDOW, MODE_VMEM = "window", "vmem"
WINDOW_PLATFORMS = ("xcb", "windows", "cocoa")
# A CJK font every such PC has: Windows ships Microsoft YaHei, our Debian set-up Noto Sans CJK.
SUBTITLE_FONT = "Microsoft YaHei" if sys.platform == "win32" else "Noto Sans CJK SC"


def choose_video_mode() -> str:
    """Window embedding where Qt runs on a real window system, vmem everywhere else."""
    forced = os.environ.get(ENV_VIDEO_OUTPUT, "").strip().lower()
    if forced in (MODE_WINDOW, MODE_VMEM):
        return forced
    return MODE_WINDOW if QGuiApplication.platformName() in WINDOW_PLATFORMS else MODE_VMEM


def no_audio_wanted() -> bool:
    return os.environ.get(ENV_NO_AUDIO) == "1"


def vlc_arguments(no_audio: bool | None = None, subtitle_scale: int = 100) -> list[str]:
    """libvlc's start arguments; ``subtitle_scale`` is the subtitle text size in percent."""
    args = ["--quiet", "--no-video-title-show", "--no-snapshot-preview", "--no-stats",
            f"--freetype-font={SUBTITLE_FONT}", "--no-sub-autodetect-file",
            f"--sub-text-scale={int(subtitle_scale)}"]
    if sys.platform.startswith("linux"):
        args.append("--no-xlib")  # Qt's X connection is not Xlib-thread-safe; libvlc uses xcb
    if no_audio if no_audio is not None else no_audio_wanted():
        args.append("--aout=dummy")
    return args


def load_vlc():
    """Import python-vlc and return the module, or raise :class:`PlayerUnavailable` with the reason."""
    use_bundled_libvlc()
    try:
        import vlc  # noqa: PLC0415 - only when a player is wanted
    except (ImportError, OSError) as exc:
        raise PlayerUnavailable(f"libvlc cannot be loaded: {exc}") from exc
    return vlc


_holder_lock = threading.Lock()
_holder = None  # an idle libvlc instance, kept only so that libvlc keeps its plugins loaded


def hold_plugins() -> None:
    """Load libvlc and its plugin bank now and keep them loaded until :func:`release_plugins`.

    For a worker thread (the main window calls it once the library is open). ``libvlc_new``
    reads the plugin bank when no other instance is alive — 0.1–0.15 s of CPU on this machine,
    more on a school PC — and ~8 ms while one is, so with this idle instance alive the player's
    own instances cost the GUI thread little. Raises :class:`PlayerUnavailable` without libvlc.
    """
    global _holder
    vlc = load_vlc()
    with _holder_lock:
        if _holder is not None:
            return
        instance = vlc.Instance(vlc_arguments())
        if instance is None:
            raise PlayerUnavailable("libvlc cannot be started (is VLC installed?)")
        _holder = instance


def plugins_held() -> bool:
    """True while :func:`hold_plugins` keeps libvlc's plugins loaded."""
    with _holder_lock:
        return _holder is not None


def release_plugins() -> None:
    """Let libvlc unload its plugins once the player's instances are gone too (at shutdown)."""
    global _holder
    with _holder_lock:
        instance, _holder = _holder, None
    if instance is not None:
        instance.release()
