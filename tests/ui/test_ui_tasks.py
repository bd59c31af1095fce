"""The background-task helper: results, errors and progress arrive on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from teachpoint.ui.tasks import TaskManager


def _on_gui_thread(qapp) -> bool:
    return QThread.currentThread() is qapp.thread()


def test_result_arrives_on_gui_thread(qtbot, qapp, tasks):
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return 41 + 1

    def done(value):
        seen["value"] = value
        seen["gui"] = _on_gui_thread(qapp)

    tasks.run(work, on_done=done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    assert seen["value"] == 42 and seen["gui"]
    assert seen["worker"] != threading.get_ident()
    assert tasks.active == 0


def test_error_goes_to_on_error(qtbot, qapp, tasks):
    errors = []

    def work():
        raise ValueError("课程库打不开")

    tasks.run(work, on_done=lambda _: errors.append("done?!"),
              on_error=lambda exc: errors.append((exc, _on_gui_thread(qapp))))
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    (exc, gui), = errors
    assert isinstance(exc, ValueError) and "课程库" in str(exc) and gui


def test_unhandled_error_is_signalled(qtbot, tasks):
    with qtbot.waitSignal(tasks.error, timeout=5000) as blocker:
        tasks.run(lambda: 1 / 0, name="divide")
    name, exc = blocker.args
    assert name == "divide" and isinstance(exc, ZeroDivisionError)


def test_thousands_of_progress_signals_arrive_in_order(qtbot, qapp, tasks):
    """PySide6 6.12.0 aborted after ~600 emits (DESIGN §6); 6.11.3 must deliver them all."""
    count = 3000
    got, result, threads = [], [], set()

    def work(report):
        for i in range(count):
            report({"done": i, "total": count})
        return "ok"

    def progress(value):
        got.append(value["done"])
        threads.add(_on_gui_thread(qapp))

    tasks.run(work, on_done=result.append, on_progress=progress)
    qtbot.waitUntil(lambda: bool(result), timeout=30_000)
    assert result == ["ok"]
    assert got == list(range(count))
    assert threads == {True}


def test_many_tasks_at_once(qtbot, tasks):
    results = []
    for i in range(200):
        tasks.run(lambda i=i: i * i, on_done=results.append)
    qtbot.waitUntil(lambda: len(results) == 200, timeout=30_000)
    assert sorted(results) == [i * i for i in range(200)]


def test_cancelled_task_drops_its_result(qtbot, tasks):
    release = threading.Event()
    results = []
    task = tasks.run(lambda: release.wait(5) and "late", on_done=results.append)
    also = tasks.run(lambda: "other", on_done=results.append)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=5000)
    assert results == ["other"]
    assert task.cancelled and task.is_set()


def test_cancel_token_reaches_a_cooperative_worker(qtbot, tasks):
    stopped = threading.Event()
    started = threading.Event()
    holder = {}

    def work():
        started.wait(5)
        while not holder["task"].is_set():
            pass
        stopped.set()

    holder["task"] = tasks.run(work)
    started.set()
    holder["task"].cancel()
    qtbot.waitUntil(stopped.is_set, timeout=5000)


def test_run_refuses_worker_threads(qtbot, tasks):
    errors = []
    tasks.run(lambda: tasks.run(lambda: None), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], RuntimeError)


def test_wait_is_bounded(qapp):
    manager = TaskManager()
    gate = threading.Event()
    manager.run(lambda: gate.wait(10))
    assert manager.wait(50) is False
    gate.set()
    assert manager.wait(10_000) is True
