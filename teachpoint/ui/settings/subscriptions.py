"""订阅: which grades and subjects this PC downloads in advance (none ticked = everything).

Every lesson is always listed (the catalogue is small); a subscription only decides which lesson
videos are fetched before anyone asks. Saved as ``teachpoint subscribe`` saves it, through
:meth:`teachpoint.sync.schedule.Subscriptions.from_values` (setting
:data:`teachpoint.sync.schedule.SETTING_SUBSCRIPTIONS`).
"""

from __future__ import annotations

import json
import logging

from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from teachpoint.library.curriculum_data import GRADES, STAGES, SUBJECTS
from teachpoint.sync import schedule
from teachpoint.sync.schedule import Subscriptions
from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label

log = logging.getLogger(__name__)

LOCK = "subscriptions"
SUBJECT_COLUMNS = 4


def _read(ws) -> tuple[Subscriptions, frozenset[str]]:
    with ws.catalogue.write_lock:
        return schedule.load_subscriptions(ws), ws.locked_settings()


def _save(ws, grades: list[int], subjects: list[str]) -> Subscriptions:
    subs = Subscriptions.from_values(grades, subjects)
    with ws.catalogue.write_lock:
        ws.set_setting(schedule.SETTING_SUBSCRIPTIONS, json.dumps(subs.to_json(), ensure_ascii=False))
        return schedule.load_subscriptions(ws)


class SubscriptionsSection(SettingsSection):
    """A tick box per grade (by stage) and per subject, and a save button."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.subscriptions = Subscriptions()
        self.grades_label = QLabel()
        self.subjects_label = QLabel()
        self.grade_boxes: dict[int, QCheckBox] = {n: QCheckBox(name) for n, name in GRADES.items()}
        self.subject_boxes: dict[str, QCheckBox] = {name: QCheckBox(name) for name in SUBJECTS}
        self.stage_labels: dict[str, QLabel] = {stage: QLabel(stage) for stage in STAGES}
        grades = QGridLayout()
        for row, (stage, numbers) in enumerate(STAGES.items()):
            grades.addWidget(self.stage_labels[stage], row, 0)
            for col, n in enumerate(numbers, start=1):
                grades.addWidget(self.grade_boxes[n], row, col)
        grades.setColumnStretch(7, 1)
        subjects = QGridLayout()
        for i, box in enumerate(self.subject_boxes.values()):
            subjects.addWidget(box, i // SUBJECT_COLUMNS, i % SUBJECT_COLUMNS)
        subjects.setColumnStretch(SUBJECT_COLUMNS, 1)
        self.save_button = QPushButton()
        self.everything_button = QPushButton()
        self.message = FieldMessage()
        self.hint = hint_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.everything_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.grades_label)
        layout.addLayout(grades)
        layout.addWidget(self.subjects_label)
        layout.addLayout(subjects)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.lockable = {LOCK: [*self.grade_boxes.values(), *self.subject_boxes.values(),
                                self.save_button, self.everything_button]}
        self.save_button.clicked.connect(self.save)
        self.everything_button.clicked.connect(self.choose_everything)
        self.retranslate()

    def load(self) -> None:
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _read(ws), self._loaded, self.message, name="read subscriptions")

    def _loaded(self, result) -> None:
        self.subscriptions, locked = result
        self.apply_locks(locked)
        self._show()

    def _show(self) -> None:
        for n, box in self.grade_boxes.items():
            box.setChecked(n in self.subscriptions.grades)
        for name, box in self.subject_boxes.items():
            box.setChecked(name in self.subscriptions.subjects)

    def chosen(self) -> tuple[list[int], list[str]]:
        """The ticked grades and subjects."""
        return ([n for n, box in self.grade_boxes.items() if box.isChecked()],
                [name for name, box in self.subject_boxes.items() if box.isChecked()])

    def choose_everything(self) -> None:
        for box in (*self.grade_boxes.values(), *self.subject_boxes.values()):
            box.setChecked(False)
        self.save()

    def save(self) -> None:
        if self.ws is None or self.is_locked(LOCK):
            return
        grades, subjects = self.chosen()
        ws = self.ws
        self.run(lambda: _save(ws, grades, subjects), self._saved, self.message,
                 name="save subscriptions")

    def _saved(self, subs: Subscriptions) -> None:
        self.subscriptions = subs
        self._show()
        if subs.everything:
            self.message.show_done(self.tr("Saved: this computer downloads all lessons."))
        else:
            self.message.show_done(self.tr("Saved."))
        self.changed.emit(LOCK)

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Download in advance"))
        self.grades_label.setText(self.tr("Grades:"))
        self.subjects_label.setText(self.tr("Subjects:"))
        self.save_button.setText(self.tr("Save"))
        self.everything_button.setText(self.tr("Download everything"))
        self.hint.setText(self.tr("Tick the grades and subjects taught here: their lessons are "
                                  "downloaded before class. Nothing ticked = all lessons. Other "
                                  "lessons stay in the list and download when you open them."))
