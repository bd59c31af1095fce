"""The settings page, happy paths: each section writes what the command line reads back.

Real workspaces, real files, real keys; the page runs its reads and writes through a real
TaskManager. Hostile input and locked settings are in ``test_ui_settings_hostile.py``.
"""

from __future__ import annotations

import importlib.util
import json
import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionButton, QWidget

from teachpoint.sync import schedule
from teachpoint.sneakernet.inbox_config import get_inbox
from teachpoint.library.source_list import list_sources
from teachpoint.ui import i18n, style
from teachpoint.ui.settings_page import SettingsPage
from teachpoint.library.settings import SETTING_LANGUAGE, SETTING_LARGE_TEXT
from teachpoint.workspace import Workspace

TIMEOUT = 15_000


def open_page(qtbot, tasks, ws) -> SettingsPage:
    page = SettingsPage(tasks)
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    page.set_workspace(ws)
    qtbot.waitUntil(lambda: tasks.active == 0 and page.storage.space is not None, timeout=TIMEOUT)
    return page


def answer_yes(qtbot, section) -> str:
    """Wait for the section's confirmation, click its yes button; the question's text."""
    qtbot.waitUntil(lambda: section.question is not None and section.question.isVisible(),
                    timeout=TIMEOUT)
    text = section.question.text()
    section.question_yes.click()
    return text


def wait_message(qtbot, message, kind: str) -> str:
    qtbot.waitUntil(lambda: message.kind == kind, timeout=TIMEOUT)
    assert message.isVisible() and message.text()
    return message.text()


@pytest.fixture
def settled(tasks):
    """Let the page's last reads finish before the workspace is closed (fixtures tear down in
    reverse order, so this runs before ``library`` closes the catalogue)."""
    yield
    assert tasks.wait(TIMEOUT)


@pytest.fixture
def page(qtbot, tasks, library, settled):
    return open_page(qtbot, tasks, library)


def test_sections_in_order_with_headings(page):
    """The teacher's sections first (显示 at the top), the IT staff's under their own heading."""
    headings = [s.heading.text() for s in page.sections()]
    assert len(headings) == 9 and all(headings)
    assert [type(s).__name__ for s in page.sections()] == [
        "DisplaySection", "StorageSection", "SubscriptionsSection", "ItLockSection",
        "SourcesSection", "TrustSection", "BandwidthSection", "InboxSection", "DiagnoseSection"]
    assert page.it_sections()[0] is page.sources and len(page.it_sections()) == 5
    tops = [s.y() for s in page.sections()]
    assert tops == sorted(tops)  # shown in that order, top to bottom
    assert page.it_heading.isVisible() and page.it_heading.text()
    assert page.subscriptions.y() < page.it_heading.y() < page.it_lock.y() < page.sources.y()


def _section_of(page, widget):
    return next((s for s in page.sections() if s.isAncestorOf(widget)), None)


def test_tab_goes_down_the_page_in_reading_order(qtbot, page):
    page.activateWindow()
    page.display.language_box.setFocus()
    qtbot.waitUntil(page.display.language_box.hasFocus, timeout=TIMEOUT)
    QApplication.focusWidget().focusNextChild()
    assert QApplication.focusWidget() is page.display.large_text_box
    order, widget = [], page.display.language_box
    for _ in range(400):  # the focus chain through the whole page, by the widgets Tab stops at
        widget = widget.nextInFocusChain()
        if widget is page.display.language_box:
            break
        section = _section_of(page, widget)
        if (section is not None and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.isVisibleTo(page)):
            order.append(page.sections().index(section))
    assert order and order == sorted(order)
    assert set(order) == set(range(len(page.sections())))  # every section is reached


def test_messages_from_an_earlier_visit_are_gone_when_the_page_is_shown_again(qtbot, page,
                                                                              library):
    page.sources.add_location("http://192.168.1.10/lessons")
    assert "192.168.1.10" in wait_message(qtbot, page.sources.message, "done")
    page.storage.message.show_problem("an old problem")
    page.refresh()  # what the main window does when the teacher comes back to 设置
    assert not page.sources.message.isVisible() and page.sources.message.kind == ""
    assert not page.storage.message.isVisible()
    qtbot.waitUntil(lambda: page.tasks.active == 0, timeout=TIMEOUT)
    assert page.sources.table.topLevelItemCount() == 1  # the source itself is still there
    assert not page.sources.message.isVisible()


