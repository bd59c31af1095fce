"""The satellite inbox: a folder a receiver fills with a repository (or collection) over time.

Files arrive in any order, some incomplete, some more than once. :func:`scan_inbox` imports what
is complete and verified and leaves the rest waiting, without errors:

* no ``root.json`` yet, or one that does not parse yet (still being written) → waiting; a root
  that stays unparsable and unchanged for :data:`STALE_SECONDS` is reported, once;
* then the one import pipeline runs, as for every other source
  (:func:`teachpoint.sync.pipeline.import_repository` with the :data:`INBOX` policy): metadata
  nodes missing or incomplete → waiting, nothing applied; all present → the catalogue change is
  applied in one transaction;
* files: complete ones are installed once their hash is verified; shorter than declared → waiting;
  complete size but wrong content (or longer than declared) → reported and moved aside into
  ``.teachpoint-rejected/`` at the top of the inbox.

With ``cleanup`` the files that have been installed are deleted from the inbox, and the metadata
and root once everything of that version is in. A problem is reported once (remembered in the
setting ``sync.inbox.reported``), so a service scanning every 30 s does not repeat itself.
What is inbox-specific lives in :class:`InboxSource`, a folder source that says "not yet" for
files still arriving and sets damaged ones aside. The pipeline takes the sync lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import (
    BlobMismatch, NotYetArrived, RepositoryError, RollbackError, SignatureError)
from teachpoint.library.settings import get_json_setting
from teachpoint.repo.format import MAX_ROOT_BYTES, ROOT_NAME, SHA_RE, Pin, blob_path, meta_path
from teachpoint.repo.packs import PackRef, decode_pack
from teachpoint.sync import pipeline
from teachpoint.sync.lock import SyncLock
from teachpoint.sync.pipeline import INBOX, ImportOutcome, import_repository
from teachpoint.transport.sources import COLLECTION_NAME, FolderSource, parse_collection, read_bounded

log = logging.getLogger(__name__)

SETTING_REPORTED = "sync.inbox.reported"
STALE_SECONDS = 600  # an unparsable root/index unchanged this long is an error, not "arriving"
REJECTED_DIR = ".teachpoint-rejected"
MAX_CLEANUP_FILES = 200_000

# States of one repository in the inbox.
WAITING, APPLIED, COMPLETE, OLDER, ERROR = "waiting", "applied", "complete", "older", "error"


# ---- results ----------------------------------------------------------------------------------------


@dataclass
class InboxRepo:
    location: str
    repository: str = ""
    version: int = 0
    state: str = WAITING
    reason: str = ""  # why it waits, or the error
    report: ImportOutcome | None = None  # the pipeline's outcome, when it ran in this scan
    files_installed: int = 0
    bytes_installed: int = 0
    files_waiting: int = 0
    rejected: list[str] = field(default_factory=list)  # sha256 of files moved aside
    deleted: int = 0  # files removed from the inbox (cleanup)

    def to_json(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "report"}
        if self.report is not None and self.report.metadata_applied:
            out["summary"] = self.report.changes_zh()
            out["added"], out["updated"] = self.report.added, self.report.updated
        return out


@dataclass
class InboxResult:
    folder: str
    repositories: list[InboxRepo] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # why (parts of) the inbox wait
    problems: list[str] = field(default_factory=list)  # new problems (each reported once)

    @property
    def changed(self) -> bool:
        return any(r.report is not None and r.report.metadata_applied or r.files_installed
                   for r in self.repositories)

    def to_json(self) -> dict:
        return {"folder": self.folder, "changed": self.changed, "waiting": self.waiting,
                "problems": self.problems, "repositories": [r.to_json() for r in self.repositories]}


class _Scan:
    """One pass over the inbox; remembers which problems were already reported."""

    def __init__(self, ws, top: Path, cleanup: bool, cancel, now: float):
        self.ws, self.top, self.cleanup, self.cancel, self.now = ws, top, cleanup, cancel, now
        self.result = InboxResult(str(top))
        old = get_json_setting(ws.catalogue, SETTING_REPORTED, {})
        self.reported_before = old if isinstance(old, dict) else {}
        self.reported_now: dict[str, str] = {}

    def problem(self, key: str, signature: str, message: str) -> None:
        """Report ``message`` unless the same problem (key + signature) was reported already."""
        self.reported_now[key] = signature
        if self.reported_before.get(key) != signature:
            self.result.problems.append(message)
            log.warning("inbox: %s", message)

    def save(self) -> None:
        if self.reported_now != self.reported_before:
            self.ws.set_setting(SETTING_REPORTED, json.dumps(self.reported_now, ensure_ascii=False))


def scan_inbox(ws, folder: Path, cleanup: bool = False, cancel=None, now: float | None = None) -> InboxResult:
    """Import what is complete and verified in the inbox; leave the rest waiting (see module doc)."""
    ws.require_writable("import from the inbox")
    with SyncLock(ws.paths.root):  # the whole scan: every repository and the problems it saves
        return _scan(_Scan(ws, Path(folder), cleanup, cancel, time.time() if now is None else now))


def _scan(scan: "_Scan") -> InboxResult:
    top = scan.top
    if not top.is_dir():
        scan.result.waiting.append(f"the inbox {top} is not there (receiver not connected?)")
    elif (top / ROOT_NAME).is_file():
        _scan_repo(scan, top)
    elif (top / COLLECTION_NAME).is_file():
        for repo_dir in _collection(scan, top):
            if scan.cancel is not None and scan.cancel.is_set():
                break
            _scan_repo(scan, repo_dir)
    else:
        scan.result.waiting.append("nothing received yet")
    scan.save()
    return scan.result


def _collection(scan: _Scan, top: Path) -> list[Path]:
    path = top / COLLECTION_NAME
    try:
        st = path.stat()
    except OSError:
        scan.result.waiting.append("nothing received yet")
        return []
    try:
        names = parse_collection(read_bounded(path, MAX_ROOT_BYTES))
    except RepositoryError as exc:
        _unparsable(scan, path, st, exc)
        return []
    return [top / rel for rel in names.values()]


def _unparsable(scan: _Scan, path: Path, st, exc) -> None:
    """A root/index that does not parse: still arriving, or (once old) an error."""
    if st is not None and scan.now - st.st_mtime >= STALE_SECONDS:
        minutes = (scan.now - st.st_mtime) / 60
        scan.problem(str(path), f"{st.st_size}:{st.st_mtime_ns}",
                     f"{path} has stayed unreadable for {minutes:.0f} minutes: {exc}")
        scan.result.waiting.append(f"{path} is unreadable")
    else:
        scan.result.waiting.append(f"{path} is still arriving")


class InboxSource(FolderSource):
    """A repository folder that a receiver fills over time, in any order.

    A node or file that is absent or shorter than declared is "not yet" (:class:`NotYetArrived`:
    the pipeline waits for it). One of the complete size with the wrong content, or longer than
    declared, is reported and moved aside so a good copy can arrive under its name — unless it
    was rewritten while it was read, which is "not yet" again.
    """

    def __init__(self, folder: Path, scan: "_Scan"):
        super().__init__(folder)
        self.scan = scan
        self.described_as = "the inbox's"
        self.oversize: list[str] = []  # sha256 of files longer than declared (moved aside)

    def read_node(self, sha256: str, size: int) -> bytes:
        path = self.folder / meta_path(sha256)
        data = _complete(path, size)
        if hashlib.sha256(data).hexdigest() != sha256:
            _reject(self.scan, path, sha256, f"metadata file {path.name} is damaged "
                                             "(its content does not match its name)")
            raise NotYetArrived(f"metadata file {path.name} was damaged; waiting for a good copy")
        return data

    def has_blob(self, sha256: str, size: int) -> bool:
        path = self.folder / blob_path(sha256)
        try:
            actual = path.stat().st_size
        except OSError:
            return False  # not received yet
        if actual > size:
            _reject(self.scan, path, sha256, f"file {sha256[:12]}… is {actual} bytes, "
                                             f"not the declared {size}")
            self.oversize.append(sha256)
            return False
        return actual == size  # shorter: still arriving

    def fetch_blob(self, sha256: str, size: int, store, progress=None, cancel=None) -> None:
        path = self.folder / blob_path(sha256)
        before = _mtime(path)
        try:
            super().fetch_blob(sha256, size, store, progress=progress, cancel=cancel)
        except BlobMismatch:
            if _mtime(path) != before:  # rewritten while we read it: look again next time
                raise NotYetArrived(f"file {sha256[:12]}… changed while it was read") from None
            _reject(self.scan, path, sha256,
                    f"file {sha256[:12]}… has the wrong content (damaged in transit?)")
            raise


def _complete(path: Path, size: int) -> bytes:
    """The bytes of a file of exactly ``size`` bytes; :class:`NotYetArrived` if absent or short."""
    try:
        actual = path.stat().st_size
    except OSError:
        raise NotYetArrived(f"{path.name} not received yet") from None
    if actual < size:
        raise NotYetArrived(f"{path.name} is still arriving")
    return read_bounded(path, size)


def _scan_repo(scan: _Scan, repo_dir: Path) -> None:
    result = scan.result
    item = InboxRepo(str(repo_dir))
    result.repositories.append(item)
    root_path = repo_dir / ROOT_NAME
    try:
        st = root_path.stat()
        read_bounded(root_path, MAX_ROOT_BYTES)
    except (OSError, RepositoryError) as exc:
        item.reason = f"no {ROOT_NAME} yet" if isinstance(exc, FileNotFoundError) or \
            not root_path.exists() else str(exc)
        result.waiting.append(f"{repo_dir}: {item.reason}")
        return
    source = InboxSource(repo_dir, scan)
    outcome = import_repository(scan.ws, source, INBOX, cancel=scan.cancel)
    item.report, item.repository, item.version = outcome, outcome.repository, outcome.version
    if outcome.status == pipeline.FAILED:
        _refused(scan, item, outcome, root_path, st)
        return
    if outcome.status == pipeline.WAITING:
        item.reason = f"{outcome.missing_nodes} metadata file(s) not received yet"
        result.waiting.append(f"{repo_dir}: {item.reason}")
        return
    files = outcome.files
    item.files_installed, item.bytes_installed = files.files_copied, files.bytes_copied
    item.rejected = source.oversize + files.rejected
    item.files_waiting = files.files_missing - len(source.oversize) + files.files_unreadable
    if outcome.status == pipeline.OLDER:  # an old broadcast: metadata untouched, files still useful
        item.state = OLDER
        item.reason = f"version {outcome.version} is older than the installed {outcome.installed_version}"
    else:
        item.state = COMPLETE if not item.files_waiting and not item.rejected else APPLIED
        if item.files_waiting:
            item.reason = f"{item.files_waiting} file(s) not complete yet"
            result.waiting.append(f"{repo_dir}: {item.reason}")
    if scan.cleanup:
        item.deleted += _delete_installed_blobs(scan, repo_dir)
        if item.state == COMPLETE:
            item.deleted += _delete_metadata(scan, repo_dir, outcome.repository)


def _refused(scan: _Scan, item: InboxRepo, outcome: ImportOutcome, root_path: Path, st) -> None:
    """The pipeline refused: a forged or untrusted root is an error at once; one that does not
    parse is still arriving (or, once old, an error); a signed root with broken metadata or a
    conflicting version is the publisher's error."""
    exc = outcome.problem
    signature = hashlib.sha256(root_path.read_bytes()[:MAX_ROOT_BYTES]).hexdigest() \
        if root_path.is_file() else "gone"
    if isinstance(exc, (SignatureError, RollbackError)) or outcome.stage != pipeline.ROOT:
        item.state, item.reason = ERROR, str(exc)
        scan.problem(str(root_path), signature, f"{root_path}: {exc}")
    else:
        item.reason = f"{ROOT_NAME} is incomplete"
        _unparsable(scan, root_path, st, exc)


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _reject(scan: _Scan, path: Path, sha256: str, message: str) -> None:
    """Report a bad file and move it aside, so a good copy can arrive under its name."""
    target = scan.top / REJECTED_DIR / f"{sha256}.{int(scan.now)}"
    try:
        target.parent.mkdir(exist_ok=True)
        os.replace(path, target)
        scan.problem(str(path), f"moved:{target.name}", f"{message}; moved aside to {target}")
    except OSError as exc:
        st = None
        try:
            st = path.stat()
        except OSError:
            pass
        sig = f"{st.st_size}:{st.st_mtime_ns}" if st else "gone"
        scan.problem(str(path), sig, f"{message}; could not move it aside: {exc.strerror or exc}")


