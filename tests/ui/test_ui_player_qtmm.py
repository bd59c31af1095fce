"""The QtMultimedia backend (QMediaPlayer + QVideoSink, Qt's FFmpeg plugin) playing real files
offscreen, and how :func:`create_player` chooses it when libvlc is missing."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt

from uihelpers import open_lesson, rid
from teachpoint.ui.main_window import PAGE_LIBRARY, MainWindow
from teachpoint.ui.player import ENV_PLAYER, PlayerUnavailable, chosen_backends, create_player
from teachpoint.ui.player.base import ENDED, ERROR, PAUSED, PLAYING
from teachpoint.ui.player.qtmm_backend import QtMediaPlayer
from teachpoint.ui.player.vlc_backend import VlcPlayer


def colourful_pixels(image, step: int = 8) -> int:
    return sum(1 for y in range(0, image.height(), step) for x in range(0, image.width(), step)
               if sum(image.pixelColor(x, y).getRgb()[:3]) > 120)


@pytest.fixture
def qt_player(qapp):
    player = QtMediaPlayer()
    yield player
    player.release()


def test_plays_a_real_mp4_with_frames_position_duration_and_end(qtbot, qt_player, media):
    widget = qt_player.video_widget()
    widget.resize(640, 360)
    widget.show()
    positions, durations = [], []
    qt_player.position_changed.connect(positions.append)
    qt_player.duration_changed.connect(durations.append)
    qt_player.load(media["video"])
    qt_player.play()
    qtbot.waitUntil(lambda: qt_player.state == PLAYING, timeout=15_000)
    qtbot.waitUntil(lambda: widget.frames_shown >= 5 and bool(positions) and positions[-1] > 1000,
                    timeout=15_000)
    frame = widget.current_frame()
    assert frame.width() == 320 and colourful_pixels(frame) > 100
    assert qt_player.duration_ms() == pytest.approx(6000, abs=300)
    assert durations and durations[-1] == pytest.approx(6000, abs=300)
    qt_player.pause()
    qtbot.waitUntil(lambda: qt_player.state == PAUSED, timeout=5000)
    qt_player.seek(4000)
    qtbot.waitUntil(lambda: abs(qt_player.position_ms() - 4000) < 600, timeout=5000)
    qt_player.toggle()
    with qtbot.waitSignal(qt_player.ended, timeout=15_000):
        pass
    assert qt_player.state == ENDED
    assert positions[-1] == pytest.approx(6000, abs=300)
    qt_player.play()  # "again" starts over
    qtbot.waitUntil(lambda: qt_player.state == PLAYING, timeout=10_000)


def test_speed_volume_and_mute_read_back(qtbot, qt_player, media):
    qt_player.load(media["video"])
    qt_player.play()
    qtbot.waitUntil(lambda: qt_player.state == PLAYING, timeout=15_000)
    qt_player.set_rate(1.5)
    assert qt_player.rate() == pytest.approx(1.5)
    qt_player.set_rate(9)
    assert qt_player._mp.playbackRate() == pytest.approx(2.0)
    qt_player.set_volume(30)
    assert qt_player.volume() == 30 and qt_player._audio.volume() == pytest.approx(0.3)
    qt_player.set_muted(True)
    assert qt_player.is_muted() and qt_player._audio.isMuted()
    assert not qt_player.has_subtitles() and not qt_player.subtitle_files_supported


def test_text_file_named_mp4_is_an_error_not_a_hang(qtbot, qt_player, media):
    errors = []
    qt_player.error.connect(errors.append)
    qt_player.load(media["broken"])
    qt_player.play()
    qtbot.waitUntil(lambda: bool(errors), timeout=15_000)
    assert qt_player.state == ERROR
    qt_player.load(media["video2"])  # and the same player plays the next file
    qt_player.play()
    qtbot.waitUntil(lambda: qt_player.state == PLAYING and qt_player.position_ms() > 300, timeout=15_000)


# ---- choosing the backend ---------------------------------------------------------------------

def test_backend_choice_by_argument_and_environment(qapp, monkeypatch):
    monkeypatch.delenv(ENV_PLAYER, raising=False)
    assert chosen_backends() == ["vlc", "qt"]
    for backend, cls in (("qt", QtMediaPlayer), ("vlc", VlcPlayer)):
        player = create_player(backend=backend)
        assert isinstance(player, cls)
        player.release()
    monkeypatch.setenv(ENV_PLAYER, "qt")
    player = create_player()
    assert isinstance(player, QtMediaPlayer)
    player.release()
    monkeypatch.setenv(ENV_PLAYER, "nonsense")
    assert chosen_backends() == ["vlc", "qt"]


def test_missing_libvlc_falls_back_to_qtmultimedia(qapp, monkeypatch):
    monkeypatch.delenv(ENV_PLAYER, raising=False)
    monkeypatch.setitem(sys.modules, "vlc", None)  # "import vlc" fails as on a PC without VLC
    player = create_player()
    assert isinstance(player, QtMediaPlayer)
    player.release()
    with pytest.raises(PlayerUnavailable, match="libvlc"):  # forcing libvlc does not fall back
        create_player(backend="vlc")


def test_player_page_on_qtmultimedia(qtbot, tasks, library, monkeypatch):
    monkeypatch.setenv(ENV_PLAYER, "qt")
    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.show()
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.tree_loaded, timeout=10_000)
    win.go("library")  # it opens on 首页; a lesson goes back to where it was opened from
    try:
        view = open_lesson(qtbot, win, rid("m-3-2-4"))
        qtbot.waitUntil(lambda: view.player.state == PLAYING and view.player.position_ms() > 500,
                        timeout=15_000)
        assert isinstance(view.player, QtMediaPlayer)
        assert view.controls.subtitles.isHidden()  # .srt files need libvlc
        qtbot.keyClick(view, Qt.Key.Key_BracketRight)
        assert view.player.rate() == pytest.approx(1.25)
        qtbot.keyClick(view, Qt.Key.Key_Down)
        assert view.player.volume() == 90
        qtbot.keyClick(view, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: view.player.state == PAUSED, timeout=5000)
        view.seek(3000)
        qtbot.waitUntil(lambda: abs(view.player.position_ms() - 3000) < 600, timeout=5000)
        open_lesson(qtbot, win, rid("e-4-1-1"))  # the text file named .mp4
        qtbot.waitUntil(lambda: view.showing_message, timeout=20_000)
        assert view.redownload_button.isVisible()
        qtbot.mouseClick(view.message_back, Qt.MouseButton.LeftButton)
        assert win.pages.currentIndex() == PAGE_LIBRARY
    finally:
        win.shutdown()
