"""Low-level pieces of reading a site configuration: forgiving TOML parsing, the line of a key,
and the small value parsers (sizes, language names) that the checker uses.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from datetime import date, datetime, time

MAX_SYNTAX_SKIPS = 20
_AT_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_CHINESE_PUNCT = "“”‘’＝：，［］｛｝＃"
_BACKSLASH_HINT = " (in a Windows path write / instead of \\, or use single quotes: 'D:\\课程')"


def parse_forgiving(text: str) -> tuple[dict, list[str]]:
    """Parse TOML; a line with a syntax error is skipped (a bad table header: with the lines of
    its table) and reported, and parsing goes on without it. Returns the document and the
    problems (``"line N: …"``); an error that cannot be pinned to a line gives ``{}``."""
    lines = text.split("\n")
    problems: list[str] = []
    for _ in range(MAX_SYNTAX_SKIPS):
        try:
            return tomllib.loads("\n".join(lines)), problems
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            at = _AT_RE.search(message)
            reason = _AT_RE.sub("", message)
            lineno = int(at[1]) if at else 0
            bad = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
            hint = " (use plain ASCII quotes, '=' and brackets, not Chinese ones)" \
                if any(c in bad for c in _CHINESE_PUNCT) else ""
            if "\\" in bad and "escape" in reason.lower():
                hint += _BACKSLASH_HINT
            where = f"line {lineno}: " if lineno else ""
            if not bad.strip():
                problems.append(f"{where}TOML syntax error: {reason}{hint} (an unclosed quote or "
                                "bracket above?); the file was not used")
                return {}, problems
            problems.append(f"{where}TOML syntax error: {reason}{hint}; {_skip(lines, lineno - 1)}")
    problems.append("too many syntax errors; the file was not used")
    return {}, problems


def _skip(lines: list[str], index: int) -> str:
    """Blank the bad line; a bad table header takes its table's lines with it."""
    if not lines[index].lstrip().startswith("["):
        lines[index] = ""
        return "this line was skipped"
    end = index + 1
    while end < len(lines) and not lines[end].lstrip().startswith("["):
        end += 1
    for i in range(index, end):
        lines[i] = ""
    return "this table header and the lines under it were skipped"


_HEADER_RE = re.compile(r"""^\s*(\[\[?)\s*([A-Za-z0-9_\-"' .]+?)\s*\]""")
_KEY_RE = re.compile(r"""^\s*([A-Za-z0-9_\-]+|"[^"]*"|'[^']*')\s*=""")


class Locator:
    """Line numbers of table headers and keys (tomllib gives none for parsed values)."""

    def __init__(self, text: str):
        self.entries: list[tuple[int, str | None, int | None, str | None]] = []
        table, index, counts = None, None, {}
        for n, line in enumerate(text.split("\n"), 1):
            key = _KEY_RE.match(line)
            header = None if key else _HEADER_RE.match(line)
            if header:
                table, index = header[2].strip().strip("\"'"), None
                if header[1] == "[[":
                    index = counts.get(table, 0)
                    counts[table] = index + 1
                self.entries.append((n, table, index, None))
            elif key:
                self.entries.append((n, table, index, key[1].strip("\"'")))

    def line_of(self, path: tuple) -> int | None:
        """``("language",)``, ``("bandwidth", "windows")``, ``("sources", 1, "location")`` …:
        the key's line, else its table's header, else the top-level key holding it."""
        top = path[0]
        index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
        key = path[-1] if len(path) > 1 and isinstance(path[-1], str) else None
        wanted = [(top, index, key)] if key else []
        wanted += [(top, index, None), (None, None, top)]
        for want in wanted:
            for n, table, idx, k in self.entries:
                if (table, idx, k) == want:
                    return n
        return None


def type_name(value) -> str:
    """How a TOML value's type reads in a message."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (datetime, date, time)):
        return "a date/time"
    return type(value).__name__


def closest(word: str, valid) -> str | None:
    found = difflib.get_close_matches(str(word).lower(), list(valid), n=1, cutoff=0.6)
    return found[0] if found else None


LANGUAGES = ("zh_CN", "en")


def normalise_language(value: str) -> str | None:
    """``"zh_CN"``, ``"zh-CN"``, ``"zh"``, ``"中文"``, ``"en"``, ``"en_US"`` … → one of
    :data:`LANGUAGES`, or None. (The same rule as ``teachpoint.ui.i18n``, without Qt.)"""
    key = value.strip().replace("-", "_").lower()
    if key.startswith("en") or key in ("english", "英文", "英语"):
        return "en"
    if key.startswith("zh") or key in ("中文", "汉语", "简体中文"):
        return "zh_CN"
    return None


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
MAX_FLOOR = 1 << 40


def parse_size(value) -> int:
    """``"2 GB"``, ``"500MB"``, ``"1.5 GiB"`` or ``0`` → bytes (1 KB = 1024 B). A number without
    a unit is refused (``2`` would be 2 bytes). ValueError with a message for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"must be a size like \"2 GB\", not {type_name(value)}")
    match = _SIZE_RE.match(str(value))
    if not match or (match[3] and not match[2] and match[3].lower() != "b"):
        raise ValueError(f"must be a size like \"2 GB\" or \"500 MB\", not {value!r}")
    n = int(float(match[1]) * _UNITS[match[2].lower()])
    if n and not (match[2] or match[3]):
        raise ValueError(f"needs a unit: write \"{value} GB\" or \"{value} MB\", not {value!r}")
    if n > MAX_FLOOR:
        raise ValueError(f"must be at most 1 TB, not {value!r}")
    return n
