"""The parallel resumable downloader against real nginx, the link emulator and small hostile servers.

Every server here listens on 127.0.0.1 only; every download is bounded by ``give_up_s`` and every
wait in the tests by a timeout.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from teachpoint.errors import NotOnSource
from teachpoint.library.partial import load_ranges
from teachpoint.library.store import Cancelled, ContentStore
from teachpoint.transport.download import BlobJob, Downloader, SourceUnreachable, parse_retry_after
from teachpoint.transport.ratelimit import RateLimiter
from teachpoint.repo.format import blob_path
from teachpoint.testing.linkemu import LinkEmulator
from teachpoint.testing.nginx import NginxServer, free_port

pytestmark = pytest.mark.nginx

KB = 1024
SIZES = {"a": 300_000, "b": 700_000, "c": 1_200_000, "d": 2_000_000}


class Blob:
    def __init__(self, data: bytes):
        self.data, self.size, self.sha = data, len(data), hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, dict[str, Blob]]:
    """A folder laid out like a repository: blobs/sha256/ab/<sha>, plus one lying blob ("bad")."""
    root = tmp_path_factory.mktemp("repo")
    blobs = {name: Blob(os.urandom(n)) for name, n in SIZES.items()}
    for b in blobs.values():
        (root / blob_path(b.sha)).parent.mkdir(parents=True, exist_ok=True)
        (root / blob_path(b.sha)).write_bytes(b.data)
    blobs["bad"] = Blob(os.urandom(400_000))  # served with other bytes of the same size
    (root / blob_path(blobs["bad"].sha)).parent.mkdir(parents=True, exist_ok=True)
    (root / blob_path(blobs["bad"].sha)).write_bytes(os.urandom(400_000))
    blobs["missing"] = Blob(os.urandom(100_000))  # never written: 404
    return root, blobs


@pytest.fixture(scope="module")
def nginx(repo):
    with NginxServer(repo[0]) as srv:
        yield srv


@pytest.fixture
def store(tmp_path) -> ContentStore:
    return ContentStore(tmp_path / "store", floor_bytes=0)


def jobs_for(base: str, blobs: list[Blob]) -> list[BlobJob]:
    return [BlobJob(b.sha, b.size, f"{base}/{blob_path(b.sha)}", priority=i) for i, b in enumerate(blobs)]


def assert_stored(store: ContentStore, blobs: list[Blob]) -> None:
    for b in blobs:
        assert store.has(b.sha)
        with store.open_blob(b.sha) as f:
            assert hashlib.sha256(f.read()).hexdigest() == b.sha
    assert not list(store.partial_dir.glob("*.part")), "partials left behind"


def saved_bytes(store: ContentStore, blobs: list[Blob]) -> int:
    """What a later run would not need to fetch: stored blobs plus recorded partial ranges."""
    return sum(b.size if store.has(b.sha) else
               sum(e - s for s, e in load_ranges(store.partial_dir / f"{b.sha}.ranges", b.sha, b.size))
               for b in blobs)


class FlakyServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 serving ``root`` with Range support, misbehaving on cue.

    ``script`` is consumed one entry per request, then ``default`` applies: ``"ok"``,
    ``("503", retry_after or a function giving it)``, ``"stall"`` (headers and 64 KiB, then silence) or
    ``("truncate", n)`` (n body bytes, then the connection is closed).
    """

    def __init__(self, root: Path, script=(), default="ok"):
        self.root, self.script, self.default = root, list(script), default
        self.requests: list[tuple[float, str | None]] = []  # (arrival time, Range header)
        self.headers: list[dict] = []
        self.lock, self.release = threading.Lock(), threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        rng = h.headers.get("Range")
        with self.lock:
            self.requests.append((time.monotonic(), rng))
            self.headers.append(dict(h.headers))
            action = self.script.pop(0) if self.script else self.default
        kind = action[0] if isinstance(action, tuple) else action
        path = self.root / h.path.lstrip("/")
        if kind == "503" or not path.is_file():
            h.send_response(503 if kind == "503" else 404)
            if kind == "503":
                h.send_header("Retry-After", action[1]() if callable(action[1]) else action[1])
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        data = path.read_bytes()
        start, end, status = 0, len(data) - 1, 200
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng or "")
        if m:
            start, end, status = int(m[1]), min(int(m[2] or end), end), 206
        body = data[start:end + 1]
        h.send_response(status)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("ETag", '"v1"')
        if status == 206:
            h.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        h.end_headers()
        if kind == "stall":
            h.wfile.write(body[:64 * KB])
            h.wfile.flush()
            self.release.wait(10)  # a half-dead connection: open, silent
            h.close_connection = True
        elif kind == "truncate":
            h.wfile.write(body[:action[1]])
            h.close_connection = True
        else:
            h.wfile.write(body)


