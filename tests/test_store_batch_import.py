"""The batched stick import (issue 17): each blob's fsync and rename run while the next one copies.

What must hold however the import ends: a blob appears under its name only after its data was
fsynced and its hash checked; the catalogue records it only after its folder was fsynced; a blob
that fails (wrong hash, disk full at its fsync) is not installed while the others are; a process
killed with SIGKILL at the worst moments leaves nothing half-written visible, and the next import
finishes. Each hostile case checks that the lessons installed still play.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import assert_installed_lessons_play
from teachpoint.errors import BlobMismatch, NotEnoughSpace
from teachpoint.library import store_batch
from teachpoint.library.store import ContentStore
from teachpoint.paths import DataPaths
from teachpoint.sneakernet.stick import import_stick
from teachpoint.workspace import Workspace


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fd_path(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


def fresh_ws(path: Path, publisher_key: Path) -> Workspace:
    ws = Workspace(DataPaths(path, explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    return ws


def assert_store_holds_only_verified_blobs(ws) -> None:
    """Every file under its final name hashes to it; every blob the catalogue calls present is there."""
    report = ws.store.verify()
    assert not report.damaged and not report.missing
    present = [s for (s,) in ws.catalogue.db.execute("SELECT sha256 FROM blobs WHERE state = 'present'")]
    assert present and all(ws.store.has(s) for s in present)


# ---- the order of events inside a batch ------------------------------------------------------------


def test_a_blob_is_renamed_only_after_its_fsync_and_recorded_only_after_its_folder_fsync(
        tmp_path, monkeypatch):
    store = ContentStore(tmp_path / "store", floor_bytes=0)
    store.ensure_layout()
    files = []
    for i in range(5):
        path = tmp_path / f"lesson{i}.bin"
        path.write_bytes(os.urandom(3 << 20) + b"%d" % i)  # several chunks each
        files.append(path)
    events = []
    real_fsync, real_replace, real_dir = os.fsync, os.replace, store_batch.fsync_dir

    def fsync(fd):
        real_fsync(fd)
        events.append(("fsync", fd_path(fd)))

    def replace(src, dst):
        events.append(("rename", str(src)))
        real_replace(src, dst)

    def fsync_dir(path):
        events.append(("folder", str(path)))
        real_dir(path)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(store_batch, "fsync_dir", fsync_dir)
    with store.batch(on_durable=lambda s, n: events.append(("durable", s))) as batch:
        for path in files:
            store.add_file(path, sha256=sha(path.read_bytes()))
        batch.commit()
        assert all(store.has(sha(p.read_bytes())) for p in files)
    renames = [i for i, e in enumerate(events) if e[0] == "rename"]
    assert len(renames) == len(files)
    for i in renames:  # the data of that very temp file was fsynced before its rename
        assert ("fsync", events[i][1]) in events[:i]
    folders = [i for i, e in enumerate(events) if e[0] == "folder"]
    durable = [i for i, e in enumerate(events) if e[0] == "durable"]
    assert folders and min(folders) > max(renames)  # each folder once, after the renames
    assert len(durable) == len(files) and min(durable) > max(folders)
    assert [events[i][1] for i in durable] == [sha(p.read_bytes()) for p in files]


def test_a_blob_with_the_wrong_hash_inside_a_batch_is_not_installed_and_the_others_are(tmp_path):
    store = ContentStore(tmp_path / "store", floor_bytes=0)
    good = [tmp_path / "a.bin", tmp_path / "c.bin"]
    for path in good:
        path.write_bytes(os.urandom(2 << 20))
    bad = tmp_path / "b.bin"
    bad.write_bytes(os.urandom(2 << 20))
    claimed = sha(b"what the catalogue says b.bin holds")
    durable = []
    with store.batch(on_durable=lambda s, n: durable.append(s)):
        store.add_file(good[0], sha256=sha(good[0].read_bytes()))
        with pytest.raises(BlobMismatch):
            store.add_file(bad, sha256=claimed)
        store.add_file(good[1], sha256=sha(good[1].read_bytes()))
    assert durable == [sha(p.read_bytes()) for p in good]
    assert not store.has(claimed) and not store.has(sha(bad.read_bytes()))
    assert not list(store.tmp_dir.iterdir())


# ---- the real stick import ------------------------------------------------------------------------


def test_disk_full_at_a_batched_fsync_loses_nothing_and_the_next_import_finishes(
        tmp_path, repo_copy, publisher_key, monkeypatch):
    """The second blob's data fsync fails with ENOSPC while the next blob copies: the import
    stops with NotEnoughSpace, the blob sealed before it is recorded and plays, nothing
    half-written is left, and the next import (disk freed) installs everything."""
    ws = fresh_ws(tmp_path / "data", publisher_key)
    real_fsync, blobs_fsynced = os.fsync, []

    def fsync(fd):
        if "/store/tmp/" in fd_path(fd):
            blobs_fsynced.append(fd)
            if len(blobs_fsynced) == 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(NotEnoughSpace):
        import_stick(ws, repo_copy)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert not list(ws.store.tmp_dir.iterdir()), "the failed blob and the one after it were removed"
    present = ws.catalogue.db.execute("SELECT count(*) FROM blobs WHERE state = 'present'").fetchone()[0]
    assert present >= 1, "the blob sealed before the failure was recorded"
    assert_store_holds_only_verified_blobs(ws)
    again = import_stick(ws, repo_copy)
    assert again.ok and again.files_copied > 0
    assert_installed_lessons_play(ws, 3)
    ws.close()


# Imports the stick argv[2] into the data folder argv[1], trusting argv[3], and SIGKILLs itself at
# the moment argv[4] names: "folder" = the batch's first folder fsync (blobs renamed, their renames
# not durable, the catalogue not told), "seal" = the second blob's data fsync (the first one
# sealing or sealed, the second complete in tmp/, the third being copied).
_KILLED_IMPORT = r"""
import os, signal, sys
from pathlib import Path
from teachpoint.library import store_batch
from teachpoint.paths import DataPaths
from teachpoint.sneakernet.stick import import_stick
from teachpoint.workspace import Workspace

