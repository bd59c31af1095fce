"""Listening to the broadcast all the time: the setting, and the sync service's listener thread.

The setting ``sync.broadcast`` holds ``{"listen": "ADDR:PORT", "interface": "IP"}`` (or ``null``:
off); ``teachpoint receive --service`` writes it. The sync service then runs a
:class:`BroadcastReceiver` in a thread with its own :class:`Workspace` (its own SQLite connection)
until the service stops; imports take the sync lock like every other import, so they wait their
turn while the service syncs from a server.
"""

from __future__ import annotations

import json
import logging
import threading

from teachpoint.transport.broadcast_packet import parse_address

log = logging.getLogger(__name__)

SETTING_BROADCAST = "sync.broadcast"
RETRY_S = 60.0  # the receiver's address not there yet (DVB card unplugged): try again


def get_service_listen(ws) -> tuple[tuple[str, int], str] | None:
    """((host, port), interface) the service listens on, or None when off or malformed."""
    try:
        obj = json.loads(ws.setting(SETTING_BROADCAST, "null") or "null")
        if isinstance(obj, dict):
            return parse_address(str(obj.get("listen", ""))), str(obj.get("interface") or "0.0.0.0")
    except ValueError:
        log.warning("setting %s is malformed; the service does not listen", SETTING_BROADCAST)
    return None


def set_service_listen(ws, listen: str | None, interface: str = "0.0.0.0") -> None:
    """Turn listening in the service on (``listen`` ADDR:PORT) or off (None)."""
    if listen is None:
        ws.set_setting(SETTING_BROADCAST, "null")
        return
    parse_address(listen)  # raises ValueError when malformed
    ws.set_setting(SETTING_BROADCAST, json.dumps({"listen": listen, "interface": interface}))


def service_listener(ws, stop: threading.Event) -> threading.Thread | None:
    """Start the listener thread if the setting of ``ws`` is on; None otherwise."""
    where = get_service_listen(ws)
    if where is None:
        return None
    thread = threading.Thread(target=_listen, args=(ws.paths, where, stop), name="broadcast",
                              daemon=True)
    thread.start()
    return thread


def _listen(paths, where, stop: threading.Event) -> None:
    from teachpoint.transport.broadcast_receive import BroadcastReceiver, ReceiverSettings  # noqa: PLC0415
    from teachpoint.workspace import Workspace  # noqa: PLC0415

    listen, interface = where
    ws = Workspace(paths, install_demo=False, apply_site=False)
    try:
        while not stop.is_set():
            try:
                receiver = BroadcastReceiver(ws, ReceiverSettings(listen=listen, interface=interface))
            except OSError as exc:
                log.warning("broadcast: cannot listen on %s:%d (%s); again in %.0f s",
                            listen[0], listen[1], exc, RETRY_S)
                stop.wait(RETRY_S)
                continue
            log.info("broadcast: the service listens on %s:%d", *listen)
            try:
                receiver.run(stop=stop)
            finally:
                receiver.close()
    finally:
        ws.close()