# -- the rate limiter ---------------------------------------------------------------------------

def test_rate_limiter_unlimited_cancel_and_live_change():
    lim = RateLimiter(None)
    t0 = time.monotonic()
    lim.consume(10 ** 9)
    assert time.monotonic() - t0 < 0.1 and lim.limit is None

    lim = RateLimiter(10_000, burst_s=0.1)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    t0 = time.monotonic()
    lim.consume(10 ** 9, cancel)  # would take a day: the cancel ends the wait
    assert time.monotonic() - t0 < 1.0

    done = threading.Event()
    worker = threading.Thread(target=lambda: (lim.consume(10 ** 9), done.set()), daemon=True)
    worker.start()
    time.sleep(0.2)
    assert not done.is_set()
    lim.set_limit(None)  # lifted live: the waiter goes at once
    assert done.wait(1.0)
    with pytest.raises(ValueError):
        lim.set_limit(0)


def test_parse_retry_after():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= parse_retry_after(later) <= 30
    assert parse_retry_after(email.utils.formatdate(time.time() - 30, usegmt=True)) == 0.0


# -- real nginx, directly and through the link emulator ----------------------------------------

def test_fresh_download_through_satellite_link(repo, nginx, store):
    root, blobs = repo
    want = [blobs["a"], blobs["b"], blobs["c"]]
    total = sum(b.size for b in want)
    done, progress = [], []
    with LinkEmulator(("127.0.0.1", nginx.port), rate_bps=8_000_000, delay_s=0.05,
                      per_conn_bps=2_000_000) as link:
        dl = Downloader(store, max_streams=6, give_up_s=15, stall_s=5,
                        on_blob_done=lambda sha, size: done.append((sha, size)), on_progress=progress.append)
        stats = dl.run(jobs_for(link.url, want))
    assert_stored(store, want)
    assert sorted(done) == sorted((b.sha, b.size) for b in want)
    assert stats.blobs_done == 3 and not stats.blobs_failed
    assert stats.streams_max >= 3, "several ranged requests in flight"
    assert total <= stats.bytes_received <= total + 64 * KB
    assert progress and progress[-1].bytes_done == progress[-1].bytes_total == total
    assert any(p.speed_bps > 0 and p.eta_s is not None for p in progress)
    assert len(link.connections) <= 8, "connections are kept alive, not one per piece"


def test_tail_is_split_across_streams(repo, nginx, store):
    """One piece, four streams: idle workers steal halves, so the blob does not run on one stream."""
    b = repo[1]["b"]
    with LinkEmulator(("127.0.0.1", nginx.port), rate_bps=None, delay_s=0.02, per_conn_bps=1_600_000) as link:
        dl = Downloader(store, max_streams=4, piece_bytes=4 << 20, give_up_s=15)
        stats = dl.run(jobs_for(link.url, [b]))
    assert_stored(store, [b])
    assert stats.streams_max >= 3  # the tail is shared, not left to one 200 kB/s stream
    assert stats.bytes_received <= b.size + 8 * 16 * KB


def test_last_pieces_shrink_to_a_fair_share_of_what_is_left(store):
    """Near the end of a run a piece is the share of what is left per stream (as of the monitor's
    last count), so the streams end together instead of one long piece on one capped stream after
    the others are done; never less than two steals' worth (a request costs a round trip)."""
    from teachpoint.transport.download import DownloadStats
    from teachpoint.transport.download_queue import MIN_STEAL, PieceQueue

    cv, size, piece = threading.Condition(), 3_000_000, 256 * KB
    queue = PieceQueue(store, DownloadStats(), cv, threading.Event(), piece, 3)
    sha = "ab" * 32
    with cv:
        queue.add(BlobJob(sha, size, "http://127.0.0.1:9/x"), 0, False)
        whole = [queue.take() for _ in range(8)]  # no count yet: whole pieces, 2 MB in flight
        queue.blobs[sha].have = 1_500_000  # half of it arrived ...
        assert queue.bytes_left() == 1_500_000  # ... as the monitor counts
        rest = []
        while sum(p.end - p.pos for p in whole + rest) < size:
            rest.append(queue.take())
    assert [p.end - p.pos for p in whole] == [piece] * 8
    sizes = [p.end - p.pos for p in rest]
    assert sizes[0] == 1_500_000 // 9 and sizes[:-1] == sorted(sizes[:-1], reverse=True), sizes
    assert all(2 * MIN_STEAL <= n < piece for n in sizes[:-1]), sizes  # the last: the blob's end


