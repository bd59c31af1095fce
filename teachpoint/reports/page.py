"""``teachpoint reports html``: the county's page, one self-contained HTML file.

Apache ECharts (vendored, ``vendor/echarts.min.js``) and the page's data (JSON from
:mod:`teachpoint.reports.dashboard`) are inlined: the page opens from a stick on a PC without
network. Tables are built by the page's script with ``textContent`` (never as HTML), so a school
name or lesson title from a report cannot inject markup.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from importlib import resources
from pathlib import Path

from teachpoint.errors import ReportError
from teachpoint.fsutil import atomic_write
from teachpoint.reports import dashboard
from teachpoint.reports.summary import open_existing

log = logging.getLogger(__name__)

ECHARTS = "vendor/echarts.min.js"

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>教学点使用情况 · 县级汇总</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #1f2933;
       background: #f6f7f9; font-size: 16px; }
h1 { font-size: 28px; margin: 0 0 4px; } h2 { font-size: 21px; margin: 28px 0 8px; }
.sub { color: #52606d; margin-bottom: 16px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { background: #fff; border-radius: 8px; padding: 12px 18px; min-width: 130px;
        box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.card b { display: block; font-size: 26px; } .card.warn b { color: #c0392b; }
.chart { background: #fff; border-radius: 8px; height: 380px; margin-top: 8px;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.row { display: flex; gap: 16px; } .row > div { flex: 1; min-width: 0; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 15px; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 6px 10px; text-align: left; }
th { background: #eef1f4; } .none { color: #52606d; font-style: italic; }
</style></head><body>
<h1>教学点使用情况 · 县级汇总</h1>
<div class="sub" id="period"></div>
<div class="cards" id="cards"></div>
<h2>各学科：近几周平均每校每周播放分钟 与 课程表所需分钟</h2>
<div class="chart" id="chart-need"></div>
<h2>各学科每周播放分钟（平均每校）</h2>
<div class="chart" id="chart-weeks"></div>
<h2>各学科开课情况：达到课程表分钟数的学校数</h2>
<div class="chart" id="chart-bands"></div>
<h2>最需要帮助的学校（近几周达到课程表分钟数的百分比）</h2>
<div class="chart" id="chart-heat"></div>
<div class="row"><div><h2>用得最多的课</h2><div class="chart" id="chart-most"></div></div>
<div><h2>用得最少的课</h2><div class="chart" id="chart-least"></div></div></div>
<h2 id="quiet-title"></h2><table id="quiet"></table>
<h2>需要检修的电脑（内容过旧、磁盘不足、播放自检失败）</h2><table id="problems"></table>
<h2>被拒收的报告</h2><table id="refused"></table>
<script>__ECHARTS__</script>
<script id="data" type="application/json">__DATA__</script>
<script>
const D = JSON.parse(document.getElementById('data').textContent);
const T = D.totals;
document.getElementById('period').textContent =
  '数据范围 ' + T.first_day + ' 至 ' + T.last_day + '，生成于 ' + T.today;
function card(label, value, warn) {
  const c = document.createElement('div'); c.className = 'card' + (warn ? ' warn' : '');
  const b = document.createElement('b'); b.textContent = value; c.appendChild(b);
  c.appendChild(document.createTextNode(label)); document.getElementById('cards').appendChild(c);
}
card('学校', T.schools); card('电脑', T.pcs); card('已收报告', T.reports);
card('被拒报告', T.refused, T.refused > 0);
card(D.quiet.days + '天未报告的学校', D.quiet.count, D.quiet.count > 0);
card('内容过旧的电脑', D.pc_problems.counts.out_of_date, D.pc_problems.counts.out_of_date > 0);
card('磁盘不足的电脑', D.pc_problems.counts.low_disk, D.pc_problems.counts.low_disk > 0);
card('播放自检失败', D.pc_problems.counts.failing_player, D.pc_problems.counts.failing_player > 0);
const base = { animation: false, textStyle: { fontSize: 14 }, tooltip: { trigger: 'axis' } };
function chart(id, option) { echarts.init(document.getElementById(id), null, { renderer: 'canvas' })
  .setOption(Object.assign({}, base, option)); }
const N = D.recent_vs_need;
chart('chart-need', { legend: { top: 6 }, grid: { left: 60, right: 20, top: 50, bottom: 40 },
  xAxis: { type: 'category', data: N.subjects, axisLabel: { fontSize: 14 } },
  yAxis: { type: 'value', name: '分钟/周' },
  series: [{ name: '实际播放', type: 'bar', data: N.played, itemStyle: { color: '#2f80ed' } },
           { name: '课程表所需', type: 'bar', data: N.need, itemStyle: { color: '#cbd2d9' } }] });
const W = D.subject_weeks;
chart('chart-weeks', { legend: { top: 6, type: 'scroll' }, grid: { left: 60, right: 20, top: 50, bottom: 40 },
  xAxis: { type: 'category', data: W.weeks }, yAxis: { type: 'value', name: '分钟/周' },
  series: Object.keys(W.series).map(s => ({ name: s, type: 'line', data: W.series[s], symbolSize: 6 })) });
const C = D.coverage;
const bandColors = { '<25%': '#c0392b', '25–50%': '#f39c12', '50–100%': '#9ccc65', '≥100%': '#2e7d32' };
chart('chart-bands', { legend: { top: 6 }, grid: { left: 60, right: 20, top: 50, bottom: 40 },
  xAxis: { type: 'category', data: C.subjects }, yAxis: { type: 'value', name: '学校数' },
  series: Object.keys(C.bands).map(b => ({ name: b, type: 'bar', stack: 'all', data: C.bands[b],
                                          itemStyle: { color: bandColors[b] } })) });
document.getElementById('chart-heat').style.height = (C.worst_schools.length * 26 + 130) + 'px';
chart('chart-heat', { grid: { left: 180, right: 40, top: 20, bottom: 90 },
  xAxis: { type: 'category', data: C.subjects, splitArea: { show: true } },
  yAxis: { type: 'category', data: C.worst_schools, inverse: true, axisLabel: { fontSize: 13 } },
  visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 10,
               inRange: { color: ['#c0392b', '#f39c12', '#2e7d32'] }, text: ['100%', '0%'] },
  series: [{ type: 'heatmap', data: C.heat, label: { show: true, formatter: p => p.value[2] + '%' } }],
  tooltip: { formatter: p => C.worst_schools[p.value[1]] + ' ' + C.subjects[p.value[0]] + '：课程表分钟数的 ' + p.value[2] + '%' } });
function lessonChart(id, rows, color) {
  chart(id, { grid: { left: 200, right: 40, top: 20, bottom: 30 }, tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: '分钟' },
    yAxis: { type: 'category', inverse: true, axisLabel: { fontSize: 13, width: 180, overflow: 'truncate' },
             data: rows.map(r => r.grade + '年级' + r.subject + ' ' + r.title) },
    series: [{ type: 'bar', data: rows.map(r => r.minutes), itemStyle: { color: color } }] });
}
lessonChart('chart-most', D.lessons.most, '#2f80ed');
lessonChart('chart-least', D.lessons.least, '#9aa5b1');
function table(id, heads, rows, cells) {
  const t = document.getElementById(id); const h = t.insertRow();
  heads.forEach(x => { const th = document.createElement('th'); th.textContent = x; h.appendChild(th); });
  if (!rows.length) { const c = t.insertRow().insertCell(); c.colSpan = heads.length;
                      c.className = 'none'; c.textContent = '没有'; return; }
  rows.forEach(r => { const tr = t.insertRow(); cells(r).forEach(v => { tr.insertCell().textContent = v ?? ''; }); });
}
document.getElementById('quiet-title').textContent = D.quiet.days + ' 天以上没有报告的学校（' + D.quiet.count + ' 所）';
table('quiet', ['学校', '最后报告', '电脑数'], D.quiet.rows, r => [r.school, r.last || '从未', r.pcs]);
table('problems', ['学校', '电脑', '内容版本落后', '剩余磁盘 (GB)', '播放自检', '软件版本', '最后报告'],
      D.pc_problems.rows, r => [r.school, r.pc_id, r.behind, r.free_gb, r.player, r.version, r.last_report_at]);
table('refused', ['时间', '文件', '电脑', '原因'], D.refused, r => [r.at, r.source, r.pc_id, r.reason]);
document.body.setAttribute('data-ready', '1');
</script></body></html>
"""


def echarts_source() -> str:
    """The vendored ECharts script (shipped inside the package)."""
    return resources.files("teachpoint.reports").joinpath(ECHARTS).read_text(encoding="utf-8")


def _safe_json(data: dict) -> str:
    """JSON that cannot end its <script> element early."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def render(data: dict) -> str:
    """The page for ``data`` (from :func:`dashboard.build`)."""
    shown = {k: v for k, v in data.items() if k != "timings"}
    return _TEMPLATE.replace("__DATA__", _safe_json(shown)).replace("__ECHARTS__", echarts_source())


def write_page(db_path: Path, out: Path, quiet_days: int = 14, today: date | None = None) -> Path:
    """Build the page from the county database and write it atomically; returns ``out``."""
    conn = open_existing(db_path)
    try:
        data = dashboard.build(conn, quiet_days=quiet_days, today=today)
    finally:
        conn.close()
    try:
        atomic_write(out, render(data).encode("utf-8"), 0o644)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from None
    log.info("county page written to %s (queries %s)", out,
             {k: round(v, 3) for k, v in data["timings"].items()})
    return out
