"""课程来源: where this PC gets lessons from (web addresses and folders), and how the last try went.

The checks are the core's (:func:`teachpoint.library.source_list.normalise_location`,
:func:`~teachpoint.library.source_list.check_folder_readable`, :func:`~teachpoint.library.source_list.add_source`),
the same ones ``teachpoint source add`` uses; this module only puts them into plain words.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLineEdit, QPushButton, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout)

from teachpoint.errors import UsageError
from teachpoint.library import source_list
from teachpoint.library.source_list import FolderProblem, SourceEntry, SourceExists
from teachpoint.ui.settings.common import FieldMessage, SettingsSection, hint_label, local_time

log = logging.getLogger(__name__)

LOCK = "sources"


def _unique_name(location: str, taken: set[str]) -> str:
    """The default name of a location, with -2, -3 … if another source has it already."""
    base = re.sub(r"[\s/\\]+", "-", source_list.default_name(location)).strip("-")[:64] or "source"
    name, n = base, 2
    while name in taken:
        suffix = f"-{n}"
        name, n = base[:64 - len(suffix)] + suffix, n + 1
    return name


def _looks_like_folder(text: str) -> bool:
    """A path as a file dialog or a person types it: /media/…, ~/…, C:\\…, \\\\server\\…"""
    return text.startswith(("/", "~", "\\")) or bool(re.match(r"^[A-Za-z]:[\\/]", text))


def _add(ws, location: str) -> SourceEntry:
    """Worker: check the location like the command line does, then add it."""
    location = location.strip()
    if _looks_like_folder(location):
        location = source_list.check_folder_readable(location)
    elif "://" in location:
        location = source_list.normalise_location(location)
    else:  # "192.168.1.10" or "example.com": neither a full web address nor a folder path
        raise UsageError(f"not a web address (http:// or https://) or a folder: {location!r}")
    with ws.catalogue.write_lock:
        taken = {s.name for s in source_list.list_sources(ws.catalogue)}
        return source_list.add_source(ws.catalogue, location, _unique_name(location, taken))


def _read(ws) -> tuple[list[SourceEntry], frozenset[str]]:
    with ws.catalogue.write_lock:
        return source_list.list_sources(ws.catalogue), ws.locked_settings()


class SourcesSection(SettingsSection):
    """The list of sources with their last success / last problem; add by address or folder."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.entries: list[SourceEntry] = []
        self.table = QTreeWidget()
        self.table.setColumnCount(4)
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(140)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setStretchLastSection(True)
        self.location_box = QLineEdit()
        self.add_button = QPushButton()
        self.folder_button = QPushButton()
        self.remove_button = QPushButton()
        self.message = FieldMessage()
        self.hint = hint_label()
        add_row = QHBoxLayout()
        add_row.addWidget(self.location_box, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.folder_button)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        layout.addLayout(remove_row)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.lockable = {LOCK: [self.location_box, self.add_button, self.folder_button,
                                self.remove_button]}
        self.add_button.clicked.connect(lambda: self.add_location(self.location_box.text()))
        self.location_box.returnPressed.connect(lambda: self.add_location(self.location_box.text()))
        self.folder_button.clicked.connect(self._choose_folder)
        self.remove_button.clicked.connect(self._remove_selected)
        self.retranslate()

    # ---- reading -----------------------------------------------------------------------------------

    def load(self) -> None:
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _read(ws), self._loaded, self.message, name="read sources")

    def _loaded(self, result) -> None:
        self.entries, locked = result
        self.apply_locks(locked)
        self._fill()

    def _fill(self) -> None:
        self.table.clear()
        for entry in self.entries:
            if entry.last_success:
                ok = local_time(entry.last_success)
            else:
                ok = self.tr("not yet")
            problem = entry.last_error or ""
            if problem and entry.last_attempt:
                problem = self.tr("{time}: {problem}").format(time=local_time(entry.last_attempt),
                                                              problem=problem)
            item = QTreeWidgetItem([entry.name, entry.location, ok, problem or self.tr("none")])
            item.setToolTip(3, entry.last_error or "")
            self.table.addTopLevelItem(item)
        self.remove_button.setEnabled(bool(self.entries) and not self.is_locked(LOCK))

    # ---- adding and removing -----------------------------------------------------------------------

    def add_location(self, text: str) -> None:
        """Add a web address or a folder path (checked in a worker); the result shows below."""
        if self.ws is None or self.is_locked(LOCK):
            return
        text = (text or "").strip()
        if not text:
            self.message.show_problem(self.tr("Type a web address (http:// or https://) or choose "
                                              "a folder."))
            return
        self.message.clear_message()
        ws = self.ws
        self.run(lambda: _add(ws, text), self._added, self.message, self._describe,
                 name="add source")

    def _added(self, entry: SourceEntry) -> None:
        self.location_box.clear()
        self.message.show_done(self.tr("Added “{name}”. Lessons from it will download in the "
                                       "background.").format(name=entry.name))
        self.load()
        self.changed.emit(LOCK)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the folder with the lessons"))
        if folder:
            self.add_location(folder)

    def _remove_selected(self) -> None:
        item = self.table.currentItem()
        if item is None:
            self.message.show_problem(self.tr("Click a source in the list first."))
            return
        self.remove_source(item.text(0))

    def remove_source(self, name: str) -> None:
        """Ask, then stop syncing from the source called ``name`` (its lessons stay)."""
        if self.ws is None or self.is_locked(LOCK):
            return
        ws = self.ws

        def remove() -> None:
            self.run(lambda: source_list.remove_source(ws.catalogue, name), self._removed,
                     self.message, name="remove source")

        self.ask(self.tr("Remove source"),
                 self.tr("Stop getting lessons from “{name}”?\nLessons already on this computer "
                         "stay.").format(name=name),
                 self.tr("Remove"), remove)

    def _removed(self, entry: SourceEntry) -> None:
        self.message.show_done(self.tr("Removed “{name}”.").format(name=entry.name))
        self.load()
        self.changed.emit(LOCK)

    def _describe(self, exc: BaseException) -> str | None:
        if isinstance(exc, FolderProblem):
            return {
                "missing": self.tr("There is no folder {folder}. Check the name, or plug in the "
                                   "USB stick first."),
                "not_a_folder": self.tr("{folder} is a file, not a folder."),
                "unreadable": self.tr("The folder {folder} cannot be opened (no permission?)."),
                "web_address": self.tr("{folder} is a web address, not a folder."),
            }.get(exc.reason, "").format(folder=exc.folder) or None
        if isinstance(exc, SourceExists):
            return self.tr("This source is in the list already.")
        if isinstance(exc, UsageError):
            return self.tr("This is not an address TeachPoint can use. Type a web address "
                           "starting with http:// or https://, or choose a folder.")
        return None

    # ---- language -------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Lesson sources"))
        self.table.setHeaderLabels([self.tr("Name"), self.tr("Address or folder"),
                                    self.tr("Last success"), self.tr("Last problem")])
        self.location_box.setPlaceholderText(self.tr("Web address, e.g. http://192.168.1.10/lessons/"))
        self.add_button.setText(self.tr("Add address"))
        self.folder_button.setText(self.tr("Choose folder…"))
        self.remove_button.setText(self.tr("Remove selected source"))
        self.hint.setText(self.tr("Where this computer gets lessons from: the county server, "
                                  "another school computer, or a folder."))
        self._fill()
