"""One import pipeline: the same hostile repository gets the same verdict on every transport.

Each case prepares a repository folder (tampered, forged, untrusted, conflicting, older, …) and
offers it to a PC through each transport a school has: an HTTP source served by real nginx, a
folder added as a source, ``teachpoint import`` of a stick, the satellite inbox and a LAN peer's
``teachpoint serve``. Every transport must reach the same status and the same typed problems,
and the lessons already installed must still play. Also: two processes never import at once, and
a kill -9 during an import leaves nothing behind after the next open.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import (
    assert_installed_lessons_play, is_pack_file, make_versions, make_video, resign_root, write_csv)
from teachpoint.errors import (
    BlobMismatch, RepositoryError, RollbackError, SignatureError, UntrustedPublisher)
from teachpoint.library.source_list import add_source
from teachpoint.paths import DataPaths
from teachpoint.repo import keys
from teachpoint.repo.format import blob_path
from teachpoint.sneakernet.inbox import scan_inbox
from teachpoint.sneakernet.stick import import_stick
from teachpoint.sync import pipeline
from teachpoint.sync.engine import SyncEngine
from teachpoint.sync.lock import SyncBusy
from teachpoint.testing.daemon import free_port, port_accepts
from teachpoint.testing.nginx import NginxServer
from teachpoint.transport.sources import FolderSource
from teachpoint.workspace import Workspace

pytestmark = pytest.mark.nginx


# ---- the cases -----------------------------------------------------------------------------------


def _a_main_file(repo: Path) -> Path:
    for path in (repo / "meta").iterdir():
        if is_pack_file(path):
            continue
        node = json.loads(gzip.decompress(path.read_bytes()))
        if node["_type"] == "leaf":
            files = node["resources"][0]["files"]
            main = next(f for f in files if f["role"] == "main")
            return repo / blob_path(main["sha256"])
    raise AssertionError("no leaf")


def tampered_blob(repo, v1, key, stranger):
    victim = _a_main_file(repo)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))


def forged_root(repo, v1, key, stranger):
    raw = json.loads((repo / "root.json").read_text("utf-8"))
    raw["payload"] = raw["payload"].replace("某某县教学资源", "假冒的资源")
    (repo / "root.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")


def untrusted_key(repo, v1, key, stranger):
    resign_root(repo, stranger, lambda p: None)


def conflicting_version(repo, v1, key, stranger):
    shutil.rmtree(repo)
    shutil.copytree(v1, repo)
    resign_root(repo, key, lambda p: p.update(title="同号不同内容"))


def older_version(repo, v1, key, stranger):
    shutil.rmtree(repo)
    shutil.copytree(v1, repo)


def not_a_repository(repo, v1, key, stranger):
    (repo / "root.json").write_bytes(b"\x00garbage, not a root")


# name, prepare, the installed version before, expected status, expected problem types
CASES = [
    ("tampered-blob", tampered_blob, None, pipeline.INSTALLED, {BlobMismatch}),
    ("forged-root", forged_root, 1, pipeline.FAILED, {SignatureError}),
    ("untrusted-key", untrusted_key, 1, pipeline.FAILED, {UntrustedPublisher}),
    ("conflicting-version", conflicting_version, 1, pipeline.FAILED, {RollbackError}),
    ("older-version", older_version, 2, pipeline.OLDER, set()),
    ("not-a-repository", not_a_repository, 1, pipeline.FAILED, {RepositoryError}),
]


# ---- the transports: each returns the pipeline's outcome for the offered repository ---------------


def via_http(ws, repo: Path, tmp: Path):
    www = tmp / "www"
    www.mkdir()
    shutil.copytree(repo, www / "county")
    with NginxServer(www) as nginx:
        add_source(ws.catalogue, nginx.url + "/county/", "county-http")
        result = SyncEngine(ws).sync_once()
    return result.sources[0].imports[0]


def via_folder_source(ws, repo: Path, tmp: Path):
    add_source(ws.catalogue, str(repo), "county-folder")
    return SyncEngine(ws).sync_once().sources[0].imports[0]


def via_import(ws, repo: Path, tmp: Path):
    try:
        return import_stick(ws, repo).repositories[0]
    except RepositoryError as exc:  # a single-repository stick: the typed problem is raised
        return pipeline.ImportOutcome(str(repo), status=pipeline.FAILED, problem=exc)


def via_inbox(ws, repo: Path, tmp: Path):
    return scan_inbox(ws, repo).repositories[0].report


TRANSPORTS = {"http": via_http, "folder-source": via_folder_source, "import": via_import,
              "inbox": via_inbox}


def verdict(outcome) -> tuple[str, set]:
    kinds = {type(p) for p in [outcome.problem, *outcome.files.problems] if p is not None}
    return outcome.status, kinds


@pytest.fixture(scope="module")
def versions(tmp_path_factory, source_dir, publisher_key):
    return make_versions(tmp_path_factory.mktemp("versions"), source_dir, publisher_key)


@pytest.fixture(scope="module")
def stranger(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("stranger") / "mallory"
    keys.generate_keypair(prefix, name="Mallory")
    return prefix.with_suffix(".key")


def fresh_ws(path: Path, publisher_key: Path) -> Workspace:
    ws = Workspace(DataPaths(path, explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    return ws


def snapshot(ws):
    db = ws.catalogue.db
    return (db.execute("SELECT id, version, root_sha256 FROM repositories").fetchall(),
            db.execute("SELECT id, title, repo_version FROM resources ORDER BY id").fetchall())


@pytest.mark.parametrize("transport", list(TRANSPORTS))
@pytest.mark.parametrize("name,prepare,installed,status,problems", CASES, ids=[c[0] for c in CASES])
def test_the_same_verdict_on_every_transport(tmp_path, versions, publisher_key, stranger,
                                            transport, name, prepare, installed, status, problems):
    v1, v2 = versions
    ws = fresh_ws(tmp_path / "data", publisher_key)
    if installed:
        ws.install(FolderSource(v1 if installed == 1 else v2))
    before = snapshot(ws)
    offered = tmp_path / "offered" / "county"
    shutil.copytree(v2 if installed == 1 else v1, offered)
    prepare(offered, v1, publisher_key.with_suffix(".key"), stranger)

    outcome = TRANSPORTS[transport](ws, offered, tmp_path)

    got_status, got_problems = verdict(outcome)
    assert got_status == status, (transport, outcome.problems)
    assert got_problems == problems, (transport, got_problems, outcome.problems)  # the exact type
    if status in (pipeline.FAILED, pipeline.OLDER):
        assert snapshot(ws) == before, "a refused or older repository must not change the catalogue"
    if installed:
        assert_installed_lessons_play(ws, 3)
    ws.close()


def test_a_peer_with_an_older_version_never_rolls_back(tmp_path, versions, publisher_key):
    """The LAN peer (``teachpoint serve``) through the same pipeline: older is taken, not rolled back."""
    v1, v2 = versions
    peer = fresh_ws(tmp_path / "peer", publisher_key)
    peer.install(FolderSource(v1))
    ws = fresh_ws(tmp_path / "pc", publisher_key)
    ws.install(FolderSource(v2))
    before = snapshot(ws)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "teachpoint", "--data-dir", str(peer.paths.root),
                             "serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not port_accepts(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        add_source(ws.catalogue, f"http://127.0.0.1:{port}/", "peer")
        result = SyncEngine(ws).sync_once()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    outcome = result.sources[0].imports[0]
    assert verdict(outcome) == (pipeline.OLDER, set())
    assert snapshot(ws) == before
    assert_installed_lessons_play(ws, 3)


# ---- locks and crashes ---------------------------------------------------------------------------


def test_two_processes_never_import_at_the_same_time(tmp_path, versions, publisher_key):
    """While one process holds the sync lock (as the service does), ``teachpoint import`` waits
    its turn: it says so and changes nothing; once the lock is free it imports."""
    v1, _ = versions
    ws = fresh_ws(tmp_path / "data", publisher_key)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from teachpoint.sync.lock import SyncLock\n"
         "with SyncLock(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)",
         str(ws.paths.root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(ws.paths.root),
                               "import", str(v1)], capture_output=True, text=True, timeout=60)
        assert busy.returncode != 0 and "another TeachPoint process" in busy.stderr
        assert ws.catalogue.repository("county") is None
        with pytest.raises(SyncBusy):
            ws.install(FolderSource(v1))
    finally:
        holder.kill()
        holder.wait(timeout=20)
    done = subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(ws.paths.root),
                           "import", str(v1)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_installed_lessons_play(ws, 3)


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_kill_9_during_an_import_leaves_no_orphan_bytes_after_the_next_open(tmp_path, publisher_key):
    """A big lesson is being copied when the process is killed: the temp file it leaves is gone
    after the data folder is opened again, and the import then completes."""
    src = _big_lesson_source(tmp_path / "src")
    repo = tmp_path / "stick" / "county"
    from teachpoint.publish.publisher import publish

    publish(src, publisher_key.with_suffix(".key"), repo, name="county", progress=lambda *_: None)
    ws = fresh_ws(tmp_path / "data", publisher_key)
    ws.close()
    orphan, _ = _kill_when_temp_appears(_SLOW_IMPORT, ws.paths.store / "tmp", str(ws.paths.root),
                                     str(repo), str(publisher_key.with_suffix(".pub")))
    assert orphan > 0, "kill -9 left a half-written file (what the next open must clear)"
    reopened = fresh_ws(ws.paths.root, publisher_key)
    assert not list((reopened.paths.store / "tmp").iterdir()), "leftovers removed on open"
    stored = reopened.store.stats()
    assert _du(reopened.paths.store) == stored.bytes, "no orphan bytes: only verified files remain"
    reopened.install(FolderSource(repo))
    assert_installed_lessons_play(reopened, 1)


# Imports ``repo`` (argv[3]) into ``data`` (argv[2]), trusting argv[4], from a stick that reads
# slowly (1 MiB per 0.2 s): killed part way, it leaves a temp file. Run by _kill_when_temp_appears.
_SLOW_IMPORT = r"""
import sys, time
from pathlib import Path
from teachpoint.paths import DataPaths
from teachpoint.repo.format import blob_path
from teachpoint.sync.pipeline import import_repository
from teachpoint.transport.sources import FolderSource
from teachpoint.workspace import Workspace

