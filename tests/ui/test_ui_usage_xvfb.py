"""The 使用情况 page on a real X server at a classroom projector's 1024×768, photographed into
``test-artifacts/usage-page.png`` for people to look at. Run as a script, this file is the app
side (a process gets one QApplication on one platform; the other UI tests use offscreen)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"


@pytest.mark.xvfb
def test_usage_page_on_a_real_screen(tmp_path, media):
    from teachpoint.testing import xvfb
    from test_ui_usage import add_usage
    from uihelpers import build_library

    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    ws = build_library(tmp_path / "data", media)
    add_usage(ws)
    ws.close()
    with xvfb.xvfb_display("1024x768x24") as display:
        proc = subprocess.run([sys.executable, __file__, str(tmp_path / "data"), str(ARTIFACTS)],
                              env=xvfb.app_env(display), cwd=HERE, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))[7:])
    assert result["platform"] == "xcb"
    assert result["red"] > 300 and result["green"] > 300, result  # the quiet sentence, the bars
    assert "二年级语文" in result["quiet"]


def scenario(data_dir: str, artifacts: str) -> int:
    """Open the page on the test library, wait for its worker, photograph it."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from teachpoint.paths import DataPaths
    from teachpoint.ui import i18n, style
    from teachpoint.ui.tasks import TaskManager
    from teachpoint.ui.usage_page import UsagePage
    from teachpoint.workspace import Workspace

    app = QApplication([])
    i18n.install_translators(app, "zh_CN")
    style.apply_look(app)
    ws = Workspace(DataPaths(Path(data_dir), explicit=True), install_demo=False)
    tasks = TaskManager()
    page = UsagePage(tasks)
    page.resize(1024, 700)
    page.show()
    page.set_workspace(ws)
    for _ in range(200):
        app.processEvents()
        if page.data is not None:
            break
        tasks.wait(50)
    for _ in range(20):
        app.processEvents()
    image = page.grab().toImage()
    Path(artifacts).mkdir(exist_ok=True)
    image.save(str(Path(artifacts) / "usage-page.png"))
    from teachpoint.testing.pixels import count_colour

    red, green = QColor(style.DANGER), QColor(style.ACCENT)
    result = {"platform": app.platformName(), "quiet": page.quiet_label.text(),
              "red": count_colour(image, (red.red(), red.green(), red.blue()), 40, 2),
              "green": count_colour(image, (green.red(), green.green(), green.blue()), 40, 2)}
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    tasks.wait(5_000)
    ws.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    sys.exit(scenario(sys.argv[1], sys.argv[2]))
