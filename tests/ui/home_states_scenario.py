"""Photograph home, the disk banner and the locked settings on an X server (test_ui_home_screens).

    DISPLAY=:N QT_QPA_PLATFORM=xcb python home_states_scenario.py DATA_DIR ARTIFACTS_DIR SUFFIX

DATA_DIR holds the test library with two classes (one lesson installed, one not downloaded) and
an IT PIN. Pictures: home-SUFFIX.png, disk-banner-SUFFIX.png, settings-locked-SUFFIX.png — screen
grabs (real pixels). Prints one ``RESULT {json}`` line with what each screen showed.
"""

from __future__ import annotations

import json
import shutil
import sys
import traceback
from pathlib import Path

from teachpoint.paths import DataPaths
from teachpoint.ui import places
from teachpoint.ui.app import create_application
from teachpoint.ui.main_window import PAGE_HOME, MainWindow
from teachpoint.ui.tasks import TaskManager
from xvfb_scenario import grab, settle, wait_until

WAIT_MS = 20_000


def _inside(widget, screen) -> bool:
    """The widget lies wholly on the screen (not cut off at an edge)."""
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    bottom_right = widget.mapToGlobal(widget.rect().bottomRight())
    return screen.contains(top_left) and screen.contains(bottom_right)


def run(app, win, out: Path, suffix: str, result: dict) -> None:
    screen = app.primaryScreen().geometry()
    result["screen"] = [screen.width(), screen.height()]
    if not wait_until(app, lambda: win.pages.currentIndex() == PAGE_HOME
                      and len(win.home.home.cards) == 2 and win.disk_banner.health is not None,
                      WAIT_MS):
        raise TimeoutError("home with two cards")
    settle(app, 800)
    home = win.home.home
    result["cards"] = [c.title.text() for c in home.cards]
    result["card_buttons_on_screen"] = all(
        _inside(c.play_button if not c.play_button.isHidden() else c.download_button, screen)
        for c in home.cards)
    result["banner_hidden_at_first"] = win.disk_banner.isHidden()
    grab(app).save(str(out / f"home-{suffix}.png"))

    free = shutil.disk_usage(win.ws.store.root).free
    win.ws.set_floor(free + (1 << 30))  # the disk is now too small for any download
    win.disk_banner.check()
    if not wait_until(app, win.disk_banner.isVisible, WAIT_MS):
        raise TimeoutError("disk banner")
    if not wait_until(app, lambda: any("磁盘" in c.warning.text() for c in home.cards), WAIT_MS):
        raise TimeoutError("the cards saying why 下载 cannot work")
    settle(app, 800)
    result["banner_text"] = win.disk_banner.text.text()
    result["banner_on_screen"] = _inside(win.disk_banner.text, screen)
    result["card_warnings"] = [c.warning.text() for c in home.cards]
    grab(app).save(str(out / f"disk-banner-{suffix}.png"))

    win.go(places.SETTINGS)
    page = win.settings_page
    if not wait_until(app, lambda: page.it_lock.loaded, WAIT_MS):
        raise TimeoutError("settings")
    settle(app, 600)
    page.scroll.ensureWidgetVisible(page.it_lock, 0, 40)
    settle(app, 600)
    result["guarded_hidden"] = [s.isHidden() for s in page.guarded_sections()]
    result["lock_text"] = page.it_lock.state_text.text()
    result["display_enabled"] = page.display.isEnabled()
    grab(app).save(str(out / f"settings-locked-{suffix}.png"))
    result["window_on_screen"] = screen.contains(win.frameGeometry())
    result["step"] = "done"


def main(data_dir: str, artifacts: str, suffix: str) -> int:
    out = Path(artifacts)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    result: dict = {"platform": app.platformName()}
    win = MainWindow(TaskManager(app), watch_drives=False)
    win.setGeometry(app.primaryScreen().availableGeometry())
    win.show()
    win.open_workspace(DataPaths(Path(data_dir), explicit=True), install_demo=False)
    try:
        run(app, win, out, suffix, result)
    except Exception as exc:  # noqa: BLE001 - reported in RESULT, the test fails with it
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()[-3000:]
    finally:
        win.shutdown()
        print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
