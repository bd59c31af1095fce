"""The main window: the green top bar with four places, and one page at a time below it.

Places (top bar): 首页 *home* (each class's next lesson, what is new; the first-run class
picker), 全部课程 *library* (curriculum tree or search results + the lesson's details), 同步
*sync* (what is downloading, pause/resume) and 设置 *settings*. A lesson opens the *player* (or
the *document* view for PDFs and pictures), which hides the bar; leaving it returns to the place
the teacher came from. Before the library is usable the window shows *opening* or *problem*.

Everything slow runs through the one :class:`TaskManager`; this class only routes signals.
Background parts: :class:`SyncController` (network sync rounds) and :class:`UsbController`
(removable drives → the USB dialog).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QLabel, QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from teachpoint.paths import DataPaths
from teachpoint.ui import i18n, queries, style, top_bar
from teachpoint.ui.disk_banner import DiskBanner
from teachpoint.ui.document_view import DocumentView, opens_in_document_view
from teachpoint.ui.download_requests import DownloadRequests
from teachpoint.ui.formatting import format_size
from teachpoint.ui.home_screen import HomeScreen
from teachpoint.ui.lesson_panel import LessonPanel
from teachpoint.ui.library_pane import LibraryPane
from teachpoint.ui.own_lessons_bar import OwnLessonsBar
from teachpoint.ui.player.player_window import PlayerView
from teachpoint.ui.player.screens import FullScreenPlacer
from teachpoint.ui.review_page import ReviewPage
from teachpoint.ui.search_controller import SearchController
from teachpoint.ui.settings_page import SettingsPage
from teachpoint.ui.state_pages import NoticeBar, OpeningPage, ProblemPage
from teachpoint.ui.sync_controller import SyncController
from teachpoint.ui.sync_panel import SyncPanel
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.usage_page import UsagePage
from teachpoint.ui.usb import UsbController
from teachpoint.library.settings import SETTING_LARGE_TEXT
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

(PAGE_OPENING, PAGE_PROBLEM, PAGE_LIBRARY, PAGE_PLAYER, PAGE_HOME, PAGE_SYNC, PAGE_SETTINGS,
 PAGE_DOCUMENT, PAGE_USAGE, PAGE_REVIEW) = range(10)
PLACE_PAGES = {top_bar.HOME: PAGE_HOME, top_bar.LIBRARY: PAGE_LIBRARY, top_bar.SYNC: PAGE_SYNC,
               top_bar.USAGE: PAGE_USAGE, top_bar.SETTINGS: PAGE_SETTINGS,
               top_bar.REVIEW: PAGE_REVIEW}


class MainWindow(QMainWindow):
    """The app's one window."""

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None, player_factory=None,
                 watch_drives: bool = True):
        super().__init__(parent)
        self.tasks = tasks
        self.ws: Workspace | None = None
        self.paths: DataPaths | None = None
        self.summary: queries.LibrarySummary | None = None
        self.tree_loaded = False
        self._play_first_result = False
        self._came_from = PAGE_HOME
        self._play_on_open: tuple[str, bool] | None = None
        self._reveal_after_load: str | None = None  # a lesson just added (本校): shown once loaded

        self.top_bar = top_bar.TopBar()
        self.notice = NoticeBar()
        self.disk_banner = DiskBanner(tasks)
        self.search_box = self.top_bar.search_box
        self.opening_page = OpeningPage()
        self.problem_page = ProblemPage()
        self.library_pane = LibraryPane()
        self.lesson_panel = LessonPanel()
        self.own_bar = OwnLessonsBar(tasks, lambda: self.ws)
        kwargs = {"player_factory": player_factory} if player_factory else {}
        self.player_view = PlayerView(tasks=tasks, **kwargs)
        self.home = HomeScreen(tasks)
        self.sync = SyncController(tasks, self)
        self.downloads = DownloadRequests(self.sync, self.disk_banner,
                                          [self.home.home, self.lesson_panel], self)
        self.sync_panel = SyncPanel(self.sync)
        self.settings_page = SettingsPage(tasks)
        self.document_view = DocumentView(tasks)
        self.usage_page = UsagePage(tasks)
        self.review_page = ReviewPage(tasks, **kwargs)  # a top-bar place only with a publisher key
        self.pages = QStackedWidget()
        for page in (self.opening_page, self.problem_page, self._library_page(), self.player_view,
                     self.home, self.sync_panel, self.settings_page, self.document_view, self.usage_page,
                     self.review_page):
            self.pages.addWidget(page)
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.top_bar)
        cl.addWidget(self.notice)
        cl.addWidget(self.disk_banner)
        cl.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().setSizeGripEnabled(False)
        self.placer = FullScreenPlacer()
        self.usb = UsbController(tasks, lambda: self.ws, self, busy=self._busy_with_lesson)
        self._watch_drives = watch_drives
        self._connect()
        self.retranslate()
        self.fit_to_screen(initial=True)
        self.pages.setCurrentIndex(PAGE_OPENING)

    def _library_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("LibraryPage")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()  # 添加本校课程 / 本校课程 above the filters: the tree's column can shrink
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.own_bar)
        left_layout.addWidget(self.library_pane)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.lesson_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 640])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.addWidget(self.splitter)
        return page

    def _connect(self) -> None:
        self.top_bar.place_chosen.connect(self.go)
        self.problem_page.retry_requested.connect(lambda: self.paths and self.open_workspace(self.paths))
        self.search = SearchController(self.search_box, self.tasks, lambda: self.ws, self)
        self.search.results_ready.connect(self._results_ready)
        self.search.cleared.connect(self.library_pane.show_tree)
        self.library_pane.filters_changed.connect(self.search.set_filters)
        self.search_box.textEdited.connect(lambda text: text.strip() and self.go(top_bar.LIBRARY))
        self.search_box.returnPressed.connect(self._search_enter)
        self.search_box.installEventFilter(self)
        self.library_pane.resource_selected.connect(self.show_lesson)
        self.library_pane.resource_activated.connect(self.play)
        self.library_pane.selection_cleared.connect(lambda: self.lesson_panel.show_empty())
        self.lesson_panel.play_requested.connect(self.play)
        self.lesson_panel.download_requested.connect(self.request_download)
        self.home.play_requested.connect(self.play_full_screen)  # a class in front: whole screen
        self.home.lesson_selected.connect(self.reveal_lesson)
        self.home.download_requested.connect(self.request_download)
        self.player_view.closed.connect(self._lesson_closed)
        self.player_view.progress_saved.connect(self._show_progress)
        self.player_view.fullscreen_changed.connect(self._fullscreen_changed)
        self.player_view.redownload_requested.connect(self.request_download)
        self.player_view.next_requested.connect(self.play)
        self.document_view.closed.connect(self._lesson_closed)
        self.document_view.closed.connect(self._show_progress)
        self.sync.library_changed.connect(self.refresh_library)
        self.sync.short_text_changed.connect(self.top_bar.set_sync_state)
        self.sync.lesson_ready.connect(self._lesson_ready)
        self.settings_page.sources_changed.connect(self.sync.sources_changed)
        self.settings_page.setting_changed.connect(self._setting_changed)
        self.settings_page.back_button.hide()  # the top bar is always there to go elsewhere
        self.usb.library_changed.connect(self.refresh_library)
        self.own_bar.lesson_added.connect(lambda rid: (setattr(self, "_reveal_after_load", rid),
                                                       self.refresh_library()))
        self.own_bar.show_requested.connect(self.reveal_lesson)
        self.own_bar.library_changed.connect(self.refresh_library)
        focus = QShortcut(QKeySequence("Ctrl+F"), self)
        focus.activated.connect(lambda: (self.search_box.setFocus(), self.search_box.selectAll()))

    # names the tests and older code use
    @property
    def opening_label(self) -> QLabel:
        return self.opening_page.label

    @property
    def problem_title(self) -> QLabel:
        return self.problem_page.title

    @property
    def problem_detail(self) -> QLabel:
        return self.problem_page.detail

    @property
    def retry_button(self):
        return self.problem_page.retry_button

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("TeachPoint — classroom lessons"))
        self.top_bar.set_sync_state(self.sync.short_text(self.sync.state))  # in the new language
        self._show_summary()

    # ---- opening the workspace --------------------------------------------------------------

    def open_workspace(self, paths: DataPaths, install_demo: bool = True) -> None:
        """Open the data directory in a worker (first run also installs the demo channel)."""
        self.paths = paths
        self.top_bar.set_ready(False)
        self.pages.setCurrentIndex(PAGE_OPENING)
        self.tasks.run(lambda: Workspace(paths, install_demo=install_demo),
                       on_done=self.set_workspace, on_error=self.show_open_error, name="open-workspace")

    def show_open_error(self, exc: BaseException) -> None:
        log.error("cannot open the library: %s", exc, exc_info=exc)
        self.problem_page.show_error(exc)
        self.pages.setCurrentIndex(PAGE_PROBLEM)

    def set_workspace(self, ws: Workspace) -> None:
        """Use an opened workspace: saved look and language, then every place reads its part."""
        self.ws = ws
        app = QApplication.instance()
        wanted = i18n.choose_language(ws.setting(i18n.SETTING_LANG))
        if wanted != i18n.current_language():  # a saved choice; the env var still wins
            i18n.install_translators(app, wanted)
        if ws.setting(SETTING_LARGE_TEXT) == "1":
            style.apply_look(app, large_text=True)
        if ws.demo_error:
            log.warning("demo channel not installed: %s", ws.demo_error)
        site = getattr(ws, "site_report", None)
        self.notice.show_site_problems(site.problems if site is not None else [])
        if ws.catalogue.set_aside:
            log.warning("an unreadable catalogue was moved aside to %s", ws.catalogue.set_aside)
        self.top_bar.set_ready(True)
        self.home.set_workspace(ws)
        self.player_view.set_workspace(ws)
        self.disk_banner.set_workspace(ws)
        self.settings_page.set_workspace(ws)
        self.sync.set_workspace(ws)
        self.usb.workspace_changed()
        self.review_page.set_workspace(ws)
        if self.review_page.config is not None:  # a county reviewer's PC (issue 15)
            self.top_bar.add_place(top_bar.REVIEW)
        if self._watch_drives:
            self.usb.start()
        self.go(top_bar.HOME)
        self.refresh_library()
        self.search_box.setFocus()
        if self._play_on_open is not None:
            resource_id, fullscreen = self._play_on_open
            self._play_on_open = None
            self.play(resource_id)
            if fullscreen:
                self.player_view.set_fullscreen(True)
        # import python-vlc and load libvlc now, in a worker, not on the teacher's first click
        self.tasks.run(_warm_up_player, on_error=lambda exc: log.info("player warm-up: %s", exc),
                       name="warm-up-player")

    def refresh_library(self) -> None:
        """Read the tree, the status line and the home page again (after a sync or an import)."""
        ws = self.ws
        if ws is None:
            return
        self.tasks.run(lambda: queries.load_tree(ws), on_done=self._tree_loaded, name="load-tree")
        self.tasks.run(lambda: queries.library_summary(ws), on_done=self._summary_loaded, name="summary")
        if self.pages.currentIndex() == PAGE_HOME:
            self.home.refresh()
        shown = self.lesson_panel.info
        if shown is not None:  # the details change with the tree (damaged, arrived)
            rid = shown.resource_id
            self.tasks.run(lambda: queries.load_lesson(ws, rid), name="reload-lesson",
                           on_done=lambda info: self._lesson_reloaded(rid, info))

    def _lesson_reloaded(self, resource_id: str, info) -> None:
        current = self.lesson_panel.info
        if info is not None and current is not None and current.resource_id == resource_id:
            self.lesson_panel.show_lesson(info)

    def _tree_loaded(self, tree: list[dict]) -> None:
        self.library_pane.set_tree(tree)
        self.tree_loaded = True
        if self._reveal_after_load is not None:
            self.reveal_lesson(self._reveal_after_load)
            self._reveal_after_load = None
        if not tree:
            self.lesson_panel.show_empty(self.tr(
                "There are no lessons on this computer yet.\nThey arrive with an update from the "
                "county resource centre (network or USB stick)."))

    def _summary_loaded(self, summary: queries.LibrarySummary) -> None:
        self.summary = summary
        self._show_summary()

    def _show_summary(self) -> None:
        s = self.summary
        if s is None:
            self.status_label.setText("")
            return
        text = self.tr("{n} lessons, {ok} ready to play").format(n=s.lessons, ok=s.installed)
        if s.not_downloaded:
            text += self.tr(", {n} not downloaded").format(n=s.not_downloaded)
        if s.damaged:
            text += self.tr(", {n} damaged").format(n=s.damaged)
        text += self.tr("  ·  lesson files use {size}").format(size=format_size(s.store_bytes))
        self.status_label.setText(text)

    # ---- places -----------------------------------------------------------------------------

    def go(self, place: str) -> None:
        """Show one of the places (:data:`teachpoint.ui.top_bar.PLACES`)."""
        if self.ws is None or place not in self.top_bar.buttons:
            return
        page = PLACE_PAGES[place]
        if self.pages.currentIndex() != page:
            self.pages.setCurrentIndex(page)
        self.top_bar.mark(place)
        if page == PAGE_SETTINGS:
            self.settings_page.refresh()
        elif page == PAGE_USAGE:
            self.usage_page.set_workspace(self.ws)  # reads the numbers again in a worker
        elif page == PAGE_SYNC:
            self.sync.mark_seen()
        elif page == PAGE_REVIEW:
            self.review_page.refresh()

    def reveal_lesson(self, resource_id: str) -> None:
        """Show a lesson in the library place, selected, with its details."""
        self.go(top_bar.LIBRARY)
        self.library_pane.clear_filters()
        if self.search_box.text():
            self.search_box.clear()
            self.library_pane.show_tree()
        self.library_pane.select_resource(resource_id)
        self.show_lesson(resource_id)

    def _setting_changed(self, name: str) -> None:
        if name in ("subscriptions", "classes"):
            self.home.refresh()

    # ---- search -----------------------------------------------------------------------------

    def _results_ready(self, query: str, rows: list) -> None:
        """Show the hits with the best one highlighted, so 播放 is one click (or Enter) away."""
        self.library_pane.show_results(query, rows)
        if not self.library_pane.select_first_result():
            self.lesson_panel.show_empty()
        elif self._play_first_result:
            self.play(self.library_pane.current_result())
        self._play_first_result = False

    def _search_enter(self) -> None:
        """Enter in the box plays the highlighted result (searching first if still typing)."""
        current = self.library_pane.current_result()
        if (current and self.library_pane.showing_results and not self.search.timer.isActive()
                and self.search.last_query == self.search.query):
            self.play(current)
        elif self.search.query:
            self.go(top_bar.LIBRARY)
            self._play_first_result = True
            self.search.run_now()

    def eventFilter(self, watched, event) -> bool:
        """↓ in the search box moves into the list, so the keyboard alone is enough."""
        if (watched is self.search_box and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self.go(top_bar.LIBRARY)
            self.library_pane.focus_list()
            return True
        return super().eventFilter(watched, event)

    # ---- lessons ----------------------------------------------------------------------------

    def show_lesson(self, resource_id: str) -> None:
        if self.ws is None:
            return
        info = queries.load_lesson(self.ws, resource_id)
        if info is None:
            self.lesson_panel.show_empty()
        else:
            self.lesson_panel.show_lesson(info)

    def play_full_screen(self, resource_id: str) -> None:
        """播放 on a home card: the lesson opens straight in full screen (one click, not two)."""
        self.play(resource_id, fullscreen=True)

    def play(self, resource_id: str, fullscreen: bool = False) -> None:
        """Open ``resource_id`` in the player (or the document view); one that cannot open shows why."""
        if self.ws is None:
            return
        info = queries.load_lesson(self.ws, resource_id)
        if info is None:
            return
        self.library_pane.select_resource(resource_id)  # highlighted when the teacher comes back
        self.lesson_panel.show_lesson(info)
        if not LessonPanel.can_play(info):
            self.reveal_lesson(resource_id)  # the details say why, with "download now"
            return
        current = self.pages.currentIndex()
        if current not in (PAGE_PLAYER, PAGE_DOCUMENT):
            self._came_from = current
        self.top_bar.hide()
        self.statusBar().hide()  # every pixel for the lesson
        self.disk_banner.set_suppressed(True)
        if opens_in_document_view(info):
            if self.player_view.info is not None:  # 下一课 from the player to a worksheet
                self.player_view.close_lesson(emit=False)
            self.pages.setCurrentIndex(PAGE_DOCUMENT)
            self.document_view.open_lesson(self.ws, info)
        else:
            self.pages.setCurrentIndex(PAGE_PLAYER)
            if self.player_view.open_lesson(self.ws, info) and fullscreen:
                self.player_view.set_fullscreen(True)

    def play_when_open(self, resource_id: str, fullscreen: bool = False) -> None:
        """Open ``resource_id`` as soon as the library is open (``teachpoint play``)."""
        self._play_on_open = (resource_id, fullscreen)

    def _lesson_closed(self) -> None:
        self.top_bar.show()
        self.statusBar().show()
        back = self._came_from if self._came_from in PLACE_PAGES.values() else PAGE_LIBRARY
        place = next(p for p, page in PLACE_PAGES.items() if page == back)
        self.go(place)
        self.usb.open_pending()  # a stick that came in during the lesson
        self.disk_banner.set_suppressed(False)

    def _show_progress(self) -> None:
        """Show where the closed lesson stopped: home's "continue" moves on, the details too."""
        if self.pages.currentIndex() == PAGE_HOME:
            self.home.refresh()
        if self.lesson_panel.info is not None:
            self.show_lesson(self.lesson_panel.info.resource_id)  # shows the new resume point
        self.disk_banner.check(write_probe=True)  # were the positions saved?
        self.refresh_library()  # a lesson found damaged shows so everywhere

    def _busy_with_lesson(self) -> bool:
        return self.pages.currentIndex() in (PAGE_PLAYER, PAGE_DOCUMENT)

    def request_download(self, resource_id: str) -> None:
        """下载 / 重新下载 on any page: sync fetches it first, and every view says so at once."""
        self.downloads.request(resource_id)
        self.refresh_library()  # a lesson set aside as damaged shows so in the tree and on home

    def _lesson_ready(self, resource_id: str) -> None:
        if self.lesson_panel.info is not None and self.lesson_panel.info.resource_id == resource_id:
            self.show_lesson(resource_id)  # "download now" finished: 播放 lights up

    def fit_to_screen(self, initial: bool = False) -> None:
        """Keep the window inside its screen's free area (a 1024×768 projector is common, and
        large text makes pages wider): first the whole free area (the app opens maximised, and
        without a window manager nothing else would size it), never past an edge."""
        if self.isFullScreen() or (self.isMaximized() and not initial):
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        width = area.width() if initial else min(area.width(), self.width())
        height = area.height() if initial else min(area.height(), self.height())
        self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
        y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def _fullscreen_changed(self, on: bool) -> None:
        if on:
            self.placer.enter(self, self.player_view.fullscreen_screen())
        else:
            self.placer.leave(self)

    # ---- lifetime ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Save the playing position, stop sync and drive watching, let workers finish, close."""
        self.player_view.shutdown()
        self.usb.stop()
        self.sync.shutdown()
        self.tasks.wait(10_000)
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):  # large text
            QTimer.singleShot(0, self.fit_to_screen)
        super().changeEvent(event)


def _warm_up_player() -> None:
    """Worker: import the libvlc backend and python-vlc (which loads libvlc) ahead of time, so the
    teacher's first 播放 does not wait for them on the GUI thread (benchmarks/ui_responsiveness.py
    found 250–400 ms there). Without libvlc this fails quietly; the player page says so later."""
    from teachpoint.ui.player import vlc_backend  # noqa: PLC0415 - importing is the point

    vlc_backend.load_vlc()