class SlowReader:
    def __init__(self, fh):
        self.fh = fh
    def read(self, n=-1):
        time.sleep(0.3)
        return self.fh.read(min(n, 1 << 18) if n and n > 0 else 1 << 18)
    def readinto(self, buf):
        data = self.read(len(buf))
        buf[:len(data)] = data
        return len(data)

class SlowStick(FolderSource):
    def fetch_blob(self, sha256, size, store, progress=None, cancel=None):
        with open(self.folder / blob_path(sha256), "rb") as fh:
            store.add_stream(SlowReader(fh), sha256, size, progress=progress, cancel=cancel)

ws = Workspace(DataPaths(Path(sys.argv[2]), explicit=True), install_demo=False)
ws.trust.add(Path(sys.argv[4]))
import_repository(ws, SlowStick(Path(sys.argv[3])))
"""


# Runs argv[1] (python code) with every durable write slowed down, printing "writing" first.
_SLOWLY = r"""
import sys, time
import teachpoint.fsutil as fsutil
_real = fsutil.write_all
def slow(fd, data):
    time.sleep(0.2)
    _real(fd, data)
fsutil.write_all = slow
print("writing", flush=True)
exec(sys.argv[1])
"""


def _kill_when_temp_appears(code: str, watch: Path, *args: str) -> tuple[int, int]:
    """Run ``code`` slowly in a child, SIGKILL it once a ``*.tmp`` exists under ``watch``;
    (bytes of the temp files it left, its pid)."""
    proc = subprocess.Popen([sys.executable, "-c", _SLOWLY, code, *args], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        deadline = time.monotonic() + 60  # a temp file part way through a big lesson
        while time.monotonic() < deadline and not any(
                p.stat().st_size >= 100_000 for p in watch.rglob("*.tmp") if p.exists()):
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    return sum(p.stat().st_size for p in watch.rglob("*.tmp")), proc.pid


def _big_lesson_source(folder: Path) -> Path:
    make_video(folder / "音乐/三年级/长课.mp4", seconds=10)
    video = folder / "音乐/三年级/长课.mp4"
    video.write_bytes(video.read_bytes() * 40)  # a few MB: many slow 1 MiB writes
    write_csv(folder, ["音乐/三年级/长课.mp4,长课,三年级,音乐,人音版,上册,第一单元,1,,,,"])
    return folder


def test_kill_9_during_publish_then_the_rerun_leaves_nothing(tmp_path, publisher_key):
    src = _big_lesson_source(tmp_path / "src")
    out = tmp_path / "repo"
    code = ("from pathlib import Path; from teachpoint.publish.publisher import publish\n"
            "publish(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), name='county', "
            "progress=lambda *_: None)")
    left, pid = _kill_when_temp_appears(code, tmp_path, str(src), str(publisher_key.with_suffix(".key")),
                                   str(out))
    assert left > 0, "the killed publish left a half-written file"
    from teachpoint.publish.publisher import SCRATCH_PREFIX, publish

    publish(src, publisher_key.with_suffix(".key"), out, name="county", progress=lambda *_: None)
    assert not list(out.rglob("*.tmp")), "the re-run cleared the killed run's temp files"
    import tempfile

    assert not list(Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}{pid}-*")), \
        "the killed publish's scratch folder (thumbnails) was removed by the re-run"
    ws = fresh_ws(tmp_path / "data", publisher_key)
    ws.install(FolderSource(out))
    assert_installed_lessons_play(ws, 1)


def test_kill_9_during_export_then_the_rerun_leaves_nothing(tmp_path, publisher_key):
    src = _big_lesson_source(tmp_path / "src")
    from teachpoint.publish.publisher import publish

    publish(src, publisher_key.with_suffix(".key"), tmp_path / "repo", name="county",
            progress=lambda *_: None)
    connected = fresh_ws(tmp_path / "connected", publisher_key)
    connected.install(FolderSource(tmp_path / "repo"))
    connected.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    code = ("from pathlib import Path; from teachpoint.paths import DataPaths\n"
            "from teachpoint.workspace import Workspace\n"
            "from teachpoint.sneakernet.export import export, give_plan\n"
            "ws = Workspace(DataPaths(Path(sys.argv[2]), explicit=True), install_demo=False)\n"
            "export(ws, give_plan(ws), Path(sys.argv[3]))")
    left, _ = _kill_when_temp_appears(code, stick, str(connected.paths.root), str(stick))
    assert left > 0, "the killed export left a half-written file on the stick"
    again = fresh_ws(connected.paths.root, publisher_key)
    from teachpoint.sneakernet.export import export, give_plan

    export(again, give_plan(again), stick)
    assert not list(stick.rglob("*.tmp")), "the re-run cleared the killed run's temp files"
    offline = fresh_ws(tmp_path / "offline", publisher_key)
    import_stick(offline, stick)
    assert_installed_lessons_play(offline, 1)
