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

:func:`inspect_stick` tells the app what a stick offers without changing anything. Nothing here
imports Qt.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import RepositoryError, SignatureError
from teachpoint.library import teaching
from teachpoint.sync.engine import load_subscriptions
from teachpoint.sync.folder_copy import CopyProgress, CopyResult, copy_blobs  # noqa: F401 (API)
from teachpoint.sync.install import InstallReport, install_from
from teachpoint.sync.keys import load_public_key
from teachpoint.sync.priority import WantedBlob, wanted_in_order
from teachpoint.sync.repo_format import ROOT_NAME, Pin, decode_node
from teachpoint.sync.repo_tree import diff_trees
from teachpoint.sync.root import parse_root
from teachpoint.sync.sources import COLLECTION_NAME, FolderSource, expand_sources

log = logging.getLogger(__name__)

INVENTORY_DIRS = ("_inventories", "inventories")  # see teachpoint.sync.inventory.FOLDER
MAX_LISTED = 1000  # entries looked at when listing a folder on a stick (inventories, .pub files)
INSPECT_MAX_NODES = 5000  # inspect_stick reads at most this many metadata nodes per repository …
INSPECT_MAX_SECONDS = 5.0  # … and spends at most this long per repository
INSPECT_MAX_STATS = 50_000  # files it looks up on the stick per repository

# What became of one repository of a stick.
INSTALLED, UP_TO_DATE, OLDER, FAILED = "installed", "up_to_date", "older", "failed"
_KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class NotAStick(RepositoryError):
    """The folder holds no TeachPoint repository or collection."""


class UntrustedStick(SignatureError):
    """The stick's repository is signed by a key this PC does not trust (for it)."""


# ---- finding the repositories on a stick -----------------------------------------------------------


def check_stick_folder(folder: Path) -> Path:
    """Return ``folder`` if it carries a repository or collection; else raise a clear error."""
    folder = Path(folder)
    if not folder.exists():
        raise NotAStick(f"{folder} does not exist (is the stick inserted and mounted?)")
    if not folder.is_dir():
        raise NotAStick(f"{folder} is a file, not a folder: give the folder that holds "
                        f"{ROOT_NAME} or {COLLECTION_NAME}")
    if (folder / ROOT_NAME).is_file() or (folder / COLLECTION_NAME).is_file():
        return folder
    entries = _listing(folder)
    if not entries:
        raise NotAStick(f"{folder} is empty: not a TeachPoint repository or stick "
                        f"(no {ROOT_NAME} or {COLLECTION_NAME})")
    if list_inventories(folder):
        raise NotAStick(f"{folder} carries inventories of other PCs but no lessons: on a "
                        "connected PC, 'teachpoint export --for' fills it with what they need")
    hint = ""
    for entry in entries:  # a stick's repository one level down: say where it is
        try:
            if entry.is_dir() and not entry.is_symlink() and (
                    (entry / ROOT_NAME).is_file() or (entry / COLLECTION_NAME).is_file()):
                hint = f"; did you mean {entry}?"
                break
        except OSError:
            continue
    raise NotAStick(f"{folder} is not a TeachPoint repository or stick "
                    f"(no {ROOT_NAME} or {COLLECTION_NAME} in it){hint}")


def stick_sources(folder: Path) -> list[FolderSource]:
    """The repository sources on a stick (one, or each repository of a collection)."""
    return expand_sources(str(check_stick_folder(folder)))


def list_inventories(folder: Path) -> list[str]:
    """The inventory files of other PCs a stick carries, as relative paths, sorted.

    ``_inventories/`` is where :mod:`teachpoint.sync.inventory` writes them; ``inventories/`` is
    accepted too. Only listed here, never read.
    """
    return sorted(f"{p.parent.name}/{p.name}" for sub in INVENTORY_DIRS
                  for p in _listing(Path(folder) / sub)
                  if p.suffix == ".json" and p.is_file() and not p.is_symlink())


def _listing(folder: Path) -> list[Path]:
    out = []
    try:
        for n, entry in enumerate(folder.iterdir()):
            if n >= MAX_LISTED:
                break
            out.append(entry)
    except OSError:
        return []
    return sorted(out)


# ---- trust -------------------------------------------------------------------------------------------


def verify_root(ws, source: FolderSource, data: bytes, where: str = "the stick's"):
    """:func:`parse_root`, with an untrusted key explained: which key, and how to trust it."""
    try:
        return parse_root(data, ws.trust)
    except SignatureError as exc:
        claim = peek_root(data)
        key_id, repo = claim.get("key_id"), claim.get("repository")
        if not isinstance(key_id, str) or not isinstance(repo, str) or ws.trust.allows(key_id, repo):
            raise  # a bad signature by a trusted key: tampered, nothing to explain
        raise UntrustedStick(untrusted_message(ws, source, claim, where)) from exc


