"""The content-addressed store and partial downloads: real files in tmp_path, hostile inputs, clear errors.

Two cases need more than a plain temp folder and run the store in a child interpreter:
* a *read-only* store: permission bits do not stop root, so as root the child runs without
  CAP_DAC_OVERRIDE (dropped from its capability bounding set before exec) and the bits apply again;
* a *full disk* and a *read-only filesystem*: the child runs in a user + mount namespace
  (``unshare``) on a tiny tmpfs, so ENOSPC and EROFS come from the real kernel. Skipped, with the
  reason, where namespaces are not allowed (some CI containers); the ENOSPC path is also covered
  in-process by replacing the store's own write helper.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from teachpoint.errors import BlobMismatch, NotEnoughSpace, StoreError
from teachpoint.library import store as store_mod
from teachpoint.library.partial import add_range, missing_ranges
from teachpoint.library.store import Cancelled, ContentStore

MiB = 1 << 20
REPO = Path(__file__).resolve().parents[1]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload(n: int, seed: int = 0) -> bytes:
    """Deterministic, incompressible-enough bytes."""
    out, block = bytearray(), hashlib.sha256(str(seed).encode()).digest()
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block * 64
    return bytes(out[:n])


@pytest.fixture
def store(tmp_path) -> ContentStore:
    return ContentStore(tmp_path / "store", floor_bytes=0)


def tmp_files(s: ContentStore) -> list[str]:
    return sorted(os.listdir(s.tmp_dir)) if s.tmp_dir.exists() else []


def assert_nothing_stored(s: ContentStore) -> None:
    assert list(s.iter_blobs()) == []
    assert tmp_files(s) == []


class Unreadable(io.RawIOBase):
    """A stream that must not be read."""

    def readable(self):
        return True

    def readinto(self, b):
        raise AssertionError("the store read a stream it did not need")


class Endless(io.RawIOBase):
    """An infinite stream that counts what was taken from it (readinto interface)."""

    def __init__(self):
        self.taken = 0

    def readable(self):
        return True

    def readinto(self, b):
        b[:] = b"\xab" * len(b)
        self.taken += len(b)
        return len(b)


class EndlessGenerator:
    """An infinite, generator-backed file object with only ``read`` (no ``readinto``)."""

    def __init__(self):
        self.taken = 0
        self._gen = (b"x" * 4096 for _ in iter(int, 1))
        self._buf = b""

    def read(self, n=-1):
        assert n >= 0, "the store must never read without a bound"
        while len(self._buf) < n:
            self._buf += next(self._gen)
        out, self._buf = self._buf[:n], self._buf[n:]
        self.taken += len(out)
        return out


# ---- round trip, layout, dedup -----------------------------------------------------------------


def test_round_trip_layout_and_progress(store):
    data = payload(3 * MiB + 123)
    h = sha(data)
    seen = []
    path = store.add_stream(io.BytesIO(data), h, len(data), progress=seen.append)
    assert path == store.root / "sha256" / h[:2] / h
    assert path.read_bytes() == data
    assert store.has(h) and store.size_of(h) == len(data)
    with store.open_blob(h) as f:
        assert f.read() == data
    assert seen == sorted(seen) and seen[-1] == len(data) and len(seen) == 4  # 1 MiB chunks
    assert list(store.iter_blobs()) == [h]
    st = store.stats()
    assert (st.count, st.bytes) == (1, len(data)) and st.free > 0
    assert tmp_files(store) == []
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_empty_blob(store):
    h = sha(b"")
    assert store.add_stream(io.BytesIO(b""), h, 0).read_bytes() == b""
    assert store.has(h)


def test_add_file_computes_hash_when_not_given(store, tmp_path):
    data = payload(2 * MiB + 5, seed=1)
    src = tmp_path / "第一课.mp4"
    src.write_bytes(data)
    path = store.add_file(src)  # trust on first sight (publisher)
    assert path == store.path_of(sha(data)) and path.read_bytes() == data
    assert store.add_file(src, sha256=sha(data), size=len(data)) == path
    assert src.read_bytes() == data  # source untouched
    assert store.stats().count == 1 and tmp_files(store) == []


def test_identical_content_is_stored_once_and_not_read_again(store, tmp_path):
    data = payload(1000)
    h = sha(data)
    p1 = store.add_stream(io.BytesIO(data), h, len(data))
    assert store.add_stream(Unreadable(), h, len(data)) == p1
    (tmp_path / "copy.bin").write_bytes(data)
    assert store.add_file(tmp_path / "copy.bin") == p1  # same bytes under another name
    assert list(store.iter_blobs()) == [h] and tmp_files(store) == []


def test_existing_blob_with_a_different_declared_size_is_a_mismatch(store):
    data = b"lesson"
    store.add_stream(io.BytesIO(data), sha(data), len(data))
    with pytest.raises(BlobMismatch, match="declared 7"):
        store.add_stream(Unreadable(), sha(data), 7)


# ---- hostile streams ---------------------------------------------------------------------------


def test_wrong_hash_leaves_nothing(store):
    data = payload(2 * MiB)
    wrong = sha(b"something else")
    with pytest.raises(BlobMismatch, match="SHA-256"):
        store.add_stream(io.BytesIO(data), wrong, len(data))
    assert_nothing_stored(store)
    assert not store.path_of(wrong).exists()


@pytest.mark.parametrize("extra", [1, MiB])
def test_stream_longer_than_declared(store, extra):
    data = payload(MiB + extra)
    declared = MiB
    with pytest.raises(BlobMismatch, match="longer than the declared"):
        store.add_stream(io.BytesIO(data), sha(data[:declared]), declared)
    assert_nothing_stored(store)


def test_stream_shorter_than_declared(store):
    data = payload(MiB)
    with pytest.raises(BlobMismatch, match="ended after 1048576 of the declared 1048577"):
        store.add_stream(io.BytesIO(data), sha(data), len(data) + 1)
    assert_nothing_stored(store)


@pytest.mark.parametrize("stream_type", [Endless, EndlessGenerator])
@pytest.mark.parametrize("size", [0, 10, 2 * MiB + 3])
def test_endless_stream_stops_after_size_plus_one_bytes(store, stream_type, size):
    stream = stream_type()
    with pytest.raises(BlobMismatch, match="longer"):
        store.add_stream(stream, "0" * 64, size)
    assert stream.taken == size + 1
    assert_nothing_stored(store)


def test_read_returning_more_than_asked_is_refused(store):
    class Greedy:
        def read(self, n):
            return b"y" * (n + 100)

    with pytest.raises(BlobMismatch, match="more"):
        store.add_stream(Greedy(), "0" * 64, 50)
    assert_nothing_stored(store)


def test_add_file_with_wrong_declared_size_fails_before_copying(store, tmp_path):
    src = tmp_path / "a.bin"
    src.write_bytes(b"12345")
    with pytest.raises(BlobMismatch, match="5 bytes, expected 6"):
        store.add_file(src, sha256=sha(b"12345"), size=6)
    with pytest.raises(FileNotFoundError):  # source errors are the caller's (see add_file)
        store.add_file(tmp_path / "missing.bin")
    with pytest.raises(StoreError, match="not a regular file"):
        store.add_file(tmp_path)
    assert_nothing_stored(store)


@pytest.mark.parametrize("bad", [
    "../etc/passwd", "../" * 20 + "etc/passwd", "/etc/passwd", "A" * 64, "0" * 63, "0" * 65,
    "0" * 64 + "\n", "g" * 64, "../" + "0" * 61, "", None, b"0" * 64, 12,
])
def test_invalid_sha_is_refused_everywhere(store, tmp_path, bad):
    src = tmp_path / "f.bin"
    src.write_bytes(b"x")
    calls = [
        lambda: store.path_of(bad), lambda: store.has(bad), lambda: store.open_blob(bad),
        lambda: store.size_of(bad), lambda: store.remove(bad), lambda: store.quarantine(bad),
        lambda: store.add_stream(io.BytesIO(b"x"), bad, 1),
        lambda: store.open_partial(bad, 1), lambda: store.verify([bad]), lambda: store.gc({bad}),
    ]
    if bad is not None:  # add_file(sha256=None) means "compute it"
        calls.append(lambda: store.add_file(src, sha256=bad))
    for call in calls:
        with pytest.raises(StoreError, match="not a SHA-256"):
            call()
    assert {p.name for p in tmp_path.iterdir()} <= {"f.bin", "store"}
    assert list(store.iter_blobs()) == []


def test_invalid_declared_size(store):
    for bad in (-1, 1.5, "10", True, None):
        with pytest.raises(StoreError, match="invalid declared size"):
            store.add_stream(io.BytesIO(b""), "0" * 64, bad)


# ---- disk space --------------------------------------------------------------------------------


def test_floor_refuses_before_writing(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    s = ContentStore(tmp_path / "store", floor_bytes=free + (1 << 40))
    data = payload(5 * MiB)
    with pytest.raises(NotEnoughSpace) as ei:
        s.add_stream(io.BytesIO(data), sha(data), len(data))
    assert ei.value.needed == len(data) and ei.value.floor == s.floor_bytes
    assert "need 5.0 MiB" in str(ei.value) and str(s.root) in str(ei.value)
    with pytest.raises(NotEnoughSpace):
        s.open_partial(sha(data), len(data))
    assert_nothing_stored(s)


def test_floor_zero_and_negative(tmp_path):
    s = ContentStore(tmp_path / "s", floor_bytes=0)
    s.check_space(0)
    with pytest.raises(StoreError, match="negative"):
        ContentStore(tmp_path / "s", floor_bytes=-1)


def test_enospc_during_write_becomes_not_enough_space(store, monkeypatch):
    """ENOSPC in the middle of a copy, injected at the store's own write helper (``write_all``):
    the first chunk is written for real, the second one fails as a full disk would. The real
    kernel ENOSPC is exercised in ``test_full_and_read_only_filesystems_in_a_namespace``."""
    real, calls = store_mod.write_all, []

    def write_then_full(fd, data):
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(store_mod, "write_all", write_then_full)
    data = payload(3 * MiB)
    with pytest.raises(NotEnoughSpace, match="not enough disk space"):
        store.add_stream(io.BytesIO(data), sha(data), len(data))
    assert len(calls) == 2
    assert_nothing_stored(store)


# ---- cancel ------------------------------------------------------------------------------------


def test_source_read_error_propagates_and_leaves_nothing(store):
    """A stream (or a stick) failing mid-copy: the caller gets its own error back, for resuming."""
    class Dropped(io.RawIOBase):
        def __init__(self):
            self.calls = 0

        def readable(self):
            return True

        def readinto(self, b):
            self.calls += 1
            if self.calls > 2:
                raise ConnectionResetError("peer went away")
            b[:] = b"z" * len(b)
            return len(b)

    with pytest.raises(ConnectionResetError):
        store.add_stream(Dropped(), "0" * 64, 5 * MiB)
    assert_nothing_stored(store)


def test_cancel_between_chunks(store):
    data = payload(4 * MiB)
    cancel = threading.Event()
    with pytest.raises(Cancelled) as ei:
        store.add_stream(io.BytesIO(data), sha(data), len(data), progress=lambda n: cancel.set(),
                         cancel=cancel)
    assert isinstance(ei.value, StoreError)
    assert_nothing_stored(store)


def test_cancel_add_file(store, tmp_path):
    src = tmp_path / "v.mp4"
    src.write_bytes(payload(3 * MiB))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        store.add_file(src, cancel=cancel)
    assert_nothing_stored(store)


# ---- read-only and unusable roots --------------------------------------------------------------


def test_root_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    s = ContentStore(tmp_path / "file" / "store", floor_bytes=0)
    with pytest.raises(StoreError, match="cannot create the store"):
        s.add_stream(io.BytesIO(b"x"), sha(b"x"), 1)
    assert not s.has(sha(b"x")) and list(s.iter_blobs()) == []


CHILD_READ_ONLY = """
import io, hashlib, json, sys
from pathlib import Path
from teachpoint.errors import StoreError
from teachpoint.library.store import ContentStore
s = ContentStore(Path(sys.argv[1]), floor_bytes=0)
out = {}
def attempt(name, fn):
    try:
        fn(); out[name] = "ok"
    except StoreError as exc:
        out[name] = "StoreError: " + str(exc)
