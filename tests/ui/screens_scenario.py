"""Walk the real app through its main screens on an X server, photographing each (test_ui_screens).

    DISPLAY=:N QT_QPA_PLATFORM=xcb python screens_scenario.py DATA_DIR ARTIFACTS_DIR SYNC_URL STICK

DATA_DIR is a library with no classes chosen yet (so the first-run class picker opens), trusting
the publisher of SYNC_URL (a repository on a real nginx) and of STICK (a folder standing in for a
USB stick), with a download speed cap so the sync is photographed mid-download. The steps are
the ones a teacher takes: choose classes, browse, play a lesson with Chinese subtitles full
screen, add the update source in 设置 and watch 同步, home, the USB stick, settings, large
text, English. Every picture is a screen grab (``QScreen.grabWindow(0)``: real pixels, video
included); every wait is bounded. Prints one ``RESULT {json}`` line, also when a step fails
(``error`` then says which and why).
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage

from teachpoint.paths import DataPaths
from teachpoint.sync.schedule import SETTING_BANDWIDTH
from teachpoint.ui import places
from teachpoint.ui.app import create_application
from teachpoint.ui.main_window import PAGE_LIBRARY, PAGE_PLAYER, MainWindow
from teachpoint.ui.tasks import TaskManager
from xvfb_scenario import global_rect, grab, play_and_wait, region_stats, settle, wait_until

SUBTITLED = "county:m-3-2-4"  # 小雨沙沙: the Chinese .srt covers its whole first minute
WAIT_MS = 20_000
SYNC_WAIT_MS = 90_000


def bright_pixels(image: QImage, rect: QRect, step: int = 2) -> int:
    """Sampled pixels in ``rect`` that are near white (subtitle text; the test video has none)."""
    count = 0
    for y in range(rect.top(), rect.bottom(), step):
        for x in range(rect.left(), rect.right(), step):
            c = image.pixelColor(x, y)
            count += min(c.red(), c.green(), c.blue()) >= 190
    return count


def bottom_band(rect: QRect, share: float = 0.3) -> QRect:
    height = int(rect.height() * share)
    return QRect(rect.left(), rect.bottom() - height, rect.width(), height)


class Screens:
    """The walk through the app; each step fills ``result`` and saves its pictures."""

    def __init__(self, app, data_dir: str, out: Path, sync_url: str, stick: str):
        self.app, self.out, self.sync_url, self.stick = app, out, sync_url, stick
        self.result: dict = {"platform": app.platformName(), "shots": []}
        self.win = MainWindow(TaskManager(app))
        self.win.setGeometry(app.primaryScreen().geometry())
        self.home_loads = 0
        self.win.home.home.loaded.connect(self._home_loaded)
        self.picker_loads: list[int] = []
        self.win.home.picker.loaded.connect(lambda: self.picker_loads.append(1))
        self.ready: list[str] = []
        self.win.sync.lesson_ready.connect(self.ready.append)
        self.dialogs: list = []
        self.win.usb.dialog_opened.connect(lambda _path, dialog: self.dialogs.append(dialog))
        self.win.show()
        self.win.open_workspace(DataPaths(Path(data_dir), explicit=True), install_demo=False)

    def _home_loaded(self) -> None:
        self.home_loads += 1

    def wait(self, what: str, condition, timeout_ms: int = WAIT_MS) -> bool:
        ok = wait_until(self.app, condition, timeout_ms)
        self.result[what] = ok
        if not ok:
            raise TimeoutError(f"waited {timeout_ms} ms for {what}")
        return ok

    def shot(self, name: str, settle_ms: int = 500) -> QImage:
        settle(self.app, settle_ms)
        image = grab(self.app)
        image.save(str(self.out / name))
        self.result["shots"].append(name)
        return image

    def home_shown(self) -> None:
        """Go to 首页 and wait for the read that the teacher then sees."""
        before = self.home_loads
        self.win.go(places.HOME)
        self.wait("home_loaded", lambda: self.home_loads > before)

    # ---- the steps --------------------------------------------------------------------------

    def first_run(self) -> None:
        """The class picker opens by itself on first run; one class added, a second being chosen."""
        win, picker = self.win, self.win.home.picker
        self.wait("picker_shown", lambda: win.home.currentWidget() is picker
                  and bool(self.picker_loads))
        picker.select(3, "音乐", "人音版")
        picker.add_selection()
        picker.select(2, "语文")
        self.shot("first-run-classes.png")
        self.result["picker_title"] = picker.title.text()
        picker.save()  # the class being chosen is saved too
        self.wait("picker_saved", lambda: win.home.currentWidget() is win.home.home
                  and win.home.home.data is not None and len(win.home.home.data.cards) == 2)
        self.wait("tree_loaded", lambda: win.tree_loaded and win.summary is not None)

    def browse(self) -> None:
        win = self.win
        win.reveal_lesson(SUBTITLED)
        panel = win.lesson_panel
        self.wait("lesson_shown", lambda: panel.info is not None
                  and panel.info.resource_id == SUBTITLED and panel.thumbnail.isVisible())
        self.result["browse_title"] = panel.title.text()
        self.fits_screen("fit_browse")
        self.shot("browse.png")

    def play_with_subtitles(self) -> None:
        """小雨沙沙 full screen: the video lit, the subtitle as bright pixels at the bottom."""
        win = self.win
        play_and_wait(self.app, win, SUBTITLED)
        view = win.player_view
        self.wait("playing", lambda: view.player is not None and view.player.state == "playing"
                  and view.player.position_ms() > 1500)
        view.toggle_fullscreen()
        self.wait("fullscreen", win.isFullScreen, 5000)
        with_subs = self.shot("player-subtitles.png", 900)
        self.fits_screen("fit_fullscreen")
        controls = view.controls
        self.result["controls_bottom"] = controls.mapTo(win, controls.rect().bottomLeft()).y()
        video = global_rect(view.player.video_widget())
        view.controls.subtitles.click()  # off: the same band without the text
        settle(self.app, 900)
        without = grab(self.app)
        self.result["subtitles_switch_off"] = not view.controls.subtitles.isChecked()
        self.result["state_after_grabs"] = view.player.state
        view.controls.subtitles.click()
        band = bottom_band(video)
        self.result["video_rect"] = [video.x(), video.y(), video.width(), video.height()]
        self.result["video_lit_share"], _ = region_stats(with_subs, video)
        self.result["subtitle_bright"] = bright_pixels(with_subs, band)
        self.result["no_subtitle_bright"] = bright_pixels(without, band)
        self.result["top_bright"] = bright_pixels(with_subs, QRect(
            video.left(), video.top(), video.width(), band.height()))
        view.set_fullscreen(False)
        self.wait("fullscreen_left", lambda: not win.isFullScreen(), 5000)
        view.seek(12_000)  # far enough in (≥ 10 s) that home offers to continue from here
        self.wait("seeked", lambda: view.player.position_ms() >= 11_000, 5000)
        view.close_lesson()
        self.result["back_to_library"] = win.pages.currentIndex() == PAGE_LIBRARY

    def sync(self) -> None:
        """Add the update source in 设置 as IT staff would, then watch 同步 download (capped)."""
        win = self.win
        win.go(places.SETTINGS)
        sources = win.settings_page.sources
        win.settings_page.scroll.ensureWidgetVisible(sources)
        sources.location_box.setText(self.sync_url)
        sources.add_location(sources.location_box.text())
        self.wait("source_added", lambda: win.sync.running or bool(self.ready))
        win.go(places.SYNC)
        panel = win.sync_panel
        self.wait("downloading", lambda: panel.overall_bar.isVisible()
                  and 100 <= panel.overall_bar.value() <= 850
                  and any(r.isVisible() for r in panel.file_rows), SYNC_WAIT_MS)
        settle(self.app, 400)
        before = panel.overall_bar.value()
        image = grab(self.app)
        after = panel.overall_bar.value()
        image.save(str(self.out / "sync.png"))
        self.result["shots"].append("sync.png")
        self.result["sync_bar_at_shot"] = [before, after, panel.overall_bar.isVisible()]
        self.result["sync_file_rows"] = sum(r.isVisible() for r in panel.file_rows)
        self.result["sync_overall_text"] = panel.overall.text()
        self.result["sync_top_bar"] = win.top_bar.buttons[places.SYNC].text()
        ws = win.ws
        win.tasks.run(lambda: ws.set_setting(SETTING_BANDWIDTH, json.dumps(
            {"limit_kbit": None, "windows": []})), name="lift the cap")  # the rest at full speed
        self.wait("sync_finished", lambda: not win.sync.running and win.sync.rounds >= 2
                  and len(self.ready) >= 4, SYNC_WAIT_MS)
        self.result["sync_ready"] = list(self.ready)
        self.result["sync_problems"] = list(win.sync.state.problems)
        self.result["sync_new_lessons"] = win.sync.state.new_lessons
        self.shot("sync-done.png")

    def home(self) -> None:
        """Two classes (one continuing 小雨沙沙 where it stopped) and the lessons that just arrived."""
        win = self.win
        self.home_shown()
        page = win.home.home
        self.result["home_cards"] = [(c.title.text(), c.resume.text()) for c in page.cards]
        self.result["home_new"] = page.new_lesson_ids()
        self.result["home_new_heading"] = page.new_heading.text()
        self.shot("home.png")
        new = [rid for rid in page.new_lesson_ids() if rid in self.ready]
        self.result["played_synced"] = new[:1]
        if new:  # a lesson that came with the sync plays
            view = win.player_view
            play_and_wait(self.app, win, new[0])
            self.wait("synced_lesson_plays", lambda: win.pages.currentIndex() == PAGE_PLAYER
                      and view.player is not None and view.player.state in ("playing", "ended")
                      and (view.player.position_ms() > 0 or view.player.state == "ended"))
            view.close_lesson()

    def usb(self) -> None:
        win = self.win
        win.usb.watcher.watch_folder(self.stick)
        win.usb.watcher.poll()
        self.wait("usb_dialog", lambda: bool(self.dialogs) and self.dialogs[-1].isVisible())
        dialog = self.dialogs[-1]
        stick = dialog.offer.stick
        self.result["usb_new_lessons"] = sum(r.new_lessons for r in stick.repositories) \
            if stick else 0
        self.result["usb_title"] = dialog.title.text()
        self.result["usb_text"] = dialog.import_text.text()
        self.result["usb_import_visible"] = dialog.import_button.isVisible()
        self.shot("usb.png", 700)
        dialog.close()

    def settings(self) -> None:
        win = self.win
        win.go(places.SETTINGS)
        page = win.settings_page
        page.scroll.verticalScrollBar().setValue(0)
        self.shot("settings.png", 1200)
        display = page.display
        display.set_large_text(True)
        settle(self.app, 600)  # the new font sizes lay out first, then scroll to the tick box
        page.scroll.ensureWidgetVisible(display.large_text_box, 50, 200)
        self.result["large_text_checked"] = display.large_text_box.isChecked()
        self.shot("settings-large-text.png", 900)
        self.home_shown()
        self.shot("home-large-text.png")
        win.go(places.SETTINGS)
        display.set_large_text(False)

    def english(self) -> None:
        win = self.win
        win.settings_page.display.set_language("en")
        self.home_shown()
        page = win.home.home
        self.result["english"] = {
            "home_title": page.title.text(),
            "home_button": win.top_bar.buttons[places.HOME].text(),
            "change": page.change_button.text(), "new_heading": page.new_heading.text(),
            "cards": [c.title.text() for c in page.cards]}
        self.shot("english-home.png")

    def fits_screen(self, what: str) -> None:
        """Record whether the window (and its status line) fit on the screen (judged last)."""
        win, screen = self.win, self.app.primaryScreen().geometry()
        self.result[what] = {
            "screen": [screen.width(), screen.height()],
            "window": [win.width(), win.height()],
            "minimum_hint": [win.minimumSizeHint().width(), win.minimumSizeHint().height()],
            "status_bar_bottom": win.statusBar().mapTo(win, win.statusBar().rect().bottomLeft()).y()
            if win.statusBar().isVisible() else None}

    def run(self) -> None:
        self.wait("opened", lambda: self.win.ws is not None)
        self.fits_screen("fit_at_start")
        for step in (self.first_run, self.browse, self.play_with_subtitles, self.sync, self.home,
                     self.usb, self.settings, self.english):
            self.result["step"] = step.__name__
            step()
        self.result["step"] = "done"


def main(data_dir: str, artifacts: str, sync_url: str, stick: str) -> int:
    out = Path(artifacts)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    screens = Screens(app, data_dir, out, sync_url, stick)
    try:
        screens.run()
    except Exception as exc:  # noqa: BLE001 - reported in RESULT, the test fails with it
        screens.result["error"] = f"{type(exc).__name__}: {exc}"
        screens.result["traceback"] = traceback.format_exc()[-3000:]
    finally:
        screens.win.shutdown()
        print("RESULT " + json.dumps(screens.result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
