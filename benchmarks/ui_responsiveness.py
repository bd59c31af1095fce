"""Never freezes: the GUI event loop's worst stall while a sync and a USB import run, and
click-to-first-frame for a lesson — in the real window on an X server.

    .venv/bin/python benchmarks/ui_responsiveness.py                  # ~1 GB import, 24 MB sync
    .venv/bin/python benchmarks/ui_responsiveness.py --import-mb 256 --sync-s 20 --clicks 5

What it builds (in a temp dir, removed at the end):

* a network repository of real ffmpeg video lessons (``--sync-mb``, default 24 MB: 3 noise videos
  that barely compress + 8 small lessons, as in ``sync_link.py``), signed with a fresh key and
  served by real nginx behind the link emulator (2 Mbit/s, 300 ms one-way delay, 200 kbit/s per
  TCP connection: scenario (a) of ``sync_link.py``);
* a USB stick folder of ``--import-mb`` (default 1024) MB of random files of kind "other"
  (128 MB each) plus three tiny video lessons, exported with ``teachpoint.sneakernet.export`` as in
  ``usb_import.py``;
* the app's data dir with one local 1280x720, 30 s H.264 lesson installed (the one clicked).

nginx and the link emulator run in this process; the app runs in a child process
(``ui_bench_scenario.py``) on its own Xvfb (``QT_QPA_PLATFORM=xcb``; libvlc in window mode with
``set_xwindow``, as on a classroom PC), so the emulator's Python thread does not share the app's
GIL. Inside the app a 5 ms ``QTimer`` (PreciseTimer) records how late each tick is; a watchdog
thread samples the GUI thread's Python stack and its scheduler counters during any stall.

Phases:

1. idle baseline (``--idle-s``, 10 s): the window on the home page, nothing running — the peer
   of the loaded figures (same event loop, same machine, same minute);
2. loaded: a network source is added (``add_source`` + ``SyncController.sources_changed()``, the
   real sync rounds of the main window); once the sync is downloading, the USB stick is offered by
   the real drive watcher and the 导入 button of the real USB dialog is clicked (``QTest``). Runs
   until the import has finished and the sync has run at least ``--sync-s`` seconds. The import
   goes into a *second* data dir: the app takes one ``SyncLock`` per data dir for both sync and
   import, so into the same one the dialog would only say "busy" (``--import-into main`` shows it);
3. first frame: the sync is paused; ``--clicks`` times: the lesson's 播放 button is clicked with
   ``QTest.mouseClick`` and the time until its picture is on the X screen is measured by a thread
   that polls a 48x48 square in the middle of the video area with ``xcb_get_image`` on its own X
   connection every 3 ms, until half of it shows the colour of the lesson's one-second opening
   title card (orange, used nowhere in the app's look; the black video surface before it, and a
   frame left from an earlier play, which is always past the title, do not count); once the lesson
   has played 1.5 s, ← back. The first
   click also creates libvlc (cold); the rest are warm.

4. the same clicks with the sync downloading again (``--clicks-under-sync``, 5).

Where a stall comes from: for every tick later than 50 ms the report gives the GUI thread's own CPU
time, its run-queue wait (``/proc/self/task/TID/schedstat``) and the VM's steal time
(``/proc/stat``) over the stall, a cause (host steal / waiting for a CPU / GUI thread busy /
blocked: GIL, lock or I/O), and the GUI thread's Python stacks sampled by a watchdog thread every
5 ms while the tick was overdue (with the kernel's state and wchan: ``futex`` = a lock or the GIL).
It also times the GUI-thread handlers that sync, import and playing run (``SLOTS`` in the scenario:
calls, total and worst ms per phase), and with ``--py-spy PATH`` records which threads hold the GIL
during the loaded phase (``py-spy record --gil --nonblocking``).

Peers for the first frame, same file, same X server, same detector: ``ffplay -autoexit`` and
libvlc alone (python-vlc with the app's libvlc arguments, its own X window at 0,0, no Qt:
``play()`` to first picture, one player reused — the peer of a warm click), ffplay (process start
to first picture on screen, window at 0,0), and
``ffmpeg -frames:v 1 -f null -`` (decode only, wall time). Goals (issue 6): worst stall ≤ 50 ms
while sync + import run; click-to-first-frame ≤ 500 ms. Prints MET / MISSED and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("TEACHPOINT_LOG_DIR", tempfile.mkdtemp(prefix="tp-bench-logs-"))

import sync_link  # noqa: E402  (benchmarks/sync_link.py: the sync payload and BenchNginx)
from helpers import CSV_HEADER, ROWS  # noqa: E402
from helpers import make_video as tiny_video  # noqa: E402
from teachpoint.paths import DataPaths  # noqa: E402
from teachpoint.sneakernet.export import export, give_plan  # noqa: E402
from teachpoint.publish.publisher import publish  # noqa: E402
from teachpoint.transport.sources import FolderSource  # noqa: E402
from teachpoint.testing.linkemu import LinkEmulator  # noqa: E402
from teachpoint.testing.xvfb import app_env, xvfb_display  # noqa: E402
from teachpoint.workspace import Workspace  # noqa: E402
from ui_bench_scenario import TITLE_RGB, FrameDetector  # noqa: E402  (xcb only, no Qt)

GOAL_STALL_MS, GOAL_FRAME_MS = 50.0, 500.0
FILE_MB = 128
LESSON_TITLE = "认识图形"
SCREEN = "1280x800x24"
PEER_TIMEOUT_S = 20.0


# ---------------------------------------------------------------------------------------- data

def open_ws(path: Path, pub: Path) -> Workspace:
    ws = Workspace(DataPaths(path, explicit=True), install_demo=False)
    ws.trust.add(pub)
    ws.set_floor(0)
    return ws


def make_lesson_video(path: Path, seconds: int = 30) -> None:
    """A classroom-like lesson: 1280x720, 25 fps H.264 at ~1.5 Mbit/s + AAC, opening with a
    one-second title card in :data:`TITLE_RGB` (what the first-frame detector looks for)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    colour = "0x{:02X}{:02X}{:02X}".format(*TITLE_RGB)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"color=c={colour}:size=1280x720:rate=25:duration=1",
         "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=25:duration={seconds - 1}",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
         "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-b:v", "1500k",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", str(path)], check=True, timeout=300)


