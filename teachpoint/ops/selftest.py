"""``teachpoint --selftest``: is this PC (or this bundle) ready to teach with?

Checks, in order: versions, the data folder (writable, free space), the catalogue (opened the way
the app opens it, after a read-only health check so a damaged file is reported, not moved aside),
the built-in demo channel (installed, files verified), the player (a few frames of a demo lesson
decoded through the real player backend, offscreen, without sound), translations, the log folder
and the site configuration files. Prints a one-screen report; exit status 0 only when nothing
failed (warnings do not fail).

No Qt and no vlc at import: the player check imports them inside :func:`check_player`.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from teachpoint.library.health import catalogue_health, journal_mode
from teachpoint.library.lesson_files import playable_files, repository_lessons
from teachpoint import __version__, resources
from teachpoint.errors import TeachPointError
from teachpoint.logsetup import folder_bound, log_files
from teachpoint.paths import DataPaths
from teachpoint.library.settings import DEFAULT_FLOOR

log = logging.getLogger(__name__)

OK, WARN, FAIL, SKIP = "ok", "WARN", "FAIL", "skip"
MIN_FREE_BYTES = 200 << 20  # below this not even metadata updates fit
FRAMES = 5  # frames the player must decode
PLAYER_TIMEOUT_S = 40.0
ENV_NO_AUDIO = "TEACHPOINT_NO_AUDIO"


@dataclass
class Check:
    """One line of the report."""

    name: str
    status: str
    detail: str


@dataclass
class SelftestReport:
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, name: str, status: str, detail: str) -> Check:
        check = Check(name, status, detail)
        self.checks.append(check)
        log.info("selftest %s: %s %s", name, status, detail)
        return check

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def render(self) -> str:
        lines = [f"TeachPoint self-test ({time.strftime('%Y-%m-%d %H:%M:%S')})"]
        for c in self.checks:
            lines.append(f"[{c.status:>4}] {c.name:<13} {c.detail}")
        failed = [c.name for c in self.checks if c.status == FAIL]
        verdict = "all is well" if not failed else "PROBLEMS: " + ", ".join(failed)
        lines.append(f"result: {verdict} ({self.seconds:.1f} s)")
        return "\n".join(lines)


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def bundle_dir() -> Path | None:
    """The PyInstaller bundle's internal folder when frozen, else None."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else None


def run_selftest(paths: DataPaths, player: bool = True) -> SelftestReport:
    """Run every check against the data folder ``paths``; never raises for a failed check."""
    started = time.monotonic()
    report = SelftestReport()
    where = f"bundle {bundle_dir().parent}" if bundle_dir() else "source checkout"
    report.add("versions", OK, f"TeachPoint {__version__}, Python {platform.python_version()}, "
                               f"{platform.system()} {platform.release()} ({where})")
    ws = video = None
    if check_data_dir(report, paths):
        try:
            ws = check_catalogue(report, paths)
            video = check_demo(report, ws) if ws is not None else None
        except Exception as exc:  # noqa: BLE001 - the report must be printed whatever happens
            log.exception("selftest of the catalogue crashed")
            report.add("catalogue", FAIL, f"{exc.__class__.__name__}: {exc}")
        check_free_space(report, paths, ws.floor_bytes if ws is not None else DEFAULT_FLOOR)
    if player:
        if video is None:
            report.add("player", FAIL, "no demo lesson to play (see above)")
        else:
            _guarded(report, "player", lambda: check_player(report, video))
    else:
        report.add("player", SKIP, "not checked")
    check_logs(report, paths)
    check_site_configs(report)
    if ws is not None:
        ws.close()
    report.seconds = time.monotonic() - started
    return report


