"""The 审核 place: the county reviews teachers' lessons (审核/准入, issue 15).

Shown only where a publisher key is configured (:mod:`teachpoint.review.config`). Left: the
queue, waiting lessons first. Right: the chosen lesson (:class:`ReviewDetails`: thumbnail, place,
checks) with ▶ 播放 (the app's own player, :class:`ReviewPlayer`), 通过, a reason and 不通过, and
撤销 for a decision already taken. 收集 takes contributions from a stick or a folder. Every read and
every decision runs in the one task helper (ffprobe, transcoding and publishing take time); a
refusal is one sentence from :mod:`teachpoint.ui.problems`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout,
    QWidget)

from teachpoint.review.config import ReviewConfig, review_config
from teachpoint.ui import problems, review_setup
from teachpoint.ui.details_toggle import DetailsToggle
from teachpoint.ui.review_details import ReviewDetails
from teachpoint.ui.review_player import ReviewPlayer
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.widgets import make_button, make_label, scroll_area

log = logging.getLogger(__name__)

ROLE_ENTRY = Qt.ItemDataRole.UserRole + 1


class ReviewPage(QWidget):
    """The queue and the decision buttons; :meth:`set_workspace` reads the configuration."""

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None, player_factory=None):
        super().__init__(parent)
        self.setObjectName("ReviewPage")
        self.tasks = tasks
        self.ws = None
        self.config: ReviewConfig | None = None
        self.entries: list = []
        self.busy = False
        self.player: ReviewPlayer | None = None
        self._player_factory = player_factory
        self.problem_texts = problems.ProblemTexts(self)
        self.heading = make_label("LessonTitle")
        self.summary = make_label("Hint")
        self.collect_button = make_button("UsbActionButton", self.pick_and_collect)
        self.queue = QListWidget()
        self.queue.setObjectName("ReviewQueue")
        self.queue.setWordWrap(True)
        self.queue.currentItemChanged.connect(lambda item, _prev: self._chosen(item))
        self.details = ReviewDetails()
        self.play_button = make_button("UsbActionButton", self.play)
        self.accept_button = make_button("UsbActionButton", self.accept_current)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(300)
        self.reason_edit.textChanged.connect(lambda _t: self._update_enabled())
        self.reject_button = make_button("UsbActionButton", self.reject_current)
        self.undo_button = make_button("UsbActionButton", self.undo_current)
        self.message = make_label("UsbResult", selectable=True)
        self.message.hide()
        self.problem_details = DetailsToggle()
        self._layout()
        self.retranslate()

    def _layout(self) -> None:
        """Queue on the left; on the right the lesson (scrolls) above the decision buttons, which
        stay in sight however long the checks are."""
        actions = QWidget()
        al = QVBoxLayout(actions)
        al.setContentsMargins(16, 8, 8, 0)
        top_row = QHBoxLayout()
        top_row.addWidget(self.play_button)
        top_row.addWidget(self.accept_button)
        top_row.addWidget(self.undo_button)
        top_row.addStretch(1)
        al.addLayout(top_row)
        decide = QHBoxLayout()
        decide.addWidget(self.reason_edit, 1)
        decide.addWidget(self.reject_button)
        al.addLayout(decide)
        al.addWidget(self.message)
        al.addWidget(self.problem_details)
        holder = QWidget()
        hl = QVBoxLayout(holder)
        hl.setContentsMargins(16, 0, 8, 0)
        hl.addWidget(self.details)
        hl.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(scroll_area(holder), 1)
        right.addWidget(actions)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.collect_button)
        body = QHBoxLayout()
        body.addWidget(self.queue, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(body, 1)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Review teachers' lessons"))
        self.collect_button.setText(self.tr("Collect from a USB stick or folder…"))
        self.play_button.setText(self.tr("▶  Watch"))
        self.accept_button.setText(self.tr("✓  Accept"))
        self.reason_edit.setPlaceholderText(self.tr("Reason for not accepting (the school reads it)"))
        self.reject_button.setText(self.tr("✗  Do not accept"))
        self.undo_button.setText(self.tr("Undo the decision"))
        self._show_queue()

    # ---- reading --------------------------------------------------------------------------------

    def set_workspace(self, ws) -> None:
        """Read the review's configuration (in a worker), then the queue."""
        self.ws = ws
        self.tasks.run(lambda: review_config(ws), on_done=self._config_read,
                       name="review config")

    def _config_read(self, config) -> None:
        self.config = config
        self._update_enabled()  # 收集 and the decisions need the configuration
        self.refresh()

    def refresh(self) -> None:
        """Read the queue again (in a worker)."""
        config = self.config
        if config is None:
            return
        self.tasks.run(lambda: review_setup.load_queue(config), on_done=self._queue_loaded,
                       on_error=self._failed, name="review queue")

    def _queue_loaded(self, entries: list) -> None:
        current = self.current_id()
        self.entries = entries
        self._show_queue(select=current)

    def _show_queue(self, select: int | None = None) -> None:
        self.queue.blockSignals(True)
        self.queue.clear()
        for entry in self.entries:
            item = QListWidgetItem(f"{entry.title}\n{entry.place_zh}  ·  {entry.state_zh}")
            item.setData(ROLE_ENTRY, entry.id)
            self.queue.addItem(item)
            if entry.id == select:
                self.queue.setCurrentItem(item)
        self.queue.blockSignals(False)
        waiting = sum(1 for e in self.entries if e.state == "pending")
        self.summary.setText(self.tr("{n} lessons wait for review; {d} decided.").format(
            n=waiting, d=len(self.entries) - waiting) if self.entries else
            self.tr("No lessons to review yet. Collect them from a USB stick a school brought, or "
                    "from a folder."))
        if self.queue.currentItem() is None:
            self.details.show_nothing()
        self._update_enabled()

    def current_id(self) -> int | None:
        item = self.queue.currentItem()
        return item.data(ROLE_ENTRY) if item is not None else None

    def select(self, entry_id: int) -> None:
        """Choose an entry as a click would."""
        for row in range(self.queue.count()):
            if self.queue.item(row).data(ROLE_ENTRY) == entry_id:
                self.queue.setCurrentRow(row)

    def _chosen(self, item) -> None:
        self.details.show_nothing(self.tr("Checking the lesson…") if item is not None else "")
        self._update_enabled()
        if item is None or self.config is None:
            return
        config, entry_id = self.config, item.data(ROLE_ENTRY)
        self.tasks.run(lambda: review_setup.load_details(config, entry_id), name="review show",
                       on_done=self._details_loaded, on_error=self._failed)

    def _details_loaded(self, details) -> None:
        if details.entry.id == self.current_id():
            self.details.show_details(details)
            self._update_enabled()

    # ---- deciding -------------------------------------------------------------------------------

    def _update_enabled(self) -> None:
        shown = self.details.details
        state = shown.entry.state if shown is not None else None
        idle = not self.busy and self.config is not None
        self.play_button.setVisible(shown is not None and shown.video is not None)
        self.play_button.setEnabled(idle)
        self.accept_button.setEnabled(idle and state == "pending")
        self.reject_button.setEnabled(idle and state == "pending" and bool(self.reason_edit.text().strip()))
        self.reason_edit.setEnabled(idle and state == "pending")
        self.undo_button.setVisible(state in ("accepted", "rejected"))
        self.undo_button.setEnabled(idle)
        self.collect_button.setEnabled(idle)

    def accept_current(self) -> None:
        self._decide("accept", lambda c, i: review_setup.accept(c, i))

    def reject_current(self) -> None:
        reason = self.reason_edit.text().strip()
        if reason:
            self._decide("reject", lambda c, i: review_setup.reject(c, i, reason))

    def undo_current(self) -> None:
        self._decide("undo", lambda c, i: review_setup.undo(c, i))

    def _decide(self, action: str, work) -> None:
        entry_id, config = self.current_id(), self.config
        if entry_id is None or config is None or self.busy:
            return
        self._begin(self.tr("Working… (converting and publishing can take a few minutes)"))
        self.tasks.run(lambda: work(config, entry_id), name=f"review {action}",
                       on_done=lambda entry: self._decided(action, entry), on_error=self._failed)

    def _decided(self, action: str, entry) -> None:
        self.busy = False
        self.reason_edit.clear()
        texts = {"accept": self.tr("“{title}” is accepted and published: every school receives it "
                                   "with its next update."),
                 "reject": self.tr("“{title}” is not accepted; the school will read your reason."),
                 "undo": self.tr("The decision on “{title}” was taken back; it waits for review again.")}
        self._say(texts[action].format(title=entry.title), problem=False)
        self.refresh()
        self._chosen(self.queue.currentItem())

    def pick_and_collect(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the USB stick or folder"))
        if folder:
            self.collect(Path(folder))

    def collect(self, folder: Path) -> None:
        """收集: take the contributions on a stick or in a folder into the queue."""
        config = self.config
        if config is None or self.busy:
            return
        self._begin(self.tr("Collecting…"))
        self.tasks.run(lambda: review_setup.collect(config, folder), name="review collect",
                       on_done=self._collected, on_error=self._failed)

    def _collected(self, result) -> None:
        self.busy = False
        text = self.tr("{new} new lessons collected, {known} known already.").format(
            new=result.new + result.updated, known=result.known)
        if result.refused:
            text += "\n" + self.tr("{n} were refused (damaged, or not signed by a known school "
                                   "computer).").format(n=len(result.refused))
        self._say(text, problem=bool(result.refused))
        self.problem_details.set_detail("\n".join(f"{r['source']}: {r['reason']}" for r in result.refused))
        self.refresh()

    def play(self) -> None:
        """▶ 观看: the queued video in the app's own player."""
        shown, config = self.details.details, self.config
        if shown is None or config is None or self.ws is None:
            return
        info = review_setup.lesson_to_watch(config, shown)
        if info is not None:
            self.player = ReviewPlayer(self.tasks, self.ws, info, self.window(), self._player_factory)
            self.player.show()

    # ---- messages -------------------------------------------------------------------------------

    def _begin(self, text: str) -> None:
        self.busy = True
        self.problem_details.set_detail("")
        self._say(text, problem=False)
        self._update_enabled()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        kind = problems.kind_of(exc)
        log.warning("review: %s (%s)", exc, kind, exc_info=kind == problems.OTHER)
        self._say(self.problem_texts.for_review(kind), problem=True)
        self.problem_details.set_detail(problems.detail_of(exc))
        self._update_enabled()

    def _say(self, text: str, problem: bool) -> None:
        self.message.setText(text)
        self.message.setProperty("problem", problem)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

