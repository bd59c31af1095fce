"""A PC's inventory: what it holds and what it wants, carried on a stick to a connected PC.

The offline PC writes a small JSON file (``teachpoint inventory --to STICK``); the connected PC
reads it and exports exactly the gap (:mod:`teachpoint.sneakernet.export`). Format 1::

    {"_type": "teachpoint-inventory", "format": 1,
     "pc": {"id": "<uuid4, kept in the setting 'pc_id'>", "name": "<hostname>"},
     "created": "2026-05-01T08:00:00Z",
     "repositories": {"<repo>": {"version": 7, "root_sha256": "<hex>"}},
     "subscriptions": {"grades": [3], "subjects": ["音乐"]},      (empty lists = everything)
     "blobs": {"encoding": "sha256-prefix8-sorted-base64", "count": N, "data": "<base64>"},
     "reports": []}

``blobs`` holds the first 8 bytes (16 hex digits) of the SHA-256 of every verified blob, sorted
and concatenated, in base64: 10.7 bytes a blob, about 1.07 MB for 100,000 blobs (a JSON list of
16-hex prefixes is 1.9 MB, the full hashes 6.8 MB; gzip gains nothing on random prefixes beyond
what the binary packing already saves). A 64-bit prefix makes a false "already held" practically
impossible (~n²/2⁶⁴), and a false match would only leave a file off the stick, never install a
wrong one: the importer verifies every file by its full hash.

``reports`` is reserved for the usage report the same stick carries back (a list of objects); a
reader ignores fields it does not know, so adding them later keeps format 1. On a stick an
inventory lives at ``_inventories/<pc-id>.json``: the leading underscore keeps that folder from
ever colliding with a repository folder (repository names start with a letter or digit).

An inventory read from a stick is untrusted input: its size is bounded, every field is checked,
and every problem is an :class:`InventoryError` with a one-line message.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import StoreError, TeachPointError
from teachpoint.fsutil import atomic_write
from teachpoint.library.catalogue import now_iso
from teachpoint.repo.format import REPO_ID_RE, SHA_RE
from teachpoint.sync.schedule import Subscriptions

INVENTORY_TYPE = "teachpoint-inventory"
FORMAT = 1
FOLDER = "_inventories"
SETTING_PC_ID = "pc_id"
BLOB_ENCODING = "sha256-prefix8-sorted-base64"
PREFIX_BYTES = 8
MAX_INVENTORY_BYTES = 32 << 20  # ~3 million blobs; a real one is a few MB at most
MAX_BLOBS = 3_000_000
MAX_REPOSITORIES = 1000
_PC_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class InventoryError(TeachPointError):
    """An inventory file is missing, too big or malformed."""


@dataclass
class Inventory:
    pc_id: str
    pc_name: str
    created: str
    repositories: dict[str, tuple[int, str]]  # repo → (version, root sha256)
    subscriptions: Subscriptions
    prefixes: list[bytes] = field(default_factory=list)  # sorted 8-byte prefixes
    reports: list = field(default_factory=list)
    path: str = ""

    def holds(self, sha256: str) -> bool:
        """True if the PC holds a blob with this hash (by its 64-bit prefix)."""
        key = bytes.fromhex(sha256[: PREFIX_BYTES * 2])
        i = bisect.bisect_left(self.prefixes, key)
        return i < len(self.prefixes) and self.prefixes[i] == key

    @property
    def blob_count(self) -> int:
        return len(self.prefixes)


# ---- writing ----------------------------------------------------------------------------------


def pc_id(ws) -> str:
    """This PC's id (a uuid4 made once and kept in the settings)."""
    value = ws.setting(SETTING_PC_ID)
    if value and _PC_ID_RE.match(value):
        return value
    value = str(uuid.uuid4())
    ws.set_setting(SETTING_PC_ID, value)
    return value


def encode_blobs(shas) -> dict:
    prefixes = sorted({bytes.fromhex(s[: PREFIX_BYTES * 2]) for s in shas})
    return {"encoding": BLOB_ENCODING, "count": len(prefixes),
            "data": base64.b64encode(b"".join(prefixes)).decode("ascii")}


def make_inventory(ws) -> dict:
    """The inventory of a workspace as a JSON-ready dict."""
    from teachpoint.sync.schedule import load_subscriptions

    held = set(ws.catalogue.present_blobs())  # verified and not known damaged
    return {
        "_type": INVENTORY_TYPE, "format": FORMAT,
        "pc": {"id": pc_id(ws), "name": socket.gethostname()[:100]},
        "created": now_iso(),
        "repositories": {r.id: {"version": r.version, "root_sha256": r.root_sha256}
                         for r in ws.catalogue.repositories()},
        "subscriptions": load_subscriptions(ws).to_json(),
        "blobs": encode_blobs(held),
        "reports": [],
    }


