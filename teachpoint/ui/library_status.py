"""The status line under every place: how many lessons, how many play, how much disk they use.

On a narrow screen with 大字体 the line is longer than the window is wide; it is then cut with
"…" (the whole line in its tooltip) instead of making the window wider than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QWidget

from teachpoint.ui.formatting import format_size
from teachpoint.ui.queries import LibrarySummary


class LibraryStatus(QLabel):
    """Shows a :class:`LibrarySummary` (read in a worker by the window) in one line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setContentsMargins(12, 0, 12, 0)
        self.summary: LibrarySummary | None = None

    def show_summary(self, summary: LibrarySummary | None) -> None:
        self.summary = summary
        self.retranslate()

    def retranslate(self) -> None:
        s = self.summary
        if s is None:
            self.setText("")
            return
        text = self.tr("{n} lessons, {ok} ready to play").format(n=s.lessons, ok=s.installed)
        if s.not_downloaded:
            text += self.tr(", {n} not downloaded").format(n=s.not_downloaded)
        if s.damaged:
            text += self.tr(", {n} damaged").format(n=s.damaged)
        text += self.tr("  ·  lesson files use {size}").format(size=format_size(s.store_bytes))
        self.setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Narrow: the line is cut rather than widening the window."""
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        """The text, cut with "…" at the right when it does not fit."""
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