def _delete_installed_blobs(scan: _Scan, repo_dir: Path) -> int:
    """Remove inbox files that are in the store (verified copies exist)."""
    deleted = 0
    blobs = repo_dir / "blobs" / "sha256"
    try:
        fans = [d for d in blobs.iterdir() if d.is_dir() and not d.is_symlink()]
    except OSError:
        return 0
    for fan in fans:
        try:
            entries = list(fan.iterdir())[:MAX_CLEANUP_FILES]
        except OSError:
            continue
        for path in entries:
            if SHA_RE.match(path.name) and path.name[:2] == fan.name and scan.ws.store.has(path.name):
                try:
                    if path.is_file() and not path.is_symlink():
                        path.unlink()
                        deleted += 1
                except OSError as exc:
                    log.warning("inbox cleanup: cannot delete %s: %s", path, exc)
    return deleted


def _held(cache, path: Path, pin: Pin) -> bool:
    """The cache holds what this metadata file holds: the file itself, or, for a pack the import
    did not need (a grade pack's nodes also come in subject packs), every node in it."""
    if cache.get(pin) is not None:
        return True
    try:
        members = decode_pack(read_bounded(path, pin.size), PackRef(pin, 0))  # count unknown
    except RepositoryError:  # not a pack (or not a whole one): keep it
        return False
    return all(cache.get(node) is not None for node, _ in members)


def _delete_metadata(scan: _Scan, repo_dir: Path, repository: str) -> int:
    """Everything of this version is in: remove its nodes (we keep verified copies) and root."""
    deleted = 0
    try:
        nodes = list((repo_dir / "meta").iterdir())[:MAX_CLEANUP_FILES]
    except OSError:
        nodes = []
    for path in nodes:
        sha = path.name.removesuffix(".json.gz")
        try:
            if (path.name.endswith(".json.gz") and SHA_RE.match(sha) and path.is_file()
                    and _held(scan.ws.cache, path, Pin(sha, path.stat().st_size))):
                path.unlink()
                deleted += 1
        except OSError as exc:
            log.warning("inbox cleanup: cannot delete %s: %s", path, exc)
    root_path = repo_dir / ROOT_NAME
    accepted = scan.ws.catalogue.repository(repository)
    try:  # only the root that was applied: a newer one may have arrived meanwhile
        if accepted and hashlib.sha256(root_path.read_bytes()).hexdigest() == accepted.root_sha256:
            root_path.unlink()
            deleted += 1
    except OSError as exc:
        log.warning("inbox cleanup: cannot delete %s: %s", root_path, exc)
    return deleted
