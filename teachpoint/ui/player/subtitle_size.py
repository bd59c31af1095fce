"""How big subtitles are: a button with a menu in the player's header, remembered per PC.

The choices are 自动 (the default: normal, or large when the app shows large text — see
settings → 显示 → 大字体), 标准, 大 and 特大. The choice is kept in the setting
:data:`SETTING_SUBTITLE_SIZE`; :func:`subtitle_percent` turns it into the engine's text scale.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QWidget

from teachpoint.ui import style

log = logging.getLogger(__name__)

SETTING_SUBTITLE_SIZE = "ui_subtitle_size"
AUTO, NORMAL, LARGE, LARGER = "auto", "normal", "large", "larger"
PERCENT = {NORMAL: 100, LARGE: 140, LARGER: 180}


def large_text_on() -> bool:
    """True while the app shows 大字体 (its font is scaled up from the base size)."""
    return QApplication.font().pointSizeF() > style.BASE_POINT_SIZE * 1.1


def subtitle_percent(choice: str | None, large_text: bool) -> int:
    """The subtitle scale for ``choice``; "auto" (or anything unknown) follows large text."""
    if choice in PERCENT:
        return PERCENT[choice]
    return PERCENT[LARGE] if large_text else PERCENT[NORMAL]


class SubtitleSizeButton(QPushButton):
    """"字幕大小" with a menu of the four choices (the chosen one ticked)."""

    size_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SubtitleSizeButton")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.choice = AUTO
        self.menu_ = QMenu(self)
        group = QActionGroup(self)
        self.actions_by_choice = {}
        for choice in (AUTO, NORMAL, LARGE, LARGER):
            action = self.menu_.addAction("")
            action.setCheckable(True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, c=choice: self._chosen(c))
            self.actions_by_choice[choice] = action
        self.setMenu(self.menu_)
        self.retranslate()

    def names(self) -> dict[str, str]:
        return {AUTO: self.tr("automatic"), NORMAL: self.tr("normal"),
                LARGE: self.tr("large"), LARGER: self.tr("very large")}

    def retranslate(self) -> None:
        for choice, name in self.names().items():
            self.actions_by_choice[choice].setText(name)
        self.set_choice(self.choice)

    def set_choice(self, choice: str) -> None:
        """Show ``choice`` (unknown values count as "auto")."""
        self.choice = choice if choice in self.actions_by_choice else AUTO
        self.actions_by_choice[self.choice].setChecked(True)
        self.setText(self.tr("Subtitle size"))  # short: the header of a 1024-pixel screen is narrow
        self.setToolTip(self.tr("How big the subtitles are: {size} (the large-text setting makes "
                                "them larger too)").format(size=self.names()[self.choice]))

    def read_choice(self, tasks, ws) -> None:
        """Show the choice saved on this PC (read in a worker; "auto" until it arrives)."""
        tasks.run(lambda: ws.setting(SETTING_SUBTITLE_SIZE),
                  on_done=lambda choice: self.set_choice(choice or AUTO),
                  on_error=lambda exc: log.warning("subtitle size not read: %s", exc),
                  name="read-subtitle-size")

    def percent(self) -> int:
        return subtitle_percent(self.choice, large_text_on())

    def _chosen(self, choice: str) -> None:
        self.set_choice(choice)
        self.size_chosen.emit(self.choice)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
