"""Files the publisher makes for one catalogue row: UTF-8 subtitles and the PDF of an office file.

Both write into the publish run's scratch folder and return the path to ship (or an unchanged
:class:`FileRef` from the previous version), recording a ``catalogue.csv:LINE: column: …``
problem instead when the source file is unusable.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from teachpoint.fsutil import atomic_write
from teachpoint.library.model import FileRef
from teachpoint.library.subtitles import MAX_SUBTITLE_BYTES, SubtitleError, is_plain_utf8, to_utf8
from teachpoint.publish import office

log = logging.getLogger(__name__)

OFFICE_KINDS = ("slides", "document")


def subtitle_ref(path: Path, rel: str, scratch: Path, where: str, problems: list) -> Path | None:
    """``path`` if it is UTF-8 already, else a UTF-8 copy of it in ``scratch``; None if not text."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SUBTITLE_BYTES + 1)
        if is_plain_utf8(data) and data.strip():
            return path
        utf8, encoding = to_utf8(data)
    except SubtitleError as exc:
        problems.append(f"{where}: subtitles: {rel}: {exc}")
        return None
    except OSError as exc:
        problems.append(f"{where}: subtitles: cannot read {rel}: {exc.strerror or exc}")
        return None
    target = scratch / "subtitles" / f"{hashlib.sha256(data).hexdigest()}{path.suffix.lower()}"
    atomic_write(target, utf8)
    log.info("subtitle %s read as %s, shipped as UTF-8", rel, encoding)
    return target


def office_pdf(kind: str, main: Path, main_ref: FileRef, same, scratch: Path, where: str,
               problems: list) -> Path | FileRef | None:
    """The PDF rendering of an office document (reused when the document is unchanged)."""
    if kind not in OFFICE_KINDS or not office.needs_pdf(main):
        return None
    old = next((f for f in same.files if f.role == "attachment"
                and f.media_type == office.PDF_MEDIA_TYPE), None) if same else None
    if old:
        return old
    try:
        return office.convert_to_pdf(main, scratch / "pdf" / main_ref.sha256)
    except office.ConversionError as exc:
        problems.append(f"{where}: file: {exc}")
        return None
