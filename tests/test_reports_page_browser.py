"""The county page in a real browser: headless Chromium (Debian ``chromium``) renders the
self-contained page without network, its script runs to the end, and the charts are drawn.
The screenshot lands in ``test-artifacts/county-page.png`` for people to look at."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from teachpoint.reports.collect import collect
from teachpoint.reports.page import write_page
from teachpoint.testing.pixels import count_colour
from teachpoint.testing.synthetic_reports import make_pcs, school_days, write_reports

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--virtual-time-budget=5000"]
BAR_BLUE = (0x2F, 0x80, 0xED)
BAND_RED = (0xC0, 0x39, 0x2B)

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"  # a fresh profile every run
    return subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("county")
    write_reports(base / "stick" / "_reports", make_pcs(50), school_days(date(2026, 9, 1), 60))
    result = collect([base / "stick"], base / "county.db")
    assert result.merged > 100 and not result.refused
    return write_page(base / "county.db", base / "页面.html", today=date(2026, 11, 30))


def test_page_script_runs_to_the_end_in_chromium(tmp_path, page):
    dom = chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-ready="1"' in dom.stdout  # the last line of the page's script ran
    assert dom.stdout.count("<canvas") >= 6  # every chart drew into its canvas
    assert "没有报告的学校" in dom.stdout


def test_page_screenshot_shows_the_charts(tmp_path, page):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "county-page.png"
    shot.unlink(missing_ok=True)
    done = chromium(tmp_path, page.as_uri(), "--window-size=1400,3800", f"--screenshot={shot}")
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    assert count_colour(shot, BAR_BLUE) > 500  # the played-minutes bars and most-used lessons
    assert count_colour(shot, BAND_RED) > 500  # schools below a quarter of the timetable
