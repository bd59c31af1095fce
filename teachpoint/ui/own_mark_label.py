"""The 本校 mark in the lesson details: a teacher's lesson, its review state and who made it.

"本校课程 · 待审核" (grey-green), "本校课程 · 已通过：每所学校都能收到" (green), "本校课程 · 未通过：
<reason>" (red), and "由 李老师 制作" when the teacher chose to share the name; a lesson a teacher
of another school made (accepted by the county) says so with the shared name.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from teachpoint.contrib import ACCEPTED, REJECTED
from teachpoint.ui import style
from teachpoint.ui.own_queries import OwnMark

_COLOURS = {ACCEPTED: style.ACCENT, REJECTED: style.DANGER}
_PENDING_COLOUR = "#5b7a67"


class OwnMarkLabel(QLabel):
    """Shows one :class:`OwnMark` (hidden for an ordinary county lesson)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("OwnMark")
        self.setWordWrap(True)
        self.mark: OwnMark | None = None
        self.hide()

    def show_mark(self, mark: OwnMark | None) -> None:
        self.mark = mark
        if mark is None:
            self.clear()
            self.hide()
            return
        colour = _COLOURS.get(mark.state, _PENDING_COLOUR) if mark.ours else style.MUTED
        self.setStyleSheet(f"QLabel#OwnMark {{ font-size: 15pt; color: {colour}; "
                           f"border: 2px solid {colour}; border-radius: 6px; padding: 4px 10px; }}")
        self.setText(self.text_of(mark))
        self.show()

    def text_of(self, mark: OwnMark) -> str:
        """The words of the mark."""
        by = self.tr("made by {name}").format(name=mark.teacher) if mark.teacher else ""
        if not mark.ours:
            text = self.tr("A lesson made by a teacher of another school")
            return f"{text}  ·  {by}" if by else text
        if mark.state == ACCEPTED:
            state = self.tr("accepted by the county: every school receives it")
        elif mark.state == REJECTED:
            state = self.tr("not accepted by the county: {reason}").format(
                reason=mark.reason or self.tr("no reason given"))
        else:
            state = self.tr("waiting for the county's review")
        return "  ·  ".join(p for p in (self.tr("This school's lesson"), state, by) if p)
