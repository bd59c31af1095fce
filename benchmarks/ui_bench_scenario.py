"""The app side of ``ui_responsiveness.py``: the real MainWindow on X, an event-loop lateness
monitor, a stall sampler, and a first-frame detector that reads the X screen.

    DISPLAY=:N QT_QPA_PLATFORM=xcb python ui_bench_scenario.py --data DIR --second DIR --stick DIR \
        --source URL --out result.json [--idle-s 10 --sync-s 30 --clicks 10]

Prints ``PHASE``/``MARK`` lines (the parent reads the link's byte counter at ``MARK``) and writes
every figure to ``--out``. :class:`FrameDetector` needs only libxcb (ctypes), no Qt, so the parent
uses it for the peers (ffplay, cvlc) too. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

TICK_MS = 5
STALL_MS = 50.0
SAMPLE_AFTER_S = 0.04  # the watchdog samples the GUI thread once a tick is this late
SAMPLE_EVERY_S = 0.005
MAX_SAMPLES_PER_STALL = 60
TITLE_RGB = (230, 140, 30)  # the lessons' first second: an orange title card (ffmpeg color=)
NEAR = 35  # per channel, after H.264 and yuv420p
DETECT_SHARE = 0.5
POLL_S = 0.003


# ---------------------------------------------------------------------------------------- X screen

class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _ScreenIter(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(ctypes.c_uint32)), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


_NEAR = [bytes(1 if abs(i - c) <= NEAR else 0 for i in range(256)) for c in reversed(TITLE_RGB)]  # B, G, R


def _cdll(soname: str, short: str) -> ctypes.CDLL:
    try:
        return ctypes.CDLL(soname)
    except OSError:  # find_library runs ldconfig in a subprocess: only when the usual name fails
        return ctypes.CDLL(ctypes.util.find_library(short))


class FrameDetector:
    """Polls a square of the X root window on its own xcb connection, in a thread, until the
    lesson's first picture is there: ≥ 50 % of the pixels within 35 of the title card's colour
    (:data:`TITLE_RGB`, which nothing in the app's look uses, and which a frame left over from an
    earlier play past its first second cannot show). A 48x48 grab + check takes ~0.2 ms; it
    polls every 3 ms."""

    def __init__(self, display: str, region: tuple[int, int, int, int]):
        self.xcb = _cdll("libxcb.so.1", "xcb")
        self.libc = _cdll("libc.so.6", "c")
        x = self.xcb
        x.xcb_connect.restype = ctypes.c_void_p
        x.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        x.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        x.xcb_get_setup.restype = ctypes.c_void_p
        x.xcb_get_setup.argtypes = [ctypes.c_void_p]
        x.xcb_setup_roots_iterator.restype = _ScreenIter
        x.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
        x.xcb_get_image.restype = _Cookie
        x.xcb_get_image.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32, ctypes.c_int16,
                                    ctypes.c_int16, ctypes.c_uint16, ctypes.c_uint16, ctypes.c_uint32]
        x.xcb_get_image_reply.restype = ctypes.c_void_p
        x.xcb_get_image_reply.argtypes = [ctypes.c_void_p, _Cookie, ctypes.c_void_p]
        x.xcb_get_image_data.restype = ctypes.c_void_p
        x.xcb_get_image_data.argtypes = [ctypes.c_void_p]
        x.xcb_get_image_data_length.restype = ctypes.c_int
        x.xcb_get_image_data_length.argtypes = [ctypes.c_void_p]
        x.xcb_disconnect.argtypes = [ctypes.c_void_p]
        self.libc.free.argtypes = [ctypes.c_void_p]
        screen = ctypes.c_int(0)
        self.conn = x.xcb_connect(display.encode(), ctypes.byref(screen))
        if not self.conn or x.xcb_connection_has_error(self.conn):
            raise RuntimeError(f"cannot connect to X display {display}")
        self.root = x.xcb_setup_roots_iterator(x.xcb_get_setup(self.conn)).data[0]
        self.region = region
        self.baseline = 0.0  # title share before arm() returned (should be ~0)
        self.seen: float | None = None
        self.polls = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def grab(self) -> bytes:
        """The region as ZPixmap bytes (BGRX at depth 24)."""
        x, y, w, h = self.region
        cookie = self.xcb.xcb_get_image(self.conn, 2, self.root, x, y, w, h, 0xFFFFFFFF)
        reply = self.xcb.xcb_get_image_reply(self.conn, cookie, None)
        if not reply:
            raise RuntimeError("xcb_get_image failed")
        try:
            return ctypes.string_at(self.xcb.xcb_get_image_data(reply),
                                    self.xcb.xcb_get_image_data_length(reply))
        finally:
            self.libc.free(reply)

    @staticmethod
    def title_share(data: bytes) -> float:
        """Share of the BGRX pixels in ``data`` that show the title card's colour."""
        near = -1
        for c in range(3):
            near &= int.from_bytes(data[c::4].translate(_NEAR[c]), "big")
        return near.bit_count() / max(1, len(data) // 4)

    def arm(self) -> None:
        """Take the baseline now and start watching for a picture."""
        self.stop()
        self.baseline, self.seen, self.polls = self.title_share(self.grab()), None, 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="frame-detector", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        deadline = time.monotonic() + 60
        while not self._stop.is_set() and time.monotonic() < deadline:
            data = self.grab()
            now = time.monotonic()
            self.polls += 1
            if self.title_share(data) >= DETECT_SHARE:
                self.seen = now
                return
            time.sleep(POLL_S)

    def wait(self, timeout: float) -> float | None:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.seen

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def close(self) -> None:
        self.stop()
        if self.conn:
            self.xcb.xcb_disconnect(self.conn)
            self.conn = None


# ---------------------------------------------------------------------------------------- the loop

class _ProcCounters:
    """The GUI thread's scheduler counters and the VM's steal time, read through kept-open /proc
    files (``os.pread``; opening them anew each tick costs far more on a loaded VM)."""

    def __init__(self, tid: int):
        self.sched_fd = os.open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)
        self.stat_fd = os.open("/proc/stat", os.O_RDONLY)

    def schedstat(self) -> tuple[int, int]:
        """(ns on CPU, ns waiting for a CPU) of the thread."""
        try:
            run, wait, _ = os.pread(self.sched_fd, 128, 0).split()
            return int(run), int(wait)
        except (OSError, ValueError):
            return 0, 0

    def steal_ticks(self) -> int:
        """CPU time the hypervisor took from this VM, all vCPUs (USER_HZ ticks)."""
        try:
            fields = os.pread(self.stat_fd, 256, 0).split(b"\n", 1)[0].split()
            return int(fields[8]) if len(fields) > 8 else 0
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        os.close(self.sched_fd)
        os.close(self.stat_fd)


