"""UI test set-up: offscreen Qt, no audio, the zh_CN translation, and a small real library.

``QT_QPA_PLATFORM`` must be set before the QApplication exists; pytest-qt creates it lazily
(the ``qapp`` fixture), after this module is imported, so setting it here is early enough.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TEACHPOINT_NO_AUDIO"] = "1"
os.environ.pop("TEACHPOINT_LANG", None)
os.environ.pop("TEACHPOINT_VIDEO_OUTPUT", None)

import pytest  # noqa: E402

from uihelpers import build_library, make_media  # noqa: E402


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    """Real media files shared by the session (see :func:`uihelpers.make_media`)."""
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture
def library(tmp_path, media):
    ws = build_library(tmp_path / "data", media)
    yield ws
    ws.close()


@pytest.fixture(scope="session", autouse=True)
def zh_translator(qapp):
    """The app's default language and look, installed once for the whole session."""
    from teachpoint.ui import i18n, style

    installed = i18n.install_translators(qapp, "zh_CN")
    style.apply_look(qapp)
    yield installed
    i18n.remove_translators(qapp)


@pytest.fixture
def tasks(qapp):
    from teachpoint.ui.tasks import TaskManager

    manager = TaskManager()
    yield manager
    manager.wait(10_000)
    manager.deleteLater()


@pytest.fixture
def window(qtbot, tasks, library):
    """The main window on the test library, opened the way the app opens it (in a worker), on
    the 全部课程 place (it opens on 首页)."""
    from teachpoint.ui.main_window import PAGE_HOME, PAGE_LIBRARY, MainWindow

    win = MainWindow(tasks)
    qtbot.addWidget(win)
    win.show()
    win.open_workspace(library.paths, install_demo=False)
    qtbot.waitUntil(lambda: win.pages.currentIndex() == PAGE_HOME and win.tree_loaded
                    and win.summary is not None, timeout=10_000)
    win.go("library")
    assert win.pages.currentIndex() == PAGE_LIBRARY
    yield win
    win.shutdown()
