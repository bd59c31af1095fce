"""网速限制: how much of the school's internet the downloads may use, and when.

A normal cap (kbit/s, or no limit) and time windows that override it, e.g. Monday–Friday
08:00–17:00 at most 256 kbit/s so lessons stream while classes use the link. Values are checked
with the core's :func:`teachpoint.sync.schedule.parse_limit`, :func:`~teachpoint.sync.schedule.parse_time`
and :func:`~teachpoint.sync.schedule.parse_window`, and saved the way ``teachpoint bandwidth``
saves them (setting :data:`teachpoint.sync.schedule.SETTING_BANDWIDTH`).
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton, QVBoxLayout)

from teachpoint.errors import UsageError
from teachpoint.sync import schedule
from teachpoint.sync.schedule import DAYS, Bandwidth, Window, parse_limit, parse_time, parse_window
from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label

log = logging.getLogger(__name__)

LOCK = "bandwidth"


def _read(ws) -> tuple[Bandwidth, frozenset[str]]:
    with ws.catalogue.write_lock:
        return schedule.load_bandwidth(ws), ws.locked_settings()


def _save(ws, change) -> Bandwidth:
    """Worker: read the saved bandwidth, apply ``change(bandwidth) -> bandwidth``, save it."""
    with ws.catalogue.write_lock:
        updated = change(schedule.load_bandwidth(ws))
        ws.set_setting(schedule.SETTING_BANDWIDTH, json.dumps(updated.to_json()))
        return updated


def _with_limit(bandwidth: Bandwidth, limit: int | None) -> Bandwidth:
    return Bandwidth.from_json({**bandwidth.to_json(), "limit_kbit": limit})


def _with_window(bandwidth: Bandwidth, window: Window) -> Bandwidth:
    bandwidth.windows.append(window)
    return bandwidth


def _without_window(bandwidth: Bandwidth, text: str) -> Bandwidth:
    bandwidth.windows = [w for w in bandwidth.windows if w.to_text() != text]
    return bandwidth


class BandwidthSection(SettingsSection):
    """The normal speed limit and the time windows with limits of their own."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.bandwidth = Bandwidth()
        self.limit_label = QLabel()
        self.limit_box = QLineEdit()
        self.limit_box.setMaximumWidth(160)
        self.limit_unit = QLabel("kbit/s")
        self.unlimited_box = QCheckBox()
        self.save_limit_button = QPushButton()
        self.limit_message = FieldMessage()
        limit_row = QHBoxLayout()
        for widget in (self.limit_label, self.limit_box, self.limit_unit, self.unlimited_box,
                       self.save_limit_button):
            limit_row.addWidget(widget)
        limit_row.addStretch(1)

        self.windows_label = QLabel()
        self.windows_list = QListWidget()
        self.windows_list.setMinimumHeight(90)
        self.remove_window_button = QPushButton()
        self.day_from, self.day_to = QComboBox(), QComboBox()
        self.start_box, self.end_box = QLineEdit("08:00"), QLineEdit("17:00")
        self.window_limit_box = QLineEdit("256")
        self.window_unlimited_box = QCheckBox()
        self.add_window_button = QPushButton()
        self.window_message = FieldMessage()
        self.day_labels = [QLabel() for _ in range(4)]  # days, to, time, to
        self.speed_label = QLabel()
        for box in (self.start_box, self.end_box, self.window_limit_box):
            box.setMaximumWidth(110)
        grid = QGridLayout()
        grid.addWidget(self.day_labels[0], 0, 0)
        grid.addWidget(self.day_from, 0, 1)
        grid.addWidget(self.day_labels[1], 0, 2)
        grid.addWidget(self.day_to, 0, 3)
        grid.addWidget(self.day_labels[2], 1, 0)
        grid.addWidget(self.start_box, 1, 1)
        grid.addWidget(self.day_labels[3], 1, 2)
        grid.addWidget(self.end_box, 1, 3)
        grid.addWidget(self.speed_label, 2, 0)
        grid.addWidget(self.window_limit_box, 2, 1)
        grid.addWidget(QLabel("kbit/s"), 2, 2)
        grid.addWidget(self.window_unlimited_box, 2, 3)
        grid.addWidget(self.add_window_button, 3, 1, 1, 3)
        grid.setColumnStretch(4, 1)
        self.hint = hint_label()

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(limit_row)
        layout.addWidget(self.limit_message)
        layout.addWidget(self.windows_label)
        layout.addWidget(self.windows_list)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_window_button)
        remove_row.addStretch(1)
        layout.addLayout(remove_row)
        layout.addLayout(grid)
        layout.addWidget(self.window_message)
        layout.addWidget(self.hint)
        self.lockable = {LOCK: [self.limit_box, self.unlimited_box, self.save_limit_button,
                                self.windows_list, self.remove_window_button, self.day_from,
                                self.day_to, self.start_box, self.end_box, self.window_limit_box,
                                self.window_unlimited_box, self.add_window_button]}
        self.unlimited_box.toggled.connect(self._sync_enabled)
        self.window_unlimited_box.toggled.connect(self._sync_enabled)
        self.save_limit_button.clicked.connect(self.save_limit)
        self.limit_box.returnPressed.connect(self.save_limit)
        self.add_window_button.clicked.connect(self.add_window)
        self.remove_window_button.clicked.connect(self._remove_selected)
        self.retranslate()
        self.day_to.setCurrentIndex(4)  # Monday to Friday: school days

    # ---- reading ------------------------------------------------------------------------------------

    def load(self) -> None:
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _read(ws), self._loaded, self.limit_message, name="read bandwidth")

    def _loaded(self, result) -> None:
        self.bandwidth, locked = result
        self.apply_locks(locked)
        self._show()

    def _show(self) -> None:
        limit = self.bandwidth.limit_kbit
        self.unlimited_box.setChecked(limit is None)
        self.limit_box.setText("" if limit is None else str(limit))
        self._fill_windows()

    def _fill_windows(self) -> None:
        self.windows_list.clear()
        for window in self.bandwidth.windows:
            item = QListWidgetItem(self.window_text(window))
            item.setData(Qt.ItemDataRole.UserRole, window.to_text())
            self.windows_list.addItem(item)
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        editable = not self.is_locked(LOCK)
        self.limit_box.setEnabled(editable and not self.unlimited_box.isChecked())
        self.window_limit_box.setEnabled(editable and not self.window_unlimited_box.isChecked())
        self.remove_window_button.setEnabled(editable and self.windows_list.count() > 0)

    def apply_locks(self, locked) -> None:
        super().apply_locks(locked)
        self._sync_enabled()

    # ---- changing ----------------------------------------------------------------------------------------

    def save_limit(self) -> None:
        """Check the normal limit and save it (nothing is saved if it is wrong)."""
        if self.ws is None or self.is_locked(LOCK):
            return
        limit = self._limit_from(self.limit_box, self.unlimited_box, self.limit_message)
        if limit is False:
            return
        ws = self.ws
        self.run(lambda: _save(ws, lambda bw: _with_limit(bw, limit)), self._saved_limit,
                 self.limit_message, name="save bandwidth")

    def _saved_limit(self, bandwidth: Bandwidth) -> None:
        self.bandwidth = bandwidth
        self._show()
        self.limit_message.show_done(self.tr("Saved."))
        self.changed.emit(LOCK)

    def add_window(self) -> None:
        """Check the days, times and limit typed below the list; add the window if all are right."""
        if self.ws is None or self.is_locked(LOCK):
            return
        self.window_message.clear_message()
        start, end = self.start_box.text().strip(), self.end_box.text().strip()
        for text in (start, end):
            try:
                parse_time(text)
            except UsageError:
                self.window_message.show_problem(self.tr(
                    "“{time}” is not a time of day. Write hours and minutes like 08:00 or 17:30 "
                    "(00:00 to 24:00).").format(time=text))
                return
        limit = self._limit_from(self.window_limit_box, self.window_unlimited_box,
                                 self.window_message)
        if limit is False:
            return
        days = f"{DAYS[self.day_from.currentIndex()]}-{DAYS[self.day_to.currentIndex()]}"
        try:
            window = parse_window(f"{days} {start}-{end} {'unlimited' if limit is None else limit}")
        except UsageError:
            self.window_message.show_problem(self.tr("The start and end time are the same: the "
                                                     "time window would be empty."))
            return
        ws = self.ws
        self.run(lambda: _save(ws, lambda bw: _with_window(bw, window)), self._saved_windows,
                 self.window_message, name="save bandwidth")

    def _limit_from(self, box: QLineEdit, unlimited: QCheckBox, message: FieldMessage):
        """The limit typed in ``box`` (None = no limit), or False after showing what is wrong."""
        if unlimited.isChecked():
            return None
        text = box.text().strip()
        if not text:
            message.show_problem(self.tr("Type a speed in kbit/s, or tick “No limit”."))
            return False
        try:
            return parse_limit(text)
        except UsageError:
            message.show_problem(self.tr("“{value}” is not a speed TeachPoint can use: type a whole "
                                         "number from 1 to 10000000 (kbit/s).").format(value=text))
            return False

    def _remove_selected(self) -> None:
        item = self.windows_list.currentItem()
        if item is None:
            self.window_message.show_problem(self.tr("Click a time window in the list first."))
            return
        self.remove_window(item.data(Qt.ItemDataRole.UserRole))

    def remove_window(self, window_text: str) -> None:
        """Remove the window written ``window_text`` (its :meth:`Window.to_text`)."""
        if self.ws is None or self.is_locked(LOCK):
            return
        ws = self.ws
        self.run(lambda: _save(ws, lambda bw: _without_window(bw, window_text)),
                 self._saved_windows, self.window_message, name="save bandwidth")

    def _saved_windows(self, bandwidth: Bandwidth) -> None:
        self.bandwidth = bandwidth
        self._show()
        self.window_message.show_done(self.tr("Saved."))
        self.changed.emit(LOCK)

    # ---- words ------------------------------------------------------------------------------------------------

    def day_names(self) -> list[str]:
        return [self.tr("Monday"), self.tr("Tuesday"), self.tr("Wednesday"), self.tr("Thursday"),
                self.tr("Friday"), self.tr("Saturday"), self.tr("Sunday")]

    def days_text(self, days: frozenset[int]) -> str:
        """{0,1,2,3,4} → "Monday to Friday"; {5,6} → "Saturday to Sunday"; {0,2} → "Monday, Wednesday"."""
        names, runs, ordered = self.day_names(), [], sorted(days)
        for day in ordered:
            if runs and day == runs[-1][1] + 1:
                runs[-1][1] = day
            else:
                runs.append([day, day])
        parts = [names[a] if a == b else self.tr("{first} to {last}").format(first=names[a],
                                                                              last=names[b])
                 for a, b in runs]
        return self.tr(", ").join(parts)

    def window_text(self, window: Window) -> str:
        start, end = f"{window.start // 60:02d}:{window.start % 60:02d}", \
            f"{window.end // 60:02d}:{window.end % 60:02d}"
        days = self.days_text(window.days)
        if window.limit_kbit is None:
            return self.tr("{days}, {start}–{end}: no limit").format(days=days, start=start, end=end)
        return self.tr("{days}, {start}–{end}: at most {kbit} kbit/s").format(
            days=days, start=start, end=end, kbit=window.limit_kbit)

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Download speed limit"))
        self.limit_label.setText(self.tr("Normal limit:"))
        self.unlimited_box.setText(self.tr("No limit"))
        self.save_limit_button.setText(self.tr("Save limit"))
        self.windows_label.setText(self.tr("Other limits at certain times:"))
        self.remove_window_button.setText(self.tr("Remove selected time"))
        for box in (self.day_from, self.day_to):
            index = max(0, box.currentIndex())
            box.clear()
            box.addItems(self.day_names())
            box.setCurrentIndex(index)
        for label, text in zip(self.day_labels, (self.tr("Days:"), self.tr("to"), self.tr("Time:"),
                                                 self.tr("to"))):
            label.setText(text)
        self.speed_label.setText(self.tr("Limit:"))
        self.window_unlimited_box.setText(self.tr("No limit"))
        self.add_window_button.setText(self.tr("Add this time"))
        self.hint.setText(self.tr("kbit/s: 1000 kbit/s is about 1 Mbit/s. A limit during class "
                                  "time leaves the internet free for teaching."))
        self._fill_windows()
