"""Plain reads about teachers' own lessons (本校课程, issue 15) that the UI runs; no Qt here.

:func:`own_mark` says whether a catalogue resource is one of this school's own lessons (its
``contrib-`` repository, or the county's copy that replaced it) or came from a teacher of another
school, with the review state and the shared name. :func:`own_tree_marks` is the same for the
tree, in one go. Every read takes the catalogue's lock, like :mod:`teachpoint.ui.queries`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from teachpoint.contrib import PENDING, get_contribution
from teachpoint.errors import TeachPointError
from teachpoint.library import contributions as own
from teachpoint.library.settings import get_setting
from teachpoint.sneakernet.inventory import SETTING_PC_ID

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OwnMark:
    """What the lesson details say about a teacher's lesson.

    ``ours``: this school's own (本校); ``state`` pending / accepted / rejected (ours only),
    ``reason`` the reviewer's words, ``decided_at``; ``teacher`` the name when it was shared.
    """

    ours: bool
    state: str = PENDING
    reason: str = ""
    decided_at: str = ""
    teacher: str = ""
    contribution_id: str = ""


def _pc_id(ws) -> str:
    """This PC's id without creating a key (a PC that never contributed has none yet)."""
    return get_setting(ws.catalogue, SETTING_PC_ID) or ""


def own_mark(ws, resource_id: str) -> OwnMark | None:
    """The mark of one resource, or None for an ordinary county lesson."""
    with ws.catalogue.write_lock:
        origin = own.attribution(ws.catalogue, resource_id)
        is_own = own.is_own_lesson(ws.catalogue, resource_id)
        pc_id = _pc_id(ws)
    if not origin and not is_own:
        return None
    origin = origin or {}
    ours = is_own or (bool(pc_id) and origin.get("pc") == pc_id)
    teacher = origin.get("teacher", "")
    if not ours:
        return OwnMark(False, teacher=teacher)
    cid = origin.get("contribution", "")
    try:
        c = get_contribution(ws, cid)
    except TeachPointError as exc:  # removed from this PC's list, or no identity
        log.debug("no contribution record for %s: %s", resource_id, exc)
        return OwnMark(True, teacher=teacher, contribution_id=cid)
    return OwnMark(True, c.state, c.reason, c.decided_at, c.teacher if c.share_name else "", c.id)


def mark_own_lessons(ws, tree: list[dict]) -> None:
    """Give every 本校 resource of a :func:`~teachpoint.library.browse.browse_tree` tree an
    ``"own"`` entry: its review state (pending / accepted / rejected), for the tree's mark."""
    pc_id = _pc_id(ws)
    with ws.catalogue.write_lock:
        ids = own.own_resource_ids(ws.catalogue)
        if pc_id:  # accepted ones whose county copy replaced the local one are 本校 too
            ids |= {r.replaced_by for r in own.contribution_rows(ws.catalogue, pc_id) if r.replaced_by}
    for res in _tree_resources(tree):
        if res["id"] in ids:
            mark = own_mark(ws, res["id"])
            res["own"] = mark.state if mark is not None else PENDING


def _tree_resources(tree: list[dict]):
    """Every resource dict of a browse tree (grade → subject → edition → volume → unit → lesson)."""
    for grade in tree:
        for subject in grade["subjects"]:
            for volume in (v for e in subject["editions"] for v in e["volumes"]):
                for lesson in (le for u in volume["units"] for le in u["lessons"]):
                    yield from lesson["resources"]


def has_contributions(ws) -> bool:
    """True when this school has lessons of its own to take to the county."""
    pc_id = _pc_id(ws)
    if not pc_id:
        return False
    with ws.catalogue.write_lock:
        return bool(own.contribution_rows(ws.catalogue, pc_id))
