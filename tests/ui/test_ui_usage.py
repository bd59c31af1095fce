"""The 使用情况 place: reached from the top bar, filled by a worker, this week and this term per
class as bar charts, and the class with no lesson for four weeks said in red."""

from __future__ import annotations

from datetime import date, timedelta

from teachpoint.library import teaching, usage

from uihelpers import rid


def add_usage(ws) -> None:
    """三年级音乐 played this week; 二年级语文 last played five weeks ago; 四年级英语 never."""
    today = date.today()
    for grade, subject in ((3, "音乐"), (2, "语文"), (4, "英语")):
        teaching.add_class(ws.catalogue, grade, subject)
    with ws.catalogue.write_lock, ws.catalogue.db.conn:
        conn = ws.catalogue.db.conn
        for resource, day, minutes in ((rid("m-3-2-4"), today, 40),
                                       (rid("y-2-5-14"), today - timedelta(weeks=5), 30)):
            usage.count_start(conn, resource, day=day.isoformat())
            conn.execute("UPDATE usage_daily SET played_ms = ? WHERE resource_id = ? AND day = ?",
                         [minutes * 60_000, resource, day.isoformat()])


def bar_values(view) -> dict[str, list[float]]:
    series = view.chart().series()[0]
    return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}


def test_usage_place_shows_classes_and_the_quiet_one(qtbot, window, library):
    from teachpoint.ui import places
    from teachpoint.ui.main_window import PAGE_USAGE

    add_usage(library)
    assert window.top_bar.buttons[places.USAGE].text() == "使用情况"
    window.go(places.USAGE)
    page = window.usage_page
    assert window.pages.currentIndex() == PAGE_USAGE
    qtbot.waitUntil(lambda: page.data is not None, timeout=10_000)
    assert page.data.classes() == [(2, "语文"), (3, "音乐"), (4, "英语")]
    quiet = page.quiet_label.text()
    assert page.quiet_label.isVisibleTo(page) and "二年级语文" in quiet and "四年级英语" in quiet
    assert "音乐" not in quiet
    week = bar_values(page.week_view)
    assert week["分钟"] == [0, 40, 0] and week["四周没有上课"] == [0, 0, 0]
    term = bar_values(page.term_view)
    assert term["分钟"][1] == 40 and term["四周没有上课"][2] == 0
    assert page.key_label.text() == "本机还没有生成过使用情况报告"


def test_empty_usage_page_says_so_and_shows_the_key(qtbot, tasks, library):
    from teachpoint.reports.identity import load_identity
    from teachpoint.ui.usage_page import UsagePage

    ident = load_identity(library)
    page = UsagePage(tasks)
    qtbot.addWidget(page)
    page.set_workspace(library)
    qtbot.waitUntil(lambda: page.data is not None, timeout=10_000)
    assert page.empty_label.isVisibleTo(page) and not page.week_view.isVisibleTo(page)
    assert ident.fingerprint in page.key_label.text()


def test_term_starts_in_september_and_february():
    from teachpoint.ui.usage_page import term_start

    assert term_start(date(2026, 12, 3)) == date(2026, 9, 1)
    assert term_start(date(2027, 1, 10)) == date(2026, 9, 1)
    assert term_start(date(2027, 4, 1)) == date(2027, 2, 1)