def build_local_lesson(base: Path, key: Path, pub: Path) -> tuple[Path, Path]:
    """The app's data dir with one 720p lesson installed; returns (data dir, the video file)."""
    src = base / "school-src"
    video = src / "数学/一年级" / f"{LESSON_TITLE}.mp4"
    make_lesson_video(video)
    row = (f"数学/一年级/{LESSON_TITLE}.mp4,{LESSON_TITLE},一年级,数学,人教版,上册,第一单元,1,video,,"
           "认识长方形、正方形和圆,图形")
    (src / "catalogue.csv").write_text(CSV_HEADER + row + "\n", "utf-8")
    publish(src, key, base / "school-repo", name="school", progress=lambda *_: None)
    ws = open_ws(base / "app-data", pub)
    ws.install(FolderSource(base / "school-repo"))
    ws.close()
    shutil.rmtree(base / "school-repo")
    return base / "app-data", video


def build_stick(base: Path, key: Path, pub: Path, import_mb: int) -> tuple[Path, int]:
    """A stick folder exported from a "connected" PC: random files of kind other + 3 lessons."""
    src = base / "stick-src"
    tiny_video(src / "音乐/三年级/小雨沙沙.mp4")
    (src / "音乐/三年级/小雨沙沙.zh.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\n小雨沙沙沙\n", "utf-8")
    tiny_video(src / "语文/一年级/小马过河.mp4", colour="testsrc2")
    tiny_video(src / "数学/三年级/认识时间.mp4", colour="smptebars")
    rows = list(ROWS)
    (src / "big").mkdir()
    files, left = 0, import_mb
    while left > 0:
        mb = min(FILE_MB, left)
        files += 1
        path = src / "big" / f"素材{files}.bin"
        subprocess.run(f"head -c {mb}M /dev/urandom > '{path}'", shell=True, check=True)
        rows.append(f"big/素材{files}.bin,大文件 {files},四年级,音乐,人音版,上册,第一单元,{files},其他,,,")
        left -= mb
    (src / "catalogue.csv").write_text(CSV_HEADER + "\n".join(rows) + "\n", "utf-8")
    publish(src, key, base / "stick-repo", name="usbcounty", progress=lambda *_: None)
    shutil.rmtree(src)
    connected = open_ws(base / "connected", pub)
    connected.install(FolderSource(base / "stick-repo"))
    shutil.rmtree(base / "stick-repo")
    plan = give_plan(connected)
    export(connected, plan, base / "stick")
    connected.close()
    shutil.rmtree(base / "connected")
    return base / "stick", plan.bytes


