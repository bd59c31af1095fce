"""Real servers (nginx, lighttpd, squid) on 127.0.0.1 for tests and benchmarks: the common part.

A subclass of :class:`ServerProcess` writes its configuration into a private temporary prefix and
names the command that runs the server in the foreground; this class picks a free port, starts
the process in its own process group, waits (bounded) until the port accepts, and stops it with
a bounded escalation of signals. ``stop()``/``start()`` keep the port.

Servers run the way a county's server does: when the tests run as root (CI, containers), the
server drops to an unprivileged account (:func:`service_account`, ``www-data`` like Debian's nginx
and Apache, else ``nobody``), so a repository whose files are 0600 fails here as it fails in the
field (DESIGN §9). :func:`allow_traverse` lets that account *search* (``o+x``, not list) the
served root and the folders above it, which the test harness made private (pytest's
``/tmp/pytest-of-root`` and ``mktemp`` folders are 0700); everything inside the served root is left
exactly as the code under test wrote it.
"""

from __future__ import annotations

import grp
import logging
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


class ServerError(RuntimeError):
    """A test server is missing, failed to start, or could not be stopped."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port: int, timeout: float = 0.2) -> bool:
    """True if something accepts TCP connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def service_account(preferred: tuple[str, ...] = ("www-data", "nobody")) -> pwd.struct_passwd | None:
    """The unprivileged account a server should drop to, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in preferred:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ServerError(f"none of the accounts {', '.join(preferred)} exists to run a test server as")


def find_binary(name: str, error=ServerError) -> str:
    """Path of a server binary on PATH or in /usr/sbin, or raise ``error`` saying what to install."""
    found = shutil.which(name) or (f"/usr/sbin/{name}" if os.access(f"/usr/sbin/{name}", os.X_OK) else None)
    if not found:
        raise error(f"{name} not found on PATH or in /usr/sbin: install it (Debian: apt-get install {name})")
    return found


def allow_traverse(folder: Path) -> None:
    """Let every account search (``o+x``, not list) ``folder`` and the folders above it.

    Nothing inside ``folder`` is touched: serve the folder *above* what the code under test wrote
    (``www/`` holding ``www/county/``), so its own modes are what the server sees.
    """
    folder = Path(folder).resolve()
    for parent in (folder, *folder.parents):
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            log.debug("test server: letting other accounts search %s", parent)
            os.chmod(parent, stat.S_IMODE(mode) | stat.S_IXOTH)


class ServerProcess:
    """A foreground server on 127.0.0.1 (context manager); see the module docstring."""

    name = "server"
    error = ServerError
    start_timeout_s = START_TIMEOUT_S
    stop_signals = ((signal.SIGQUIT, 0.5), (signal.SIGTERM, 2.0))

    def __init__(self, port: int = 0):
        self.port = port or free_port()
        self._port_fixed = bool(port)
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.prefix: Path | None = None
        self._proc: subprocess.Popen | None = None

    # ---- what a subclass provides ---------------------------------------------------------------

    def command(self) -> list[str]:
        """Write the configuration into ``self.prefix`` and return the command line."""
        raise NotImplementedError

    log_name = ""  # the server's own error log, in the prefix

    def log_text(self) -> str:
        """The end of the server's own error log (for failure messages)."""
        if not self.log_name or self.prefix is None:
            return ""
        try:
            return (self.prefix / self.log_name).read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def serve_as(self, account, root: Path | None, own_prefix: bool = False) -> tuple[str, str] | None:
        """(user, group) for the server to drop to, or None when not root; lets ``account``
        search ``root`` and, with ``own_prefix``, own the prefix (servers that write there after
        dropping privileges)."""
        if account is None:
            return None
        if root is not None:
            allow_traverse(root)
        if own_prefix and self.prefix is not None:
            os.chown(self.prefix, account.pw_uid, account.pw_gid)
        return account.pw_name, grp.getgrgid(account.pw_gid).gr_name

    # ---- the common part --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The process we started (also its process group: workers it forks share it)."""
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self):
        """Start the server (again) and wait, bounded, until the port accepts."""
        if self.running:
            return self
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix=f"tp-{self.name}-")
            self.prefix = Path(self._tmp.name)
        for attempt in range(3):  # a port picked by us may have been taken meanwhile
            self._proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                          start_new_session=True)
            deadline = time.monotonic() + self.start_timeout_s
            while time.monotonic() < deadline and self._proc.poll() is None:
                if port_accepts(self.port):
                    log.debug("%s up on %s", self.name, self.url)
                    return self
                time.sleep(0.02)
            err = self._drain_failure()
            if "in use" in err and not self._port_fixed and attempt < 2:
                self.port = free_port()
                continue
            raise self.error(f"{self.name} did not start on {self.url} within "
                             f"{self.start_timeout_s}s: {err}")
        raise self.error(f"{self.name} did not start")  # pragma: no cover

    def _drain_failure(self) -> str:
        """Kill a failed server and return what it said (stderr and its log)."""
        assert self._proc is not None
        self._kill_group(self._proc)
        try:
            _, stderr = self._proc.communicate(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            stderr = b""
        self._proc = None
        return ((stderr or b"").decode(errors="replace") + self.log_text()).strip()

    @staticmethod
    def _kill_group(proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the server and any worker it forked
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self) -> None:
        """Stop the server: its polite signals, each bounded, then SIGKILL to its process group."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for sig, wait in self.stop_signals:
            if proc.poll() is not None:
                break
            try:
                proc.send_signal(sig)
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        self._kill_group(proc)  # workers left behind by a master that ended
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            raise self.error(f"{self.name} (pid {proc.pid}) did not stop") from exc
        if proc.stderr:
            proc.stderr.close()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while port_accepts(self.port, timeout=0.05) and time.monotonic() < deadline:
            time.sleep(0.02)
        log.debug("%s on port %d stopped (rc=%s)", self.name, self.port, proc.returncode)

    def close(self) -> None:
        """Stop the server and remove the temporary prefix."""
        try:
            self.stop()
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None
                self.prefix = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()
