"""Run slow work (validation, loudness analysis) off the GUI thread, with progress.

The window must never freeze: a frozen console in a treatment room looks like a crash, and a
busy GUI thread must not be what decides whether the audio stutters. The work itself is a
plain Qt-free function; this module only carries its progress and result back to the GUI
thread as signals (Qt queues signals that cross threads).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    progress = Signal(float, str)  # fraction 0..1, what is being done
    finished = Signal(object)  # the function's return value
    failed = Signal(str)  # a message for the clinician


class Task(QRunnable):
    """``fn(report_progress, is_cancelled)`` run on a pool thread."""

    def __init__(self, fn: Callable[[Callable[[float, str], None], Callable[[], bool]], object]):
        super().__init__()
        # Qt must not delete the runnable while we hold its signals.
        self.setAutoDelete(False)
        self.signals = TaskSignals()
        self._fn = fn
        self._cancel = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._fn(self._report, self._cancel.is_set)
        except Exception as exc:  # reported to the clinician, never lost in a thread
            traceback.print_exc()
            self.done = True
            if not self._cancel.is_set():
                self.signals.failed.emit(str(exc) or type(exc).__name__)
            return
        self.done = True
        if not self._cancel.is_set():
            self.signals.finished.emit(result)

    def _report(self, fraction: float, what: str = "") -> None:
        if not self._cancel.is_set():
            self.signals.progress.emit(float(fraction), what)


class TaskRunner(QObject):
    """A small thread pool owned by one widget, so its work ends with it."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: list[Task] = []

    def start(self, fn, *, on_done=None, on_failed=None, on_progress=None) -> Task:
        task = Task(fn)
        for signal, callback in (
            (task.signals.finished, on_done),
            (task.signals.failed, on_failed),
            (task.signals.progress, on_progress),
        ):
            if callback is not None:
                signal.connect(self._unless_cancelled(task, callback))
        self._tasks = [t for t in self._tasks if not (t.done or t.cancelled)] + [task]
        self._pool.start(task)
        return task

    def _unless_cancelled(self, task: Task, callback: Callable) -> Callable:
        """``callback``, dropped once the task is cancelled or this runner is gone.

        A result the pool thread emitted just before ``cancel_all()`` still waits in the GUI
        thread's event queue. Delivered after the owner closed, it would update widgets that
        Qt may already have deleted (a RuntimeError in a slot, seen under load when a window
        closed as its check finished)."""

        def deliver(*args) -> None:
            if task.cancelled or not shiboken6.isValid(self):
                return
            callback(*args)

        return deliver

    def cancel_all(self) -> None:
        for task in self._tasks:
            task.cancel()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        return self._pool.waitForDone(timeout_ms)
