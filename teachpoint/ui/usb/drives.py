"""Which mounted volumes look like a USB stick (or an SD card, a USB disk, a CD with lessons).

:func:`looks_removable` is the pure rule, tested on sample ``(mount point, fs type, device)``
tuples; :func:`removable_volumes` applies it to Qt's :class:`QStorageInfo` list of this machine.
Qt has no portable "is removable" flag, so the rule is about where and what a volume is:

* Linux: mounted under ``/media/``, ``/run/media/`` (udisks, the desktops' automount) or at or
  under ``/mnt`` (by hand), from a real device (``/dev/…``, or a FUSE block filesystem such as
  ntfs-3g), and not a pseudo or image filesystem (tmpfs, proc, squashfs of snaps, overlay, …).
  The root filesystem, ``/boot`` and the system folders are never offered, wherever they are
  mounted.
* Windows: a drive letter that is not the system drive (``%SystemDrive%``, usually ``C:``).
* macOS: a volume under ``/Volumes/`` that is not the startup disk.

The rule errs on the side of offering: a USB hard disk or a second data partition mounted under
``/media`` is offered too, which is harmless (a volume without lessons or inventories is never
shown to the teacher, see :mod:`teachpoint.ui.usb.drive_watcher`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

# Filesystems that never hold a stick's files: kernel pseudo filesystems, RAM disks, snap and
# container images, automount placeholders.
PSEUDO_FILESYSTEMS = frozenset({
    "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts",
    "devtmpfs", "efivarfs", "fusectl", "fuse.gvfsd-fuse", "fuse.portal", "fuse.snapfuse",
    "fuse.lxcfs", "hugetlbfs", "mqueue", "nsfs", "overlay", "overlayfs", "proc", "pstore",
    "ramfs", "rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "sysfs", "tmpfs", "tracefs",
    "nfsd", "zram",
})
LINUX_REMOVABLE_PREFIXES = ("/media/", "/run/media/", "/mnt/")
MAC_REMOVABLE_PREFIX = "/Volumes/"
SYSTEM_MOUNTS = frozenset({"/", "/boot", "/boot/efi", "/efi", "/home", "/usr", "/var", "/tmp",
                           "/opt", "/srv", "/snap", "/proc", "/sys", "/dev", "/run"})


@dataclass(frozen=True)
class Volume:
    """A mounted volume as the watcher sees it."""

    path: str  # mount point (Qt spelling: forward slashes, "E:/" on Windows)
    name: str  # the volume label, or "" when it has none
    fs_type: str
    device: str
    read_only: bool = False


def looks_removable(mount_point: str, fs_type: str, device: str, platform: str | None = None,
                    system_drive: str | None = None) -> bool:
    """True if a volume mounted at ``mount_point`` looks like a stick the teacher plugged in.

    ``platform`` defaults to ``sys.platform``; ``system_drive`` (Windows) defaults to the
    ``SystemDrive`` environment variable or ``C:``.
    """
    platform = platform or sys.platform
    fs = (fs_type or "").strip().lower()
    mount = (mount_point or "").replace("\\", "/")
    if not mount or fs in PSEUDO_FILESYSTEMS:
        return False
    if platform.startswith("win"):
        system = (system_drive or os.environ.get("SystemDrive") or "C:").rstrip("\\/").upper()
        letter = mount.rstrip("/").upper()
        return len(letter) == 2 and letter[1] == ":" and letter[0].isalpha() and letter != system
    norm = "/" + mount.strip("/") if mount.strip("/") else "/"
    if norm in SYSTEM_MOUNTS:
        return False
    if platform == "darwin":
        return (norm + "/").startswith(MAC_REMOVABLE_PREFIX) and norm != MAC_REMOVABLE_PREFIX.rstrip("/")
    if norm != "/mnt" and not any((norm + "/").startswith(p) and norm + "/" != p
                                  for p in LINUX_REMOVABLE_PREFIXES):
        return False  # "/mnt" itself is where a stick is mounted by hand; "/media" only holds them
    dev = (device or "").strip()
    return dev.startswith("/dev/") or fs == "fuseblk" or fs.startswith("fuse.")


def removable_volumes(platform: str | None = None) -> list[Volume]:
    """The mounted, ready volumes of this machine that :func:`looks_removable` accepts."""
    from PySide6.QtCore import QStorageInfo  # here: the rule above stays importable without Qt

    root = QStorageInfo.root().rootPath()
    out = []
    for info in QStorageInfo.mountedVolumes():
        if not info.isValid() or not info.isReady() or info.isRoot() or info.rootPath() == root:
            continue
        fs = bytes(info.fileSystemType()).decode("utf-8", "replace")
        device = bytes(info.device()).decode("utf-8", "replace")
        if looks_removable(info.rootPath(), fs, device, platform):
            out.append(Volume(info.rootPath(), info.name(), fs, device, info.isReadOnly()))
    return out
