"""Making this PC's reports and carrying them out.

:func:`make_reports` turns the pending usage records (changed since last reported) into signed
report files in the outbox ``DATA/reports/outbox/``, each with the next sequence number. Files stay
in the outbox until acknowledged (:func:`acknowledge`: the county's ack on a stick, or a bucket
upload) or until the outbox is over :data:`MAX_OUTBOX_FILES`; every delivery copies them all, and
the county ignores what it already has. Records are absolute daily values, so carrying one again
(or a newer value of the same day) is harmless.

:func:`write_pending_to_stick` is the one call the stick import and export make: it never raises.
"""

from __future__ import annotations

import json
import logging
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import ReportError
from teachpoint.fsutil import atomic_write, make_dirs
from teachpoint.library import settings, usage
from teachpoint.library.catalogue import now_iso
from teachpoint.reports import format as fmt
from teachpoint.reports.health import SETTING_LAST_SENT, collect_health, reports_dir
from teachpoint.reports.identity import load_identity
from teachpoint.sneakernet.inventory import FOLDER as INVENTORY_FOLDER
from teachpoint.transport.sources import COLLECTION_NAME

log = logging.getLogger(__name__)

SETTING_LAST_SEQ = "reports.last_seq"
SETTING_SCHOOL = "reports.school"
STICK_FOLDER = "_reports"
ACK_FOLDER = "acks"                 # in STICK_FOLDER: "<pc_id>.json" = {"pc_id", "through"}
MAX_OUTBOX_FILES = 200
MAX_ACK_BYTES = 4096
_NAME_RE = re.compile(r"^([0-9a-f-]{36})-(\d{8})\.tpreport$")


@dataclass
class Delivery:
    """What one delivery did."""

    made: list[Path] = field(default_factory=list)
    copied: list[Path] = field(default_factory=list)
    acknowledged: int = 0
    problem: str = ""

    def to_json(self) -> dict:
        return {"made": [p.name for p in self.made], "copied": [str(p) for p in self.copied],
                "acknowledged": self.acknowledged, "problem": self.problem}


def outbox_dir(ws) -> Path:
    return reports_dir(ws.paths) / "outbox"


def _records_json(rows: list[tuple]) -> list[list]:
    """Records as report rows: milliseconds played become whole seconds."""
    return [[r[0], r[1], r[2], r[3], r[4], r[5], round(r[6] / 1000), r[7]] for r in rows]


def build_body(ws, ident_pc_id: str, seq: int, rows: list[tuple]) -> dict:
    """The body of a report with ``rows`` (from :func:`usage.pending_records`)."""
    return {"pc_id": ident_pc_id, "seq": seq, "created_at": now_iso(),
            "school": (ws.setting(SETTING_SCHOOL) or "")[:fmt.MAX_TEXT],
            "health": collect_health(ws), "fields": list(fmt.RECORD_FIELDS),
            "records": _records_json(rows)}


def preview(ws) -> dict:
    """Exactly what the next report would carry (nothing is made, numbered or marked)."""
    ident = load_identity(ws)
    rows = usage.pending_records(ws.catalogue, fmt.MAX_RECORDS)
    body = build_body(ws, ident.pc_id, _last_seq(ws) + 1, rows)
    return {"fingerprint": ident.fingerprint, "pending_records": usage.pending_count(ws.catalogue),
            "body": body, "outbox": [p.name for p in pending_files(ws)]}


def _last_seq(ws) -> int:
    try:
        return int(ws.setting(SETTING_LAST_SEQ, "0"))
    except ValueError:
        return 0


def _next_seq(ws) -> int:
    """Take the next sequence number (saved before the file is written: a crash leaves a gap,
    never two different reports with one number)."""
    seq = _last_seq(ws) + 1
    ws.set_setting(SETTING_LAST_SEQ, str(seq))
    return seq


def make_reports(ws) -> list[Path]:
    """Write the pending records as new signed reports in the outbox (at least one: the health)."""
    ws.require_writable("make a usage report")
    ident = load_identity(ws)
    folder = outbox_dir(ws)
    folder.mkdir(parents=True, exist_ok=True)
    usage.purge_old(ws.catalogue)
    made: list[Path] = []
    for _ in range(1 + usage.pending_count(ws.catalogue) // fmt.MAX_RECORDS + 1):
        rows = usage.pending_records(ws.catalogue, fmt.MAX_RECORDS)
        if made and not rows:
            break
        seq = _next_seq(ws)
        path = folder / fmt.file_name(ident.pc_id, seq)
        atomic_write(path, fmt.encode(build_body(ws, ident.pc_id, seq, rows), ident.private_key, ident.public), 0o644)
        usage.mark_reported(ws.catalogue, rows, seq)
        made.append(path)
        log.info("report %s made: %d records", path.name, len(rows))
    _trim_outbox(ws)
    return made


def pending_files(ws) -> list[Path]:
    """The outbox's reports not yet acknowledged, oldest first."""
    folder = outbox_dir(ws)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _NAME_RE.match(p.name))