def test_add_web_address_and_folder_then_remove(qtbot, page, library, repo_copy):
    sources = page.sources
    with qtbot.waitSignal(page.sources_changed, timeout=TIMEOUT):
        sources.add_location("http://192.168.1.10/lessons")
    wait_message(qtbot, sources.message, "done")
    with qtbot.waitSignal(page.sources_changed, timeout=TIMEOUT):
        sources.add_location(str(repo_copy))
    qtbot.waitUntil(lambda: sources.table.topLevelItemCount() == 2, timeout=TIMEOUT)
    listed = list_sources(library.catalogue)
    assert [s.location for s in listed] == ["http://192.168.1.10/lessons/", str(repo_copy)]
    assert sources.table.topLevelItem(0).text(1) == "http://192.168.1.10/lessons/"

    name = listed[0].name
    with qtbot.waitSignal(page.sources_changed, timeout=TIMEOUT):
        sources.remove_source(name)
        assert name in answer_yes(qtbot, sources)
    qtbot.waitUntil(lambda: sources.table.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert [s.location for s in list_sources(library.catalogue)] == [str(repo_copy)]


def test_two_addresses_on_one_server_get_distinct_names(qtbot, page, library):
    page.sources.add_location("http://county.example/music/")
    wait_message(qtbot, page.sources.message, "done")
    page.sources.add_location("http://county.example/maths/")
    qtbot.waitUntil(lambda: len(list_sources(library.catalogue)) == 2, timeout=TIMEOUT)
    names = [s.name for s in list_sources(library.catalogue)]
    assert names == ["county.example", "county.example-2"]


def test_source_added_with_the_keyboard(qtbot, page, library):
    box = page.sources.location_box
    box.setFocus()
    qtbot.keyClicks(box, "https://lessons.example.cn/repo")
    with qtbot.waitSignal(page.sources_changed, timeout=TIMEOUT):
        qtbot.keyPress(box, "\r")
    assert [s.location for s in list_sources(library.catalogue)] == ["https://lessons.example.cn/repo/"]
    assert box.text() == ""


def test_tab_moves_through_the_source_fields(qtbot, page):
    sources = page.sources
    page.activateWindow()
    sources.location_box.setFocus()
    qtbot.waitUntil(sources.location_box.hasFocus, timeout=TIMEOUT)
    order = []
    for _ in range(2):
        QApplication.focusWidget().focusNextChild()
        order.append(QApplication.focusWidget())
    assert order == [sources.add_button, sources.folder_button]


def test_trust_a_publisher_key_after_seeing_its_fingerprint(qtbot, page, library, publisher_key):
    trust = page.trust
    assert library.trust.list() == []
    trust.add_key_file(publisher_key.with_suffix(".pub"))
    text = answer_yes(qtbot, trust)
    qtbot.waitUntil(lambda: trust.table.topLevelItemCount() == 1, timeout=TIMEOUT)
    (key,) = library.trust.list()
    assert key.name == "某某县资源中心" and key.repos is None
    shown = key.key_id[:4] + " " + key.key_id[4:8]
    assert shown in text and "某某县资源中心" in text
    assert trust.table.topLevelItem(0).text(0) == "某某县资源中心"
    assert trust.table.topLevelItem(0).text(1).replace(" ", "") == key.key_id

    trust.remove_key(key.key_id)
    answer_yes(qtbot, trust)
    qtbot.waitUntil(lambda: trust.table.topLevelItemCount() == 0, timeout=TIMEOUT)
    assert library.trust.list() == []


def test_trust_not_added_when_the_question_is_cancelled(qtbot, page, library, publisher_key):
    trust = page.trust
    trust.add_key_file(publisher_key.with_suffix(".pub"))
    qtbot.waitUntil(lambda: trust.question is not None and trust.question.isVisible(),
                    timeout=TIMEOUT)
    trust.question.reject()
    qtbot.waitUntil(lambda: trust.question is None, timeout=TIMEOUT)
    assert tasks_idle(qtbot, page) and library.trust.list() == []


def tasks_idle(qtbot, page) -> bool:
    qtbot.waitUntil(lambda: page.tasks.active == 0, timeout=TIMEOUT)
    return True


def test_bandwidth_limit_and_windows_saved_for_the_sync_engine(qtbot, page, library):
    bw = page.bandwidth
    bw.unlimited_box.setChecked(False)
    bw.limit_box.setText("512")
    bw.save_limit()
    wait_message(qtbot, bw.limit_message, "done")
    assert schedule.load_bandwidth(library).limit_kbit == 512

    bw.day_from.setCurrentIndex(0)
    bw.day_to.setCurrentIndex(4)
    bw.start_box.setText("08:00")
    bw.end_box.setText("17:00")
    bw.window_limit_box.setText("256")
    bw.add_window()
    qtbot.waitUntil(lambda: bw.windows_list.count() == 1, timeout=TIMEOUT)
    bw.day_from.setCurrentIndex(5)
    bw.day_to.setCurrentIndex(6)
    bw.start_box.setText("22:00")
    bw.end_box.setText("6:00")
    bw.window_unlimited_box.setChecked(True)
    bw.add_window()
    qtbot.waitUntil(lambda: bw.windows_list.count() == 2, timeout=TIMEOUT)
    saved = schedule.load_bandwidth(library)
    assert [w.to_text() for w in saved.windows] == ["mon,tue,wed,thu,fri 08:00-17:00 256",
                                                    "sat,sun 22:00-06:00 unlimited"]
    assert "08:00" in bw.windows_list.item(0).text() and "256" in bw.windows_list.item(0).text()

    bw.remove_window(saved.windows[0].to_text())
    qtbot.waitUntil(lambda: bw.windows_list.count() == 1, timeout=TIMEOUT)
    bw.unlimited_box.setChecked(True)
    bw.save_limit()
    qtbot.waitUntil(lambda: schedule.load_bandwidth(library).limit_kbit is None, timeout=TIMEOUT)
    assert [w.to_text() for w in schedule.load_bandwidth(library).windows] == [
        "sat,sun 22:00-06:00 unlimited"]


def test_subscriptions_saved_and_cleared(qtbot, page, library):
    subs = page.subscriptions
    subs.grade_boxes[3].setChecked(True)
    subs.grade_boxes[7].setChecked(True)
    subs.subject_boxes["音乐"].setChecked(True)
    subs.save()
    wait_message(qtbot, subs.message, "done")
    saved = schedule.load_subscriptions(library)
    assert (saved.grades, saved.subjects) == ([3, 7], ["音乐"])
    assert saved.wants(3, "音乐") and not saved.wants(4, "音乐")

    subs.message.clear_message()
    subs.choose_everything()
    wait_message(qtbot, subs.message, "done")
    assert schedule.load_subscriptions(library).everything
    assert not any(box.isChecked() for box in subs.grade_boxes.values())


def test_storage_shows_sizes_and_saves_the_floor(qtbot, page, library):
    storage = page.storage
    used = storage.space.used
    assert used > 0 and storage.space.files == 5
    assert any(unit in storage.used_value.text() for unit in ("KB", "MB"))
    assert "GB" in storage.free_value.text() and "GB" in storage.total_value.text()
    assert storage.floor_box.text() == "1"

    storage.floor_box.setText("2.5")
    storage.save_floor()
    wait_message(qtbot, storage.message, "done")
    assert library.floor_bytes == int(2.5 * (1 << 30)) == library.store.floor_bytes
    again = Workspace(library.paths, install_demo=False)
    try:
        assert again.floor_bytes == int(2.5 * (1 << 30))
    finally:
        again.close()


def test_inbox_folder_chosen_with_cleanup_then_cleared(qtbot, page, library, tmp_path):
    inbox = page.inbox
    folder = tmp_path / "卫星接收"
    folder.mkdir()
    inbox.set_folder(folder)
    wait_message(qtbot, inbox.message, "done")
    assert get_inbox(library).folder == folder and not get_inbox(library).cleanup
    assert inbox.folder_value.text() == str(folder)

    inbox.message.clear_message()
    inbox.cleanup_box.click()
    wait_message(qtbot, inbox.message, "done")
    assert get_inbox(library).cleanup

    inbox.message.clear_message()
    inbox.clear_folder()
    wait_message(qtbot, inbox.message, "done")
    assert get_inbox(library) is None
    assert not inbox.clear_button.isEnabled()


@pytest.fixture
def restore_look(qapp):
    yield
    i18n.install_translators(qapp, "zh_CN")
    style.apply_look(qapp)


def test_language_switch_retranslates_at_once_and_is_saved(qtbot, page, library, restore_look):
    heading = page.display.heading
    assert heading.text() == "显示"
    page.display.set_language("en")
    qtbot.waitUntil(lambda: heading.text() == "Display", timeout=TIMEOUT)
    assert page.sources.heading.text() == "Lesson sources"
    assert page.title.text() == "Settings"
    qtbot.waitUntil(lambda: library.setting(SETTING_LANGUAGE) == "en", timeout=TIMEOUT)

    page.display.set_language("zh_CN")
    qtbot.waitUntil(lambda: heading.text() == "显示", timeout=TIMEOUT)
    assert page.sources.heading.text() == "课程来源"
    qtbot.waitUntil(lambda: library.setting(SETTING_LANGUAGE) == "zh_CN", timeout=TIMEOUT)


def indicator_size(box: QWidget) -> int:
    """The side of a check box's square, as the style lays it out."""
    option = QStyleOptionButton()
    option.initFrom(box)
    return box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box).width()


