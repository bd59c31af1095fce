"""The IT lock of 设置: sources, trust, bandwidth and inbox behind a PIN set by IT (here or by the
site configuration); teachers keep display and their classes; a wrong PIN locks nothing out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from teachpoint.library.settings import (
    PIN_BY_SITE, SETTING_IT_PIN, it_pin_matches, it_pin_record, set_it_pin)
from test_ui_class_picker import assert_good_lessons_play
from test_ui_settings import TIMEOUT, open_page, wait_message


@pytest.fixture
def settled(tasks):
    yield
    assert tasks.wait(TIMEOUT)


def _open(qtbot, tasks, ws):
    page = open_page(qtbot, tasks, ws)
    qtbot.waitUntil(lambda: page.it_lock.loaded, timeout=TIMEOUT)
    return page


def _guarded_visible(page) -> list[bool]:
    return [s.isVisibleTo(page) for s in page.guarded_sections()]


def _type_pin(qtbot, page, pin: str) -> None:
    lock = page.it_lock
    lock.message.clear_message()
    lock.pin_edit.setText(pin)
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lock.message.kind != "", timeout=TIMEOUT)


def test_a_pin_hides_the_it_sections_and_the_teacher_keeps_display(qtbot, tasks, library, settled):
    set_it_pin(library.catalogue, "0427")
    page = _open(qtbot, tasks, library)
    assert _guarded_visible(page) == [False] * 4
    assert page.display.isVisibleTo(page) and page.display.isEnabled()
    assert page.subscriptions.isVisibleTo(page) and page.diagnose.isVisibleTo(page)
    assert page.it_lock.pin_edit.isVisibleTo(page) and page.it_lock.state_text.text()
    _type_pin(qtbot, page, "0427")
    assert page.it_lock.message.kind == "done" and _guarded_visible(page) == [True] * 4
    page.hide()  # leaving 设置 locks it again
    page.show()
    assert _guarded_visible(page) == [False] * 4


def test_a_wrong_pin_a_hundred_times_says_so_and_locks_nothing_out(qtbot, tasks, library, settled):
    set_it_pin(library.catalogue, "0427")
    page = _open(qtbot, tasks, library)
    for pin in ["1234"] * 98 + ["x" * 10_000, ""]:
        _type_pin(qtbot, page, pin)
        assert page.it_lock.message.kind == "problem" and page.it_lock.message.text()
        assert _guarded_visible(page) == [False] * 4
    assert len(page.it_lock.pin_edit.text()) <= 12
    assert page.display.isEnabled() and page.display.isVisibleTo(page)  # 显示 never locked out
    _type_pin(qtbot, page, "0427")  # the 101st try, the right one, still opens it
    assert _guarded_visible(page) == [True] * 4
    assert_good_lessons_play(library)


def test_it_sets_changes_and_removes_the_pin_here(qtbot, tasks, library, settled):
    page = _open(qtbot, tasks, library)
    lock = page.it_lock
    assert _guarded_visible(page) == [True] * 4 and not lock.pin_edit.isVisibleTo(page)
    lock.new_pin_edit.setText("12")
    qtbot.mouseClick(lock.save_button, Qt.MouseButton.LeftButton)
    assert "4 to 12 digits" in wait_message(qtbot, lock.message, "problem") or lock.message.text()
    assert it_pin_record(library.catalogue) is None
    lock.new_pin_edit.setText("86420")
    lock.message.clear_message()
    qtbot.mouseClick(lock.save_button, Qt.MouseButton.LeftButton)
    wait_message(qtbot, lock.message, "done")
    assert it_pin_matches(library.catalogue, "86420")
    assert "86420" not in library.setting(SETTING_IT_PIN)  # hashed, never the PIN itself
    qtbot.mouseClick(lock.lock_button, Qt.MouseButton.LeftButton)
    assert _guarded_visible(page) == [False] * 4
    _type_pin(qtbot, page, "86420")
    lock.message.clear_message()
    qtbot.mouseClick(lock.remove_button, Qt.MouseButton.LeftButton)
    wait_message(qtbot, lock.message, "done")
    assert it_pin_record(library.catalogue) is None and _guarded_visible(page) == [True] * 4


def test_a_pin_from_the_site_configuration_cannot_be_changed_here(qtbot, tasks, library, settled):
    set_it_pin(library.catalogue, "2468", by=PIN_BY_SITE)
    page = _open(qtbot, tasks, library)
    _type_pin(qtbot, page, "2468")
    lock = page.it_lock
    assert not lock.save_button.isVisibleTo(page) and not lock.remove_button.isVisibleTo(page)
    lock.remove_pin()
    lock.save_pin()
    assert tasks.wait(TIMEOUT) and it_pin_matches(library.catalogue, "2468")
