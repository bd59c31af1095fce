"""The sync engine: bring this PC up to the newest verified state of each of its sources.

For each source in turn: fetch and verify the signed root and the changed metadata (the catalogue
changes in one transaction), then fetch the files the catalogue wants, most needed first
(:mod:`teachpoint.sync.priority`), over HTTP with the parallel resumable downloader or by copying
from a folder. Each file is verified before it enters the store and becomes playable at once.

The engine reports through plain callbacks and honours a cancel token; the command line, the
background service and the desktop app all drive it the same way. Only one sync runs per data
directory at a time (a lock file), so the app and the service can share a data dir.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from teachpoint.errors import (
    NotEnoughSpace, RepositoryError, SourceUnreachable, TeachPointError)
from teachpoint.library.store import Cancelled
from teachpoint.transport.folder_copy import CopyProgress, copy_blobs
from teachpoint.transport.download import NOT_ON_SOURCE, BlobJob, Downloader, DownloadProgress
from teachpoint.sync.pipeline import InstallReport, install_from
from teachpoint.sync.lock import SyncLock
from teachpoint.sync.priority import WantedBlob, resource_blobs, wanted_in_order
from teachpoint.transport.ratelimit import RateLimiter
from teachpoint.repo.format import blob_path
from teachpoint.sync.schedule import Bandwidth, Subscriptions
from teachpoint.sync.source_list import SourceEntry, list_sources, record_attempt
from teachpoint.transport.sources import FolderSource, HttpSource, expand_sources

log = logging.getLogger(__name__)

SETTING_BANDWIDTH = "sync.bandwidth"
SETTING_SUBSCRIPTIONS = "sync.subscriptions"

# Outcomes, in order of precedence when several sources are synced.
UP_TO_DATE, UPDATED, OFFLINE, FAILED = "up_to_date", "updated", "offline", "failed"


@dataclass
class SourceResult:
    name: str
    location: str
    outcome: str
    install: InstallReport | None = None
    files_fetched: int = 0
    bytes_fetched: int = 0
    files_missing: int = 0  # wanted but not offered by this source
    error: str = ""


@dataclass
class SyncResult:
    sources: list[SourceResult] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        outcomes = {r.outcome for r in self.sources}
        if not outcomes:
            return UP_TO_DATE
        if FAILED in outcomes:
            return FAILED
        if outcomes == {OFFLINE}:
            return OFFLINE
        return UPDATED if UPDATED in outcomes else UP_TO_DATE


def load_bandwidth(ws) -> Bandwidth:
    return Bandwidth.from_json(_json_setting(ws, SETTING_BANDWIDTH))


def load_subscriptions(ws) -> Subscriptions:
    return Subscriptions.from_json(_json_setting(ws, SETTING_SUBSCRIPTIONS))


def _json_setting(ws, key):
    try:
        return json.loads(ws.setting(key, "null"))
    except ValueError:
        log.warning("setting %s is not valid JSON; using the default", key)
        return None


class SyncEngine:
    """Syncs a :class:`teachpoint.workspace.Workspace` from its configured sources."""

    def __init__(self, ws, *, limit_kbit: int | None = None, on_event=None, cancel=None,
                 max_streams: int = 16):
        self.ws = ws
        self.cancel = cancel or threading.Event()
        self.on_event = on_event or (lambda kind, **data: None)
        self.forced_limit = limit_kbit
        self.limiter = RateLimiter(None)
        # On a lossy satellite link one TCP stream gets ~200 kbit/s (DESIGN §4), so filling a
        # 2 Mbit/s link takes more than 10 streams. The downloader starts with 4 and adds streams
        # only while throughput still grows, so a LAN or a healthy link never uses that many.
        self.max_streams = max_streams
        self.boosted: set[str] = set()
        self._downloader: Downloader | None = None
        self.apply_bandwidth()

    # ---- policy --------------------------------------------------------------------------------

    def apply_bandwidth(self, moment: datetime | None = None) -> int | None:
        """Set the rate cap in force now (``--limit-kbit`` wins over the settings)."""
        kbit = self.forced_limit if self.forced_limit is not None else \
            load_bandwidth(self.ws).limit_at(moment or datetime.now())
        self.limiter.set_limit(None if kbit is None else kbit * 1000 / 8)
        return kbit

    def request_resource(self, resource_id: str) -> None:
        """Fetch this lesson's files first (on demand), even outside the subscriptions."""
        self.boosted.add(resource_id)
        downloader = self._downloader
        if downloader is not None:
            for sha in resource_blobs(self.ws.catalogue, resource_id):
                downloader.boost(sha)

    # ---- running ---------------------------------------------------------------------------------

    def sync_once(self) -> SyncResult:
        """Sync every source once; never raises for a source's own failure."""
        self.ws.require_writable("sync")
        result = SyncResult()
        with SyncLock(self.ws.paths.root):
            for entry in list_sources(self.ws.catalogue):
                if self.cancel.is_set():
                    break
                result.sources.append(self.sync_source(entry))
        return result

    def sync_source(self, entry: SourceEntry) -> SourceResult:
        """Sync one configured source (a repository, or a collection of several)."""
        res = SourceResult(entry.name, entry.location, UP_TO_DATE)
        self.on_event("source", name=entry.name, location=entry.location)
        try:
            for source in expand_sources(entry.location):
                report = install_from(source, self.ws.catalogue, self.ws.store, self.ws.trust,
                                      self.ws.cache, blobs=False)
                res.install = report if res.install is None else res.install
                if not report.up_to_date:
                    res.outcome = UPDATED
                    self.on_event("metadata", name=entry.name, report=report)
                self._fetch_files(source, entry, res)
            record_attempt(self.ws.catalogue, entry.name, None)
        except SourceUnreachable as exc:
            res.outcome, res.error = OFFLINE, str(exc)
        except Cancelled as exc:  # paused or stopping: neither a success nor a failure
            res.error = str(exc)
        except (NotEnoughSpace, TeachPointError) as exc:
            res.outcome, res.error = FAILED, str(exc)
        if res.error and not self.cancel.is_set():
            record_attempt(self.ws.catalogue, entry.name, res.error)
            log.warning("sync from %s: %s", entry.name, res.error)
        elif res.error:
            log.info("sync from %s stopped: %s", entry.name, res.error)
        self.on_event("source_done", result=res)
        return res

    def _fetch_files(self, source, entry: SourceEntry, res: SourceResult) -> None:
        wanted = wanted_in_order(self.ws.catalogue, load_subscriptions(self.ws), None,
                                 boosted=self.boosted)
        todo = []
        for blob in wanted:
            if self.ws.store.has(blob.sha256):  # shared with another source or repository
                self.ws.catalogue.mark_blob_present(blob.sha256, blob.size)
            else:
                todo.append(blob)
        if not todo:
            return
        if isinstance(source, HttpSource):
            self._download(source, todo, res)
        else:
            self._copy(source, todo, res)
        if res.files_fetched:
            res.outcome = UPDATED

    def _blob_done(self, res: SourceResult, sha256: str, size: int) -> None:
        self.ws.catalogue.mark_blob_present(sha256, size)
        res.files_fetched += 1
        res.bytes_fetched += size
        self.on_event("file", sha256=sha256, size=size)

    def _download(self, source: HttpSource, todo: list[WantedBlob], res: SourceResult) -> None:
        jobs = [BlobJob(b.sha256, b.size, source.base + blob_path(b.sha256), priority=i)
                for i, b in enumerate(todo)]
        self._downloader = Downloader(
            self.ws.store, max_streams=self.max_streams, limiter=self.limiter,
            on_progress=lambda p: self.on_event("progress", progress=p),
            on_blob_done=lambda sha, size: self._blob_done(res, sha, size))
        try:
            stats = self._downloader.run(jobs, cancel=self.cancel)
        finally:
            self._downloader = None
        # A mirror or LAN peer may hold only some files: that is "not here", not a failure.
        failed = {sha: why for sha, why in stats.blobs_failed.items() if NOT_ON_SOURCE not in why}
        res.files_missing = len(stats.blobs_failed) - len(failed)
        if failed:
            reasons = sorted(set(failed.values()))
            raise RepositoryError(f"{len(failed)} file(s) could not be fetched: "
                                  + "; ".join(reasons[:3]))

    def _copy(self, source: FolderSource, todo: list[WantedBlob], res: SourceResult) -> None:
        def progress(p: CopyProgress) -> None:
            self.on_event("progress", progress=DownloadProgress(
                bytes_done=p.bytes_done, bytes_total=p.bytes_total, speed_bps=p.speed_bps,
                eta_s=p.eta_s, streams=1, current=""))

        copied = copy_blobs(self.ws, source, todo, res.name, progress=progress, cancel=self.cancel)
        res.files_fetched += copied.files_copied
        res.bytes_fetched += copied.bytes_copied
        res.files_missing += copied.files_missing + copied.files_unreadable
        if copied.cancelled:
            raise Cancelled("sync cancelled")
        if copied.rejected:
            raise RepositoryError("; ".join(copied.problems[:3]))
