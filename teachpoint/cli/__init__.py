"""The ``teachpoint`` command: the app by default, subcommands for IT staff and scripts.

This module is the one place that turns core exceptions into ``error: …`` lines and exit codes.
Every subcommand takes ``--data-dir`` (or ``TEACHPOINT_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import logging
import sys

from teachpoint import __version__
from teachpoint.cli import (
    diagnose_cmd, inbox_cmd, library_cmds, repo_cmds, serve_cmd, stick_cmds, sync_cmds)
from teachpoint.cli import broadcast_cmds, preseed_cmd
from teachpoint.errors import TeachPointError
from teachpoint.logsetup import LOG_FILE, SERVICE_LOG_FILE, setup_logging
from teachpoint.paths import resolve_data_dir

log = logging.getLogger(__name__)
EXIT_BUG = 70


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not overwrite a --data-dir given before it.
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="data directory (default: $TEACHPOINT_DATA_DIR or the user data dir)")
    parser = argparse.ArgumentParser(
        prog="teachpoint", parents=[common],
        description="TeachPoint: offline courseware for teaching points. Without a command, "
                    "opens the app.")
    parser.add_argument("--version", action="version", version=f"TeachPoint {__version__}")
    parser.add_argument("--selftest", action="store_true",
                        help="check this PC: catalogue, demo channel, player, data folder; "
                             "exit 0 only when all is well")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    library_cmds.register(sub, common)
    repo_cmds.register(sub, common)
    sync_cmds.register(sub, common)
    inbox_cmd.register(sub, common)
    stick_cmds.register(sub, common)
    serve_cmd.register(sub, common)
    diagnose_cmd.register(sub, common)
    preseed_cmd.register(sub, common)
    broadcast_cmds.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        paths = resolve_data_dir(getattr(args, "data_dir", None))
        # The sync service logs to its own file: two processes never rotate one file.
        setup_logging(paths.logs, file_name=SERVICE_LOG_FILE if args.command == "sync" else LOG_FILE)
        if args.selftest:
            from teachpoint.ops import selftest

            return selftest.main(paths)
        if args.command is None:
            from teachpoint.ui.app import run_app  # Qt only when the app is wanted

            return run_app(paths)
        return args.run(args, paths) or 0
    except TeachPointError as exc:
        log.info("command %s failed: %s", args.command, exc)
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into head/less that exited: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the traceback in the log, not on the teacher's screen
        log.exception("unexpected failure in %s", args.command)
        print(f"error: unexpected {exc.__class__.__name__}: {exc} (details in the log)", file=sys.stderr)
        return EXIT_BUG
