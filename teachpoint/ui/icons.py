"""Simple vector icons drawn with QPainter (no icon theme or emoji font needed).

Symbols such as ⏪ ⏸ ⛶ are missing from the CJK fonts found on classroom PCs and show as empty
boxes, so the player draws its own: crisp at any size, in any colour.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

SIZE = 64  # drawn at this size, scaled down by Qt as needed


def _canvas() -> tuple[QPixmap, QPainter]:
    pix = QPixmap(SIZE, SIZE)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    return pix, painter


def _triangle(painter: QPainter, x0: float, x1: float, pointing_right: bool = True) -> None:
    top, bottom, mid = 12.0, SIZE - 12.0, SIZE / 2
    if pointing_right:
        pts = [QPointF(x0, top), QPointF(x1, mid), QPointF(x0, bottom)]
    else:
        pts = [QPointF(x1, top), QPointF(x0, mid), QPointF(x1, bottom)]
    painter.drawPolygon(QPolygonF(pts))


def make_icon(name: str, color: str = "white") -> QIcon:
    """One of ``play pause rewind forward fullscreen leave_fullscreen replay``."""
    pix, p = _canvas()
    col = QColor(color)
    p.setBrush(col)
    p.setPen(Qt.PenStyle.NoPen)
    if name == "play":
        _triangle(p, 16, 52)
    elif name == "pause":
        p.drawRoundedRect(QRectF(15, 12, 12, 40), 2, 2)
        p.drawRoundedRect(QRectF(37, 12, 12, 40), 2, 2)
    elif name == "rewind":
        _triangle(p, 4, 32, pointing_right=False)
        _triangle(p, 30, 58, pointing_right=False)
    elif name == "forward":
        _triangle(p, 6, 34)
        _triangle(p, 32, 60)
    elif name in ("fullscreen", "leave_fullscreen"):
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(col, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap))
        a, b, arm = 10.0, SIZE - 10.0, 14.0
        inward = name == "leave_fullscreen"
        for cx, cy, dx, dy in ((a, a, 1, 1), (b, a, -1, 1), (a, b, 1, -1), (b, b, -1, -1)):
            if inward:  # corners pointing in: "make it smaller"
                cx, cy = cx + dx * arm, cy + dy * arm
                dx, dy = -dx, -dy
            path = QPainterPath(QPointF(cx, cy + dy * arm))
            path.lineTo(cx, cy)
            path.lineTo(cx + dx * arm, cy)
            p.drawPath(path)
    elif name == "replay":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(col, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawArc(QRectF(12, 12, 40, 40), 60 * 16, 290 * 16)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(col)
        p.drawPolygon(QPolygonF([QPointF(38, 4), QPointF(52, 16), QPointF(34, 22)]))
    p.end()
    return QIcon(pix)
