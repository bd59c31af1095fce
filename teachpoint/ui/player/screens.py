"""Which screen full screen uses (the projector), and putting a window there.

With a projector plugged in a classroom PC has two screens; the teacher picks the one that full
screen should fill, and the choice is remembered in the setting :data:`SETTING_FULLSCREEN_SCREEN`
(the screen's name), read and written through the task helper (the GUI thread never waits on
SQLite). :class:`ScreenChooser` is the button (shown only while there is more than one screen); :class:`FullScreenPlacer` moves a window to a screen, makes it full screen, and puts
it back where it was afterwards.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QActionGroup, QGuiApplication, QScreen
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from teachpoint.ui.tasks import TaskManager
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

SETTING_FULLSCREEN_SCREEN = "ui_fullscreen_screen"


def screen_key(screen: QScreen) -> str:
    """What the setting stores: the screen's name (HDMI-1, DP-2…), or its place if it has none."""
    return screen.name() or f"screen-{QGuiApplication.screens().index(screen) + 1}"


def screen_named(key: str | None) -> QScreen | None:
    if not key:
        return None
    return next((s for s in QGuiApplication.screens() if screen_key(s) == key), None)


class ScreenChooser(QPushButton):
    """A button whose menu lists the screens; the chosen one is saved and used for full screen."""

    screen_chosen = Signal(str)

    def __init__(self, tasks: TaskManager | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.tasks = tasks or TaskManager(self)
        self.setObjectName("ScreenChooser")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.ws: Workspace | None = None
        self._session_choice: str | None = None  # kept for this run even if it cannot be saved
        self._saved: str | None = None  # the workspace's setting, once read in a worker
        self._last_ws: Workspace | None = None
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self._fill_menu)
        self.setMenu(self.menu_)
        app = QGuiApplication.instance()
        app.screenAdded.connect(lambda _s: self.refresh())
        app.screenRemoved.connect(lambda _s: self.refresh())
        self.retranslate()

    def retranslate(self) -> None:
        self.setToolTip(self.tr("Which screen full screen uses, e.g. the projector"))
        self.refresh()

    def set_workspace(self, ws: Workspace | None) -> None:
        """Use ``ws``'s saved choice; another data folder's is read in a worker (until it
        arrives, full screen uses the window's own screen)."""
        if ws is not None and ws is not self._last_ws:  # another data folder: its own choice
            self._session_choice, self._saved, self._last_ws = None, None, ws
            self.tasks.run(lambda: ws.setting(SETTING_FULLSCREEN_SCREEN), name="read-fullscreen-screen",
                           on_done=lambda name: self._saved_read(ws, name),
                           on_error=lambda exc: log.warning("full-screen screen not read: %s", exc))
        self.ws = ws
        self.refresh()

    def _saved_read(self, ws: Workspace, name: str | None) -> None:
        if ws is self._last_ws:
            self._saved = name
            self.refresh()

    def saved_name(self) -> str | None:
        return self._saved

    def chosen_screen(self) -> QScreen | None:
        """The chosen screen if it is connected now, else None (use the window's own screen)."""
        return screen_named(self._session_choice) or screen_named(self.saved_name())

    def choose(self, name: str) -> bool:
        """Use screen ``name`` for full screen from now on; False if it cannot be saved (a
        read-only library: it holds for this run only). The setting is written in a worker."""
        ws = self.ws
        saving = ws is not None and not ws.read_only
        if saving:
            self._saved = name
            self.tasks.run(lambda: ws.set_setting(SETTING_FULLSCREEN_SCREEN, name),
                           name="save-fullscreen-screen",
                           on_error=lambda exc: log.warning("full-screen screen not saved: %s", exc))
        self._session_choice = name
        self.refresh()
        self.screen_chosen.emit(name)
        return saving

    def refresh(self) -> None:
        screens = QGuiApplication.screens()
        self.setVisible(len(screens) > 1)
        chosen = self.chosen_screen()
        label = _describe(chosen) if chosen is not None else self.tr("automatic")
        self.setText(self.tr("Full screen on: {screen}").format(screen=label))

    def _fill_menu(self) -> None:
        self.menu_.clear()
        group = QActionGroup(self.menu_)
        chosen = self.chosen_screen()
        for screen in QGuiApplication.screens():
            action = self.menu_.addAction(_describe(screen))
            action.setCheckable(True)
            action.setActionGroup(group)
            action.setChecked(chosen is screen)
            action.triggered.connect(lambda _c=False, key=screen_key(screen): self.choose(key))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _describe(screen: QScreen) -> str:
    """``"HDMI-1 (1024×768)"``: the connector's name, and the size that tells the projector apart."""
    size = screen.geometry().size()
    return f"{screen_key(screen)} ({size.width()}×{size.height()})"


class FullScreenPlacer:
    """Full screen on a chosen screen, and back to the window's earlier place afterwards."""

    def __init__(self):
        self._geometry: QRect | None = None
        self._was_maximized = False

    def enter(self, window: QWidget, screen: QScreen | None) -> None:
        """``window.showFullScreen()`` on ``screen`` (None: the screen it is on)."""
        self._was_maximized = window.isMaximized()
        self._geometry = window.geometry()
        if screen is not None and window.screen() is not screen:
            if self._was_maximized:
                window.showNormal()
            window.setScreen(screen)
            target = screen.availableGeometry()
            window.move(target.topLeft())
        window.showFullScreen()

    def leave(self, window: QWidget) -> None:
        """Back to maximised or to the earlier place and size."""
        if self._was_maximized:
            if self._geometry is not None:
                window.showNormal()
                window.setGeometry(self._geometry)
            window.showMaximized()
        else:
            window.showNormal()
            if self._geometry is not None:
                window.setGeometry(self._geometry)
