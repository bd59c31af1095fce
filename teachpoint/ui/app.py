"""Starting the app: QApplication, language, look, the main window, the workspace in a worker.

``teachpoint`` with no arguments calls :func:`run_app`. The window appears at once with an
"opening the lesson library…" page; the workspace (catalogue, store, first-run demo install)
opens on the task pool and the window fills in when it is ready. Before that, while the main
window's modules load (~0.5 s on a school PC), a splash screen says the same: something is on the
screen within ~0.2 s of the click (issue 17; ``benchmarks/startup.py`` measures both windows).
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QLabel

from teachpoint import __version__
from teachpoint.paths import DataPaths
from teachpoint.ui import i18n, style
from teachpoint.ui.tasks import TaskManager

log = logging.getLogger(__name__)

APP_NAME = "TeachPoint"
SPLASH_SIZE = (420, 160)


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


def show_splash(app: QApplication) -> QLabel:
    """A plain "opening the lesson library…" window, shown and painted before the main window loads.

    A frameless label rather than ``QSplashScreen``, whose ``show()`` waits up to a second for
    the window to be exposed (measured: 1.0 s under Xvfb, against 8 ms for a label).
    """
    # The opening page's own sentence (one translation for both).
    splash = QLabel(QCoreApplication.translate("OpeningPage", "Opening the lesson library…"))
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
    splash.resize(*SPLASH_SIZE)
    splash.move(app.primaryScreen().availableGeometry().center() - splash.rect().center())
    splash.show()
    app.processEvents()
    return splash


def run_app(paths: DataPaths, lesson: str | None = None, fullscreen: bool = False) -> int:
    """Run the app on the data directory ``paths`` until the window is closed; the exit code.

    ``lesson`` (a resource id) opens at once in the player, full screen with ``fullscreen``
    (``teachpoint play``)."""
    app = create_application()
    splash = show_splash(app)
    from teachpoint.ui.main_window import MainWindow  # after QApplication: widgets need it

    tasks = TaskManager(app)
    window = MainWindow(tasks)
    tasks.error.connect(lambda name, exc: log.error("background task %s failed: %s", name, exc))
    window.showMaximized()
    splash.close()
    if lesson is not None:
        window.play_when_open(lesson, fullscreen=fullscreen)
    window.open_workspace(paths)
    log.info("TeachPoint %s started on %s (%s)", __version__, paths.root, app.platformName())
    code = app.exec()
    window.shutdown()
    return int(code)
