"""Small key → text settings kept in the catalogue, and the names of the ones the app knows.

The settings table belongs to the library like every other table: other layers read and write
settings through these functions (or :class:`teachpoint.workspace.Workspace`, which delegates
here), never with their own SQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re

from teachpoint.errors import UsageError

log = logging.getLogger(__name__)

DEFAULT_FLOOR = 1 << 30                 # keep 1 GiB free on the disk unless IT says otherwise
SETTING_FLOOR = "store_floor_bytes"
SETTING_DEMO = "demo_installed"
SETTING_LANGUAGE = "ui_language"        # "zh_CN" or "en"
SETTING_LARGE_TEXT = "ui_large_text"    # "1" = projector-sized text
SETTING_REPORT_TO = "reports.report_to"  # s3://BUCKET/PREFIX where usage reports are uploaded
SETTING_LOCKED = "site.locked"          # JSON list of LOCKABLE names the site configuration locks
# What a site configuration (preseed) can lock so teachers cannot change it in settings.
LOCKABLE = ("sources", "trust", "bandwidth", "subscriptions", "storage_floor", "inbox",
            "language", "large_text", "classes", "report_to")
SETTING_IT_PIN = "it_pin"               # JSON: the scrypt hash of the IT lock's PIN (never the PIN)
#: The parts of 设置 behind the IT lock's PIN; teachers keep display, storage, downloads, classes.
IT_LOCKED_SECTIONS = ("sources", "trust", "bandwidth", "inbox")
PIN_BY_SETTINGS, PIN_BY_SITE = "settings", "site"  # who set the PIN: IT in 设置, or the site file
_PIN_RE = re.compile(r"[0-9]{4,12}")
_SCRYPT = {"n": 1 << 14, "r": 8, "p": 1}  # ~16 MB and tens of ms: slow to guess, quick to check


def get_setting(catalogue, key: str, default: str | None = None) -> str | None:
    """The stored text of a setting, or ``default`` when it was never set."""
    row = catalogue.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(catalogue, key: str, value: str) -> None:
    """Store a setting (one short write transaction under the catalogue's write lock)."""
    with catalogue.write_lock, catalogue.db.conn:
        catalogue.db.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])


def get_json_setting(catalogue, key: str, default=None):
    """A setting stored as JSON; ``default`` when unset or not valid JSON (logged)."""
    raw = get_setting(catalogue, key)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except ValueError:
        log.warning("setting %s is not valid JSON; using the default", key)
        return default


def locked_settings(catalogue) -> frozenset[str]:
    """The :data:`LOCKABLE` names the site configuration has locked (empty if none)."""
    names = get_json_setting(catalogue, SETTING_LOCKED, [])
    if not isinstance(names, list):
        return frozenset()
    return frozenset(n for n in names if n in LOCKABLE)


# ---- the IT lock's PIN --------------------------------------------------------------------------


class PinProblem(UsageError):
    """A PIN that cannot be used (not 4–12 digits)."""


def check_pin(pin) -> str:
    """``pin`` if it is 4 to 12 digits (ASCII); :class:`PinProblem` otherwise."""
    if not isinstance(pin, str) or not _PIN_RE.fullmatch(pin):
        raise PinProblem("the PIN must be 4 to 12 digits (0-9), written in quotes")
    return pin


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=64 << 20, dklen=32)


def hash_pin(pin: str) -> dict:
    """A stored form of ``pin``: scrypt with a fresh random salt (the PIN itself is never kept)."""
    salt = os.urandom(16)
    return {"scheme": "scrypt", **_SCRYPT, "salt": salt.hex(),
            "hash": _scrypt(check_pin(pin), salt, **_SCRYPT).hex()}


def it_pin_record(catalogue) -> dict | None:
    """The stored PIN hash with ``by`` (who set it), or None when no PIN guards 设置."""
    record = get_json_setting(catalogue, SETTING_IT_PIN)
    if not isinstance(record, dict) or record.get("scheme") != "scrypt":
        return None
    return record


def set_it_pin(catalogue, pin: str, by: str = PIN_BY_SETTINGS) -> None:
    """Guard the IT sections of 设置 with ``pin`` (stored hashed; :class:`PinProblem` if bad)."""
    set_setting(catalogue, SETTING_IT_PIN, json.dumps({**hash_pin(pin), "by": by}))
    log.info("the IT lock's PIN was set (by %s)", by)


def clear_it_pin(catalogue) -> None:
    """No PIN any more: the IT sections of 设置 are open to everyone."""
    with catalogue.write_lock, catalogue.db.conn:
        catalogue.db.conn.execute("DELETE FROM settings WHERE key = ?", [SETTING_IT_PIN])
    log.info("the IT lock's PIN was removed")


def it_pin_matches(catalogue, pin: str) -> bool:
    """True if ``pin`` is the stored PIN (also True when there is none). Slow on purpose (scrypt):
    call it from a worker. Anything unusable as a PIN simply does not match."""
    record = it_pin_record(catalogue)
    if record is None:
        return True
    if not isinstance(pin, str) or not _PIN_RE.fullmatch(pin):
        return False
    try:
        params = {k: int(record[k]) for k in ("n", "r", "p")}
        digest = _scrypt(pin, bytes.fromhex(record["salt"]), **params)
        return hmac.compare_digest(digest, bytes.fromhex(record["hash"]))
    except (KeyError, TypeError, ValueError) as exc:  # a damaged record: no PIN opens it
        log.warning("the stored IT PIN cannot be checked (%s); set a new one", exc)
        return False
