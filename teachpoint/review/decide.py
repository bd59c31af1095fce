"""The reviewer's decisions (审核/准入): accept, reject, undo — recorded and reversible.

*Accept* converts a video to the county profile only when it does not fit
(:mod:`teachpoint.review.transcode`; a fitting one keeps the school's bytes), then publishes the
contribution's resources into the county repository (a folder, or ``s3://`` through
:func:`teachpoint.publish.bucket.publish_to_bucket`) with the publisher's own code and checks,
each resource carrying ``origin`` (the PC, the contribution, the teacher's name when the teacher
allowed it). Every publish also writes the signed list of decisions (the reviews node), so a
rejection's reason and an acceptance's date reach the school by any transport.

*Reject* records the reason; given the key and the repository it is published at once, else it
travels with the next publish. *Undo* takes an accepted lesson out of the county repository again
(or a rejection back) and returns the entry to pending; accepting after a rejection works too.
Every decision is logged (who, when, why) in ``review_log``.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import shutil
from pathlib import Path

from teachpoint.errors import ReviewError, UsageError
from teachpoint.fsutil import link_or_copy, make_dirs
from teachpoint.library import review_queue
from teachpoint.library.catalogue import now_iso
from teachpoint.library.model import Origin, ReviewDecision
from teachpoint.publish import media
from teachpoint.publish.catalogue_csv import CsvRow
from teachpoint.publish.publisher import publish
from teachpoint.review.collect import open_queue, review_dir, review_store
from teachpoint.review.model import Entry
from teachpoint.review.transcode import Profile, misfits, transcode

log = logging.getLogger(__name__)


def load_entry(conn, entry_id) -> Entry:
    """The entry with this id; UsageError if there is none."""
    try:
        row = review_queue.entry(conn, int(entry_id))
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise UsageError(f"no contribution {entry_id!r} in the review queue (see 'review list')")
    return Entry.from_row(row)


def county_ids(entry: Entry) -> list[str]:
    """The county's resource ids of an entry's resources: ``<pc_id>.<resource id>``."""
    return [f"{entry.pc_id}.{r.rid}" for r in entry.resources]


def accept(db_path, entry_id, key, out, *, by: str | None = None, name: str | None = None,
           endpoint_url: str | None = None, profile: Profile = Profile()) -> Entry:
    """Transcode where needed, publish into the county repository ``out``, record the decision."""
    conn = open_queue(db_path)
    try:
        entry = load_entry(conn, entry_id)
        if entry.state in ("accepted", "withdrawn"):
            raise ReviewError(f"contribution {entry.id} is {entry.state} already")
        at, who = now_iso(), by or _reviewer()
        store = review_store(db_path)
        first = county_ids(entry)[0]
        decision = ReviewDecision(entry.pc_id, entry.contribution_id, "accepted", at, "", first)
        with _Scratch(db_path, name) as src:
            rows = [_row(store, src, entry, res, n, profile) for n, res in enumerate(entry.resources)]
            _publish(db_path, conn, key, out, src, rows, (), name, endpoint_url, decision)
        review_queue.decide(conn, entry.id, "accepted", who, at, "", first, "accept")
        log.info("contribution %s accepted by %s into %s", entry.id, who, out)
        return load_entry(conn, entry.id)
    finally:
        conn.close()


def reject(db_path, entry_id, reason: str, *, by: str | None = None, key=None, out=None,
           name: str | None = None, endpoint_url: str | None = None) -> Entry:
    """Record a rejection with its reason (published now when ``key`` and ``out`` are given)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise UsageError("say why (the school reads the reason)")
    conn = open_queue(db_path)
    try:
        entry = load_entry(conn, entry_id)
        if entry.state == "withdrawn":
            raise ReviewError(f"contribution {entry.id} was withdrawn by its school")
        at, who = now_iso(), by or _reviewer()
        drop = county_ids(entry) if entry.state == "accepted" else ()
        if drop and not (key and out):
            raise UsageError("this lesson is published: give --key and --out to take it out again")
        if key and out:
            decision = ReviewDecision(entry.pc_id, entry.contribution_id, "rejected", at, reason)
            with _Scratch(db_path, name) as src:
                _publish(db_path, conn, key, out, src, [], drop, name, endpoint_url, decision)
        review_queue.decide(conn, entry.id, "rejected", who, at, reason, "", "reject")
        return load_entry(conn, entry.id)
    finally:
        conn.close()


