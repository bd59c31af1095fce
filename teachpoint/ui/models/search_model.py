"""Search results as a list model: one row per hit, title plus where it sits in the curriculum."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from teachpoint.library.curriculum import grade_name
from teachpoint.library.model import STATE_DAMAGED, STATE_INSTALLED
from teachpoint.ui.formatting import state_text
from teachpoint.ui.models.curriculum_model import MUTED, DAMAGED, ROLE_RESOURCE_ID, ROLE_STATE
from teachpoint.ui.queries import SearchRow

COL_TITLE = 0
ROLE_SUBTITLE = Qt.ItemDataRole.UserRole + 20  # "三年级 · 音乐 · 第二单元 春天"
ROLE_MATCHED_ON = Qt.ItemDataRole.UserRole + 21
ROLE_STATE_TEXT = Qt.ItemDataRole.UserRole + 22


class SearchResultsModel(QAbstractListModel):
    """The hits of the latest query, best first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[SearchRow] = []
        self.query = ""

    def set_results(self, query: str, rows: list[SearchRow]) -> None:
        self.beginResetModel()
        self.query, self._rows = query, list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[SearchRow]:
        return list(self._rows)

    def clear(self) -> None:
        self.set_results("", [])

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def resource_id(self, row: int) -> str | None:
        return self._rows[row].hit.resource_id if 0 <= row < len(self._rows) else None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        hit = row.hit
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == ROLE_SUBTITLE:
            return " · ".join(p for p in (grade_name(hit.grade), hit.subject, hit.unit) if p)
        if role == ROLE_RESOURCE_ID:
            return hit.resource_id
        if role == ROLE_STATE:
            return row.state
        if role == ROLE_STATE_TEXT:
            return state_text(row.state)
        if role == ROLE_MATCHED_ON:
            return hit.matched_on
        if role == Qt.ItemDataRole.ForegroundRole and row.state != STATE_INSTALLED:
            return DAMAGED if row.state == STATE_DAMAGED else MUTED
        if role == Qt.ItemDataRole.ToolTipRole:
            return state_text(row.state) or None
        return None

