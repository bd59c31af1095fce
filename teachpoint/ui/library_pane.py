"""The left-hand pane: the curriculum tree, or the search results while the box has text."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListView,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from teachpoint.ui.models.curriculum_model import (
    COL_STATE,
    COL_TITLE,
    ROLE_KIND,
    ROLE_RESOURCE_ID,
    CurriculumModel,
    NodeKind,
)
from teachpoint.ui.models.search_model import ROLE_STATE_TEXT, ROLE_SUBTITLE, SearchResultsModel
from teachpoint.ui.queries import SearchRow
from teachpoint.ui.style import MUTED

log = logging.getLogger(__name__)

EXPAND_ALL_UP_TO = 300  # lessons; bigger trees open at the grade level only


class _ActivatingTree(QTreeView):
    """Enter activates the current row on every platform (Qt's default skips macOS).

    Double-click activates through Qt's own ``activated`` signal."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class _ActivatingList(QListView):
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class TwoLineDelegate(QStyledItemDelegate):
    """Title in the normal font, where-in-the-curriculum (and state) below in grey."""

    PAD = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        line = option.fontMetrics.height()
        return QSize(200, 2 * line + 3 * self.PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = option.rect.adjusted(self.PAD + 4, self.PAD, -self.PAD, -self.PAD)
        line = option.fontMetrics.height()
        painter.save()
        title_font = QFont(option.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        fg = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.setPen(fg if fg is not None else option.palette.text().color())
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         index.data(Qt.ItemDataRole.DisplayRole) or "")
        sub = index.data(ROLE_SUBTITLE) or ""
        state = index.data(ROLE_STATE_TEXT) or ""
        if state:
            sub = f"{sub}  ·  {state}"
        painter.setFont(option.font)
        painter.setPen(fg if fg is not None else option.palette.placeholderText().color())
        painter.drawText(QRect(rect.left(), rect.top() + line + self.PAD // 2, rect.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, sub)
        painter.restore()


class LibraryPane(QWidget):
    """Tree page and results page; emits resource ids the teacher selects or activates."""

    resource_selected = Signal(str)   # one click / arrow keys
    resource_activated = Signal(str)  # double click / Enter: play it
    selection_cleared = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tree_model = CurriculumModel(self)
        self.results_model = SearchResultsModel(self)

        self.tree = _ActivatingTree()
        self.tree.setObjectName("CurriculumTree")
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setExpandsOnDoubleClick(True)
        self.tree.setIndentation(18)
        self.tree.setHeaderHidden(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_STATE, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.tree.activated.connect(self._tree_activated)

        self.results_label = QLabel()
        self.results_label.setObjectName("ResultsLabel")
        self.results_label.setWordWrap(True)
        self.results = _ActivatingList()
        self.results.setObjectName("SearchResults")
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(TwoLineDelegate(self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.selectionModel().currentChanged.connect(self._result_current_changed)
        self.results.activated.connect(self._result_activated)
        results_page = QWidget()
        rl = QVBoxLayout(results_page)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.results_label)
        rl.addWidget(self.results, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(results_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.results_label.setStyleSheet(f"color: {MUTED}; padding: 4px 2px;")

    # ---- tree -------------------------------------------------------------------------------

    def set_tree(self, tree: list[dict]) -> None:
        """Fill the tree; small libraries open fully, big ones at the grade level."""
        self.tree_model.populate(tree)
        if self.tree_model.lesson_count <= EXPAND_ALL_UP_TO:
            self.tree.expandAll()
        self.tree.resizeColumnToContents(COL_STATE)

    def select_resource(self, resource_id: str) -> bool:
        """Show the tree with ``resource_id`` selected and scrolled into view."""
        idx = self.tree_model.index_of_resource(resource_id)
        if not idx.isValid():
            return False
        self.tree.setCurrentIndex(idx)
        self.tree.scrollTo(idx)
        return True

    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rid = current.siblingAtColumn(COL_TITLE).data(ROLE_RESOURCE_ID) if current.isValid() else None
        if rid:
            self.resource_selected.emit(rid)
        else:
            self.selection_cleared.emit()

    def _tree_activated(self, index: QModelIndex) -> None:
        index = index.siblingAtColumn(COL_TITLE)
        if index.data(ROLE_KIND) in (NodeKind.LESSON, NodeKind.RESOURCE) and index.data(ROLE_RESOURCE_ID):
            self.resource_activated.emit(index.data(ROLE_RESOURCE_ID))

    # ---- search results ---------------------------------------------------------------------

    def show_results(self, query: str, rows: list[SearchRow]) -> None:
        self.results_model.set_results(query, rows)
        if rows:
            self.results_label.setText(self.tr("{n} lessons found for “{q}”").format(n=len(rows), q=query))
        else:
            self.results_label.setText(self.tr("Nothing found for “{q}”. Try fewer characters, "
                                               "pinyin (xiaoyu) or initials (xyss).").format(q=query))
        self.stack.setCurrentIndex(1)

    def show_tree(self) -> None:
        self.results_model.clear()
        self.stack.setCurrentIndex(0)
        current = self.tree.currentIndex()
        if current.isValid():
            self._tree_current_changed(current, QModelIndex())

    @property
    def showing_results(self) -> bool:
        return self.stack.currentIndex() == 1

    def select_first_result(self) -> bool:
        """Highlight the best hit (its details show); keyboard focus stays where it is."""
        if not self.results_model.rowCount():
            return False
        idx = self.results_model.index(0, 0)
        self.results.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return True

    def current_result(self) -> str | None:
        idx = self.results.currentIndex()
        return self.results_model.resource_id(idx.row()) if idx.isValid() else None

    def focus_list(self) -> None:
        """Move keyboard focus into the visible list (arrow keys then walk it)."""
        view = self.results if self.showing_results else self.tree
        view.setFocus()
        if not view.currentIndex().isValid() and view.model().rowCount():
            view.setCurrentIndex(view.model().index(0, 0))

    def _result_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rid = self.results_model.resource_id(current.row()) if current.isValid() else None
        if rid:
            self.resource_selected.emit(rid)

    def _result_activated(self, index: QModelIndex) -> None:
        rid = self.results_model.resource_id(index.row())
        if rid:
            self.resource_activated.emit(rid)

    def retranslate(self) -> None:
        self.tree_model.retranslate()
        if self.showing_results:
            self.show_results(self.results_model.query, self.results_model.rows)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

