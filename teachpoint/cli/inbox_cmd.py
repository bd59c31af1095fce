"""``teachpoint inbox``: the folder a satellite receiver fills; show, configure, scan now."""

from __future__ import annotations

import argparse
from pathlib import Path

from teachpoint.cli.output import human_size, print_json
from teachpoint.errors import UsageError
from teachpoint.sneakernet.inbox_config import get_inbox, set_inbox
from teachpoint.sneakernet.inbox import scan_inbox
from teachpoint.workspace import Workspace


def register(sub, common) -> None:
    p = sub.add_parser("inbox", parents=[common],
                       help="the satellite inbox folder: show, set, turn off, or scan it now")
    p.add_argument("--set", metavar="DIR", dest="folder", help="use DIR as the inbox")
    p.add_argument("--cleanup", action=argparse.BooleanOptionalAction, default=None,
                   help="delete files from the inbox once they are installed (default: off)")
    p.add_argument("--off", action="store_true", help="stop using an inbox")
    p.add_argument("--scan", action="store_true", help="import what has arrived, now")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_inbox)


def cmd_inbox(args, paths) -> int:
    if args.off and (args.folder or args.cleanup is not None):
        raise UsageError("--off cannot be combined with --set or --cleanup")
    ws = Workspace(paths)
    current = get_inbox(ws)
    if args.off:
        set_inbox(ws, None)
        current = None
        if not args.json:
            print("inbox turned off")
    elif args.folder or args.cleanup is not None:
        folder = Path(args.folder) if args.folder else (current.folder if current else None)
        if folder is None:
            raise UsageError("no inbox is set: give one with --set DIR")
        cleanup = args.cleanup if args.cleanup is not None else (current.cleanup if current else False)
        current = set_inbox(ws, folder, cleanup)
    if args.scan:
        if current is None:
            raise UsageError("no inbox is set: give one with --set DIR")
        ws.require_writable("import from the inbox")
        result = scan_inbox(ws, current.folder, cleanup=current.cleanup)
        if args.json:
            print_json({"inbox": _config_json(current), **result.to_json()})
        else:
            _print_scan(result)
        return 1 if result.problems else 0
    if args.json:
        print_json({"inbox": _config_json(current)})
    elif current is None:
        if not args.off:
            print("no inbox set (set one with: teachpoint inbox --set DIR)")
    else:
        there = "" if current.folder.is_dir() else " (not there yet)"
        print(f"inbox: {current.folder}{there}; cleanup {'on' if current.cleanup else 'off'}")
    return 0


def _config_json(config) -> dict | None:
    return None if config is None else {"folder": str(config.folder), "cleanup": config.cleanup}


def _print_scan(result) -> None:
    for repo in result.repositories:
        name = f"{repo.repository} version {repo.version}" if repo.repository else repo.location
        head = f"{name}: {repo.state}"
        if repo.report is not None and repo.report.metadata_applied:
            head += f", {repo.report.changes_zh()}"
        if repo.files_installed:
            head += f", installed {repo.files_installed} file(s), {human_size(repo.bytes_installed)}"
        if repo.deleted:
            head += f", removed {repo.deleted} file(s) from the inbox"
        said = any(repo.reason and repo.reason in p for p in result.problems)
        print(head + (f" — {repo.reason}" if repo.reason and not said else ""))
    if not result.repositories:
        for why in result.waiting:
            print(f"waiting: {why}")
    for problem in result.problems:
        print(f"problem: {problem}")
