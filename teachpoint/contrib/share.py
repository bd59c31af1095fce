"""Taking the school's own lessons to the county: a USB stick or the county's bucket (issue 15).

Both carry the same thing: the PC's signed contribution repository plus its public key
(``pc.pub``), under ``<stick>/TeachPoint/contributions/<pc_id>/`` or
``s3://BUCKET/contributions/<pc_id>/`` (the bucket of the usage reports' ``report-to``). Files are
copied hashed (:func:`teachpoint.fsutil.copy_verified`) and ``root.json`` goes last, so a stick
pulled out mid-way holds the old whole version or the new one. The county verifies everything
again (:mod:`teachpoint.review.collect`); nothing here is trusted there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.contrib import repository
from teachpoint.errors import ContributionError, NotEnoughSpace
from teachpoint.fsutil import atomic_write, copy_verified, make_dirs
from teachpoint.library.settings import SETTING_REPORT_TO
from teachpoint.publish.bucket import repository_objects, upload_repository
from teachpoint.repo.format import MAX_ROOT_BYTES, ROOT_NAME
from teachpoint.sneakernet.export import SPACE_MARGIN, ExportError, _os_error, free_space
from teachpoint.sneakernet.export_checks import FAT_MAX_FILE, may_be_fat, present
from teachpoint.transport.sources import read_bounded

log = logging.getLogger(__name__)

STICK_PATH = ("TeachPoint", "contributions")  # <stick>/TeachPoint/contributions/<pc_id>/
BUCKET_PREFIX = "contributions"  # s3://BUCKET/contributions/<pc_id>/


@dataclass
class ShareResult:
    """Where the contributions went and how much was written."""

    where: str
    files_copied: int = 0
    bytes_copied: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"where": self.where, "files_copied": self.files_copied,
                "bytes_copied": self.bytes_copied, "skipped": self.skipped, "notes": self.notes}


def _root_bytes(ws) -> bytes:
    root = repository.repo_dir(ws) / ROOT_NAME
    if not root.is_file():
        raise ContributionError("this PC has no lessons of its own to take to the county yet")
    return read_bounded(root, MAX_ROOT_BYTES)


def export_contributions(ws, stick_dir, progress=None) -> ShareResult:
    """Write the contribution repository to ``<stick>/TeachPoint/contributions/<pc_id>/``.

    ``progress(files_done, files_total)``. Raises :class:`ContributionError` (nothing to
    export), :class:`NotEnoughSpace`, :class:`StickReadOnly` or :class:`ExportError`.
    """
    ident, _ = repository.identity(ws)
    root = _root_bytes(ws)
    dest = Path(stick_dir).joinpath(*STICK_PATH, ident.pc_id)
    result = ShareResult(str(dest))
    blobs, nodes = repository_objects(repository.repo_dir(ws))
    todo = {rel: path for rel, path in sorted({**blobs, **nodes}.items())
            if not present(dest / rel, path.stat().st_size)}
    result.skipped = len(blobs) + len(nodes) - len(todo)  # named by hash: the same bytes
    _check_stick(Path(stick_dir), todo)
    try:
        for n, (rel, path) in enumerate(todo.items()):
            size = path.stat().st_size
            if not copy_verified(path, dest / rel, Path(rel).name[:64], size):
                raise ExportError(f"{path} does not match its name (damaged?); nothing exported")
            result.files_copied += 1
            result.bytes_copied += size
            if progress:
                progress(n + 1, len(todo))
        atomic_write(dest / repository.PUB_NAME, repository.public_key_text(ident))
        atomic_write(dest / ROOT_NAME, root)
    except OSError as exc:
        raise _os_error(exc, dest) from exc
    log.info("contributions exported to %s: %s", dest, result.to_json())
    return result


def _check_stick(stick: Path, todo: dict) -> None:
    """Refuse before copying: a file FAT32 cannot hold, or more bytes than the stick has free."""
    if not stick.is_dir():
        if not stick.parent.is_dir():
            raise ExportError(f"{stick} is not there (stick not inserted?)")
        make_dirs(stick)  # a new folder on a mounted stick
    sizes = {rel: path.stat().st_size for rel, path in todo.items()}
    if may_be_fat(stick) and any(n > FAT_MAX_FILE for n in sizes.values()):
        raise ExportError("a lesson file is larger than 4 GiB, too big for a FAT32 stick; use an "
                          "exFAT/NTFS stick or the county's bucket (contribute upload)")
    needed, free = sum(sizes.values()) + SPACE_MARGIN, free_space(stick)
    if needed > free:
        raise NotEnoughSpace(needed, free, 0, where=str(stick))


def bucket_url(ws, url: str | None = None) -> str:
    """``s3://BUCKET/contributions/<pc_id>/`` for the bucket of ``url`` or of ``report-to``."""
    from teachpoint.transport.s3 import parse_s3_url

    base = url or ws.setting(SETTING_REPORT_TO) or ""
    if not base:
        raise ContributionError("no collection place: give s3://BUCKET or set report-to")
    ident, _ = repository.identity(ws)
    return f"s3://{parse_s3_url(base).bucket}/{BUCKET_PREFIX}/{ident.pc_id}/"


def upload_contributions(ws, url: str | None = None, endpoint_url: str | None = None) -> ShareResult:
    """Upload the contribution repository (and ``pc.pub``) to the county's bucket; only what the
    bucket lacks is sent, ``root.json`` last (:func:`upload_repository`). Typed
    :class:`ObjectStoreError` when the bucket cannot be reached."""
    from teachpoint.reports.upload import SETTING_ENDPOINT
    from teachpoint.transport.s3 import BucketFolder, make_client, parse_s3_url

    ident, _ = repository.identity(ws)
    _root_bytes(ws)
    target = bucket_url(ws, url)
    folder = BucketFolder(make_client(endpoint_url or ws.setting(SETTING_ENDPOINT) or None),
                          parse_s3_url(target))
    folder.put_bytes(repository.PUB_NAME, repository.public_key_text(ident), "text/plain", "no-cache")
    sent = upload_repository(repository.repo_dir(ws), folder)
    result = ShareResult(target, sent.blobs_uploaded + sent.nodes_uploaded, sent.bytes_uploaded,
                         sent.skipped)
    log.info("contributions uploaded to %s: %s", target, result.to_json())
    return result


def upload_if_any(ws) -> ShareResult | None:
    """What the sync service calls beside the usage reports: upload the contributions when this
    PC has any (None otherwise); typed errors as :func:`upload_contributions`."""
    if not (repository.repo_dir(ws) / ROOT_NAME).is_file():
        return None
    return upload_contributions(ws)
