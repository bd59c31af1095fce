"""Where the satellite receiver puts what it receives: the inbox setting (no import machinery).

Kept apart from :mod:`teachpoint.sneakernet.inbox` so settings pages, the site configuration and
quick commands read it without loading the import pipeline and its network libraries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from teachpoint.errors import UsageError
from teachpoint.library.settings import get_json_setting

SETTING_INBOX = "sync.inbox"


@dataclass(frozen=True)
class InboxConfig:
    folder: Path
    cleanup: bool = False


def get_inbox(ws) -> InboxConfig | None:
    """The configured inbox, or None."""
    obj = get_json_setting(ws.catalogue, SETTING_INBOX)
    if isinstance(obj, dict) and isinstance(obj.get("folder"), str) and obj["folder"]:
        return InboxConfig(Path(obj["folder"]), bool(obj.get("cleanup", False)))
    return None


def set_inbox(ws, folder: Path | None, cleanup: bool = False) -> InboxConfig | None:
    """Configure the inbox (``folder`` None turns it off)."""
    if folder is None:
        ws.set_setting(SETTING_INBOX, "null")
        return None
    folder = Path(folder).expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    ws.set_setting(SETTING_INBOX, json.dumps({"folder": str(folder), "cleanup": bool(cleanup)},
                                             ensure_ascii=False))
    return InboxConfig(folder, bool(cleanup))
