"""Publishing to object storage: a real SeaweedFS S3 server on 127.0.0.1, real clients syncing
from the bucket's plain HTTP address, real lessons that play. Nothing here mocks S3."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from helpers import NEW_ROW, ROWS, assert_installed_lessons_play, make_versions, make_video, write_csv
from teachpoint.errors import BadObjectStoreUrl, RepositoryError, UsageError
from teachpoint.paths import DataPaths
from teachpoint.publish.bucket import IMMUTABLE, repository_objects, upload_repository
from teachpoint.sync import engine as eng
from teachpoint.sync.source_list import add_source
from teachpoint.testing.seaweedfs import TELEMETRY_OFF, SeaweedServer
from teachpoint.transport.s3 import BucketFolder, S3Location, make_client, parse_s3_url
from teachpoint.workspace import Workspace

pytestmark = pytest.mark.seaweedfs


@pytest.fixture(scope="module")
def weed():
    with SeaweedServer() as server:
        yield server


@pytest.fixture
def bucket(weed) -> str:
    name = "tp-" + secrets.token_hex(4)
    weed.create_bucket(name)
    return name


@pytest.fixture
def aws_env(weed, tmp_path, monkeypatch) -> dict:
    """The server's admin credentials in the standard variables; no ~/.aws of this machine."""
    env = {**weed.env(), "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def tp(env, data, *args, check=True):
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def folder(weed, bucket: str, prefix: str = "county/") -> BucketFolder:
    """The bucket folder through the real client (credentials from the environment)."""
    return BucketFolder(make_client(weed.endpoint), S3Location(bucket, prefix))


def all_objects(repo: Path) -> list[str]:
    blobs, nodes = repository_objects(repo)
    return [*blobs, *nodes]


def put_keys(client) -> list[str]:
    """Record the key of every PutObject this client sends, in order."""
    keys: list[str] = []
    client.meta.events.register("before-parameter-build.s3.PutObject",
                                lambda params, **_: keys.append(params["Key"]))
    return keys


def fresh_client_version(weed, bucket: str, publisher_key: Path, data: Path) -> int:
    """A new school PC syncs from the bucket now: the version it installs (lessons must play)."""
    ws = Workspace(DataPaths(data, explicit=True), install_demo=False)
    try:
        ws.trust.add(publisher_key.with_suffix(".pub"))
        add_source(ws.catalogue, f"{weed.endpoint}/{bucket}/county/", "bucket")
        assert eng.SyncEngine(ws).sync_once().outcome == eng.UPDATED
        assert_installed_lessons_play(ws, 3)
        return ws.catalogue.repositories()[0].version
    finally:
        ws.close()


def assert_bucket_holds_version(ws, version: int) -> None:
    """A client reading the bucket anonymously gets exactly ``version``; its lessons still play."""
    result = eng.SyncEngine(ws).sync_once()
    assert result.outcome in (eng.UP_TO_DATE, eng.UPDATED)
    assert ws.catalogue.repositories()[0].version == version
    assert_installed_lessons_play(ws)


# ---- the fixture itself ----------------------------------------------------------------------


def test_fixture_command_turns_telemetry_off_and_binds_loopback(tmp_path):
    command = SeaweedServer().command(tmp_path)
    assert TELEMETRY_OFF == "-master.telemetry=false" and TELEMETRY_OFF in command
    assert "-ip=127.0.0.1" in command and "-ip.bind=127.0.0.1" in command
    assert "-metricsIp=127.0.0.1" in command
    assert not any("telemetry" in arg and arg != TELEMETRY_OFF for arg in command)


def test_benchmarks_and_documents_start_seaweedfs_with_telemetry_off():
    """The benchmark starts SeaweedFS through the fixture; every command written down has the flag."""
    top = Path(__file__).parent.parent
    assert "SeaweedServer(" in (top / "benchmarks" / "publish_s3.py").read_text("utf-8")
    files = [*top.glob("docs/*.md"), *top.glob("benchmarks/*"), top / "README.md"]
    commands = [line for path in files if path.is_file()
                for line in path.read_text("utf-8", errors="replace").splitlines()
                if "weed server" in line or "weed mini" in line]
    assert commands, "docs/hosting-object-storage.md shows how to start SeaweedFS"
    assert all(TELEMETRY_OFF in line for line in commands), commands


# ---- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["s3://", "s3:///county", "s3://Bad_Bucket/x", "s3://ab/x",
                                 "s3://county/../x", "s3://county/a//b", "http://county/x"])
