"""The player page's keys, VLC-like, and the short on-screen note some of them leave.

Space play/pause, ←/→ ten seconds, ↑/↓ volume, M sound off/on, [ / ] slower/faster, L A–B
repeat, B bookmark, F or F11 full screen, Esc leaves full screen. Keys that change what the class
hears or where the lesson is say so over the picture (``page.chrome.note``), since in full screen
the controls that would show it may be hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

STEP_MS = 10_000


class PlayerKeys(QObject):
    """Installs the shortcuts on ``page`` (a :class:`~.player_window.PlayerView`) and runs them."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        tools = page.tools
        for key, slot in (
                (Qt.Key.Key_Space, page.toggle),
                (Qt.Key.Key_F11, page.toggle_fullscreen),
                (Qt.Key.Key_F, page.toggle_fullscreen),
                (Qt.Key.Key_Escape, lambda: page.set_fullscreen(False)),
                (Qt.Key.Key_Left, lambda: self.step(-STEP_MS)),
                (Qt.Key.Key_Right, lambda: self.step(STEP_MS)),
                (Qt.Key.Key_Up, lambda: self.volume(1)),
                (Qt.Key.Key_Down, lambda: self.volume(-1)),
                (Qt.Key.Key_M, self.mute),
                (Qt.Key.Key_BracketLeft, lambda: self.speed(-1)),
                (Qt.Key.Key_BracketRight, lambda: self.speed(1)),
                (Qt.Key.Key_L, page.press_ab),
                (Qt.Key.Key_B, page.add_bookmark)):
            shortcut = QShortcut(QKeySequence(key), page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.tools = tools

    def step(self, delta_ms: int) -> None:
        if self.page.step(delta_ms):
            self.page.chrome.note(self.tr("Ahead 10 s") if delta_ms > 0 else self.tr("Back 10 s"))

    def volume(self, direction: int) -> None:
        value = self.tools.step_volume(direction)
        self.page.chrome.note(self.tr("Volume {n}%").format(n=value))

    def mute(self) -> None:
        muted = self.tools.toggle_mute()
        self.page.chrome.note(self.tr("Sound off") if muted else self.tr("Sound on"))

    def speed(self, direction: int) -> None:
        rate = self.tools.step_speed(direction)
        self.page.chrome.note(self.tr("Speed {rate}×").format(rate=f"{rate:g}"))
