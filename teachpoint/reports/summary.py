"""``teachpoint reports summary``: per PC its school, last report, gaps, records; the refusals."""

from __future__ import annotations

from pathlib import Path

from teachpoint.errors import ReportError
from teachpoint.library import county, county_queries


def open_existing(db_path: Path):
    """Open a county database that must exist already (summary and page never create one)."""
    if not Path(db_path).is_file():
        raise ReportError(f"no county database at {db_path} (run 'teachpoint reports collect' first)")
    return county.open_county(db_path)


def summarise(db_path: Path) -> dict:
    """Everything the summary prints, as JSON values."""
    conn = open_existing(db_path)
    try:
        pcs = county_queries.pc_rows(conn)
        for pc in pcs:
            row = pc.pop("_row")
            pc["gaps"] = county_queries.gaps_of(conn, row) if pc["missing"] else []
        return {"totals": county_queries.totals(conn), "pcs": pcs,
                "refused": county_queries.refusals(conn)}
    finally:
        conn.close()


def summary_text(found: dict) -> str:
    """The summary for a person: one line per PC, then the refusals."""
    t = found["totals"]
    lines = [f"{t['pcs']} PC(s) at {t['schools']} school(s); {t['reports']} report(s) merged, "
             f"{t['refused']} refused"]
    for pc in found["pcs"]:
        gaps = f"; missing reports {', '.join(map(str, pc['gaps']))}" if pc["gaps"] else ""
        lines.append(f"  {pc['school'] or '(no school name)'}  {pc['pc_id']}  key {pc['key_id']}  "
                     f"last report {pc['last_report_at'] or '-'}  reports 1..{pc['max_seq']} "
                     f"({pc['reports']} received){gaps}  records {pc['records']}")
    for r in found["refused"]:
        lines.append(f"  refused {r['at']} {r['source']}: {r['reason']}")
    return "\n".join(lines)
