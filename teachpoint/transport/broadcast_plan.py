"""The reception plan of a carousel: which objects of a repository go on air, and in which order.

The sender reads its own repository folder (it trusts it: it publishes it) and lists the signed
root, every metadata node of the current tree and every blob the resources use. The metadata group
(root + nodes) is repeated often; the blobs follow lesson by lesson, **new content first**: the
lessons whose files were not in the previous broadcast version, then the rest. The sender
remembers the blob sets of the last two versions it broadcast in ``DATA_DIR/broadcast-sent/``, so
"new" means new since the previous version even after a restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import RepositoryError
from teachpoint.fsutil import atomic_write
from teachpoint.repo.format import (
    REPO_ID_RE, ROOT_NAME, Pin, blob_path, decode_node, meta_path, parse_pin)
from teachpoint.repo.keys import KEY_ID_RE
from teachpoint.repo.tree import diff_trees
from teachpoint.transport.broadcast_packet import (
    KIND_BLOB, KIND_META, KIND_ROOT, ObjectId, channel_tag)
from teachpoint.transport.sources import read_bounded

log = logging.getLogger(__name__)

STATE_DIR = "broadcast-sent"


@dataclass(frozen=True)
class PlannedObject:
    """One object on air: its id and where its bytes are on the sender's disk."""

    obj: ObjectId
    path: Path


@dataclass
class CarouselPlan:
    repository: str
    version: int
    root_sha256: str
    metadata: list[PlannedObject] = field(default_factory=list)  # root first, then the nodes
    new_blobs: list[PlannedObject] = field(default_factory=list)
    other_blobs: list[PlannedObject] = field(default_factory=list)

    @property
    def blobs(self) -> list[PlannedObject]:
        return self.new_blobs + self.other_blobs

    @property
    def total_bytes(self) -> int:
        return sum(p.obj.length for p in self.metadata + self.blobs)


def read_plan(repo_dir: Path, symbol_size: int, previous_blobs: set[str]) -> CarouselPlan:
    """Build the plan of ``repo_dir``; blobs not in ``previous_blobs`` go first."""
    repo_dir = Path(repo_dir)
    raw = read_bounded(repo_dir / ROOT_NAME, 1 << 20)
    root = _parse_own_root(raw)
    tsi, tag = root.key_id, channel_tag(root.repository)

    def make(kind: int, sha: str, size: int, rel: str) -> PlannedObject:
        return PlannedObject(ObjectId(tsi, tag, kind, sha, size, symbol_size), repo_dir / rel)

    plan = CarouselPlan(root.repository, root.version, root.sha256)
    plan.metadata.append(make(KIND_ROOT, root.sha256, len(raw), ROOT_NAME))
    nodes: dict[str, Pin] = {}

    def fetch(pin: Pin, node_type: str) -> dict:
        nodes[pin.sha256] = pin
        return decode_node(read_bounded(repo_dir / meta_path(pin.sha256), pin.size), pin, node_type)

    resources = diff_trees(None, root.grades, fetch).upserts
    plan.metadata.extend(make(KIND_META, p.sha256, p.size, meta_path(p.sha256)) for p in nodes.values())
    seen: set[str] = set()
    for res in sorted(resources, key=lambda r: all(f.sha256 in previous_blobs for f in r.files)):
        for f in res.files:
            if f.sha256 in seen or f.size == 0:
                continue
            seen.add(f.sha256)
            target = plan.new_blobs if f.sha256 not in previous_blobs else plan.other_blobs
            target.append(make(KIND_BLOB, f.sha256, f.size, blob_path(f.sha256)))
    return plan


@dataclass(frozen=True)
class OwnRoot:
    """The fields of the publisher's own root the sender needs (its signature is the
    receivers' business: they check it against their trust store)."""

    repository: str
    version: int
    key_id: str
    grades: dict[int, Pin]
    sha256: str


def _parse_own_root(raw: bytes) -> OwnRoot:
    """Read ``root.json`` of the folder being broadcast; raise RepositoryError if malformed."""
    try:
        payload = json.loads(json.loads(raw.decode("utf-8"))["payload"])
        repository, version, key_id = payload["repository"], payload["version"], payload["key_id"]
        grades = {int(g): parse_pin(pin) for g, pin in payload["grades"].items()}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RepositoryError(f"{ROOT_NAME} to broadcast is malformed ({exc})") from exc
    if not (isinstance(repository, str) and REPO_ID_RE.match(repository)
            and isinstance(version, int) and isinstance(key_id, str) and KEY_ID_RE.match(key_id)):
        raise RepositoryError(f"{ROOT_NAME} to broadcast names no valid repository, version, key")
    return OwnRoot(repository, version, key_id, grades, hashlib.sha256(raw).hexdigest())


def root_fingerprint(repo_dir: Path) -> str:
    """SHA-256 of the folder's root.json now (empty if unreadable): a republish changes it."""
    try:
        return hashlib.sha256(read_bounded(Path(repo_dir) / ROOT_NAME, 1 << 20)).hexdigest()
    except (OSError, ValueError) as exc:
        log.debug("root not readable now: %s", exc)
        return ""


def previous_blobs(data_dir: Path | None, repository: str, version: int) -> set[str]:
    """Blobs of the previous version this sender broadcast (empty if it never did)."""
    state = _read_state(data_dir, repository)
    if state.get("version") == version:
        return set(state.get("previous", []))
    if isinstance(state.get("version"), int) and state["version"] < version:
        return set(state.get("blobs", []))
    return set()


def remember_version(data_dir: Path | None, plan: CarouselPlan) -> None:
    """Record the blob set of the version going on air (and keep the one before it)."""
    if data_dir is None:
        return
    state = _read_state(data_dir, plan.repository)
    blobs = sorted(p.obj.sha256 for p in plan.blobs)
    if state.get("version") == plan.version:
        return
    new = {"version": plan.version, "blobs": blobs, "previous": state.get("blobs", [])}
    atomic_write(Path(data_dir) / STATE_DIR / f"{plan.repository}.json",
                 json.dumps(new).encode("utf-8"))


def _read_state(data_dir: Path | None, repository: str) -> dict:
    if data_dir is None:
        return {}
    try:
        state = json.loads((Path(data_dir) / STATE_DIR / f"{repository}.json").read_text("utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}
