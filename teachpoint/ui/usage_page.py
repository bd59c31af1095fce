"""The 使用情况 place: how much each class (grade + subject) was taught with lessons this week and
this term, as two bar charts (QtCharts), and which of "my classes" has had no lesson for four weeks
(a red sentence above the charts, its bars in red). The numbers come from the daily usage records
(:mod:`teachpoint.library.usage`), read by :func:`load_usage` in a worker of the task helper —
never SQL on the GUI thread. The PC's report key fingerprint is shown at the bottom (the county
checks it when a report is refused).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalStackedBarSeries, QValueAxis)
from PySide6.QtCore import QEvent, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from teachpoint.library import usage
from teachpoint.library.curriculum import GRADES
from teachpoint.ui import style
from teachpoint.ui.tasks import TaskManager

log = logging.getLogger(__name__)

QUIET_WEEKS = 4
CHART_FONT_PT = 15
QUIET_COLOUR = QColor(style.DANGER)
PLAYED_COLOUR = QColor(style.ACCENT)


@dataclass
class UsageData:
    """What the page shows, read in one go by a worker."""

    today: date
    week_start: date
    term_start: date
    week: dict = field(default_factory=dict)   # (grade, subject) → minutes this week
    term: dict = field(default_factory=dict)   # (grade, subject) → minutes this term
    quiet: list = field(default_factory=list)  # [(grade, subject, last day or None)]
    fingerprint: str | None = None

    def classes(self) -> list[tuple[int, str]]:
        """Every class to draw: taught this term or one of "my classes" gone quiet."""
        keys = set(self.term) | {(g, s) for g, s, _ in self.quiet}
        return sorted(keys)


def term_start(today: date) -> date:
    """The first day of the school term ``today`` is in (autumn from 1 September, spring from
    1 February; the summer holiday counts to the spring term)."""
    if today.month >= 9:
        return date(today.year, 9, 1)
    if today.month == 1:
        return date(today.year - 1, 9, 1)
    return date(today.year, 2, 1)


def load_usage(ws, today: date | None = None) -> UsageData:
    """Read the page's numbers (in a worker, under the catalogue's lock)."""
    from teachpoint.reports.identity import fingerprint

    today = today or date.today()
    data = UsageData(today, today - timedelta(days=today.weekday()), term_start(today))
    with ws.catalogue.write_lock:
        for key, since in (("week", data.week_start), ("term", data.term_start)):
            rows = usage.class_totals(ws.catalogue, since.isoformat(), today.isoformat())
            setattr(data, key, {(r.grade, r.subject): r.minutes for r in rows})
        quiet_since = (today - timedelta(weeks=QUIET_WEEKS)).isoformat()
        data.quiet = [(r.grade, r.subject, r.last_day) for r in usage.quiet_classes(ws.catalogue, quiet_since)]
    try:
        data.fingerprint = fingerprint(ws)
    except Exception as exc:  # noqa: BLE001 - an unreadable key must not hide the page
        log.warning("report key fingerprint unavailable: %s", exc)
    return data


class UsagePage(QWidget):
    """The 使用情况 page; :meth:`set_workspace` once, :meth:`refresh` each time it is shown."""

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("UsagePage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"QWidget#UsagePage {{ background: {style.BACKGROUND}; }}")
        self.tasks = tasks
        self.ws = None
        self.data: UsageData | None = None
        self.title = QLabel()
        self.title.setObjectName("LessonTitle")
        self.quiet_label = QLabel()
        self.quiet_label.setObjectName("StateWarning")
        self.quiet_label.setWordWrap(True)
        self.week_view, self.term_view = self._chart_view(), self._chart_view()
        self.empty_label = QLabel()
        self.empty_label.setObjectName("Hint")
        self.empty_label.setWordWrap(True)
        self.key_label = QLabel()
        self.key_label.setObjectName("Hint")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        charts = QHBoxLayout()
        charts.addWidget(self.week_view, 1)
        charts.addWidget(self.term_view, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 18, 24, 12)
        column.setSpacing(10)
        for widget in (self.title, self.quiet_label, self.empty_label):
            column.addWidget(widget)
        column.addLayout(charts, 1)
        column.addWidget(self.key_label)
        self.retranslate()

    @staticmethod
    def _chart_view() -> QChartView:
        view = QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(220)  # the page fits 768 lines with 大字体 and a two-row top bar
        return view

    def set_workspace(self, ws) -> None:
        self.ws = ws
        self.refresh()

    def refresh(self) -> None:
        """Read the numbers again in a worker; the charts change when they arrive."""
        if self.ws is None:
            return
        ws = self.ws
        self.tasks.run(lambda: load_usage(ws), on_done=self.show_data,
                       on_error=lambda exc: log.warning("usage page: %s", exc), name="usage")

    def show_data(self, data: UsageData) -> None:
        self.data = data
        self._render()

    def class_label(self, grade: int, subject: str) -> str:
        return self.tr("{grade} {subject}").format(grade=GRADES.get(grade, str(grade)), subject=subject)

    def _render(self) -> None:
        data = self.data
        if data is None:
            return
        classes = data.classes()
        quiet = {(g, s) for g, s, _ in data.quiet}
        self.empty_label.setVisible(not classes)
        self.week_view.setVisible(bool(classes))
        self.term_view.setVisible(bool(classes))
        names = [self.class_label(g, s) for g, s, _ in data.quiet]
        self.quiet_label.setVisible(bool(names))
        self.quiet_label.setText(self.tr("No lesson for {weeks} weeks or more: {classes}")
                                 .format(weeks=QUIET_WEEKS, classes=self.tr(", ").join(names)))
        week_title = self.tr("This week (from {day}), minutes").format(day=data.week_start.strftime("%m-%d"))
        term_title = self.tr("This term (from {day}), minutes").format(day=data.term_start.strftime("%m-%d"))
        self.week_view.setChart(self._chart(week_title, classes, data.week, quiet))
        self.term_view.setChart(self._chart(term_title, classes, data.term, quiet))
        self.key_label.setText(self.tr("Usage reports of this computer are signed with key {fp}")
                               .format(fp=data.fingerprint) if data.fingerprint else
                               self.tr("No usage report has been made on this computer yet"))

    def _chart(self, title: str, classes: list, minutes: dict, quiet: set) -> QChart:
        """Horizontal bars, one per class; quiet classes in red (a second set of the stack)."""
        played, silent = QBarSet(self.tr("Minutes")), QBarSet(self.tr("No lesson for 4 weeks"))
        played.setColor(PLAYED_COLOUR)
        silent.setColor(QUIET_COLOUR)
        for key in classes:
            value = round(minutes.get(key, 0.0))
            played.append(0 if key in quiet else value)
            silent.append(value if key in quiet else 0)
        series = QHorizontalStackedBarSeries()
        series.append(played)
        series.append(silent)
        series.setLabelsVisible(True)
        font = QFont()
        font.setPointSize(CHART_FONT_PT)
        for bar_set in (played, silent):
            bar_set.setLabelFont(font)
            bar_set.setLabelColor(QColor("white"))
        chart = QChart()
        chart.setTitle(title)
        title_font = QFont(font)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.addSeries(series)
        chart.legend().setVisible(bool(quiet))
        chart.legend().setFont(font)
        chart.setMargins(QMargins(4, 4, 4, 4))
        axis_y = QBarCategoryAxis()
        axis_y.append([self.class_label(g, s) for g, s in classes])
        axis_y.setLabelsFont(font)
        axis_x = QValueAxis()
        axis_x.setLabelFormat("%d")
        axis_x.setRange(0, max([10, *[round(v) for v in minutes.values()]]) * 1.15)
        axis_x.applyNiceNumbers()  # ticks at 0, 10, 20 … rather than 0, 11, 23 …
        axis_x.setLabelsFont(font)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        return chart

    def retranslate(self) -> None:
        self.title.setText(self.tr("How the lessons were used"))
        self.empty_label.setText(self.tr("No lesson has been played this term yet. Each lesson "
                                         "played here is counted (only totals per class, nothing "
                                         "about pupils)."))
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