def test_large_text_changes_the_app_font_at_once(qtbot, qapp, page, library, restore_look):
    normal = qapp.font().pointSize()
    normal_box = indicator_size(page.display.large_text_box)
    assert normal_box >= 20  # big enough to hit on a touch screen
    page.display.large_text_box.click()
    assert qapp.font().pointSize() == round(style.BASE_POINT_SIZE * style.LARGE_TEXT_SCALE) > normal
    assert "font-size: 32pt" in qapp.styleSheet()  # the 24 pt play button, scaled
    qtbot.waitUntil(lambda: library.setting(SETTING_LARGE_TEXT) == "1", timeout=TIMEOUT)

    assert indicator_size(page.display.large_text_box) > normal_box  # the square grew too
    page.display.large_text_box.click()
    assert qapp.font().pointSize() == normal
    assert indicator_size(page.display.large_text_box) == normal_box
    qtbot.waitUntil(lambda: library.setting(SETTING_LARGE_TEXT) == "0", timeout=TIMEOUT)


def test_saved_display_settings_are_shown_when_the_page_opens(qtbot, tasks, library, settled,
                                                              restore_look):
    library.set_setting(SETTING_LARGE_TEXT, "1")
    page = open_page(qtbot, tasks, library)
    assert page.display.large_text_box.isChecked()
    assert page.display.language_box.currentData() == "zh_CN"


