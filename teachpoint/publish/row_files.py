"""Files the publisher makes for catalogue rows: UTF-8 subtitles and the PDFs of office files.

:func:`subtitle_ref` returns the subtitle to ship (the file itself, or a UTF-8 copy in the publish
run's scratch folder). :class:`OfficePdfs` collects the office documents of a whole run and
converts them together, reusing the previous version's PDF of an unchanged document. Unusable
files become ``catalogue.csv:LINE: column: …`` problems.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
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


class OfficePdfs:
    """The PDFs to make for a publish run: rows are added while they are checked, then all
    documents are converted together (:func:`office.convert_many`) and attached to their rows."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.wanted: dict[str, Path] = {}  # sha256 of the document → its path
        self.rows: list[tuple[int, str, str]] = []  # (resource index, sha256, where)

    def reuse_or_add(self, kind: str, main: Path, main_ref: FileRef, same, index: int, where: str) -> FileRef | None:
        """The previous version's PDF of an unchanged document, or None (after queueing it if
        it is an office document that needs one)."""
        if kind not in OFFICE_KINDS or not office.needs_pdf(main):
            return None
        old = next((f for f in same.files if f.role == "attachment"
                    and f.media_type == office.PDF_MEDIA_TYPE), None) if same else None
        if old is None:
            self.wanted.setdefault(main_ref.sha256, main)
            self.rows.append((index, main_ref.sha256, where))
        return old

    def convert(self, problems: list) -> list[tuple[int, Path]]:
        """Convert every queued document; (resource index, PDF) pairs, problems for the rest."""
        if not self.wanted:
            return []
        made = office.convert_many(self.wanted, self.scratch / "pdf")
        done = []
        for index, sha, where in self.rows:
            result = made[sha]
            if isinstance(result, Path):
                done.append((index, _named(result, self.wanted[sha])))
            else:
                problems.append(f"{where}: file: {result}")
        return done


def _named(pdf: Path, document: Path) -> Path:
    """The PDF under the document's own name with ``.pdf`` (what the file entry shows)."""
    target = pdf.parent / pdf.stem / f"{document.stem}.pdf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, target)
    return target
