"""The worker half of a sync round (no Qt): run it, watch the engine, report in small doses.

:func:`run_round` runs in a TaskManager worker; :class:`RoundWatcher` receives the engine's events
on several download threads and hands :class:`RoundReport` objects to ``report`` at most every
:data:`REPORT_INTERVAL_S`. :class:`teachpoint.ui.sync_controller.SyncController` is the GUI half.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from teachpoint.transport.transfer import TransferProgress
from teachpoint.library.lesson_files import lesson_of_file, newly_playable, stored_sizes
from teachpoint.sync.engine import SyncEngine, SyncResult
from teachpoint.sneakernet.inbox_config import get_inbox
from teachpoint.sneakernet.inbox import scan_inbox
from teachpoint.library.source_list import SourceEntry, default_name, list_sources

REPORT_INTERVAL_S = 0.2  # at most 5 progress updates a second reach the GUI
MAX_FILE_ROWS = 6  # lessons in flight shown on the sync page


@dataclass(frozen=True)
class FileProgress:
    """One lesson being downloaded: all its files together (``size`` and ``done`` in bytes)."""

    title: str
    size: int
    done: int


@dataclass
class RoundReport:
    """What a running round tells the GUI thread."""

    source: str = ""
    progress: TransferProgress | None = None
    files: tuple[FileProgress, ...] = ()
    ready: list[str] = field(default_factory=list)  # resource ids that became playable
    catalogue_changed: bool = False


@dataclass
class RoundOutcome:
    result: SyncResult | None  # None: no sources
    sources: list[SourceEntry]
    inbox: bool
    inbox_problems: list[str]
    cancelled: bool
    final: RoundReport
    labels: dict[str, str] = field(default_factory=dict)  # source name -> what a teacher reads


class EngineBox:
    """The engine of the running round, so "download now" can reach it from the GUI thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.engine: SyncEngine | None = None

    def get(self) -> SyncEngine | None:
        with self.lock:
            return self.engine

    def set(self, engine: SyncEngine | None) -> None:
        with self.lock:
            self.engine = engine


class RoundWatcher:
    """Folds engine events (called on several download threads) into throttled reports.

    Only the round's own thread (a Qt pool thread) calls ``report``: the downloader's progress
    ticks come from it every 0.25 s and carry what the download threads recorded meanwhile.
    Plain Python threads never emit Qt signals, and nothing is reported after :meth:`close`
    (a download thread that outlives the round must not reach the GUI or the catalogue).
    """

    def __init__(self, ws, report):
        self.ws, self.report = ws, report
        self.owner = threading.get_ident()
        self.closed = False
        self.lock = threading.Lock()
        self.engine: SyncEngine | None = None
        self.source, self.progress = "", None
        self.labels: dict[str, str] = {}  # source name -> what a teacher reads (source_labels)
        self.ready: list[str] = []
        self.changed = False
        self.announced: set[str] = set()
        self.titles: dict[str, str] = {}  # resource id -> title
        self.lesson_of: dict[str, str] = {}  # file sha256 -> resource id
        self.next_report = 0.0

    def __call__(self, kind: str, **data) -> None:
        if self.closed:
            return
        ready = self._lessons_completed(data["sha256"]) if kind == "file" else []
        with self.lock:
            if kind == "source":
                self.source, self.progress = self.labels.get(data["name"], data["name"]), None
            elif kind == "metadata":
                self.changed = True
            elif kind == "progress":
                self.progress = data["progress"]
            self.ready += ready
            due = time.monotonic() >= self.next_report or kind == "source_done"
        if due and threading.get_ident() == self.owner:
            self.report(self.take())

    def take(self) -> RoundReport:
        """The report of what happened since the last one."""
        files = self._files_in_flight()
        with self.lock:
            out = RoundReport(self.source, self.progress, files, self.ready, self.changed)
            self.ready, self.changed = [], False
            self.next_report = time.monotonic() + REPORT_INTERVAL_S
        return out

    def _lessons_completed(self, sha256: str) -> list[str]:
        """Resources this stored file makes playable (main file and subtitles all present)."""
        return newly_playable(self.ws.catalogue, sha256, self.announced)

    def _files_in_flight(self) -> tuple[FileProgress, ...]:
        """The lessons whose files the downloader is fetching now: one row per lesson.

        A row sums all of the lesson's files (video, subtitles, cover picture, attachments), so
        a cover picture never shows as a lesson of its own: stored files count in full, files in
        flight with the bytes already there (``TransferProgress.in_flight``, from any transport).
        """
        with self.lock:
            active = dict(self.progress.in_flight) if self.progress is not None else {}
        if not active:
            return ()
        lessons: list[str] = []
        for sha in active:
            rid = self._lesson_of(sha)
            if rid and rid not in lessons:
                lessons.append(rid)
        return tuple(self._lesson_progress(rid, active) for rid in lessons[:MAX_FILE_ROWS])

    def _lesson_of(self, sha256: str) -> str:
        """The resource (lesson) a file belongs to: the first one, if several share it."""
        if sha256 not in self.lesson_of:
            row = lesson_of_file(self.ws.catalogue, sha256)
            if row:
                self.titles[row[0]] = row[1]
            self.lesson_of[sha256] = row[0] if row else ""
        return self.lesson_of[sha256]

    def _lesson_progress(self, resource_id: str, active: dict[str, int]) -> FileProgress:
        files = stored_sizes(self.ws.catalogue, resource_id)
        size = done = 0
        for sha, signed in files.items():  # negative size: not stored yet
            size += abs(signed)
            done += active[sha] if sha in active else max(signed, 0)
        return FileProgress(self.titles.get(resource_id, resource_id), size, min(done, size))


