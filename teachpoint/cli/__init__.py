"""The ``teachpoint`` command: the app by default, subcommands for IT staff and scripts.

This module is the one place that turns core exceptions into ``error: …`` lines and exit codes.
Every subcommand takes ``--data-dir`` (or ``TEACHPOINT_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from teachpoint import __version__
from teachpoint.errors import TeachPointError
from teachpoint.logsetup import LOG_FILE, SERVICE_LOG_FILE, setup_logging
from teachpoint.paths import resolve_data_dir

log = logging.getLogger(__name__)
EXIT_BUG = 70

# Command -> the module under teachpoint.cli that registers and runs it. Only the module of the
# command being run is imported: `teachpoint --version` or `status` does not pay for the publisher,
# the downloader or pypinyin (issue 17). Help and unknown commands register every module.
COMMAND_MODULES = {
    "status": "library_cmds", "browse": "library_cmds", "search": "library_cmds",
    "verify-store": "library_cmds", "gc": "library_cmds",
    "keygen": "repo_cmds", "trust": "repo_cmds", "publish": "repo_cmds", "verify": "repo_cmds",
    "import": "repo_cmds",
    "source": "sync_cmds", "sync": "sync_cmds", "bandwidth": "sync_cmds", "subscribe": "sync_cmds",
    "inbox": "inbox_cmd", "inventory": "stick_cmds", "export": "stick_cmds", "serve": "serve_cmd",
    "diagnose": "diagnose_cmd", "preseed": "preseed_cmd", "upload": "upload_cmd",
    "play": "play_cmd", "report": "report_cmds", "reports": "report_cmds",
    "broadcast": "broadcast_cmds", "receive": "broadcast_cmds",
    "contribute": "contribute_cmds", "review": "review_cmds",
}
_HELP_FLAGS = ("-h", "--help")


def _command_word(argv: list[str]) -> str | None:
    """The first word of ``argv`` that is not an option or the value of ``--data-dir``."""
    words = iter(argv)
    for word in words:
        if word == "--data-dir":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _modules_for(argv: list[str]) -> list[str]:
    """The command modules to register for ``argv``: the command's own, none, or all (help, typos)."""
    word = _command_word(argv)
    if word in COMMAND_MODULES:
        return [COMMAND_MODULES[word]]
    if word is None and not any(a in _HELP_FLAGS for a in argv):
        return []  # the app, --version or --selftest: no subcommand to parse
    return list(dict.fromkeys(COMMAND_MODULES.values()))


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv`` (every command when None); see :data:`COMMAND_MODULES`."""
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
    modules = _modules_for(["--help"] if argv is None else argv)
    for name in modules:
        importlib.import_module(f"teachpoint.cli.{name}").register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
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
