"""The work behind the USB dialog, run in TaskManager workers (plain Python, no Qt, no widgets).

* :func:`inspect_drive` — what a drive offers: the lessons it would bring
  (:func:`teachpoint.sneakernet.stick.inspect_stick`), and for each inventory of another school on it,
  what this PC could copy for that school (:func:`teachpoint.sneakernet.export_plan.give_plan`) and
  whether it fits on the stick.
* :func:`import_drive` — :func:`teachpoint.sneakernet.stick.import_stick` (the pipeline takes the sync lock).
* :func:`export_for_inventory` — the export for one inventory on the stick.
* :func:`write_own_inventory` — put this PC's inventory on the stick.

Every function takes an optional ``hook(step, value)`` called in the worker at fixed points
(``"inspected"``, and each progress report): tests use it to pull a stick out at a known moment.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from teachpoint.errors import (
    RepositoryError, TeachPointError)
from teachpoint.sneakernet import inventory as inventory_mod
from teachpoint.sneakernet.export import SPACE_MARGIN, export, give_plan
from teachpoint.sneakernet.export_checks import present
from teachpoint.sneakernet.inventory import Inventory, InventoryError, read_inventory
from teachpoint.repo.format import blob_path
from teachpoint.sneakernet.stick import StickImport, import_stick
from teachpoint.sneakernet.stick_offer import StickOffer, inspect_stick
from teachpoint.sneakernet.stick_check import list_inventories
from teachpoint.ui.own_queries import has_contributions

log = logging.getLogger(__name__)

Hook = Callable[[str, object], None]


class DriveGone(RepositoryError):
    """The drive disappeared while it was being looked at (the stick was pulled out)."""


@dataclass
class InventoryOffer:
    """Another school's inventory on the stick, and what this PC could copy for it."""

    file: str  # relative to the stick, e.g. "_inventories/<pc-id>.json"
    pc_id: str = ""
    pc_name: str = ""
    created: str = ""
    lessons: int = 0  # lessons it lacks that this PC can give
    files: int = 0
    bytes: int = 0  # everything the copy gives (some may already be on the stick)
    bytes_needed: int = 0  # not on the stick yet: what the stick must have room for
    unavailable: int = 0  # files it needs that this PC does not hold either
    fits: bool = True
    error: str = ""  # the inventory could not be read (damaged, foreign, too new)

    @property
    def label(self) -> str:
        return self.pc_name or self.pc_id[:8] or Path(self.file).name


@dataclass
class DriveOffer:
    """Everything the USB dialog shows about one drive."""

    path: str
    name: str
    stick: StickOffer | None = None  # None: no lessons on it
    inventories: list[InventoryOffer] = field(default_factory=list)  # of other PCs
    own_inventory: str = ""  # creation time of this PC's inventory on the stick, if there is one
    free_bytes: int | None = None
    own_lessons: bool = False  # this school has lessons of its own to take to the county

    @property
    def has_lessons(self) -> bool:
        return self.stick is not None and bool(self.stick.repositories or self.stick.error)

    @property
    def is_teachpoint(self) -> bool:
        """Worth showing the teacher: lessons, or an inventory of another school."""
        return self.has_lessons or bool(self.inventories) or self.own_lessons

    @property
    def brings_something(self) -> bool:
        return self.stick is not None and self.stick.brings_something


def drive_name(path: str | Path, label: str = "") -> str:
    """What to call a drive: its label, else the last part of its path (``E:`` on Windows)."""
    if label:
        return label
    p = Path(path)
    return p.name or str(p).rstrip("\\/") or str(p)


def _gone(path: Path) -> bool:
    try:
        return not path.is_dir()
    except OSError:
        return True


