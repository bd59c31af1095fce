"""添加本校课程: a teacher adds a lesson of their own (video, PDF, slides, pictures; issue 15).

Four steps on one page, top to bottom: the files (from a phone or a stick, QFileDialog), the
title (the first file's name until the teacher types one), where the lesson belongs in the
curriculum — the very grade / subject / edition buttons of 我的班级
(:class:`~teachpoint.ui.class_picker.ClassPicker`'s chooser, with every grade and subject of the
national curriculum offered) plus 册, unit and lesson number —, and the teacher's name
with a separate opt-in box to let it travel with the lesson. 添加 runs
:func:`teachpoint.contrib.add_contribution` in the one task helper with a progress bar; 取消 stops
it while the files are checked and copied (the core's cancel token; nothing is kept then).
A refusal is one plain sentence from :mod:`teachpoint.ui.problems`, the technical line behind
技术详情; the choices stay.
``added(Contribution)`` when the lesson is in the library.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFileDialog, QFrame, QHBoxLayout, QLineEdit, QProgressBar,
    QSpinBox, QVBoxLayout, QWidget)

from teachpoint.contrib import add_contribution
from teachpoint.ui import problems
from teachpoint.ui.class_picker import ANY_EDITION, ClassPicker
from teachpoint.ui.details_toggle import DetailsToggle
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.widgets import make_button, make_label, scroll_area, set_bar_value

log = logging.getLogger(__name__)

LESSON_PATTERNS = ("*.mp4 *.m4v *.mkv *.avi *.flv *.wmv *.mov *.mpg *.mpeg *.rm *.rmvb *.3gp *.ts "
                   "*.mp3 *.m4a *.wav *.pdf *.ppt *.pptx *.pps *.ppsx *.dps *.png *.jpg *.jpeg *.bmp *.gif")
SUBTITLE_PATTERNS = "*.srt *.vtt *.ass *.ssa *.lrc"
VOLUMES = ("上册", "下册")  # the curriculum's own words (a volume is 册, not translated)
BAR_STEPS = 1000


class ContributeDialog(QDialog):
    """The form; :meth:`add_files` / :meth:`add_subtitles` take paths (the buttons ask QFileDialog)."""

    added = Signal(object)  # the Contribution

    def __init__(self, tasks: TaskManager, ws, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ContributeDialog")
        self.tasks, self.ws = tasks, ws
        self.files: list[Path] = []
        self.subtitles: list[Path] = []
        self.running = False
        self._cancel: threading.Event | None = None
        self.problem_texts = problems.ProblemTexts(self)
        self.picker = ClassPicker(tasks, self)  # its grade/subject/edition buttons, nothing else
        self.picker.hide()
        self.picker.loaded.connect(self._picker_loaded)
        self._build()
        self.setStyleSheet("QLineEdit, QComboBox, QSpinBox { font-size: 16pt; padding: 4px; }")
        self.retranslate()
        self.resize(980, 720)
        self.picker.set_workspace(ws)

    # ---- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = make_label("LessonTitle")
        self.files_heading, self.place_heading, self.name_heading, self.teacher_heading = (
            make_label("ClassPickerHeading") for _ in range(4))
        self.files_text = make_label("LessonWhere", selectable=True)
        self.pick_files_button = make_button("UsbActionButton", self._pick_files)
        self.pick_subtitles_button = make_button("UsbActionButton", self._pick_subtitles)
        self.clear_files_button = make_button("UsbActionButton", self.clear_files)
        self.chooser = self.picker.chooser  # the same buttons as 我的班级, shown here
        self.picker.add_button.hide()
        self.volume_box = QComboBox()
        self.unit_edit = QLineEdit()
        self.lesson_spin = QSpinBox()
        self.lesson_spin.setRange(0, 999)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        self.teacher_edit = QLineEdit()
        self.teacher_edit.setMaxLength(40)
        self.share_name = QCheckBox()
        self.share_name.setObjectName("ClassPickerShowAll")
        self.volume_label, self.unit_label, self.lesson_label = (make_label("UsbText") for _ in range(3))

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(28, 16, 28, 16)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.files_heading)
        layout.addWidget(self.files_text)
        layout.addLayout(_row(self.pick_files_button, self.pick_subtitles_button, self.clear_files_button))
        layout.addWidget(self.name_heading)
        layout.addWidget(self.title_edit)
        layout.addWidget(self.place_heading)
        layout.addWidget(self.chooser)
        layout.addLayout(_row(self.volume_label, self.volume_box, self.unit_label, self.unit_edit,
                              self.lesson_label, self.lesson_spin, stretch_at=3))
        layout.addWidget(self.teacher_heading)
        layout.addWidget(self.teacher_edit)
        layout.addWidget(self.share_name)
        layout.addStretch(1)

        self.message = make_label("StateWarning", selectable=True)
        self.message.hide()
        self.details = DetailsToggle()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.add_button = make_button("PlayButton", self.start)
        self.cancel_button = make_button("UsbCancelButton", self.cancel)
        self.close_button = make_button("UsbActionButton", self.reject)
        bar = QFrame()
        bar.setObjectName("ClassPickerButtons")
        bottom = QVBoxLayout(bar)
        bottom.setContentsMargins(28, 8, 28, 12)
        bottom.addWidget(self.message)
        bottom.addWidget(self.details)
        bottom.addWidget(self.progress)
        bottom.addLayout(_row(self.add_button, self.cancel_button, self.close_button))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll_area(body), 1)
        outer.addWidget(bar)
        self.title_edit.textChanged.connect(lambda _t: self._update_enabled())
        self.picker.grade_grid.chosen.connect(lambda _v: self._update_enabled())
        self.picker.subject_grid.chosen.connect(lambda _v: self._update_enabled())
        self._update_enabled()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add a lesson of this school"))
        self.title_label.setText(self.tr("Add a lesson of this school"))
        self.files_heading.setText(self.tr("1. The lesson's files (video, PDF, slides or pictures)"))
        self.pick_files_button.setText(self.tr("Choose files…"))
        self.pick_subtitles_button.setText(self.tr("Add subtitles…"))
        self.clear_files_button.setText(self.tr("Start again"))
        self.place_heading.setText(self.tr("3. Where it belongs: grade, subject and textbook"))
        self.volume_label.setText(self.tr("Volume"))
        self.volume_box.clear()
        self.volume_box.addItem(self.tr("Not sure"), "")
        for volume in VOLUMES:
            self.volume_box.addItem(volume, volume)
        self.unit_label.setText(self.tr("Unit"))
        self.unit_edit.setPlaceholderText(self.tr("e.g. 第二单元 春天 (may stay empty)"))
        self.lesson_label.setText(self.tr("Lesson no."))
        self.lesson_spin.setSpecialValueText(self.tr("none"))
        self.name_heading.setText(self.tr("2. The lesson's title"))
        self.title_edit.setPlaceholderText(self.tr("e.g. 春天在哪里"))
        self.teacher_heading.setText(self.tr("4. Your name (may stay empty; it stays on this computer)"))
        self.share_name.setText(self.tr("Show my name with this lesson at the county and at other "
                                        "schools"))
        self.add_button.setText(self.tr("Add the lesson"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.close_button.setText(self.tr("Close"))
        self._show_files()

    def _picker_loaded(self) -> None:
        """Offer the whole curriculum (a teacher's lesson may be for any grade), even where the
        site configuration locked the classes (that lock is about 我的班级, not this)."""
        self.picker.show_all.setChecked(True)
        self.chooser.setVisible(True)
        self.chooser.setEnabled(not self.running)

    # ---- files ----------------------------------------------------------------------------------

    def _pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Choose the lesson's files"), "",
            self.tr("Lesson files ({patterns});;All files (*)").format(patterns=LESSON_PATTERNS))
        self.add_files(names)

    def _pick_subtitles(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Choose subtitle files"), "",
            self.tr("Subtitles ({patterns});;All files (*)").format(patterns=SUBTITLE_PATTERNS))
        self.add_subtitles(names)

    def add_files(self, paths) -> None:
        """Take the picked lesson files; the first one's name becomes the title if there is none."""
        for path in map(Path, paths):
            if path not in self.files:
                self.files.append(path)
        if self.files and not self.title_edit.text().strip():
            self.title_edit.setText(self.files[0].stem)
        self._show_files()

    def add_subtitles(self, paths) -> None:
        for path in map(Path, paths):
            if path not in self.subtitles:
                self.subtitles.append(path)
        self._show_files()

    def clear_files(self) -> None:
        self.files, self.subtitles = [], []
        self._show_files()

    def _show_files(self) -> None:
        if not self.files and not self.subtitles:
            self.files_text.setText(self.tr("No file chosen yet."))
        else:
            lines = [f"• {p.name}" for p in self.files]
            lines += [self.tr("• {name} (subtitles)").format(name=p.name) for p in self.subtitles]
            self.files_text.setText("\n".join(lines))
        self.clear_files_button.setVisible(bool(self.files or self.subtitles))
        self._update_enabled()

    # ---- adding ---------------------------------------------------------------------------------

    def place(self) -> dict:
        """The curriculum place chosen (grade and subject are None until chosen)."""
        selection = self.picker.selection()
        grade, subject, edition = selection if selection else (self.picker.grade, None, ANY_EDITION)
        return {"grade": grade, "subject": subject, "edition": edition or None,
                "volume": self.volume_box.currentData() or None,
                "unit": self.unit_edit.text().strip() or None,
                "lesson": self.lesson_spin.value() or None}

    def missing(self) -> str:
        """What is still to do before 添加 (empty: ready)."""
        place = self.place()
        if not self.files:
            return self.tr("Choose the lesson's files first (step 1).")
        if place["grade"] is None or place["subject"] is None:
            return self.tr("Choose the grade and the subject (step 3).")
        if not self.title_edit.text().strip():
            return self.tr("Give the lesson a title (step 2).")
        return ""

    def _update_enabled(self) -> None:
        todo = self.missing()
        self.add_button.setEnabled(not self.running and not todo)
        self.add_button.setToolTip(todo)
        self.cancel_button.setVisible(self.running)
        self.close_button.setEnabled(not self.running)
        for widget in (self.pick_files_button, self.pick_subtitles_button, self.clear_files_button,
                       self.chooser, self.volume_box, self.unit_edit, self.lesson_spin,
                       self.title_edit, self.teacher_edit, self.share_name):
            widget.setEnabled(not self.running)

    def start(self) -> None:
        """添加: check, copy and publish the lesson in a worker."""
        if self.running or self.missing():
            return
        ws, files, subtitles = self.ws, list(self.files), list(self.subtitles)
        args = dict(self.place(), title=self.title_edit.text(), subtitles=subtitles,
                    teacher=self.teacher_edit.text() or None, share_name=self.share_name.isChecked())
        self.running, self._cancel = True, threading.Event()
        cancel = self._cancel
        self.message.hide()
        self.details.set_detail("")
        self.progress.setRange(0, 0)
        self.progress.show()
        self._update_enabled()

        def work(report):
            return add_contribution(ws, files, progress=lambda *p: report(p), cancel=cancel, **args)

        self.tasks.run(work, on_done=self._done, on_error=self._failed,
                       on_progress=self._progressed, name="add contribution")

    def cancel(self) -> None:
        """取消: stop while the files are checked or copied (nothing is kept)."""
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)

    def _progressed(self, value) -> None:
        _stage, done, total = value
        self.progress.setRange(0, BAR_STEPS)
        set_bar_value(self.progress, min(BAR_STEPS, int(BAR_STEPS * done / max(total, 1))))

    def _finish(self) -> None:
        self.running, self._cancel = False, None
        self.progress.hide()
        self.cancel_button.setEnabled(True)
        self._update_enabled()

    def _done(self, contribution) -> None:
        self._finish()
        log.info("lesson %s added through the dialog", contribution.id)
        self.added.emit(contribution)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        kind = problems.kind_of(exc)
        if kind == problems.OTHER:
            log.error("adding a lesson failed", exc_info=exc)
        else:
            log.warning("adding a lesson refused: %s (%s)", exc, kind)
        self.message.setText(self.problem_texts.for_contribution(kind, exc))
        self.message.show()
        self.details.set_detail(problems.detail_of(exc))

    def reject(self) -> None:
        """关闭 / Escape: not while a lesson is being added (取消 first)."""
        if not self.running:
            super().reject()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _row(*widgets, stretch_at: int | None = None) -> QHBoxLayout:
    """Widgets side by side, left-aligned (``stretch_at``: that one takes the spare width)."""
    row = QHBoxLayout()
    for n, widget in enumerate(widgets):
        row.addWidget(widget, 1 if n == stretch_at else 0)
    if stretch_at is None:
        row.addStretch(1)
    return row