def _guarded(report: SelftestReport, name: str, fn) -> None:
    """Run one check; an unexpected exception is a failed check, not a crashed self-test."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the report must be printed whatever happens
        log.exception("selftest %s crashed", name)
        report.add(name, FAIL, f"{exc.__class__.__name__}: {exc}")


# ---- data folder and catalogue ------------------------------------------------------------------

def check_data_dir(report: SelftestReport, paths: DataPaths) -> bool:
    try:
        paths.ensure()
        probe = paths.root / f".selftest-{os.getpid()}"
        probe.write_bytes(b"teachpoint")
        probe.unlink()
    except (OSError, TeachPointError) as exc:
        report.add("data folder", FAIL, f"{paths.root} cannot be written: {exc}")
        return False
    report.add("data folder", OK, f"{paths.root} (writable)")
    return True


def check_free_space(report: SelftestReport, paths: DataPaths, floor: int) -> None:
    free = shutil.disk_usage(paths.root).free
    text = f"{human_size(free)} free (lessons keep {human_size(floor)} free)"
    if free < MIN_FREE_BYTES:
        report.add("free space", FAIL, text + f"; at least {human_size(MIN_FREE_BYTES)} needed")
    elif free < floor:
        report.add("free space", WARN, text + "; no new lessons can be downloaded")
    else:
        report.add("free space", OK, text)


def check_catalogue(report: SelftestReport, paths: DataPaths):
    """Open the workspace as the app does (installs the demo channel on first run)."""
    problem = catalogue_health(paths.catalogue)
    if problem:
        report.add("catalogue", FAIL, f"{paths.catalogue} {problem} (the app will set it aside "
                                      "and start a new catalogue; stored lessons are kept)")
        return None
    from teachpoint.library.db import SCHEMA_VERSION
    from teachpoint.workspace import Workspace

    try:
        ws = Workspace(paths)
        counts = ws.catalogue.status()
        mode = journal_mode(ws.catalogue)
    except (TeachPointError, sqlite3.Error) as exc:
        report.add("catalogue", FAIL, str(exc))
        return None
    res = counts["resources"]
    report.add("catalogue", OK, f"schema {SCHEMA_VERSION}, {mode}; {res['installed']} lessons "
                                f"installed, {res['not_downloaded']} not downloaded, "
                                f"{res['damaged']} damaged")
    return ws


def check_demo(report: SelftestReport, ws) -> Path | None:
    """The demo channel is installed and its files verify; returns a demo video to play."""
    if ws.demo_error:
        report.add("demo channel", FAIL, ws.demo_error)
        return None
    info = ws.catalogue.repository(resources.DEMO_REPOSITORY_ID)
    if info is None:
        report.add("demo channel", FAIL, "not installed (removed, or the bundle lacks assets/demo)")
        return None
    rows = repository_lessons(ws.catalogue, info.id)
    installed = [rid for rid, _kind, state in rows if state == "installed"]
    shas = playable_files(ws.catalogue, info.id)
    verified = ws.store.verify([s for s in shas if ws.store.has(s)])
    if verified.damaged or not installed:
        report.add("demo channel", FAIL, f"v{info.version}: {len(installed)} of {len(rows)} lessons "
                                         f"installed, {len(verified.damaged)} damaged files")
        return None
    report.add("demo channel", OK, f"v{info.version}: {len(installed)} of {len(rows)} lessons "
                                   f"installed, {len(verified.ok)} files verified")
    videos = [rid for rid, kind, state in rows if kind == "video" and state == "installed"]
    if not videos:
        return None
    return ws.store.path_of(ws.catalogue.resource(videos[0]).main.sha256)


# ---- the player (Qt and libvlc, imported here only) ---------------------------------------------

def check_player(report: SelftestReport, video: Path, frames: int = FRAMES) -> None:
    """Decode ``frames`` frames of ``video`` with the real player, offscreen and without sound."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QEventLoop, QTimer, qVersion
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["teachpoint-selftest", "-platform", "offscreen"])
    check_translations(report)
    from teachpoint.ui.player import PlayerUnavailable, create_player

    saved = os.environ.get(ENV_NO_AUDIO)
    os.environ[ENV_NO_AUDIO] = "1"  # decoding is the point; a PC without a sound card passes
    try:
        player = create_player(mode="vmem")
    except PlayerUnavailable as exc:
        report.add("player", FAIL, str(exc))
        return
    finally:
        if saved is None:
            os.environ.pop(ENV_NO_AUDIO, None)
        else:
            os.environ[ENV_NO_AUDIO] = saved
    renderer = getattr(player, "renderer", None)
    seen: dict = {}
    errors: list[str] = []
    loop = QEventLoop()
    player.error.connect(lambda msg: (errors.append(msg), loop.quit()))
    if renderer is not None:
        renderer.frame_ready.connect(lambda image: seen.setdefault("image", image))

    def done() -> bool:
        if renderer is not None:
            return renderer.frames >= frames and "image" in seen
        return player.position_ms() > 0

    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    poll.start(50)
    QTimer.singleShot(int(PLAYER_TIMEOUT_S * 1000), loop.quit)
    started = time.monotonic()
    player.load(video)
    player.play()
    if not done() and not errors:
        loop.exec()
    poll.stop()
    finished = done()
    took = time.monotonic() - started
    decoded = renderer.frames if renderer is not None else 0
    engine = _engine_description(player)
    player.stop()
    player.release()
    player.video_widget().deleteLater()
    app.processEvents()
    qt = f"Qt {qVersion()} / PySide6 {pyside_version}"
    if errors or not finished:
        why = errors[0] if errors else f"no picture within {PLAYER_TIMEOUT_S:.0f} s"
        report.add("player", FAIL, f"{engine}: {why} ({qt})")
        return
    if renderer is None:  # another backend (QtMultimedia) stood in for libvlc
        report.add("player", OK, f"{engine} played a demo lesson offscreen in {took:.1f} s ({qt})")
        # A bundle ships libvlc, so it must start; a PC without VLC may use the fallback.
        report.add("libvlc", FAIL if bundle_dir() else WARN,
                   f"not in use: lessons play with the {player.name} player, without .srt "
                   "subtitles (TEACHPOINT_PLAYER or the log says why)")
        return
    image = seen["image"]
    blank = _is_blank(image)
    detail = (f"{engine}: {decoded} frames of a demo lesson decoded offscreen in {took:.1f} s, "
              f"{image.width()}x{image.height()}{', picture is blank' if blank else ''} ({qt})")
    report.add("player", FAIL if blank else OK, detail)
    check_bundled_libvlc(report)


