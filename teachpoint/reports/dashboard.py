"""The county page's numbers, computed from the county database (no HTML here).

* per subject, minutes per week (average per reporting school) against the timetable's need;
* per school and subject over the last :data:`RECENT_WEEKS` weeks: share of the timetable's
  minutes played (the schools furthest behind, and how many schools sit in each band);
* schools not heard from in N days; PCs out of date, low on disk or with a failing player;
* the most and least used lessons; the latest refused reports.

Each query is timed (``timings``, seconds) for the benchmark's p95.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, timedelta

from teachpoint.library import county, county_queries
from teachpoint.reports import timetable

RECENT_WEEKS = 4
LOW_DISK_BYTES = 2 << 30
WORST_SCHOOLS = 30
LESSONS_SHOWN = 15
ROWS_LISTED = 300
BANDS = ((0.25, "<25%"), (0.5, "25–50%"), (1.0, "50–100%"), (float("inf"), "≥100%"))


def _timed(timings: dict, name: str, fn, *args):
    started = time.perf_counter()
    value = fn(*args)
    timings[name] = time.perf_counter() - started
    return value


def _monday(week: int) -> str:
    return county.day_text(week * 7 + county_queries.MONDAY_OFFSET)


def _subject_weeks(weekly, lessons, schools: int, last_day: int) -> dict:
    """Minutes per week per subject, averaged over the reporting schools (whole weeks only: a
    week whose Friday is after the last day reported would look like a collapse)."""
    per = defaultdict(lambda: defaultdict(float))
    for week, lesson, secs, _s, _f in weekly:
        per[lessons[lesson][2]][week] += secs / 60
    whole = county_queries.week_of(last_day - 4)
    weeks = sorted({w for subject in per.values() for w in subject if w <= whole})
    return {"weeks": [_monday(w) for w in weeks],
            "series": {s: [round(per[s].get(w, 0) / max(1, schools), 1) for w in weeks] for s in sorted(per)}}


def _lesson_ranks(weekly, lessons) -> dict:
    """Most and least used lessons by minutes over the period."""
    minutes = defaultdict(float)
    for _week, lesson, secs, _s, _f in weekly:
        minutes[lesson] += secs / 60
    ranked = sorted(minutes.items(), key=lambda kv: (-kv[1], kv[0]))

    def row(lesson, mins):
        rid, grade, subject, title = lessons[lesson]
        return {"title": title or rid, "grade": grade, "subject": subject, "minutes": round(mins)}

    return {"most": [row(*kv) for kv in ranked[:LESSONS_SHOWN]],
            "least": [row(*kv) for kv in ranked[-LESSONS_SHOWN:][::-1]] if len(ranked) > LESSONS_SHOWN else []}


def _coverage(rows, weeks: int) -> dict:
    """Per school and subject: minutes per week / the timetable's minutes for its grades."""
    grades, played = defaultdict(set), defaultdict(float)
    for school, grade, subject, secs in rows:
        grades[school].add(grade)
        played[(school, subject)] += secs / 60 / weeks
    subjects = sorted({s for _, _, s, _ in rows if timetable.PERIODS.get(s)})
    table = {}
    for school, gs in grades.items():
        for subject in subjects:
            need = sum(timetable.weekly_minutes(g, subject) for g in gs)
            if need:
                table[(school, subject)] = (played.get((school, subject), 0.0), need)
    return {"subjects": subjects, "table": table}


def _coverage_views(cov: dict) -> dict:
    """The worst schools as a heat map, and per subject how many schools sit in each band."""
    by_school = defaultdict(list)
    for (school, subject), (mins, need) in cov["table"].items():
        by_school[school].append(min(mins / need, 2.0))
    worst = sorted(by_school, key=lambda s: (sum(by_school[s]) / len(by_school[s]), s))[:WORST_SCHOOLS]
    heat = [[x, y, round(100 * cov["table"][(school, subj)][0] / cov["table"][(school, subj)][1])]
            for y, school in enumerate(worst) for x, subj in enumerate(cov["subjects"])
            if (school, subj) in cov["table"]]
    bands = {label: [0] * len(cov["subjects"]) for _, label in BANDS}
    for (school, subject), (mins, need) in cov["table"].items():
        label = next(lbl for top, lbl in BANDS if mins / need < top)
        bands[label][cov["subjects"].index(subject)] += 1
    return {"subjects": cov["subjects"], "worst_schools": [s or "(未命名)" for s in worst],
            "heat": heat, "bands": bands}


