"""The test/benchmark infrastructure itself: real nginx on 127.0.0.1 and the link emulator."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import requests

from teachpoint.testing import nginx as nginx_mod
from teachpoint.testing.linkemu import LinkEmulator, Outage
from teachpoint.testing.nginx import NginxError, NginxServer

KB = 1024
TIMEOUT = 15  # seconds: every request in this file is bounded


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "small.txt").write_text("hello, 教学点\n" * 200, encoding="utf-8")
    (root / "256k.bin").write_bytes(os.urandom(256 * KB))
    (root / "128k.bin").write_bytes(os.urandom(128 * KB))
    return root


@pytest.fixture(scope="module")
def server(site):
    with NginxServer(site) as srv:
        yield srv


def timed_get(url: str, **kw) -> tuple[requests.Response, float]:
    t0 = time.monotonic()
    r = requests.get(url, timeout=TIMEOUT, **kw)
    return r, time.monotonic() - t0


def body_rate(url: str) -> tuple[bytes, float, float, float]:
    """Download url; return (body, bit/s over the body after its first chunk, t_first, t_last).

    Timing from the first body chunk leaves out thread start-up and connection set-up, which
    on a loaded 2-core machine are noise, not link behaviour.
    """
    parts: list[bytes] = []
    times: list[float] = []
    with requests.get(url, stream=True, timeout=TIMEOUT) as r:
        r.raise_for_status()
        for chunk in r.iter_content(4 * KB):
            parts.append(chunk)
            times.append(time.monotonic())
    body = b"".join(parts)
    return body, (len(body) - len(parts[0])) * 8 / (times[-1] - times[0]), times[0], times[-1]


def measure(fn, target: float, attempts: int = 2) -> list[float]:
    """Run a timing measurement, once more if the first run is off by more than 10 %.

    The machine is shared: a single run can lose a few hundred ms to other processes. A second
    run is a measurement, not a retry of a logic check: every run's values are returned.
    """
    runs = []
    for _ in range(attempts):
        values = fn()
        runs.append(values)
        if all(abs(v / target - 1) <= 0.10 for v in values):
            return values
    return min(runs, key=lambda vals: max(abs(v / target - 1) for v in vals))


# -- nginx -------------------------------------------------------------------------------------

def test_nginx_serves_files_and_honours_range(server, site):
    body = (site / "256k.bin").read_bytes()
    r = requests.get(server.url + "/256k.bin", timeout=TIMEOUT)
    assert r.status_code == 200 and r.content == body
    assert r.headers["Accept-Ranges"] == "bytes" and r.headers["ETag"]
    r = requests.get(server.url + "/256k.bin", headers={"Range": "bytes=1000-1999"},
                     timeout=TIMEOUT)
    assert r.status_code == 206
    assert r.headers["Content-Range"] == f"bytes 1000-1999/{len(body)}"
    assert r.content == body[1000:2000]
    # gzip is off: a text file is never content-encoded, so ranges stay byte ranges.
    r = requests.get(server.url + "/small.txt", headers={"Accept-Encoding": "gzip"},
                     timeout=TIMEOUT)
    assert r.status_code == 200 and "Content-Encoding" not in r.headers
    assert requests.get(server.url + "/missing", timeout=TIMEOUT).status_code == 404


def test_nginx_ranges_off_answers_200_with_whole_body(site):
    with NginxServer(site, ranges=False) as srv:
        r = requests.get(srv.url + "/256k.bin", headers={"Range": "bytes=1000-1999"},
                         timeout=TIMEOUT)
    assert r.status_code == 200
    assert r.content == (site / "256k.bin").read_bytes()
    assert "Content-Range" not in r.headers


def test_nginx_stop_and_start_on_the_same_port(site):
    with NginxServer(site) as srv:
        port, url = srv.port, srv.url + "/small.txt"
        assert requests.get(url, timeout=TIMEOUT).status_code == 200
        srv.stop()
        assert not srv.running
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=TIMEOUT)
        srv.start()
        assert srv.port == port and srv.running
        assert requests.get(url, timeout=TIMEOUT).status_code == 200
        prefix = srv.prefix
    assert not srv.running and not prefix.exists()


def test_nginx_missing_is_a_clear_error(site, monkeypatch):
    monkeypatch.setattr(nginx_mod.shutil, "which", lambda name: None)
    monkeypatch.setattr(nginx_mod.os, "access", lambda path, mode: False)
    with pytest.raises(NginxError, match="nginx not found"):
        NginxServer(site)


# -- link emulator -----------------------------------------------------------------------------

def test_emulator_adds_delay_to_a_small_request(server):
    direct = timed_get(server.url + "/small.txt", headers={"Range": "bytes=0-99"})[1]
    delay = 0.2
    with LinkEmulator(("127.0.0.1", server.port), rate_bps=None, delay_s=delay) as link:
        r, t = timed_get(link.url_for("small.txt"), headers={"Range": "bytes=0-99"})
        assert r.status_code == 206 and len(r.content) == 100
    # request up + response down, plus one RTT for the emulated handshake
    assert t >= 4 * delay
    assert t < 4 * delay + direct + 0.3
    assert link.bytes_down >= 100 and link.bytes_up > 0


def test_emulator_link_rate_is_accurate(server, site):
    rate, delay = 1_000_000, 0.02
    expected = (site / "256k.bin").read_bytes()
    with LinkEmulator(("127.0.0.1", server.port), rate_bps=rate, delay_s=delay) as link:
        def run() -> list[float]:
            body, bps, _, _ = body_rate(link.url_for("256k.bin"))
            assert body == expected
            return [bps]

        (measured,) = measure(run, rate)
    assert measured == pytest.approx(rate, rel=0.10), f"{measured:.0f} bit/s"
    assert link.bytes_down >= len(expected)


def parallel_rates(url: str, n: int) -> tuple[list[float], float]:
    """n parallel downloads: each one's body rate, and the sum rate over the common span."""
    out: dict[int, tuple] = {}

    def fetch(i: int) -> None:
        out[i] = body_rate(url)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(TIMEOUT)
    assert len(out) == n
    total_bits = sum(len(o[0]) * 8 for o in out.values())
    span = max(o[3] for o in out.values()) - min(o[2] for o in out.values())
    return [o[1] for o in out.values()], total_bits / span