def _engine_description(player) -> str:
    vlc = getattr(player, "vlc", None)
    if vlc is None:
        return f"{player.name} backend"
    try:
        return f"libvlc {vlc.libvlc_get_version().decode()}"
    except Exception:  # noqa: BLE001 - a version string is not worth failing for
        return "libvlc"


def _is_blank(image) -> bool:
    """True if every sampled pixel has the same colour (a black or empty picture)."""
    w, h = image.width(), image.height()
    colours = {image.pixel(x * w // 8, y * h // 8) for x in range(8) for y in range(8)}
    return len(colours) <= 1


def loaded_libraries(marker: str) -> list[str]:
    """Files mapped into this process whose path contains ``marker`` (Linux; else empty)."""
    try:
        text = Path("/proc/self/maps").read_text(errors="replace")
    except OSError:
        return []
    found = {line.split(None, 5)[5] for line in text.splitlines()
             if len(line.split(None, 5)) == 6 and marker in line}
    return sorted(found)


def check_bundled_libvlc(report: SelftestReport) -> None:
    """Which libvlc, libvlccore and VLC plugins this process loaded, and whether from the bundle."""
    libs = loaded_libraries("libvlc") + loaded_libraries("libavcodec")
    plugins = loaded_libraries("/vlc/plugins/")
    if not libs:
        if sys.platform.startswith("linux"):
            report.add("libvlc", WARN, "could not see which libvlc is loaded")
        return
    bundle = bundle_dir()
    outside = [p for p in libs + plugins if bundle and not p.startswith(str(bundle))]
    core = next((p for p in libs if "libvlc.so" in p), libs[0])
    detail = f"{core} + {len(libs) - 1} libraries, {len(plugins)} plugins"
    if os.environ.get("VLC_PLUGIN_PATH"):
        detail += f", plugins from {os.environ['VLC_PLUGIN_PATH']}"
    if bundle is None:
        report.add("libvlc", OK, f"system: {detail}")
    elif outside:
        report.add("libvlc", FAIL, f"the bundle loaded files from outside itself: {outside[:3]}")
    else:
        report.add("libvlc", OK, f"bundled: {detail}, all inside the bundle")


def check_translations(report: SelftestReport) -> None:
    from PySide6.QtCore import QLibraryInfo, QTranslator

    ours = resources.assets_dir() / "i18n" / "teachpoint_zh_CN.qm"
    if not QTranslator().load(str(ours)):
        report.add("translations", FAIL, f"{ours} missing or unreadable: the interface shows English")
        return
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", qt_dir):
        report.add("translations", WARN, f"Chinese loaded; Qt's own qtbase_zh_CN.qm missing in {qt_dir}")
        return
    report.add("translations", OK, "Chinese interface and Qt's standard buttons")


# ---- logs and site configuration ----------------------------------------------------------------

def check_logs(report: SelftestReport, paths: DataPaths) -> None:
    folder = paths.logs
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".selftest-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        report.add("logs", WARN, f"{folder} cannot be written ({exc}): nothing is logged")
        return
    size = sum(p.stat().st_size for p in log_files(folder))
    report.add("logs", OK, f"{folder} ({human_size(size)}, kept under {human_size(folder_bound())})")


def check_site_configs(report: SelftestReport) -> None:
    try:
        from teachpoint.site.config import check_file, find_site_configs
    except ImportError:
        report.add("site config", SKIP, "site configuration check unavailable")
        return
    try:
        files = find_site_configs()
    except (OSError, TeachPointError) as exc:
        report.add("site config", FAIL, f"cannot look for site configuration files: {exc}")
        return
    if not files:
        report.add("site config", OK, "no site configuration file (defaults in use)")
        return
    problems = []
    for path in files:
        try:
            problems += [f"{path}: {p}" for p in check_file(path)]
        except (OSError, TeachPointError) as exc:
            problems.append(f"{path}: {exc}")
    if problems:
        report.add("site config", FAIL, "; ".join(problems[:4]) + (" …" if len(problems) > 4 else ""))
    else:
        report.add("site config", OK, ", ".join(str(p) for p in files) + " (no problems)")


def _remember_player_check(paths: DataPaths, report: SelftestReport) -> None:
    """Keep the player line for the health part of usage reports (teachpoint.reports.health)."""
    from teachpoint.reports.health import record_player_check

    for check in report.checks:
        if check.name == "player":
            record_player_check(paths, check.status, check.detail)


def main(paths: DataPaths, player: bool = True) -> int:
    """The ``--selftest`` command: print the report, 0 if all is well, 1 otherwise."""
    report = run_selftest(paths, player=player)
    _remember_player_check(paths, report)
    print(report.render(), flush=True)
    return 0 if report.ok else 1
