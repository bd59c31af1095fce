"""Background sync for the app: one sync round at a time through the TaskManager, timers here.

A *round* is what ``teachpoint sync`` does once: import what the satellite inbox has completed,
then :meth:`SyncEngine.sync_once` over every source. Rounds start by themselves once a workspace
is set (at once, then every few minutes, later after a failure: :func:`service.backoff_delay`),
on :meth:`SyncController.sync_now`, after :meth:`~SyncController.sources_changed`, and on a
"download now" request. Waiting is a single-shot QTimer on the GUI thread, never a sleeping worker.

The worker half lives in :mod:`teachpoint.ui.sync_round`: engine events from the download threads
are folded and reported at most 5 times a second, so a fast LAN sync cannot flood the event loop.
This GUI half keeps one :class:`SyncState` snapshot and emits it on every change. :meth:`~SyncController.pause` cancels
the round through the engine's cancel event (partial downloads are kept and resumed later).
If the background ``teachpoint sync`` service holds the sync lock, the round steps aside and the
state says so. Core errors become plain words in one place: :mod:`teachpoint.ui.problems`.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QObject, QTimer, Signal

from teachpoint.errors import TeachPointError
from teachpoint.sync.engine import FAILED, OFFLINE, UPDATED
from teachpoint.sync.lock import SyncBusy
from teachpoint.sync.service import ServiceTimes, backoff_delay
from teachpoint.ui.problems import ProblemTexts, detail_of, kind_of
from teachpoint.ui.sync_round import (
    EngineBox, FileProgress, RoundOutcome, RoundReport, last_success, read_sources, run_round)

log = logging.getLogger(__name__)

SETTING_PAUSED = "ui.sync.paused"  # "1" while the teacher has paused syncing
SETTING_NEW_LESSONS = "ui.sync.new_lessons"  # lessons that became playable since the last look
ONLINE, OFFLINE_STATE, UNKNOWN = "online", "offline", "unknown"
DEFAULT_TIMES = ServiceTimes(interval=300.0, first_backoff=30.0, max_backoff=1800.0, tick=60.0)
LIBRARY_REFRESH_MS = 2000  # library_changed at most this often during a round
BANDWIDTH_CHECK_MS = 60_000  # a running round re-reads the bandwidth cap this often


@dataclass(frozen=True)
class SyncState:
    """What the sync page and the top bar show; a new snapshot on every change."""

    connection: str = UNKNOWN  # ONLINE, OFFLINE_STATE or UNKNOWN (no round finished yet)
    running: bool = False
    paused: bool = False
    has_sources: bool | None = None  # None until known; an inbox counts as a source
    service_busy: bool = False  # the background sync service holds the lock
    last_synced: datetime | None = None  # newest successful sync of any source (UTC)
    next_round_at: datetime | None = None  # when the next automatic round starts
    source: str = ""  # the source being synced now
    bytes_done: int = 0
    bytes_total: int = 0
    speed_bps: float = 0.0
    eta_s: float | None = None
    streams: int = 0
    files: tuple[FileProgress, ...] = ()
    new_lessons: int = 0  # lessons that became playable since mark_seen()
    problems: tuple[str, ...] = ()  # plain words for the teacher
    details: str = ""  # technical text for IT staff

    @property
    def fraction(self) -> float | None:
        return self.bytes_done / self.bytes_total if self.bytes_total else None

    @property
    def percent(self) -> int | None:
        """Whole percent of this round's download (None before its size is known).

        The one number the top bar ("正在下载 45%") and the sync page both show.
        """
        if not self.bytes_total:
            return None
        return max(0, min(100, int(100 * self.bytes_done / self.bytes_total)))


# ---- GUI side ----------------------------------------------------------------------------------------


class SyncController(QObject):
    """Runs sync rounds in the background and publishes :class:`SyncState` (GUI thread only)."""

    state_changed = Signal(object)  # SyncState
    lesson_ready = Signal(str)  # resource id that just became playable
    library_changed = Signal()  # catalogue content changed: refresh tree / home
    short_text_changed = Signal(str)  # a few words for the top bar: "正在下载 45%", "离线"

    def __init__(self, tasks, parent: QObject | None = None, times: ServiceTimes = DEFAULT_TIMES,
                 rng: random.Random | None = None):
        super().__init__(parent)
        self.problem_texts = ProblemTexts(self)
        self.tasks, self.times, self.rng = tasks, times, rng or random.Random()
        self.ws = None
        self.state = SyncState()
        self.failures = 0  # failed rounds in a row (for the backoff)
        self.rounds = 0  # rounds finished (for tests and logs)
        self._task = None
        self._cancel: threading.Event | None = None
        self._box = EngineBox()
        self._requested: set[str] = set()  # "download now" lessons not ready yet
        self._again = False  # start another round as soon as this one ends
        self._request_pending = False  # "download now" arrived during the running round
        self._stopped = False
        self._short_text = ""
        self._new_lessons_saved = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start_round)
        self._library_timer = QTimer(self)
        self._library_timer.setSingleShot(True)
        self._library_timer.setInterval(LIBRARY_REFRESH_MS)
        self._library_timer.timeout.connect(self.library_changed.emit)
        self._bandwidth_timer = QTimer(self)  # time windows and new caps apply mid-round too
        self._bandwidth_timer.setInterval(BANDWIDTH_CHECK_MS)
        self._bandwidth_timer.timeout.connect(self._apply_bandwidth)

    # ---- public API ----------------------------------------------------------------------------

    def set_workspace(self, ws) -> None:
        """Start syncing ``ws`` (unless the teacher paused it last time): first round at once."""
        if self._cancel is not None:  # a round for another workspace: let it stop, then ours
            self._cancel.set()
            self._again = True
        self.ws, self._stopped = ws, False
        paused = ws.setting(SETTING_PAUSED) == "1"
        try:
            new = max(0, int(ws.setting(SETTING_NEW_LESSONS, "0")))
        except ValueError:
            new = 0
        self._new_lessons_saved = new
        self._update(paused=paused, new_lessons=new)
        if paused:
            self.tasks.run(lambda: read_sources(ws), on_done=self._sources_read, name="sync-sources")
        else:
            self._schedule(0)

    @property
    def running(self) -> bool:
        return self._task is not None

    def sync_now(self) -> None:
        """Sync at once (also resumes a paused sync)."""
        if self.state.paused:
            self.resume()
        elif self.running:
            self._again = True
        else:
            self.failures = 0
            self._start_round()

    def pause(self) -> None:
        """Stop the running round (what it fetched is kept) and start none until resume()."""
        if self.state.paused:
            return
        self._timer.stop()
        if self._cancel is not None:
            self._cancel.set()
        self._again = False
        self._save_setting(SETTING_PAUSED, "1")
        self._update(paused=True, next_round_at=None)

    def resume(self) -> None:
        if not self.state.paused:
            return
        self._save_setting(SETTING_PAUSED, "0")
        self._update(paused=False)
        self.failures = 0
        if self.running:
            self._again = True  # the cancelled round is still winding down
        else:
            self._start_round()

    def request_download(self, resource_id: str) -> None:
        """"Download now": fetch this lesson before anything else (resumes a paused sync)."""
        self._requested.add(resource_id)
        engine = self._box.get()
        if engine is not None:
            self.tasks.run(lambda: engine.request_resource(resource_id), name="sync-boost")
        if self.state.paused:
            self.resume()
        elif self.running:
            self._request_pending = True  # this round may have passed the lesson's source already
        else:
            self._start_round()

    def sources_changed(self) -> None:
        """Settings added or removed a source (or the inbox): sync soon."""
        self.failures = 0
        if self.state.paused:
            if self.ws is not None:
                ws = self.ws
                self.tasks.run(lambda: read_sources(ws), on_done=self._sources_read, name="sync-sources")
        elif self.running:
            self._again = True
        else:
            self._schedule(0.5)

    def mark_seen(self) -> None:
        """The teacher has looked at the new lessons: the count starts again from 0."""
        if self.state.new_lessons:
            self._new_lessons_saved = 0
            self._save_setting(SETTING_NEW_LESSONS, "0")
            self._update(new_lessons=0)

    def shutdown(self) -> None:
        """Stop timers and cancel the running round (call before TaskManager.wait at exit)."""
        self._stopped = True
        self._timer.stop()
        self._library_timer.stop()
        self._bandwidth_timer.stop()
        if self._cancel is not None:
            self._cancel.set()

    # ---- rounds ----------------------------------------------------------------------------------

    def _schedule(self, seconds: float) -> None:
        self._timer.start(int(max(0.0, seconds) * 1000))
        self._update(next_round_at=datetime.now(timezone.utc) + timedelta(seconds=seconds))

    def _start_round(self) -> None:
        if self.ws is None or self.running or self.state.paused or self._stopped:
            return
        self._timer.stop()
        self._again = self._request_pending = False
        ws, boosted, box = self.ws, set(self._requested), self._box
        cancel = self._cancel = threading.Event()
        self._task = self.tasks.run(
            lambda report: run_round(ws, cancel, boosted, box, report),
            on_done=self._round_done, on_error=self._round_failed, on_progress=self._round_report,
            name="sync-round")
        self._bandwidth_timer.start()
        self._update(running=True, next_round_at=None)

    def _apply_bandwidth(self) -> None:
        engine = self._box.get()
        if engine is not None:
            self.tasks.run(engine.apply_bandwidth, name="sync-bandwidth")

    def _round_report(self, rep: RoundReport) -> None:
        p = rep.progress
        changes = dict(source=rep.source, files=rep.files)
        if rep.source:
            changes["has_sources"] = True
        if p is not None:
            changes.update(bytes_done=p.bytes_done, bytes_total=p.bytes_total, speed_bps=p.speed_bps,
                           eta_s=p.eta_s, streams=p.streams, connection=ONLINE)
        else:
            changes.update(bytes_done=0, bytes_total=0, speed_bps=0.0, eta_s=None, streams=0)
        if rep.ready:
            changes["new_lessons"] = self.state.new_lessons + len(rep.ready)
        self._update(**changes)
        for rid in rep.ready:
            self._requested.discard(rid)
            self.lesson_ready.emit(rid)
        if (rep.ready or rep.catalogue_changed) and not self._library_timer.isActive():
            self._library_timer.start()

    def _round_done(self, outcome: RoundOutcome) -> None:
        self._task, self._cancel = None, None
        self.rounds += 1
        self._round_report(outcome.final)
        self._library_timer.stop()
        result = outcome.result
        results = result.sources if result else []
        if outcome.final.ready or outcome.final.catalogue_changed or any(
                r.outcome == UPDATED for r in results):
            self.library_changed.emit()
        if self.state.new_lessons != self._new_lessons_saved:
            self._new_lessons_saved = self.state.new_lessons
            self._save_setting(SETTING_NEW_LESSONS, str(self.state.new_lessons))
        problems, details = [], []
        if not outcome.cancelled:
            for r in results:
                label = outcome.labels.get(r.name, r.name)  # the repository's title, not "repo"
                if r.problem is not None:
                    problems.append(self.problem_texts.for_sync(kind_of(r.problem), label))
                    details.append(f"{r.name} ({r.location}): {r.outcome}: {detail_of(r.problem)}")
                elif r.older:
                    problems.append(self.problem_texts.older_source(label))
                    details.append(f"{r.name} ({r.location}): " + "; ".join(
                        f"{o.repository} v{o.version} < installed v{o.installed_version}"
                        for o in r.older))
        for text in outcome.inbox_problems:
            problems.append(self.tr("Some files in the satellite inbox are damaged and were set aside."))
            details.append(f"inbox: {text}")
        connection = self.state.connection
        finished = [r for r in results if not (outcome.cancelled and r.error)]
        if any(r.outcome != OFFLINE for r in finished):
            connection = ONLINE
        elif finished:
            connection = OFFLINE_STATE
        self._finish(problems, details, has_sources=bool(outcome.sources) or outcome.inbox,
                     last_synced=last_success(outcome.sources), connection=connection)
        if outcome.cancelled or self.state.paused:
            delay = None
        elif result is not None and result.outcome in (OFFLINE, FAILED):
            self.failures += 1
            delay = backoff_delay(self.failures, self.times, self.rng)
        else:
            self.failures = 0
            delay = self.times.interval
        self._next(delay)

    def _round_failed(self, exc: BaseException) -> None:
        self._task, self._cancel = None, None
        self.rounds += 1
        if isinstance(exc, SyncBusy):
            log.info("sync lock held by another process; trying again in %.0f s", self.times.tick)
            self._finish([], [], service_busy=True)
            self._next(self.times.tick)
            return
        if not isinstance(exc, TeachPointError):
            log.error("sync round failed", exc_info=exc)
        self.failures += 1
        self._finish([self.problem_texts.for_sync(kind_of(exc))], [detail_of(exc)])
        self._next(backoff_delay(self.failures, self.times, self.rng))

    def _finish(self, problems: list[str], details: list[str], **changes) -> None:
        self._bandwidth_timer.stop()
        self._update(running=False, source="", bytes_done=0, bytes_total=0, speed_bps=0.0,
                     eta_s=None, streams=0, files=(), problems=tuple(dict.fromkeys(problems)),
                     details="\n".join(details), service_busy=changes.pop("service_busy", False),
                     **changes)

    def _next(self, delay: float | None) -> None:
        if self.state.paused or self._stopped:
            return
        if self._again or (self._request_pending and self._requested):
            self._start_round()
        elif delay is not None:
            self._schedule(delay)

    def _sources_read(self, info: tuple[bool, datetime | None]) -> None:
        self._update(has_sources=info[0], last_synced=info[1])

    # ---- state -------------------------------------------------------------------------------------

    def _update(self, **changes) -> None:
        new = dataclasses.replace(self.state, **changes)
        if new == self.state:
            return
        self.state = new
        self.state_changed.emit(new)
        text = self.short_text(new)
        if text != self._short_text:
            self._short_text = text
            self.short_text_changed.emit(text)

    def _save_setting(self, key: str, value: str) -> None:
        ws = self.ws
        if ws is not None and not ws.read_only:
            self.tasks.run(lambda: ws.set_setting(key, value), name="sync-setting",
                           on_error=lambda exc: log.warning("cannot save %s: %s", key, exc))

    def short_text(self, s: SyncState) -> str:
        """A few words for the top bar (empty when there is nothing to say)."""
        if s.paused:
            return self.tr("Paused")
        if s.running and s.percent is not None and s.bytes_done < s.bytes_total:
            return self.tr("Downloading {p}%").format(p=s.percent)
        if s.running:
            return self.tr("Checking…")
        if s.service_busy:
            return self.tr("Updating in the background")
        if not s.has_sources:
            return ""
        if s.connection == OFFLINE_STATE:
            return self.tr("Offline")
        if s.problems:
            return self.tr("Problem")
        return self.tr("Up to date") if s.connection == ONLINE else ""
