"""The player page: the lesson's video, big controls, resume, full screen, plain-language errors.

Shown inside the main window (a page, so the teacher never hunts for a lost window). Keys:
Space play/pause, ←/→ ten seconds, ↑/↓ volume, M sound off/on, [ / ] slower/faster, L A–B
repeat, B bookmark, F, F11 or double-click full screen (on the screen chosen in the tool row, see
:meth:`PlayerView.fullscreen_screen`), Esc leaves full screen. Keys that change the volume or
jump show a short on-screen note (:class:`~.osd.OsdLabel`). In full screen the controls and the
cursor hide after three still seconds (:class:`~.idle_hider.IdleWatcher`).

The black area shows one of: the video, the audio view (audio lessons: title and progress, no
full screen), the end card (下一课 / 重新播放 / 返回; full screen stays on) or a message (a file
that will not play: why, and 重新下载 — never a black screen, never "watched"). Plays and positions
are written by :class:`~.lesson_progress.LessonProgress`, off the GUI thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget)

from teachpoint.library.home import RESUME_MIN_MS
from teachpoint.ui.formatting import format_clock
from teachpoint.ui.player import PlayerUnavailable, create_player
from teachpoint.ui.player.ab_repeat import ABRepeat
from teachpoint.ui.player.audio_view import AudioView
from teachpoint.ui.player.base import ENDED, ERROR, PAUSED, PLAYING, Player
from teachpoint.ui.player.bookmarks_panel import BookmarksPanel
from teachpoint.ui.player.controls import ControlBar
from teachpoint.ui.player.end_card import EndCard
from teachpoint.ui.player.fullscreen_chrome import FullScreenChrome
from teachpoint.ui.player.lesson_progress import LessonProgress
from teachpoint.ui.player.message_page import MessagePage
from teachpoint.ui.player.player_keys import STEP_MS, PlayerKeys
from teachpoint.ui.player.player_header import PlayerHeader
from teachpoint.ui.player.subtitle_size import SETTING_SUBTITLE_SIZE
from teachpoint.ui.player.tool_row import PlayerToolRow
from teachpoint.ui.queries import LessonInfo
from teachpoint.ui.tasks import TaskManager
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

RESUME_MARGIN_MS = 5_000  # stopped closer than this to the end: start from the beginning
RESUME_MARGIN_SHARE = 0.05  # … or closer than 5% of a short lesson's length


def resume_point(position_ms: int, duration_ms: int) -> int | None:
    """Where a lesson stopped at ``position_ms`` continues, or None to start from the beginning
    (hardly started, or stopped at the very end)."""
    margin = (min(RESUME_MARGIN_MS, int(duration_ms * RESUME_MARGIN_SHARE)) if duration_ms
              else RESUME_MARGIN_MS)
    if position_ms < RESUME_MIN_MS or (duration_ms and position_ms >= duration_ms - margin):
        return None
    return position_ms


class PlayerView(QWidget):
    """Plays one lesson at a time; emits :attr:`closed` when the teacher goes back."""

    closed = Signal()
    progress_saved = Signal()  # after ``closed``: the closed lesson's position is in the catalogue
    fullscreen_changed = Signal(bool)
    redownload_requested = Signal(str)  # resource id of a lesson whose file will not play
    next_requested = Signal(str)  # 下一课 on the end card: the resource id to open

    def __init__(self, parent: QWidget | None = None, player_factory=create_player,
                 tasks: TaskManager | None = None):
        super().__init__(parent)
        self.setObjectName("PlayerPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._factory = player_factory
        self.tasks = tasks or TaskManager(self)
        self.player: Player | None = None
        self.unavailable: str | None = None
        self.ws: Workspace | None = None
        self.info: LessonInfo | None = None
        self.error_detail = ""
        self._resumed = False
        self._seek_on_play: int | None = None
        self._fullscreen = False
        self.progress = LessonProgress(self.tasks, self)  # before the bookmarks panel: its writer

        self.header = PlayerHeader()
        self.back_button, self.title = self.header.back_button, self.header.title
        self.resume_notice, self.restart_button = self.header.resume_notice, self.header.restart_button
        self.subtitle_size = self.header.subtitle_size

        self.message_page = MessagePage()
        self.message, self.message_back = self.message_page.message, self.message_page.back
        self.redownload_button = self.message_page.redownload
        self.end_card = EndCard()
        self.audio_view = AudioView()
        self.video_stack = QStackedWidget()
        for page in (self.message_page, self.end_card, self.audio_view):
            self.video_stack.addWidget(page)  # the video widget is added when the engine starts

        self.controls = ControlBar()
        self.ab_repeat = ABRepeat(self)
        self.tools = PlayerToolRow(self.ab_repeat, self.tasks)
        self.bookmarks_panel = BookmarksPanel()
        self.bookmarks_panel.hide()
        self.bookmarks_panel.position_source = lambda: self.player.position_ms() if self.player else 0
        self.bookmarks_panel.writer = self.progress.writer
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
        self.chrome = FullScreenChrome(self, [self.controls, self.tools])
        self.keys = PlayerKeys(self)
        self._connect()

    def _connect(self) -> None:
        self.back_button.clicked.connect(lambda: self.close_lesson())  # not clicked(bool) → emit
        self.message_page.back_clicked.connect(self.close_lesson)
        self.message_page.redownload_clicked.connect(self.request_redownload)
        self.message_page.redownload_requested.connect(self.redownload_requested)
        self.end_card.back_clicked.connect(self.close_lesson)
        self.end_card.replay_clicked.connect(self.replay)
        self.end_card.next_clicked.connect(self.next_requested)
        self.restart_button.clicked.connect(lambda: self.restart())
        self.controls.toggle_clicked.connect(self.toggle)
        self.controls.back_clicked.connect(lambda: self.step(-STEP_MS))
        self.controls.forward_clicked.connect(lambda: self.step(STEP_MS))
        self.controls.seek_requested.connect(self.seek)
        self.controls.subtitles_toggled.connect(self._subtitles_toggled)
        self.controls.fullscreen_clicked.connect(self.toggle_fullscreen)
        self.tools.add_bookmark_clicked.connect(self.add_bookmark)
        self.tools.bookmarks_toggled.connect(self.bookmarks_panel.setVisible)
        self.subtitle_size.size_chosen.connect(self._subtitle_size_chosen)
        self.bookmarks_panel.jump_requested.connect(self.seek)

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
        self.chrome.set_video(widget)
        p = self.player
        p.state_changed.connect(self._state_changed)
        p.position_changed.connect(self._position_changed)
        p.duration_changed.connect(lambda d: self._show_times(p.position_ms(), d))
        p.ended.connect(self._ended)
        p.error.connect(self._failed)
        self.ab_repeat.attach(p)
        self.tools.bind(p)
        return p

    # ---- opening and closing ----------------------------------------------------------------

    def open_lesson(self, ws: Workspace, info: LessonInfo) -> bool:
        """Start playing ``info``; False (with a message on the page) if it cannot play."""
        self._stop_lesson()  # full screen stays on: 下一课 keeps the class's picture full
        self.ws, self.info = ws, info
        self._resumed = False
        self.progress.begin(ws, info)
        self.error_detail = ""
        self.header.show_lesson(info.title)
        self._show_times(0, int((info.duration or 0) * 1000))
        self.ab_repeat.clear()
        self.tools.show_bookmarks.setChecked(False)  # a list opened for another lesson closes
        self.bookmarks_panel.set_lesson(ws, info.resource_id)
        self.tools.screen_chooser.set_workspace(ws)
        player = self.ensure_player()
        subtitles = bool(info.subtitles) and (player is None or player.subtitle_files_supported)
        self.controls.set_subtitles_available(subtitles)
        self.subtitle_size.setVisible(subtitles)
        self.controls.set_fullscreen_available(not self.is_audio)
        if self.is_audio:
            self.set_fullscreen(False)
        if player is None:
            self._show_message(self.tr(
                "This computer is missing the video player component (VLC), so lessons cannot "
                "be played yet.\nPlease ask the school's IT teacher to install VLC."), self.unavailable)
            return False
        if info.main_path is None:
            self._failed("the lesson file is not in the store")
            return False
        self.tools.new_lesson()
        self._show_picture()
        self._load_and_play()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        log.info("playing %s (%s)", info.resource_id, info.title)
        return True

    def _load_and_play(self, at_ms: int | None = None) -> None:
        """Load the open lesson into the engine (at the chosen subtitle size) and play it."""
        player, info = self.player, self.info
        player.set_subtitle_scale(self.subtitle_size.percent())
        player.set_subtitles_enabled(self.controls.subtitles.isChecked())
        player.load(info.main_path, [path for _lang, path in info.subtitles])
        self._seek_on_play = at_ms
        player.play()

    def set_workspace(self, ws: Workspace) -> None:
        """Read this PC's subtitle size choice (in a worker) before the first lesson."""
        self.subtitle_size.read_choice(self.tasks, ws)

    def _subtitle_size_chosen(self, choice: str) -> None:
        """A new size: remembered, and shown at once (libvlc restarts at the same moment)."""
        ws = self.ws
        if ws is not None and not ws.read_only:
            self.progress.writer.submit(lambda: ws.set_setting(SETTING_SUBTITLE_SIZE, choice))
        if self._can_control() and self.info.main_path is not None and not self.showing_message:
            if self.player.subtitle_scale() != self.subtitle_size.percent():
                self._load_and_play(at_ms=self.player.position_ms())

    @property
    def is_audio(self) -> bool:
        return self.info is not None and self.info.kind == "audio"

    def _show_picture(self) -> None:
        """The video (or for an audio lesson the audio view), with the controls."""
        if self.is_audio:
            self.audio_view.show_for(self.info.title)
            self.video_stack.setCurrentWidget(self.audio_view)
        else:
            self.video_stack.setCurrentWidget(self.player.video_widget())
        self.controls.show()
        self.tools.show()

    def close_lesson(self, emit: bool = True) -> None:
        """Remember the position, stop, and go back (``closed`` at once, ``progress_saved`` once
        the position is written, for the places that show it)."""
        self._stop_lesson()
        self.set_fullscreen(False)
        self.tools.screen_chooser.set_workspace(None)
        if emit:
            self.closed.emit()
            self.progress.after_writes(lambda _result: self.progress_saved.emit())

    def _stop_lesson(self) -> None:
        """Save where the lesson stopped and stop it (no lesson open afterwards)."""
        if self.info is not None and self.player is not None:
            self._save_position()
            self.player.stop()
        self.ab_repeat.clear()
        self.tools.show_bookmarks.setChecked(False)
        self.info = None
        self.progress.end()

    def shutdown(self) -> None:
        """Save and free the engine (the app is quitting; the window waits for the writes)."""
        self.close_lesson(emit=False)
        self.chrome.shutdown()
        if self.player is not None:
            self.player.release()

    def _save_position(self) -> None:
        if self.player is None or self.player.state in (ERROR, ENDED):
            return  # a failed file is never "watched"; an ended one was saved as finished
        self.progress.save(self.player.position_ms())

    # ---- controls ---------------------------------------------------------------------------

    def _can_control(self) -> bool:
        return self.player is not None and self.info is not None and self.player.state != ERROR

    def toggle(self) -> None:
        if self._can_control():
            if self.video_stack.currentWidget() is self.end_card:
                self.replay()
            else:
                self.player.toggle()

    def step(self, delta_ms: int) -> bool:
        """Jump ``delta_ms`` from here; False if there is nothing to jump in."""
        if not self._can_control() or self.showing_message:
            return False
        self.seek(self.player.position_ms() + delta_ms)
        return True

    def seek(self, ms: int) -> None:
        if self._can_control():
            if self.video_stack.currentWidget() is self.end_card:
                self._show_picture()
            self.player.seek(ms)

    def replay(self) -> None:
        """重新播放: from the beginning (full screen stays as it is)."""
        if self._can_control():
            self._show_picture()
            self.player.seek(0)
            self.player.play()

    def restart(self) -> None:
        self.header.hide_resume()
        self.seek(0)

    def press_ab(self) -> None:
        """L key / A–B button: set A, set B, clear."""
        if self.player is not None and self.info is not None and not self.showing_message:
            self.ab_repeat.press()

    def add_bookmark(self) -> None:
        """B key / "+ Bookmark": mark the current moment and show the list (not in full screen)."""
        if self.player is None or self.info is None or self.showing_message:
            return
        self.bookmarks_panel.add_here(self.player.position_ms())
        if not self._fullscreen:
            self.tools.show_bookmarks.setChecked(True)  # the list, or why it could not be saved
        else:
            self.chrome.note(self.tr("Bookmark added at {t}").format(t=format_clock(self.player.position_ms())))

    def request_redownload(self) -> None:
        """重新下载 (see :meth:`MessagePage.request_redownload`)."""
        if self.ws is not None:
            self.message_page.request_redownload(self.tasks, self.ws)

    def _subtitles_toggled(self, on: bool) -> None:
        if self.player is not None:
            self.player.set_subtitles_enabled(on)

    # ---- what the player tells us -----------------------------------------------------------

    def _state_changed(self, state: str) -> None:
        self.controls.set_state(state)
        if self.info is None:
            return
        if state == PLAYING and self._seek_on_play is not None:
            self._resumed = True  # a restart for a new subtitle size: back where it was
            self.player.seek(self._seek_on_play)
            self._seek_on_play = None
        elif state == PLAYING and not self._resumed:
            self._resumed = True
            self._resume_if_wanted()
        elif state == PAUSED:
            self._save_position()

    def _resume_if_wanted(self) -> None:
        duration = self.player.duration_ms() or int((self.info.duration or 0) * 1000)
        pos = resume_point(self.info.position_ms, duration)
        if pos is not None:
            self.player.seek(pos)
            self.header.show_resumed(pos)

    def _position_changed(self, ms: int) -> None:
        duration = self.player.duration_ms() if self.player else 0
        self._show_times(ms, duration)
        if self.player is not None:
            self.progress.played_to(ms, duration, self.player.state == PLAYING)

    def _show_times(self, position_ms: int, duration_ms: int) -> None:
        self.controls.set_times(position_ms, duration_ms)
        self.audio_view.set_times(position_ms, duration_ms)

    def _ended(self) -> None:
        if self.ab_repeat.jump_back():  # B was at the very end: keep repeating
            return
        if self.info is None:
            return
        self.end_card.show_for(self.info.title)
        self.video_stack.setCurrentWidget(self.end_card)
        self.chrome.wake()
        rid = self.info.resource_id
        self.progress.finish(lambda found: self._next_found(rid, found))

    def _next_found(self, resource_id: str, found: tuple[str, str] | None) -> None:
        if self.info is not None and self.info.resource_id == resource_id:
            self.end_card.set_next(*(found or (None, "")))

    def _failed(self, detail: str) -> None:
        self.error_detail = detail
        self._show_message(self.tr(
            "This lesson cannot be played.\nThe file may be damaged or in a format this "
            "computer cannot play.\nPlease choose another lesson, or ask the school's "
            "IT teacher to check this one."), detail)
        if self.ws is not None and not self.ws.read_only and self.info is not None:
            self.message_page.offer_redownload(self.info.resource_id)

    def _show_message(self, text: str, detail: str | None) -> None:
        self.set_fullscreen(False)
        self.message_page.show_text(text, detail)
        self.video_stack.setCurrentWidget(self.message_page)
        self.controls.hide()
        self.tools.hide()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def showing_message(self) -> bool:
        return self.video_stack.currentWidget() is self.message_page

    @property
    def showing_end_card(self) -> bool:
        return self.video_stack.currentWidget() is self.end_card

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
        if on and (self.info is None or self.showing_message or self.is_audio):
            return
        if on == self._fullscreen:
            return
        self._fullscreen = on
        self.header.setVisible(not on)
        if on:
            self.tools.show_bookmarks.setChecked(False)  # no side list over the class's picture
        self.controls.set_fullscreen(on)
        self.chrome.set_fullscreen(on)
        self.fullscreen_changed.emit(on)
