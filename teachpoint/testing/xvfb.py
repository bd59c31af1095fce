"""A private X server for screenshots and benchmarks: ``Xvfb -displayfd`` on a free display.

    with xvfb_display("1280x800x24") as display:   # ":N"
        subprocess.run([...], env=dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb"))

``-displayfd`` lets Xvfb pick a free display number and write it when it is ready to accept
clients, so nothing polls and two runs never collide.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
from typing import Iterator

READY_SECONDS = 15


class XvfbError(RuntimeError):
    """Xvfb is missing or did not come up."""


@contextlib.contextmanager
def xvfb_display(screen: str = "1280x800x24") -> Iterator[str]:
    """Run Xvfb with one screen of ``screen`` (WxHxDepth); yield its display name; stop it."""
    if shutil.which("Xvfb") is None:
        raise XvfbError("Xvfb is not installed (apt install xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], READY_SECONDS)
        number = os.read(read_fd, 32).decode().strip() if ready else ""
        if not number:
            proc.kill()
            err = proc.communicate(timeout=10)[1].decode(errors="replace")
            raise XvfbError(f"Xvfb did not start within {READY_SECONDS} s: {err[-500:]}")
        yield f":{number}"
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def app_env(display: str, **extra: str) -> dict[str, str]:
    """The environment for a TeachPoint app process on ``display`` (xcb, no audio, Chinese)."""
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", TEACHPOINT_NO_AUDIO="1")
    for key in ("TEACHPOINT_LANG", "TEACHPOINT_VIDEO_OUTPUT", "WAYLAND_DISPLAY"):
        env.pop(key, None)
    env.update(extra)
    return env
