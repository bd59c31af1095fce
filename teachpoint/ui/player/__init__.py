"""Playing lessons: the :class:`~teachpoint.ui.player.base.Player` interface and its backends.

Only libvlc exists today (:mod:`.vlc_backend`). A QtMultimedia backend (PySide6-Addons plays the
same MP4s offscreen, DESIGN §6) is the planned fallback for PCs without libvlc; until then
:func:`create_player` raises :class:`PlayerUnavailable` there and the page says so plainly.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from teachpoint.ui.player.base import Player, PlayerUnavailable

log = logging.getLogger(__name__)


def create_player(parent: QObject | None = None, mode: str | None = None) -> Player:
    """The best available player; raises :class:`PlayerUnavailable` if none can start."""
    from teachpoint.ui.player.vlc_backend import VlcPlayer

    return VlcPlayer(parent, mode=mode)


__all__ = ["Player", "PlayerUnavailable", "create_player"]
