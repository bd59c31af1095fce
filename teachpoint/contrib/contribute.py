"""Teachers' own lessons at the school (添加本校课程): add, list, remove (issue 15).

:func:`add_contribution` checks everything first (names, curriculum place, that each file is
media, that it fits the cap and the disk, that it was not contributed before), copies the files
into the content store (verified, temp file + rename: a disk that fills mid-copy leaves nothing),
publishes them into the PC's own signed repository with the publisher's code and imports that
through the one pipeline, so the lesson is in the catalogue at once, playable and 本校.

The review state comes back inside the county's signed repository (its reviews node, see
docs/repository-format.md): :func:`list_contributions` shows 待审核 / 已通过 (since when) /
未通过 (why), and :func:`replace_accepted` lets the county's signed copy stand for an accepted
lesson (same bytes: nothing is downloaded again).

``progress(stage, done, total)`` is called with stage ``"hash"`` or ``"copy"`` and bytes done.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path

from teachpoint.contrib import checks, repository
from teachpoint.contrib.model import ACCEPTED, PENDING, REJECTED, Contribution
from teachpoint.errors import DuplicateContribution, UsageError
from teachpoint.library import contributions as rows_db
from teachpoint.library.catalogue import now_iso
from teachpoint.library.model import Origin
from teachpoint.library.store_io import hash_file
from teachpoint.publish.catalogue_csv import CsvRow
from teachpoint.sync.lock import SyncBusy

log = logging.getLogger(__name__)


def add_contribution(ws, files, *, title, grade, subject, edition=None, volume=None, unit=None,
                     lesson=None, subtitles=None, teacher=None, share_name=False,
                     progress=None, cancel=None) -> Contribution:
    """Add a teacher's lesson (files: video, PDF, slides, pictures; optional subtitles).

    Raises :class:`UnknownCurriculumValue` (its message lists the valid grades/subjects),
    :class:`UsageError` (a name with a path separator or control character), :class:`NotMediaFile`,
    :class:`FileTooLarge` (over the cap or the free space, before copying),
    :class:`DuplicateContribution`, :class:`NotEnoughSpace` (the disk filled while copying; nothing
    is left behind), :class:`Cancelled` (``cancel.is_set()`` while hashing or copying; nothing is
    left behind), :class:`SyncBusy` (a sync is installing lessons right now: try again; nothing is
    left behind). ``teacher`` is kept on this PC; it travels only when ``share_name``.
    """
    ws.require_writable("add a lesson")
    title = checks.clean_text(title, "title", checks.MAX_TITLE)
    teacher = checks.clean_text(teacher, "teacher's name", checks.MAX_TEACHER, required=False)
    place = checks.placement(grade, subject, edition, volume, unit, lesson)
    if lesson in (None, ""):  # no number given: the next one in its unit, a lesson of its own
        place = dataclasses.replace(place, lesson=rows_db.next_free_lesson(ws.catalogue, place))
    offered = checks.offered_files(files, subtitles)
    checks.check_space(ws.store, offered)
    ident, repo_id = repository.identity(ws)
    hashed = _hash_all(offered, progress, cancel)
    _refuse_duplicates(ws, repo_id, hashed)
    cid = "c" + hashed[0][1][:15]
    added = _store_all(ws, hashed, progress, cancel)
    scratch = repository.scratch_folder(ws, cid)
    linked = []
    try:
        rows = _rows(ws, scratch, hashed, cid, title, place, Origin(
            ident.pc_id, cid, teacher if share_name else ""))
        linked = [p for f, sha in hashed if f.role == "main"
                  if (p := repository.link_blob(ws, sha, f.size)) is not None]
        repository.republish(ws, rows, scratch)
    except BaseException:
        for path in linked:
            path.unlink(missing_ok=True)
        _unstore(ws, added)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    main = next(sha for f, sha in hashed if f.role == "main")
    rows_db.add_contribution_row(ws.catalogue, rows_db.ContributionRow(
        id=cid, repo_id=repo_id, title=title, place=place, teacher=teacher,
        share_name=bool(share_name), main_sha256=main, main_size=hashed[0][0].size,
        files=[[f.role, sha, f.size, f.path.name, f.kind] for f, sha in hashed],
        added_at=now_iso(), replaced_by=""))
    log.info("contribution %s added: %s (%s)", cid, title, place)
    return get_contribution(ws, cid)


def _hash_all(offered, progress, cancel) -> list:
    """(file, sha256) of every offered file (the same file picked twice counts once)."""
    out, seen = [], set()
    for f in offered:
        sha = hash_file(f.path, (lambda done, f=f: progress("hash", done, f.size)) if progress else None,
                        cancel)
        if sha not in seen:
            seen.add(sha)
            out.append((f, sha))
    return out


def _refuse_duplicates(ws, repo_id: str, hashed) -> None:
    known = rows_db.contribution_shas(ws.catalogue, repo_id)
    for f, sha in hashed:
        if f.role == "main" and sha in known:
            raise DuplicateContribution(
                f"{f.path.name} was contributed before (the same content as contribution "
                f"{known[sha]}); it is not added twice")


def _store_all(ws, hashed, progress, cancel) -> list[str]:
    """Copy each file into the store (verified); the hashes this call newly stored."""
    added = []
    try:
        for f, sha in hashed:
            if ws.store.has(sha):
                continue
            report = (lambda done, f=f: progress("copy", done, f.size)) if progress else None
            ws.store.add_file(f.path, sha, f.size, progress=report, cancel=cancel)
            added.append(sha)
    except BaseException:
        _unstore(ws, added)
        raise
    return added


def _unstore(ws, shas: list[str]) -> None:
    """Take back the blobs a failed add stored (no other resource had them)."""
    for sha in shas:
        ws.store.remove(sha)
        ws.catalogue.forget_blob(sha)


def _rows(ws, src, hashed, cid: str, title: str, place, origin: Origin) -> list[CsvRow]:
    """One publisher row per lesson file; subtitles go with the first video."""
    subs = [repository.place_source(ws, src, sha, f.size, f.path.name)
            for f, sha in hashed if f.role == "subtitle"]
    rows = []
    for n, (f, sha) in enumerate((f, sha) for f, sha in hashed if f.role == "main"):
        rel = repository.place_source(ws, src, sha, f.size, f.path.name)
        with_subs = subs if f.kind == "video" and not any(r.subtitles for r in rows) else []
        rows.append(CsvRow(line=n + 1, id=cid if n == 0 else f"{cid}-{n + 1}", file=rel,
                           title=title, grade=place.grade, subject=place.subject,
                           edition=place.edition, volume=place.volume, unit=place.unit,
                           lesson=place.lesson, kind=f.kind, subtitles=with_subs, origin=origin))
    return rows


def list_contributions(ws) -> list[Contribution]:
    """This PC's lessons, newest first, each with its review state (after :func:`replace_accepted`
    let the county's copies of accepted lessons stand for the local ones)."""
    if not ws.read_only:
        try:
            replace_accepted(ws)
        except SyncBusy:  # a sync is running: the states are right, the swap waits for next time
            log.info("a sync is running; the county's copies replace local ones next time")
    return [_contribution(ws, r) for r in _rows_of(ws)]


