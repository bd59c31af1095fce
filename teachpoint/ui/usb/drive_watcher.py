"""Notices USB sticks coming and going, and looks at each new one in a worker.

:class:`DriveWatcher` polls :func:`teachpoint.ui.usb.drives.removable_volumes` (Qt's
``QStorageInfo.mountedVolumes()``: cheap, no device notifications to wire per platform) on a timer,
every :data:`POLL_MS`. Folders given to :meth:`DriveWatcher.watch_folder` (or ``extra_roots``)
count as drives while they exist: a satellite receiver's drop folder, a network share, and the
tests' stand-in for a stick.

For each drive that appears it emits :attr:`drive_added`, then inspects it through the
TaskManager (:func:`teachpoint.ui.usb.usb_jobs.inspect_drive`, bounded by the core's caps) and
emits :attr:`offer_ready` only when the drive carries lessons or another school's inventory — an
ordinary stick with photos on it never interrupts a lesson. :attr:`drive_removed` follows the
removal; an offer that arrives after its drive went away is dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.usb import drives
from teachpoint.ui.usb.usb_jobs import DriveGone, DriveOffer, Hook, inspect_drive

log = logging.getLogger(__name__)

POLL_MS = 2000


class DriveWatcher(QObject):
    """Reports removable drives (and watched folders) and what TeachPoint sticks offer.

    ``workspace`` is a callable returning the open Workspace (or None while none is open: drives
    are then noted, and inspected by :meth:`inspect_again` later). ``list_volumes`` returns the
    mounted removable volumes (default :func:`drives.removable_volumes`); pass ``lambda: []`` to
    watch only the folders.
    """

    drive_added = Signal(str)
    drive_removed = Signal(str)
    offer_ready = Signal(str, object)  # drive path, DriveOffer

    def __init__(self, tasks: TaskManager, workspace: Callable[[], object | None],
                 parent: QObject | None = None, extra_roots=(), interval_ms: int = POLL_MS,
                 list_volumes: Callable[[], list[drives.Volume]] | None = None):
        super().__init__(parent)
        self.tasks, self.workspace = tasks, workspace
        self.list_volumes = list_volumes or drives.removable_volumes
        self.inspect_hook: Hook | None = None  # called in the worker (tests pull sticks with it)
        self._folders: list[str] = []
        self._present: dict[str, str] = {}  # path → label
        self._generation: dict[str, int] = {}  # bumps on each appearance: stale offers are dropped
        self._offers: dict[str, DriveOffer] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        for root in extra_roots:
            self.watch_folder(root)

    # ---- public -------------------------------------------------------------------------------------

    def start(self) -> None:
        """Poll now and then every ``interval_ms``."""
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def watch_folder(self, path: str | Path) -> None:
        """Treat ``path`` as a drive while it exists (a drop folder; a stick in tests)."""
        path = str(Path(path))
        if path not in self._folders:
            self._folders.append(path)

    def unwatch_folder(self, path: str | Path) -> None:
        path = str(Path(path))
        if path in self._folders:
            self._folders.remove(path)

    def drives(self) -> list[str]:
        """The drives present now, in the order they appeared."""
        return list(self._present)

    def label(self, path: str) -> str:
        return self._present.get(path, "")

    def offer(self, path: str) -> DriveOffer | None:
        """The last offer of a drive that is still present (None if none or not a TeachPoint stick)."""
        return self._offers.get(path) if path in self._present else None

    def inspect_again(self, path: str | None = None) -> None:
        """Look at one drive (or all present drives) again, e.g. once a workspace is open."""
        for p in [path] if path else list(self._present):
            if p in self._present:
                self._inspect(p)

    # ---- polling ------------------------------------------------------------------------------------

    def poll(self) -> None:
        """Compare what is mounted now with what was; report the differences."""
        now: dict[str, str] = {}
        try:
            for vol in self.list_volumes():
                now[vol.path] = vol.name
        except Exception:  # noqa: BLE001 - a volume list that fails now may work next time
            log.exception("listing the mounted volumes failed")
            now = {p: label for p, label in self._present.items() if p not in self._folders}
        for folder in self._folders:
            try:
                if Path(folder).is_dir():
                    now.setdefault(folder, "")
            except OSError:
                pass
        for gone in [p for p in self._present if p not in now]:
            del self._present[gone]
            self._offers.pop(gone, None)
            self._generation[gone] = self._generation.get(gone, 0) + 1
            log.info("drive removed: %s", gone)
            self.drive_removed.emit(gone)
        for new in [p for p in now if p not in self._present]:
            self._present[new] = now[new]
            self._generation[new] = self._generation.get(new, 0) + 1
            log.info("drive added: %s (%s)", new, now[new])
            self.drive_added.emit(new)
            self._inspect(new)

    def _inspect(self, path: str) -> None:
        ws = self.workspace()
        if ws is None:
            return
        generation = self._generation.get(path, 0)
        label, hook = self._present.get(path, ""), self.inspect_hook
        self.tasks.run(lambda: inspect_drive(ws, path, label, hook),
                       on_done=lambda offer: self._inspected(path, generation, offer),
                       on_error=lambda exc: self._inspect_failed(path, generation, exc),
                       name=f"inspect drive {path}")

    def _current(self, path: str, generation: int) -> bool:
        return path in self._present and self._generation.get(path) == generation

    def _inspected(self, path: str, generation: int, offer: DriveOffer) -> None:
        if not self._current(path, generation):
            log.info("drive %s went away before its inspection finished", path)
            return
        if not offer.is_teachpoint:
            log.info("drive %s carries no lessons and no inventory of another school", path)
            return
        self._offers[path] = offer
        self.offer_ready.emit(path, offer)

    def _inspect_failed(self, path: str, generation: int, exc: BaseException) -> None:
        if isinstance(exc, DriveGone):
            log.info("drive %s went away during its inspection", path)
            self.poll()  # report the removal now rather than at the next tick
            return
        log.error("looking at drive %s failed", path, exc_info=exc)
