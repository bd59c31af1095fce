"""The USB dialog against real mounted sticks: read-only, and too small (kernel EROFS / no room).

Each case mounts a tmpfs in a private user+mount namespace (``unshare``), copies a prepared stick
onto it (an inventory of another school, written by ``write_inventory``), optionally remounts it
read-only, and runs tests/ui/usb_stick_scenario.py there: the real dialog pressing 拷贝. Skipped
where user namespaces are not allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import assert_installed_lessons_play
from teachpoint.sneakernet.inventory import write_inventory
from teachpoint.transport.sources import FolderSource
from teachpoint.ui.formatting import format_size
from usb_fixtures import open_ws, t

HERE = Path(__file__).resolve().parent
SCRIPT = ('set -e; mount -t tmpfs -o size="$SIZE" tmpfs "$MNT"; cp -r "$PREP"/. "$MNT"/; '
          'if [ "$MODE" = ro ]; then mount -o remount,ro "$MNT"; fi; '
          'exec "$PY" "$SCENARIO" "$DATA" "$MNT" export "$OUT"')

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs Linux namespaces")


@pytest.fixture
def connected(tmp_path, publisher_key, published_repo):
    ws = open_ws(tmp_path / "connected", publisher_key)
    ws.install(FolderSource(published_repo))
    yield ws
    ws.close()


@pytest.fixture
def prepared_stick(tmp_path, publisher_key):
    """What the offline school put on its stick: its inventory (it holds nothing yet)."""
    offline = open_ws(tmp_path / "offline", publisher_key)
    prep = tmp_path / "prepared"
    prep.mkdir()
    write_inventory(offline, prep)
    offline.close()
    return prep


def run_on_mounted_stick(tmp_path, connected, prep, size: str, mode: str) -> dict:
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is not installed")
    mnt, out = tmp_path / "mnt", tmp_path / "scenario.json"
    mnt.mkdir()
    env = dict(os.environ, SIZE=size, MNT=str(mnt), PREP=str(prep), MODE=mode, PY=sys.executable,
               SCENARIO=str(HERE / "usb_stick_scenario.py"), DATA=str(connected.paths.root),
               OUT=str(out), PYTHONPATH=str(HERE.parents[1]))
    res = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", SCRIPT],
                         capture_output=True, text=True, timeout=180, env=env)
    if not out.exists():
        if "mount" in res.stderr or "unshare" in res.stderr:
            pytest.skip(f"user/mount namespaces not available here: {res.stderr.strip()[:200]}")
        pytest.fail(f"the scenario failed: {res.stderr[-2000:]}")
    return json.loads(out.read_text("utf-8"))


def test_read_only_stick_says_so_and_loses_nothing(tmp_path, connected, prepared_stick):
    seen = run_on_mounted_stick(tmp_path, connected, prepared_stick, "64m", "ro")
    assert seen["fits"] == [True] and list(seen["buttons"].values()) == [True]
    assert seen["finished"] == [["export", False]]
    assert seen["message"] == t("Cannot write to the USB stick: it is read-only (check its "
                                "write-protect switch).")
    assert "Traceback" not in seen["message"]
    assert_installed_lessons_play(connected, 3)


def test_stick_too_small_is_said_before_and_during_the_copy(tmp_path, connected, prepared_stick):
    seen = run_on_mounted_stick(tmp_path, connected, prepared_stick, "64k", "rw")
    assert seen["fits"] == [False] and list(seen["buttons"].values()) == [False]  # 拷贝 greyed out
    assert t("Not enough room on the stick ({size} needed).").format(
        size=format_size(seen["needed"][0])) in seen["rows"][0]
    # pressed anyway (the scenario calls the dialog's own start_export): the copy says the stick is full
    assert seen["finished"] == [["export", False]]
    assert seen["message"] == t("The USB stick is full. Use a bigger stick or delete files you do "
                                "not need from it.")
    assert seen["leftovers"] == []
    assert_installed_lessons_play(connected, 3)
