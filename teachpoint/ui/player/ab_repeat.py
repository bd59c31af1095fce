"""A–B repeat for language lessons: mark A, mark B, and the stretch between plays over and over.

One button (and one key, ``L``) steps through: set A → set B (playback jumps back to A and loops)
→ clear. :class:`ABRepeat` holds the points and does the looping; :class:`ABButton` shows the
state in the control bar. Looping is driven by the player's position reports (every 200 ms), and
by its ``ended`` signal when B lies at the very end of the file.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from teachpoint.ui.formatting import format_clock
from teachpoint.ui.player.base import ERROR, Player

log = logging.getLogger(__name__)

MIN_LOOP_MS = 1_000  # a B closer to A than this is moved to A + this


class ABRepeat(QObject):
    """The loop's two points; emits :attr:`changed` whenever they change."""

    changed = Signal()
    looped = Signal()  # jumped back to A (tests and diagnostics)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.player: Player | None = None
        self.point_a: int | None = None
        self.point_b: int | None = None
        self.loops = 0

    def attach(self, player: Player) -> None:
        """Follow ``player``'s position (call once per player)."""
        self.player = player
        player.position_changed.connect(self._position)

    @property
    def active(self) -> bool:
        """Both points are set: playback loops."""
        return self.point_a is not None and self.point_b is not None

    def press(self, position_ms: int | None = None) -> None:
        """The teacher pressed the button: set A, then set B (and jump to A), then clear."""
        if self.player is None or self.player.state == ERROR:
            return
        pos = self.player.position_ms() if position_ms is None else int(position_ms)
        if self.point_a is None:
            self.point_a = pos
            log.info("A–B repeat: A at %d ms", pos)
        elif self.point_b is None:
            a, b = sorted((self.point_a, pos))
            if b - a < MIN_LOOP_MS:
                b = a + MIN_LOOP_MS
            self.point_a, self.point_b = a, b
            log.info("A–B repeat: looping %d–%d ms", a, b)
            self.player.seek(a)
        else:
            self.clear()
            return
        self.changed.emit()

    def clear(self) -> None:
        if self.point_a is None and self.point_b is None:
            return
        self.point_a = self.point_b = None
        self.changed.emit()

    def _position(self, ms: int) -> None:
        if self.active and ms >= self.point_b:
            self.jump_back()

    def jump_back(self) -> bool:
        """Back to A if looping (also when the file ended inside the loop); True if it jumped."""
        if not self.active or self.player is None or self.player.state == ERROR:
            return False
        self.loops += 1
        self.player.seek(self.point_a)
        if not self.player.is_playing:
            self.player.play()
        self.looped.emit()
        return True


class ABButton(QPushButton):
    """Shows "A–B repeat", "A 00:12 → ?" or "Repeating 00:12–00:20"; click = :meth:`ABRepeat.press`."""

    def __init__(self, repeat: ABRepeat, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ABButton")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.repeat = repeat
        self.clicked.connect(lambda: self.repeat.press())
        repeat.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        r = self.repeat
        if r.active:
            self.setText(self.tr("Repeating {a}–{b}").format(a=format_clock(r.point_a),
                                                              b=format_clock(r.point_b)))
            self.setToolTip(self.tr("Playing the part between A and B again and again. "
                                    "Press again (L key) to stop repeating."))
        elif r.point_a is not None:
            self.setText(self.tr("A {a} → B?").format(a=format_clock(r.point_a)))
            self.setToolTip(self.tr("Start of the repeat is set. Press again (L key) at the end "
                                    "of the part to repeat."))
        else:
            self.setText(self.tr("Repeat A–B"))
            self.setToolTip(self.tr("Repeat a part: press (L key) at its start, press again at "
                                    "its end."))
        self.setChecked(r.point_a is not None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)
