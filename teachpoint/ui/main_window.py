"""The main window: the green top bar with its places, and one page at a time below it.

Places (:data:`teachpoint.ui.places.PLACES`, one row each): 首页 *home* (each class's next
lesson, what is new; the first-run class picker), 全部课程 *library* (curriculum tree or search
results + the lesson's details), 同步 *sync* (what is downloading, pause/resume), 使用情况
*usage* and 设置 *settings*. A lesson opens the *player* (or the *document* view for PDFs and
pictures), which hides the bar; leaving it returns to the place the teacher came from. Before the
library is usable the window shows *opening* or *problem*.

Everything slow runs through the one :class:`TaskManager`; this class only routes signals.
Parts: :class:`LessonOpener` (reads and opens lessons off the GUI thread), :class:`SyncController`
(network sync rounds) and :class:`UsbController` (removable drives → the USB dialog).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from teachpoint.library.settings import SETTING_LARGE_TEXT
from teachpoint.paths import DataPaths
from teachpoint.ui import i18n, queries, style
from teachpoint.ui.disk_banner import DiskBanner
from teachpoint.ui.document_view import DocumentView
from teachpoint.ui.download_requests import DownloadRequests
from teachpoint.ui.home_screen import HomeScreen
from teachpoint.ui.lesson_opener import LessonOpener
from teachpoint.ui.library_page import LibraryPage
from teachpoint.ui.library_status import LibraryStatus
from teachpoint.ui.own_lessons_bar import OwnLessonsBar
from teachpoint.ui.places import HOME, LIBRARY, PLACES, REVIEW, SETTINGS, SYNC, USAGE
from teachpoint.ui.player import let_player_cool, warm_up_player
from teachpoint.ui.player.player_window import PlayerView
from teachpoint.ui.player.screens import FullScreenPlacer
from teachpoint.ui.review_page import ReviewPage
from teachpoint.ui.search_box_flow import SearchBoxFlow
from teachpoint.ui.search_controller import SearchController
from teachpoint.ui.settings_page import SettingsPage
from teachpoint.ui.state_pages import NoticeBar, OpeningPage, ProblemPage
from teachpoint.ui.sync_controller import SyncController
from teachpoint.ui.sync_panel import SyncPanel
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.top_bar import TopBar
from teachpoint.ui.usage_page import UsagePage
from teachpoint.ui.usb import UsbController
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

# The pages: four that are no place, then one per place in table order (a new place adds one).
PAGE_OPENING, PAGE_PROBLEM, PAGE_PLAYER, PAGE_DOCUMENT = range(4)
PLACE_PAGES = {place.name: index for index, place in enumerate(PLACES, start=4)}
PAGE_HOME, PAGE_LIBRARY, PAGE_SYNC, PAGE_USAGE, PAGE_SETTINGS, PAGE_REVIEW = (
    PLACE_PAGES[name] for name in (HOME, LIBRARY, SYNC, USAGE, SETTINGS, REVIEW))


class MainWindow(QMainWindow):
    """The app's one window."""

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None, player_factory=None,
                 watch_drives: bool = True):
        super().__init__(parent)
        self.tasks = tasks
        self.ws: Workspace | None = None
        self.paths: DataPaths | None = None
        self.tree_loaded = False
        self._play_on_open: tuple[str, bool] | None = None
        self._reveal_after_load: str | None = None  # a lesson just added (本校): shown once loaded

        self.top_bar = TopBar(PLACES)
        self.notice = NoticeBar()
        self.disk_banner = DiskBanner(tasks)
        self.search_box = self.top_bar.search_box
        self.opening_page = OpeningPage()
        self.problem_page = ProblemPage()
        self.own_bar = OwnLessonsBar(tasks, lambda: self.ws)
        self.library_page = LibraryPage(self.own_bar)
        self.library_pane = self.library_page.pane
        self.lesson_panel = self.library_page.lesson_panel
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
        self.review_page = ReviewPage(tasks, **kwargs)  # a place only where a review is configured
        self.lessons = LessonOpener(self)
        self.pages = QStackedWidget()
        for page in (self.opening_page, self.problem_page, self.player_view, self.document_view):
            self.pages.addWidget(page)
        self.place_pages = {place.name: place.page(self) for place in PLACES}
        for page in self.place_pages.values():
            self.pages.addWidget(page)
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        for part in (self.top_bar, self.notice, self.disk_banner):
            cl.addWidget(part)
        cl.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.status_label = LibraryStatus()
        self.statusBar().addPermanentWidget(self.status_label, 1)
        self.statusBar().setSizeGripEnabled(False)
        self.placer = FullScreenPlacer()
        self.usb = UsbController(tasks, lambda: self.ws, self, busy=self.showing_lesson)
        self._watch_drives = watch_drives
        self._connect()
        self.retranslate()
        self.fit_to_screen(initial=True)
        self.pages.setCurrentIndex(PAGE_OPENING)

    def _connect(self) -> None:
        self.top_bar.place_chosen.connect(self.go)
        self.problem_page.retry_requested.connect(lambda: self.paths and self.open_workspace(self.paths))
        self.search = SearchController(self.search_box, self.tasks, lambda: self.ws, self)
        self.search_flow = SearchBoxFlow(self.search_box, self.search, self.library_pane,
                                         self.lesson_panel, self)
        self.search_flow.library_wanted.connect(lambda: self.go(LIBRARY))
        self.search_flow.play_requested.connect(self.play)
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

    @property
    def splitter(self):
        return self.library_page.splitter

    @property
    def summary(self) -> queries.LibrarySummary | None:
        return self.status_label.summary

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("TeachPoint — classroom lessons"))
        self.top_bar.set_sync_state(self.sync.short_text(self.sync.state))  # in the new language

    # ---- opening the workspace --------------------------------------------------------------

    def open_workspace(self, paths: DataPaths, install_demo: bool = True) -> None:
        """Open the data directory in a worker (first run also installs the demo channel)."""
        self.paths = paths
        self.top_bar.set_ready(False)
        self.pages.setCurrentIndex(PAGE_OPENING)
        self.tasks.run(lambda: _open_library(paths, install_demo),
                       on_done=lambda opened: self.set_workspace(*opened),
                       on_error=self.show_open_error, name="open-workspace")

    def show_open_error(self, exc: BaseException) -> None:
        log.error("cannot open the library: %s", exc, exc_info=exc)
        self.problem_page.show_error(exc)
        self.pages.setCurrentIndex(PAGE_PROBLEM)

    def set_workspace(self, ws: Workspace, language: str | None = None, large_text: bool = False) -> None:
        """Use an opened workspace with its saved language and 大字体 (read with it in the
        worker), then every place reads its part."""
        self.ws = ws
        app = QApplication.instance()
        wanted = i18n.choose_language(language)
        if wanted != i18n.current_language():  # a saved choice; the env var still wins
            i18n.install_translators(app, wanted)
        if large_text:
            style.apply_look(app, large_text=True)
        if ws.demo_error:
            log.warning("demo channel not installed: %s", ws.demo_error)
        site = getattr(ws, "site_report", None)
        self.notice.show_site_problems(site.problems if site is not None else [])
        if ws.catalogue.set_aside:
            log.warning("an unreadable catalogue was moved aside to %s", ws.catalogue.set_aside)
        self.top_bar.set_ready(True)
        for part in (self.home, self.player_view, self.disk_banner, self.settings_page, self.sync):
            part.set_workspace(ws)
        self.usb.workspace_changed()
        if self._watch_drives:
            self.usb.start()
        self._ask_which_places(ws)
        self.go(HOME)
        self.refresh_library()
        self.search_box.setFocus()
        if self._play_on_open is not None:
            resource_id, fullscreen = self._play_on_open
            self._play_on_open = None
            self.play(resource_id, fullscreen)
        self.tasks.run(warm_up_player, on_error=lambda exc: log.info("player warm-up: %s", exc),
                       name="warm-up-player")

    def _ask_which_places(self, ws: Workspace) -> None:
        """Places only some PCs have (:attr:`Place.offered`) are asked about in a worker."""
        for place in PLACES:
            if place.offered is not None:
                self.tasks.run(lambda p=place: p.offered(ws), name=f"offer-{place.name}",
                               on_done=lambda ok, p=place: self.top_bar.set_offered(p.name, bool(ok)))

    def refresh_library(self) -> None:
        """Read the tree, the status line and the home page again (after a sync or an import)."""
        ws = self.ws
        if ws is None:
            return
        self.tasks.run(lambda: queries.load_tree(ws), on_done=self._tree_loaded, name="load-tree")
        self.tasks.run(lambda: queries.library_summary(ws), on_done=self._summary_loaded, name="summary")
        if self.pages.currentIndex() == PAGE_HOME:
            self.home.refresh()
        self.lessons.reload_details()  # the details change with the tree (damaged, arrived)

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
        self.status_label.show_summary(summary)

    # ---- places -----------------------------------------------------------------------------

    def go(self, place: str) -> None:
        """Show one of the places (:data:`teachpoint.ui.places.PLACES`) this PC offers."""
        if self.ws is None or place not in PLACE_PAGES or self.top_bar.buttons[place].isHidden():
            return
        page = self.place_pages[place]
        if self.pages.currentWidget() is not page:
            self.pages.setCurrentWidget(page)
        self.top_bar.mark(place)
        next(p for p in PLACES if p.name == place).shown(self, page)

    def reveal_lesson(self, resource_id: str, info: queries.LessonInfo | None = None) -> None:
        """Show a lesson in the library place, selected, with its details (read unless given)."""
        self.go(LIBRARY)
        self.library_pane.clear_filters()
        if self.search_box.text():
            self.search_box.clear()
            self.library_pane.show_tree()
        self.library_pane.select_resource(resource_id)
        if info is not None:
            self.lesson_panel.show_lesson(info)
        else:
            self.show_lesson(resource_id)

    def _setting_changed(self, name: str) -> None:
        if name in ("subscriptions", "classes"):
            self.home.refresh()

    # ---- lessons (read and opened by self.lessons) --------------------------------------------

    def show_lesson(self, resource_id: str) -> None:
        """The lesson's details in the panel (read in a worker: ``lessons.details_shown``)."""
        self.lessons.show_details(resource_id)

    def play_full_screen(self, resource_id: str) -> None:
        """播放 on a home card: the lesson opens straight in full screen (one click, not two)."""
        self.play(resource_id, fullscreen=True)

    def play(self, resource_id: str, fullscreen: bool = False) -> None:
        """Open ``resource_id`` in the player or the document view (read in a worker, then
        ``lessons.opened``); one that cannot open shows why in the library place."""
        self.lessons.play(resource_id, fullscreen)

    def play_when_open(self, resource_id: str, fullscreen: bool = False) -> None:
        """Open ``resource_id`` as soon as the library is open (``teachpoint play``)."""
        self._play_on_open = (resource_id, fullscreen)

    def showing_lesson(self) -> bool:
        """Whether the player or the document view fills the window."""
        return self.pages.currentIndex() in (PAGE_PLAYER, PAGE_DOCUMENT)

    def enter_lesson_page(self) -> None:
        """Every pixel for the lesson: no top bar, status line or banner."""
        self.top_bar.hide()
        self.statusBar().hide()
        self.disk_banner.set_suppressed(True)

    def _lesson_closed(self) -> None:
        self.top_bar.show()
        self.statusBar().show()
        self.go(self.lessons.came_from if self.lessons.came_from in PLACE_PAGES else LIBRARY)
        self.usb.open_pending()  # a stick that came in during the lesson
        self.disk_banner.set_suppressed(False)

    def _show_progress(self) -> None:
        """Show where the closed lesson stopped: home's "continue" moves on, the details too."""
        if self.pages.currentIndex() == PAGE_HOME:
            self.home.refresh()
        self.disk_banner.check(write_probe=True)  # were the positions saved?
        self.refresh_library()  # a lesson found damaged shows so everywhere; details reread

    def request_download(self, resource_id: str) -> None:
        """下载 / 重新下载 on any page: sync fetches it first, and every view says so at once."""
        self.downloads.request(resource_id)
        self.refresh_library()  # a lesson set aside as damaged shows so in the tree and on home

    def _lesson_ready(self, resource_id: str) -> None:
        if self.lesson_panel.info is not None and self.lesson_panel.info.resource_id == resource_id:
            self.lessons.reload_details()  # "download now" finished: 播放 lights up

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
        let_player_cool()  # after the warm-up task
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


def _open_library(paths: DataPaths, install_demo: bool) -> tuple[Workspace, str | None, bool]:
    """Worker: open the data folder and read the look it was left with (language, 大字体)."""
    ws = Workspace(paths, install_demo=install_demo)
    return ws, ws.setting(i18n.SETTING_LANG), ws.setting(SETTING_LARGE_TEXT) == "1"

