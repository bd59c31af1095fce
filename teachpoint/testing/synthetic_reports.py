"""Synthetic, really signed usage reports from many PCs (for the county page test and the
``benchmarks/reports_scale.py`` benchmark). Deterministic for a given seed.

Each PC gets its own Ed25519 key, a school, a few grades it teaches and a habit per subject (some
schools skip music or English); school days are Monday–Friday from ``start``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from teachpoint.repo import keys
from teachpoint.reports import format as fmt

SUBJECTS = ("语文", "数学", "英语", "音乐", "美术", "科学", "道德与法治", "体育与健康")
LESSONS_PER_CLASS = 30
VILLAGES = "石桥 山口 河湾 柳树 青山 白沙 马家 王庄 李村 高岭 松林 清水 红岩 东坡 西沟 南塘 北坪 龙潭 杏花 桃园"


@dataclass(frozen=True)
class SyntheticPc:
    pc_id: str
    school: str
    key: Ed25519PrivateKey
    grades: tuple[int, ...]
    habits: dict  # subject → share of school days it is taught by video


def school_days(start: date, count: int) -> list[str]:
    """``count`` Monday–Friday dates from ``start``."""
    days, d = [], start
    while len(days) < count:
        if d.weekday() < 5:
            days.append(d.isoformat())
        d += timedelta(days=1)
    return days


def make_pcs(count: int, seed: int = 14) -> list[SyntheticPc]:
    rng = random.Random(seed)
    villages = VILLAGES.split()
    pcs = []
    for i in range(count):
        uuid = f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-" \
               f"a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
        school = f"{villages[i % len(villages)]}{i // len(villages) + 1}号教学点"
        grades = tuple(sorted(rng.sample(range(1, 7), rng.choice((1, 2, 3)))))
        habits = {s: rng.choice((0.0, 0.1, 0.3, 0.6, 0.9)) for s in SUBJECTS}
        pcs.append(SyntheticPc(uuid, school, Ed25519PrivateKey.generate(), grades, habits))
    return pcs


def day_records(pc: SyntheticPc, day: str, rng: random.Random, day_index: int) -> list[list]:
    """The records of one school day: each class's subjects taught by video that day."""
    out = []
    for grade in pc.grades:
        for subject in SUBJECTS:
            if rng.random() >= pc.habits[subject]:
                continue
            lesson = (day_index // 2) % LESSONS_PER_CLASS + 1
            rid = f"county:{grade}-{subject}-{lesson}"
            out.append([day, rid, grade, subject, f"{subject}第{lesson}课", 1, rng.randint(600, 2400),
                        int(rng.random() < 0.7)])
    return out


def report_bytes(pc: SyntheticPc, seq: int, records: list[list], created_at: str, health: dict) -> bytes:
    public = keys.public_key_of(pc.key)
    body = {"pc_id": pc.pc_id, "seq": seq, "created_at": created_at, "school": pc.school,
            "health": health, "fields": list(fmt.RECORD_FIELDS), "records": records}
    return fmt.encode(body, pc.key, public)


def health_of(pc: SyntheticPc, rng: random.Random, day: str) -> dict:
    return {"app_version": rng.choice(("0.9.0", "1.0.0", "1.0.0", "1.0.0")),
            "repositories": {"county": {"version": rng.choice((40, 41, 42, 42, 42))}},
            "last_sync": {"at": f"{day}T08:00:00Z", "source": "county"}, "problems": [],
            "free_disk_bytes": rng.choice((512 << 20, 8 << 30, 20 << 30, 40 << 30, 60 << 30)),
            "player_check": {"status": "FAIL" if rng.random() < 0.03 else "ok", "detail": "5 frames"},
            "last_report_sent": None}


def write_reports(folder: Path, pcs: list[SyntheticPc], days: list[str], days_per_report: int = 20,
                  seed: int = 14) -> tuple[int, int]:
    """Write every PC's reports into ``folder``; returns (reports, records)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    reports = records = 0
    for pc in pcs:
        last_day = len(days) - rng.choice((0, 0, 0, 5, 30))  # a few schools went quiet
        for seq, start in enumerate(range(0, last_day, days_per_report), start=1):
            rows = [r for i in range(start, min(start + days_per_report, last_day))
                    for r in day_records(pc, days[i], rng, i)]
            stamp = days[min(start + days_per_report, last_day) - 1] + "T17:00:00Z"
            data = report_bytes(pc, seq, rows, stamp, health_of(pc, rng, days[start]))
            (folder / fmt.file_name(pc.pc_id, seq)).write_bytes(data)
            reports += 1
            records += len(rows)
    return reports, records
