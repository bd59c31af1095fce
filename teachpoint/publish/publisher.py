"""``teachpoint publish``: turn a folder of lessons plus ``catalogue.csv`` into a signed repository.

Two phases. *Check* reads the CSV and every file it names and collects all problems; if there are
any, :class:`PublishError` lists them and nothing is written. *Write* adds new blobs and metadata
nodes (existing ones are never rewritten: they are immutable and named by hash) and replaces
``root.json`` last, atomically. If writing fails, the files it added are removed again, so the
repository stays exactly as it was.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from teachpoint.fsutil import copy_verified, is_temp_name, remove_leftovers
from teachpoint.errors import PublishError, RepositoryError, UsageError
from teachpoint.fsutil import atomic_write
from teachpoint.library.model import FileRef, Position, Resource
from teachpoint.repo import keys
from teachpoint.publish import media, row_files
from teachpoint.publish.catalogue_csv import CsvResult, CsvRow, read_catalogue_csv
from teachpoint.repo.format import REPO_ID_RE, ROOT_NAME, blob_path
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.tree import build_tree, diff_trees, write_reviews
from teachpoint.transport.sources import FolderSource
from teachpoint.repo.root import build_root, parse_root

log = logging.getLogger(__name__)
CSV_NAME = "catalogue.csv"


@dataclass
class PublishReport:
    repository: str
    version: int
    encoding: str
    resources: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    new_blobs: int = 0
    new_blob_bytes: int = 0
    new_meta_files: int = 0
    new_meta_bytes: int = 0
    notes: list[str] = field(default_factory=list)


class _SingleKey:
    """A trust store holding only the publisher's own key (to read its previous root)."""

    def __init__(self, public):
        self.public = public

    def get(self, key_id):
        return self.public if key_id == self.public.key_id else None

    def allows(self, key_id, repo_id):
        return key_id == self.public.key_id


def publish(src_dir: Path, key_file: Path, out_dir: Path, name: str | None = None,
            title: str | None = None, expires_days: int = 365, progress=print, *,
            rows: list[CsvRow] | None = None, keep_previous: bool = False, drop=(),
            decisions: list | None = None, packs: bool = True) -> PublishReport:
    """Publish ``src_dir`` into ``out_dir``; see the module docstring.

    For the review of contributions (issue 15) the rows may be given instead of ``catalogue.csv``
    (paths still relative to ``src_dir``); ``keep_previous`` keeps every resource of the previous
    version that the rows do not replace and ``drop`` does not name (a CSV publish keeps those
    with an ``origin``: accepted contributions); ``decisions`` (a list of
    :class:`ReviewDecision`) is written as the signed reviews node (None keeps the previous one).
    ``packs`` also writes each subject's metadata as one pack, and each small grade's as one
    grade pack pinned from the root (few round trips for a first install;
    :mod:`teachpoint.repo.packs`); False writes a repository as before packs existed.
    """
    src_dir, out_dir = Path(src_dir), Path(out_dir)
    if rows is None and not (src_dir / CSV_NAME).is_file():
        raise UsageError(f"{src_dir} has no {CSV_NAME}")
    if not 1 <= expires_days <= 3650:
        raise UsageError("--expires must be between 1 and 3650 days")
    private = keys.load_private_key(key_file)
    public = keys.public_key_of(private)
    previous = _previous_root(out_dir, public)
    repo_id = _repository_name(name, previous, src_dir)
    csv = read_catalogue_csv(src_dir / CSV_NAME) if rows is None else CsvResult(rows, "given")
    progress(f"read {CSV_NAME} as {csv.encoding}: {len(csv.rows)} row(s)")
    for note in csv.notes:
        progress(f"note: {note}")
    old = {r.rid: r for r in _read_tree(out_dir, previous)} if previous else {}
    _remove_leftovers(out_dir)
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        resources, sources, problems = _check_rows(src_dir, csv.rows, old, Path(scratch), progress)
        problems = csv.problems + problems
        if problems:
            raise PublishError(problems)
        given = {r.rid for r in resources} | set(drop)
        # Lessons the county accepted from teachers (origin) are managed by 'review', not by
        # catalogue.csv: a CSV publish keeps them.
        resources += [r for rid, r in old.items()
                      if rid not in given and (keep_previous or r.origin is not None)]
        version = previous.version + 1 if previous else 1
        report = PublishReport(repo_id, version, csv.encoding, resources=len(resources),
                               notes=list(csv.notes))
        _count_changes(report, old, resources)
        written: list[Path] = []
        try:
            _write_blobs(out_dir, sources, report, written)
            grades, totals, grade_packs = build_tree(out_dir, resources, report, written,
                                                     packs=packs)
            reviews = previous.reviews if previous and decisions is None else None
            if decisions is not None:
                reviews = write_reviews(out_dir, decisions, report, written)
            now = datetime.now(timezone.utc)
            root = build_root(private, public.key_id, repo_id,
                              title or (previous.title if previous else repo_id), version, now,
                              now + timedelta(days=expires_days), grades, totals, reviews,
                              grade_packs)
            atomic_write(out_dir / ROOT_NAME, root)
        except BaseException:
            for path in reversed(written):
                path.unlink(missing_ok=True)
            raise
    log.info("published %s v%d: %s", repo_id, version, report)
    return report


