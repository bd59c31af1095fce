"""The one import: bring the catalogue and the store up to a verified repository from any source.

Every transport — HTTP sync, a USB stick, the satellite inbox, a LAN peer's ``serve``, the built-in
demo — calls :func:`import_repository` with a source (see :mod:`teachpoint.transport.sources`) and
an :class:`ImportPolicy`. The steps, the same for all:

1. read the root and check its signature against the trusted keys (an unknown key is explained:
   which key, and how to trust it);
2. compare it with the accepted root (:func:`teachpoint.repo.root.classify`): a *newer* or *new*
   root has its changed metadata nodes fetched (each checked against its pin) and applied in one
   catalogue transaction; the *same* root changes nothing; an *older* root never rolls the
   catalogue back — its files are still taken where our accepted catalogue wants them (each is
   checked against our own metadata, so where it came from does not matter) and the outcome says
   plainly that the source is older; a *conflicting* root (same version, other content) is refused;
3. fetch the files the catalogue wants that the store lacks, most needed first
   (:mod:`teachpoint.sync.priority`), each verified by hash before it enters the store.

The pipeline takes the sync lock itself (re-entrant within a thread), so no caller can forget it.
It never raises for the source's own problems: the typed exception is carried in the
:class:`ImportOutcome` (``problem``), and the caller decides how to say it. Problems of this PC
(disk full, read-only data directory) and a cancel are raised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from teachpoint.errors import (
    RepositoryError, SignatureError, SourceUnreachable, UntrustedPublisher)
from teachpoint.library.catalogue_bulk import collector_paused
from teachpoint.library.store import Cancelled
from teachpoint.repo import root as roots
from teachpoint.repo.format import REVIEWS, review_decisions
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.prefetch import prefetch_tree
from teachpoint.repo.tree import diff_trees
from teachpoint.repo.untrusted import peek_payload, untrusted_message
from teachpoint.sync.lock import SyncLock
from teachpoint.sync.priority import wanted_in_order
from teachpoint.sync.schedule import load_subscriptions
from teachpoint.transport.transfer import TransferResult

log = logging.getLogger(__name__)

# What became of one repository.
INSTALLED, UP_TO_DATE, OLDER, WAITING, FAILED = "installed", "up_to_date", "older", "waiting", "failed"
# Where an import ended (or failed).
ROOT, METADATA, FILES = "root", "metadata", "files"


@dataclass(frozen=True)
class ImportPolicy:
    """What an import may do. The same for every transport but for these switches."""

    files: bool = True  # after the metadata, fetch the files the catalogue wants
    wait_for_metadata: bool = False  # nodes not (fully) there yet: wait, apply nothing (inbox)
    boosted: frozenset = frozenset()  # resource ids to fetch first, even outside subscriptions


FILES_TOO = ImportPolicy()
METADATA_ONLY = ImportPolicy(files=False)
INBOX = ImportPolicy(wait_for_metadata=True)


@dataclass
class ImportOutcome:
    """What importing one repository from one source did."""

    location: str
    repository: str = ""
    title: str = ""
    version: int = 0
    installed_version: int | None = None  # before this import
    relation: str = ""  # new, newer, same, older, conflict (repo.root.classify)
    status: str = FAILED
    stage: str = ROOT  # where the import ended, or failed
    metadata_applied: bool = False
    added: int = 0
    updated: int = 0
    removed: int = 0
    metadata_bytes: int = 0
    missing_nodes: int = 0  # WAITING: metadata nodes not received yet
    expired_days: float = 0.0
    files: TransferResult = field(default_factory=TransferResult)
    problem: Exception | None = field(default=None, repr=False)  # typed (TeachPointError)

    @property
    def up_to_date(self) -> bool:
        """The catalogue did not change."""
        return not self.metadata_applied

    @property
    def changed(self) -> bool:
        return self.metadata_applied or self.files.files_copied > 0

    @property
    def error(self) -> str:
        return str(self.problem) if self.problem is not None else ""

    @property
    def problems(self) -> list[str]:
        return ([self.error] if self.error else []) + [str(p) for p in self.files.problems]

    # names kept from the first import report, used by scripts and benchmarks
    @property
    def blobs_copied(self) -> int:
        return self.files.files_copied

    @property
    def bytes_copied(self) -> int:
        return self.files.bytes_copied

    def raise_problem(self) -> "ImportOutcome":
        """Raise the typed problem if the import failed; otherwise return self."""
        if self.status == FAILED and self.problem is not None:
            raise self.problem
        return self

    def summary_zh(self) -> str:
        """One line for a teacher, e.g. "新增 12 节课, 更新 3 节, 复制 20 个文件"."""
        if self.status == FAILED:
            return f"未导入: {self.error}"
        files = f"复制 {self.files.files_copied} 个文件"
        if self.status == OLDER:
            return (f"来源上的版本 {self.version} 比本机的版本 {self.installed_version} 旧, "
                    f"课程目录未改动; {files}")
        if self.status == WAITING:
            return f"还在接收: {self.missing_nodes} 个目录文件未到"
        head = self.changes_zh() if self.metadata_applied else "课程已是最新"
        return f"{head}, {files}"

    def changes_zh(self) -> str:
        """What the catalogue change did, e.g. "新增 12 节课, 更新 3 节"."""
        parts = [f"新增 {self.added} 节课", f"更新 {self.updated} 节"]
        if self.removed:
            parts.append(f"移除 {self.removed} 节")
        return ", ".join(parts)

    def to_json(self) -> dict:
        f = self.files
        return {"location": self.location, "repository": self.repository, "title": self.title,
                "version": self.version, "installed_version": self.installed_version,
                "relation": self.relation, "status": self.status, "added": self.added,
                "updated": self.updated, "removed": self.removed, "files_copied": f.files_copied,
                "bytes_copied": f.bytes_copied, "files_missing": f.files_missing,
                "files_unreadable": f.files_unreadable, "files_rejected": f.rejected,
                "source_lost": f.source_lost, "expired_days": round(self.expired_days, 1),
                "summary": self.summary_zh(), "error": self.error, "problems": self.problems}


def import_repository(ws, source, policy: ImportPolicy = FILES_TOO, *, progress=None,
                      cancel=None, on_metadata=None, on_stored=None,
                      transfer_options: dict | None = None) -> ImportOutcome:
    """Import one repository from ``source`` under ``policy``; see the module docstring.

    ``progress(TransferProgress)`` while files arrive; ``on_metadata(outcome)`` once the catalogue
    changed; ``on_stored(sha256, size)`` after each file is stored (it is playable then).
    ``transfer_options`` go to the source's ``fetch_blobs`` (HTTP: ``limiter``, ``max_streams``).
    A cancel ends the import with ``outcome.files.cancelled`` set. Raises only for this PC's
    problems (:class:`NotEnoughSpace`, a read-only data directory, :class:`SyncBusy`).
    """
    ws.require_writable("install lessons")
    outcome = ImportOutcome(source.location)
    with SyncLock(ws.paths.root):
        try:
            root = _accept_root(ws, source, outcome)
            if root is None:
                return outcome
            outcome.stage = METADATA
            if outcome.relation in (roots.NEW, roots.NEWER):
                # ~1M objects of rows: see library.catalogue_bulk. The network reads before the
                # walk are inside too: with the collector on during them, a full collection ran
                # in the GUI-like reader of benchmarks/metadata_link.py (60 ms, its own CPU).
                with collector_paused():
                    applied = _apply_metadata(ws, source, root, policy, outcome)
                if not applied:
                    return outcome  # waiting for metadata to arrive
                if on_metadata is not None:
                    on_metadata(outcome)
            outcome.status = {roots.OLDER: OLDER, roots.SAME: UP_TO_DATE}.get(outcome.relation, INSTALLED)
        except (SourceUnreachable, RepositoryError) as exc:
            return _failed(outcome, exc)
        if policy.files:
            outcome.stage = FILES
            source.release_connections()  # while files arrive, only the downloader's streams
            _fetch_files(ws, source, policy, outcome, progress, cancel, on_stored,
                         transfer_options or {})
            if outcome.files.files_copied and outcome.status == UP_TO_DATE:
                outcome.status = INSTALLED
    return outcome


def _failed(outcome: ImportOutcome, exc: Exception) -> ImportOutcome:
    outcome.status, outcome.problem = FAILED, exc
    log.warning("import from %s refused at the %s: %s", outcome.location, outcome.stage, exc)
    return outcome


def _accept_root(ws, source, outcome: ImportOutcome):
    """Read, verify and classify the root; None (with the outcome filled) when it is refused."""
    data = source.read_root()
    root = verify_root(ws.trust, data, source)
    accepted = ws.catalogue.repository(root.repository)
    outcome.repository, outcome.title, outcome.version = root.repository, root.title, root.version
    outcome.installed_version = accepted.version if accepted else None
    outcome.expired_days = max(0.0, root.expired_days())
    outcome.metadata_bytes = len(root.raw)
    outcome.relation = roots.classify(root, accepted)
    if outcome.relation == roots.CONFLICT:
        _failed(outcome, roots.conflict_error(root))
        return None
    if outcome.relation == roots.OLDER:
        log.info("%s offers %s v%d, older than the installed v%d: metadata untouched, files only",
                 source.location, root.repository, root.version, accepted.version)
    return root


def verify_root(trust, data: bytes, source):
    """:func:`teachpoint.repo.root.parse_root`, with an untrusted key explained.

    Raises :class:`UntrustedPublisher` (a :class:`SignatureError`) naming the key and how to trust
    it (a ``.pub`` found beside a folder source is named) when a well-formed root is signed by a
    key this PC does not trust for that repository; a bad signature by a trusted key is a plain
    :class:`SignatureError` (tampered).
    """
    try:
        return roots.parse_root(data, trust)
    except SignatureError as exc:
        claim = peek_payload(data)
        key_id, repo = claim.get("key_id"), claim.get("repository")
        if not isinstance(key_id, str) or not isinstance(repo, str) or trust.allows(key_id, repo):
            raise
        message = untrusted_message(trust, claim, source.described_as, source.key_folder)
        raise UntrustedPublisher(message) from exc


def _apply_metadata(ws, source, root, policy: ImportPolicy, outcome: ImportOutcome) -> bool:
    """Fetch the changed nodes and apply them in one transaction; False = still waiting."""
    old = ws.cache.accepted_grades(root.repository) if outcome.installed_version else None
    outcome.metadata_bytes += prefetch_tree(source, ws.cache, root.grades, old,
                                            root.grade_packs).bytes_read
    if policy.wait_for_metadata:
        look = NodeReader(ws.cache, source, wait_for_missing=True)
        diff_trees(old, root.grades, look)
        if root.reviews:
            look(root.reviews, REVIEWS)
        outcome.metadata_bytes += look.bytes_read
        if look.missing:
            outcome.status, outcome.missing_nodes = WAITING, look.missing
            return False
    reader = NodeReader(ws.cache, source)
    diff = diff_trees(old, root.grades, reader)
    outcome.metadata_bytes += reader.bytes_read
    removed = diff.removed
    if outcome.installed_version and old is None:  # cache lost: compare with the catalogue instead
        removed = sorted(ws.catalogue.resource_ids(root.repository) - {r.rid for r in diff.upserts})
    known = ws.catalogue.resource_ids(root.repository)
    outcome.added = sum(1 for r in diff.upserts if r.rid not in known)
    outcome.updated = len(diff.upserts) - outcome.added
    outcome.removed = len(removed)
    decisions = review_decisions(reader(root.reviews, REVIEWS)) if root.reviews else []
    # ~1M objects at 100k: freed a slice at a time before the commit (library.catalogue_bulk)
    ws.catalogue.apply_repository(root.info(source.location), diff.upserts, removed, decisions,
                                  release_upserts=True)
    ws.cache.accept(root)
    outcome.metadata_applied = True
    return True


def _fetch_files(ws, source, policy: ImportPolicy, outcome: ImportOutcome, progress, cancel,
                 on_stored, transfer_options: dict) -> None:
    """Fetch what the accepted catalogue wants of this repository, most needed first."""
    todo = wanted_files(ws, outcome.repository, policy.boosted)

    def stored(sha256: str, size: int) -> None:
        ws.catalogue.mark_blob_present(sha256, size)
        if on_stored is not None:
            on_stored(sha256, size)

    if not todo:
        return
    try:
        outcome.files = source.fetch_blobs(ws.store, todo, on_stored=stored,
                                           repository=outcome.repository, progress=progress,
                                           cancel=cancel, **transfer_options)
    except SourceUnreachable as exc:
        _failed(outcome, exc)
    except Cancelled:  # paused or stopping: what was stored stays, partial files are kept
        outcome.files.cancelled = True


def wanted_files(ws, repo_id: str | None, boosted=frozenset()) -> list:
    """Files the catalogue wants (for one repository, or all) that the store lacks, best first.

    The subscriptions and "my classes" decide (:func:`wanted_in_order`); files already in the
    store (shared with another repository, or stored before) are marked present on the way.
    """
    todo = []
    for blob in wanted_in_order(ws.catalogue, load_subscriptions(ws), repo_id, boosted=boosted):
        if ws.store.has(blob.sha256):
            ws.catalogue.mark_blob_present(blob.sha256, blob.size)
        else:
            todo.append(blob)
    return todo
