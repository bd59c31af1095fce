"""下载 pressed anywhere shows everywhere: which lessons are coming, and whether the disk lets
anything download at all (:class:`~teachpoint.ui.disk_banner.DiskBanner`)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject


@dataclass(frozen=True)
class DownloadState:
    """What every view with a 下载 button shows: lessons asked for, a disk too full to download,
    and why asked lessons are not coming (no source, offline, a sync problem; "" while trying)."""

    asked: frozenset = frozenset()
    blocked: bool = False
    stalled: str = ""


class DownloadRequests(QObject):
    """Hands 下载 / 重新下载 to sync and tells every view with a 下载 button (``views``: objects
    with ``set_download_state(asked, blocked)``) at once, so none still offers a stale state."""

    def __init__(self, sync, banner, views: list, parent: QObject | None = None):
        super().__init__(parent)
        self.sync, self.banner, self.views = sync, banner, list(views)
        self.asked: set[str] = set()  # pressed, not arrived yet
        self.stalled = ""
        banner.health_changed.connect(lambda _health: self.publish())
        sync.lesson_ready.connect(self.arrived)
        sync.state_changed.connect(self._sync_state)

    def request(self, resource_id: str) -> None:
        self.asked.add(resource_id)
        self.stalled = ""  # trying again
        self.sync.request_download(resource_id)
        self.publish()

    def arrived(self, resource_id: str) -> None:
        if resource_id in self.asked:
            self.asked.discard(resource_id)
            self.publish()

    def _sync_state(self, state) -> None:
        """After a round, say why the lessons asked for did not come (nothing while it runs)."""
        stalled = "" if state.running or not self.asked else self._stalled_text(state)
        if stalled != self.stalled:
            self.stalled = stalled
            self.publish()

    def _stalled_text(self, state) -> str:
        if state.has_sources is False:
            return self.tr("There is nowhere to download it from yet: bring it on a USB stick, or "
                           "ask the school's IT teacher to add an update source in Settings.")
        if state.problems:
            return state.problems[0]
        if state.connection == "offline":
            return self.tr("No network right now; it downloads by itself once the network is back.")
        return ""

    @property
    def state(self) -> DownloadState:
        health = self.banner.health
        return DownloadState(frozenset(self.asked), health is not None and health.downloads_blocked,
                             self.stalled)

    def publish(self) -> None:
        state = self.state
        for view in self.views:
            view.set_download_state(state)
