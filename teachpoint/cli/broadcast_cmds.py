"""``teachpoint broadcast`` (publisher) and ``teachpoint receive`` (school): the one-way carousel."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from teachpoint.cli.output import human_size, print_json
from teachpoint.errors import UsageError
from teachpoint.transport.broadcast_packet import parse_address
from teachpoint.transport.broadcast_receive import BroadcastReceiver, ReceiverSettings
from teachpoint.transport.broadcast_send import CarouselSender, SenderSettings
from teachpoint.transport.broadcast_service import set_service_listen
from teachpoint.transport.broadcast_spool import SpoolLimits
from teachpoint.workspace import Workspace

DEFAULT_PORT = 5500


def register(sub, common) -> None:
    p = sub.add_parser("broadcast", parents=[common],
                       help="send a repository folder as a one-way carousel (UDP, RaptorQ FEC)")
    p.add_argument("repo_dir", metavar="REPO_DIR")
    p.add_argument("--to", required=True, metavar="ADDR:PORT", help="unicast or multicast address")
    p.add_argument("--rate-kbit", type=float, default=2000.0, help="steady send rate (default 2000)")
    p.add_argument("--fec-percent", type=float, default=40.0,
                   help="repair symbols per pass, in %% of the data (default 40; 0 = plain carousel)")
    p.add_argument("--ttl", type=int, default=4, help="multicast hops (default 4)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--passes", type=int, default=1, help="passes to send (default 1)")
    how.add_argument("--forever", action="store_true", help="send until stopped")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_broadcast)

    p = sub.add_parser("receive", parents=[common],
                       help="receive a broadcast carousel and install what completes")
    p.add_argument("--listen", default=f"127.0.0.1:{DEFAULT_PORT}", metavar="ADDR:PORT",
                   help=f"address to listen on (default 127.0.0.1:{DEFAULT_PORT}; a multicast "
                        "group is joined on --interface)")
    p.add_argument("--interface", default="0.0.0.0", metavar="IP",
                   help="the DVB receiver's network interface address (multicast)")
    p.add_argument("--until-complete", action="store_true",
                   help="stop once every repository heard is fully installed")
    p.add_argument("--minutes", type=float, help="listen at most this long")
    p.add_argument("--service", choices=("on", "off"),
                   help="make the background service (teachpoint sync) listen on "
                        "--listen/--interface all the time, or stop it; then exit")
    p.add_argument("--max-partial", type=int, default=SpoolLimits.max_objects,
                   help="partial objects kept at most (oldest heard evicted first)")
    p.add_argument("--max-spool-mb", type=float, default=SpoolLimits.max_bytes / 2**20,
                   help="disk for partial objects, MB")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_receive)


def _address(text: str) -> tuple[str, int]:
    try:
        return parse_address(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def cmd_broadcast(args, paths) -> int:
    repo = Path(args.repo_dir)
    if not (repo / "root.json").is_file():
        raise UsageError(f"{repo} is not a repository folder (no root.json)")
    if args.rate_kbit <= 0 or not 0 <= args.fec_percent <= 400 or (args.passes or 1) < 1:
        raise UsageError("--rate-kbit must be positive, --fec-percent 0-400, --passes at least 1")
    settings = SenderSettings(rate_kbit=args.rate_kbit, fec_percent=args.fec_percent, ttl=args.ttl)
    sender = CarouselSender(repo, _address(args.to), settings, data_dir=paths.ensure().root)
    try:
        report = sender.run(None if args.forever else args.passes, _stop_on_signals())
    finally:
        sender.close()
    if args.json:
        print_json(report.to_json())
    else:
        print(f"sent version {report.version}: {report.passes} pass(es), {report.datagrams} "
              f"datagrams, {human_size(report.bytes_sent)}")
    return 0


def cmd_receive(args, paths) -> int:
    ws = Workspace(paths)
    ws.require_writable("receive a broadcast")
    if args.service:
        _address(args.listen)
        set_service_listen(ws, args.listen if args.service == "on" else None, args.interface)
        print(f"the sync service listens on {args.listen}" if args.service == "on"
              else "the sync service does not listen to a broadcast")
        return 0
    if args.minutes is not None and args.minutes <= 0:
        raise UsageError("--minutes must be positive")
    limits = SpoolLimits(max_objects=max(1, args.max_partial),
                         max_bytes=int(args.max_spool_mb * 2**20))
    settings = ReceiverSettings(listen=_address(args.listen), interface=args.interface, limits=limits)
    try:
        receiver = BroadcastReceiver(ws, settings)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.listen}: {exc.strerror or exc}") from exc
    try:
        seconds = args.minutes * 60 if args.minutes is not None else None
        report = receiver.run(seconds, args.until_complete, _stop_on_signals())
        out = report.to_json(receiver.spool)
    finally:
        receiver.close()
    if args.json:
        print_json(out)
    else:
        print_reception(out)
    return 0


def print_reception(out: dict) -> None:
    """The reception report for people (also used by ``teachpoint status``)."""
    got = ", ".join(f"{n} {k}" for k, n in sorted(out.get("objects_received", {}).items())) or "nothing"
    print(f"broadcast:  listening {out.get('listen')}; last heard {out.get('last_heard') or 'never'}; "
          f"received {got} ({human_size(out.get('bytes_received', 0))})")
    for repo in out.get("repositories", []):
        name = f"{repo['repository']} version {repo['version']}" if repo.get("repository") \
            else f"channel {repo.get('channel')}"
        missing = f"; still missing {repo['files_waiting']} file(s)" if repo.get("files_waiting") else ""
        reason = f" — {repo['reason']}" if repo.get("reason") and not missing else ""
        print(f"            {name}: {repo.get('state')}{missing}{reason}")
    partial = out.get("partial") or {}
    if partial.get("objects"):
        print(f"            {partial['objects']} object(s) partly received "
              f"({human_size(partial.get('bytes', 0))} of symbols kept)")
    for problem in out.get("problems", [])[-5:]:
        print(f"            problem: {problem}")
