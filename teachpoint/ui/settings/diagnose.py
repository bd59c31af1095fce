"""诊断: one button that writes a zip of logs and facts about this PC for the IT staff.

The zip is made by :func:`teachpoint.ops.diagnostics.write_diagnostics` in a worker; the page then
says where it was saved, so the teacher can send it or read the path out on the phone.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout

from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label

log = logging.getLogger(__name__)


def default_file_name(today: date | None = None) -> str:
    return f"teachpoint-diagnose-{(today or date.today()).isoformat()}.zip"


def _write(paths, dest: Path) -> Path:
    from teachpoint.ops.diagnostics import write_diagnostics  # made by its own module, imported late

    return Path(write_diagnostics(paths, dest))


class DiagnoseSection(SettingsSection):
    """The "export diagnostics (for the school's IT teacher)" button and where the file went."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.saved_path: Path | None = None
        self.export_button = QPushButton()
        self.message = FieldMessage()
        self.hint = hint_label()
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.export_button.clicked.connect(self._choose_file)
        self.retranslate()

    def load(self) -> None:
        self.export_button.setEnabled(self.ws is not None)

    def _choose_file(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation) \
            or QDir.homePath()
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save diagnostic information"), str(Path(folder) / default_file_name()),
            self.tr("Zip file (*.zip)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, dest: Path) -> None:
        """Write the diagnostics zip to ``dest`` in a worker; say where it is when done."""
        if self.ws is None:
            return
        paths = self.ws.paths
        self.export_button.setEnabled(False)
        self.message.show_done(self.tr("Collecting information…"))

        def failed(exc: BaseException) -> str:
            self.export_button.setEnabled(True)
            return self.tr("The file could not be written: {detail}").format(detail=exc)

        self.run(lambda: _write(paths, Path(dest)), self._written, self.message, failed,
                 name="write diagnostics")

    def _written(self, path: Path) -> None:
        self.saved_path = path
        self.export_button.setEnabled(True)
        self.message.show_done(self.tr("Saved to: {path}\nGive this file to the school's IT teacher.").format(
            path=path))

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Diagnostics"))
        self.export_button.setText(self.tr("Export diagnostic information (for the school's IT teacher)"))
        self.hint.setText(self.tr("If something does not work, this saves a file that tells "
                                  "the school's IT teacher what happened."))
