"""The TeachPoint repository format (see docs/repository-format.md): encoding and validation.

A repository is a folder of static files::

    root.json                    the signed root: the only file that ever changes
    meta/<sha256>.json.gz        metadata nodes, named by the SHA-256 of their (gzip) bytes
                                 (and optional packs of nodes: teachpoint.repo.packs)
    blobs/sha256/<ab>/<sha256>   content files, named by the SHA-256 of their bytes

The root pins one node per grade; a grade node pins one node per subject; a subject node pins
one leaf per (edition, volume, unit); a leaf lists resources. Every pin carries SHA-256 and size,
so the signature on the root covers the whole tree (no mix-and-match), and a client fetches only
nodes whose hash it does not already hold.

Everything read from a repository is untrusted: every read is bounded by a declared size,
decompression is bounded, and every value is checked for type and range before use.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import zlib
from dataclasses import dataclass

from teachpoint.errors import RepositoryError, UnsafePath
from teachpoint.library.model import (
    FILE_ROLES, KINDS, FileRef, Origin, Position, Resource, ReviewDecision)

FORMAT = 1
ROOT_NAME = "root.json"
ROOT_TYPE = "teachpoint-root"
MAX_ROOT_BYTES = 1 << 20  # a root is a few KB; 1 MiB is absurd already
MAX_NODE_BYTES = 16 << 20  # compressed
MAX_NODE_INFLATED = 64 << 20  # decompressed: a bound against decompression bombs
MAX_BLOB_BYTES = 1 << 40  # 1 TiB: anything larger is a lie
MAX_TEXT = 4000
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
REPO_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
RID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")  # control characters other than tab and newline


@dataclass(frozen=True)
class Pin:
    """A reference to an immutable file: its SHA-256 and exact size."""

    sha256: str
    size: int

    def to_json(self) -> dict:
        return {"sha256": self.sha256, "size": self.size}


def meta_path(sha256: str) -> str:
    """Relative path of a metadata node inside a repository."""
    return f"meta/{check_sha(sha256)}.json.gz"


def blob_path(sha256: str) -> str:
    """Relative path of a content blob inside a repository."""
    sha = check_sha(sha256)
    return f"blobs/sha256/{sha[:2]}/{sha}"


def check_sha(value) -> str:
    if not isinstance(value, str) or not SHA_RE.match(value):
        raise UnsafePath(f"not a SHA-256 name: {str(value)[:80]!r}")
    return value


def check_size(value, limit: int = MAX_BLOB_BYTES) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise RepositoryError(f"absurd size {str(value)[:40]!r} (limit {limit})")
    return value


def parse_pin(value) -> Pin:
    if not isinstance(value, dict):
        raise RepositoryError("malformed pin")
    return Pin(check_sha(value.get("sha256")), check_size(value.get("size"), MAX_NODE_BYTES))


# ---- nodes --------------------------------------------------------------------------------------


def encode_node(obj: dict) -> bytes:
    """Deterministic bytes of a node: equal content gives an equal hash across publishes."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def decode_node(data: bytes, pin: Pin, expected_type: str) -> dict:
    """Check ``data`` against its pin, inflate it with a bound, parse and type-check it."""
    if len(data) != pin.size or hashlib.sha256(data).hexdigest() != pin.sha256:
        raise RepositoryError(f"metadata node {pin.sha256[:12]}… does not match its pin (tampered?)")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        raw = inflater.decompress(data, MAX_NODE_INFLATED)
        if inflater.unconsumed_tail:
            raise RepositoryError(
                f"metadata node {pin.sha256[:12]}… inflates past {MAX_NODE_INFLATED >> 20} MiB")
        obj = json.loads(raw.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise RepositoryError(f"metadata node {pin.sha256[:12]}… is malformed: {exc}") from exc
    if not isinstance(obj, dict) or obj.get("_type") != expected_type:
        raise RepositoryError(f"metadata node {pin.sha256[:12]}… is not a {expected_type} node")
    return obj


def index_children(node: dict) -> dict[str, Pin]:
    children = node.get("children")
    if not isinstance(children, dict) or len(children) > 100_000:
        raise RepositoryError("malformed index node")
    return {_text(k, "child key", 400): parse_pin(v) for k, v in children.items()}


def leaf_resources(node: dict) -> list[Resource]:
    items = node.get("resources")
    if not isinstance(items, list) or len(items) > 200_000:
        raise RepositoryError("malformed leaf node")
    return [resource_from_json(r) for r in items]


CONTRIB_PREFIX = "contrib-"  # a school PC's own lessons: repository contrib-<pc_id> (issue 15)
REVIEWS = "reviews"  # the node type of the county's signed review decisions (issue 15)
DECISIONS = ("accepted", "rejected")
MAX_DECISIONS = 200_000


def reviews_node(decisions: list[ReviewDecision]) -> dict:
    """The node listing review decisions (sorted, so an unchanged list keeps its hash)."""
    items = []
    for d in sorted(decisions, key=lambda d: (d.pc, d.contribution)):
        item = {"pc": d.pc, "contribution": d.contribution, "decision": d.decision, "at": d.at}
        if d.reason:
            item["reason"] = d.reason
        if d.resource:
            item["resource"] = d.resource
        items.append(item)
    return {"_type": REVIEWS, "decisions": items}


def review_decisions(node: dict) -> list[ReviewDecision]:
    """The checked decisions of a reviews node."""
    items = node.get("decisions")
    if not isinstance(items, list) or len(items) > MAX_DECISIONS:
        raise RepositoryError("malformed reviews node")
    out = []
    for item in items:
        if not isinstance(item, dict) or item.get("decision") not in DECISIONS:
            raise RepositoryError("malformed review decision")
        contribution, resource = item.get("contribution"), item.get("resource", "")
        if not isinstance(contribution, str) or not RID_RE.match(contribution) or not (
                resource == "" or isinstance(resource, str) and RID_RE.match(resource)):
            raise RepositoryError("malformed review decision id")
        out.append(ReviewDecision(
            _text(item.get("pc"), "review pc", 64), contribution, item["decision"],
            _text(item.get("at"), "review time", 40), _text(item.get("reason", ""), "review reason", MAX_TEXT),
            resource))
    return out


# ---- resources ----------------------------------------------------------------------------------


def resource_to_json(res: Resource) -> dict:
    p = res.position
    out = {
        "id": res.rid, "kind": res.kind, "title": res.title,
        "grade": p.grade, "subject": p.subject, "edition": p.edition, "volume": p.volume,
        "unit": p.unit, "lesson": p.lesson,
        "files": [
            {"role": f.role, "sha256": f.sha256, "size": f.size, "type": f.media_type,
             "lang": f.language, "name": f.name}
            for f in res.files
        ],
    }
    if res.description:
        out["description"] = res.description
    if res.keywords:
        out["keywords"] = list(res.keywords)
    if res.duration is not None:
        out["duration"] = round(float(res.duration), 3)
    if res.language != "zh":
        out["language"] = res.language
    if res.sort_key:
        out["sort"] = res.sort_key
    if res.origin is not None:
        out["origin"] = origin_to_json(res.origin)
    return out


def origin_to_json(origin: Origin) -> dict:
    """``{"pc", "contribution"[, "teacher"]}`` of a resource that came from a contribution."""
    out = {"pc": origin.pc, "contribution": origin.contribution}
    if origin.teacher:
        out["teacher"] = origin.teacher
    return out


def origin_from_json(value, rid: str) -> Origin | None:
    """The checked origin of a resource (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RepositoryError(f"resource {rid}: malformed origin")
    pc = _text(value.get("pc"), "origin pc", 64)
    contribution = value.get("contribution")
    if not isinstance(contribution, str) or not RID_RE.match(contribution):
        raise RepositoryError(f"resource {rid}: malformed origin contribution")
    return Origin(pc, contribution, _text(value.get("teacher", ""), "origin teacher", 80))


def resource_from_json(obj) -> Resource:
    """Build a :class:`Resource` from untrusted JSON, checking every field.

    Called once per resource of a leaf (100,000 times in a first install): the text fields are
    checked together (:func:`_checked_texts`), and an equal position is built once.
    """
    if not isinstance(obj, dict):
        raise RepositoryError("malformed resource entry")
    rid = obj.get("id")
    if not isinstance(rid, str) or not RID_RE.match(rid):
        raise RepositoryError(f"malformed resource id {str(rid)[:80]!r}")
    kind = obj.get("kind")
    if kind not in KINDS:
        raise RepositoryError(f"resource {rid}: unknown kind {str(kind)[:20]!r}")
    grade = obj.get("grade")
    if type(grade) is not int or not 1 <= grade <= 12:  # type(): a bool is not a grade
        raise RepositoryError(f"resource {rid}: bad grade {str(grade)[:20]!r}")
    lesson = obj.get("lesson", 0)
    if type(lesson) is not int or not 0 <= lesson <= 100_000:
        raise RepositoryError(f"resource {rid}: bad lesson number")
    duration = obj.get("duration")
    if duration is not None and (type(duration) not in (int, float) or not 0 <= duration < 1e7):
        raise RepositoryError(f"resource {rid}: bad duration")
    files = obj.get("files")
    if not isinstance(files, list) or not 1 <= len(files) <= 64:
        raise RepositoryError(f"resource {rid}: bad file list")
    keywords = obj.get("keywords", [])
    if not isinstance(keywords, list) or len(keywords) > 100:
        raise RepositoryError(f"resource {rid}: bad keywords")
    sort_key = obj.get("sort", 0)
    if type(sort_key) is not int:
        raise RepositoryError(f"resource {rid}: bad sort key")
    title, subject, edition, volume, unit, description, language = _checked_texts(
        [obj.get(key, default) for key, default, _, _ in _RESOURCE_TEXTS], _RESOURCE_TEXTS)
    keywords = _checked_texts(keywords, [_KEYWORD] * len(keywords))
    return Resource(
        rid=rid, kind=kind, title=title,
        position=_position(grade, subject, edition, volume, unit, lesson),
        files=tuple(_file_from_json(rid, f) for f in files),
        description=description, keywords=tuple(keywords),
        duration=float(duration) if duration is not None else None,
        language=language, sort_key=sort_key,
        origin=origin_from_json(obj.get("origin"), rid),
    )


# The text fields of a resource and of a file entry: (key, default, what, longest).
_RESOURCE_TEXTS = (("title", None, "title", 400), ("subject", None, "subject", 40),
                   ("edition", "", "edition", 80), ("volume", "", "volume", 80),
                   ("unit", "", "unit", 200), ("description", "", "description", MAX_TEXT),
                   ("language", "zh", "language", 16))
_KEYWORD = ("", "", "keyword", 80)
_FILE_TEXTS = (("name", "", "file name", 255), ("type", "application/octet-stream", "media type", 100),
               ("lang", "", "language", 16))


def _checked_texts(values: list, fields) -> list[str]:
    """``values`` checked as :func:`_text` checks each (``fields`` give what and the limit), with
    one search for control characters over all of them; the error names the first bad field."""
    for value, field in zip(values, fields):
        if type(value) is not str or len(value) > field[3]:
            break
    else:
        if not _CONTROL.search("".join(values)):
            return values
    return [_text(value, field[2], field[3]) for value, field in zip(values, fields)]


@functools.lru_cache(maxsize=4096)
def _position(grade: int, subject: str, edition: str, volume: str, unit: str, lesson: int) -> Position:
    """A checked curriculum position; the resources of one lesson share one object."""
    return Position(grade, subject, edition, volume, unit, lesson)


def _file_from_json(rid: str, f) -> FileRef:
    if not isinstance(f, dict) or f.get("role") not in FILE_ROLES:
        raise RepositoryError(f"resource {rid}: malformed file entry")
    name, media_type, language = _checked_texts(
        [f.get(key, default) for key, default, _, _ in _FILE_TEXTS], _FILE_TEXTS)
    if "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        raise UnsafePath(f"resource {rid}: file name {name!r} is not a plain name")
    return FileRef(role=f["role"], sha256=check_sha(f.get("sha256")), size=check_size(f.get("size")),
                   media_type=media_type, language=language, name=name)


def _text(value, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise RepositoryError(f"{what} is not text")
    if len(value) > limit or _CONTROL.search(value):
        raise RepositoryError(f"{what} is too long or has control characters")
    return value
