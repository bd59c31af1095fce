"""下载 pressed anywhere shows everywhere: which lessons are coming, and whether the disk lets
anything download at all (:class:`~teachpoint.ui.disk_banner.DiskBanner`)."""

from __future__ import annotations

from PySide6.QtCore import QObject


class DownloadRequests(QObject):
    """Hands 下载 / 重新下载 to sync and tells every view with a 下载 button (``views``: objects
    with ``set_download_state(asked, blocked)``) at once, so none still offers a stale state."""

    def __init__(self, sync, banner, views: list, parent: QObject | None = None):
        super().__init__(parent)
        self.sync, self.banner, self.views = sync, banner, list(views)
        self.asked: set[str] = set()  # pressed, not arrived yet
        banner.health_changed.connect(lambda _health: self.publish())
        sync.lesson_ready.connect(self.arrived)

    def request(self, resource_id: str) -> None:
        self.asked.add(resource_id)
        self.sync.request_download(resource_id)
        self.publish()

    def arrived(self, resource_id: str) -> None:
        if resource_id in self.asked:
            self.asked.discard(resource_id)
            self.publish()

    def publish(self) -> None:
        health = self.banner.health
        blocked = health is not None and health.downloads_blocked
        for view in self.views:
            view.set_download_state(self.asked, blocked)
