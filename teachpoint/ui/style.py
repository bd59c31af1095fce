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
QSlider::groove:horizontal {{ height: 10px; background: #555; border-radius: 5px; }}
QSlider::sub-page:horizontal {{ background: #4caf7a; border-radius: 5px; }}
QSlider::handle:horizontal {{
    background: white; width: 24px; margin: -8px 0; border-radius: 12px;
}}
QStatusBar {{ font-size: 13pt; color: {MUTED}; }}
QProgressBar {{ min-height: 14px; max-height: 14px; }}
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
