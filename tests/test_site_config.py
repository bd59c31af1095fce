"""The site configuration (preseed): real TOML files, real keys, a real Workspace and repository."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from teachpoint.library.teaching import add_bookmark, classes, remove_class, save_position
from teachpoint.paths import DataPaths
from teachpoint.site.config import (
    ENV_SITE_CONFIG, FILE_NAME, SETTING_APPLIED, apply_site_config, check_file, find_site_configs)
from teachpoint.site.file import TABLE_KEYS, TOP_KEYS
from teachpoint.sync import schedule
from teachpoint.sneakernet.inbox_config import get_inbox
from teachpoint.library.source_list import list_sources, remove_source
from teachpoint.transport.sources import FolderSource
from teachpoint.library.settings import (
    SETTING_IT_PIN, SETTING_LANGUAGE, SETTING_LARGE_TEXT, SETTING_LOCKED, clear_it_pin, it_pin_matches,
    it_pin_record)
from teachpoint.workspace import Workspace

from helpers import assert_installed_lessons_play

DOCS = Path(__file__).resolve().parent.parent / "docs"
EXAMPLE = DOCS / "teachpoint-site.example.toml"


def make_bundle(folder: Path, publisher_key: Path, published_repo: Path, text: str) -> Path:
    """A bundle folder: the config, keys/county.pub and content/ (a published repository)."""
    (folder / "keys").mkdir(parents=True, exist_ok=True)
    shutil.copy(publisher_key.with_suffix(".pub"), folder / "keys" / "county.pub")
    if not (folder / "content").exists():
        shutil.copytree(published_repo, folder / "content")
    config = folder / FILE_NAME
    config.write_text(text, encoding="utf-8")
    return config


def fresh_ws(path: Path) -> Workspace:
    return Workspace(DataPaths(path, explicit=True), install_demo=False, apply_site=False)


@pytest.fixture
def example(tmp_path, publisher_key, published_repo) -> Path:
    """The shipped docs example in a bundle folder with the key and content it names."""
    return make_bundle(tmp_path / "bundle", publisher_key, published_repo,
                       EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def played(workspace, published_repo):
    """The test workspace with the published lessons installed and some teacher data."""
    workspace.install(FolderSource(published_repo))
    rid = workspace.catalogue.db.execute(
        "SELECT resource_id FROM resource_state WHERE state = 'installed'").fetchone()[0]
    save_position(workspace.catalogue, rid, 4200)
    add_bookmark(workspace.catalogue, rid, 1000, "这里讲重点")
    return workspace


def teacher_data(ws) -> list:
    return [ws.catalogue.db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("progress", "bookmarks")]


def test_shipped_example_is_valid_and_documented(example):
    assert check_file(example) == []
    doc = (DOCS / "site-config.md").read_text(encoding="utf-8")
    for key in (*TOP_KEYS, *(k for keys in TABLE_KEYS.values() for k in keys)):
        assert f"`{key}`" in doc, f"docs/site-config.md does not describe {key}"


def test_full_example_applies_everything(example, publisher_key, tmp_path):
    ws = fresh_ws(tmp_path / "data")
    report = apply_site_config(ws, [example])
    assert report.problems == [] and report.files == [example]
    bundle = example.parent
    assert [(s.name, s.location) for s in list_sources(ws.catalogue)] == [
        ("县服务器", "http://county.example.cn/teachpoint/"),
        ("自带课程", str((bundle / "content").resolve()))]
    key_id = [t for t in ws.trust.list()][0].key_id
    assert ws.trust.allows(key_id, "county") and not ws.trust.allows(key_id, "another")
    assert ws.trust.get_trusted(key_id).name == "某某县资源中心"
    bandwidth = schedule.load_bandwidth(ws)
    assert bandwidth.limit_kbit == 1024
    assert [w.to_text() for w in bandwidth.windows] == [
        "mon,tue,wed,thu,fri 08:00-17:00 256", "sat,sun 00:00-24:00 unlimited"]
    subs = schedule.load_subscriptions(ws)
    assert subs.grades == [3, 4] and subs.subjects == ["数学", "语文", "音乐"]
    inbox = get_inbox(ws)
    assert inbox.folder == bundle / "satellite-inbox" and inbox.cleanup is False
    assert [(c.grade, c.subject, c.edition) for c in classes(ws.catalogue)] == [
        (3, "数学", "人教版"), (3, "语文", "统编版")]
    assert ws.floor_bytes == 2 << 30 and ws.store.floor_bytes == 2 << 30
    assert ws.setting(SETTING_LANGUAGE) == "zh_CN" and ws.setting(SETTING_LARGE_TEXT, "0") == "0"
    assert ws.locked_settings() == {"sources", "trust", "bandwidth"}
    assert report.locked == ["sources", "trust", "bandwidth"]
    # 2 sources, key, bandwidth, subs, floor, inbox, language, 2 classes, the PIN
    assert len(report.applied) == 11
    assert it_pin_matches(ws.catalogue, "4827") and not it_pin_matches(ws.catalogue, "0000")
    assert "4827" not in ws.setting(SETTING_IT_PIN)  # only its hash is kept
    again = apply_site_config(ws, [example])
    assert again.applied == [] and again.problems == []
    clear_it_pin(ws.catalogue)  # someone removed it: the next start puts it back
    assert apply_site_config(ws, [example]).applied == ["the PIN of the IT part of settings set"]
    assert it_pin_record(ws.catalogue)["by"] == "site"


@pytest.mark.parametrize("value, words", [
    ('"0427"', None), ("1234", "must be written in quotes"),
    ('"12"', "must be 4 to 12 digits"), ('"abcd"', "must be 4 to 12 digits"),
    ('"１２３４"', "must be 4 to 12 digits"), ('["1234"]', "must be 4 to 12 digits"),
    ('"' + "9" * 5000 + '"', "must be 4 to 12 digits")])
def test_a_bad_it_pin_is_reported_and_the_lessons_still_play(value, words, played, tmp_path):
    config = tmp_path / FILE_NAME
    config.write_text(f'lock = ["sources", "trust"]\nit_pin = {value}\nlanguage = "en"\n',
                      encoding="utf-8")
    report = apply_site_config(played, [config])
    if words is None:
        assert report.problems == [] and it_pin_matches(played.catalogue, "0427")
    else:
        assert any(f"line 2: '{'it_pin'}'" in p and words in p and "was not applied" in p
                   for p in report.problems), report.problems
        assert it_pin_record(played.catalogue) is None  # no PIN: nothing half-set
        assert all(len(p) < 400 for p in report.problems)  # a 5000-digit value is not echoed
    assert played.setting(SETTING_LANGUAGE) == "en"  # the rest applies
    assert played.locked_settings() == {"sources", "trust"}
    assert_installed_lessons_play(played)


def test_workspace_applies_the_file_named_by_the_environment(example, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_SITE_CONFIG, str(example))
    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    assert ws.site_report.files == [example] and ws.site_report.ok
    assert {s.name for s in list_sources(ws.catalogue)} == {"县服务器", "自带课程"}
    monkeypatch.setenv(ENV_SITE_CONFIG, str(tmp_path / "gone.toml"))
    ws.close()
    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    assert any("gone.toml, which does not exist" in p for p in ws.site_report.problems)
    assert ws.locked_settings() == frozenset()  # the file is gone: nothing is locked any more
    assert {s.name for s in list_sources(ws.catalogue)} == {"县服务器", "自带课程"}  # nothing removed


def test_no_site_configuration_writes_nothing(workspace):
    assert workspace.site_report.files == [] and workspace.site_report.ok
    assert workspace.setting(SETTING_APPLIED) is None and workspace.setting(SETTING_LOCKED) is None


def test_precedence_bundle_beats_machine_wide_and_locks_add_up(tmp_path, monkeypatch):
    """Fake a frozen executable and a site config dir: all three places, merged per setting."""
    exe_dir, etc = tmp_path / "bundle", tmp_path / "etc"
    (exe_dir).mkdir()
    (etc / "TeachPoint").mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe_dir / "teachpoint"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(etc))
    override = tmp_path / "override.toml"
    override.write_text('large_text = true\n', encoding="utf-8")
    monkeypatch.setenv(ENV_SITE_CONFIG, str(override))
    (exe_dir / FILE_NAME).write_text('language = "en"\nlock = ["language"]\n', encoding="utf-8")
    (etc / "TeachPoint" / FILE_NAME).write_text(
        'language = "zh_CN"\nlarge_text = false\nlock = ["bandwidth"]\n'
        '[bandwidth]\nlimit_kbit = 300\n', encoding="utf-8")
    found = find_site_configs()
    assert found == [override, exe_dir / FILE_NAME, etc / "TeachPoint" / FILE_NAME]
    ws = Workspace(DataPaths(tmp_path / "data", explicit=True), install_demo=False)
    assert ws.site_report.files == found and ws.site_report.ok
    assert ws.setting(SETTING_LANGUAGE) == "en"  # the bundle's file wins over the machine-wide one
    assert ws.setting(SETTING_LARGE_TEXT) == "1"  # the override wins
    assert schedule.load_bandwidth(ws).limit_kbit == 300  # only the machine-wide file sets it
    assert ws.locked_settings() == {"language", "bandwidth"}


def test_each_start_restores_locked_settings_and_keeps_the_teachers_unlocked_ones(
        example, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_SITE_CONFIG, str(example))
    paths = DataPaths(tmp_path / "data", explicit=True)
    ws = Workspace(paths, install_demo=False)
    # Changes made some other way (the command line uses these same calls).
    remove_source(ws.catalogue, "县服务器")  # locked
    ws.trust.remove("某某县资源中心")  # locked
    ws.set_setting(schedule.SETTING_BANDWIDTH, json.dumps({"limit_kbit": 99999, "windows": []}))
    ws.set_setting(SETTING_LANGUAGE, "en")  # not locked
    ws.set_setting(schedule.SETTING_SUBSCRIPTIONS, json.dumps({"grades": [5], "subjects": []}))
    remove_class(ws.catalogue, classes(ws.catalogue)[0].id)  # not locked
    ws.close()
    ws = Workspace(paths, install_demo=False)
    report = ws.site_report
    assert report.ok and len(report.applied) == 3, report.applied
    assert {s.name for s in list_sources(ws.catalogue)} == {"县服务器", "自带课程"}
    assert [t.name for t in ws.trust.list()] == ["某某县资源中心"]
    assert schedule.load_bandwidth(ws).limit_kbit == 1024
    assert ws.setting(SETTING_LANGUAGE) == "en"
    assert schedule.load_subscriptions(ws).grades == [5]
    assert len(classes(ws.catalogue)) == 1
    ws.close()
    # IT edits the file: everything is applied again, as on a first start.
    example.write_text(example.read_text(encoding="utf-8") + "\n# 2025-09 更新\n", encoding="utf-8")
    ws = Workspace(paths, install_demo=False)
    assert ws.setting(SETTING_LANGUAGE) == "zh_CN" and schedule.load_subscriptions(ws).grades == [3, 4]
    assert len(classes(ws.catalogue)) == 2


def test_a_missing_folder_is_retried_at_the_next_start(tmp_path, monkeypatch):
    later = tmp_path / "usb" / "课程"
    config = tmp_path / FILE_NAME
    config.write_text(f'[[sources]]\nname = "u盘"\nlocation = "{later.as_posix()}"\n',
                      encoding="utf-8")
    monkeypatch.setenv(ENV_SITE_CONFIG, str(config))
    paths = DataPaths(tmp_path / "data", explicit=True)
    ws = Workspace(paths, install_demo=False)
    assert any("line 3: folder" in p and "does not exist" in p
               for p in ws.site_report.problems)
    assert list_sources(ws.catalogue) == []
    ws.close()
    later.mkdir(parents=True)
    ws = Workspace(paths, install_demo=False)
    assert ws.site_report.ok and [s.name for s in list_sources(ws.catalogue)] == ["u盘"]


GOOD_TOP = 'language = "en"\nlock = ["language"]\n'
GOOD_TABLES = """
[[sources]]
name = "bundle"
location = "content"

