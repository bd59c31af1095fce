"""Looking at a stick without changing anything: what would importing it bring?

:func:`inspect_stick` verifies each repository's root and walks only the metadata nodes that differ
from what this PC holds (from the node cache, or read from the stick and verified, never stored),
then counts the files the catalogue would want that the stick carries. The work per repository is
capped by :data:`INSPECT_MAX_NODES`, :data:`INSPECT_MAX_SECONDS` and :data:`INSPECT_MAX_STATS`;
past a cap the numbers are estimates (``complete=False``). Nothing here imports Qt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import RepositoryError, UntrustedPublisher
from teachpoint.library import teaching
from teachpoint.repo import root as roots
from teachpoint.repo.format import ROOT_NAME
from teachpoint.repo.node_reader import NodeBudgetExceeded, NodeReader
from teachpoint.repo.tree import diff_trees
from teachpoint.repo.untrusted import find_key_file, peek_payload, safe_text
from teachpoint.sneakernet.stick_check import list_inventories
from teachpoint.sync.pipeline import verify_root
from teachpoint.sync.priority import wanted_in_order
from teachpoint.sync.schedule import load_subscriptions
from teachpoint.transport.sources import COLLECTION_NAME, FolderSource, expand_sources

INSPECT_MAX_NODES = 5000  # inspect_stick reads at most this many metadata nodes per repository …
INSPECT_MAX_SECONDS = 5.0  # … and spends at most this long per repository
INSPECT_MAX_STATS = 50_000  # files it looks up on the stick per repository

@dataclass
class RepoOffer:
    """What one repository on a stick would bring to this PC."""

    location: str
    repository: str = ""
    title: str = ""
    key_id: str = ""
    trusted: bool = False
    version: int = 0
    installed_version: int | None = None
    status: str = ""  # new, newer, same, older, conflict, untrusted, invalid
    new_lessons: int = 0
    updated_lessons: int = 0
    removed_lessons: int = 0
    files_to_add: int = 0
    bytes_to_add: int = 0
    complete: bool = True  # False: the work cap was hit, the numbers are estimates
    expired_days: float = 0.0
    key_file: str = ""  # a .pub on the stick with the signing key (untrusted case)
    error: str = ""

    @property
    def brings_something(self) -> bool:
        return self.trusted and (self.new_lessons + self.updated_lessons + self.files_to_add) > 0


@dataclass
class StickOffer:
    folder: str
    repositories: list[RepoOffer] = field(default_factory=list)
    inventories: list[str] = field(default_factory=list)  # inventories/*.json of other schools
    error: str = ""

    @property
    def brings_something(self) -> bool:
        return any(r.brings_something for r in self.repositories)



def inspect_stick(ws, folder: Path) -> StickOffer | None:
    """What a stick offers, read-only; None if the folder is not a TeachPoint stick.

    Verifies each root and walks only the metadata nodes that differ from what this PC holds
    (from the node cache, or read from the stick and verified, never stored), with a cap on the
    work. Nothing on the stick or in the data directory changes.
    """
    folder = Path(folder)
    try:
        is_dir = folder.is_dir()
    except OSError:
        return None
    inventories = list_inventories(folder) if is_dir else []
    if not is_dir or not ((folder / ROOT_NAME).is_file() or (folder / COLLECTION_NAME).is_file()):
        return StickOffer(str(folder), inventories=inventories) if inventories else None
    offer = StickOffer(str(folder), inventories=inventories)
    try:
        sources = expand_sources(str(folder))
    except RepositoryError as exc:
        offer.error = str(exc)
        return offer
    offer.repositories = [_inspect_one(ws, s) for s in sources]
    return offer


def _inspect_one(ws, source: FolderSource) -> RepoOffer:
    item = RepoOffer(source.location)
    try:
        data = source.read_root()
    except RepositoryError as exc:
        item.status, item.error = "invalid", str(exc)
        return item
    claim = peek_payload(data)
    item.repository = safe_text(claim.get("repository"), 64)
    item.title, item.key_id = safe_text(claim.get("title"), 200), safe_text(claim.get("key_id"), 32)
    version = claim.get("version")
    item.version = version if isinstance(version, int) and not isinstance(version, bool) else 0
    accepted = ws.catalogue.repository(item.repository) if item.repository else None
    item.installed_version = accepted.version if accepted else None
    try:
        root = verify_root(ws.trust, data, source)
    except UntrustedPublisher as exc:
        item.status, item.error = "untrusted", str(exc)
        pub = find_key_file(source.folder, item.key_id)
        item.key_file = str(pub) if pub else ""
        return item
    except RepositoryError as exc:
        item.status, item.error = "invalid", str(exc)
        return item
    item.trusted, item.expired_days = True, max(0.0, root.expired_days())
    item.status = roots.classify(root, accepted)
    if item.status == roots.CONFLICT:
        item.error = (f"the stick's {root.repository} version {root.version} differs from the "
                      "installed one with the same number; it will be refused")
        return item
    deadline = time.monotonic() + INSPECT_MAX_SECONDS
    candidates: dict[str, int] = {}
    if item.status in (roots.NEW, roots.NEWER):
        try:
            diff = _walk(ws, source, root, accepted is not None, deadline)
        except NodeBudgetExceeded:
            item.complete = False
            totals = root.totals
            if item.status == "new":
                item.new_lessons = _int(totals.get("resources"))
                item.bytes_to_add = _int(totals.get("bytes"))
            return item
        except RepositoryError as exc:
            item.status, item.error = "invalid", str(exc)
            return item
        known = ws.catalogue.resource_ids(root.repository)
        item.new_lessons = sum(1 for r in diff.upserts if r.rid not in known)
        item.updated_lessons = len(diff.upserts) - item.new_lessons
        item.removed_lessons = len(diff.removed)
        wants = _wants(ws)
        for res in diff.upserts:
            if wants(res.position.grade, res.position.subject, res.position.edition):
                for f in res.files:
                    candidates[f.sha256] = f.size
    for blob in wanted_in_order(ws.catalogue, load_subscriptions(ws), root.repository):
        candidates.setdefault(blob.sha256, blob.size)
    for n, (sha, size) in enumerate(candidates.items()):
        if n >= INSPECT_MAX_STATS or time.monotonic() > deadline:
            item.complete = False
            break
        if not ws.store.has(sha) and source.has_blob(sha, size):
            item.files_to_add += 1
            item.bytes_to_add += size
    return item


def _walk(ws, source: FolderSource, root, has_accepted: bool, deadline: float):
    """The changed part of the tree, read from the cache or the stick, never stored."""
    old = ws.cache.accepted_grades(root.repository) if has_accepted else None
    reader = NodeReader(ws.cache, source, keep=False, max_nodes=INSPECT_MAX_NODES,
                        deadline=deadline)
    return diff_trees(old, root.grades, reader)


def _wants(ws):
    subs = load_subscriptions(ws)
    classes = {(c.grade, c.subject, c.edition) for c in teaching.classes(ws.catalogue)}

    def wants(grade: int, subject: str, edition: str) -> bool:
        return (subs.wants(grade, subject) or (grade, subject, edition) in classes
                or (grade, subject, "") in classes)

    return wants


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