new = b"new lesson"
attempt("add", lambda: s.add_stream(io.BytesIO(new), hashlib.sha256(new).hexdigest(), len(new)))
attempt("partial", lambda: s.open_partial(hashlib.sha256(new).hexdigest(), len(new)))
old = sys.argv[2]
attempt("quarantine", lambda: s.quarantine(old))
attempt("gc", lambda: s.gc(set()))
out["read"] = s.open_blob(old).read().decode()
out["blobs"] = list(s.iter_blobs())
print(json.dumps(out))
"""


def _drop_dac_override():
    """preexec_fn: remove CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH from the bounding set (root only)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _run_child(args, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=env, **kw)




@pytest.mark.skipif(sys.platform != "linux", reason="permission bits and capabilities as on Linux")
def test_read_only_store_directory(tmp_path):
    s = ContentStore(tmp_path / "store", floor_bytes=0)
    old = b"old lesson"
    s.add_stream(io.BytesIO(old), sha(old), len(old))
    for d, _, _ in os.walk(s.root):
        os.chmod(d, 0o555)
    try:
        preexec = _drop_dac_override if os.geteuid() == 0 else None
        res = _run_child([sys.executable, "-c", CHILD_READ_ONLY, str(s.root), sha(old)], preexec_fn=preexec)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE for the child: {exc}")
    finally:
        for d, _, _ in os.walk(s.root):
            os.chmod(d, 0o755)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert "Traceback" not in res.stderr
    # Without write permission the first write (the temp file) is refused.
    assert out["add"].startswith(f"StoreError: cannot write to {s.tmp_dir} (read-only: Permission denied)")
    assert out["partial"].startswith(f"StoreError: cannot write to {s.partial_dir} (read-only")
    assert "read-only" in out["quarantine"] and "read-only" in out["gc"]
    assert out["read"] == "old lesson" and out["blobs"] == [sha(old)]
    assert list(s.iter_blobs()) == [sha(old)]


