"""Start-up time: ``teachpoint --version``, ``teachpoint status`` and the first window, against peers.

    .venv/bin/python benchmarks/startup.py            # 10 runs each (hyperfine if installed)
    .venv/bin/python benchmarks/startup.py --runs 20

Peers in the same run: a bare ``python -c pass`` (the interpreter's own start-up) for the two
commands, and a bare PySide6 window (QApplication + one QWidget shown) for the first window.

* ``--version`` and ``status`` (on a data folder with the demo lessons installed, warm page cache)
  are timed by hyperfine (``apt install hyperfine``; its exact command is printed) after warm-up
  runs; without hyperfine by a plain loop of subprocess runs. The figure is the median.
* The windows: under a private Xvfb, an X client (this script, through libX11 by ctypes)
  listens for the first ``MapNotify`` of a top-level window; the time from ``Popen`` to that event
  is the time to the first exposed window (without a window manager an X server exposes a window
  as soon as it is mapped). The process is then killed. Median of ``--runs`` runs, the same way
  for TeachPoint and for the bare window. TeachPoint's first window is its splash screen
  ("opening the lesson library…"); the second, its main window, is reported on its own row.

* The first player: what the teacher's first 播放 costs the GUI thread to create the libvlc
  player (``VlcPlayer()``: a libvlc instance and its media player), each run a fresh process
  under the same Xvfb — after the app's warm-up (:func:`teachpoint.ui.player.warm_up_player`:
  libvlc's plugins loaded and held by a worker), and "cold" with only python-vlc imported (the
  warm-up before session 7). Peer: ``libvlc_new`` alone in a plain Python process (python-vlc,
  the app's libvlc arguments, no Qt).

Goals (issue 17): ``--version`` <= 0.2 s, ``status`` <= 0.3 s, first window <= 0.5 s.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teachpoint.testing.xvfb import app_env, xvfb_display  # noqa: E402

PY = sys.executable
BARE_WINDOW = ("from PySide6.QtWidgets import QApplication, QWidget; app = QApplication([]); "
               "w = QWidget(); w.resize(800, 600); w.show(); app.exec()")
GOALS = {"--version": 0.2, "status": 0.3, "first window": 0.5, "main window": 0.5}
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
MAP_NOTIFY = 19
WINDOW_TIMEOUT_S = 30.0
# Prints the seconds VlcPlayer() takes on the GUI thread; argv[1]: "warm" (the app's warm-up
# first) or "cold" (python-vlc and the backend imported, libvlc's plugins not loaded).
FIRST_PLAYER = """
import importlib, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from teachpoint.ui import main_window  # the window's imports, as in the app
from teachpoint.ui.player import warm_up_player
importlib.import_module("teachpoint.ui.player.vlc_backend")
from teachpoint.ui.player.vlc_backend import VlcPlayer, load_vlc
load_vlc()
if sys.argv[1] == "warm":
    warm_up_player()
t0 = time.perf_counter()
player = VlcPlayer()
print(time.perf_counter() - t0)
player.release()
"""
LIBVLC_ALONE = """
import time
from teachpoint.ui.player.vlc_setup import load_vlc, vlc_arguments
vlc = load_vlc()
t0 = time.perf_counter()
vlc.Instance(vlc_arguments()).media_player_new()
print(time.perf_counter() - t0)
"""


def load_average() -> str:
    """``/proc/loadavg``'s first three figures and the CPU steal share since boot."""
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    steal = fields[7] / max(sum(fields), 1) if len(fields) > 7 else 0.0
    return f"load {load}, steal {steal:.1%} since boot, {os.cpu_count()} CPUs"


def time_commands(commands: dict[str, list[str]], runs: int, env: dict) -> dict[str, float]:
    """Median seconds of each command: by hyperfine when installed, else by a loop."""
    if shutil.which("hyperfine"):
        return _hyperfine(commands, runs, env)
    result = {}
    for name, argv in commands.items():
        for _ in range(2):  # warm-up
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - t0)
        result[name] = statistics.median(times)
    return result


def _hyperfine(commands: dict[str, list[str]], runs: int, env: dict) -> dict[str, float]:
    import shlex

    with tempfile.TemporaryDirectory(prefix="tp-hyperfine-") as tmp:
        out = Path(tmp) / "hyperfine.json"
        argv = ["hyperfine", "-N", "--warmup", "3", "--runs", str(runs), "--export-json", str(out),
                "--style", "none"]
        for name, cmd in commands.items():
            argv += [f"--command-name={name}", shlex.join(cmd)]
        print("$ " + shlex.join(argv), flush=True)
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        data = json.loads(out.read_text())
    return {r["command"]: r["median"] for r in data["results"]}


