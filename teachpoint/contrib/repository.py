"""The PC's own repository of teachers' lessons: ``DATA/contributions/repo``, repository id
``contrib-<pc_id>``, signed with the PC's own key (:func:`teachpoint.reports.identity.load_identity`).

It is written by the publisher's own code (:func:`teachpoint.publish.publisher.publish` with the
rows given instead of a ``catalogue.csv``) and installed through the one import pipeline, so a
teacher's lesson is stored, browsed and played like any other. Blobs are hard links of the store's
verified blobs where the file system allows (one copy on disk), copies otherwise. The PC's key is
trusted on this PC for this one repository id only.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from teachpoint.errors import StoreError
from teachpoint.fsutil import link_or_copy, make_dirs
from teachpoint.library.contributions import CONTRIB_PREFIX
from teachpoint.publish.catalogue_csv import CsvRow
from teachpoint.repo.format import MAX_ROOT_BYTES, ROOT_NAME, blob_path, meta_path
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.root import parse_root
from teachpoint.repo.tree import diff_trees
from teachpoint.reports.health import reports_dir
from teachpoint.reports.identity import KEY_PREFIX, load_identity
from teachpoint.repo import keys
from teachpoint.sync.lock import SyncLock
from teachpoint.sync.pipeline import METADATA_ONLY, ImportPolicy, import_repository
from teachpoint.transport.sources import FolderSource, read_bounded

log = logging.getLogger(__name__)

FOLDER = "contributions"
KEY_NAME_PREFIX = "本校课程"
PUB_NAME = "pc.pub"  # the PC's public key, carried beside root.json on sticks and in the bucket


def contrib_dir(ws) -> Path:
    return ws.paths.root / FOLDER


def repo_dir(ws) -> Path:
    """The contribution repository folder of this PC."""
    return contrib_dir(ws) / "repo"


def repo_id_of(pc_id: str) -> str:
    return f"{CONTRIB_PREFIX}{pc_id}"


def key_file(ws) -> Path:
    """The PC's private key (made on first use by :func:`load_identity`)."""
    return reports_dir(ws.paths) / (KEY_PREFIX + keys.PRIVATE_SUFFIX)


def identity(ws):
    """(identity, repository id), with the PC's key trusted here for that repository only."""
    ident = load_identity(ws)
    repo_id = repo_id_of(ident.pc_id)
    if not ws.trust.allows(ident.public.key_id, repo_id):
        ws.trust.add_key(ident.public, f"{KEY_NAME_PREFIX} {ident.pc_id[:8]}", repos=[repo_id])
    return ident, repo_id


def public_key_text(ident) -> bytes:
    """The ``.pub`` text of the PC's key, as carried beside the repository."""
    return ident.public.to_text({}).encode("utf-8")


def republish(ws, rows: list[CsvRow], src: Path, drop=()) -> None:
    """Publish ``rows`` (files relative to ``src``) into the contribution repository, keeping
    every earlier contribution but those in ``drop``; then import it through the pipeline.

    If the import fails (a disk that fills while the thumbnail is stored …), the rows are
    withdrawn again by a next version without them, so no half-added lesson is left."""
    ident, repo_id = identity(ws)
    out = repo_dir(ws)
    with SyncLock(ws.paths.root):  # SyncBusy before anything is written while a sync runs
        _publish(ws, ident, repo_id, rows, src, drop)
        boosted = frozenset(f"{repo_id}:{r.id}" for r in rows)
        try:
            import_repository(ws, FolderSource(out), ImportPolicy(boosted=boosted)).raise_problem()
        except BaseException:
            if rows:
                _withdraw(ws, ident, repo_id, rows, src)
            raise
        prune(ws)


def prune(ws) -> int:
    """Delete the repository's files the current root no longer reaches: a removed lesson must
    not travel to the county on the next stick or upload (this PC is the repository's only
    reader, so nothing mid-update needs them). Returns the files removed."""
    out = repo_dir(ws)
    root = parse_root(read_bounded(out / ROOT_NAME, MAX_ROOT_BYTES), ws.trust)
    reader = NodeReader(source=FolderSource(out), keep=False)
    resources = diff_trees(None, root.grades, reader).upserts
    keep = {meta_path(p.sha256) for p in reader.pins} | {blob_path(f.sha256) for r in resources for f in r.files}
    from teachpoint.publish.bucket import repository_objects  # boto3 & co.: only when used

    blobs, nodes = repository_objects(out)
    gone = [path for rel, path in {**blobs, **nodes}.items() if rel not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
    return len(gone)


def _withdraw(ws, ident, repo_id: str, rows: list[CsvRow], src: Path) -> None:
    """Publish and install the next version without ``rows`` (a failed add leaves nothing)."""
    try:
        _publish(ws, ident, repo_id, [], src, [r.id for r in rows])
        import_repository(ws, FolderSource(repo_dir(ws)), METADATA_ONLY).raise_problem()
        prune(ws)
    except Exception:  # the first problem is the one to tell; this one is logged
        log.exception("could not withdraw the half-added contribution %s", rows[0].id)


def _publish(ws, ident, repo_id: str, rows: list[CsvRow], src: Path, drop) -> None:
    from teachpoint.publish.publisher import publish  # the app's window need not load it to start

    publish(src, key_file(ws), repo_dir(ws), name=repo_id,
            title=f"{KEY_NAME_PREFIX} {ident.pc_id[:8]}", expires_days=3650,
            progress=lambda text: log.debug("%s", text), rows=rows, keep_previous=True, drop=drop)


def link_blob(ws, sha256: str, size: int) -> Path | None:
    """Put the stored blob into the repository's ``blobs/`` (hard link, else a verified copy);
    the path if this call made it (to undo), None if it was there already."""
    target = repo_dir(ws) / blob_path(sha256)
    if target.exists():
        return None
    if not link_or_copy(ws.store.path_of(sha256), target, sha256, size):
        raise StoreError(f"the stored file {sha256[:12]}… is damaged; add the lesson again")
    return target


def scratch_folder(ws, name: str) -> Path:
    """A fresh working folder on the data directory's disk (hard links need the same disk)."""
    folder = contrib_dir(ws) / f"tmp-{os.getpid()}-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    make_dirs(folder)
    return folder


def place_source(ws, src: Path, sha256: str, size: int, name: str) -> str:
    """Put the stored blob under ``src/<sha256>/<name>`` for the publisher; its relative path."""
    rel = f"{sha256}/{name}"
    if not link_or_copy(ws.store.path_of(sha256), src / rel, sha256, size):
        raise StoreError(f"the stored file {sha256[:12]}… is damaged; add the lesson again")
    return rel