CHILD_FULL_DISK = """
import io, hashlib, json, os, sys
from pathlib import Path
from teachpoint.errors import NotEnoughSpace, StoreError
from teachpoint.library.store import ContentStore
mnt = Path(sys.argv[1])
s = ContentStore(mnt / "store", floor_bytes=0)
data = os.urandom(3 << 20)
def fill_disk(done):
    if done == 1 << 20 and not (mnt / "filler").exists():
        fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, bytes(65536))
        except OSError:
            os.close(fd)
out = {}
try:
    s.add_stream(io.BytesIO(data), hashlib.sha256(data).hexdigest(), len(data), progress=fill_disk)
    out["add"] = "ok"
except NotEnoughSpace as exc:
    out["add"] = "NotEnoughSpace: " + str(exc)
out["tmp"] = os.listdir(s.tmp_dir)
out["blobs"] = list(s.iter_blobs())
os.unlink(mnt / "filler")
part = s.open_partial(hashlib.sha256(data).hexdigest(), len(data))
with open(mnt / "filler", "wb") as f:
    f.write(b"\\0" * ((4 << 20) - (1 << 20)))
try:
    for off in range(0, len(data), 1 << 18):
        part.write_at(off, data[off:off + (1 << 18)])
    out["partial"] = "ok"
except NotEnoughSpace as exc:
    out["partial"] = "NotEnoughSpace: " + str(exc)
part.discard()
print(json.dumps(out))
"""

