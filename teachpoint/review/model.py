"""One contribution in the county's review queue, as the reviewer sees it (issue 15)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from teachpoint.library.curriculum import place_zh
from teachpoint.library.model import Resource
from teachpoint.repo.format import resource_from_json

STATE_ZH = {"pending": "待审核", "accepted": "已通过", "rejected": "未通过", "withdrawn": "已撤回"}


@dataclass(frozen=True)
class Entry:
    """A queued contribution: its resources as the PC signed them and the standing decision."""

    id: int
    pc_id: str
    contribution_id: str
    resources: tuple[Resource, ...]
    collected_at: str
    source: str
    state: str  # pending, accepted, rejected, withdrawn (the school removed it before a decision)
    decided_by: str = ""
    decided_at: str = ""
    reason: str = ""
    county_resource: str = ""  # the county's resource id of the first resource, once accepted

    @classmethod
    def from_row(cls, row) -> "Entry":
        resources = tuple(resource_from_json(r) for r in json.loads(row.resources))
        return cls(row.id, row.pc_id, row.contribution_id, resources, row.collected_at, row.source,
                   row.state, row.decided_by, row.decided_at, row.reason, row.county_resource)

    @property
    def first(self) -> Resource:
        return next((r for r in self.resources if r.rid == self.contribution_id), self.resources[0])

    @property
    def title(self) -> str:
        return self.first.title

    @property
    def teacher(self) -> str:
        """The teacher's name if the teacher chose to share it (else "")."""
        return self.first.origin.teacher if self.first.origin else ""

    @property
    def place_zh(self) -> str:
        return place_zh(self.first.position)

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    def to_json(self) -> dict:
        return {"id": self.id, "pc_id": self.pc_id, "contribution_id": self.contribution_id,
                "title": self.title, "place": self.place_zh, "teacher": self.teacher,
                "kinds": [r.kind for r in self.resources], "collected_at": self.collected_at,
                "source": self.source, "state": self.state, "state_zh": self.state_zh,
                "decided_by": self.decided_by, "decided_at": self.decided_at,
                "reason": self.reason, "county_resource": self.county_resource}
