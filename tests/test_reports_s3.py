"""Reports over a link: a PC uploads its outbox to a real SeaweedFS bucket on 127.0.0.1 (boto3,
retried with backoff), the county collects from the s3:// prefix; bad objects are refused."""

from __future__ import annotations

import json

import pytest

from teachpoint.errors import ObjectStoreAuthError, ObjectStoreUnreachable
from teachpoint.reports import collect, outbox, summary
from teachpoint.reports import upload
from teachpoint.reports.health import SETTING_LAST_SENT
from teachpoint.transport.s3 import BucketFolder, make_client, parse_s3_url

from helpers import assert_installed_lessons_play
from reports_helpers import play_days, school_pc
from test_s3_publish import aws_env, bucket, weed  # noqa: F401 - the SeaweedFS fixtures

pytestmark = pytest.mark.seaweedfs


def test_reports_reach_the_county_through_the_bucket(tmp_path, weed, bucket, aws_env, published_repo,
                                                      publisher_key):
    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    play_days(ws, ["2026-11-02", "2026-11-03"])
    url = f"s3://{bucket}/reports"
    ws.set_setting(upload.SETTING_REPORT_TO, url)
    ws.set_setting(upload.SETTING_ENDPOINT, weed.endpoint)
    sent = upload.upload_pending(ws)
    assert sent.made == 1 and len(sent.sent) == 1 and outbox.pending_files(ws) == []
    folder = BucketFolder(make_client(weed.endpoint), parse_s3_url(url))
    # a stranger's objects beside it: a tampered copy and a huge "report" (refused by its listed size)
    me = next(iter(folder.list_objects()))
    data = folder.get_bytes(me, 1 << 20)
    folder.put_bytes("x/tampered.tpreport", data.replace(b"2026-11-03", b"2026-11-09"), "application/json", "")
    folder.put_bytes("x/huge.tpreport", b" " * (5 << 20), "application/json", "")
    db = tmp_path / "county.db"
    got = collect.collect([url], db, endpoint_url=weed.endpoint)
    assert (got.merged, got.records) == (1, 2)
    assert sorted(r["kind"] for r in got.refused) == ["ReportSignatureError", "ReportTooLarge"]
    again = collect.collect([url], db, endpoint_url=weed.endpoint)
    assert again.merged == 0 and again.duplicates == 1
    assert summary.summarise(db)["pcs"][0]["school"] == "石桥村教学点"
    assert json.loads(ws.setting(SETTING_LAST_SENT))["to"] == url + "/"
    assert_installed_lessons_play(ws)
    ws.close()


def test_an_unreachable_bucket_is_retried_with_backoff_and_the_outbox_kept(tmp_path, aws_env,
                                                                          published_repo, publisher_key):
    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    play_days(ws, ["2026-11-02"])
    waits: list[float] = []
    with pytest.raises(ObjectStoreUnreachable):
        upload.upload_pending(ws, "s3://county-reports/in", "http://127.0.0.1:1", attempts=4,
                              first_delay=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0]
    assert len(outbox.pending_files(ws)) == 1  # nothing lost: the next link carries it
    assert_installed_lessons_play(ws)
    ws.close()


def test_refused_credentials_are_not_retried(tmp_path, weed, bucket, aws_env, monkeypatch,
                                             published_repo, publisher_key):
    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong" * 8)
    waits: list[float] = []
    with pytest.raises(ObjectStoreAuthError):
        upload.upload_pending(ws, f"s3://{bucket}/reports", weed.endpoint, sleep=waits.append)
    assert waits == [] and len(outbox.pending_files(ws)) == 1
    ws.close()


def test_the_sync_service_uploads_when_due_and_backs_off_when_the_link_is_down(tmp_path, weed, bucket,
                                                                              aws_env, published_repo,
                                                                              publisher_key):
    import random

    from teachpoint.library.settings import SETTING_REPORT_TO
    from teachpoint.reports.upload_schedule import FIRST_BACKOFF_S, INTERVAL_S, ReportUploadSchedule

    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    schedule = ReportUploadSchedule(random.Random(1))
    assert schedule.tick(ws, 0.0) is None  # no report_to: nothing happens
    ws.set_setting(SETTING_REPORT_TO, f"s3://{bucket}/reports/")
    aws_env_down = {"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in aws_env_down.items():
            mp.setenv(key, value)
        assert schedule.tick(ws, 0.0) is False
    assert FIRST_BACKOFF_S * 0.75 <= schedule.due <= FIRST_BACKOFF_S * 1.25
    assert schedule.tick(ws, 1.0) is None  # backing off
    ws.set_setting(upload.SETTING_ENDPOINT, weed.endpoint)
    assert schedule.tick(ws, schedule.due) is True and schedule.due > INTERVAL_S
    assert outbox.pending_files(ws) == []
    ws.close()
