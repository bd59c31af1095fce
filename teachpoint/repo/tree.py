"""The metadata tree of a repository: root → grade → subject → leaf (edition, volume, unit).

:func:`build_tree` writes the nodes for a list of resources (publisher side). :func:`diff_trees`
walks an old and a new tree side by side and descends only where pins differ, so a client holding
the previous version fetches just the changed nodes. Nodes come from a ``fetch(pin, type)``
callable that must return verified node content (see :class:`NodeReader`). The publisher also
writes one pack per subject (:mod:`teachpoint.repo.packs`), pinned from the grade node, and one
per small grade, pinned from the root; the walk itself never needs them
(:mod:`teachpoint.repo.prefetch` uses them to fill the cache first).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from teachpoint.fsutil import atomic_write
from teachpoint.library.model import Resource
from teachpoint.repo.format import (
    REVIEWS, Pin, encode_node, index_children, leaf_resources, meta_path, resource_to_json,
    reviews_node)
from teachpoint.repo.packs import GRADE_PACK_MAX, PackRef, encode_pack, grade_packs, pack_ref

GRADE, SUBJECT, LEAF = "grade", "subject", "leaf"
LEAF_KEY_SEP = "\t"

Fetch = Callable[[Pin, str], dict]


def leaf_key(res: Resource) -> str:
    p = res.position
    return LEAF_KEY_SEP.join((p.edition, p.volume, p.unit))


def build_tree(out_dir: Path, resources: list[Resource], report=None, written=None,
               packs: bool = True):
    """Write every node under ``out_dir/meta`` (skipping existing ones); return grade pins,
    totals and the grade packs (by grade) for the root.

    With ``packs`` each subject's nodes are also written as one pack, pinned from the grade node,
    and each grade whose nodes add up to at most :data:`GRADE_PACK_MAX` bytes as one grade pack,
    pinned from the root (:mod:`teachpoint.repo.packs`); without, the repository is what
    publishers wrote before packs.
    """
    tree: dict[int, dict[str, dict[str, list[Resource]]]] = {}
    for res in resources:
        tree.setdefault(res.position.grade, {}).setdefault(res.position.subject, {}) \
            .setdefault(leaf_key(res), []).append(res)
    grades, packs_of_grades = {}, {}
    for grade, subjects in tree.items():
        subject_pins, subject_packs, below = {}, {}, []
        for subject, leaves in sorted(subjects.items()):
            leaf_nodes = {}
            for key, items in leaves.items():
                items.sort(key=lambda r: (r.position.lesson, r.sort_key, r.rid))
                node = {"_type": LEAF, "resources": [resource_to_json(r) for r in items]}
                leaf_nodes[key] = _write_node(out_dir, node, report, written)
            subject_node = _write_node(out_dir, {"_type": SUBJECT, "children": _pins_json(
                {key: pin for key, (pin, _) in leaf_nodes.items()})}, report, written)
            subject_pins[subject] = subject_node[0]
            members = [subject_node] + [leaf_nodes[key] for key in sorted(leaf_nodes)]
            below += members
            if packs:
                subject_packs[subject] = _write_pack(out_dir, members, report, written)
        node = {"_type": GRADE, "children": _pins_json(subject_pins)}
        if packs:
            node["packs"] = {k: ref.to_json() for k, ref in sorted(subject_packs.items())}
        grade_node = _write_node(out_dir, node, report, written)
        grades[grade] = grade_node[0]
        if packs and sum(pin.size for pin, _ in [grade_node] + below) <= GRADE_PACK_MAX:
            packs_of_grades[grade] = _write_pack(out_dir, [grade_node] + below, report, written)
    totals = {"resources": len(resources),
              "bytes": sum(f.size for f in {f.sha256: f for r in resources for f in r.files}.values())}
    return grades, totals, packs_of_grades


def write_reviews(out_dir: Path, decisions: list, report=None, written=None) -> Pin:
    """Write the node of the review decisions (see :func:`reviews_node`); its pin for the root."""
    return _write_node(out_dir, reviews_node(decisions), report, written)[0]


def _pins_json(pins: dict[str, Pin]) -> dict:
    return {k: p.to_json() for k, p in sorted(pins.items())}


def _write_node(out_dir: Path, node: dict, report, written) -> tuple[Pin, bytes]:
    """Encode a node and write it unless it is there already; its pin and bytes."""
    data = encode_node(node)
    pin = Pin(hashlib.sha256(data).hexdigest(), len(data))
    _write_file(out_dir, pin, data, report, written)
    return pin, data


def _write_pack(out_dir: Path, members: list[tuple[Pin, bytes]], report, written) -> PackRef:
    """Write one pack (a subject's or a grade's nodes) unless it is there already."""
    data = encode_pack(members)
    ref = pack_ref(data, len(members))
    _write_file(out_dir, ref.pin, data, report, written)
    return ref


def _write_file(out_dir: Path, pin: Pin, data: bytes, report, written) -> None:
    path = out_dir / meta_path(pin.sha256)
    if not path.exists():
        if written is not None:
            written.append(path)
        atomic_write(path, data)
        if report is not None:
            report.new_meta_files += 1
            report.new_meta_bytes += len(data)


@dataclass
class TreeDiff:
    """What changed between two trees."""

    upserts: list[Resource] = field(default_factory=list)  # new or changed resources
    removed: list[str] = field(default_factory=list)  # rids gone from the repository
    nodes_fetched: int = 0
    leaves_compared: int = 0


def diff_trees(old: dict[int, Pin] | None, new: dict[int, Pin], fetch: Fetch,
               wanted: Callable[[int, str | None], bool] | None = None) -> TreeDiff:
    """Compare two trees given their grade pins; ``old`` None means "nothing installed yet".

    ``wanted(grade, subject)`` can skip parts of the curriculum (subject None asks about a whole
    grade). Resources that moved between leaves appear once, as upserts.
    """
    old = old or {}
    old_res: dict[str, Resource] = {}
    new_res: dict[str, Resource] = {}
    diff = TreeDiff()

    def node(pin, node_type):
        if pin is None:
            return {}
        diff.nodes_fetched += 1
        return index_children(fetch(pin, node_type))

    def leaves(pin):
        if pin is None:
            return []
        diff.nodes_fetched += 1
        return leaf_resources(fetch(pin, LEAF))

    for grade in sorted(set(old) | set(new)):
        if old.get(grade) == new.get(grade) or (wanted and not wanted(grade, None)):
            continue
        old_subjects, new_subjects = node(old.get(grade), GRADE), node(new.get(grade), GRADE)
        for subject in sorted(set(old_subjects) | set(new_subjects)):
            if old_subjects.get(subject) == new_subjects.get(subject):
                continue
            if wanted and not wanted(grade, subject):
                continue
            old_leaves = node(old_subjects.get(subject), SUBJECT)
            new_leaves = node(new_subjects.get(subject), SUBJECT)
            for key in set(old_leaves) | set(new_leaves):
                if old_leaves.get(key) == new_leaves.get(key):
                    continue
                diff.leaves_compared += 1
                old_res.update((r.rid, r) for r in leaves(old_leaves.get(key)))
                new_res.update((r.rid, r) for r in leaves(new_leaves.get(key)))
    diff.upserts = [r for rid, r in new_res.items() if old_res.get(rid) != r]
    diff.removed = sorted(set(old_res) - set(new_res))
    return diff


@dataclass
class WholeTree:
    """Everything of one accepted tree: its resources, the nodes read and the packs it pins."""

    resources: list[Resource]
    nodes: list[Pin]  # every node: grades, subjects, leaves, the review decisions
    packs: list[Pin]  # the metadata packs its root and grade nodes pin (whether kept here or not)


def read_whole_tree(root, reader) -> WholeTree:
    """Walk all of ``root``'s tree through ``reader`` (a NodeReader: it records the pins it read).

    What a stick export gives and what the metadata cache keeps; raises like ``reader`` when a
    node cannot be read."""
    resources = diff_trees(None, root.grades, reader).upserts
    if root.reviews:
        reader(root.reviews, REVIEWS)
    packs = [ref.pin for ref in root.grade_packs.values()]
    packs += [ref.pin for pin in root.grades.values() for ref in grade_packs(reader(pin, GRADE)).values()]
    return WholeTree(resources, list(dict.fromkeys(reader.pins)), packs)
