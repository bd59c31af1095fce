"""A real Apache httpd on 127.0.0.1 for tests, configured like Debian's stock site.

    with ApacheServer(www) as srv:                       # Debian's defaults
    with ApacheServer(www, gzip_encoding=True) as srv:   # plus ``AddEncoding x-gzip .gz``

Static files from ``root`` with ``/etc/mime.types`` (Debian's ``mime.conf``), ranges on, no
compression, no directory listing. ``gzip_encoding=True`` adds the line many servers carry
(``AddEncoding x-gzip .gz``): every ``.gz`` file is then labelled ``Content-Encoding: x-gzip``.
Run as root, the children serve as ``www-data`` (else ``nobody``), so the served files must be
readable by that account (DESIGN §9; :mod:`teachpoint.testing.daemon`). Everything Apache writes
lives in a private prefix.
"""

from __future__ import annotations

import signal
from pathlib import Path

from teachpoint.testing.daemon import ServerError, ServerProcess, find_binary, service_account

MODULES = Path("/usr/lib/apache2/modules")
CONF_TEMPLATE = """\
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {prefix}/httpd.pid
DefaultRuntimeDir {prefix}
Mutex file:{prefix} default
ErrorLog {prefix}/error.log
LogLevel warn
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule mime_module {modules}/mod_mime.so
StartServers 1
ServerLimit 1
ThreadsPerChild 32
MaxRequestWorkers 32
{user}
TypesConfig /etc/mime.types
AddType application/x-gzip .gz .tgz
{encoding}
DocumentRoot "{root}"
<Directory />
    Require all denied
    AllowOverride None
</Directory>
<Directory "{root}">
    Require all granted
    Options None
    AllowOverride None
</Directory>
"""


class ApacheError(ServerError):
    """Apache is missing, failed to start, or could not be stopped."""


class ApacheServer(ServerProcess):
    """Apache httpd serving ``root`` as static files on 127.0.0.1 (context manager)."""

    name = "apache"
    error = ApacheError
    log_name = "error.log"
    stop_signals = ((signal.SIGTERM, 3.0),)

    def __init__(self, root: Path, port: int = 0, gzip_encoding: bool = False):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise ApacheError(f"apache root is not a directory: {self.root}")
        self.binary = find_binary("apache2", ApacheError)
        if not (MODULES / "mod_mpm_event.so").is_file():
            raise ApacheError(f"Apache's modules are not in {MODULES} (Debian: apt-get install apache2)")
        self.gzip_encoding = gzip_encoding
        self.account = service_account()
        super().__init__(port)

    def command(self) -> list[str]:
        assert self.prefix is not None
        drop = self.serve_as(self.account, self.root, own_prefix=True)  # its mutexes live there
        user = f"User {drop[0]}\nGroup {drop[1]}" if drop else ""
        conf = self.prefix / "httpd.conf"
        conf.write_text(CONF_TEMPLATE.format(
            port=self.port, prefix=self.prefix, modules=MODULES, user=user, root=self.root,
            encoding="AddEncoding x-gzip .gz" if self.gzip_encoding else ""), encoding="utf-8")
        return [self.binary, "-D", "FOREGROUND", "-f", str(conf)]
