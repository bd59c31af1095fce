"""USB sticks (and any folder carrying repositories): look at one, and import from it.

A stick is just a repository folder (``root.json`` at its top) or a collection (``teachpoint.json``
and one folder per repository); see docs/repository-format.md. Importing goes through the same
path as network sync with a folder source: :func:`install_from` verifies the root and applies the
changed metadata in one transaction, then the files the catalogue wants (honouring the
subscriptions, most needed first) are copied, each verified by hash before it enters the store.

Differences from a network sync are only in what is said and in one safe extra: when the stick's
repository is *older* than what this PC accepted, its metadata is not touched (no rollback), but
the files it carries that the current catalogue still wants are copied — each is checked against
the hash in our newer, trusted metadata, so where it came from does not matter.

Looking at a stick without changing anything lives next door and is re-exported here:
:mod:`teachpoint.sneakernet.stick_check` (is it a stick, who signed it: :func:`check_stick_folder`,
:func:`verify_root`, …) and :mod:`teachpoint.sneakernet.stick_offer` (:func:`inspect_stick`: what a stick
would bring; its work caps are the ``INSPECT_*`` constants below). Nothing here imports Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import RepositoryError
from teachpoint.reports import outbox as report_outbox
from teachpoint.sync.engine import load_subscriptions
from teachpoint.transport.folder_copy import CopyProgress, CopyResult, copy_blobs
from teachpoint.sync.pipeline import InstallReport, install_from
from teachpoint.sync.priority import WantedBlob, wanted_in_order
from teachpoint.transport.sources import FolderSource
from teachpoint.sneakernet.stick_check import (
    INVENTORY_DIRS, MAX_LISTED, NotAStick, UntrustedStick, check_stick_folder, find_key_file,
    list_inventories, peek_root, stick_sources, untrusted_message, verify_root)
from teachpoint.sneakernet.stick_offer import RepoOffer, StickOffer, inspect_stick

__all__ = [
    # importing (this module)
    "INSTALLED", "UP_TO_DATE", "OLDER", "FAILED", "RepoImport", "StickImport", "import_stick",
    "import_source", "wanted_blobs",
    # re-exported: copying (folder_copy), checking (stick_check), inspecting (stick_offer)
    "CopyProgress", "CopyResult", "copy_blobs",
    "INVENTORY_DIRS", "MAX_LISTED", "NotAStick", "UntrustedStick", "check_stick_folder",
    "find_key_file", "list_inventories", "peek_root", "stick_sources", "untrusted_message",
    "verify_root",
    "INSPECT_MAX_NODES", "INSPECT_MAX_SECONDS", "INSPECT_MAX_STATS", "RepoOffer", "StickOffer",
    "inspect_stick",
]

log = logging.getLogger(__name__)

INSPECT_MAX_NODES = 5000  # inspect_stick reads at most this many metadata nodes per repository …
INSPECT_MAX_SECONDS = 5.0  # … and spends at most this long per repository
INSPECT_MAX_STATS = 50_000  # files it looks up on the stick per repository

# What became of one repository of a stick.
INSTALLED, UP_TO_DATE, OLDER, FAILED = "installed", "up_to_date", "older", "failed"


# ---- copying files -------------------------------------------------------------------------------------


def wanted_blobs(ws, repo_id: str | None) -> list[WantedBlob]:
    """Files the catalogue wants for a repository that the store lacks, most needed first.

    The same choice and order as network sync (subscriptions, "my classes" first). Files that are
    already in the store (shared with another repository) are marked present on the way.
    """
    todo = []
    for blob in wanted_in_order(ws.catalogue, load_subscriptions(ws), repo_id):
        if ws.store.has(blob.sha256):
            ws.catalogue.mark_blob_present(blob.sha256, blob.size)
        else:
            todo.append(blob)
    return todo


# ---- importing -------------------------------------------------------------------------------------------


@dataclass
class RepoImport:
    """What importing one repository of a stick did."""

    location: str
    repository: str = ""
    title: str = ""
    version: int = 0
    installed_version: int | None = None  # before this import
    status: str = FAILED
    report: InstallReport | None = None  # the metadata step (None when older or failed)
    copy: CopyResult = field(default_factory=CopyResult)
    expired_days: float = 0.0
    error: str = ""
    exception: Exception | None = field(default=None, repr=False)

    @property
    def added(self) -> int:
        return self.report.added if self.report else 0

    @property
    def updated(self) -> int:
        return self.report.updated if self.report else 0

    @property
    def removed(self) -> int:
        return self.report.removed if self.report else 0

    @property
    def problems(self) -> list[str]:
        return ([self.error] if self.error else []) + self.copy.problems

    def summary_zh(self) -> str:
        """One line for a teacher, e.g. "新增 12 节课, 更新 3 节, 复制 20 个文件"."""
        if self.status == FAILED:
            return f"未导入: {self.error}"
        files = f"复制 {self.copy.files_copied} 个文件"
        if self.status == OLDER:
            return (f"U盘上的版本 {self.version} 比本机的版本 {self.installed_version} 旧, "
                    f"课程目录未改动; {files}")
        head = self.report.summary_zh() if self.report and not self.report.up_to_date else "课程已是最新"
        return f"{head}, {files}"

    def to_json(self) -> dict:
        return {"location": self.location, "repository": self.repository, "title": self.title,
                "version": self.version, "installed_version": self.installed_version,
                "status": self.status, "added": self.added, "updated": self.updated,
                "removed": self.removed, "files_copied": self.copy.files_copied,
                "bytes_copied": self.copy.bytes_copied, "files_missing": self.copy.files_missing,
                "files_unreadable": self.copy.files_unreadable, "files_rejected": self.copy.rejected,
                "source_lost": self.copy.source_lost, "expired_days": round(self.expired_days, 1),
                "summary": self.summary_zh(), "error": self.error, "problems": self.problems}


@dataclass
class StickImport:
    folder: str
    repositories: list[RepoImport] = field(default_factory=list)
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
        return sum(r.copy.files_copied for r in self.repositories)

    @property
    def bytes_copied(self) -> int:
        return sum(r.copy.bytes_copied for r in self.repositories)

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

    Raises a :class:`RepositoryError` (:class:`NotAStick`, :class:`UntrustedStick`, …) when the
    stick carries a single repository that cannot be imported — nothing has changed then. For a
    collection, each repository's outcome (and error) is in the result. Errors of this PC (disk
    full, read-only data dir) always raise.
    """
    ws.require_writable("install lessons")
    sources = stick_sources(Path(folder))
    result = StickImport(str(folder), inventories=list_inventories(Path(folder)))
    for source in sources:
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        item = import_source(ws, source, progress=progress, cancel=cancel)
        result.repositories.append(item)
        if item.copy.cancelled:
            result.cancelled = True
            break
        if item.copy.source_lost:  # the whole stick is gone: the other repositories are too
            break
    report_outbox.write_pending_to_stick(ws, folder)  # usage reports go back on the same stick
    if len(sources) == 1 and result.repositories and result.repositories[0].exception:
        raise result.repositories[0].exception
    return result


