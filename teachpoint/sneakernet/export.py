"""Export: write a (subset) repository collection onto a folder — a USB stick for a school.

The stick gets the normal repository layout (docs/repository-format.md), one folder per
repository plus ``teachpoint.json`` (a collection), so the offline PC imports it with the one
import path every transport uses. For each repository we write the publisher's own signed
``root.json`` exactly as we accepted it (never re-signed), every metadata node of its current tree
(small; the importer needs the whole tree) and the blobs the target needs.

:func:`teachpoint.sneakernet.export_plan.give_plan` decides what to give (no writing, cheap enough
for the UI to show first); :func:`export` writes it. The write order keeps the stick a valid repository at every moment:
blobs first, then nodes, then ``root.json`` (temp file + fsync + atomic rename), then
``teachpoint.json``. Each blob is hashed while it is copied, so a damaged blob in our store is
reported and left off the stick instead of spreading. Nothing on the stick is deleted unless
``prune`` is asked for, so exports for several schools accumulate. A ``root.json`` on the stick
that is newer than ours is never replaced. What the destination allows (FAT names and sizes, the
filesystem type, a newer ``root.json`` already there) is checked first, by
:mod:`teachpoint.sneakernet.export_checks`, whose public names are re-exported here.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from teachpoint import fsutil
from teachpoint.fsutil import make_dirs, set_mode
from teachpoint.errors import NotEnoughSpace, RepositoryError, TeachPointError
from teachpoint.library.store import Cancelled, fsync_dir, write_all
from teachpoint.reports import outbox as report_outbox
from teachpoint.sneakernet.export_checks import (
    FAT_MAX_FILE, FAT_TYPES, ExportError, check_fat_names, check_fat_sizes, fat_name_ok, filesystem_type,
    StickReadOnly, may_be_fat, present, read_small, stick_root_allows)
from teachpoint.sneakernet.export_plan import ExportPlan, RepoPlan, give_plan
from teachpoint.sneakernet.inventory import FOLDER as INVENTORY_FOLDER
from teachpoint.repo.format import ROOT_NAME, blob_path, meta_path
from teachpoint.transport.sources import COLLECTION_NAME, collection_bytes, parse_collection

# The public names, several re-exported from export_checks and export_plan.
__all__ = ["CHUNK", "FAT_MAX_FILE", "FAT_TYPES", "SPACE_MARGIN", "ExportError", "ExportPlan", "ExportProgress",
           "ExportReport", "RepoPlan", "RepoResult", "check_fat_names", "copy_verified", "export",
           "fat_name_ok", "filesystem_type", "free_space", "give_plan", "may_be_fat"]

log = logging.getLogger(__name__)
CHUNK = 1 << 20
SPACE_MARGIN = 1 << 20  # directory entries, FAT clusters: keep a little slack
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


# ---- writing --------------------------------------------------------------------------------------


@dataclass
class ExportProgress:
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    speed_bps: float
    eta_s: float | None


@dataclass
class RepoResult:
    repository: str
    version: int
    root_written: bool = False
    blobs_copied: int = 0
    bytes_copied: int = 0
    blobs_already: int = 0
    nodes_written: int = 0
    pruned_files: int = 0
    pruned_bytes: int = 0


@dataclass
class ExportReport:
    destination: str
    repositories: list[RepoResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # blobs of our store that failed their hash
    seconds: float = 0.0

    @property
    def bytes_copied(self) -> int:
        return sum(r.bytes_copied for r in self.repositories)

    @property
    def blobs_copied(self) -> int:
        return sum(r.blobs_copied for r in self.repositories)

    def to_json(self) -> dict:
        return {"destination": self.destination, "notes": self.notes, "damaged": self.damaged,
                "seconds": round(self.seconds, 3), "blobs_copied": self.blobs_copied,
                "bytes_copied": self.bytes_copied,
                "repositories": [asdict(r) for r in self.repositories]}


def free_space(path: Path) -> int:
    """Free bytes on the filesystem of ``path`` (the one probe tests may replace)."""
    return shutil.disk_usage(path).free


def export(ws, plan: ExportPlan, dest: Path, prune: bool = False, large_files: bool = False,
           progress=None, cancel=None, mounts: str | None = None) -> ExportReport:
    """Write ``plan`` onto ``dest`` (see the module docstring); returns what was done."""
    started = time.monotonic()
    dest = Path(dest)
    report = ExportReport(str(dest), notes=list(plan.notes))
    _prepare(dest)
    repos = [r for r in plan.repositories if stick_root_allows(dest, r, report)]
    for r in repos:  # what a killed export left on this stick: the re-run clears it
        fsutil.remove_leftovers(dest / r.repository, fsutil.is_temp_name)
    existing = [e.name for e in os.scandir(dest)]
    check_fat_names([COLLECTION_NAME, INVENTORY_FOLDER, *{*existing, *(r.repository for r in repos)}
                     - {COLLECTION_NAME, INVENTORY_FOLDER}])
    todo = [(r, sha, size) for r in repos for sha, size in r.blobs.items()
            if not present(dest / r.repository / blob_path(sha), size)]
    if not large_files and may_be_fat(dest, mounts):
        check_fat_sizes(dest, todo)
    needed = sum(s for _, _, s in todo) + sum(len(r.root_raw) for r in repos) + sum(
        p.size for r in repos for p in r.nodes
        if not present(dest / r.repository / meta_path(p.sha256), p.size))
    free = free_space(dest)
    if needed and free < needed + SPACE_MARGIN:
        raise NotEnoughSpace(needed + SPACE_MARGIN, free, 0, where=str(dest))
    results = {r.repository: RepoResult(r.repository, r.version) for r in repos}
    for r in repos:
        results[r.repository].blobs_already = len(r.blobs) - sum(1 for x, _, _ in todo if x is r)
    _copy_blobs(ws, dest, todo, results, report, progress, cancel)
    for r in repos:  # nodes, then the root, repository by repository
        res = results[r.repository]
        for pin in r.nodes:
            path = dest / r.repository / meta_path(pin.sha256)
            if not present(path, pin.size):
                _atomic_write(dest, path, ws.cache.get(pin) or b"", pin.size)
                res.nodes_written += 1
        root_path = dest / r.repository / ROOT_NAME
        if read_small(root_path) != r.root_raw:
            _atomic_write(dest, root_path, r.root_raw, len(r.root_raw))
            res.root_written = True
    _write_collection(dest, [r.repository for r in repos])
    if prune:
        for r in repos:
            _prune(dest / r.repository, r, results[r.repository])
    report.repositories = list(results.values())
    report_outbox.write_pending_to_stick(ws, dest)  # usage reports ride back on the stick
    report.seconds = time.monotonic() - started
    return report


def _prepare(dest: Path) -> None:
    try:
        make_dirs(dest)
    except OSError as exc:
        raise _os_error(exc, dest) from exc
    if not dest.is_dir():
        raise ExportError(f"{dest} is not a folder")
    if (dest / ROOT_NAME).exists():
        raise ExportError(f"{dest} holds a single repository; export to the top of a stick or an "
                          "empty folder")
    probe = dest / f".teachpoint-write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise _os_error(exc, dest) from exc


def _os_error(exc: OSError, where: Path, needed: int = 0) -> TeachPointError:
    if exc.errno in _NO_SPACE:
        return NotEnoughSpace(needed, _safe_free(where), 0, where=str(where))
    if exc.errno in _READ_ONLY:
        return StickReadOnly(f"cannot write to {where}: the stick is read-only"
                           + ("" if exc.errno == errno.EROFS else f" ({exc.strerror})")
                           + " (check its write-protect switch)")
    if exc.errno in (errno.EIO, errno.ENODEV, errno.ENXIO, errno.ENOENT):
        return ExportError(f"writing to {where} failed (stick removed?): {exc.strerror or exc}")
    return ExportError(f"cannot write to {where}: {exc.strerror or exc}")


def _safe_free(path: Path) -> int:
    while not path.exists() and path.parent != path:
        path = path.parent
    try:
        return free_space(path)
    except OSError:
        return 0


def _copy_blobs(ws, dest, todo, results, report, progress, cancel) -> None:
    total, done, files = sum(s for _, _, s in todo), 0, 0
    started = time.monotonic()
    for r, sha, size in todo:
        if cancel is not None and cancel.is_set():
            raise Cancelled("export cancelled")
        target = dest / r.repository / blob_path(sha)

        def tick(n, base=done):
            if progress:
                elapsed = max(time.monotonic() - started, 1e-6)
                speed = (base + n) / elapsed
                eta = (total - base - n) / speed if speed > 0 else None
                progress(ExportProgress(base + n, total, files, len(todo), speed, eta))

        try:
            ok = copy_verified(ws.store.path_of(sha), target, sha, size, tick, cancel,
                               needed=total - done, stick=dest)
        except OSError as exc:  # reading our own store failed
            ok = False
            log.warning("cannot read blob %s from the store: %s", sha, exc)
        if not ok:
            report.damaged.append(f"{sha[:12]}… {r.names.get(sha, '')}: damaged in this PC's store, "
                                  "not exported (run a store check)")
            try:  # so that the next sync fetches a good copy
                ws.catalogue.mark_blobs_checked([], [sha], [])
            except TeachPointError:
                pass
            continue
        results[r.repository].blobs_copied += 1
        results[r.repository].bytes_copied += size
        done += size
        files += 1
    if progress and todo:
        tick_total = max(time.monotonic() - started, 1e-6)
        progress(ExportProgress(done, total, files, len(todo), done / tick_total, 0.0))


def copy_verified(src: Path, target: Path, sha256: str, size: int, progress=None, cancel=None,
                  needed: int = 0, stick: Path | None = None) -> bool:
    """:func:`teachpoint.fsutil.copy_verified` onto a stick; False if ``src`` does not match.

    Errors reading ``src`` propagate as OSError; errors writing the stick become ExportError or
    NotEnoughSpace (with ``needed`` bytes still to write).
    """
    stick = stick or target.parent

    def tick(done: int) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled("export cancelled")
        if progress:
            progress(done)

    try:
        src_size = src.stat().st_size
    except OSError:
        raise  # this PC's own store: not the stick's fault
    if src_size != size:
        return False
    try:
        return fsutil.copy_verified(src, target, sha256, size, on_chunk=tick)
    except OSError as exc:
        raise _os_error(exc, stick, needed) from exc


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _atomic_write(stick: Path, path: Path, data: bytes, size: int) -> None:
    if len(data) != size:
        raise RepositoryError(f"{path.name}: the cached copy is not the pinned one")
    tmp = path.with_name(path.name + ".tmp")
    try:
        make_dirs(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
        set_mode(fd)  # exactly 0644 whatever the umask: read on other PCs
        try:
            write_all(fd, memoryview(data))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _os_error(exc, stick, len(data)) from exc


def _write_collection(dest: Path, names: list[str]) -> None:
    """``teachpoint.json`` listing our repositories and those already on the stick (union)."""
    index = dest / COLLECTION_NAME
    have: set[str] = set()
    data = read_small(index)
    if data is not None:
        try:
            have = set(parse_collection(data))
        except RepositoryError:
            log.warning("%s on %s is malformed: rewriting it", COLLECTION_NAME, dest)
    have = {n for n in have if (dest / n / ROOT_NAME).is_file()}
    have |= {n for n in names if (dest / n / ROOT_NAME).is_file()}
    body = collection_bytes(have)
    if data != body:
        _atomic_write(dest, index, body, len(body))


def _prune(folder: Path, r: RepoPlan, res: RepoResult) -> None:
    """Remove blobs and nodes of ``folder`` that the current plan does not need, and temp files."""
    keep_nodes = {f"{p.sha256}.json.gz" for p in r.nodes}
    victims = []
    for sub, keep in ((folder / "meta", keep_nodes),):
        if sub.is_dir():
            victims += [e for e in os.scandir(sub) if e.name not in keep]
    blobs = folder / "blobs" / "sha256"
    if blobs.is_dir():
        for fan in os.scandir(blobs):
            if fan.is_dir(follow_symlinks=False):
                victims += [e for e in os.scandir(fan.path) if e.name not in r.wanted]
    for e in victims:
        if e.is_file(follow_symlinks=False) or e.is_symlink():
            try:
                size = e.stat(follow_symlinks=False).st_size
                os.unlink(e.path)
            except OSError as exc:
                raise _os_error(exc, folder) from exc
            res.pruned_files += 1
            res.pruned_bytes += size
