"""Usage records and reports on the PC: aggregates per day, class and lesson; signed reports with
a PC key made on first use; nothing about pupils (a name planted in a bookmark label never leaves)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from teachpoint.library import teaching, usage
from teachpoint.reports import format as fmt
from teachpoint.reports import identity, outbox
from teachpoint.transport.sources import FolderSource

from helpers import assert_installed_lessons_play

PUPIL = "王小明"  # a pupil's name a teacher might type into a bookmark label


def _installed(workspace, published_repo):
    workspace.install(FolderSource(published_repo))
    return workspace


def _video(ws, subject="音乐") -> str:
    """A video resource of ``subject``, made ten minutes long (the test clips are one second)."""
    rid = ws.catalogue.db.execute(
        "SELECT r.id FROM resources r JOIN lessons l ON l.id = r.lesson_id "
        "WHERE l.subject = ? AND r.kind = 'video'", [subject]).fetchone()[0]
    with ws.catalogue.db.conn:
        ws.catalogue.db.conn.execute("UPDATE resources SET duration = 600 WHERE id = ?", [rid])
    return rid


def _seconds_pass(ws, rid, seconds: int) -> None:
    """Pretend the last save of ``rid`` was ``seconds`` ago (the player saves every 15 s)."""
    from datetime import datetime, timedelta, timezone

    then = (datetime.now(timezone.utc) - timedelta(seconds=seconds)).replace(microsecond=0)
    with ws.catalogue.db.conn:
        ws.catalogue.db.conn.execute("UPDATE progress SET last_played = ? WHERE resource_id = ?",
                                     [then.isoformat().replace("+00:00", "Z"), rid])


def _play(ws, rid, minutes: int, finish: bool = False) -> None:
    """Start ``rid`` and play ``minutes`` of it in 30 s saves, then maybe to its end."""
    teaching.record_play(ws.catalogue, rid)
    pos = teaching.progress_of(ws.catalogue, rid)["position_ms"]
    for _ in range(minutes * 2):
        _seconds_pass(ws, rid, 30)
        pos += 30_000
        teaching.save_position(ws.catalogue, rid, pos)
    if finish:
        _seconds_pass(ws, rid, 600)
        teaching.save_position(ws.catalogue, rid, 0, finished=True)


def _rows(ws):
    return ws.catalogue.db.execute(
        "SELECT day, resource_id, grade, subject, started, played_ms, finished FROM usage_daily").fetchall()


def test_plays_become_one_record_per_day_class_and_lesson(workspace, published_repo):
    ws = _installed(workspace, published_repo)
    rid = _video(ws)
    _play(ws, rid, 3)
    _play(ws, rid, 2)
    [(day, got, grade, subject, started, played_ms, finished)] = _rows(ws)
    assert (day, got, grade, subject) == (usage.today(), rid, 3, "音乐")
    assert (started, played_ms, finished) == (2, 300_000, 0)


def test_finishing_counts_once_and_a_seek_forward_is_not_playing(workspace, published_repo):
    ws = _installed(workspace, published_repo)
    rid = _video(ws)
    teaching.record_play(ws.catalogue, rid)
    _seconds_pass(ws, rid, 15)
    teaching.save_position(ws.catalogue, rid, 300_000)  # jumped five minutes in 15 s
    _seconds_pass(ws, rid, 15)
    teaching.save_position(ws.catalogue, rid, 580_000)  # jumped past 95%: finished
    _seconds_pass(ws, rid, 20)
    teaching.save_position(ws.catalogue, rid, 0, finished=True)  # the end: not a second finish
    [(*_, started, played_ms, finished)] = _rows(ws)
    assert started == 1 and finished == 1
    assert played_ms <= 3 * usage.CAP_SLACK_MS + 50_000


def test_report_is_signed_numbered_and_leaves_no_pupil_name(workspace, published_repo):
    ws = _installed(workspace, published_repo)
    rid = _video(ws)
    _play(ws, rid, 4, finish=True)
    teaching.add_bookmark(ws.catalogue, rid, 60_000, f"{PUPIL}在这里回答了问题")
    [first] = outbox.make_reports(ws)
    data = first.read_bytes()
    for form in (PUPIL.encode(), json.dumps(PUPIL).encode(), PUPIL.encode("unicode_escape")):
        assert form not in data
    rep = fmt.decode(data)
    assert rep.seq == 1 and rep.pc_id == identity.pc_id(ws)
    [record] = rep.records
    assert record[:4] == (usage.today(), rid, 3, "音乐") and record[5:] == (1, 240 + 360, 1)
    assert rep.health["app_version"] and rep.health["repositories"]["county"]["version"] == 1
    assert usage.pending_count(ws.catalogue) == 0
    [second] = outbox.make_reports(ws)  # nothing new: a health-only report, the next number
    assert fmt.decode(second.read_bytes()).seq == 2 and not fmt.decode(second.read_bytes()).records
    _play(ws, rid, 1)  # today's record changed: pending again, with its new absolute value
    [third] = outbox.make_reports(ws)
    [again] = fmt.decode(third.read_bytes()).records
    assert again[5:] == (2, 660, 1)
    assert_installed_lessons_play(ws)


def test_pc_key_is_made_once_private_and_shown(workspace, published_repo):
    ws = workspace
    assert identity.fingerprint(ws) is None
    ident = identity.load_identity(ws)
    key = ws.paths.root / "reports" / "pc.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert identity.load_identity(ws).fingerprint == ident.fingerprint == identity.fingerprint(ws)
    shown = outbox.preview(ws)
    assert shown["fingerprint"] == ident.fingerprint and shown["body"]["seq"] == 1
    assert not outbox.pending_files(ws)  # showing makes nothing


def test_many_pending_records_make_several_bounded_reports(workspace, published_repo, monkeypatch):
    ws = _installed(workspace, published_repo)
    rid = _video(ws)
    for day in range(25):
        with ws.catalogue.db.conn:
            usage.count_start(ws.catalogue.db.conn, rid, day=f"2026-10-{day + 1:02d}")
    monkeypatch.setattr(fmt, "MAX_RECORDS", 10)
    made = outbox.make_reports(ws)
    assert [len(fmt.decode(p.read_bytes()).records) for p in made] == [10, 10, 5]
    assert outbox.acknowledge(ws, 2) == 2 and outbox.pending_files(ws) == made[2:]


def test_old_records_are_deleted_from_the_pc(workspace, published_repo):
    ws = _installed(workspace, published_repo)
    rid = _video(ws)
    with ws.catalogue.db.conn:
        usage.count_start(ws.catalogue.db.conn, rid, day="2020-01-01")
        usage.count_start(ws.catalogue.db.conn, rid)
    assert usage.purge_old(ws.catalogue) == 1
    assert [r[0] for r in _rows(ws)] == [usage.today()]


def _cli(*args, data_dir):
    import subprocess

    return subprocess.run([sys.executable, "-m", "teachpoint", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TEACHPOINT_SITE_CONFIG": ""})


def test_cli_report_show_then_to_a_folder(tmp_path, workspace, published_repo):
    ws = _installed(workspace, published_repo)
    _play(ws, _video(ws), 2)
    teaching.add_bookmark(ws.catalogue, _video(ws), 1000, PUPIL)
    ws.close()
    shown = _cli("report", "--show", "--school", "石桥村教学点", data_dir=ws.paths.root)
    assert shown.returncode == 0, shown.stderr
    assert "key fingerprint:" in shown.stdout and "石桥村教学点" in shown.stdout
    assert PUPIL not in shown.stdout
    out = _cli("report", "--to", str(tmp_path / "out"), "--json", data_dir=ws.paths.root)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert len(result["made"]) == 1 and len(result["copied"]) == 1
    copied = Path(result["copied"][0])
    assert fmt.decode(copied.read_bytes()).school == "石桥村教学点"
    assert PUPIL.encode() not in copied.read_bytes()
    bad = _cli("report", "--to", "/proc/not-here", data_dir=ws.paths.root)
    assert bad.returncode == 1 and bad.stderr.startswith("error: cannot write the reports into")


@pytest.mark.parametrize("status", ["ok", "FAIL"])
def test_player_check_reaches_the_health(workspace, status):
    from teachpoint.reports.health import collect_health, record_player_check

    record_player_check(workspace.paths, status, "5 frames decoded")
    assert collect_health(workspace)["player_check"]["status"] == status


def test_site_configuration_sets_where_reports_are_uploaded(tmp_path, monkeypatch):
    from teachpoint.library.settings import SETTING_REPORT_TO
    from teachpoint.paths import DataPaths
    from teachpoint.workspace import Workspace

    site = tmp_path / "teachpoint-site.toml"
    site.write_text('report_to = "s3://county-reports/2026/"\n', encoding="utf-8")
    monkeypatch.setenv("TEACHPOINT_SITE_CONFIG", str(site))
    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    assert ws.setting(SETTING_REPORT_TO) == "s3://county-reports/2026/" and not ws.site_report.problems
    ws.close()
    site.write_text('report_to = "http://not-a-bucket"\n', encoding="utf-8")
    ws = Workspace(DataPaths(tmp_path / "data2", explicit=True), install_demo=False)
    assert ws.setting(SETTING_REPORT_TO) is None and "report_to" in " ".join(ws.site_report.problems)
    ws.close()


def test_reports_package_imports_no_qt_and_no_vlc():
    import subprocess

    code = ("import importlib, pkgutil, sys, teachpoint.reports\n"
            "for m in pkgutil.walk_packages(teachpoint.reports.__path__, 'teachpoint.reports.'):\n"
            "    importlib.import_module(m.name)\n"
            "import teachpoint.library.usage, teachpoint.library.county, teachpoint.library.county_queries\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'vlc'))]\n"
            "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
