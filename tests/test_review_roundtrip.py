"""Issue 15's "done means", end to end with real media, a real SeaweedFS bucket and real ffmpeg:
a teacher adds lessons → they play at once → a stick and the bucket carry them to the county →
the reviewer collects from both, accepts one and rejects one → a second school syncs and plays the
accepted lesson with attribution → the first school sees 已通过 / 未通过 and the reason, its local
copy replaced by the county's signed one without fetching the same bytes again."""

from __future__ import annotations

import pytest

from teachpoint import review
from teachpoint.contrib import ACCEPTED, PENDING, REJECTED, add_contribution, list_contributions
from teachpoint.contrib.share import export_contributions
from teachpoint.library import contributions as own
from teachpoint.library.settings import SETTING_REPORT_TO
from teachpoint.paths import DataPaths
from teachpoint.publish.bucket import publish_to_bucket
from teachpoint.reports.upload import SETTING_ENDPOINT
from teachpoint.reports.upload_schedule import ReportUploadSchedule
from teachpoint.sync.pipeline import import_repository
from teachpoint.testing import media
from teachpoint.transport.sources import open_source
from teachpoint.workspace import Workspace

from helpers import assert_installed_lessons_play
from test_s3_publish import aws_env, bucket, folder, weed  # noqa: F401 - the SeaweedFS fixtures

pytestmark = pytest.mark.seaweedfs


def school(path, publisher_key) -> Workspace:
    ws = Workspace(DataPaths(path, explicit=True), install_demo=False)
    ws.trust.add(publisher_key.with_suffix(".pub"))
    return ws


from teachpoint.library.source_list import add_source  # noqa: E402
from teachpoint.sync.engine import SyncEngine  # noqa: E402


def sync_county(ws, url):
    return import_repository(ws, open_source(url)).raise_problem()


