"""The one place that turns the core's typed problems into a teacher's sentence and an IT detail.

The core raises (or returns, in an import outcome) typed exceptions from :mod:`teachpoint.errors`
and its packages. :func:`kind_of` sorts one into the few *kinds* a teacher is told about, by its
type (and, for an OS error, its errno) — never by matching its text. :class:`ProblemTexts` has the
sentence for each kind in each place it is shown (the 同步 page, the USB dialog); the IT detail is
the exception's own one-line message, shown behind 技术详情 and written to the log.
"""

from __future__ import annotations

import errno
from pathlib import Path

from PySide6.QtCore import QObject

from teachpoint.errors import (
    BlobMismatch, ContributionError, DataDirError, DuplicateContribution, FileTooLarge,
    NotEnoughSpace, NotMediaFile, NotOnSource, RepositoryError, ReviewError, RollbackError,
    SignatureError, SourceUnreachable, TeachPointError, UnknownCurriculumValue, UntrustedPublisher,
    UsageError)
from teachpoint.library.store import Cancelled
from teachpoint.sneakernet.export_checks import StickReadOnly
from teachpoint.sneakernet.inventory import InventoryError
from teachpoint.sync.lock import SyncBusy

# The kinds a teacher is told about.
PULLED, STICK_FULL, READ_ONLY, PC_FULL, PC_READ_ONLY = (
    "pulled", "stick_full", "read_only", "pc_full", "pc_read_only")
UNTRUSTED, TAMPERED, DAMAGED_FILES, CONFLICT, NOT_A_SOURCE = (
    "untrusted", "tampered", "damaged_files", "conflict", "not_a_source")
OFFLINE, BAD_INVENTORY, BUSY, CANCELLED, OTHER = (
    "offline", "bad_inventory", "busy", "cancelled", "other")
# A teacher's own lesson (添加本校课程) and the county's review (审核).
NOT_MEDIA, TOO_LARGE, DUPLICATE, UNKNOWN_PLACE, BAD_VALUE, NOTHING_TO_SHARE, REVIEW_REFUSED = (
    "not_media", "too_large", "duplicate", "unknown_place", "bad_value", "nothing_to_share",
    "review_refused")


def kind_of(exc: BaseException | None, drive: str | Path | None = None) -> str:
    """The kind of a problem; ``drive`` is the USB stick a job was working on, if any."""
    if exc is None:
        return OTHER
    if isinstance(exc, Cancelled):
        return CANCELLED
    if isinstance(exc, SyncBusy):
        return BUSY
    if isinstance(exc, DataDirError):
        return PC_READ_ONLY
    if drive is not None and _gone(Path(drive)):
        return PULLED
    if isinstance(exc, NotEnoughSpace):
        on_stick = drive is not None and _inside(exc.where, Path(drive))
        return STICK_FULL if on_stick else PC_FULL
    if isinstance(exc, StickReadOnly):
        return READ_ONLY
    code = _os_errno(exc)  # USB jobs write only to the stick; this PC's side raises typed errors
    if drive is not None and code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return READ_ONLY
    if drive is not None and code in (errno.ENOSPC, errno.EDQUOT):
        return STICK_FULL
    if drive is not None and code in (errno.EIO, errno.ENODEV, errno.ENXIO):
        return PULLED
    return _KINDS_BY_TYPE.get(next((t for t in _KINDS_BY_TYPE if isinstance(exc, t)), None), OTHER)


# Most specific first: the first type an exception is an instance of decides.
_KINDS_BY_TYPE = {
    UntrustedPublisher: UNTRUSTED,
    SignatureError: TAMPERED,
    RollbackError: CONFLICT,
    BlobMismatch: DAMAGED_FILES,
    InventoryError: BAD_INVENTORY,
    SourceUnreachable: OFFLINE,
    NotOnSource: NOT_A_SOURCE,
    RepositoryError: TAMPERED,
    NotMediaFile: NOT_MEDIA,
    FileTooLarge: TOO_LARGE,
    DuplicateContribution: DUPLICATE,
    ContributionError: NOTHING_TO_SHARE,
    ReviewError: REVIEW_REFUSED,
    UnknownCurriculumValue: UNKNOWN_PLACE,
    UsageError: BAD_VALUE,
}


