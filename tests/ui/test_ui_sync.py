"""The app's background sync (SyncController + SyncPanel) against a real nginx on 127.0.0.1.

The repository is published by our own publisher from ffmpeg-made videos; bandwidth caps go
through the real ``sync.bandwidth`` setting, so a transfer is slow enough to pause or re-order.
Each test also checks what a teacher would see on the 同步 page, and that lessons play.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from helpers import assert_installed_lessons_play, write_csv
from teachpoint.library.partial import load_ranges
from teachpoint.repo import keys
from teachpoint.sync.schedule import SETTING_BANDWIDTH
from teachpoint.sync.priority import wanted_in_order
from teachpoint.publish.publisher import publish
from teachpoint.sync.schedule import Subscriptions
from teachpoint.sync.service import ServiceTimes
from teachpoint.library.source_list import add_source
from teachpoint.testing import media
from teachpoint.testing.nginx import NginxServer, free_port
from teachpoint.ui.formatting import format_size
from teachpoint.ui.sync_controller import (
    OFFLINE_STATE, ONLINE, SETTING_PAUSED, SyncController, SyncState)
from teachpoint.ui.sync_panel import SyncPanel
from teachpoint.library.source_list import SourceEntry
from teachpoint.ui.sync_round import FileProgress, source_label

pytestmark = pytest.mark.nginx

FAST = ServiceTimes(interval=600.0, first_backoff=0.5, max_backoff=4.0, tick=0.5)
ROWS = [
    "音乐/春晓.mp4,春晓,三年级,音乐,人音版,上册,第一单元,1,,,,",
    "音乐/小雨沙沙.mp4,小雨沙沙,三年级,音乐,人音版,上册,第二单元 春雨,4,,,,",
    "数学/认识时间.mp4,认识时间,三年级,数学,人教版,上册,第一单元,1,,,,",
    "语文/小马过河.mp4,小马过河,二年级,语文,统编版,下册,第五单元,14,,,,",
    "数学/认识图形.mp4,认识图形,一年级,数学,人教版,上册,第四单元,1,,,,",
    "语文/春夏秋冬.mp4,春夏秋冬,一年级,语文,统编版,下册,第一单元,1,,,,",
]
N = len(ROWS)
LINE_RE = re.compile(r'"GET (\S+) [^"]*" (\d{3}) (\d+)')


@pytest.fixture(scope="module")
def lesson_source(tmp_path_factory):
    """Six real H.264 lessons of ~750 KB each (noise barely compresses)."""
    src = tmp_path_factory.mktemp("ui-sync-src") / "资源"
    for i, row in enumerate(ROWS):
        media.make_video(src / row.split(",")[0], 2.0, pattern="testsrc2", size="320x240", rate=25,
                         audio=False, noise_seed=i + 1, bitrate="3M")
    write_csv(src, ROWS)
    return src


@pytest.fixture(scope="module")
def published_www(tmp_path_factory, lesson_source, publisher_key):
    """A web root with the repository published into ``county/`` (copy it before changing it)."""
    root = tmp_path_factory.mktemp("ui-sync-www") / "www"
    publish(lesson_source, publisher_key.with_suffix(".key"), root / "county", name="county",
            progress=lambda *_: None)
    return root


@pytest.fixture
def www(tmp_path, published_www):
    root = tmp_path / "www"
    shutil.copytree(published_www, root)
    return root


@pytest.fixture
def nginx(www):
    with NginxServer(www) as server:
        yield server


@pytest.fixture
def controller(qtbot, tasks, workspace):
    ctl = SyncController(tasks, times=FAST)
    yield ctl
    ctl.shutdown()
    # Every task (the round, settings writes) ends before the workspace closes under it.
    qtbot.waitUntil(lambda: not ctl.running and tasks.active == 0, timeout=30_000)


@pytest.fixture
def panel(qtbot, controller):
    widget = SyncPanel(controller)
    qtbot.addWidget(widget)
    widget.show()
    return widget


class LoopWatch:
    """A 20 ms QTimer that records how late the GUI event loop runs it (blocked loop = late)."""

    def __init__(self):
        self.worst = 0.0
        self.last = time.monotonic()
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self):
        now = time.monotonic()
        self.worst = max(self.worst, now - self.last - 0.020)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


def limit(ws, kbit: int | None) -> None:
    ws.set_setting(SETTING_BANDWIDTH, json.dumps({"limit_kbit": kbit, "windows": []}))


def payload(www: Path) -> int:
    return sum(p.stat().st_size for p in (www / "county" / "blobs").rglob("*") if p.is_file())


def served_bytes(server: NginxServer) -> dict[str, int]:
    """Body bytes nginx sent, per blob name, from its access log."""
    out: dict[str, int] = {}
    for line in (server.prefix / "access.log").read_text(errors="replace").splitlines():
        m = LINE_RE.search(line)
        if m and "/blobs/" in m[1]:
            name = m[1].rsplit("/", 1)[-1]
            out[name] = out.get(name, 0) + int(m[3])
    return out


def installed(ws) -> int:
    with ws.catalogue.write_lock:
        return ws.catalogue.status()["resources"]["installed"]


def lessons_in_fetch_order(ws) -> list[str]:
    with ws.catalogue.write_lock:
        order = []
        for blob in wanted_in_order(ws.catalogue, Subscriptions()):
            for rid in ws.catalogue.resources_using(blob.sha256):
                if rid not in order:
                    order.append(rid)
    return order


def test_no_source_explains_usb_and_settings(qtbot, controller, panel, workspace):
    controller.set_workspace(workspace)
    qtbot.waitUntil(lambda: controller.rounds >= 1 and not controller.running, timeout=10_000)
    assert controller.state.has_sources is False
    assert panel.no_source.isVisible() and not panel.pause_button.isEnabled()
    assert panel.status.text() == panel.tr("No update source")
    assert controller.short_text(controller.state) == ""


SMALL_SCREEN_HEIGHT = 500  # the page must leave room for the window on a 1366×768 screen


def test_page_never_asks_for_a_tall_window(qtbot, controller):
    """Hidden or shown, idle or busy: the page scrolls instead of making the window taller."""
    panel = SyncPanel(controller)  # a page of a stacked widget, never shown yet
    qtbot.addWidget(panel)
    assert panel.minimumSizeHint().height() < SMALL_SCREEN_HEIGHT
    busy = SyncState(
        connection=ONLINE, running=True, has_sources=True, source="county", bytes_done=3_000_000,
        bytes_total=9_000_000, speed_bps=250_000.0, eta_s=24.0, streams=3, new_lessons=4,
        files=tuple(FileProgress(f"第{i}课 春天来了", 1_500_000, 500_000 * (i % 3)) for i in range(6)),
        problems=("第一个问题：" + "很长的说明" * 30, "第二个问题"),
        details="\n".join(f"county: failed: line {i}" for i in range(20)))
    panel.resize(1000, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_state(busy)
    panel.details_button.setChecked(True)
    assert sum(r.isVisible() for r in panel.file_rows) == 6
    assert panel.problems.isVisible() and panel.details.isVisible() and panel.new_lessons.isVisible()
    assert panel.minimumSizeHint().height() < SMALL_SCREEN_HEIGHT
    # the rest is reachable by scrolling (once the layout has run)
    qtbot.waitUntil(lambda: panel.scroll.verticalScrollBar().maximum() > 0, timeout=5000)
    panel.hide()  # another page is shown: still small
    assert panel.minimumSizeHint().height() < SMALL_SCREEN_HEIGHT


def test_one_percentage_and_the_first_sync_in_words(qtbot, controller, panel):
    first = SyncState(running=True, has_sources=True, connection=ONLINE, bytes_done=170,
                      bytes_total=1000)
    panel.show_state(first)
    assert controller.short_text(first) == controller.tr("Downloading {p}%").format(p=17)
    assert panel.tr("Downloading: {done} of {total} ({p}%)").format(
        done=format_size(170), total=format_size(1000), p=17) in panel.overall.text()
    assert panel.tr("first sync in progress") in panel.status.text()
    assert panel.tr("never synced yet") not in panel.status.text()
    panel.show_state(dataclasses.replace(first, running=False, bytes_done=0, bytes_total=0))
    assert panel.tr("never synced yet") in panel.status.text()
    almost = dataclasses.replace(first, bytes_done=999_999, bytes_total=1_000_000)
    assert almost.percent == 99 and controller.short_text(almost).endswith("99%")


def test_source_added_syncs_shows_progress_then_up_to_date(qtbot, nginx, www, controller, panel,
                                                           workspace):
    limit(workspace, 8000)  # ~1 MB/s: slow enough to see progress on the page
    seen_progress, ready, refreshed, short, rows, words = [], [], [], [], [], []
    controller.state_changed.connect(
        lambda s: seen_progress.append((panel.overall_bar.isVisible(), panel.overall_bar.value(),
                                        sum(r.isVisible() for r in panel.file_rows))))
    controller.state_changed.connect(lambda s: rows.append(s.files) if s.files else None)
    controller.state_changed.connect(lambda s: words.append(
        (controller.short_text(s), panel.overall.text())) if s.percent is not None else None)
    controller.lesson_ready.connect(ready.append)
    controller.library_changed.connect(lambda: refreshed.append(1))
    controller.short_text_changed.connect(short.append)
    controller.set_workspace(workspace)
    qtbot.waitUntil(lambda: controller.state.has_sources is False, timeout=10_000)

    watch = LoopWatch()
    add_source(workspace.catalogue, nginx.url + "/county/", "county")
    controller.sources_changed()
    qtbot.waitUntil(lambda: len(ready) == N and not controller.running, timeout=60_000)
    worst = watch.stop()
    print(f"\nworst GUI event-loop lateness during a 1 MB/s sync: {worst * 1000:.1f} ms")

    s = controller.state
    assert s.connection == ONLINE and s.has_sources and not s.problems and s.last_synced
    assert any(bar and 0 < value < 1000 and rows for bar, value, rows in seen_progress), seen_progress
    assert sorted(ready) == sorted(all_lessons(workspace))
    assert s.new_lessons == N and panel.new_lessons.isVisible()
    assert refreshed, "library_changed never emitted"
    assert controller.tr("Up to date") == short[-1] and any("%" in t for t in short), short
    # one row per lesson (its video, subtitles and cover picture together), sized as the lesson
    sizes = lesson_sizes(workspace)
    assert rows and all(len({f.title for f in snapshot}) == len(snapshot) for snapshot in rows), rows
    assert all(f.size == sizes[f.title] and 0 <= f.done <= f.size for snapshot in rows for f in snapshot)
    # the top bar and the page say the same percentage
    for top, page in words:
        p = re.search(r"(\d+)%", top)
        assert p is None or re.search(rf"\D{p[1]}%", page), (top, page)
    assert not panel.overall_bar.isVisible() and not panel.no_source.isVisible()
    assert panel.tr("Online") in panel.status.text()
    assert panel.tr("just now") in panel.status.text()
    panel.seen_button.click()
    assert controller.state.new_lessons == 0 and not panel.new_lessons.isVisible()
    assert_installed_lessons_play(workspace, N)


def lesson_sizes(ws) -> dict[str, int]:
    """Title → bytes of all the lesson's files."""
    with ws.catalogue.write_lock:
        return dict(ws.catalogue.db.execute(
            "SELECT r.title, SUM(f.size) FROM resources r JOIN files f ON f.resource_id = r.id "
            "GROUP BY r.id").fetchall())