@pytest.mark.parametrize("link_bps, name, expect", [(None, "d", (7, 8)), (3_200_000, "c", (4, 8))])
def test_streams_added_while_throughput_grows(repo, nginx, store, monkeypatch, link_bps, name, expect):
    """Each stream is capped at 100 kB/s: more streams help until the link itself is full. On the
    3.2 Mbit/s link four fill it: the probe that doubles them (the fourth took its whole share
    with it) is judged and undone, at most eight for one window."""
    monkeypatch.setattr("teachpoint.transport.download.ADAPT_S", 0.5)
    b = repo[1][name]
    with LinkEmulator(("127.0.0.1", nginx.port), rate_bps=link_bps, delay_s=0.02,
                      per_conn_bps=800_000) as link:
        dl = Downloader(store, max_streams=8, piece_bytes=64 * KB, give_up_s=15)
        stats = dl.run(jobs_for(link.url, [b]))
    assert_stored(store, [b])
    assert expect[0] <= stats.streams_max <= expect[1], stats


def test_resume_after_server_restart(repo, store):
    root, blobs = repo
    want = [blobs["c"], blobs["d"]]
    total = sum(b.size for b in want)
    with NginxServer(root) as srv:
        cut, restarted = threading.Event(), threading.Event()

        def bounce():
            srv.stop()
            time.sleep(1.0)
            srv.start()
            restarted.set()

        bouncer = threading.Thread(target=bounce, daemon=True)

        def watch(p):
            if p.bytes_done > 0.4 * total and not cut.is_set():
                cut.set()
                bouncer.start()

        dl = Downloader(store, limiter=RateLimiter(1_000_000), give_up_s=15, stall_s=5, on_progress=watch)
        stats = dl.run(jobs_for(srv.url, want))
        done_at_restart = restarted.is_set()
        bouncer.join(15)
    assert cut.is_set() and done_at_restart, "the server was down in the middle of the download"
    assert_stored(store, want)
    assert stats.bytes_received <= total + 128 * KB, "completed pieces are not fetched again"


def test_crash_then_new_process_resumes(repo, nginx, tmp_path):
    blobs = repo[1]
    want = [blobs["c"], blobs["d"]]
    total = sum(b.size for b in want)
    cancel = threading.Event()

    def watch(p):
        if p.bytes_done > 0.35 * total:
            cancel.set()

    first = Downloader(ContentStore(tmp_path / "s", floor_bytes=0), limiter=RateLimiter(1_500_000),
                       give_up_s=15, on_progress=watch)
    with pytest.raises(Cancelled):
        first.run(jobs_for(nginx.url, want), cancel=cancel)

    store = ContentStore(tmp_path / "s", floor_bytes=0)  # "the next process"
    saved = saved_bytes(store, want)
    assert 0.3 * total < saved < total
    stats = Downloader(store, give_up_s=15).run(jobs_for(nginx.url, want))
    assert_stored(store, want)
    assert stats.bytes_received <= total - saved + 128 * KB


def test_server_ignoring_range_gives_verified_blobs(repo, store):
    root, blobs = repo
    want = [blobs["a"], blobs["c"]]
    with NginxServer(root, ranges=False) as srv:
        r = requests.get(f"{srv.url}/{blob_path(blobs['a'].sha)}", headers={"Range": "bytes=0-9"}, timeout=10)
        assert r.status_code == 200
        stats = Downloader(store, give_up_s=15).run(jobs_for(srv.url, want))
    assert_stored(store, want)
    assert stats.blobs_done == 2
    assert stats.bytes_received - stats.bytes_wasted <= sum(b.size for b in want)


def test_rate_limit_is_held(repo, nginx, store):
    b = repo[1]["c"]
    limit = 200_000
    stats = Downloader(store, limiter=RateLimiter(limit), give_up_s=15).run(jobs_for(nginx.url, [b]))
    assert_stored(store, [b])
    rate = stats.bytes_received / stats.elapsed
    # never above the cap; near it unless the machine is starved (benchmarks/sync_link.py
    # measures how close: 100.1 %)
    assert limit * 0.5 <= rate <= limit * 1.10, f"{rate:.0f} B/s"


