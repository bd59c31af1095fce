"""The sources this PC syncs from (table ``sources``), and what happened the last time.

A source is a repository location: an ``http(s)://`` URL (publisher, county server, LAN peer) or a
folder (mirror, satellite inbox). Names are short labels people choose; by default derived from
the location.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from teachpoint.errors import UsageError
from teachpoint.library.catalogue import Catalogue, now_iso

NAME_RE = re.compile(r"^[^\s/\\]{1,64}$")


class SourceExists(UsageError):
    """:func:`add_source` was given a location that is a source already."""


class FolderProblem(UsageError):
    """A folder cannot be used as a source; ``reason`` is one of :data:`FOLDER_PROBLEMS`."""

    def __init__(self, reason: str, folder: str, message: str):
        self.reason, self.folder = reason, folder
        super().__init__(message)


FOLDER_PROBLEMS = ("web_address", "missing", "not_a_folder", "unreadable")


@dataclass(frozen=True)
class SourceEntry:
    name: str
    location: str
    added_at: str
    last_attempt: str | None = None
    last_success: str | None = None
    last_error: str = ""
    failures: int = 0

    @property
    def is_http(self) -> bool:
        return self.location.startswith(("http://", "https://"))


_COLUMNS = "name, location, added_at, last_attempt, last_success, last_error, failures"


def normalise_location(location: str) -> str:
    """A URL with a trailing slash, or an absolute folder path; UsageError for anything else."""
    text = (location or "").strip()
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        try:
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError:
            parts = None
        if not parts or not parts.hostname or parts.query or parts.fragment:
            raise UsageError(f"not a repository URL: {text!r}")
        return text if text.endswith("/") else text + "/"
    if "://" in text:
        raise UsageError(f"unsupported source {text!r}: use http(s):// or a folder")
    if not text:
        raise UsageError("give a URL or a folder")
    return str(Path(text).expanduser().resolve())


def check_folder_readable(location: str) -> str:
    """The normalised folder path if it exists now and can be listed; else FolderProblem (or
    UsageError from :func:`normalise_location` for text that is no location at all).

    :func:`add_source` accepts a folder that is not there yet (a stick not plugged in); the app
    calls this first when a teacher picks a folder, so a typo is caught at once.
    """
    normalised = normalise_location(location)
    if normalised.startswith(("http://", "https://")):
        raise FolderProblem("web_address", normalised, f"{normalised} is a web address, not a folder")
    folder = Path(normalised)
    if not folder.exists():
        raise FolderProblem("missing", normalised, f"folder {folder} does not exist")
    if not folder.is_dir():
        raise FolderProblem("not_a_folder", normalised, f"{folder} is a file, not a folder")
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except OSError as exc:
        raise FolderProblem("unreadable", normalised,
                            f"cannot read the folder {folder}: {exc.strerror or exc}") from None
    return normalised


def default_name(location: str) -> str:
    if location.startswith(("http://", "https://")):
        return urlsplit(location).netloc.split("@")[-1][:64]
    return (Path(location).name or "folder")[:64]


def add_source(cat: Catalogue, location: str, name: str | None = None) -> SourceEntry:
    location = normalise_location(location)
    name = (name or default_name(location)).strip()
    if not NAME_RE.match(name):
        raise UsageError(f"bad source name {name!r}: up to 64 characters, no spaces or slashes")
    existing = list_sources(cat)
    for entry in existing:
        if entry.location == location:
            raise SourceExists(f"{location} is already a source (named {entry.name!r})")
        if entry.name == name:
            raise UsageError(f"a source named {name!r} exists already ({entry.location}); "
                             "choose another with --name")
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute("INSERT INTO sources (name, location, added_at) VALUES (?,?,?)",
                            [name, location, now_iso()])
    return get_source(cat, name)


def get_source(cat: Catalogue, name: str) -> SourceEntry | None:
    row = cat.db.execute(f"SELECT {_COLUMNS} FROM sources WHERE name = ?", [name]).fetchone()
    return SourceEntry(*row) if row else None


def list_sources(cat: Catalogue) -> list[SourceEntry]:
    return [SourceEntry(*r) for r in cat.db.execute(f"SELECT {_COLUMNS} FROM sources ORDER BY rowid")]


def remove_source(cat: Catalogue, name: str) -> SourceEntry:
    entry = get_source(cat, name)
    if entry is None:
        known = ", ".join(s.name for s in list_sources(cat)) or "none"
        raise UsageError(f"no source named {name!r} (sources: {known})")
    with cat.write_lock, cat.db.conn:
        cat.db.conn.execute("DELETE FROM sources WHERE name = ?", [name])
    return entry


def record_attempt(cat: Catalogue, name: str, error: str | None) -> None:
    """Remember the outcome of syncing from a source (for status and backoff)."""
    stamp = now_iso()
    with cat.write_lock, cat.db.conn:
        if error is None:
            cat.db.conn.execute(
                "UPDATE sources SET last_attempt=?, last_success=?, last_error='', failures=0 "
                "WHERE name=?", [stamp, stamp, name])
        else:
            cat.db.conn.execute(
                "UPDATE sources SET last_attempt=?, last_error=?, failures=failures+1 WHERE name=?",
                [stamp, error[:500], name])
