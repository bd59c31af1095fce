"""本校课程: the lessons teachers of this school added, each with its review state, and 删除.

One row per lesson: its title, where it sits in the curriculum, and what the county said —
待审核 (waiting), 已通过 (since when every school receives it) or 未通过 with the reviewer's
reason. 在课程里看 shows it in 全部课程; 删除 asks once more on the same button (no pop-up on top
of a pop-up), then takes it off this computer. Reading and removing run in the task helper.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from teachpoint.contrib import ACCEPTED, REJECTED, list_contributions, remove_contribution
from teachpoint.ui import problems, style
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.widgets import make_label, scroll_area

log = logging.getLogger(__name__)


class OwnLessonsDialog(QDialog):
    """The list; ``add_requested`` for its ＋ button, ``show_requested(resource id)`` for 在课程里看,
    ``library_changed`` after a removal."""

    add_requested = Signal()
    show_requested = Signal(str)
    library_changed = Signal()

    def __init__(self, tasks: TaskManager, ws, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("OwnLessonsDialog")
        self.tasks, self.ws = tasks, ws
        self.contributions: list = []
        self.remove_buttons: dict[str, QPushButton] = {}
        self._armed: str | None = None  # the lesson whose 删除 was pressed once
        self.problem_texts = problems.ProblemTexts(self)
        self.title = make_label("LessonTitle")
        self.hint = make_label("Hint")
        self.add_button = QPushButton()
        self.add_button.setObjectName("UsbActionButton")
        self.add_button.clicked.connect(self.add_requested)
        self.message = make_label("StateWarning", selectable=True)
        self.message.hide()
        self.rows = QVBoxLayout()
        self.rows.setSpacing(10)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addLayout(self.rows)
        layout.addStretch(1)
        self.close_button = QPushButton()
        self.close_button.setObjectName("UsbActionButton")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(28, 8, 28, 14)
        bottom.addWidget(self.add_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll_area(body), 1)
        outer.addLayout(bottom)
        self.resize(900, 700)
        self.retranslate()
        self.reload()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Lessons of this school"))
        self.title.setText(self.tr("Lessons of this school"))
        self.add_button.setText(self.tr("＋  Add a lesson of this school"))
        self.close_button.setText(self.tr("Close"))
        self._show_rows()

    # ---- reading --------------------------------------------------------------------------------

    def reload(self) -> None:
        ws = self.ws
        self.tasks.run(lambda: list_contributions(ws), on_done=self._loaded,
                       on_error=self._failed, name="list contributions")

    def _loaded(self, contributions: list) -> None:
        self.contributions = contributions
        self._armed = None
        self._show_rows()

    def _failed(self, exc: BaseException) -> None:
        log.warning("cannot list this school's lessons: %s", exc, exc_info=exc)
        self.message.setText(self.problem_texts.for_contribution(problems.kind_of(exc), exc))
        self.message.show()

    def state_text(self, c) -> str:
        """待审核 / 已通过 (since …) / 未通过 and why — one short line."""
        if c.state == ACCEPTED:
            return self.tr("Accepted: every school receives it (since {date}).").format(
                date=c.decided_at[:10] or "?")
        if c.state == REJECTED:
            return self.tr("Not accepted. Reason: {reason}").format(
                reason=c.reason or self.tr("none given"))
        return self.tr("Waiting for the county's review.")

    def _show_rows(self) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.remove_buttons = {}
        self.hint.setText(self.tr("Lessons that teachers of this school added on this computer, "
                                  "and what the county's review said. They reach the county on a "
                                  "USB stick, or by themselves when the network is up.")
                          if self.contributions else
                          self.tr("No lessons of this school yet. Press “Add a lesson of this "
                                  "school” to add a video, PDF, slides or pictures you made."))
        for c in self.contributions:
            self.rows.addWidget(self._row(c))

    def _row(self, c) -> QFrame:
        row = QFrame()
        row.setObjectName("ClassPickerRow")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(14, 6, 10, 6)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(make_label("ClassPickerClass", text=c.title))
        where = c.place_zh + (("  ·  " + self.tr("by {name}").format(name=c.teacher))
                              if c.teacher else "")
        text.addWidget(make_label("LessonWhere", text=where))
        state = make_label("UsbText", selectable=True, text=f"{c.state_zh}：{self.state_text(c)}")
        colour = {ACCEPTED: style.ACCENT, REJECTED: style.DANGER}.get(c.state, style.MUTED)
        state.setStyleSheet(f"color: {colour}; font-weight: bold;")
        text.addWidget(state)
        layout.addLayout(text, 1)
        if c.resource_ids:
            show = QPushButton(self.tr("Show"))
            show.setObjectName("UsbActionButton")
            show.clicked.connect(lambda _=False, rid=c.resource_ids[0]: self.show_requested.emit(rid))
            layout.addWidget(show, 0, Qt.AlignmentFlag.AlignTop)
        remove = QPushButton(self.tr("Remove") if self._armed != c.id else self.tr("Remove it?"))
        remove.setObjectName("ClassPickerRemove")
        remove.setEnabled(not self.ws.read_only)
        remove.clicked.connect(lambda _=False, cid=c.id: self.remove(cid))
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        self.remove_buttons[c.id] = remove
        return row

    # ---- removing -------------------------------------------------------------------------------

    def remove(self, contribution_id: str) -> None:
        """The first press asks (删除？), the second takes the lesson off this computer."""
        if self._armed != contribution_id:
            self._armed = contribution_id
            self._show_rows()
            return
        self._armed = None
        ws = self.ws
        self.remove_buttons[contribution_id].setEnabled(False)
        self.tasks.run(lambda: remove_contribution(ws, contribution_id), on_done=self._removed,
                       on_error=self._failed, name="remove contribution")

    def _removed(self, _gone) -> None:
        self.library_changed.emit()
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
