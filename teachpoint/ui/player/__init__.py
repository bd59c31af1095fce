"""Playing lessons: the :class:`~teachpoint.ui.player.base.Player` interface and its backends.

Two backends: libvlc (:mod:`.vlc_backend`, preferred: plays almost anything, shows .srt
subtitles) and QtMultimedia (:mod:`.qtmm_backend`, PySide6-Addons with Qt's FFmpeg plugin), used
when libvlc is missing — python-vlc cannot be imported or libvlc cannot be started.
``TEACHPOINT_PLAYER=vlc|qt|auto`` (or ``create_player(backend=...)``) forces one; ``auto`` is
the default. A forced backend that cannot start is not replaced by the other.
:func:`warm_up_player` (in a worker, once the app is open) loads libvlc ahead of the first lesson.
"""

from __future__ import annotations

import importlib
import logging
import os

from PySide6.QtCore import QObject

from teachpoint.ui.player import vlc_setup
from teachpoint.ui.player.base import Player, PlayerUnavailable

log = logging.getLogger(__name__)

ENV_PLAYER = "TEACHPOINT_PLAYER"
BACKEND_VLC, BACKEND_QT, BACKEND_AUTO = "vlc", "qt", "auto"


def _start(backend: str, parent: QObject | None, mode: str | None) -> Player:
    if backend == BACKEND_QT:
        from teachpoint.ui.player.qtmm_backend import QtMediaPlayer

        return QtMediaPlayer(parent, mode=mode)
    from teachpoint.ui.player.vlc_backend import VlcPlayer

    return VlcPlayer(parent, mode=mode)


def chosen_backends(backend: str | None = None) -> list[str]:
    """The backends to try, in order: the argument, else ``TEACHPOINT_PLAYER``, else libvlc then Qt."""
    choice = (backend or os.environ.get(ENV_PLAYER, "") or BACKEND_AUTO).strip().lower()
    if choice in (BACKEND_VLC, BACKEND_QT):
        return [choice]
    if choice != BACKEND_AUTO:
        log.warning("unknown player backend %r (use vlc, qt or auto); trying all", choice)
    return [BACKEND_VLC, BACKEND_QT]


def create_player(parent: QObject | None = None, mode: str | None = None,
                  backend: str | None = None) -> Player:
    """The best available player; raises :class:`PlayerUnavailable` if none can start.

    ``mode`` ("window"/"vmem") applies to libvlc only.
    """
    reasons = []
    for name in chosen_backends(backend):
        try:
            player = _start(name, parent, mode)
        except PlayerUnavailable as exc:
            log.warning("player backend %s unavailable: %s", name, exc)
            reasons.append(str(exc))
            continue
        if reasons:
            log.info("using the %s player instead (%s)", name, "; ".join(reasons))
        return player
    raise PlayerUnavailable("; ".join(reasons))


def warm_up_player() -> None:
    """Worker: import the libvlc backend and python-vlc (which loads libvlc) and load libvlc's
    plugins ahead of time, held while the app runs (:func:`let_player_cool` at shutdown), so the
    teacher's first 播放 does not wait for them on the GUI thread (``benchmarks/startup.py``,
    "first player"). Raises :class:`PlayerUnavailable` without libvlc; nothing to do when the Qt
    player is forced."""
    if BACKEND_VLC not in chosen_backends():
        return
    importlib.import_module("teachpoint.ui.player.vlc_backend")  # Qt's module checks: ~0.1 s
    vlc_setup.hold_plugins()


def let_player_cool() -> None:
    """Let go of what :func:`warm_up_player` holds (at shutdown, after the workers finished)."""
    vlc_setup.release_plugins()


__all__ = ["ENV_PLAYER", "Player", "PlayerUnavailable", "chosen_backends", "create_player",
           "let_player_cool", "warm_up_player"]
