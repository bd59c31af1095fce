"""The look: large readable fonts (Noto Sans CJK), big buttons, calm colours.

The audience is a teacher at a projector who may not be confident with computers, so sizes are
generous: a 15 pt base font, 18 pt in the search box, a very big play button.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 15
FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                 "WenQuanYi Micro Hei", "sans-serif"]

ACCENT = "#1f6f43"  # green: play, go
ACCENT_DARK = "#17563a"
INK = "#1d1d1d"
MUTED = "#6b6b6b"
PANEL = "#ffffff"
BACKGROUND = "#f3f1ec"
DANGER = "#b3261e"

_STYLESHEET = f"""
QMainWindow, QWidget#LibraryPage, QWidget#StatePage {{ background: {BACKGROUND}; }}
QWidget#TopBar {{ background: {ACCENT}; }}
QLabel#AppTitle {{ color: white; font-size: 20pt; font-weight: bold; padding-right: 12px; }}
QLineEdit#SearchBox {{
    font-size: 18pt; padding: 8px 12px; border: 2px solid {ACCENT_DARK}; border-radius: 8px;
    background: white; color: {INK};
}}
QTreeView, QListView {{
    background: {PANEL}; border: 1px solid #d8d4cc; border-radius: 6px; color: {INK};
}}
QTreeView::item, QListView::item {{ padding: 6px 2px; }}
QTreeView::item:selected, QListView::item:selected {{ background: #cfe8d9; color: {INK}; }}
QWidget#LessonPanel {{ background: {PANEL}; border: 1px solid #d8d4cc; border-radius: 6px; }}
QLabel#LessonTitle {{ font-size: 24pt; font-weight: bold; color: {INK}; }}
QLabel#LessonWhere {{ font-size: 15pt; color: {MUTED}; }}
QLabel#Hint {{ font-size: 16pt; color: {MUTED}; }}
QLabel#StateWarning {{ font-size: 15pt; color: {DANGER}; }}
QPushButton {{ padding: 8px 16px; border-radius: 6px; border: 1px solid #b9b4aa; background: #fbfaf7; }}
QPushButton:hover {{ background: #eeebe4; }}
QPushButton#PlayButton {{
    font-size: 24pt; font-weight: bold; color: white; background: {ACCENT};
    border: none; border-radius: 10px; padding: 14px 36px; min-height: 56px;
}}
QPushButton#PlayButton:hover {{ background: {ACCENT_DARK}; }}
QPushButton#PlayButton:disabled {{ background: #a9b8ae; color: #eef2ef; }}
QWidget#PlayerPage {{ background: black; }}
QWidget#PlayerHeader, QWidget#ControlBar {{ background: #202020; }}
QWidget#PlayerHeader QLabel, QWidget#ControlBar QLabel {{ color: #f0f0f0; }}
QLabel#PlayerTitle {{ font-size: 18pt; font-weight: bold; }}
QWidget#PlayerHeader QPushButton, QWidget#ControlBar QPushButton {{
    color: white; background: #3a3a3a; border: 1px solid #555; font-size: 16pt; min-height: 44px;
}}
QWidget#PlayerHeader QPushButton:hover, QWidget#ControlBar QPushButton:hover {{ background: #4a4a4a; }}
QPushButton#PlayPause {{ background: {ACCENT}; border: none; font-size: 20pt; min-width: 120px; }}
QPushButton#PlayPause:hover {{ background: {ACCENT_DARK}; }}
QPushButton:checked {{ background: #2d5a40; }}
QLabel#VideoMessage {{
    color: white; font-size: 20pt; background: rgba(0,0,0,0.6); padding: 24px; border-radius: 10px;
}}
QLabel#ResumeNotice {{ color: #ffe9a8; font-size: 14pt; }}
/* the classroom player: end card, audio view, on-screen note (teachpoint/ui/player) */
QLabel#EndCardHeading {{ color: #d8d8d8; font-size: 18pt; }}
QLabel#EndCardTitle, QLabel#AudioTitle {{ color: white; font-size: 26pt; font-weight: bold; }}
QLabel#EndCardNext {{ color: #ffe9a8; font-size: 16pt; }}
QPushButton#EndCardButton {{
    font-size: 20pt; color: white; background: #3a3a3a; border: 1px solid #777; border-radius: 10px;
    padding: 12px 28px; min-height: 52px;
}}
QPushButton#EndCardButton:hover {{ background: #4a4a4a; }}
QLabel#AudioKind {{ color: #9fd8b4; font-size: 18pt; }}
QLabel#AudioTime {{ color: white; font-size: 22pt; }}
QProgressBar#AudioProgress {{
    min-height: 14px; max-height: 14px; background: #555; border: none; border-radius: 7px;
}}
QProgressBar#AudioProgress::chunk {{ background: #4caf7a; border-radius: 7px; }}
QLabel#PlayerOsd {{
    color: white; font-size: 24pt; font-weight: bold; background: rgba(20,20,20,0.85);
    border: 2px solid #4caf7a; border-radius: 10px; padding: 10px 22px;
}}
QSlider::groove:horizontal {{ height: 10px; background: #555; border-radius: 5px; }}
QSlider::sub-page:horizontal {{ background: #4caf7a; border-radius: 5px; }}
QSlider::handle:horizontal {{
    background: white; width: 24px; margin: -8px 0; border-radius: 12px;
}}
QStatusBar {{ font-size: 13pt; color: {MUTED}; }}
QProgressBar {{ min-height: 14px; max-height: 14px; }}
/* top_bar: the places (widths computed in top_bar.py from these paddings) */
QPushButton#NavButton {{
    font-size: 15pt; color: white; background: transparent; border: 2px solid transparent;
    border-radius: 8px; padding: 6px 14px;
}}
QPushButton#NavButton:hover {{ background: {ACCENT_DARK}; }}
QPushButton#NavButton:checked {{ background: white; color: {ACCENT_DARK}; font-weight: bold; }}
QPushButton#NavButton:focus {{ border: 2px solid #ffe9a8; }}
QPushButton#NavButton:disabled {{ color: #a9c7b5; }}
QPushButton#NavButton[compact="true"] {{ padding: 6px 6px; }}
/* state_pages: the notice bar */
QWidget#NoticeBar {{ background: #fff4c2; border-bottom: 1px solid #e0c96a; }}
QLabel#NoticeText {{ font-size: 14pt; color: {INK}; }}
QLabel#NoticeDetails {{ font-size: 12pt; color: #5a4a00; }}
/* sync_panel */
QWidget#SyncPanel, QWidget#SyncBody {{ background: {BACKGROUND}; }}
QLabel#SyncStatus {{ font-size: 18pt; font-weight: bold; color: {MUTED}; }}
QLabel#SyncStatus[connection="online"] {{ color: {ACCENT}; }}
QLabel#SyncStatus[connection="offline"] {{ color: {DANGER}; }}
QLabel#SyncOverall {{ font-size: 16pt; color: {INK}; }}
QLabel#SyncFileTitle {{ font-size: 14pt; color: {INK}; }}
QLabel#SyncSectionTitle {{ font-size: 18pt; font-weight: bold; color: {ACCENT_DARK}; }}
QLabel#SyncNewLessons {{ font-size: 18pt; font-weight: bold; color: {ACCENT}; }}
QPushButton#SyncPauseButton {{
    font-size: 20pt; font-weight: bold; border-radius: 10px; padding: 12px 32px; min-height: 52px;
}}
QPlainTextEdit#SyncDetails {{ font-size: 11pt; color: {MUTED}; background: white; }}
/* settings_page */
QWidget#SettingsPage, QWidget#SettingsContent {{ background: {BACKGROUND}; }}
QLabel#SettingsTitle {{ font-size: 22pt; font-weight: bold; color: {INK}; }}
QFrame#SettingsSection {{ background: {PANEL}; border: 1px solid #d8d4cc; border-radius: 6px; }}
QLabel#SettingsHeading {{ font-size: 18pt; font-weight: bold; color: {ACCENT_DARK}; }}
QLabel#SettingsLockNote {{ font-size: 13pt; color: #8a5a00; }}
QLabel#SettingsNote {{ font-size: 13pt; color: {MUTED}; }}
QLabel#SettingsValue {{ font-weight: bold; color: {INK}; }}
QLabel#FieldMessage {{ font-size: 14pt; }}
QLabel#FieldMessage[kind="problem"] {{ color: {DANGER}; }}
QLabel#FieldMessage[kind="done"] {{ color: {ACCENT}; }}
QLabel#SettingsGroupHeading {{
    font-size: 15pt; font-weight: bold; color: {MUTED}; border-top: 2px solid #d8d4cc; padding-top: 12px;
}}
/* home_page, class_picker */
QWidget#HomePage, QWidget#HomeBody, QWidget#ClassPicker {{ background: {BACKGROUND}; }}
QLabel#HomeTitle {{ font-size: 22pt; font-weight: bold; color: {INK}; }}
QLabel#HomeSectionTitle {{ font-size: 18pt; font-weight: bold; color: {ACCENT_DARK}; }}
QLabel#HomeNotice {{
    font-size: 16pt; color: {INK}; background: #fff6d6; border: 1px solid #e6d38f;
    border-radius: 6px; padding: 12px;
}}
QFrame#HomeCard {{ background: {PANEL}; border: 1px solid #d8d4cc; border-radius: 10px; }}
QLabel#HomeCardClass {{ font-size: 15pt; font-weight: bold; color: {ACCENT_DARK}; }}
QLabel#HomeCardTitle {{ font-size: 22pt; font-weight: bold; color: {INK}; }}
QLabel#HomeResume {{ font-size: 14pt; color: {INK}; }}
QPushButton#HomeDownload {{
    font-size: 20pt; font-weight: bold; color: {ACCENT_DARK}; background: white;
    border: 2px solid {ACCENT}; border-radius: 10px; padding: 12px 28px; min-height: 52px;
}}
QPushButton#HomeChangeClasses, QPushButton#ClassPickerAdd,
QPushButton#ClassPickerSkip, QPushButton#ClassPickerRemove {{
    font-size: 16pt; min-height: 44px; padding: 8px 20px;
}}
QListWidget#NewLessons {{ font-size: 15pt; }}
QListWidget#NewLessons::item:hover {{ background: #e3f1e8; color: {ACCENT_DARK}; }}
QFrame#ClassPickerButtons {{ background: {BACKGROUND}; border-top: 1px solid #d8d4cc; }}
QLabel#ClassPickerHeading {{ font-size: 17pt; font-weight: bold; color: {ACCENT_DARK}; }}
QPushButton#ChoiceButton {{ font-size: 16pt; min-height: 48px; min-width: 96px; padding: 6px 14px; }}
QPushButton#ChoiceButton[empty="true"] {{ color: {MUTED}; border-style: dashed; }}
QPushButton#ChoiceButton:checked {{ background: {ACCENT}; color: white; border-color: {ACCENT_DARK}; }}
QPushButton#ChoiceButton:focus {{ border: 2px solid {ACCENT_DARK}; }}
QFrame#ClassPickerRow {{ background: {PANEL}; border: 1px solid #d8d4cc; border-radius: 8px; }}
QLabel#ClassPickerClass {{ font-size: 16pt; color: {INK}; }}
QLabel#ClassPickerNote {{ font-size: 15pt; color: #8a5a00; }}
QCheckBox#ClassPickerShowAll {{ font-size: 14pt; color: {MUTED}; }}
/* player: tool row, bookmarks, document view */
QWidget#PlayerTools {{ background: #202020; }}
QWidget#PlayerTools QPushButton {{
    color: white; background: #3a3a3a; border: 1px solid #555; font-size: 14pt; min-height: 40px;
    padding: 4px 12px;
}}
QWidget#PlayerTools QPushButton:hover {{ background: #4a4a4a; }}
QWidget#PlayerTools QPushButton:checked {{ background: #2d5a40; }}
QPushButton#SpeedButton[changed="true"] {{ background: #8a5a00; border-color: #c58a1a; }}
QPushButton#ABButton:checked {{ background: #1f4f7a; border-color: #3d7ab8; }}
QWidget#BookmarksPanel {{ background: #2a2a2a; }}
QWidget#BookmarksPanel QLabel {{ color: #f0f0f0; }}
QWidget#BookmarksPanel QLabel#StateWarning {{ color: #ffb4a9; font-size: 13pt; }}
QLabel#PanelHeading {{ font-size: 16pt; font-weight: bold; }}
QListWidget#BookmarkList {{ background: #1b1b1b; color: white; font-size: 15pt; border: 1px solid #444; }}
QListWidget#BookmarkList::item:selected {{ background: #2d5a40; color: white; }}
QLineEdit#BookmarkNote {{ font-size: 14pt; padding: 4px 8px; }}
QWidget#BookmarksPanel QPushButton {{
    color: white; background: #3a3a3a; border: 1px solid #555; font-size: 14pt; min-height: 38px;
}}
QPushButton#RedownloadButton {{
    font-size: 18pt; color: white; background: #3a3a3a; border: 1px solid #777; border-radius: 8px;
    padding: 10px 28px; min-height: 44px;
}}
QPushButton#RedownloadButton:disabled {{ color: #bbbbbb; }}
QWidget#DocumentPage {{ background: #3a3a3a; }}
QWidget#DocumentBar {{ background: #202020; }}
QWidget#DocumentBar QLabel {{ color: #f0f0f0; }}
QWidget#DocumentBar QPushButton {{
    color: white; background: #3a3a3a; border: 1px solid #555; font-size: 16pt; min-height: 44px;
}}
QWidget#DocumentBar QPushButton:hover {{ background: #4a4a4a; }}
QWidget#DocumentBar QPushButton:disabled {{ color: #888888; }}
QLabel#DocumentMessage {{
    color: white; font-size: 20pt; background: rgba(0,0,0,0.6); padding: 24px; border-radius: 10px;
}}
/* usb (teachpoint/ui/usb) */
QDialog#UsbDialog, QWidget#UsbBody {{ background: {BACKGROUND}; }}
QLabel#UsbTitle {{ font-size: 22pt; font-weight: bold; color: {INK}; }}
QFrame#UsbSection {{ background: {PANEL}; border: 1px solid #d8d4cc; border-radius: 8px; }}
QLabel#UsbHeading {{ font-size: 18pt; font-weight: bold; color: {ACCENT_DARK}; }}
QLabel#UsbText {{ font-size: 16pt; color: {INK}; }}
QLabel#UsbProgressTitle {{ font-size: 16pt; font-weight: bold; color: {INK}; }}
QProgressBar#UsbProgressBar {{ min-height: 22px; max-height: 22px; }}
QPushButton#UsbActionButton, QPushButton#UsbCancelButton {{ font-size: 16pt; min-height: 40px; }}
QLabel#UsbResult {{
    font-size: 18pt; font-weight: bold; color: {ACCENT_DARK}; background: #e3f1e8;
    border-radius: 8px; padding: 12px;
}}
QLabel#UsbResult[problem="true"] {{ color: {DANGER}; background: #f8e3e1; }}
/* checkboxes: the square grows with its label's font (em = that font's line height), so the
   large-text option, which scales every font-size, scales the squares too (px would not; a
   pt width is not accepted by Qt for sub-controls) */
