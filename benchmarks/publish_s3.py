"""Publishing to object storage: TeachPoint's upload vs ``aws s3 sync``, into a real SeaweedFS.

Builds the synthetic repository of ``metadata_delta.py`` (``--resources``, default 100,000: tiny
text blobs, realistic Chinese titles, every grade and subject) with the real publisher, starts a
real SeaweedFS S3 server on 127.0.0.1 through the test fixture (``teachpoint.testing.seaweedfs``:
``-master.telemetry=false``, everything bound to 127.0.0.1), then in the same run:

1. full upload: ``upload_repository`` (what ``teachpoint upload`` runs) into one bucket, and
   ``aws s3 sync REPO s3://OTHER/county/`` of the same folder into another;
2. +1 lesson: republish locally, then both again; PUTs and bytes are read from the server's own
   metrics (``SeaweedFS_s3_request_total``, ``…_received_bytes_total``), per bucket.

    python3 -m venv .venv-awscli && .venv-awscli/bin/pip install awscli==1.46.2
    .venv/bin/python benchmarks/publish_s3.py [--resources 100000] [--workers 16]
        [--aws .venv-awscli/bin/aws] [--aws-concurrency 10]

awscli lives in its own venv: it pins a botocore of its own. ``--aws-concurrency`` is
``s3.max_concurrent_requests`` of the aws CLI (its default is 10; TeachPoint uses ``--workers``).

Goals (issue 12): the full upload no slower than ``aws s3 sync``; the +1 republish sends only
the new blob(s), the changed nodes and the root.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metadata_delta import make_rows, write_source  # noqa: E402
from teachpoint.publish.bucket import repository_objects, upload_repository  # noqa: E402
from teachpoint.publish.publisher import publish  # noqa: E402
from teachpoint.repo import keys  # noqa: E402
from teachpoint.testing.seaweedfs import SeaweedServer  # noqa: E402
from teachpoint.transport.s3 import BucketFolder, S3Location, make_client  # noqa: E402

TP_BUCKET, AWS_BUCKET, PREFIX = "tp-bench", "aws-bench", "county/"


def default_aws() -> str:
    local = Path(__file__).resolve().parent.parent / ".venv-awscli" / "bin" / "aws"
    return str(local) if local.exists() else (shutil.which("aws") or str(local))


def timed_publish(src: Path, key: Path, repo: Path) -> float:
    start = time.perf_counter()
    publish(src, key, repo, name="bench", progress=lambda *_: None)
    return time.perf_counter() - start


def delta(weed: SeaweedServer, bucket: str, before: dict) -> tuple[int, int]:
    """(PUTs, bytes received) at the server for ``bucket`` since ``before``."""
    now = weed.request_counts(bucket)
    return (now.get("PUT", 0) - before.get("PUT", 0),
            now.get("bytes_received", 0) - before.get("bytes_received", 0))


def run_teachpoint(weed, repo: Path, workers: int) -> tuple[float, int, int]:
    folder = BucketFolder(make_client(weed.endpoint, max_connections=workers),
                          S3Location(TP_BUCKET, PREFIX))
    before = weed.request_counts(TP_BUCKET)
    start = time.perf_counter()
    upload_repository(repo, folder, workers=workers)
    seconds = time.perf_counter() - start
    return (seconds, *delta(weed, TP_BUCKET, before))


def run_aws(weed, repo: Path, aws: str, config: Path) -> tuple[float, int, int]:
    env = {**os.environ, **weed.env(), "AWS_CONFIG_FILE": str(config),
           "AWS_SHARED_CREDENTIALS_FILE": str(config.with_name("no-credentials"))}
    command = [aws, "s3", "sync", str(repo), f"s3://{AWS_BUCKET}/{PREFIX}", "--endpoint-url",
               weed.endpoint, "--only-show-errors"]
    before = weed.request_counts(AWS_BUCKET)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, timeout=3600)
    seconds = time.perf_counter() - start
    return (seconds, *delta(weed, AWS_BUCKET, before))


def aws_labels(weed) -> str:
    """How ``aws s3 sync`` labelled a metadata node (it guesses types from the file name)."""
    client = weed.client()
    key = next(o["Key"] for o in client.list_objects_v2(
        Bucket=AWS_BUCKET, Prefix=PREFIX + "meta/", MaxKeys=1)["Contents"])
    head = client.head_object(Bucket=AWS_BUCKET, Key=key)
    return (f"Content-Type {head.get('ContentType')!r}, Content-Encoding "
            f"{head.get('ContentEncoding')!r}, Cache-Control {head.get('CacheControl')!r}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--aws", default=default_aws())
    parser.add_argument("--aws-concurrency", type=int, default=10)
    args = parser.parse_args()
    if not Path(args.aws).exists() and not shutil.which(args.aws):
        print(f"aws CLI not found at {args.aws}: see this script's docstring", file=sys.stderr)
        return 2
    rng = random.Random(20261122)
    with tempfile.TemporaryDirectory(prefix="tp-bench-s3-") as tmp:
        tmp = Path(tmp)
        config = tmp / "aws-config"
        config.write_text(f"[default]\ns3 =\n    max_concurrent_requests = {args.aws_concurrency}\n")
        src, repo = tmp / "src", tmp / "repo"
        pair = keys.generate_keypair(tmp / "bench")
        rows = make_rows(args.resources, rng)
        write_source(src, rows)
        t_pub = timed_publish(src, pair.private_path, repo)
        blobs, nodes = repository_objects(repo)
        total_bytes = sum(p.stat().st_size for p in [*blobs.values(), *nodes.values()])
        with SeaweedServer() as weed:
            runs = upload_both(weed, args, src, repo, pair, rows, config)
    report(args, t_pub, blobs, nodes, total_bytes, *runs)
    return 0


def upload_both(weed, args, src: Path, repo: Path, pair, rows, config: Path):
    """The full upload and the +1 republish, each by TeachPoint and by aws s3 sync."""
    print(f"SeaweedFS on {weed.endpoint} ({weed.home})", file=sys.stderr)
    for bucket in (TP_BUCKET, AWS_BUCKET):
        weed.create_bucket(bucket)
    os.environ.update(weed.env())  # TeachPoint reads the standard variables too
    full_tp = run_teachpoint(weed, repo, args.workers)
    full_aws = run_aws(weed, repo, args.aws, config)

    before = set().union(*repository_objects(repo))
    rows.append(["f/new.txt", "新增的一课", "三年级", "音乐", "人音版", "上册", "第2单元", "9",
                 "document", "", ""])
    write_source(src, rows)
    t_repub = timed_publish(src, pair.private_path, repo)
    blobs, nodes = repository_objects(repo)
    new = {"blobs": [r for r in blobs if r not in before],
           "nodes": [r for r in nodes if r not in before]}
    new["bytes"] = sum(repo.joinpath(r).stat().st_size for r in new["blobs"] + new["nodes"]) + \
        (repo / "root.json").stat().st_size
    one_tp = run_teachpoint(weed, repo, args.workers)
    one_aws = run_aws(weed, repo, args.aws, config)
    return full_tp, full_aws, t_repub, new, one_tp, one_aws, aws_labels(weed)


def report(args, t_pub, blobs, nodes, total_bytes, full_tp, full_aws, t_repub, new, one_tp,
           one_aws, labels) -> None:
    kb = lambda n: f"{n / 1024:,.1f} KB"  # noqa: E731
    print(f"\npublish_s3: {args.resources:,} resources -> {len(blobs):,} blobs + {len(nodes):,} "
          f"nodes + root = {len(blobs) + len(nodes) + 1:,} objects, {total_bytes / 1e6:,.1f} MB; "
          f"local publish {t_pub:.1f} s, republish +1 {t_repub:.1f} s")
    print(f"TeachPoint: {args.workers} workers; aws s3 sync: max_concurrent_requests "
          f"{args.aws_concurrency}\n")
    print(f"{'step':<14}{'tool':<14}{'seconds':>9}{'PUTs':>9}{'bytes':>14}{'aws / TeachPoint':>18}")
    for step, tp_run, aws_run in (("full upload", full_tp, full_aws), ("+1 lesson", one_tp, one_aws)):
        print(f"{step:<14}{'TeachPoint':<14}{tp_run[0]:>9.1f}{tp_run[1]:>9,}{kb(tp_run[2]):>14}"
              f"{aws_run[0] / tp_run[0]:>17.2f}x")
        print(f"{'':<14}{'aws s3 sync':<14}{aws_run[0]:>9.1f}{aws_run[1]:>9,}{kb(aws_run[2]):>14}")
    expected = len(new["blobs"]) + len(new["nodes"]) + 1
    print(f"\n+1 lesson: {len(new['blobs'])} new blob(s), {len(new['nodes'])} changed node(s) + root "
          f"= {expected} objects, {kb(new['bytes'])}")
    print(f"aws s3 sync labelled a node: {labels}")
    print(f"goal: full upload no slower than aws s3 sync -> "
          f"{'MET' if full_tp[0] <= full_aws[0] else 'MISSED'} ({full_aws[0] / full_tp[0]:.2f}x)")
    only_new = one_tp[1] == expected and one_tp[2] == new["bytes"]
    print(f"goal: +1 sends only the new objects -> {'MET' if only_new else 'MISSED'} "
          f"({one_tp[1]} PUTs, {kb(one_tp[2])})")


if __name__ == "__main__":
    raise SystemExit(main())
