"""``teachpoint sync`` as a long-running service: probe sources, sync when one appears.

Each source is probed on its own schedule: after a success, again in ``interval`` seconds; after a
failure, with exponential backoff and jitter up to ``max_backoff``. A probe costs one small signed
root when nothing changed. The bandwidth cap follows the time windows minute by minute. A stop
request (SIGTERM, Ctrl-C, or ``stop.set()``) cancels a transfer in progress cleanly: what was
received is kept for next time.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

from teachpoint.errors import TeachPointError
from teachpoint.reports.upload_schedule import ReportUploadSchedule
from teachpoint.sync.engine import OFFLINE, FAILED, SyncEngine
from teachpoint.sneakernet.inbox_config import get_inbox
from teachpoint.sneakernet.inbox import scan_inbox
from teachpoint.sync.lock import SyncBusy
from teachpoint.library.source_list import list_sources

log = logging.getLogger(__name__)


@dataclass
class ServiceTimes:
    interval: float = 900.0  # probe a healthy source every 15 minutes
    first_backoff: float = 30.0
    max_backoff: float = 3600.0
    tick: float = 30.0  # longest sleep, so windows and new sources are noticed


def backoff_delay(failures: int, times: ServiceTimes, rng: random.Random) -> float:
    """Seconds to wait after ``failures`` failures in a row: doubling, capped, with ±25% jitter."""
    base = min(times.max_backoff, times.first_backoff * 2 ** max(0, failures - 1))
    return base * rng.uniform(0.75, 1.25)


def scan_inbox_once(engine: SyncEngine) -> None:
    """Import what the satellite receiver has completed in the inbox, if one is configured."""
    inbox = get_inbox(engine.ws)
    if inbox is None or engine.cancel.is_set():
        return
    try:
        result = scan_inbox(engine.ws, inbox.folder, cleanup=inbox.cleanup, cancel=engine.cancel)
    except SyncBusy:
        return  # the app is syncing: next round
    except TeachPointError as exc:  # disk full, read-only data dir: say so, keep serving
        log.warning("inbox %s: %s", inbox.folder, exc)
        return
    if result.changed:
        log.info("inbox %s: new lessons or files installed", inbox.folder)


def run_service(engine: SyncEngine, stop, times: ServiceTimes = ServiceTimes(),
                clock=time.monotonic, rng: random.Random | None = None, max_rounds: int | None = None) -> int:
    """Run until ``stop`` is set (or ``max_rounds`` loop turns, for tests); returns rounds run."""
    listener = start_broadcast_listener(engine.ws, stop)
    try:
        return _run_rounds(engine, stop, times, clock, rng, max_rounds)
    finally:
        if listener is not None:  # the service is over: so is its listening
            stop.set()
            listener.join(10)


def _run_rounds(engine, stop, times, clock, rng, max_rounds) -> int:
    rng = rng or random.Random()
    due: dict[str, float] = {}
    failures: dict[str, int] = {}
    rounds = 0
    reports = ReportUploadSchedule(rng)
    while not stop.is_set() and (max_rounds is None or rounds < max_rounds):
        rounds += 1
        engine.apply_bandwidth()
        scan_inbox_once(engine)
        reports.tick(engine.ws, clock())  # usage reports to the county's bucket, when one is set
        now = clock()
        for entry in list_sources(engine.ws.catalogue):
            if stop.is_set():
                break
            if due.get(entry.name, 0.0) > now:
                continue
            try:
                result = engine.sync_source(entry)
            except SyncBusy:
                due[entry.name] = clock() + times.tick  # the app is syncing: try again soon
                continue
            if result.outcome in (OFFLINE, FAILED):
                failures[entry.name] = failures.get(entry.name, 0) + 1
                delay = backoff_delay(failures[entry.name], times, rng)
                log.info("source %s %s; next try in %.0f s", entry.name, result.outcome, delay)
            else:
                failures.pop(entry.name, None)
                delay = times.interval
            due[entry.name] = clock() + delay
        known = {e.name for e in list_sources(engine.ws.catalogue)}
        for name in list(due):  # forget removed sources: nothing grows without bound
            if name not in known:
                due.pop(name, None)
                failures.pop(name, None)
        wait = min([times.tick] + [max(0.0, t - clock()) for t in due.values()])
        stop.wait(max(0.05, wait))
    return rounds


# ---- broadcast listening (issue 16) -------------------------------------------------------------


def start_broadcast_listener(ws, stop):
    """If ``teachpoint receive --service`` configured it, receive the broadcast carousel in a
    thread (its own Workspace / SQLite connection) until ``stop`` is set; else None."""
    from teachpoint.transport.broadcast_service import service_listener  # noqa: PLC0415

    return service_listener(ws, stop)