QCheckBox::indicator {{ width: 0.75em; height: 0.75em; }}
"""


LARGE_TEXT_SCALE = 1.35  # "large text" for the back row of a classroom with a projector


def stylesheet(scale: float = 1.0) -> str:
    """The stylesheet with every ``pt`` font size multiplied by ``scale``.

    Modules that need rules of their own add them to ``_STYLESHEET`` above (in ``pt``), so the
    large-text option scales them too.
    """
    if scale == 1.0:
        return _STYLESHEET
    return re.sub(r"font-size: (\d+)pt", lambda m: f"font-size: {round(int(m[1]) * scale)}pt",
                  _STYLESHEET)


STYLESHEET = stylesheet()


def app_font(point_size: int = BASE_POINT_SIZE) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(point_size)
    return font


def apply_look(app: QApplication, large_text: bool = False) -> None:
    """Fusion style (the same everywhere), the CJK font at a readable size, our stylesheet.

    ``large_text`` scales every font by :data:`LARGE_TEXT_SCALE` (settings → 大字体).
    """
    scale = LARGE_TEXT_SCALE if large_text else 1.0
    app.setStyle("Fusion")
    app.setFont(app_font(round(BASE_POINT_SIZE * scale)))
    app.setStyleSheet(stylesheet(scale))
