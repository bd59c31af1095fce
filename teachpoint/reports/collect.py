"""``teachpoint reports collect``: read report files from sticks or folders into the county database.

Each file is read with a bounded read, decoded and verified (:func:`teachpoint.reports.format.decode`);
the PC's key is pinned the first time the PC is seen, and a report from a known PC signed by
another key is refused and shown. A report already received (same PC and sequence number) is
ignored. Every report is merged in its own transaction, so a bad file, a crash or a full disk
never loses what was merged before it. Refusals are kept in the database with their reason.

A SOURCE may also be an ``s3://BUCKET/PREFIX`` (the bucket PCs upload to: :mod:`.upload`).
Only regular files named ``*.tpreport`` directly in SOURCE or in ``SOURCE/_reports/`` are read
(no symlinks, no recursion: a stranger's stick cannot point the collector elsewhere). After
collecting from a stick, an acknowledgement per PC (``_reports/acks/<pc_id>.json``: the highest
sequence number up to which every report arrived) is written so the PC can empty its outbox.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import ReportError, ReportSignatureError, ReportTooLarge, TeachPointError
from teachpoint.fsutil import atomic_write
from teachpoint.library import county
from teachpoint.library.catalogue import now_iso
from teachpoint.reports import format as fmt
from teachpoint.reports.outbox import ACK_FOLDER, STICK_FOLDER

log = logging.getLogger(__name__)

MAX_FILES_PER_SOURCE = 200_000


@dataclass
class CollectResult:
    """What one collection did."""

    merged: int = 0
    duplicates: int = 0
    records: int = 0
    refused: list[dict] = field(default_factory=list)
    pcs: set[str] = field(default_factory=set)
    acks_written: int = 0

    def to_json(self) -> dict:
        return {"merged": self.merged, "duplicates": self.duplicates, "records": self.records,
                "refused": self.refused, "pcs": sorted(self.pcs), "acks_written": self.acks_written}

    def describe(self) -> str:
        lines = [f"merged {self.merged} report(s) ({self.records} records) from {len(self.pcs)} PC(s); "
                 f"{self.duplicates} already had; {len(self.refused)} refused"]
        lines += [f"refused {r['file']}: {r['reason']}" for r in self.refused]
        return "\n".join(lines)


def report_files(source: Path) -> list[Path]:
    """The report files of a source: itself (a file), or ``*.tpreport`` in it and its ``_reports/``."""
    try:
        st = os.stat(source)
    except OSError as exc:
        raise ReportError(f"cannot read {source}: {exc.strerror or exc}") from None
    if stat.S_ISREG(st.st_mode):
        return [source]
    found: list[Path] = []
    for folder in (source, source / STICK_FOLDER):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        found += sorted(Path(e.path) for e in entries
                        if e.name.endswith(fmt.SUFFIX) and e.is_file(follow_symlinks=False))
    if len(found) > MAX_FILES_PER_SOURCE:
        raise ReportError(f"{source} holds {len(found)} report files, more than {MAX_FILES_PER_SOURCE}")
    return found


def _refuse(conn, result: CollectResult, where: str, exc: TeachPointError, report=None,
            offered_key_id: str = "") -> None:
    reason = str(exc)
    county.record_refusal(conn, now_iso(), where, exc.__class__.__name__, reason,
                          pc_id=report.pc_id if report else "", seq=report.seq if report else None,
                          offered_key_id=offered_key_id)
    result.refused.append({"file": where, "kind": exc.__class__.__name__, "reason": reason})
    log.warning("report %s refused: %s", where, reason)


def collect_file(conn, path: Path, result: CollectResult, lesson_cache: dict | None = None) -> None:
    """Read one report file (bounded) and merge it; a bad one is refused and remembered."""
    try:
        if os.lstat(path).st_size > fmt.MAX_REPORT_BYTES:  # never read a "report" of 1 GB
            raise ReportTooLarge(f"{path.name} is larger than any report ({fmt.MAX_REPORT_BYTES >> 20} MiB)")
        data = fmt.read_bounded(path)
    except ReportError as exc:
        _refuse(conn, result, str(path), exc)
        return
    except OSError as exc:
        _refuse(conn, result, str(path), ReportError(f"cannot read {path.name}: {exc.strerror or exc}"))
        return
    collect_bytes(conn, str(path), data, result, lesson_cache)


def collect_bytes(conn, where: str, data: bytes, result: CollectResult, lesson_cache: dict | None = None) -> None:
    """Verify and merge one report's bytes (from a file or a bucket); never raises for bad input."""
    name = where.rsplit("/", 1)[-1]
    try:
        report = fmt.decode(data, name)
    except ReportError as exc:
        _refuse(conn, result, where, exc)
        return
    pinned = county.pinned_pc(conn, report.pc_id)
    if pinned is not None and pinned[1] != report.key.b64:
        exc = ReportSignatureError(f"{name}: PC {report.pc_id} is pinned to another key; this report "
                                   f"is signed by {report.key.key_id} (refused: a new key must be "
                                   "accepted by county staff)")
        _refuse(conn, result, where, exc, report, report.key.key_id)
        return
    if county.merge_report(conn, report, now_iso(), where, lesson_cache):
        result.merged += 1
        result.records += len(report.records)
    else:
        result.duplicates += 1
    result.pcs.add(report.pc_id)


def _collect_bucket(conn, url: str, result: CollectResult, lesson_cache: dict, endpoint_url) -> None:
    from teachpoint.reports.upload import bucket_reports

    for name, item in bucket_reports(url, endpoint_url):
        where = url.rstrip("/") + "/" + name
        if isinstance(item, ReportError):
            _refuse(conn, result, where, item)
        else:
            collect_bytes(conn, where, item, result, lesson_cache)


def _write_acks(conn, source: Path, pcs: set[str]) -> int:
    """Acknowledge, on a stick, what arrived from each PC; failures are logged (read-only stick)."""
    folder = source / STICK_FOLDER / ACK_FOLDER
    written = 0
    for pc_id in sorted(pcs):
        through = county.contiguous_through(conn, pc_id)
        if not through:
            continue
        try:
            atomic_write(folder / f"{pc_id}.json", json.dumps({"pc_id": pc_id, "through": through}).encode(),
                         0o644)
            written += 1
        except OSError as exc:
            log.warning("no acknowledgement written to %s: %s", folder, exc)
            break
    return written


def collect(sources: list, db_path: Path, write_acks: bool = True, progress=None,
            endpoint_url: str | None = None) -> CollectResult:
    """Collect every report of ``sources`` (folders, files, ``s3://`` prefixes) into the county
    database at ``db_path``."""
    from teachpoint.transport.s3 import is_s3_url

    conn = county.open_county(db_path)
    result = CollectResult()
    lesson_cache: dict = {}
    try:
        for source in sources:
            if is_s3_url(str(source)):
                _collect_bucket(conn, str(source), result, lesson_cache, endpoint_url)
                continue
            source = Path(source)
            files = report_files(source)
            before = set(result.pcs)
            result.pcs = set()
            for i, path in enumerate(files):
                collect_file(conn, path, result, lesson_cache)
                if progress is not None:
                    progress(i + 1, len(files))
            if write_acks and (source / STICK_FOLDER).is_dir():
                result.acks_written += _write_acks(conn, source, result.pcs)
            result.pcs |= before
    finally:
        conn.close()
    return result
