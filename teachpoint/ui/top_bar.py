"""The green bar across the top: the app's name, the places, the search box — on any screen.

The places (:data:`teachpoint.ui.places.PLACES`: 首页 · 全部课程 · 同步 · 使用情况 · 设置, and
later ones) are big checkable buttons, one checked at a time, so a teacher always sees where
they are; Alt+1… reach them from the keyboard. The sync place shows a one-line state
("正在下载 45%", "离线") set by the window from the sync controller.

A 1024×768 projector with 大字体 has no room for all of that in one row, so the bar arranges
itself for its width (:meth:`TopBar.arrangement_for`), giving things up in this order:

1. the app's name (the window title still carries it);
2. the sync state after 同步 (then in the button's tooltip; the 同步 page says it in full);
3. the search box's place in the row: it moves to a second row of its own, full width (the name
   and the sync state come back if row one has room for them then), so it never shrinks below a
   usable width (:meth:`TopBar.search_min_width`);
4. the space around each label;
5. last, the labels themselves are elided to equal shares of the row.

Buttons get a fixed width computed from their label in bold (the checked look), so the bar does
not jump when the current place changes; the bar's minimum width is that of the last step, so it
never makes the window wider than its screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from teachpoint.ui.places import PLACES, SYNC, Place

MARGIN_X, MARGIN_Y, SPACING, SEARCH_GAP = 16, 10, 8, 12
LABEL_PADDING, COMPACT_PADDING, BUTTON_BORDER = 14, 6, 2  # as the NavButton rule in style.py
SEARCH_MIN_CHARS = 6  # the box shows at least this many characters typed ("三年级音乐")
SEARCH_CHROME = 64  # the box's padding, border and clear button (px)
SMALLEST_WIDTH = 320  # below this the labels are elided to nothing much anyway


@dataclass(frozen=True)
class Arrangement:
    """How the bar uses its width (see the module docstring)."""

    title: bool = True
    sync_state: bool = True
    search_in_row: bool = True
    compact: bool = False
    elide_to: int = 0  # > 0: every button this wide, its label elided


ARRANGEMENTS = (  # the fullest first; the last one (eliding) is computed for the width
    Arrangement(),
    Arrangement(title=False),
    Arrangement(title=False, sync_state=False),
    Arrangement(search_in_row=False),
    Arrangement(title=False, search_in_row=False),
    Arrangement(title=False, sync_state=False, search_in_row=False),
    Arrangement(title=False, sync_state=False, search_in_row=False, compact=True),
)


class TopBar(QWidget):
    """Title, the places' buttons and the search box; ``place_chosen(name)`` on a click."""

    place_chosen = Signal(str)

    def __init__(self, places: tuple[Place, ...] = PLACES, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("TopBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.places = places
        self.app_title = QLabel()
        self.app_title.setObjectName("AppTitle")
        self.search_box = QLineEdit()
        self.search_box.setObjectName("SearchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setEnabled(False)
        self.buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.row = QHBoxLayout()
        self.row.setSpacing(SPACING)
        self.row.addWidget(self.app_title)
        for number, place in enumerate(places, start=1):
            self.row.addWidget(self._place_button(place, number))
        self.row.addStretch(0)
        self.row.addSpacing(SEARCH_GAP)
        self.row.addWidget(self.search_box, 1)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(MARGIN_X, MARGIN_Y, MARGIN_X, MARGIN_Y)
        rows.setSpacing(SPACING)
        rows.addLayout(self.row)
        self.arrangement = Arrangement()
        self._sync_state = ""
        self.retranslate()

    def _place_button(self, place: Place, number: int) -> QPushButton:
        button = QPushButton()
        button.setObjectName("NavButton")
        button.setCheckable(True)
        button.setEnabled(False)
        button.setShortcut(QKeySequence(f"Alt+{number}"))
        button.clicked.connect(lambda _=False, p=place.name: self.place_chosen.emit(p))
        self.group.addButton(button)
        self.buttons[place.name] = button
        if place.offered is not None:
            button.hide()  # until the workspace says it offers this place
        return button

    def retranslate(self) -> None:
        self.app_title.setText(self.tr("TeachPoint"))
        self.search_box.setPlaceholderText(self.tr("Search: title, pinyin or initials"))
        self.arrange()

    # ---- state --------------------------------------------------------------------------------

    def set_ready(self, ready: bool) -> None:
        """Enable the places and the search box once the library is open."""
        self.search_box.setEnabled(ready)
        for button in self.buttons.values():
            button.setEnabled(ready)

    def set_offered(self, place: str, offered: bool) -> None:
        """Show or hide a place only some PCs have (see :attr:`Place.offered`)."""
        self.buttons[place].setVisible(offered)
        self.arrange()

    def mark(self, place: str | None) -> None:
        """Show ``place`` as the current one (None: none, e.g. while a lesson plays)."""
        if place in self.buttons:
            self.buttons[place].setChecked(True)
        else:
            self.group.setExclusive(False)
            for button in self.buttons.values():
                button.setChecked(False)
            self.group.setExclusive(True)

    def current(self) -> str | None:
        for place, button in self.buttons.items():
            if button.isChecked():
                return place
        return None

    def set_sync_state(self, text: str) -> None:
        """A few words after 同步, e.g. "正在下载 45%" (empty: just 同步)."""
        self._sync_state = text
        self.arrange()

    # ---- arranging for the width ----------------------------------------------------------------

    def _shown_places(self) -> list[Place]:
        return [p for p in self.places if not self.buttons[p.name].isHidden()]

    def _label(self, place: Place, with_state: bool) -> str:
        label = place.text()
        if place.name == SYNC and self._sync_state and with_state:
            return f"{label} · {self._sync_state}"
        return label

    def _text_width(self, widget: QWidget, text: str, bold: bool = False) -> int:
        widget.ensurePolished()  # the stylesheet's font size (large text scales it)
        font = QFont(widget.font())
        font.setBold(bold)
        return QFontMetrics(font).horizontalAdvance(text)

    def _button_width(self, place: Place, arrangement: Arrangement) -> int:
        padding = COMPACT_PADDING if arrangement.compact else LABEL_PADDING
        label = self._label(place, arrangement.sync_state)
        text = self._text_width(self.buttons[place.name], label, bold=True)
        return text + 2 * (padding + BUTTON_BORDER) + 2

    def _needed_width(self, arrangement: Arrangement) -> int:
        """Pixels the first row needs in ``arrangement`` (margins excluded)."""
        shown = self._shown_places()
        width = sum(self._button_width(p, arrangement) for p in shown)
        width += SPACING * max(0, len(shown) - 1)
        if arrangement.title:
            width += self.app_title.sizeHint().width() + SPACING
        if arrangement.search_in_row:
            width += SEARCH_GAP + SPACING + self.search_min_width()
        return width

    def search_min_width(self) -> int:
        """The narrowest the search box gets: room for a few typed characters."""
        return self._text_width(self.search_box, "搜" * SEARCH_MIN_CHARS) + SEARCH_CHROME

    def arrangement_for(self, width: int) -> Arrangement:
        """The fullest arrangement that fits ``width`` pixels (the module docstring's order)."""
        room = width - 2 * MARGIN_X
        for arrangement in ARRANGEMENTS:
            if self._needed_width(arrangement) <= room:
                return arrangement
        count = max(1, len(self._shown_places()))
        return Arrangement(title=False, sync_state=False, search_in_row=False, compact=True,
                           elide_to=max(24, (room - SPACING * (count - 1)) // count))

    def arrange(self) -> None:
        """Lay the bar out for its current width (after a resize, a new label or a new font)."""
        chosen = self.arrangement_for(self.width())
        self.arrangement = chosen
        self.app_title.setVisible(chosen.title)
        self._place_search(chosen.search_in_row)
        for place in self.places:
            self._show_button(place, chosen)

    def _show_button(self, place: Place, chosen: Arrangement) -> None:
        button = self.buttons[place.name]
        full = self._label(place, with_state=True)
        label = self._label(place, chosen.sync_state)
        width = chosen.elide_to or self._button_width(place, chosen)
        if chosen.elide_to:
            room = chosen.elide_to - 2 * (COMPACT_PADDING + BUTTON_BORDER) - 2
            font = QFont(button.font())
            font.setBold(True)
            label = QFontMetrics(font).elidedText(label, Qt.TextElideMode.ElideRight, room)
        button.setText(label)
        button.setFixedWidth(width)
        if bool(button.property("compact")) != chosen.compact:
            button.setProperty("compact", chosen.compact)
            button.style().unpolish(button)  # the stylesheet's [compact="true"] padding
            button.style().polish(button)
        number = self.places.index(place) + 1
        shortcut = self.tr("Alt+{n}").format(n=number)
        button.setToolTip(shortcut if label == full else f"{full}  ({shortcut})")

    def _place_search(self, in_row: bool) -> None:
        outer = self.layout()
        if in_row == (self.row.indexOf(self.search_box) >= 0):
            return
        if in_row:
            outer.removeWidget(self.search_box)
            self.row.addWidget(self.search_box, 1)
        else:
            self.row.removeWidget(self.search_box)
            outer.addWidget(self.search_box)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Never wider than the last arrangement needs: the bar adapts, the window must not grow."""
        return QSize(SMALLEST_WIDTH, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.size().width() != event.oldSize().width():
            self.arrange()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self.arrange)  # large text: once every child has its new font
        super().changeEvent(event)