def test_malformed_addresses_are_refused(url):
    with pytest.raises(BadObjectStoreUrl):
        parse_s3_url(url)


def test_addresses_parse_to_bucket_and_folder():
    assert parse_s3_url("s3://county-1/teachpoint/county") == S3Location("county-1",
                                                                        "teachpoint/county/")
    assert parse_s3_url("s3://county/").prefix == "" and parse_s3_url("S3://county").key("a") == "a"


# ---- publish, sync, republish ----------------------------------------------------------------


def test_publish_to_bucket_then_a_fresh_client_syncs_and_plays(weed, bucket, aws_env, source_dir,
                                                               publisher_key, tmp_path):
    out = tp(aws_env, tmp_path / "pub", "publish", str(source_dir), "--key",
             str(publisher_key.with_suffix(".key")), "--out", f"s3://{bucket}/county",
             "--endpoint-url", weed.endpoint, "--name", "county")
    assert "version 1" in out.stdout and "and root.json" in out.stdout
    url = f"{weed.endpoint}/{bucket}/county/"
    checked = tp({}, tmp_path / "it", "verify", url, "--trust", str(publisher_key.with_suffix(".pub")))
    assert "OK: everything verified" in checked.stdout  # how IT staff check a host
    data = tmp_path / "school"
    tp({}, data, "trust", "add", str(publisher_key.with_suffix(".pub")))
    tp({}, data, "source", "add", url, "--name", "bucket")
    printed = tp({}, data, "sync", "--once").stdout
    assert "bucket: updated" in printed and "ready to play: 小雨沙沙" in printed
    ws = Workspace(DataPaths(data, explicit=True))
    try:
        assert_installed_lessons_play(ws, 3)
    finally:
        ws.close()


def test_objects_carry_cache_control_and_type_and_never_an_encoding(weed, bucket, aws_env,
                                                                    published_repo, tmp_path):
    upload_repository(published_repo, folder(weed, bucket))
    client, seen = weed.client(), set()
    blobs, nodes = repository_objects(published_repo)
    for rel in [*blobs, *nodes, "root.json"]:
        head = client.head_object(Bucket=bucket, Key="county/" + rel)
        http = requests.get(f"{weed.endpoint}/{bucket}/county/{rel}", timeout=10)
        assert http.status_code == 200 and "Content-Encoding" not in http.headers
        assert "ContentEncoding" not in head
        seen.add((rel.split("/")[0], head["CacheControl"], head["ContentType"]))
    assert seen == {("blobs", IMMUTABLE, "application/octet-stream"),
                    ("meta", IMMUTABLE, "application/gzip"),
                    ("root.json", "no-cache", "application/json")}
    again = json.loads(tp(aws_env, tmp_path / "pub", "upload", str(published_repo),
                          f"s3://{bucket}/county/", "--endpoint-url", weed.endpoint,
                          "--json").stdout)
    assert again["version"] == 1 and not again["root_uploaded"] and again["bytes_uploaded"] == 0
    assert again["skipped"] == len(blobs) + len(nodes)  # everything was there already


