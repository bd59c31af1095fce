"""The reception report: what the broadcast brought, what is still missing, when it was last heard.

Written as JSON to ``DATA_DIR/broadcast/reception.json`` (at most once a second while listening,
and at the end) for ``teachpoint status`` and the 同步 page; :func:`load_reception` reads it back.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from teachpoint.fsutil import atomic_write
from teachpoint.transport.broadcast_packet import KIND_NAMES, ObjectId

log = logging.getLogger(__name__)

REPORT_NAME = "reception.json"
SAVE_EVERY_S = 1.0
MAX_PROBLEMS = 20
COMPLETE = "complete"


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ChannelState:
    """One repository heard on the channel, as the last import saw it."""

    repository: str = ""
    title: str = ""  # the repository's own name from its signed root, for people
    version: int = 0
    state: str = "waiting"
    reason: str = "no signed root received yet"
    files_waiting: int = 0
    files_installed: int = 0


@dataclass
class ReceptionReport:
    path: Path
    listen: tuple[str, int]
    started: float = field(default_factory=time.time)
    first_heard: float | None = None
    last_heard: float | None = None
    last_completed: float | None = None  # when the last object decoded
    junk: int = 0
    foreign: int = 0
    duplicates: int = 0
    local_drops: int = 0  # datagrams this PC could not take in time (reader queue full)
    objects_received: dict[str, int] = field(default_factory=dict)  # kind name → count
    bytes_received: int = 0
    channels: dict[str, ChannelState] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    _saved: float = 0.0

    def heard(self) -> None:
        """A datagram of a trusted session arrived (channels appear once their root is in)."""
        self.last_heard = time.time()
        if self.first_heard is None:
            self.first_heard = self.last_heard

    def completed(self, obj: ObjectId) -> None:
        kind = KIND_NAMES[obj.kind]
        self.last_completed = time.time()
        self.objects_received[kind] = self.objects_received.get(kind, 0) + 1
        self.bytes_received += obj.length

    def rejected(self, message: str) -> None:
        log.warning("broadcast: %s", message)
        self.problems = (self.problems + [message])[-MAX_PROBLEMS:]

    def imported(self, tag: str, result) -> None:
        """Take what the inbox scan of channel ``tag``'s folder says (an InboxResult)."""
        state = self.channels.setdefault(tag, ChannelState())
        for repo in result.repositories:
            if not repo.repository:
                continue  # root not (re)received: after cleanup the last state stands
            state.repository, state.version, state.state = repo.repository, repo.version, repo.state
            state.reason = repo.reason
            if repo.report is not None and repo.report.title:
                state.title = repo.report.title
            state.files_waiting = repo.files_waiting
            state.files_installed += repo.files_installed
        for problem in result.problems:
            self.rejected(problem)

    @property
    def complete(self) -> bool:
        """Every channel with a signed root has a repository whose files are all installed."""
        return bool(self.channels) and all(c.state == COMPLETE for c in self.channels.values())

    def to_json(self, spool=None) -> dict:
        out = {
            "listen": f"{self.listen[0]}:{self.listen[1]}", "started": _iso(self.started),
            "last_heard": _iso(self.last_heard), "updated": _iso(time.time()),
            "complete": self.complete, "objects_received": self.objects_received,
            "bytes_received": self.bytes_received,
            "packets_dropped": {"junk": self.junk, "foreign": self.foreign,
                                "duplicate": self.duplicates,
                                "overflow": self.local_drops},
            "repositories": [dict(c.__dict__, channel=t) for t, c in sorted(self.channels.items())],
            "problems": self.problems,
        }
        if spool is not None:
            out["partial"] = {"objects": len(spool.entries), "bytes": spool.total_bytes,
                              "evicted": spool.evicted, "discarded": spool.discarded}
        return out

    def save(self, spool=None) -> None:
        self._saved = time.monotonic()
        try:
            atomic_write(self.path, json.dumps(self.to_json(spool), ensure_ascii=False,
                                               indent=1).encode("utf-8"), mode=0o644)
        except OSError as exc:
            log.warning("broadcast: cannot write %s: %s", self.path, exc)

    def save_if_due(self, spool=None) -> None:
        if time.monotonic() - self._saved >= SAVE_EVERY_S:
            self.save(spool)


def load_reception(data_dir: Path) -> dict | None:
    """The last reception report of a data directory, or None if it never received."""
    try:
        obj = json.loads((Path(data_dir) / "broadcast" / REPORT_NAME).read_text("utf-8"))
        return obj if isinstance(obj, dict) else None
    except (OSError, ValueError):
        return None
