"""The home page: one card per class with its next lesson and a big 播放, then what is new.

Everything is read in one worker call (:func:`teachpoint.ui.home_queries.load_home`). Each load
that the teacher gets to see (the page is visible) marks its arrivals as seen, again through a
worker, so "新课程 N 节" counts what arrived since the teacher last looked.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from teachpoint.ui import home_queries
from teachpoint.ui.class_picker import display_grade
from teachpoint.ui.class_card import ClassCardWidget
from teachpoint.ui.details_toggle import DetailsToggle
from teachpoint.ui.download_requests import DownloadState
from teachpoint.ui.home_queries import ClassCard, HomeData
from teachpoint.ui.style import ACCENT
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.widgets import make_label, scroll_area

log = logging.getLogger(__name__)

CARD_COLUMNS = 2


class HomePage(QWidget):
    """The first thing a teacher sees: "continue" per class and the newly arrived lessons."""

    play_requested = Signal(str)
    lesson_selected = Signal(str)
    download_requested = Signal(str)
    change_classes_requested = Signal()
    loaded = Signal()  # a load finished and is on screen (tests, the window's first-run check)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("HomePage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.tasks = tasks
        self.ws = None
        self.data: HomeData | None = None
        self.cards: list[ClassCardWidget] = []
        self._load_task = None
        self.load_error: str | None = None
        self.download_state = DownloadState()  # 下载 pressed anywhere, a full disk, why it stalls

        self.title = _label("HomeTitle")
        self.change_button = QPushButton()
        self.change_button.setObjectName("HomeChangeClasses")
        self.change_button.clicked.connect(self.change_classes_requested)
        self.empty_library = _label("HomeNotice")
        self.problem = _label("StateWarning")
        self.problem_details = DetailsToggle()
        self.no_classes = QFrame()
        self.no_classes.setObjectName("HomeCard")
        self.no_classes_text = _label("Hint")
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("PlayButton")
        self.choose_button.clicked.connect(self.change_classes_requested)
        nl = QVBoxLayout(self.no_classes)
        nl.setContentsMargins(24, 20, 24, 20)
        nl.addWidget(self.no_classes_text)
        nl.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.card_grid = QGridLayout()
        self.card_grid.setSpacing(14)
        self.new_heading = _label("HomeSectionTitle")
        self.new_hint = _label("Hint")
        self.new_list = QListWidget()
        self.new_list.setObjectName("NewLessons")
        self.new_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.new_list.setMouseTracking(True)  # rows light up under the mouse (see style.py)
        self.new_list.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.new_list_hint = _RowHintDelegate(self.new_list)
        self.new_list.setItemDelegate(self.new_list_hint)
        self.new_list.itemClicked.connect(self._new_item_chosen)
        self.new_list.itemActivated.connect(self._new_item_chosen)

        body = QWidget()
        body.setObjectName("HomeBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(14)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.change_button)
        layout.addLayout(header)
        layout.addWidget(self.problem)
        layout.addWidget(self.problem_details, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.empty_library)
        layout.addWidget(self.no_classes)
        layout.addLayout(self.card_grid)
        layout.addSpacing(10)
        layout.addWidget(self.new_heading)
        layout.addWidget(self.new_hint)
        layout.addWidget(self.new_list)
        layout.addStretch(1)
        scroll = scroll_area(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        for w in (self.problem, self.empty_library, self.no_classes, self.new_heading,
                  self.new_hint, self.new_list):
            w.hide()
        self.retranslate()

    # ---- loading -----------------------------------------------------------------------------

    def set_workspace(self, ws) -> None:
        self.ws = ws
        self.refresh()

    def refresh(self) -> None:
        """Read the page again (after playing, a sync, a USB import, changed classes)."""
        ws = self.ws
        if ws is None:
            return
        if self._load_task is not None:
            self._load_task.cancel()  # an older read must not overwrite a newer one
        self._load_task = self.tasks.run(lambda: home_queries.load_home(ws), on_done=self._loaded,
                                         on_error=self._load_failed, name="load-home")

    def _loaded(self, data: HomeData) -> None:
        self._load_task = None
        self.data, self.load_error = data, None
        self._show()
        if self.isVisible():
            self._mark_seen(data)
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self._load_task = None
        log.error("cannot read the home page: %s", exc, exc_info=exc)
        self.load_error = str(exc)
        self._show()
        self.loaded.emit()

    def _mark_seen(self, data: HomeData) -> None:
        ws, marker = self.ws, data.marker
        if ws is None or marker is None:
            return
        self.tasks.run(lambda: home_queries.mark_seen(ws, marker), name="home-mark-seen",
                       on_error=lambda exc: log.warning("cannot remember seen lessons: %s", exc))

    def set_download_state(self, state: DownloadState) -> None:
        """Which lessons are being downloaded, whether the disk lets anything download, why they
        do not come: every card says it at once, next to its 下载."""
        self.download_state = state
        for card in self.cards:
            self._tell_card(card)

    def _tell_card(self, card: ClassCardWidget) -> None:
        state = self.download_state
        card.set_download_state(card.resource_id in state.asked, state.blocked, state.stalled)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()  # the teacher is looking now: fresh numbers, then marked seen

    # ---- showing -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(self.tr("My classes"))
        self.change_button.setText(self.tr("Change my classes"))
        self.choose_button.setText(self.tr("Choose my classes"))
        self.empty_library.setText(self.tr(
            "There are no lessons on this computer yet. They come from the county resource "
            "centre over the network, or on a USB stick: see “Updates” at the top."))
        self._show()

    def _show(self) -> None:
        data = self.data
        self.problem.setVisible(self.load_error is not None)
        if self.load_error is not None:
            self.problem.setText(self.tr("The home page cannot be read right now. Your lessons "
                                         "are still there under “All lessons”."))
        self.problem_details.set_detail(self.load_error or "")
        if data is None:
            return
        self.empty_library.setVisible(data.library_empty)
        self.change_button.setText(self.tr("See my classes") if data.classes_locked
                                   else self.tr("Change my classes"))
        self.no_classes.setVisible(not data.cards)
        self.choose_button.setVisible(not data.classes_locked)
        self.no_classes_text.setText(
            self.tr("The school's IT teacher has not set any classes for this computer yet.")
            if data.classes_locked else
            self.tr("Tell TeachPoint which classes you teach, and the next lesson of each will "
                    "wait for you here, ready to play."))
        self._show_cards(data.cards)
        self._show_new(data)

    def _show_cards(self, cards: list[ClassCard]) -> None:
        for card in self.cards:
            self.card_grid.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for i, card in enumerate(cards):
            widget = ClassCardWidget(card)
            self._tell_card(widget)
            widget.play_requested.connect(self.play_requested)
            widget.download_requested.connect(self.download_requested)
            self.card_grid.addWidget(widget, i // CARD_COLUMNS, i % CARD_COLUMNS)
            self.cards.append(widget)

    def _show_new(self, data: HomeData) -> None:
        self.new_list.clear()
        show = not data.library_empty or data.new_count > 0
        # nothing new: a quiet line only, not a "新课程 0 节" heading
        self.new_heading.setVisible(show and data.new_count > 0)
        self.new_heading.setText(self.tr("New lessons: {n}").format(n=data.new_count))
        self.new_hint.setText(self.tr("Nothing new since you last looked.") if not data.new_count
                              else self.tr("Arrived since you last looked:"))
        self.new_hint.setVisible(show)
        self.new_list_hint.hint = self.tr("View ›")
        for new in data.new_lessons:
            place = "  ·  ".join(p for p in (new.unit, self.tr("Lesson {n}").format(n=new.lesson)
                                             if new.lesson else "") if p)
            item = QListWidgetItem(f"{new.title}    {display_grade(new.grade)} {new.subject}"
                                   + (f"  ·  {place}" if place else ""))
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{item.text()}  {self.new_list_hint.hint}")
            item.setData(Qt.ItemDataRole.UserRole, new.resource_id)
            item.setToolTip(self.tr("Show this lesson"))
            self.new_list.addItem(item)
        more = data.new_count - len(data.new_lessons)
        if more > 0:
            item = QListWidgetItem(self.tr("… and {n} more (see “All lessons”)").format(n=more))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.new_list.addItem(item)
        self.new_list.setVisible(self.new_list.count() > 0)
        rows = self.new_list.count()
        self.new_list.setFixedHeight(self.new_list.sizeHintForRow(0) * rows + 8 if rows else 0)

    def new_lesson_ids(self) -> list[str]:
        return [self.new_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.new_list.count())
                if self.new_list.item(i).data(Qt.ItemDataRole.UserRole)]

    def _new_item_chosen(self, item: QListWidgetItem) -> None:
        rid = item.data(Qt.ItemDataRole.UserRole)
        if rid:
            self.lesson_selected.emit(rid)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class _RowHintDelegate(QStyledItemDelegate):
    """Draws :attr:`hint` ("查看 ›") at the right end of every row that opens a lesson, so the
    list of new lessons looks like something to click."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hint = ""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        super().paint(painter, option, index)
        if not self.hint or not index.data(Qt.ItemDataRole.UserRole):
            return
        painter.save()
        painter.setFont(option.font)
        painter.setPen(QColor(ACCENT))
        painter.drawText(option.rect.adjusted(0, 0, -16, 0),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.hint)
        painter.restore()


def _label(name: str) -> QLabel:
    return make_label(name)
