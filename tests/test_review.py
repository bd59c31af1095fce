"""The county's review (issue 15): hostile packages refused with a reason while everything
collected before stays; conversion to the county profile only when needed; decisions recorded
and reversible; the county repository's signed decisions reach the school by a stick too."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from teachpoint import review
from teachpoint.contrib import ACCEPTED, PENDING, REJECTED, add_contribution, list_contributions
from teachpoint.contrib.share import export_contributions
from teachpoint.errors import ReviewError, UsageError
from teachpoint.library import county
from teachpoint.publish import media as probe_media
from teachpoint.repo import keys
from teachpoint.review.collect import open_queue
from teachpoint.review.transcode import Profile, bitrate_of
from teachpoint.sync.lock import SyncLock
from teachpoint.sync.pipeline import import_repository
from teachpoint.testing import media
from teachpoint.transport.sources import FolderSource

from helpers import assert_installed_lessons_play


@pytest.fixture
def school(workspace, repo_copy):
    import_repository(workspace, FolderSource(repo_copy)).raise_problem()
    workspace.county_repo = repo_copy
    return workspace


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone")
    return {"fits": media.make_video(folder / "春天在哪里.mp4", seconds=2.0, pattern="rgbtestsrc"),
            "other": media.make_video(folder / "小燕子.mp4", seconds=2.0, pattern="smptebars"),
            "heavy": media.make_video(folder / "课堂实录.mp4", seconds=3.0, size="320x240",
                                      noise_seed=5, bitrate="4M")}


def contribute(ws, path, title, **extra):
    return add_contribution(ws, [path], title=title, grade="三年级", subject="音乐", **extra)


def stick_of(ws, tmp_path, name="stick"):
    export_contributions(ws, tmp_path / name)
    return tmp_path / name


def package(stick):
    return next((stick / "TeachPoint" / "contributions").iterdir())


def test_a_tampered_package_is_refused_and_what_came_before_stays(school, videos, tmp_path):
    contribute(school, videos["fits"], "春天在哪里")
    good = stick_of(school, tmp_path, "good")
    db = tmp_path / "county.db"
    assert review.collect(db, [good]).new == 1
    second = contribute(school, videos["other"], "小燕子")
    bad = stick_of(school, tmp_path, "bad")
    sha = second.files[0][1]
    blob = package(bad) / "blobs" / "sha256" / sha[:2] / sha
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    got = review.collect(db, [bad])
    assert got.new == 0 and len(got.refused) == 1 and got.refused[0]["kind"] == "BlobMismatch"
    assert [e.title for e in review.list_entries(db)] == ["春天在哪里"]
    conn = open_queue(db)
    assert conn.execute("SELECT kind FROM refused").fetchall() == [("BlobMismatch",)]
    conn.close()
    assert_installed_lessons_play(school, expect_at_least=4)


def test_a_package_signed_by_another_key_than_the_pinned_one_is_refused(school, videos, tmp_path):
    contribute(school, videos["fits"], "春天在哪里")
    stick = stick_of(school, tmp_path)
    db = tmp_path / "county.db"
    assert review.collect(db, [stick]).new == 1
    pc_dir = package(stick)
    # A stranger re-signs the PC's package with a key of their own and ships that key.
    stranger = keys.generate_keypair(tmp_path / "stranger", name="stranger")
    envelope = json.loads((pc_dir / "root.json").read_text("utf-8"))
    payload = json.loads(envelope["payload"])
    payload["key_id"], payload["version"] = stranger.public.key_id, payload["version"] + 1
    text = json.dumps(payload, ensure_ascii=False)
    (pc_dir / "root.json").write_text(json.dumps({"payload": text, "signatures": [
        {"key_id": stranger.public.key_id, "sig": keys.sign(stranger.private_key, text.encode())}]}))
    (pc_dir / "pc.pub").write_text(stranger.public.to_text())
    got = review.collect(db, [stick])
    assert got.refused and "pinned to another key" in got.refused[0]["reason"]
    assert len(review.list_entries(db)) == 1
    # A package whose root is not signed by the key it carries (an unknown PC's claim) is refused.
    (pc_dir / "pc.pub").write_text(keys.generate_keypair(tmp_path / "other").public.to_text())
    conn = open_queue(db)
    conn.execute("DELETE FROM pcs")  # the county never saw this PC: nothing pinned
    conn.close()
    assert review.collect(db, [stick]).refused[0]["kind"] in ("SignatureError", "UntrustedPublisher")
    assert_installed_lessons_play(school, expect_at_least=4)


def test_the_pin_is_shared_with_the_usage_reports(school, videos, tmp_path):
    contribute(school, videos["fits"], "春天在哪里")
    db = tmp_path / "county.db"
    review.collect(db, [stick_of(school, tmp_path)])
    conn = open_queue(db)
    pc_id = review.list_entries(db)[0].pc_id
    pinned = county.pinned_pc(conn, pc_id)
    conn.close()
    from teachpoint.reports.identity import load_identity

    assert pinned[1] == load_identity(school).public.b64


def test_accept_converts_only_what_does_not_fit_and_the_school_fetches_the_new_file(school, videos, tmp_path,
                                                                                   publisher_key):
    light = contribute(school, videos["fits"], "春天在哪里")
    heavy = contribute(school, videos["heavy"], "课堂实录", teacher="张老师")  # name not shared
    db = tmp_path / "county.db"
    review.collect(db, [stick_of(school, tmp_path)])
    entries = {e.contribution_id: e for e in review.list_entries(db)}
    shown = review.show(db, entries[heavy.id].id, county_repo=school.county_repo)
    assert any("Mbit/s" in why for why in shown["checks"]["files"][0]["transcode"])
    assert shown["teacher"] == ""
    key, out = publisher_key.with_suffix(".key"), school.county_repo
    done = review.accept(db, entries[heavy.id].id, key, out)
    kept = review.accept(db, entries[light.id].id, key, out)
    outcome = import_repository(school, FolderSource(out)).raise_problem()
    assert outcome.files.files_copied >= 1  # the converted video is a new file
    county_heavy = school.catalogue.resource(f"county:{done.county_resource}")
    path = school.store.path_of(county_heavy.main.sha256)
    info = probe_media.probe(path)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert bitrate_of(path, info) <= Profile().max_bitrate
    assert county_heavy.main.sha256 != heavy.files[0][1]
    county_light = school.catalogue.resource(f"county:{kept.county_resource}")
    assert county_light.main.sha256 == light.files[0][1]  # it fits: the school's own bytes
    states = {c.id: c.state for c in list_contributions(school)}
    assert states == {light.id: ACCEPTED, heavy.id: ACCEPTED}
    assert own_count(school) == 0
    # A duplicate shows in the checks once the county holds the lesson.
    again = review.show(db, entries[light.id].id, county_repo=out)
    assert again["checks"]["duplicates"]["county"]
    assert_installed_lessons_play(school, expect_at_least=5)


def own_count(ws) -> int:
    from teachpoint.library.contributions import own_resource_ids

    return len(own_resource_ids(ws.catalogue))


def test_decisions_are_recorded_and_reversible_and_travel_on_a_stick(school, videos, tmp_path, publisher_key):
    c = contribute(school, videos["fits"], "春天在哪里")
    db = tmp_path / "county.db"
    review.collect(db, [stick_of(school, tmp_path)])
    entry = review.list_entries(db)[0]
    key, out = publisher_key.with_suffix(".key"), school.county_repo
    with pytest.raises(UsageError, match="say why"):
        review.reject(db, entry.id, "  ")
    review.reject(db, entry.id, "声音太小", by="甲")  # recorded; travels with the next publish
    with pytest.raises(UsageError):
        review.undo(db, 999)
    review.accept(db, entry.id, key, out, by="乙")  # accept after reject
    import_repository(school, FolderSource(out)).raise_problem()
    listed: list = []
    with SyncLock(school.paths.root):  # a sync runs in this thread: listing elsewhere still works
        lister = threading.Thread(target=lambda: listed.append(list_contributions(school)))
        lister.start()
        lister.join(30)
    assert listed and listed[0][0].state == ACCEPTED and not listed[0][0].replaced
    assert list_contributions(school)[0].replaced and own_count(school) == 0
    review.undo(db, entry.id, by="丙", key=key, out=out)  # and back out of the county repository
    import_repository(school, FolderSource(out)).raise_problem()
    back = list_contributions(school)[0]  # the local copy is back, playable
    assert back.state == PENDING and not back.replaced and own_count(school) == 1
    assert school.catalogue.state_of(back.resource_ids[0]) == "installed"
    assert review.list_entries(db)[0].state == "pending"
    with pytest.raises(ReviewError):
        review.undo(db, entry.id)
    final = review.reject(db, entry.id, "请补充字幕", by="丁", key=key, out=out)
    history = review.show(db, final.id)["history"]
    assert [(h["action"], h["by"]) for h in history] == [("reject", "甲"), ("accept", "乙"),
                                                         ("undo", "丙"), ("reject", "丁")]
    # The county's signed repository goes to the school on a stick (the export of any PC).
    carried = tmp_path / "county-stick"
    shutil.copytree(out, carried)
    import_repository(school, FolderSource(carried)).raise_problem()
    mine = list_contributions(school)[0]
    assert (mine.id, mine.state, mine.reason) == (c.id, REJECTED, "请补充字幕")
    assert own_count(school) == 1  # never replaced: the local copy still plays
    assert_installed_lessons_play(school, expect_at_least=4)


def test_list_without_decisions_is_pending(school, videos):
    c = contribute(school, videos["fits"], "春天在哪里")
    assert [(x.id, x.state) for x in list_contributions(school)] == [(c.id, PENDING)]


def test_a_tampered_decision_list_is_refused_and_nothing_changes(school, videos, tmp_path, publisher_key):
    from teachpoint.repo.root import parse_root
    from teachpoint.repo.format import meta_path
    from teachpoint.repo.verify import verify_repository

    c = contribute(school, videos["fits"], "春天在哪里")
    db = tmp_path / "county.db"
    review.collect(db, [stick_of(school, tmp_path)])
    out = school.county_repo
    review.reject(db, review.list_entries(db)[0].id, "声音太小", key=publisher_key.with_suffix(".key"), out=out)
    carried = tmp_path / "county-stick"
    shutil.copytree(out, carried)
    root = parse_root((carried / "root.json").read_bytes(), school.trust)
    node = carried / meta_path(root.reviews.sha256)
    node.write_bytes(node.read_bytes()[:-4] + b"\0\0\0\0")
    assert any(p.startswith("reviews:") for p in verify_repository(FolderSource(carried), school.trust).problems)
    outcome = import_repository(school, FolderSource(carried))
    assert outcome.status == "failed"
    assert [(x.id, x.state) for x in list_contributions(school)] == [(c.id, PENDING)]
    assert_installed_lessons_play(school, expect_at_least=4)


def test_a_schools_stick_export_carries_the_decisions_to_another_pc(school, videos, tmp_path, publisher_key):
    from teachpoint.paths import DataPaths
    from teachpoint.sneakernet.export import export, give_plan
    from teachpoint.transport.sources import expand_sources
    from teachpoint.workspace import Workspace

    contribute(school, videos["fits"], "春天在哪里")
    db = tmp_path / "county.db"
    review.collect(db, [stick_of(school, tmp_path)])
    review.reject(db, review.list_entries(db)[0].id, "声音太小", key=publisher_key.with_suffix(".key"),
                  out=school.county_repo)
    import_repository(school, FolderSource(school.county_repo)).raise_problem()
    stick = tmp_path / "carried"
    export(school, give_plan(school), stick)
    other = Workspace(DataPaths(tmp_path / "other", explicit=True), install_demo=False)
    other.trust.add(publisher_key.with_suffix(".pub"))
    for source in expand_sources(str(stick)):
        if source.folder.name == "county":
            import_repository(other, source).raise_problem()
    rows = other.catalogue.db.execute("SELECT decision, reason FROM review_decisions").fetchall()
    assert rows == [("rejected", "声音太小")]
    assert_installed_lessons_play(other, expect_at_least=3)
    other.close()


def test_a_stick_with_lessons_and_contributions_yields_only_the_contributions(school, videos, tmp_path):
    from teachpoint.sneakernet.export import export, give_plan

    contribute(school, videos["fits"], "春天在哪里")
    stick = stick_of(school, tmp_path)
    export(school, give_plan(school), stick)  # the same stick also carries the county's lessons
    got = review.collect(tmp_path / "county.db", [stick])
    assert (got.new, got.refused) == (1, [])
    assert not any(p.name.startswith("contrib-") for p in stick.iterdir())  # not given to other PCs


def test_a_lan_peer_never_serves_the_schools_own_lessons(school, videos):
    from teachpoint.testing.daemon import free_port
    from teachpoint.transport.serve import Peer

    contribute(school, videos["fits"], "春天在哪里")
    with Peer(school, port=free_port()) as peer:
        assert peer.repositories() == ["county"]


def test_the_countys_csv_publish_keeps_accepted_lessons(school, videos, tmp_path, publisher_key, source_dir):
    from teachpoint.publish.publisher import publish

    c = contribute(school, videos["fits"], "春天在哪里")
    db = tmp_path / "county.db"
    review.collect(db, [stick_of(school, tmp_path)])
    key, out = publisher_key.with_suffix(".key"), school.county_repo
    done = review.accept(db, review.list_entries(db)[0].id, key, out)
    publish(source_dir, key, out, progress=lambda *_: None)  # the county's usual publish
    import_repository(school, FolderSource(out)).raise_problem()
    assert school.catalogue.state_of(f"county:{done.county_resource}") == "installed"
    assert list_contributions(school)[0].state == ACCEPTED
    assert c.id == list_contributions(school)[0].id


def test_a_lesson_the_school_removed_before_review_is_withdrawn(school, videos, tmp_path, publisher_key):
    from teachpoint.contrib import remove_contribution

    keep = contribute(school, videos["fits"], "春天在哪里")
    gone = contribute(school, videos["other"], "小燕子")
    db = tmp_path / "county.db"
    assert review.collect(db, [stick_of(school, tmp_path, "first")]).new == 2
    remove_contribution(school, gone.id)
    got = review.collect(db, [stick_of(school, tmp_path, "second")])
    assert (got.new, got.withdrawn) == (0, 1)
    states = {e.contribution_id: e for e in review.list_entries(db)}
    assert (states[keep.id].state, states[gone.id].state_zh) == ("pending", "已撤回")
    with pytest.raises(ReviewError, match="withdrawn"):
        review.accept(db, states[gone.id].id, publisher_key.with_suffix(".key"), school.county_repo)
    again = contribute(school, videos["other"], "小燕子")  # added back: pending again
    assert review.collect(db, [stick_of(school, tmp_path, "third")]).updated == 1
    assert {e.contribution_id: e.state for e in review.list_entries(db)}[again.id] == "pending"
