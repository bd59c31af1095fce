"""The sync engine: bring this PC up to the newest verified state of each of its sources.

Each configured source (a repository, or a collection of several) is imported in turn through the
one pipeline (:func:`teachpoint.sync.pipeline.import_repository`): verified root, changed metadata
in one catalogue transaction, then the files the catalogue wants, most needed first, each verified
before it enters the store and playable at once. The engine adds what a *round* needs: the rate
cap in force now, on-demand boosts, and one result per configured source.

The engine reports through plain callbacks and honours a cancel token; the command line, the
background service and the desktop app all drive it the same way. Only one sync runs per data
directory at a time (the pipeline takes the sync lock), so the app and the service can share it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from teachpoint.errors import SourceUnreachable, TeachPointError
from teachpoint.library.store import Cancelled
from teachpoint.sync.lock import SyncLock
from teachpoint.sync.pipeline import FAILED as IMPORT_FAILED
from teachpoint.sync.pipeline import ImportOutcome, ImportPolicy, import_repository
from teachpoint.library.wanted import files_of_resource
from teachpoint.sync.schedule import load_bandwidth
from teachpoint.library.source_list import SourceEntry, list_sources, record_attempt
from teachpoint.transport.ratelimit import RateLimiter
from teachpoint.transport.sources import expand_sources

log = logging.getLogger(__name__)

# Outcomes, in order of precedence when several sources are synced.
UP_TO_DATE, UPDATED, OFFLINE, FAILED = "up_to_date", "updated", "offline", "failed"


@dataclass
class SourceResult:
    """What one round did with one configured source (one or more repositories)."""

    name: str
    location: str
    outcome: str
    imports: list[ImportOutcome] = field(default_factory=list)  # one per repository
    problem: Exception | None = field(default=None, repr=False)  # typed (TeachPointError)

    @property
    def install(self) -> ImportOutcome | None:
        return self.imports[0] if self.imports else None

    @property
    def files_fetched(self) -> int:
        return sum(i.files.files_copied for i in self.imports)

    @property
    def bytes_fetched(self) -> int:
        return sum(i.files.bytes_copied for i in self.imports)

    @property
    def files_missing(self) -> int:
        """Wanted but not offered by this source (a mirror or peer may hold only some)."""
        return sum(i.files.files_missing + i.files.files_unreadable for i in self.imports)

    @property
    def older(self) -> list[ImportOutcome]:
        """Repositories this source offers in an older version than the PC has (files only)."""
        return [i for i in self.imports if i.status == "older"]

    @property
    def error(self) -> str:
        return str(self.problem) if self.problem is not None else ""

    def to_json(self) -> dict:
        return {"name": self.name, "location": self.location, "outcome": self.outcome,
                "files_fetched": self.files_fetched, "bytes_fetched": self.bytes_fetched,
                "files_missing": self.files_missing, "error": self.error,
                "older": [i.repository for i in self.older]}


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
        self._current = None  # the source being imported (for on-demand boosts)
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
        source = self._current
        if source is not None:
            for sha in files_of_resource(self.ws.catalogue, resource_id):
                source.boost(sha)

    # ---- running ---------------------------------------------------------------------------------

    def sync_once(self) -> SyncResult:
        """Sync every source once; never raises for a source's own failure."""
        self.ws.require_writable("sync")
        result = SyncResult()
        with SyncLock(self.ws.paths.root):  # the whole round, not only each import
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
            with SyncLock(self.ws.paths.root):  # all repositories of the source, one after another
                for source in expand_sources(entry.location):
                    self._import(source, res)
                    if res.problem is not None:
                        break
                if any(i.metadata_applied for i in res.imports):
                    self._settle_contributions()
        except SourceUnreachable as exc:
            res.outcome, res.problem = OFFLINE, exc
        except Cancelled as exc:  # paused or stopping: neither a success nor a failure
            res.problem = exc
        except TeachPointError as exc:  # this PC's problem (disk full …) or a bad collection
            res.outcome, res.problem = FAILED, exc
        if res.problem is not None and not self.cancel.is_set():
            record_attempt(self.ws.catalogue, entry.name, res.error)
            log.warning("sync from %s: %s", entry.name, res.error)
        elif res.problem is not None:
            log.info("sync from %s stopped: %s", entry.name, res.error)
        else:
            record_attempt(self.ws.catalogue, entry.name, None)
        self.on_event("source_done", result=res)
        return res

    def _settle_contributions(self) -> None:
        """A county repository may have accepted this school's own lessons (issue 15): its signed
        copy then stands in for the local one at once (the same bytes: nothing to fetch)."""
        from teachpoint.contrib import replace_accepted

        try:
            changed = replace_accepted(self.ws)
        except TeachPointError as exc:  # the lessons stay as they were; the next round tries again
            log.warning("could not let the county's copies stand for this school's lessons: %s", exc)
            return
        if changed:
            log.info("the county's copies now stand for %d of this school's lessons", len(changed))

    def _import(self, source, res: SourceResult) -> None:
        self._current = source
        try:
            outcome = import_repository(
                self.ws, source, ImportPolicy(boosted=frozenset(self.boosted)),
                progress=lambda p: self.on_event("progress", progress=p), cancel=self.cancel,
                on_metadata=lambda o: self.on_event("metadata", name=res.name, report=o),
                on_stored=lambda sha, size: self.on_event("file", sha256=sha, size=size),
                transfer_options={"limiter": self.limiter, "max_streams": self.max_streams})
        finally:
            self._current = None
        res.imports.append(outcome)
        if outcome.files.cancelled:
            raise Cancelled("sync cancelled")
        if outcome.status == IMPORT_FAILED:
            unreachable = isinstance(outcome.problem, SourceUnreachable)
            res.outcome, res.problem = (OFFLINE if unreachable else FAILED), outcome.problem
        elif outcome.files.problems:
            res.outcome, res.problem = FAILED, outcome.files.problems[0]
        elif outcome.changed:
            res.outcome = UPDATED
