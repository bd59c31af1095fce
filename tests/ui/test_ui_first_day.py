"""From start to a lesson playing full screen, counted in clicks on the real widgets: the
first day (classes not chosen yet) and a later day (classes saved)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from teachpoint.library import teaching
from teachpoint.ui.main_window import PAGE_HOME, PAGE_PLAYER, MainWindow
from uihelpers import rid


class ClickCounter:
    """Clicks the left mouse button on a widget, the way a teacher does, and counts them."""

    def __init__(self, qtbot):
        self.qtbot, self.count = qtbot, 0

    def click(self, widget) -> None:
        self.qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=5000)
        self.count += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _open(qtbot, tasks, library) -> MainWindow:
    win = MainWindow(tasks, watch_drives=False)
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_HOME and win.tree_loaded, timeout=10_000)
    return win


def _playing_full_screen(win) -> bool:
    player = win.player_view.player
    return (win.pages.currentIndex() == PAGE_PLAYER and player is not None
            and player.state == "playing" and win.player_view.is_fullscreen)


def test_first_day_takes_three_clicks_to_a_lesson_playing_full_screen(qtbot, tasks, library):
    win = _open(qtbot, tasks, library)
    picker = win.home.picker
    qtbot.waitUntil(lambda: win.home.currentWidget() is picker and bool(picker.quick_grid.buttons),
                    timeout=10_000)
    clicks = ClickCounter(qtbot)
    clicks.click(picker.quick_grid.buttons[(3, "音乐")])  # 1: 三年级 音乐, in one click
    assert picker.chosen == [(3, "音乐", "")]
    with qtbot.waitSignal(win.home.home.loaded, timeout=10_000):
        clicks.click(picker.save_button)  # 2: 保存
    card = next(c for c in win.home.home.cards if c.card.teaching_class.subject == "音乐")
    assert card.resource_id == rid("m-3-2-4")
    clicks.click(card.play_button)  # 3: 播放 on the card opens straight in full screen
    qtbot.waitUntil(lambda: _playing_full_screen(win), timeout=15_000)
    assert clicks.count == 3  # it was 5: grade, subject, save, play, full screen
    win.player_view.close_lesson()
    assert not win.player_view.is_fullscreen and win.pages.currentIndex() == PAGE_HOME
    win.shutdown()


def test_a_later_day_takes_one_click(qtbot, tasks, library):
    teaching.add_class(library.catalogue, 3, "音乐", "人音版")
    win = _open(qtbot, tasks, library)
    qtbot.waitUntil(lambda: bool(win.home.home.cards), timeout=10_000)
    clicks = ClickCounter(qtbot)
    clicks.click(win.home.home.cards[0].play_button)
    qtbot.waitUntil(lambda: _playing_full_screen(win), timeout=15_000)
    assert clicks.count == 1  # it was 2: play, full screen
    win.shutdown()


def test_many_classes_on_offer_fall_back_to_grade_then_subject(qtbot, tasks, library, monkeypatch):
    monkeypatch.setattr("teachpoint.ui.class_picker.QUICK_PICKS_MAX", 1)
    win = _open(qtbot, tasks, library)
    picker = win.home.picker
    qtbot.waitUntil(lambda: win.home.currentWidget() is picker and picker.chooser.isEnabled(),
                    timeout=10_000)
    assert not picker.quick_grid.buttons and picker.quick_heading.isHidden()
    assert picker.grade_grid.buttons  # the full chooser is always there
    win.shutdown()
