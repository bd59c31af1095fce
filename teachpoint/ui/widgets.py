"""Small widget makers the pages share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


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
