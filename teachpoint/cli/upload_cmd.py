"""``teachpoint upload`` and ``teachpoint publish --out s3://``: repositories into object storage.

Credentials: the standard AWS variables (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_PROFILE``, ``AWS_ENDPOINT_URL``) and ``~/.aws`` files; ``--endpoint-url`` names an
S3-compatible server (SeaweedFS, MinIO, a province's object store).
"""

from __future__ import annotations

from pathlib import Path

from teachpoint.cli.output import human_size, print_json, progress_done, progress_line

# boto3 takes ~0.1 s to import: only the commands that talk to a bucket import it (below).


def register(sub, common) -> None:
    p = sub.add_parser("upload", parents=[common],
                       help="upload a repository folder to S3-compatible object storage (only what "
                            "the bucket lacks; root.json last)")
    p.add_argument("repo", metavar="REPO_DIR")
    p.add_argument("dest", metavar="s3://BUCKET/PREFIX")
    add_endpoint_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_upload)


def add_endpoint_option(parser) -> None:
    parser.add_argument("--endpoint-url", metavar="URL",
                        help="S3-compatible server, e.g. http://127.0.0.1:8333 (default: "
                             "$AWS_ENDPOINT_URL or AWS)")


def add_publish_options(parser) -> None:
    """The options ``publish`` needs when ``--out`` is an ``s3://`` address."""
    add_endpoint_option(parser)
    parser.add_argument("--work-dir", metavar="DIR",
                        help="with --out s3://…: keep the local copy here between publishes "
                             "(default: a temporary folder; files are then copied each time)")


def is_bucket_address(text: str) -> bool:
    """True for ``s3://…`` (checked without importing boto3; parse_s3_url says what is wrong)."""
    return text.lower().startswith("s3://")


def open_bucket(url: str, endpoint_url: str | None):
    """The bucket folder at ``url``; a malformed address fails before credentials are looked at."""
    from teachpoint.transport.s3 import BucketFolder, check_endpoint_url, make_client, parse_s3_url

    location = parse_s3_url(url)
    check_endpoint_url(endpoint_url)
    return BucketFolder(make_client(endpoint_url), location)


def cmd_upload(args, paths) -> int:
    from teachpoint.publish.bucket import upload_repository

    folder = open_bucket(args.dest, args.endpoint_url)
    report = upload_repository(Path(args.repo), folder, progress=progress_line)
    progress_done()
    if args.json:
        print_json(report.to_json())
    else:
        print_upload(report)
    return 0


def cmd_publish_to_bucket(args, paths) -> int:
    """``publish SRC --key K --out s3://…``: publish locally, then upload what the bucket lacks."""
    from teachpoint.publish.bucket import publish_to_bucket

    folder = open_bucket(args.out, args.endpoint_url)
    published, uploaded = publish_to_bucket(
        Path(args.src), Path(args.key), folder, work_dir=args.work_dir, progress=progress_line,
        name=args.name, title=args.title, expires_days=args.expires)
    progress_done()
    print(f"published {published.repository} version {published.version}: {published.resources} "
          f"resources ({published.added} new, {published.changed} changed, "
          f"{published.removed} removed)")
    print_upload(uploaded)
    return 0


def print_upload(report) -> None:
    root = "and root.json" if report.root_uploaded else "(root.json was already there)"
    print(f"{report.location}: {report.repository} version {report.version}; uploaded "
          f"{report.blobs_uploaded} file(s), {report.nodes_uploaded} metadata node(s) {root}, "
          f"{human_size(report.bytes_uploaded)}; {report.skipped} object(s) were already there")
