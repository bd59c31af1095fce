"""Reports ride out on every stick used for import or export, never through the satellite inbox,
and the county's acknowledgement on a stick empties the outbox."""

from __future__ import annotations

import json
import shutil

from teachpoint.library import teaching
from teachpoint.reports import format as fmt
from teachpoint.reports import outbox
from teachpoint.sneakernet.export import export
from teachpoint.sneakernet.export_plan import give_plan
from teachpoint.sneakernet.inbox import scan_inbox
from teachpoint.sneakernet.stick import import_stick
from teachpoint.transport.sources import COLLECTION_NAME, FolderSource, collection_bytes

from helpers import assert_installed_lessons_play


def _reports_on(stick):
    folder = stick / outbox.STICK_FOLDER
    return sorted(folder.glob("*" + fmt.SUFFIX)) if folder.is_dir() else []


def _play_something(ws) -> str:
    rid = ws.catalogue.db.execute("SELECT id FROM resources WHERE kind = 'video' ORDER BY id").fetchone()[0]
    teaching.record_play(ws.catalogue, rid)
    return rid


def _collection_stick(tmp_path, published_repo):
    """A stick as ``export`` writes it: a collection with one repository."""
    stick = tmp_path / "stick"
    shutil.copytree(published_repo, stick / "county")
    (stick / COLLECTION_NAME).write_bytes(collection_bytes(["county"]))
    return stick


def test_stick_import_carries_the_pending_reports_back(tmp_path, workspace, published_repo):
    stick = _collection_stick(tmp_path, published_repo)
    import_stick(workspace, stick)
    [first] = _reports_on(stick)
    rid = _play_something(workspace)
    import_stick(workspace, stick)  # the next visit: the old report again, and a new one
    assert [p.name for p in _reports_on(stick)] == [p.name for p in outbox.pending_files(workspace)]
    newest = fmt.decode(_reports_on(stick)[-1].read_bytes())
    assert newest.seq == 2 and [r[1] for r in newest.records] == [rid]
    assert first.exists()
    assert_installed_lessons_play(workspace)


def test_export_to_a_stick_carries_the_reports(tmp_path, workspace, published_repo):
    workspace.install(FolderSource(published_repo))
    _play_something(workspace)
    stick = tmp_path / "stick"
    stick.mkdir()
    export(workspace, give_plan(workspace), stick)
    [report] = _reports_on(stick)
    assert len(fmt.decode(report.read_bytes()).records) == 1
    assert (stick / "teachpoint.json").exists()  # the export itself was done


def test_an_acknowledgement_on_the_stick_empties_the_outbox(tmp_path, workspace, published_repo):
    workspace.install(FolderSource(published_repo))
    outbox.make_reports(workspace)
    outbox.make_reports(workspace)
    stick = tmp_path / "stick"
    acks = stick / outbox.STICK_FOLDER / outbox.ACK_FOLDER
    acks.mkdir(parents=True)
    from teachpoint.reports.identity import pc_id

    me = pc_id(workspace)
    (acks / f"{me}.json").write_text(json.dumps({"pc_id": me, "through": 2}))
    done = outbox.write_pending_to_stick(workspace, stick)
    assert done.acknowledged == 2 and [p.name for p in done.made] == [fmt.file_name(me, 3)]
    (acks / f"{me}.json").write_text("{not json")  # a damaged ack changes nothing
    assert outbox.write_pending_to_stick(workspace, stick).acknowledged == 0


def test_a_stick_that_cannot_take_reports_does_not_spoil_the_import(tmp_path, workspace, published_repo):
    stick = _collection_stick(tmp_path, published_repo)
    (stick / outbox.STICK_FOLDER).write_text("a file where the folder would go")
    result = import_stick(workspace, stick)
    assert result.ok and result.added >= 3
    assert_installed_lessons_play(workspace)


def test_the_satellite_inbox_never_carries_reports(tmp_path, workspace, published_repo):
    workspace.install(FolderSource(published_repo))
    _play_something(workspace)
    inbox = tmp_path / "inbox"
    shutil.copytree(published_repo, inbox / "county")
    scan_inbox(workspace, inbox)
    assert not list(inbox.rglob("*" + fmt.SUFFIX)) and not (inbox / outbox.STICK_FOLDER).exists()


def test_a_bare_repository_folder_or_a_read_only_stick_gets_no_reports(tmp_path, workspace, published_repo):
    bare = tmp_path / "mirror"
    shutil.copytree(published_repo, bare)
    import_stick(workspace, bare)
    assert not (bare / outbox.STICK_FOLDER).exists()
    stick = _collection_stick(tmp_path, published_repo)
    stick.chmod(0o555)
    try:
        assert outbox.write_pending_to_stick(workspace, stick).problem == "the stick is read-only"
    finally:
        stick.chmod(0o755)
    assert not (stick / outbox.STICK_FOLDER).exists()
