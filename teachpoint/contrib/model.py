"""A teacher's own lesson as the school sees it, with its review state (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass

from teachpoint.library.curriculum import place_zh
from teachpoint.library.model import Position

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATE_ZH = {PENDING: "待审核", ACCEPTED: "已通过", REJECTED: "未通过"}


@dataclass(frozen=True)
class Contribution:
    """One lesson a teacher added on this PC.

    ``id`` is the contribution's id (its first resource's id in ``contrib-<pc_id>``);
    ``resource_ids`` are the catalogue ids that play it now (the county's copy once it replaced
    the local one); ``state`` is :data:`PENDING`, :data:`ACCEPTED` (``decided_at``: since when
    every school gets it) or :data:`REJECTED` (``reason``: the reviewer's words).
    """

    id: str
    title: str
    place: Position  # 年级 → 学科 → 版本 → 册 → 单元 → 课
    teacher: str
    share_name: bool
    files: tuple  # ((role, sha256, size, name), …) as added
    added_at: str
    state: str = PENDING
    decided_at: str = ""
    reason: str = ""
    resource_ids: tuple[str, ...] = ()
    replaced: bool = False  # the county's signed copy replaced the local one

    @property
    def state_zh(self) -> str:
        """待审核 / 已通过 / 未通过."""
        return STATE_ZH[self.state]

    @property
    def place_zh(self) -> str:
        """Where it sits, e.g. "三年级 音乐 人音版 上册 第二单元 第4课"."""
        return place_zh(self.place)

    @property
    def bytes(self) -> int:
        return sum(f[2] for f in self.files)

    def to_json(self) -> dict:
        p = self.place
        return {"id": self.id, "title": self.title, "grade": p.grade, "subject": p.subject,
                "edition": p.edition, "volume": p.volume, "unit": p.unit,
                "lesson": p.lesson, "place": self.place_zh, "teacher": self.teacher,
                "share_name": self.share_name, "added_at": self.added_at, "state": self.state,
                "state_zh": self.state_zh, "decided_at": self.decided_at, "reason": self.reason,
                "resource_ids": list(self.resource_ids), "replaced": self.replaced,
                "bytes": self.bytes,
                "files": [{"role": r, "sha256": s, "size": n, "name": name}
                          for r, s, n, name in self.files]}
