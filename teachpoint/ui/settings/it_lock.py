"""管理密码: the PIN that guards the IT part of 设置 (sources, trust, bandwidth, inbox).

The PIN is set here by the school's IT teacher, or by the site configuration (``it_pin``); it is
stored hashed (:func:`teachpoint.library.settings.set_it_pin`) and checked in a worker, since
scrypt is slow on purpose. While a PIN is set and not entered, the settings page hides the
guarded sections (:attr:`ItLockSection.unlocked_changed`); leaving the page locks them again.
A wrong PIN says so plainly, as often as it is typed: nothing is locked out, and 显示, storage,
downloads in advance and the teacher's classes never depend on it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from teachpoint.library.settings import (
    PIN_BY_SITE, PinProblem, check_pin, clear_it_pin, it_pin_matches, it_pin_record, set_it_pin)
from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label

log = logging.getLogger(__name__)

PIN_MAX_CHARS = 12


def _read(ws) -> str | None:
    """Who set the PIN ("settings" / "site"), or None when there is none."""
    with ws.catalogue.write_lock:
        record = it_pin_record(ws.catalogue)
    return None if record is None else str(record.get("by", ""))


def _check(ws, pin: str) -> bool:
    with ws.catalogue.write_lock:
        return it_pin_matches(ws.catalogue, pin)


class ItLockSection(SettingsSection):
    """Enter the PIN to open the IT part; set, change or remove it once open."""

    unlocked_changed = Signal(bool)  # the guarded sections may show (no PIN, or the right one)

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.setObjectName("ItLockSection")
        self.pin_by: str | None = None  # None: no PIN; "settings" or "site"
        self.loaded = False
        self.unlocked = False
        self.wrong_tries = 0  # shown in the log only; there is no lock-out
        self.state_text = hint_label("SettingsNote")
        self.pin_edit = _pin_edit()
        self.pin_edit.setObjectName("ItPinEdit")
        self.pin_edit.returnPressed.connect(self.enter_pin)
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("ItPinUnlock")
        self.unlock_button.clicked.connect(self.enter_pin)
        self.new_pin_edit = _pin_edit()
        self.new_pin_edit.setObjectName("ItPinNew")
        self.new_pin_edit.returnPressed.connect(self.save_pin)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_pin)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_pin)
        self.lock_button = QPushButton()
        self.lock_button.clicked.connect(self.lock)
        self.message = FieldMessage()
        enter = QHBoxLayout()
        enter.addWidget(self.pin_edit)
        enter.addWidget(self.unlock_button)
        enter.addStretch(1)
        change = QHBoxLayout()
        change.addWidget(self.new_pin_edit)
        change.addWidget(self.save_button)
        change.addWidget(self.remove_button)
        change.addWidget(self.lock_button)
        change.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state_text)
        layout.addLayout(enter)
        layout.addLayout(change)
        layout.addWidget(self.message)
        self.retranslate()

    # ---- reading -------------------------------------------------------------------------------

    def load(self) -> None:
        ws = self.ws
        if ws is not None:
            self.run(lambda: _read(ws), on_done=self._loaded, message=self.message, name="it-pin-read")

    def _loaded(self, by: str | None) -> None:
        self.pin_by, self.loaded = by, True
        if by is None:
            self.unlocked = True
        self._show()

    @property
    def guarded(self) -> bool:
        """True while a PIN is set and not entered (the guarded sections are hidden)."""
        return not self.loaded or not self.unlocked

    # ---- the teacher's and IT's actions -----------------------------------------------------------

    def enter_pin(self) -> None:
        """Check the typed PIN in a worker; the right one opens the IT part until the page is left."""
        ws, pin = self.ws, self.pin_edit.text().strip()
        if ws is None or self.unlocked:
            return
        if not pin:
            self.message.show_problem(self.tr("Type the PIN first."))
            return
        self.unlock_button.setEnabled(False)
        self.run(lambda: _check(ws, pin), on_done=self._checked, message=self.message,
                 name="it-pin-check")

    def _checked(self, right: bool) -> None:
        self.unlock_button.setEnabled(True)
        self.pin_edit.clear()
        if not right:
            self.wrong_tries += 1
            log.info("a wrong PIN for the IT part of settings (%d so far)", self.wrong_tries)
            self.message.show_problem(self.tr(
                "That PIN is not right. Please try again, or ask the school's IT teacher. "
                "Display and your classes can be used without it."))
            return
        self.wrong_tries = 0
        self.message.show_done(self.tr("Unlocked. It locks again when you leave Settings."))
        self.unlocked = True
        self._show()

    def save_pin(self) -> None:
        """Set or change the PIN (only while unlocked; never one the site configuration set)."""
        ws, pin = self.ws, self.new_pin_edit.text().strip()
        if ws is None or not self.unlocked or self.pin_by == PIN_BY_SITE:
            return
        try:
            check_pin(pin)
        except PinProblem:
            self.message.show_problem(self.tr("The PIN must be 4 to 12 digits (0–9)."))
            return
        self.run(lambda: set_it_pin(ws.catalogue, pin), on_done=lambda _r: self._saved(True),
                 message=self.message, name="it-pin-save")

    def remove_pin(self) -> None:
        ws = self.ws
        if ws is None or not self.unlocked or self.pin_by != "settings":
            return
        self.run(lambda: clear_it_pin(ws.catalogue), on_done=lambda _r: self._saved(False),
                 message=self.message, name="it-pin-remove")

    def _saved(self, has_pin: bool) -> None:
        self.new_pin_edit.clear()
        self.pin_by = "settings" if has_pin else None
        self.message.show_done(self.tr("The PIN is saved. Settings lock with it from now on.")
                               if has_pin else self.tr("The PIN is removed. Anyone can change "
                                                       "these settings now."))
        self._show()

    def lock(self) -> None:
        """Hide the IT part again (also when the page is left)."""
        if self.pin_by is None or not self.loaded:
            return
        self.unlocked = False
        self.pin_edit.clear()
        self.new_pin_edit.clear()
        self._show()

    # ---- showing -----------------------------------------------------------------------------------

    def _show(self) -> None:
        has_pin, by_site = self.pin_by is not None, self.pin_by == PIN_BY_SITE
        locked = has_pin and not self.unlocked
        for w in (self.pin_edit, self.unlock_button):
            w.setVisible(locked)
        self.new_pin_edit.setVisible(self.unlocked and not by_site)
        self.save_button.setVisible(self.unlocked and not by_site)
        self.remove_button.setVisible(self.unlocked and self.pin_by == "settings")
        self.lock_button.setVisible(self.unlocked and has_pin)
        self.save_button.setText(self.tr("Change the PIN") if has_pin else self.tr("Set a PIN"))
        if locked:
            self.state_text.setText(self.tr(
                "The settings below are looked after by the school's IT teacher. Type the PIN to "
                "change them. Display (above) and your classes (on the home page) need no PIN."))
        elif by_site:
            self.state_text.setText(self.tr(
                "Unlocked. The PIN was set in the school's settings file, so it is changed there."))
        elif has_pin:
            self.state_text.setText(self.tr("Unlocked. You can change or remove the PIN here."))
        else:
            self.state_text.setText(self.tr(
                "Anyone can change the settings below. The school's IT teacher can set a PIN "
                "(4 to 12 digits) so that only they can."))
        self.unlocked_changed.emit(not self.guarded)

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("PIN for the IT settings"))
        self.pin_edit.setPlaceholderText(self.tr("PIN"))
        self.new_pin_edit.setPlaceholderText(self.tr("New PIN (4 to 12 digits)"))
        self.unlock_button.setText(self.tr("Unlock"))
        self.remove_button.setText(self.tr("Remove the PIN"))
        self.lock_button.setText(self.tr("Lock now"))
        if self.loaded:
            self._show()


def _pin_edit() -> QLineEdit:
    """A short password field for digits (a pasted 10,000 characters is cut to the PIN's size)."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(PIN_MAX_CHARS)
    edit.setMaximumWidth(220)
    return edit
