"""The trust store of one PC: which publisher keys this PC accepts signed metadata from.

A folder (``DATA_DIR/trusted-keys/``) holds one file per trusted key, named ``<key_id>.pub``, in the
``.pub`` format of :mod:`teachpoint.repo.keys` plus two metadata lines::

    teachpoint-ed25519 <base64 key> <name>
    added-at: 2025-01-31T08:00:00Z
    repos: teachpoint-demo            (optional; absent = any repository)

Rules:
* Names are unique (compared case-insensitively); a second key under a taken name is refused.
* Adding a key that is already trusted replaces its name and repository scope with the new ones
  (``repos=None`` means "any repository") and keeps its original ``added-at``.
* Files are written atomically (temporary file + fsync + ``os.replace``).
* A file whose name is not the key id of its content, or that does not parse, is ignored with a
  warning: it is never trusted. Key ids coming from untrusted metadata are checked against
  ``[0-9a-f]{16}`` before they are used to build a path.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from teachpoint.errors import UsageError
from teachpoint.fsutil import atomic_write
from teachpoint.repo.keys import (
    KEY_ID_RE,
    PUBLIC_SUFFIX,
    PublicKey,
    check_name,
    load_public_key,
)
from teachpoint.repo.format import REPO_ID_RE

log = logging.getLogger(__name__)

_PREFIX_MIN = 6  # a fingerprint prefix must have at least this many hex digits


@dataclass(frozen=True)
class TrustedKey:
    """One entry of the trust store."""

    name: str
    key_id: str
    added_at: str  # ISO 8601 UTC, e.g. 2025-01-31T08:00:00Z
    repos: tuple[str, ...] | None  # None: trusted for every repository
    public_key: PublicKey

    def allows(self, repo_id: str) -> bool:
        return self.repos is None or repo_id in self.repos


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_repos(repos: Iterable[str] | None) -> tuple[str, ...] | None:
    if repos is None:
        return None
    if isinstance(repos, str):
        repos = [repos]
    out: list[str] = []
    for r in repos:
        r = str(r).strip()
        if not REPO_ID_RE.match(r):
            raise UsageError(f"invalid repository name {r!r} (lower-case letters, digits, '.', '_', '-')")
        if r not in out:
            out.append(r)
    if not out:
        raise UsageError("a key limited to repositories needs at least one repository name")
    return tuple(out)


class TrustStore:
    """The ``trusted-keys`` folder. Nothing is created until the first :meth:`add`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    # ---- reading -------------------------------------------------------------------------------

    def _path(self, key_id: str) -> Path | None:
        if not isinstance(key_id, str) or not KEY_ID_RE.match(key_id):
            return None
        return self.folder / (key_id + PUBLIC_SUFFIX)

    def _read(self, path: Path) -> TrustedKey | None:
        try:
            pub = load_public_key(path)
        except UsageError as exc:
            log.warning("ignoring unreadable trusted key file %s: %s", path, exc)
            return None
        if pub.key_id != path.stem:
            log.warning("ignoring trusted key file %s: it holds key %s, not %s", path, pub.key_id, path.stem)
            return None
        repos_text = pub.metadata.get("repos")
        repos: tuple[str, ...] | None = None
        if repos_text is not None:
            names = [r for r in re.split(r"[,\s]+", repos_text) if r]
            try:
                repos = _check_repos(names)
            except UsageError as exc:
                log.warning("ignoring trusted key file %s: %s", path, exc)
                return None
        return TrustedKey(pub.name or pub.key_id, pub.key_id, pub.metadata.get("added-at", ""), repos, pub)

    def list(self) -> list[TrustedKey]:
        """All trusted keys, sorted by name."""
        if not self.folder.is_dir():
            return []
        out = []
        for p in sorted(self.folder.iterdir()):
            if p.suffix == PUBLIC_SUFFIX and KEY_ID_RE.match(p.stem) and p.is_file():
                tk = self._read(p)
                if tk is not None:
                    out.append(tk)
        return sorted(out, key=lambda t: (t.name.casefold(), t.key_id))

    def get_trusted(self, key_id: str) -> TrustedKey | None:
        path = self._path(key_id)
        if path is None or not path.is_file():
            return None
        return self._read(path)

    def get(self, key_id: str) -> PublicKey | None:
        """The trusted key with this id, or None (also for a malformed id)."""
        tk = self.get_trusted(key_id)
        return tk.public_key if tk else None

    def is_trusted(self, key_id: str) -> bool:
        return self.get_trusted(key_id) is not None

    def allows(self, key_id: str, repo_id: str) -> bool:
        """True if the key is trusted and its scope includes ``repo_id``."""
        tk = self.get_trusted(key_id)
        return tk is not None and tk.allows(repo_id)

    # ---- changing ------------------------------------------------------------------------------

    def add(self, pub_path: Path, name: str | None = None, repos: Iterable[str] | None = None) -> PublicKey:
        """Trust the key in ``pub_path``. Name: ``name``, else the file's name, else the file stem."""
        pub = load_public_key(Path(pub_path))
        return self.add_key(pub, name, repos)

    def add_key(self, pub: PublicKey, name: str | None = None, repos: Iterable[str] | None = None) -> PublicKey:
        """Trust an already loaded key (preseed files, the built-in demo channel)."""
        final = check_name(name if name is not None else pub.name) or pub.key_id
        scope = _check_repos(repos)
        existing = {t.key_id: t for t in self.list()}
        for t in existing.values():
            if t.key_id != pub.key_id and t.name.casefold() == final.casefold():
                raise UsageError(
                    f"another key is already trusted under the name {t.name!r} ({t.key_id}); "
                    f"remove it first or choose another name"
                )
        before = existing.get(pub.key_id)
        meta = {"added-at": before.added_at if before and before.added_at else _now()}
        if scope is not None:
            meta["repos"] = ", ".join(scope)
        stored = PublicKey(pub.raw, final)
        self._write(pub.key_id, stored.to_text(meta))
        log.info("%s trusted key %s%s", "updated" if before else "added", stored.describe(),
                 f" for {', '.join(scope)}" if scope else "")
        return stored

    def remove(self, name_or_fingerprint: str) -> PublicKey:
        """Stop trusting a key named by its name, its key id, or a key id prefix (≥ 6 hex digits)."""
        tk = self.find(name_or_fingerprint)
        path = self._path(tk.key_id)
        assert path is not None
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise UsageError(f"cannot remove {path}: {exc.strerror or exc}") from None
        log.info("removed trusted key %s", tk.public_key.describe())
        return tk.public_key

    def find(self, name_or_fingerprint: str) -> TrustedKey:
        """The one trusted key matching a name / key id / key id prefix; UsageError otherwise."""
        q = (name_or_fingerprint or "").strip()
        if not q:
            raise UsageError("name the key to remove (its name or fingerprint)")
        keys = self.list()
        exact = [t for t in keys if t.key_id == q.lower() or t.name.casefold() == q.casefold()]
        if len({t.key_id for t in exact}) == 1:
            return exact[0]
        matches = exact
        if not matches and len(q) >= _PREFIX_MIN and re.fullmatch(r"[0-9a-fA-F]+", q):
            matches = [t for t in keys if t.key_id.startswith(q.lower())]
        if not matches:
            known = ", ".join(f"{t.name} ({t.key_id})" for t in keys) or "none"
            raise UsageError(f"no trusted key named or with fingerprint {q!r}; trusted keys: {known}")
        if len(matches) > 1:
            which = ", ".join(f"{t.name} ({t.key_id})" for t in matches)
            raise UsageError(f"{q!r} matches several trusted keys: {which}; give the full fingerprint")
        return matches[0]

    def _write(self, key_id: str, text: str) -> None:
        path = self._path(key_id)
        assert path is not None
        try:
            atomic_write(path, text.encode("utf-8"), mode=0o644)
        except OSError as exc:
            raise UsageError(f"cannot write the trust store {self.folder}: {exc.strerror or exc}") from None
        _fsync_dir(self.folder)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["TrustStore", "TrustedKey"]
