"""The classroom features of the player: speed, volume, A–B repeat, bookmarks, projector screen,
re-download of a file that will not play. Real libvlc (vmem, sound into SilentAudio), real media."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from uihelpers import open_lesson, rid
from teachpoint.library import teaching
from teachpoint.ui import queries
from teachpoint.ui.main_window import PAGE_PLAYER
from teachpoint.ui.player.base import ENDED, PAUSED, PLAYING
from teachpoint.ui.player.screens import SETTING_FULLSCREEN_SCREEN, screen_key
from teachpoint.ui.player.vlc_backend import VlcPlayer

HERE = Path(__file__).resolve().parent


@pytest.fixture
def vlc_player(qapp):
    player = VlcPlayer()
    yield player
    player.release()


def _play(qtbot, window, resource_id):
    view = open_lesson(qtbot, window, resource_id)
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    return view


# ---- the backend ----------------------------------------------------------------------------

def test_speed_reaches_libvlc_and_is_clamped(qtbot, vlc_player, media):
    vlc_player.load(media["video"])
    vlc_player.play()
    qtbot.waitUntil(lambda: vlc_player.state == PLAYING, timeout=15_000)
    for rate in (0.5, 0.75, 1.25, 2.0, 1.0):
        vlc_player.set_rate(rate)
        assert vlc_player._mp.get_rate() == pytest.approx(rate)  # libvlc's own value
        assert vlc_player.rate() == pytest.approx(rate)
    vlc_player.set_rate(8)
    assert vlc_player._mp.get_rate() == pytest.approx(2.0)
    vlc_player.set_rate(0.1)
    assert vlc_player.rate() == pytest.approx(0.5)


def test_volume_and_mute_reach_libvlcs_sound_output(qtbot, vlc_player, media):
    assert vlc_player.audio is not None  # TEACHPOINT_NO_AUDIO=1: sound goes to SilentAudio
    vlc_player.set_volume(40)  # before any sound exists: applied when it starts
    vlc_player.load(media["video"])
    vlc_player.play()
    qtbot.waitUntil(lambda: vlc_player.audio.buffers > 0, timeout=15_000)  # real AAC decoded
    qtbot.waitUntil(lambda: vlc_player.audio.applied == (pytest.approx(0.4), False), timeout=5000)
    vlc_player.set_muted(True)
    qtbot.waitUntil(lambda: vlc_player.audio.applied[1] is True, timeout=5000)
    vlc_player.set_muted(False)
    vlc_player.set_volume(250)  # clamped
    qtbot.waitUntil(lambda: vlc_player.audio.applied == (pytest.approx(1.0), False), timeout=5000)
    assert vlc_player.volume() == 100 and not vlc_player.is_muted()
    # the next file keeps the volume
    vlc_player.set_volume(70)
    vlc_player.load(media["video2"])
    vlc_player.play()
    qtbot.waitUntil(lambda: vlc_player.state == PLAYING, timeout=15_000)
    qtbot.waitUntil(lambda: vlc_player.audio.applied == (pytest.approx(0.7), False), timeout=5000)


# ---- speed and volume on the page -----------------------------------------------------------

def test_speed_menu_and_keys_change_the_rate_and_show_it(qtbot, window):
    view = _play(qtbot, window, rid("m-3-2-4"))
    speed = view.tools.speed
    assert "1×" in speed.text()
    assert view.player.rate() == pytest.approx(1.0)
    speed.actions_by_rate[0.75].trigger()  # the teacher picks 0.75× from the menu
    assert view.player._mp.get_rate() == pytest.approx(0.75)
    assert "0.75×" in speed.text() and speed.property("changed") is True
    qtbot.keyClick(view, Qt.Key.Key_BracketRight)
    qtbot.keyClick(view, Qt.Key.Key_BracketRight)
    assert view.player._mp.get_rate() == pytest.approx(1.25)
    assert "1.25×" in speed.text()
    for _ in range(8):
        qtbot.keyClick(view, Qt.Key.Key_BracketLeft)
    assert view.player.rate() == pytest.approx(0.5)
    assert speed.actions_by_rate[0.5].isChecked()
    # the next lesson starts at normal speed
    view = _play(qtbot, window, rid("m-3-2-5"))
    assert view.player._mp.get_rate() == pytest.approx(1.0) and "1×" in speed.text()


def test_volume_keys_slider_and_mute(qtbot, window):
    view = _play(qtbot, window, rid("m-3-2-4"))
    audio = view.player.audio
    vol = view.tools.volume
    assert vol.volume == 100
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert vol.volume == 80 and view.player.volume() == 80
    qtbot.waitUntil(lambda: audio.applied == (pytest.approx(0.8), False), timeout=5000)
    qtbot.keyClick(view, Qt.Key.Key_M)
    assert vol.muted and view.player.is_muted()
    qtbot.waitUntil(lambda: audio.applied[1] is True, timeout=5000)
    qtbot.mouseClick(vol.mute_button, Qt.MouseButton.LeftButton)  # sound on again
    assert not view.player.is_muted()
    vol.slider.setValue(30)  # as if dragged
    qtbot.waitUntil(lambda: audio.applied == (pytest.approx(0.3), False), timeout=5000)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.player.volume() == 40
    assert "↑" in vol.slider.toolTip() and "M" in vol.mute_button.toolTip()


# ---- A–B repeat -----------------------------------------------------------------------------

def test_ab_repeat_loops_back_to_a_until_cleared(qtbot, window, library):
    view = _play(qtbot, window, rid("m-3-2-4"))
    ab, button = view.ab_repeat, view.tools.ab_button
    qtbot.waitUntil(lambda: view.player.position_ms() >= 800, timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_L)  # A
    a = ab.point_a
    assert a is not None and ab.point_b is None and button.isChecked()
    qtbot.waitUntil(lambda: view.player.position_ms() >= a + 1800, timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_L)  # B: jumps to A and loops
    b = ab.point_b
    assert ab.active and b - a >= 1000
    assert view.tools.ab_button.text().count(":") == 2  # "… 00:01–00:03"
    with qtbot.waitSignal(ab.looped, timeout=15_000):  # played up to B and went back
        pass
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=5000)
    positions = []
    view.player.position_changed.connect(positions.append)
    with qtbot.waitSignal(ab.looped, timeout=15_000):
        pass
    assert ab.loops >= 2
    qtbot.waitUntil(lambda: len(positions) >= 8, timeout=10_000)
    late = positions[3:]
    assert max(late) < b + 1000 and min(late) >= a - 300  # never played far past B
    qtbot.keyClick(view, Qt.Key.Key_L)  # clear
    assert not ab.active and ab.point_a is None and not button.isChecked()
    qtbot.waitUntil(lambda: view.player.state == ENDED, timeout=15_000)  # now it plays to the end


def test_ab_repeat_with_b_at_the_end_keeps_repeating(qtbot, window, library):
    view = _play(qtbot, window, rid("m-3-2-5"))  # 4 s
    ab = view.ab_repeat
    ab.press(2000)
    ab.press(view.player.duration_ms() + 1000)  # B past the end: the end reaches it
    qtbot.waitUntil(lambda: ab.loops >= 2, timeout=20_000)
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=5000)
    assert not teaching.progress_of(library.catalogue, rid("m-3-2-5"))["finished"]
    assert window.pages.currentIndex() == PAGE_PLAYER


# ---- bookmarks ------------------------------------------------------------------------------

def test_bookmarks_are_saved_listed_jumped_to_and_removed(qtbot, window, library):
    view = _play(qtbot, window, rid("m-3-2-4"))
    panel = view.bookmarks_panel
    assert panel.isHidden()
    qtbot.waitUntil(lambda: view.player.position_ms() >= 1500, timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.player.state == PAUSED, timeout=5000)
    panel.note.setText("生字表")
    qtbot.keyClick(view, Qt.Key.Key_B)
    assert panel.isVisible()
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=5000)  # written and read in a worker
    saved = teaching.bookmarks(library.catalogue, rid("m-3-2-4"))
    assert len(saved) == 1 and saved[0]["label"] == "生字表"
    mark = saved[0]["position_ms"]
    assert 1000 <= mark <= 6000
    assert panel.list.item(0).text() == f"00:0{mark // 1000}  生字表"
    view.seek(4500)
    qtbot.waitUntil(lambda: abs(view.player.position_ms() - 4500) < 600, timeout=5000)
    view.seek(200)
    qtbot.waitUntil(lambda: view.player.position_ms() < 800, timeout=5000)
    qtbot.mouseClick(view.tools.add_bookmark, Qt.MouseButton.LeftButton)  # a second one, no note
    qtbot.waitUntil(lambda: panel.list.count() == 2, timeout=5000)
    assert [b["label"] for b in teaching.bookmarks(library.catalogue, rid("m-3-2-4"))] == ["", "生字表"]
    rect = panel.list.visualItemRect(panel.list.item(1))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: abs(view.player.position_ms() - mark) < 600, timeout=5000)

    # they are still there when the lesson is opened again
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: len(view.bookmarks_panel.bookmarks()) == 2, timeout=5000)
    view.bookmarks_panel.list.setCurrentRow(1)
    qtbot.mouseClick(view.bookmarks_panel.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.bookmarks_panel.bookmarks()) == 1, timeout=5000)
    assert [b["label"] for b in teaching.bookmarks(library.catalogue, rid("m-3-2-4"))] == [""]
    # another lesson has its own (empty) list
    view = _play(qtbot, window, rid("m-3-2-5"))
    qtbot.wait(300)
    assert view.bookmarks_panel.bookmarks() == [] and view.bookmarks_panel.empty_hint.isVisibleTo(view.bookmarks_panel)


# ---- full screen on the chosen screen --------------------------------------------------------

def test_screen_choice_is_saved_and_returned(qtbot, window, library):
    view = _play(qtbot, window, rid("m-3-2-4"))
    chooser = view.tools.screen_chooser
    assert chooser.isHidden()  # one screen: nothing to choose
    assert view.fullscreen_screen() is None
    name = screen_key(QGuiApplication.primaryScreen())
    assert chooser.choose(name)
    assert view.fullscreen_screen() is QGuiApplication.primaryScreen()  # at once
    qtbot.waitUntil(lambda: library.setting(SETTING_FULLSCREEN_SCREEN) == name, timeout=5000)  # a worker
    library.set_setting(SETTING_FULLSCREEN_SCREEN, "HDMI-9 (unplugged)")
    chooser.set_workspace(library)  # another data folder: its choice is read in a worker
    assert view.fullscreen_screen() is None  # a projector that is not connected: the window's own
    qtbot.wait(200)  # the read arrives; still not connected
    assert view.fullscreen_screen() is None


SCREEN_SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication, QMainWindow
    from teachpoint.paths import DataPaths
    from teachpoint.workspace import Workspace
    from teachpoint.ui.player.screens import SETTING_FULLSCREEN_SCREEN, FullScreenPlacer, ScreenChooser

    app = QApplication([])
    ws = Workspace(DataPaths(Path(sys.argv[1]), explicit=True), install_demo=False)
    chooser = ScreenChooser()
    chooser.set_workspace(ws)
    out = {"screens": [s.name() for s in app.screens()], "visible": not chooser.isHidden()}
    chooser.menu_.aboutToShow.emit()
    actions = {a.text(): a for a in chooser.menu_.actions()}
    out["menu"] = sorted(actions)
    next(a for t, a in actions.items() if t.startswith("Projector")).trigger()
    chooser.tasks.wait(10_000)  # the choice is written in a worker
    app.processEvents()
    out["setting"] = ws.setting(SETTING_FULLSCREEN_SCREEN)
    out["label"] = chooser.text()
    win = QMainWindow()
    win.resize(800, 600)
    win.show()
    app.processEvents()
    out["before"] = win.screen().name()
    placer = FullScreenPlacer()
    placer.enter(win, chooser.chosen_screen())
    for _ in range(20):
        app.processEvents()
    g = win.geometry()
    out["full"] = [win.isFullScreen(), win.screen().name(), g.x(), g.y(), g.width(), g.height()]
    placer.leave(win)
    for _ in range(20):
        app.processEvents()
    out["after"] = [win.isFullScreen(), win.screen().name(), win.width(), win.height()]
    ws.close()
    print("RESULT " + json.dumps(out))
""")


