"""The green bar across the top: the app's name, the four places, the search box.

The places are big checkable buttons (首页 · 全部课程 · 同步 · 使用情况 · 设置), one checked at a
time, so a teacher always sees where they are; Alt+1…5 reach them from the keyboard. The sync place shows a
one-line state ("正在下载 45%", "离线") set by the window from the sync controller.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

HOME, LIBRARY, SYNC, USAGE, SETTINGS = "home", "library", "sync", "usage", "settings"
PLACES = (HOME, LIBRARY, SYNC, USAGE, SETTINGS)
REVIEW = "review"  # 审核: only on a county reviewer's PC (add_place), never on a teacher's


class TopBar(QWidget):
    """Title, navigation buttons and the search box; ``place_chosen(name)`` on a click."""

    place_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("TopBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.app_title = QLabel()
        self.app_title.setObjectName("AppTitle")
        self.search_box = QLineEdit()
        self.search_box.setObjectName("SearchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setEnabled(False)
        self.buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(8)
        layout.addWidget(self.app_title)
        for number, place in enumerate(PLACES, start=1):
            button = QPushButton()
            button.setObjectName("NavButton")
            button.setCheckable(True)
            button.setEnabled(False)
            button.setShortcut(QKeySequence(f"Alt+{number}"))
            button.clicked.connect(lambda _=False, p=place: self.place_chosen.emit(p))
            self.group.addButton(button)
            self.buttons[place] = button
            layout.addWidget(button)
        layout.addSpacing(12)
        layout.addWidget(self.search_box, 1)
        self._sync_state = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.app_title.setText(self.tr("TeachPoint"))
        self.search_box.setPlaceholderText(self.tr("Search: title, pinyin or initials"))
        self.buttons[HOME].setText(self.tr("Home"))
        self.buttons[LIBRARY].setText(self.tr("All lessons"))
        self.buttons[USAGE].setText(self.tr("Usage"))
        self.buttons[SETTINGS].setText(self.tr("Settings"))
        if REVIEW in self.buttons:
            self.buttons[REVIEW].setText(self.tr("Review"))
        self._show_sync_text()
        for number, place in enumerate(PLACES, start=1):
            self.buttons[place].setToolTip(self.tr("Alt+{n}").format(n=number))

    def add_place(self, place: str) -> None:
        """One more place after the others (the 审核 place where a publisher key is configured)."""
        if place in self.buttons:
            return
        button = QPushButton()
        button.setObjectName("NavButton")
        button.setCheckable(True)
        button.setShortcut(QKeySequence(f"Alt+{len(self.buttons) + 1}"))
        button.clicked.connect(lambda _=False: self.place_chosen.emit(place))
        self.group.addButton(button)
        self.buttons[place] = button
        self.layout().insertWidget(len(self.buttons), button)
        self.retranslate()

    def set_ready(self, ready: bool) -> None:
        """Enable the places and the search box once the library is open."""
        self.search_box.setEnabled(ready)
        for button in self.buttons.values():
            button.setEnabled(ready)

    def mark(self, place: str | None) -> None:
        """Show ``place`` as the current one (None: none, e.g. while a lesson plays)."""
        if place in self.buttons:
            self.buttons[place].setChecked(True)
        else:
            self.group.setExclusive(False)
            for button in self.buttons.values():
                button.setChecked(False)
            self.group.setExclusive(True)

    def current(self) -> str | None:
        for place, button in self.buttons.items():
            if button.isChecked():
                return place
        return None

    def set_sync_state(self, text: str) -> None:
        """A few words after 同步, e.g. "正在下载 45%" (empty: just 同步)."""
        self._sync_state = text
        self._show_sync_text()

    def _show_sync_text(self) -> None:
        label = self.tr("Updates")
        self.buttons[SYNC].setText(f"{label} · {self._sync_state}" if self._sync_state else label)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
