"""Reading and checking one site configuration file (``teachpoint-site.toml``), applying nothing.

:func:`read_site_config` turns a file into a :class:`SiteFile`: the settings that are valid, and a
list of problems, each a line a person can act on ("line 12: unknown key 'bandwith' (did you mean
'bandwidth'?)"). Nothing raises for a bad file: a missing, huge, binary or non-UTF-8 file, a TOML
syntax error (the bad line, or a bad table header with its table, is skipped and the rest is
read), an unknown key, a wrong type, a missing or wrong key file, an unreachable folder, a bad
time window, an unknown grade or subject: each becomes a problem and the rest stays usable.

Values are checked with the same functions the command line uses (source locations and names,
key files and repository scopes, bandwidth windows, grades and subjects), so the two agree.
The format is described in ``docs/site-config.md``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.errors import TeachPointError
from teachpoint.library.curriculum import parse_edition, parse_grade, parse_subject
from teachpoint.site.text import (
    Locator, closest, normalise_language, parse_forgiving, parse_size, type_name)
from teachpoint.repo import keys
from teachpoint.sync.schedule import Bandwidth, Subscriptions, parse_window
from teachpoint.library.source_list import (
    NAME_RE, check_folder_readable, default_name, normalise_location)
from teachpoint.repo.trust import _check_repos
from teachpoint.library.settings import LOCKABLE, PinProblem, check_pin

MAX_FILE_BYTES = 256 * 1024  # a real site configuration is a few KB
IT_PIN = "it_pin"  # the PIN of the IT lock in 设置 (a setting, not lockable: IT set it)
SETTINGS = (*LOCKABLE, IT_PIN)  # every setting a file can set, in the order they are applied
TOP_KEYS = (*SETTINGS, "lock")
TABLE_KEYS = {
    "sources": ("name", "location"),
    "trust": ("key_file", "name", "repositories"),
    "bandwidth": ("limit_kbit", "windows"),
    "subscriptions": ("grades", "subjects"),
    "inbox": ("folder", "cleanup"),
    "classes": ("grade", "subject", "edition"),
}
LIST_SECTIONS = ("sources", "trust", "classes")  # [[name]] tables; each entry stands alone


@dataclass(frozen=True)
class SourceSpec:
    name: str
    location: str  # normalised: a URL ending in "/" or an absolute folder path


@dataclass(frozen=True)
class TrustSpec:
    key: keys.PublicKey
    name: str  # the name the key is trusted under
    repos: tuple[str, ...] | None  # None: any repository


@dataclass(frozen=True)
class InboxSpec:
    folder: Path
    cleanup: bool


@dataclass(frozen=True)
class ClassSpec:
    grade: int
    subject: str
    edition: str


@dataclass(frozen=True)
class Problem:
    section: str | None  # the LOCKABLE name it concerns; None for the file as a whole or 'lock'
    text: str


@dataclass
class SiteFile:
    """What one file says: valid values by section name, the sections it mentions, its problems."""

    path: Path
    digest: str = ""  # SHA-256 of the file's bytes ("" if it could not be read)
    values: dict[str, object] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # sections the file sets (valid or not)
    lock: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)


def read_site_config(path: Path) -> SiteFile:
    """Read, parse and check ``path``; never raises for a bad file, never writes anything."""
    path = Path(path)
    out = SiteFile(path)
    data = _read_bytes(path, out)
    if data is None:
        return out
    out.digest = hashlib.sha256(data).hexdigest()
    text = _decode(data, out)
    if text is None:
        return out
    doc, syntax = parse_forgiving(text)
    out.problems += [Problem(None, p) for p in syntax]
    if not doc:
        if not out.problems:
            out.problems.append(Problem(None, "the file has no settings (only comments or blank "
                                              "lines): nothing to apply"))
        return out
    _Checker(out, text, path.absolute().parent).check(doc)
    return out


# ---- bytes → text → TOML --------------------------------------------------------------------------


def _read_bytes(path: Path, out: SiteFile) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return _fail(out, "the file does not exist")
    except IsADirectoryError:
        return _fail(out, "this is a folder, not a site configuration file")
    except OSError as exc:
        return _fail(out, f"cannot read the file: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return _fail(out, f"the file is too large to be a site configuration (over "
                          f"{MAX_FILE_BYTES // 1024} KB); is it the right file?")
    if not data.strip():
        return _fail(out, "the file is empty: nothing to apply")
    if b"\x00" in data:
        return _fail(out, "this is a binary file, not a text site configuration")
    return data


def _decode(data: bytes, out: SiteFile) -> str | None:
    try:
        return data.decode("utf-8-sig")  # Windows Notepad may add a byte order mark: fine
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return _fail(out, f"line {line}: the file is not UTF-8 text (GBK/ANSI?); save it as UTF-8 "
                          "(Notepad: Save as → Encoding: UTF-8)")


def _fail(out: SiteFile, text: str) -> None:
    out.problems.append(Problem(None, text))
    return None


# ---- checking values ------------------------------------------------------------------------------


class _Bad(Exception):
    """One value is wrong: ``path`` says where, the message says what."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path