def peek_root(data: bytes) -> dict:
    """The *unverified* payload of a root (for messages only), or {} if it does not parse."""
    try:
        payload = json.loads(json.loads(data.decode("utf-8"))["payload"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def untrusted_message(ws, source: FolderSource, claim: dict, where: str = "the stick's") -> str:
    key_id = _safe(claim.get("key_id"), 32)
    repo, title = _safe(claim.get("repository"), 64), _safe(claim.get("title"), 60)
    named = f"{repo!r}" + (f" ({title})" if title else "")
    pub = find_key_file(source.folder, key_id)
    trusted_elsewhere = ws.trust.get(key_id) is not None if _KEY_ID_RE.match(key_id) else False
    why = ("which this PC trusts only for other repositories" if trusted_elsewhere
           else "which this PC does not trust")
    how = (f"teachpoint trust add {pub}" if pub else "teachpoint trust add PUBLISHER.pub "
           "(the publisher's key file)")
    return (f"{where} repository {named} is signed by key {key_id}, {why}; nothing was "
            f"installed. If the publisher confirms fingerprint {key_id}, trust it with: {how}")


def find_key_file(folder: Path, key_id: str) -> Path | None:
    """A ``.pub`` on the stick (top, ``keys/``, or the collection's top) holding ``key_id``."""
    if not _KEY_ID_RE.match(key_id or ""):
        return None
    for place in (folder, folder / "keys", folder.parent, folder.parent / "keys"):
        for path in _listing(place):
            if path.suffix != ".pub" or not path.is_file() or path.is_symlink():
                continue
            try:
                if load_public_key(path).key_id == key_id:
                    return path
            except Exception:  # noqa: BLE001 - a junk .pub on a stick is just junk
                continue
    return None


def _safe(value, limit: int) -> str:
    return _CONTROL_RE.sub("", value)[:limit] if isinstance(value, str) else ""


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


# ---- looking at a stick without changing anything ---------------------------------------------------


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


class _CapReached(Exception):
    pass


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
    claim = peek_root(data)
    item.repository, item.title = _safe(claim.get("repository"), 64), _safe(claim.get("title"), 200)
    item.key_id = _safe(claim.get("key_id"), 32)
    version = claim.get("version")
    item.version = version if isinstance(version, int) and not isinstance(version, bool) else 0
    accepted = ws.catalogue.repository(item.repository) if item.repository else None
    item.installed_version = accepted.version if accepted else None
    try:
        root = verify_root(ws, source, data)
    except UntrustedStick as exc:
        item.status, item.error = "untrusted", str(exc)
        pub = find_key_file(source.folder, item.key_id)
        item.key_file = str(pub) if pub else ""
        return item
    except RepositoryError as exc:
        item.status, item.error = "invalid", str(exc)
        return item
    item.trusted, item.expired_days = True, max(0.0, root.expired_days())
    if accepted is None:
        item.status = "new"
    elif root.version > accepted.version:
        item.status = "newer"
    elif root.version < accepted.version:
        item.status = "older"
    elif root.sha256 == accepted.root_sha256:
        item.status = "same"
    else:
        item.status, item.error = "conflict", (
            f"the stick's {root.repository} version {root.version} differs from the installed one "
            "with the same number; it will be refused")
        return item
    deadline = time.monotonic() + INSPECT_MAX_SECONDS
    candidates: dict[str, int] = {}
    if item.status in ("new", "newer"):
        try:
            diff = _walk(ws, source, root, accepted is not None, deadline)
        except _CapReached:
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
    old = ws.cache.accepted_grades(root.repository) if has_accepted else None
    count = [0]

    def fetch(pin: Pin, node_type: str) -> dict:
        count[0] += 1
        if count[0] > INSPECT_MAX_NODES or time.monotonic() > deadline:
            raise _CapReached()
        data = ws.cache.get(pin)
        if data is None:
            data = source.read_node(pin.sha256, pin.size)
        return decode_node(data, pin, node_type)

    return diff_trees(old, root.grades, fetch)


def _wants(ws):
    subs = load_subscriptions(ws)
    classes = {(c.grade, c.subject, c.edition) for c in teaching.classes(ws.catalogue)}

    def wants(grade: int, subject: str, edition: str) -> bool:
        return (subs.wants(grade, subject) or (grade, subject, edition) in classes
                or (grade, subject, "") in classes)

    return wants


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