def _pc_problems(pcs: list[dict]) -> dict:
    """PCs out of date (behind the newest version seen of a repository), low on disk, failing player."""
    newest: dict[str, int] = {}
    for pc in pcs:
        for repo, info in (pc["health"].get("repositories") or {}).items():
            if isinstance(info, dict) and isinstance(info.get("version"), int):
                newest[repo] = max(newest.get(repo, 0), info["version"])
    rows = []
    for pc in pcs:
        h = pc["health"]
        repos = h.get("repositories") or {}
        behind = [f"{r} v{i.get('version')}<v{newest[r]}" for r, i in repos.items()
                  if isinstance(i, dict) and isinstance(i.get("version"), int) and i["version"] < newest[r]]
        free = h.get("free_disk_bytes")
        low = isinstance(free, int) and free < LOW_DISK_BYTES
        player = h.get("player_check") if isinstance(h.get("player_check"), dict) else {}
        failing = player.get("status") == "FAIL"
        if behind or low or failing:
            rows.append({"school": pc["school"] or "(未命名)", "pc_id": pc["pc_id"], "behind": ", ".join(behind),
                         "low_disk": low,
                         "free_gb": round(free / (1 << 30), 1) if isinstance(free, int) else None,
                         "player": str(player.get("detail", ""))[:80] if failing else "",
                         "version": str(h.get("app_version", "")), "last_report_at": pc["last_report_at"]})
    counts = {"out_of_date": sum(1 for r in rows if r["behind"]),
              "low_disk": sum(1 for r in rows if r["low_disk"]),
              "failing_player": sum(1 for r in rows if r["player"])}
    return {"counts": counts, "rows": rows[:ROWS_LISTED], "listed_of": len(rows)}


def _quiet(heard, quiet_days: int, today: date) -> dict:
    cutoff = (today - timedelta(days=quiet_days)).isoformat()
    rows = [{"school": s or "(未命名)", "last": last, "pcs": n} for s, last, n in heard if not last or last < cutoff]
    return {"days": quiet_days, "count": len(rows), "rows": rows[:ROWS_LISTED]}


def build(conn, quiet_days: int = 14, today: date | None = None) -> dict:
    """All the page's data, plus ``timings`` of its queries."""
    today = today or date.today()
    timings: dict[str, float] = {}
    totals = _timed(timings, "totals", county_queries.totals, conn)
    last = totals["last_day"] if totals["last_day"] is not None else county.day_number(today.isoformat())
    first = totals["first_day"] if totals["first_day"] is not None else last
    lessons = _timed(timings, "lessons", county_queries.lessons, conn)
    weekly = _timed(timings, "weekly_lesson_seconds", county_queries.weekly_lesson_seconds, conn, first)
    last_week = county_queries.week_of(last)
    first_week = max(county_queries.week_of(first), last_week - RECENT_WEEKS + 1)
    recent = _timed(timings, "school_class_seconds", county_queries.school_class_seconds, conn,
                    first_week, last_week)
    pcs = _timed(timings, "pc_rows", county_queries.pc_rows, conn)
    heard = _timed(timings, "school_last_heard", county_queries.school_last_heard, conn)
    refused = _timed(timings, "refusals", county_queries.refusals, conn, 50)
    window_start = max(first, first_week * 7 + county_queries.MONDAY_OFFSET)
    weeks = max(1.0, (last - window_start + 1) / 7)
    return {
        "totals": {**totals, "first_day": county.day_text(first), "last_day": county.day_text(last),
                   "today": today.isoformat()},
        "subject_weeks": _subject_weeks(weekly, lessons, max(1, len({r[0] for r in recent})), last),
        "recent_vs_need": {**_subject_need(recent, weeks), "weeks": RECENT_WEEKS},
        "coverage": _coverage_views(_coverage(recent, weeks)),
        "lessons": _lesson_ranks(weekly, lessons),
        "quiet": _quiet(heard, quiet_days, today),
        "pc_problems": _pc_problems(pcs),
        "refused": refused,
        "timings": timings,
    }


def _subject_need(recent, weeks: float) -> dict:
    """Per subject, average minutes per school and week: played recently, and the timetable's need."""
    grades, played = defaultdict(set), defaultdict(float)
    for school, grade, subject, secs in recent:
        grades[school].add(grade)
        played[subject] += secs / 60 / weeks
    schools = max(1, len(grades))
    subjects = sorted(played)
    return {"subjects": subjects,
            "played": [round(played[s] / schools, 1) for s in subjects],
            "need": [round(sum(timetable.weekly_minutes(g, s) for gs in grades.values() for g in gs) / schools, 1)
                     for s in subjects]}
