"""A real lighttpd on 127.0.0.1 for tests: a second ordinary web server besides nginx.

    with LighttpdServer(www) as srv:
        requests.get(srv.url + "/county/root.json")

Configured like a stock install: static files, no directory listing, no compression. Run as root,
lighttpd drops to ``www-data`` (else ``nobody``) after binding, so the served files must be
readable by that account (DESIGN §9; :mod:`teachpoint.testing.daemon`). Logs live in a private prefix.
"""

from __future__ import annotations

import signal
from pathlib import Path

from teachpoint.testing.daemon import ServerError, ServerProcess, find_binary, service_account

CONF_TEMPLATE = """\
server.document-root = "{root}"
server.bind = "127.0.0.1"
server.port = {port}
{user}
server.errorlog = "{prefix}/error.log"
server.modules += ("mod_accesslog")
accesslog.filename = "{prefix}/access.log"
dir-listing.activate = "disable"
index-file.names = ()
mimetype.assign = (
    ".json" => "application/json",
    ".gz" => "application/gzip",
    ".mp4" => "video/mp4",
    "" => "application/octet-stream",
)
"""


class LighttpdError(ServerError):
    """lighttpd is missing, failed to start, or could not be stopped."""


class LighttpdServer(ServerProcess):
    """lighttpd serving ``root`` as static files on 127.0.0.1 (context manager)."""

    name = "lighttpd"
    error = LighttpdError
    log_name = "error.log"
    stop_signals = ((signal.SIGINT, 2.0), (signal.SIGTERM, 2.0))

    def __init__(self, root: Path, port: int = 0):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise LighttpdError(f"lighttpd root is not a directory: {self.root}")
        self.binary = find_binary("lighttpd", LighttpdError)
        self.account = service_account()
        super().__init__(port)

    def command(self) -> list[str]:
        assert self.prefix is not None
        drop = self.serve_as(self.account, self.root, own_prefix=True)  # it opens its logs as that account
        user = f'server.username = "{drop[0]}"\nserver.groupname = "{drop[1]}"' if drop else ""
        conf = self.prefix / "lighttpd.conf"
        conf.write_text(CONF_TEMPLATE.format(root=self.root, port=self.port, prefix=self.prefix,
                                             user=user), encoding="utf-8")
        return [self.binary, "-D", "-f", str(conf)]
