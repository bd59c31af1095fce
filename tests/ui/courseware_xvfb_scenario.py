"""The real app on Xvfb with the courseware library: used by test_ui_courseware_xvfb.py.

    DISPLAY=:N QT_QPA_PLATFORM=xcb python courseware_xvfb_scenario.py DATA_DIR ARTIFACTS_DIR IDS_JSON

libvlc draws into the window (set_xwindow), so pictures are screen grabs. Steps: the same paused
frame with UTF-8 subtitles, with GBK subtitles (converted by the player), and with the GBK file
handed to libvlc untouched (the mojibake the conversion prevents); an RMVB lesson playing; the
PPTX lesson shown as its PDF, then full screen. Every wait is bounded. Prints ``RESULT {json}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from teachpoint.paths import DataPaths
from teachpoint.ui.app import create_application
from teachpoint.ui.main_window import MainWindow
from teachpoint.ui.player import vlc_backend
from teachpoint.ui.tasks import TaskManager
from courseware_library import white_box
from xvfb_scenario import global_rect, grab, play_and_wait, region_stats, settle, wait_until


def bright_mask(image: QImage, step: int = 2) -> set[tuple[int, int]]:
    """Sampled points of subtitle-white pixels in the lower half (the video itself is dark blue)."""
    return {(x, y) for y in range(image.height() // 2, image.height(), step)
            for x in range(0, image.width(), step) if sum(QColor(image.pixel(x, y)).getRgb()[:3]) > 600}


def subtitle_frame(app, win, rid: str, out: Path, name: str) -> QImage:
    """Play ``rid``, pause on the first cue, and return (and save) the video area's picture."""
    play_and_wait(app, win, rid)
    view = win.player_view
    wait_until(app, lambda: view.player is not None and view.player.state == "playing"
               and view.player.position_ms() > 2500, 20_000)
    view.player.pause()
    settle(app, 900)
    shot = grab(app).copy(global_rect(view.player.video_widget()))
    shot.save(str(out / name))
    view.close_lesson()
    settle(app, 300)
    return shot


def open_app(data_dir: Path):
    """The application and its main window, filling the screen, opening ``data_dir``."""
    app = create_application()
    win = MainWindow(TaskManager(app))
    win.setGeometry(app.primaryScreen().geometry())
    win.show()
    win.open_workspace(DataPaths(data_dir, explicit=True), install_demo=False)
    return app, win


def main(data_dir: str, artifacts: str, ids_json: str) -> int:
    out = Path(artifacts)
    out.mkdir(parents=True, exist_ok=True)
    ids = json.loads(ids_json)
    app, win = open_app(Path(data_dir))
    result: dict = {"platform": app.platformName(),
                    "opened": wait_until(app, lambda: win.tree_loaded and win.summary is not None, 20_000)}

    utf8 = subtitle_frame(app, win, ids["utf8"], out, "courseware-subtitles-utf8.png")
    gbk = subtitle_frame(app, win, ids["gbk"], out, "courseware-subtitles-gbk.png")
    converter = vlc_backend.playable_subtitle
    vlc_backend.playable_subtitle = lambda path: path  # the old behaviour: bytes as they are
    raw = subtitle_frame(app, win, ids["gbk"], out, "courseware-subtitles-gbk-unconverted.png")
    vlc_backend.playable_subtitle = converter
    masks = {k: bright_mask(v) for k, v in (("utf8", utf8), ("gbk", gbk), ("raw", raw))}
    result["subtitle_points"] = len(masks["utf8"])
    result["gbk_vs_utf8"] = len(masks["gbk"] ^ masks["utf8"]) / max(1, len(masks["utf8"]))
    result["raw_vs_utf8"] = len(masks["raw"] ^ masks["utf8"]) / max(1, len(masks["utf8"]))
    result["same_size"] = utf8.size() == gbk.size() == raw.size()

    play_and_wait(app, win, ids["rmvb"])
    view = win.player_view
    result["rmvb_playing"] = wait_until(app, lambda: view.player is not None and view.player.state == "playing"
                                        and view.player.position_ms() > 1500, 20_000)
    settle(app, 400)
    shot = grab(app)
    shot.save(str(out / "courseware-rmvb.png"))
    result["rmvb_lit_share"], _ = region_stats(shot, global_rect(view.player.video_widget()))
    result["rmvb_mode"] = getattr(view.player, "mode", None)
    view.close_lesson()
    settle(app, 300)

    play_and_wait(app, win, ids["pal"])  # libvlc's own window output shapes the pixels itself
    view = win.player_view
    wait_until(app, lambda: view.player is not None and view.player.state == "playing"
               and view.player.position_ms() > 1000, 20_000)
    view.player.pause()
    settle(app, 600)
    rect = global_rect(view.player.video_widget())
    shot = grab(app)
    shot.copy(rect).save(str(out / "courseware-pal-4x3-window.png"))
    result["pal_square"] = white_box(shot, rect.x(), rect.y(), rect.width(), rect.height())
    result["pal_picture"] = blue_box(shot, rect)
    view.close_lesson()
    settle(app, 300)

    play_and_wait(app, win, ids["pptx"])
    doc = win.document_view
    result["pptx_state_ok"] = wait_until(app, lambda: doc.state == "pdf", 20_000)
    result["pptx_pages"] = doc.pdf.pageCount()
    settle(app, 600)
    shot = grab(app)
    shot.save(str(out / "courseware-pptx-in-app.png"))
    result["pptx_red"] = red_points(shot, global_rect(doc.pdf_view))
    doc.set_fullscreen(True)
    result["pptx_fullscreen"] = wait_until(app, lambda: win.isFullScreen(), 5000)
    settle(app, 700)
    grab(app).save(str(out / "courseware-pptx-fullscreen.png"))
    doc.close_document()
    result["left_fullscreen"] = wait_until(app, lambda: not win.isFullScreen(), 5000)
    win.shutdown()
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def blue_box(image: QImage, rect: QRect) -> tuple[int, int]:
    """(width, height) of the PAL picture's blue, along lines through the video area's centre."""
    def blue(x: int, y: int) -> bool:
        c = QColor(image.pixel(x, y))
        return c.blue() > 150 and c.red() < 90
    cy, cx = rect.y() + rect.height() // 2 - 200, rect.x() + rect.width() // 2
    xs = [x for x in range(rect.left(), rect.right()) if blue(x, cy)]
    ys = [y for y in range(rect.top(), rect.bottom()) if blue(cx, y)]
    return (max(xs) - min(xs) + 1 if xs else 0), (max(ys) - min(ys) + 1 if ys else 0)


def red_points(image: QImage, rect: QRect, step: int = 3) -> int:
    count = 0
    for y in range(rect.top(), rect.bottom(), step):
        for x in range(rect.left(), rect.right(), step):
            c = QColor(image.pixel(x, y))
            count += c.red() > 150 and c.green() < 90 and c.blue() < 90
    return count


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
