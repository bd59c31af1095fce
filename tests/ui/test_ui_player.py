"""Playing real H.264 files through libvlc's vmem output (offscreen), and the player page."""

from __future__ import annotations

import random
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from uihelpers import REPO, make_mp4, open_lesson, rid, sha256_of
from teachpoint.library import teaching
from teachpoint.library.home import RESUME_MIN_MS
from teachpoint.library.model import FileRef, Position, RepositoryInfo, Resource
from teachpoint.ui import queries
from teachpoint.ui.main_window import PAGE_HOME, PAGE_LIBRARY
from teachpoint.ui.player import PlayerUnavailable
from teachpoint.ui.player.base import ENDED, ERROR, PAUSED, PLAYING
from teachpoint.ui.player.vlc_backend import MODE_VMEM, VlcPlayer, vlc_arguments


def colourful_pixels(image: QImage, step: int = 8) -> int:
    """How many sampled pixels are clearly not black."""
    count = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = image.pixelColor(x, y)
            if c.red() + c.green() + c.blue() > 120:
                count += 1
    return count


@pytest.fixture
def vlc_player(qapp):
    player = VlcPlayer()
    yield player
    player.release()


def test_offscreen_uses_vmem_and_no_audio(vlc_player):
    assert vlc_player.mode == MODE_VMEM
    assert "--aout=dummy" in vlc_arguments()


def test_vmem_delivers_real_frames_and_position_advances(qtbot, vlc_player, media):
    widget = vlc_player.video_widget()
    widget.resize(640, 360)
    widget.show()
    positions = []
    vlc_player.position_changed.connect(positions.append)
    vlc_player.load(media["video"])
    vlc_player.play()
    qtbot.waitUntil(lambda: vlc_player.state == PLAYING, timeout=15_000)
    qtbot.waitUntil(lambda: widget.frames_shown >= 5 and bool(positions) and positions[-1] > 1000,
                    timeout=15_000)
    frame = widget.current_frame()
    assert frame is not None and frame.width() == 320
    assert colourful_pixels(frame) > 100  # the test pattern, not a black picture
    assert vlc_player.duration_ms() == pytest.approx(6000, abs=300)
    assert positions == sorted(positions)
    assert widget.target_rect().height() == 360  # drawn at 4:3, whatever padding vmem adds


def test_pause_seek_and_resume_in_the_backend(qtbot, vlc_player, media):
    vlc_player.load(media["video"])
    vlc_player.play()
    qtbot.waitUntil(lambda: vlc_player.state == PLAYING, timeout=15_000)
    vlc_player.pause()
    qtbot.waitUntil(lambda: vlc_player.state == PAUSED, timeout=5000)
    vlc_player.seek(4000)
    qtbot.waitUntil(lambda: abs(vlc_player.position_ms() - 4000) < 600, timeout=5000)
    vlc_player.toggle()
    qtbot.waitUntil(lambda: vlc_player.state == PLAYING, timeout=5000)
    with qtbot.waitSignal(vlc_player.ended, timeout=15_000):
        pass
    assert vlc_player.state == ENDED


def test_subtitle_track_is_loaded_and_can_be_switched_off(qtbot, vlc_player, media):
    vlc_player.load(media["video"], [media["subtitle"]])
    vlc_player.play()
    qtbot.waitUntil(lambda: vlc_player.state == PLAYING and bool(vlc_player._subtitle_tracks()),
                    timeout=15_000)
    qtbot.waitUntil(lambda: vlc_player._mp.video_get_spu() in vlc_player._subtitle_tracks(), timeout=5000)
    vlc_player.set_subtitles_enabled(False)
    qtbot.waitUntil(lambda: vlc_player._mp.video_get_spu() == -1, timeout=5000)
    assert vlc_player.has_subtitles() and not vlc_player.subtitles_enabled()


def test_text_file_named_mp4_is_an_error_not_a_hang(qtbot, vlc_player, media):
    errors = []
    vlc_player.error.connect(errors.append)
    vlc_player.load(media["broken"])
    vlc_player.play()
    qtbot.waitUntil(lambda: bool(errors), timeout=15_000)
    assert vlc_player.state == ERROR


def test_missing_libvlc_is_a_clear_error(qapp, monkeypatch):
    monkeypatch.setitem(sys.modules, "vlc", None)  # "import vlc" now raises ImportError
    with pytest.raises(PlayerUnavailable, match="libvlc"):
        VlcPlayer()


# ---- the player page inside the main window -------------------------------------------------

def _play(qtbot, window, resource_id):
    view = open_lesson(qtbot, window, resource_id)
    return view


