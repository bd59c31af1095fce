"""The curriculum tree 年级 → 学科 → 版本·册 → 单元 → 课 as a Qt item model.

Built from the plain dicts of :func:`teachpoint.library.browse.browse_tree` (computed in a worker),
on the GUI thread. Every item carries its :class:`NodeKind` in :data:`ROLE_KIND`; lesson and
resource items carry the catalogue resource id in :data:`ROLE_RESOURCE_ID` and its local state in
:data:`ROLE_STATE`. A lesson with one resource is one row; a lesson with several (video, slides…)
gets a child row per resource and plays its first (videos come first).
Empty levels (no edition/volume, no unit) are skipped rather than shown as blank rows, and a
subject taught from one book only shows it in its own row — "音乐（人音版·上册）" — because a
school usually uses one edition per subject and every level costs width on a small screen.
"""

from __future__ import annotations

import logging
from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from teachpoint.library.model import STATE_DAMAGED, STATE_INSTALLED
from teachpoint.ui.formatting import state_text

log = logging.getLogger(__name__)

COL_TITLE = 0
COL_STATE = 1
COLUMN_COUNT = 2

ROLE_KIND = Qt.ItemDataRole.UserRole + 1
ROLE_RESOURCE_ID = Qt.ItemDataRole.UserRole + 2
ROLE_STATE = Qt.ItemDataRole.UserRole + 3
ROLE_GRADE = Qt.ItemDataRole.UserRole + 4
ROLE_SUBJECT = Qt.ItemDataRole.UserRole + 5
ROLE_DURATION = Qt.ItemDataRole.UserRole + 6
ROLE_LESSON_COUNT = Qt.ItemDataRole.UserRole + 7

MUTED = QColor("#7a7a7a")
DAMAGED = QColor("#b3261e")
OWN = QColor("#1f6f43")  # 本校: the app's green


class NodeKind(IntEnum):
    GRADE = 1
    SUBJECT = 2
    BOOK = 3  # 版本·册
    UNIT = 4
    LESSON = 5
    RESOURCE = 6


