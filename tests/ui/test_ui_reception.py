"""The broadcast's reception report on the 同步 page (issue 16), from a real reception.

A real carousel sender and the real receiver run on 127.0.0.1 through the lossy UDP relay; one
lesson is larger than the receiver may keep, so the report says what is still missing. The page
then reads the report the receiver wrote (in a worker) and says it in a teacher's words.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from helpers import assert_installed_lessons_play
from teachpoint.testing.udp_relay import ChannelModel, UdpRelay
from teachpoint.transport.broadcast_receive import BroadcastReceiver, ReceiverSettings
from teachpoint.transport.broadcast_send import CarouselSender, SenderSettings
from teachpoint.ui.sync_controller import SyncController
from teachpoint.ui.sync_panel import SyncPanel

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def receive_part_of(workspace, repo: Path, seconds: float) -> None:
    """Receive ``repo`` for ``seconds`` over a 5 %-loss channel, the largest file refused."""
    sizes = sorted(p.stat().st_size for p in (repo / "blobs").rglob("*") if p.is_file())
    settings = ReceiverSettings(listen=("127.0.0.1", 0), import_every_s=0.3)
    settings.limits.max_object_bytes = sizes[-1] - 1
    rx = BroadcastReceiver(workspace, settings)
    stop = threading.Event()
    with UdpRelay(rx.sock.getsockname(), ChannelModel(loss=0.05, seed=9), max_seconds=60) as relay:
        sender = CarouselSender(repo, relay.address,
                                SenderSettings(rate_kbit=3000, fec_percent=20, meta_every=10))
        thread = threading.Thread(target=lambda: sender.run(passes=None, stop=stop), daemon=True)
        thread.start()
        try:
            rx.run(seconds=seconds)
        finally:
            stop.set()
            thread.join(10)
            sender.close()
            rx.close()


@pytest.fixture
def sync_page(qtbot, tasks, workspace):
    controller = SyncController(tasks)
    controller.set_workspace(workspace)
    page = SyncPanel(controller)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    yield page
    controller.shutdown()
    tasks.wait(10_000)


def test_the_sync_page_says_what_the_broadcast_brought_and_what_is_missing(
        qtbot, workspace, published_repo, sync_page):
    receive_part_of(workspace, published_repo, seconds=6)
    report = json.loads((workspace.paths.root / "broadcast" / "reception.json").read_text("utf-8"))
    assert report["repositories"][0]["files_waiting"] == 1

    sync_page.show()
    panel = sync_page.reception
    qtbot.waitUntil(panel.isVisible, timeout=10_000)
    assert panel.title.text() == "卫星广播"
    assert "最近收到" in panel.heard.text() and "刚刚" in panel.heard.text()
    assert "某某县教学资源" in panel.channels.text() and "还缺 1 个文件" in panel.channels.text()
    ARTIFACTS.mkdir(exist_ok=True)
    sync_page.grab().save(str(ARTIFACTS / "sync-broadcast.png"))
    assert_installed_lessons_play(workspace, 2)


@pytest.mark.parametrize("content", [b"", b"not json {", b"[1, 2]", json.dumps(
    {"last_heard": 5, "objects_received": {"blob": "x"}, "bytes_received": "many",
     "repositories": [None, {"state": 3, "files_waiting": "1"}]}).encode()])
def test_a_damaged_report_never_breaks_the_page(qtbot, workspace, sync_page, content):
    folder = workspace.paths.root / "broadcast"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reception.json").write_bytes(content)
    sync_page.show()
    panel = sync_page.reception
    with qtbot.waitCallback(timeout=10_000) as done:
        sync_page.controller.tasks.run(lambda: None, on_done=done)  # after the panel's own read
    qtbot.wait(200)
    if panel.isVisible():  # a dict with nonsense inside: shown without a crash, nothing invented
        assert "最近收到" not in panel.heard.text()
    assert sync_page.isVisible()


def test_a_pc_that_never_received_shows_no_broadcast_panel(qtbot, workspace, sync_page):
    sync_page.show()
    qtbot.wait(300)
    assert not sync_page.reception.isVisible()
