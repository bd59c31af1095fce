"""The left-hand pane: grade / subject filters, then the curriculum tree, or the search results
while the box has text or a filter is chosen."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
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
from teachpoint.library.search import MAX_QUERY_CHARS
from teachpoint.ui.class_picker import display_grade
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
    filters_changed = Signal(object, object)  # grade (int) or None, subject or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tree_model = CurriculumModel(self)
        self.results_model = SearchResultsModel(self)
        self._offered: dict[int, list[str]] = {}  # grade → subjects with lessons (from the tree)
        self.grade_filter = QComboBox()
        self.grade_filter.setObjectName("GradeFilter")
        self.subject_filter = QComboBox()
        self.subject_filter.setObjectName("SubjectFilter")
        self.grade_filter.activated.connect(self._grade_filter_chosen)
        self.subject_filter.activated.connect(lambda _i: self._emit_filters())

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
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 6)
        filters.addWidget(self.grade_filter, 1)
        filters.addWidget(self.subject_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.stack)
        self.results_label.setStyleSheet(f"color: {MUTED}; padding: 4px 2px;")
        self._fill_filters()

    # ---- tree -------------------------------------------------------------------------------

    def set_tree(self, tree: list[dict]) -> None:
        """Fill the tree; small libraries open fully, big ones at the grade level."""
        self.tree_model.populate(tree)
        if self.tree_model.lesson_count <= EXPAND_ALL_UP_TO:
            self.tree.expandAll()
        self.tree.resizeColumnToContents(COL_STATE)
        self._offered = {g["grade"]: [s["subject"] for s in g["subjects"]] for g in tree}
        before = (self.grade, self.subject)
        self._fill_filters()
        if (self.grade, self.subject) != before:  # the chosen grade or subject has no lessons now
            self._emit_filters()

    # ---- grade / subject filters --------------------------------------------------------------

    @property
    def grade(self) -> int | None:
        return self.grade_filter.currentData()

    @property
    def subject(self) -> str | None:
        return self.subject_filter.currentData()

    def set_filters(self, grade: int | None, subject: str | None) -> None:
        """Choose a grade and subject as the teacher would (None: any); emits ``filters_changed``."""
        self.grade_filter.setCurrentIndex(max(0, self.grade_filter.findData(grade)))
        self._fill_subjects()
        self.subject_filter.setCurrentIndex(max(0, self.subject_filter.findData(subject)))
        self._emit_filters()

    def clear_filters(self) -> None:
        if self.grade is not None or self.subject is not None:
            self.set_filters(None, None)

    def _fill_filters(self) -> None:
        """Offer the grades with lessons here (keeping the choice while it still exists)."""
        grade = self.grade
        self.grade_filter.clear()
        self.grade_filter.addItem(self.tr("All grades"), None)
        for g in sorted(self._offered):
            self.grade_filter.addItem(display_grade(g), g)
        self.grade_filter.setCurrentIndex(max(0, self.grade_filter.findData(grade)))
        self._fill_subjects()

    def _fill_subjects(self) -> None:
        """The subjects of the chosen grade (every grade's when none is chosen)."""
        subject, grade = self.subject, self.grade
        grades = [grade] if grade in self._offered else list(self._offered)
        self.subject_filter.clear()
        self.subject_filter.addItem(self.tr("All subjects"), None)
        for name in dict.fromkeys(s for g in sorted(grades) for s in self._offered[g]):
            self.subject_filter.addItem(name, name)
        self.subject_filter.setCurrentIndex(max(0, self.subject_filter.findData(subject)))

    def _grade_filter_chosen(self, _index: int) -> None:
        self._fill_subjects()
        self._emit_filters()

    def _emit_filters(self) -> None:
        self.filters_changed.emit(self.grade, self.subject)

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
        self.results_label.setText(self._results_text(query, rows))
        self.stack.setCurrentIndex(1)

    def _results_text(self, query: str, rows: list[SearchRow]) -> str:
        """"N lessons found for …" (or why nothing was), naming the filters and a cut query."""
        where = " ".join(p for p in (display_grade(self.grade) if self.grade is not None else "",
                                     self.subject or "") if p)
        shown = query if len(query) <= MAX_QUERY_CHARS else query[:20] + "…"
        if not query:
            text = (self.tr("{n} lessons in {where}").format(n=len(rows), where=where) if rows
                    else self.tr("No lessons in {where} on this computer yet.").format(where=where))
        elif rows:
            text = self.tr("{n} lessons found for “{q}”").format(n=len(rows), q=shown)
        else:
            text = self.tr("Nothing found for “{q}”. Try fewer characters, pinyin (xiaoyu) or "
                           "initials (xyss).").format(q=shown)
        if query and where:
            text += "  " + self.tr("(only {where})").format(where=where)
        if len(query) > MAX_QUERY_CHARS:
            text += "\n" + self.tr("The search text is very long; only its first {n} characters "
                                   "were used.").format(n=MAX_QUERY_CHARS)
        return text

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
        self._fill_filters()
        if self.showing_results:
            self.show_results(self.results_model.query, self.results_model.rows)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

