"""The store's batch (issue 17): each folder fsynced once, after the renames of the blobs in it."""

import hashlib

import pytest

from teachpoint.library.store import ContentStore


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def store(tmp_path):
    return ContentStore(tmp_path / "store", floor_bytes=0)


def test_a_batch_fsyncs_each_folder_once_after_the_renames(store, tmp_path, monkeypatch):
    files = []
    for i in range(6):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(b"lesson %d" % i)
        files.append(path)
    synced = []
    monkeypatch.setattr("teachpoint.library.store.fsync_dir", synced.append)
    monkeypatch.setattr("teachpoint.library.store_batch.fsync_dir", synced.append)
    store.ensure_layout()
    synced.clear()
    durable = []
    with store.batch(on_durable=lambda sha, size: durable.append(sha)) as batch:
        with store.batch() as inner:  # nested: the outer batch syncs
            assert inner is batch
            stored = [store.add_file(p) for p in files]
        assert synced == [] and durable == []
    assert all(p.exists() for p in stored)
    assert durable == [p.name for p in stored]  # told once each, in order, after the folder fsyncs
    folders = {p.parent for p in stored} | {store.blobs_dir}  # new fan-out folders: their parent too
    assert sorted(synced) == sorted(folders)  # each once
    synced.clear()
    store.add_file(tmp_path / "f0.bin", sha256=None)  # stored already: nothing to sync
    path = tmp_path / "single.bin"
    path.write_bytes(b"alone")
    store.add_file(path)  # outside a batch: synced at once
    assert store.path_of(sha(b"alone")).parent in synced