class MapWatcher:
    """An X client that sees top-level windows being mapped on ``display`` (libX11 by ctypes)."""

    def __init__(self, display: str):
        self.x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self.x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        self.x.XPending.argtypes = [ctypes.c_void_p]
        self.x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.x.XFlush.argtypes = [ctypes.c_void_p]
        self.dpy = self.x.XOpenDisplay(display.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open X display {display}")
        self.x.XSelectInput(self.dpy, self.x.XDefaultRootWindow(self.dpy), SUBSTRUCTURE_NOTIFY_MASK)
        self.x.XFlush(self.dpy)
        self.fd = self.x.XConnectionNumber(self.dpy)
        self.event = ctypes.create_string_buffer(192)  # sizeof(XEvent) on 64-bit

    def drain(self) -> None:
        """Forget events seen so far (windows of an earlier run)."""
        while self.x.XPending(self.dpy):
            self.x.XNextEvent(self.dpy, self.event)

    def wait_map(self, deadline: float) -> float | None:
        """``time.perf_counter()`` when the next MapNotify arrives, or None at the deadline."""
        while time.perf_counter() < deadline:
            while self.x.XPending(self.dpy):
                self.x.XNextEvent(self.dpy, self.event)
                if ctypes.c_int.from_buffer(self.event).value == MAP_NOTIFY:
                    return time.perf_counter()
            select.select([self.fd], [], [], 0.05)
        return None


def time_windows(argv: list[str], env: dict, watcher: MapWatcher, runs: int,
                 windows: int = 1) -> list[float]:
    """Median seconds from starting ``argv`` to each of its first ``windows`` mapped windows.

    One warm-up run first. TeachPoint maps two: its splash screen, then the main window.
    """
    times: list[list[float]] = []
    for i in range(runs + 1):
        watcher.drain()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            seen = [watcher.wait_map(t0 + WINDOW_TIMEOUT_S) for _ in range(windows)]
        finally:
            proc.kill()
            proc.wait(timeout=30)
        if None in seen:
            raise RuntimeError(f"fewer than {windows} windows within {WINDOW_TIMEOUT_S} s: {argv}")
        if i:
            times.append([t - t0 for t in seen])
    return [statistics.median(run[k] for run in times) for k in range(windows)]


def time_in_process(code: str, args: list[str], env: dict, runs: int) -> float:
    """Median of the seconds ``code`` prints, one fresh process per run (after one warm-up run)."""
    times = []
    for i in range(runs + 1):
        out = subprocess.run([PY, "-c", code, *args], env=env, capture_output=True, text=True,
                             check=True)
        if i:
            times.append(float(out.stdout.split()[-1]))
    return statistics.median(times)


def prepare_data_dir(env: dict) -> None:
    """A data folder with the demo lessons installed (what ``status`` and the app open)."""
    subprocess.run([PY, "-m", "teachpoint", "status"], env=env, stdout=subprocess.DEVNULL, check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tp-startup-") as tmp:
        env = dict(os.environ, TEACHPOINT_DATA_DIR=str(Path(tmp) / "data"),
                   TEACHPOINT_LOG_DIR=str(Path(tmp) / "logs"))
        prepare_data_dir(env)
        print(load_average(), flush=True)
        cli = time_commands({"python -c pass": [PY, "-c", "pass"],
                             "--version": [PY, "-m", "teachpoint", "--version"],
                             "status": [PY, "-m", "teachpoint", "status"]}, args.runs, env)
        with xvfb_display("1280x800x24") as display:
            genv = app_env(display, **{k: env[k] for k in ("TEACHPOINT_DATA_DIR", "TEACHPOINT_LOG_DIR")})
            watcher = MapWatcher(display)
            bare = time_windows([PY, "-c", BARE_WINDOW], genv, watcher, args.runs)[0]
            app, main_window = time_windows([PY, "-m", "teachpoint"], genv, watcher, args.runs, 2)
            player = {mode: time_in_process(FIRST_PLAYER, [mode], genv, args.runs)
                      for mode in ("warm", "cold")}
            libvlc = time_in_process(LIBVLC_ALONE, [], genv, args.runs)
        print(load_average())
    rows = [("--version", cli["--version"], "python -c pass", cli["python -c pass"]),
            ("status", cli["status"], "python -c pass", cli["python -c pass"]),
            ("first window", app, "bare PySide6 window", bare),
            ("main window", main_window, "bare PySide6 window", bare)]
    print(f"\n{'what':<14}{'median':>9}{'goal':>7}  {'peer':<22}{'peer':>8}{'ratio':>8}")
    for name, value, peer, peer_value in rows:
        mark = "ok" if value <= GOALS[name] else "OVER"
        print(f"{name:<14}{value:8.3f}s{GOALS[name]:6.1f}s  {peer:<22}{peer_value:7.3f}s"
              f"{value / peer_value:7.1f}x  {mark}")
    print(f"\nfirst player on the GUI thread (median of {args.runs} processes):")
    for mode, label in (("warm", "after the warm-up"), ("cold", "cold (plugins not loaded)")):
        print(f"  {label:<27}{player[mode] * 1000:7.1f} ms   libvlc_new alone "
              f"{libvlc * 1000:6.1f} ms  {player[mode] / libvlc:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
