"""Choosing "my classes": grade + subject + (optional) textbook edition, several of them.

The choices offered first are the ones the catalogue holds lessons for (read in a worker); a
check box shows every grade and subject of the national curriculum for a teacher whose lessons
have not arrived yet. Buttons are big (touch screens, projectors) and reachable by Tab, with
Space or Enter to press them. When the site configuration locks the classes (IT staff set
them) or the library is read-only, the classes are shown read-only with a note saying why.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from teachpoint.library.curriculum import GRADES, lookup_subject, subjects_for_grade
from teachpoint.library.home import ClassOffer, grade_label
from teachpoint.ui import home_queries, i18n
from teachpoint.ui.choice_grid import ChoiceGrid, EnterButton
from teachpoint.ui.details_toggle import DetailsToggle
from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.widgets import make_label, scroll_area

log = logging.getLogger(__name__)

QUICK_PICKS_MAX = 12  # up to this many grade + subject pairs with lessons: one click each
ANY_EDITION = ""
SENIOR_FROM = 10  # grades 10–12 are 高一 … 高三 ("Senior 1" … "Senior 3")


def display_grade(grade: int) -> str:
    """A grade as the interface shows it: the curriculum's own Chinese name (三年级, 高一) when
    Chinese shows, else "Grade 3" / "Senior 1"; a number out of range (hand-edited data) as it is.

    The Chinese cannot come from translating "Grade {n}" (三 is not a format of 3), hence the
    language check rather than a translation alone."""
    if grade not in GRADES or i18n.current_language() == "zh_CN":
        return grade_label(grade)
    if grade >= SENIOR_FROM:
        return QCoreApplication.translate("ClassPicker", "Senior {n}").format(n=grade - SENIOR_FROM + 1)
    return QCoreApplication.translate("ClassPicker", "Grade {n}").format(n=grade)


class ClassPicker(QWidget):
    """Pick and save "my classes". ``saved`` after saving, ``skipped`` for skip / cancel / close."""

    saved = Signal()
    skipped = Signal()
    loaded = Signal()

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None, first_run: bool = False):
        super().__init__(parent)
        self.setObjectName("ClassPicker")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.tasks = tasks
        self.first_run = first_run
        self.ws = None
        self.offers: list[ClassOffer] = []
        self.chosen: list[tuple[int, str, str]] = []  # (grade, subject, edition) in the list
        self.read_only_reason: str | None = None       # "locked" / "read_only" / None
        self.grade: int | None = None
        self.subject: str | None = None
        self.edition: str = ANY_EDITION
        self.saving = False

        self.title = _label("LessonTitle")
        self.hint = _label("Hint")
        self.note = _label("ClassPickerNote")
        self.note_details = DetailsToggle()
        self.quick_heading = _label("ClassPickerHeading")
        self.quick_grid = ChoiceGrid(self, exclusive=False)
        self.quick_grid.chosen.connect(self._quick_chosen)
        self.grade_heading, self.subject_heading, self.edition_heading = (
            _label("ClassPickerHeading") for _ in range(3))
        self.grade_grid, self.subject_grid, self.edition_grid = (
            ChoiceGrid(self) for _ in range(3))
        self.grade_grid.chosen.connect(self._grade_chosen)
        self.subject_grid.chosen.connect(self._subject_chosen)
        self.edition_grid.chosen.connect(self._edition_chosen)
        self.show_all = QCheckBox()
        self.show_all.setObjectName("ClassPickerShowAll")
        self.show_all.toggled.connect(lambda _on: self._fill_grades())
        self.add_button = EnterButton()
        self.add_button.setObjectName("ClassPickerAdd")
        self.add_button.clicked.connect(self.add_selection)
        self.chosen_heading = _label("ClassPickerHeading")
        self.chosen_box = QVBoxLayout()
        self.chosen_box.setSpacing(6)
        self.empty_chosen = _label("Hint")
        self.save_button = EnterButton()
        self.save_button.setObjectName("PlayButton")
        self.save_button.clicked.connect(self.save)
        self.skip_button = EnterButton()
        self.skip_button.setObjectName("ClassPickerSkip")
        self.skip_button.clicked.connect(self.skipped)
        self.chooser = QWidget()
        cl = QVBoxLayout(self.chooser)
        cl.setContentsMargins(0, 0, 0, 0)
        for heading, grid in ((self.grade_heading, self.grade_grid),
                              (self.subject_heading, self.subject_grid),
                              (self.edition_heading, self.edition_grid)):
            cl.addWidget(heading)
            cl.addWidget(grid)
        cl.addWidget(self.show_all)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        cl.addLayout(row)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(10)
        for w in (self.title, self.hint, self.note, self.note_details, self.quick_heading, self.quick_grid,
                  self.chooser, self.chosen_heading):
            layout.addWidget(w)
        layout.addWidget(self.empty_chosen)
        layout.addLayout(self.chosen_box)
        layout.addStretch(1)
        scroll = scroll_area(body)
        # 保存 / 以后再说 stay in sight below the scrolling choices, however small the screen
        self.button_bar = QFrame()
        self.button_bar.setObjectName("ClassPickerButtons")
        buttons = QHBoxLayout(self.button_bar)
        buttons.setContentsMargins(32, 10, 32, 14)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.button_bar)
        self.note.hide()
        self.chooser.setEnabled(False)  # until the catalogue's classes are read
        self.retranslate()

    def set_first_run(self, first_run: bool) -> None:
        """First run: a welcome title and "skip for now" instead of "cancel"."""
        self.first_run = first_run
        self.retranslate()

    # ---- loading -----------------------------------------------------------------------------

    def set_workspace(self, ws) -> None:
        """Read what the catalogue offers and the saved classes (in a worker)."""
        self.ws = ws
        self.tasks.run(lambda: home_queries.load_picker(ws), on_done=self._loaded,
                       on_error=self._failed, name="load-class-picker")

    def _loaded(self, data: home_queries.PickerData) -> None:
        self.offers = data.offers
        self.chosen = [(c.grade, c.subject, c.edition) for c in data.classes]
        self.read_only_reason = "locked" if data.locked else "read_only" if data.read_only else None
        self.subject = None
        self.note.hide()
        if not self.offers:
            self.show_all.setChecked(True)  # nothing arrived yet: offer the whole curriculum
        self.chooser.setEnabled(True)
        self._fill_grades()
        self._show_chosen()
        self._fill_quick()
        self.retranslate()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        log.error("cannot read classes: %s", exc, exc_info=exc)
        self._show_note(self.tr("Your classes cannot be read right now."), str(exc))

    # ---- one-click classes ---------------------------------------------------------------------

    def quick_picks(self) -> list[tuple[int, str]]:
        """The grade + subject pairs with lessons here, when few enough to offer one button each
        (any edition): a teacher picks a class with one click instead of grade, subject, add."""
        pairs = list(dict.fromkeys((o.grade, o.subject) for o in self.offers))
        return pairs if len(pairs) <= QUICK_PICKS_MAX and not self.read_only_reason else []

    def _fill_quick(self) -> None:
        picks = self.quick_picks()
        self.quick_grid.set_choices([((g, s), f"{display_grade(g)} {s}", True) for g, s in picks])
        self.quick_heading.setVisible(bool(picks))
        self._check_quick()

    def _check_quick(self) -> None:
        chosen = {(g, s) for g, s, _e in self.chosen}
        for value, button in self.quick_grid.buttons.items():
            button.setChecked(value in chosen)

    def _quick_chosen(self, pair) -> None:
        """A one-click class: in the list (any edition) if it was not, out of it if it was."""
        if self.read_only_reason:
            return
        same = [c for c in self.chosen if (c[0], c[1]) == tuple(pair)]
        if same:
            for c in same:
                self.chosen.remove(c)
        else:
            self.chosen.append((pair[0], pair[1], ANY_EDITION))
        self._show_chosen()

    # ---- the three choices ---------------------------------------------------------------------

    def offered_grades(self) -> list[int]:
        grades = {o.grade for o in self.offers}
        return sorted(set(GRADES) | grades if self.show_all.isChecked() else grades)

    def offered_subjects(self, grade: int) -> list[str]:
        have = list(dict.fromkeys(o.subject for o in self.offers if o.grade == grade))
        if self.show_all.isChecked() and grade in GRADES:
            have += [s for s in subjects_for_grade(grade) if s not in have]
        return have

    def offered_editions(self, grade: int, subject: str) -> list[str]:
        return [o.edition for o in self.offers if o.grade == grade and o.subject == subject and o.edition]

    def _fill_grades(self) -> None:
        with_lessons = {o.grade for o in self.offers}
        grades = self.offered_grades()
        self.grade_grid.set_choices([(g, display_grade(g), g in with_lessons) for g in grades])
        if self.grade not in grades:
            self.grade = None
        self.grade_grid.check(self.grade)
        self._fill_subjects()

    def _fill_subjects(self) -> None:
        subjects = self.offered_subjects(self.grade) if self.grade is not None else []
        with_lessons = {o.subject for o in self.offers if o.grade == self.grade}
        self.subject_grid.set_choices([(s, s, s in with_lessons) for s in subjects])
        if self.subject not in subjects:
            self.subject = None
        self.subject_grid.check(self.subject)
        self._fill_editions()

    def _fill_editions(self) -> None:
        choices = []
        if self.grade is not None and self.subject is not None:
            choices = [(ANY_EDITION, self.tr("Any edition"), True)] + [
                (e, e, True) for e in self.offered_editions(self.grade, self.subject)]
        self.edition_grid.set_choices(choices)
        if self.edition not in [c[0] for c in choices]:
            self.edition = ANY_EDITION
        self.edition_grid.check(self.edition if choices else None)
        self.add_button.setEnabled(self.selection() is not None)

    def _grade_chosen(self, grade) -> None:
        self.grade = grade
        self._fill_subjects()

    def _subject_chosen(self, subject) -> None:
        self.subject = subject
        self.edition = ANY_EDITION
        self._fill_editions()

    def _edition_chosen(self, edition) -> None:
        self.edition = edition

    def select(self, grade: int, subject: str, edition: str = ANY_EDITION) -> None:
        """Choose a combination as a click would (keyboard helpers and tests use it)."""
        self.grade_grid.click(grade)
        self.subject_grid.click(subject)
        self.edition_grid.click(edition)

    def selection(self) -> tuple[int, str, str] | None:
        if self.grade is None or self.subject is None:
            return None
        return (self.grade, self.subject, self.edition)

    # ---- the chosen list -----------------------------------------------------------------------

    def add_selection(self) -> None:
        """Put the current grade + subject + edition into the list (once)."""
        chosen = self.selection()
        if chosen is None or self.read_only_reason:
            return
        if chosen not in self.chosen:
            self.chosen.append(chosen)
        self.subject = None  # ready for the next class of the same grade
        self.subject_grid.check(None)
        self._fill_editions()
        self._show_chosen()

    def remove(self, chosen: tuple[int, str, str]) -> None:
        if chosen in self.chosen and not self.read_only_reason:
            self.chosen.remove(chosen)
            self._show_chosen()

    def class_text(self, chosen: tuple[int, str, str]) -> str:
        grade, subject, edition = chosen
        parts = [display_grade(grade), subject, edition or self.tr("any edition")]
        return "  ·  ".join(parts)

    def _show_chosen(self) -> None:
        while self.chosen_box.count():
            item = self.chosen_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for chosen in self.chosen:
            row = QFrame()
            row.setObjectName("ClassPickerRow")
            rl = QHBoxLayout(row)
            rl.setContentsMargins(12, 6, 6, 6)
            text = self.class_text(chosen)
            if lookup_subject(chosen[1]) != chosen[1]:
                text += "  " + self.tr("(a subject this program does not know)")
            rl.addWidget(_label("ClassPickerClass", text))
            rl.addStretch(1)
            if not self.read_only_reason:
                remove = EnterButton(self.tr("Remove"))
                remove.setObjectName("ClassPickerRemove")
                remove.setAccessibleName(self.tr("Remove {what}").format(what=text))
                remove.clicked.connect(lambda _=False, c=chosen: self.remove(c))
                rl.addWidget(remove)
            self.chosen_box.addWidget(row)
        self.empty_chosen.setVisible(not self.chosen)
        self._check_quick()

    # ---- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        """Save the list (plus a finished selection not yet added) through a worker."""
        if self.ws is None or self.saving or self.read_only_reason:
            return
        pending = self.selection()
        if pending is not None and pending not in self.chosen:
            self.chosen.append(pending)
            self._show_chosen()
        ws, wanted = self.ws, list(self.chosen)
        self.saving = True
        self.save_button.setEnabled(False)
        self.tasks.run(lambda: home_queries.save_classes(ws, wanted), on_done=self._saved,
                       on_error=self._save_failed, name="save-classes")

    def _saved(self, _classes) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.saved.emit()

    def _save_failed(self, exc: BaseException) -> None:
        log.error("cannot save classes: %s", exc, exc_info=exc)
        self.saving = False
        self.save_button.setEnabled(True)
        self._show_note(self.tr("Your classes could not be saved. Your choices are still here; "
                                "please try again."), str(exc))

    # ---- text and keys ---------------------------------------------------------------------------

    def _show_note(self, text: str, detail: str = "") -> None:
        self.note.setText(text)
        self.note.show()
        self.note_details.set_detail(detail)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome! Which classes do you teach?") if self.first_run
                           else self.tr("My classes"))
        self.hint.setText(self.tr("Choose a grade, a subject and, if you know it, the textbook "
                                  "edition, then press “Add this class”. You can add several "
                                  "classes. Your next lesson for each will wait on the home page."))
        self.quick_heading.setText(self.tr("Classes with lessons on this computer (one click "
                                           "chooses, another click removes)"))
        self.grade_heading.setText(self.tr("Grade"))
        self.subject_heading.setText(self.tr("Subject"))
        self.edition_heading.setText(self.tr("Textbook edition"))
        self.show_all.setText(self.tr("Also show grades and subjects with no lessons on this "
                                      "computer yet"))
        self.add_button.setText(self.tr("＋  Add this class"))
        self.chosen_heading.setText(self.tr("Classes you teach"))
        self.empty_chosen.setText(self.tr("None chosen yet."))
        self.save_button.setText(self.tr("Save"))
        self.skip_button.setText(self.tr("Skip for now") if self.first_run else self.tr("Cancel"))
        locked = self.read_only_reason is not None
        self.chooser.setVisible(not locked)
        self.save_button.setVisible(not locked)
        if locked:
            self.quick_heading.hide()
            self.quick_grid.hide()
        if locked:
            self.hint.hide()
            self.skip_button.setText(self.tr("Close"))
            self._show_note(
                self.tr("Your classes were set by the school's IT teacher. Ask them if they need "
                        "to change.") if self.read_only_reason == "locked" else
                self.tr("The lesson library on this computer is read-only, so the classes cannot "
                        "be changed here."))
        if self.chosen_box.count():
            self._show_chosen()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape leaves (skip for now / cancel / close)."""
        if event.key() == Qt.Key.Key_Escape:
            self.skipped.emit()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._fill_grades()  # grade names follow the language (三年级 / Grade 3)
            self._fill_quick()
        super().changeEvent(event)


class ClassPickerDialog(QDialog):
    """The picker in a window of its own (for "change my classes" from the home page)."""

    def __init__(self, tasks: TaskManager, ws, parent: QWidget | None = None, first_run: bool = False):
        super().__init__(parent)
        self.setObjectName("ClassPickerDialog")
        self.picker = ClassPicker(tasks, self, first_run=first_run)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picker)
        self.picker.saved.connect(self.accept)
        self.picker.skipped.connect(self.reject)
        self.setWindowTitle(self.tr("My classes"))
        self.resize(960, 720)
        self.picker.set_workspace(ws)


def _label(name: str, text: str = "") -> QLabel:
    return make_label(name, text=text)