def inspect_drive(ws, path: str | Path, label: str = "", hook: Hook | None = None) -> DriveOffer:
    """Look at a drive without changing anything; raises :class:`DriveGone` if it vanished."""
    path = Path(path)
    offer = DriveOffer(str(path), drive_name(path, label))
    try:
        offer.stick = inspect_stick(ws, path)
    except OSError as exc:
        raise DriveGone(f"{path} cannot be read (stick removed?): {exc.strerror or exc}") from exc
    if hook:
        hook("inspected", offer)
    if _gone(path):
        raise DriveGone(f"{path} went away (stick removed)")
    ours = ws.setting(inventory_mod.SETTING_PC_ID) or ""
    offer.own_lessons = has_contributions(ws)
    try:
        offer.free_bytes = shutil.disk_usage(path).free
    except OSError:
        offer.free_bytes = None
    for rel in list_inventories(path):
        item = InventoryOffer(rel)
        try:
            inv = read_inventory(path / rel)
        except InventoryError as exc:
            if _gone(path):
                raise DriveGone(f"{path} went away (stick removed)") from exc
            item.error = str(exc)
            offer.inventories.append(item)
            continue
        if inv.pc_id == ours:
            offer.own_inventory = inv.created
            continue
        item.pc_id, item.pc_name, item.created = inv.pc_id, inv.pc_name, inv.created
        _fill_plan(ws, path, inv, item, offer.free_bytes)
        offer.inventories.append(item)
    if _gone(path):
        raise DriveGone(f"{path} went away (stick removed)")
    return offer


def _fill_plan(ws, path: Path, inv: Inventory, item: InventoryOffer, free: int | None) -> None:
    try:
        plan = give_plan(ws, inv)
    except TeachPointError as exc:
        item.error = str(exc)
        return
    item.lessons, item.files, item.bytes = plan.lessons, plan.blobs, plan.bytes
    item.unavailable = sum(r.unavailable for r in plan.repositories)
    item.bytes_needed = sum(size for r in plan.repositories for sha, size in r.blobs.items()
                            if not present(path / r.repository / blob_path(sha), size))
    item.fits = free is None or item.bytes_needed == 0 or free >= item.bytes_needed + SPACE_MARGIN


def import_drive(ws, path: str | Path, progress=None, cancel=None, hook: Hook | None = None) -> StickImport:
    """Import everything the stick brings (one sync at a time per data directory)."""
    def report(p):
        if hook:
            hook("progress", p)
        if progress:
            progress(p)

    return import_stick(ws, Path(path), progress=report, cancel=cancel)


@dataclass
class ExportDone:
    """What copying for one school did."""

    pc_name: str
    lessons: int
    files: int
    bytes: int
    damaged: int  # files of this PC's store that failed their check and were left off


def export_for_inventory(ws, path: str | Path, inventory_file: str, progress=None, cancel=None,
                         hook: Hook | None = None) -> ExportDone:
    """Copy onto the stick exactly what the school of ``inventory_file`` lacks."""
    path = Path(path)

    def report(p):
        if hook:
            hook("progress", p)
        if progress:
            progress(p)

    inv = read_inventory(path / inventory_file)
    plan = give_plan(ws, inv)
    result = export(ws, plan, path, progress=report, cancel=cancel)
    return ExportDone(inv.pc_name or inv.pc_id[:8], plan.lessons, result.blobs_copied,
                      result.bytes_copied, len(result.damaged))


def write_own_inventory(ws, path: str | Path) -> Path:
    """Put this PC's inventory on the stick (``_inventories/<pc-id>.json``)."""
    path = Path(path)
    if _gone(path):
        raise DriveGone(f"{path} went away (stick removed)")
    return inventory_mod.write_inventory(ws, path)


def export_own_lessons(ws, path: str | Path, progress=None, hook: Hook | None = None):
    """把本校课程带给县里: write this PC's contribution repository onto the stick."""
    from teachpoint.contrib.share import export_contributions  # noqa: PLC0415 - only when used

    def report(done: int, total: int) -> None:  # files written, files in all
        if hook:
            hook("progress", (done, total))
        if progress:
            progress((done, total))

    if _gone(Path(path)):
        raise DriveGone(f"{path} went away (stick removed)")
    return export_contributions(ws, Path(path), progress=report)