def import_source(ws, source: FolderSource, progress=None, cancel=None) -> RepoImport:
    """Import one repository folder; its own failure is returned in the result, not raised."""
    item = RepoImport(source.location)
    try:
        root = verify_root(ws, source, source.read_root())
        item.repository, item.title, item.version = root.repository, root.title, root.version
        accepted = ws.catalogue.repository(root.repository)
        item.installed_version = accepted.version if accepted else None
        item.expired_days = max(0.0, root.expired_days())
        if accepted is not None and root.version < accepted.version:
            item.status = OLDER  # metadata untouched; the files below are checked against ours
            log.info("stick %s has %s v%d, older than v%d: files only", source.location,
                     root.repository, root.version, accepted.version)
        else:
            report = install_from(source, ws.catalogue, ws.store, ws.trust, ws.cache, blobs=False)
            item.report, item.repository, item.version = report, report.repository, report.version
            item.status = UP_TO_DATE if report.up_to_date else INSTALLED
    except RepositoryError as exc:
        item.status, item.error, item.exception = FAILED, str(exc), exc
        log.warning("import from %s refused: %s", source.location, exc)
        return item
    item.copy = copy_blobs(ws, source, wanted_blobs(ws, item.repository), item.repository,
                           progress=progress, cancel=cancel)
    if item.copy.files_copied and item.status == UP_TO_DATE:
        item.status = INSTALLED
    return item