def cause(gap: float, cpu: float, runq: float, steal: float) -> str:
    """The likeliest reason for a stall, from where its time went (ms)."""
    if steal >= 0.5 * gap:
        return "vCPU stolen by the host"
    if runq >= 0.5 * gap:
        return "waiting for a CPU"
    if cpu >= 0.5 * gap:
        return "GUI thread busy"
    if steal + runq + cpu >= 0.5 * gap:
        return "machine (steal + run queue)" if steal + runq >= cpu else "GUI thread busy"
    return "blocked (GIL, lock or I/O)"


def _thread_state(tid: int) -> str:
    """``[R|S|D wchan]`` of a thread: what the kernel says it is doing (futex = a lock or the GIL)."""
    try:
        stat = open(f"/proc/self/task/{tid}/stat").read()
        state = stat[stat.rindex(")") + 2]
        wchan = open(f"/proc/self/task/{tid}/wchan").read().strip() or "-"
    except (OSError, ValueError):
        return "[?]"
    return f"[{state} {wchan}]"


def _format_stack(frame, depth: int = 14) -> str:
    root = str(Path(__file__).resolve().parents[1]) + os.sep
    lines = []
    for fs in reversed(traceback.extract_stack(frame)[-depth:]):  # innermost first
        name = fs.filename.replace(root, "")
        if "site-packages" in name:
            name = name.split("site-packages" + os.sep)[-1]
        lines.append(f"{name}:{fs.lineno} {fs.name}")
    return "\n".join(lines)


