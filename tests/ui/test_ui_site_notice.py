"""A bad site configuration (preseed) file: the app still starts, with a notice for IT staff."""

from __future__ import annotations

from uihelpers import open_lesson, rid
from teachpoint.library import teaching
from teachpoint.ui.main_window import PAGE_HOME, MainWindow


def _open(qtbot, tasks, library) -> MainWindow:
    win = MainWindow(tasks, watch_drives=False)
    qtbot.addWidget(win)
    win.show()
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_HOME and win.tree_loaded, timeout=10_000)
    return win


def test_bad_site_file_is_reported_and_the_valid_part_applies(qtbot, tasks, library, tmp_path,
                                                               monkeypatch):
    site = tmp_path / "teachpoint-site.toml"
    site.write_text('language = "zh_CN"\n'
                    'bandwith = 5\n'                       # unknown key (typo)
                    '[[classes]]\ngrade = "三年级"\nsubject = "音乐"\n'
                    '[[trust]]\nkey_file = "keys/missing.pub"\n', encoding="utf-8")
    monkeypatch.setenv("TEACHPOINT_SITE_CONFIG", str(site))
    win = _open(qtbot, tasks, library)
    try:
        assert win.notice.isVisible()
        assert "设置文件有 2 处问题" in win.notice.summary.text()
        details = win.notice.details.text()
        assert "bandwith" in details and "missing.pub" in details
        # the valid part applied: the class the file names is this PC's class now
        assert [(c.grade, c.subject) for c in teaching.classes(win.ws.catalogue)] == [(3, "音乐")]
        win.notice.close_button.click()
        assert win.notice.isHidden()
        # and the lessons already here still play
        open_lesson(qtbot, win, rid("m-3-2-4"))
        qtbot.waitUntil(lambda: win.player_view.player is not None
                        and win.player_view.player.state == "playing", timeout=15_000)
    finally:
        win.shutdown()


def test_no_site_file_no_notice(qtbot, tasks, library, monkeypatch):
    monkeypatch.delenv("TEACHPOINT_SITE_CONFIG", raising=False)
    win = _open(qtbot, tasks, library)
    try:
        assert win.notice.isHidden()
    finally:
        win.shutdown()
