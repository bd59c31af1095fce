"""Pages the window shows before the library is usable ("opening…", "cannot open"), and the
notice bar for problems IT staff must hear about at start."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


class OpeningPage(QWidget):
    """A calm "opening the lesson library…" with a busy bar (the workspace opens in a worker)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("StatePage")
        self.label = QLabel()
        self.label.setObjectName("Hint")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        busy = QProgressBar()
        busy.setRange(0, 0)
        busy.setMaximumWidth(420)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(busy, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("Opening the lesson library…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ProblemPage(QWidget):
    """The library cannot be opened: what to do, the technical detail, and "try again"."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("StatePage")
        self.title = QLabel()
        self.title.setObjectName("LessonTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel()
        self.detail.setObjectName("Hint")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("PlayButton")
        self.retry_button.clicked.connect(self.retry_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addSpacing(20)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        self._exc: BaseException | None = None
        self.retranslate()

    def show_error(self, exc: BaseException) -> None:
        self._exc = exc
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("The lesson library cannot be opened"))
        self.retry_button.setText(self.tr("Try again"))
        if self._exc is not None:
            self.detail.setText(self.tr(
                "Please tell the school's IT teacher. Technical detail:\n{detail}").format(
                    detail=self._exc))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class NoticeBar(QWidget):
    """A yellow strip under the top bar for things IT staff must hear about at start (a bad site
    configuration file): a one-line summary, the details selectable, and 知道了 to hide it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("NoticeBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.summary = QLabel()
        self.summary.setObjectName("NoticeText")
        self.summary.setWordWrap(True)
        self.details = QLabel()
        self.details.setObjectName("NoticeDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.hide)
        text = QVBoxLayout()
        text.addWidget(self.summary)
        text.addWidget(self.details)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.addLayout(text, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._problems: list[str] = []
        self.hide()
        self.retranslate()

    def show_site_problems(self, problems: list[str]) -> None:
        """Show the site configuration's problems (nothing to show: stay hidden)."""
        self._problems = list(problems)
        self.retranslate()
        self.setVisible(bool(self._problems))

    def retranslate(self) -> None:
        self.close_button.setText(self.tr("OK"))
        self.summary.setText(self.tr(
            "The school's settings file has {n} problem(s). TeachPoint started with the parts "
            "that are correct; please show this to the school's IT teacher.").format(
                n=len(self._problems)))
        shown = self._problems[:6]
        more = len(self._problems) - len(shown)
        lines = shown + ([self.tr("… and {n} more (see 'teachpoint preseed')").format(n=more)]
                         if more > 0 else [])
        self.details.setText("\n".join(lines))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