SETUP_NAMESPACE = """
set -e
mount -t tmpfs -o size=4m tmpfs "$1"
"$2" -c "$3" "$1" > "$1.full.json"
mkdir -p "$1/ro"
"$2" -c 'import io,hashlib,sys;from pathlib import Path;from teachpoint.library.store import ContentStore
d=b"old lesson";ContentStore(Path(sys.argv[1]),floor_bytes=0).add_stream(io.BytesIO(d),hashlib.sha256(d).hexdigest(),len(d))' "$1/ro"
mount -o remount,ro "$1"
"$2" -c "$4" "$1/ro" "$5" > "$1.ro.json"
"""


@pytest.mark.skipif(sys.platform != "linux", reason="needs Linux namespaces")
def test_full_and_read_only_filesystems_in_a_namespace(tmp_path):
    """Real ENOSPC and EROFS from the kernel: a 4 MiB tmpfs in a private user+mount namespace."""
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is not installed")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    res = _run_child(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", SETUP_NAMESPACE, "sh",
                      str(mnt), sys.executable, CHILD_FULL_DISK, CHILD_READ_ONLY, sha(b"old lesson")])
    if res.returncode != 0 and not (tmp_path / "mnt.full.json").exists():
        pytest.skip(f"user/mount namespaces not available here: {res.stderr.strip()[:200]}")
    assert res.returncode == 0, res.stderr
    full = json.loads((tmp_path / "mnt.full.json").read_text())
    assert full["add"].startswith("NotEnoughSpace: not enough disk space in "), full
    assert full["tmp"] == [] and full["blobs"] == []
    assert full["partial"].startswith("NotEnoughSpace"), full
    ro = json.loads((tmp_path / "mnt.ro.json").read_text())
    store = ContentStore(mnt / "ro")
    assert ro["add"] == f"StoreError: cannot write to {store.tmp_dir} (read-only)"
    assert ro["partial"] == f"StoreError: cannot write to {store.partial_dir} (read-only)"
    assert ro["quarantine"] == f"StoreError: cannot write to {store.damaged_dir} (read-only)"
    assert ro["gc"] == f"StoreError: cannot write to {store.path_of(sha(b'old lesson')).parent} (read-only)"
    assert ro["read"] == "old lesson" and ro["blobs"] == [sha(b"old lesson")]  # what is there still plays