[[trust]]
key_file = "keys/county.pub"
repositories = ["county"]
"""


def assemble(fragment: str) -> tuple[str, int | None]:
    """The good config with ``fragment`` where it belongs (top-level keys before the tables);
    returns the text and the line number of the line marked ``  @`` (or None)."""
    top = not fragment.lstrip().startswith("[")
    text = GOOD_TOP + (fragment + "\n" if top else "") + GOOD_TABLES + ("" if top else fragment + "\n")
    lines = text.split("\n")
    marker = next((i + 1 for i, line in enumerate(lines) if line.endswith("  @")), None)
    return text.replace("  @", ""), marker


# (name, text added to the good config (its line marked "  @"), words the problem must contain)
BAD_FRAGMENTS = [
    ("syntax error", "large_text = = true  @", ["TOML syntax error", "this line was skipped"]),
    ("broken header", "[bandwidth  @\nlimit_kbit = 5\n", ["TOML syntax error", "table header"]),
    ("chinese quotes", "large_text = “true”  @", ["syntax error", "not Chinese ones"]),
    ("windows backslash", '[inbox]\nfolder = "D:\\卫星接收"  @', ["write / instead of"]),
    ("unknown key", "bandwith = 256  @", ["unknown key 'bandwith'", "did you mean 'bandwidth'"]),
    ("unknown key in a table", "[bandwidth]\nlimit_kbt = 256  @",
     ["unknown key 'limit_kbt' in [bandwidth]", "did you mean 'limit_kbit'", "was not applied"]),
    ("key in the wrong place", "windows = []  @", ["it belongs under [bandwidth]"]),
    ("wrong type bool", 'large_text = "yes"  @', ["'large_text' must be true or false"]),
    ("wrong type list", '[subscriptions]\ngrades = "三年级"  @', ["'grades' must be a list"]),
    ("wrong type number", '[bandwidth]\nlimit_kbit = "fast"  @', ["'limit_kbit' must be"]),
    ("single brackets", '[classes]  @\ngrade = "三年级"\nsubject = "语文"\n',
     ["write [[classes]] (two brackets)"]),
    ("missing required", '[[classes]]  @\nsubject = "语文"\n',
     ["'grade' is missing", "this entry was skipped"]),
    ("missing key file", '[[trust]]\nkey_file = "keys/nobody.pub"  @',
     ["nobody.pub does not exist", "this entry was skipped"]),
    ("garbage key file", '[[trust]]\nkey_file = "keys/garbage.pub"  @',
     ["is not a TeachPoint public key"]),
    ("private key", '[[trust]]\nkey_file = "keys/county.key"  @', ["is a PRIVATE key"]),
    ("unreachable source folder", '[[sources]]\nlocation = "/nonexistent/课程"  @',
     ["folder /nonexistent/课程 does not exist", "this entry was skipped"]),
    ("source is a file", '[[sources]]\nlocation = "keys/county.pub"  @', ["is a file, not a folder"]),
    ("unreachable inbox", '[inbox]\nfolder = "/nonexistent/drive/inbox"  @',
     ["folder /nonexistent/drive/inbox does not exist", "'inbox' was not applied"]),
    ("non-http url", '[[sources]]\nlocation = "ftp://county.example.cn/"  @',
     ["unsupported source", "use http(s):// or a folder"]),
    ("bad window", '[bandwidth]\nwindows = ["weekdays 8-5"]  @',
     ["bad time window 'weekdays 8-5'", "'bandwidth' was not applied"]),
    ("unknown grade", '[subscriptions]\ngrades = ["三年纪"]  @', ["unknown grade '三年纪'"]),
    ("unknown subject", '[[classes]]\ngrade = 3\nsubject = "数雪"  @',
     ["unknown subject '数雪'", "did you mean"]),
    ("unknown table", '[x]  @\nkey = 1\n', ["unknown key 'x'"]),
    ("bad size", 'storage_floor = "2"  @', ["'storage_floor' needs a unit"]),
    ("bad source name", '[[sources]]\nname = "a b"  @\nlocation = "content"\n',
     ["bad source name 'a b'"]),
]


@pytest.mark.parametrize("name,fragment,words", BAD_FRAGMENTS, ids=[c[0] for c in BAD_FRAGMENTS])
def test_bad_values_are_reported_and_the_rest_applies(name, fragment, words, played, tmp_path,
                                                     publisher_key, published_repo):
    text, marker = assemble(fragment)
    config = make_bundle(tmp_path / "bundle", publisher_key, published_repo, text)
    shutil.copy(publisher_key.with_suffix(".key"), config.parent / "keys" / "county.key")
    (config.parent / "keys" / "garbage.pub").write_bytes(b"ssh-rsa AAAA\xe4\xb8\xad nonsense\n")
    before = teacher_data(played)
    report = apply_site_config(played, [config])
    assert report.problems, name
    problem = next((p for p in report.problems if all(w in p for w in words)), None)
    assert problem is not None, report.problems
    assert problem.startswith(f"{config}: line {marker}: "), (marker, problem)
    assert "Traceback" not in problem
    # the valid rest is applied
    assert played.setting(SETTING_LANGUAGE) == "en" and played.locked_settings() == {"language"}
    assert any(s.name == "bundle" for s in list_sources(played.catalogue))
    key_id = publisher_key_id(publisher_key)
    assert played.trust.allows(key_id, "county") and not played.trust.allows(key_id, "other")
    assert teacher_data(played) == before
    assert_installed_lessons_play(played)


def publisher_key_id(prefix: Path) -> str:
    from teachpoint.repo.keys import load_public_key

    return load_public_key(prefix.with_suffix(".pub")).key_id


def test_bad_bandwidth_keeps_the_previous_value(played, tmp_path):
    played.set_setting(schedule.SETTING_BANDWIDTH, json.dumps({"limit_kbit": 128, "windows": []}))
    config = tmp_path / FILE_NAME
    config.write_text('[bandwidth]\nlimit_kbit = 512\nwindows = ["mon-fri 08:00-17:00 256", '
                      '"mon-fri 25:00-26:00 1"]\n', encoding="utf-8")
    report = apply_site_config(played, [config])
    assert any("line 3: bad time '25:00'" in p for p in report.problems), report.problems
    assert schedule.load_bandwidth(played).limit_kbit == 128


@pytest.mark.parametrize("content,words", [
    (b"", "the file is empty"),
    (b"# only a comment\n\n", "has no settings"),
    (b"language = 'en'\n" + b"# padding\n" * 40_000, "too large"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4, "binary file"),
    ('language = "zh_CN"\n# 某某县\n[[classes]]\ngrade = "三年级"\n'.encode("gbk"), "line 2: the file is not UTF-8"),
    (b'title = """unclosed\nlanguage = "en"\n', "the file was not used"),
], ids=["empty", "comments only", "huge", "binary", "gbk", "unclosed string"])
def test_unusable_files_are_reported_and_the_other_files_still_apply(content, words, played,
                                                                    tmp_path):
    bad = tmp_path / "bad" / FILE_NAME
    bad.parent.mkdir()
    bad.write_bytes(content)
    good = tmp_path / "good.toml"
    good.write_text('large_text = true\n', encoding="utf-8")
    before = teacher_data(played)
    assert any(words in p for p in check_file(bad)), check_file(bad)
    report = apply_site_config(played, [bad, good])
    assert any(p.startswith(f"{bad}: ") and words in p for p in report.problems), report.problems
    assert played.setting(SETTING_LARGE_TEXT) == "1"
    assert played.setting(SETTING_LANGUAGE) is None
    assert teacher_data(played) == before
    assert_installed_lessons_play(played)


