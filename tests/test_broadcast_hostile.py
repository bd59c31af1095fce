"""Untrusted packets on the broadcast channel: junk, a forged root, another repository, a flood,
and a receiver killed with SIGKILL. Each case checks that installed lessons still play."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import raptorq

from teachpoint.publish.publisher import publish
from teachpoint.repo import keys
from teachpoint.repo.format import ROOT_NAME
from teachpoint.testing.udp_relay import ChannelModel, UdpRelay
from teachpoint.transport.broadcast_packet import KIND_BLOB, KIND_ROOT, ObjectId, channel_tag, encode_packet
from teachpoint.transport.broadcast_send import CarouselSender, SenderSettings

from helpers import assert_installed_lessons_play, make_versions
from test_broadcast import Carousel, new_receiver

def trusted_tsi(repo: Path) -> str:
    return json.loads(json.loads((repo / ROOT_NAME).read_text("utf-8"))["payload"])["key_id"]


def forged_datagrams(obj: ObjectId, data: bytes) -> list[bytes]:
    return [encode_packet(obj, p)
            for p in raptorq.Encoder.with_defaults(data, obj.symbol_size).get_encoded_packets(2)]


def install_first(workspace, repo: Path) -> None:
    rx = new_receiver(workspace)
    with Carousel(repo, rx.sock.getsockname()):
        assert rx.run(seconds=40, until_complete=True).complete
    rx.close()


def test_junk_and_a_flood_of_fake_objects_stay_bounded(workspace, published_repo):
    install_first(workspace, published_repo)
    rx = new_receiver(workspace, max_objects=8, max_bytes=200_000)
    tsi, tag = trusted_tsi(published_repo), channel_tag("county")
    rng = random.Random(11)
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dest = rx.sock.getsockname()
    for i in range(3000):  # random bytes, and well-formed symbols of objects that do not exist
        if i % 3 == 0:
            out.sendto(rng.randbytes(rng.randint(1, 1500)), dest)
        else:
            obj = ObjectId(tsi, tag, KIND_BLOB, rng.randbytes(32).hex(), rng.randint(1, 10**9), 1320)
            out.sendto(encode_packet(obj, bytes(4) + rng.randbytes(1320)), dest)
        if i % 200 == 0:
            rx.run(seconds=0.05)
    rx.run(seconds=1)
    spool = rx.spool
    assert len(spool.entries) <= 8 and spool.evicted > 0
    on_disk = sum(p.stat().st_size for p in spool.folder.glob("*.sym"))
    assert on_disk <= 200_000 + 64 * 1324
    assert rx.report.junk > 0
    rx.close()
    out.close()
    assert_installed_lessons_play(workspace, 3)


def test_junk_symbols_under_a_real_id_are_discarded_not_installed(workspace, published_repo):
    install_first(workspace, published_repo)
    rx = new_receiver(workspace)
    tsi, tag = trusted_tsi(published_repo), channel_tag("county")
    fake = os.urandom(5000)
    sha = hashlib.sha256(b"something else").hexdigest()  # the id does not match the bytes
    obj = ObjectId(tsi, tag, KIND_BLOB, sha, len(fake), 1320)
    for datagram in forged_datagrams(obj, fake):
        rx.handle(datagram)
    assert rx.spool.discarded == 1 and not workspace.store.has(sha)
    assert not list(rx.received.rglob(sha))
    rx.close()
    assert_installed_lessons_play(workspace, 3)


def test_valid_objects_nobody_asked_for_stay_within_the_disk_cap(workspace, published_repo):
    """Objects that decode and hash correctly but that no signed metadata wants (another
    channel tag, no root) are written, then trimmed to the cap oldest first; no channel appears."""
    install_first(workspace, published_repo)
    rx = new_receiver(workspace, max_bytes=100_000)
    tsi = trusted_tsi(published_repo)
    for i in range(12):
        data = os.urandom(20_000)
        obj = ObjectId(tsi, channel_tag(f"junk{i}"), KIND_BLOB, hashlib.sha256(data).hexdigest(),
                       len(data), 1320)
        for datagram in forged_datagrams(obj, data):
            rx.handle(datagram)
    rx.import_now()
    waiting = sum(p.stat().st_size for p in rx.received.rglob("*") if p.is_file())
    assert sum(rx.report.objects_received.values()) == 12
    assert waiting <= 100_000 and not rx.report.channels
    rx.close()
    assert_installed_lessons_play(workspace, 3)


def test_forged_and_rolled_back_roots_do_not_displace_the_good_one(
        tmp_path, workspace, published_repo, source_dir):
    install_first(workspace, published_repo)
    attacker = tmp_path / "attacker"
    attacker.mkdir()
    keys.generate_keypair(attacker / "evil", name="evil")
    publish(source_dir, attacker / "evil.key", tmp_path / "evil-repo", name="county", title="假",
            progress=lambda *_: None)
    forged = (tmp_path / "evil-repo" / ROOT_NAME).read_bytes()
    rx = new_receiver(workspace)
    tsi, tag = trusted_tsi(published_repo), channel_tag("county")
    obj = ObjectId(tsi, tag, KIND_ROOT, hashlib.sha256(forged).hexdigest(), len(forged), 1320)
    for datagram in forged_datagrams(obj, forged):
        rx.handle(datagram)
    assert any("not trust" in p or "signed" in p for p in rx.report.problems)
    assert not (rx.received / tag / ROOT_NAME).exists()
    rx.close()
    assert workspace.catalogue.repository("county").key_id == tsi
    assert_installed_lessons_play(workspace, 3)


def test_a_replayed_older_root_is_refused(tmp_path, workspace, source_dir, publisher_key):
    """After version 2 is installed from the air, version 1's (validly signed) root comes again."""
    v1, v2 = make_versions(tmp_path / "versions", source_dir, publisher_key)
    install_first(workspace, v2)
    old = (v1 / ROOT_NAME).read_bytes()
    rx = new_receiver(workspace)
    obj = ObjectId(trusted_tsi(v2), channel_tag("county"), KIND_ROOT,
                   hashlib.sha256(old).hexdigest(), len(old), 1320)
    for datagram in forged_datagrams(obj, old):
        rx.handle(datagram)
    rx.import_now()
    assert any("older" in p for p in rx.report.problems)
    assert workspace.catalogue.repository("county").version == 2
    rx.close()
    assert_installed_lessons_play(workspace, 4)


