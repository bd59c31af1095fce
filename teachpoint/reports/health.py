"""The health part of a report: is this PC still able to teach, and is it up to date?

App version, the accepted catalogue version of each repository, the last successful sync and its
source, open problems, free disk, the player's last self-check and the last report sent. Only
facts about the machine and its content — nothing about pupils or teachers.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from teachpoint import __version__
from teachpoint.fsutil import atomic_write
from teachpoint.library import settings
from teachpoint.library.catalogue import now_iso
from teachpoint.library.source_list import list_sources

log = logging.getLogger(__name__)

SETTING_LAST_SENT = "reports.last_sent"        # {"at", "seq", "to"} of the last report delivered
PLAYER_CHECK_FILE = "player-check.json"        # {"at", "status", "detail"} of the last self-check
MAX_PLAYER_CHECK_BYTES = 4096
MAX_PROBLEMS = 20
MAX_PROBLEM_TEXT = 200


def free_disk_bytes(path) -> int | None:
    """Free bytes on the disk holding ``path`` (None when it cannot be asked)."""
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def reports_dir(paths) -> Path:
    """The folder of this PC's report key, outbox and player check (inside the data dir)."""
    return Path(paths.root) / "reports"


def record_player_check(paths, status: str, detail: str) -> None:
    """Remember the player self-check's outcome (``ok`` / ``FAIL`` / ``WARN`` / ``skip``).

    A file, not a setting: ``--selftest`` checks the player after it has closed the catalogue.
    Failing to write it is logged, never raised (the self-test report matters more).
    """
    folder = reports_dir(paths)
    record = {"at": now_iso(), "status": status, "detail": detail[:MAX_PROBLEM_TEXT]}
    try:
        atomic_write(folder / PLAYER_CHECK_FILE, json.dumps(record, ensure_ascii=False).encode("utf-8"))
    except OSError as exc:
        log.warning("could not remember the player check in %s: %s", folder, exc)


def last_player_check(paths) -> dict | None:
    """The last recorded player self-check, or None (never run, or unreadable)."""
    try:
        with open(reports_dir(paths) / PLAYER_CHECK_FILE, "rb") as fh:
            record = json.loads(fh.read(MAX_PLAYER_CHECK_BYTES))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _last_sync(sources) -> dict:
    """The most recent successful sync over all sources: when and from which source name."""
    done = [s for s in sources if s.last_success]
    if not done:
        return {"at": None, "source": None}
    best = max(done, key=lambda s: s.last_success)
    return {"at": best.last_success, "source": best.name}


def _problems(ws, sources) -> list[str]:
    """Open problems a county technician should know of (bounded count and length)."""
    found = [f"source {s.name}: {s.last_error}" for s in sources if s.last_error]
    if ws.demo_error:
        found.append(f"demo channel: {ws.demo_error}")
    report = getattr(ws, "site_report", None)
    found += [f"site configuration: {p}" for p in getattr(report, "problems", []) or []]
    return [p[:MAX_PROBLEM_TEXT] for p in found[:MAX_PROBLEMS]]


def collect_health(ws) -> dict:
    """The health facts of this PC now, as plain JSON values."""
    sources = list_sources(ws.catalogue)
    repos = {r.id: {"version": r.version, "published_at": r.published_at, "expires_at": r.expires_at}
             for r in ws.catalogue.repositories()}
    return {
        "app_version": __version__,
        "repositories": repos,
        "last_sync": _last_sync(sources),
        "problems": _problems(ws, sources),
        "free_disk_bytes": free_disk_bytes(ws.paths.root),
        "player_check": last_player_check(ws.paths),
        "last_report_sent": settings.get_json_setting(ws.catalogue, SETTING_LAST_SENT, None),
    }