def test_page_plays_counts_pauses_seeks_and_saves_position(qtbot, window, library):
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING and view.player.position_ms() > 500,
                    timeout=15_000)
    assert view.title.text() == "小雨沙沙"
    assert view.controls.play_pause.text() == "暂停"
    qtbot.waitUntil(lambda: teaching.progress_of(library.catalogue, rid("m-3-2-4"))["play_count"] == 1,
                    timeout=5000)  # written off the GUI thread
    qtbot.waitUntil(lambda: view.player.video_widget().frames_shown > 0, timeout=5000)
    assert colourful_pixels(view.player.video_widget().current_frame()) > 100

    qtbot.keyClick(view, Qt.Key.Key_Space)  # Space pauses
    qtbot.waitUntil(lambda: view.player.state == PAUSED, timeout=5000)
    assert view.controls.play_pause.text() == "播放"
    view.controls.seek_requested.emit(3500)  # as if the teacher dragged the slider
    qtbot.waitUntil(lambda: abs(view.player.position_ms() - 3500) < 600, timeout=5000)
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LIBRARY, timeout=5000)
    # written off the GUI thread; the details then say where it stopped
    qtbot.waitUntil(lambda: "上次停在 00:03" in window.lesson_panel.progress.text(), timeout=5000)
    saved = teaching.progress_of(library.catalogue, rid("m-3-2-4"))
    assert saved["position_ms"] == pytest.approx(3500, abs=600)


def _add_long_lesson(ws, tmp_path) -> str:
    """A 16-second lesson (the shared test videos are shorter than the resume threshold)."""
    video = make_mp4(tmp_path / "long.mp4", seconds=16.0, size="160x120")
    info = RepositoryInfo(REPO, "某某县教学资源", "k" * 16, 2, "s" * 64,
                          "2026-02-01T00:00:00Z", "2027-01-01T00:00:00Z", "test")
    res = Resource(rid="m-3-2-6", kind="video", title="长歌", duration=16.0,
                   position=Position(3, "音乐", "人音版", "上册", "第二单元 春天", 6),
                   files=(FileRef("main", sha256_of(video), video.stat().st_size, "video/mp4",
                                  "", "long.mp4"),))
    ws.catalogue.apply_repository(info, [res], [])
    ws.store.add_file(video)
    ws.catalogue.mark_blob_present(sha256_of(video), video.stat().st_size)
    return rid("m-3-2-6")


def test_reopening_resumes_and_start_over_works(qtbot, window, library, tmp_path):
    long_id = _add_long_lesson(library, tmp_path)
    queries.save_position(library, long_id, 12_000)
    view = _play(qtbot, window, long_id)
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    qtbot.waitUntil(lambda: view.player.position_ms() >= 11_900, timeout=5000)
    assert view.resume_notice.isVisible()
    assert "00:12" in view.resume_notice.text()
    qtbot.mouseClick(view.restart_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.player.position_ms() < 2500, timeout=5000)
    assert not view.resume_notice.isVisible()


def test_a_start_of_a_few_seconds_plays_from_the_beginning(qtbot, window, library):
    """Stopped under RESUME_MIN_MS (the home card says nothing either): no jump, no notice."""
    assert 4000 < RESUME_MIN_MS
    queries.save_position(library, rid("m-3-2-4"), 4000)
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING and view.player.position_ms() > 0,
                    timeout=15_000)
    assert view.player.position_ms() < 3000  # from the start, not from 00:04
    assert not view.resume_notice.isVisible() and not view.restart_button.isVisible()


def test_rewind_and_forward_buttons(qtbot, window):
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.player.state == PAUSED, timeout=5000)
    view.seek(1000)
    qtbot.waitUntil(lambda: abs(view.player.position_ms() - 1000) < 600, timeout=5000)
    qtbot.mouseClick(view.controls.forward, Qt.MouseButton.LeftButton)  # +10 s, clamped to the end
    qtbot.waitUntil(lambda: view.player.position_ms() > 4500, timeout=5000)
    qtbot.mouseClick(view.controls.rewind, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.player.position_ms() < 1000, timeout=5000)


def test_playing_to_the_end_marks_the_lesson_finished(qtbot, window, library):
    view = _play(qtbot, window, rid("m-3-2-5"))
    qtbot.waitUntil(lambda: view.player.state == ENDED, timeout=20_000)
    qtbot.waitUntil(lambda: teaching.progress_of(library.catalogue, rid("m-3-2-5"))["finished"],
                    timeout=5000)  # written off the GUI thread
    progress = teaching.progress_of(library.catalogue, rid("m-3-2-5"))
    assert progress["finished"] and progress["position_ms"] == 0
    assert view.controls.play_pause.text() == "重新播放"
    qtbot.mouseClick(view.controls.play_pause, Qt.MouseButton.LeftButton)  # plays again
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)