def detail_of(exc: BaseException | None) -> str:
    """The IT detail: the exception's own first line (typed errors are written for people)."""
    if exc is None:
        return ""
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return text if isinstance(exc, TeachPointError) else f"{type(exc).__name__}: {text}"


def _gone(path: Path) -> bool:
    try:
        return not path.is_dir()
    except OSError:
        return True


def _inside(where: str, drive: Path) -> bool:
    try:
        return Path(where).resolve().is_relative_to(drive.resolve())
    except (OSError, ValueError):
        return False


def _os_errno(exc: BaseException) -> int | None:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno:
            return exc.errno
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


class ProblemTexts(QObject):
    """The sentences (every one through ``self.tr``), per kind and place."""

    def for_sync(self, kind: str, name: str = "") -> str:
        """A failed source or round on the 同步 page; ``name`` is the source's name."""
        if kind == BUSY:
            return self.tr("The background sync service is updating the lessons.")
        if kind == PC_READ_ONLY:
            return self.tr("The lesson folder on this computer cannot be written, so no updates can "
                           "be installed. Please tell the school's IT teacher.")
        if kind == PC_FULL:
            return self.tr("The disk is almost full, so no more lessons can be downloaded. "
                           "Please ask the school's IT teacher to free some space.")
        if kind == OFFLINE:
            return self.tr("Cannot reach {name} right now (no network?). TeachPoint will try again "
                           "by itself.").format(name=name)
        if kind in (UNTRUSTED, TAMPERED):
            return self.tr("The lessons offered by {name} do not carry a trusted signature, so "
                           "nothing was taken from it. Please tell the school's IT teacher.").format(name=name)
        if kind == CONFLICT:
            return self.tr("{name} offers lessons that do not match the ones this computer already "
                           "has; they were ignored. Please tell the school's IT teacher.").format(name=name)
        if kind == DAMAGED_FILES:
            return self.tr("Some lesson files from {name} arrived damaged and were thrown away. "
                           "The lessons you already have are not affected.").format(name=name)
        if kind == NOT_A_SOURCE:
            return self.tr("{name} does not look like a lesson source. Please ask the school's IT teacher to "
                           "check its address in Settings.").format(name=name)
        if name:
            return self.tr("Updating from {name} did not work this time. The lessons you already "
                           "have are not affected.").format(name=name)
        return self.tr("Updating the lessons did not work this time. TeachPoint will try again later.")

    def older_source(self, name: str) -> str:
        """Not a failure: a source that offers an older version than this PC has (no rollback)."""
        return self.tr("{name} offers older lessons than this computer already has; the lesson "
                       "list was kept, and only files it still needed were taken.").format(name=name)

    def for_usb(self, kind: str, job: str, detail: str = "") -> str:
        """A failed USB job; ``job`` is "import", "export" or "inventory"."""
        if kind == PULLED:
            if job == "import":
                return self.tr("The USB stick was pulled out. The lessons already imported are kept; "
                               "insert the stick again and press Import to continue.")
            return self.tr("The USB stick was pulled out. Insert it again and try again.")
        if kind == STICK_FULL:
            return self.tr("The USB stick is full. Use a bigger stick or delete files you do not need "
                           "from it.")
        if kind == READ_ONLY:
            return self.tr("Cannot write to the USB stick: it is read-only (check its write-protect "
                           "switch).")
        if kind == PC_FULL:
            return self.tr("This computer's disk is full. Delete some files you do not need and try "
                           "again.")
        if kind == PC_READ_ONLY:
            return self.tr("This computer's lesson folder cannot be written. Please ask the "
                           "school's IT teacher.")
        if kind == UNTRUSTED:
            return self.tr("The lessons on the stick come from a publisher this computer does not "
                           "know; for safety nothing was imported.")
        if kind in (TAMPERED, CONFLICT, DAMAGED_FILES, NOT_A_SOURCE):
            return self.tr("The lessons on the USB stick are damaged or were changed; nothing was "
                           "imported. The lessons on this computer are not affected.")
        if kind == BAD_INVENTORY:
            return self.tr("The lesson list of that school on the stick is damaged and cannot be read.")
        if kind == BUSY:
            return self.tr("This computer is updating its lessons right now. Please try again in a "
                           "moment.")
        if kind == CANCELLED:
            return self.tr("Cancelled.")
        if kind == NOTHING_TO_SHARE:
            return self.tr("This computer has no lessons of its own to take to the county yet.")
        if detail:
            return self.tr("That did not work: {detail}").format(detail=detail)
        return self.tr("Something unexpected went wrong; it was written to the log.")

    def repository_refused(self, kind: str, title: str) -> str:
        """One repository of a stick that was not imported (the others may have been)."""
        if kind == UNTRUSTED:
            return self.tr("“{title}” comes from a publisher this computer does not know; "
                           "not imported.").format(title=title)
        return self.tr("“{title}” is damaged; not imported.").format(title=title)

    def for_contribution(self, kind: str, exc: BaseException | None = None) -> str:
        """A lesson the teacher tried to add (添加本校课程) that was not added."""
        if kind == NOT_MEDIA:
            return self.tr("One of the files is not a video, PDF, slides or picture this computer "
                           "can show (or it is damaged), so the lesson was not added. Choose the "
                           "lesson's files again.")
        if kind == TOO_LARGE:
            return self.tr("The files are too big for this computer (a lesson file may be at most "
                           "8 GB, and the disk must have room for it). Nothing was added.")
        if kind == DUPLICATE:
            return self.tr("This video was added before, so it is not added twice. It is in the "
                           "list of this school's lessons.")
        if kind == UNKNOWN_PLACE and isinstance(exc, UnknownCurriculumValue):
            return self.tr("This program does not know “{value}”. Please choose one of: "
                           "{valid}.").format(value=exc.value, valid="、".join(exc.valid[:20]))
        if kind in (UNKNOWN_PLACE, BAD_VALUE):
            return self.tr("The title, a name or a file name contains a character that cannot be "
                           "used (such as / or \\). Please change it and try again.")
        if kind == PC_FULL:
            return self.tr("The disk of this computer became full while copying. Nothing was "
                           "added; the lessons already here are not affected.")
        if kind == PC_READ_ONLY:
            return self.tr("The lesson folder on this computer cannot be written, so no lesson can "
                           "be added. Please tell the school's IT teacher.")
        if kind == BUSY:
            return self.tr("This computer is updating its lessons right now. Please try again in a "
                           "moment.")
        if kind == CANCELLED:
            return self.tr("Cancelled. Nothing was added.")
        return self.tr("The lesson could not be added. The lessons already here are not affected.")

    def for_review(self, kind: str) -> str:
        """A review action (收集, 通过, 不通过, 撤销) that did not work at the county."""
        if kind == REVIEW_REFUSED:
            return self.tr("That cannot be done with this lesson now (it may have been decided "
                           "already).")
        if kind in (UNTRUSTED, TAMPERED, DAMAGED_FILES):
            return self.tr("Some lessons on the stick or folder are damaged or not signed by a "
                           "known school computer; they were not taken.")
        if kind == PC_FULL:
            return self.tr("The disk of this computer is full. Free some space and try again.")
        if kind == BAD_VALUE:
            return self.tr("The review settings of this computer are not complete (publisher key "
                           "or county repository). Please tell the school's IT teacher.")
        return self.tr("That did not work. Nothing was changed; the details are written to the log.")
