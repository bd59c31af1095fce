"""Subcommands for syncing: source add/list/remove, sync, bandwidth, subscribe."""

from __future__ import annotations

import json
import signal
import sys
import threading

from teachpoint.cli.output import human_size, print_json, progress_done, progress_line
from teachpoint.sync import engine as eng
from teachpoint.sync import schedule
from teachpoint.sync.schedule import Bandwidth, Subscriptions, parse_window
from teachpoint.library.source_list import add_source, list_sources, remove_source
from teachpoint.library.lesson_files import newly_playable
from teachpoint.workspace import Workspace

EXIT_CODES = {eng.UP_TO_DATE: 0, eng.UPDATED: 0, eng.OFFLINE: 3, eng.FAILED: 1}


def register(sub, common) -> None:
    source = sub.add_parser("source", parents=[common], help="where this PC gets lessons from")
    ssub = source.add_subparsers(dest="source_command", metavar="ACTION", required=True)
    p = ssub.add_parser("add", parents=[common], help="add a repository URL or folder")
    p.add_argument("location", metavar="URL_OR_PATH")
    p.add_argument("--name")
    p.set_defaults(run=cmd_source_add)
    p = ssub.add_parser("list", parents=[common], help="list sources")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_source_list)
    p = ssub.add_parser("remove", parents=[common], help="remove a source")
    p.add_argument("name")
    p.set_defaults(run=cmd_source_remove)

    p = sub.add_parser("sync", parents=[common],
                       help="sync from every source (--once), or run as a background service")
    p.add_argument("--once", action="store_true", help="sync once and exit (0 up to date, "
                   "3 offline: nothing reachable, 1 failed)")
    p.add_argument("--limit-kbit", type=int, metavar="N", help="bandwidth cap for this run")
    p.add_argument("--json-progress", action="store_true", help="JSON lines on stdout for scripts")
    p.set_defaults(run=cmd_sync)

    p = sub.add_parser("bandwidth", parents=[common], help="show or set the bandwidth cap")
    p.add_argument("--limit-kbit", type=int, metavar="N", help="default cap in kbit/s")
    p.add_argument("--unlimited", action="store_true", help="no default cap")
    p.add_argument("--window", action="append", default=[], metavar="'DAYS HH:MM-HH:MM KBIT'",
                   help="e.g. 'mon-fri 08:00-17:00 256' (repeatable; replaces the windows)")
    p.add_argument("--clear-windows", action="store_true")
    p.set_defaults(run=cmd_bandwidth)

    p = sub.add_parser("subscribe", parents=[common],
                       help="show or set which grades and subjects this PC downloads")
    p.add_argument("--grade", action="append", default=[])
    p.add_argument("--subject", action="append", default=[])
    p.add_argument("--all", action="store_true", help="everything (the default)")
    p.set_defaults(run=cmd_subscribe)


def cmd_source_add(args, paths) -> int:
    ws = Workspace(paths)
    entry = add_source(ws.catalogue, args.location, args.name)
    print(f"added source {entry.name}: {entry.location}")
    return 0


def cmd_source_list(args, paths) -> int:
    ws = Workspace(paths)
    sources = list_sources(ws.catalogue)
    if args.json:
        print_json([s.__dict__ for s in sources])
        return 0
    for s in sources:
        state = f"last ok {s.last_success}" if s.last_success else "never synced"
        if s.last_error:
            state += f"; last error: {s.last_error}"
        print(f"{s.name}  {s.location}  ({state})")
    if not sources:
        print("(no sources)")
    return 0


def cmd_source_remove(args, paths) -> int:
    entry = remove_source(Workspace(paths).catalogue, args.name)
    print(f"removed source {entry.name}")
    return 0


