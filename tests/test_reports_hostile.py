"""Bad reports at the county, each refused with a typed reason while everything merged before
stays, and the PC's lessons still play: tampered, truncated, another key for a known PC, replayed,
unknown format version, a 1 GB "report", malformed JSON, a stranger's stick, a pupil's name."""

from __future__ import annotations

import json
import os

import pytest

from teachpoint.errors import (
    ReportMalformed, ReportSignatureError, ReportTooLarge, ReportVersionUnknown)
from teachpoint.reports import collect, outbox, summary
from teachpoint.reports import format as fmt
from teachpoint.testing.synthetic_reports import make_pcs, report_bytes

from helpers import assert_installed_lessons_play
from reports_helpers import bookmark, county_usage, play_days, school_pc

PUPIL = "李小红"


@pytest.fixture
def county(tmp_path, published_repo, publisher_key):
    """A PC whose first report is merged at the county; yields (ws, db, merged rows, next report)."""
    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    play_days(ws, ["2026-11-02", "2026-11-03"])
    [first] = outbox.make_reports(ws)
    db = tmp_path / "county.db"
    assert collect.collect([first], db).merged == 1
    play_days(ws, ["2026-11-04"])
    [second] = outbox.make_reports(ws)
    yield ws, db, county_usage(db), second
    ws.close()


def _refused_kind(tmp_path, db, data: bytes, name="bad.tpreport") -> str:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    result = collect.collect([path], db)
    assert result.merged == 0 and len(result.refused) == 1, result.to_json()
    return result.refused[0]["kind"]


def _intact(ws, db, before) -> None:
    """Nothing merged was lost, the refusal is on record, and the PC still plays its lessons."""
    assert county_usage(db)[:len(before)] == before
    assert summary.summarise(db)["refused"]
    assert_installed_lessons_play(ws)


def test_tampered_report_is_refused(tmp_path, county):
    ws, db, before, second = county
    data = second.read_bytes().replace(b'"2026-11-04', b'"2026-11-05', 1)
    assert _refused_kind(tmp_path, db, data) == ReportSignatureError.__name__
    _intact(ws, db, before)


def test_truncated_report_is_refused(tmp_path, county):
    ws, db, before, second = county
    data = second.read_bytes()
    assert _refused_kind(tmp_path, db, data[: len(data) // 2]) == ReportMalformed.__name__
    _intact(ws, db, before)


def test_another_key_for_a_known_pc_is_refused_and_shown(tmp_path, county):
    ws, db, before, second = county
    body = json.loads(json.loads(second.read_bytes())["body"])
    impostor = make_pcs(1, seed=99)[0]
    forged = report_bytes(impostor.__class__(body["pc_id"], "假学校", impostor.key, (3,), {}),
                          body["seq"], body["records"], body["created_at"], {})
    assert _refused_kind(tmp_path, db, forged) == ReportSignatureError.__name__
    [refusal] = summary.summarise(db)["refused"]
    assert refusal["pc_id"] == body["pc_id"] and "pinned to another key" in refusal["reason"]
    assert refusal["offered_key_id"]
    assert [p["school"] for p in summary.summarise(db)["pcs"]] == ["石桥村教学点"]
    _intact(ws, db, before)
    assert collect.collect([second], db).merged == 1  # the real PC's next report still goes in


def test_replayed_report_changes_nothing(tmp_path, county):
    ws, db, before, second = county
    collect.collect([second], db)
    after = county_usage(db)
    again = collect.collect([second, second.parent], db)
    assert again.merged == 0 and again.duplicates >= 2 and county_usage(db) == after
    assert_installed_lessons_play(ws)


def test_unknown_format_version_is_refused(tmp_path, county):
    ws, db, before, second = county
    envelope = json.loads(second.read_bytes())
    envelope["version"] = 2
    data = json.dumps(envelope).encode()
    assert _refused_kind(tmp_path, db, data) == ReportVersionUnknown.__name__
    _intact(ws, db, before)


def test_a_1gb_report_is_refused_without_reading_it(tmp_path, county, monkeypatch):
    ws, db, before, _second = county
    big = tmp_path / "in" / "huge.tpreport"
    big.parent.mkdir()
    with open(big, "wb") as fh:  # sparse: 1 GiB long, no blocks used
        fh.truncate(1 << 30)
    reads = []
    real_read = fmt.read_bounded
    monkeypatch.setattr(fmt, "read_bounded", lambda p: reads.append(p) or real_read(p))
    result = collect.collect([big], db)
    assert [r["kind"] for r in result.refused] == [ReportTooLarge.__name__] and not reads
    with pytest.raises(ReportTooLarge):  # and a direct read stops at the bound
        real_read(big)
    _intact(ws, db, before)


def test_malformed_json_is_refused(tmp_path, county):
    ws, db, before, second = county
    assert _refused_kind(tmp_path, db, b'{"format": "teachpoint-usage-report", "version": 1, ') \
        == ReportMalformed.__name__
    envelope = json.loads(second.read_bytes())
    bad_body = dict(envelope, body="[1, 2")  # signature over a broken body: still refused
    assert _refused_kind(tmp_path, db, json.dumps(bad_body).encode(), "b.tpreport") \
        == ReportSignatureError.__name__
    body = json.loads(envelope["body"])  # well signed, but a day that is no date
    pc = make_pcs(1, seed=7)[0]
    odd = report_bytes(pc, 1, [["2026-13-45", *body["records"][0][1:]]], body["created_at"], {})
    assert _refused_kind(tmp_path, db, odd, "c.tpreport") == ReportMalformed.__name__
    _intact(ws, db, before)


def test_a_strangers_stick_cannot_steer_the_collector(tmp_path, county):
    ws, db, before, second = county
    stick = tmp_path / "stranger"
    folder = stick / outbox.STICK_FOLDER
    (folder / "deeper").mkdir(parents=True)
    (folder / "deeper" / second.name).write_bytes(second.read_bytes())  # not recursed into
    os.symlink("/etc/passwd", folder / "passwd.tpreport")  # a link out: never followed
    os.symlink(second, folder / "linked.tpreport")
    (folder / "dir.tpreport").mkdir()
    os.mkfifo(folder / "fifo.tpreport")  # would block a naive reader forever
    (folder / "notes.txt").write_text("not a report")
    (folder / "junk.tpreport").write_bytes(os.urandom(3000))
    result = collect.collect([stick], db)
    assert result.merged == 0 and [r["kind"] for r in result.refused] == [ReportMalformed.__name__]
    _intact(ws, db, before)


def test_a_pupils_name_in_a_bookmark_never_reaches_the_county(tmp_path, county):
    ws, db, _before, _second = county
    bookmark(ws, f"{PUPIL}答对了")
    stick = tmp_path / "stick"
    (stick / outbox.STICK_FOLDER).mkdir(parents=True)
    outbox.write_pending_to_stick(ws, stick)
    collect.collect([stick], db)
    for path in [*stick.rglob("*"), db, *db.parent.glob("county.db-*")]:
        if path.is_file():
            data = path.read_bytes()
            assert PUPIL.encode() not in data and PUPIL.encode("unicode_escape") not in data
    assert PUPIL not in json.dumps(outbox.preview(ws), ensure_ascii=False)
    assert_installed_lessons_play(ws)
