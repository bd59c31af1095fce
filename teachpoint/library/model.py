"""Plain records shared by the catalogue, the repository format and the UI (no Qt, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("video", "audio", "document", "image", "slides", "other")
FILE_ROLES = ("main", "subtitle", "thumbnail", "attachment")
# Local state of a resource, derived from its files' blobs (view ``resource_state``).
STATE_INSTALLED = "installed"
STATE_NOT_DOWNLOADED = "not_downloaded"
STATE_DAMAGED = "damaged"
STATES = (STATE_INSTALLED, STATE_NOT_DOWNLOADED, STATE_DAMAGED)


@dataclass(frozen=True)
class FileRef:
    """One file of a resource, named by its content."""

    role: str  # one of FILE_ROLES
    sha256: str  # 64 lower-case hex digits
    size: int
    media_type: str = "application/octet-stream"
    language: str = ""  # for subtitles: zh, en, …
    name: str = ""  # original file name (display and extension only, never a path)


@dataclass(frozen=True)
class Position:
    """Where a resource sits in the curriculum: 年级 → 学科 → 版本 → 册 → 单元 → 课."""

    grade: int  # 1..12
    subject: str  # canonical name from curriculum.SUBJECTS
    edition: str = ""
    volume: str = ""
    unit: str = ""
    lesson: int = 0  # order of the lesson in its unit


@dataclass(frozen=True)
class Origin:
    """Where a county resource came from: a teacher's contribution (issue 15).

    ``pc`` is the contributing PC's id, ``contribution`` the resource id in its ``contrib-<pc>``
    repository, ``teacher`` the teacher's name only when the teacher agreed to share it.
    """

    pc: str
    contribution: str
    teacher: str = ""


@dataclass(frozen=True)
class ReviewDecision:
    """The county's decision on one contribution, signed into its repository (issue 15).

    ``decision`` is ``accepted`` or ``rejected``; ``at`` is ISO 8601 UTC; ``reason`` is the
    reviewer's reason for a rejection; ``resource`` the county's resource id of an accepted one.
    """

    pc: str
    contribution: str
    decision: str
    at: str
    reason: str = ""
    resource: str = ""


@dataclass(frozen=True)
class Resource:
    """A piece of courseware as a publisher describes it."""

    rid: str  # the publisher's stable id (unique within its repository)
    kind: str  # one of KINDS
    title: str
    position: Position
    files: tuple[FileRef, ...]
    description: str = ""
    keywords: tuple[str, ...] = ()
    duration: float | None = None
    language: str = "zh"
    sort_key: int = 0  # order among the resources of one lesson
    origin: Origin | None = None  # a contribution the county accepted (attribution)

    @property
    def main(self) -> FileRef | None:
        return next((f for f in self.files if f.role == "main"), None)


@dataclass(frozen=True)
class RepositoryInfo:
    """The accepted signed root of one repository."""

    id: str
    title: str
    key_id: str
    version: int
    root_sha256: str
    published_at: str
    expires_at: str
    source: str = ""


@dataclass
class StoreStats:
    blobs: int = 0
    bytes: int = 0
    free: int = 0
    extra: dict = field(default_factory=dict)
