"""The report file: one signed JSON envelope around one JSON body, bounded in size.

File ``<pc_id>-<seq:08d>.tpreport``::

    {"format": "teachpoint-usage-report", "version": 1,
     "key": "<the PC's Ed25519 public key, base64>",
     "signature": "<Ed25519 signature of the UTF-8 bytes of body, base64>",
     "body": "<the body as JSON text>"}

The body: ``pc_id``, ``seq`` (1, 2, … per PC), ``created_at``, ``school`` (a label IT staff set,
may be empty), ``health`` (see :mod:`teachpoint.reports.health`) and ``records``: lists of
:data:`RECORD_FIELDS`. The signature is over the body's exact bytes, so nothing is re-serialised
before verifying. :func:`decode` checks everything a county needs before merging; whether the key
is the PC's pinned key is the county's decision (:mod:`teachpoint.reports.collect`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from teachpoint.errors import (
    ReportMalformed, ReportSignatureError, ReportTooLarge, ReportVersionUnknown, SignatureError,
    UsageError)
from teachpoint.repo import keys

FORMAT = "teachpoint-usage-report"
VERSION = 1
SUFFIX = ".tpreport"
MAX_REPORT_BYTES = 4 << 20     # a full report (MAX_RECORDS records) is about 1.2 MB
MAX_RECORDS = 10_000           # records per report; more pending records make more reports
MAX_TEXT = 200                 # characters of an id or title
RECORD_FIELDS = ("day", "resource_id", "grade", "subject", "title", "started", "played_s", "finished")
PC_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")  # a uuid
DAY_RE = re.compile(r"^\d{4}-\d\d-\d\d$")
MAX_COUNT = 1_000_000          # bounds any counter of one day


@dataclass(frozen=True)
class Report:
    """A report whose signature verified against the key it carries."""

    pc_id: str
    seq: int
    created_at: str
    school: str
    key: keys.PublicKey
    health: dict
    records: list[tuple]
    raw: bytes


def file_name(pc_id: str, seq: int) -> str:
    return f"{pc_id}-{seq:08d}{SUFFIX}"


def encode(body: dict, private_key, public: keys.PublicKey) -> bytes:
    """The signed file bytes for ``body``."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    envelope = {"format": FORMAT, "version": VERSION, "key": public.b64,
                "signature": keys.sign(private_key, text.encode("utf-8")), "body": text}
    data = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
    if len(data) > MAX_REPORT_BYTES:
        raise ReportTooLarge(f"report of {len(data)} bytes is over the {MAX_REPORT_BYTES} byte limit")
    return data


def read_bounded(path: Path) -> bytes:
    """A report file's bytes; never reads more than :data:`MAX_REPORT_BYTES` + 1."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise ReportMalformed(f"cannot read report {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise ReportTooLarge(f"{path} is larger than any report ({MAX_REPORT_BYTES >> 20} MiB): not read")
    return data


def _json(data: bytes | str, what: str):
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ReportMalformed(f"{what} is not valid JSON (truncated or damaged)") from None


def decode(data: bytes, source: str = "report") -> Report:
    """Parse and verify one report file's bytes; raises a :class:`ReportError` subclass."""
    if len(data) > MAX_REPORT_BYTES:
        raise ReportTooLarge(f"{source} is larger than any report")
    envelope = _json(data, source)
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise ReportMalformed(f"{source} is not a TeachPoint usage report")
    if envelope.get("version") != VERSION:
        raise ReportVersionUnknown(f"{source} has report format version {envelope.get('version')!r}; "
                                   f"this TeachPoint reads version {VERSION} (update TeachPoint)")
    body_text, sig = envelope.get("body"), envelope.get("signature")
    if not isinstance(body_text, str) or not isinstance(sig, str) or not isinstance(envelope.get("key"), str):
        raise ReportMalformed(f"{source} lacks its body, key or signature")
    try:
        key = keys.parse_public_key(f"{keys.PUB_TAG} {envelope['key']}", source)
        keys.verify_signature(key, body_text.encode("utf-8"), sig)
    except (SignatureError, UsageError) as exc:
        raise ReportSignatureError(f"{source}: {exc}") from None
    return _report(_json(body_text, f"{source} (body)"), key, data, source)


def _report(body, key: keys.PublicKey, raw: bytes, source: str) -> Report:
    """Check the body's shape and bounds; the signature already verified."""
    if not isinstance(body, dict):
        raise ReportMalformed(f"{source}: the body is not an object")
    pc_id, seq = body.get("pc_id"), body.get("seq")
    if not isinstance(pc_id, str) or not PC_ID_RE.match(pc_id):
        raise ReportMalformed(f"{source}: no valid PC id")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq < 2**31:
        raise ReportMalformed(f"{source}: no valid sequence number")
    records = body.get("records")
    if not isinstance(records, list) or len(records) > MAX_RECORDS:
        raise ReportMalformed(f"{source}: records missing or over {MAX_RECORDS}")
    health = body.get("health") if isinstance(body.get("health"), dict) else {}
    return Report(pc_id, seq, _text(body.get("created_at"), source), _text(body.get("school"), source),
                  key, health, _records(records, source), raw)


def _text(value, source: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ReportMalformed(f"{source}: a text field is not text or too long")
    return value


def _records(rows: list, source: str) -> list[tuple]:
    """Every record as a tuple of :data:`RECORD_FIELDS`, checked (one tight loop: a county merges
    ten million of these; ``type(x) is int`` also refuses booleans)."""
    day_ok, n, top = DAY_RE.match, len(RECORD_FIELDS), MAX_COUNT
    out = []
    for row in rows:
        if type(row) is not list or len(row) != n:
            raise ReportMalformed(f"{source}: a record does not have {n} fields")
        day, rid, grade, subject, title, started, played, finished = row
        if not (type(day) is str and day_ok(day) and type(rid) is str and len(rid) <= MAX_TEXT
                and type(grade) is int and 1 <= grade <= 12 and type(subject) is str
                and len(subject) <= MAX_TEXT and type(title) is str and len(title) <= MAX_TEXT
                and type(started) is int and 0 <= started <= top and type(played) is int
                and 0 <= played <= top and type(finished) is int and 0 <= finished <= top):
            raise ReportMalformed(f"{source}: a record has a field of the wrong type or out of range")
        out.append((day, rid, grade, subject, title, started, played, finished))
    for day in {r[0] for r in out}:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise ReportMalformed(f"{source}: {day!r} is not a date") from None
    return out
