"""The top bar on narrow screens with 大字体 (issue 13): every place stays whole and apart, the
search box keeps a usable width, and the sixth place (审核, on a county reviewer's PC) fits too —
in both languages.

Offscreen, with the app's real fonts and stylesheet; the Xvfb walk through every place is in
test_ui_classroom_xvfb.py (test_every_place_fits_the_screen_with_large_text).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QRect
from PySide6.QtWidgets import QVBoxLayout, QWidget

from teachpoint.ui import i18n, style
from teachpoint.ui.places import PLACES, REVIEW
from teachpoint.ui.top_bar import TopBar


@pytest.fixture
def large_text(qapp):
    style.apply_look(qapp, large_text=True)
    yield
    style.apply_look(qapp)


@pytest.fixture(params=["zh_CN", "en"])
def language(request, qapp):
    i18n.install_translators(qapp, request.param)
    yield request.param
    i18n.install_translators(qapp, "zh_CN")


def show_bar(qtbot, width: int, places=PLACES) -> TopBar:
    """The bar in a window of ``width`` (as in the main window: a child whose minimum the
    window's layout asks for), the sync place saying "downloading 45%"."""
    window = QWidget()
    qtbot.addWidget(window)
    bar = TopBar(places)
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(bar)
    layout.addStretch(1)
    for place in places:
        if place.offered is not None:
            bar.set_offered(place.name, True)
    bar.set_sync_state(QCoreApplication.translate("SyncController", "Downloading {p}%").format(p=45))
    window.resize(width, 300)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the deferred re-arrangement after the style change
    bar.holder = window  # keeps the window (and so the bar) alive while the test runs
    return bar


def resize(qtbot, bar: TopBar, width: int) -> None:
    bar.holder.resize(width, 300)
    qtbot.wait(20)


def assert_whole(bar: TopBar, width: int) -> None:
    area = QRect(0, 0, width, bar.height())
    shown = [b for b in bar.buttons.values() if b.isVisible()]
    assert len(shown) == len([p for p in bar.places if p.offered is None or p.name == "review"])
    assert all(area.contains(b.geometry()) for b in shown), [b.geometry() for b in shown]
    assert all(a.geometry().right() < b.geometry().left() for a, b in zip(shown, shown[1:]))
    assert area.contains(bar.search_box.geometry())
    assert bar.search_box.width() >= bar.search_min_width()
    assert bar.minimumSizeHint().width() <= width  # the bar never widens the window


@pytest.mark.parametrize("width", [1024, 1366])
def test_six_places_fit_with_large_text(qtbot, large_text, language, width):
    assert len(PLACES) == 6 and REVIEW in [p.name for p in PLACES]  # show_bar offers 审核
    bar = show_bar(qtbot, width, PLACES)
    assert_whole(bar, width)
    labels = [b.text() for b in bar.buttons.values()]
    assert "…" not in "".join(labels)  # whole words at these widths, not elided


def test_the_bar_gives_up_the_name_first_and_elides_only_when_nothing_else_helps(qtbot, large_text):
    bar = show_bar(qtbot, 1900)
    assert bar.arrangement.title and bar.arrangement.sync_state and bar.arrangement.search_in_row
    assert "正在下载 45%" in bar.buttons["sync"].text()
    resize(qtbot, bar, 1024)
    assert not bar.app_title.isVisible() and bar.search_box.width() >= bar.search_min_width()
    assert "正在下载 45%" in bar.buttons["sync"].toolTip()  # the state is still one hover away
    resize(qtbot, bar, 400)
    assert bar.arrangement.elide_to and not bar.arrangement.search_in_row
    assert_whole(bar, 400)
    assert bar.buttons["library"].toolTip().startswith("全部课程")  # the whole label on hover


def test_a_place_only_some_pcs_have_stays_hidden_until_offered(qtbot):
    bar = TopBar(PLACES)
    qtbot.addWidget(bar)
    bar.show()
    assert bar.buttons[REVIEW].isHidden() and not bar.buttons["usage"].isHidden()
    bar.set_offered(REVIEW, True)
    assert not bar.buttons[REVIEW].isHidden()
