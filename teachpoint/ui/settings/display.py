"""显示: the interface language (中文 / English) and large text for the projector; both apply at once.

The language is switched by reinstalling the translators (:func:`teachpoint.ui.i18n.install_translators`);
every widget then gets a LanguageChange event and retranslates itself. Large text re-applies the
look with :func:`teachpoint.ui.style.apply_look`. Both are saved in the workspace settings
(:data:`teachpoint.workspace.SETTING_LANGUAGE`, :data:`~teachpoint.workspace.SETTING_LARGE_TEXT`);
:func:`read_display_settings` and :func:`apply_display` restore them at start-up.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from teachpoint.ui import i18n, style
from teachpoint.ui.settings.common import FieldMessage, SettingsSection
from teachpoint.library.settings import SETTING_LANGUAGE, SETTING_LARGE_TEXT

log = logging.getLogger(__name__)

# Each language is named in itself, so it can be found whatever language is showing.
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def read_display_settings(ws) -> tuple[str, bool]:
    """(language, large text) as saved in the workspace (worker-safe; the environment's
    ``TEACHPOINT_LANG`` still wins for the language, see :func:`i18n.choose_language`)."""
    with ws.catalogue.write_lock:
        language, large = ws.setting(SETTING_LANGUAGE), ws.setting(SETTING_LARGE_TEXT)
    return i18n.choose_language(language), large == "1"


def apply_display(app: QApplication, language: str, large_text: bool) -> None:
    """Show the app in ``language`` with normal or large text (GUI thread)."""
    if language != i18n.current_language():
        i18n.install_translators(app, language)
    style.apply_look(app, large_text=large_text)


def _read(ws) -> tuple[bool, frozenset[str]]:
    with ws.catalogue.write_lock:
        return ws.setting(SETTING_LARGE_TEXT) == "1", ws.locked_settings()


def _save(ws, key: str, value: str) -> None:
    ws.set_setting(key, value)


class DisplaySection(SettingsSection):
    """Language choice and the large-text tick box."""

    def __init__(self, tasks, parent=None):
        super().__init__(tasks, parent)
        self.language_label = QLabel()
        self.language_box = QComboBox()
        for code, name in LANGUAGE_NAMES.items():
            self.language_box.addItem(name, code)
        self.large_text_box = QCheckBox()
        self.message = FieldMessage()
        row = QHBoxLayout()
        row.addWidget(self.language_label)
        row.addWidget(self.language_box)
        row.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.large_text_box)
        layout.addWidget(self.message)
        self.lockable = {"language": [self.language_box], "large_text": [self.large_text_box]}
        self._show_language()
        self.language_box.activated.connect(
            lambda index: self.set_language(self.language_box.itemData(index)))
        self.large_text_box.clicked.connect(self.set_large_text)
        self.retranslate()

    def load(self) -> None:
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _read(ws), self._loaded, self.message, name="read display settings")

    def _loaded(self, result) -> None:
        large, locked = result
        self.apply_locks(locked)
        self.large_text_box.setChecked(large)
        self._show_language()

    def _show_language(self) -> None:
        index = self.language_box.findData(i18n.current_language())
        if index >= 0:
            self.language_box.setCurrentIndex(index)

    def set_language(self, language: str) -> None:
        """Switch the whole app to ``language`` now, and remember it."""
        if self.is_locked("language") or language not in LANGUAGE_NAMES:
            return
        app = QApplication.instance()
        if language != i18n.current_language():
            i18n.install_translators(app, language)
        self._show_language()
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _save(ws, SETTING_LANGUAGE, language),
                     lambda _: self.changed.emit("language"), self.message, name="save language")

    def set_large_text(self, on: bool) -> None:
        """Large text for the whole app now (or back to normal), and remember it."""
        if self.is_locked("large_text"):
            return
        style.apply_look(QApplication.instance(), large_text=bool(on))
        self.large_text_box.setChecked(bool(on))
        if self.ws is not None:
            ws = self.ws
            self.run(lambda: _save(ws, SETTING_LARGE_TEXT, "1" if on else "0"),
                     lambda _: self.changed.emit("large_text"), self.message,
                     name="save large text")

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(self.tr("Display"))
        self.language_label.setText(self.tr("Language:"))
        self.large_text_box.setText(self.tr("Large text (easier to read on a projector)"))
