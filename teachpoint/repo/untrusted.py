"""Explaining a root signed by a key this PC does not trust: which key, and how to trust it.

Used by the import pipeline for every transport and by the stick inspection. Nothing here trusts
anything: :func:`peek_payload` reads an *unverified* claim, for messages only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from teachpoint.repo.keys import load_public_key

MAX_LISTED = 1000  # entries looked at when listing a folder for .pub files
_KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def peek_payload(data: bytes) -> dict:
    """The *unverified* payload of a root (for messages only), or {} if it does not parse."""
    try:
        payload = json.loads(json.loads(data.decode("utf-8"))["payload"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def safe_text(value, limit: int) -> str:
    """A claimed string without control characters, cut to ``limit`` ("" if not a string)."""
    return _CONTROL_RE.sub("", value)[:limit] if isinstance(value, str) else ""


def untrusted_message(trust, claim: dict, where: str, key_folder: Path | None = None) -> str:
    """The sentence for a root signed by an untrusted key; names a .pub found beside it."""
    key_id = safe_text(claim.get("key_id"), 32)
    repo, title = safe_text(claim.get("repository"), 64), safe_text(claim.get("title"), 60)
    named = f"{repo!r}" + (f" ({title})" if title else "")
    pub = find_key_file(key_folder, key_id) if key_folder is not None else None
    trusted_elsewhere = trust.get(key_id) is not None if _KEY_ID_RE.match(key_id) else False
    why = ("which this PC trusts only for other repositories" if trusted_elsewhere
           else "which this PC does not trust")
    how = (f"teachpoint trust add {pub}" if pub else "teachpoint trust add PUBLISHER.pub "
           "(the publisher's key file)")
    return (f"{where} repository {named} is signed by key {key_id}, {why}; nothing was "
            f"installed. If the publisher confirms fingerprint {key_id}, trust it with: {how}")


def find_key_file(folder: Path, key_id: str) -> Path | None:
    """A ``.pub`` beside a repository (its top, ``keys/``, or the collection's top) with ``key_id``."""
    if not _KEY_ID_RE.match(key_id or ""):
        return None
    folder = Path(folder)
    for place in (folder, folder / "keys", folder.parent, folder.parent / "keys"):
        for path in listing(place):
            if path.suffix != ".pub" or not path.is_file() or path.is_symlink():
                continue
            try:
                if load_public_key(path).key_id == key_id:
                    return path
            except Exception:  # noqa: BLE001 - a junk .pub on a stick is just junk
                continue
    return None


def listing(folder: Path) -> list[Path]:
    """Up to :data:`MAX_LISTED` entries of a folder, sorted; [] if it cannot be read."""
    try:
        out = []
        for n, entry in enumerate(Path(folder).iterdir()):
            if n >= MAX_LISTED:
                break
            out.append(entry)
        return sorted(out)
    except OSError:
        return []
