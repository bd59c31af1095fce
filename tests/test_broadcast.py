"""The one-way broadcast carousel (issue 16): sender and receiver on 127.0.0.1 through a lossy relay.

Real repositories (publisher + ffmpeg media from conftest), real UDP, the real inbox pipeline.
Every loop is bounded: the relay stops after ``max_seconds``, receivers after ``seconds``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from teachpoint.paths import DataPaths
from teachpoint.testing.udp_relay import ChannelModel, UdpRelay
from teachpoint.transport.broadcast_receive import BroadcastReceiver, ReceiverSettings
from teachpoint.transport.broadcast_send import CarouselSender, SenderSettings
from teachpoint.workspace import Workspace

from helpers import assert_installed_lessons_play, make_versions

FAST = SenderSettings(rate_kbit=3000, fec_percent=20, meta_every=10)


def new_receiver(ws, **limits) -> BroadcastReceiver:
    settings = ReceiverSettings(listen=("127.0.0.1", 0), import_every_s=0.3)
    for key, value in limits.items():
        setattr(settings.limits, key, value)
    return BroadcastReceiver(ws, settings)


class Carousel:
    """A sender thread sending ``repo`` to ``dest`` until stopped (bounded by ``seconds``)."""

    def __init__(self, repo: Path, dest, settings: SenderSettings = FAST, delay: float = 0.0):
        self.sender = CarouselSender(repo, dest, settings)
        self.stop = threading.Event()
        self.delay = delay
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        if not self.stop.wait(self.delay):
            self.sender.run(passes=None, stop=self.stop)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)
        self.sender.close()


def test_lossy_channel_delivers_a_repository_that_plays(workspace, published_repo):
    rx = new_receiver(workspace)
    model = ChannelModel(loss=0.10, reorder=0.05, duplicate=0.05, seed=3)
    with UdpRelay(rx.sock.getsockname(), model, max_seconds=90) as relay, \
            Carousel(published_repo, relay.address):
        report = rx.run(seconds=60, until_complete=True)
    rx.close()
    assert report.complete
    assert relay.counts.lost and relay.counts.duplicated and relay.counts.reordered
    assert assert_installed_lessons_play(workspace, 3) is None
    out = report.to_json(rx.spool)
    assert out["repositories"][0]["repository"] == "county"
    assert out["repositories"][0]["files_waiting"] == 0 and out["last_heard"]


def test_bursty_loss_and_a_receiver_that_tunes_in_mid_pass(workspace, published_repo):
    """The carousel runs before the receiver starts listening: it completes from later passes."""
    slow = SenderSettings(rate_kbit=400, fec_percent=20, meta_every=10)
    rx = new_receiver(workspace)
    model = ChannelModel.bursty(0.10, mean_burst=6, seed=5)
    with UdpRelay(rx.sock.getsockname(), model, max_seconds=120) as relay, \
            Carousel(published_repo, relay.address, slow) as carousel:
        relay.paused.set()  # the PC is off: the first part of pass 1 goes nowhere
        assert not carousel.stop.wait(0.8)
        relay.paused.clear()
        report = rx.run(seconds=90, until_complete=True)
    rx.close()
    assert report.complete and carousel.sender.report.datagrams > 0
    assert_installed_lessons_play(workspace, 3)


def test_republish_while_the_carousel_runs(tmp_path, workspace, source_dir, publisher_key):
    v1, v2 = make_versions(tmp_path / "versions", source_dir, publisher_key)
    live = tmp_path / "live"
    shutil.copytree(v1, live)
    rx = new_receiver(workspace)
    with UdpRelay(rx.sock.getsockname(), ChannelModel(loss=0.05, seed=7), max_seconds=120) as relay, \
            Carousel(live, relay.address) as carousel:
        assert rx.run(seconds=60, until_complete=True).complete
        assert workspace.catalogue.repository("county").version == 1
        shutil.copytree(v2, live, dirs_exist_ok=True)  # blobs and metadata, root.json replaced too
        for _ in range(60):
            rx.run(seconds=1)
            info = workspace.catalogue.repository("county")
            if info.version == 2 and rx.report.complete:
                break
    rx.close()
    assert carousel.sender.report.republished >= 1
    assert workspace.catalogue.repository("county").version == 2
    assert_installed_lessons_play(workspace, 4)


def test_only_part_arrives_installs_what_is_complete_and_says_what_is_missing(
        workspace, published_repo):
    """The largest file is beyond the receiver's object limit: never spooled, the rest installs."""
    sizes = sorted(p.stat().st_size for p in (published_repo / "blobs").rglob("*") if p.is_file())
    rx = new_receiver(workspace, max_object_bytes=sizes[-1] - 1)
    with UdpRelay(rx.sock.getsockname(), ChannelModel(loss=0.05, seed=9), max_seconds=60) as relay, \
            Carousel(published_repo, relay.address):
        report = rx.run(seconds=6)
    rx.close()
    repo = report.to_json(rx.spool)["repositories"][0]
    assert not report.complete and repo["state"] == "applied"
    assert repo["files_waiting"] == 1 and report.junk > 0
    assert_installed_lessons_play(workspace, 2)
    status = workspace.catalogue.status()["lessons"]
    assert status["not_downloaded"] == 1


