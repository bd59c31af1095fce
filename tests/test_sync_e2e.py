"""End-to-end sync against real nginx on 127.0.0.1 serving a repository our publisher built from
ffmpeg-made media; some runs go through the userspace satellite-link emulator.

Each test checks what a teacher would see: lessons installed and playable, nothing half-done.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from teachpoint.errors import BlobMismatch

from helpers import assert_installed_lessons_play, write_csv
from teachpoint.sync import engine as eng
from teachpoint.publish.publisher import publish
from teachpoint.sync.service import ServiceTimes, run_service
from teachpoint.library.source_list import add_source, get_source
from teachpoint.testing import media
from teachpoint.testing.linkemu import LinkEmulator, Outage
from teachpoint.testing.nginx import NginxServer

pytestmark = pytest.mark.nginx


def noisy_video(path: Path, seconds: float, seed: int) -> Path:
    """Real H.264 that barely compresses (noise), so sizes are what the link carries."""
    return media.make_video(path, seconds, pattern="testsrc2", size="320x240", rate=25, audio=False,
                            noise_seed=seed, bitrate="3M")


ROWS = [
    "音乐/春晓.mp4,春晓,三年级,音乐,人音版,上册,第一单元,1,,,,",
    "音乐/小雨沙沙.mp4,小雨沙沙,三年级,音乐,人音版,上册,第二单元 春雨,4,,,,",
    "数学/认识时间.mp4,认识时间,三年级,数学,人教版,上册,第一单元,1,,,,",
    "语文/小马过河.mp4,小马过河,二年级,语文,统编版,下册,第五单元,14,,,,",
]


@pytest.fixture(scope="module")
def sync_source(tmp_path_factory):
    src = tmp_path_factory.mktemp("sync-src") / "资源"
    for i, row in enumerate(ROWS):
        noisy_video(src / row.split(",")[0], 2.0, seed=i + 1)
    write_csv(src, ROWS)
    return src


@pytest.fixture
def served(tmp_path, sync_source, publisher_key):
    """(www root, repo dir) with version 1 published into www/county/."""
    www = tmp_path / "www"
    repo = www / "county"
    publish(sync_source, publisher_key.with_suffix(".key"), repo, name="county",
            progress=lambda *_: None)
    return www, repo


def payload_bytes(repo: Path) -> int:
    return sum(p.stat().st_size for p in (repo / "blobs").rglob("*") if p.is_file())


def sync_with(ws, url, name="county", **kw):
    add_source(ws.catalogue, url, name)
    engine = eng.SyncEngine(ws, **kw)
    return engine, engine.sync_once()


def test_fresh_sync_installs_everything_and_lessons_play(served, workspace):
    www, repo = served
    events = []
    with NginxServer(www) as nginx:
        _, result = sync_with(workspace, nginx.url + "/county/",
                              on_event=lambda kind, **d: events.append(kind))
    assert result.outcome == eng.UPDATED
    res = result.sources[0]
    assert res.files_fetched > 0 and res.bytes_fetched == payload_bytes(repo)
    wire = res.install.files  # what it cost on the wire, for benchmarks and diagnostics
    assert wire.bytes_received >= res.bytes_fetched and wire.bytes_wasted >= 0
    assert 1 <= wire.streams_max <= 16 and wire.seconds > 0
    assert workspace.catalogue.status()["resources"]["installed"] == 4
    assert {"source", "metadata", "progress", "file", "source_done"} <= set(events)
    assert_installed_lessons_play(workspace, 4)


def test_update_after_republish_fetches_only_new_files(served, workspace, sync_source, publisher_key,
                                                       tmp_path):
    www, repo = served
    with NginxServer(www) as nginx:
        url = nginx.url + "/county/"
        sync_with(workspace, url)
        src = tmp_path / "src2"
        shutil.copytree(sync_source, src)
        noisy_video(src / "音乐/新课.mp4", 1.0, seed=99)
        write_csv(src, ROWS + ["音乐/新课.mp4,新课,三年级,音乐,人音版,上册,第二单元 春雨,5,,,,"])
        before = payload_bytes(repo)
        publish(src, publisher_key.with_suffix(".key"), repo, progress=lambda *_: None)
        new_bytes = payload_bytes(repo) - before
        result = eng.SyncEngine(workspace).sync_once()
    res = result.sources[0]
    assert res.install.added == 1 and res.bytes_fetched == new_bytes
    assert workspace.catalogue.status()["resources"]["installed"] == 5
    assert_installed_lessons_play(workspace, 5)


def test_server_without_range_support_still_verified(served, workspace):
    www, repo = served
    with NginxServer(www, ranges=False) as nginx:
        _, result = sync_with(workspace, nginx.url + "/county/")
    assert result.outcome == eng.UPDATED
    assert workspace.catalogue.status()["resources"]["installed"] == 4
    assert_installed_lessons_play(workspace, 4)


def test_outages_on_a_slow_link_resume_without_refetching(served, workspace):
    www, repo = served
    with NginxServer(www) as nginx, LinkEmulator(
            ("127.0.0.1", nginx.port), rate_bps=8_000_000, delay_s=0.05, per_conn_bps=2_000_000,
            outages=Outage(every_s=1.5, duration_s=0.5)) as link:
        engine = eng.SyncEngine(workspace)
        add_source(workspace.catalogue, link.url + "/county/", "county")
        result = None
        deadline = time.monotonic() + 120
        for _ in range(200):  # a round that meets an outage ends offline; retry as the service does
            result = engine.sync_once()
            if workspace.catalogue.status()["resources"]["installed"] == 4 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert link.outage_count >= 1
        delivered = link.bytes_down
    assert workspace.catalogue.status()["resources"]["installed"] == 4, result
    assert delivered <= payload_bytes(repo) * 1.10 + 200_000, "re-fetched too much"
    assert_installed_lessons_play(workspace, 4)


def test_killed_mid_sync_then_restarted_resumes(served, tmp_path, publisher_key):
    www, repo = served
    data = tmp_path / "data"
    env = {**os.environ}
    tp = [sys.executable, "-m", "teachpoint", "--data-dir", str(data)]
    with NginxServer(www) as nginx:
        subprocess.run(tp + ["trust", "add", str(publisher_key.with_suffix(".pub"))], check=True,
                       env=env, capture_output=True, timeout=60)
        subprocess.run(tp + ["source", "add", nginx.url + "/county/"], check=True, env=env,
                       capture_output=True, timeout=60)
        proc = subprocess.Popen(tp + ["sync", "--once", "--limit-kbit", "8000"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        partial = data / "store" / "partial"
        while time.monotonic() < deadline and proc.poll() is None:
            if partial.is_dir() and any(p.suffix == ".ranges" for p in partial.iterdir()):
                break
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        done = subprocess.run(tp + ["sync", "--once", "--json-progress"], env=env,
                              capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    status = subprocess.run(tp + ["status", "--json"], capture_output=True, text=True, timeout=60)
    assert '"not_downloaded": 0' in status.stdout


def test_blob_failing_its_hash_is_reported_and_others_install(served, workspace):
    www, repo = served
    victim = next(p for p in (repo / "blobs").rglob("*") if p.is_file() and p.stat().st_size > 100_000)
    data = bytearray(victim.read_bytes())
    data[5000] ^= 0xFF
    victim.write_bytes(bytes(data))
    with NginxServer(www) as nginx:
        _, result = sync_with(workspace, nginx.url + "/county/")
    assert result.outcome == eng.FAILED and isinstance(result.sources[0].problem, BlobMismatch)
    assert "failed verification" in result.sources[0].error
    assert not workspace.store.has(victim.name)
    assert workspace.catalogue.status()["resources"]["installed"] == 3
    assert_installed_lessons_play(workspace, 3)


def test_mirror_with_an_older_version_never_rolls_back(served, workspace, sync_source,
                                                       publisher_key, tmp_path):
    www, repo = served
    old = tmp_path / "www-old"
    shutil.copytree(www, old)
    publish(sync_source, publisher_key.with_suffix(".key"), repo, progress=lambda *_: None)
    with NginxServer(www) as new_server, NginxServer(old) as old_mirror:
        sync_with(workspace, new_server.url + "/county/")
        add_source(workspace.catalogue, old_mirror.url + "/county/", "old-mirror")
        result = eng.SyncEngine(workspace).sync_once()
    mirror = next(r for r in result.sources if r.name == "old-mirror")
    # the one policy of every transport: metadata never rolled back, said plainly, not a failure
    assert mirror.outcome == eng.UP_TO_DATE and [o.repository for o in mirror.older] == ["county"]
    assert mirror.imports[0].installed_version == 2 and mirror.imports[0].version == 1
    assert workspace.catalogue.repository("county").version == 2
    assert_installed_lessons_play(workspace, 4)


def test_disk_floor_stops_cleanly_and_says_how_much(served, workspace):
    www, repo = served
    workspace.set_floor(shutil.disk_usage(workspace.paths.root).free + (1 << 40))
    with NginxServer(www) as nginx:
        _, result = sync_with(workspace, nginx.url + "/county/")
    assert result.outcome == eng.FAILED and "not enough disk space" in result.sources[0].error
    assert workspace.catalogue.status()["resources"]["not_downloaded"] == 4
    assert not any(workspace.store.root.joinpath("sha256").rglob("*.tmp"))


def test_two_sources_with_the_same_content_fetch_it_once(served, workspace, tmp_path):
    www, repo = served
    mirror = tmp_path / "mirror"
    shutil.copytree(www, mirror)
    with NginxServer(www) as a, NginxServer(mirror) as b:
        add_source(workspace.catalogue, a.url + "/county/", "a")
        add_source(workspace.catalogue, b.url + "/county/", "b")
        result = eng.SyncEngine(workspace).sync_once()
    fetched = sum(r.bytes_fetched for r in result.sources)
    assert fetched == payload_bytes(repo)
    assert result.sources[1].outcome == eng.UP_TO_DATE


def test_offline_when_nothing_is_reachable(workspace):
    add_source(workspace.catalogue, "http://127.0.0.1:9/county/", "gone")
    result = eng.SyncEngine(workspace).sync_once()
    assert result.outcome == eng.OFFLINE


def test_service_survives_outages_and_stops_on_request(served, workspace):
    www, repo = served
    stop = threading.Event()
    with NginxServer(www) as nginx, LinkEmulator(
            ("127.0.0.1", nginx.port), rate_bps=20_000_000, delay_s=0.02,
            outages=Outage(every_s=1.0, duration_s=0.4)) as link:
        add_source(workspace.catalogue, link.url + "/county/", "county")
        engine = eng.SyncEngine(workspace, cancel=stop)
        times = ServiceTimes(interval=0.5, first_backoff=0.2, max_backoff=1.0, tick=0.2)
        worker = threading.Thread(target=run_service, args=(engine, stop, times), daemon=True)
        worker.start()
        deadline = time.monotonic() + 240  # bounded; generous because a busy CI machine is slow
        while time.monotonic() < deadline:
            if workspace.catalogue.status()["resources"]["installed"] == 4:
                break
            time.sleep(0.2)
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert workspace.catalogue.status()["resources"]["installed"] == 4


def test_a_paused_round_is_not_counted_as_a_failure(served, workspace):
    """The app's 暂停 cancels a round: the source keeps a clean record (no backoff, no problem)."""
    www, _repo = served
    stop = threading.Event()

    def on_event(kind, **data):
        if kind == "progress":
            stop.set()  # pause as soon as files start to arrive

    with NginxServer(www) as nginx:
        add_source(workspace.catalogue, nginx.url + "/county/", "county")
        engine = eng.SyncEngine(workspace, limit_kbit=400, cancel=stop, on_event=on_event)
        engine.sync_once()
    assert stop.is_set()
    entry = get_source(workspace.catalogue, "county")
    assert entry.failures == 0 and entry.last_error == ""