def run_round(ws, cancel: threading.Event, boosted: set[str], box: EngineBox, report) -> RoundOutcome:
    """One round (in a worker): the inbox, then every source. Raises SyncBusy if the lock is held."""
    watcher = RoundWatcher(ws, report)
    engine = watcher.engine = SyncEngine(ws, on_event=watcher, cancel=cancel)
    engine.boosted |= boosted
    box.set(engine)
    try:
        inbox, inbox_problems = get_inbox(ws), []
        if inbox is not None and not cancel.is_set():
            scanned = scan_inbox(ws, inbox.folder, cleanup=inbox.cleanup, cancel=cancel)
            inbox_problems = list(scanned.problems)
            watcher.changed |= scanned.changed
        with ws.catalogue.write_lock:
            sources = list_sources(ws.catalogue)
            watcher.labels = source_labels(ws, sources)
        result = engine.sync_once() if sources else None
        with ws.catalogue.write_lock:
            sources = list_sources(ws.catalogue)
            labels = source_labels(ws, sources)  # a root accepted in this round brings its title
    finally:
        box.set(None)
        watcher.closed = True
    return RoundOutcome(result, sources, inbox is not None, inbox_problems, cancel.is_set(),
                        watcher.take(), labels)


def source_labels(ws, sources: list[SourceEntry]) -> dict[str, str]:
    """Source name -> what a teacher reads for it (:func:`source_label`); reads the catalogue."""
    repositories = [(r.source, r.title) for r in ws.catalogue.repositories() if r.source and r.title]
    return {s.name: source_label(s, repositories) for s in sources}


def source_label(source: SourceEntry, repositories: list[tuple[str, str]]) -> str:
    """A source as a teacher reads it: the own name of each repository accepted from there, from
    its signed root (``repositories``: (location, title); a collection's repositories sit below
    its location); else the name IT gave it; else — the name was only derived from the location,
    like "repo" for a folder …/repo — the web server's host or the whole folder path."""
    inside = source.location if source.location.endswith("/") else source.location + "/"
    titles = sorted({title for location, title in repositories
                     if location == source.location or location.startswith(inside)})
    if titles:
        return "、".join(titles)
    if source.name != default_name(source.location):
        return source.name
    return urlsplit(source.location).netloc if source.is_http else source.location


def read_sources(ws) -> tuple[bool, datetime | None]:
    """(any source or inbox configured, newest successful sync) — a small read for a worker."""
    with ws.catalogue.write_lock:
        sources = list_sources(ws.catalogue)
        inbox = get_inbox(ws)
    return bool(sources) or inbox is not None, last_success(sources)


def last_success(sources: list[SourceEntry]) -> datetime | None:
    stamps = [s.last_success for s in sources if s.last_success]
    if not stamps:
        return None
    try:
        return datetime.fromisoformat(max(stamps).replace("Z", "+00:00"))
    except ValueError:
        return None
