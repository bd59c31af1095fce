"""Metadata and blob fetches against servers that misbehave the way real ones do (issue 12).

A small real HTTP server on 127.0.0.1 (``http.server`` on a thread) serves a published repository
with one quirk at a time: a busy peer that answers ``503 + Retry-After`` before it answers 200,
a server whose ranges come back as ``multipart/byteranges`` or with a malformed
``Content-Range``, one that stops sending in the middle of a file. Each sync installs version 2
over an installed version 1, and the lessons already installed still play.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import assert_installed_lessons_play, make_versions
from teachpoint import __version__
from teachpoint.errors import (
    NotOnSource, SourceBusy, SourceStalled, SourceUnreachable, UnexpectedResponse)
from teachpoint.library.store import ContentStore
from teachpoint.repo.format import blob_path
from teachpoint.testing.daemon import free_port
from teachpoint.transport.download import BlobJob, Downloader
from teachpoint.sync import engine as eng
from teachpoint.library.source_list import add_source
from teachpoint.transport import http_get
from teachpoint.transport.sources import FolderSource

QUICK = http_get.RetryPolicy(attempts=3, budget_s=5.0, connect_s=2.0, stall_s=0.5, backoff_s=0.05)


class QuirkyServer:
    """Static files from ``root`` with one ``quirk`` (see the module docstring); records requests."""

    def __init__(self, root: Path, quirk: str = ""):
        self.root, self.quirk = root, quirk
        self.requests: list[tuple[str, dict]] = []
        self.refused: set[str] = set()
        self.lock = threading.Lock()
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        with self.lock:
            self.requests.append((h.path, dict(h.headers)))
            first_time = path not in self.refused
            self.refused.add(path)
        file = self.root / path.lstrip("/")
        if not file.is_file():
            return self.reply(h, 404, b"")
        if self.quirk == "busy" and first_time:
            return self.reply(h, 503, b"busy\n", {"Retry-After": "1"})
        data = file.read_bytes()
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", h.headers.get("Range", ""))
        if self.quirk == "stall":
            h.send_response(200)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[:len(data) // 2])
            h.wfile.flush()
            self.release.wait(10)  # open and silent: a half-dead connection
            h.close_connection = True
            return
        if not m or self.quirk not in ("multipart", "bad-content-range"):
            return self.reply(h, 200, data)
        first, last = int(m[1]), min(int(m[2] or len(data) - 1), len(data) - 1)
        part = data[first:last + 1]
        if self.quirk == "multipart":
            boundary = "TEACHPOINTTESTBOUNDARY"
            body = (f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
                    f"Content-Range: bytes {first}-{last}/{len(data)}\r\n\r\n").encode() + part + \
                f"\r\n--{boundary}--\r\n".encode()
            return self.reply(h, 206, body, {"Content-Type": f"multipart/byteranges; boundary={boundary}"})
        return self.reply(h, 206, part, {"Content-Range": f"{first}-{last}/{len(data)}"})  # no unit

    @staticmethod
    def reply(h, code: int, body: bytes, headers: dict | None = None) -> None:
        h.send_response(code)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def had_range(self, path_part: str) -> list[bool]:
        """For each request whose path contains ``path_part``: did it carry a Range header?"""
        with self.lock:
            return ["Range" in hdrs for p, hdrs in self.requests if path_part in p]


@pytest.fixture(scope="module")
def versions(tmp_path_factory, source_dir, publisher_key):
    """(v1, v2) of the repository; v2 adds one lesson (video + thumbnail). Read-only."""
    return make_versions(tmp_path_factory.mktemp("versions"), source_dir, publisher_key)


@pytest.fixture
def installed(workspace, versions):
    """The workspace with version 1 installed from a folder (what must keep playing)."""
    workspace.install(FolderSource(versions[0]))
    assert_installed_lessons_play(workspace, 3)
    return workspace


def sync_from(ws, url: str) -> eng.SyncResult:
    add_source(ws.catalogue, url, "county")
    return eng.SyncEngine(ws).sync_once()


def assert_version_2_installed(ws, result) -> None:
    assert result.outcome == eng.UPDATED, result
    assert ws.catalogue.status()["resources"]["installed"] == 4
    assert_installed_lessons_play(ws, 4)


def test_busy_peer_503_retry_after_then_200_syncs_in_one_round(installed, versions):
    with QuirkyServer(versions[1], "busy") as srv:
        result = sync_from(installed, srv.url)
        paths = [p.split("?", 1)[0] for p, _ in srv.requests]
    assert_version_2_installed(installed, result)
    assert paths.count("/root.json") == 2, "refused once, asked again after Retry-After"
    assert any(p.startswith("/meta/") for p in paths) and len(srv.refused) >= 3


@pytest.mark.parametrize("quirk", ["multipart", "bad-content-range"])
def test_a_bad_206_falls_back_to_one_whole_file_download(installed, versions, quirk):
    with QuirkyServer(versions[1], quirk) as srv:
        result = sync_from(installed, srv.url)
        blob_requests = srv.had_range("/blobs/")
    assert_version_2_installed(installed, result)
    assert blob_requests and blob_requests.count(False) >= 1, "a whole-file GET without Range"
    # one ranged try per new blob at most, then the whole file: no retry loop until "offline"
    assert blob_requests.count(True) <= blob_requests.count(False)


def test_every_request_says_teachpoint(installed, versions):
    with QuirkyServer(versions[1]) as srv:
        assert_version_2_installed(installed, sync_from(installed, srv.url))
        agents = {hdrs.get("User-Agent") for _, hdrs in srv.requests}
        codings = {hdrs.get("Accept-Encoding") for _, hdrs in srv.requests}
    assert agents == {f"TeachPoint/{__version__}"} and codings == {"identity"}


def test_root_is_asked_for_past_every_cache(installed, versions):
    with QuirkyServer(versions[1]) as srv:
        sync_from(installed, srv.url)
        roots = [(p, h) for p, h in srv.requests if p.startswith("/root.json")]
        nodes = [(p, h) for p, h in srv.requests if p.startswith("/meta/")]
    assert roots and all("?" in p and h.get("Cache-Control") == "no-cache" and h.get("Pragma") == "no-cache"
                         for p, h in roots)
    assert nodes and all("?" not in p and "Cache-Control" not in h for p, h in nodes), \
        "content-addressed nodes may come from a cache"


# ---- the metadata GET itself: typed errors, bounded -------------------------------------------

def test_a_peer_that_stays_busy_is_a_typed_error_after_bounded_tries(versions):
    class AlwaysBusy(QuirkyServer):
        def handle(self, h):
            with self.lock:
                self.requests.append((h.path, dict(h.headers)))
            self.reply(h, 503, b"", {"Retry-After": "0"})

    with AlwaysBusy(versions[1]) as srv:
        with pytest.raises(SourceBusy) as err:
            http_get.fetch_bytes(http_get.new_session(), srv.url + "/root.json", 1 << 20, policy=QUICK)
        assert len(srv.requests) == QUICK.attempts
    assert err.value.retry_after == 0.0


def test_a_stalled_metadata_body_is_a_typed_error(versions):
    with QuirkyServer(versions[1], "stall") as srv:
        t0 = time.monotonic()
        with pytest.raises(SourceStalled):
            http_get.fetch_bytes(http_get.new_session(), srv.url + "/root.json", 1 << 20, policy=QUICK)
        assert len(srv.requests) == QUICK.attempts
        assert time.monotonic() - t0 < QUICK.budget_s + QUICK.attempts * (QUICK.stall_s + 1)


def test_missing_and_forbidden_are_typed_and_not_retried(versions):
    class Forbidding(QuirkyServer):
        def handle(self, h):
            with self.lock:
                self.requests.append((h.path, dict(h.headers)))
            self.reply(h, 403 if "secret" in h.path else 404, b"")

    with Forbidding(versions[1]) as srv:
        session = http_get.new_session()
        with pytest.raises(NotOnSource):
            http_get.fetch_bytes(session, srv.url + "/nothing.json", 100, policy=QUICK)
        with pytest.raises(UnexpectedResponse) as err:
            http_get.fetch_bytes(session, srv.url + "/secret.json", 100, policy=QUICK)
        assert err.value.status == 403 and len(srv.requests) == 2


def test_nothing_listening_is_offline_at_once(caplog):
    caplog.set_level(logging.DEBUG, logger="teachpoint.transport.http_get")
    url = f"http://127.0.0.1:{free_port()}/root.json"
    with pytest.raises(SourceUnreachable) as err:
        http_get.fetch_bytes(http_get.new_session(), url, 100)  # the default policy
    assert not isinstance(err.value, (SourceBusy, SourceStalled))
    assert not caplog.records, "no retry against a closed port: the engine's next round retries"


@pytest.mark.parametrize("quirk", ["multipart", "bad-content-range"])
def test_a_bad_206_on_a_many_piece_blob_ends_as_one_whole_download(tmp_path, quirk):
    """Four streams ask for 32 KiB pieces of one 600 KB blob; the answers cannot be trusted, so the
    blob comes as one whole-file GET and is verified."""
    data = os.urandom(600_000)
    sha = hashlib.sha256(data).hexdigest()
    (tmp_path / "www" / blob_path(sha)).parent.mkdir(parents=True)
    (tmp_path / "www" / blob_path(sha)).write_bytes(data)
    store = ContentStore(tmp_path / "store", floor_bytes=0)
    with QuirkyServer(tmp_path / "www", quirk) as srv:
        stats = Downloader(store, max_streams=4, piece_bytes=32 * 1024, give_up_s=30, stall_s=5).run(
            [BlobJob(sha, len(data), f"{srv.url}/{blob_path(sha)}")])
        ranged = srv.had_range("/blobs/")
    assert store.has(sha) and stats.blobs_done == 1 and not stats.blobs_failed
    assert ranged.count(False) >= 1 and ranged.count(True) <= 4