def test_a_folder_or_unreadable_path_is_a_problem_not_a_crash(played, tmp_path):
    report = apply_site_config(played, [tmp_path, tmp_path / "nothing.toml"])
    assert f"{tmp_path}: this is a folder, not a site configuration file" in report.problems
    assert f"{tmp_path / 'nothing.toml'}: the file does not exist" in report.problems
    assert_installed_lessons_play(played)


def test_check_file_changes_nothing(example, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in example.parent.rglob("*")}
    assert check_file(example) == []
    assert {p: p.stat().st_mtime_ns for p in example.parent.rglob("*")} == before
    assert not (example.parent / "satellite-inbox").exists()


def test_messages_point_at_the_right_line(tmp_path):
    config = tmp_path / FILE_NAME
    config.write_text('# 站点配置\nlanguage = "zh_CN"\n\n[[sources]]\nlocation = "http://a.cn/"\n\n'
                      '[[sources]]\nname = "b"\nlocation = "http://b.cn/"\nlocaton = "x"\n\n'
                      '[bandwidth]\nlimit_kbit = 256\nwindows = ["mon-fri 8:00-17:00 256"]\n'
                      '[subscriptions]\nsubjects = ["数学", 7]\n', encoding="utf-8")
    problems = check_file(config)
    assert problems[0].startswith("line 10: unknown key 'locaton' in [[sources]] (did you mean "
                                  "'location'?)"), problems
    assert problems[1].startswith("line 16: unknown subject '7'"), problems
    assert len(problems) == 2  # "8:00" is fine: the window parser takes one-digit hours


def test_bad_lock_names_are_reported_and_the_good_ones_lock(played, tmp_path):
    config = tmp_path / FILE_NAME
    config.write_text('# 锁定\nlock = ["language", "sorces", 3]\n', encoding="utf-8")
    report = apply_site_config(played, [config])
    assert report.problems == [f"{config}: line 2: 'lock' must be a list of names like "
                               "[\"sources\", \"trust\"], not a list"]
    config.write_text('# 锁定\nlock = ["language", "sorces"]\n', encoding="utf-8")
    report = apply_site_config(played, [config])
    assert len(report.problems) == 1 and "line 2: unknown lock name 'sorces' (did you mean " \
        "'sources'?)" in report.problems[0]
    assert played.locked_settings() == {"language"}
