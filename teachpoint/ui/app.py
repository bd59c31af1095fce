"""Starting the app: QApplication, language, look, the main window, the workspace in a worker.

``teachpoint`` with no arguments calls :func:`run_app`. The window appears at once with an
"opening the lesson library…" page; the workspace (catalogue, store, first-run demo install)
opens on the task pool and the window fills in when it is ready.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtWidgets import QApplication

from teachpoint import __version__
from teachpoint.paths import DataPaths
from teachpoint.ui import i18n, style
from teachpoint.ui.tasks import TaskManager

log = logging.getLogger(__name__)

APP_NAME = "TeachPoint"


def _prefer_x11() -> None:
    """On a Wayland desktop use XWayland when present: libvlc embeds only into X11 windows."""
    if (sys.platform.startswith("linux") and os.environ.get("WAYLAND_DISPLAY")
            and os.environ.get("DISPLAY") and "QT_QPA_PLATFORM" not in os.environ):
        os.environ["QT_QPA_PLATFORM"] = "xcb"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with our name, language (zh_CN unless told otherwise) and look."""
    app = QApplication.instance()
    if app is None:
        _prefer_x11()
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    i18n.install_translators(app, i18n.choose_language())
    style.apply_look(app)
    return app


def run_app(paths: DataPaths, lesson: str | None = None, fullscreen: bool = False) -> int:
    """Run the app on the data directory ``paths`` until the window is closed; the exit code.

    ``lesson`` (a resource id) opens at once in the player, full screen with ``fullscreen``
    (``teachpoint play``)."""
    from teachpoint.ui.main_window import MainWindow  # after QApplication: widgets need it

    app = create_application()
    tasks = TaskManager(app)
    window = MainWindow(tasks)
    tasks.error.connect(lambda name, exc: log.error("background task %s failed: %s", name, exc))
    window.showMaximized()
    if lesson is not None:
        window.play_when_open(lesson, fullscreen=fullscreen)
    window.open_workspace(paths)
    log.info("TeachPoint %s started on %s (%s)", __version__, paths.root, app.platformName())
    code = app.exec()
    window.shutdown()
    return int(code)
