"""The core checks the settings page shares with the command line and site configuration:
speed limits and times (schedule), folder sources (source_list), the free-space floor (space)."""

from __future__ import annotations

import pytest

from teachpoint.errors import UsageError
from teachpoint.library.space import FloorProblem, check_floor, disk_of, store_space
from teachpoint.sync.schedule import parse_limit, parse_time, parse_window
from teachpoint.library.source_list import (
    FolderProblem, SourceExists, add_source, check_folder_readable, list_sources)


@pytest.mark.parametrize("text,expected", [("256", 256), (" 1 ", 1), ("10000000", 10_000_000),
                                           ("", None), ("unlimited", None), ("Unlimited", None)])
def test_parse_limit_accepts(text, expected):
    assert parse_limit(text) == expected


@pytest.mark.parametrize("text", ["-5", "0", "1.5", "abc", "２５６x", "10000001", "1e3", None])
def test_parse_limit_refuses(text):
    if text is None:
        assert parse_limit(text) is None  # nothing typed = no cap
        return
    with pytest.raises(UsageError):
        parse_limit(text)


@pytest.mark.parametrize("text,minutes", [("08:00", 480), ("8:05", 485), ("00:00", 0),
                                          ("24:00", 1440), (" 17:30 ", 1050)])
def test_parse_time_accepts(text, minutes):
    assert parse_time(text) == minutes


@pytest.mark.parametrize("text", ["25:00", "24:01", "08:60", "8点", "", "-1:00", "0800", "8:0"])
def test_parse_time_refuses(text):
    with pytest.raises(UsageError):
        parse_time(text)


def test_parse_time_agrees_with_parse_window():
    window = parse_window("mon-fri 08:00-17:00 256")
    assert (window.start, window.end) == (parse_time("08:00"), parse_time("17:00"))


def test_check_folder_readable(tmp_path):
    assert check_folder_readable(str(tmp_path)) == str(tmp_path.resolve())
    with pytest.raises(FolderProblem) as missing:
        check_folder_readable(str(tmp_path / "nope"))
    assert missing.value.reason == "missing" and missing.value.folder.endswith("nope")
    a_file = tmp_path / "f.txt"
    a_file.write_text("x")
    with pytest.raises(FolderProblem) as not_folder:
        check_folder_readable(str(a_file))
    assert not_folder.value.reason == "not_a_folder"
    with pytest.raises(FolderProblem) as web:
        check_folder_readable("http://example.cn/repo")
    assert web.value.reason == "web_address"
    with pytest.raises(UsageError):
        check_folder_readable("ftp://example.cn/")


def test_add_source_twice_raises_source_exists(workspace, tmp_path):
    add_source(workspace.catalogue, str(tmp_path))
    with pytest.raises(SourceExists):
        add_source(workspace.catalogue, str(tmp_path), name="other")
    assert len(list_sources(workspace.catalogue)) == 1


def test_check_floor():
    assert check_floor(0, 10 << 30) == 0
    assert check_floor(2 << 30, 10 << 30) == 2 << 30
    for value, reason in ((-1, "negative"), (10 << 30, "too_large"), (1.5, "not_a_number"),
                          (True, "not_a_number"), ("1", "not_a_number")):
        with pytest.raises(FloorProblem) as exc:
            check_floor(value, 10 << 30)
        assert exc.value.reason == reason


def test_store_space_measures_the_store_and_its_disk(workspace, tmp_path):
    blob = tmp_path / "lesson.bin"
    blob.write_bytes(b"x" * 5000)
    workspace.store.add_file(blob)
    space = store_space(workspace.store)
    assert (space.used, space.files) == (5000, 1)
    assert 0 < space.free <= space.total and space.floor == workspace.floor_bytes
    assert disk_of(workspace.store.root / "not" / "made" / "yet")[0] == space.total


def test_the_it_pin_is_stored_hashed_and_checked():
    from teachpoint.library.catalogue import Catalogue
    from teachpoint.library.settings import (
        SETTING_IT_PIN, PinProblem, clear_it_pin, get_setting, it_pin_matches, it_pin_record,
        set_it_pin, set_setting)

    cat = Catalogue.open(None)
    assert it_pin_record(cat) is None and it_pin_matches(cat, "anything")  # no PIN: open
    set_it_pin(cat, "0427")
    stored = get_setting(cat, SETTING_IT_PIN)
    assert "0427" not in stored and it_pin_record(cat)["by"] == "settings"
    assert it_pin_matches(cat, "0427")
    for wrong in ("427", "04270", "0428", "", "x" * 10_000, None, 427, "０４２７"):
        assert not it_pin_matches(cat, wrong)
    set_it_pin(cat, "0427")
    assert get_setting(cat, SETTING_IT_PIN) != stored  # a fresh salt each time
    for bad in ("12", "abcd", "1234567890123", 1234, "12 34"):
        with pytest.raises(PinProblem):
            set_it_pin(cat, bad)
    assert it_pin_matches(cat, "0427")  # a refused new PIN changes nothing
    set_setting(cat, SETTING_IT_PIN, '{"scheme": "scrypt", "n": 1073741824, "r": 8, "p": 1, '
                                     '"salt": "zz", "hash": "00"}')
    assert not it_pin_matches(cat, "0427")  # a damaged record opens to no PIN (and never hangs)
    clear_it_pin(cat)
    assert it_pin_record(cat) is None
