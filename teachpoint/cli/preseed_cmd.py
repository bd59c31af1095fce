"""``teachpoint preseed``: check a site configuration file, show which ones this PC uses, apply.

``--check FILE`` reads one file and changes nothing (not even the data directory); without
options the command lists where site configurations are looked for and checks those found;
``--apply`` applies every setting now, as on a first start.
"""

from __future__ import annotations

from pathlib import Path

from teachpoint.cli.output import human_size, print_json
from teachpoint.library.curriculum import grade_name
from teachpoint.site.config import (
    apply_site_config, candidate_paths, check_found_configs, find_site_configs)
from teachpoint.site.file import read_site_config
from teachpoint.library.settings import LOCKABLE
from teachpoint.workspace import Workspace


def register(sub, common) -> None:
    p = sub.add_parser("preseed", parents=[common],
                       help="the site configuration (teachpoint-site.toml): check, show, apply")
    p.add_argument("--check", metavar="FILE",
                   help="check FILE without applying it (exit 0: valid, 1: problems)")
    p.add_argument("--apply", action="store_true",
                   help="apply every setting of the site configuration now, not only locked ones")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_preseed)


def cmd_preseed(args, paths) -> int:
    if args.check:
        return _check(Path(args.check), args.json)
    if args.apply:
        return _apply(paths, args.json)
    return _show(args.json)


def _check(path: Path, as_json: bool) -> int:
    site = read_site_config(path)
    problems = [p.text for p in site.problems]
    settings = describe(site.values, site.lock)
    if as_json:
        print_json({"file": str(path), "ok": not problems, "problems": problems,
                    "settings": settings})
        return 0 if not problems else 1
    for line in settings:
        print(f"  {line}")
    for problem in problems:
        print(f"problem: {problem}")
    print(f"{path}: OK" if not problems else f"{path}: {len(problems)} problem(s); the valid "
                                                "settings would still be applied")
    return 0 if not problems else 1


def _show(as_json: bool) -> int:
    found, problems = check_found_configs()
    if as_json:
        print_json({"looked_in": [str(p) for p in candidate_paths()],
                    "found": [str(p) for p in found], "problems": problems})
        return 0 if not problems else 1
    print("site configuration files, highest precedence first:")
    for path in candidate_paths():
        print(f"  {path}  ({'found' if path in found else 'not there'})")
    for problem in problems:
        print(f"problem: {problem}")
    if found and not problems:
        print("OK: no problems")
    return 0 if not problems else 1


def _apply(paths, as_json: bool) -> int:
    ws = Workspace(paths, apply_site=False)
    report = apply_site_config(ws, find_site_configs(), force=True)
    if as_json:
        print_json({"files": [str(p) for p in report.files], "applied": report.applied,
                    "locked": report.locked, "problems": report.problems})
        return 0 if report.ok else 1
    if not report.files:
        print("no site configuration file found (see: teachpoint preseed)")
    for change in report.applied:
        print(change)
    if report.files and not report.applied:
        print("nothing to change: this PC already has these settings")
    if report.locked:
        print(f"locked: {', '.join(report.locked)}")
    for problem in report.problems:
        print(f"problem: {problem}")
    return 0 if report.ok else 1


def describe(values: dict, lock) -> list[str]:
    """One line per setting a file sets, as it was understood."""
    lines = []
    for name in LOCKABLE:
        if name not in values:
            continue
        value = values[name]
        if name == "storage_floor":
            text = f"keep {human_size(value)} free"
        elif name == "large_text":
            text = "on" if value else "off"
        elif name == "sources":
            text = "; ".join(f"{s.name} = {s.location}" for s in value) or "(none valid)"
        elif name == "trust":
            text = "; ".join(f"{t.name} ({t.key.key_id}) for "
                             f"{', '.join(t.repos) if t.repos else 'any repository'}"
                             for t in value) or "(none valid)"
        elif name == "bandwidth":
            cap = f"{value.limit_kbit} kbit/s" if value.limit_kbit else "unlimited"
            text = "; ".join([cap, *(w.to_text() for w in value.windows)])
        elif name == "subscriptions":
            text = "everything" if value.everything else \
                f"{', '.join(grade_name(g) for g in value.grades) or 'all grades'}; " \
                f"{', '.join(value.subjects) or 'all subjects'}"
        elif name == "inbox":
            text = f"{value.folder} (cleanup {'on' if value.cleanup else 'off'})"
        elif name == "classes":
            text = "; ".join(f"{grade_name(c.grade)} {c.subject} {c.edition}".rstrip()
                             for c in value) or "(none valid)"
        else:
            text = str(value)
        lines.append(f"{name}: {text}")
    if lock:
        lines.append(f"locked: {', '.join(n for n in LOCKABLE if n in lock)}")
    return lines
