"""Checking a stick: does a folder carry repositories, and who signed them (nothing changes).

A stick is a repository folder (``root.json`` at its top) or a collection (``teachpoint.json`` and
one folder per repository); see docs/repository-format.md. :func:`check_stick_folder` explains
what is wrong with a folder that is neither. (A root signed by a key this PC does not trust is
explained by the import pipeline for every transport: :mod:`teachpoint.repo.untrusted`.) Used by
:mod:`teachpoint.sneakernet.stick` (import, which re-exports everything public here) and
:mod:`teachpoint.sneakernet.stick_offer` (inspection). Nothing here imports Qt.
"""

from __future__ import annotations

from pathlib import Path

from teachpoint.errors import RepositoryError
from teachpoint.repo.format import ROOT_NAME
from teachpoint.repo.untrusted import listing
from teachpoint.transport.sources import COLLECTION_NAME, FolderSource, expand_sources

INVENTORY_DIRS = ("_inventories", "inventories")  # see teachpoint.sneakernet.inventory.FOLDER


class NotAStick(RepositoryError):
    """The folder holds no TeachPoint repository or collection."""


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
    entries = listing(folder)
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
                  for p in listing(Path(folder) / sub)
                  if p.suffix == ".json" and p.is_file() and not p.is_symlink())
