"""``teachpoint review …``: the county's review of teachers' lessons (审核/准入, issue 15).

``collect SOURCE… --db county.db`` (sticks, folders, ``s3://`` prefixes), ``list [--json]``,
``show ID [--repo COUNTY_REPO] [--json]``, ``accept ID --key PUBLISHER.key --out REPO_DIR_OR_S3``,
``reject ID --reason TEXT [--key … --out …]``, ``undo ID [--key … --out …]`` and ``setup --key …
[--db …] [--out …] | --off`` (the app's 审核 place on this PC). The queue lives
in the county database (``--db``, the same as ``reports``) and ``<db>.review/``.
"""

from __future__ import annotations

from pathlib import Path

from teachpoint.cli.output import print_json


def register(sub, common) -> None:
    p = sub.add_parser("review", parents=[common], help="county: review teachers' lessons (审核)")
    rsub = p.add_subparsers(dest="review_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, run, with_id: bool = True, publishes: bool = False):
        a = rsub.add_parser(name, parents=[common], help=help_text)
        a.add_argument("--db", required=True, metavar="FILE", help="the county database")
        a.add_argument("--json", action="store_true")
        if with_id:
            a.add_argument("id", metavar="ID")
            a.add_argument("--by", metavar="NAME", help="the reviewer (default: the login name)")
        if publishes:
            a.add_argument("--key", metavar="PUBLISHER.key", help="the county's publisher key")
            a.add_argument("--out", metavar="REPO_DIR_OR_S3", help="the county repository")
            a.add_argument("--name", help="the repository's name when it is published the first time")
            a.add_argument("--endpoint-url", metavar="URL", help="the S3-compatible server")
        a.set_defaults(run=run)
        return a

    c = action("collect", "gather contributions from sticks, folders or s3:// prefixes", cmd_collect,
               with_id=False)
    c.add_argument("sources", nargs="+", metavar="SOURCE")
    c.add_argument("--endpoint-url", metavar="URL", help="the S3-compatible server")
    ls = action("list", "the review queue", cmd_list, with_id=False)
    ls.add_argument("--state", choices=("pending", "accepted", "rejected", "withdrawn"))
    s = action("show", "one contribution: placement, teacher, checks, history", cmd_show)
    s.add_argument("--repo", metavar="COUNTY_REPO", help="look for duplicates in this repository folder")
    action("accept", "convert if needed and publish into the county repository", cmd_accept,
           publishes=True)
    r = action("reject", "refuse with a reason the school will read", cmd_reject, publishes=True)
    r.add_argument("--reason", required=True)
    action("undo", "take back the decision (the entry is pending again)", cmd_undo, publishes=True)
    setup = rsub.add_parser("setup", parents=[common],
                            help="make this PC the county's reviewer: the app shows 审核 (or --off)")
    setup.add_argument("--key", metavar="PUBLISHER.key", help="the county's publisher key")
    setup.add_argument("--db", metavar="FILE", help="the county database (default: county.db beside the key)")
    setup.add_argument("--out", metavar="REPO_DIR_OR_S3", help="the county repository (default: repo/ beside the key)")
    setup.add_argument("--endpoint-url", metavar="URL", help="the S3-compatible server")
    setup.add_argument("--off", action="store_true", help="this PC no longer reviews")
    setup.set_defaults(run=cmd_setup)


def cmd_setup(args, paths) -> int:
    """Write (or clear) the review setting the app's 审核 place reads (:mod:`teachpoint.review.config`)."""
    from teachpoint.errors import UsageError
    from teachpoint.review.config import clear, configure, review_config
    from teachpoint.workspace import Workspace

    ws = Workspace(paths)
    try:
        if args.off:
            clear(ws)
            print("this PC no longer reviews teachers' lessons (no 审核 place)")
            return 0
        if not args.key:
            raise UsageError("review setup needs --key PUBLISHER.key (or --off)")
        key = Path(args.key).expanduser().resolve()
        if not key.is_file():
            raise UsageError(f"{key} is not a file: give the county's publisher key (made by keygen)")
        db = Path(args.db).expanduser().resolve() if args.db else None
        out = args.out if args.out is None or args.out.startswith("s3://") \
            else str(Path(args.out).expanduser().resolve())
        configure(ws, key, db, out, args.endpoint_url)
        config = review_config(ws)
        print(f"this PC reviews for the county: key {config.key}, queue {config.db}, "
              f"repository {config.out}; the app shows 审核")
        return 0
    finally:
        ws.close()


def _db(args) -> Path:
    return Path(args.db).expanduser()


def _publishing(args) -> dict:
    return {"by": args.by, "name": args.name, "endpoint_url": args.endpoint_url}


def cmd_collect(args, paths) -> int:
    from teachpoint.review import collect
    from teachpoint.transport.s3 import is_s3_url

    sources = [s if is_s3_url(s) else Path(s).expanduser() for s in args.sources]
    result = collect(_db(args), sources, endpoint_url=args.endpoint_url)
    print_json(result.to_json()) if args.json else print(result.describe())
    return 0 if not result.refused else 3


def cmd_list(args, paths) -> int:
    from teachpoint.review import list_entries

    found = list_entries(_db(args), args.state)
    if args.json:
        print_json([e.to_json() for e in found])
        return 0
    for e in found:
        who = f" ({e.teacher})" if e.teacher else ""
        why = f": {e.reason}" if e.reason else ""
        print(f"{e.id}  {e.title}{who}  {e.place_zh}  {e.state_zh}{why}")
    if not found:
        print("the review queue is empty (teachpoint review collect …)")
    return 0


def cmd_show(args, paths) -> int:
    from teachpoint.review import show

    shown = show(_db(args), args.id, Path(args.repo).expanduser() if args.repo else None)
    if args.json:
        print_json(shown)
        return 0
    print(f"{shown['id']}  {shown['title']}  {shown['place']}  {shown['state_zh']}")
    print(f"from PC {shown['pc_id']}" + (f", teacher {shown['teacher']}" if shown["teacher"] else ""))
    for f in shown["checks"]["files"]:
        facts = ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("sha256", "role", "name"))
        print(f"  {f['role']} {f['name']}: {facts}")
    dup = shown["checks"]["duplicates"]
    if dup["queue"] or dup["county"]:
        print(f"  duplicates: queue {dup['queue']}, county {dup['county']}")
    for h in shown["history"]:
        print(f"  {h['at']} {h['action']} by {h['by']}" + (f": {h['reason']}" if h["reason"] else ""))
    return 0


def cmd_accept(args, paths) -> int:
    from teachpoint.errors import UsageError
    from teachpoint.review import accept

    if not (args.key and args.out):
        raise UsageError("accept needs --key PUBLISHER.key and --out REPO_DIR_OR_S3")
    return _done(args, accept(_db(args), args.id, Path(args.key).expanduser(), args.out,
                              **_publishing(args)))


def cmd_reject(args, paths) -> int:
    from teachpoint.review import reject

    return _done(args, reject(_db(args), args.id, args.reason, key=args.key, out=args.out,
                              **_publishing(args)))


def cmd_undo(args, paths) -> int:
    from teachpoint.review import undo

    return _done(args, undo(_db(args), args.id, key=args.key, out=args.out, **_publishing(args)))


def _done(args, entry) -> int:
    if args.json:
        print_json(entry.to_json())
    else:
        print(f"{entry.id}  {entry.title}: {entry.state_zh}" + (f" ({entry.reason})" if entry.reason else ""))
    return 0
