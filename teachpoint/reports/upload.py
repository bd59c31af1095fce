"""Reports over a link: put the outbox into the county's bucket, and read a bucket at the county.

The PC writes each unacknowledged report to ``s3://BUCKET/PREFIX/<pc_id>/<file>`` with
:class:`teachpoint.transport.s3.BucketFolder` (boto3; write-only credentials are enough: nothing is
listed or read); a report that is stored is acknowledged (removed from the outbox). A failed PUT
is tried again with exponential backoff (:data:`ATTEMPTS` tries, :data:`FIRST_DELAY_S` doubling);
refused credentials or a bad address stop at once. The one-way satellite inbox is never used.

At the county, ``reports collect s3://BUCKET/PREFIX`` lists ``*.tpreport`` objects below the
prefix and reads each with a bounded GET (:func:`bucket_reports`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from teachpoint.errors import (
    BadObjectStoreUrl, ObjectStoreAuthError, ObjectStoreError, ObjectStoreUnreachable, ReportError,
    ReportTooLarge)
from teachpoint.library.settings import SETTING_REPORT_TO
from teachpoint.reports import format as fmt
from teachpoint.reports import outbox
from teachpoint.reports.identity import pc_id

log = logging.getLogger(__name__)

SETTING_ENDPOINT = "reports.endpoint_url"    # the S3-compatible server (empty: AWS / environment)
ATTEMPTS = 5
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 60.0
MAX_OBJECTS = 200_000


@dataclass
class UploadResult:
    url: str
    sent: list[str] = field(default_factory=list)
    made: int = 0
    problem: str = ""

    def to_json(self) -> dict:
        return {"url": self.url, "sent": self.sent, "made": self.made, "problem": self.problem}


def _with_backoff(action, what: str, attempts: int, first_delay: float, sleep):
    """Run ``action`` until it succeeds; retry object-store failures with doubling delays.

    Refused credentials and bad addresses are not retried (waiting does not fix them).
    """
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except (ObjectStoreAuthError, BadObjectStoreUrl):
            raise
        except ObjectStoreError as exc:
            if attempt == attempts:
                raise
            log.info("%s failed (try %d of %d): %s; again in %.1f s", what, attempt, attempts, exc, delay)
            sleep(delay)
            delay = min(delay * 2, MAX_DELAY_S)
    raise AssertionError("unreachable")


def upload_pending(ws, url: str | None = None, endpoint_url: str | None = None, make: bool = True,
                   attempts: int = ATTEMPTS, first_delay: float = FIRST_DELAY_S, sleep=time.sleep) -> UploadResult:
    """Make the pending report and upload every outbox report to the bucket; raises a typed
    error when the bucket cannot be reached after the retries (the outbox keeps what is unsent)."""
    from teachpoint.transport.s3 import BucketFolder, make_client, parse_s3_url

    url = url or ws.setting(SETTING_REPORT_TO) or ""
    if not url:
        raise ReportError("no collection place: give s3://BUCKET/PREFIX or set report-to")
    endpoint_url = endpoint_url or ws.setting(SETTING_ENDPOINT) or None
    location = parse_s3_url(url)
    result = UploadResult(location.url)
    if make:
        result.made = len(outbox.make_reports(ws))
    folder = BucketFolder(make_client(endpoint_url), location)
    me = pc_id(ws, create=False) or "unknown-pc"
    for path in outbox.pending_files(ws):
        data = path.read_bytes()
        _with_backoff(lambda: folder.put_bytes(f"{me}/{path.name}", data, "application/json", "no-store"),
                      f"uploading {path.name}", attempts, first_delay, sleep)
        path.unlink(missing_ok=True)  # stored at the collection place: acknowledged
        result.sent.append(path.name)
    if result.sent:
        outbox.remember_sent(ws, location.url)
    return result


def bucket_reports(url: str, endpoint_url: str | None = None):
    """(name, bytes or a ReportError) of every report object below an ``s3://`` prefix, in key
    order. An object larger than any report is refused by its listed size, never read; the store
    being unreachable or refusing the credentials raises (what was merged before stays)."""
    from teachpoint.transport.s3 import BucketFolder, make_client, parse_s3_url

    folder = BucketFolder(make_client(endpoint_url), parse_s3_url(url))
    listed = {n: info for n, info in folder.list_objects().items() if n.endswith(fmt.SUFFIX)}
    if len(listed) > MAX_OBJECTS:
        raise ReportError(f"{url} holds {len(listed)} report objects, more than {MAX_OBJECTS}")
    for name in sorted(listed):
        if listed[name].size > fmt.MAX_REPORT_BYTES:
            yield name, ReportTooLarge(f"{name} is larger than any report: not read")
            continue
        try:
            data = folder.get_bytes(name, fmt.MAX_REPORT_BYTES)
        except (ObjectStoreAuthError, ObjectStoreUnreachable):
            raise
        except ObjectStoreError as exc:  # gone or grown since the listing
            yield name, ReportError(f"{name}: {exc}")
            continue
        yield name, data if data is not None else ReportError(f"{name} disappeared from the bucket")
