"""``teachpoint contribute add|list|remove|export|upload``: a teacher's own lessons (issue 15).

``add FILE… --title T --grade G --subject S [--edition E] [--volume V] [--unit U] [--lesson N]
[--subtitles F] [--teacher NAME [--share-name]]`` adds a lesson (in the catalogue at once, 本校);
``list [--json]`` shows each with its review state (待审核 / 已通过 / 未通过 and why);
``remove ID``; ``export --to STICK`` writes them for the county; ``upload [S3_URL]`` sends them
to the county's bucket (default: the bucket of ``report-to``).
"""

from __future__ import annotations

from pathlib import Path

from teachpoint.cli.output import human_size, print_json, progress_done, progress_line
from teachpoint.workspace import Workspace


def register(sub, common) -> None:
    p = sub.add_parser("contribute", parents=[common],
                       help="teachers' own lessons: add, list, remove, take to the county")
    csub = p.add_subparsers(dest="contribute_command", metavar="ACTION", required=True)
    a = csub.add_parser("add", parents=[common], help="add a lesson of this school (本校课程)")
    a.add_argument("files", nargs="+", metavar="FILE", help="video, PDF, slides or pictures")
    a.add_argument("--title", required=True)
    a.add_argument("--grade", required=True, help="e.g. 三年级, 3, 初一")
    a.add_argument("--subject", required=True, help="e.g. 音乐, 数学")
    a.add_argument("--edition", help="e.g. 人音版")
    a.add_argument("--volume", help="上册 / 下册 …")
    a.add_argument("--unit", help="e.g. 第二单元 春天")
    a.add_argument("--lesson", help="the lesson's number in its unit")
    a.add_argument("--subtitles", action="append", default=[], metavar="FILE")
    a.add_argument("--teacher", metavar="NAME", help="the teacher's name (kept on this PC)")
    a.add_argument("--share-name", action="store_true",
                   help="let the county show the teacher's name with the lesson")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=cmd_add)
    ls = csub.add_parser("list", parents=[common], help="this school's lessons and their review state")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=cmd_list)
    r = csub.add_parser("remove", parents=[common], help="remove one of this school's lessons")
    r.add_argument("id")
    r.set_defaults(run=cmd_remove)
    e = csub.add_parser("export", parents=[common], help="write this school's lessons onto a stick")
    e.add_argument("--to", required=True, metavar="STICK")
    e.add_argument("--json", action="store_true")
    e.set_defaults(run=cmd_export)
    u = csub.add_parser("upload", parents=[common], help="send this school's lessons to the county's bucket")
    u.add_argument("url", nargs="?", metavar="S3_URL", help="default: the bucket of report-to")
    u.add_argument("--endpoint-url", metavar="URL")
    u.add_argument("--json", action="store_true")
    u.set_defaults(run=cmd_upload)


def _copy_progress(stage: str, done: int, total: int) -> None:
    progress_line(f"{'checking' if stage == 'hash' else 'copying'} {human_size(done)} of {human_size(total)}")


def cmd_add(args, paths) -> int:
    from teachpoint.contrib import add_contribution

    ws = Workspace(paths)
    try:
        c = add_contribution(
            ws, [Path(f).expanduser() for f in args.files], title=args.title, grade=args.grade,
            subject=args.subject, edition=args.edition, volume=args.volume, unit=args.unit,
            lesson=args.lesson, subtitles=[Path(f).expanduser() for f in args.subtitles],
            teacher=args.teacher, share_name=args.share_name,
            progress=None if args.json else _copy_progress)
    finally:
        if not args.json:
            progress_done()
        ws.close()
    if args.json:
        print_json(c.to_json())
    else:
        print(f"added {c.id}: {c.title} ({c.place_zh}), {c.state_zh}")
    return 0


def cmd_list(args, paths) -> int:
    from teachpoint.contrib import list_contributions

    ws = Workspace(paths)
    try:
        found = list_contributions(ws)
    finally:
        ws.close()
    if args.json:
        print_json([c.to_json() for c in found])
        return 0
    for c in found:
        state = c.state_zh
        if c.decided_at:
            state += f" ({c.decided_at})"
        if c.reason:
            state += f": {c.reason}"
        print(f"{c.id}  {c.title}  {c.place_zh}  {state}")
    if not found:
        print("no lessons of this school yet (teachpoint contribute add …)")
    return 0


def cmd_remove(args, paths) -> int:
    from teachpoint.contrib import remove_contribution

    ws = Workspace(paths)
    try:
        gone = remove_contribution(ws, args.id)
    finally:
        ws.close()
    print(f"removed {gone.id}: {gone.title}")
    return 0


def cmd_export(args, paths) -> int:
    from teachpoint.contrib.share import export_contributions

    return _share(args, paths, "wrote", lambda ws: export_contributions(ws, Path(args.to).expanduser()))


def cmd_upload(args, paths) -> int:
    from teachpoint.contrib.share import upload_contributions

    return _share(args, paths, "uploaded", lambda ws: upload_contributions(ws, args.url, args.endpoint_url))


def _share(args, paths, verb: str, action) -> int:
    """Run an export or upload and say where the lessons went."""
    ws = Workspace(paths)
    try:
        done = action(ws)
    finally:
        ws.close()
    if args.json:
        print_json(done.to_json())
    else:
        print(f"{verb} this school's lessons to {done.where} ({done.files_copied} file(s), "
              f"{human_size(done.bytes_copied)})")
    return 0
