"""The main window: search on top, curriculum tree on the left, the lesson on the right.

Pages (one visible at a time): *opening* (while the workspace opens in a worker), *problem*
(the library cannot be opened), *library* (tree/search + details) and *player*. Later pages
(first-run class picking, sync, USB, settings) slot into the same stack.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from teachpoint.paths import DataPaths
from teachpoint.ui import i18n, queries
from teachpoint.ui.formatting import format_size
from teachpoint.ui.lesson_panel import LessonPanel
from teachpoint.ui.library_pane import LibraryPane
from teachpoint.ui.player.player_window import PlayerView
from teachpoint.ui.search_controller import SearchController
from teachpoint.ui.tasks import TaskManager
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

PAGE_OPENING, PAGE_PROBLEM, PAGE_LIBRARY, PAGE_PLAYER = range(4)


class MainWindow(QMainWindow):
    """The app's one window."""

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None, player_factory=None):
        super().__init__(parent)
        self.tasks = tasks
        self.ws: Workspace | None = None
        self.paths: DataPaths | None = None
        self.summary: queries.LibrarySummary | None = None
        self.tree_loaded = False
        self._play_first_result = False
        self._was_maximized = False

        self.top_bar = QWidget()
        self.top_bar.setObjectName("TopBar")
        self.top_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.app_title = QLabel()
        self.app_title.setObjectName("AppTitle")
        self.search_box = QLineEdit()
        self.search_box.setObjectName("SearchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setEnabled(False)
        tl = QHBoxLayout(self.top_bar)
        tl.setContentsMargins(16, 12, 16, 12)
        tl.addWidget(self.app_title)
        tl.addWidget(self.search_box, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_opening_page())
        self.pages.addWidget(self._build_problem_page())
        self.library_pane = LibraryPane()
        self.lesson_panel = LessonPanel()
        library = QWidget()
        library.setObjectName("LibraryPage")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.library_pane)
        self.splitter.addWidget(self.lesson_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 640])
        self.splitter.setChildrenCollapsible(False)
        ll = QVBoxLayout(library)
        ll.setContentsMargins(12, 12, 12, 6)
        ll.addWidget(self.splitter)
        self.pages.addWidget(library)
        kwargs = {"player_factory": player_factory} if player_factory else {}
        self.player_view = PlayerView(**kwargs)
        self.pages.addWidget(self.player_view)

        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.top_bar)
        cl.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().setSizeGripEnabled(False)

        self.search = SearchController(self.search_box, tasks, lambda: self.ws, self)
        self.search.results_ready.connect(self._results_ready)
        self.search.cleared.connect(self.library_pane.show_tree)
        self.search_box.returnPressed.connect(self._search_enter)
        self.search_box.installEventFilter(self)
        self.library_pane.resource_selected.connect(self.show_lesson)
        self.library_pane.resource_activated.connect(self.play)
        self.library_pane.selection_cleared.connect(lambda: self.lesson_panel.show_empty())
        self.lesson_panel.play_requested.connect(self.play)
        self.player_view.closed.connect(self._player_closed)
        self.player_view.fullscreen_changed.connect(self._fullscreen_changed)
        focus = QShortcut(QKeySequence("Ctrl+F"), self)
        focus.activated.connect(lambda: (self.search_box.setFocus(), self.search_box.selectAll()))
        self.retranslate()
        self.resize(1200, 780)
        self.pages.setCurrentIndex(PAGE_OPENING)

    def _build_opening_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("StatePage")
        self.opening_label = QLabel()
        self.opening_label.setObjectName("Hint")
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        busy = QProgressBar()
        busy.setRange(0, 0)
        busy.setMaximumWidth(420)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.opening_label)
        layout.addWidget(busy, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return page

    def _build_problem_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("StatePage")
        self.problem_title = QLabel()
        self.problem_title.setObjectName("LessonTitle")
        self.problem_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem_detail = QLabel()
        self.problem_detail.setObjectName("Hint")
        self.problem_detail.setWordWrap(True)
        self.problem_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("PlayButton")
        self.retry_button.clicked.connect(lambda: self.paths and self.open_workspace(self.paths))
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addStretch(1)
        layout.addWidget(self.problem_title)
        layout.addWidget(self.problem_detail)
        layout.addSpacing(20)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return page

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("TeachPoint — classroom lessons"))
        self.app_title.setText(self.tr("TeachPoint"))
        self.search_box.setPlaceholderText(self.tr("Search lessons: type a title, pinyin or initials"))
        self.opening_label.setText(self.tr("Opening the lesson library…"))
        self.problem_title.setText(self.tr("The lesson library cannot be opened"))
        self.retry_button.setText(self.tr("Try again"))
        self._show_summary()

    # ---- opening the workspace --------------------------------------------------------------

    def open_workspace(self, paths: DataPaths, install_demo: bool = True) -> None:
        """Open the data directory in a worker (first run also installs the demo channel)."""
        self.paths = paths
        self.pages.setCurrentIndex(PAGE_OPENING)
        self.tasks.run(lambda: Workspace(paths, install_demo=install_demo),
                       on_done=self.set_workspace, on_error=self.show_open_error, name="open-workspace")

    def show_open_error(self, exc: BaseException) -> None:
        log.error("cannot open the library: %s", exc, exc_info=exc)
        self.problem_detail.setText(self.tr(
            "Please tell the school's IT contact. Technical detail:\n{detail}").format(detail=exc))
        self.pages.setCurrentIndex(PAGE_PROBLEM)

    def set_workspace(self, ws: Workspace) -> None:
        """Use an opened workspace: fill the tree and the status bar (both read in workers)."""
        self.ws = ws
        wanted = i18n.choose_language(ws.setting(i18n.SETTING_LANG))
        if wanted != i18n.current_language():  # a saved choice; the env var still wins
            i18n.install_translators(QApplication.instance(), wanted)
        if ws.demo_error:
            log.warning("demo channel not installed: %s", ws.demo_error)
        if ws.catalogue.set_aside:
            log.warning("an unreadable catalogue was moved aside to %s", ws.catalogue.set_aside)
        self.search_box.setEnabled(True)
        self.pages.setCurrentIndex(PAGE_LIBRARY)
        self.refresh_library()
        self.search_box.setFocus()

    def refresh_library(self) -> None:
        ws = self.ws
        if ws is None:
            return
        self.tasks.run(lambda: queries.load_tree(ws), on_done=self._tree_loaded, name="load-tree")
        self.tasks.run(lambda: queries.library_summary(ws), on_done=self._summary_loaded, name="summary")

    def _tree_loaded(self, tree: list[dict]) -> None:
        self.library_pane.set_tree(tree)
        self.tree_loaded = True
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
            self._play_first_result = True
            self.search.run_now()

    def eventFilter(self, watched, event) -> bool:
        """↓ in the search box moves into the list, so the keyboard alone is enough."""
        if (watched is self.search_box and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
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

    def play(self, resource_id: str) -> None:
        """Open the player on ``resource_id``; a lesson that cannot play just shows why."""
        if self.ws is None:
            return
        info = queries.load_lesson(self.ws, resource_id)
        if info is None:
            return
        self.library_pane.select_resource(resource_id)  # highlighted when the teacher comes back
        self.lesson_panel.show_lesson(info)
        if not LessonPanel.can_play(info):
            return
        self.pages.setCurrentIndex(PAGE_PLAYER)
        self.top_bar.hide()
        self.statusBar().hide()  # every pixel for the video
        self.player_view.open_lesson(self.ws, info)

    def _player_closed(self) -> None:
        self.top_bar.show()
        self.statusBar().show()
        self.pages.setCurrentIndex(PAGE_LIBRARY)
        if self.lesson_panel.info is not None:
            self.show_lesson(self.lesson_panel.info.resource_id)  # shows the new resume point

    def _fullscreen_changed(self, on: bool) -> None:
        if on:
            self._was_maximized = self.isMaximized()
            self.showFullScreen()
        elif self._was_maximized:
            self.showMaximized()
        else:
            self.showNormal()

    # ---- lifetime ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Save the playing position, let workers finish, close the catalogue."""
        self.player_view.shutdown()
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
        super().changeEvent(event)
