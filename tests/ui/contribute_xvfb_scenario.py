"""The app side of test_ui_contribute_xvfb.py: teachers' own lessons and the county's review on a
real X server at a projector's 1024×768, photographed (``QScreen.grabWindow``) into
test-artifacts/. Mode ``school``: 添加本校课程 filled in, the added lesson in 全部课程 marked 本校,
a refused file, the 本校课程 list (pending, accepted, rejected with reason). Mode ``county``: the
审核 screen with a lesson's checks, then a rejection with a reason.

usage: contribute_xvfb_scenario.py MODE DATA_DIR ARTIFACTS VIDEO BROKEN
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QRect

from teachpoint.paths import DataPaths
from teachpoint.ui.app import create_application
from teachpoint.ui.main_window import MainWindow
from teachpoint.ui.places import LIBRARY, REVIEW
from teachpoint.ui.tasks import TaskManager
from xvfb_scenario import grab, settle, wait_until

WAIT_MS = 30_000


class Walk:
    """Opens the window on DATA_DIR; each step waits for what it needs and saves pictures."""

    def __init__(self, app, data_dir: str, out: Path):
        self.app, self.out = app, out
        self.result: dict = {"platform": app.platformName(), "shots": []}
        self.win = MainWindow(TaskManager(app), watch_drives=False)
        self.screen = app.primaryScreen().geometry()
        self.win.setGeometry(self.screen)
        self.win.show()
        self.win.open_workspace(DataPaths(Path(data_dir), explicit=True), install_demo=False)
        self.wait("opened", lambda: self.win.ws is not None and self.win.tree_loaded)

    def wait(self, what: str, condition, timeout_ms: int = WAIT_MS) -> None:
        if not wait_until(self.app, condition, timeout_ms):
            raise TimeoutError(f"waited {timeout_ms} ms for {what}")

    def shot(self, name: str, widget=None) -> None:
        settle(self.app, 500)
        grab(self.app).save(str(self.out / name))
        self.result["shots"].append(name)
        if widget is not None:  # does the window fit on the projector's screen?
            frame = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
            self.result[name] = {"fits": self.screen.contains(frame), "rect": frame.getRect()}

    # ---- school -----------------------------------------------------------------------------------

    def add_lesson(self, video: str) -> None:
        win = self.win
        win.go(LIBRARY)
        dialog = win.own_bar.open_add()
        self.wait("picker", lambda: bool(dialog.picker.grade_grid.buttons))
        dialog.add_files([video])
        dialog.picker.grade_grid.buttons[3].click()
        dialog.picker.subject_grid.buttons["音乐"].click()
        dialog.volume_box.setCurrentIndex(dialog.volume_box.findData("上册"))
        dialog.unit_edit.setText("第二单元 春天")
        dialog.lesson_spin.setValue(6)
        dialog.title_edit.setText("春天在哪里（李老师版）")
        dialog.teacher_edit.setText("李老师")
        dialog.share_name.setChecked(True)
        self.shot("contribute-dialog.png", dialog)
        added = []
        dialog.added.connect(added.append)
        dialog.add_button.click()
        self.wait("added", lambda: bool(added))
        rid = added[0].resource_ids[0]
        self.wait("revealed", lambda: win.lesson_panel.info is not None
                  and win.lesson_panel.info.resource_id == rid)
        self.result["mark"] = win.lesson_panel.own.text()
        self.result["tree_mark"] = win.library_pane.tree.currentIndex().siblingAtColumn(1).data()
        self.shot("contribute-added.png", win)

    def refused(self, broken: str) -> None:
        dialog = self.win.own_bar.open_add()
        self.wait("picker", lambda: bool(dialog.picker.grade_grid.buttons))
        dialog.add_files([broken])
        dialog.picker.grade_grid.buttons[3].click()
        dialog.picker.subject_grid.buttons["音乐"].click()
        dialog.add_button.click()
        self.wait("refused", lambda: not dialog.running and dialog.message.isVisible())
        self.result["refused"] = dialog.message.text()
        self.shot("contribute-refused.png", dialog)
        dialog.close()

    def own_list(self) -> None:
        lessons = self.win.own_bar.open_list()
        self.wait("list", lambda: len(lessons.remove_buttons) >= 3)
        self.result["states"] = [c.state_zh for c in lessons.contributions]
        self.shot("own-lessons.png", lessons)
        rejected = next(c for c in lessons.contributions if c.state == "rejected")
        lessons.show_requested.emit(rejected.resource_ids[0])  # 在课程里看
        lessons.close()
        win = self.win
        self.wait("rejected shown", lambda: win.lesson_panel.info is not None
                  and win.lesson_panel.info.resource_id == rejected.resource_ids[0])
        self.result["rejected_mark"] = win.lesson_panel.own.text()
        self.shot("own-rejected-details.png", win)

    # ---- county -----------------------------------------------------------------------------------

    def review(self) -> None:
        win = self.win
        self.wait("review place", win.top_bar.buttons[REVIEW].isVisible)  # offered by a worker
        self.result["review_place"] = True
        win.top_bar.buttons[REVIEW].click()
        page = win.review_page
        self.wait("queue", lambda: page.queue.count() >= 3)
        pending = next(e for e in page.entries if e.state == "pending")
        page.select(pending.id)
        self.wait("details", lambda: page.details.details is not None)
        self.result["checks"] = page.details.checks.text()
        self.shot("review.png", win)
        page.reason_edit.setText("画面太暗，声音太小，请重新录制")
        page.reject_button.click()
        self.wait("rejected", lambda: not page.busy and page.details.details is not None
                  and page.details.details.entry.state == "rejected", 60_000)
        self.result["review_message"] = page.message.text()
        self.shot("review-rejected.png", win)


def main(mode: str, data_dir: str, artifacts: str, video: str, broken: str) -> int:
    out = Path(artifacts)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    walk = None
    result: dict = {}
    try:
        walk = Walk(app, data_dir, out)
        result = walk.result
        if mode == "school":
            walk.add_lesson(video)
            walk.refused(broken)
            walk.own_list()
        else:
            walk.review()
        result["step"] = "done"
    except Exception as exc:  # noqa: BLE001 - reported in RESULT, the test fails with it
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()[-3000:]
    finally:
        if walk is not None:
            walk.win.shutdown()
        print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