def _previous_root(out_dir: Path, public):
    root_file = out_dir / ROOT_NAME
    if not root_file.exists():
        return None
    try:
        return parse_root(root_file.read_bytes()[: 1 << 21], _SingleKey(public))
    except RepositoryError as exc:
        raise UsageError(f"{out_dir} holds a repository this key cannot continue: {exc}") from exc


def _repository_name(name, previous, src_dir: Path) -> str:
    if previous:
        if name and name != previous.repository:
            raise UsageError(f"{name!r} differs from the repository's name {previous.repository!r}")
        return previous.repository
    candidate = name or src_dir.resolve().name.lower()
    if not REPO_ID_RE.match(candidate):
        raise UsageError(f"repository name {candidate!r} is not allowed: use --name with "
                         "lower-case ASCII letters, digits, '.', '_' or '-' (up to 64)")
    return candidate


def _check_rows(src_dir, rows: list[CsvRow], old: dict, scratch: Path, progress):
    """Resolve and inspect every file the CSV names; return resources, blob sources, problems."""
    resources, sources, problems = [], {}, []
    lesson_counts: dict = {}
    pdfs = row_files.OfficePdfs(scratch)
    for row in rows:
        where = f"{CSV_NAME}:{row.line}"
        files: list[FileRef] = []
        main = _resolve(src_dir, row.file, where, "file", problems)
        if main is None:
            continue
        kind = row.kind or media.content_kind(main)
        main_ref = _file_ref(main, "main", sources)
        files.append(main_ref)
        previous = old.get(row.id)
        # Same bytes published as the same kind: what was checked and made then still holds.
        same = previous if previous and previous.main and previous.main.sha256 == main_ref.sha256 \
            and previous.kind == kind else None
        duration = None
        if same:
            duration = same.duration
        else:
            problem = media.looks_like_media(main, kind)
            if problem:
                problems.append(f"{where}: file: {problem}")
                continue
            if kind in ("video", "audio"):
                duration = media.probe(main).duration
        for sub in row.subtitles:
            path = _resolve(src_dir, sub, where, "subtitles", problems)
            if path:
                ref = row_files.subtitle_ref(path, sub, scratch, where, problems)
                if ref:
                    files.append(_file_ref(ref, "subtitle", sources, media.subtitle_language(path),
                                           name=path.name))
        thumb = _thumbnail(src_dir, row, kind, main, main_ref, same, scratch, where, problems)
        if thumb:
            files.append(_file_ref(thumb, "thumbnail", sources) if isinstance(thumb, Path) else thumb)
        pdf = pdfs.reuse_or_add(kind, main, main_ref, same, len(resources), where)
        if pdf:
            files.append(pdf)  # the same document as last time: its PDF too
        key = (row.grade, row.subject, row.edition, row.volume, row.unit, row.lesson)
        lesson_counts[key] = lesson_counts.get(key, 0) + 1
        resources.append(Resource(
            rid=row.id, kind=kind, title=row.title,
            position=Position(row.grade, row.subject, row.edition, row.volume, row.unit, row.lesson),
            files=tuple(files), description=row.description, keywords=tuple(row.keywords),
            duration=duration, sort_key=lesson_counts[key] - 1, origin=row.origin))
        if len(resources) % 1000 == 0:
            progress(f"checked {len(resources)} of {len(rows)} rows")
    if pdfs.wanted:
        progress(f"converting {len(pdfs.wanted)} office document(s) to PDF with LibreOffice")
    for index, pdf_path in pdfs.convert(problems):
        res = resources[index]
        resources[index] = replace(res, files=res.files + (_file_ref(pdf_path, "attachment", sources),))
    return resources, sources, problems