def test_republish_uploads_only_new_objects_and_the_root_last(weed, bucket, aws_env, workspace,
                                                              source_dir, publisher_key, tmp_path):
    v1, v2 = make_versions(tmp_path, source_dir, publisher_key)
    target = folder(weed, bucket)
    first = upload_repository(v1, target)
    assert first.root_uploaded and first.skipped == 0
    add_source(workspace.catalogue, f"{weed.endpoint}/{bucket}/county/", "bucket")
    assert_bucket_holds_version(workspace, 1)

    sent = put_keys(target.client)
    mid_upload = []
    target.client.meta.events.register(
        "before-parameter-build.s3.PutObject",
        lambda params, **_: mid_upload.append(fresh_client_version(weed, bucket, publisher_key,
                                                                   tmp_path / "mid"))
        if params["Key"].endswith("root.json") else None)
    before = weed.request_counts(bucket)
    second = upload_repository(v2, target)
    after = weed.request_counts(bucket)
    old, new = set(all_objects(v1)), all_objects(v2)
    expected = {"county/" + rel for rel in new if rel not in old} | {"county/root.json"}
    assert set(sent) == expected and len(sent) == len(expected)
    assert sent[-1] == "county/root.json"  # the root last
    kinds = [key.split("/")[1] for key in sent]
    assert kinds == sorted(kinds, key=["blobs", "meta", "root.json"].index)  # blobs, nodes, root
    assert after["PUT"] - before["PUT"] == len(expected)  # counted at the server
    new_bytes = sum((v2 / rel).stat().st_size for rel in new if rel not in old)
    assert second.bytes_uploaded == new_bytes + (v2 / "root.json").stat().st_size
    assert after["bytes_received"] - before["bytes_received"] == second.bytes_uploaded
    assert second.blobs_uploaded == 2  # 春晓's video and its thumbnail
    assert mid_upload == [1]  # everything but the root was up: a reader still saw version 1, whole

    assert_bucket_holds_version(workspace, 2)
    assert workspace.catalogue.status()["resources"]["installed"] == 4
    again = upload_repository(v2, target)  # nothing new: nothing sent
    assert not again.root_uploaded and again.blobs_uploaded == again.nodes_uploaded == 0


def test_cli_republish_after_one_lesson_sends_only_what_changed(weed, bucket, aws_env, source_dir,
                                                                publisher_key, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(source_dir, src)
    key = str(publisher_key.with_suffix(".key"))
    args = ["--key", key, "--out", f"s3://{bucket}/county/", "--endpoint-url", weed.endpoint]
    tp(aws_env, tmp_path / "pub", "publish", str(src), *args, "--name", "county")
    listed_before = set(folder(weed, bucket).list_objects())
    make_video(src / "音乐/三年级/春晓.mp4", colour="rgbtestsrc")
    write_csv(src, ROWS + [NEW_ROW])
    before = weed.request_counts(bucket)
    work = tmp_path / "work"  # an empty work folder: the bucket's state is brought into it
    out = tp(aws_env, tmp_path / "pub", "publish", str(src), *args, "--work-dir", str(work))
    after = weed.request_counts(bucket)
    added = set(folder(weed, bucket).list_objects()) - listed_before
    assert "version 2" in out.stdout and "uploaded 2 file(s)" in out.stdout
    assert after["PUT"] - before["PUT"] == len(added) + 1  # the new objects and the root
    again = tp(aws_env, tmp_path / "pub", "publish", str(src), *args, "--work-dir", str(work))
    assert "version 3" in again.stdout and "uploaded 0 file(s), 0 metadata node(s) and root.json" \
        in again.stdout  # nothing changed: only a new root


# ---- bad input: clear error, non-zero exit, the bucket's version and installed lessons intact --


@pytest.fixture
def served_v1(weed, bucket, aws_env, workspace, published_repo):
    """The bucket holds version 1 and a client has installed it from there."""
    upload_repository(published_repo, folder(weed, bucket))
    add_source(workspace.catalogue, f"{weed.endpoint}/{bucket}/county/", "bucket")
    assert_bucket_holds_version(workspace, 1)
    return bucket


def test_wrong_endpoint_fails_clearly(served_v1, weed, aws_env, published_repo, workspace, tmp_path):
    proc = tp(aws_env, tmp_path / "pub", "upload", str(published_repo), f"s3://{served_v1}/county",
              "--endpoint-url", "http://127.0.0.1:9", check=False)
    assert proc.returncode == 3 and proc.stderr.startswith("error: ") and "cannot reach" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert_bucket_holds_version(workspace, 1)


def test_wrong_credentials_fail_clearly_and_change_nothing(served_v1, weed, aws_env, workspace,
                                                           source_dir, publisher_key, tmp_path):
    _, v2 = make_versions(tmp_path, source_dir, publisher_key)
    before = set(folder(weed, served_v1).list_objects())
    bad = {**aws_env, "AWS_SECRET_ACCESS_KEY": "not-the-secret"}
    proc = tp(bad, tmp_path / "pub", "upload", str(v2), f"s3://{served_v1}/county",
              "--endpoint-url", weed.endpoint, check=False)
    assert proc.returncode == 1 and "refused the credentials" in proc.stderr
    assert set(folder(weed, served_v1).list_objects()) == before
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID",
                                                            "AWS_SECRET_ACCESS_KEY")}
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(tmp_path / "d"),
                           "upload", str(v2), f"s3://{served_v1}/county", "--endpoint-url",
                           weed.endpoint], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1 and "no object storage credentials" in proc.stderr
    assert_bucket_holds_version(workspace, 1)


def test_malformed_url_fails_before_anything_is_sent(served_v1, weed, aws_env, published_repo,
                                                     workspace, source_dir, publisher_key, tmp_path):
    for url in ("s3://Bad_Bucket/county", "s3:///county", f"s3://{served_v1}/../county"):
        proc = tp(aws_env, tmp_path / "pub", "upload", str(published_repo), url,
                  "--endpoint-url", weed.endpoint, check=False)
        assert proc.returncode == 2 and proc.stderr.startswith("error: "), proc.stderr
    proc = tp(aws_env, tmp_path / "pub", "publish", str(source_dir), "--key",
              str(publisher_key.with_suffix(".key")), "--out", "s3://x/county", check=False)
    assert proc.returncode == 2 and "bucket name 'x'" in proc.stderr
    proc = tp(aws_env, tmp_path / "pub", "upload", str(published_repo), f"s3://{served_v1}/c",
              "--endpoint-url", "127.0.0.1:8333", check=False)
    assert proc.returncode == 2 and "--endpoint-url" in proc.stderr
    assert_bucket_holds_version(workspace, 1)


def test_older_repository_never_replaces_a_newer_bucket(served_v1, weed, aws_env, workspace,
                                                        source_dir, publisher_key, tmp_path):
    v1, v2 = make_versions(tmp_path, source_dir, publisher_key)
    upload_repository(v2, folder(weed, served_v1))
    with pytest.raises(UsageError, match="already holds version 2"):
        upload_repository(v1, folder(weed, served_v1))
    assert_bucket_holds_version(workspace, 2)


def test_damaged_local_file_is_not_published_and_the_root_stays(served_v1, weed, aws_env, workspace,
                                                                source_dir, publisher_key, tmp_path):
    _, v2 = make_versions(tmp_path, source_dir, publisher_key)
    blobs, _ = repository_objects(v2)
    uploaded = set(folder(weed, served_v1).list_objects())
    damaged = next(path for rel, path in blobs.items() if rel not in uploaded)
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    with pytest.raises(RepositoryError, match="does not match its name"):
        upload_repository(v2, folder(weed, served_v1))
    assert_bucket_holds_version(workspace, 1)


def test_large_files_go_up_in_parts_with_the_same_headers(weed, bucket, aws_env, tmp_path,
                                                          monkeypatch):
    from boto3.s3.transfer import TransferConfig

    from teachpoint.transport import s3

    monkeypatch.setattr(s3, "TRANSFER", TransferConfig(multipart_threshold=5 << 20,
                                                       multipart_chunksize=5 << 20))
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(11 << 20))
    folder(weed, bucket).put_file("blobs/big", big, "application/octet-stream", IMMUTABLE)
    head = weed.client().head_object(Bucket=bucket, Key="county/blobs/big")
    assert head["ETag"].strip('"').endswith("-3")  # three parts
    assert "ContentEncoding" not in head and head["CacheControl"] == IMMUTABLE
    assert head["ContentType"] == "application/octet-stream" and head["ContentLength"] == 11 << 20
