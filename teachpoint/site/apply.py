"""Applying the checked settings of a site configuration to a workspace, one setting at a time.

Each applier takes the workspace, the checked value (see :mod:`teachpoint.site.file`), and
two lists to append to: what it changed (short descriptions) and the problems it met. It changes
only what differs, so applying the same configuration again writes nothing. It uses the same
core functions as the command line (``source add``, ``trust add``, ``bandwidth`` …).
"""

from __future__ import annotations

import json
import logging

from teachpoint.errors import TeachPointError
from teachpoint.library.curriculum import grade_name
from teachpoint.library.teaching import add_class, classes
from teachpoint.library.settings import (
    PIN_BY_SITE, SETTING_LANGUAGE, SETTING_LARGE_TEXT, SETTING_REPORT_TO, it_pin_matches, it_pin_record, set_it_pin)
from teachpoint.library.source_list import add_source, list_sources, remove_source
from teachpoint.sneakernet.inbox_config import InboxConfig, get_inbox, set_inbox
from teachpoint.sync import schedule

log = logging.getLogger(__name__)


def apply_language(ws, language: str, applied: list, problems: list) -> None:
    if ws.setting(SETTING_LANGUAGE) != language:
        ws.set_setting(SETTING_LANGUAGE, language)
        applied.append(f"language set to {language}")


def apply_report_to(ws, url: str, applied: list, problems: list) -> None:
    """Where usage reports are uploaded (teachpoint.reports.upload)."""
    if ws.setting(SETTING_REPORT_TO) != url:
        ws.set_setting(SETTING_REPORT_TO, url)
        applied.append(f"usage reports go to {url}")


def apply_large_text(ws, large: bool, applied: list, problems: list) -> None:
    value = "1" if large else "0"
    if ws.setting(SETTING_LARGE_TEXT, "0") != value:
        ws.set_setting(SETTING_LARGE_TEXT, value)
        applied.append(f"large text turned {'on' if large else 'off'}")


def apply_storage_floor(ws, floor: int, applied: list, problems: list) -> None:
    if ws.floor_bytes != floor:
        ws.set_floor(floor)
        applied.append(f"storage floor set to {floor / (1 << 30):.2f} GB kept free")


def apply_sources(ws, specs: list, applied: list, problems: list) -> None:
    """Add each source; a source of the same name elsewhere is pointed at the new location."""
    for spec in specs:
        existing = list_sources(ws.catalogue)
        if any(e.location == spec.location for e in existing):
            continue
        try:
            if any(e.name == spec.name for e in existing):
                remove_source(ws.catalogue, spec.name)
            add_source(ws.catalogue, spec.location, spec.name)
        except TeachPointError as exc:
            problems.append(f"could not add source {spec.name}: {exc}")
            continue
        applied.append(f"added source {spec.name} ({spec.location})")


def apply_trust(ws, specs: list, applied: list, problems: list) -> None:
    """Trust each key under its name and repository scope (a changed scope is put back)."""
    for spec in specs:
        current = ws.trust.get_trusted(spec.key.key_id)
        if current is not None and current.name == spec.name and current.repos == spec.repos:
            continue
        try:
            ws.trust.add_key(spec.key, spec.name, spec.repos)
        except TeachPointError as exc:
            problems.append(f"could not trust key {spec.name} ({spec.key.key_id}): {exc}")
            continue
        scope = f"repositories {', '.join(spec.repos)}" if spec.repos else "any repository"
        applied.append(f"trusted publisher {spec.name} ({spec.key.key_id}) for {scope}")


def apply_bandwidth(ws, bandwidth, applied: list, problems: list) -> None:
    if _current(schedule.load_bandwidth, ws) != bandwidth.to_json():
        ws.set_setting(schedule.SETTING_BANDWIDTH, json.dumps(bandwidth.to_json()))
        cap = f"{bandwidth.limit_kbit} kbit/s" if bandwidth.limit_kbit else "unlimited"
        applied.append(f"bandwidth set to {cap} with {len(bandwidth.windows)} time window(s)")


def apply_subscriptions(ws, subs, applied: list, problems: list) -> None:
    if _current(schedule.load_subscriptions, ws) != subs.to_json():
        ws.set_setting(schedule.SETTING_SUBSCRIPTIONS, json.dumps(subs.to_json(), ensure_ascii=False))
        if subs.everything:
            applied.append("subscriptions set to everything")
        else:
            grades = ", ".join(grade_name(g) for g in subs.grades) or "all grades"
            applied.append(f"subscriptions set to {grades}; {', '.join(subs.subjects) or 'all subjects'}")


def _current(load, ws) -> dict | None:
    try:
        return load(ws).to_json()
    except TeachPointError:  # a damaged stored value: replace it
        return None


def apply_inbox(ws, spec, applied: list, problems: list) -> None:
    if get_inbox(ws) != InboxConfig(spec.folder, spec.cleanup):
        set_inbox(ws, spec.folder, spec.cleanup)
        applied.append(f"inbox set to {spec.folder} (cleanup {'on' if spec.cleanup else 'off'})")


def apply_classes(ws, specs: list, applied: list, problems: list) -> None:
    have = {(c.grade, c.subject, c.edition) for c in classes(ws.catalogue)}
    for spec in specs:
        if (spec.grade, spec.subject, spec.edition) not in have:
            add_class(ws.catalogue, spec.grade, spec.subject, spec.edition)
            have.add((spec.grade, spec.subject, spec.edition))
            applied.append(f"added class {grade_name(spec.grade)} {spec.subject} {spec.edition}".rstrip())


def apply_it_pin(ws, pin: str, applied: list, problems: list) -> None:
    """The site's PIN guards the IT sections of 设置 (re-hashed only when it differs)."""
    record = it_pin_record(ws.catalogue)
    if record is not None and record.get("by") == PIN_BY_SITE and it_pin_matches(ws.catalogue, pin):
        return
    set_it_pin(ws.catalogue, pin, by=PIN_BY_SITE)
    applied.append("the PIN of the IT part of settings set")


APPLIERS = {
    "language": apply_language,
    "large_text": apply_large_text,
    "storage_floor": apply_storage_floor,
    "sources": apply_sources,
    "trust": apply_trust,
    "bandwidth": apply_bandwidth,
    "subscriptions": apply_subscriptions,
    "inbox": apply_inbox,
    "classes": apply_classes,
    "it_pin": apply_it_pin,
    "report_to": apply_report_to,
}