def test_fullscreen_goes_to_the_chosen_screen_of_two(tmp_path):
    """Two screens (offscreen platform configured with a laptop and a projector), in a subprocess:
    the chooser shows, saves the projector, and full screen fills the projector."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": [
        {"name": "Laptop", "x": 0, "y": 0, "width": 1280, "height": 800, "logicalDpi": 96},
        {"name": "Projector", "x": 1280, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    proc = subprocess.run([sys.executable, "-c", SCREEN_SCRIPT, str(tmp_path / "data")], env=env,
                          cwd=HERE, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))[7:])
    assert out["screens"] == ["Laptop", "Projector"] and out["visible"]
    assert out["menu"] == ["Laptop (1280×800)", "Projector (1024×768)"]
    assert out["setting"] == "Projector" and "Projector" in out["label"]
    assert out["before"] == "Laptop"
    assert out["full"] == [True, "Projector", 1280, 0, 1024, 768]
    assert out["after"] == [False, "Laptop", 800, 600]


# ---- a file that will not play ---------------------------------------------------------------

def test_broken_file_offers_redownload_and_other_lessons_still_play(qtbot, window):
    view = open_lesson(qtbot, window, rid("e-4-1-1"))
    qtbot.waitUntil(lambda: view.showing_message, timeout=20_000)
    assert view.redownload_button.isVisible() and view.tools.isHidden()
    qtbot.keyClick(view, Qt.Key.Key_L)  # no A–B or bookmarks over an error
    qtbot.keyClick(view, Qt.Key.Key_B)
    assert view.ab_repeat.point_a is None and view.bookmarks_panel.bookmarks() == []
    with qtbot.waitSignal(view.redownload_requested, timeout=2000) as sig:
        qtbot.mouseClick(view.redownload_button, Qt.MouseButton.LeftButton)
    assert sig.args == [rid("e-4-1-1")]
    assert not view.redownload_button.isEnabled()  # asked once; the window stays usable
    qtbot.mouseClick(view.message_back, Qt.MouseButton.LeftButton)
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.position_ms() > 500, timeout=10_000)
    assert not view.redownload_button.isVisible() and view.tools.isVisible()


def test_lesson_file_missing_from_the_store_offers_redownload(qtbot, window, library):
    view = window.player_view
    info = queries.load_lesson(library, rid("s-3-1-1"))  # damaged: no usable file
    assert info.main_path is None
    assert not view.open_lesson(library, info)
    assert view.showing_message and not view.redownload_button.isHidden()
    with qtbot.waitSignal(view.redownload_requested, timeout=5000) as sig:
        view.redownload_button.click()
    assert sig.args == [rid("s-3-1-1")]
    assert "和发来时完全一样" not in view.message.text()  # nothing stored to blame
