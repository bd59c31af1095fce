"""卫星接收文件夹: the folder a satellite receiver fills with lessons, and whether to tidy it.

Read and written with :func:`teachpoint.sneakernet.inbox.get_inbox` / :func:`~teachpoint.sneakernet.inbox.set_inbox`,
as ``teachpoint inbox --set DIR [--cleanup]`` and ``--off`` do.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from teachpoint.errors import UsageError
from teachpoint.sneakernet.inbox_config import InboxConfig, get_inbox, set_inbox
from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label

log = logging.getLogger(__name__)

LOCK = "inbox"


def _read(ws) -> tuple[InboxConfig | None, bool, frozenset[str]]:
    with ws.catalogue.write_lock:
        config, locked = get_inbox(ws), ws.locked_settings()
    return config, bool(config and config.folder.is_dir()), locked


def _save(ws, folder: Path | None, cleanup: bool) -> tuple[InboxConfig | None, bool]:
    with ws.catalogue.write_lock:
        config = set_inbox(ws, folder, cleanup)
    return config, bool(config and config.folder.is_dir())


class InboxSection(SettingsSection):
    """The inbox folder (choose / stop using) and the "delete files once installed" option."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.config: InboxConfig | None = None
        self.folder_there = False
        self.folder_label = QLabel()
        self.folder_value = QLabel()
        self.folder_value.setObjectName("SettingsValue")
        self.folder_value.setWordWrap(True)
        self.choose_button = QPushButton()
        self.clear_button = QPushButton()
        self.cleanup_box = QCheckBox()
        self.message = FieldMessage()
        self.hint = hint_label()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label)
        folder_row.addWidget(self.folder_value, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(folder_row)
        layout.addLayout(buttons)
        layout.addWidget(self.cleanup_box)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.lockable = {LOCK: [self.choose_button, self.clear_button, self.cleanup_box]}
        self.choose_button.clicked.connect(self._choose)
        self.clear_button.clicked.connect(self.clear_folder)
        self.cleanup_box.clicked.connect(self._cleanup_clicked)
        self.retranslate()

    def load(self) -> None:
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _read(ws), self._loaded, self.message, name="read inbox")

    def _loaded(self, result) -> None:
        self.config, self.folder_there, locked = result
        self.apply_locks(locked)
        self._show()

    def _show(self) -> None:
        if self.config is None:
            self.folder_value.setText(self.tr("not used"))
        elif self.folder_there:
            self.folder_value.setText(str(self.config.folder))
        else:
            self.folder_value.setText(self.tr("{folder} (not there yet)").format(
                folder=self.config.folder))
        self.cleanup_box.setChecked(bool(self.config and self.config.cleanup))
        editable = not self.is_locked(LOCK)
        self.clear_button.setEnabled(editable and self.config is not None)
        self.cleanup_box.setEnabled(editable and self.config is not None)

    def apply_locks(self, locked) -> None:
        super().apply_locks(locked)
        self._show()

    def _choose(self) -> None:
        start = str(self.config.folder) if self.config else ""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the satellite receiving folder"),
                                                  start)
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        """Use ``folder`` as the inbox (keeping the cleanup choice)."""
        self._save(Path(folder), self.cleanup_box.isChecked())

    def clear_folder(self) -> None:
        """Stop using an inbox."""
        self._save(None, False)

    def _cleanup_clicked(self, checked: bool) -> None:
        if self.config is not None:
            self._save(self.config.folder, checked)

    def _save(self, folder: Path | None, cleanup: bool) -> None:
        if self.ws is None or self.is_locked(LOCK):
            return
        ws = self.ws
        self.message.clear_message()
        self.run(lambda: _save(ws, folder, cleanup), self._saved, self.message, self._describe,
                 name="save inbox")

    def _saved(self, result) -> None:
        self.config, self.folder_there = result
        self._show()
        self.message.show_done(self.tr("Saved."))
        self.changed.emit(LOCK)

    def _describe(self, exc: BaseException) -> str | None:
        if isinstance(exc, UsageError):
            return self.tr("This cannot be the receiving folder: {detail}").format(detail=exc)
        return None

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Satellite receiving folder"))
        self.folder_label.setText(self.tr("Folder:"))
        self.choose_button.setText(self.tr("Choose folder…"))
        self.clear_button.setText(self.tr("Stop using it"))
        self.cleanup_box.setText(self.tr("Delete files from this folder once the lessons are "
                                         "installed (saves disk space)"))
        self.hint.setText(self.tr("Only if this school receives lessons by satellite: the folder "
                                  "the receiver writes to. New lessons there are checked and "
                                  "installed automatically."))
        self._show()
