"""Read a publisher's ``catalogue.csv``: one row per resource, every problem reported at once.

Encoding: UTF-8 with or without BOM, else GB18030 (a superset of GBK, Chinese Excel's "CSV"
default). A file neither can decode, or with NUL bytes (binary junk, UTF-16 "Unicode text"), gives
one problem. Files over :data:`MAX_CSV_BYTES` are refused. The delimiter is ``,`` (``;`` or tab if
the header row has no comma); Excel's quoted cells, CRLF and a leading ``sep=,`` line are fine.
Quotes are read strictly: a row with a broken or unclosed quote is reported (never silently merged
with the rows after it) and reading goes on with the next line.

The header row is required. Column names are English or Chinese, case- and space-insensitive
(see :data:`COLUMNS`); ``file``, ``title``, ``grade`` and ``subject`` are required. Empty header
cells are ignored; unknown columns are ignored with a *note* (``CsvResult.notes``, logged as a
warning) rather than a problem, so a publisher's own bookkeeping columns do not block publishing.

Problems read ``catalogue.csv:LINE: column: problem`` where LINE is the physical line (header =
line 1) on which the row starts, so quoted multi-line cells do not shift later numbers. At most
:data:`MAX_PROBLEMS` are listed, followed by a count of the rest.

Ids: an explicit ``id`` column wins (letters, digits, ``. _ -``; at most 64). Otherwise the id is the
first 16 hex digits of SHA-256 over the canonical grade, subject, edition, volume, unit, lesson and
file path, so republishing the same row keeps its id (fixing a title typo keeps it too; moving or
renaming the file changes it — give an ``id`` column to keep ids across such moves). Two rows with
the same id are a problem reported on the second, naming the first.

Paths (file, subtitles, thumbnail) are returned relative with ``/`` separators; absolute paths,
drive letters, ``:`` and ``..`` are problems here. The publisher resolves them against SRC_DIR.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import UnknownCurriculumValue, UsageError
from teachpoint.library.curriculum import chinese_number, parse_edition, parse_grade, parse_subject, parse_volume
from teachpoint.library.model import KINDS, Origin

log = logging.getLogger(__name__)

MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_PROBLEMS = 1000
ENCODINGS = ("utf-8-sig", "gb18030")

# Canonical field → accepted header names (compared after NFKC, lower-casing, removing spaces/_).
COLUMNS: dict[str, tuple[str, ...]] = {
    "file": ("file", "文件", "文件名", "filename", "path", "文件路径"),
    "title": ("title", "标题", "名称", "课题"),
    "grade": ("grade", "年级"),
    "subject": ("subject", "学科", "科目"),
    "edition": ("edition", "版本", "教材版本"),
    "volume": ("volume", "册", "册次"),
    "unit": ("unit", "单元"),
    "lesson": ("lesson", "课次", "课", "课时"),
    "kind": ("kind", "type", "类型"),
    "subtitles": ("subtitles", "subtitle", "字幕"),
    "thumbnail": ("thumbnail", "缩略图", "封面"),
    "description": ("description", "简介", "说明", "描述"),
    "keywords": ("keywords", "keyword", "关键词", "关键字"),
    "id": ("id",),
}
REQUIRED = ("file", "title", "grade", "subject")
KIND_ALIASES = {
    "视频": "video", "音频": "audio", "文档": "document", "图片": "image",
    "课件": "slides", "幻灯片": "slides", "其他": "other", "其它": "other",
}
_ID_RE = re.compile(r"^[0-9A-Za-z_][0-9A-Za-z._-]{0,63}$")
_LIST_SPLIT = re.compile(r"[;；]")
_KEYWORD_SPLIT = re.compile(r"[;；、]")
_LESSON_RE = re.compile(r"^(?:第)?(\d+|[零〇一二两三四五六七八九十百]+)(?:课时|课)?$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_BINARY_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _q(text: str) -> str:
    """Quote a cell for a message: as typed (no doubled backslashes) unless it has control chars."""
    return repr(text) if _CONTROL_RE.search(text) else f"'{text}'"


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_\ufeff]+", "", unicodedata.normalize("NFKC", text).lower())


_HEADER_LOOKUP = {_norm_header(alias): f for f, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class CsvRow:
    """One resource as the publisher listed it (paths still relative to SRC_DIR)."""

    line: int
    id: str
    file: str
    title: str
    grade: int
    subject: str
    edition: str = ""
    volume: str = ""
    unit: str = ""
    lesson: int = 0
    kind: str | None = None  # None: the publisher sniffs it from the file
    subtitles: list[str] = field(default_factory=list)
    thumbnail: str | None = None
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    explicit_id: bool = False
    origin: Origin | None = None  # rows made by the review of a contribution (never from a CSV)


@dataclass
class CsvResult:
    rows: list[CsvRow] = field(default_factory=list)
    encoding: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings that do not block publishing

    @property
    def ok(self) -> bool:
        return not self.problems


def check_relative_path(text: str) -> str:
    """Normalise a path cell (``\\`` → ``/``, drop ``.`` and empty parts) or raise UsageError."""
    p = text.strip().replace("\\", "/")
    if not p:
        raise UsageError("empty path")
    if _CONTROL_RE.search(p):
        raise UsageError(f"path {_q(text)} contains control characters")
    if re.match(r"^[A-Za-z]:", p):
        raise UsageError(f"absolute path {_q(text)} (drive letter); give a path relative to the source folder")
    if p.startswith("/"):
        raise UsageError(f"absolute path {_q(text)}; give a path relative to the source folder")
    if ":" in p:
        raise UsageError(f"path {_q(text)} contains ':'")
    parts = [part for part in p.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise UsageError(f"path {_q(text)} leaves the source folder ('..')")
    if not parts:
        raise UsageError(f"path {_q(text)} names no file")
    return "/".join(parts)


def derive_id(grade: int, subject: str, edition: str, volume: str, unit: str, lesson: int, file: str) -> str:
    """The default stable id of a row (see module docstring)."""
    fields = [str(grade), subject, edition, volume, unit, str(lesson), file]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:16]


def read_catalogue_csv(path: Path) -> CsvResult:
    """Read and validate ``path``; never raises for bad content (see ``CsvResult.problems``)."""
    path = Path(path)
    label = path.name or "catalogue.csv"
    result = CsvResult()
    data = _read_bounded(path, label, result)
    if data is None:
        return result
    text = _decode(data, result)
    if text is None:
        result.problems.append(f"{label}: cannot read the text encoding (tried UTF-8 and GB18030)")
        return result
    _Parser(label, result).parse(text)
    if len(result.problems) > MAX_PROBLEMS:
        more = len(result.problems) - MAX_PROBLEMS
        result.problems[MAX_PROBLEMS:] = [f"{label}: … and {more} more problem(s) not shown"]
    for note in result.notes:
        log.warning("%s", note)
    return result


def _read_bounded(path: Path, label: str, result: CsvResult) -> bytes | None:
    """The file's bytes, or None with a problem (missing, not a file, too large, unreadable)."""
    too_large = f"{label}: the file is larger than {MAX_CSV_BYTES >> 20} MiB; split the catalogue"
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            result.problems.append(f"{label}: not a regular file")
            return None
        if st.st_size > MAX_CSV_BYTES:
            result.problems.append(too_large)
            return None
        with open(path, "rb") as fh:
            data = fh.read(MAX_CSV_BYTES + 1)
    except FileNotFoundError:
        result.problems.append(f"{label}: the file does not exist")
        return None
    except OSError as exc:
        result.problems.append(f"{label}: cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_CSV_BYTES:
        result.problems.append(too_large)
        return None
    return data


def _decode(data: bytes, result: CsvResult) -> str | None:
    if b"\x00" in data:  # binary junk, or UTF-16 "Unicode text" from Excel
        return None
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if len(_BINARY_RE.findall(text)) > len(text) // 200 + 2:
            return None  # decodes, but is full of control characters: not a spreadsheet
        result.encoding = "utf-8" if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf") else enc
        return text
    return None


def _delimiter(text: str) -> tuple[str, bool]:
    """The delimiter (from a ``sep=X`` line or the header row) and whether line 1 is ``sep=``."""
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    m = re.fullmatch(r"(?i)sep=(.)", first)
    if m:
        return m[1], True
    header = next((ln for ln in lines if ln.strip()), "")
    if "," in header or not ("\t" in header or ";" in header):
        return ",", False
    return ("\t" if "\t" in header else ";"), False


class _Parser:
    """Turns decoded text into rows and problems (one instance per file)."""

    def __init__(self, label: str, result: CsvResult):
        self.label, self.result = label, result
        self.ids: dict[str, int] = {}

    def problem(self, line: int | None, column: str | None, message: str) -> None:
        where = f"{self.label}:{line}" if line else self.label
        self.result.problems.append(f"{where}: {column}: {message}" if column else f"{where}: {message}")

    def parse(self, text: str) -> None:
        delimiter, skip_first = _delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header: list[str] | None = None
        columns: dict[str, int] = {}
        header_line = last = rows = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # a broken quote: report it, go on with the next line
                self.problem(last + 1, None, f"cannot read this row ({exc}); check its quotes (\")")
                if reader.line_num <= last:
                    break
                last = reader.line_num
                rows += 1
                continue
            start, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells) or (skip_first and start == 1):
                continue  # blank line, or Excel's "sep=," hint
            if header is None:
                header, header_line = [c.strip() for c in cells], start
                if self.read_header(header, start, columns):
                    return  # required columns missing: rows cannot be read
                continue
            rows += 1
            self.read_row(columns, header, cells, start)
        if header is None:
            self.problem(None, None, "the file is empty; a header row is required (file, title, grade, subject, …)")
        elif rows == 0:
            self.problem(header_line, None, "no resources listed (only the header row)")

    def read_header(self, header: list[str], line: int, columns: dict[str, int]) -> bool:
        """Fill ``columns`` (field → index); True if a required column is missing."""
        for i, name in enumerate(header):
            if not name:
                continue
            f = _HEADER_LOOKUP.get(_norm_header(name))
            if f is None:
                self.result.notes.append(f"{self.label}:{line}: {name}: unknown column, ignored")
            elif f in columns:
                self.problem(line, name, f"the same column appears twice (also as {header[columns[f]]!r})")
            else:
                columns[f] = i
        missing = [f for f in REQUIRED if f not in columns]
        for f in missing:
            self.problem(line, f, f"required column missing (name it {' or '.join(COLUMNS[f][:2])})")
        return bool(missing)

    def read_row(self, columns: dict[str, int], header: list[str], cells: list[str], line: int) -> None:
        before = len(self.result.problems)
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:
            self.problem(line, None, f"{len(cells)} cells but the header has {len(header)} columns; extra cells ignored")

        def cell(f: str) -> str:
            i = columns.get(f)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        def col(f: str) -> str:
            return header[columns[f]] if f in columns else f

        values = {f: cell(f) for f in COLUMNS}
        for f in REQUIRED:
            if not values[f]:
                self.problem(line, col(f), "missing value")
        title = " ".join(values["title"].split())
        if _CONTROL_RE.search(title):
            self.problem(line, col("title"), "contains control characters")

        file = self.path(values["file"], line, col("file")) if values["file"] else ""
        grade = self.curriculum(parse_grade, values["grade"], line, col("grade"))
        subject = self.curriculum(parse_subject, values["subject"], line, col("subject"))
        edition = parse_edition(values["edition"]) if values["edition"] else ""
        volume = parse_volume(values["volume"]) if values["volume"] else ""
        unit = " ".join(values["unit"].split())
        lesson = self.lesson(values["lesson"], line, col("lesson"))
        kind = self.kind(values["kind"], line, col("kind"))
        subtitles = [self.path(s, line, col("subtitles")) for s in _LIST_SPLIT.split(values["subtitles"]) if s.strip()]
        thumbnail = self.path(values["thumbnail"], line, col("thumbnail")) if values["thumbnail"] else None
        keywords = list(dict.fromkeys(k.strip() for k in _KEYWORD_SPLIT.split(values["keywords"]) if k.strip()))

        rid, explicit = values["id"], bool(values["id"])
        if explicit and not _ID_RE.match(rid):
            self.problem(line, col("id"), f"invalid id {_q(rid)} (use letters, digits, '.', '_', '-'; at most 64)")
            rid = ""
        elif not explicit and None not in (grade, subject, lesson) and file:
            rid = derive_id(grade, subject, edition, volume, unit, lesson, file)
        if rid in self.ids:
            if explicit:
                self.problem(line, col("id"), f"duplicate id {_q(rid)} (first used on line {self.ids[rid]})")
            else:
                self.problem(line, col("file"), f"same position and file as line {self.ids[rid]} "
                             f"(both get id {rid}); remove the repeat or add an id column")
        elif rid:
            self.ids[rid] = line
        if len(self.result.problems) > before:
            return
        description = values["description"].replace("\r\n", "\n").replace("\r", "\n")
        self.result.rows.append(CsvRow(
            line=line, id=rid, file=file, title=title, grade=grade, subject=subject,
            edition=edition, volume=volume, unit=unit, lesson=lesson or 0, kind=kind, subtitles=subtitles,
            thumbnail=thumbnail, description=description, keywords=keywords, explicit_id=explicit,
        ))

    def path(self, text: str, line: int, column: str) -> str:
        try:
            return check_relative_path(text)
        except UsageError as exc:
            self.problem(line, column, str(exc))
            return ""

    def curriculum(self, parse, text: str, line: int, column: str):
        if not text:
            return None
        try:
            return parse(text)
        except UnknownCurriculumValue as exc:
            hint = f" (did you mean {exc.suggestion}?)" if exc.suggestion else ""
            self.problem(line, column, f"unknown {exc.field} {_q(text)}{hint}")
        except UsageError as exc:
            self.problem(line, column, str(exc))
        return None

    def lesson(self, text: str, line: int, column: str) -> int | None:
        if not text:
            return 0
        m = _LESSON_RE.match(_norm_header(text))
        n = chinese_number(m[1]) if m else None
        if n is None:
            self.problem(line, column, f"lesson must be a whole number ≥ 0, not {_q(text)}")
        return n

    def kind(self, text: str, line: int, column: str) -> str | None:
        if not text:
            return None
        k = _norm_header(text)
        k = KIND_ALIASES.get(k, k)
        if k not in KINDS:
            valid = ", ".join(f"{e}/{c}" for e, c in zip(KINDS, ("视频", "音频", "文档", "图片", "课件", "其他")))
            self.problem(line, column, f"unknown kind {_q(text)} (valid: {valid})")
            return None
        return k