# ---- rot, verify, quarantine -------------------------------------------------------------------


def _add(store, data):
    return store.add_stream(io.BytesIO(data), sha(data), len(data))


def test_rot_is_found_and_quarantined_without_losing_evidence(store):
    blobs = [payload(MiB + i, seed=i) for i in range(3)]
    for b in blobs:
        _add(store, b)
    victim = sha(blobs[1])
    with open(store.path_of(victim), "r+b") as f:
        f.seek(777)
        byte = f.read(1)
        f.seek(777)
        f.write(bytes([byte[0] ^ 0x01]))
    seen = []
    report = store.verify(progress=lambda done, total: seen.append((done, total)))
    assert report.damaged == [victim] and report.missing == []
    assert sorted(report.ok) == sorted(sha(b) for b in blobs if sha(b) != victim)
    assert seen[-1] == (sum(map(len, blobs)), sum(map(len, blobs)))
    moved = store.quarantine(victim)
    assert moved.parent == store.damaged_dir and moved.name.startswith(victim + ".")
    assert moved.stat().st_size == len(blobs[1])  # evidence kept
    assert not store.has(victim)
    for b in (blobs[0], blobs[2]):
        with store.open_blob(sha(b)) as f:
            assert f.read() == b
    report = store.verify([victim, sha(blobs[0])])
    assert report.missing == [victim] and report.ok == [sha(blobs[0])]
    # Same blob damaged again within the same second: a second, distinct piece of evidence.
    _add(store, blobs[1])
    store.path_of(victim).write_bytes(b"rotten")
    moved2 = store.quarantine(victim)
    assert moved2 != moved and moved.exists() and moved2.read_bytes() == b"rotten"
    with pytest.raises(StoreError, match="not in the store"):
        store.quarantine(victim)