def _thumbnail(src_dir, row, kind, main, main_ref, same, scratch, where, problems):
    """The row's thumbnail: given, reused from the previous version, or made from the video."""
    if row.thumbnail:
        return _resolve(src_dir, row.thumbnail, where, "thumbnail", problems)
    if kind != "video":
        return None
    old = next((f for f in same.files if f.role == "thumbnail"), None) if same else None
    if old:
        return old  # same video as last time: keep its thumbnail (no new blob)
    out = scratch / f"{main_ref.sha256}.jpg"
    try:
        media.make_thumbnail(main, out)
    except media.MediaError as exc:
        problems.append(f"{where}: file: {exc}")
        return None
    return out


def _resolve(src_dir: Path, rel: str, where: str, column: str, problems: list) -> Path | None:
    """``rel`` inside ``src_dir``, or None after recording why not (missing, escapes, …)."""
    base = src_dir.resolve()
    candidate = base / rel
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        problems.append(f"{where}: {column}: file not found: {rel}")
        return None
    except (OSError, RuntimeError) as exc:
        problems.append(f"{where}: {column}: cannot read {rel}: {exc}")
        return None
    if real != base and base not in real.parents:
        problems.append(f"{where}: {column}: {rel} points outside the source folder")
        return None
    if not real.is_file():
        problems.append(f"{where}: {column}: {rel} is not a file")
        return None
    return real


def _file_ref(path: Path, role: str, sources: dict, language: str = "", name: str = "") -> FileRef:
    """A file entry for ``path`` (its blob to be written); ``name`` overrides the shown name."""
    sha, size = _hash_file(path)
    sources.setdefault(sha, path)
    name = name or path.name
    return FileRef(role=role, sha256=sha, size=size, media_type=media.media_type_for(name),
                   language=language, name=name[:255])


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _count_changes(report: PublishReport, old: dict, resources: list[Resource]) -> None:
    new_ids = {r.rid for r in resources}
    for res in resources:
        if res.rid not in old:
            report.added += 1
        elif old[res.rid] != res:
            report.changed += 1
    report.removed = len(set(old) - new_ids)


def _write_blobs(out_dir: Path, sources: dict, report: PublishReport, written: list) -> None:
    for sha, path in sources.items():
        target = out_dir / blob_path(sha)
        if target.exists() and target.stat().st_size == path.stat().st_size:
            continue  # immutable and named by hash: already there
        written.append(target)
        if not copy_verified(path, target, sha, path.stat().st_size):
            raise PublishError([f"{path} changed while it was being published; publish again"])
        report.new_blobs += 1
        report.new_blob_bytes += path.stat().st_size


def _read_tree(repo_dir: Path, root) -> list:
    """Every resource of the previous version in the output folder (nodes checked against pins)."""
    reader = NodeReader(source=FolderSource(repo_dir), keep=False)
    return diff_trees(None, root.grades, reader).upserts


SCRATCH_PREFIX = "teachpoint-publish-"  # + pid: thumbnails and conversions of one publish


def _remove_leftovers(out_dir: Path) -> None:
    """What a killed publish left: temp files in the output, scratch folders of dead processes."""
    if out_dir.is_dir():
        remove_leftovers(out_dir, is_temp_name)
    for scratch in Path(tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        pid = scratch.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and scratch.is_dir() and not scratch.is_symlink():
            shutil.rmtree(scratch, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, not ours to signal
    return True