def test_emulator_caps_each_connection(server):
    cap = 500_000
    with LinkEmulator(("127.0.0.1", server.port), rate_bps=4_000_000, delay_s=0.0,
                      per_conn_bps=cap) as link:
        def run() -> list[float]:
            each, total = parallel_rates(link.url_for("128k.bin"), 2)
            return [*each, total / 2]

        values = measure(run, cap)
        stats = list(link.connections)
    for rate in values:  # each connection at the cap, and the sum twice the cap
        assert rate == pytest.approx(cap, rel=0.10), values
    assert all(s.bytes_down > 128 * KB for s in stats)


def test_emulator_shared_link_rate_limits_the_sum(server):
    rate = 1_000_000
    with LinkEmulator(("127.0.0.1", server.port), rate_bps=rate, delay_s=0.0,
                      per_conn_bps=800_000) as link:
        (total,) = measure(lambda: [parallel_rates(link.url_for("128k.bin"), 2)[1]], rate)
    assert total == pytest.approx(rate, rel=0.10)


def test_scheduled_outage_cuts_downloads_and_refuses_connections(server):
    outage = Outage(every_s=30, duration_s=1.0, first_s=0.8)
    with LinkEmulator(("127.0.0.1", server.port), rate_bps=1_000_000, delay_s=0.02,
                      outages=outage) as link:
        t0 = time.monotonic()
        got = 0
        with pytest.raises(requests.RequestException):
            with requests.get(link.url_for("256k.bin"), stream=True, timeout=TIMEOUT) as r:
                for chunk in r.iter_content(16 * KB):
                    got += len(chunk)
                if got < 256 * KB:  # a short read is a cut too; make it an error here
                    raise requests.ConnectionError(f"short read: {got}")
        cut_at = time.monotonic() - t0
        assert 0.7 < cut_at < 1.5 and 0 < got < 256 * KB
        assert link.is_down
        with pytest.raises(requests.ConnectionError):
            requests.get(link.url_for("small.txt"), timeout=TIMEOUT)
        assert link.refused >= 1
        for _ in range(100):  # bounded wait for the outage to end (~1 s)
            if not link.is_down:
                break
            time.sleep(0.05)
        assert not link.is_down
        r = requests.get(link.url_for("small.txt"), timeout=TIMEOUT)
        assert r.status_code == 200
        assert link.outage_count == 1 and link.cuts == 1
        assert link.connections[0].cut


def test_manual_outage(server):
    with LinkEmulator(("127.0.0.1", server.port), rate_bps=None, delay_s=0.0) as link:
        s = requests.Session()
        assert s.get(link.url_for("small.txt"), timeout=TIMEOUT).status_code == 200
        assert link.open_connections == 1  # kept alive by the session
        link.go_down()
        assert link.open_connections == 0
        with pytest.raises(requests.ConnectionError):
            requests.get(link.url_for("small.txt"), timeout=TIMEOUT)
        link.come_up()
        assert requests.get(link.url_for("small.txt"), timeout=TIMEOUT).status_code == 200
        s.close()
    assert link.cuts == 1 and link.refused >= 1 and link.outage_count == 1
    assert not [t for t in threading.enumerate() if t.name == "linkemu"]