# ---------------------------------------------------------------------------------------- the app run

def run_scenario(display: str, args, base: Path, data: Path, second: Path, stick: Path,
                 link: LinkEmulator, out: Path) -> dict:
    """Run ui_bench_scenario.py; note the link's byte counter at its LOADED_START/END marks."""
    cmd = [sys.executable, str(HERE / "ui_bench_scenario.py"), "--data", str(data),
           "--second", str(second), "--stick", str(stick), "--source", link.url + "/county/",
           "--out", str(out), "--idle-s", str(args.idle_s), "--sync-s", str(args.sync_s),
           "--clicks", str(args.clicks), "--clicks-under-sync", str(args.clicks_under_sync),
           "--title", LESSON_TITLE, "--import-into", args.import_into,
           "--max-loaded-s", str(args.max_loaded_s)]
    env = app_env(display, PYTHONPATH=str(ROOT), TEACHPOINT_LOG_DIR=str(base / "app-logs"))
    marks: dict[str, tuple[float, int]] = {}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=str(ROOT))
    spy: subprocess.Popen | None = None
    spy_out = base / "gil.txt"
    deadline = time.monotonic() + args.idle_s + args.max_loaded_s + 60 * (args.clicks + args.clicks_under_sync) + 300
    killer = threading.Timer(max(1.0, deadline - time.monotonic()), proc.kill)
    killer.start()
    try:
        for line in proc.stdout:
            line = line.rstrip("\n")
            if line.startswith("MARK "):
                marks[line.split()[1]] = (time.monotonic(), link.bytes_down)
                if args.py_spy and line.split()[1] == "LOADED_START":
                    spy = subprocess.Popen([args.py_spy, "record", "--nonblocking", "--gil", "--threads",
                                            "--rate", "100", "--format", "raw", "-o", str(spy_out),
                                            "--pid", str(proc.pid)], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
                elif spy is not None and line.split()[1] == "LOADED_END":
                    spy.send_signal(signal.SIGINT)
                    spy.wait(timeout=60)
            if args.verbose or line.startswith(("MARK", "PHASE", "WARN", "Traceback")) or "Error" in line:
                print("  app| " + line, flush=True)
        proc.wait(timeout=30)
    finally:
        killer.cancel()
    if not out.exists():
        raise RuntimeError(f"the app scenario ended without a result (exit {proc.returncode})")
    result = json.loads(out.read_text("utf-8"))
    if spy is not None and spy_out.exists():
        result["gil_holders"] = gil_holders(spy_out)
    if "LOADED_START" in marks and "LOADED_END" in marks:
        (t0, b0), (t1, b1) = marks["LOADED_START"], marks["LOADED_END"]
        result["link_kbit_s"] = (b1 - b0) * 8 / 1000 / max(1e-6, t1 - t0)
        result["link_seconds"] = t1 - t0
    return result


def gil_holders(raw: Path, top: int = 12) -> list[tuple[str, float]]:
    """From ``py-spy record --gil --threads --format raw``: share of GIL-holding samples per
    thread and innermost project (or library) frame."""
    counts: Counter = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = stack.split(";")
        thread = "GUI thread" if frames[0].endswith("MainThread") else "a worker"
        ours = [f for f in frames[1:] if "teachpoint" in f] or frames[1:] or ["?"]
        counts[f"{thread} {ours[-1]} <- {frames[-1] if frames[-1] != ours[-1] else ''}".strip()] += int(n)
    total = sum(counts.values()) or 1
    return [(k, round(100 * v / total, 1)) for k, v in counts.most_common(top)]


# ---------------------------------------------------------------------------------------- peers

def peer_first_frame(display: str, argv: list[str], region: tuple[int, int, int, int]) -> float | None:
    """Seconds from starting ``argv`` until its picture is in ``region`` of the X screen."""
    detector = FrameDetector(display, region)
    try:
        detector.arm()
        start = time.monotonic()
        proc = subprocess.Popen(argv, env=dict(os.environ, DISPLAY=display), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            seen = detector.wait(PEER_TIMEOUT_S)
        finally:
            proc.kill()
            proc.wait(timeout=10)
        time.sleep(0.3)  # the window is gone before the next run
        return seen - start if seen is not None else None
    finally:
        detector.close()


def run_peers(display: str, video: Path, repeat: int) -> dict:
    """First-frame peers on the same X server, same file, same detector (window at 0,0)."""
    out: dict[str, list[float]] = {"ffplay": [], "libvlc": [], "ffmpeg_decode": []}
    w, h = 1280, 720
    region = (w // 2 - 24, h // 2 - 24, 48, 48)
    ffplay = ["ffplay", "-v", "quiet", "-autoexit", "-an", "-noborder", "-left", "0", "-top", "0",
              "-x", str(w), "-y", str(h), str(video)]
    if shutil.which("ffplay"):
        for _ in range(repeat):
            t = peer_first_frame(display, ffplay, region)
            if t is not None:
                out["ffplay"].append(t * 1000)
    proc = subprocess.run(
        [sys.executable, str(HERE / "ui_bench_scenario.py"), "--vlc-peer", str(video), str(repeat),
         *map(str, region)], env=app_env(display, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
        timeout=60 * repeat + 60, cwd=str(ROOT))
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line:
        out["libvlc"] = json.loads(line[7:])
    else:
        print("libvlc peer failed: " + (proc.stdout + proc.stderr)[-1000:])
    for _ in range(repeat):
        start = time.monotonic()
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-frames:v", "1", "-f", "null", "-"],
                       check=True, timeout=60)
        out["ffmpeg_decode"].append((time.monotonic() - start) * 1000)
    return out


# ---------------------------------------------------------------------------------------- report

def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * (len(s) - 1)))))]