def all_lessons(ws) -> list[str]:
    with ws.catalogue.write_lock:
        return [r[0] for r in ws.catalogue.db.execute("SELECT id FROM resources")]


def test_pause_stops_traffic_and_resume_continues_the_partial(qtbot, nginx, www, tasks, controller,
                                                              panel, workspace):
    limit(workspace, 2400)  # 300 KB/s
    add_source(workspace.catalogue, nginx.url + "/county/", "county")
    watch = LoopWatch()
    controller.set_workspace(workspace)
    qtbot.waitUntil(lambda: controller.state.bytes_done > 500_000, timeout=60_000)
    panel.pause_button.click()
    assert controller.state.paused and panel.pause_button.text() == panel.tr("Resume")
    qtbot.waitUntil(lambda: not controller.running, timeout=30_000)
    qtbot.wait(500)  # let nginx log the aborted requests
    before = served_bytes(nginx)
    qtbot.wait(1500)
    assert served_bytes(nginx) == before, "traffic went on after pause"
    assert not controller.running and installed(workspace) < N

    partial = workspace.store.partial_dir
    with workspace.catalogue.write_lock:
        sizes = dict(workspace.catalogue.db.execute("SELECT sha256, size FROM files").fetchall())
    have = {p.stem: sum(e - s for s, e in load_ranges(p, p.stem, sizes[p.stem]))
            for p in partial.glob("*.ranges")}
    assert sum(have.values()) > 100_000, have

    # The choice survives a restart: a new controller on the same data stays paused.
    qtbot.waitUntil(lambda: workspace.setting(SETTING_PAUSED) == "1", timeout=10_000)
    again = SyncController(tasks, times=FAST)
    again.set_workspace(workspace)
    qtbot.wait(300)
    assert again.state.paused and not again.running
    again.shutdown()

    limit(workspace, None)
    panel.pause_button.click()  # 继续
    qtbot.waitUntil(lambda: controller.rounds >= 2 and not controller.running, timeout=60_000)
    worst = watch.stop()
    print(f"\nworst GUI event-loop lateness around pause/resume: {worst * 1000:.1f} ms")
    assert installed(workspace) == N and not controller.state.problems
    after = served_bytes(nginx)
    for sha, had in have.items():
        refetched = after.get(sha, 0) - before.get(sha, 0)
        print(f"partial {sha[:8]}: size {sizes[sha]}, kept {had}, fetched after resume {refetched}")
        assert refetched <= sizes[sha] - had + 300_000, (sha, sizes[sha], had, refetched)
    total = sum(after.values())
    print(f"nginx sent {total} bytes in all for a payload of {payload(www)}")
    assert total <= payload(www) * 1.10 + 1_200_000, (total, payload(www))
    assert workspace.setting(SETTING_PAUSED) == "0"
    assert_installed_lessons_play(workspace, N)


