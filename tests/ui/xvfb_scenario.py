"""Run the real app window on an X server (Xvfb) and photograph it: used by test_ui_xvfb.py.

    DISPLAY=:N QT_QPA_PLATFORM=xcb python xvfb_scenario.py DATA_DIR ARTIFACTS_DIR

The player embeds libvlc with ``set_xwindow`` here (window mode), so the only way to see the
video is a screen grab (``QScreen.grabWindow(0)``; ``QWidget.grab()`` is black over video).
Steps are driven by a polling timer; every wait is bounded. Prints one ``RESULT {json}`` line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QPoint, QRect, QTimer
from PySide6.QtGui import QImage

from teachpoint.paths import DataPaths
from teachpoint.ui.app import create_application
from teachpoint.ui.main_window import PAGE_LIBRARY, MainWindow
from teachpoint.ui.tasks import TaskManager

LESSON = "county:m-3-2-4"
BROKEN = "county:e-4-1-1"


def wait_until(app, condition, timeout_ms: int) -> bool:
    """Process events until ``condition()`` or the timeout; True if it came true."""
    clock = QElapsedTimer()
    clock.start()
    while not condition():
        if clock.elapsed() > timeout_ms:
            return False
        loop = QEventLoop()
        QTimer.singleShot(30, loop.quit)
        loop.exec()
    return True


def play_and_wait(app, win, resource_id: str, timeout_ms: int = 10_000) -> bool:
    """``win.play(resource_id)`` and wait until the lesson page shows it (the lesson is read in a
    worker first; ``win.lessons.opened`` says when it is on the page)."""
    opened: list[str] = []
    connection = win.lessons.opened.connect(opened.append)
    try:
        win.play(resource_id)
        return wait_until(app, lambda: resource_id in opened, timeout_ms)
    finally:
        win.lessons.opened.disconnect(connection)


def settle(app, ms: int = 400) -> None:
    wait_until(app, lambda: False, ms)


def grab(app) -> QImage:
    return app.primaryScreen().grabWindow(0).toImage()


def region_stats(image: QImage, rect: QRect, step: int = 4) -> tuple[float, int]:
    """(share of clearly non-black sampled pixels, number sampled)."""
    lit = total = 0
    for y in range(rect.top(), rect.bottom(), step):
        for x in range(rect.left(), rect.right(), step):
            c = image.pixelColor(x, y)
            total += 1
            lit += c.red() + c.green() + c.blue() > 120
    return (lit / total if total else 0.0), total


def changed_pixels(a: QImage, b: QImage, rect: QRect, step: int = 2) -> int:
    return sum(1 for y in range(rect.top(), rect.bottom(), step)
               for x in range(rect.left(), rect.right(), step) if a.pixel(x, y) != b.pixel(x, y))


def global_rect(widget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def main(data_dir: str, artifacts: str) -> int:
    out = Path(artifacts)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    result: dict = {"platform": app.platformName()}
    win = MainWindow(TaskManager(app))
    win.setGeometry(app.primaryScreen().geometry())
    win.show()
    win.open_workspace(DataPaths(Path(data_dir), explicit=True), install_demo=False)
    result["opened"] = wait_until(app, lambda: win.tree_loaded and win.summary is not None, 20_000)

    win.go("library")  # the app opens on 首页; this scenario is about 全部课程 and the player
    win.library_pane.select_resource(LESSON)
    settle(app)
    grab(app).save(str(out / "main-window.png"))
    win.search_box.setText("chuntian")
    wait_until(app, lambda: win.library_pane.results_model.rowCount() > 0, 5000)
    settle(app)
    grab(app).save(str(out / "search.png"))
    win.search_box.clear()

    play_and_wait(app, win, LESSON)
    view = win.player_view
    result["player_mode"] = getattr(view.player, "mode", None)
    result["playing"] = wait_until(
        app, lambda: view.player is not None and view.player.state == "playing"
        and view.player.position_ms() > 1500, 20_000)
    settle(app, 300)
    video = global_rect(view.player.video_widget())
    first = grab(app)
    settle(app, 700)
    second = grab(app)
    result["position_ms"] = view.player.position_ms()
    view.toggle_fullscreen()
    result["fullscreen"] = wait_until(app, lambda: win.isFullScreen(), 5000)
    settle(app, 700)
    full = grab(app)
    full_rect = global_rect(view.player.video_widget())
    result["state_after_grabs"] = view.player.state  # still playing: the pictures are of video
    view.set_fullscreen(False)
    # the bookmarks panel beside the embedded video, at 1.25×: libvlc keeps drawing in the
    # narrower native window
    view.tools.step_speed(1)
    result["rate"] = view.player.rate()
    view.add_bookmark()
    wait_until(app, lambda: view.bookmarks_panel.bookmarks(), 5000)  # written in a worker
    result["bookmarks"] = view.bookmarks_panel.bookmarks()
    settle(app, 700)
    panel_shot = grab(app)
    panel_video = global_rect(view.player.video_widget())
    panel_rect = global_rect(view.bookmarks_panel)
    result["state_after_panel"] = view.player.state
    # measure after grabbing (pixel loops in Python are slow on a busy machine)
    second.save(str(out / "player.png"))
    full.save(str(out / "player-fullscreen.png"))
    panel_shot.save(str(out / "player-bookmarks.png"))
    result["panel_lit_share"], _ = region_stats(panel_shot, panel_video)
    result["panel_video_width"] = panel_video.width()
    result["panel_visible"] = panel_rect.width() > 0 and panel_rect.left() >= panel_video.right()
    result["video_rect"] = [video.x(), video.y(), video.width(), video.height()]
    result["lit_share"], result["sampled"] = region_stats(second, video)
    result["changed"] = changed_pixels(first, second, video)
    result["fullscreen_lit_share"], _ = region_stats(full, full_rect)

    play_and_wait(app, win, BROKEN)
    result["broken_message"] = wait_until(app, lambda: view.showing_message, 20_000)
    settle(app)
    grab(app).save(str(out / "player-error.png"))
    result["message"] = view.message.text()
    view.close_lesson()
    result["back_to_library"] = win.pages.currentIndex() == PAGE_LIBRARY
    win.shutdown()
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
