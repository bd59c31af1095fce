"""Ties the drive watcher to the USB dialogs, so the main window wires USB in a few lines.

One :class:`UsbDialog` per drive: a TeachPoint stick that appears opens its dialog (or refreshes
the one already open for it, when the same stick comes back); a removed drive tells its dialog.
While ``busy()`` says the teacher is in the middle of something (a full-screen lesson), offers wait
and :attr:`pending_changed` says how many; :meth:`open_drive` opens them (or any drive, e.g. an
empty stick to put this PC's lesson list on) when the teacher asks.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from teachpoint.ui.tasks import TaskManager
from teachpoint.ui.usb.drive_watcher import DriveWatcher
from teachpoint.ui.usb.usb_dialog import UsbDialog
from teachpoint.ui.usb.usb_jobs import DriveOffer, inspect_drive

log = logging.getLogger(__name__)


class UsbController(QObject):
    """Owns the :class:`DriveWatcher` (``.watcher``) and the open :class:`UsbDialog` per drive."""

    library_changed = Signal()  # an import changed the library: refresh the window
    pending_changed = Signal(int)  # offers waiting because the teacher was busy
    dialog_opened = Signal(str, object)  # drive path, UsbDialog

    def __init__(self, tasks: TaskManager, workspace: Callable[[], object | None],
                 window: QWidget | None = None, busy: Callable[[], bool] | None = None,
                 extra_roots=(), list_volumes=None, interval_ms: int | None = None):
        super().__init__(window)
        self.tasks, self.workspace, self.window = tasks, workspace, window
        self.busy = busy or (lambda: False)
        kwargs = {"interval_ms": interval_ms} if interval_ms else {}
        self.watcher = DriveWatcher(tasks, workspace, self, extra_roots=extra_roots,
                                    list_volumes=list_volumes, **kwargs)
        self.watcher.offer_ready.connect(self._offer_ready)
        self.watcher.drive_removed.connect(self._drive_removed)
        self.dialogs: dict[str, UsbDialog] = {}
        self.pending: dict[str, DriveOffer] = {}

    def start(self) -> None:
        self.watcher.start()

    def stop(self) -> None:
        """Stop watching, and stop running jobs after their current file (at shutdown)."""
        self.watcher.stop()
        for dialog in self.dialogs.values():
            dialog.cancel_job()

    def workspace_changed(self) -> None:
        """A (new) workspace is open: close dialogs on the old one and look at the drives again."""
        for dialog in list(self.dialogs.values()):
            if not dialog.busy:
                dialog.close()
                dialog.deleteLater()
        self.dialogs = {p: d for p, d in self.dialogs.items() if d.busy}
        self.pending.clear()
        self.pending_changed.emit(0)
        self.watcher.inspect_again()

    def open_pending(self) -> None:
        """Open the dialogs of the offers that waited while the teacher was busy."""
        for path, offer in list(self.pending.items()):
            self._show(path, offer)
        self.pending.clear()
        self.pending_changed.emit(0)

    def open_drive(self, path: str | None = None) -> bool:
        """Open the dialog of a present drive (the first one if ``path`` is None), whatever it
        carries; False if there is no such drive or no workspace."""
        drives = self.watcher.drives()
        path = path or (drives[0] if drives else None)
        ws = self.workspace()
        if path is None or path not in drives or ws is None:
            return False
        offer = self.pending.pop(path, None) or self.watcher.offer(path)
        if offer is not None:
            self._show(path, offer)
            return True
        label = self.watcher.label(path)
        self.tasks.run(lambda: inspect_drive(ws, path, label),
                       on_done=lambda offer: path in self.watcher.drives() and self._show(path, offer),
                       on_error=lambda exc: log.warning("cannot look at %s: %s", path, exc),
                       name=f"inspect drive {path}")
        return True

    # ---- from the watcher -----------------------------------------------------------------------

    def _offer_ready(self, path: str, offer: DriveOffer) -> None:
        if self.busy():  # a stick seen before waits too: nothing pops over a lesson
            if path in self.dialogs and not offer.brings_something:
                return  # its dialog is there for when the teacher wants it; nothing new to say
            self.pending[path] = offer
            self.pending_changed.emit(len(self.pending))
            return
        self._show(path, offer)

    def _show(self, path: str, offer: DriveOffer) -> None:
        dialog = self.dialogs.get(path)
        if dialog is None:
            ws = self.workspace()
            if ws is None:
                return
            dialog = UsbDialog(self.tasks, ws, offer, self.window)
            dialog.library_changed.connect(self.library_changed)
            self.dialogs[path] = dialog
            self.dialog_opened.emit(path, dialog)
        elif not dialog.busy:
            dialog.drive_back(offer)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _drive_removed(self, path: str) -> None:
        if self.pending.pop(path, None) is not None:
            self.pending_changed.emit(len(self.pending))
        dialog = self.dialogs.get(path)
        if dialog is not None:
            dialog.drive_removed()
