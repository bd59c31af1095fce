"""The progress strip of the USB dialog: what is being done, a bar, files/bytes/speed, 取消."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from teachpoint.ui.usb.usb_messages import UsbMessages
from teachpoint.ui.widgets import set_bar_value

BAR_STEPS = 1000


class UsbProgress(QWidget):
    """Shows a running copy (import or export); :attr:`cancel_requested` when 取消 is pressed.

    :meth:`update_progress` takes the core's ``TransferProgress`` / ``ExportProgress`` (both have
    files_done, files_total, bytes_done, bytes_total, speed_bps, eta_s).
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("UsbProgress")
        self.messages = UsbMessages(self)
        self.title = QLabel()
        self.title.setObjectName("UsbProgressTitle")
        self.bar = QProgressBar()
        self.bar.setObjectName("UsbProgressBar")
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setTextVisible(False)
        self.detail = QLabel()
        self.detail.setObjectName("Hint")
        self.detail.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("UsbCancelButton")
        self.cancel_button.clicked.connect(self._cancel_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addWidget(self.detail)
        self.hide()

    def begin(self, title: str) -> None:
        """Show the strip for a new job (the bar pulses until the first report)."""
        self.title.setText(title)
        self.detail.setText(self.tr("Starting…"))
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        self.show()

    def update_progress(self, p) -> None:
        self.bar.setRange(0, BAR_STEPS)
        total = max(int(p.bytes_total), 1)
        set_bar_value(self.bar, min(BAR_STEPS, int(BAR_STEPS * int(p.bytes_done) / total)))
        self.detail.setText(self.messages.progress_line(p))

    def end(self) -> None:
        self.hide()

    def _cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Stopping…"))
        self.detail.setText(self.tr("Stopping after the current file…"))
        self.cancel_requested.emit()