def peak_open(connections, close_latency: float) -> int:
    """The most connections the client held open at the same moment, from the emulator's records.

    The emulator marks a connection closed when the close has crossed the link both ways (the
    client's FIN one way, the server's the other): ``close_latency`` takes that back off, so a
    connection the client closed before opening the next one is not counted twice."""
    edges = sorted([(c.opened, 1) for c in connections]
                   + [(c.closed - close_latency if c.closed is not None else float("inf"), -1)
                      for c in connections])
    peak = now = 0
    for _, step in edges:
        now += step
        peak = max(peak, now)
    return peak


GRADES = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]
WIDE_ROWS = [f"{subject}/{grade}.mp4,{grade}{subject}第一课,{grade},{subject},{edition},上册,第一单元,1,,,,"
             for grade in GRADES for subject, edition in (("语文", "统编版"), ("数学", "人教版"))]


def test_a_slow_link_carries_no_more_connections_than_the_streams_asked_for(tmp_path, workspace,
                                                                          publisher_key):
    """Issue 17, link (c): metadata reads hold at most four connections, and the downloader's
    first streams carry on over them: no new handshakes, never more than four open.
    Twelve classes in six grades: each level of the tree has more nodes than streams."""
    from teachpoint.repo.prefetch import NODE_STREAMS
    from teachpoint.sync.pipeline import import_repository
    from teachpoint.transport.http_source import HttpSource

    src, www = tmp_path / "wide", tmp_path / "www"
    for i, row in enumerate(WIDE_ROWS):
        noisy_video(src / row.split(",")[0], 0.5, seed=i + 1)
    write_csv(src, WIDE_ROWS)
    publish(src, publisher_key.with_suffix(".key"), www / "county", name="county",
            progress=lambda *_: None)
    with NginxServer(www) as nginx, LinkEmulator(
            ("127.0.0.1", nginx.port), rate_bps=4_000_000, delay_s=0.03) as link:  # 60 ms round trip
        outcome = import_repository(workspace, HttpSource(link.url + "/county/"),
                                    transfer_options={"max_streams": 4})
        deadline = time.monotonic() + 10
        while link.open_connections and time.monotonic() < deadline:
            time.sleep(0.05)  # the last streams close after the import returns
        records = list(link.connections)
    assert outcome.status == "installed", outcome.problem
    assert NODE_STREAMS <= 4 and peak_open(records, close_latency=0) <= 4  # as the server sees it
    assert len(records) <= 5, "metadata and files share their connections (one for the root)"
    assert_installed_lessons_play(workspace, len(WIDE_ROWS))
