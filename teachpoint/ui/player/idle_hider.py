"""Full screen gets out of the way: after :data:`IDLE_MS` without the mouse moving or a key, the
player's controls and the cursor hide; any movement, click, wheel or key brings them back.

:class:`IdleWatcher` watches the whole application's input (an event filter on the
QApplication, so movement over libvlc's own video window, which Qt sees through its parent,
counts too) and says when the page goes idle or wakes (:attr:`IdleWatcher.idle_changed`).
A move counts only if the pointer really moved: showing or hiding the controls under a still
pointer must not wake them again. Nothing hides while a menu (speed, screen) is open or while
``keep_awake()`` says so (the pointer resting on the controls).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QTimer, Signal
from PySide6.QtWidgets import QApplication

IDLE_MS = 3000
# a key that is a shortcut (Space, arrows, F…) never arrives as KeyPress: Qt offers it as
# ShortcutOverride first and the shortcut takes it
_WAKING = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.KeyPress,
           QEvent.Type.ShortcutOverride, QEvent.Type.Wheel)


class IdleWatcher(QObject):
    """Emits ``idle_changed(True)`` after a quiet spell while watching, ``False`` on activity."""

    idle_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, idle_ms: int = IDLE_MS, keep_awake=None):
        super().__init__(parent)
        self.keep_awake = keep_awake or (lambda: False)  # e.g. the pointer rests on the controls
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self._quiet)
        self._watching = False
        self._idle = False
        self._last_pos: QPointF | None = None

    @property
    def idle(self) -> bool:
        return self._idle

    @property
    def watching(self) -> bool:
        return self._watching

    def start(self) -> None:
        """Begin watching (full screen went on): the quiet spell starts now."""
        if not self._watching:
            self._watching = True
            QApplication.instance().installEventFilter(self)
        self.timer.start()

    def stop(self) -> None:
        """Stop watching (full screen went off); the controls come back."""
        if self._watching:
            self._watching = False
            QApplication.instance().removeEventFilter(self)
        self.timer.stop()
        self._set_idle(False)

    def wake(self) -> None:
        """Activity: show the controls and start the quiet spell again."""
        self._set_idle(False)
        if self._watching:
            self.timer.start()

    def _quiet(self) -> None:
        if QApplication.activePopupWidget() is not None or self.keep_awake():
            self.timer.start()  # a menu is open, or the teacher is about to press a control
            return
        self._set_idle(True)

    def _set_idle(self, idle: bool) -> None:
        if idle != self._idle:
            self._idle = idle
            self.idle_changed.emit(idle)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _WAKING:
            self.wake()
        elif kind == QEvent.Type.MouseMove:
            pos = event.globalPosition()
            if self._last_pos is None or (pos - self._last_pos).manhattanLength() > 2:
                self._last_pos = QPointF(pos)
                self.wake()
        return False
