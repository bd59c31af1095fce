"""技术详情: a small button that shows or hides the technical text of a problem, selectable so
the school's IT teacher can copy it, kept out of the sentence the teacher reads."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from teachpoint.ui.widgets import make_label


class DetailsToggle(QWidget):
    """``set_detail(text)``: the button appears (hidden again for an empty text); a click shows it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.button = QPushButton()
        self.button.setObjectName("DetailsToggle")
        self.button.setCheckable(True)
        self.label = make_label("NoticeDetails", selectable=True)
        self.label.hide()
        self.button.toggled.connect(self.label.setVisible)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button, 0)
        layout.addWidget(self.label)
        self.set_detail("")
        self.retranslate()

    def set_detail(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))
        if not text:
            self.button.setChecked(False)

    def retranslate(self) -> None:
        self.button.setText(self.tr("Technical details"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
