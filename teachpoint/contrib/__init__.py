"""Teachers' own lessons at the school (一师一优课, 校本资源; issue 15).

The API the app and the command line use::

    add_contribution(ws, files, *, title, grade, subject, edition=None, volume=None, unit=None,
                     lesson=None, subtitles=None, teacher=None, share_name=False,
                     progress=None, cancel=None) -> Contribution
        progress(stage "hash"|"copy", bytes_done, bytes_total); cancel: anything with is_set()
    list_contributions(ws) -> list[Contribution]
    get_contribution(ws, id) -> Contribution
    remove_contribution(ws, id) -> Contribution
    replace_accepted(ws) -> list[str]       (list_contributions calls it: county copies stand in)
    export_contributions(ws, stick_dir, progress=None) -> ShareResult   (teachpoint.contrib.share)
    upload_contributions(ws, url=None, endpoint_url=None) -> ShareResult (teachpoint.contrib.share)

Which catalogue resources are 本校: :func:`teachpoint.library.contributions.own_resource_ids`
and :func:`~teachpoint.library.contributions.is_own_lesson`; the attribution of a county
resource that came from a teacher: :func:`~teachpoint.library.contributions.attribution`.
"""

from teachpoint.contrib.contribute import (
    add_contribution, get_contribution, list_contributions, remove_contribution, replace_accepted)
from teachpoint.contrib.model import ACCEPTED, PENDING, REJECTED, STATE_ZH, Contribution

__all__ = ["ACCEPTED", "PENDING", "REJECTED", "STATE_ZH", "Contribution", "add_contribution",
           "get_contribution", "list_contributions", "remove_contribution", "replace_accepted"]
