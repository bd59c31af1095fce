"""USB sticks: `teachpoint import DIR` and inspect_stick, with the faults a stick really has.

Sticks get pulled out half way, are read-only, come from strangers, are tampered with, carry an
old copy of the catalogue, carry junk, or are not sticks at all. Every hostile case checks the
clear message, that nothing half-done is left, and that the lessons already installed still play.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers import assert_installed_lessons_play, make_versions, make_video, write_csv
from teachpoint.cli import main
from teachpoint.errors import RepositoryError, SignatureError
from teachpoint.repo import keys
from teachpoint.publish.publisher import publish
from teachpoint.repo.format import blob_path, encode_node
from teachpoint.transport.sources import FolderSource, collection_bytes
from teachpoint.errors import UntrustedPublisher
from teachpoint.sneakernet.stick import import_stick
from teachpoint.sneakernet.stick_check import NotAStick
from teachpoint.sneakernet.stick_offer import inspect_stick
from teachpoint.sync.pipeline import INSTALLED, OLDER, import_repository
from teachpoint.library.settings import SETTING_DEMO



def quiet(*_):
    pass


# ---- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def workspace(workspace):
    """The conftest workspace; the command line run in-process must not add the demo channel."""
    workspace.set_setting(SETTING_DEMO, "not wanted in these tests")
    return workspace


@pytest.fixture(scope="module")
def versions(tmp_path_factory, source_dir, publisher_key):
    """(v1, v2) copies of one repository; v2 adds the lesson 春晓 (video + thumbnail)."""
    return make_versions(tmp_path_factory.mktemp("versions"), source_dir, publisher_key)


@pytest.fixture(scope="module")
def music_repo(tmp_path_factory, publisher_key):
    """A second, one-lesson repository ("music") for collections."""
    base = tmp_path_factory.mktemp("music")
    make_video(base / "src" / "春晓.mp4", colour="rgbtestsrc")
    write_csv(base / "src", ["春晓.mp4,春晓,四年级,音乐,人音版,上册,第一单元,1,,,,"])
    publish(base / "src", publisher_key.with_suffix(".key"), base / "repo", name="music",
            progress=quiet)
    return base / "repo"


def stick_of(tmp_path, repo, name="U盘") -> Path:
    stick = tmp_path / name
    shutil.copytree(repo, stick)
    return stick


def snapshot(ws):
    db = ws.catalogue.db
    return (db.execute("SELECT * FROM repositories").fetchall(),
            db.execute("SELECT id, title, repo_version FROM resources ORDER BY id").fetchall(),
            db.execute("SELECT sha256, state FROM blobs ORDER BY sha256").fetchall(),
            sorted(p.name for p in ws.store.blobs_dir.rglob("*") if p.is_file()))


def tree_state(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def assert_consistent(ws):
    """No temp or partial files, and the catalogue's present blobs are exactly the verified store."""
    leftovers = [p for d in (ws.store.tmp_dir, ws.store.partial_dir) if d.exists() for p in d.iterdir()]
    assert not leftovers, leftovers
    stored = {p.name for p in ws.store.blobs_dir.rglob("*") if p.is_file()}
    assert set(ws.catalogue.present_blobs()) == stored
    report = ws.store.verify(sorted(stored))
    assert not report.damaged and not report.missing
    status = ws.catalogue.status()["resources"]
    total = ws.catalogue.db.execute("SELECT COUNT(*) FROM resources").fetchone()[0]
    assert status["installed"] + status["not_downloaded"] == total and status["damaged"] == 0


def cli(capsys, data_dir, *args) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err):
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# ---- importing --------------------------------------------------------------------------------------