class LoopMonitor:
    """A 5 ms PreciseTimer recording how late each tick is, per phase, with a watchdog thread that
    samples the GUI thread's Python stack while a tick is overdue."""

    def __init__(self, phase_box: list[str]):
        from PySide6.QtCore import Qt, QTimer

        self.phase = "setup"
        self.phase_box = phase_box
        self.phases: dict[str, dict] = {}
        self.stalls: list[dict] = []
        self.start = self.last = time.perf_counter()
        self.tick_no = 0
        self.gui_ident = threading.get_ident()
        self.gui_tid = threading.get_native_id()
        self.counters = _ProcCounters(self.gui_tid)
        self.sched = self.counters.schedstat()
        self.steal = self.counters.steal_ticks()
        self.cpus = os.cpu_count() or 1
        self.samples: dict[int, list[str]] = {}
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, name="stall-sampler", daemon=True)

    def begin(self) -> None:
        self.start = self.last = time.perf_counter()
        self.timer.start()
        self._sampler.start()

    def set_phase(self, name: str) -> None:
        self.phase = self.phase_box[0] = name
        self.phases.setdefault(name, {"lateness": [], "clean": [], "t0": time.perf_counter() - self.start,
                                      "t1": 0.0})
        print(f"PHASE {name} +{time.perf_counter() - self.start:.1f}s", flush=True)

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self.last) * 1000 - TICK_MS
        sched = self.counters.schedstat()
        steal = self.counters.steal_ticks()
        ph = self.phases.get(self.phase)
        if ph is not None:
            ph["lateness"].append(round(late, 2))
            if steal == self.steal:  # the host took no CPU from this VM during this tick
                ph["clean"].append(round(late, 2))
            ph["t1"] = now - self.start
        samples = self.samples.pop(self.tick_no, [])
        if late > STALL_MS:
            cpu = (sched[0] - self.sched[0]) / 1e6
            runq = (sched[1] - self.sched[1]) / 1e6
            gap = late + TICK_MS
            stolen = (steal - self.steal) * 10.0 / self.cpus  # ms per vCPU (USER_HZ = 100)
            top = Counter(samples).most_common(3)
            self.stalls.append({"gap_ms": round(late, 1), "phase": self.phase, "t": round(now - self.start, 2),
                                "cpu_ms": cpu, "runq_ms": runq, "steal_ms": stolen,
                                "blocked_ms": max(0.0, gap - cpu - runq), "cause": cause(gap, cpu, runq, stolen),
                                "samples": samples, "top": top})
        self.sched, self.steal = sched, steal
        self.last = now
        self.tick_no += 1

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            tick, last = self.tick_no, self.last
            if time.perf_counter() - last < SAMPLE_AFTER_S:
                continue
            frame = sys._current_frames().get(self.gui_ident)
            if frame is None:
                continue
            got = self.samples.setdefault(tick, [])
            if len(got) < MAX_SAMPLES_PER_STALL:
                got.append(_thread_state(self.gui_tid) + "\n" + _format_stack(frame))

    def stop(self) -> None:
        self.timer.stop()
        self._stop.set()
        self._sampler.join(5)
        self.counters.close()

    def result(self) -> dict:
        return {name: {"lateness": ph["lateness"], "clean": ph["clean"], "seconds": ph["t1"] - ph["t0"]}
                for name, ph in self.phases.items()}


# ---------------------------------------------------------------------------------------- slot timing

