"""``teachpoint serve``: offer this PC's lessons to other PCs of the school (the LAN peer)."""

from __future__ import annotations

import signal
import sys
import threading

from teachpoint.errors import UsageError
from teachpoint.transport.serve import DEFAULT_PORT, MAX_CONNECTIONS, Peer
from teachpoint.workspace import Workspace


def register(sub, common) -> None:
    p = sub.add_parser("serve", parents=[common],
                       help="serve this PC's lessons to other PCs (read-only), until stopped")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"TCP port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                   help="address to listen on (default 127.0.0.1: this PC only; "
                        "0.0.0.0 lets the whole LAN connect)")
    p.add_argument("--max-connections", type=int, default=MAX_CONNECTIONS, metavar="N",
                   help=f"connections served at once (default {MAX_CONNECTIONS})")
    p.set_defaults(run=cmd_serve)


def cmd_serve(args, paths) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0–65535, not {args.port}")
    if args.max_connections < 1:
        raise UsageError("--max-connections must be at least 1")
    ws = Workspace(paths, install_demo=False)
    stop = threading.Event()
    peer = Peer(ws, args.bind, args.port, max_connections=args.max_connections)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        peer.start()
        repos = peer.repositories()
        print(f"serving {len(repos)} repositor{'y' if len(repos) == 1 else 'ies'} "
              f"({', '.join(repos) or 'none yet'}) at {peer.url}", flush=True)
        if args.bind in ("127.0.0.1", "::1", "localhost"):
            print("note: only this PC can connect; use --bind 0.0.0.0 to let other PCs in the "
                  "school sync from it", file=sys.stderr, flush=True)
        else:
            print(f"other PCs: teachpoint source add http://<this PC's address>:{peer.port}/",
                  file=sys.stderr, flush=True)
        print("stop with Ctrl-C or SIGTERM", file=sys.stderr, flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        peer.close()
        signal.signal(signal.SIGTERM, previous)
        ws.close()
    print("stopped", file=sys.stderr)
    return 0
