"""信任的发布者: the publisher keys this PC accepts lessons from.

A key is added from its ``.pub`` file: it is read in a worker with
:func:`teachpoint.repo.keys.load_public_key` (which refuses garbage and private keys), its
fingerprint is shown and the person confirms; then :meth:`TrustStore.add_key` stores it, as
``teachpoint trust add`` does.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QPushButton, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout)

from teachpoint.errors import UsageError
from teachpoint.repo import keys
from teachpoint.repo.trust import TrustedKey
from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label

log = logging.getLogger(__name__)

LOCK = "trust"


def spaced_fingerprint(key_id: str) -> str:
    """``1a2b3c4d5e6f7a8b`` → ``1a2b 3c4d 5e6f 7a8b`` (easier to read out on the phone)."""
    return " ".join(key_id[i:i + 4] for i in range(0, len(key_id), 4))


def _read(ws) -> tuple[list[TrustedKey], frozenset[str]]:
    keys_now = ws.trust.list()
    with ws.catalogue.write_lock:
        return keys_now, ws.locked_settings()


class TrustSection(SettingsSection):
    """Trusted publisher keys: list, add from a ``.pub`` file (after confirming), remove."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.keys: list[TrustedKey] = []
        self.table = QTreeWidget()
        self.table.setColumnCount(3)
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(120)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setStretchLastSection(True)
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.message = FieldMessage()
        self.hint = hint_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.lockable = {LOCK: [self.add_button, self.remove_button]}
        self.add_button.clicked.connect(self._choose_file)
        self.remove_button.clicked.connect(self._remove_selected)
        self.retranslate()

    # ---- reading -------------------------------------------------------------------------------------

    def load(self) -> None:
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _read(ws), self._loaded, self.message, name="read trusted keys")

    def _loaded(self, result) -> None:
        self.keys, locked = result
        self.apply_locks(locked)
        self._fill()

    def _fill(self) -> None:
        self.table.clear()
        for key in self.keys:
            scope = ", ".join(key.repos) if key.repos else self.tr("all")
            item = QTreeWidgetItem([key.name, spaced_fingerprint(key.key_id), scope])
            item.setData(0, Qt.ItemDataRole.UserRole, key.key_id)
            self.table.addTopLevelItem(item)
        self.remove_button.setEnabled(bool(self.keys) and not self.is_locked(LOCK))

    # ---- adding ------------------------------------------------------------------------------------------

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the publisher's key file"), "",
                                              self.tr("Publisher key (*.pub);;All files (*)"))
        if path:
            self.add_key_file(Path(path))

    def add_key_file(self, path: Path) -> None:
        """Read ``path`` in a worker; if it is a public key, show its fingerprint and ask."""
        if self.ws is None or self.is_locked(LOCK):
            return
        self.message.clear_message()
        self.run(lambda: keys.load_public_key(Path(path)), self._confirm_key, self.message,
                 self._describe_bad_file, name="read key file")

    def _confirm_key(self, pub: keys.PublicKey) -> None:
        ws = self.ws
        text = self.tr("Trust lessons signed by this publisher?\n\nName: {name}\nFingerprint: {fp}\n\n"
                       "Compare the fingerprint with the one the publisher gave you (by phone or "
                       "on paper).").format(name=pub.name or "?", fp=spaced_fingerprint(pub.key_id))

        def add() -> None:
            self.run(lambda: ws.trust.add_key(pub), self._added, self.message,
                     self._describe_refused, name="trust key")

        self.ask(self.tr("Trust publisher"), text, self.tr("Trust this publisher"), add)

    def _added(self, pub: keys.PublicKey) -> None:
        self.message.show_done(self.tr("“{name}” is now trusted.").format(name=pub.name))
        self.load()
        self.changed.emit(LOCK)

    def _describe_bad_file(self, exc: BaseException) -> str | None:
        if isinstance(exc, UsageError):
            return self.tr("This file is not a publisher key (.pub), so nothing was added. "
                           "Details: {detail}").format(detail=exc)
        return None

    def _describe_refused(self, exc: BaseException) -> str | None:
        if isinstance(exc, UsageError):
            return self.tr("The key was not added: {detail}").format(detail=exc)
        return None

    # ---- removing ------------------------------------------------------------------------------------------

    def _remove_selected(self) -> None:
        item = self.table.currentItem()
        if item is None:
            self.message.show_problem(self.tr("Click a publisher in the list first."))
            return
        self.remove_key(item.data(0, Qt.ItemDataRole.UserRole))

    def remove_key(self, key_id: str) -> None:
        """Ask, then stop trusting the key with this fingerprint."""
        if self.ws is None or self.is_locked(LOCK):
            return
        ws = self.ws
        name = next((k.name for k in self.keys if k.key_id == key_id), key_id)

        def remove() -> None:
            self.run(lambda: ws.trust.remove(key_id), self._removed, self.message,
                     name="untrust key")

        self.ask(self.tr("Stop trusting publisher"),
                 self.tr("Stop trusting “{name}”?\nNew lessons signed by it will no longer be "
                         "accepted; lessons already here stay.").format(name=name),
                 self.tr("Stop trusting"), remove)

    def _removed(self, pub: keys.PublicKey) -> None:
        self.message.show_done(self.tr("“{name}” is no longer trusted.").format(name=pub.name))
        self.load()
        self.changed.emit(LOCK)

    # ---- language ----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Trusted publishers"))
        self.table.setHeaderLabels([self.tr("Name"), self.tr("Fingerprint"),
                                    self.tr("Lesson collections")])
        self.add_button.setText(self.tr("Add from key file…"))
        self.remove_button.setText(self.tr("Remove selected"))
        self.hint.setText(self.tr("Lessons are only accepted when signed by a publisher in this "
                                  "list. The school's IT teacher gives you the key file (.pub)."))
        self._fill()
