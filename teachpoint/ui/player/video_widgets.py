"""Widgets that show video: a native window for libvlc to draw into, or a painted QImage.

Nothing may be laid over :class:`NativeVideoSurface`: libvlc draws into a child X window on top
of it, so messages go on a separate page of the player (see ``player_window``). ``QWidget.grab()``
cannot see libvlc's picture either; use ``QScreen.grabWindow(0)`` (DESIGN §6).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class _VideoBase(QWidget):
    double_clicked = Signal()
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("VideoSurface")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self.setMouseTracking(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor("black"))
        self.setPalette(pal)
        self.setAutoFillBackground(True)

    def sizeHint(self) -> QSize:
        return QSize(960, 540)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.double_clicked.emit()
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class NativeVideoSurface(_VideoBase):
    """A black native window whose id is handed to libvlc (``set_xwindow`` / ``set_hwnd``)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)

    def window_handle(self) -> int:
        return int(self.winId())


class FrameView(_VideoBase):
    """Paints the newest frame from :class:`~teachpoint.ui.player.vmem.VmemRenderer`, letterboxed."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._frame: QImage | None = None
        self._display_size: QSize | None = None  # the picture's visible shape, if known
        self.frames_shown = 0

    def set_display_size(self, width: int, height: int) -> None:
        self._display_size = QSize(width, height)
        self.update()

    @Slot(QImage)
    def show_frame(self, image: QImage) -> None:
        self._frame = image
        self.frames_shown += 1
        self.update()

    def clear(self) -> None:
        self._frame = None
        self._display_size = None
        self.update()

    def current_frame(self) -> QImage | None:
        """The last frame received (a copy owned by this widget), or None."""
        return self._frame

    def target_rect(self) -> QRect:
        """Where the frame is drawn: as large as fits, aspect ratio kept, centred."""
        if self._frame is None or self._frame.isNull():
            return QRect()
        shape = self._display_size or self._frame.size()
        size = shape.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(x, y, size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        if self._frame is not None and not self._frame.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(self.target_rect(), self._frame)
        painter.end()