SLOTS = [  # GUI-thread handlers that run for sync, import and playing (module, class, method)
    ("teachpoint.ui.sync_controller", "SyncController", "_round_report"),
    ("teachpoint.ui.sync_panel", "SyncPanel", "show_state"),
    ("teachpoint.ui.top_bar", "TopBar", "set_sync_state"),
    ("teachpoint.ui.main_window", "MainWindow", "refresh_library"),
    ("teachpoint.ui.main_window", "MainWindow", "_tree_loaded"),
    ("teachpoint.ui.main_window", "MainWindow", "_summary_loaded"),
    ("teachpoint.ui.main_window", "MainWindow", "play"),
    ("teachpoint.ui.lesson_opener", "LessonOpener", "_open"),  # the lesson read, now shown
    ("teachpoint.ui.library_pane", "LibraryPane", "set_tree"),
    ("teachpoint.ui.home_page", "HomeScreen", "refresh"),
    ("teachpoint.ui.lesson_panel", "LessonPanel", "show_lesson"),
    ("teachpoint.ui.player.player_window", "PlayerView", "open_lesson"),
    ("teachpoint.ui.player.player_window", "PlayerView", "close_lesson"),
    ("teachpoint.ui.usb.drive_watcher", "DriveWatcher", "poll"),
    ("teachpoint.ui.usb.usb_progress", "UsbProgress", "update_progress"),
    ("teachpoint.ui.usb.usb_dialog", "UsbDialog", "set_offer"),
    ("teachpoint.ui.tasks", "TaskManager", "run"),
]


class SlotTimer:
    """Wraps :data:`SLOTS` (before the window is built, so its connections get the wrappers) and
    adds up calls and time per phase. Measurement only: each wrapper calls the original."""

    def __init__(self, phase_of):
        self.phase_of = phase_of
        self.stats: dict[str, dict[str, list[float]]] = {}  # phase -> name -> [calls, total, max]

    def install(self) -> None:
        import functools
        import importlib

        for module, cls_name, method in SLOTS:
            cls = getattr(importlib.import_module(module), cls_name, None)
            original = getattr(cls, method, None) if cls is not None else None
            if original is None:
                continue
            name = f"{cls_name}.{method}"

            def wrapper(*a, _f=original, _n=name, **kw):
                t = time.perf_counter()
                try:
                    return _f(*a, **kw)
                finally:
                    ms = (time.perf_counter() - t) * 1000
                    row = self.stats.setdefault(self.phase_of(), {}).setdefault(_n, [0, 0.0, 0.0])
                    row[0] += 1
                    row[1] += ms
                    row[2] = max(row[2], ms)

            setattr(cls, method, functools.wraps(original)(wrapper))


# ---------------------------------------------------------------------------------------- scenario

def wait_until(condition, timeout_s: float) -> bool:
    """Process events until ``condition()`` or the timeout; True if it came true."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    return True


def settle(seconds: float) -> None:
    wait_until(lambda: False, seconds)


def vlc_peer(video: str, repeat: int, region: tuple[int, int, int, int]) -> list[float]:
    """libvlc alone (python-vlc, no Qt widgets, its own X window at 0,0; the app's arguments):
    ms from ``play()`` to the first picture, ``repeat`` times on one instance and player."""
    from teachpoint.ui.player.vlc_setup import vlc_arguments

    import vlc

    instance = vlc.Instance(vlc_arguments(no_audio=True))
    player = instance.media_player_new()
    detector = FrameDetector(os.environ["DISPLAY"], region)
    times = []
    try:
        for _ in range(repeat):
            player.set_media(instance.media_new_path(video))
            detector.arm()
            t0 = time.monotonic()
            player.play()
            seen = detector.wait(10)
            if seen is not None:
                times.append((seen - t0) * 1000)
            deadline = time.monotonic() + 5
            while player.get_time() < 1500 and time.monotonic() < deadline:
                time.sleep(0.02)
            player.stop()
            time.sleep(0.5)
    finally:
        detector.close()
        player.release()
        instance.release()
    return times


def click_lesson(win, rid: str, detector: FrameDetector, clicks: int, label: str) -> dict:
    """``clicks`` times: QTest click on 播放, time to the first picture, then ← back."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from teachpoint.ui.main_window import PAGE_PLAYER

    ff: dict = {"all_ms": [], "per_click": [], "click_ms": [], "playing_ms": [], "missed": 0,
                "baseline_share": []}
    view = win.player_view
    for i in range(clicks):
        button = win.lesson_panel.play_button
        if not wait_until(lambda: button.isVisible() and button.isEnabled()
                          and win.lesson_panel.info is not None and win.lesson_panel.info.resource_id == rid, 10):
            win.reveal_lesson(rid)
            settle(1.0)
        settle(0.5)
        playing: list = []
        detector.arm()
        t0 = time.monotonic()
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        ff["click_ms"].append((time.monotonic() - t0) * 1000)
        hook = None
        if view.player is not None:
            hook = view.player.state_changed.connect(
                lambda st: st == "playing" and not playing and playing.append(time.monotonic()))
        seen = wait_until(lambda: detector.seen is not None, 10) and detector.seen
        ff["per_click"].append((seen - t0) * 1000 if seen else None)
        if seen:
            ff["all_ms"].append((seen - t0) * 1000)
        else:
            ff["missed"] += 1
        wait_until(lambda: playing, 5)
        if playing:
            ff["playing_ms"].append((playing[0] - t0) * 1000)
        if view.player is not None:
            if hook is not None:
                view.player.state_changed.disconnect(hook)
            ff["mode"] = getattr(view.player, "mode", None)
            w = view.player.video_widget()
            ff["video_rect"] = [w.mapToGlobal(QPoint(0, 0)).x(), w.mapToGlobal(QPoint(0, 0)).y(),
                                w.width(), w.height()]
        print(f"PHASE {label} {i + 1}: first frame {ff['all_ms'][-1] if seen else None} ms "
              f"(handler {ff['click_ms'][-1]:.0f} ms)", flush=True)
        ff["baseline_share"].append(round(detector.baseline, 3))
        # past the title card, so a frame left on screen from this play cannot count next time
        wait_until(lambda: view.player is not None and view.player.position_ms() > 1500, 5)
        QTest.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: win.pages.currentIndex() != PAGE_PLAYER, 10)
        settle(0.8)
    return ff


