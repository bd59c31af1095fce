"""Small widget helpers the pages share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QPushButton, QScrollArea, QWidget


def make_label(name: str, wrap: bool = True, selectable: bool = False, text: str = "") -> QLabel:
    """A label styled by its object name (``QLabel#name`` in :mod:`teachpoint.ui.style`).

    ``selectable`` lets the mouse select the text (messages IT staff may copy); otherwise clicks
    pass through, so a label on a card does not steal them.
    """
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse if selectable
                                  else Qt.TextInteractionFlag.NoTextInteraction)
    return label


def make_button(name: str, slot) -> QPushButton:
    """A push button styled by its object name (``QPushButton#name``) that calls ``slot()``."""
    button = QPushButton()
    button.setObjectName(name)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.clicked.connect(lambda _=False: slot())
    return button


def set_bar_value(bar: QProgressBar, value: int) -> None:
    """``bar.setValue(value)`` without Qt's synchronous repaint.

    QProgressBar repaints at once (``repaint()``, not ``update()``) whenever its shown percentage
    changes; with many bars updated from sync or USB progress that cost the GUI thread up to
    seconds under load (benchmarks/ui_responsiveness.py). With updates off during the change, the
    paint is queued like any other and merged with the rest of the window's.
    """
    if bar.value() == value:
        return
    bar.setUpdatesEnabled(False)
    bar.setValue(value)
    bar.setUpdatesEnabled(True)


def scroll_area(body: QWidget) -> QScrollArea:
    """A frameless scroll area around a page's ``body``, so a page never asks for a taller window
    than a classroom PC's screen (1366×768) has."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll
