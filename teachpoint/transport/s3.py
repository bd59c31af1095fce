"""S3-compatible object storage: ``s3://BUCKET/PREFIX`` addresses, a boto3 client, one bucket folder.

General on purpose: the publisher uploads repositories with it (``teachpoint publish --out s3://``,
``teachpoint upload``) and usage reports can put their files into a bucket the same way.

    location = parse_s3_url("s3://county-bucket/teachpoint/")   # S3Location(bucket, prefix)
    client = make_client(endpoint_url="https://oss.example.cn")  # None: AWS itself
    folder = BucketFolder(client, location)
    folder.list_objects("blobs/")           # {"blobs/sha256/ab/ab…": ObjectInfo(size, etag)}
    folder.put_file("blobs/…", path, content_type="video/mp4", cache_control="no-cache")

Credentials come from the standard AWS chain that boto3 reads: ``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY`` (/ ``AWS_SESSION_TOKEN``), ``AWS_PROFILE`` with ``~/.aws/credentials``
and ``~/.aws/config``, or an instance role. The endpoint is ``endpoint_url`` or, when that is
None, ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` (boto3 reads them) or AWS. With an endpoint
the client uses path-style addresses (``http://HOST:PORT/BUCKET/KEY``), which every
S3-compatible server (SeaweedFS, MinIO, Ceph RGW, OSS/COS in path mode) understands.

Objects are written with the ``Content-Type`` and ``Cache-Control`` the caller gives and never a
``Content-Encoding`` (checksums go in headers, not as ``aws-chunked`` bodies: DESIGN §9, a bucket
that labels bytes as gzip makes clients decompress them).

Failures become typed errors: :class:`BadObjectStoreUrl` (malformed address),
:class:`ObjectStoreAuthError` (no or refused credentials), :class:`ObjectStoreUnreachable`
(endpoint down or wrong), :class:`ObjectStoreError` (anything else the store refuses). They are
decided by botocore's exception classes and S3 error codes, never by message text.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore import exceptions as bx
from botocore.config import Config

from teachpoint import __version__
from teachpoint.errors import (
    BadObjectStoreUrl, ObjectStoreAuthError, ObjectStoreError, ObjectStoreUnreachable)

log = logging.getLogger(__name__)

SCHEME = "s3://"
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
DEFAULT_REGION = "us-east-1"  # S3-compatible servers accept any region; AWS needs one to sign
MAX_CONNECTIONS = 16
AUTH_CODES = frozenset({
    "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
    "InvalidToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed", "AllAccessDisabled"})
MISSING_BUCKET_CODES = frozenset({"NoSuchBucket"})
MISSING_KEY_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
# Whole-object PUT up to this size; larger files go up in parts (S3 limits one PUT to 5 GB).
TRANSFER = TransferConfig(multipart_threshold=256 << 20, multipart_chunksize=64 << 20,
                          max_concurrency=4)


@dataclass(frozen=True)
class S3Location:
    """A folder in a bucket: ``bucket`` and ``prefix`` ("" or ending in "/")."""

    bucket: str
    prefix: str = ""

    def key(self, rel: str) -> str:
        """The object key of ``rel`` (a relative name like ``meta/ab….json.gz``) in this folder."""
        return self.prefix + rel

    @property
    def url(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}"


@dataclass(frozen=True)
class ObjectInfo:
    """What a listing says about one object."""

    size: int
    etag: str  # without quotes; the MD5 of the bytes for a single-part upload


def is_s3_url(text: str) -> bool:
    """True if ``text`` is meant as an ``s3://`` address (well-formed or not)."""
    return text.lower().startswith(SCHEME)


def parse_s3_url(url: str) -> S3Location:
    """``s3://BUCKET`` or ``s3://BUCKET/PREFIX`` → :class:`S3Location`; raises BadObjectStoreUrl."""
    if not is_s3_url(url):
        raise BadObjectStoreUrl(f"{url!r} is not an s3://BUCKET/PREFIX address")
    bucket, _, prefix = url[len(SCHEME):].partition("/")
    if not BUCKET_RE.match(bucket) or ".." in bucket:
        raise BadObjectStoreUrl(
            f"{url!r}: bucket name {bucket!r} is not valid (3–63 lower-case letters, digits, "
            "'.' or '-', starting and ending with a letter or digit)")
    prefix = prefix.strip("/")
    parts = prefix.split("/") if prefix else []
    if any(p in ("", ".", "..") for p in parts) or any(
            ord(c) < 32 or c in "\\\x7f" for c in prefix) or len(prefix) > 900:
        raise BadObjectStoreUrl(f"{url!r}: the folder {prefix!r} is not a plain path")
    return S3Location(bucket, prefix + "/" if prefix else "")


def check_endpoint_url(endpoint_url: str | None) -> str | None:
    """``endpoint_url`` if it is an http(s) URL (or None); raises BadObjectStoreUrl otherwise."""
    if endpoint_url is None:
        return None
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", endpoint_url):
        raise BadObjectStoreUrl(f"--endpoint-url {endpoint_url!r} is not an http:// or https:// URL")
    return endpoint_url


def make_client(endpoint_url: str | None = None, region: str | None = None,
                max_connections: int = MAX_CONNECTIONS):
    """A boto3 S3 client with the standard AWS credentials, bounded timeouts and retries.

    Raises :class:`ObjectStoreAuthError` when no credentials are configured at all (a clear
    message beats a signature error later). The client is thread-safe.
    """
    endpoint_url = check_endpoint_url(endpoint_url)
    with translated_errors("reading the AWS configuration"):  # a missing profile, a bad file
        session = boto3.session.Session()
        credentials = session.get_credentials()
    if credentials is None:
        raise ObjectStoreAuthError(
            "no object storage credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(or AWS_PROFILE with ~/.aws/credentials)")
    config = Config(
        connect_timeout=10, read_timeout=60, retries={"max_attempts": 4, "mode": "standard"},
        max_pool_connections=max_connections, user_agent_extra=f"TeachPoint/{__version__}",
        s3={"addressing_style": "path" if _custom_endpoint(endpoint_url) else "auto"},
        # No aws-chunked bodies: the checksum goes in a header only when S3 requires one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required")
    return session.client("s3", endpoint_url=endpoint_url,
                          region_name=region or session.region_name or DEFAULT_REGION, config=config)


def _custom_endpoint(endpoint_url: str | None) -> bool:
    """True unless the client goes to AWS itself (then virtual-hosted addresses are the norm)."""
    return bool(endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3")
                or os.environ.get("AWS_ENDPOINT_URL"))


@contextlib.contextmanager
def translated_errors(what: str, location: S3Location | None = None):
    """Turn botocore's exceptions raised inside the block into TeachPoint's typed errors."""
    where = location.url if location else "the object store"
    try:
        yield
    except (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError,
            bx.ConnectionClosedError, bx.ProxyConnectionError) as exc:
        raise ObjectStoreUnreachable(f"{what}: cannot reach {where}: {exc}") from exc
    except (bx.NoCredentialsError, bx.PartialCredentialsError) as exc:
        raise ObjectStoreAuthError(f"{what}: {exc}") from exc
    except bx.ClientError as exc:
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message") or code
        if code in AUTH_CODES:
            raise ObjectStoreAuthError(
                f"{what}: {where} refused the credentials ({code}: {message})") from exc
        if code in MISSING_BUCKET_CODES:
            raise ObjectStoreError(f"{what}: the bucket {location.bucket if location else ''} "
                                   "does not exist (create it first)") from exc
        raise ObjectStoreError(f"{what}: {where} answered {code}: {message}") from exc
    except bx.BotoCoreError as exc:
        raise ObjectStoreError(f"{what}: {exc}") from exc


def error_code(exc: bx.ClientError) -> str:
    """The S3 error code of a ClientError (``NoSuchKey``, ``AccessDenied``, ``404`` …)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


class BucketFolder:
    """One folder (``S3Location``) of a bucket: list, read and write objects by relative name."""

    def __init__(self, client, location: S3Location):
        self.client = client
        self.location = location

    def list_objects(self, under: str = "") -> dict[str, ObjectInfo]:
        """Every object below ``under`` (relative names → size and ETag), all pages."""
        found: dict[str, ObjectInfo] = {}
        strip = len(self.location.prefix)
        paginator = self.client.get_paginator("list_objects_v2")
        with translated_errors("listing the bucket", self.location):
            for page in paginator.paginate(Bucket=self.location.bucket,
                                           Prefix=self.location.key(under)):
                for item in page.get("Contents", ()):
                    found[item["Key"][strip:]] = ObjectInfo(int(item["Size"]),
                                                            item.get("ETag", "").strip('"'))
        return found

    def get_bytes(self, rel: str, limit: int) -> bytes | None:
        """The object's bytes (at most ``limit``; more is an error), or None if there is none."""
        with translated_errors(f"reading {rel}", self.location):
            try:
                resp = self.client.get_object(Bucket=self.location.bucket, Key=self.location.key(rel))
            except bx.ClientError as exc:
                if error_code(exc) in MISSING_KEY_CODES:
                    return None
                raise
            with contextlib.closing(resp["Body"]) as body:
                data = body.read(limit + 1)
        if len(data) > limit:
            raise ObjectStoreError(f"{self.location.url}{rel} is larger than {limit} bytes")
        return data

    def put_bytes(self, rel: str, data: bytes, content_type: str, cache_control: str) -> None:
        """Write one object from memory (no Content-Encoding)."""
        with translated_errors(f"uploading {rel}", self.location):
            self.client.put_object(Bucket=self.location.bucket, Key=self.location.key(rel),
                                   Body=data, ContentType=content_type, CacheControl=cache_control)

    def put_file(self, rel: str, path: Path, content_type: str, cache_control: str) -> None:
        """Write one object from a file (no Content-Encoding); one PUT, or parts when large."""
        args = {"ContentType": content_type, "CacheControl": cache_control}
        with translated_errors(f"uploading {rel}", self.location):
            if Path(path).stat().st_size < TRANSFER.multipart_threshold:
                with open(path, "rb") as body:
                    self.client.put_object(Bucket=self.location.bucket,
                                           Key=self.location.key(rel), Body=body, **args)
                return
            try:
                self.client.upload_file(str(path), self.location.bucket, self.location.key(rel),
                                        Config=TRANSFER, ExtraArgs=args)
            except S3UploadFailedError as exc:  # boto3 wraps the ClientError it caught
                if isinstance(exc.__context__, (bx.ClientError, bx.BotoCoreError)):
                    raise exc.__context__ from None
                raise ObjectStoreError(f"uploading {rel} failed: {exc}") from exc
