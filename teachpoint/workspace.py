"""One data directory opened for use: catalogue, content store, trust store, metadata cache.

Both the command line and the app open a :class:`Workspace`; nothing here imports Qt. On first
open the built-in demo channel is installed through the normal verified import path, with its
key trusted for the demo repository only.
"""

from __future__ import annotations

import logging
import os

from teachpoint import resources
from teachpoint.errors import DataDirError, TeachPointError
from teachpoint.library import settings
from teachpoint.library.catalogue import Catalogue
from teachpoint.library.settings import DEFAULT_FLOOR, SETTING_DEMO, SETTING_FLOOR
from teachpoint.library.store import ContentStore
from teachpoint.paths import DataPaths
from teachpoint.site.config import apply_site_config
from teachpoint.repo import keys
from teachpoint.library.leftovers import remove_crash_leftovers
from teachpoint.library.node_cache import NodeCache
from teachpoint.sync.lock import SyncBusy, SyncLock
from teachpoint.sync.pipeline import FILES_TOO, METADATA_ONLY, ImportOutcome, import_repository
from teachpoint.transport.sources import FolderSource
from teachpoint.repo.trust import TrustStore

log = logging.getLogger(__name__)


class Workspace:
    """The parts of one data directory, opened and ready."""

    def __init__(self, paths: DataPaths, install_demo: bool = True, apply_site: bool = True):
        self.paths = paths
        self.read_only = not _writable(paths)
        if self.read_only:
            log.warning("data directory %s is read-only: browsing and playing only", paths.root)
        self.catalogue = Catalogue.open(paths.catalogue, read_only=self.read_only)
        self.store = ContentStore(paths.store, floor_bytes=self.floor_bytes)
        self.trust = TrustStore(paths.trust)
        self.cache = NodeCache(paths.metadata)
        if not self.read_only:
            self._remove_crash_leftovers()
        self.demo_report: ImportOutcome | None = None
        self.demo_error: str | None = None
        if install_demo and not self.read_only and self.setting(SETTING_DEMO) is None:
            self._install_demo()
        self.site_report = None  # teachpoint.site.config.SiteReport of this start (problems, changes)
        if apply_site:
            self.site_report = apply_site_config(self)

    def close(self) -> None:
        self.catalogue.close()

    # ---- settings (small key → text values) ---------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        return settings.get_setting(self.catalogue, key, default)

    def locked_settings(self) -> frozenset[str]:
        """The :data:`LOCKABLE` names the site configuration has locked (empty if none)."""
        return settings.locked_settings(self.catalogue)

    def is_locked(self, name: str) -> bool:
        return name in self.locked_settings()

    def require_writable(self, what: str) -> None:
        """Raise :class:`DataDirError` if the data directory cannot be written."""
        if self.read_only:
            raise DataDirError(f"cannot {what}: the data directory {self.paths.root} is read-only "
                               "(choose another with --data-dir or make it writable)")

    def set_setting(self, key: str, value: str) -> None:
        self.require_writable("save settings")
        settings.set_setting(self.catalogue, key, value)

    @property
    def floor_bytes(self) -> int:
        try:
            return max(0, int(self.setting(SETTING_FLOOR, str(DEFAULT_FLOOR))))
        except ValueError:
            return DEFAULT_FLOOR

    def set_floor(self, value: int) -> None:
        self.set_setting(SETTING_FLOOR, str(int(value)))
        self.store.floor_bytes = int(value)

    # ---- installing ------------------------------------------------------------------------------

    def install(self, source, progress=None, cancel=None, blobs: bool = True) -> ImportOutcome:
        """Import ``source`` through the one pipeline; raise its typed problem if it failed.

        For scripts, tests and the demo; the app, the sync engine, sticks and the inbox call
        :func:`teachpoint.sync.pipeline.import_repository` and read the outcome themselves.
        """
        policy = FILES_TOO if blobs else METADATA_ONLY
        return import_repository(self, source, policy, progress=progress,
                                 cancel=cancel).raise_problem()

    def _remove_crash_leftovers(self) -> None:
        """Temp files of a killed import go when the folder is opened (if no one is syncing)."""
        try:
            with SyncLock(self.paths.root):
                remove_crash_leftovers(self.store, self.paths.metadata)
        except SyncBusy:
            pass  # another process is importing: the files are its own; the next open sweeps

    def _install_demo(self) -> None:
        """Install the demo channel once; a failure is remembered and reported, never fatal."""
        demo = resources.demo_repository()
        try:
            pub = keys.load_public_key(demo / "demo.pub")
            self.trust.add_key(pub, resources.DEMO_KEY_NAME, repos=[resources.DEMO_REPOSITORY_ID])
            self.demo_report = self.install(FolderSource(demo))
            self.set_setting(SETTING_DEMO, str(self.demo_report.version))
        except TeachPointError as exc:
            self.demo_error = str(exc)
            log.warning("built-in demo channel not installed: %s", exc)


def _writable(paths: DataPaths) -> bool:
    """Create the data dir if needed and prove it can be written (root ignores mode bits)."""
    try:
        paths.ensure()
        probe = paths.root / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except (OSError, DataDirError):
        if paths.catalogue.is_file():
            return False
        raise DataDirError(f"cannot create or write the data directory {paths.root}")


def open_workspace(paths: DataPaths, install_demo: bool = True) -> Workspace:
    return Workspace(paths, install_demo=install_demo)


