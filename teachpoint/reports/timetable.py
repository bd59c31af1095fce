"""What the timetable would need: class periods per week by grade and subject.

Approximate weekly periods from the 义务教育课程方案 (2022) for grades 1–9 (its nine-year totals
spread over the grades in the usual way); a primary period is 40 minutes, a junior secondary one
45. Subjects and grades not listed need nothing here (the page then shows minutes only). This is
a yardstick for the county page, not a rule: the county may edit these numbers.
"""

from __future__ import annotations

PERIOD_MINUTES = {"小学": 40, "初中": 45}

# subject → (periods per week for grades 1..9)
PERIODS: dict[str, tuple[int, ...]] = {
    "道德与法治": (2, 2, 2, 2, 2, 2, 2, 2, 2),
    "语文": (8, 8, 7, 7, 6, 6, 5, 5, 5),
    "数学": (4, 4, 5, 5, 5, 5, 5, 5, 5),
    "英语": (0, 0, 2, 2, 2, 2, 4, 4, 4),
    "科学": (1, 1, 2, 2, 2, 2, 0, 0, 0),
    "物理": (0, 0, 0, 0, 0, 0, 0, 3, 3),
    "化学": (0, 0, 0, 0, 0, 0, 0, 0, 3),
    "生物学": (0, 0, 0, 0, 0, 0, 2, 2, 0),
    "历史": (0, 0, 0, 0, 0, 0, 2, 2, 2),
    "地理": (0, 0, 0, 0, 0, 0, 2, 2, 0),
    "信息科技": (0, 0, 1, 1, 1, 1, 1, 1, 0),
    "体育与健康": (4, 4, 3, 3, 3, 3, 3, 3, 3),
    "音乐": (2, 2, 2, 2, 2, 2, 1, 1, 1),
    "美术": (2, 2, 2, 2, 2, 2, 1, 1, 1),
    "劳动": (1, 1, 1, 1, 1, 1, 1, 1, 1),
    "综合实践活动": (1, 1, 1, 1, 1, 1, 1, 1, 1),
}


def weekly_minutes(grade: int, subject: str) -> int:
    """Minutes per week the timetable gives ``subject`` in ``grade`` (0: not known here)."""
    periods = PERIODS.get(subject)
    if not periods or not 1 <= grade <= len(periods):
        return 0
    return periods[grade - 1] * PERIOD_MINUTES["小学" if grade <= 6 else "初中"]
