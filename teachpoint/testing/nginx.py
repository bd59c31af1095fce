"""A real nginx on 127.0.0.1 for tests and benchmarks (DESIGN §8: real nginx, never a mock).

    with NginxServer(root) as srv:
        requests.get(srv.url + "/file.bin", headers={"Range": "bytes=0-99"})
        srv.stop()      # take the server down mid-download ...
        srv.start()     # ... and bring it back on the same port

Everything nginx writes (pid, logs, temp paths) lives in a private temporary prefix. nginx runs
as a single foreground process (``daemon off; master_process off;``) as the invoking user, so it
works as root and as a normal user, and the served files only need to be readable by that user
(no ``user`` directive, no worker processes dropping privileges to ``nobody``).

``ranges=False`` sets ``max_ranges 0;``: nginx then ignores ``Range`` and answers 200 with the
whole body, like servers (and Python's ``http.server``) that do not honour ranges (DESIGN §4).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


class NginxError(RuntimeError):
    """nginx is missing, failed to start, or could not be stopped."""


def find_nginx() -> str:
    """Path of the nginx binary, or raise NginxError with a clear message."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
         if os.access(p, os.X_OK)), None)
    if not found:
        raise NginxError("nginx not found on PATH or in /usr/sbin: install it "
                         "(Debian: apt-get install nginx-light)")
    return found


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


CONF_TEMPLATE = """\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log {log_level};

events {{
    worker_connections 512;
}}

http {{
    default_type application/octet-stream;
    types {{
        text/html html htm;
        text/plain txt;
        application/json json;
        video/mp4 mp4;
    }}
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    sendfile on;
    tcp_nopush on;
    gzip off;
    etag on;
    keepalive_timeout 65;
    {max_ranges}

    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        location / {{
            autoindex off;
        }}
    }}
}}
"""


class NginxServer:
    """nginx serving ``root`` as static files on 127.0.0.1 (context manager).

    ``port=0`` picks a free port once; stop()/start() keep that port. ``.url`` is
    ``http://127.0.0.1:PORT`` (no trailing slash).
    """

    def __init__(self, root: Path, port: int = 0, ranges: bool = True,
                 log_level: str = "warn") -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NginxError(f"nginx root is not a directory: {self.root}")
        self.ranges = ranges
        self.log_level = log_level
        self.binary = find_nginx()
        self.port = port or free_port()
        self._port_fixed = bool(port)
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.prefix: Path | None = None
        self._proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def error_log(self) -> Path:
        assert self.prefix is not None
        return self.prefix / "error.log"

    def _write_conf(self) -> Path:
        assert self.prefix is not None
        conf = self.prefix / "nginx.conf"
        conf.write_text(CONF_TEMPLATE.format(
            prefix=self.prefix, port=self.port, root=self.root, log_level=self.log_level,
            max_ranges="" if self.ranges else "max_ranges 0;"), encoding="utf-8")
        return conf

    def start(self) -> "NginxServer":
        """Start nginx (again) and wait, at most START_TIMEOUT_S, until the port accepts."""
        if self.running:
            return self
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="tp-nginx-")
            self.prefix = Path(self._tmp.name)
        conf = self._write_conf()
        # A port picked by us may have been taken meanwhile: pick another, a bounded number of times.
        for attempt in range(3):
            self._proc = subprocess.Popen(
                [self.binary, "-c", str(conf), "-p", str(self.prefix), "-e", str(self.error_log)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + START_TIMEOUT_S
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    break
                if port_accepts(self.port):
                    log.debug("nginx up on %s serving %s", self.url, self.root)
                    return self
                time.sleep(0.02)
            err = self._drain_failure()
            if "Address already in use" in err and not self._port_fixed and attempt < 2:
                self.port = free_port()
                conf = self._write_conf()
                continue
            raise NginxError(f"nginx did not start on {self.url} within {START_TIMEOUT_S}s: {err}")
        raise NginxError("nginx did not start")  # pragma: no cover

    def _drain_failure(self) -> str:
        """Kill a failed nginx and return what it said (stderr and error log)."""
        assert self._proc is not None
        if self._proc.poll() is None:
            self._proc.kill()
        try:
            _, stderr = self._proc.communicate(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            stderr = b""
        self._proc = None
        text = (stderr or b"").decode(errors="replace")
        try:
            text += self.error_log.read_text(errors="replace")[-2000:]
        except OSError:
            pass
        return text.strip()

    def stop(self) -> None:
        """Stop nginx: SIGQUIT (graceful), then SIGTERM, then SIGKILL, each bounded."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            # SIGQUIT waits for open connections to finish; a test that stops the server
            # mid-download wants it gone now, so escalate quickly.
            for sig, wait in ((signal.SIGQUIT, 0.5), (signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
                try:
                    proc.send_signal(sig)
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if proc.poll() is None:
            raise NginxError(f"nginx (pid {proc.pid}) did not stop")
        if proc.stderr:
            proc.stderr.close()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while port_accepts(self.port, timeout=0.05) and time.monotonic() < deadline:
            time.sleep(0.02)
        log.debug("nginx on port %d stopped (rc=%s)", self.port, proc.returncode)

    def close(self) -> None:
        """Stop nginx and remove the temporary prefix."""
        try:
            self.stop()
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None
                self.prefix = None

    def __enter__(self) -> "NginxServer":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()