def main() -> int:
    if "--vlc-peer" in sys.argv:  # VIDEO REPEAT X Y W H
        i = sys.argv.index("--vlc-peer")
        video, repeat, *region = sys.argv[i + 1:i + 7]
        times = vlc_peer(video, int(repeat), tuple(int(v) for v in region))
        print("RESULT " + json.dumps(times), flush=True)
        return 0
    ap = argparse.ArgumentParser()
    for name in ("--data", "--second", "--stick", "--source", "--out", "--title"):
        ap.add_argument(name, required=True)
    ap.add_argument("--idle-s", type=float, default=10)
    ap.add_argument("--sync-s", type=float, default=30)
    ap.add_argument("--max-loaded-s", type=float, default=600)
    ap.add_argument("--clicks", type=int, default=10)
    ap.add_argument("--clicks-under-sync", type=int, default=5)
    ap.add_argument("--import-into", default="second")
    args = ap.parse_args()

    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from teachpoint.paths import DataPaths
    from teachpoint.library.source_list import add_source
    from teachpoint.ui.app import create_application
    from teachpoint.ui.main_window import MainWindow
    from teachpoint.ui.tasks import TaskManager
    from teachpoint.ui.usb import UsbController
    from teachpoint.workspace import Workspace

    app = create_application()
    phase_box = ["setup"]
    slots = SlotTimer(lambda: phase_box[0])
    slots.install()
    tasks = TaskManager(app)
    win = MainWindow(tasks)
    win.setGeometry(app.primaryScreen().geometry())
    win.show()
    win.open_workspace(DataPaths(Path(args.data), explicit=True), install_demo=False)
    out: dict = {"platform": app.platformName()}
    if not wait_until(lambda: win.tree_loaded and win.summary is not None, 60):
        print("WARN the library did not open", flush=True)
    mon = LoopMonitor(phase_box)
    mon.begin()
    settle(2.0)  # first sync round (no sources yet), first paints

    # ---- 1. idle
    mon.set_phase("idle")
    settle(args.idle_s)

    # ---- 2. sync, then the USB import on top
    mon.set_phase("sync_start")
    print("MARK LOADED_START", flush=True)
    loaded_t0 = time.monotonic()
    ws = win.ws
    tasks.run(lambda: add_source(ws.catalogue, args.source, "county"),
              on_done=lambda _: win.sync.sources_changed(), name="bench-add-source")
    if not wait_until(lambda: win.sync.state.bytes_done > 0, 120):
        print("WARN the sync did not start downloading within 120 s", flush=True)
    target: list = []
    if args.import_into == "main":
        usb = win.usb
        target.append(ws)
    else:
        tasks.run(lambda: Workspace(DataPaths(Path(args.second), explicit=True), install_demo=False),
                  on_done=target.append, name="bench-open-second")
        wait_until(lambda: target, 60)
        usb = UsbController(tasks, lambda: target[0] if target else None, win, list_volumes=lambda: [])
        usb.library_changed.connect(win.refresh_library)  # as MainWindow wires its own
    dialogs: list = []
    usb.dialog_opened.connect(lambda path, dialog: dialogs.append(dialog))
    usb.watcher.watch_folder(args.stick)
    usb.start() if usb is not win.usb else usb.watcher.poll()
    imp: dict = {"ok": None, "message": ""}
    if wait_until(lambda: dialogs, 60):
        dialog = dialogs[0]
        settle(0.3)

        def finished(job, ok):
            imp.update(ok=ok, seconds=time.monotonic() - imp["t0"], message=dialog.result.text())
            mon.set_phase("sync_only")

        dialog.job_finished.connect(finished)
        mon.set_phase("both")
        imp["t0"] = time.monotonic()
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: imp["ok"] is not None, args.max_loaded_s)
    else:
        imp["message"] = "the USB dialog did not open"
        print("WARN the USB dialog did not open within 60 s", flush=True)
    wait_until(lambda: time.monotonic() - loaded_t0 >= args.sync_s, args.max_loaded_s)
    print("MARK LOADED_END", flush=True)
    s = win.sync.state
    out.update(sync_bytes_done=s.bytes_done, sync_bytes_total=s.bytes_total,
               sync_speed_kbit=s.speed_bps * 8 / 1000,
               sync_running=s.running, sync_streams=s.streams, loaded_seconds=time.monotonic() - loaded_t0)
    out["import"] = {k: v for k, v in imp.items() if k != "t0"}
    for d in dialogs:
        d.close()

    # ---- 3. click 播放 → first frame (sync paused)
    mon.set_phase("quiet")
    win.sync.pause()
    wait_until(lambda: not win.sync.running and tasks.active == 0, 120)
    rid_box: list = []
    tasks.run(lambda: ws.catalogue.db.execute("SELECT id FROM resources WHERE title = ?",
                                              [args.title]).fetchone()[0],
              on_done=rid_box.append, name="bench-find-lesson")
    wait_until(lambda: rid_box, 30)
    rid = rid_box[0]
    win.reveal_lesson(rid)
    settle(1.0)
    centre = win.mapToGlobal(QPoint(win.width() // 2, win.height() // 2))  # inside the video area
    region = (centre.x() - 24, centre.y() - 24, 48, 48)
    detector = FrameDetector(os.environ["DISPLAY"], region)
    mon.set_phase("clicks")
    ff = click_lesson(win, rid, detector, args.clicks, "click")
    ff["region"] = region
    ff["cold_ms"] = ff["per_click"][0] if ff["per_click"] else None
    ff["warm_ms"] = [v for v in ff["per_click"][1:] if v is not None]
    out["first_frame"] = ff

    # ---- 4. the same clicks while the sync downloads again (a teacher does not wait for it)
    if args.clicks_under_sync:
        mon.set_phase("resume")
        win.sync.resume()
        started = wait_until(lambda: win.sync.running and win.sync.state.bytes_done > 0, 90)
        mon.set_phase("clicks_sync")
        ffs = click_lesson(win, rid, detector, args.clicks_under_sync, "click under sync")
        ffs["sync_downloading"] = started and win.sync.running
        out["first_frame_sync"] = ffs
    detector.close()

    mon.stop()
    out["phases"] = mon.result()
    loaded, clean = [], []
    for name in ("sync_start", "both", "sync_only"):
        loaded += out["phases"].get(name, {}).get("lateness", [])
        clean += out["phases"].get(name, {}).get("clean", [])
    out["phases"]["loaded"] = {"lateness": loaded, "clean": clean, "seconds": sum(
        out["phases"].get(n, {}).get("seconds", 0) for n in ("sync_start", "both", "sync_only"))}
    out["stalls"] = mon.stalls
    out["slots"] = slots.stats
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False), "utf-8")
    win.shutdown()
    if target and target[0] is not ws:
        target[0].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
