"""What ``add_contribution`` checks before anything is copied: names, the curriculum place, the
files (are they media, do they fit the cap and the disk).

Every refusal is a typed error (:mod:`teachpoint.errors`) with a message for people; nothing is
written before all checks passed.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from teachpoint.errors import FileTooLarge, NotEnoughSpace, NotMediaFile, UsageError
from teachpoint.library.curriculum import parse_edition, parse_grade, parse_subject, parse_volume
from teachpoint.library.model import Position
from teachpoint.publish import media
from teachpoint.publish.media_types import subtitle_language

MAX_FILE_BYTES = 8 << 30  # a phone's hour of 1080p is ~4 GiB; a lesson larger than 8 GiB is a mistake
MAX_FILES = 16
MAX_TITLE = 200
MAX_TEACHER = 40
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f/\\]")  # control characters and path separators


@dataclass(frozen=True)
class OfferedFile:
    """A file the teacher picked, checked: its path, size, kind and (for subtitles) language."""

    path: Path
    size: int
    kind: str
    role: str = "main"  # or "subtitle"
    language: str = ""


def clean_text(value: str | None, what: str, limit: int, required: bool = True) -> str:
    """``value`` with outer spaces removed; UsageError for control characters, ``/`` or ``\\``."""
    text = " ".join((value or "").split()) if not _FORBIDDEN.search(value or "") else None
    if text is None:
        raise UsageError(f"the {what} {value!r} contains a path separator or a control character")
    if required and not text:
        raise UsageError(f"the {what} is empty")
    if len(text) > limit:
        raise UsageError(f"the {what} is longer than {limit} characters")
    return text


def placement(grade, subject, edition=None, volume=None, unit=None, lesson=None) -> Position:
    """The curriculum place; :class:`UnknownCurriculumValue` (listing the valid ones) if unknown."""
    g = parse_grade(grade)
    s = parse_subject(str(subject))
    ed = parse_edition(clean_text(edition, "edition", 80, False)) if edition else ""
    vol = parse_volume(clean_text(volume, "volume", 80, False)) if volume else ""
    un = clean_text(unit, "unit", 200, False) if unit else ""
    if lesson in (None, ""):
        n = 0
    else:
        try:
            n = int(lesson)
        except (TypeError, ValueError):
            raise UsageError(f"the lesson number must be a whole number, not {lesson!r}") from None
        if not 0 <= n <= 100_000:
            raise UsageError(f"the lesson number {n} is out of range (0–100000)")
    return Position(g, s, ed, vol, un, n)


def offered_files(files, subtitles=None) -> list[OfferedFile]:
    """The picked files (lesson files first, then subtitles), each a regular file with a plain
    name, at most :data:`MAX_FILE_BYTES`, and media a classroom PC can show."""
    files = [Path(f) for f in ([files] if isinstance(files, (str, os.PathLike)) else files)]
    subs = [Path(f) for f in ([subtitles] if isinstance(subtitles, (str, os.PathLike)) else subtitles or [])]
    if not files:
        raise UsageError("pick at least one file for the lesson")
    if len(files) + len(subs) > MAX_FILES:
        raise UsageError(f"at most {MAX_FILES} files make one lesson")
    out = [_checked(p, "main") for p in files]
    out += [_checked(p, "subtitle") for p in subs]
    return out


def _checked(path: Path, role: str) -> OfferedFile:
    clean_text(path.name, "file name", 255)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise NotMediaFile(f"{path.name} is not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise FileTooLarge(f"{path.name} is {st.st_size / (1 << 30):.1f} GB; a lesson file may be at "
                           f"most {MAX_FILE_BYTES >> 30} GB (cut or compress it first)")
    if st.st_size == 0:
        raise NotMediaFile(f"{path.name} is empty")
    if role == "subtitle":
        return OfferedFile(path, st.st_size, "subtitle", role, subtitle_language(path))
    kind = media.content_kind(path)
    problem = media.looks_like_media(path, kind) if kind != "other" else \
        "not a video, audio, picture, PDF or slides file this PC can show"
    if problem:
        raise NotMediaFile(f"{path.name}: {problem}")
    return OfferedFile(path, st.st_size, kind)


def check_space(store, offered: list[OfferedFile]) -> None:
    """Refuse before copying when the files would not fit above the store's free-space floor."""
    total = sum(f.size for f in offered)
    try:
        store.check_space(total)
    except NotEnoughSpace as exc:
        raise FileTooLarge(f"the lesson's files ({total / (1 << 20):.0f} MB) do not fit on this "
                           f"PC: {exc}") from exc