def test_download_now_jumps_the_queue(qtbot, nginx, controller, workspace):
    limit(workspace, 2400)
    add_source(workspace.catalogue, nginx.url + "/county/", "county")
    ready = []
    controller.lesson_ready.connect(ready.append)
    controller.set_workspace(workspace)
    qtbot.waitUntil(lambda: controller.state.bytes_done > 0, timeout=60_000)
    order = lessons_in_fetch_order(workspace)
    wanted = order[-1]  # the one that would come last
    controller.request_download(wanted)
    qtbot.waitUntil(lambda: wanted in ready, timeout=60_000)
    assert len(ready) <= 2, ready  # at most the lesson already in flight came before it

    # Paused, nothing running: "download now" starts a round (and resumes) for the next one.
    controller.pause()
    qtbot.waitUntil(lambda: not controller.running, timeout=30_000)
    rest = [r for r in lessons_in_fetch_order(workspace) if r not in ready]
    assert len(rest) >= 3, rest
    second, before = rest[-1], len(ready)
    controller.request_download(second)
    assert controller.running and not controller.state.paused
    qtbot.waitUntil(lambda: second in ready, timeout=60_000)
    assert len(ready[before:ready.index(second)]) <= 1, (rest, ready)  # at most the partial one
    assert_installed_lessons_play(workspace, 2)


