"""``teachpoint diagnose --to FILE``: a diagnostics zip for IT staff (see teachpoint.ops.diagnostics)."""

from __future__ import annotations

from pathlib import Path

from teachpoint.cli.output import human_size


def register(sub, common) -> None:
    p = sub.add_parser("diagnose", parents=[common],
                       help="write a diagnostics zip for IT staff (versions, settings, logs, "
                            "catalogue summary, sync history, self-test; no pupil data)")
    p.add_argument("--to", required=True, metavar="FILE_OR_FOLDER",
                   help="the zip to write, or a folder (e.g. a USB stick) to write it into")
    p.add_argument("--no-selftest", action="store_true",
                   help="leave out the self-test (faster)")
    p.set_defaults(run=cmd_diagnose)


def cmd_diagnose(args, paths) -> int:
    from teachpoint.ops.diagnostics import write_diagnostics

    written = write_diagnostics(paths, Path(args.to).expanduser(), selftest=not args.no_selftest)
    print(f"diagnostics written to {written} ({human_size(written.stat().st_size)})")
    return 0