def stall_row(name: str, lateness: list[float], seconds: float, clean: list[float]) -> str:
    over = sum(1 for v in lateness if v > GOAL_STALL_MS)
    return (f"{name:<34}{seconds:>7.1f}{len(lateness):>8}{max(lateness, default=0):>9.1f}"
            f"{pct(lateness, 99):>8.1f}{pct(lateness, 95):>8.1f}{pct(lateness, 50):>7.1f}{over:>8}"
            f"{len(clean):>9}{max(clean, default=float('nan')):>9.1f}")


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"median {statistics.median(values):.0f}, p95 {pct(values, 95):.0f}, "
            f"max {max(values):.0f} ms (n={len(values)})")


def report(res: dict, peers: dict, args, load: tuple[str, str], sizes: dict) -> None:
    phases = res["phases"]
    print("\n== event-loop stall (5 ms QTimer lateness, ms) ==")
    steal = res.get("steal_share")
    print(f"load average before/after: {load[0]} / {load[1]}; {os.cpu_count()} CPUs; the host took "
          f"{'?' if steal is None else f'{100 * steal:.0f} %'} of this VM's CPU time (steal) during the app run")
    print(f"{'phase':<34}{'s':>7}{'ticks':>8}{'max':>9}{'p99':>8}{'p95':>8}{'p50':>7}{'>50ms':>8}"
          f"{'no-steal':>9}{'its max':>9}")
    for key, name in (("idle", "idle (peer)"), ("sync_start", "sync, before the import"),
                      ("both", "sync + import at once"), ("sync_only", "sync, after the import"),
                      ("loaded", "loaded, all of it"), ("clicks", "during the 播放 clicks"),
                      ("clicks_sync", "播放 clicks while syncing")):
        ph = phases.get(key)
        if ph and ph["lateness"]:
            print(stall_row(name, ph["lateness"], ph["seconds"], ph.get("clean", [])))
    idle, both = phases["idle"]["lateness"], phases.get("both", {}).get("lateness", [])
    if idle and both:
        print(f"loaded/idle ratio: max {max(both) / max(1e-3, max(idle)):.1f}×, "
              f"p99 {pct(both, 99) / max(1e-3, pct(idle, 99)):.1f}×")
    imp = res.get("import", {})
    print(f"import: {imp.get('ok')} {imp.get('message', '')!r}")
    if imp.get("seconds"):
        print(f"import: {sizes['stick_bytes'] / 1e6:.0f} MB in {imp['seconds']:.1f} s = "
              f"{sizes['stick_bytes'] / 1e6 / imp['seconds']:.0f} MB/s (into a second data dir)")
    if "link_kbit_s" in res:
        print(f"sync: {res['link_kbit_s']:.0f} kbit/s down the emulated 2 Mbit/s link over the "
              f"{res['link_seconds']:.0f} s loaded phase; app's own speed at the end "
              f"{res.get('sync_speed_kbit', 0):.0f} kbit/s, {res.get('sync_bytes_done', 0) / 1e6:.1f} of "
              f"{res.get('sync_bytes_total', 0) / 1e6:.1f} MB")
    own = [st["gap_ms"] for st in res.get("stalls", []) if st["phase"] in ("both", "sync_start", "sync_only")
           and st["cause"] == "GUI thread busy"]
    print(f"loaded stalls > {GOAL_STALL_MS:.0f} ms with the GUI thread itself busy (on CPU ≥ half the "
          f"stall): {len(own)}" + (f", worst {max(own):.0f} ms" if own else ""))
    worst = max(both, default=float("nan"))
    clean = phases.get("both", {}).get("clean", [])
    print(f"(no-steal: ticks during which /proc/stat counted no host steal; worst of those while sync + "
          f"import ran: {max(clean, default=float('nan')):.1f} ms, idle: "
          f"{max(phases['idle'].get('clean', []), default=float('nan')):.1f} ms)")
    print(f"goal: worst stall ≤ {GOAL_STALL_MS:.0f} ms while sync + import run: {worst:.1f} ms → "
          f"{'MET' if worst <= GOAL_STALL_MS else 'MISSED'}")

    stalls = res.get("stalls", [])
    for phase in ("idle", "both", "sync_start", "sync_only", "clicks", "clicks_sync"):
        causes = Counter(s["cause"] for s in stalls if s["phase"] == phase)
        if causes:
            print(f"stalls > {GOAL_STALL_MS:.0f} ms in {phase}: " + ", ".join(f"{n}× {c}" for c, n in causes.most_common()))
    if stalls:
        print(f"\n== stalls > {GOAL_STALL_MS:.0f} ms: where the GUI thread was ({len(stalls)}) ==")
        for s in sorted(stalls, key=lambda s: -s["gap_ms"])[:args.show_stalls]:
            print(f"- {s['gap_ms']:.0f} ms in phase {s['phase']} at +{s['t']:.1f} s — {s['cause']}: GUI "
                  f"thread on CPU {s['cpu_ms']:.0f} ms, waiting for a CPU {s['runq_ms']:.0f} ms, not "
                  f"runnable {s['blocked_ms']:.0f} ms; host stole {s['steal_ms']:.0f} ms per vCPU; "
                  f"{len(s['samples'])} stack samples")
            for stack, n in s["top"][:2]:
                print(f"    {n}× " + stack.replace("\n", "\n       "))

    slots = res.get("slots", {})
    for phase, title in (("both", "sync + import at once"), ("sync_start", "sync, before the import"),
                         ("clicks", "the 播放 clicks")):
        rows = sorted(slots.get(phase, {}).items(), key=lambda kv: -kv[1][1])[:8]
        seconds = res["phases"].get(phase, {}).get("seconds") or 1
        if rows:
            print(f"\n== GUI-thread handlers during {title} ({seconds:.1f} s): calls, total, max ==")
            for name, (calls, total, worst) in rows:
                print(f"{name:<34}{calls:>6} calls{total:>9.1f} ms ({100 * total / 1000 / seconds:4.1f} %)"
                      f"  max {worst:7.1f} ms")

    if res.get("gil_holders"):
        print("\n== who held the GIL during the loaded phase (py-spy --gil, share of samples) ==")
        for where, share in res["gil_holders"]:
            print(f"{share:>6.1f} %  {where}")

    ff = res["first_frame"]
    print("\n== click 播放 → first frame on screen (ms) ==")
    print(f"TeachPoint cold (first click, creates libvlc): "
          f"{ff['cold_ms'] if ff.get('cold_ms') is not None else 'n/a'}")
    print(f"TeachPoint warm: {summary(ff['warm_ms'])}")
    print(f"  click handler blocked the GUI thread: {summary(ff['click_ms'])}")
    print(f"  click → libvlc 'playing': {summary(ff['playing_ms'])}")
    ffs = res.get("first_frame_sync")
    if ffs:
        print(f"TeachPoint while the sync downloads{'' if ffs.get('sync_downloading') else ' (NOT downloading)'}: "
              f"{summary(ffs['all_ms'])}; handler {summary(ffs['click_ms'])}")
    print(f"peer ffplay -autoexit (process start → picture): {summary(peers['ffplay'])}")
    print(f"peer libvlc alone, no Qt (play() → picture, one player): {summary(peers['libvlc'])}")
    print(f"peer ffmpeg -frames:v 1 (decode only): {summary(peers['ffmpeg_decode'])}")
    if ff["warm_ms"] and peers["ffplay"]:
        print(f"TeachPoint warm / ffplay: {statistics.median(ff['warm_ms']) / statistics.median(peers['ffplay']):.2f}×")
    if ff["warm_ms"] and peers["libvlc"]:
        print(f"TeachPoint warm / libvlc alone: "
              f"{statistics.median(ff['warm_ms']) / statistics.median(peers['libvlc']):.2f}×")
    worst_ff = max(ff["warm_ms"] + ([ff["cold_ms"]] if ff.get("cold_ms") is not None else []),
                   default=float("nan"))
    med = statistics.median(ff["warm_ms"]) if ff["warm_ms"] else float("nan")
    print(f"goal: click-to-first-frame ≤ {GOAL_FRAME_MS:.0f} ms: warm median {med:.0f} ms, worst "
          f"(incl. cold) {worst_ff:.0f} ms → {'MET' if worst_ff <= GOAL_FRAME_MS else 'MISSED'}")
    print(f"video region polled: {ff.get('region')}; video widget {ff.get('video_rect')}; "
          f"player mode {ff.get('mode')}")