def test_offline_shows_offline_and_backs_off(qtbot, nginx, controller, panel, workspace):
    add_source(workspace.catalogue, nginx.url + "/county/", "county")
    controller.set_workspace(workspace)
    qtbot.waitUntil(lambda: installed(workspace) == N and not controller.running, timeout=60_000)
    nginx.stop()
    waits = []
    controller.state_changed.connect(
        lambda s: waits.append((controller.failures, controller._timer.interval() / 1000))
        if not s.running and s.connection == OFFLINE_STATE else None)
    controller.sync_now()
    qtbot.waitUntil(lambda: controller.failures >= 3, timeout=30_000)
    qtbot.waitUntil(lambda: not controller.running, timeout=10_000)
    s = controller.state
    assert s.connection == OFFLINE_STATE and s.problems
    assert panel.tr("Offline") in panel.status.text()
    assert controller.short_text(s) == controller.tr("Offline")
    assert panel.problems.isVisible() and panel.note.isVisible()
    firsts = {}
    for failures, wait in waits:
        firsts.setdefault(failures, wait)
    for n in (1, 2, 3):
        base = min(FAST.max_backoff, FAST.first_backoff * 2 ** (n - 1))
        assert 0.74 * base <= firsts[n] <= 1.26 * base, (n, firsts)
    assert_installed_lessons_play(workspace, N)

    nginx.start()
    controller.sync_now()
    qtbot.waitUntil(lambda: controller.state.connection == ONLINE and not controller.running,
                    timeout=30_000)
    assert controller.failures == 0 and not controller.state.problems


def test_nothing_listening_is_offline(qtbot, controller, workspace):
    add_source(workspace.catalogue, f"http://127.0.0.1:{free_port()}/county/", "gone")
    controller.set_workspace(workspace)
    qtbot.waitUntil(lambda: controller.rounds >= 2, timeout=20_000)
    assert controller.state.connection == OFFLINE_STATE and controller.failures >= 2


