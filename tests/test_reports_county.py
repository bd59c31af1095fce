"""At the county: collect reports from sticks (verify, pin keys, ignore duplicates, show gaps,
acknowledge), summarise them, and write the one-file page."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from teachpoint.reports import collect, outbox, summary

from helpers import assert_installed_lessons_play
from reports_helpers import county_usage, play_days, school_pc

DAYS = ["2026-11-02", "2026-11-03", "2026-11-04"]


def test_collect_pins_merges_ignores_duplicates_and_acknowledges(tmp_path, published_repo, publisher_key):
    a = school_pc(tmp_path / "a", published_repo, publisher_key, "石桥村教学点")
    b = school_pc(tmp_path / "b", published_repo, publisher_key, "山口教学点")
    stick = tmp_path / "stick"
    (stick / outbox.STICK_FOLDER).mkdir(parents=True)
    for ws in (a, b):
        play_days(ws, DAYS)
        outbox.write_pending_to_stick(ws, stick)
    db = tmp_path / "county.db"
    first = collect.collect([stick], db)
    assert (first.merged, first.records, first.duplicates, first.refused) == (2, 6, 0, [])
    again = collect.collect([stick], db)
    assert (again.merged, again.duplicates) == (0, 2)
    found = summary.summarise(db)
    assert {p["school"] for p in found["pcs"]} == {"石桥村教学点", "山口教学点"}
    assert all(p["max_seq"] == 1 and not p["gaps"] and p["records"] == 3 for p in found["pcs"])
    done = outbox.write_pending_to_stick(a, stick)  # back at school: the ack empties the outbox
    assert done.acknowledged == 1 and [p.name for p in outbox.pending_files(a)] == [done.made[0].name]
    assert_installed_lessons_play(a)
    a.close(), b.close()


def test_a_newer_report_replaces_a_day_and_a_missing_one_is_a_gap(tmp_path, published_repo, publisher_key):
    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    play_days(ws, DAYS[:1], minutes=10)
    [r1] = outbox.make_reports(ws)
    play_days(ws, DAYS[:1], minutes=5)
    [r2] = outbox.make_reports(ws)
    play_days(ws, DAYS[:1], minutes=5)
    [r3] = outbox.make_reports(ws)
    db = tmp_path / "county.db"
    collect.collect([r3], db)
    collect.collect([r1], db)  # older, arriving late: its value for the day does not win
    [(_pc, _day, _lesson, started, played_s, _fin)] = county_usage(db)
    assert (started, played_s) == (3, 20 * 60)
    [pc] = summary.summarise(db)["pcs"]
    assert pc["gaps"] == [2] and pc["reports"] == 2 and pc["max_seq"] == 3
    collect.collect([r2], db)
    assert summary.summarise(db)["pcs"][0]["gaps"] == []
    assert county_usage(db)[0][3:5] == (3, 20 * 60)
    ws.close()


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "teachpoint", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env={**os.environ, "TEACHPOINT_SITE_CONFIG": ""})


def test_cli_collect_summary_and_page(tmp_path, published_repo, publisher_key):
    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    play_days(ws, DAYS)
    ws.close()
    data = ["--data-dir", str(tmp_path / "pc")]
    assert _cli("report", "--to", str(tmp_path / "stick"), *data).returncode == 0
    db = tmp_path / "county.db"
    got = _cli("reports", "collect", str(tmp_path / "stick"), "--db", str(db), "--json", *data)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["merged"] == 1
    text = _cli("reports", "summary", "--db", str(db), *data)
    assert "石桥村教学点" in text.stdout and "reports 1..1" in text.stdout
    page = _cli("reports", "html", "--db", str(db), "--out", str(tmp_path / "page.html"), *data)
    assert page.returncode == 0, page.stderr
    html = (tmp_path / "page.html").read_text("utf-8")
    assert "石桥村教学点" in html and "echarts" in html and "http://" not in html.split("<script id=\"data\"")[1]
    missing = _cli("reports", "summary", "--db", str(tmp_path / "nowhere.db"), *data)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no county database")


def test_page_data_flags_quiet_schools_and_sick_pcs(tmp_path, published_repo, publisher_key):
    from datetime import date

    from teachpoint.library import county
    from teachpoint.reports import dashboard
    from teachpoint.reports.health import record_player_check

    ws = school_pc(tmp_path / "pc", published_repo, publisher_key, "石桥村教学点")
    play_days(ws, DAYS)
    record_player_check(ws.paths, "FAIL", "no frames decoded")
    [report] = outbox.make_reports(ws)
    db = tmp_path / "county.db"
    collect.collect([report], db)
    conn = county.open_county(db)
    data = dashboard.build(conn, quiet_days=14, today=date(2027, 1, 1))
    conn.close()
    assert data["quiet"]["count"] == 1 and data["quiet"]["rows"][0]["school"] == "石桥村教学点"
    assert data["pc_problems"]["counts"]["failing_player"] == 1
    assert data["lessons"]["most"][0]["minutes"] == 60
    assert data["recent_vs_need"]["subjects"] == ["音乐"] and data["recent_vs_need"]["need"] == [80]
    ws.close()


def test_a_new_county_database_opened_by_several_workers_at_once_is_made_once(tmp_path):
    """The 审核 screen reads the queue while 收集 starts (two workers, one new file): both open
    it, neither sees "table pcs already exists" or "database is locked"."""
    import threading

    from teachpoint.library import county as county_db

    problems = []
    for trial in range(10):
        path = tmp_path / f"county-{trial}.db"
        start = threading.Barrier(4)

        def open_it():
            start.wait()
            try:
                county_db.open_county(path).close()
            except Exception as exc:  # noqa: BLE001 - collected and shown by the assertion
                problems.append(exc)

        workers = [threading.Thread(target=open_it) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(30)
    assert problems == []
    foreign = tmp_path / "other.db"
    import sqlite3
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    try:
        county_db.open_county(foreign)
        raise AssertionError("a foreign database was opened")
    except Exception as exc:  # noqa: BLE001
        assert "is not a TeachPoint county database" in str(exc)