def test_collection_stick_with_junk_imports_every_repository(tmp_path, published_repo, music_repo,
                                                            workspace, capsys):
    stick = tmp_path / "U盘"
    shutil.copytree(published_repo, stick / "county")
    shutil.copytree(music_repo, stick / "music")
    (stick / "teachpoint.json").write_bytes(collection_bytes(["county", "music"]))
    # junk an ordinary Windows stick carries, and rubbish inside the repository folders
    (stick / "System Volume Information").mkdir()
    (stick / "System Volume Information" / "IndexerVolumeGuid").write_text("x")
    (stick / "autorun.inf").write_text("[autorun]\nopen=evil.exe\n")
    shutil.copytree(published_repo, stick / "not-listed")  # a folder the index does not name
    (stick / "county" / "Thumbs.db").write_bytes(b"\0" * 100)
    (stick / "county" / "._root.json").write_bytes(b"mac resource fork")
    (stick / "county" / "meta" / "notes.txt").write_text("hello")
    (stick / "county" / "blobs" / "sha256" / "zz").mkdir()
    (stick / "county" / "blobs" / "sha256" / "zz" / "not-a-hash").write_text("junk")
    (stick / "_inventories").mkdir()
    (stick / "_inventories" / "3f1c.json").write_text("{}")

    code, out, err = cli(capsys, workspace.paths.root, "import", str(stick), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["summary"] == "新增 4 节课, 更新 0 节"
    assert result["ok"] and result["files_copied"] == 9  # 4 videos, 4 thumbnails, 1 subtitle
    assert result["inventories"] == ["_inventories/3f1c.json"]
    assert [r["repository"] for r in result["repositories"]] == ["county", "music"]
    assert_installed_lessons_play(workspace, 4)
    assert_consistent(workspace)

    code, out, _ = cli(capsys, workspace.paths.root, "import", str(stick))
    assert code == 0
    assert "county version 1 is already installed" in out and "music version 1 is" in out
    assert "copied 0 file(s)" in out and "inventory file(s)" in out


def test_newer_stick_says_what_it_did(tmp_path, versions, workspace, capsys):
    v1, v2 = versions
    import_stick(workspace, stick_of(tmp_path, v1, "old"))
    code, out, err = cli(capsys, workspace.paths.root, "import", str(stick_of(tmp_path, v2)))
    assert code == 0, err
    assert "county version 2: 新增 1 节课, 更新 0 节" in out
    assert "copied 2 file(s)" in out  # the new video and its thumbnail
    assert "春晓" in {r[0] for r in workspace.catalogue.db.execute("SELECT title FROM resources")}
    assert_installed_lessons_play(workspace, 4)


def test_progress_reports_bytes_speed_and_eta(tmp_path, published_repo, workspace):
    seen = []
    result = import_stick(workspace, stick_of(tmp_path, published_repo), progress=seen.append)
    assert seen, "at least the final progress is reported"
    last = seen[-1]
    assert last.bytes_done == last.bytes_total == result.bytes_copied > 0
    assert last.files_done == last.files_total == 7
    assert last.speed_bps > 0 and last.eta_s == 0
    assert all(a.bytes_done <= b.bytes_done for a, b in zip(seen, seen[1:]))


def test_older_stick_never_rolls_back_but_gives_the_files_we_want(tmp_path, versions, workspace,
                                                                  capsys):
    """This PC has v2's catalogue (over a thin link) but no files; the stick has v1 with files."""
    v1, v2 = versions
    workspace.install(FolderSource(v2), blobs=False)
    before_repo = workspace.catalogue.repository("county")
    stick = stick_of(tmp_path, v1)
    code, out, err = cli(capsys, workspace.paths.root, "import", str(stick))
    assert code == 0, err
    assert "county version 1: this PC already has the newer version 2" in out
    assert "no rollback" in out
    assert "copied 7 file(s) this PC still needed" in out
    assert "2 wanted file(s) not on this stick" in out  # 春晓 is only in v2
    assert workspace.catalogue.repository("county") == before_repo, "metadata untouched"
    status = workspace.catalogue.status()["resources"]
    assert status == {"installed": 3, "not_downloaded": 1, "damaged": 0}
    assert_installed_lessons_play(workspace, 3)
    assert_consistent(workspace)
    again = import_stick(workspace, stick)
    item = again.repositories[0]
    assert item.status == OLDER and item.files.files_copied == 0
    assert item.summary_zh().startswith("来源上的版本 1 比本机的版本 2 旧")


# ---- faults ----------------------------------------------------------------------------------------


def test_stick_pulled_out_mid_import_then_continued(tmp_path, published_repo, workspace):
    """Real removal: the whole stick vanishes right after the first file was copied."""
    stick = stick_of(tmp_path, published_repo)

    def pull(p):
        if p.files_done == 1 and stick.exists():
            shutil.rmtree(stick)

    result = import_stick(workspace, stick, progress=pull)
    item = result.repositories[0]
    assert item.status == INSTALLED and item.files.files_copied == 1
    assert item.files.source_lost and not result.ok
    assert item.files.files_unreadable == 1 and item.files.files_missing == 5  # stopped at once
    assert any("insert it again" in p for p in item.problems)
    assert workspace.catalogue.status()["resources"]["installed"] <= 1
    assert_consistent(workspace)

    shutil.copytree(published_repo, stick)  # inserted again
    again = import_stick(workspace, stick)
    assert again.ok and again.repositories[0].status == INSTALLED
    assert again.files_copied == 6 and again.added == 0
    assert_installed_lessons_play(workspace, 3)
    assert_consistent(workspace)


def test_cancel_keeps_what_was_copied(tmp_path, published_repo, workspace):
    import threading

    cancel = threading.Event()
    stick = stick_of(tmp_path, published_repo)
    result = import_stick(workspace, stick, cancel=cancel,
                          progress=lambda p: p.files_done == 2 and cancel.set())
    assert result.cancelled and not result.ok and result.files_copied == 2
    assert_consistent(workspace)
    again = import_stick(workspace, stick)
    assert again.ok and again.files_copied == 5
    assert_installed_lessons_play(workspace, 3)


class _DyingReader:
    """A file that fails with EIO part way through, as a stick does when it is pulled out."""

    def __init__(self, fh, after: int, on_death):
        self.fh, self.left, self.on_death = fh, after, on_death

    def readinto(self, buf) -> int:
        if self.left <= 0:
            self.on_death()
            raise OSError(errno.EIO, "Input/output error")
        n = self.fh.readinto(buf[:min(len(buf), 4096, self.left)])
        self.left -= n
        return n


class _PulledStick(FolderSource):
    """Copies ``good`` files normally; the next one dies half way and the stick goes away."""

    def __init__(self, folder, good: int):
        super().__init__(folder)
        self.good = good

    def fetch_blob(self, sha256, size, store, progress=None, cancel=None):
        if self.good > 0:
            self.good -= 1
            return super().fetch_blob(sha256, size, store, progress, cancel)
        with open(self.folder / blob_path(sha256), "rb") as fh:
            reader = _DyingReader(fh, size // 2, lambda: shutil.rmtree(self.folder))
            try:
                store.add_stream(reader, sha256, size, progress=progress, cancel=cancel)
            except OSError as exc:
                raise RepositoryError(f"reading {self.folder} failed (stick removed?): {exc}") from exc


def test_io_error_half_way_through_a_file_leaves_nothing_half_installed(tmp_path, published_repo,
                                                                       workspace):
    stick = stick_of(tmp_path, published_repo)
    item = import_repository(workspace, _PulledStick(stick, good=2))
    assert item.files.source_lost and item.files.files_copied == 2
    assert item.files.files_unreadable == 1 and item.files.files_missing == 4
    assert any("stick removed" in p for p in item.problems)
    assert_consistent(workspace)  # in particular: no temp file and no partial blob in the store

    shutil.copytree(published_repo, stick)
    again = import_stick(workspace, stick)
    assert again.ok and again.files_copied == 5
    assert_installed_lessons_play(workspace, 3)
    assert_consistent(workspace)


def test_read_only_stick_is_never_written(tmp_path, published_repo, workspace):
    stick = stick_of(tmp_path, published_repo)
    for p in [stick, *stick.rglob("*")]:
        os.chmod(p, 0o555 if p.is_dir() else 0o444)
    before = tree_state(stick)
    try:
        assert inspect_stick(workspace, stick).brings_something
        result = import_stick(workspace, stick)
        assert result.ok and result.added == 3
        assert tree_state(stick) == before
    finally:
        for p in [stick, *stick.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
    assert_installed_lessons_play(workspace, 3)


def test_read_only_stick_as_an_unprivileged_user(published_repo, publisher_key):
    """Root ignores permission bits: run the real command as nobody on a read-only stick."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root to switch to an unprivileged user")
    base = Path(tempfile.mkdtemp(prefix="tp-stick-"))
    try:
        os.chmod(base, 0o755)
        stick, data = base / "stick", base / "data"
        shutil.copytree(published_repo, stick)
        shutil.copy(publisher_key.with_suffix(".pub"), base / "county.pub")
        data.mkdir()
        os.chown(data, 65534, 65534)
        for p in [stick, *stick.rglob("*")]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        before = tree_state(stick)
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
               sys.executable, "-m", "teachpoint", "--data-dir", str(data)]
        env = {**os.environ, "HOME": str(base)}
        for args in (["trust", "add", str(base / "county.pub")], ["import", str(stick), "--json"]):
            proc = subprocess.run(cmd + args, capture_output=True, text=True, timeout=120, env=env)
            assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["summary"] == "新增 3 节课, 更新 0 节"
        assert tree_state(stick) == before
    finally:
        for p in [base, *base.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        shutil.rmtree(base)


@pytest.fixture
def installed(workspace, published_repo):
    import_stick(workspace, published_repo)
    return workspace


def resign(repo, key_file, **changes):
    private = keys.load_private_key(key_file)
    payload = json.loads(json.loads((repo / "root.json").read_text("utf-8"))["payload"])
    payload.update(changes, key_id=keys.public_key_of(private).key_id)
    text = json.dumps(payload, ensure_ascii=False)
    envelope = {"payload": text, "signatures": [
        {"key_id": payload["key_id"], "sig": keys.sign(private, text.encode("utf-8"))}]}
    (repo / "root.json").write_text(json.dumps(envelope), encoding="utf-8")


def test_untrusted_publisher_names_the_key_and_how_to_trust_it(installed, tmp_path, published_repo,
                                                              capsys):
    stick = stick_of(tmp_path, published_repo)
    pair = keys.generate_keypair(tmp_path / "mallory", name="陌生人")
    resign(stick, pair.private_path, version=5)
    shutil.copy(pair.public_path, stick / "mallory.pub")
    before = snapshot(installed)
    with pytest.raises(UntrustedPublisher) as caught:
        import_stick(installed, stick)
    message = str(caught.value)
    assert pair.public.key_id in message and "does not trust" in message
    assert f"teachpoint trust add {stick / 'mallory.pub'}" in message
    code, _, err = cli(capsys, installed.paths.root, "import", str(stick))
    assert pair.public.key_id in one_line_error(code, err)
    assert snapshot(installed) == before
    offer = inspect_stick(installed, stick).repositories[0]
    assert (offer.status, offer.trusted, offer.key_id) == ("untrusted", False, pair.public.key_id)
    assert offer.key_file == str(stick / "mallory.pub") and not offer.brings_something
    assert_installed_lessons_play(installed, 3)


def test_forged_signature_is_not_explained_as_untrusted(installed, tmp_path, published_repo):
    stick = stick_of(tmp_path, published_repo)
    envelope = json.loads((stick / "root.json").read_text("utf-8"))
    payload = json.loads(envelope["payload"])
    payload["version"] = 9
    envelope["payload"] = json.dumps(payload)
    (stick / "root.json").write_text(json.dumps(envelope), encoding="utf-8")
    before = snapshot(installed)
    with pytest.raises(SignatureError) as caught:
        import_stick(installed, stick)
    assert not isinstance(caught.value, UntrustedPublisher)
    assert snapshot(installed) == before
    assert_installed_lessons_play(installed, 3)


def test_tampered_stick_metadata_is_refused_and_nothing_changes(installed, tmp_path, versions,
                                                               capsys):
    _, v2 = versions
    stick = stick_of(tmp_path, v2)
    for node in (stick / "meta").iterdir():  # rewrite every node v2 added: none matches its pin
        if not (installed.cache.folder / "nodes" / node.name).exists():
            node.write_bytes(encode_node({"_type": "leaf", "resources": []}))
    before = snapshot(installed)
    code, _, err = cli(capsys, installed.paths.root, "import", str(stick))
    assert "does not match its pin" in one_line_error(code, err)
    assert snapshot(installed) == before
    assert inspect_stick(installed, stick).repositories[0].status == "invalid"
    assert_installed_lessons_play(installed, 3)


def test_tampered_file_on_the_stick_is_refused_the_rest_installed(workspace, tmp_path,
                                                                 published_repo, capsys):
    stick = stick_of(tmp_path, published_repo)
    victim = max((stick / "blobs").rglob("*"), key=lambda p: p.stat().st_size if p.is_file() else 0)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    code, out, _ = cli(capsys, workspace.paths.root, "import", str(stick))
    assert code == 1
    assert f"file {victim.name[:12]}… on" in out and "damaged or tampered" in out
    assert not workspace.store.has(victim.name)
    assert workspace.catalogue.status()["resources"]["installed"] == 2
    assert_installed_lessons_play(workspace, 2)
    assert_consistent(workspace)


@pytest.mark.parametrize("kind", ["empty", "junk", "file", "missing", "nested", "inventories"])
def test_a_folder_that_is_not_a_stick(installed, tmp_path, published_repo, capsys, kind):
    target = tmp_path / "U盘"
    if kind == "file":
        target.write_text("hello")
    elif kind != "missing":
        target.mkdir()
    if kind == "junk":
        (target / "照片").mkdir()
        (target / "作业.docx").write_bytes(b"PK\3\4")
    if kind == "nested":
        shutil.copytree(published_repo, target / "资源")
    if kind == "inventories":
        (target / "_inventories").mkdir()
        (target / "_inventories" / "pc.json").write_text("{}")
    before = snapshot(installed)
    code, _, err = cli(capsys, installed.paths.root, "import", str(target))
    line = one_line_error(code, err)
    expected = {"empty": "is empty: not a TeachPoint repository",
                "junk": "is not a TeachPoint repository or stick",
                "file": "is a file, not a folder",
                "missing": "does not exist (is the stick inserted",
                "nested": f"did you mean {target / '资源'}?",
                "inventories": "carries inventories of other PCs but no lessons"}[kind]
    assert expected in line
    with pytest.raises(NotAStick):
        import_stick(installed, target)
    offer = inspect_stick(installed, target)
    if kind == "inventories":
        assert offer.inventories == ["_inventories/pc.json"] and not offer.repositories
    else:
        assert offer is None
    assert snapshot(installed) == before
    assert_installed_lessons_play(installed, 3)


# ---- inspect_stick ------------------------------------------------------------------------------------


def test_inspect_a_newer_stick_changes_nothing(workspace, tmp_path, versions):
    v1, v2 = versions
    import_stick(workspace, v1)
    stick = stick_of(tmp_path, v2)
    data_before = tree_state(workspace.paths.root / "metadata")
    cat_before = snapshot(workspace)
    offer = inspect_stick(workspace, stick)
    assert tree_state(workspace.paths.root / "metadata") == data_before
    assert snapshot(workspace) == cat_before
    repo = offer.repositories[0]
    assert (repo.status, repo.trusted, repo.version, repo.installed_version) == ("newer", True, 2, 1)
    assert (repo.new_lessons, repo.updated_lessons) == (1, 0)
    result = import_stick(workspace, stick)
    assert repo.files_to_add == result.files_copied == 2 and repo.complete
    assert repo.bytes_to_add == result.bytes_copied > 0
    assert offer.brings_something and offer.inventories == []


def test_inspect_a_fresh_pc_an_older_stick_and_inventories(workspace, tmp_path, versions):
    v1, v2 = versions
    stick = stick_of(tmp_path, v1)
    (stick / "_inventories").mkdir()
    (stick / "_inventories" / "pc-a.json").write_text("{}")
    (stick / "_inventories" / "readme.txt").write_text("x")
    fresh = inspect_stick(workspace, stick)
    repo = fresh.repositories[0]
    blobs = [p for p in (stick / "blobs").rglob("*") if p.is_file()]
    assert (repo.status, repo.new_lessons, repo.files_to_add) == ("new", 3, len(blobs))
    assert repo.bytes_to_add == sum(p.stat().st_size for p in blobs)
    assert fresh.inventories == ["_inventories/pc-a.json"]

    workspace.install(FolderSource(v2), blobs=False)
    older = inspect_stick(workspace, stick).repositories[0]
    assert (older.status, older.installed_version, older.new_lessons) == ("older", 2, 0)
    assert older.files_to_add == len(blobs)  # every file of v1 is still wanted by v2
    import_stick(workspace, stick)
    assert not inspect_stick(workspace, stick).brings_something


def test_inspect_stick_caps_its_work(workspace, tmp_path, published_repo, monkeypatch):
    from teachpoint.sneakernet import stick_offer

    monkeypatch.setattr(stick_offer, "INSPECT_MAX_NODES", 1)
    repo = inspect_stick(workspace, stick_of(tmp_path, published_repo)).repositories[0]
    assert not repo.complete and repo.status == "new"
    assert repo.new_lessons == 3  # from the root's informational totals
    assert repo.bytes_to_add == json.loads(json.loads(
        (published_repo / "root.json").read_text("utf-8"))["payload"])["totals"]["bytes"]


def test_same_version_other_content_is_a_conflict(installed, tmp_path, published_repo,
                                                  publisher_key):
    stick = stick_of(tmp_path, published_repo)
    resign(stick, publisher_key.with_suffix(".key"), title="另一个")
    assert inspect_stick(installed, stick).repositories[0].status == "conflict"
    before = snapshot(installed)
    with pytest.raises(RepositoryError, match="same number"):
        import_stick(installed, stick)
    assert snapshot(installed) == before
    assert_installed_lessons_play(installed, 3)
