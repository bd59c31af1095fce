"""Subcommands about this PC's catalogue and store: status, browse, search, verify-store, gc."""

from __future__ import annotations

import shutil

from teachpoint.cli.output import human_size, print_json, progress_done, progress_line
from teachpoint.library import search as search_mod
from teachpoint.library.browse import browse_tree
from teachpoint.library.curriculum import grade_name
from teachpoint.repo.root import days_since
from teachpoint.library.lesson_files import check_stored_files
from teachpoint.transport.broadcast_report import load_reception
from teachpoint.workspace import Workspace

STATE_ZH = {"installed": "已下载", "not_downloaded": "未下载", "damaged": "已损坏"}


def register(sub, common) -> None:
    p = sub.add_parser("status", parents=[common], help="what this PC holds")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_status)

    p = sub.add_parser("browse", parents=[common], help="the curriculum tree")
    p.add_argument("--grade")
    p.add_argument("--subject")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_browse)

    p = sub.add_parser("search", parents=[common], help="search lessons (Chinese, pinyin, initials)")
    p.add_argument("query")
    p.add_argument("--grade")
    p.add_argument("--subject")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("verify-store", parents=[common],
                       help="re-hash stored files; move damaged ones aside for re-download")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_verify_store)

    p = sub.add_parser("gc", parents=[common],
                       help="delete stored files no lesson uses, and metadata no installed version uses")
    p.set_defaults(run=cmd_gc)


def cmd_status(args, paths) -> int:
    ws = Workspace(paths)
    status = ws.catalogue.status()
    free = shutil.disk_usage(paths.root).free
    repos = []
    for info in ws.catalogue.repositories():
        age = days_since(info.expires_at)
        repos.append({"id": info.id, "title": info.title, "version": info.version,
                      "published": info.published_at, "expires": info.expires_at,
                      "expired_days": round(max(0.0, age), 1), "source": info.source})
    out = {"data_dir": str(paths.root), "read_only": ws.read_only, **status,
           "store_bytes": status["blob_bytes"], "free_bytes": free, "floor_bytes": ws.floor_bytes,
           "repositories": repos}
    if ws.demo_error:
        out["demo_error"] = ws.demo_error
    reception = load_reception(paths.root)  # the broadcast receiver's report (issue 16)
    if reception is not None:
        out["broadcast"] = reception
    if args.json:
        print_json(out)
        return 0
    r, l = status["resources"], status["lessons"]
    print(f"data dir:   {paths.root}{'  (read-only)' if ws.read_only else ''}")
    print(f"lessons:    {l['installed']} installed, {l['not_downloaded']} not downloaded yet, "
          f"{l['damaged']} damaged")
    print(f"resources:  {r['installed']} installed, {r['not_downloaded']} not downloaded yet, "
          f"{r['damaged']} damaged")
    print(f"store:      {human_size(status['blob_bytes'])} in {status['blobs']} files; "
          f"{human_size(free)} free (keeping {human_size(ws.floor_bytes)})")
    for repo in repos:
        stale = f", metadata expired {repo['expired_days']:.0f} days ago" if repo["expired_days"] else ""
        print(f"repository: {repo['id']} v{repo['version']} ({repo['title']}){stale}")
    if ws.demo_error:
        print(f"warning:    demo channel not installed: {ws.demo_error}")
    if reception is not None:
        from teachpoint.cli.broadcast_cmds import print_reception  # noqa: PLC0415 (only then)

        print_reception(reception)
    return 0


def cmd_browse(args, paths) -> int:
    ws = Workspace(paths)
    tree = browse_tree(ws.catalogue.db, grade=args.grade, subject=args.subject)
    if args.json:
        print_json(tree)
        return 0
    for g in tree:
        print(g["name"])
        for s in g["subjects"]:
            for e in s["editions"]:
                for v in e["volumes"]:
                    print(f"  {s['subject']} {e['edition']} {v['volume']}".rstrip())
                    for u in v["units"]:
                        print(f"    {u['unit'] or '—'}")
                        for les in u["lessons"]:
                            for res in les["resources"]:
                                mark = "" if res["state"] == "installed" else f" [{STATE_ZH[res['state']]}]"
                                print(f"      {les['lesson']:>2}. {res['title']} ({res['kind']}){mark}"
                                      f"  {res['id']}")
    if not tree:
        print("(no lessons)")
    return 0


def cmd_search(args, paths) -> int:
    ws = Workspace(paths)
    hits = search_mod.search(ws.catalogue.db, args.query, grade=args.grade, subject=args.subject,
                             limit=max(1, min(args.limit, 500)))
    if args.json:
        print_json([h.__dict__ for h in hits])
        return 0
    for h in hits:
        print(f"{grade_name(h.grade)} {h.subject}  {h.title}  ({h.unit or '—'})  {h.resource_id}")
    if not hits:
        print("(nothing found)")
    return 0


def cmd_verify_store(args, paths) -> int:
    ws = Workspace(paths)
    ws.require_writable("verify the store")
    known = ws.catalogue.present_blobs()
    report = check_stored_files(ws.catalogue, ws.store, list(known),
                                progress=lambda done, total: progress_line(
                                    f"checked {human_size(done)} of {human_size(total)}"))
    progress_done()
    affected = sorted({rid for sha in report.damaged + report.missing
                       for rid in ws.catalogue.resources_using(sha)})
    out = {"checked": len(known), "ok": len(report.ok), "damaged": report.damaged,
           "missing": report.missing, "resources_affected": affected}
    if args.json:
        print_json(out)
    else:
        print(f"checked {len(known)} file(s): {len(report.ok)} intact, {len(report.damaged)} damaged "
              f"(moved aside), {len(report.missing)} missing")
        for rid in affected:
            res = ws.catalogue.resource(rid)
            print(f"  needs re-download: {res.title if res else rid}  {rid}")
    return 0 if not (report.damaged or report.missing) else 3


def cmd_gc(args, paths) -> int:
    ws = Workspace(paths)
    ws.require_writable("clean the store")
    report = ws.store.gc(ws.catalogue.referenced_blobs())
    for sha in set(ws.catalogue.present_blobs()) - set(ws.store.iter_blobs()):
        ws.catalogue.forget_blob(sha)
    print(f"removed {report.blobs_removed} unused file(s), freed {human_size(report.bytes_freed)}")
    from teachpoint.sync.lock import SyncBusy
    from teachpoint.sync.metadata_gc import prune_metadata

    try:
        meta = prune_metadata(ws)
    except SyncBusy:
        print("metadata cache: not cleaned now, a sync is running (run gc again later)")
        return 0
    if meta.skipped:
        print(f"metadata cache: nothing removed ({meta.skipped})")
    else:
        print(f"metadata cache: removed {meta.files_removed} unused file(s), "
              f"freed {human_size(meta.bytes_freed)}")
    return 0