class _Checker:
    """Checks a parsed document into ``out.values`` / ``out.problems``."""

    def __init__(self, out: SiteFile, text: str, base: Path):
        self.out, self.base, self.loc = out, base, Locator(text)
        self.entry_checkers = {"sources": self._source, "trust": self._trust, "classes": self._class}

    def problem(self, section: str | None, path: tuple, message: str) -> None:
        line = self.loc.line_of(path)
        self.out.problems.append(Problem(section, f"line {line}: {message}" if line else message))

    def check(self, doc: dict) -> None:
        for key, value in doc.items():
            if key == "lock":
                self.out.lock = frozenset(self._lock(value))
            elif key in SETTINGS:
                self.out.present.add(key)
                self._section(key, value)
            else:
                self.problem(None, (key,), _unknown(key, TOP_KEYS, where=None))

    def _section(self, name: str, value) -> None:
        try:
            if name in LIST_SECTIONS:
                entries = self._entries(name, value)
                self.out.values[name] = entries
            else:
                self.out.values[name] = getattr(self, "_" + name)(value)
        except _Bad as bad:
            skipped = "" if name in LIST_SECTIONS else f"; '{name}' was not applied"
            self.problem(name, bad.path, f"{bad}{skipped}")
        except TeachPointError as exc:  # a checker function of the core said no
            self.problem(name, (name,), f"{exc}; '{name}' was not applied")

    def _entries(self, name: str, value) -> list:
        if isinstance(value, dict):
            raise _Bad((name,), f"write [[{name}]] (two brackets) for each entry of '{name}'")
        if not isinstance(value, list):
            raise _Bad((name,), f"'{name}' must be a list of [[{name}]] tables, not "
                                f"{type_name(value)}")
        out = []
        for i, entry in enumerate(value):
            try:
                table = self._table((name, i), entry)
                out.append(self.entry_checkers[name]((name, i), table))
            except _Bad as bad:
                self.problem(name, bad.path, f"{bad}; this entry was skipped")
            except TeachPointError as exc:
                self.problem(name, (name, i), f"{exc}; this entry was skipped")
        return out

    def _table(self, path: tuple, value) -> dict:
        name = path[0]
        if not isinstance(value, dict):
            raise _Bad(path, f"'{name}' must be a table ([{name}] with keys under it), not "
                             f"{type_name(value)}")
        for key in value:
            if key not in TABLE_KEYS[name]:
                raise _Bad((*path, key), _unknown(key, TABLE_KEYS[name], where=name))
        return value

    def _get(self, path: tuple, table: dict, key: str, kinds: tuple, required: bool = False,
             what: str = ""):
        if key not in table:
            if required:
                where = f"this [[{path[0]}]] entry" if len(path) > 1 else f"[{path[0]}]"
                raise _Bad(path, f"'{key}' is missing in {where}")
            return None
        value = table[key]
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise _Bad((*path, key), f"'{key}' must be {what}, not {type_name(value)}")
        return value

    def _folder(self, text: str, path: tuple) -> Path:
        if any(ord(c) < 32 for c in text):
            raise _Bad(path, "a path contains a control character: in a Windows path write / "
                           "instead of \\ (\"C:\\new\" means C:, a line break, ew), or use single "
                           "quotes: 'C:\\new'")
        folder = Path(os.path.expanduser(text))
        return folder if folder.is_absolute() else self.base / folder

    # -- top-level values --

    def _language(self, value) -> str:
        if not isinstance(value, str):
            raise _Bad(("language",), f"'language' must be text, not {type_name(value)}")
        language = normalise_language(value)
        if language is None:
            raise _Bad(("language",), f"unknown language {value!r}: use \"zh_CN\" (中文) or "
                                      "\"en\" (English)")
        return language

    def _report_to(self, value) -> str:
        """The county's collection bucket for usage reports (``s3://BUCKET/PREFIX``)."""
        from teachpoint.transport.s3 import parse_s3_url  # boto3 only when the key is used

        if not isinstance(value, str):
            raise _Bad(("report_to",), f"'report_to' must be text (s3://BUCKET/PREFIX), not {type_name(value)}")
        return parse_s3_url(value.strip()).url

    def _large_text(self, value) -> bool:
        if not isinstance(value, bool):
            raise _Bad(("large_text",), f"'large_text' must be true or false, not "
                                        f"{type_name(value)}")
        return value

    def _it_pin(self, value) -> str:
        """The PIN of the IT lock as text of 4 to 12 digits (a bare number would lose a leading 0)."""
        if isinstance(value, int) and not isinstance(value, bool):
            raise _Bad((IT_PIN,), "'it_pin' must be written in quotes (\"0427\"), or a leading 0 "
                                  "would be lost")
        try:
            return check_pin(value)
        except PinProblem:
            shown = repr(value[:20]) if isinstance(value, str) else type_name(value)
            raise _Bad((IT_PIN,), f"'it_pin' must be 4 to 12 digits in quotes, like \"4827\", "
                                  f"not {shown}") from None

    def _storage_floor(self, value) -> int:
        try:
            return parse_size(value)
        except ValueError as exc:
            raise _Bad(("storage_floor",), f"'storage_floor' {exc}") from None

    def _lock(self, value) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(None, ("lock",), "'lock' must be a list of names like "
                                          "[\"sources\", \"trust\"], not " + type_name(value))
            return []
        out = []
        for name in value:
            if name in LOCKABLE:
                out.append(name)
            else:
                self.problem(None, ("lock",), _unknown(name, LOCKABLE, None, noun="lock name"))
        return out

    # -- tables --

    def _bandwidth(self, value) -> Bandwidth:
        table = self._table(("bandwidth",), value)
        limit = table.get("limit_kbit")
        if limit == "unlimited":
            limit = None
        elif limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
            raise _Bad(("bandwidth", "limit_kbit"), "'limit_kbit' must be a number of kbit/s or "
                                                    f"\"unlimited\", not {type_name(limit)}")
        windows = self._get(("bandwidth",), table, "windows", (list,),
                            what="a list like [\"mon-fri 08:00-17:00 256\"]") or []
        parsed = self._each("bandwidth", ("bandwidth", "windows"), windows, parse_window, (str,),
                            "text like \"mon-fri 08:00-17:00 256\"")
        try:
            return Bandwidth(Bandwidth.from_json({"limit_kbit": limit}).limit_kbit, parsed)
        except TeachPointError as exc:
            raise _Bad(("bandwidth", "limit_kbit"), str(exc)) from None

    def _each(self, section: str, path: tuple, items: list, parse, kinds: tuple, what: str) -> list:
        """``parse`` every item; all bad items are reported (the last one raises)."""
        out, bad = [], []
        for item in items:
            try:
                if not isinstance(item, kinds) or isinstance(item, bool):
                    raise _Bad(path, f"each item of '{path[-1]}' must be {what}, not {type_name(item)}")
                out.append(_at(path, parse, item))
            except _Bad as exc:
                bad.append(exc)
        for exc in bad[:-1]:
            self.problem(section, exc.path, f"{exc}; '{section}' was not applied")
        if bad:
            raise bad[-1]
        return out

    def _subscriptions(self, value) -> Subscriptions:
        table = self._table(("subscriptions",), value)
        lists, bad = {}, []
        for key, parse, what, example in (("grades", parse_grade, "a grade", "三年级"),
                                          ("subjects", parse_subject, "a subject", "语文")):
            what = f"{what} like \"{example}\""
            try:
                items = self._get(("subscriptions",), table, key, (list,),
                                  what=f"a list like [\"{example}\"]") or []
                self._each("subscriptions", ("subscriptions", key), items, parse, (str, int), what)
                lists[key] = items
            except _Bad as exc:  # check the subjects too before giving up
                bad.append(exc)
        for exc in bad[:-1]:
            self.problem("subscriptions", exc.path, f"{exc}; 'subscriptions' was not applied")
        if bad:
            raise bad[-1]
        return Subscriptions.from_values(lists["grades"], lists["subjects"])

    def _inbox(self, value) -> InboxSpec:
        table = self._table(("inbox",), value)
        text = self._get(("inbox",), table, "folder", (str,), required=True, what="a folder path")
        cleanup = self._get(("inbox",), table, "cleanup", (bool,), what="true or false")
        folder = self._folder(text, ("inbox", "folder"))
        # The receiver may create the inbox itself, but the drive it is on must be there.
        if folder.exists() or not folder.parent.is_dir():
            _at(("inbox", "folder"), check_folder_readable, str(folder))
        return InboxSpec(folder, bool(cleanup))

    def _source(self, path: tuple, table: dict) -> SourceSpec:
        text = self._get(path, table, "location", (str,), required=True,
                         what="a URL (http://…) or a folder path")
        name = self._get(path, table, "name", (str,), what="text")
        if text.strip() and "://" not in text:
            text = str(self._folder(text.strip(), (*path, "location")))
        location = _at((*path, "location"), normalise_location, text)
        if not location.startswith(("http://", "https://")):
            _at((*path, "location"), check_folder_readable, location)
        name = (name or default_name(location)).strip()
        if not NAME_RE.match(name):
            raise _Bad((*path, "name"), f"bad source name {name!r}: up to 64 characters, no "
                                        "spaces or slashes")
        return SourceSpec(name, location)

    def _trust(self, path: tuple, table: dict) -> TrustSpec:
        text = self._get(path, table, "key_file", (str,), required=True,
                         what="the path of a publisher's .pub file")
        name = self._get(path, table, "name", (str,), what="text")
        repos = self._get(path, table, "repositories", (list,),
                          what="a list of repository names like [\"county\"]")
        if repos is not None and not all(isinstance(r, str) for r in repos):
            raise _Bad((*path, "repositories"), "'repositories' must list names as text, like "
                                                "[\"county\"]")
        key = _at((*path, "key_file"), keys.load_public_key, self._folder(text, (*path, "key_file")))
        name = _at((*path, "name"), keys.check_name, name if name is not None else key.name)
        return TrustSpec(key, name or key.key_id, _at((*path, "repositories"), _check_repos, repos))

    def _class(self, path: tuple, table: dict) -> ClassSpec:
        grade = self._get(path, table, "grade", (str, int), required=True, what="a grade like "
                                                                                "\"三年级\"")
        subject = self._get(path, table, "subject", (str,), required=True, what="a subject like "
                                                                                "\"语文\"")
        edition = self._get(path, table, "edition", (str,), what="an edition like \"统编版\"")
        return ClassSpec(_at((*path, "grade"), parse_grade, grade),
                         _at((*path, "subject"), parse_subject, subject), parse_edition(edition or ""))


def _at(path: tuple, check, value):
    """``check(value)``; a core checker's refusal becomes a problem pinned to ``path``."""
    try:
        return check(value)
    except TeachPointError as exc:
        raise _Bad(path, str(exc)) from None


def _unknown(key: str, valid, where: str | None, noun: str = "key") -> str:
    inside = "" if not where else f" in [[{where}]]" if where in LIST_SECTIONS else f" in [{where}]"
    guess = closest(key, valid)
    hint = f" (did you mean '{guess}'?)" if guess else ""
    home = None if where or noun != "key" else \
        next((t for t, names in TABLE_KEYS.items() if key in names), None)
    if not guess and home:
        hint = f" (it belongs under [{home}])" if home not in LIST_SECTIONS else \
            f" (it belongs under [[{home}]])"
    return f"unknown {noun} {key!r}{inside}{hint}; valid: {', '.join(valid)}"
