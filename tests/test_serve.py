"""The LAN peer (``teachpoint serve``): a second PC syncs from this one; ranges; hostile paths.

Everything talks to 127.0.0.1 only; every loop is bounded in count and time.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import json
import logging
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from helpers import assert_installed_lessons_play, write_csv
from teachpoint.transport.serve_limits import ConnectionLimits
from teachpoint.paths import DataPaths
from teachpoint.sync import engine as eng
from teachpoint.transport import serve
from teachpoint.transport.serve import Peer, ServeError, parse_range, serve_collection
from teachpoint.publish.publisher import publish
from teachpoint.library.source_list import add_source
from teachpoint.transport.sources import FolderSource, parse_collection
from teachpoint.workspace import Workspace

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def server_ws(workspace, published_repo):
    """The PC that serves: it installed the published repository from a stick."""
    report = workspace.install(FolderSource(published_repo))
    assert report.blobs_copied > 0
    return workspace


@pytest.fixture
def peer(server_ws):
    with serve_collection(server_ws, "127.0.0.1", 0) as p:
        yield p


@pytest.fixture
def blob(server_ws):
    """(sha, bytes, url path) of the biggest blob the server holds."""
    sha, _ = max(server_ws.catalogue.present_blobs().items(), key=lambda kv: kv[1])
    return sha, server_ws.store.path_of(sha).read_bytes(), f"/county/blobs/sha256/{sha[:2]}/{sha}"


def raw_get(peer: Peer, path: str, method: str = "GET", headers: dict | None = None):
    """A request with the path sent exactly as given (requests would normalise ``..``)."""
    conn = http.client.HTTPConnection("127.0.0.1", peer.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@contextlib.contextmanager
def second_pc(tmp_path: Path, publisher_key: Path, url: str):
    """(client workspace, result) after a second PC that trusts the publisher synced from ``url``."""
    client = Workspace(DataPaths(tmp_path / "client", explicit=True), install_demo=False)
    try:
        client.trust.add(publisher_key.with_suffix(".pub"))
        add_source(client.catalogue, url, "teacher-pc")
        result = eng.SyncEngine(client).sync_once()
        assert result.outcome == eng.UPDATED, result.sources[0].error
        yield client, result
    finally:
        client.close()


# ---- a second PC syncs from the peer ------------------------------------------------------------


def test_second_pc_syncs_from_peer_and_signatures_pass_through(peer, published_repo, publisher_key,
                                                               tmp_path):
    original_root = (published_repo / "root.json").read_bytes()
    resp = requests.get(peer.url + "teachpoint.json", timeout=10)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-cache"
    assert parse_collection(resp.content) == {"county": "county/"}
    resp = requests.get(peer.url + "county/root.json", timeout=10)
    assert resp.content == original_root  # the publisher's signature, byte for byte
    assert resp.headers["Cache-Control"] == "no-cache"

    with second_pc(tmp_path, publisher_key, peer.url) as (client, result):
        assert result.sources[0].files_fetched > 0
        assert client.catalogue.status()["resources"]["installed"] == 3
        assert_installed_lessons_play(client, 3)
        assert (client.cache.folder / "roots" / "county.root.json").read_bytes() == original_root
        again = eng.SyncEngine(client).sync_once()
        assert again.outcome == eng.UP_TO_DATE


def test_big_file_is_fetched_in_ranged_pieces_without_waste(tmp_path, publisher_key, caplog):
    """A 3 MiB file crosses the peer as many 206 pieces on several streams, If-Range honoured."""
    src = tmp_path / "src"
    (src / "资料").mkdir(parents=True)
    big = b"%PDF-1.4\n" + os.urandom(3 << 20)
    (src / "资料/大文件.pdf").write_bytes(big)
    write_csv(src, ["资料/大文件.pdf,大文件,三年级,音乐,人音版,上册,第一单元,1,文档,,,"])
    publish(src, publisher_key.with_suffix(".key"), tmp_path / "repo", name="big",
            progress=lambda *_: None)
    server = Workspace(DataPaths(tmp_path / "server", explicit=True), install_demo=False)
    client = Workspace(DataPaths(tmp_path / "client", explicit=True), install_demo=False)
    try:
        for ws in (server, client):
            ws.trust.add(publisher_key.with_suffix(".pub"))
        server.install(FolderSource(tmp_path / "repo"))
        with serve_collection(server, "127.0.0.1", 0) as p:
            add_source(client.catalogue, p.url + "big/", "peer")  # a plain repository URL works too
            with caplog.at_level(logging.DEBUG, logger="teachpoint.transport.serve"):
                result = eng.SyncEngine(client).sync_once()
        assert result.outcome == eng.UPDATED, result.sources[0].error
        assert result.sources[0].bytes_fetched == len(big)
        answers = [r.getMessage().rsplit(" ", 1)[1] for r in caplog.records
                   if "/blobs/" in r.getMessage() and "GET" in r.getMessage()]
        assert len(answers) >= (3 << 20) // (256 << 10) and set(answers) == {"206"}
        sha = hashlib.sha256(big).hexdigest()
        assert client.store.path_of(sha).read_bytes() == big
    finally:
        server.close()
        client.close()


def test_untrusted_client_refuses_the_peer(peer, tmp_path):
    client = Workspace(DataPaths(tmp_path / "client", explicit=True), install_demo=False)
    try:
        add_source(client.catalogue, peer.url, "teacher-pc")
        result = eng.SyncEngine(client).sync_once()
        assert result.outcome == eng.FAILED
        assert client.catalogue.status()["resources"]["installed"] == 0
    finally:
        client.close()


# ---- HTTP: ranges, validators, HEAD ---------------------------------------------------------------


def test_full_get_headers(peer, blob):
    sha, data, path = blob
    resp = requests.get(peer.url + path[1:], headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert resp.status_code == 200 and resp.content == data
    h = resp.headers
    assert h["Content-Length"] == str(len(data)) and h["Accept-Ranges"] == "bytes"
    assert h["ETag"] == f'"{sha}"' and h["Cache-Control"] == IMMUTABLE and "Last-Modified" in h
    assert "Content-Encoding" not in h


@pytest.mark.parametrize("header,expect", [
    ("bytes=10-99", (10, 99)), ("bytes=-100", "suffix"), ("bytes=100-", "open"),
    ("bytes=0-0", (0, 0)), ("bytes=5-999999999", "clamp"),
])
def test_single_range_gives_206(peer, blob, header, expect):
    sha, data, path = blob
    size = len(data)
    first, last = {"suffix": (size - 100, size - 1), "open": (100, size - 1),
                   "clamp": (5, size - 1)}.get(expect, expect)
    resp = requests.get(peer.url + path[1:], headers={"Range": header}, timeout=10)
    assert resp.status_code == 206
    assert resp.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert resp.headers["Content-Length"] == str(last - first + 1)
    assert resp.content == data[first:last + 1]


def test_unsatisfiable_multi_and_if_range(peer, blob):
    sha, data, path = blob
    url, size = peer.url + path[1:], len(data)
    resp = requests.get(url, headers={"Range": f"bytes={size}-"}, timeout=10)
    assert resp.status_code == 416 and resp.headers["Content-Range"] == f"bytes */{size}"
    resp = requests.get(url, headers={"Range": "bytes=0-1,5-6"}, timeout=10)
    assert resp.status_code == 200 and resp.content == data
    resp = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": '"0000"'}, timeout=10)
    assert resp.status_code == 200 and resp.content == data
    resp = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": f'"{sha}"'}, timeout=10)
    assert resp.status_code == 206 and resp.content == data[:10]
    resp = requests.get(url, headers={"If-None-Match": f'"{sha}"'}, timeout=10)
    assert resp.status_code == 304 and resp.content == b""
    resp = requests.head(url, timeout=10)
    assert resp.status_code == 200 and resp.headers["Content-Length"] == str(size)
    assert resp.content == b""
    status, headers, body = raw_get(peer, path, "HEAD", {"Range": "bytes=0-9"})
    assert status == 206 and headers["Content-Length"] == "10" and body == b""


def test_parse_range_rules():
    assert parse_range(None, 10) is None
    assert parse_range("bytes=2-4", 10) == (2, 4)
    assert parse_range("bytes=-3", 10) == (7, 9)
    assert parse_range("bytes=-30", 10) == (0, 9)
    assert parse_range("bytes=-0", 10) == "416"
    assert parse_range("bytes=10-", 10) == "416"
    assert parse_range("bytes=0-", 0) == "416"
    assert parse_range("bytes=4-2", 10) is None  # invalid: ignored
    assert parse_range("items=0-1", 10) is None
    assert parse_range("bytes=0-1,3-4", 10) is None


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_curl_range_gives_the_same_bytes(peer, blob, tmp_path):
    sha, data, path = blob
    for rng, expect in (("0-99", data[:100]), ("100-", data[100:]), ("-50", data[-50:])):
        out = subprocess.run(["curl", "-sS", "--fail", "-r", rng, peer.url + path[1:]],
                             capture_output=True, timeout=20, check=True).stdout
        assert out == expect


# ---- nothing else is served -----------------------------------------------------------------------


def test_hostile_paths_are_404_and_read_nothing_outside(peer, server_ws, blob, monkeypatch):
    sha, data, path = blob
    opened = []
    real_open = serve._open_regular
    monkeypatch.setattr(serve, "_open_regular",
                        lambda folder, name: opened.append(Path(folder, name)) or real_open(folder, name))
    node = next(server_ws.cache.packs_dir.iterdir()).name  # a small repository: grade packs only
    hostile = [
        "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd",
        f"/county/blobs/sha256/{sha[:2]}/../../../x", "/county/root.json/../../../../etc/passwd",
        "/county/../../../etc/passwd", "//etc/passwd", "/county%2froot.json", "/county/root.json%00",
        f"/county/blobs/sha256/{sha[:2].upper()}/{sha.upper()}", f"/county/blobs/sha256/{sha[:2]}/{sha}0",
        f"/county/blobs/sha256/{sha[:2]}/{sha[:-1]}", f"/county/blobs/sha256/ff/{sha}" if sha[:2] != "ff"
        else f"/county/blobs/sha256/00/{sha}", f"/county/meta/{node.upper()}",
        f"/county/meta/{node}/..", "/COUNTY/root.json", "/nosuch/root.json", "/county/", "/",
        "/root.json", "/county/meta/", f"/county/blobs/sha256/{sha[:2]}/", "/county/catalogue.sqlite",
        "/" + "a" * 70 + "/root.json", f"/county/blobs/sha256/{sha[:2]}/{sha}/",
        f"/county/blobs/{sha}", f"/x/../county/blobs/sha256/{sha[:2]}/{sha}",
        "http://127.0.0.1/../etc/passwd", "http://127.0.0.1/county/../../etc/passwd",
        "http://127.0.0.1", "http://127.0.0.1/%2e%2e/etc/passwd",
    ]
    for p in hostile:
        status, _, body = raw_get(peer, p)
        assert status == 404, p
        assert b"root:" not in body
    assert raw_get(peer, path)[0] == 200 and raw_get(peer, f"/county/meta/{node}")[0] == 200
    data_root = server_ws.paths.root.resolve()
    assert opened and all(p.resolve().is_relative_to(data_root) for p in opened)
    status, _, _ = raw_get(peer, "/county/root.json", "DELETE")
    assert status == 501  # read-only


def test_symlinks_planted_in_the_store_are_not_followed(peer, server_ws, blob, tmp_path):
    sha, data, path = blob
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret"
    secret.write_bytes(data)  # even the right bytes: a symlink is never served
    target = server_ws.store.path_of(sha)
    target.unlink()
    target.symlink_to(secret)
    assert raw_get(peer, path)[0] == 404
    target.unlink()
    shutil.copyfile(secret, target)
    assert raw_get(peer, path)[0] == 200
    fan = target.parent  # a symlinked fan-out folder
    moved = outside / fan.name
    fan.rename(moved)
    fan.symlink_to(moved, target_is_directory=True)
    assert raw_get(peer, path)[0] == 404
    node = next(server_ws.cache.packs_dir.iterdir())  # a small repository: grade packs only
    node_bytes = node.read_bytes()
    node.unlink()
    (outside / "node").write_bytes(node_bytes)
    node.symlink_to(outside / "node")
    assert raw_get(peer, f"/county/meta/{node.name}")[0] == 404
    root = server_ws.cache.folder / "roots" / "county.root.json"
    (outside / "root").write_bytes(root.read_bytes())
    root.unlink()
    root.symlink_to(outside / "root")
    assert raw_get(peer, "/county/root.json")[0] == 404
    assert json.loads(raw_get(peer, "/teachpoint.json")[2])["repositories"] == {}


def test_blobs_not_present_in_the_catalogue_are_404(peer, server_ws, blob):
    sha, data, path = blob
    server_ws.catalogue.forget_blob(sha)  # the file is still there, but not listed as present
    assert server_ws.store.has(sha)
    assert raw_get(peer, path)[0] == 404
    stray = b"a file nobody references"
    stray_sha = hashlib.sha256(stray).hexdigest()
    server_ws.store.add_stream(io.BytesIO(stray), stray_sha, len(stray))
    server_ws.catalogue.mark_blob_present(stray_sha, len(stray))  # present, but not of "county"
    assert raw_get(peer, f"/county/blobs/sha256/{stray_sha[:2]}/{stray_sha}")[0] == 404


def test_root_not_matching_the_catalogue_is_not_served(peer, server_ws):
    root = server_ws.cache.folder / "roots" / "county.root.json"
    root.write_bytes(root.read_bytes() + b" ")
    assert raw_get(peer, "/county/root.json")[0] == 404
    assert json.loads(raw_get(peer, "/teachpoint.json")[2])["repositories"] == {}


# ---- connections ----------------------------------------------------------------------------------


def test_connection_limit_answers_503_and_half_dead_clients_are_dropped(server_ws):
    with serve_collection(server_ws, "127.0.0.1", 0, max_connections=1, timeout=0.5) as p:
        idle = socket.create_connection(("127.0.0.1", p.port), timeout=5)
        try:
            time.sleep(0.1)
            status, headers, _ = raw_get(p, "/teachpoint.json")
            assert status == 503 and headers["Retry-After"]
            assert idle.recv(100) == b""  # the silent client was cut off after the timeout
        finally:
            idle.close()
        deadline = time.monotonic() + 5
        while raw_get(p, "/teachpoint.json")[0] != 200:
            assert time.monotonic() < deadline, "the slot was never released"
            time.sleep(0.05)


def test_port_in_use_is_a_clear_error(peer, server_ws):
    with pytest.raises(ServeError, match="cannot listen"):
        Peer(server_ws, "127.0.0.1", peer.port)


# ---- the command ----------------------------------------------------------------------------------


def _read_line(proc, seconds: float) -> str:
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline, buf = time.monotonic() + seconds, b""
    while b"\n" not in buf and time.monotonic() < deadline:
        if sel.select(timeout=0.2):
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
    return buf.decode("utf-8", "replace")


def test_cli_serve_prints_url_and_stops_on_sigterm(server_ws, published_repo):
    server_ws.close()
    proc = subprocess.Popen([sys.executable, "-m", "teachpoint", "--data-dir", str(server_ws.paths.root),
                             "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = _read_line(proc, 30)
        assert "county" in line, line
        url = line.split(" at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        assert requests.get(url + "county/root.json", timeout=10).content == \
            (published_repo / "root.json").read_bytes()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        assert b"--bind 0.0.0.0" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_cli_serve_bad_port_is_one_line_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(tmp_path / "d"),
                           "serve", "--port", "70000"], capture_output=True, timeout=30, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


# ---- hostile and old clients (issue 12) -------------------------------------------------------------


def connect_from(peer: Peer, source: str = "127.0.0.1", timeout: float = 10) -> socket.socket:
    """A TCP connection to the peer from a chosen loopback address (all of 127/8 is this PC)."""
    return socket.create_connection(("127.0.0.1", peer.port), timeout=timeout, source_address=(source, 0))


def read_until_closed(sock: socket.socket, limit: int = 1 << 20) -> bytes:
    """Everything the server sends until it closes (socket.timeout if it does not)."""
    data = b""
    while len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    raise AssertionError("the server kept sending")


def test_absolute_form_target_is_served(peer, published_repo):
    status, _, body = raw_get(peer, f"http://127.0.0.1:{peer.port}/county/root.json")
    assert status == 200 and body == (published_repo / "root.json").read_bytes()
    assert raw_get(peer, f"http://127.0.0.1:{peer.port}/teachpoint.json?x=1")[0] == 200


def test_absurd_ranges_are_416_and_never_a_traceback(peer, blob, caplog, server_ws):
    sha, data, path = blob
    huge = "9" * 5000
    caplog.set_level(logging.DEBUG, logger="teachpoint")
    status, headers, _ = raw_get(peer, path, headers={"Range": f"bytes={huge}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    status, _, body = raw_get(peer, path, headers={"Range": f"bytes=0-{huge}"})
    assert status == 206 and body == data  # the end is past the file: clamped (RFC 9110)
    status, _, body = raw_get(peer, path, headers={"Range": f"bytes=-{huge}"})
    assert status == 206 and body == data
    assert parse_range(f"bytes={huge}-{huge}", 10) == "416"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert raw_get(peer, path)[0] == 200  # still serving
    assert_installed_lessons_play(server_ws, 3)


def test_slow_header_client_is_cut_off_by_the_request_deadline(server_ws):
    request = b"GET /teachpoint.json HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: drip\r\n\r\n"
    with serve_collection(server_ws, "127.0.0.1", 0, timeout=2.0, request_deadline=1.5) as p:
        sock = connect_from(p, timeout=5)
        sent, closed = 0, False
        try:
            for byte in request:  # one byte every 0.3 s: each read is quick, the whole is not
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                sent += 1
                time.sleep(0.3)
                sock.setblocking(False)
                try:
                    closed = sock.recv(100) == b""
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
                if closed:
                    break
        finally:
            sock.close()
        assert closed and sent < len(request), "cut off before the request was complete"
        assert raw_get(p, "/teachpoint.json")[0] == 200
    assert_installed_lessons_play(server_ws, 3)


def test_http_10_closes_at_once_and_keep_alive_is_said_back(peer, server_ws):
    with connect_from(peer, timeout=5) as sock:  # a 20 s wait would be a socket.timeout here
        sock.sendall(b"GET /teachpoint.json HTTP/1.0\r\n\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200") and b"\r\nConnection: close\r\n" in answer
    with connect_from(peer, timeout=5) as sock:
        for _ in range(2):  # two requests on one HTTP/1.0 keep-alive connection
            sock.sendall(b"GET /teachpoint.json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            resp = http.client.HTTPResponse(sock)  # one response at a time: its own reader
            resp.begin()
            assert resp.status == 200 and resp.getheader("Connection") == "keep-alive"
            assert json.loads(resp.read())["repositories"] == {"county": "county/"}
    with connect_from(peer, timeout=5) as sock:
        sock.sendall(b"GET /teachpoint.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert b"Connection: close" in read_until_closed(sock)
    assert_installed_lessons_play(server_ws, 3)


def test_per_address_cap_and_refusals_logged_sparingly(server_ws, caplog):
    caplog.set_level(logging.DEBUG, logger="teachpoint.transport.serve")
    with serve_collection(server_ws, "127.0.0.1", 0, max_per_address=2) as p:
        hogs = [connect_from(p, "127.0.0.1") for _ in range(2)]
        try:
            deadline = time.monotonic() + 5
            while p.server.limits.open_count("127.0.0.1") < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            statuses = [raw_get(p, "/teachpoint.json")[0] for _ in range(20)]
            other = http.client.HTTPConnection("127.0.0.1", p.port, timeout=10, source_address=("127.0.0.2", 0))
            other.request("GET", "/teachpoint.json")
            assert other.getresponse().status == 200, "another PC is still served"
            other.close()
        finally:
            for s in hogs:
                s.close()
    assert statuses == [503] * 20
    said = [r for r in caplog.records if r.levelno >= logging.INFO and "refusing" in r.getMessage()]
    assert len(said) == 1 and "127.0.0.1" in said[0].getMessage()
    assert sum("refusing" in r.getMessage() for r in caplog.records) == 20  # each one at DEBUG
    assert_installed_lessons_play(server_ws, 3)


def test_connection_limits_admit_and_release():
    limits = ConnectionLimits(total=1, per_address=1, note_every_s=0.0)
    assert limits.admit("10.0.0.1") is None and limits.admit("10.0.0.2") is not None
    limits.release("10.0.0.1")
    assert limits.open_count() == 0 and limits.admit("10.0.0.2") is None


def test_stays_responsive_while_200_slow_or_idle_connections_are_open(server_ws, publisher_key, tmp_path):
    """200 connections from 20 other addresses: half idle, half dripping a request; meanwhile a
    second PC syncs everything and its lessons play."""
    with serve_collection(server_ws, "127.0.0.1", 0, timeout=60, request_deadline=120) as p:
        hostile = []
        try:
            for i in range(200):
                s = connect_from(p, f"127.0.0.{2 + i % 20}", timeout=10)
                if i % 2:
                    s.sendall(b"GET /county/root.json HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                hostile.append(s)
            deadline = time.monotonic() + 10
            while p.server.limits.open_count() < 200 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert p.server.limits.open_count() == 200, "every hostile connection holds a thread"
            with second_pc(tmp_path, publisher_key, p.url) as (client, _):
                assert_installed_lessons_play(client, 3)
            assert p.server.limits.open_count() >= 200, "the hostile ones are still there"
        finally:
            for s in hostile:
                s.close()
    assert_installed_lessons_play(server_ws, 3)