class _Printer:
    """Engine events → a progress line on a terminal, or JSON lines for scripts."""

    def __init__(self, json_lines: bool, lessons_of=None):
        self.json_lines = json_lines
        self.lessons_of = lessons_of or (lambda sha256: [])  # titles a stored file completes
        self.lock = threading.Lock()  # events come from several download threads

    def __call__(self, kind: str, **data) -> None:
        with self.lock:
            self._print(kind, data)

    def _print(self, kind: str, data: dict) -> None:
        if self.json_lines:
            print(json.dumps(_event_json(kind, data), ensure_ascii=False), flush=True)
            return
        if kind == "source":
            progress_line(f"{data['name']}: checking {data['location']}")
        elif kind == "metadata":
            progress_done()
            print(f"{data['name']}: version {data['report'].version}: {data['report'].changes_zh()}")
        elif kind == "progress":
            p = data["progress"]
            eta = f", {p.eta_s:.0f} s left" if p.eta_s is not None else ""
            progress_line(f"{human_size(p.bytes_done)} of {human_size(p.bytes_total)} "
                          f"at {human_size(p.speed_bps)}/s{eta} ({p.streams} streams)")
        elif kind == "file":
            for title in self.lessons_of(data["sha256"]):
                progress_done()
                print(f"  ready to play: {title}")
        elif kind == "source_done":
            progress_done()


def _event_json(kind: str, data: dict) -> dict:
    out: dict = {"event": kind}
    for key, value in data.items():
        if hasattr(value, "to_json"):
            value = value.to_json()
        out[key] = value.__dict__ if hasattr(value, "__dict__") else value
    return out


def cmd_sync(args, paths) -> int:
    ws = Workspace(paths)
    announced: set[str] = set()
    printer = _Printer(args.json_progress, lessons_of=lambda sha: _lessons_ready(ws, sha, announced))
    stop = threading.Event()
    engine = eng.SyncEngine(ws, limit_kbit=args.limit_kbit, on_event=printer, cancel=stop)

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    if not args.once:
        from teachpoint.sync.service import run_service

        print(f"TeachPoint sync service: {len(list_sources(ws.catalogue))} source(s); "
              "stop with SIGTERM or Ctrl-C", file=sys.stderr)
        try:
            run_service(engine, stop)
        except KeyboardInterrupt:
            stop.set()
        print("sync service stopped", file=sys.stderr)
        return 0
    result = engine.sync_once()
    if not args.json_progress:
        for r in result.sources:
            verb = {"up_to_date": "up to date", "updated": "updated", "offline": "offline",
                    "failed": "FAILED"}[r.outcome]
            extra = f", {r.files_fetched} file(s), {human_size(r.bytes_fetched)}" if r.files_fetched else ""
            print(f"{r.name}: {verb}{extra}" + (f" — {r.error}" if r.error else ""))
        if not result.sources:
            print("no sources: add one with 'teachpoint source add URL_OR_PATH'")
    else:
        print(json.dumps({"event": "done", "outcome": result.outcome}), flush=True)
    return EXIT_CODES[result.outcome]


def _lessons_ready(ws, sha256: str, announced: set) -> list[str]:
    """Titles of resources this file completes (main file and subtitles all stored), once each."""
    return [ws.catalogue.resource(rid).title for rid in newly_playable(ws.catalogue, sha256, announced)]


def cmd_bandwidth(args, paths) -> int:
    ws = Workspace(paths)
    current = schedule.load_bandwidth(ws)
    changed = False
    if args.unlimited or args.limit_kbit is not None:
        current = Bandwidth.from_json({**current.to_json(),
                                       "limit_kbit": None if args.unlimited else args.limit_kbit})
        changed = True
    if args.clear_windows or args.window:
        current.windows = [parse_window(w) for w in args.window]
        changed = True
    if changed:
        ws.set_setting(schedule.SETTING_BANDWIDTH, json.dumps(current.to_json()))
    limit = current.limit_kbit
    print(f"default cap: {f'{limit} kbit/s' if limit else 'unlimited'}")
    for w in current.windows:
        print(f"window: {w.to_text()}")
    return 0


def cmd_subscribe(args, paths) -> int:
    ws = Workspace(paths)
    if args.all or args.grade or args.subject:
        subs = Subscriptions() if args.all else Subscriptions.from_values(args.grade, args.subject)
        ws.set_setting(schedule.SETTING_SUBSCRIPTIONS, json.dumps(subs.to_json(), ensure_ascii=False))
    subs = schedule.load_subscriptions(ws)
    if subs.everything:
        print("this PC downloads everything")
    else:
        grades = ", ".join(map(str, subs.grades)) or "all"
        print(f"grades: {grades}; subjects: {', '.join(subs.subjects) or 'all'}")
    return 0
