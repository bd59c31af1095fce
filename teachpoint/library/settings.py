"""Small key → text settings kept in the catalogue, and the names of the ones the app knows.

The settings table belongs to the library like every other table: other layers read and write
settings through these functions (or :class:`teachpoint.workspace.Workspace`, which delegates
here), never with their own SQL.
"""

from __future__ import annotations

import json
import logging

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