ws = Workspace(DataPaths(Path(sys.argv[1]), explicit=True), install_demo=False)
ws.trust.add(Path(sys.argv[3]))
real_fsync, seen = os.fsync, []

def die():
    print("killing", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

def fsync(fd):
    if sys.argv[4] == "seal" and "/store/tmp/" in os.readlink(f"/proc/self/fd/{fd}"):
        seen.append(fd)
        if len(seen) == 2:
            die()
    real_fsync(fd)

os.fsync = fsync
if sys.argv[4] == "folder":
    store_batch.fsync_dir = lambda path: die()
import_stick(ws, Path(sys.argv[2]))
print("finished", flush=True)
"""


@pytest.mark.parametrize("moment", ["folder", "seal"])
def test_sigkill_inside_a_batch_leaves_nothing_half_written_and_the_next_import_finishes(
        tmp_path, repo_copy, publisher_key, moment):
    data = tmp_path / "data"
    fresh_ws(data, publisher_key).close()
    done = subprocess.run([sys.executable, "-c", _KILLED_IMPORT, str(data), str(repo_copy),
                           str(publisher_key.with_suffix(".pub")), moment],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "killing" in done.stdout and "finished" not in done.stdout
    if moment == "seal":  # the killed process left a complete but unsealed temp file
        assert any((data / "store" / "tmp").iterdir())
    ws = fresh_ws(data, publisher_key)
    assert not list(ws.store.tmp_dir.iterdir()), "leftovers removed on open"
    report = ws.store.verify()
    assert not report.damaged, "nothing half-written under a blob's name"
    recorded = ws.catalogue.db.execute("SELECT count(*) FROM blobs WHERE state = 'present'").fetchone()[0]
    if moment == "folder":
        assert recorded == 0, "no blob recorded before its folder was fsynced"
    again = import_stick(ws, repo_copy)
    assert again.ok
    if moment == "folder":  # every blob was renamed: the next import finds them and records them
        assert again.files_copied == 0
    else:
        assert again.files_copied > 0
    assert_store_holds_only_verified_blobs(ws)
    assert_installed_lessons_play(ws, 3)
    ws.close()
