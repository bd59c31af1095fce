"""The store's fast file import (issue 17): copy_file_range with the stored bytes hashed, and a
batch that fsyncs each folder once. Same guarantees as the read-and-write path."""

import errno
import hashlib
import os

import pytest

from teachpoint.errors import BlobMismatch, NotEnoughSpace
from teachpoint.library import store_io
from teachpoint.library.store import ContentStore

DATA = os.urandom(3 * store_io.KERNEL_CHUNK + 12345)  # several kernel steps and a ragged end


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def store(tmp_path):
    return ContentStore(tmp_path / "store", floor_bytes=0)


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "lesson.mp4"
    path.write_bytes(DATA)
    return path


def tmp_files(store):
    return list(store.tmp_dir.iterdir()) if store.tmp_dir.exists() else []


def test_kernel_copy_stores_and_verifies(store, src, monkeypatch):
    calls = []
    real = os.copy_file_range
    monkeypatch.setattr(os, "copy_file_range", lambda *a: calls.append(a) or real(*a))
    seen = []
    path = store.add_file(src, sha256=sha(DATA), size=len(DATA), progress=seen.append)
    assert path.read_bytes() == DATA and calls and seen[-1] == len(DATA)
    assert oct(path.stat().st_mode & 0o777) == "0o644" and tmp_files(store) == []


@pytest.mark.parametrize("code", [errno.EXDEV, errno.ENOSYS, errno.EINVAL])
def test_without_kernel_copy_it_reads_and_writes(store, src, monkeypatch, code):
    def refuse(*args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "copy_file_range", refuse)
    assert store.add_file(src, sha256=sha(DATA), size=len(DATA)).read_bytes() == DATA


def test_wrong_content_is_refused_and_leaves_nothing(store, src):
    with pytest.raises(BlobMismatch):
        store.add_file(src, sha256=sha(b"other"), size=len(DATA))
    assert not store.has(sha(DATA)) and not store.has(sha(b"other")) and tmp_files(store) == []


def test_full_disk_is_the_stores_error_and_a_read_error_the_sources(store, src, monkeypatch):
    real, failures = os.copy_file_range, iter([errno.ENOSPC, errno.EIO])

    def fail_after_first_chunk(src_fd, dst_fd, count, *rest):
        if os.lseek(dst_fd, 0, os.SEEK_CUR) >= store_io.KERNEL_CHUNK:
            code = next(failures)
            raise OSError(code, os.strerror(code))
        return real(src_fd, dst_fd, count, *rest)

    monkeypatch.setattr(os, "copy_file_range", fail_after_first_chunk)
    with pytest.raises(NotEnoughSpace):
        store.add_file(src, sha256=sha(DATA))
    with pytest.raises(OSError) as info:  # a stick pulled out: the caller reports the source
        store.add_file(src, sha256=sha(DATA))
    assert info.value.errno == errno.EIO and not isinstance(info.value, NotEnoughSpace)
    assert not store.has(sha(DATA)) and tmp_files(store) == []


def test_a_batch_fsyncs_each_folder_once_after_the_renames(store, tmp_path, monkeypatch):
    files = []
    for i in range(6):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(b"lesson %d" % i)
        files.append(path)
    synced = []
    monkeypatch.setattr("teachpoint.library.store.fsync_dir", synced.append)
    store.ensure_layout()
    synced.clear()
    with store.batch():
        with store.batch():  # nested: the outer batch syncs
            stored = [store.add_file(p) for p in files]
        assert synced == [] and all(p.exists() for p in stored)
    folders = {p.parent for p in stored} | {store.blobs_dir}  # new fan-out folders: their parent too
    assert sorted(synced) == sorted(folders)  # each once
    synced.clear()
    store.add_file(tmp_path / "f0.bin", sha256=None)  # stored already: nothing to sync
    path = tmp_path / "single.bin"
    path.write_bytes(b"alone")
    store.add_file(path)  # outside a batch: synced at once
    assert store.path_of(sha(b"alone")).parent in synced
