"""Checking a stick: does a folder carry repositories, and who signed them (nothing changes).

A stick is a repository folder (``root.json`` at its top) or a collection (``teachpoint.json`` and
one folder per repository); see docs/repository-format.md. :func:`check_stick_folder` explains
what is wrong with a folder that is neither; :func:`verify_root` explains a root signed by a key
this PC does not trust (which key, and the ``teachpoint trust add`` command for it). Used by
:mod:`teachpoint.sneakernet.stick` (import, which re-exports everything public here) and
:mod:`teachpoint.sneakernet.stick_offer` (inspection). Nothing here imports Qt.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from teachpoint.errors import RepositoryError, SignatureError
from teachpoint.repo.keys import load_public_key
from teachpoint.repo.format import ROOT_NAME
from teachpoint.repo.root import parse_root
from teachpoint.transport.sources import COLLECTION_NAME, FolderSource, expand_sources

INVENTORY_DIRS = ("_inventories", "inventories")  # see teachpoint.sneakernet.inventory.FOLDER
MAX_LISTED = 1000  # entries looked at when listing a folder on a stick (inventories, .pub files)
_KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class NotAStick(RepositoryError):
    """The folder holds no TeachPoint repository or collection."""


class UntrustedStick(SignatureError):
    """The stick's repository is signed by a key this PC does not trust (for it)."""


# ---- finding the repositories on a stick -----------------------------------------------------------


def check_stick_folder(folder: Path) -> Path:
    """Return ``folder`` if it carries a repository or collection; else raise a clear error."""
    folder = Path(folder)
    if not folder.exists():
        raise NotAStick(f"{folder} does not exist (is the stick inserted and mounted?)")
    if not folder.is_dir():
        raise NotAStick(f"{folder} is a file, not a folder: give the folder that holds "
                        f"{ROOT_NAME} or {COLLECTION_NAME}")
    if (folder / ROOT_NAME).is_file() or (folder / COLLECTION_NAME).is_file():
        return folder
    entries = _listing(folder)
    if not entries:
        raise NotAStick(f"{folder} is empty: not a TeachPoint repository or stick "
                        f"(no {ROOT_NAME} or {COLLECTION_NAME})")
    if list_inventories(folder):
        raise NotAStick(f"{folder} carries inventories of other PCs but no lessons: on a "
                        "connected PC, 'teachpoint export --for' fills it with what they need")
    hint = ""
    for entry in entries:  # a stick's repository one level down: say where it is
        try:
            if entry.is_dir() and not entry.is_symlink() and (
                    (entry / ROOT_NAME).is_file() or (entry / COLLECTION_NAME).is_file()):
                hint = f"; did you mean {entry}?"
                break
        except OSError:
            continue
    raise NotAStick(f"{folder} is not a TeachPoint repository or stick "
                    f"(no {ROOT_NAME} or {COLLECTION_NAME} in it){hint}")


def stick_sources(folder: Path) -> list[FolderSource]:
    """The repository sources on a stick (one, or each repository of a collection)."""
    return expand_sources(str(check_stick_folder(folder)))


def list_inventories(folder: Path) -> list[str]:
    """The inventory files of other PCs a stick carries, as relative paths, sorted.

    ``_inventories/`` is where :mod:`teachpoint.sneakernet.inventory` writes them; ``inventories/`` is
    accepted too. Only listed here, never read.
    """
    return sorted(f"{p.parent.name}/{p.name}" for sub in INVENTORY_DIRS
                  for p in _listing(Path(folder) / sub)
                  if p.suffix == ".json" and p.is_file() and not p.is_symlink())


def _listing(folder: Path) -> list[Path]:
    out = []
    try:
        for n, entry in enumerate(folder.iterdir()):
            if n >= MAX_LISTED:
                break
            out.append(entry)
    except OSError:
        return []
    return sorted(out)


# ---- trust -------------------------------------------------------------------------------------------


def verify_root(ws, source: FolderSource, data: bytes, where: str = "the stick's"):
    """:func:`parse_root`, with an untrusted key explained: which key, and how to trust it."""
    try:
        return parse_root(data, ws.trust)
    except SignatureError as exc:
        claim = peek_root(data)
        key_id, repo = claim.get("key_id"), claim.get("repository")
        if not isinstance(key_id, str) or not isinstance(repo, str) or ws.trust.allows(key_id, repo):
            raise  # a bad signature by a trusted key: tampered, nothing to explain
        raise UntrustedStick(untrusted_message(ws, source, claim, where)) from exc


def peek_root(data: bytes) -> dict:
    """The *unverified* payload of a root (for messages only), or {} if it does not parse."""
    try:
        payload = json.loads(json.loads(data.decode("utf-8"))["payload"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def untrusted_message(ws, source: FolderSource, claim: dict, where: str = "the stick's") -> str:
    key_id = _safe(claim.get("key_id"), 32)
    repo, title = _safe(claim.get("repository"), 64), _safe(claim.get("title"), 60)
    named = f"{repo!r}" + (f" ({title})" if title else "")
    pub = find_key_file(source.folder, key_id)
    trusted_elsewhere = ws.trust.get(key_id) is not None if _KEY_ID_RE.match(key_id) else False
    why = ("which this PC trusts only for other repositories" if trusted_elsewhere
           else "which this PC does not trust")
    how = (f"teachpoint trust add {pub}" if pub else "teachpoint trust add PUBLISHER.pub "
           "(the publisher's key file)")
    return (f"{where} repository {named} is signed by key {key_id}, {why}; nothing was "
            f"installed. If the publisher confirms fingerprint {key_id}, trust it with: {how}")


def find_key_file(folder: Path, key_id: str) -> Path | None:
    """A ``.pub`` on the stick (top, ``keys/``, or the collection's top) holding ``key_id``."""
    if not _KEY_ID_RE.match(key_id or ""):
        return None
    for place in (folder, folder / "keys", folder.parent, folder.parent / "keys"):
        for path in _listing(place):
            if path.suffix != ".pub" or not path.is_file() or path.is_symlink():
                continue
            try:
                if load_public_key(path).key_id == key_id:
                    return path
            except Exception:  # noqa: BLE001 - a junk .pub on a stick is just junk
                continue
    return None


def _safe(value, limit: int) -> str:
    return _CONTROL_RE.sub("", value)[:limit] if isinstance(value, str) else ""

