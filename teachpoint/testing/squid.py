"""A real squid on 127.0.0.1 as a caching forward proxy for tests (``http_proxy=squid.url``).

    with SquidProxy() as squid:                 # hostile=True by default
        monkeypatch.setenv("http_proxy", squid.url)

The cache behaves like the transparent caches of satellite ISPs (DESIGN §9): with ``hostile=True``
its ``refresh_pattern`` keeps every answer fresh for a day and ignores what the client asks for
(``ignore-reload``: ``Cache-Control: no-cache``/``Pragma`` from the client do not force a
refetch; ``override-expire``, ``ignore-no-store``, ``ignore-private``: neither does the server's
``Cache-Control``). Only a URL it has not seen (a different query string) reaches the server.

Everything squid writes (configuration, ``ufs`` cache folder, logs, pid) lives in a private prefix.
Run as root, squid drops to ``proxy`` (Debian's account for it; else ``nobody``) and the prefix is
given to that account. Only 127.0.0.1 may use it; ICP, HTCP and the pinger are off.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from teachpoint.testing.daemon import ServerError, ServerProcess, find_binary, service_account

HOSTILE_REFRESH = ("refresh_pattern . 1440 100% 10080 ignore-reload ignore-no-store ignore-private "
                   "override-expire override-lastmod")
POLITE_REFRESH = "refresh_pattern . 0 20% 4320"

CONF_TEMPLATE = """\
http_port 127.0.0.1:{port}
pid_filename {prefix}/squid.pid
cache_log {prefix}/cache.log
access_log stdio:{prefix}/access.log squid
buffered_logs off
cache_store_log none
{user}
coredump_dir {prefix}
cache_mem 32 MB
maximum_object_size_in_memory 16 MB
maximum_object_size 256 MB
cache_dir ufs {prefix}/cache 256 4 16
acl local src 127.0.0.1/32
http_access allow local
http_access deny all
{refresh}
icp_port 0
htcp_port 0
pinger_enable off
visible_hostname teachpoint-test-squid
shutdown_lifetime 0 seconds
netdb_filename none
logfile_rotate 0
"""


class SquidError(ServerError):
    """squid is missing, failed to start, or could not be stopped."""


class SquidProxy(ServerProcess):
    """squid as a caching forward proxy on 127.0.0.1 (context manager); ``.url`` is its address."""

    name = "squid"
    error = SquidError
    log_name = "cache.log"
    start_timeout_s = 20.0
    stop_signals = ((signal.SIGTERM, 3.0),)

    def __init__(self, port: int = 0, hostile: bool = True):
        self.binary = find_binary("squid", SquidError)
        self.hostile = hostile
        self.account = service_account(("proxy", "nobody"))
        super().__init__(port)

    @property
    def access_log(self) -> Path:
        assert self.prefix is not None
        return self.prefix / "access.log"

    def command(self) -> list[str]:
        assert self.prefix is not None
        conf = self.prefix / "squid.conf"
        user = f"cache_effective_user {self.account.pw_name}" if self.account is not None else ""
        conf.write_text(CONF_TEMPLATE.format(
            port=self.port, prefix=self.prefix, user=user,
            refresh=HOSTILE_REFRESH if self.hostile else POLITE_REFRESH), encoding="utf-8")
        if self.account is not None:
            for path in (self.prefix, *self.prefix.iterdir()):
                os.chown(path, self.account.pw_uid, self.account.pw_gid)
        if not (self.prefix / "cache").is_dir():
            made = subprocess.run([self.binary, "-N", "-z", "-f", str(conf)], capture_output=True,
                                  timeout=30, check=False)
            if made.returncode != 0:
                raise SquidError(f"squid -z failed: {made.stderr.decode(errors='replace')[-500:]}")
        return [self.binary, "-N", "-f", str(conf)]

    def hits(self, expect: str = "", wait_s: float = 5.0) -> list[str]:
        """The access-log lines of answers squid took from its cache (``*_HIT``); with ``expect``,
        wait (bounded) until such a line contains it: squid logs a request when it has finished."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                lines = self.access_log.read_text(errors="replace").splitlines()
            except OSError:
                lines = []
            found = [line for line in lines if "_HIT/" in line]
            if not expect or any(expect in line for line in found) or time.monotonic() > deadline:
                return found
            time.sleep(0.05)
