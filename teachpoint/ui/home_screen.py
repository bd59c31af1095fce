"""The 首页 place with its first-run flow: :class:`HomePage` and the class picker in one stack."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from teachpoint.ui.class_picker import ClassPicker
from teachpoint.ui.home_page import HomePage
from teachpoint.ui.tasks import TaskManager


class HomeScreen(QStackedWidget):
    """The home place with its first-run flow: the class picker when no classes are chosen yet
    (once per start; "skip for now" leaves the home page's invitation), or on request."""

    play_requested = Signal(str)
    lesson_selected = Signal(str)
    download_requested = Signal(str)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("HomeScreen")
        self.ws = None
        self.home = HomePage(tasks)
        self.picker = ClassPicker(tasks)
        self.addWidget(self.home)
        self.addWidget(self.picker)
        self.asked_first_run = False
        self.home.play_requested.connect(self.play_requested)
        self.home.lesson_selected.connect(self.lesson_selected)
        self.home.download_requested.connect(self.download_requested)
        self.home.change_classes_requested.connect(lambda: self.show_picker(first_run=False))
        self.home.loaded.connect(self._home_loaded)
        self.picker.saved.connect(self._picker_done)
        self.picker.skipped.connect(self._picker_done)

    def set_workspace(self, ws) -> None:
        self.ws = ws
        self.asked_first_run = False
        self.setCurrentWidget(self.home)
        self.home.set_workspace(ws)

    def refresh(self) -> None:
        self.home.refresh()

    def show_picker(self, first_run: bool = False) -> None:
        if self.ws is None:
            return
        self.picker.set_first_run(first_run)
        self.picker.set_workspace(self.ws)
        self.setCurrentWidget(self.picker)

    def _home_loaded(self) -> None:
        data = self.home.data
        if (data is not None and not data.cards and not data.classes_locked and self.ws is not None
                and not self.ws.read_only and not self.asked_first_run):
            self.asked_first_run = True
            self.show_picker(first_run=True)

    def _picker_done(self) -> None:
        self.asked_first_run = True
        self.setCurrentWidget(self.home)  # showing the home page reads it again
        if not self.home.isVisible():
            self.home.refresh()
