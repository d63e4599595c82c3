"""TaskRunner: results come back on the GUI thread, and never after their owner closed."""

from __future__ import annotations

import gc
import threading
import weakref

import shiboken6
from PySide6.QtWidgets import QLabel

from session_player.ui.worker import TaskRunner


def test_a_result_arrives_on_the_gui_thread(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    runner = TaskRunner(label)
    threads = []

    def on_done(value):
        threads.append(threading.current_thread() is threading.main_thread())
        label.setText(value)

    runner.start(lambda _progress, _cancelled: "checked", on_done=on_done)
    qtbot.waitUntil(lambda: label.text() == "checked", timeout=5000)
    assert threads == [True]


def test_a_result_queued_before_the_owner_closed_is_dropped(qtbot):
    """The pool thread emits, the window closes (cancel_all) before the GUI thread gets to the
    queued result: the callback must not run, its widgets may be gone."""
    label = QLabel()
    qtbot.addWidget(label)
    runner = TaskRunner(label)
    delivered = []
    task = runner.start(lambda _progress, _cancelled: "late", on_done=delivered.append)
    runner.wait(5000)  # finished on the pool thread; its result waits in the event queue
    runner.cancel_all()
    qtbot.wait(50)  # the event loop runs: the queued result is handed over, and dropped
    assert task.done and delivered == []


def test_a_result_for_a_deleted_owner_is_dropped(qtbot):
    label = QLabel()
    runner = TaskRunner(label)
    delivered = []
    runner.start(lambda _progress, _cancelled: "late", on_done=delivered.append)
    runner.wait(5000)
    shiboken6.delete(label)  # now, before the queued result: the runner, its child, goes too
    qtbot.wait(50)
    assert delivered == []


def test_without_cancelling_the_same_result_is_delivered(qtbot):
    """The other side of the two tests above: a finished task's queued result does arrive."""
    label = QLabel()
    qtbot.addWidget(label)
    runner = TaskRunner(label)
    delivered = []
    runner.start(lambda _progress, _cancelled: "in time", on_done=delivered.append)
    runner.wait(5000)
    qtbot.waitUntil(lambda: delivered == ["in time"], timeout=5000)


def test_a_task_is_let_go_once_its_result_is_delivered(qtbot):
    """A finished task, its signals and what its callbacks reach are freed: before, Qt's
    pool kept every task, and a connection from its signals back to it made a cycle that
    nothing could collect (the studio kept every 5,000-item playlist it had opened)."""
    label = QLabel()
    qtbot.addWidget(label)
    runner = TaskRunner(label)

    class Result:
        pass

    results = []
    task = runner.start(lambda _progress, _cancelled: Result(), on_done=results.append)
    task_ref, signals_ref = weakref.ref(task), weakref.ref(task.signals)
    del task
    qtbot.waitUntil(lambda: len(results) == 1, timeout=5000)
    result_ref = weakref.ref(results.pop())
    runner.start(lambda _progress, _cancelled: None)  # another task, as the next open
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    gc.collect()
    assert task_ref() is None and signals_ref() is None and result_ref() is None


def test_a_cancelled_task_is_let_go_when_it_ends(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    runner = TaskRunner(label)
    release = threading.Event()
    task = runner.start(lambda _progress, _cancelled: release.wait(5), on_done=print)
    task_ref = weakref.ref(task)
    task.cancel()
    del task
    release.set()
    runner.wait(5000)
    runner.start(lambda _progress, _cancelled: None)  # the next start drops ended tasks
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    gc.collect()
    assert task_ref() is None