def test_hash_failure_is_retried_then_reported(repo, nginx, store):
    blobs = repo[1]
    bad, good = blobs["bad"], blobs["a"]
    done = []
    stats = Downloader(store, max_blob_attempts=3, give_up_s=15,
                       on_blob_done=lambda s, n: done.append(s)).run(jobs_for(nginx.url, [bad, good]))
    assert list(stats.blobs_failed) == [bad.sha] and "verification" in str(stats.blobs_failed[bad.sha])
    assert done == [good.sha] and stats.blobs_done == 1
    assert not store.has(bad.sha)
    assert not list(store.partial_dir.glob(bad.sha + "*")) and not list(store.tmp_dir.iterdir())
    assert stats.bytes_wasted >= 3 * bad.size


def test_404_fails_that_blob_only(repo, nginx, store):
    blobs = repo[1]
    t0 = time.monotonic()
    want = [blobs["missing"], blobs["a"], blobs["b"]]
    stats = Downloader(store, give_up_s=15).run(jobs_for(nginx.url, want))
    assert time.monotonic() - t0 < 5
    assert list(stats.blobs_failed) == [blobs["missing"].sha]
    assert isinstance(stats.blobs_failed[blobs["missing"].sha], NotOnSource)
    assert "404" in str(stats.blobs_failed[blobs["missing"].sha])
    assert_stored(store, [blobs["a"], blobs["b"]])  # also: no empty partial left for the 404


def test_source_unreachable_keeps_partial(repo, store):
    b = repo[1]["b"]
    part = store.open_partial(b.sha, b.size)
    part.write_at(0, b.data[:100_000])
    part.close()
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    t0 = time.monotonic()
    with pytest.raises(SourceUnreachable, match="nothing received"):
        Downloader(store, give_up_s=1.5, stall_s=1).run(jobs_for(url, [b]))
    assert 1.5 <= time.monotonic() - t0 < 6
    assert load_ranges(store.partial_dir / f"{b.sha}.ranges", b.sha, b.size) == [(0, 100_000)]


def test_boost_and_already_stored(repo, nginx, store):
    blobs = repo[1]
    store.add_stream(__import__("io").BytesIO(blobs["a"].data), blobs["a"].sha, blobs["a"].size)
    order = []
    dl = Downloader(store, max_streams=1, give_up_s=15, on_blob_done=lambda s, n: order.append(s))
    dl.boost(blobs["c"].sha)
    stats = dl.run(jobs_for(nginx.url, [blobs["a"], blobs["b"], blobs["c"]]))
    assert order == [blobs["c"].sha, blobs["b"].sha]  # boosted first; "a" was already stored
    assert stats.blobs_done == 3 and stats.bytes_received == blobs["b"].size + blobs["c"].size


# -- hostile little servers ---------------------------------------------------------------------

def test_stalled_connection_is_dropped_and_resumed(repo, store):
    root, blobs = repo
    b = blobs["b"]
    with FlakyServer(root, script=["stall"]) as srv:
        t0 = time.monotonic()
        stats = Downloader(store, max_streams=1, stall_s=1.0, give_up_s=10).run(jobs_for(srv.url, [b]))
        elapsed = time.monotonic() - t0
    assert_stored(store, [b])
    assert 1.0 <= elapsed < 8
    assert len(srv.requests) >= 2 and srv.requests[1][1].startswith(f"bytes={64 * KB}-")
    assert all(h["Accept-Encoding"] == "identity" for h in srv.headers)
    assert "If-Range" not in srv.headers[0] and srv.headers[1]["If-Range"] == '"v1"'
    assert stats.bytes_received == b.size


def test_retry_after_is_respected(repo, store):
    root, blobs = repo
    b = blobs["a"]
    def date():  # 1-2 s away when sent (HTTP dates have one-second resolution)
        return email.utils.formatdate(time.time() + 2, usegmt=True)

    with FlakyServer(root, script=[("503", "1"), ("503", date)]) as srv:
        stats = Downloader(store, max_streams=1, give_up_s=10).run(jobs_for(srv.url, [b]))
    assert_stored(store, [b])
    times = [t for t, _ in srv.requests]
    assert len(times) >= 3
    assert times[1] - times[0] >= 0.9 and times[2] - times[1] >= 0.9
    assert stats.bytes_received == b.size


def test_truncated_bodies_are_completed(repo, store):
    root, blobs = repo
    want = [blobs["a"], blobs["c"]]
    total = sum(b.size for b in want)
    with FlakyServer(root, default=("truncate", 100_000)) as srv:
        stats = Downloader(store, give_up_s=10).run(jobs_for(srv.url, want))
    assert_stored(store, want)
    assert len(srv.requests) >= total // 100_000
    assert stats.bytes_received <= total + 64 * KB
