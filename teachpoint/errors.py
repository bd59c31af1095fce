"""Typed exceptions of the core.

Everything the core raises on purpose derives from :class:`TeachPointError`; its ``str()`` is a
one-line message meant for a person (IT staff read it on a terminal, the UI shows it in a dialog).
``teachpoint.cli`` is the one place that turns these into ``error: …`` lines and exit codes.
Unexpected exceptions are bugs: they are logged with a traceback and reported as such.
"""

from __future__ import annotations


class TeachPointError(Exception):
    """An expected failure with a message for people."""

    exit_code = 1


class UsageError(TeachPointError):
    """The command line or a user-supplied value is wrong."""

    exit_code = 2


class CatalogueError(TeachPointError):
    """The catalogue database cannot be opened or used."""


class CatalogueTooNew(CatalogueError):
    """The catalogue was written by a newer TeachPoint; it is left untouched."""


class DataDirError(TeachPointError):
    """The data directory cannot be created or written."""


class UnknownCurriculumValue(UsageError):
    """A grade, subject, … that the curriculum vocabulary does not know."""

    def __init__(self, field: str, value: str, valid: list[str], suggestion: str | None = None):
        self.field, self.value, self.valid, self.suggestion = field, value, valid, suggestion
        hint = f" (did you mean {suggestion}?)" if suggestion else ""
        shown = ", ".join(valid[:40]) + (" …" if len(valid) > 40 else "")
        super().__init__(f"unknown {field} {value!r}{hint}; valid: {shown}")


class StoreError(TeachPointError):
    """The content store refused or failed an operation."""


class NotEnoughSpace(StoreError):
    """Writing would take free disk space below the configured floor."""

    def __init__(self, needed: int, free: int, floor: int, where: str = ""):
        self.needed, self.free, self.floor, self.where = needed, free, floor, where
        short = needed + floor - free
        kept = f" plus the {_mb(floor)} kept free" if floor else ""
        advice = "free more space or lower the floor" if floor else "free more space"
        place = f"not enough disk space{(' in ' + where) if where else ''}"
        if short > 0:
            message = (f"{place}: need {_mb(needed)}{kept}, but only {_mb(free)} is free "
                       f"({advice}: {_mb(short)} more is needed)")
        else:  # the system said "full" (ENOSPC) while statvfs shows room: a quota, or freed since
            message = (f"{place}: the disk refused a write as full although {_mb(free)} shows "
                       f"free now (a quota or reserved space?); {advice} and try again")
        super().__init__(message)


class BlobMismatch(StoreError):
    """A stream did not have the size or SHA-256 it was expected to have."""


class RepositoryError(TeachPointError):
    """A repository (folder, stick, URL) is missing, malformed or inconsistent."""


class SourceUnreachable(RepositoryError):
    """Nothing could be received from a source (offline, outage, server down)."""


class NotOnSource(RepositoryError):
    """The source says a file is not there (HTTP 404/410, no such file): a mirror or peer may hold
    only some files, and a folder without ``root.json`` may be a collection."""


class NotYetArrived(RepositoryError):
    """A file is absent or still incomplete on a source that fills over time (the inbox)."""


class PackMismatch(RepositoryError):
    """A metadata pack (or a node inside it) does not hash to its pin: tampered or damaged."""


class OversizeResponse(RepositoryError):
    """A source sent (or declared) more bytes than the file may have: a size lie."""


class UnexpectedResponse(RepositoryError):
    """A server answered with a status that means neither the file nor "try again" (e.g. 403)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class SourceBusy(SourceUnreachable):
    """A server kept answering "busy" (429/503/5xx, ``Retry-After``) until the retries ran out."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class SourceStalled(SourceUnreachable):
    """A server stopped sending in the middle of an answer (a half-dead connection)."""


class SignatureError(RepositoryError):
    """Metadata is not signed by a trusted key, or the signature does not verify."""


class UntrustedPublisher(SignatureError):
    """Well-formed metadata signed by a key this PC does not trust (yet): which key, how to trust it."""


class RollbackError(RepositoryError):
    """The offered metadata contradicts what was already accepted (same version, other content)."""


class UnsafePath(RepositoryError):
    """A name would leave its folder (``..``, absolute path, symlink out, …)."""


class PublishError(TeachPointError):
    """Publishing found problems in the source folder; all of them are listed."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) found, nothing was published"
        super().__init__(head + ":\n" + "\n".join("  " + p for p in self.problems))


class ObjectStoreError(TeachPointError):
    """An S3-compatible object store refused or failed a request (bucket missing, server error)."""


class ObjectStoreAuthError(ObjectStoreError):
    """No credentials were found, or the object store refused them (wrong key, no permission)."""


class ObjectStoreUnreachable(ObjectStoreError):
    """The object store's endpoint could not be reached (wrong address, server down, offline)."""

    exit_code = 3


class BadObjectStoreUrl(UsageError):
    """An ``s3://BUCKET/PREFIX`` address or an ``--endpoint-url`` is malformed."""


def _mb(n: int) -> str:
    """Human size in MiB/GiB with one decimal."""
    if abs(n) >= 1 << 30:
        return f"{n / (1 << 30):.1f} GiB"
    return f"{n / (1 << 20):.1f} MiB"


class ReportError(TeachPointError):
    """A usage report (teachpoint.reports) cannot be read, verified or merged; nothing merged is lost."""


class ReportMalformed(ReportError):
    """A report file is truncated, not JSON, or lacks what a report must carry."""


class ReportTooLarge(ReportError):
    """A report file is larger than any report TeachPoint writes."""


class ReportVersionUnknown(ReportError):
    """A report in a format version this TeachPoint does not know (written by a newer one?)."""


class ReportSignatureError(ReportError):
    """A report's signature does not verify, or it is signed by another key than its PC's pinned one."""


class ContributionError(TeachPointError):
    """A teacher's own lesson cannot be added, removed or shared (issue 15); nothing was changed."""


class NotMediaFile(ContributionError):
    """A file offered as a lesson is not something a classroom PC can show (video, PDF, …)."""


class FileTooLarge(ContributionError):
    """A file is larger than the contribution cap or the free disk space; refused before copying."""


class DuplicateContribution(ContributionError):
    """The same file (same SHA-256) was contributed before."""


class ReviewError(TeachPointError):
    """The county's review queue refused an action or a contribution package (with the reason)."""