def get_contribution(ws, contribution_id: str) -> Contribution:
    """One contribution by id; UsageError naming the known ones if there is none."""
    found = _rows_of(ws, contribution_id)
    if not found:
        known = ", ".join(r.id for r in _rows_of(ws)) or "none"
        raise UsageError(f"no contribution {contribution_id!r} on this PC (known: {known})")
    return _contribution(ws, found[0])


def remove_contribution(ws, contribution_id: str) -> Contribution:
    """Take a lesson out of this PC's contributions (and its local copy out of the catalogue).

    A lesson the county accepted stays in the county's repository; only the local record goes.
    """
    ws.require_writable("remove a lesson")
    gone = get_contribution(ws, contribution_id)
    if not gone.replaced:
        _drop_local(ws, contribution_id)
    rows_db.delete_contribution_row(ws.catalogue, contribution_id)
    log.info("contribution %s removed", contribution_id)
    return gone


def replace_accepted(ws) -> list[str]:
    """Let the county's signed copy stand for each accepted lesson whose copy is installed: the
    local resources leave the ``contrib-`` repository; blobs this PC already holds (the same
    bytes) are marked present, so nothing is downloaded again. A lesson whose county copy is gone
    again (the county took its decision back) gets its local copy back. Returns the ids changed."""
    done = []
    for row in _rows_of(ws):
        if row.replaced_by and not rows_db.resource_exists(ws.catalogue, row.replaced_by):
            if _restore(ws, row):
                done.append(row.id)
            continue
        if row.decision != ACCEPTED or row.replaced_by or not row.county_resource:
            continue
        if not rows_db.resource_exists(ws.catalogue, row.county_resource):
            continue  # the county's repository with this decision is not installed yet
        county = ws.catalogue.resource(row.county_resource)
        for f in county.files:
            if ws.store.has(f.sha256):
                ws.catalogue.mark_blob_present(f.sha256, f.size)
        _drop_local(ws, row.id)
        rows_db.mark_replaced(ws.catalogue, row.id, row.county_resource)
        done.append(row.id)
        log.info("contribution %s: the county's copy %s replaces the local one", row.id,
                 row.county_resource)
    return done