def test_multicast_on_loopback(workspace, published_repo):
    group = ("239.255.77.16", 0)
    try:
        rx = BroadcastReceiver(workspace, ReceiverSettings(listen=group, interface="127.0.0.1",
                                                           import_every_s=0.3))
    except OSError as exc:
        pytest.skip(f"no multicast on this machine's loopback: {exc}")
    dest = (group[0], rx.sock.getsockname()[1])
    settings = SenderSettings(rate_kbit=3000, fec_percent=20, meta_every=10, ttl=0,
                              interface="127.0.0.1")
    with Carousel(published_repo, dest, settings) as carousel:
        report = rx.run(seconds=30, until_complete=True)
    rx.close()
    if not report.last_heard:
        pytest.skip("multicast datagrams are not looped back on this machine")
    assert report.complete and carousel.sender.report.datagrams
    assert_installed_lessons_play(workspace, 3)


def test_the_sync_service_listens_when_the_setting_says_so(workspace, published_repo):
    from teachpoint.transport.broadcast_service import service_listener, set_service_listen

    stop = threading.Event()
    assert service_listener(workspace, stop) is None  # off by default
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    set_service_listen(workspace, f"127.0.0.1:{port}")
    thread = service_listener(workspace, stop)
    try:
        with Carousel(published_repo, ("127.0.0.1", port), delay=0.5):
            for _ in range(300):
                if workspace.catalogue.status()["lessons"]["installed"] >= 3:
                    break
                time.sleep(0.1)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert_installed_lessons_play(workspace, 3)


def test_broadcast_command_sends_passes_and_says_what_it_sent(tmp_path, workspace, published_repo):
    import json
    import subprocess
    import sys

    rx = new_receiver(workspace)
    host, port = rx.sock.getsockname()
    done = subprocess.run(
        [sys.executable, "-m", "teachpoint", "broadcast", str(published_repo), "--to",
         f"{host}:{port}", "--passes", "3", "--rate-kbit", "4000", "--json",
         "--data-dir", str(tmp_path / "sender")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["passes"] == 3
    report = rx.run(seconds=10, until_complete=True)
    rx.close()
    assert report.complete
    assert_installed_lessons_play(workspace, 3)
    bad = subprocess.run([sys.executable, "-m", "teachpoint", "broadcast", str(tmp_path), "--to",
                          "127.0.0.1:9", "--data-dir", str(tmp_path / "sender")],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and bad.stderr.startswith("error:") and "Traceback" not in bad.stderr


def test_receiver_default_listen_is_loopback(tmp_path):
    ws = Workspace(DataPaths(tmp_path / "d", explicit=True), install_demo=False)
    assert ReceiverSettings().listen[0] == "127.0.0.1"
    ws.close()


def test_every_pass_brings_fresh_symbols_and_any_k_decode():
    """The fountain property the carousel relies on: passes 0, 1, 2 carry disjoint symbols; an
    object decodes from every other symbol of pass 0 plus pass 1's, and from pass 1 alone (repair
    symbols only)."""
    import hashlib
    import os

    import raptorq

    from teachpoint.transport.broadcast_fec import pass_datagrams
    from teachpoint.transport.broadcast_packet import KIND_BLOB, ObjectId, decode_packet

    data = os.urandom(200_000)
    obj = ObjectId("0" * 16, "1" * 16, KIND_BLOB, hashlib.sha256(data).hexdigest(), len(data), 1320)
    passes = [sum(pass_datagrams(obj, data, n, 0.3), []) for n in range(3)]
    ids = [{decode_packet(d, 1 << 30).esi for d in p} for p in passes]
    assert not (ids[0] & ids[1]) and not (ids[1] & ids[2]) and not (ids[0] & ids[2])
    k = obj.source_symbols
    mixed = passes[0][1::2][: k // 2 + 2] + passes[1][: k - k // 2 + 2]
    decoder = raptorq.Decoder.with_defaults(obj.length, obj.symbol_size)
    out = None
    for datagram in mixed:
        out = out or decoder.decode(decode_packet(datagram, 1 << 30).fec_packet)
    assert out is not None and bytes(out) == data
    decoder, out = raptorq.Decoder.with_defaults(obj.length, obj.symbol_size), None
    for datagram in passes[1]:
        out = out or decoder.decode(decode_packet(datagram, 1 << 30).fec_packet)
    assert out is not None and bytes(out) == data
    plain = sum(pass_datagrams(obj, data, 1, 0.0), [])
    assert len(plain) == k  # no FEC: every pass repeats the k source symbols
