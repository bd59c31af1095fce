"""``teachpoint play RESOURCE_ID_OR_TITLE [--fullscreen]``: open the app straight on one lesson.

For a desktop shortcut on the projector PC ("三年级音乐 第4课") and for IT staff checking a lesson
by phone. The lesson is found before any window opens: an exact resource id, else a lesson whose
title is exactly the text (the library's own search finds the candidates). Anything else is an
``error: …`` naming the nearest lessons, with a non-zero exit and no window.
"""

from __future__ import annotations

import logging

from teachpoint.errors import UsageError
from teachpoint.library import search as search_mod
from teachpoint.library.curriculum import grade_name
from teachpoint.paths import DataPaths
from teachpoint.workspace import Workspace

log = logging.getLogger(__name__)

NEAREST = 5


class LessonNotFound(UsageError):
    """No lesson (or more than one) answers to the id or title given on the command line."""


def register(sub, common) -> None:
    p = sub.add_parser("play", parents=[common],
                       help="open the app on one lesson (by resource id or exact title)")
    p.add_argument("lesson", metavar="RESOURCE_ID_OR_TITLE",
                   help="a resource id (as `teachpoint search` prints it) or a lesson's title")
    p.add_argument("--fullscreen", action="store_true", help="start the lesson full screen")
    p.set_defaults(run=cmd_play)


def describe(hit: search_mod.SearchHit) -> str:
    """``三年级 音乐  小雨沙沙  county:m-3-2-4`` — enough to tell lessons apart on one line."""
    return f"{grade_name(hit.grade)} {hit.subject}  {hit.title}  {hit.resource_id}"


def find_lesson(ws: Workspace, text: str) -> str:
    """The resource id ``text`` names (an id, or one lesson's exact title); :class:`LessonNotFound`
    with the nearest matches otherwise."""
    wanted = text.strip()
    if not wanted:
        raise LessonNotFound("give a lesson's resource id or title")
    with ws.catalogue.write_lock:
        if ws.catalogue.resource(wanted) is not None:
            return wanted
        hits = search_mod.search(ws.catalogue.db, wanted, limit=50)
    exact = [h for h in hits if h.title.strip() == wanted]
    if len(exact) == 1:
        return exact[0].resource_id
    if exact:
        raise LessonNotFound(f"{len(exact)} lessons are called {wanted!r}; give one of their ids: "
                             + "; ".join(describe(h) for h in exact[:NEAREST]))
    if not hits:
        raise LessonNotFound(f"no lesson is called {wanted!r} (and nothing similar was found); "
                             "`teachpoint search WORDS` lists lessons with their ids")
    raise LessonNotFound(f"no lesson is called {wanted!r}; nearest: "
                         + "; ".join(describe(h) for h in hits[:NEAREST]))


def cmd_play(args, paths: DataPaths) -> int:
    ws = Workspace(paths)  # as the app opens it (a first run installs the demo lessons)
    try:
        resource_id = find_lesson(ws, args.lesson)
    finally:
        ws.close()
    log.info("opening the app on %s (full screen: %s)", resource_id, args.fullscreen)
    from teachpoint.ui.app import run_app  # Qt only once the lesson is known

    return run_app(paths, lesson=resource_id, fullscreen=args.fullscreen)
