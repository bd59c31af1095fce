"""``teachpoint verify``: check a whole repository (folder or URL) and list every problem found.

Unlike installing, which stops at the first bad root, verification keeps going so the publisher
or IT staff see everything at once: signature and trust, every metadata pin, every metadata pack
that is there (packs are optional, but a damaged one stops every first install), every blob's
size and hash, and expiry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from teachpoint.errors import NotOnSource, RepositoryError
from teachpoint.repo.format import (
    REVIEWS, Pin, decode_node, index_children, leaf_resources, review_decisions)
from teachpoint.repo.packs import PackRef, decode_pack, grade_packs
from teachpoint.repo.tree import GRADE, LEAF, SUBJECT
from teachpoint.repo.root import parse_root


@dataclass
class VerifyResult:
    location: str
    repository: str = ""
    version: int = 0
    expires: str = ""
    expired_days: float = 0.0
    resources: int = 0
    blobs: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_repository(source, trust, progress=None) -> VerifyResult:
    """Verify everything in ``source`` against ``trust``; never raises for repository faults."""
    result = VerifyResult(source.location)
    try:
        root = parse_root(source.read_root(), trust)
    except RepositoryError as exc:
        result.problems.append(f"root.json: {exc}")
        return result
    result.repository, result.version, result.expires = root.repository, root.version, root.expires
    result.expired_days = max(0.0, root.expired_days())
    if result.expired_days > 0:
        result.problems.append(f"root.json: metadata expired {result.expired_days:.0f} day(s) ago "
                               f"({root.expires}); republish to renew it")
    _check_reviews(source, root, result)
    packs = [(f"grade {g} pack", ref) for g, ref in sorted(root.grade_packs.items())]
    blobs: dict[str, tuple[int, str]] = {}
    for grade, pin in sorted(root.grades.items()):
        node = _node(source, pin, GRADE, f"grade {grade}", result)
        packs += _subject_packs(node, grade, result)
        for subject, spin in _index(node, f"grade {grade}", result):
            for key, lpin in _children(source, spin, SUBJECT, f"grade {grade}/{subject}", result):
                where = f"grade {grade}/{subject}/{key.replace(chr(9), '/')}"
                node = _node(source, lpin, LEAF, where, result)
                if node is None:
                    continue
                try:
                    items = leaf_resources(node)
                except RepositoryError as exc:
                    result.problems.append(f"{where}: {exc}")
                    continue
                result.resources += len(items)
                for res in items:
                    for f in res.files:
                        blobs.setdefault(f.sha256, (f.size, f"{res.rid} ({res.title})"))
    _check_packs(source, packs, result)
    for n, (sha, (size, owner)) in enumerate(sorted(blobs.items())):
        problem = _blob_problem(source, sha, size)
        if problem:
            result.problems.append(f"blob {sha[:12]}… of {owner}: {problem}")
        result.blobs += 1
        result.bytes += size
        if progress:
            progress(n + 1, len(blobs))
    return result


def _check_reviews(source, root, result: VerifyResult) -> None:
    """The signed review decisions (issue 15), if the root pins them."""
    node = _node(source, root.reviews, REVIEWS, "reviews", result) if root.reviews else None
    if node is not None:
        try:
            review_decisions(node)
        except RepositoryError as exc:
            result.problems.append(f"reviews: {exc}")


def _subject_packs(node: dict | None, grade: int, result: VerifyResult) -> list:
    """``(where, PackRef)`` of the subject packs a grade node pins (a malformed list is a problem:
    a client's prefetch refuses it)."""
    if node is None:
        return []
    try:
        return [(f"grade {grade}/{subject} pack", ref)
                for subject, ref in sorted(grade_packs(node).items())]
    except RepositoryError as exc:
        result.problems.append(f"grade {grade}: {exc}")
        return []


def _check_packs(source, packs: list, result: VerifyResult) -> None:
    """Every pack pinned (``(where, PackRef)``), if the source has it, must be whole: a client
    refuses a damaged pack and stops (a missing one it reads node by node)."""
    for where, ref in packs:
        problem = _pack_problem(source, ref)
        if problem:
            result.problems.append(f"{where}: {problem}")


def _pack_problem(source, ref: PackRef) -> str | None:
    try:
        decode_pack(source.read_node(ref.pin.sha256, ref.pin.size), ref)
    except NotOnSource:
        return None  # optional: clients fetch its nodes one by one
    except RepositoryError as exc:
        return str(exc)
    return None


def _node(source, pin: Pin, node_type: str, where: str, result: VerifyResult) -> dict | None:
    try:
        return decode_node(source.read_node(pin.sha256, pin.size), pin, node_type)
    except RepositoryError as exc:
        result.problems.append(f"{where}: {exc}")
        return None


def _children(source, pin, node_type, where, result):
    return _index(_node(source, pin, node_type, where, result), where, result)


def _index(node: dict | None, where: str, result: VerifyResult) -> list:
    """A node's children, sorted by key (none if the node could not be read or is malformed)."""
    if node is None:
        return []
    try:
        return sorted(index_children(node).items())
    except RepositoryError as exc:
        result.problems.append(f"{where}: {exc}")
        return []


def _blob_problem(source, sha256: str, size: int) -> str | None:
    digest, seen = hashlib.sha256(), 0
    try:
        for chunk in source.iter_blob(sha256, size):
            digest.update(chunk)
            seen += len(chunk)
    except RepositoryError as exc:
        return str(exc)
    if seen != size:
        return f"size is {'more' if seen > size else seen} bytes, not {size} as declared"
    if digest.hexdigest() != sha256:
        return "content does not match its SHA-256 (tampered or damaged)"
    return None
