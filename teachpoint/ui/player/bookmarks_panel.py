"""Bookmarks of the playing lesson: a side panel to add, list (click to jump) and remove them.

Bookmarks live in the catalogue (:mod:`teachpoint.library.teaching`). Like the resume position
they are read and written off the GUI thread, in order, by the player's
:class:`~.progress_writer.ProgressWriter` (:attr:`BookmarksPanel.writer`); the list is shown when
the read comes back. A read-only data directory or a full disk gives a plain note, never a crash.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from teachpoint.library import teaching
from teachpoint.ui.formatting import format_clock
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole
POSITION_ROLE = Qt.ItemDataRole.UserRole + 1


def bookmark_text(position_ms: int, label: str) -> str:
    """``"03:25  生字表"`` — the time first, then the teacher's note if any."""
    return f"{format_clock(position_ms)}  {label}".rstrip()


def load_bookmarks(ws: Workspace, resource_id: str) -> list[dict]:
    with ws.catalogue.write_lock:
        return teaching.bookmarks(ws.catalogue, resource_id)


class BookmarksPanel(QWidget):
    """Lists one lesson's bookmarks; emits :attr:`jump_requested` (ms) when one is clicked."""

    jump_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("BookmarksPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ws: Workspace | None = None
        self.resource_id: str | None = None
        self.heading = QLabel()
        self.heading.setObjectName("PanelHeading")
        self.list = QListWidget()
        self.list.setObjectName("BookmarkList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("Hint")
        self.empty_hint.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setObjectName("BookmarkNote")
        self.note.setMaxLength(200)
        self.add_button = QPushButton()
        self.add_button.setObjectName("AddBookmark")
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("RemoveBookmark")
        self.problem = QLabel()
        self.problem.setObjectName("StateWarning")
        self.problem.setWordWrap(True)
        self.problem.hide()
        for button in (self.add_button, self.remove_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.problem)
        self.setMinimumWidth(260)
        self.setMaximumWidth(360)
        self.position_source = lambda: 0  # the page sets this to the player's position
        self.writer = None  # the page sets its ProgressWriter: bookmarks are written in order with positions
        self.add_button.clicked.connect(lambda: self.add_here())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.list.itemClicked.connect(lambda item: self.jump_requested.emit(int(item.data(POSITION_ROLE))))
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.note.returnPressed.connect(lambda: self.add_here())
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Bookmarks"))
        self.empty_hint.setText(self.tr("No bookmarks yet. Press B (or the button) to mark the "
                                        "current moment; click a bookmark to jump there."))
        self.note.setPlaceholderText(self.tr("Note (optional)"))
        self.add_button.setText(self.tr("Add here"))
        self.add_button.setToolTip(self.tr("Bookmark the current moment (B key)"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the selected bookmark"))

    # ---- data -------------------------------------------------------------------------------

    def set_lesson(self, ws: Workspace | None, resource_id: str | None) -> None:
        """Show the bookmarks of ``resource_id`` (None: an empty panel)."""
        self.ws, self.resource_id = ws, resource_id
        self.note.clear()
        self.problem.hide()
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Read the lesson's bookmarks (in a worker) and list them, ``select_id`` highlighted."""
        self._show_rows(self.resource_id, [])
        ws, rid = self.ws, self.resource_id
        if ws is None or rid is None or self.writer is None:
            return
        self.writer.submit(lambda: load_bookmarks(ws, rid),
                           on_done=lambda rows: self._show_rows(rid, rows, select_id),
                           on_error=lambda exc: self._failed(rid, self.tr("The bookmarks could not be read.")))

    def _show_rows(self, resource_id: str | None, rows: list[dict], select_id: int | None = None) -> None:
        if resource_id != self.resource_id:
            return  # read for a lesson that is no longer open
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(bookmark_text(row["position_ms"], row["label"]))
            item.setData(ID_ROLE, row["id"])
            item.setData(POSITION_ROLE, row["position_ms"])
            item.setToolTip(self.tr("Click to jump to {t}").format(t=format_clock(row["position_ms"])))
            self.list.addItem(item)
            if row["id"] == select_id:
                self.list.setCurrentItem(item)
        self._update_buttons()

    def bookmarks(self) -> list[tuple[int, str]]:
        """(position_ms, text) of the listed bookmarks, in order."""
        return [(int(self.list.item(i).data(POSITION_ROLE)), self.list.item(i).text())
                for i in range(self.list.count())]

    def add_here(self, position_ms: int | None = None) -> bool:
        """Bookmark ``position_ms`` (default: the player's position) with the note; False if it
        cannot be saved here (the list shows it once written)."""
        ws, rid = self.ws, self.resource_id
        if ws is None or rid is None or self.writer is None:
            return False
        if ws.read_only:
            self._show_problem(self.tr("This computer's lesson folder is read-only, so "
                                       "bookmarks cannot be saved."))
            return False
        pos = self.position_source() if position_ms is None else position_ms
        label = self.note.text().strip()
        self.note.clear()
        self.problem.hide()
        self.writer.submit(lambda: teaching.add_bookmark(ws.catalogue, rid, pos, label),
                           on_done=lambda new_id: rid == self.resource_id and self.reload(new_id),
                           on_error=lambda exc: self._failed(rid, self.tr("The bookmark could not be saved.")))
        return True

    def remove_selected(self) -> bool:
        item = self.list.currentItem()
        ws, rid = self.ws, self.resource_id
        if item is None or ws is None or ws.read_only or self.writer is None:
            return False
        bookmark_id = int(item.data(ID_ROLE))
        self.writer.submit(lambda: teaching.remove_bookmark(ws.catalogue, bookmark_id),
                           on_done=lambda _none: rid == self.resource_id and self.reload(),
                           on_error=lambda exc: self._failed(rid, self.tr("The bookmark could not be removed.")))
        return True

    def _failed(self, resource_id: str | None, text: str) -> None:
        log.warning("bookmarks of %s: %s", resource_id, text)
        if resource_id == self.resource_id:
            self._show_problem(text)

    def _update_buttons(self) -> None:
        self.empty_hint.setVisible(self.list.count() == 0)
        self.remove_button.setEnabled(self.list.currentItem() is not None)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
