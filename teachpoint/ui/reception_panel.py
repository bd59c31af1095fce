"""The satellite broadcast's reception report on the 同步 page (issue 16).

The receiver (``teachpoint receive`` or the background service) writes its report to
``DATA_DIR/broadcast/reception.json``; this panel reads it in a worker every few seconds while it
is visible and says, in a teacher's words, when the broadcast was last heard, what arrived and
what is still missing (a USB stick or a neighbour's PC can bring the rest). It stays hidden on a
PC that never received a broadcast.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QFrame, QVBoxLayout

from teachpoint.ui.formatting import format_size
from teachpoint.ui.widgets import make_label

log = logging.getLogger(__name__)

REFRESH_MS = 5_000  # the receiver saves its report at most once a second


def _parse_time(text) -> datetime | None:
    """A report timestamp ("2026-12-04T03:10:00Z") as an aware datetime, None if absent or bad."""
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


class ReceptionPanel(QFrame):
    """What the broadcast brought: last heard, received, still missing (hidden if none)."""

    def __init__(self, controller, ago: Callable[[datetime, datetime], str], parent=None):
        super().__init__(parent)
        self.setObjectName("ReceptionPanel")
        self.controller, self.ago = controller, ago  # the SyncController knows the workspace
        self.report: dict | None = None
        self.title = make_label("SyncSectionTitle")
        self.heard = make_label("Hint", wrap=True, selectable=True)
        self.channels = make_label("SyncOverall", wrap=True, selectable=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.setSpacing(4)
        for widget in (self.title, self.heard, self.channels):
            layout.addWidget(widget)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.hide()

    def refresh(self) -> None:
        """Read the workspace's report in a worker while the 同步 page is shown; the panel
        updates when it arrives."""
        ws, page = self.controller.ws, self.parentWidget()
        if ws is None or page is None or not page.isVisible():
            return
        from teachpoint.transport.broadcast_report import load_reception

        folder = Path(ws.paths.root)
        self.controller.tasks.run(lambda: load_reception(folder), on_done=self.show_report,
                                  name="broadcast-report")

    def show_report(self, report: dict | None) -> None:
        """Draw ``report`` (the JSON the receiver wrote), or hide when there is none."""
        self.report = report if isinstance(report, dict) else None
        if self.report is None:
            self.hide()
            return
        now = datetime.now(timezone.utc)
        self.title.setText(self.tr("Satellite broadcast"))
        self.heard.setText(self._heard_text(self.report, now))
        channels = self._channel_list()
        self.channels.setText("\n".join(self._channel_text(c) for c in channels))
        self.channels.setVisible(bool(channels))
        self.show()

    def _channel_list(self) -> list[dict]:
        channels = (self.report or {}).get("repositories")
        return [c for c in channels if isinstance(c, dict)] if isinstance(channels, list) else []

    def _heard_text(self, report: dict, now: datetime) -> str:
        heard = _parse_time(report.get("last_heard"))
        files = sum(n for n in (report.get("objects_received") or {}).values() if isinstance(n, int))
        size = report.get("bytes_received") if isinstance(report.get("bytes_received"), int) else 0
        if heard is None:
            return self.tr("Listening for the broadcast; nothing heard yet.")
        return self.tr("Last heard {ago} · {n} files received ({size})").format(
            ago=self.ago(heard, now), n=files, size=format_size(size))

    def _channel_text(self, channel: dict) -> str:
        name = channel.get("title") or channel.get("repository") or \
            self.tr("a channel not yet identified")
        waiting = channel.get("files_waiting") if isinstance(channel.get("files_waiting"), int) else 0
        if channel.get("state") == "complete":
            return self.tr("{name}: everything has arrived").format(name=name)
        if waiting:
            return self.tr("{name}: {n} files still missing — they come in the next broadcast "
                           "passes, or bring them by USB stick").format(name=name, n=waiting)
        return self.tr("{name}: waiting for the lesson list").format(name=name)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.report is not None:
            self.show_report(self.report)
        super().changeEvent(event)
