"""What every block of the settings page shares: a heading, the "set by IT" lock, messages, tasks.

A :class:`SettingsSection` is one titled panel (课程来源, 网速限制 …). It reads and writes through
the :class:`teachpoint.ui.tasks.TaskManager` only; its fields are enabled or disabled from the
site locks (:meth:`teachpoint.workspace.Workspace.locked_settings`) read in the same worker as its
data. A :class:`FieldMessage` sits next to a field and says, in plain words, what is wrong with
what was typed (or that it was saved).
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QDateTime, QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from teachpoint.errors import DataDirError, TeachPointError
from teachpoint.ui.tasks import TaskManager

log = logging.getLogger(__name__)


class FieldMessage(QLabel):
    """A one-line message under a field: red for a problem, green for "saved"; hidden when empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("FieldMessage")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.hide()

    def show_problem(self, text: str, detail: str = "") -> None:
        """A problem in plain words; the technical ``detail`` only as the tooltip (技术详情)."""
        self._show("problem", text)
        self.setToolTip(self.tr("Technical details: {detail}").format(detail=detail) if detail else "")

    def show_done(self, text: str) -> None:
        self._show("done", text)
        self.setToolTip("")

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()

    def _show(self, kind: str, text: str) -> None:
        self.kind = kind
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.show()


class SettingsSection(QFrame):
    """One titled block of the settings page. Subclasses fill :attr:`body` and implement
    :meth:`retranslate` and :meth:`load` (start reading their values in a worker)."""

    #: ``name`` of :data:`teachpoint.workspace.LOCKABLE` that was changed (sources, bandwidth …)
    changed = Signal(str)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SettingsSection")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.tasks = tasks
        self.ws = None
        self.locked: frozenset[str] = frozenset()
        self.lockable: dict[str, list[QWidget]] = {}  # lock name → the widgets it disables
        self.question: QMessageBox | None = None  # the open confirmation, if any
        self.question_yes: QPushButton | None = None
        self.heading = QLabel()
        self.heading.setObjectName("SettingsHeading")
        self.lock_note = QLabel()
        self.lock_note.setObjectName("SettingsLockNote")
        self.lock_note.hide()
        self.body = QWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.addWidget(self.heading)
        layout.addWidget(self.lock_note)
        layout.addWidget(self.body)

    # ---- workspace and locks -------------------------------------------------------------------

    def set_workspace(self, ws) -> None:
        self.ws = ws
        self.load()

    def load(self) -> None:
        """Read this section's values (in a worker) and show them."""

    def apply_locks(self, locked: frozenset[str]) -> None:
        """Disable the fields the site configuration locks; say that IT staff set them."""
        self.locked = frozenset(locked)
        hit = False
        for name, widgets in self.lockable.items():
            is_locked = name in self.locked
            hit = hit or is_locked
            for widget in widgets:
                widget.setEnabled(not is_locked)
        self.lock_note.setVisible(hit)

    def is_locked(self, name: str) -> bool:
        return name in self.locked

    def clear_messages(self) -> None:
        """Hide every message of this section (the page is shown again: old news goes)."""
        for message in self.findChildren(FieldMessage):
            message.clear_message()

    # ---- running work ----------------------------------------------------------------------------

    def run(self, fn: Callable, on_done: Callable | None = None, message: FieldMessage | None = None,
            describe: Callable[[BaseException], str] | None = None, name: str = "settings"):
        """Run ``fn`` in a worker; a failure is shown in ``message`` (via ``describe`` if given)."""

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, TeachPointError):
                log.error("settings task %s failed", name, exc_info=exc)
            text = describe(exc) if describe else None
            text = text or self.describe_error(exc)
            if message is not None:
                message.show_problem(text, detail=f"{type(exc).__name__}: {exc}")
            else:
                log.warning("%s: %s", name, exc)

        return self.tasks.run(fn, on_done=on_done, on_error=failed, name=name)

    def describe_error(self, exc: BaseException) -> str:
        """Plain words for a failure nobody planned a message for (the detail is the message's
        tooltip, for the school's IT teacher)."""
        if isinstance(exc, DataDirError):
            return self.tr("Cannot save: the lesson folder on this computer is read-only. Please "
                           "ask the school's IT teacher.")
        if isinstance(exc, TeachPointError):
            return self.tr("That did not work. Please check what you typed, or ask the school's "
                           "IT teacher (technical details: point at this message).")
        return self.tr("Something went wrong. Nothing was changed. Please ask the school's IT "
                       "teacher (technical details: point at this message).")

    def ask(self, title: str, text: str, yes_text: str, on_yes: Callable[[], None]) -> QMessageBox:
        """Ask a yes/no question without blocking the event loop; ``on_yes`` runs on yes."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                          self)
        yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        self.question, self.question_yes = box, yes

        def finished(_result: int) -> None:
            clicked = box.clickedButton()
            self.question = self.question_yes = None
            box.deleteLater()
            if clicked is yes:
                on_yes()

        box.finished.connect(finished)
        box.open()
        return box

    # ---- language ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.lock_note.setText(self.tr("Set by the school's IT teacher; it cannot be changed here."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def local_time(iso: str | None) -> str:
    """``2025-01-31T08:00:00Z`` → ``2025-01-31 16:00`` in local time; ``""`` for none."""
    if not iso:
        return ""
    moment = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    if not moment.isValid():
        return iso
    return moment.toLocalTime().toString("yyyy-MM-dd HH:mm")


def hint_label(object_name: str = "SettingsNote") -> QLabel:
    """A wrapped grey note under a field."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    return label
