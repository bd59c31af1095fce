"""The signed root of a repository: building, signing, and the checks a client makes.

``root.json`` is an envelope ``{"payload": "<JSON text>", "signatures": [{"key_id", "sig"}]}``;
the Ed25519 signature covers the UTF-8 bytes of the payload string exactly as stored, so no
canonical re-encoding is needed to verify it. The payload names the repository, its version (a
counter that only goes up), publication and expiry times, the signing key and one pin per grade;
optionally the pins of small grades' packs (:mod:`teachpoint.repo.packs`, grade packs).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from teachpoint.errors import RepositoryError, RollbackError, SignatureError
from teachpoint.library.model import RepositoryInfo
from teachpoint.repo import keys
from teachpoint.repo.format import (
    FORMAT, MAX_ROOT_BYTES, REPO_ID_RE, ROOT_TYPE, Pin, _text, parse_pin)
from teachpoint.repo.packs import PackRef, parse_pack_list


@dataclass(frozen=True)
class SignedRoot:
    """A root whose signature checked out against a trusted key."""

    repository: str
    title: str
    version: int
    published: str
    expires: str
    key_id: str
    grades: dict[int, Pin]
    totals: dict
    sha256: str  # of the root.json bytes
    raw: bytes
    reviews: Pin | None = None  # the county's signed review decisions (issue 15), if any
    grade_packs: dict[int, PackRef] = field(default_factory=dict)  # small grades' whole subtrees

    def info(self, source: str = "") -> RepositoryInfo:
        return RepositoryInfo(self.repository, self.title, self.key_id, self.version, self.sha256,
                              self.published, self.expires, source)

    def expired_days(self) -> float:
        """How many days ago the metadata expired (<= 0 while still fresh)."""
        return days_since(self.expires)


def build_root(private_key, key_id: str, repository: str, title: str, version: int,
               published: datetime, expires: datetime, grades: dict[int, Pin], totals: dict,
               reviews: Pin | None = None, grade_packs: dict[int, PackRef] | None = None) -> bytes:
    """The bytes of a signed ``root.json`` (``reviews``: pin of the review decisions node;
    ``grade_packs``: the packs of small grades, by grade)."""
    payload = {
        "_type": ROOT_TYPE, "format": FORMAT, "repository": repository, "title": title,
        "version": version, "published": iso(published), "expires": iso(expires),
        "key_id": key_id, "grades": {str(g): p.to_json() for g, p in sorted(grades.items())},
        "totals": totals,
    }
    if reviews is not None:
        payload["reviews"] = reviews.to_json()
    if grade_packs:
        payload["packs"] = {str(g): ref.to_json() for g, ref in sorted(grade_packs.items())}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1)
    envelope = {"payload": text, "signatures": [
        {"key_id": key_id, "sig": keys.sign(private_key, text.encode("utf-8"))}]}
    return (json.dumps(envelope, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def parse_root(data: bytes, trust) -> SignedRoot:
    """Check a root's envelope and signature against the trust store; return its content.

    ``trust`` is a :class:`teachpoint.repo.trust.TrustStore` (anything with ``get(key_id)`` and
    ``allows(key_id, repository)``). Raises :class:`SignatureError` for an untrusted key or a bad
    signature and :class:`RepositoryError` for anything malformed.
    """
    if len(data) > MAX_ROOT_BYTES:
        raise RepositoryError(f"root.json is {len(data)} bytes; the limit is {MAX_ROOT_BYTES}")
    try:
        envelope = json.loads(data.decode("utf-8"))
        text = envelope["payload"]
        sigs = envelope["signatures"]
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise RepositoryError(f"root.json is not a TeachPoint root ({exc.__class__.__name__})") from exc
    if not isinstance(payload, dict) or payload.get("_type") != ROOT_TYPE:
        raise RepositoryError("root.json is not a TeachPoint root")
    if payload.get("format") != FORMAT:
        raise RepositoryError(f"repository format {payload.get('format')!r} is not supported "
                              f"(this TeachPoint reads format {FORMAT}); update TeachPoint")
    repository = payload.get("repository")
    if not isinstance(repository, str) or not REPO_ID_RE.match(repository):
        raise RepositoryError(f"bad repository name {str(repository)[:80]!r}")
    key_id = payload.get("key_id")
    public = trust.get(key_id) if isinstance(key_id, str) else None
    if public is None or not trust.allows(key_id, repository):
        raise SignatureError(
            f"repository {repository!r} is signed by key {str(key_id)[:32]}, which this PC does "
            f"not trust (add the publisher's .pub with 'teachpoint trust add')")
    if not isinstance(sigs, list) or not any(
            isinstance(s, dict) and s.get("key_id") == key_id for s in sigs):
        raise SignatureError(f"root.json of {repository!r} carries no signature by its key")
    sig = next(s for s in sigs if isinstance(s, dict) and s.get("key_id") == key_id)
    keys.verify_signature(public, text.encode("utf-8"), sig.get("sig"))
    return _content(payload, data)


def _content(payload: dict, data: bytes) -> SignedRoot:
    version = payload.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**53:
        raise RepositoryError("bad root version")
    grades_raw = payload.get("grades")
    if not isinstance(grades_raw, dict) or len(grades_raw) > 12:
        raise RepositoryError("bad grade list in root")
    grades = {}
    for g, pin in grades_raw.items():
        if not (isinstance(g, str) and g.isdigit() and 1 <= int(g) <= 12):
            raise RepositoryError(f"bad grade {g[:8]!r} in root")
        grades[int(g)] = parse_pin(pin)
    published, expires = payload.get("published"), payload.get("expires")
    parse_time(published), parse_time(expires)
    totals = payload.get("totals") if isinstance(payload.get("totals"), dict) else {}
    reviews = parse_pin(payload["reviews"]) if payload.get("reviews") is not None else None
    return SignedRoot(
        repository=payload["repository"], title=_text(payload.get("title", ""), "title", 200),
        version=version, published=published, expires=expires, key_id=payload["key_id"],
        grades=grades, totals=totals, sha256=hashlib.sha256(data).hexdigest(), raw=data,
        reviews=reviews, grade_packs=_grade_packs(payload.get("packs", {}), grades))


def _grade_packs(raw, grades: dict[int, Pin]) -> dict[int, PackRef]:
    """The root's grade packs, each of a grade the root pins (a root from before grade packs has
    none)."""
    packs, pinned = parse_pack_list(raw, "root.json"), {str(g) for g in grades}
    if any(name not in pinned for name in packs):
        raise RepositoryError("root.json pins a pack of a grade it does not have")
    return {int(name): ref for name, ref in packs.items()}


# How an offered root relates to the one this PC accepted for the same repository.
NEW, NEWER, SAME, OLDER, CONFLICT = "new", "newer", "same", "older", "conflict"


def classify(root: SignedRoot, accepted: RepositoryInfo | None) -> str:
    """:data:`NEW` (never accepted), :data:`NEWER`, :data:`SAME`, :data:`OLDER` or :data:`CONFLICT`.

    CONFLICT is the same version number with other content: a publisher's mistake or an attack;
    it is never accepted. Every transport decides by this one function.
    """
    if accepted is None:
        return NEW
    if root.version > accepted.version:
        return NEWER
    if root.version < accepted.version:
        return OLDER
    return SAME if root.sha256 == accepted.root_sha256 else CONFLICT


def conflict_error(root: SignedRoot) -> RollbackError:
    """The error for a :data:`CONFLICT` root."""
    return RollbackError(
        f"repository {root.repository!r} offers a different version {root.version} than the one "
        f"installed (same number, other content); refusing it")


def days_since(timestamp: str) -> float:
    """Days from an ISO 8601 timestamp until now (negative for the future)."""
    return (datetime.now(timezone.utc) - parse_time(timestamp)).total_seconds() / 86400


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(value) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise RepositoryError("bad timestamp in root")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise RepositoryError(f"bad timestamp {value!r} in root") from exc
    if moment.tzinfo is None:
        raise RepositoryError(f"timestamp {value!r} has no time zone")
    return moment
