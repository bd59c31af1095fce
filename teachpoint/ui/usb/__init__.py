"""USB sticks in the app: notice them (:class:`DriveWatcher`), offer what they bring (:class:`UsbDialog`).

Wiring (in the main window), all of it through :class:`UsbController`::

    self.usb = UsbController(tasks, lambda: self.ws, self, busy=lambda: self.playing)
    self.usb.library_changed.connect(self.refresh_library)
    self.usb.start()                      # after the workspace is open: self.usb.workspace_changed()

or by hand: ``DriveWatcher.offer_ready(path, DriveOffer)`` → ``UsbDialog(tasks, ws, offer)``, and
``DriveWatcher.drive_removed(path)`` → ``dialog.drive_removed()``.

The work itself is in :mod:`teachpoint.ui.usb.usb_jobs` (core calls, no widgets).
"""

from teachpoint.ui.usb.drive_watcher import DriveWatcher
from teachpoint.ui.usb.drives import Volume, looks_removable, removable_volumes
from teachpoint.ui.usb.usb_controller import UsbController
from teachpoint.ui.usb.usb_dialog import UsbDialog
from teachpoint.ui.usb.usb_jobs import DriveOffer, InventoryOffer, inspect_drive

__all__ = ["DriveOffer", "DriveWatcher", "InventoryOffer", "UsbController", "UsbDialog", "Volume",
           "inspect_drive",
           "looks_removable", "removable_volumes"]
