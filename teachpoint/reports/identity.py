"""This PC's identity for reports: a PC id and its own Ed25519 key, made on first use.

The key pair lives in ``DATA/reports/pc.key`` (0600) and ``pc.pub``, made by
:func:`teachpoint.repo.keys.generate_keypair`; the PC id is the one the stick inventory already
uses (:func:`teachpoint.sneakernet.inventory.pc_id`, a uuid4 kept in the settings). The county pins the key to the PC id the first time it sees a report from it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from teachpoint.repo import keys
from teachpoint.reports.health import reports_dir
from teachpoint.sneakernet import inventory

log = logging.getLogger(__name__)

KEY_PREFIX = "pc"


@dataclass(frozen=True)
class PcIdentity:
    """Who signs this PC's reports."""

    pc_id: str
    private_key: Ed25519PrivateKey
    public: keys.PublicKey

    @property
    def fingerprint(self) -> str:
        return self.public.key_id


def pc_id(ws, create: bool = True) -> str | None:
    """This PC's id; made on first use when ``create`` (else None until it exists)."""
    if create and not ws.read_only:
        return inventory.pc_id(ws)
    value = ws.setting(inventory.SETTING_PC_ID)
    return value if value and inventory._PC_ID_RE.match(value) else None


def load_identity(ws) -> PcIdentity:
    """The PC id and key pair, made on first use (needs a writable data dir then)."""
    folder = reports_dir(ws.paths)
    prefix = folder / KEY_PREFIX
    private_path = prefix.with_name(KEY_PREFIX + keys.PRIVATE_SUFFIX)
    if not private_path.exists():
        ws.require_writable("make this PC's report key")
        folder.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(folder, 0o700)
        made = keys.generate_keypair(prefix, name=pc_id(ws))
        return PcIdentity(pc_id(ws), made.private_key, made.public)
    private_key = keys.load_private_key(private_path)
    ident = pc_id(ws, create=not ws.read_only) or ""
    return PcIdentity(ident, private_key, keys.public_key_of(private_key, ident))


def fingerprint(ws) -> str | None:
    """The key's fingerprint if the key exists (never makes one)."""
    private_path = reports_dir(ws.paths) / (KEY_PREFIX + keys.PRIVATE_SUFFIX)
    if not private_path.exists():
        return None
    return keys.public_key_of(keys.load_private_key(private_path)).key_id
