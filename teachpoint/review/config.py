"""Which PC reviews teachers' lessons for the county, and with what (issue 15).

A reviewer's PC holds the county's publisher key; the app shows its 审核 place only there. The
configuration is one setting, ``review.county`` (:data:`SETTING_REVIEW`), a JSON object with the
same three things the command line takes (``teachpoint review … --db --key --out``)::

    {"key": "/srv/county/publisher.key", "db": "/srv/county/county.db",
     "out": "/srv/county/repo"   (or "s3://bucket/prefix"),  "endpoint_url": ""}

``db`` defaults to ``county.db`` beside the key, ``out`` to ``repo`` beside the key. Without the
setting, or when the key file is not there, :func:`review_config` is None (teachers never see
审核). IT sets it with ``teachpoint review setup --key … [--db …] [--out …]`` (``--off`` clears it).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path


log = logging.getLogger(__name__)

SETTING_REVIEW = "review.county"


@dataclass(frozen=True)
class ReviewConfig:
    """The county's publisher key, its database (the queue) and its repository (folder or s3://)."""

    key: Path
    db: Path
    out: str
    endpoint_url: str | None = None

    @property
    def repo_folder(self) -> Path | None:
        """The county repository as a folder (duplicates are looked for there), else None."""
        from teachpoint.transport.s3 import is_s3_url  # boto3: only on a reviewer's PC, when asked

        return None if is_s3_url(self.out) else Path(self.out)


def review_config(ws) -> ReviewConfig | None:
    """The configured review, or None (no setting, unreadable setting, key file missing)."""
    raw = ws.setting(SETTING_REVIEW)
    if not raw:
        return None
    try:
        value = json.loads(raw)
        key = Path(value["key"]).expanduser()
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("setting %s is not usable (%s); no 审核 screen", SETTING_REVIEW, exc)
        return None
    if not key.is_file():
        log.warning("the publisher key %s named by %s is not there; no 审核 screen", key, SETTING_REVIEW)
        return None
    db = Path(value.get("db") or key.with_name("county.db")).expanduser()
    out = str(value.get("out") or key.with_name("repo"))
    return ReviewConfig(key, db, out, value.get("endpoint_url") or None)


def configure(ws, key: Path, db: Path | None = None, out: str | None = None,
              endpoint_url: str | None = None) -> None:
    """Write the setting (IT staff's set-up and the tests)."""
    value = {"key": str(key), "db": str(db) if db else "", "out": str(out) if out else "",
             "endpoint_url": endpoint_url or ""}
    ws.set_setting(SETTING_REVIEW, json.dumps(value, ensure_ascii=False))


def clear(ws) -> None:
    """Remove the setting: this PC no longer reviews (no 审核 place)."""
    ws.set_setting(SETTING_REVIEW, "")
