"""The player page: the lesson's video, big controls, resume, full screen, plain-language errors.

Shown inside the main window (a page, so the teacher never hunts for a lost window). Keys:
Space play/pause, ←/→ ten seconds, ↑/↓ volume, M sound off/on, [ / ] slower/faster, L A–B
repeat, B bookmark, F11 or double-click full screen (on the screen chosen in the tool row, see
:meth:`PlayerView.fullscreen_screen`), Esc leaves full screen. A file that will not play offers
to download it again (:attr:`PlayerView.redownload_requested`).
It remembers where playback stopped (on pause, on leaving, every :data:`SAVE_EVERY_MS` of
playing — classroom PCs get switched off at the wall) and continues from there next time;
a start is counted once per opening (``teaching.record_play``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from teachpoint.library.home import RESUME_MIN_MS
from teachpoint.ui import queries
from teachpoint.ui.formatting import format_clock
from teachpoint.ui.player import PlayerUnavailable, create_player
from teachpoint.ui.player.ab_repeat import ABRepeat
from teachpoint.ui.player.base import ENDED, ERROR, PAUSED, PLAYING, Player
from teachpoint.ui.player.bookmarks_panel import BookmarksPanel
from teachpoint.ui.player.controls import ControlBar
from teachpoint.ui.player.tool_row import PlayerToolRow
from teachpoint.ui.queries import LessonInfo
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

STEP_MS = 10_000
RESUME_MARGIN_MS = 5_000  # stopped closer than this to the end: start from the beginning
RESUME_MARGIN_SHARE = 0.05  # … or closer than 5% of a short lesson's length
SAVE_EVERY_MS = 15_000


class PlayerView(QWidget):
    """Plays one lesson at a time; emits :attr:`closed` when the teacher goes back."""

    closed = Signal()
    fullscreen_changed = Signal(bool)
    redownload_requested = Signal(str)  # resource id of a lesson whose file will not play

    def __init__(self, parent: QWidget | None = None, player_factory=create_player):
        super().__init__(parent)
        self.setObjectName("PlayerPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._factory = player_factory
        self.player: Player | None = None
        self.unavailable: str | None = None
        self.ws: Workspace | None = None
        self.info: LessonInfo | None = None
        self.error_detail = ""
        self._counted = self._resumed = False
        self._saved_at = 0
        self._fullscreen = False

        self.header = QWidget()
        self.header.setObjectName("PlayerHeader")
        self.header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.back_button = QPushButton()
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = QLabel()
        self.title.setObjectName("PlayerTitle")
        self.resume_notice = QLabel()
        self.resume_notice.setObjectName("ResumeNotice")
        self.restart_button = QPushButton()
        self.restart_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hl = QHBoxLayout(self.header)
        hl.setContentsMargins(12, 8, 12, 8)
        hl.addWidget(self.back_button)
        hl.addSpacing(12)
        hl.addWidget(self.title, 1)
        hl.addWidget(self.resume_notice)
        hl.addWidget(self.restart_button)

        self.message = QLabel()
        self.message.setObjectName("VideoMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_back = QPushButton()
        self.message_back.setObjectName("PlayButton")
        self.redownload_button = QPushButton()
        self.redownload_button.setObjectName("RedownloadButton")
        self.redownload_button.hide()
        message_page = QWidget()
        ml = QVBoxLayout(message_page)
        ml.addStretch(1)
        ml.addWidget(self.message, 0, Qt.AlignmentFlag.AlignCenter)
        ml.addSpacing(20)
        ml.addWidget(self.message_back, 0, Qt.AlignmentFlag.AlignCenter)
        ml.addSpacing(12)
        ml.addWidget(self.redownload_button, 0, Qt.AlignmentFlag.AlignCenter)
        ml.addStretch(1)
        self.video_stack = QStackedWidget()
        self.video_stack.addWidget(message_page)  # page 0; the video widget becomes page 1

        self.controls = ControlBar()
        self.ab_repeat = ABRepeat(self)
        self.tools = PlayerToolRow(self.ab_repeat)
        self.bookmarks_panel = BookmarksPanel()
        self.bookmarks_panel.hide()
        self.bookmarks_panel.position_source = lambda: self.player.position_ms() if self.player else 0
        middle = QHBoxLayout()
        middle.setSpacing(0)
        middle.addWidget(self.video_stack, 1)
        middle.addWidget(self.bookmarks_panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addLayout(middle, 1)
        layout.addWidget(self.controls)
        layout.addWidget(self.tools)

        self.back_button.clicked.connect(lambda: self.close_lesson())  # not clicked(bool) → emit
        self.message_back.clicked.connect(lambda: self.close_lesson())
        self.restart_button.clicked.connect(lambda: self.restart())
        self.controls.toggle_clicked.connect(self.toggle)
        self.controls.back_clicked.connect(lambda: self.step(-STEP_MS))
        self.controls.forward_clicked.connect(lambda: self.step(STEP_MS))
        self.controls.seek_requested.connect(self.seek)
        self.controls.subtitles_toggled.connect(self._subtitles_toggled)
        self.controls.fullscreen_clicked.connect(self.toggle_fullscreen)
        self.redownload_button.clicked.connect(lambda: self.request_redownload())
        self.tools.add_bookmark_clicked.connect(self.add_bookmark)
        self.tools.bookmarks_toggled.connect(self.bookmarks_panel.setVisible)
        self.bookmarks_panel.jump_requested.connect(self.seek)
        self._shortcut(Qt.Key.Key_Space, self.toggle)
        self._shortcut(Qt.Key.Key_F11, self.toggle_fullscreen)
        self._shortcut(Qt.Key.Key_Escape, lambda: self.set_fullscreen(False))
        self._shortcut(Qt.Key.Key_Left, lambda: self.step(-STEP_MS))
        self._shortcut(Qt.Key.Key_Right, lambda: self.step(STEP_MS))
        self._shortcut(Qt.Key.Key_Up, lambda: self.tools.step_volume(1))
        self._shortcut(Qt.Key.Key_Down, lambda: self.tools.step_volume(-1))
        self._shortcut(Qt.Key.Key_M, self.tools.toggle_mute)
        self._shortcut(Qt.Key.Key_BracketLeft, lambda: self.tools.step_speed(-1))
        self._shortcut(Qt.Key.Key_BracketRight, lambda: self.tools.step_speed(1))
        self._shortcut(Qt.Key.Key_L, self.press_ab)
        self._shortcut(Qt.Key.Key_B, self.add_bookmark)
        self.retranslate()

    def _shortcut(self, key, slot) -> None:
        sc = QShortcut(QKeySequence(key), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(slot)

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("← Back to the lessons"))
        self.restart_button.setText(self.tr("Start from the beginning"))
        self.message_back.setText(self.tr("← Back to the lessons"))
        self.redownload_button.setText(self.tr("Download this lesson again"))
        self.redownload_button.setToolTip(self.tr("Fetch a fresh copy of this lesson the next "
                                                  "time the computer syncs (or from a USB stick)"))

    # ---- the engine -------------------------------------------------------------------------

    def ensure_player(self) -> Player | None:
        """Create the player on first use; None (and a message) if this PC cannot play."""
        if self.player is not None or self.unavailable is not None:
            return self.player
        try:
            self.player = self._factory(self)
        except PlayerUnavailable as exc:
            self.unavailable = str(exc)
            log.error("no player: %s", exc)
            return None
        widget = self.player.video_widget()
        widget.double_clicked.connect(self.toggle_fullscreen)
        self.video_stack.addWidget(widget)
        p = self.player
        p.state_changed.connect(self._state_changed)
        p.position_changed.connect(self._position_changed)
        p.duration_changed.connect(lambda d: self.controls.set_times(p.position_ms(), d))
        p.ended.connect(self._ended)
        p.error.connect(self._failed)
        self.ab_repeat.attach(p)
        self.tools.bind(p)
        return p

    # ---- opening and closing ----------------------------------------------------------------

    def open_lesson(self, ws: Workspace, info: LessonInfo) -> bool:
        """Start playing ``info``; False (with a message on the page) if it cannot play."""
        if self.info is not None:
            self.close_lesson(emit=False)
        self.ws, self.info = ws, info
        self._counted = self._resumed = False
        self._saved_at = info.position_ms
        self.error_detail = ""
        self.title.setText(info.title)
        self.resume_notice.hide()
        self.restart_button.hide()
        self.controls.set_times(0, int((info.duration or 0) * 1000))
        self.redownload_button.hide()
        self.ab_repeat.clear()
        self.bookmarks_panel.set_lesson(ws, info.resource_id)
        self.tools.screen_chooser.set_workspace(ws)
        player = self.ensure_player()
        self.controls.set_subtitles_available(
            bool(info.subtitles) and (player is None or player.subtitle_files_supported))
        if player is None:
            self._show_message(self.tr(
                "This computer is missing the video player component (VLC), so lessons cannot "
                "be played yet.\nPlease ask the school's IT contact to install VLC."), self.unavailable)
            return False
        if info.main_path is None:
            self._show_message(self._cannot_play_text(), "the lesson file is not in the store")
            self._offer_redownload()
            return False
        self.tools.new_lesson()
        self.video_stack.setCurrentWidget(player.video_widget())
        self.controls.show()
        self.tools.show()
        player.set_subtitles_enabled(self.controls.subtitles.isChecked())
        player.load(info.main_path, [path for _lang, path in info.subtitles])
        player.play()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        log.info("playing %s (%s)", info.resource_id, info.title)
        return True

    def close_lesson(self, emit: bool = True) -> None:
        """Remember the position, stop, and go back (``closed``)."""
        if self.info is not None and self.player is not None:
            self._save_position()
            self.player.stop()
        self.set_fullscreen(False)
        self.ab_repeat.clear()
        self.tools.screen_chooser.set_workspace(None)
        self.info = None
        if emit:
            self.closed.emit()

    def shutdown(self) -> None:
        """Save and free the engine (the app is quitting)."""
        self.close_lesson(emit=False)
        if self.player is not None:
            self.player.release()

    def _save_position(self, finished: bool = False) -> None:
        if self.ws is None or self.info is None or self.player is None:
            return
        if self.player.state == ERROR:
            return
        position = 0 if finished or self.player.state == ENDED else self.player.position_ms()
        try:
            queries.save_position(self.ws, self.info.resource_id, position, finished=finished)
            self._saved_at = position
            self.info.position_ms = position
        except Exception:  # a full disk must not break playing
            log.exception("could not save the position of %s", self.info.resource_id)

    # ---- controls ---------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.player is not None and self.info is not None and self.player.state != ERROR:
            self.player.toggle()

    def step(self, delta_ms: int) -> None:
        if self.player is not None and self.info is not None and self.player.state != ERROR:
            self.seek(self.player.position_ms() + delta_ms)

    def seek(self, ms: int) -> None:
        if self.player is not None and self.info is not None and self.player.state != ERROR:
            self.player.seek(ms)

    def restart(self) -> None:
        self.resume_notice.hide()
        self.restart_button.hide()
        self.seek(0)

    def press_ab(self) -> None:
        """L key / A–B button: set A, set B, clear."""
        if self.player is not None and self.info is not None and not self.showing_message:
            self.ab_repeat.press()

    def add_bookmark(self) -> None:
        """B key / "+ Bookmark": mark the current moment and show the list."""
        if self.player is None or self.info is None or self.showing_message:
            return
        self.bookmarks_panel.add_here(self.player.position_ms())
        self.tools.show_bookmarks.setChecked(True)  # the list, or why it could not be saved

    def _offer_redownload(self) -> None:
        if self.ws is not None and not self.ws.read_only and self.info is not None:
            self.redownload_button.setEnabled(True)
            self.retranslate()
            self.redownload_button.show()

    def request_redownload(self) -> None:
        """Ask for a fresh copy of the lesson (the main window hands it to sync)."""
        if self.info is None:
            return
        log.info("re-download requested for %s", self.info.resource_id)
        self.redownload_button.setEnabled(False)
        self.redownload_button.setText(self.tr("Asked to download it again"))
        self.redownload_requested.emit(self.info.resource_id)

    def _subtitles_toggled(self, on: bool) -> None:
        if self.player is not None:
            self.player.set_subtitles_enabled(on)

    # ---- what the player tells us -----------------------------------------------------------

    def _state_changed(self, state: str) -> None:
        self.controls.set_state(state)
        if self.info is None:
            return
        if state == PLAYING:
            if not self._counted:
                self._counted = True
                self._record_play()
            if not self._resumed:
                self._resumed = True
                self._resume_if_wanted()
        elif state == PAUSED:
            self._save_position()

    def _record_play(self) -> None:
        try:
            queries.record_play(self.ws, self.info.resource_id)
        except Exception:
            log.exception("could not count the play of %s", self.info.resource_id)

    def _resume_if_wanted(self) -> None:
        pos, info = self.info.position_ms, self.info
        duration = self.player.duration_ms() or int((info.duration or 0) * 1000)
        margin = min(RESUME_MARGIN_MS, int(duration * RESUME_MARGIN_SHARE)) if duration else RESUME_MARGIN_MS
        if pos < RESUME_MIN_MS or (duration and pos >= duration - margin):  # not started / done
            return
        self.player.seek(pos)
        self.resume_notice.setText(self.tr("Continuing from {t}, where you stopped last time")
                                   .format(t=format_clock(pos)))
        self.resume_notice.show()
        self.restart_button.show()

    def _position_changed(self, ms: int) -> None:
        self.controls.set_times(ms, self.player.duration_ms() if self.player else 0)
        if self.player is not None and self.player.state == PLAYING and abs(ms - self._saved_at) >= SAVE_EVERY_MS:
            self._save_position()

    def _ended(self) -> None:
        if self.ab_repeat.jump_back():  # B was at the very end: keep repeating
            return
        self._save_position(finished=True)
        self.set_fullscreen(False)

    def _failed(self, detail: str) -> None:
        self.error_detail = detail
        self._show_message(self._cannot_play_text(), detail)
        self._offer_redownload()

    def _cannot_play_text(self) -> str:
        return self.tr("This lesson cannot be played.\nThe file may be damaged or in a format this "
                       "computer cannot play.\nPlease choose another lesson, or ask the school's "
                       "IT contact to check this one.")

    def _show_message(self, text: str, detail: str | None) -> None:
        self.set_fullscreen(False)
        self.message.setText(text)
        self.message.setToolTip(detail or "")
        self.video_stack.setCurrentIndex(0)
        self.controls.hide()
        self.tools.hide()
        self.redownload_button.hide()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def showing_message(self) -> bool:
        return self.video_stack.currentIndex() == 0

    # ---- full screen ------------------------------------------------------------------------

    @property
    def is_fullscreen(self) -> bool:
        return self._fullscreen

    def fullscreen_screen(self) -> QScreen | None:
        """The screen full screen should fill (the teacher's choice), None = the window's own."""
        return self.tools.screen_chooser.chosen_screen()

    def toggle_fullscreen(self) -> None:
        self.set_fullscreen(not self._fullscreen)

    def set_fullscreen(self, on: bool) -> None:
        """Hide the header and ask the window to go full screen (or back)."""
        if on and (self.info is None or self.showing_message):
            return
        if on == self._fullscreen:
            return
        self._fullscreen = on
        self.header.setVisible(not on)
        self.controls.set_fullscreen(on)
        self.fullscreen_changed.emit(on)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
