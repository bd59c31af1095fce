"""Sync policy set by IT staff: bandwidth cap with time windows, and subscriptions.

Both are small JSON values kept in the catalogue's settings table (see
:class:`teachpoint.workspace.Workspace`), so the app, the service and preseed files share them.

Bandwidth: a default cap (kbit/s, ``None`` = unlimited) and windows that override it, e.g.
``mon-fri 08:00-17:00 256`` = at most 256 kbit/s on school days during class time.
Subscriptions: the grades and subjects this PC wants files for (empty = everything). Metadata is
always fetched in full (it is small), so every lesson is listed and can be asked for on demand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from teachpoint.errors import UsageError
from teachpoint.library.curriculum import parse_grade, parse_subject
from teachpoint.library.settings import get_json_setting

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW_RE = re.compile(
    r"^\s*(?P<days>[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\s+"
    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})\s+(?P<limit>\d+|unlimited)\s*$")


@dataclass(frozen=True)
class Window:
    days: frozenset[int]  # 0 = Monday
    start: int  # minutes after midnight
    end: int  # exclusive; end < start wraps past midnight
    limit_kbit: int | None

    def covers(self, moment: datetime) -> bool:
        minute = moment.hour * 60 + moment.minute
        if self.start <= self.end:
            return moment.weekday() in self.days and self.start <= minute < self.end
        # past midnight: the part after midnight belongs to the previous day's window
        if minute >= self.start:
            return moment.weekday() in self.days
        return minute < self.end and (moment.weekday() - 1) % 7 in self.days

    def to_text(self) -> str:
        return f"{_days_text(self.days)} {_hm(self.start)}-{_hm(self.end)} " \
               f"{self.limit_kbit if self.limit_kbit is not None else 'unlimited'}"


@dataclass
class Bandwidth:
    limit_kbit: int | None = None
    windows: list[Window] = field(default_factory=list)

    def limit_at(self, moment: datetime) -> int | None:
        """The cap in force at ``moment`` (kbit/s), or None for unlimited; first matching window wins."""
        for window in self.windows:
            if window.covers(moment):
                return window.limit_kbit
        return self.limit_kbit

    def to_json(self) -> dict:
        return {"limit_kbit": self.limit_kbit, "windows": [w.to_text() for w in self.windows]}

    @classmethod
    def from_json(cls, obj) -> "Bandwidth":
        if not isinstance(obj, dict):
            return cls()
        return cls(_limit(obj.get("limit_kbit")), [parse_window(w) for w in obj.get("windows", [])])


def parse_window(text: str) -> Window:
    """Parse ``DAYS HH:MM-HH:MM KBIT`` (days like ``mon-fri`` or ``sat,sun``; KBIT or ``unlimited``)."""
    match = _WINDOW_RE.match(str(text).lower())
    if not match:
        raise UsageError(f"bad time window {text!r}: write it like 'mon-fri 08:00-17:00 256'")
    start, end = _minutes(match["start"]), _minutes(match["end"])
    if start == end:
        raise UsageError(f"time window {text!r} is empty")
    limit = None if match["limit"] == "unlimited" else _limit(int(match["limit"]))
    return Window(_days(match["days"]), start, end, limit)


def parse_limit(text: str) -> int | None:
    """A cap as people type it: ``"256"`` → 256; ``""`` or ``"unlimited"`` → None (no cap).

    UsageError for anything else (negative, zero, not a whole number, absurdly large).
    """
    value = str(text if text is not None else "").strip().lower()
    if value in ("", "unlimited"):
        return None
    if not re.fullmatch(r"\d+", value):
        raise UsageError(f"bandwidth cap must be a whole number of kbit/s, not {text!r}")
    return _limit(int(value))


def parse_time(text: str) -> int:
    """A time of day ``HH:MM`` (00:00 … 24:00) as minutes after midnight; UsageError otherwise."""
    value = str(text if text is not None else "").strip()
    if not re.fullmatch(r"\d{1,2}:\d{2}", value):
        raise UsageError(f"bad time {text!r}: write it like 08:00")
    return _minutes(value)


def _limit(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000_000:
        raise UsageError(f"bandwidth cap must be 1–10000000 kbit/s, not {value!r}")
    return value


def _minutes(hm: str) -> int:
    h, m = (int(x) for x in hm.split(":"))
    if h > 24 or m > 59 or (h == 24 and m):
        raise UsageError(f"bad time {hm!r}")
    return h * 60 + m


def _days(text: str) -> frozenset[int]:
    out: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise UsageError(f"bad day {part!r}: use {', '.join(DAYS)}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(out)


def _days_text(days: frozenset[int]) -> str:
    return ",".join(DAYS[d] for d in sorted(days))


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Subscriptions:
    grades: list[int] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)

    def wants(self, grade: int, subject: str) -> bool:
        return (not self.grades or grade in self.grades) and (not self.subjects or subject in self.subjects)

    @property
    def everything(self) -> bool:
        return not self.grades and not self.subjects

    def to_json(self) -> dict:
        return {"grades": self.grades, "subjects": self.subjects}

    @classmethod
    def from_values(cls, grades=(), subjects=()) -> "Subscriptions":
        """Validated and normalised (aliases such as 初一 or 道法 are accepted)."""
        return cls(sorted({parse_grade(g) for g in grades}), sorted({parse_subject(s) for s in subjects}))

    @classmethod
    def from_json(cls, obj) -> "Subscriptions":
        if not isinstance(obj, dict):
            return cls()
        return cls.from_values(obj.get("grades", []), obj.get("subjects", []))


SETTING_BANDWIDTH = "sync.bandwidth"
SETTING_SUBSCRIPTIONS = "sync.subscriptions"


def load_bandwidth(ws) -> Bandwidth:
    """The bandwidth cap and windows IT staff set for this PC (unlimited if never set)."""
    return Bandwidth.from_json(get_json_setting(ws.catalogue, SETTING_BANDWIDTH))


def load_subscriptions(ws) -> Subscriptions:
    """The grades and subjects this PC fetches files for (everything if never set)."""
    return Subscriptions.from_json(get_json_setting(ws.catalogue, SETTING_SUBSCRIPTIONS))
