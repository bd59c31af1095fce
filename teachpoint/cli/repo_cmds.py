"""Subcommands about signed repositories: keygen, trust, publish, verify, import."""

from __future__ import annotations

import time
from pathlib import Path

from teachpoint.cli import upload_cmd
from teachpoint.cli.output import human_size, print_json, progress_done, progress_line
from teachpoint.repo import keys
from teachpoint.publish.publisher import publish
from teachpoint.transport.sources import open_source
from teachpoint.sneakernet.stick import check_stick_folder, import_stick
from teachpoint.repo.trust import TrustStore
from teachpoint.repo.verify import verify_repository
from teachpoint.workspace import Workspace


def register(sub, common) -> None:
    p = sub.add_parser("keygen", parents=[common], help="make a publisher signing key")
    p.add_argument("--out", required=True, metavar="PREFIX", help="writes PREFIX.key and PREFIX.pub")
    p.add_argument("--name", help="publisher name stored in the .pub")
    p.set_defaults(run=cmd_keygen)

    trust = sub.add_parser("trust", parents=[common], help="publishers this PC trusts")
    tsub = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    p = tsub.add_parser("add", parents=[common], help="trust a publisher key (.pub)")
    p.add_argument("file")
    p.add_argument("--name")
    p.set_defaults(run=cmd_trust_add)
    p = tsub.add_parser("list", parents=[common], help="list trusted keys")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_trust_list)
    p = tsub.add_parser("remove", parents=[common], help="stop trusting a key")
    p.add_argument("key", metavar="NAME|FINGERPRINT")
    p.set_defaults(run=cmd_trust_remove)

    p = sub.add_parser("publish", parents=[common],
                       help="make or update a signed repository from a folder with catalogue.csv")
    p.add_argument("src", metavar="SRC_DIR")
    p.add_argument("--key", required=True, metavar="PREFIX.key")
    p.add_argument("--out", required=True, metavar="REPO_DIR|s3://BUCKET/PREFIX")
    p.add_argument("--name", help="repository name (new repositories)")
    p.add_argument("--title", help="a title people read, e.g. 某某县教学资源")
    p.add_argument("--expires", type=int, default=365, metavar="DAYS")
    upload_cmd.add_publish_options(p)
    p.set_defaults(run=cmd_publish)

    p = sub.add_parser("verify", parents=[common], help="check a repository folder or URL completely")
    p.add_argument("repo", metavar="REPO_DIR_OR_URL")
    p.add_argument("--trust", required=True, metavar="PREFIX.pub", action="append")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("import", parents=[common], help="install lessons from a folder or stick")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_import)


def cmd_keygen(args, paths) -> int:
    pair = keys.generate_keypair(Path(args.out), name=args.name)
    print(f"wrote {pair.private_path} (keep it secret) and {pair.public_path}")
    print(f"key fingerprint: {pair.public.key_id}")
    return 0


def _trust(paths) -> TrustStore:
    return TrustStore(paths.ensure().trust)


def cmd_trust_add(args, paths) -> int:
    pub = _trust(paths).add(Path(args.file), name=args.name)
    print(f"trusted {pub.describe()}")
    return 0


def cmd_trust_list(args, paths) -> int:
    items = _trust(paths).list()
    if args.json:
        print_json([{"name": t.name, "fingerprint": t.key_id, "added_at": t.added_at,
                     "repositories": list(t.repos) if t.repos else None} for t in items])
        return 0
    for t in items:
        scope = f"  (only {', '.join(t.repos)})" if t.repos else ""
        print(f"{t.key_id}  {t.name}{scope}")
    if not items:
        print("(no trusted publishers)")
    return 0


def cmd_trust_remove(args, paths) -> int:
    pub = _trust(paths).remove(args.key)
    print(f"no longer trusting {pub.describe()}")
    return 0


