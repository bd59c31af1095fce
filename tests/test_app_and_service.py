"""The app and the sync service share one data folder, side by side, as on a classroom PC.

``teachpoint sync`` runs as a real background process against real nginx (rate-limited so its
download lasts a few seconds). Meanwhile a second process opens the same data folder the way the
app does — a :class:`Workspace` kept open, browsing, searching, saving play counts, positions and a
setting — and tries to sync too, which must be refused with ``SyncBusy`` rather than run twice.
Both finish; the catalogue passes ``integrity_check``; the teacher's writes are all there; every
installed lesson (demo and synced) plays.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from helpers import assert_installed_lessons_play

from teachpoint.paths import DataPaths
from teachpoint.testing.nginx import NginxServer
from teachpoint.workspace import Workspace

pytestmark = pytest.mark.nginx

APP_SIDE = r"""
import json, sys, time
from pathlib import Path
from teachpoint.library import search, teaching
from teachpoint.library.browse import browse_tree
from teachpoint.paths import DataPaths
from teachpoint.sync.engine import SyncEngine
from teachpoint.sync.lock import SyncBusy
from teachpoint.workspace import Workspace

ws = Workspace(DataPaths(Path(sys.argv[1])))    # the app's one long-lived workspace
repo_id, plays = sys.argv[2], int(sys.argv[3])
demo = [r[0] for r in ws.catalogue.db.execute(
    "SELECT id FROM resources WHERE repo_id = 'teachpoint-demo' ORDER BY id")]
result = {"busy": None, "browsed": 0, "found": 0}
deadline = time.monotonic() + 120
# Wait until the service is inside its sync: the new repository's metadata is in, files are not.
while time.monotonic() < deadline:
    row = ws.catalogue.db.execute(
        "SELECT COUNT(*) FROM files f JOIN resources r ON r.id = f.resource_id "
        "LEFT JOIN blobs b ON b.sha256 = f.sha256 WHERE r.repo_id = ? AND b.sha256 IS NULL",
        [repo_id]).fetchone()
    if row[0]:
        break
    time.sleep(0.05)
else:
    sys.exit("the service never started syncing")
try:
    SyncEngine(ws).sync_once()                  # the teacher presses "update now"
    result["busy"] = False
except SyncBusy as exc:
    result["busy"] = str(exc)
for i in range(plays):                          # teaching while the service downloads
    rid = demo[i % len(demo)]
    teaching.record_play(ws.catalogue, rid)
    teaching.save_position(ws.catalogue, rid, 1000 * (i + 1))
    result["browsed"] += len(browse_tree(ws.catalogue.db))
    result["found"] += len(search.search(ws.catalogue.db, "xiaoyu"))
    ws.set_setting("ui_large_text", str(i % 2))
    time.sleep(0.02)
ws.close()
print(json.dumps(result))
"""


def tp(data, *args, timeout=300):
    proc = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_app_and_sync_service_share_a_data_folder(tmp_path, published_repo, publisher_key):
    data = tmp_path / "data"
    tp(data, "trust", "add", str(publisher_key.with_suffix(".pub")))
    blob_bytes = sum(p.stat().st_size for p in (published_repo / "blobs").rglob("*") if p.is_file())
    limit_kbit = max(8, blob_bytes * 8 // 1000 // 6)  # the download takes about six seconds
    plays = 40
    with NginxServer(published_repo.parent) as nginx:
        tp(data, "source", "add", nginx.url + "/repo/", "--name", "county")
        service = subprocess.Popen(
            [sys.executable, "-m", "teachpoint", "--data-dir", str(data), "sync",
             "--limit-kbit", str(limit_kbit)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            app = subprocess.run([sys.executable, "-c", APP_SIDE, str(data), "county", str(plays)],
                                 capture_output=True, text=True, timeout=300)
            assert app.returncode == 0, app.stderr
            seen = json.loads(app.stdout)
            deadline = time.monotonic() + 180
            # The service has finished its round when it records the source's success: a lesson
            # counts as installed once its video and subtitles are in, while its thumbnail and
            # attachments may still be on their way (stopping then cancels the round: CI, stop 21).
            while time.monotonic() < deadline:
                county = next(s for s in json.loads(tp(data, "source", "list", "--json"))
                              if s["name"] == "county")
                if county["last_success"]:
                    break
                assert service.poll() is None, service.communicate()[1]
                time.sleep(0.3)
            status = json.loads(tp(data, "status", "--json"))
            service.send_signal(signal.SIGTERM)
            _out, err = service.communicate(timeout=60)
        finally:
            if service.poll() is None:
                service.kill()
                service.communicate()
    assert service.returncode == 0, err
    assert "sync service stopped" in err
    assert seen["busy"] and "another TeachPoint process is syncing" in seen["busy"]
    assert seen["browsed"] > 0 and seen["found"] > 0
    assert status["resources"]["not_downloaded"] == 0

    conn = sqlite3.connect(data / "catalogue.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT SUM(play_count) FROM progress").fetchone()[0] == plays
    assert conn.execute("SELECT MAX(position_ms) FROM progress").fetchone()[0] == 1000 * plays
    assert conn.execute("SELECT value FROM settings WHERE key = 'ui_large_text'").fetchone()[0] == \
        str((plays - 1) % 2)
    src = conn.execute("SELECT last_success, last_error FROM sources WHERE name = 'county'").fetchone()
    assert src[0] and not src[1], (src, err[-3000:])
    missing = conn.execute("SELECT COUNT(*) FROM files f LEFT JOIN blobs b ON b.sha256 = f.sha256 "
                           "WHERE b.sha256 IS NULL").fetchone()[0]
    assert missing == 0  # every file, thumbnails and attachments too
    conn.close()
    partial = data / "store" / "partial"
    assert not partial.exists() or not any(partial.iterdir())  # no half-downloaded files left
    ws = Workspace(DataPaths(data))
    assert ws.catalogue.repository("county") is not None
    assert_installed_lessons_play(ws, expect_at_least=13)  # demo lessons and the synced ones
    ws.close()
