"""What this PC could give a stick: the plan of an export, computed before anything is written.

:func:`give_plan` is the core API the app calls to show "this PC can give N lessons (X GB)" for a
stick's inventory before exporting; :func:`teachpoint.sneakernet.export.export` then writes the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from teachpoint.errors import RepositoryError
from teachpoint.resources import DEMO_REPOSITORY_ID
from teachpoint.sneakernet.inventory import Inventory
from teachpoint.repo.format import CONTRIB_PREFIX, Pin
from teachpoint.repo.node_reader import NodeReader
from teachpoint.repo.tree import read_whole_tree
from teachpoint.repo.root import parse_root
from teachpoint.sync.schedule import Subscriptions


# ---- the plan -------------------------------------------------------------------------------------


@dataclass
class RepoPlan:
    repository: str
    title: str
    version: int
    root_raw: bytes = field(repr=False)
    nodes: list[Pin] = field(repr=False)
    blobs: dict[str, int] = field(repr=False)  # sha256 → size: what we give (held here)
    wanted: set[str] = field(repr=False)  # everything the selection/targets need (for prune)
    names: dict[str, str] = field(repr=False)  # sha256 → "title (file name)" for messages
    lessons: int = 0
    resources: int = 0
    unavailable: int = 0  # needed, but this PC does not hold it either
    unavailable_bytes: int = 0

    @property
    def bytes(self) -> int:
        return sum(self.blobs.values())


@dataclass
class ExportPlan:
    repositories: list[RepoPlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # "pc name (pc id)" of the inventories

    @property
    def lessons(self) -> int:
        return sum(r.lessons for r in self.repositories)

    @property
    def blobs(self) -> int:
        return sum(len(r.blobs) for r in self.repositories)

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.repositories)

    def to_json(self) -> dict:
        return {"targets": self.targets, "notes": self.notes, "lessons": self.lessons,
                "blobs": self.blobs, "bytes": self.bytes,
                "repositories": [{"repository": r.repository, "version": r.version,
                                  "lessons": r.lessons, "resources": r.resources,
                                  "blobs": len(r.blobs), "bytes": r.bytes, "nodes": len(r.nodes),
                                  "unavailable": r.unavailable} for r in self.repositories]}


def give_plan(ws, inventory: Inventory | list[Inventory] | None = None, grades=(), subjects=()) -> ExportPlan:
    """What this PC could put on a stick for ``inventory`` (one, several, or None = no target).

    With inventories: the blobs each lacks among the lessons its subscriptions want (all it lacks
    if it subscribes to everything), united. Without: the ``grades``/``subjects`` selection, or
    everything. Either way ``grades``/``subjects`` narrow the choice. Raises UsageError for an
    unknown grade or subject.
    """
    targets = [] if inventory is None else [inventory] if isinstance(inventory, Inventory) else list(inventory)
    selection = Subscriptions.from_values(grades, subjects)
    plan = ExportPlan(targets=[f"{t.pc_name or '?'} ({t.pc_id})" for t in targets])
    for info in ws.catalogue.repositories():
        if info.id == DEMO_REPOSITORY_ID and not targets:
            continue  # built into every TeachPoint; with --for it is given only if a PC lacks it
        if info.id.startswith(CONTRIB_PREFIX):
            continue  # the school's own lessons go to the county only ('contribute export')
        try:
            repo = _repo_plan(ws, info, targets, selection, plan.notes)
        except RepositoryError as exc:
            plan.notes.append(f"{info.id}: not exported: {exc}")
            continue
        if repo is not None:
            plan.repositories.append(repo)
    return plan


def _repo_plan(ws, info, targets: list[Inventory], selection: Subscriptions, notes: list[str]):
    raw = ws.cache.accepted_root_bytes(info.id)
    if raw is None:
        raise RepositoryError("its signed root.json is not in the metadata cache")
    root = parse_root(raw, ws.trust)
    if root.sha256 != info.root_sha256 or root.repository != info.id:
        raise RepositoryError("the cached root.json is not the accepted one")
    live = []
    for t in targets:
        theirs = t.repositories.get(info.id)
        if theirs and theirs[0] > root.version:
            notes.append(f"{info.id}: {t.pc_name or t.pc_id} already has version {theirs[0]}, "
                         f"newer than our {root.version}: nothing to give it")
        else:
            live.append(t)
    if targets and not live:
        return None
    # The cache only: we export what this PC accepted, the signed review decisions with it, and
    # the packs it holds whole (on the stick they let the next PC install in a few reads, as from
    # the server; without one that PC reads the subject's nodes one by one).
    tree = read_whole_tree(root, NodeReader(ws.cache))
    resources = tree.resources
    nodes = tree.nodes + [pin for pin in tree.packs if ws.cache.get(pin) is not None]
    wanted: dict[str, int] = {}
    names: dict[str, str] = {}
    lessons, chosen = set(), 0
    for res in resources:
        pos = res.position
        if not selection.wants(pos.grade, pos.subject):
            continue
        fans = [t for t in live if t.subscriptions.wants(pos.grade, pos.subject)]
        if targets and not fans:
            continue
        chosen += 1
        lacking = [f for f in res.files if not targets or any(not t.holds(f.sha256) for t in fans)]
        for f in lacking:
            wanted[f.sha256] = f.size
            names.setdefault(f.sha256, f"{res.title} ({f.name or f.role})")
        if lacking:
            lessons.add((pos.grade, pos.subject, pos.edition, pos.volume, pos.unit, pos.lesson))
    blobs = {s: n for s, n in wanted.items() if ws.store.has(s)}
    behind = not targets or any(t.repositories.get(info.id, (0, ""))[1] != root.sha256 for t in live)
    if not wanted and not (behind and targets) and not (chosen and not targets):
        return None
    missing = set(wanted) - set(blobs)
    return RepoPlan(info.id, root.title, root.version, raw, list(dict.fromkeys(nodes)), blobs,
                    set(wanted), names, lessons=len(lessons), resources=chosen,
                    unavailable=len(missing), unavailable_bytes=sum(wanted[s] for s in missing))