def _trim_outbox(ws) -> None:
    files = pending_files(ws)
    for old in files[:max(0, len(files) - MAX_OUTBOX_FILES)]:
        log.warning("outbox over %d reports: %s dropped unsent", MAX_OUTBOX_FILES, old.name)
        old.unlink(missing_ok=True)


def acknowledge(ws, through: int) -> int:
    """Remove this PC's outbox reports with a sequence number up to ``through``; returns how many."""
    gone = 0
    for path in pending_files(ws):
        if int(_NAME_RE.match(path.name).group(2)) <= through:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def copy_pending(ws, target: Path) -> list[Path]:
    """Copy every outbox report into ``target`` (made if missing); returns the copies."""
    copies = []
    try:
        make_dirs(target)  # 0755 like everything else on a stick
        for path in pending_files(ws):
            dest = target / path.name
            atomic_write(dest, path.read_bytes(), 0o644)
            copies.append(dest)
    except OSError as exc:
        raise ReportError(f"cannot write the reports into {target}: {exc.strerror or exc}") from None
    return copies


def remember_sent(ws, where: str) -> None:
    files = pending_files(ws)
    last = int(_NAME_RE.match(files[-1].name).group(2)) if files else _last_seq(ws)
    settings.set_setting(ws.catalogue, SETTING_LAST_SENT,
                         json.dumps({"at": now_iso(), "seq": last, "to": where[:fmt.MAX_TEXT]}))


def deliver(ws, target: Path, make: bool = True) -> Delivery:
    """Make new reports (when ``make``) and copy the outbox into the folder ``target``."""
    result = Delivery()
    if make:
        result.made = make_reports(ws)
    result.copied = copy_pending(ws, target)
    remember_sent(ws, str(target))
    return result


def read_stick_ack(ws, stick: Path) -> int:
    """The county's acknowledgement for this PC on a stick (highest contiguous seq), or 0."""
    from teachpoint.reports.identity import pc_id

    me = pc_id(ws, create=False)
    if not me:
        return 0
    try:
        with open(stick / STICK_FOLDER / ACK_FOLDER / f"{me}.json", "rb") as fh:
            ack = json.loads(fh.read(MAX_ACK_BYTES))
        through = ack["through"] if ack.get("pc_id") == me else 0
        return through if isinstance(through, int) and through > 0 else 0
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0


def _not_a_two_way_stick(stick: Path) -> str:
    """Why reports must not go into ``stick`` ('' when they may).

    A stick is what ``export`` or ``inventory`` wrote (a collection, ``_inventories/`` or
    ``_reports/``); a bare repository folder (a publisher's output, a mirror) is left alone, as is
    a stick that was pulled out (its mount point must not be re-created on the local disk) or is
    read-only (no write permission on its top folder; root ignores permissions, so ask the bits).
    """
    try:
        st = stick.stat()
    except OSError:
        return "the stick is gone"
    if not stat.S_ISDIR(st.st_mode):
        return "not a folder"
    if not st.st_mode & stat.S_IWUSR:
        return "the stick is read-only"
    if not any((stick / name).exists() for name in (COLLECTION_NAME, INVENTORY_FOLDER, STICK_FOLDER)):
        return "a bare repository folder, not a stick"
    return ""


def write_pending_to_stick(ws, stick_folder) -> Delivery:
    """The stick import/export hook: take the county's ack, then put the reports in ``_reports/``.

    Never raises: a stick that cannot take the reports must not spoil the import or export.
    """
    stick = Path(stick_folder)
    result = Delivery()
    result.problem = _not_a_two_way_stick(stick)
    if result.problem:
        log.info("usage reports not written to %s: %s", stick, result.problem)
        return result
    try:
        result.acknowledged = acknowledge(ws, read_stick_ack(ws, stick))
        if not ws.read_only:
            result.made = make_reports(ws)
        result.copied = copy_pending(ws, stick / STICK_FOLDER)
        if not ws.read_only:
            remember_sent(ws, f"stick {stick}")
    except Exception as exc:  # noqa: BLE001 - the stick's real job must go on
        result.problem = f"{exc.__class__.__name__}: {exc}"
        log.warning("usage reports not written to the stick %s: %s", stick, result.problem)
    return result
