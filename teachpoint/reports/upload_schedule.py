"""When the sync service uploads usage reports: every :data:`INTERVAL_S` while the bucket is
reachable (and the school's own lessons with them); after a failure again in :data:`FIRST_BACKOFF_S`, doubling up to :data:`MAX_BACKOFF_S`
(with jitter), so a satellite link that comes and goes is used when it is up and not hammered
when it is down. Nothing happens unless ``report_to`` is configured."""

from __future__ import annotations

import logging
import random

from teachpoint.errors import TeachPointError
from teachpoint.library.settings import SETTING_REPORT_TO

log = logging.getLogger(__name__)

INTERVAL_S = 6 * 3600.0
FIRST_BACKOFF_S = 60.0
MAX_BACKOFF_S = 6 * 3600.0


class ReportUploadSchedule:
    """Call :meth:`tick` from the service loop; it uploads when due and never raises."""

    def __init__(self, rng: random.Random | None = None, upload=None):
        self.due = 0.0
        self.failures = 0
        self.rng = rng or random.Random()
        self._upload = upload

    def tick(self, ws, now: float) -> bool | None:
        """Upload if due; True = uploaded, False = failed (backing off), None = nothing to do."""
        if now < self.due or ws.read_only or not ws.setting(SETTING_REPORT_TO):
            return None
        from teachpoint.contrib.share import upload_if_any
        from teachpoint.reports.upload import upload_pending

        try:
            (self._upload or upload_pending)(ws, attempts=1)
            upload_if_any(ws)  # teachers' own lessons go to the same bucket (issue 15)
        except TeachPointError as exc:
            self.failures += 1
            delay = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** (self.failures - 1)) * self.rng.uniform(0.75, 1.25)
            self.due = now + delay
            log.info("usage reports not uploaded (%s); next try in %.0f s", exc, delay)
            return False
        self.failures = 0
        self.due = now + INTERVAL_S
        return True