def write_inventory(ws, to: Path) -> Path:
    """Write the inventory to ``to``: a folder (→ ``to/_inventories/<pc-id>.json``) or a file path."""
    to = Path(to)
    obj = make_inventory(ws)
    target = to / FOLDER / f"{obj['pc']['id']}.json" if to.is_dir() else to
    data = (json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    try:
        atomic_write(target, data)
    except OSError as exc:
        raise StoreError(f"cannot write the inventory to {target}: {exc.strerror or exc}") from exc
    return target


# ---- reading (untrusted) ------------------------------------------------------------------------


def find_inventories(location: Path) -> list[Path]:
    """Inventory files at ``location``: the file itself, or every one a stick folder carries."""
    location = Path(location)
    if location.is_dir():
        folder = location / FOLDER if (location / FOLDER).is_dir() else location
        found = sorted(p for p in folder.glob("*.json") if p.is_file() and not p.is_symlink())
        if not found:
            raise InventoryError(f"no inventory in {location} (expected {FOLDER}/<pc-id>.json)")
        return found
    return [location]


def read_inventory(path: Path) -> Inventory:
    """Read and check an inventory file; raises :class:`InventoryError` for anything wrong."""
    path = Path(path)
    try:
        if path.is_symlink() or not path.is_file():
            raise InventoryError(f"{path} is not an inventory file")
        with open(path, "rb") as fh:
            data = fh.read(MAX_INVENTORY_BYTES + 1)
    except OSError as exc:
        raise InventoryError(f"cannot read the inventory {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_INVENTORY_BYTES:
        raise InventoryError(f"{path.name} is larger than the {MAX_INVENTORY_BYTES >> 20} MiB an "
                             "inventory may be")
    inv = parse_inventory(data, path.name)
    inv.path = str(path)
    return inv


def parse_inventory(data: bytes, name: str = "inventory") -> Inventory:
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InventoryError(f"{name} is not an inventory (not JSON)") from exc
    if not isinstance(obj, dict) or obj.get("_type") != INVENTORY_TYPE:
        raise InventoryError(f"{name} is not a TeachPoint inventory")
    if obj.get("format") != FORMAT:
        raise InventoryError(f"{name} has inventory format {str(obj.get('format'))[:20]}; this "
                             f"TeachPoint reads format {FORMAT} (update TeachPoint)")
    pc = obj.get("pc")
    if not isinstance(pc, dict) or not isinstance(pc.get("id"), str) or not _PC_ID_RE.match(pc["id"]):
        raise InventoryError(f"{name}: bad or missing PC id")
    pc_name = pc.get("name", "")
    if not isinstance(pc_name, str) or len(pc_name) > 100:
        raise InventoryError(f"{name}: bad PC name")
    created = obj.get("created", "")
    if not isinstance(created, str) or len(created) > 40:
        raise InventoryError(f"{name}: bad creation time")
    return Inventory(
        pc_id=pc["id"], pc_name="".join(c for c in pc_name if c.isprintable()), created=created,
        repositories=_repositories(obj.get("repositories"), name),
        subscriptions=_subscriptions(obj.get("subscriptions"), name),
        prefixes=_blobs(obj.get("blobs"), name),
        reports=obj.get("reports") if isinstance(obj.get("reports"), list) else [])


def _repositories(value, name: str) -> dict[str, tuple[int, str]]:
    if not isinstance(value, dict) or len(value) > MAX_REPOSITORIES:
        raise InventoryError(f"{name}: bad repository list")
    out = {}
    for repo, entry in value.items():
        if not isinstance(repo, str) or not REPO_ID_RE.match(repo):
            raise InventoryError(f"{name}: bad repository name {str(repo)[:80]!r}")
        if not isinstance(entry, dict):
            raise InventoryError(f"{name}: bad entry for repository {repo}")
        version, sha = entry.get("version"), entry.get("root_sha256")
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**53:
            raise InventoryError(f"{name}: bad version for repository {repo}")
        if not isinstance(sha, str) or not SHA_RE.match(sha):
            raise InventoryError(f"{name}: bad root hash for repository {repo}")
        out[repo] = (version, sha)
    return out


def _subscriptions(value, name: str) -> Subscriptions:
    if value is None:
        return Subscriptions()
    if not isinstance(value, dict):
        raise InventoryError(f"{name}: bad subscriptions")
    grades, subjects = value.get("grades", []), value.get("subjects", [])
    if not (isinstance(grades, list) and isinstance(subjects, list)
            and len(grades) <= 12 and len(subjects) <= 100
            and all((isinstance(g, int) and not isinstance(g, bool)) or (isinstance(g, str) and len(g) <= 20)
                    for g in grades)
            and all(isinstance(s, str) and len(s) <= 40 for s in subjects)):
        raise InventoryError(f"{name}: bad subscriptions")
    try:
        return Subscriptions.from_values(grades, subjects)
    except TeachPointError as exc:
        raise InventoryError(f"{name}: bad subscriptions: {exc}") from exc


def _blobs(value, name: str) -> list[bytes]:
    if not isinstance(value, dict) or value.get("encoding") != BLOB_ENCODING:
        raise InventoryError(f"{name}: bad blob list (expected encoding {BLOB_ENCODING})")
    count, data = value.get("count"), value.get("data")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_BLOBS \
            or not isinstance(data, str):
        raise InventoryError(f"{name}: bad blob list")
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise InventoryError(f"{name}: blob list is not base64") from exc
    if len(raw) != count * PREFIX_BYTES:
        raise InventoryError(f"{name}: blob list has {len(raw)} bytes, not {count} × {PREFIX_BYTES}")
    prefixes = [raw[i:i + PREFIX_BYTES] for i in range(0, len(raw), PREFIX_BYTES)]
    if any(a >= b for a, b in zip(prefixes, prefixes[1:])):
        raise InventoryError(f"{name}: blob list is not sorted")
    return prefixes