def test_another_repository_on_the_same_channel_is_ignored(
        tmp_path, workspace, published_repo, source_dir):
    other_keys = tmp_path / "other"
    other_keys.mkdir()
    keys.generate_keypair(other_keys / "k", name="other")
    publish(source_dir, other_keys / "k.key", tmp_path / "other-repo", name="other-county",
            title="别的", progress=lambda *_: None)
    rx = new_receiver(workspace)
    dest = rx.sock.getsockname()
    with Carousel(tmp_path / "other-repo", dest), Carousel(published_repo, dest):
        report = rx.run(seconds=60, until_complete=True)
    rx.close()
    assert report.complete and report.foreign > 0
    assert workspace.catalogue.repository("other-county") is None
    assert_installed_lessons_play(workspace, 3)


def test_receiver_killed_with_sigkill_completes_after_restart(tmp_path, publisher_key, published_repo):
    """Pass 1 (15 % FEC) through 35 % loss into a receiver process that is then SIGKILLed; a new receiver
    process keeps pass 1's symbols from disk and completes from pass 2's fresh symbols."""
    data = tmp_path / "data"
    env = dict(os.environ, TEACHPOINT_DATA_DIR=str(data))
    tp = [sys.executable, "-m", "teachpoint"]
    subprocess.run([*tp, "trust", "add", str(publisher_key.with_suffix(".pub"))], env=env,
                   check=True, capture_output=True, timeout=60)
    port = _free_port()
    listen = ["--listen", f"127.0.0.1:{port}"]
    first = subprocess.Popen([*tp, "receive", *listen, "--minutes", "2"], env=env)
    report = data / "broadcast" / "reception.json"
    _wait_for(report.exists, 30)
    model = ChannelModel(loss=0.35, seed=21)
    with UdpRelay(("127.0.0.1", port), model, max_seconds=60) as relay:
        sender = CarouselSender(published_repo, relay.address,
                                SenderSettings(rate_kbit=3000, fec_percent=15))
        sender.run(passes=1)
        time.sleep(1.0)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        kept = list((data / "broadcast" / "spool").glob("*.sym"))
        second = subprocess.Popen([*tp, "receive", *listen, "--until-complete", "--minutes", "1"],
                                  env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(2.0)
        for pass_no in range(1, 6):
            sender.run(passes=1, start_pass=pass_no)
            try:
                second.wait(3)
                break
            except subprocess.TimeoutExpired:
                continue
        sender.close()
    out, _ = second.communicate(timeout=90)
    assert second.returncode == 0, out
    assert kept, "pass 1 left no symbols on disk"
    status = json.loads(subprocess.run([*tp, "status", "--json"], env=env, capture_output=True,
                                       text=True, check=True, timeout=60).stdout)
    assert status["broadcast"]["complete"], status["broadcast"]
    from teachpoint.paths import DataPaths
    from teachpoint.workspace import Workspace
    ws = Workspace(DataPaths(data, explicit=True), install_demo=False)
    try:
        assert_installed_lessons_play(ws, 3)
    finally:
        ws.close()


def _free_port() -> int:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _wait_for(check, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")