class CurriculumModel(QStandardItemModel):
    """Two columns: the name (tree) and the local state mark (未下载 / 已损坏)."""

    def __init__(self, parent=None):
        super().__init__(0, COLUMN_COUNT, parent)
        self._by_resource: dict[str, QStandardItem] = {}  # items outlive a model reset; indexes do not
        self.lesson_count = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([self.tr("Lesson"), self.tr("State")])

    # ---- building ---------------------------------------------------------------------------

    def populate(self, tree: list[dict]) -> None:
        """Replace the content with ``tree`` (grades → subjects → editions → volumes → units)."""
        self.beginResetModel()
        self.blockSignals(True)
        try:
            self.removeRows(0, self.rowCount())
            self._by_resource.clear()
            self.lesson_count = 0
            root = self.invisibleRootItem()
            for grade in tree:
                g_item = self._branch(root, grade["name"], NodeKind.GRADE, grade["grade"], None)
                for subj in grade["subjects"]:
                    books = [(_book_label(e["edition"], v["volume"]), v["units"])
                             for e in subj["editions"] for v in e["volumes"]]
                    only = books[0][0] if len(books) == 1 else ""
                    label = f"{subj['subject']}（{only}）" if only else subj["subject"]
                    s_item = self._branch(g_item, label, NodeKind.SUBJECT, grade["grade"],
                                          subj["subject"])
                    for book, units in books:
                        parent = (self._branch(s_item, book, NodeKind.BOOK, grade["grade"],
                                               subj["subject"]) if book and not only else s_item)
                        self._add_units(parent, units, grade["grade"], subj["subject"])
            self._count_lessons(root)
        finally:
            self.blockSignals(False)
            self.endResetModel()
        log.debug("curriculum model: %d lessons", self.lesson_count)

    def _add_units(self, parent: QStandardItem, units: list[dict], grade: int, subject: str) -> None:
        for unit in units:
            u_parent = (self._branch(parent, unit["unit"], NodeKind.UNIT, grade, subject)
                        if unit["unit"] else parent)
            for lesson in unit["lessons"]:
                self._add_lesson(u_parent, lesson, grade, subject)

    def _branch(self, parent: QStandardItem, label: str, kind: NodeKind, grade, subject) -> QStandardItem:
        item = _item(label)
        item.setData(int(kind), ROLE_KIND)
        item.setData(grade, ROLE_GRADE)
        item.setData(subject, ROLE_SUBJECT)
        parent.appendRow([item, _item("")])
        return item

    def _add_lesson(self, parent: QStandardItem, lesson: dict, grade: int, subject: str) -> None:
        resources = lesson["resources"]
        first = resources[0]
        label = lesson_label(lesson["lesson"], lesson["title"])
        item = self._leaf(parent, label, NodeKind.LESSON, first, grade, subject)
        self.lesson_count += 1
        if len(resources) > 1:
            for res in resources:
                self._leaf(item, res["title"], NodeKind.RESOURCE, res, grade, subject)
        else:
            self._by_resource.setdefault(first["id"], item)

    def _leaf(self, parent: QStandardItem, label: str, kind: NodeKind, res: dict, grade, subject):
        item = _item(label)
        item.setData(int(kind), ROLE_KIND)
        item.setData(res["id"], ROLE_RESOURCE_ID)
        item.setData(res["state"], ROLE_STATE)
        item.setData(res.get("duration"), ROLE_DURATION)
        item.setData(grade, ROLE_GRADE)
        item.setData(subject, ROLE_SUBJECT)
        state = _item(state_text(res["state"]))
        state.setData(res["state"], ROLE_STATE)
        if res["state"] != STATE_INSTALLED:
            item.setForeground(QBrush(MUTED))
            state.setForeground(QBrush(DAMAGED if res["state"] == STATE_DAMAGED else MUTED))
            item.setToolTip(state.text())
        if res.get("own") and res["state"] == STATE_INSTALLED:  # a teacher here made it (issue 15)
            state.setText(self.tr("this school's"))
            state.setForeground(QBrush(OWN))
        parent.appendRow([item, state])
        if kind == NodeKind.RESOURCE:
            self._by_resource.setdefault(res["id"], item)
        return item

    def _count_lessons(self, item: QStandardItem) -> int:
        """Store in every branch how many lessons it holds (for labels and expansion choices)."""
        total = 0
        for row in range(item.rowCount()):
            child = item.child(row, COL_TITLE)
            if child.data(ROLE_KIND) == NodeKind.LESSON:
                total += 1
            else:
                n = self._count_lessons(child)
                child.setData(n, ROLE_LESSON_COUNT)
                total += n
        return total

    # ---- looking things up ------------------------------------------------------------------

    def index_of_resource(self, resource_id: str) -> QModelIndex:
        """The row showing ``resource_id`` (a lesson row, or a resource row under its lesson)."""
        found = self._by_resource.get(resource_id)
        return found.index() if found is not None else QModelIndex()

    def resource_ids(self) -> list[str]:
        return list(self._by_resource)

    def update_state(self, resource_id: str, state: str) -> None:
        """Refresh one resource's mark after a download, repair or verification."""
        idx = self.index_of_resource(resource_id)
        if not idx.isValid():
            return
        item = self.itemFromIndex(idx)
        mark = self.itemFromIndex(idx.siblingAtColumn(COL_STATE))
        item.setData(state, ROLE_STATE)
        mark.setData(state, ROLE_STATE)
        mark.setText(state_text(state))
        muted = state != STATE_INSTALLED
        item.setForeground(QBrush(MUTED) if muted else QBrush())
        mark.setForeground(QBrush(DAMAGED if state == STATE_DAMAGED else MUTED))


def lesson_label(number: int, title: str) -> str:
    """``"第4课 小雨沙沙"`` (no number → the title alone)."""
    if not number:
        return title
    return QCoreApplication.translate("CurriculumModel", "Lesson {n}  {title}").format(n=number, title=title)


def _book_label(edition: str, volume: str) -> str:
    """``"人音版·上册"``; either part may be missing."""
    return "·".join(p for p in (edition, volume) if p)


def _item(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    return item

