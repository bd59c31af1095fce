"""Translations: English source strings in the code, Chinese in ``assets/i18n``.

Every user-visible string goes through ``self.tr()`` (context = the class name) or
``QCoreApplication.translate(context, text)``. ``assets/i18n/teachpoint_zh_CN.ts`` holds the
Chinese; ``teachpoint_zh_CN.qm`` is its compiled form, loaded here together with Qt's own
``qtbase_zh_CN.qm`` (standard buttons such as OK/Cancel). See ``assets/i18n/README.md`` for
updating them. Chinese is the default; ``TEACHPOINT_LANG=en`` (or the ``ui_language`` setting)
selects the English source strings.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from teachpoint.resources import assets_dir
from teachpoint.library.settings import SETTING_LANGUAGE

log = logging.getLogger(__name__)

ENV_LANG = "TEACHPOINT_LANG"
SETTING_LANG = SETTING_LANGUAGE
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
CATALOG = "teachpoint"

_installed: list[QTranslator] = []  # kept referenced: a collected translator stops working


def i18n_dir() -> Path:
    return assets_dir() / "i18n"


def qm_path(language: str) -> Path:
    return i18n_dir() / f"{CATALOG}_{language}.qm"


def normalise_language(value: str | None) -> str | None:
    """``"en"``, ``"en_US"``, ``"zh"``, ``"zh-CN"`` … → one of :data:`LANGUAGES` (None if unknown)."""
    if not value:
        return None
    key = value.strip().replace("-", "_").lower()
    if key.startswith("en"):
        return "en"
    if key.startswith("zh"):
        return "zh_CN"
    return None


def choose_language(setting: str | None = None) -> str:
    """The environment wins, then the saved setting, then Chinese."""
    return (normalise_language(os.environ.get(ENV_LANG)) or normalise_language(setting)
            or DEFAULT_LANGUAGE)


def install_translators(app: QCoreApplication, language: str) -> bool:
    """Replace the installed translators with those for ``language``; True if Chinese loaded.

    A missing ``.qm`` is logged and the English source strings show: never fatal.
    """
    remove_translators(app)
    if language == "en":
        QLocale.setDefault(QLocale("en_US"))
        return False
    QLocale.setDefault(QLocale("zh_CN"))
    ours = QTranslator(app)
    if not ours.load(str(qm_path(language))):
        log.warning("translation %s not found; showing English", qm_path(language))
        return False
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    app.installTranslator(ours)
    _installed.append(ours)
    log.info("interface language %s", language)
    return True


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())


def current_language() -> str:
    return "zh_CN" if _installed else "en"
