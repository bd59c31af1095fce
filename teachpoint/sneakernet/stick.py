"""USB sticks (and any folder carrying repositories): import from one.

A stick is just a repository folder (``root.json`` at its top) or a collection (``teachpoint.json``
and one folder per repository); see docs/repository-format.md. Importing is the one pipeline every
transport uses (:func:`teachpoint.sync.pipeline.import_repository`) once per repository on the
stick: verified root, changed metadata in one transaction, then the files the catalogue wants
(subscriptions, most needed first), each verified by hash before it enters the store. A stick
holding an *older* version than this PC accepted is handled as for every source: the catalogue is
never rolled back, and the files it carries that our catalogue still wants are copied.

Looking at a stick without changing anything lives next door: :mod:`teachpoint.sneakernet.stick_check`
(is it a stick: :func:`check_stick_folder`, …) and :mod:`teachpoint.sneakernet.stick_offer`
(:func:`inspect_stick`: what a stick would bring). Nothing here imports Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.sneakernet.stick_check import list_inventories, stick_sources
from teachpoint.sync.pipeline import FILES_TOO, ImportOutcome, import_repository
from teachpoint.reports import outbox as report_outbox

log = logging.getLogger(__name__)

@dataclass
class StickImport:
    folder: str
    repositories: list[ImportOutcome] = field(default_factory=list)
    inventories: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(not r.problems for r in self.repositories)

    @property
    def added(self) -> int:
        return sum(r.added for r in self.repositories)

    @property
    def updated(self) -> int:
        return sum(r.updated for r in self.repositories)

    @property
    def files_copied(self) -> int:
        return sum(r.files.files_copied for r in self.repositories)

    @property
    def bytes_copied(self) -> int:
        return sum(r.files.bytes_copied for r in self.repositories)

    def summary_zh(self) -> str:
        return f"新增 {self.added} 节课, 更新 {self.updated} 节"

    def to_json(self) -> dict:
        return {"folder": self.folder, "ok": self.ok, "summary": self.summary_zh(),
                "added": self.added, "updated": self.updated, "files_copied": self.files_copied,
                "bytes_copied": self.bytes_copied, "cancelled": self.cancelled,
                "inventories": self.inventories,
                "repositories": [r.to_json() for r in self.repositories]}


def import_stick(ws, folder: Path, progress=None, cancel=None) -> StickImport:
    """Verify and install everything a stick offers (every repository of a collection).

    Raises a :class:`RepositoryError` (:class:`NotAStick`, :class:`UntrustedPublisher`, …) when
    the stick carries a single repository that cannot be imported — nothing has changed then. For
    a collection, each repository's outcome (and typed problem) is in the result. Errors of this
    PC (disk full, read-only data dir, another sync running) always raise.
    """
    ws.require_writable("install lessons")
    sources = stick_sources(Path(folder))
    result = StickImport(str(folder), inventories=list_inventories(Path(folder)))
    for source in sources:
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        item = import_repository(ws, source, FILES_TOO, progress=progress, cancel=cancel)
        result.repositories.append(item)
        if item.files.cancelled:
            result.cancelled = True
            break
        if item.files.source_lost:  # the whole stick is gone: the other repositories are too
            break
    report_outbox.write_pending_to_stick(ws, folder)  # usage reports go back on the same stick
    if len(sources) == 1 and result.repositories:
        result.repositories[0].raise_problem()
    return result