def test_fullscreen_with_f11_double_click_and_esc(qtbot, window):
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING, timeout=15_000)
    qtbot.keyClick(view, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=5000)
    assert view.is_fullscreen and view.header.isHidden() and window.statusBar().isHidden()
    assert view.controls.fullscreen.text() == "退出全屏"
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5000)
    assert not view.header.isHidden()
    qtbot.mouseDClick(view.player.video_widget(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=5000)
    qtbot.mouseClick(view.controls.fullscreen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5000)


def test_broken_file_shows_plain_message_and_window_stays_responsive(qtbot, window):
    view = _play(qtbot, window, rid("e-4-1-1"))
    qtbot.waitUntil(lambda: view.showing_message, timeout=20_000)
    assert view.message.text().startswith("该课程无法播放")
    assert view.message.isVisible() and view.controls.isHidden()
    assert view.error_detail  # the technical reason is kept for IT staff (tooltip, log)
    qtbot.keyClick(view, Qt.Key.Key_F11)  # no full screen over an error
    assert not window.isFullScreen()
    # responsive: the back button works, and the teacher can search and play something else
    qtbot.mouseClick(view.message_back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LIBRARY, timeout=5000)
    qtbot.keyClicks(window.search_box, "xiaoyu")
    qtbot.waitUntil(lambda: window.library_pane.results_model.rowCount() > 0, timeout=5000)
    view = _play(qtbot, window, rid("m-3-2-4"))
    qtbot.waitUntil(lambda: view.player.state == PLAYING and not view.showing_message, timeout=15_000)


def test_no_player_engine_shows_a_message(qtbot, tasks, library):
    from teachpoint.ui.main_window import MainWindow

    def no_vlc(parent):
        raise PlayerUnavailable("libvlc cannot be loaded: test")

    win = MainWindow(tasks, player_factory=no_vlc)
    qtbot.addWidget(win)
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.tree_loaded, timeout=10_000)
    open_lesson(qtbot, win, rid("m-3-2-4"))
    assert win.player_view.showing_message
    assert "VLC" in win.player_view.message.text() and "缺少" in win.player_view.message.text()
    qtbot.mouseClick(win.player_view.message_back, Qt.MouseButton.LeftButton)
    assert win.pages.currentIndex() == PAGE_HOME  # back where the teacher started
    win.shutdown()


@pytest.mark.parametrize("damage", ["cut-in-half", "tail-garbled", "head-garbled"])
def test_a_damaged_mp4_is_an_error_never_an_end(qtbot, vlc_player, tmp_path, damage):
    """libvlc "plays" a damaged mp4 and reports its end at 0 s with no length: that is an error
    (the page then says so and offers 重新下载), never "ended" (which would mark it watched)."""
    data = bytearray(make_mp4(tmp_path / "whole.mp4", seconds=6.0).read_bytes())
    rng = random.Random(13)
    if damage == "cut-in-half":
        data = data[: len(data) // 2]
    else:
        span = range(len(data) // 4, len(data)) if damage == "tail-garbled" else range(0, 4096)
        for i in span:
            data[i] = rng.randrange(256)
    broken = tmp_path / f"{damage}.mp4"
    broken.write_bytes(bytes(data))
    ended = []
    vlc_player.ended.connect(lambda: ended.append(True))
    with qtbot.waitSignal(vlc_player.error, timeout=20_000):
        vlc_player.load(broken)
        vlc_player.play()
    assert vlc_player.state == ERROR and not ended


# ---- libvlc's plugins, loaded in a worker ahead of the first lesson ---------------------------

def test_the_window_loads_libvlc_plugins_in_a_worker_and_lets_them_go_at_shutdown(
        qtbot, tasks, library, media):
    from teachpoint.ui.main_window import MainWindow
    from teachpoint.ui.player import vlc_setup

    vlc_setup.release_plugins()  # whatever an earlier window left
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(vlc_setup.plugins_held, timeout=15_000)
    vlc_setup.hold_plugins()  # a second call keeps the one instance
    player = VlcPlayer()  # the player's own instance, beside the held one
    widget = player.video_widget()
    widget.resize(320, 240)
    widget.show()
    player.load(media["video"])
    player.play()
    qtbot.waitUntil(lambda: player.state == PLAYING and widget.frames_shown >= 3, timeout=15_000)
    win.shutdown()
    assert not vlc_setup.plugins_held()
    qtbot.waitUntil(lambda: widget.frames_shown >= 10, timeout=15_000)  # still playing
    player.release()
    vlc_setup.release_plugins()  # twice: nothing to do


def test_a_forced_qt_player_loads_no_libvlc(qtbot, tasks, library, monkeypatch):
    from teachpoint.ui.main_window import MainWindow
    from teachpoint.ui.player import ENV_PLAYER, vlc_setup

    vlc_setup.release_plugins()
    monkeypatch.setenv(ENV_PLAYER, "qt")
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.tree_loaded, timeout=15_000)
    assert tasks.wait(10_000)
    assert not vlc_setup.plugins_held()
    win.shutdown()


def test_without_libvlc_the_warm_up_fails_quietly_and_the_window_opens(
        qtbot, tasks, library, monkeypatch):
    from teachpoint.ui.main_window import PAGE_HOME, MainWindow
    from teachpoint.ui.player import vlc_setup

    vlc_setup.release_plugins()
    monkeypatch.setitem(sys.modules, "vlc", None)  # "import vlc" now raises ImportError
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_HOME and win.tree_loaded,
                    timeout=15_000)
    assert tasks.wait(10_000)
    assert not vlc_setup.plugins_held()
    win.shutdown()
