"""Usage reports: ``teachpoint report`` on a school PC, ``teachpoint reports …`` at the county.

``report [--to PATH] [--show] [--json] [--school NAME]`` makes the signed report of the records
not yet reported and copies every unacknowledged report into PATH; ``--show`` prints exactly what
would leave the PC and the key's fingerprint, and makes nothing.
``reports collect SOURCE… --db county.db``, ``reports summary --db county.db [--json]`` and
``reports html --db county.db --out report.html`` are the county's side.
"""

from __future__ import annotations

import json
from pathlib import Path

from teachpoint.cli.output import print_json
from teachpoint.workspace import Workspace


def register(sub, common) -> None:
    p = sub.add_parser("report", parents=[common],
                       help="write this PC's signed usage and health report (aggregates only, "
                            "no pupil data)")
    p.add_argument("--to", metavar="PATH", help="a folder (e.g. a USB stick) to copy the reports into")
    p.add_argument("--show", action="store_true",
                   help="print exactly what would leave this PC, and the key fingerprint; make nothing")
    p.add_argument("--school", metavar="NAME", help="set the school name the reports carry")
    p.add_argument("--upload", nargs="?", const="", metavar="S3_URL",
                   help="upload the reports to the county's bucket (default: the report-to setting)")
    p.add_argument("--endpoint-url", metavar="URL", help="the S3-compatible server for --upload")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_report)

    p = sub.add_parser("reports", parents=[common], help="county: collect, summarise and show reports")
    rsub = p.add_subparsers(dest="reports_command", metavar="ACTION", required=True)
    c = rsub.add_parser("collect", parents=[common], help="merge reports from sticks or folders")
    c.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="a stick, a folder of reports, or the bucket s3://BUCKET/PREFIX")
    c.add_argument("--endpoint-url", metavar="URL", help="the S3-compatible server (default: AWS or "
                   "$AWS_ENDPOINT_URL)")
    c.add_argument("--db", required=True, metavar="FILE", help="the county database")
    c.add_argument("--no-ack", action="store_true", help="do not write acknowledgements onto the source")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=cmd_collect)
    s = rsub.add_parser("summary", parents=[common], help="per PC: school, last report, gaps, refusals")
    s.add_argument("--db", required=True, metavar="FILE")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_summary)
    h = rsub.add_parser("html", parents=[common], help="write the county's one-file report page")
    h.add_argument("--db", required=True, metavar="FILE")
    h.add_argument("--out", required=True, metavar="FILE")
    h.add_argument("--quiet-days", type=int, default=14, metavar="N",
                   help="list schools not heard from in N days (default 14)")
    h.set_defaults(run=cmd_html)


def cmd_report(args, paths) -> int:
    from teachpoint.reports import outbox

    ws = Workspace(paths)
    try:
        if args.school is not None:
            ws.set_setting(outbox.SETTING_SCHOOL, args.school.strip()[:200])
        if args.show:
            shown = outbox.preview(ws)
            if args.json:
                print_json(shown)
            else:
                print(f"key fingerprint: {shown['fingerprint']}")
                print(f"records pending: {shown['pending_records']}; reports waiting in the outbox: "
                      f"{len(shown['outbox'])}")
                print("the next report carries exactly this:")
                print(json.dumps(shown["body"], ensure_ascii=False, indent=1))
            return 0
        if args.upload is not None:
            from teachpoint.reports.upload import upload_pending

            sent = upload_pending(ws, args.upload or None, args.endpoint_url)
            if args.json:
                print_json(sent.to_json())
            else:
                print(f"uploaded {len(sent.sent)} report(s) to {sent.url}")
            return 0
        if args.to:
            done = outbox.deliver(ws, Path(args.to).expanduser())
        else:
            done = outbox.Delivery(made=outbox.make_reports(ws))
        waiting = len(outbox.pending_files(ws))
    finally:
        ws.close()
    if args.json:
        print_json({**done.to_json(), "outbox": waiting})
    else:
        print(f"made {len(done.made)} report(s); {waiting} waiting in the outbox"
              + (f"; copied {len(done.copied)} to {args.to}" if args.to else ""))
    return 0


def cmd_collect(args, paths) -> int:
    from teachpoint.reports.collect import collect

    from teachpoint.transport.s3 import is_s3_url

    sources = [s if is_s3_url(s) else Path(s).expanduser() for s in args.sources]
    result = collect(sources, Path(args.db).expanduser(), write_acks=not args.no_ack,
                     endpoint_url=args.endpoint_url)
    if args.json:
        print_json(result.to_json())
    else:
        print(result.describe())
    return 0 if not result.refused else 3


def cmd_summary(args, paths) -> int:
    from teachpoint.reports.summary import summary_text, summarise

    found = summarise(Path(args.db).expanduser())
    if args.json:
        print_json(found)
    else:
        print(summary_text(found))
    return 0


def cmd_html(args, paths) -> int:
    from teachpoint.reports.page import write_page

    out = write_page(Path(args.db).expanduser(), Path(args.out).expanduser(), quiet_days=args.quiet_days)
    print(f"wrote {out}")
    return 0
