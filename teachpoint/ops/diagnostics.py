"""A diagnostics zip a teacher can carry to IT staff on a USB stick (``teachpoint diagnose``).

What goes in: versions (TeachPoint, Python, Qt, libvlc, the OS), settings (secrets redacted),
the newest log lines (at most :data:`LOG_BUDGET` bytes), a catalogue and store summary (counts,
sizes, states, schema version), sync history (the ``sources`` and ``repositories`` tables),
trusted publisher keys (public fingerprints only) and the output of ``teachpoint --selftest``.

What stays out: pupil and teacher data — bookmarks and progress appear only as counts — and
anything that looks secret (setting names with ``password``/``token``/``secret``/``private``,
passwords inside URLs, private key blocks).

Collecting never fails: a damaged catalogue or a missing folder is noted in ``report.txt`` and
the zip is still written. Writing is all or nothing: the zip is built under a temporary name
beside the destination and renamed at the end; a read-only folder or a full disk raises
:class:`DiagnosticsError` and leaves no partial file. No Qt at import; nothing here changes the
data folder (the catalogue is opened read-only).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from teachpoint import __version__
from teachpoint.errors import TeachPointError
from teachpoint.library.health import catalogue_summary
from teachpoint.logsetup import log_files
from teachpoint.paths import DataPaths
from teachpoint.resources import use_bundled_libvlc

log = logging.getLogger(__name__)

LOG_BUDGET = 4 << 20  # newest log bytes included, over all log files
SELFTEST_TIMEOUT_S = 180
SECRET_NAME = re.compile(r"secret|password|passwd|token|private|credential|api.?key", re.I)
URL_USERINFO = re.compile(r"(\w+://)[^/@\s]+@")
PRIVATE_BLOCK = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----",
                           re.S)
ENV_SHOWN = ("TEACHPOINT_DATA_DIR", "TEACHPOINT_LOG_DIR", "TEACHPOINT_LANG", "TEACHPOINT_NO_AUDIO",
             "TEACHPOINT_VIDEO_OUTPUT", "QT_QPA_PLATFORM", "VLC_PLUGIN_PATH", "LANG", "LC_ALL",
             "XDG_SESSION_TYPE")
REDACTED = "<redacted>"


class DiagnosticsError(TeachPointError):
    """The diagnostics zip could not be written (nothing partial was left behind)."""


def default_file_name() -> str:
    host = re.sub(r"[^A-Za-z0-9_-]+", "-", socket.gethostname()) or "pc"
    return f"teachpoint-diagnostics-{host}-{time.strftime('%Y%m%d-%H%M%S')}.zip"


def write_diagnostics(paths: DataPaths, dest: Path, *, selftest: bool = True) -> Path:
    """Write the diagnostics zip to ``dest`` (a file, or an existing folder) and return its path.

    ``selftest=False`` leaves out the self-test (it runs in a subprocess and takes seconds).
    Raises :class:`DiagnosticsError` if the zip cannot be written.
    """
    dest = Path(dest)
    target = dest / default_file_name() if dest.is_dir() else dest
    if not target.parent.is_dir():
        raise DiagnosticsError(f"cannot write diagnostics: the folder {target.parent} does not exist")
    parts, problems = collect(paths, selftest=selftest)
    parts["report.txt"] = render_report(paths, problems, sorted(parts)).encode("utf-8")
    _write_zip_atomically(target, parts)
    log.info("diagnostics written to %s (%d problems noted)", target, len(problems))
    return target


# ---- collecting ---------------------------------------------------------------------------------

def collect(paths: DataPaths, selftest: bool = True) -> tuple[dict[str, bytes], list[str]]:
    """Every part of the zip as ``name → bytes``, and the problems met while collecting."""
    problems: list[str] = []
    parts: dict[str, bytes] = {}

    def add_json(name: str, fn) -> None:
        try:
            parts[name] = _json(fn(problems))
        except Exception as exc:  # noqa: BLE001 - one broken part must not lose the others
            log.exception("diagnostics part %s failed", name)
            problems.append(f"{name}: could not be collected: {exc.__class__.__name__}: {exc}")

    add_json("versions.json", lambda _p: versions())
    add_json("data-folder.json", lambda p: data_folder_summary(paths, p))
    add_json("catalogue.json",
             lambda p: catalogue_summary(paths.catalogue, p, redact_setting, redact_text))
    add_json("trusted-keys.json", lambda p: trusted_keys(paths, p))
    parts.update(recent_logs(paths.logs, problems))
    if selftest:
        parts["selftest.txt"] = run_selftest_subprocess(paths, problems).encode("utf-8")
    return parts, problems


def versions() -> dict:
    out = {"teachpoint": __version__, "python": sys.version.split()[0],
           "implementation": platform.python_implementation(), "os": platform.platform(),
           "machine": platform.machine(), "frozen": bool(getattr(sys, "frozen", False)),
           "executable": sys.executable,
           "environment": {k: os.environ[k] for k in ENV_SHOWN if k in os.environ}}
    if sys.platform.startswith("linux"):
        try:
            out["os_release"] = platform.freedesktop_os_release().get("PRETTY_NAME", "")
        except OSError:
            pass
    elif sys.platform.startswith("win"):
        out["windows"] = " ".join(platform.win32_ver())
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        out["qt"], out["pyside6"] = qVersion(), pyside
    except ImportError as exc:
        out["qt"] = f"not importable: {exc}"
    out["libvlc"] = libvlc_version()
    return out


def libvlc_version() -> str:
    """The libvlc python-vlc loads (the bundled one when frozen), or why none loads."""
    use_bundled_libvlc()  # the same choice the player makes
    try:
        import vlc  # noqa: PLC0415 - loads libvlc; only wanted here

        return vlc.libvlc_get_version().decode()
    except Exception as exc:  # noqa: BLE001 - python-vlc raises assorted errors without libvlc
        return f"not loadable: {exc.__class__.__name__}: {exc}"


def data_folder_summary(paths: DataPaths, problems: list[str]) -> dict:
    root = paths.root
    out: dict = {"path": str(root), "exists": root.is_dir()}
    if not root.is_dir():
        problems.append(f"the data folder {root} does not exist")
        return out
    usage = shutil.disk_usage(root)
    out["disk"] = {"total": usage.total, "free": usage.free}
    out["entries"] = {p.name: _size(p) for p in sorted(root.iterdir())}
    set_aside = [n for n in out["entries"] if ".unreadable-" in n]
    if set_aside:
        problems.append(f"damaged catalogues were set aside earlier: {', '.join(set_aside)}")
    store = {}
    for name in ("sha256", "partial", "tmp", "damaged"):
        folder = paths.store / name
        files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
        store[name] = {"files": len(files), "bytes": sum(_size(p) for p in files)}
    out["store"] = store
    if store["damaged"]["files"]:
        problems.append(f"{store['damaged']['files']} damaged lesson files were set aside in the store")
    return out


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except OSError:
        return -1


def redact_text(value: str) -> str:
    """Passwords in URLs and private key blocks removed."""
    value = URL_USERINFO.sub(rf"\1{REDACTED}@", value)
    return PRIVATE_BLOCK.sub(REDACTED, value)


def redact_setting(key: str, value) -> str:
    if SECRET_NAME.search(key):
        return REDACTED
    return redact_text(str(value))


def trusted_keys(paths: DataPaths, problems: list[str]) -> list[dict]:
    from teachpoint.repo.trust import TrustStore

    keys = TrustStore(paths.trust).list()
    if not keys:
        problems.append("no trusted publisher keys")
    return [{"name": k.name, "key_id": k.key_id, "added_at": k.added_at,
             "repos": list(k.repos) if k.repos is not None else "all"} for k in keys]


def recent_logs(folder: Path, problems: list[str], budget: int = LOG_BUDGET) -> dict[str, bytes]:
    """The newest log bytes (newest file first, the last one cut to its tail) as ``logs/NAME``."""
    out: dict[str, bytes] = {}
    files = log_files(folder)
    if not files:
        problems.append(f"no log files in {folder}")
    for path in files:
        if budget < 1024:  # not even a few whole lines fit any more
            break
        try:
            size = path.stat().st_size
            with path.open("rb") as f:
                if size > budget:
                    f.seek(size - budget)
                    f.readline()  # start at a whole line
                data = f.read(budget)
        except OSError as exc:
            problems.append(f"log {path.name} unreadable: {exc}")
            continue
        if data:
            out[f"logs/{path.name}"] = data
            budget -= len(data)
    return out


def selftest_command(paths: DataPaths) -> list[str]:
    if getattr(sys, "frozen", False):
        program = Path(sys.executable)
        console = program.with_name("teachpoint-cli.exe")  # Windows: teachpoint.exe has no stdout
        if sys.platform.startswith("win") and console.is_file():
            program = console
        return [str(program), "--selftest", "--data-dir", str(paths.root)]
    return [sys.executable, "-m", "teachpoint", "--selftest", "--data-dir", str(paths.root)]


def run_selftest_subprocess(paths: DataPaths, problems: list[str]) -> str:
    """``teachpoint --selftest`` in its own process (it needs Qt's main thread); its output."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TEACHPOINT_LOG_DIR=str(paths.logs),
               PYTHONIOENCODING="utf-8")
    try:
        proc = subprocess.run(selftest_command(paths), capture_output=True, text=True, env=env,
                              timeout=SELFTEST_TIMEOUT_S, encoding="utf-8", errors="replace")
    except (OSError, subprocess.TimeoutExpired) as exc:
        problems.append(f"the self-test could not run: {exc}")
        return f"the self-test could not run: {exc}\n"
    if proc.returncode != 0:
        problems.append(f"the self-test found problems (exit status {proc.returncode})")
    return proc.stdout + (f"\n--- stderr ---\n{proc.stderr}" if proc.stderr.strip() else "")


# ---- writing ------------------------------------------------------------------------------------

def render_report(paths: DataPaths, problems: list[str], names: list[str]) -> str:
    lines = [f"TeachPoint {__version__} diagnostics, {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
             f"computer: {socket.gethostname()} ({platform.platform()})",
             f"data folder: {paths.root}", f"log folder: {paths.logs}", ""]
    if problems:
        lines.append(f"{len(problems)} problem(s) noted:")
        lines += [f"  - {p}" for p in problems]
    else:
        lines.append("no problems noted")
    lines += ["", "files in this zip:"] + [f"  {n}" for n in names + ["report.txt"]]
    return "\n".join(lines) + "\n"


def _json(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _write_zip_atomically(target: Path, parts: dict[str, bytes]) -> None:
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".teachpoint-diagnostics-", suffix=".partial",
                                        dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, data in parts.items():
                    zf.writestr(name, data)
            f.flush()
            os.fsync(f.fileno())  # a teacher pulls the stick out right after
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise DiagnosticsError(_write_error(target, exc)) from exc
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _write_error(target: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = "the disk or stick is full"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "the folder is read-only or not writable"
    else:
        why = exc.strerror or str(exc)
    return f"cannot write diagnostics to {target}: {why} (nothing was written)"
