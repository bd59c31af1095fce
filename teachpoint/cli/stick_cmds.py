"""Subcommands for carrying lessons on a USB stick: inventory (offline PC) and export (connected PC).

The offline PC writes ``teachpoint inventory --to STICK``; the connected PC runs
``teachpoint export --to STICK --for STICK`` and fills exactly the gap; back at school,
``teachpoint import STICK`` installs it through the normal verified import path.
"""

from __future__ import annotations

from pathlib import Path

from teachpoint.cli.output import human_size, print_json, progress_done, progress_line
from teachpoint.sneakernet.export import export, give_plan
from teachpoint.sneakernet.inventory import find_inventories, read_inventory, write_inventory
from teachpoint.workspace import Workspace


def register(sub, common) -> None:
    p = sub.add_parser("inventory", parents=[common],
                       help="write what this PC holds and wants onto a stick (for 'export --for')")
    p.add_argument("--to", required=True, metavar="PATH",
                   help="a folder (the stick: writes PATH/_inventories/<pc-id>.json) or a file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_inventory)

    p = sub.add_parser("export", parents=[common],
                       help="write lessons onto a stick or folder as a repository collection")
    p.add_argument("--to", required=True, metavar="DIR", help="the stick's folder")
    p.add_argument("--for", dest="inventories", action="append", default=[], metavar="INVENTORY",
                   help="give only what this inventory lacks (a file, or a folder such as the "
                        "stick: every inventory in it); repeatable")
    p.add_argument("--grade", action="append", default=[], help="only this grade (repeatable)")
    p.add_argument("--subject", action="append", default=[], help="only this subject (repeatable)")
    p.add_argument("--prune", action="store_true",
                   help="remove files of these repositories on the stick that are no longer needed")
    p.add_argument("--large-files", action="store_true",
                   help="allow files over 4 GiB (the stick is exFAT/NTFS, not FAT32)")
    p.add_argument("--dry-run", action="store_true", help="only show what would be written")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export)


def cmd_inventory(args, paths) -> int:
    ws = Workspace(paths)
    try:
        path = write_inventory(ws, Path(args.to))
        size = path.stat().st_size
        if args.json:
            print_json({"path": str(path), "bytes": size})
        else:
            print(f"wrote the inventory of this PC to {path} ({human_size(size)})")
    finally:
        ws.close()
    return 0


def _progress(p) -> None:
    eta = f", {p.eta_s:.0f} s left" if p.eta_s else ""
    progress_line(f"{human_size(p.bytes_done)} of {human_size(p.bytes_total)} "
                  f"({p.files_done}/{p.files_total} files) at {human_size(p.speed_bps)}/s{eta}")


def cmd_export(args, paths) -> int:
    ws = Workspace(paths)
    try:
        inventories = [read_inventory(f) for loc in args.inventories for f in find_inventories(Path(loc))]
        plan = give_plan(ws, inventories or None, args.grade, args.subject)
        if args.dry_run:
            if args.json:
                print_json(plan.to_json())
            else:
                _print_plan(plan)
            return 0
        report = export(ws, plan, Path(args.to), prune=args.prune, large_files=args.large_files,
                        progress=None if args.json else _progress)
        progress_done()
    finally:
        ws.close()
    if args.json:
        print_json({"plan": plan.to_json(), **report.to_json()})
        return 0
    for r in report.repositories:
        extra = f", pruned {r.pruned_files} file(s)" if r.pruned_files else ""
        print(f"{r.repository} version {r.version}: copied {r.blobs_copied} file(s) "
              f"({human_size(r.bytes_copied)}), {r.blobs_already} already there, "
              f"{r.nodes_written} metadata file(s){extra}")
    for note in report.notes:
        print(f"note: {note}")
    for damaged in report.damaged:
        print(f"problem: {damaged}")
    speed = report.bytes_copied / report.seconds if report.seconds > 0 else 0
    print(f"exported to {report.destination}: {report.blobs_copied} file(s), "
          f"{human_size(report.bytes_copied)} in {report.seconds:.1f} s ({human_size(speed)}/s)")
    return 1 if report.damaged else 0


def _print_plan(plan) -> None:
    for t in plan.targets:
        print(f"for {t}")
    for r in plan.repositories:
        lacking = f"; {r.unavailable} file(s) needed are not on this PC either" if r.unavailable else ""
        print(f"{r.repository} version {r.version}: {r.lessons} lesson(s), {len(r.blobs)} file(s), "
              f"{human_size(r.bytes)}{lacking}")
    for note in plan.notes:
        print(f"note: {note}")
    print(f"total: {plan.lessons} lesson(s), {plan.blobs} file(s), {human_size(plan.bytes)}")