def cmd_publish(args, paths) -> int:
    if upload_cmd.is_bucket_address(args.out):
        return upload_cmd.cmd_publish_to_bucket(args, paths)
    report = publish(Path(args.src), Path(args.key), Path(args.out), name=args.name,
                     title=args.title, expires_days=args.expires, progress=progress_line)
    progress_done()
    print(f"published {report.repository} version {report.version}: {report.resources} resources "
          f"({report.added} new, {report.changed} changed, {report.removed} removed)")
    print(f"wrote {report.new_blobs} new file(s) ({human_size(report.new_blob_bytes)}) and "
          f"{report.new_meta_files} metadata file(s) ({human_size(report.new_meta_bytes)})")
    return 0


class _GivenKeys:
    """Trust exactly the keys named on the command line (verify does not touch the PC's trust)."""

    def __init__(self, files: list[str]):
        self.keys = {k.key_id: k for k in (keys.load_public_key(Path(f)) for f in files)}

    def get(self, key_id):
        return self.keys.get(key_id)

    def allows(self, key_id, repo_id):
        return key_id in self.keys


def cmd_verify(args, paths) -> int:
    result = verify_repository(open_source(args.repo), _GivenKeys(args.trust),
                               progress=lambda n, total: progress_line(f"checked {n} of {total} files"))
    progress_done()
    if args.json:
        print_json({**result.__dict__, "ok": result.ok})
    else:
        print(f"{result.location}: {result.repository or '?'} version {result.version}, "
              f"{result.resources} resources, {result.blobs} files ({human_size(result.bytes)})")
        for problem in result.problems:
            print(f"problem: {problem}")
        print("OK: everything verified" if result.ok else f"FAILED: {len(result.problems)} problem(s)")
    return 0 if result.ok else 1


def cmd_import(args, paths) -> int:
    """Verify and install from a folder or stick (a repository or a collection of several)."""
    folder = Path(args.folder)
    if not folder.exists() or not folder.is_dir():
        check_stick_folder(folder)  # raises the clear "does not exist" / "is a file" error
    ws = Workspace(paths)
    ws.require_writable("install lessons")
    result = import_stick(ws, folder, progress=_copy_progress)
    progress_done()
    if args.json:
        print_json(result.to_json())
        return 0 if result.ok else 1
    for item in result.repositories:
        _print_repo_import(item)
    if result.inventories:
        print(f"this stick also carries {len(result.inventories)} inventory file(s) of other "
              "PCs; give them to 'teachpoint export --for' on a connected PC")
    if result.cancelled:
        print("import cancelled: what was copied is kept; import again to continue")
    return 0 if result.ok else 1


_last_progress = [0.0]


def _copy_progress(p) -> None:
    now = time.monotonic()
    if now - _last_progress[0] < 0.5 and p.bytes_done < p.bytes_total:
        return
    _last_progress[0] = now
    eta = f", {p.eta_s:.0f} s left" if p.eta_s is not None else ""
    progress_line(f"{p.repository}: {human_size(p.bytes_done)} of {human_size(p.bytes_total)}, "
                  f"{p.files_done} of {p.files_total} files, {human_size(p.speed_bps)}/s{eta}")


def _print_repo_import(item) -> None:
    name = f"{item.repository} version {item.version}" if item.repository else item.location
    if item.status == "failed":
        print(f"{name}: NOT imported — {item.error}")
        return
    if item.status == "older":
        print(f"{name}: this PC already has the newer version {item.installed_version}; the "
              "catalogue was kept (no rollback)")
    elif item.report is not None and not item.report.up_to_date:
        print(f"{name}: {item.report.summary_zh()}")
    else:
        print(f"{name} is already installed")
    copy = item.copy
    extra = f"; {copy.files_missing} wanted file(s) not on this stick" if copy.files_missing else ""
    what = "file(s) this PC still needed" if item.status == "older" else "file(s)"
    print(f"  copied {copy.files_copied} {what}, {human_size(copy.bytes_copied)}{extra}")
    if item.expired_days > 0:
        print(f"  note: this copy's metadata expired {item.expired_days:.0f} days ago; lessons were "
              "installed, connect to the source for a newer one")
    for problem in copy.problems:
        print(f"  problem: {problem}")
