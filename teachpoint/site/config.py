"""The site configuration ("preseed"): settings IT staff ship with TeachPoint for a school's PCs.

A TOML file named ``teachpoint-site.toml`` (format: ``docs/site-config.md``) sets the sources,
trusted publisher keys, bandwidth cap and windows, subscriptions, storage floor, satellite inbox,
language, text size and "my classes", and can lock some of them so teachers cannot change them.
``it_pin`` sets the PIN that guards the IT sections of 设置 (stored hashed, put back at each start).

Where it is looked for (:func:`find_site_configs`), highest precedence first:

1. ``$TEACHPOINT_SITE_CONFIG`` (IT overrides, tests);
2. next to the executable of a bundled TeachPoint (``teachpoint-site.toml`` beside ``teachpoint.exe``);
3. the platformdirs site config directory (``/etc/xdg/TeachPoint`` on Linux,
   ``C:\\ProgramData\\TeachPoint`` on Windows).

All files found are used, merged setting by setting: for each setting (``language``, ``sources``,
``[bandwidth]`` …) the file of highest precedence that sets it wins, whole; ``lock`` lists add up.

When it is applied (:func:`apply_site_config`, called once each time a
:class:`~teachpoint.workspace.Workspace` opens — the app, the sync service and every command):

* when the files are new or changed (their SHA-256, remembered in the setting ``site.applied``,
  differs), every valid setting is applied;
* on every start, the locked settings are applied again (a teacher's change is put back), and
  so are settings that had a problem last time (a folder on a drive that was not plugged in);
* the lock list is written to ``site.locked`` (the UI disables those settings).

Applying never removes anything: sources, trusted keys and classes are added (or corrected),
never deleted; bandwidth, subscriptions, inbox, floor, language and text size are replaced.
Teacher data (progress, bookmarks) is never touched. A bad file never stops the app: each
problem is reported (:class:`SiteReport`, logged as a warning) and the valid rest is applied.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from teachpoint.paths import APP_NAME
from teachpoint.site.apply import APPLIERS
from teachpoint.site.file import IT_PIN, SETTINGS, SiteFile, read_site_config
from teachpoint.library.settings import LOCKABLE, PIN_BY_SITE, SETTING_LOCKED, it_pin_record

log = logging.getLogger(__name__)

ENV_SITE_CONFIG = "TEACHPOINT_SITE_CONFIG"
FILE_NAME = "teachpoint-site.toml"
SETTING_APPLIED = "site.applied"  # {"digest": sha256 of the files, "retry": [settings]}


@dataclass
class SiteReport:
    """What applying the site configuration did at this start."""

    files: list[Path] = field(default_factory=list)  # the files used, highest precedence first
    problems: list[str] = field(default_factory=list)  # each a line for a person, with its file
    applied: list[str] = field(default_factory=list)  # what changed, e.g. "added source 县服务器"
    locked: list[str] = field(default_factory=list)  # the LOCKABLE names locked now

    @property
    def ok(self) -> bool:
        return not self.problems


def candidate_paths() -> list[Path]:
    """Every place a site configuration may be, highest precedence first (existing or not)."""
    out = []
    override = os.environ.get(ENV_SITE_CONFIG, "").strip()
    if override:
        out.append(Path(override).expanduser())
    if getattr(sys, "frozen", False):
        out.append(Path(sys.executable).parent / FILE_NAME)
    out.append(Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / FILE_NAME)
    return list(dict.fromkeys(p.absolute() for p in out))


def find_site_configs() -> list[Path]:
    """The site configuration files present, highest precedence first."""
    return [p for p in candidate_paths() if _exists(p)]


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. permission denied on the folder: report it when reading
        return True


def _missing_override() -> list[str]:
    override = os.environ.get(ENV_SITE_CONFIG, "").strip()
    if override and not _exists(Path(override).expanduser()):
        return [f"{ENV_SITE_CONFIG} names {override}, which does not exist"]
    return []


def check_file(path: Path) -> list[str]:
    """Problems of one site configuration file (empty: valid). Reads only; changes nothing."""
    return [p.text for p in read_site_config(Path(path)).problems]


def check_found_configs() -> tuple[list[Path], list[str]]:
    """The files found and their problems (``"FILE: line N: …"``), for ``--selftest``."""
    paths = find_site_configs()
    problems = _missing_override()
    for path in paths:
        problems += [f"{path}: {p}" for p in check_file(path)]
    return paths, problems


@dataclass
class _Merged:
    values: dict[str, object] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    troubled: set[str] = field(default_factory=set)  # settings whose winning file had a problem
    lock: set[str] = field(default_factory=set)


def _merge(files: list[SiteFile]) -> _Merged:
    merged = _Merged()
    for f in files:  # highest precedence first: the first file that sets a setting wins
        merged.lock |= f.lock
        for name in f.present - merged.present:
            merged.present.add(name)
            if name in f.values:
                merged.values[name] = f.values[name]
            if any(p.section == name for p in f.problems):
                merged.troubled.add(name)
    return merged


def _digest(files: list[SiteFile]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.path}\0{f.digest}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def apply_site_config(ws, paths: list[Path] | None = None, force: bool = False) -> SiteReport:
    """Apply the site configuration to workspace ``ws`` (see the module docstring).

    ``paths`` defaults to :func:`find_site_configs`; ``force`` applies every setting even if the
    files did not change (``teachpoint preseed --apply``). Never raises.
    """
    report = SiteReport()
    try:
        _apply(ws, paths, force, report)
    except Exception as exc:  # a bug here must never keep the app or the service from starting
        log.exception("applying the site configuration failed")
        report.problems.append(f"applying the site configuration failed: {exc.__class__.__name__}: "
                               f"{exc} (details in the log)")
    for problem in report.problems:
        log.warning("site configuration: %s", problem)
    for change in report.applied:
        log.info("site configuration: %s", change)
    return report


def _apply(ws, paths, force: bool, report: SiteReport) -> None:
    if paths is None:
        paths = find_site_configs()
        report.problems += _missing_override()
    files = [read_site_config(Path(p)) for p in paths]
    report.files = [f.path for f in files]
    for f in files:
        report.problems += [f"{f.path}: {p.text}" for p in f.problems]
    merged = _merge(files)
    report.locked = [name for name in LOCKABLE if name in merged.lock]
    if ws.read_only:
        if files:
            report.problems.append(f"the data directory {ws.paths.root} is read-only: the site "
                                   "configuration was not applied")
        return
    state = _load_state(ws)
    digest = _digest(files)
    if force or state.get("digest") != digest:
        wanted = set(merged.present)
    else:  # a site PIN removed from the catalogue is put back at the next start
        pin_gone = {IT_PIN} if _site_pin_missing(ws) else set()
        wanted = merged.present & (merged.lock | set(state.get("retry", [])) | pin_gone)
    retry = set(merged.troubled)
    for name in SETTINGS:
        if name not in wanted or name not in merged.values:
            continue
        before = len(report.problems)
        try:
            APPLIERS[name](ws, merged.values[name], report.applied, report.problems)
        except Exception as exc:  # one setting failing must not stop the others
            log.exception("applying the site setting %s failed", name)
            report.problems.append(f"could not apply '{name}': {exc}")
        if len(report.problems) > before:
            retry.add(name)
    new_state = {"digest": digest, "retry": sorted(retry)}
    if new_state != state and (files or state):  # no file ever: write nothing
        ws.set_setting(SETTING_APPLIED, json.dumps(new_state))
    locked = json.dumps(sorted(merged.lock))
    if ws.setting(SETTING_LOCKED, "[]") != locked:
        ws.set_setting(SETTING_LOCKED, locked)


def _site_pin_missing(ws) -> bool:
    record = it_pin_record(ws.catalogue)
    return record is None or record.get("by") != PIN_BY_SITE


def _load_state(ws) -> dict:
    try:
        state = json.loads(ws.setting(SETTING_APPLIED, "{}"))
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}