def undo(db_path, entry_id, *, by: str | None = None, key=None, out=None, name: str | None = None,
         endpoint_url: str | None = None) -> Entry:
    """Take back the standing decision: the entry is pending again (an accepted lesson leaves
    the county repository, which needs ``key`` and ``out``)."""
    conn = open_queue(db_path)
    try:
        entry = load_entry(conn, entry_id)
        if entry.state in ("pending", "withdrawn"):
            raise ReviewError(f"contribution {entry.id} has no decision to undo")
        drop = county_ids(entry) if entry.state == "accepted" else ()
        if drop and not (key and out):
            raise UsageError("this lesson is published: give --key and --out to take it out again")
        if key and out:
            with _Scratch(db_path, name) as src:
                _publish(db_path, conn, key, out, src, [], drop, name, endpoint_url, None,
                         without=entry.id)
        review_queue.decide(conn, entry.id, "pending", by or _reviewer(), now_iso(),
                            f"undo {entry.state}", "", "undo")
        return load_entry(conn, entry.id)
    finally:
        conn.close()


def _reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def _decisions(conn, replace: ReviewDecision | None, without: int | None) -> list[ReviewDecision]:
    """The standing decisions of the queue, with ``replace`` in place of its entry's one."""
    out = {}
    for e in review_queue.decided(conn):
        if e.id != without:
            out[(e.pc_id, e.contribution_id)] = ReviewDecision(
                e.pc_id, e.contribution_id, e.state, e.decided_at, e.reason, e.county_resource)
    if replace is not None:
        out[(replace.pc, replace.contribution)] = replace
    return list(out.values())


def _publish(db_path, conn, key, out, src: Path, rows, drop, name, endpoint_url,
             decision: ReviewDecision | None, without: int | None = None) -> None:
    """Publish ``rows`` (and the decisions) into the county repository, keeping the rest."""
    from teachpoint.transport.s3 import is_s3_url

    options = dict(name=name, progress=lambda text: log.info("%s", text), rows=rows,
                   keep_previous=True, drop=drop, decisions=_decisions(conn, decision, without))
    if is_s3_url(str(out)):
        from teachpoint.publish.bucket import publish_to_bucket
        from teachpoint.transport.s3 import BucketFolder, make_client, parse_s3_url

        work = review_dir(db_path) / "bucket" / hashlib.sha256(str(out).encode()).hexdigest()[:16]
        publish_to_bucket(src, Path(key), BucketFolder(make_client(endpoint_url), parse_s3_url(str(out))),
                          work_dir=work, **options)
    else:
        publish(src, Path(key), Path(out), **options)


def _row(store, src: Path, entry: Entry, res, n: int, profile: Profile) -> CsvRow:
    """The publisher row of one resource, its files placed under ``src`` (converted if needed)."""
    main = res.main
    rel, converted = _place(store, src, main.sha256, main.size, main.name), False
    if res.kind == "video":
        info = media.probe(src / rel)
        why = misfits(src / rel, info, profile)
        if why:
            log.info("%s needs converting: %s", main.name, "; ".join(why))
            target = src / "converted" / f"{Path(main.name).stem}.mp4"
            make_dirs(target.parent)
            transcode(src / rel, target, info, profile)
            rel, converted = f"converted/{target.name}", True
    subs = [_place(store, src, f.sha256, f.size, f.name) for f in res.files if f.role == "subtitle"]
    thumb = next((f for f in res.files if f.role == "thumbnail"), None)
    teacher = entry.teacher
    return CsvRow(
        line=n + 1, id=f"{entry.pc_id}.{res.rid}", file=rel, title=res.title,
        grade=res.position.grade, subject=res.position.subject, edition=res.position.edition,
        volume=res.position.volume, unit=res.position.unit, lesson=res.position.lesson,
        kind=res.kind, subtitles=subs,
        thumbnail=_place(store, src, thumb.sha256, thumb.size, thumb.name) if thumb and not converted else None,
        description=res.description or (f"教师投稿 · {teacher}" if teacher else "教师投稿"),
        keywords=list(res.keywords), origin=Origin(entry.pc_id, entry.contribution_id, teacher))


def _place(store, src: Path, sha256: str, size: int, name: str) -> str:
    """The queued blob under ``src/<sha256>/<name>`` (hard link, else a verified copy)."""
    rel = f"{sha256}/{name or sha256}"
    if not (src / rel).exists() and not link_or_copy(store.path_of(sha256), src / rel, sha256, size):
        raise ReviewError(f"the queued file {name} is damaged; collect the contribution again")
    return rel


class _Scratch:
    """A working folder beside the queue (hard links need the same disk), removed afterwards;
    named like the county repository, which names a repository published for the first time."""

    def __init__(self, db_path, name: str | None):
        self.base = review_dir(db_path) / f"tmp-{os.getpid()}"
        self.folder = self.base / (name or "county")

    def __enter__(self) -> Path:
        shutil.rmtree(self.base, ignore_errors=True)
        make_dirs(self.folder)
        return self.folder

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.base, ignore_errors=True)
