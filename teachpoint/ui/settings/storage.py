"""存储: how much room the lessons take, how much the disk has left, and the space always kept free.

The numbers come from :func:`teachpoint.library.space.store_space` (it walks the store, so it runs
in a worker); a new floor is checked by :func:`teachpoint.library.space.check_floor` and saved
with :meth:`teachpoint.workspace.Workspace.set_floor`.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from teachpoint.library.space import FloorProblem, StoreSpace, check_floor, disk_of, store_space
from teachpoint.ui.formatting import format_size
from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label

log = logging.getLogger(__name__)

LOCK = "storage_floor"
GB = 1 << 30


def _read(ws) -> tuple[StoreSpace, frozenset[str]]:
    space = store_space(ws.store)
    with ws.catalogue.write_lock:
        return space, ws.locked_settings()


def _save_floor(ws, floor: int) -> StoreSpace:
    total, _free = disk_of(ws.store.root)
    ws.set_floor(check_floor(floor, total))
    return store_space(ws.store)


def gb_text(n_bytes: int) -> str:
    """Bytes as a number of GB for the edit box: 1073741824 → "1", 536870912 → "0.5"."""
    return f"{n_bytes / GB:.2f}".rstrip("0").rstrip(".")


class StorageSection(SettingsSection):
    """Used / free / total disk space, and the "keep at least N GB free" field."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.space: StoreSpace | None = None
        self.used_label, self.used_value = QLabel(), QLabel()
        self.free_label, self.free_value = QLabel(), QLabel()
        self.total_label, self.total_value = QLabel(), QLabel()
        for value in (self.used_value, self.free_value, self.total_value):
            value.setObjectName("SettingsValue")
        numbers = QGridLayout()
        for row, (label, value) in enumerate(((self.used_label, self.used_value),
                                              (self.free_label, self.free_value),
                                              (self.total_label, self.total_value))):
            numbers.addWidget(label, row, 0)
            numbers.addWidget(value, row, 1)
        numbers.setColumnStretch(1, 1)
        self.floor_label = QLabel()
        self.floor_box = QLineEdit()
        self.floor_box.setMaximumWidth(110)
        self.floor_unit = QLabel()
        self.save_button = QPushButton()
        self.refresh_button = QPushButton()
        self.message = FieldMessage()
        self.hint = hint_label()
        floor_row = QHBoxLayout()
        for widget in (self.floor_label, self.floor_box, self.floor_unit, self.save_button):
            floor_row.addWidget(widget)
        floor_row.addStretch(1)
        floor_row.addWidget(self.refresh_button)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(numbers)
        layout.addLayout(floor_row)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.lockable = {LOCK: [self.floor_box, self.save_button]}
        self.save_button.clicked.connect(self.save_floor)
        self.floor_box.returnPressed.connect(self.save_floor)
        self.refresh_button.clicked.connect(self.load)
        self.retranslate()

    def load(self) -> None:
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _read(ws), self._loaded, self.message, name="measure storage")

    def _loaded(self, result) -> None:
        self.space, locked = result
        self.apply_locks(locked)
        self.floor_box.setText(gb_text(self.space.floor))
        self._show()

    def _show(self) -> None:
        space = self.space
        if space is None:
            for value in (self.used_value, self.free_value, self.total_value):
                value.setText(self.tr("measuring…"))
            return
        self.used_value.setText(self.tr("{size} ({n} files)").format(size=format_size(space.used),
                                                                    n=space.files))
        self.free_value.setText(format_size(space.free))
        self.total_value.setText(format_size(space.total))

    def save_floor(self) -> None:
        """Check the GB typed and save it as the floor (nothing changes if it is wrong)."""
        if self.ws is None or self.is_locked(LOCK):
            return
        text = self.floor_box.text().strip().replace(",", ".")
        try:
            gb = float(text)
        except ValueError:
            gb = math.nan
        if not math.isfinite(gb):
            self.message.show_problem(self.tr("“{value}” is not a number. Type how many GB to keep "
                                              "free, e.g. 2 or 0.5.").format(value=text))
            return
        floor = int(round(gb * GB))
        ws = self.ws
        self.message.clear_message()
        self.run(lambda: _save_floor(ws, floor), self._saved, self.message, self._describe,
                 name="save floor")

    def _saved(self, space: StoreSpace) -> None:
        self.space = space
        self.floor_box.setText(gb_text(space.floor))
        self._show()
        if space.free < space.floor:
            self.message.show_done(self.tr("Saved. The disk has less free space than this now, so "
                                           "no more lessons are downloaded until space is freed."))
        else:
            self.message.show_done(self.tr("Saved."))
        self.changed.emit(LOCK)

    def _describe(self, exc: BaseException) -> str | None:
        if isinstance(exc, FloorProblem):
            if exc.reason == "negative":
                return self.tr("The space to keep free cannot be negative.")
            if exc.reason == "too_large":
                total = format_size(self.space.total) if self.space else "?"
                return self.tr("That is more than the whole disk ({total}). Type a smaller "
                               "number.").format(total=total)
        return None

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Storage"))
        self.used_label.setText(self.tr("Lessons on this computer use:"))
        self.free_label.setText(self.tr("Free on the disk:"))
        self.total_label.setText(self.tr("Disk size:"))
        self.floor_label.setText(self.tr("Always keep free at least:"))
        self.floor_unit.setText(self.tr("GB"))
        self.save_button.setText(self.tr("Save"))
        self.refresh_button.setText(self.tr("Measure again"))
        self.hint.setText(self.tr("Downloads stop before the disk gets fuller than this, so the "
                                  "computer keeps working."))
        self._show()
