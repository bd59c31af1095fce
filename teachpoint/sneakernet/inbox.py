"""The satellite inbox: a folder a receiver fills with a repository (or collection) over time.

Files arrive in any order, some incomplete, some more than once. :func:`scan_inbox` imports what
is complete and verified and leaves the rest waiting, without errors:

* no ``root.json`` yet, or one that does not parse yet (still being written) → waiting; a root
  that stays unparsable and unchanged for :data:`STALE_SECONDS` is reported, once;
* metadata nodes missing or incomplete → waiting, nothing applied; all present → the catalogue
  change is applied through :func:`install_from`, exactly as for any other source;
* files: complete ones are installed once their hash is verified; shorter than declared → waiting;
  complete size but wrong content (or longer than declared) → reported and moved aside into
  ``.teachpoint-rejected/`` at the top of the inbox.

With ``cleanup`` the files that have been installed are deleted from the inbox, and the metadata
and root once everything of that version is in. A problem is reported once (remembered in the
setting ``sync.inbox.reported``), so a service scanning every 30 s does not repeat itself.
The caller holds the :class:`teachpoint.sync.lock.SyncLock`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import RepositoryError, RollbackError, SignatureError, UsageError
from teachpoint.sync.pipeline import InstallReport, install_from
from teachpoint.repo.format import (
    MAX_ROOT_BYTES, ROOT_NAME, SHA_RE, Pin, blob_path, decode_node, meta_path)
from teachpoint.repo.tree import diff_trees
from teachpoint.transport.sources import COLLECTION_NAME, FolderSource, parse_collection, read_bounded
from teachpoint.sneakernet.stick import copy_blobs, verify_root, wanted_blobs

log = logging.getLogger(__name__)

SETTING_INBOX = "sync.inbox"
SETTING_REPORTED = "sync.inbox.reported"
STALE_SECONDS = 600  # an unparsable root/index unchanged this long is an error, not "arriving"
REJECTED_DIR = ".teachpoint-rejected"
MAX_CLEANUP_FILES = 200_000

# States of one repository in the inbox.
WAITING, APPLIED, COMPLETE, OLDER, ERROR = "waiting", "applied", "complete", "older", "error"


# ---- settings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxConfig:
    folder: Path
    cleanup: bool = False


def get_inbox(ws) -> InboxConfig | None:
    """The configured inbox, or None."""
    try:
        obj = json.loads(ws.setting(SETTING_INBOX, "null"))
        if isinstance(obj, dict) and isinstance(obj.get("folder"), str) and obj["folder"]:
            return InboxConfig(Path(obj["folder"]), bool(obj.get("cleanup", False)))
    except ValueError:
        log.warning("setting %s is not valid JSON; no inbox", SETTING_INBOX)
    return None


def set_inbox(ws, folder: Path | None, cleanup: bool = False) -> InboxConfig | None:
    """Configure the inbox (``folder`` None turns it off)."""
    if folder is None:
        ws.set_setting(SETTING_INBOX, "null")
        return None
    folder = Path(folder).expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    ws.set_setting(SETTING_INBOX, json.dumps({"folder": str(folder), "cleanup": bool(cleanup)},
                                             ensure_ascii=False))
    return InboxConfig(folder, bool(cleanup))


# ---- results ----------------------------------------------------------------------------------------


@dataclass
class InboxRepo:
    location: str
    repository: str = ""
    version: int = 0
    state: str = WAITING
    reason: str = ""  # why it waits, or the error
    report: InstallReport | None = None  # when metadata was applied in this scan
    files_installed: int = 0
    bytes_installed: int = 0
    files_waiting: int = 0
    rejected: list[str] = field(default_factory=list)  # sha256 of files moved aside
    deleted: int = 0  # files removed from the inbox (cleanup)

    def to_json(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "report"}
        if self.report is not None:
            out["summary"] = self.report.summary_zh()
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
        return any(r.report is not None and not r.report.up_to_date or r.files_installed
                   for r in self.repositories)

    def to_json(self) -> dict:
        return {"folder": self.folder, "changed": self.changed, "waiting": self.waiting,
                "problems": self.problems, "repositories": [r.to_json() for r in self.repositories]}


class _Scan:
    """One pass over the inbox; remembers which problems were already reported."""

    def __init__(self, ws, top: Path, cleanup: bool, cancel, now: float):
        self.ws, self.top, self.cleanup, self.cancel, self.now = ws, top, cleanup, cancel, now
        self.result = InboxResult(str(top))
        try:
            old = json.loads(ws.setting(SETTING_REPORTED, "{}"))
            self.reported_before = old if isinstance(old, dict) else {}
        except ValueError:
            self.reported_before = {}
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
    scan = _Scan(ws, Path(folder), cleanup, cancel, time.time() if now is None else now)
    top = scan.top
    if not top.is_dir():
        scan.result.waiting.append(f"the inbox {top} is not there (receiver not connected?)")
    elif (top / ROOT_NAME).is_file():
        _scan_repo(scan, top)
    elif (top / COLLECTION_NAME).is_file():
        for repo_dir in _collection(scan, top):
            if cancel is not None and cancel.is_set():
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


def _scan_repo(scan: _Scan, repo_dir: Path) -> None:
    ws, result = scan.ws, scan.result
    item = InboxRepo(str(repo_dir))
    result.repositories.append(item)
    source = FolderSource(repo_dir)
    root_path = repo_dir / ROOT_NAME
    try:
        st = root_path.stat()
        data = read_bounded(root_path, MAX_ROOT_BYTES)
    except (OSError, RepositoryError) as exc:
        item.reason = f"no {ROOT_NAME} yet" if isinstance(exc, FileNotFoundError) or \
            not root_path.exists() else str(exc)
        result.waiting.append(f"{repo_dir}: {item.reason}")
        return
    try:
        root = verify_root(ws, source, data, where="the inbox's")
    except SignatureError as exc:  # parses, but untrusted or forged: an error at once
        item.state, item.reason = ERROR, str(exc)
        scan.problem(str(root_path), hashlib.sha256(data).hexdigest(), f"{root_path}: {exc}")
        return
    except RepositoryError as exc:  # does not parse (yet)
        item.reason = f"{ROOT_NAME} is incomplete"
        _unparsable(scan, root_path, st, exc)
        return
    item.repository, item.version = root.repository, root.version
    accepted = ws.catalogue.repository(root.repository)
    if accepted is not None and root.version < accepted.version:
        item.state = OLDER  # an old broadcast: metadata untouched, its files may still be useful
        item.reason = f"version {root.version} is older than the installed {accepted.version}"
    elif accepted is None or root.version > accepted.version or root.sha256 != accepted.root_sha256:
        try:
            missing = _missing_nodes(scan, source, root, accepted is not None)
        except RepositoryError as exc:  # signed, verified, and still malformed: the publisher's bug
            item.state, item.reason = ERROR, str(exc)
            scan.problem(str(root_path), root.sha256, f"{root_path}: {exc}")
            return
        if missing:
            item.reason = f"{missing} metadata file(s) not received yet"
            result.waiting.append(f"{repo_dir}: {item.reason}")
            return
        try:
            item.report = install_from(source, ws.catalogue, ws.store, ws.trust, ws.cache, blobs=False)
        except RollbackError as exc:
            item.state, item.reason = ERROR, str(exc)
            scan.problem(str(root_path), root.sha256, f"{root_path}: {exc}")
            return
        except RepositoryError as exc:  # a node vanished or changed between the check and now
            item.reason = f"metadata not complete yet ({exc})"
            result.waiting.append(f"{repo_dir}: {item.reason}")
            return
    _install_files(scan, source, item)
    if item.state != OLDER:
        item.state = COMPLETE if not item.files_waiting and not item.rejected else APPLIED
        if item.files_waiting:
            item.reason = f"{item.files_waiting} file(s) not complete yet"
            result.waiting.append(f"{repo_dir}: {item.reason}")
    if scan.cleanup:
        item.deleted += _delete_installed_blobs(scan, repo_dir)
        if item.state == COMPLETE:
            item.deleted += _delete_metadata(scan, repo_dir, root)


def _missing_nodes(scan: _Scan, source: FolderSource, root, has_accepted: bool) -> int:
    """Walk the changed part of the tree; cache verified nodes; count nodes not (fully) there.

    A missing node counts and is walked as empty, so the count covers what can be seen so far.
    A node of the complete size that does not match its pin is reported and moved aside.
    """
    ws = scan.ws
    old = ws.cache.accepted_grades(root.repository) if has_accepted else None
    missing = 0

    def fetch(pin: Pin, node_type: str) -> dict:
        nonlocal missing
        data = ws.cache.get(pin)
        if data is not None:
            return decode_node(data, pin, node_type)
        path = source.folder / meta_path(pin.sha256)
        try:
            size = path.stat().st_size
            data = read_bounded(path, pin.size) if size == pin.size else None
        except (OSError, RepositoryError):
            size = -1
        if size < pin.size:
            missing += 1  # not received, or still arriving
            return {"_type": node_type, "children": {}, "resources": []}
        try:
            node = decode_node(data or b"", pin, node_type)
        except RepositoryError as exc:
            _reject(scan, path, pin.sha256, f"metadata file {path.name} is damaged ({exc})")
            missing += 1
            return {"_type": node_type, "children": {}, "resources": []}
        ws.cache.put(pin, data)  # verified: the same cache install_from fills
        return node

    diff_trees(old, root.grades, fetch)
    return missing


def _install_files(scan: _Scan, source: FolderSource, item: InboxRepo) -> None:
    ws = scan.ws
    ready = []
    for blob in wanted_blobs(ws, item.repository):
        path = source.folder / blob_path(blob.sha256)
        try:
            size = path.stat().st_size
        except OSError:
            item.files_waiting += 1  # not received yet
            continue
        if size < blob.size:
            item.files_waiting += 1  # still arriving
        elif size > blob.size:
            _reject(scan, path, blob.sha256, f"file {blob.sha256[:12]}… is {size} bytes, "
                                             f"not the declared {blob.size}")
            item.rejected.append(blob.sha256)
        else:
            ready.append(blob)
    if not ready:
        return
    before = {b.sha256: _mtime(source.folder / blob_path(b.sha256)) for b in ready}
    copied = copy_blobs(ws, source, ready, item.repository, cancel=scan.cancel)
    item.files_installed, item.bytes_installed = copied.files_copied, copied.bytes_copied
    item.files_waiting += copied.files_missing + copied.files_unreadable
    for sha in copied.rejected:
        path = source.folder / blob_path(sha)
        if _mtime(path) != before[sha]:  # rewritten while we read it: look again next time
            item.files_waiting += 1
            continue
        _reject(scan, path, sha, f"file {sha[:12]}… has the wrong content (damaged in transit?)")
        item.rejected.append(sha)


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


def _delete_metadata(scan: _Scan, repo_dir: Path, root) -> int:
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
                    and scan.ws.cache.get(Pin(sha, path.stat().st_size)) is not None):
                path.unlink()
                deleted += 1
        except OSError as exc:
            log.warning("inbox cleanup: cannot delete %s: %s", path, exc)
    root_path = repo_dir / ROOT_NAME
    accepted = scan.ws.catalogue.repository(root.repository)
    try:  # only the root that was applied: a newer one may have arrived meanwhile
        if accepted and hashlib.sha256(root_path.read_bytes()).hexdigest() == accepted.root_sha256:
            root_path.unlink()
            deleted += 1
    except OSError as exc:
        log.warning("inbox cleanup: cannot delete %s: %s", root_path, exc)
    return deleted