def _restore(ws, row) -> bool:
    """Publish a replaced contribution's local copy again from the store (False if a file is
    no longer there: the lesson then shows without a copy to play)."""
    if not all(ws.store.has(f[1]) for f in row.files):
        log.warning("contribution %s: the county's copy is gone and the local files too", row.id)
        return False
    ident, _ = repository.identity(ws)
    kinds = [f[4] if len(f) > 4 else "video" for f in row.files]
    hashed = [(checks.OfferedFile(Path(f[3]), f[2], kind, f[0]), f[1]) for f, kind in zip(row.files, kinds)]
    place = row.place
    scratch = repository.scratch_folder(ws, row.id + "-back")
    try:
        rows = _rows(ws, scratch, hashed, row.id, row.title, place,
                     Origin(ident.pc_id, row.id, row.teacher if row.share_name else ""))
        repository.republish(ws, rows, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows_db.mark_replaced(ws.catalogue, row.id, "")
    log.info("contribution %s: the county's copy is gone; the local copy is back", row.id)
    return True


def _drop_local(ws, contribution_id: str) -> None:
    """Republish the contribution repository without this contribution's resources."""
    _, repo_id = repository.identity(ws)
    ids = [rid for rid in ws.catalogue.resource_ids(repo_id)
           if rid == contribution_id or rid.startswith(contribution_id + "-")]
    if not ids:
        return
    scratch = repository.scratch_folder(ws, contribution_id + "-rm")
    try:
        repository.republish(ws, [], scratch, drop=ids)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _rows_of(ws, contribution_id: str | None = None):
    ident = repository.load_identity(ws)
    return rows_db.contribution_rows(ws.catalogue, ident.pc_id, contribution_id)


def _contribution(ws, r) -> Contribution:
    state = {"accepted": ACCEPTED, "rejected": REJECTED}.get(r.decision, PENDING)
    if r.replaced_by:
        resource_ids = (r.replaced_by,)
    else:
        prefix = f"{r.repo_id}:"
        resource_ids = tuple(sorted(f"{prefix}{rid}" for rid in ws.catalogue.resource_ids(r.repo_id)
                                    if rid == r.id or rid.startswith(r.id + "-")))
    return Contribution(
        id=r.id, title=r.title, place=r.place, teacher=r.teacher, share_name=r.share_name,
        files=tuple(tuple(f[:4]) for f in r.files), added_at=r.added_at, state=state,
        decided_at=r.decided_at, reason=r.reason, resource_ids=resource_ids,
        replaced=bool(r.replaced_by))
