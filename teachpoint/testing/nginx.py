"""A real nginx on 127.0.0.1 for tests and benchmarks (DESIGN §8: real nginx, never a mock).

    with NginxServer(root) as srv:
        requests.get(srv.url + "/file.bin", headers={"Range": "bytes=0-99"})
        srv.stop()      # take the server down mid-download ...
        srv.start()     # ... and bring it back on the same port

Everything nginx writes (pid, logs, temp paths) lives in a private temporary prefix. nginx runs in
the foreground with a master and one worker. Run as root (CI), the worker drops to ``www-data``
(or ``nobody``) like Debian's stock nginx, so the served files must be readable by that account:
a repository published 0600 gets 403 here as in the field (DESIGN §9; see
:mod:`teachpoint.testing.daemon`). Run as a normal user, nginx serves as that user.

``ranges=False`` sets ``max_ranges 0;``: nginx then ignores ``Range`` and answers 200 with the
whole body, like servers (and Python's ``http.server``) that do not honour ranges (DESIGN §4).
``label_encoding=REGEX`` adds ``Content-Encoding: gzip`` to every answer whose path matches, like
servers that label ``.gz`` files (Apache's ``AddEncoding x-gzip .gz``) and buckets with
``ContentEncoding=gzip`` objects.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from teachpoint.testing.daemon import (
    ServerError, ServerProcess, free_port, port_accepts, service_account)

__all__ = ["NginxServer", "NginxError", "find_nginx", "free_port", "port_accepts"]

log = logging.getLogger(__name__)


class NginxError(ServerError):
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


CONF_TEMPLATE = """\
daemon off;
master_process on;
worker_processes 1;
{user}
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
        {label}
    }}
}}
"""


class NginxServer(ServerProcess):
    """nginx serving ``root`` as static files on 127.0.0.1 (context manager).

    ``port=0`` picks a free port once; stop()/start() keep that port. ``.url`` is
    ``http://127.0.0.1:PORT`` (no trailing slash).
    """

    name = "nginx"
    error = NginxError
    log_name = "error.log"

    def __init__(self, root: Path, port: int = 0, ranges: bool = True,
                 log_level: str = "warn", label_encoding: str | None = None) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NginxError(f"nginx root is not a directory: {self.root}")
        self.ranges, self.log_level, self.label_encoding = ranges, log_level, label_encoding
        self.binary = find_nginx()
        self.account = service_account()
        super().__init__(port)

    @property
    def error_log(self) -> Path:
        assert self.prefix is not None
        return self.prefix / "error.log"

    def _write_conf(self) -> Path:
        """Write nginx.conf into the prefix (benchmarks override this to log more)."""
        assert self.prefix is not None
        user = f"user {self.account.pw_name};" if self.account is not None else ""
        label = (f'location ~ "{self.label_encoding}" {{ add_header Content-Encoding gzip; }}'
                 if self.label_encoding else "")
        conf = self.prefix / "nginx.conf"
        conf.write_text(CONF_TEMPLATE.format(
            prefix=self.prefix, port=self.port, root=self.root, log_level=self.log_level, user=user,
            label=label, max_ranges="" if self.ranges else "max_ranges 0;"), encoding="utf-8")
        return conf

    def command(self) -> list[str]:
        self.serve_as(self.account, self.root)
        conf = self._write_conf()
        return [self.binary, "-c", str(conf), "-p", str(self.prefix), "-e", str(self.error_log)]
