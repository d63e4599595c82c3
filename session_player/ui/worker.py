"""Run slow work (validation, loudness analysis) off the GUI thread, with progress.

The window must never freeze: a frozen console in a treatment room looks like a crash, and a
busy GUI thread must not be what decides whether the audio stutters. The work itself is a
plain Qt-free function; this module only carries its progress and result back to the GUI
thread as signals (Qt queues signals that cross threads).
"""

from __future__ import annotations

import itertools
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
        # Qt deletes the C++ runnable once ``run`` returns; this Python object, its signals
        # and its flags live on while the runner holds it (until its result is delivered).
        # Not deleting it leaked it: PySide's ``QThreadPool.start`` keeps a reference to a
        # runnable Qt does not delete, for as long as the pool lives.
        self.setAutoDelete(True)
        self.signals = TaskSignals()
        self._fn = fn
        self.cancel_event = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def run(self) -> None:
        try:
            result = self._fn(self._report, self.cancel_event.is_set)
        except Exception as exc:  # reported to the clinician, never lost in a thread
            traceback.print_exc()
            self.done = True
            if not self.cancel_event.is_set():
                self.signals.failed.emit(str(exc) or type(exc).__name__)
            return
        self.done = True
        if not self.cancel_event.is_set():
            self.signals.finished.emit(result)

    def _report(self, fraction: float, what: str = "") -> None:
        if not self.cancel_event.is_set():
            self.signals.progress.emit(float(fraction), what)


class TaskRunner(QObject):
    """A small thread pool owned by one widget, so its work ends with it."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        # Held from the start until the result has been handed over on the GUI thread (or
        # the task was cancelled and has ended): its signals must outlive the queued result.
        self._tasks: dict[int, Task] = {}
        self._keys = itertools.count()

    def start(self, fn, *, on_done=None, on_failed=None, on_progress=None) -> Task:
        task = Task(fn)
        key = next(self._keys)
        for signal, callback in (
            (task.signals.finished, on_done),
            (task.signals.failed, on_failed),
            (task.signals.progress, on_progress),
        ):
            if callback is not None:
                signal.connect(self._unless_cancelled(task, callback))
        # Connected after the callbacks, so it runs after them.
        forget = self._forget(key)
        task.signals.finished.connect(forget)
        task.signals.failed.connect(forget)
        self._tasks = {k: t for k, t in self._tasks.items() if not (t.cancelled and t.done)}
        self._tasks[key] = task
        self._pool.start(task)
        return task

    @property
    def pending(self) -> int:
        """Tasks started whose result has not been handed over yet (nor dropped)."""
        return len(self._tasks)

    def _forget(self, key: int) -> Callable:
        def forget(*_args) -> None:
            self._tasks.pop(key, None)

        return forget

    def _unless_cancelled(self, task: Task, callback: Callable) -> Callable:
        """``callback``, dropped once the task is cancelled or this runner is gone.

        A result the pool thread emitted just before ``cancel_all()`` still waits in the GUI
        thread's event queue. Delivered after the owner closed, it would update widgets that
        Qt may already have deleted (a RuntimeError in a slot, seen under load when a window
        closed as its check finished).

        The closure holds the task's cancel event, never the task: the task's signals hold
        the closure through a Qt connection, which Python's collector cannot see, so a
        closure over the task was a cycle nothing could free. Every finished task kept its
        callbacks and what they reach alive (the studio kept each opened 5,000-item playlist,
        and every full collection took longer for it)."""
        cancelled = task.cancel_event.is_set

        def deliver(*args) -> None:
            if cancelled() or not shiboken6.isValid(self):
                return
            callback(*args)

        return deliver

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.cancel()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        return self._pool.waitForDone(timeout_ms)
