"""Big buttons for choosing: :class:`ChoiceGrid` (a grid of checkable buttons) and
:class:`EnterButton` (a push button that Enter presses too), used by the class picker."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QPushButton, QWidget

CHOICE_COLUMNS = 6  # buttons per row


class ChoiceGrid(QWidget):
    """A grid of big checkable buttons, one checked at a time (any number when not ``exclusive``);
    ``chosen(value)`` on a click."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None, exclusive: bool = True):
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(exclusive)
        self.buttons: dict[object, QPushButton] = {}
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.grid.setColumnStretch(CHOICE_COLUMNS, 1)  # buttons keep their size, left-aligned

    def set_choices(self, choices: list[tuple[object, str, bool]]) -> None:
        """(value, text, has lessons) per button; buttons without lessons look lighter."""
        for button in self.buttons.values():
            self.group.removeButton(button)
            button.deleteLater()
        self.buttons = {}
        for i, (value, text, has_lessons) in enumerate(choices):
            button = EnterButton(text)
            button.setObjectName("ChoiceButton")
            button.setCheckable(True)
            button.setProperty("empty", not has_lessons)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, v=value: self.chosen.emit(v))
            self.group.addButton(button)
            self.grid.addWidget(button, i // CHOICE_COLUMNS, i % CHOICE_COLUMNS)
            self.buttons[value] = button
        self.setVisible(bool(choices))

    def check(self, value) -> None:
        if value in self.buttons:
            self.buttons[value].setChecked(True)
        elif self.group.checkedButton() is not None:
            self.group.setExclusive(False)
            self.group.checkedButton().setChecked(False)
            self.group.setExclusive(True)

    def click(self, value) -> None:
        if value in self.buttons:
            self.buttons[value].click()

    def values(self) -> list:
        return list(self.buttons)


class EnterButton(QPushButton):
    """A push button that Enter presses too, like Space (teachers expect Enter to work)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled():
            self.click()
            return
        super().keyPressEvent(event)