def test_teacher_to_county_to_every_school_and_back(tmp_path, weed, bucket, aws_env, source_dir,
                                                    publisher_key):
    county_url = f"s3://{bucket}/county/"
    http_url = f"{weed.endpoint}/{bucket}/county/"
    publish_to_bucket(source_dir, publisher_key.with_suffix(".key"), folder(weed, bucket),
                      name="county", title="某某县教学资源")
    phone = tmp_path / "phone"
    good = media.make_video(phone / "春天在哪里.mp4", seconds=2.0, pattern="rgbtestsrc")
    dark = media.make_video(phone / "小燕子.mp4", seconds=2.0, pattern="smptebars")

    # 1. The teacher adds a lesson: in the catalogue at once, 本校, playable.
    a = school(tmp_path / "school-a", publisher_key)
    sync_county(a, http_url)
    first = add_contribution(a, [good], title="春天在哪里", grade="三年级", subject="音乐",
                             edition="人音版", volume="上册", unit="第二单元 春天", lesson=6,
                             teacher="李老师", share_name=True)
    assert first.state == PENDING and own.is_own_lesson(a.catalogue, first.resource_ids[0])
    assert_installed_lessons_play(a, expect_at_least=4)

    # 2. A stick carries it; a second lesson added later goes up with the service's upload.
    stick = tmp_path / "stick"
    export_contributions(a, stick)
    second = add_contribution(a, [dark], title="小燕子", grade=3, subject="音乐", teacher="李老师")
    a.set_setting(SETTING_REPORT_TO, f"s3://{bucket}/reports")
    a.set_setting(SETTING_ENDPOINT, weed.endpoint)
    assert ReportUploadSchedule().tick(a, 0.0) is True
    assert any(k.endswith("/root.json") for k in folder(weed, bucket, "contributions/").list_objects())

    # 3. The county collects from both: the stick's lesson once, the bucket's new one.
    db = tmp_path / "county" / "county.db"
    db.parent.mkdir()
    got = review.collect(db, [stick, f"s3://{bucket}/contributions/"], endpoint_url=weed.endpoint)
    assert (got.new, got.known, got.refused) == (2, 1, [])
    queue = {e.contribution_id: e for e in review.list_entries(db)}
    shown = review.show(db, queue[first.id].id)
    assert shown["teacher"] == "李老师" and shown["place"].startswith("三年级 音乐 人音版")
    video = shown["checks"]["files"][0]
    assert video["duration"] == pytest.approx(2.0, abs=0.2) and (video["width"], video["height"]) == (160, 120)
    assert video["transcode"] == [] and shown["checks"]["duplicates"] == {"queue": [], "county": []}

    # 4. Accept one, reject the other (both published into the county's bucket).
    key = publisher_key.with_suffix(".key")
    accepted = review.accept(db, queue[first.id].id, key, county_url, by="王审核", endpoint_url=weed.endpoint)
    rejected = review.reject(db, queue[second.id].id, "画面太暗，请重新录制", by="王审核", key=key,
                             out=county_url, endpoint_url=weed.endpoint)
    assert (accepted.state, rejected.state) == ("accepted", "rejected")
    assert [h["by"] for h in review.show(db, accepted.id)["history"]] == ["王审核"]

    # 5. Another school syncs and plays the accepted lesson, with attribution.
    b = school(tmp_path / "school-b", publisher_key)
    sync_county(b, http_url)
    county_id = f"county:{accepted.county_resource}"
    res = b.catalogue.resource(county_id)
    assert res.title == "春天在哪里" and b.catalogue.state_of(county_id) == "installed"
    assert own.attribution(b.catalogue, county_id)["teacher"] == "李老师"
    assert not own.own_resource_ids(b.catalogue)
    assert_installed_lessons_play(b, expect_at_least=4)

    # 6. The first school's sync round lets the county's copy stand for its own at once (no
    #    lesson twice in the tree) without fetching it again; it sees both decisions.
    add_source(a.catalogue, http_url, "county")
    round_result = SyncEngine(a).sync_once()
    outcome = round_result.sources[0].install
    assert outcome.status == "installed" and outcome.files.bytes_copied == 0  # bytes already here
    assert own.own_resource_ids(a.catalogue) == set(second.resource_ids)  # only the rejected one
    states = {c.id: c for c in list_contributions(a)}
    assert states[first.id].state == ACCEPTED and states[first.id].state_zh == "已通过"
    assert states[first.id].decided_at and states[first.id].replaced
    assert states[first.id].resource_ids == (county_id,)
    assert states[second.id].state == REJECTED and states[second.id].reason == "画面太暗，请重新录制"
    assert own.own_resource_ids(a.catalogue) == set(states[second.id].resource_ids)
    assert a.catalogue.state_of(county_id) == "installed"
    assert_installed_lessons_play(a, expect_at_least=5)
    a.close()
    b.close()


def test_a_tampered_package_in_the_bucket_is_refused(tmp_path, weed, bucket, aws_env, published_repo,
                                                     publisher_key):
    from teachpoint.contrib.share import upload_contributions
    from teachpoint.transport.sources import FolderSource

    a = school(tmp_path / "school-a", publisher_key)
    import_repository(a, FolderSource(published_repo)).raise_problem()
    c = add_contribution(a, [media.make_video(tmp_path / "v.mp4", seconds=2.0)], title="春天", grade=3,
                         subject="音乐")
    upload_contributions(a, f"s3://{bucket}", weed.endpoint)
    store = folder(weed, bucket, "contributions/")
    sha = c.files[0][1]
    name = next(n for n in store.list_objects() if n.endswith(sha))
    data = bytearray(store.get_bytes(name, 1 << 30))
    data[-100] ^= 0xFF
    store.put_bytes(name, bytes(data), "application/octet-stream", "")
    db = tmp_path / "county.db"
    got = review.collect(db, [f"s3://{bucket}/contributions/"], endpoint_url=weed.endpoint)
    assert got.new == 0 and [r["kind"] for r in got.refused] == ["BlobMismatch"]
    assert review.list_entries(db) == []
    assert_installed_lessons_play(a, expect_at_least=4)
    a.close()
