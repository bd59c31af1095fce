"""Sneakernet: inventory on the offline PC, export on the connected PC, import back at school.

Real published repositories (conftest fixtures), real files in tmp_path, real imports through
``expand_sources`` + ``Workspace.install``. Two cases replace one thing each, documented there:
the stick's free-space probe (``export.free_space``) for "stick full before we start", and the
write helper (``export.write_all``) for "stick full in the middle of a file"; the real kernel
ENOSPC and EROFS come from a tiny tmpfs in a user+mount namespace (skipped where not allowed).
"""

from __future__ import annotations

import base64
import hashlib
import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from teachpoint import fsutil
from teachpoint.cli import main
from teachpoint.errors import NotEnoughSpace, UsageError
from teachpoint.paths import DataPaths
from teachpoint.sneakernet import export as export_mod
from teachpoint.sneakernet.export import (
    FAT_MAX_FILE, ExportError, check_fat_names, export, fat_name_ok, filesystem_type, give_plan,
    may_be_fat)
from teachpoint.sneakernet.inventory import (
    FOLDER, MAX_INVENTORY_BYTES, InventoryError, find_inventories, make_inventory, parse_inventory,
    read_inventory, write_inventory)
from teachpoint.publish.publisher import publish
from teachpoint.transport.sources import COLLECTION_NAME, FolderSource, expand_sources, parse_collection
from teachpoint.workspace import Workspace

from helpers import assert_installed_lessons_play

REPO = Path(__file__).resolve().parents[1]
MUSIC, CHINESE, MATHS = "音乐", "语文", "数学"