def test_junk_in_the_store_is_ignored(store):
    data = b"real"
    real = _add(store, data)
    h = sha(b"misplaced")
    (store.blobs_dir / "README").write_text("junk")
    (store.blobs_dir / "zz").mkdir()
    (store.blobs_dir / "zz" / h).write_bytes(b"misplaced")  # wrong fan-out folder
    (store.blobs_dir / h[:2]).mkdir(exist_ok=True)
    (store.blobs_dir / h[:2] / h.upper()).write_bytes(b"misplaced")
    (store.blobs_dir / h[:2] / (h + ".tmp")).write_bytes(b"misplaced")
    link = sha(b"link")
    (store.blobs_dir / link[:2]).mkdir(exist_ok=True)
    os.symlink("/etc/passwd", store.blobs_dir / link[:2] / link)
    assert list(store.iter_blobs()) == [sha(data)]
    assert not store.has(link)
    with pytest.raises(StoreError):  # never followed out of the store
        store.open_blob(link)
    with pytest.raises(StoreError, match="not in the store"):
        store.size_of(link)
    assert store.stats().count == 1
    assert store.verify().ok == [sha(data)] and real.exists()


# ---- gc and remove -----------------------------------------------------------------------------


def test_gc_removes_unreferenced_blobs_stale_tmp_and_partials(store):
    a, b, c = b"keep me", b"drop me", b"drop me too!"
    for d in (a, b, c):
        _add(store, d)
    stale, fresh = store.tmp_dir / "old.tmp", store.tmp_dir / "busy.tmp"
    stale.write_bytes(b"12345")
    fresh.write_bytes(b"123")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    orphan = store.open_partial(sha(b"orphan"), 10)
    orphan.write_at(0, b"orph")
    orphan.close()
    wanted = store.open_partial(sha(b"wanted"), 6)  # referenced: kept for resuming
    wanted.close()
    orphan_sidecar = orphan.sidecar.stat().st_size
    report = store.gc({sha(a), sha(b"wanted")})
    assert report.blobs_removed == 2 and report.tmp_removed == 1 and report.partials_removed == 2
    assert report.bytes_freed == len(b) + len(c) + 5 + 10 + orphan_sidecar
    assert list(store.iter_blobs()) == [sha(a)]
    assert not stale.exists() and fresh.exists()
    assert sorted(os.listdir(store.partial_dir)) == [f"{sha(b'wanted')}.part", f"{sha(b'wanted')}.ranges"]


def test_gc_with_a_malformed_reference_removes_nothing(store):
    _add(store, b"x")
    with pytest.raises(StoreError, match="not a SHA-256"):
        store.gc({sha(b"x").upper()})
    assert store.has(sha(b"x"))


def test_gc_keeps_a_partial_that_is_open(store):
    part = store.open_partial(sha(b"downloading"), 11)
    part.write_at(0, b"down")
    assert store.gc(set()).partials_removed == 0
    part.write_at(4, b"loading")
    assert part.commit().read_bytes() == b"downloading"


def test_remove(store):
    _add(store, b"gone")
    assert store.remove(sha(b"gone")) is True
    assert store.remove(sha(b"gone")) is False
    assert not store.has(sha(b"gone"))
    with pytest.raises(StoreError, match="not in the store"):
        store.open_blob(sha(b"gone"))


# ---- partial downloads -------------------------------------------------------------------------


