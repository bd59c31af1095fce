"""The player in front of a class, in real pixels on Xvfb (issue 13), at the common projector
sizes 1024×768 and 1366×768, with and without 大字体.

``classroom_scenario.py`` runs the real app in a subprocess on its own Xvfb (as test_ui_xvfb.py
does) and photographs every step into ``test-artifacts/classroom-*.png``: full screen with its
controls, the same picture after three still seconds (controls and cursor gone, the video down to
the bottom edge), the OSD, the end card with 下一课, a damaged file's message with 重新下载, an
audio lesson. The damaged file is a real ffmpeg mp4 cut in half; afterwards the catalogue shows it
was never counted or marked watched, the home card did not move on, and the other lessons play.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import decode_frames
from teachpoint.library import home, teaching
from teachpoint.library.teaching import TeachingClass
from teachpoint.paths import DataPaths
from teachpoint.testing import xvfb
from teachpoint.workspace import Workspace
from classroom_helpers import add_lessons
from uihelpers import build_library, make_mp4

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"
MUSIC_3 = TeachingClass(0, 3, "音乐", "人音版")


@pytest.fixture(scope="module")
def classroom_data(tmp_path_factory, media):
    root = tmp_path_factory.mktemp("classroom")
    long_video = make_mp4(root / "long" / "xiaoyu.mp4", seconds=30.0)
    ws = build_library(root / "data", dict(media, video=long_video))
    add_lessons(ws, root)
    ws.close()
    return root / "data"


def open_ws(data: Path) -> Workspace:
    return Workspace(DataPaths(data, explicit=True), install_demo=False)


def assert_good_lessons_play(ws: Workspace) -> None:
    """The intact lessons of the unit are still whole in the store and decode (this library also
    holds deliberately broken ones, so the shared helper's "every installed lesson" does not fit)."""
    for rid in ("county:m-3-2-4", "county:m-3-2-5"):
        main = ws.catalogue.resource(rid).main
        assert not ws.store.verify([main.sha256]).damaged
        decode_frames(ws.store.path_of(main.sha256))


def run_scenario(data: Path, screen: str, name: str, large: bool, walk: str, lang: str = "zh_CN") -> dict:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    with xvfb.xvfb_display(f"{screen}x24") as display:
        proc = subprocess.run(
            [sys.executable, str(HERE / "classroom_scenario.py"), str(data), str(ARTIFACTS), name,
             "1" if large else "0", walk],
            env=xvfb.app_env(display, TEACHPOINT_LANG=lang), cwd=HERE, capture_output=True,
            text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(line[len("RESULT "):])
    print(json.dumps(result, ensure_ascii=False, indent=1))  # shown when an assertion fails
    return result


def assert_fits(layout: dict) -> None:
    assert layout["window_inside"], layout  # never wider or taller than the projector picture
    assert layout["fullscreen_button_inside"], layout  # 全屏 whole on the screen
    assert layout["seek_bar_width"] >= 150, layout  # a seek bar a hand can hit


@pytest.mark.xvfb
@pytest.mark.parametrize("large", [False, True], ids=["normal-text", "large-text"])
def test_full_screen_end_card_damaged_file_and_audio_at_1024x768(classroom_data, large):
    name = "classroom-1024" + ("-large" if large else "")
    ws = open_ws(classroom_data)
    before = home.next_lesson(ws.catalogue, MUSIC_3)
    ws.close()
    r = run_scenario(classroom_data, "1024x768", name, large, "full")

    assert r["opened"] and r["home"] and r["playing"], r
    assert_fits(r["layout"])
    # full screen: controls first, then after three still seconds no controls and no cursor
    assert r["fullscreen"] and r["controls_at_first"], r
    assert r["idle_hid_controls"] and r["idle_tools_hidden"] and r["cursor_blank"], r
    assert r["video_reaches_bottom"] and r["bottom_lit_share"] > 0.3, r  # video, not a bar
    assert r["move_shows_controls"] and r["cursor_back"], r
    assert r["osd_text"].startswith("音量"), r
    # the end: the card in full screen, 下一课 = the next lesson of the unit, and it plays
    assert r["end_card"] and r["next_offered"] and r["still_fullscreen_at_end"], r
    assert r["next_playing"] and r["fullscreen_after_next"] and r["esc_leaves"], r
    # a damaged file: a plain message with 重新下载, never a black screen
    assert r["damaged_message"] and r["damaged_text"].startswith("该课程无法播放"), r
    assert r["redownload_offered"] and r["redownload_said"] and r["file_itself_faulty"], r
    # an audio lesson: its own view with the time, no full screen
    assert r["audio_playing"] and r["audio_view"], r
    assert not r["audio_fullscreen_button"] and not r["audio_fullscreen"], r
    assert r["audio_time"].startswith("00:0") and r["audio_time"] != "00:00 / --:--", r

    ws = open_ws(classroom_data)
    try:  # the damaged file was never counted or "watched"; the home card did not move onto it
        damaged = teaching.progress_of(ws.catalogue, "county:m-3-2-8")
        assert damaged["play_count"] == 0 and not damaged["finished"] and damaged["last_played"] is None
        assert teaching.progress_of(ws.catalogue, "county:m-3-2-4")["finished"]
        after = home.next_lesson(ws.catalogue, MUSIC_3)
        assert after.resource_id != "county:m-3-2-8" or before.resource_id == "county:m-3-2-8"
        assert_good_lessons_play(ws)
    finally:
        ws.close()
    for shot in ("home", "player", "fullscreen-controls", "fullscreen-idle", "osd", "end-card",
                 "damaged", "damaged-asked", "audio"):
        assert (ARTIFACTS / f"{name}-{shot}.png").stat().st_size > 5_000, shot


@pytest.mark.xvfb
@pytest.mark.parametrize("large", [False, True], ids=["normal-text", "large-text"])
def test_player_layout_fits_1366x768(classroom_data, large):
    name = "classroom-1366" + ("-large" if large else "")
    r = run_scenario(classroom_data, "1366x768", name, large, "layout")
    assert r["opened"] and r["home"] and r["playing"], r
    assert_fits(r["layout"])


@pytest.mark.xvfb
@pytest.mark.parametrize("screen,lang", [("1024x768", "zh_CN"), ("1024x768", "en"), ("1366x768", "en")])
def test_every_place_fits_the_screen_with_large_text(classroom_data, screen, lang):
    """大字体 on a projector: each place (the sync place saying "downloading 45%") within the
    screen, every top-bar button whole and apart, the search box wide enough to type in."""
    name = f"places-{screen.split('x')[0]}-large-{lang}"
    r = run_scenario(classroom_data, screen, name, True, "places", lang)
    assert r["opened"] and r["playing"], r
    width, height = (int(n) for n in screen.split("x"))
    for place, facts in r["places"].items():
        assert facts["window_inside"], (place, facts)
        assert facts["minimum_width"] <= width and facts["minimum_height"] <= height, (place, facts)
        assert facts["buttons_inside"] and facts["buttons_apart"], (place, facts)
        assert facts["search_inside"], (place, facts)
        assert facts["search_width"] >= facts["search_min_width"], (place, facts)
        assert (ARTIFACTS / f"{name}-{place}.png").stat().st_size > 5_000, place


GRAB = ("import sys; from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]); "
        "sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)")


def saturated_columns(image) -> set[str]:
    """Which of the test pattern's pure colours show in the top band of a screen grab."""
    seen = set()
    for x in range(0, image.width(), 4):
        c = image.pixelColor(x, 40)
        if c.red() > 200 and c.green() > 200 and c.blue() < 80:
            seen.add("yellow")
        elif c.red() > 200 and c.green() < 80 and c.blue() > 200:
            seen.add("magenta")
        elif c.red() < 80 and c.green() > 200 and c.blue() > 200:
            seen.add("cyan")
    return seen


@pytest.mark.xvfb
def test_teachpoint_play_opens_the_app_full_screen_on_one_lesson(classroom_data, tmp_path):
    """The real command, as a desktop shortcut runs it: the lesson fills the 1024×768 projector."""
    from PySide6.QtGui import QImage

    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    shot = ARTIFACTS / "classroom-teachpoint-play.png"
    data = shutil.copytree(classroom_data, tmp_path / "data")  # the command may add the demo lessons
    with xvfb.xvfb_display("1024x768x24") as display:
        env = xvfb.app_env(display, TEACHPOINT_DATA_DIR=str(data))
        app = subprocess.Popen([sys.executable, "-m", "teachpoint", "play", "county:m-3-2-4", "--fullscreen"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            colours: set[str] = set()
            for _ in range(30):  # up to ~30 s on a busy machine
                try:
                    app.wait(timeout=1)
                    break  # it exited: fail below with its output
                except subprocess.TimeoutExpired:
                    pass
                subprocess.run([sys.executable, "-c", GRAB, str(shot)], env=env, timeout=30)
                colours = saturated_columns(QImage(str(shot)))
                if len(colours) == 3:
                    break
        finally:
            app.terminate()
            out, err = app.communicate(timeout=30)
    # the test pattern's columns reach the top edge: full screen, no title or top bar above them
    assert colours == {"yellow", "magenta", "cyan"}, (colours, err[-2000:])