def open_ws(path: Path, publisher_key: Path) -> Workspace:
    ws = Workspace(DataPaths(path, explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    return ws


@pytest.fixture
def connected(tmp_path, publisher_key, published_repo):
    """The county PC: has the whole repository installed."""
    ws = open_ws(tmp_path / "connected", publisher_key)
    ws.install(FolderSource(published_repo))
    yield ws
    ws.close()


@pytest.fixture
def stick(tmp_path) -> Path:
    d = tmp_path / "stick"
    d.mkdir()
    return d


def subscribe(ws: Workspace, grades=(), subjects=()) -> None:
    ws.set_setting("sync.subscriptions", json.dumps({"grades": list(grades), "subjects": list(subjects)}))


def import_stick(ws: Workspace, stick: Path) -> list:
    return [ws.install(src) for src in expand_sources(str(stick))]


def stick_blobs(stick: Path, repo: str = "county") -> set[str]:
    return {p.name for p in (stick / repo / "blobs").rglob("*") if p.is_file()}


def blobs_of(ws: Workspace, subject: str) -> set[str]:
    return {r[0] for r in ws.catalogue.db.execute(
        "SELECT f.sha256 FROM files f JOIN resources r ON r.id = f.resource_id "
        "JOIN lessons l ON l.id = r.lesson_id WHERE l.subject = ?", [subject])}


def states(ws: Workspace) -> dict[str, str]:
    return {rid.split(":")[1]: state for rid, state in ws.catalogue.db.execute(
        "SELECT r.id, s.state FROM resources r JOIN resource_state s ON s.resource_id = r.id "
        "JOIN lessons l ON l.id = r.lesson_id").fetchall()}


def subject_states(ws: Workspace) -> dict[str, str]:
    return dict(ws.catalogue.db.execute(
        "SELECT l.subject, s.state FROM resources r JOIN resource_state s ON s.resource_id = r.id "
        "JOIN lessons l ON l.id = r.lesson_id").fetchall())


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ---- the round trip ---------------------------------------------------------------------------


def test_round_trip_exports_exactly_the_gap(tmp_path, publisher_key, connected, stick):
    offline = open_ws(tmp_path / "offline", publisher_key)
    # First trip: the school got the Chinese lesson (and the whole catalogue) on an earlier stick.
    first = tmp_path / "first-stick"
    export(connected, give_plan(connected, grades=[2]), first)
    import_stick(offline, first)
    assert subject_states(offline) == {CHINESE: "installed", MUSIC: "not_downloaded", MATHS: "not_downloaded"}
    subscribe(offline, grades=[3], subjects=[MUSIC, CHINESE])  # music and Chinese, grade 3 only

    inv_path = write_inventory(offline, stick)
    assert inv_path.parent == stick / FOLDER and inv_path.name == offline.setting("pc_id") + ".json"
    inv = read_inventory(inv_path)
    assert inv.repositories["county"][0] == 1 and inv.blob_count == len(blobs_of(offline, CHINESE))
    assert inv.subscriptions.grades == [3] and inv.subscriptions.subjects == [CHINESE, MUSIC]

    plan = give_plan(connected, inv)
    assert [r.repository for r in plan.repositories] == ["county"]
    assert plan.lessons == 1 and set(plan.repositories[0].blobs) == blobs_of(connected, MUSIC)
    assert plan.bytes == sum(plan.repositories[0].blobs.values())
    seen = []
    report = export(connected, plan, stick, progress=seen.append)
    assert stick_blobs(stick) == blobs_of(connected, MUSIC)  # not maths (unsubscribed), not Chinese (held)
    assert report.blobs_copied == len(blobs_of(connected, MUSIC)) and not report.damaged
    assert seen[-1].bytes_done == seen[-1].bytes_total == plan.bytes and seen[-1].speed_bps > 0
    # every node of the tree is there, the root is the publisher's own bytes
    assert (stick / "county/root.json").read_bytes() == (connected.cache.folder / "roots/county.root.json").read_bytes()
    assert len(list((stick / "county/meta").iterdir())) == len(plan.repositories[0].nodes)
    assert parse_collection((stick / COLLECTION_NAME).read_bytes()) == {"county": "county/"}

    reports = import_stick(offline, stick)
    assert reports[0].blobs_copied == len(blobs_of(connected, MUSIC)) and not reports[0].problems
    assert subject_states(offline) == {CHINESE: "installed", MUSIC: "installed", MATHS: "not_downloaded"}
    assert_installed_lessons_play(offline, expect_at_least=2)

    # Back at the county: the same stick again copies nothing new.
    again = export(connected, give_plan(connected, read_inventory(inv_path)), stick)
    assert again.blobs_copied == 0 and again.repositories[0].nodes_written == 0
    assert not again.repositories[0].root_written
    # …and once the school's new inventory says it holds the music, nothing is left to give.
    write_inventory(offline, stick)
    assert give_plan(connected, read_inventory(inv_path)).blobs == 0
    offline.close()


def test_new_pc_that_knows_nothing_gets_everything_through_the_cli(tmp_path, publisher_key, connected,
                                                                     stick, capsys):
    offline_dir = tmp_path / "offline"
    open_ws(offline_dir, publisher_key).close()
    code, out, err = run_cli(capsys, "--data-dir", str(offline_dir), "inventory", "--to", str(stick))
    assert code == 0 and "wrote the inventory" in out
    code, out, err = run_cli(capsys, "--data-dir", str(connected.paths.root), "export", "--to", str(stick),
                             "--for", str(stick), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["plan"]["lessons"] == 3 and result["blobs_copied"] == result["plan"]["blobs"] == 7
    code, out, err = run_cli(capsys, "--data-dir", str(offline_dir), "import", str(stick / "county"))
    assert code == 0, err
    offline = open_ws(offline_dir, publisher_key)
    assert set(subject_states(offline).values()) == {"installed"}
    assert_installed_lessons_play(offline, expect_at_least=3)
    offline.close()


def test_two_inventories_accumulate_on_one_stick(tmp_path, publisher_key, connected, stick):
    schools = []
    for name, subject in (("a", MUSIC), ("b", MATHS)):
        ws = open_ws(tmp_path / name, publisher_key)
        subscribe(ws, subjects=[subject])
        schools.append((ws, read_inventory(write_inventory(ws, stick))))
    assert len(find_inventories(stick)) == 2
    export(connected, give_plan(connected, schools[0][1]), stick)
    assert stick_blobs(stick) == blobs_of(connected, MUSIC)
    export(connected, give_plan(connected, schools[1][1]), stick)  # adds, removes nothing
    assert stick_blobs(stick) == blobs_of(connected, MUSIC) | blobs_of(connected, MATHS)
    # one plan for both at once gives the same union
    both = give_plan(connected, [inv for _, inv in schools])
    assert set(both.repositories[0].blobs) == stick_blobs(stick)
    for (ws, _), subject in zip(schools, (MUSIC, MATHS)):
        import_stick(ws, stick)
        assert subject_states(ws)[subject] == "installed"
        assert_installed_lessons_play(ws)
        ws.close()


def test_grade_and_subject_selection_and_prune(tmp_path, publisher_key, connected, stick):
    export(connected, give_plan(connected, subjects=["shuxue"]), stick)  # pinyin alias of 数学
    assert stick_blobs(stick) == blobs_of(connected, MATHS)
    export(connected, give_plan(connected, grades=["二年级"]), stick)
    assert stick_blobs(stick) == blobs_of(connected, MATHS) | blobs_of(connected, CHINESE)
    export(connected, give_plan(connected), stick)
    assert stick_blobs(stick) == blobs_of(connected, MUSIC) | blobs_of(connected, MATHS) | blobs_of(connected, CHINESE)
    (stick / "county/blobs/sha256/00").mkdir()
    (stick / "county/blobs/sha256/00/leftover.tmp").write_bytes(b"x")
    report = export(connected, give_plan(connected, grades=[2]), stick, prune=True)
    assert stick_blobs(stick) == blobs_of(connected, CHINESE)
    assert report.repositories[0].pruned_files == len(blobs_of(connected, MUSIC) | blobs_of(connected, MATHS))
    assert not (stick / "county/blobs/sha256/00/leftover.tmp").exists()  # a killed export's leftover
    offline = open_ws(tmp_path / "offline", publisher_key)
    import_stick(offline, stick)  # all nodes stayed: the whole catalogue arrives, one lesson plays
    assert subject_states(offline) == {CHINESE: "installed", MUSIC: "not_downloaded", MATHS: "not_downloaded"}
    assert_installed_lessons_play(offline)
    offline.close()
    with pytest.raises(UsageError, match="unknown grade"):
        give_plan(connected, grades=["十三年级"])


def test_a_newer_root_on_the_stick_is_never_replaced(tmp_path, publisher_key, source_dir, published_repo,
                                                     connected, stick):
    newer = stick / "county"
    shutil.copytree(published_repo, newer)
    publish(source_dir, publisher_key.with_suffix(".key"), newer, progress=lambda *_: None)  # version 2
    before = (newer / "root.json").read_bytes()
    report = export(connected, give_plan(connected), stick)
    assert (newer / "root.json").read_bytes() == before
    assert report.repositories == [] and "already has version 2, newer than our 1" in report.notes[0]


def test_a_damaged_blob_in_our_store_does_not_spread(tmp_path, publisher_key, connected, stick, capsys):
    victim = sorted(blobs_of(connected, MATHS))[0]
    path = connected.store.path_of(victim)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    code, out, err = run_cli(capsys, "--data-dir", str(connected.paths.root), "export", "--to", str(stick))
    assert code == 1 and f"problem: {victim[:12]}" in out and "damaged in this PC's store" in out
    assert victim not in stick_blobs(stick) and not list(stick.rglob("*.tmp"))
    assert connected.catalogue.db.execute("SELECT state FROM blobs WHERE sha256 = ?", [victim]).fetchone()[0] == "damaged"
    offline = open_ws(tmp_path / "offline", publisher_key)
    import_stick(offline, stick)
    assert subject_states(offline) == {CHINESE: "installed", MUSIC: "installed", MATHS: "not_downloaded"}
    offline.close()


# ---- a stick that cannot take it ------------------------------------------------------------------


def test_stick_full_before_and_during_the_export(tmp_path, publisher_key, connected, stick, monkeypatch):
    export(connected, give_plan(connected, grades=[2]), stick)  # what the stick already carries
    root_before = (stick / "county/root.json").read_bytes()
    # 1. Not enough room at the start (the free-space probe of the export module reports 100 KB).
    monkeypatch.setattr(export_mod, "free_space", lambda path: 100_000)
    with pytest.raises(NotEnoughSpace, match=r"not enough disk space in .*stick.*more is needed"):
        export(connected, give_plan(connected), stick)
    monkeypatch.undo()
    # 2. The estimate was wrong: ENOSPC from the write of the second new blob.
    calls = {"n": 0}
    real = fsutil.write_all  # the one durable-write helper the export copies with

    def filling(fd, data):
        calls["n"] += 1
        if calls["n"] >= 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(fsutil, "write_all", filling)
    # the stick shows room (the write was refused anyway): no negative "more is needed"
    with pytest.raises(NotEnoughSpace, match="refused a write as full although .* free now"):
        export(connected, give_plan(connected), stick)
    monkeypatch.undo()
    assert not list(stick.rglob("*.tmp"))
    assert (stick / "county/root.json").read_bytes() == root_before
    offline = open_ws(tmp_path / "offline", publisher_key)
    import_stick(offline, stick)  # still a valid repository: what it carries installs and plays
    assert subject_states(offline)[CHINESE] == "installed"
    assert_installed_lessons_play(offline)
    offline.close()


NAMESPACE_SCRIPT = """
set -e
mount -t tmpfs -o size=64k tmpfs "$1"
"$2" -m teachpoint --data-dir "$3" export --to "$1" > "$4.full.out" 2> "$4.full.err" || echo $? > "$4.full.rc"
mount -o remount,ro "$1"
"$2" -m teachpoint --data-dir "$3" export --to "$1" > "$4.ro.out" 2> "$4.ro.err" || echo $? > "$4.ro.rc"
"""


@pytest.mark.skipif(sys.platform != "linux", reason="needs Linux namespaces")
def test_real_full_and_read_only_sticks(tmp_path, connected):
    """ENOSPC and EROFS from the kernel: a 64 KiB tmpfs, then remounted read-only."""
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is not installed")
    mnt, out = tmp_path / "mnt", tmp_path / "res"
    mnt.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    res = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", NAMESPACE_SCRIPT,
                          "sh", str(mnt), sys.executable, str(connected.paths.root), str(out)],
                         capture_output=True, text=True, timeout=120, env=env)
    if not Path(f"{out}.full.err").exists():
        pytest.skip(f"user/mount namespaces not available here: {res.stderr.strip()[:200]}")
    full_err = Path(f"{out}.full.err").read_text()
    assert Path(f"{out}.full.rc").read_text().strip() == "1"
    assert full_err.startswith("error: not enough disk space in ") and "more is needed" in full_err
    assert len(full_err.strip().splitlines()) == 1 and "Traceback" not in full_err
    ro_err = Path(f"{out}.ro.err").read_text()
    assert Path(f"{out}.ro.rc").read_text().strip() == "1"
    assert ro_err.strip() == f"error: cannot write to {mnt}: the stick is read-only (check its write-protect switch)"


# ---- hostile inventories ------------------------------------------------------------------------


def good_inventory(connected) -> dict:
    return make_inventory(connected)


@pytest.mark.parametrize("mutate, message", [
    (lambda o: b"\x00\xffgarbage", "not an inventory (not JSON)"),
    (lambda o: b"[" * 100_000, "not an inventory (not JSON)"),
    (lambda o: {**o, "_type": "teachpoint-root"}, "is not a TeachPoint inventory"),
    (lambda o: {**o, "format": 2}, "inventory format 2"),
    (lambda o: {**o, "pc": {"id": "../../etc/passwd"}}, "bad or missing PC id"),
    (lambda o: {**o, "repositories": ["county"]}, "bad repository list"),
    (lambda o: {**o, "repositories": {"../x": {"version": 1, "root_sha256": "0" * 64}}}, "bad repository name"),
    (lambda o: {**o, "repositories": {"county": {"version": "9", "root_sha256": "0" * 64}}}, "bad version"),
    (lambda o: {**o, "repositories": {"county": {"version": True, "root_sha256": "0" * 64}}}, "bad version"),
    (lambda o: {**o, "subscriptions": {"grades": [{"x": 1}]}}, "bad subscriptions"),
    (lambda o: {**o, "subscriptions": {"grades": ["十三年级"]}}, "bad subscriptions: unknown grade"),
    (lambda o: {**o, "blobs": {**o["blobs"], "count": "3"}}, "bad blob list"),
    (lambda o: {**o, "blobs": {**o["blobs"], "count": 1 << 40}}, "bad blob list"),
    (lambda o: {**o, "blobs": {**o["blobs"], "data": "!!!"}}, "not base64"),
    (lambda o: {**o, "blobs": {**o["blobs"], "count": o["blobs"]["count"] + 1}}, "not 8 × 8"),
    (lambda o: {**o, "blobs": {"encoding": "sha256-prefix8-sorted-base64", "count": 2,
                               "data": base64.b64encode(b"\xff" * 8 + b"\x00" * 8).decode()}}, "not sorted"),
])
def test_hostile_inventories_are_refused_clearly(tmp_path, connected, mutate, message):
    obj = good_inventory(connected)
    obj["blobs"] = {"encoding": "sha256-prefix8-sorted-base64", "count": 7,
                    "data": base64.b64encode(bytes(range(56))).decode()}
    data = mutate(obj)
    path = tmp_path / "bad.json"
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    with pytest.raises(InventoryError) as info:
        read_inventory(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_huge_symlinked_and_missing_inventories_and_the_cli_error(tmp_path, connected, stick, capsys):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(MAX_INVENTORY_BYTES + 10)  # sparse: nothing is really written
    with pytest.raises(InventoryError, match="larger than the 32 MiB"):
        read_inventory(huge)
    (tmp_path / "link.json").symlink_to("/etc/passwd")
    with pytest.raises(InventoryError, match="is not an inventory file"):
        read_inventory(tmp_path / "link.json")
    with pytest.raises(InventoryError, match="no inventory in"):
        find_inventories(stick)
    (stick / "evil.json").write_text('{"_type": "teachpoint-inventory", "format": 1, "pc": {"id": "x/../y"}}')
    code, out, err = run_cli(capsys, "--data-dir", str(connected.paths.root), "export", "--to",
                             str(tmp_path / "out"), "--for", str(stick / "evil.json"))
    assert code == 1 and err == "error: evil.json: bad or missing PC id\n"
    assert not (tmp_path / "out").exists()  # nothing written
    assert_installed_lessons_play(connected, expect_at_least=3)


def test_inventory_is_compact(connected):
    shas = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(100_000)]
    from teachpoint.sneakernet.inventory import encode_blobs
    enc = encode_blobs(shas)
    assert enc["count"] == 100_000 and len(enc["data"]) < 1_100_000  # ~10.7 bytes a blob
    inv = parse_inventory(json.dumps({**make_inventory(connected), "blobs": enc}).encode())
    assert inv.holds(shas[500]) and not inv.holds("f" * 64)


# ---- FAT32 ----------------------------------------------------------------------------------------


def test_fat_names_on_an_exported_stick(connected, stick):
    export(connected, give_plan(connected), stick)
    for folder, dirs, files in os.walk(stick):
        names = dirs + files
        check_fat_names(names)  # raises if any is not FAT-safe or two clash ignoring case
        assert all(fat_name_ok(n) and len(n) <= 80 for n in names)
    assert not fat_name_ok("con") and not fat_name_ok("aux.json") and not fat_name_ok("a:b")
    assert not fat_name_ok("课程") and not fat_name_ok("trailing.")
    with pytest.raises(ExportError, match="clash on a FAT stick"):
        check_fat_names(["County", "county"])


MOUNTS = """/dev/vda / ext4 rw 0 0
/dev/sdb1 /media/usb vfat rw,uid=1000 0 0
/dev/sdc1 /media/usb/deeper ext4 rw 0 0
/dev/sdd1 /media/my\\040stick msdos rw 0 0
"""


def test_fat_detection_by_longest_mount_prefix():
    assert filesystem_type(Path("/media/usb/teachpoint"), MOUNTS) == "vfat"
    assert filesystem_type(Path("/media/usb/deeper/x"), MOUNTS) == "ext4"
    assert filesystem_type(Path("/media/usbother"), MOUNTS) == "ext4"
    assert may_be_fat(Path("/media/my stick/x"), MOUNTS)
    assert not may_be_fat(Path("/home/x"), MOUNTS)


def test_a_file_over_4_gib_is_refused_on_fat(connected, stick, monkeypatch):
    plan = give_plan(connected)
    repo = plan.repositories[0]
    fake = "ab" * 32  # a fake size entry: nothing of 4 GiB is written or read
    repo.blobs[fake], repo.names[fake] = FAT_MAX_FILE + 1, "整本书朗读 (big.mp4)"
    fat = f"/dev/sdb1 {stick} vfat rw 0 0\n"
    with pytest.raises(ExportError, match=r"整本书朗读 \(big.mp4\) is 4.0 GiB, too big for a FAT32 stick"):
        export(connected, plan, stick, mounts=fat)
    assert not (stick / "county").exists()  # refused before writing anything
    # With --large-files, or on a filesystem that is not FAT, the size check lets it through
    # (and the space check, told the stick has 1 GB, stops it: again before writing anything).
    monkeypatch.setattr(export_mod, "free_space", lambda path: 1 << 30)
    for kwargs in ({"mounts": fat, "large_files": True}, {"mounts": f"/dev/sdb1 {stick} exfat rw 0 0\n"}):
        with pytest.raises(NotEnoughSpace):
            export(connected, plan, stick, **kwargs)
    repo.blobs[fake] = FAT_MAX_FILE  # exactly 4 GiB - 1 fits on FAT
    with pytest.raises(NotEnoughSpace):
        export(connected, plan, stick, mounts=fat)
    assert not (stick / "county").exists()