def test_range_helpers():
    r = []
    for s, e in [(10, 20), (30, 40), (20, 30), (0, 5), (50, 60), (55, 58)]:
        r = add_range(r, s, e)
    assert r == [(0, 5), (10, 40), (50, 60)]
    assert missing_ranges(r, 70) == [(5, 10), (40, 50), (60, 70)]
    assert missing_ranges([], 0) == [] and missing_ranges([(0, 70)], 70) == []


def test_partial_two_threads_out_of_order_then_restart_and_commit(tmp_path):
    root = tmp_path / "store"
    data = payload(3 * MiB + 17, seed=7)
    h = sha(data)
    piece = 64 * 1024
    offsets = list(range(0, len(data), piece))
    gap = offsets[5]  # never written before the "restart"
    todo = [o for o in offsets if o != gap]
    s1 = ContentStore(root, floor_bytes=0)
    part = s1.open_partial(h, len(data))
    assert s1.open_partial(h, len(data)) is part  # one object per blob

    def writer(mine):
        for off in mine:
            part.write_at(off, data[off:off + piece])

    threads = [threading.Thread(target=writer, args=(todo[i::2][::-1],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert part.missing_ranges() == [(gap, gap + piece)]
    part.close()
    with pytest.raises(StoreError, match="closed"):
        part.write_at(gap, data[gap:gap + piece])

    s2 = ContentStore(root, floor_bytes=0)  # a new process after a reboot
    part = s2.open_partial(h, len(data))
    assert part.missing_ranges() == [(gap, gap + piece)]
    assert not part.complete and part.bytes_done == len(data) - piece
    with pytest.raises(StoreError, match="1 range"):
        part.commit()
    part.write_at(gap, data[gap:gap + piece])
    assert part.complete
    path = part.commit()
    assert path == s2.path_of(h) and path.read_bytes() == data
    assert os.listdir(s2.partial_dir) == [] and tmp_files(s2) == []


def test_partial_many_writers_while_checkpointing(tmp_path):
    """Eight threads, checkpoints racing the writes: the recorded state is always consistent."""
    root = tmp_path / "store"
    data = payload(2 * MiB, seed=5)
    part = ContentStore(root, floor_bytes=0).open_partial(sha(data), len(data), checkpoint_bytes=32 * 1024)
    piece = 16 * 1024
    offsets = list(range(0, len(data), piece))
    errors = []

    def writer(mine):
        try:
            for off in mine:
                part.write_at(off, data[off:off + piece])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(offsets[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    part.close()
    again = ContentStore(root, floor_bytes=0).open_partial(sha(data), len(data))
    assert again.complete
    assert again.commit().read_bytes() == data


def test_partial_after_a_crash_trusts_only_checkpointed_ranges(tmp_path):
    root = tmp_path / "store"
    data = payload(400_000, seed=3)
    h = sha(data)
    part = ContentStore(root, floor_bytes=0).open_partial(h, len(data), checkpoint_bytes=1 << 40,
                                                            checkpoint_seconds=1e9)
    part.write_at(0, data[:100_000])
    part.flush()  # checkpoint: data fsynced, then the sidecar
    part.write_at(100_000, data[100_000:200_000])  # not checkpointed when the power goes
    # "Crash": no close(); another process opens the same partial.
    again = ContentStore(root, floor_bytes=0).open_partial(h, len(data))
    assert again.missing_ranges() == [(100_000, len(data))]
    again.write_at(100_000, data[100_000:])
    assert again.commit().read_bytes() == data


def test_partial_checkpoints_on_its_own(tmp_path):
    root = tmp_path / "store"
    data = payload(300_000)
    part = ContentStore(root, floor_bytes=0).open_partial(sha(data), len(data), checkpoint_bytes=100_000)
    part.write_at(0, data[:150_000])  # passes the checkpoint size: recorded without close()
    recorded = json.loads(part.sidecar.read_text())
    assert recorded == {"sha256": sha(data), "size": len(data), "done": [[0, 150_000]]}


def test_partial_with_corrupted_bytes_is_deleted_on_commit(store):
    data = payload(MiB, seed=9)
    h = sha(data)
    part = store.open_partial(h, len(data))
    part.write_at(0, data[:1000])
    part.write_at(1000, b"\x00" * 24)  # a mirror served wrong bytes for this range
    part.write_at(1024, data[1024:])
    assert part.complete
    with pytest.raises(BlobMismatch, match="partial download was deleted"):
        part.commit()
    assert os.listdir(store.partial_dir) == [] and not store.has(h)
    assert_nothing_stored(store)
    fresh = store.open_partial(h, len(data))  # a retry starts from nothing
    assert fresh.missing_ranges() == [(0, len(data))]
    fresh.discard()


def test_partial_writes_are_bounded_by_the_declared_size(store):
    part = store.open_partial(sha(b"0123456789"), 10)
    for off, data in [(8, b"abc"), (-1, b"a"), (10, b"x"), (1 << 40, b"x")]:
        with pytest.raises(BlobMismatch, match="outside"):
            part.write_at(off, data)
    part.write_at(10, b"")  # empty write at the end is harmless
    assert part.missing_ranges() == [(0, 10)]
    part.discard()
    assert os.listdir(store.partial_dir) == []


def test_partial_with_a_garbled_or_foreign_sidecar_starts_over(store):
    data = b"0123456789"
    h = sha(data)
    part = store.open_partial(h, 10)
    part.write_at(0, data[:5])
    part.close()
    for bad in [b"{not json", b"[]", json.dumps({"sha256": h, "size": 11, "done": [[0, 5]]}).encode(),
                json.dumps({"sha256": h, "size": 10, "done": [[0, 99]]}).encode(),
                json.dumps({"sha256": h, "size": 10, "done": [[3, 1]]}).encode()]:
        part.sidecar.write_bytes(bad)
        p = store.open_partial(h, 10)
        assert p.missing_ranges() == [(0, 10)], bad
        p.close()
    p = store.open_partial(h, 10)
    p.write_at(0, data)
    assert p.commit().read_bytes() == data


def test_commit_when_the_blob_already_arrived_another_way(store):
    data = b"via usb"
    part = store.open_partial(sha(data), len(data))
    part.write_at(0, data)
    _add(store, data)
    assert part.commit() == store.path_of(sha(data))
    assert os.listdir(store.partial_dir) == [] and store.stats().count == 1


def test_empty_partial_is_complete(store):
    part = store.open_partial(sha(b""), 0)
    assert part.complete and part.missing_ranges() == []
    assert part.commit().read_bytes() == b""


def test_cancel_commit_keeps_the_finished_download(store):
    data = payload(3 * MiB)
    part = store.open_partial(sha(data), len(data))
    part.write_at(0, data)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        part.commit(cancel=cancel)
    again = store.open_partial(sha(data), len(data))
    assert again.complete  # nothing to download again
    assert again.commit().read_bytes() == data


# ---- boundaries --------------------------------------------------------------------------------


def test_store_imports_no_qt_vlc_or_catalogue():
    code = ("import sys, teachpoint.library.store, teachpoint.library.partial\n"
            "bad = [m for m in ('PySide6', 'vlc', 'sqlite_utils', 'sqlite3', 'teachpoint.library.db') "
            "if m in sys.modules]\nassert not bad, bad")
    res = _run_child([sys.executable, "-c", code])
    assert res.returncode == 0, res.stderr


def test_not_enough_space_never_asks_for_a_negative_amount():
    """ENOSPC while statvfs shows room (a quota, reserved blocks, space freed since): the message
    says the disk refused the write, not "-50.7 GiB more is needed"."""
    short = NotEnoughSpace(3 << 30, 1 << 30, 512 << 20, where="/data")
    assert "more is needed" in str(short) and "-" not in str(short).split("(")[-1]
    roomy = NotEnoughSpace(0, 50 << 30, 512 << 20, where="/data")
    assert "more is needed" not in str(roomy) and "refused a write as full" in str(roomy)