def test_hostile_sources_give_plain_problems_and_lessons_still_play(qtbot, www, tmp_path,
                                                                   lesson_source, controller,
                                                                   panel, workspace):
    repo = www / "county"
    victim = max((p for p in (repo / "blobs").rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[5000] ^= 0xFF
    victim.write_bytes(bytes(data))
    stranger = tmp_path / "stranger"
    keys.generate_keypair(stranger, name="陌生人")
    publish(lesson_source, stranger.with_suffix(".key"), www / "evil", name="county",
            progress=lambda *_: None)
    with NginxServer(www) as server:
        add_source(workspace.catalogue, server.url + "/county/", "county")
        add_source(workspace.catalogue, server.url + "/evil/", "evil")
        controller.set_workspace(workspace)
        qtbot.waitUntil(lambda: controller.rounds >= 1 and not controller.running, timeout=60_000)
        controller.shutdown()
    s = controller.state
    assert len(s.problems) == 2, s.problems
    damaged, untrusted = s.problems
    # the source is named by its repository's own title (from the signed root), not "county"
    county = next(r.title for r in workspace.catalogue.repositories() if r.source.endswith("/county/"))
    assert damaged == controller.problem_texts.tr(
        "Some lesson files from {name} arrived damaged and were thrown away. "
        "The lessons you already have are not affected.").format(name=county)
    assert untrusted == controller.problem_texts.tr(
        "The lessons offered by {name} do not carry a trusted signature, so nothing was taken "
        "from it. Please tell the school's IT teacher.").format(name="evil")  # the name IT gave
    assert "Traceback" not in panel.problems.text() and panel.problems.isVisible()
    assert "failed verification" in s.details and "trust" in s.details
    assert not panel.details.isVisible()
    panel.details_button.click()
    assert panel.details.isVisible() and panel.details.toPlainText() == s.details
    assert installed(workspace) == N - 1
    assert_installed_lessons_play(workspace, N - 1)


def test_full_disk_says_so_in_plain_words(qtbot, nginx, controller, panel, workspace):
    workspace.set_floor(shutil.disk_usage(workspace.paths.root).free + (1 << 40))
    add_source(workspace.catalogue, nginx.url + "/county/", "county")
    controller.set_workspace(workspace)
    qtbot.waitUntil(lambda: controller.rounds >= 1 and not controller.running, timeout=60_000)
    assert controller.state.problems == (controller.problem_texts.tr(
        "The disk is almost full, so no more lessons can be downloaded. "
        "Please ask the school's IT teacher to free some space."),)
    assert "not enough disk space" in controller.state.details
    assert controller.failures == 1 and controller.state.next_round_at is not None
    assert panel.problems.isVisible() and not any(workspace.store.root.rglob("*.tmp"))


LOCK_HOLDER = """
import sys
from teachpoint.sync.lock import SyncLock
with SyncLock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_background_service_holding_the_lock_is_respected(qtbot, nginx, controller, panel,
                                                          workspace):
    add_source(workspace.catalogue, nginx.url + "/county/", "county")
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(workspace.paths.root)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        controller.set_workspace(workspace)
        qtbot.waitUntil(lambda: controller.state.service_busy, timeout=10_000)
        qtbot.waitUntil(lambda: controller.rounds >= 2, timeout=10_000)  # retried, still polite
        assert controller.state.service_busy and installed(workspace) == 0
        assert controller.failures == 0 and not controller.state.problems
        assert panel.note.text() == panel.tr(
            "The background sync service is updating the lessons. This page follows when it "
            "has finished.")
        assert controller.short_text(controller.state) == controller.tr("Updating in the background")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    qtbot.waitUntil(lambda: installed(workspace) == N and not controller.running, timeout=60_000)
    assert not controller.state.service_busy
    assert_installed_lessons_play(workspace, N)


def test_a_source_is_named_as_a_teacher_understands_it():
    """Not "repo" (the name derived from a folder …/repo): the repository's own title from its
    signed root when one came from there (a collection's below it), else the name IT gave it,
    else the web host or the whole folder path."""
    folder = SourceEntry("repo", "/media/usb/repo", "2026-01-01T00:00:00Z")
    web = SourceEntry("10.0.0.5:8080", "http://10.0.0.5:8080/county/", "2026-01-01T00:00:00Z")
    named = SourceEntry("县资源中心", "http://10.0.0.5:8080/county/", "2026-01-01T00:00:00Z")
    assert source_label(folder, []) == "/media/usb/repo"
    assert source_label(web, []) == "10.0.0.5:8080"
    assert source_label(named, []) == "县资源中心"
    accepted = [("/media/usb/repo", "某某县教学资源"), ("http://10.0.0.5:8080/county/", "某某县同步课堂")]
    assert source_label(folder, accepted) == "某某县教学资源"
    assert source_label(named, accepted) == "某某县同步课堂"
    stick = SourceEntry("usb", "/media/usb", "2026-01-01T00:00:00Z")  # a collection of two
    both = [("/media/usb/music", "音乐"), ("/media/usb/art", "美术"), ("/media/usb2/x", "别的")]
    assert source_label(stick, both) == "美术、音乐"
