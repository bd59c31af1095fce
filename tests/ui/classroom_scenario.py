"""A teacher in front of a class, on a real X server (Xvfb): used by test_ui_classroom_xvfb.py.

    DISPLAY=:N QT_QPA_PLATFORM=xcb python classroom_scenario.py DATA_DIR ARTIFACTS NAME LARGE WALK

``NAME`` prefixes the pictures; ``LARGE`` is 1 for 大字体; ``WALK`` is "full" (full screen going
idle, the OSD, the end card and 下一课, a damaged file, an audio lesson), "layout" (the player's
layout only) or "places" (every place of the top bar, with the sync place saying "downloading",
each photographed). The language is the environment's (``TEACHPOINT_LANG``). libvlc draws into its own X window, so pictures are screen grabs. Every wait is
bounded. Prints one ``RESULT {json}`` line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt
from PySide6.QtGui import QCursor
from PySide6.QtTest import QTest

from teachpoint.paths import DataPaths
from teachpoint.ui import style
from teachpoint.ui.places import PLACES
from teachpoint.ui.app import create_application
from teachpoint.ui.main_window import MainWindow
from teachpoint.ui.tasks import TaskManager
from xvfb_scenario import global_rect, grab, play_and_wait, region_stats, settle, wait_until

LONG = "county:m-3-2-4"  # 30 s, subtitles; the next lesson of its unit is m-3-2-5
NEXT = "county:m-3-2-5"
DAMAGED = "county:m-3-2-8"  # a real mp4 cut in half
AUDIO = "county:m-3-2-9"


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def layout_facts(app, win, view) -> dict:
    """Where the window, 全屏 and the seek bar are, against the screen."""
    screen = app.primaryScreen().geometry()
    return {"screen": rect(screen), "window": rect(win.frameGeometry()),
            "fullscreen_button": rect(global_rect(view.controls.fullscreen)),
            "seek_bar_width": view.controls.slider.width(),
            "compact_controls": view.controls.compact,
            "window_inside": screen.contains(win.frameGeometry()),
            "fullscreen_button_inside": screen.contains(global_rect(view.controls.fullscreen))}


def place_facts(app, win) -> dict:
    """Whether the window, every top-bar button and the search box are whole on the screen."""
    screen = app.primaryScreen().geometry()
    bar = win.top_bar
    shown = [b for b in bar.buttons.values() if b.isVisible()]
    search = global_rect(bar.search_box)
    return {"window": rect(win.frameGeometry()), "minimum_width": win.minimumSizeHint().width(),
            "minimum_height": win.minimumSizeHint().height(),
            "window_inside": screen.contains(win.frameGeometry()),
            "buttons_inside": all(screen.contains(global_rect(b)) for b in shown),
            "buttons_apart": all(global_rect(a).right() < global_rect(b).left()
                                 for a, b in zip(shown, shown[1:])),
            "search_inside": screen.contains(search), "search_width": search.width(),
            "search_min_width": bar.search_min_width(), "arrangement": repr(bar.arrangement),
            "labels": [b.text() for b in shown]}


def walk_places(app, win, out: Path, name: str, result: dict) -> None:
    """Every place in turn, the sync place saying it is downloading (its longest label)."""
    downloading = QCoreApplication.translate("SyncController", "Downloading {p}%").format(p=45)
    win.top_bar.set_sync_state(downloading)
    result["places"] = {}
    for place in PLACES:
        if win.top_bar.buttons[place.name].isHidden():
            continue  # not offered on a classroom PC (审核)
        win.go(place.name)
        settle(app, 600)
        result["places"][place.name] = place_facts(app, win)
        grab(app).save(str(out / f"{name}-{place.name}.png"))


def walk_fullscreen(app, win, view, out: Path, name: str, result: dict) -> None:
    """F → full screen; still → controls and cursor gone; a move → back; keys → OSD; end card."""
    QTest.keyClick(view, Qt.Key.Key_F)
    result["fullscreen"] = wait_until(app, win.isFullScreen, 5000)
    settle(app, 500)
    result["controls_at_first"] = view.controls.isVisible() and view.tools.isVisible()
    grab(app).save(str(out / f"{name}-fullscreen-controls.png"))
    result["idle_hid_controls"] = wait_until(app, lambda: not view.controls.isVisible(), 6000)
    result["idle_tools_hidden"] = not view.tools.isVisible()
    result["cursor_blank"] = view.cursor().shape() == Qt.CursorShape.BlankCursor
    settle(app, 400)
    idle = grab(app)
    idle.save(str(out / f"{name}-fullscreen-idle.png"))
    screen = app.primaryScreen().geometry()
    video = global_rect(view.player.video_widget())
    bottom = QRect(video.x() + video.width() // 4, screen.height() - 120, video.width() // 2, 110)
    result["video_reaches_bottom"] = video.bottom() >= screen.height() - 2
    result["bottom_lit_share"], _ = region_stats(idle, bottom)
    QCursor.setPos(screen.center() + QPoint(40, 10))  # the teacher moves the mouse
    result["move_shows_controls"] = wait_until(app, view.controls.isVisible, 3000)
    result["cursor_back"] = view.cursor().shape() != Qt.CursorShape.BlankCursor
    QTest.keyClick(view, Qt.Key.Key_Down)
    settle(app, 200)
    result["osd_text"] = view.chrome.osd.text() if view.chrome.osd.isVisible() else ""
    grab(app).save(str(out / f"{name}-osd.png"))
    view.seek(view.player.duration_ms() - 1500)
    result["end_card"] = wait_until(app, lambda: view.showing_end_card, 10_000)
    result["next_offered"] = wait_until(app, lambda: view.end_card.next_id == NEXT, 5000)
    result["still_fullscreen_at_end"] = win.isFullScreen()
    settle(app, 500)
    grab(app).save(str(out / f"{name}-end-card.png"))
    view.end_card.next_button.click()
    result["next_playing"] = wait_until(
        app, lambda: view.info is not None and view.info.resource_id == NEXT
        and view.player.state == "playing", 15_000)
    result["fullscreen_after_next"] = win.isFullScreen()
    QTest.keyClick(view, Qt.Key.Key_Escape)
    result["esc_leaves"] = wait_until(app, lambda: not win.isFullScreen(), 5000)


def walk_damaged_and_audio(app, win, view, out: Path, name: str, result: dict) -> None:
    play_and_wait(app, win, DAMAGED)
    result["damaged_message"] = wait_until(app, lambda: view.showing_message, 25_000)
    settle(app, 300)
    grab(app).save(str(out / f"{name}-damaged.png"))
    result["damaged_text"] = view.message.text()
    result["redownload_offered"] = view.redownload_button.isVisible()
    view.redownload_button.click()
    result["redownload_said"] = wait_until(app, lambda: not view.redownload_button.isEnabled(), 5000)
    result["file_itself_faulty"] = wait_until(app, lambda: "和发来时完全一样" in view.message.text(), 10_000)
    settle(app, 300)
    grab(app).save(str(out / f"{name}-damaged-asked.png"))
    view.close_lesson()
    wait_until(app, lambda: not view.isVisible(), 5000)
    play_and_wait(app, win, AUDIO)
    result["audio_playing"] = wait_until(
        app, lambda: view.player.state == "playing" and view.player.position_ms() > 500, 15_000)
    result["audio_view"] = view.video_stack.currentWidget() is view.audio_view
    result["audio_fullscreen_button"] = view.controls.fullscreen.isVisible()
    QTest.keyClick(view, Qt.Key.Key_F)
    settle(app, 300)
    result["audio_fullscreen"] = win.isFullScreen()
    result["audio_time"] = view.audio_view.time_label.text()
    grab(app).save(str(out / f"{name}-audio.png"))
    view.close_lesson()


def main(data_dir: str, artifacts: str, name: str, large: str, walk: str) -> int:
    out = Path(artifacts)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    if large == "1":
        style.apply_look(app, large_text=True)
    win = MainWindow(TaskManager(app))
    win.showMaximized()  # as run_app does; Xvfb has no window manager to maximise it
    win.activateWindow()  # no window manager activates it either; keys need an active window
    win.open_workspace(DataPaths(Path(data_dir), explicit=True), install_demo=False)
    result: dict = {"opened": wait_until(app, lambda: win.tree_loaded and win.summary is not None, 20_000)}
    settle(app, 400)
    result["home"] = layout_facts(app, win, win.player_view)["window_inside"]
    grab(app).save(str(out / f"{name}-home.png"))
    view = win.player_view
    play_and_wait(app, win, LONG)
    wait_until(app, win.isActiveWindow, 3000)
    result["playing"] = wait_until(
        app, lambda: view.player is not None and view.player.state == "playing"
        and view.player.position_ms() > 800, 20_000)
    settle(app, 400)
    result["layout"] = layout_facts(app, win, view)
    grab(app).save(str(out / f"{name}-player.png"))
    if walk == "full":
        walk_fullscreen(app, win, view, out, name, result)
        walk_damaged_and_audio(app, win, view, out, name, result)
    elif walk == "places":
        view.close_lesson()
        wait_until(app, lambda: not view.isVisible(), 5000)
        walk_places(app, win, out, name, result)
    win.shutdown()
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