@pytest.mark.skipif(importlib.util.find_spec("teachpoint.ops.diagnostics") is None,
                    reason="teachpoint/ops/diagnostics.py (write_diagnostics) is written by another "
                           "helper and is not in this tree yet")
def test_diagnose_button_writes_a_zip(qtbot, page, tmp_path):
    dest = tmp_path / "teachpoint-diagnose-2026-01-01.zip"
    page.diagnose.export_to(dest)
    qtbot.waitUntil(lambda: page.diagnose.saved_path is not None, timeout=60_000)
    assert page.diagnose.message.kind == "done"
    assert str(page.diagnose.saved_path) in page.diagnose.message.text()
    assert zipfile.is_zipfile(page.diagnose.saved_path)
    with zipfile.ZipFile(page.diagnose.saved_path) as archive:
        assert archive.namelist()


def test_default_diagnose_file_name():
    from datetime import date

    from teachpoint.ui.settings.diagnose import default_file_name

    assert default_file_name(date(2026, 3, 9)) == "teachpoint-diagnose-2026-03-09.zip"


def test_changes_are_reported_by_name(qtbot, page):
    seen = []
    page.setting_changed.connect(seen.append)
    page.subscriptions.save()
    page.bandwidth.unlimited_box.setChecked(True)
    page.bandwidth.save_limit()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=TIMEOUT)
    assert sorted(seen) == ["bandwidth", "subscriptions"]
    assert json.loads(page.ws.setting(schedule.SETTING_SUBSCRIPTIONS)) == {"grades": [], "subjects": []}
