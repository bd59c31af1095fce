"""Real pixels on a real X server: the main window and libvlc embedded with set_xwindow.

The fixture starts its own Xvfb (``-displayfd`` lets Xvfb pick a free display and say when it is
ready); the app runs in a subprocess (a process gets one QApplication on one platform, and the
other UI tests use ``offscreen``). Screenshots land in ``test-artifacts/`` for people to look at.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from uihelpers import build_library, make_mp4
from teachpoint.testing import xvfb

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"


@pytest.fixture
def xvfb_display():
    """A private Xvfb (1280x800x24) on a free display; yields ``":N"``."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    with xvfb.xvfb_display("1280x800x24") as display:  # XvfbError says why it did not start
        yield display


@pytest.mark.xvfb
def test_main_window_and_embedded_player_show_real_video(xvfb_display, tmp_path, media):
    # a longer lesson than the other tests use: screen grabs on a busy machine take seconds,
    # and the video must still be running when the full-screen picture is taken
    long_video = make_mp4(tmp_path / "long" / "xiaoyu.mp4", seconds=30.0)
    ws = build_library(tmp_path / "data", dict(media, video=long_video))
    ws.close()
    env = xvfb.app_env(xvfb_display)
    proc = subprocess.run(
        [sys.executable, str(HERE / "xvfb_scenario.py"), str(tmp_path / "data"), str(ARTIFACTS)],
        env=env, cwd=HERE, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(line[len("RESULT "):])

    assert result["platform"] == "xcb" and result["opened"]
    assert result["player_mode"] == "window"  # libvlc embedded with set_xwindow
    assert result["playing"] and result["position_ms"] > 1500
    assert result["lit_share"] > 0.3, result  # the coloured test pattern, not black
    assert result["changed"] > 0, result  # and it moves
    assert result["fullscreen"] and result["fullscreen_lit_share"] > 0.3, result
    assert result["state_after_grabs"] == "playing", result
    assert result["rate"] == 1.25 and len(result["bookmarks"]) == 1, result
    assert result["panel_visible"] and result["panel_video_width"] < result["video_rect"][2], result
    assert result["panel_lit_share"] > 0.3 and result["state_after_panel"] == "playing", result
    assert result["broken_message"] and result["message"].startswith("该课程无法播放")
    assert result["back_to_library"]
    for name in ("main-window.png", "search.png", "player.png", "player-fullscreen.png",
                 "player-bookmarks.png", "player-error.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000, name