def cpu_times() -> list[int]:
    try:
        return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return []


def steal_share(before: list[int], after: list[int]) -> float | None:
    """Share of this VM's CPU time the host took (steal) between two cpu_times()."""
    if len(before) < 8 or len(after) < 8:
        return None
    total = sum(after[:8]) - sum(before[:8])
    return (after[7] - before[7]) / total if total > 0 else None


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--import-mb", type=int, default=1024)
    ap.add_argument("--sync-mb", type=float, default=24.0, help="network repository payload (big videos)")
    ap.add_argument("--idle-s", type=float, default=10.0)
    ap.add_argument("--sync-s", type=float, default=30.0, help="at least this much sync in the loaded phase")
    ap.add_argument("--max-loaded-s", type=float, default=600.0)
    ap.add_argument("--clicks", type=int, default=10)
    ap.add_argument("--clicks-under-sync", type=int, default=5,
                    help="more clicks with the sync downloading again (0: none)")
    ap.add_argument("--peer-runs", type=int, default=5)
    ap.add_argument("--import-into", choices=("second", "main"), default="second")
    ap.add_argument("--show-stalls", type=int, default=8)
    ap.add_argument("--py-spy", default=None, metavar="PATH",
                    help="py-spy binary: record which threads hold the GIL during the loaded phase")
    ap.add_argument("--dir", default=None, help="temp folder (default: the system temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (and the app's log)")
    ap.add_argument("--json", default=None, help="write every figure to this file")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the app's output")
    args = ap.parse_args()

    base = Path(tempfile.mkdtemp(prefix="tp-uibench-", dir=args.dir))
    if shutil.disk_usage(base).free < (3 * args.import_mb + 500) << 20:
        print(f"need ~{3 * args.import_mb + 500} MB free in {base}")
        shutil.rmtree(base)
        return 2
    try:
        return run(base, args)
    finally:
        if args.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def run(base: Path, args) -> int:
    t = time.monotonic()
    print(f"building in {base}: sync repository {args.sync_mb:.0f} MB + 8 lessons, stick "
          f"{args.import_mb} MB, one 720p lesson …", flush=True)
    repo = sync_link.build_repo(base / "net", args.sync_mb, 3, 8)
    key, pub = base / "net" / "keys" / "bench.key", repo.pub
    data, video = build_local_lesson(base, key, pub)
    stick, stick_bytes = build_stick(base, key, pub, args.import_mb)
    open_ws(base / "second-data", pub).close()
    print(f"built in {time.monotonic() - t:.0f} s: payload {repo.payload / 1e6:.1f} MB in "
          f"{repo.resources} resources; stick {stick_bytes / 1e6:.0f} MB", flush=True)
    sizes = {"sync_payload": repo.payload, "stick_bytes": stick_bytes}
    scen = sync_link.SCENARIOS["a"]
    load_before, cpu_before = loadavg(), cpu_times()
    with sync_link.BenchNginx(repo.www) as srv, \
            LinkEmulator(("127.0.0.1", srv.port), rate_bps=scen["rate_bps"], delay_s=scen["delay_s"],
                         per_conn_bps=scen["per_conn_bps"]) as link, \
            xvfb_display(SCREEN) as display:
        keeper = FrameDetector(display, (0, 0, 1, 1))  # a client all along: Xvfb resets when the last one leaves
        print(f"Xvfb {display}, nginx {srv.url}, link emulator {link.url}; load average {load_before}",
              flush=True)
        res = run_scenario(display, args, base, data, base / "second-data", stick, link,
                           base / "result.json")
        load_after = loadavg()
        res["steal_share"] = steal_share(cpu_before, cpu_times())
        print("peers …", flush=True)
        try:
            peers = run_peers(display, video, args.peer_runs)
        except Exception as exc:  # noqa: BLE001 - the app's figures still count
            print(f"peers failed: {exc!r}")
            peers = {"ffplay": [], "libvlc": [], "ffmpeg_decode": []}
        keeper.close()
    report(res, peers, args, (load_before, load_after), sizes)
    if args.json:
        Path(args.json).write_text(json.dumps({"app": res, "peers": peers, "sizes": sizes,
                                               "load": [load_before, load_after]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
