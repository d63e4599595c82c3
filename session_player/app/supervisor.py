"""The supervising launcher: an app that dies during a session comes back by itself.

In the trial, after a crash the patient heard silence for 37 s: until someone noticed,
restarted the app and clicked Resume. Now the ``session-player`` command forks at once
(before Qt, pygame or the session package are imported, so a launch costs a fork, not a
second interpreter); the child is the app, the parent stays behind as its supervisor. When
the child dies (a non-zero exit or a signal) while the state file it keeps
(``session_player.launch.supervisor_state``) names a session whose journal has no
``session_ended``, the supervisor forks a new child at once and asks it to resume that
session by itself, on the screen that was showing (the patient view comes back as the
patient view, never as the console), and to say so on the console.

What is not restarted: a normal exit (the clinician closed the app, even mid-session:
"Close and stop the sound" is a decision), a death with no session open (the start screen,
the summary), and a crash loop: after ``MAX_RESTARTS`` restarts in ``RESTART_WINDOW_S``
the supervisor stops trying and shows a window that says so and why
(``session_player.ui.crash_notice``), because a patient left in silence by an app that
keeps dying needs a person, and a log line reaches nobody.

The parent imports nothing heavy (this module, ``supervisor_state``; the journal reader
only after a death) and does nothing but wait. ``--no-supervisor`` (or
``SESSION_PLAYER_NO_SUPERVISOR=1``) runs the app in the command's own process, for tests and
debugging. Without ``os.fork`` (Windows) the app runs unsupervised.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Sequence

from session_player.launch import supervisor_state

DISABLE_FLAG = "--no-supervisor"
DISABLE_ENV = "SESSION_PLAYER_NO_SUPERVISOR"  # "1": no supervisor
MAX_RESTARTS = 3  # restarts allowed within RESTART_WINDOW_S; one more death stops them
RESTART_WINDOW_S = 120.0
EXIT_NOTICE_START_AGAIN = 0  # the crash notice's answer: start the app (resume by hand)


def wanted(args: Sequence[str]) -> bool:
    """Whether this launch runs under a supervisor."""
    if DISABLE_FLAG in args or os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return False
    if supervisor_state.state_path() is not None:
        return False  # already the supervised child (a nested launch must not nest)
    return hasattr(os, "fork")


class RestartPolicy:
    """At most ``max_restarts`` restarts within any ``window_s`` seconds of ``clock``."""

    def __init__(
        self,
        max_restarts: int = MAX_RESTARTS,
        window_s: float = RESTART_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_restarts = max_restarts
        self.window_s = window_s
        self._clock = clock
        self._restarts: list[float] = []

    def allow_restart(self) -> bool:
        """True (and counted) if one more restart is within the limit now."""
        now = self._clock()
        self._restarts = [t for t in self._restarts if now - t < self.window_s]
        if len(self._restarts) >= self.max_restarts:
            return False
        self._restarts.append(now)
        return True

    @property
    def recent_restarts(self) -> int:
        return len(self._restarts)


def describe_exit(code: int) -> str:
    """``-9`` → "killed by signal 9 (SIGKILL)"; ``1`` → "exited with code 1"."""
    if code >= 0:
        return f"exited with code {code}"
    import signal

    try:
        name = signal.Signals(-code).name
    except ValueError:
        return f"killed by signal {-code}"
    return f"killed by signal {-code} ({name})"


def unfinished_journal(journal_path: str) -> bool:
    """The journal holds a started session without ``session_ended``: it was running."""
    from session_player.session.journal import has_complete_event, read_journal
    from session_player.session.rehearsal import REHEARSAL_FIELD

    try:
        with open(journal_path, "rb") as stream:
            data = stream.read()
    except OSError:
        return False
    if has_complete_event(data, "session_ended"):
        return False
    events = read_journal(journal_path, data).events
    if not events or events[0]["type"] != "session_started":
        return False
    # A rehearsal is never resumed (it would come back as the start screen): not restarted.
    return REHEARSAL_FIELD not in events[0]


def state_file_path() -> str:
    """A private file for this supervisor's child: in ``XDG_RUNTIME_DIR`` (or the temporary
    folder), in a ``0700`` folder of this user's, named after this process."""
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    folder = os.path.join(base, f"session-player-{os.getuid()}")
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    info = os.lstat(folder)
    if info.st_uid != os.getuid() or (info.st_mode & 0o077) or not os.path.isdir(folder):
        # Someone else's, a symlink or open to others: a planted state file could send the
        # restart elsewhere, so use none of it.
        raise OSError(f"{folder} is not a private folder of this user")
    return os.path.join(folder, f"supervised-{os.getpid()}.json")


def _wait(pid: int) -> int:
    while True:
        try:
            _pid, status = os.waitpid(pid, 0)
        except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for clarity
            continue
        except ChildProcessError:
            return -9  # reaped elsewhere: it is gone, and we cannot say how
        return os.waitstatus_to_exitcode(status)


def _say(text: str) -> None:
    print(f"session-player: {text}", file=sys.stderr, flush=True)


class Supervisor:
    """Runs ``start_app`` in forked children (see the module's docstring)."""

    def __init__(
        self,
        start_app: Callable[[list[str]], int],
        args: Sequence[str],
        *,
        policy: RestartPolicy | None = None,
        show_notice: Callable[[str, str], int] | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._start_app = start_app
        self._args = list(args)
        self._policy = policy if policy is not None else RestartPolicy()
        self._show_notice = show_notice if show_notice is not None else _crash_notice
        self._wall_clock = wall_clock
        self._child: int | None = None
        self._stopping = False

    def run(self) -> int:
        """The app's exit code. Returns in every forked child too, with that child's code
        (the caller exits with it): the child never comes back into the loop."""
        try:
            path = state_file_path()
        except OSError as exc:
            _say(f"running without a supervisor: {exc}")
            return self._start_app(self._args)
        restart: dict | None = None
        parent_pid = os.getpid()
        try:
            while True:
                if restart is None:
                    supervisor_state.clear_state(path)
                # Else the dead app's state stays until the new one has resumed (and rewrites
                # it): if it dies before, even while resuming, it is restarted again, and a
                # loop of that ends in the notice rather than in silence nobody is told of.
                child = self._fork(lambda asked=restart: self._child_main(path, asked))
                if child is None:
                    return self._exit_code
                self._child = child
                self._install_signals()
                code = _wait(child)
                self._child = None
                died_wall = self._wall_clock()
                if code == 0 or self._stopping:
                    return code
                state = supervisor_state.read_state(path)
                if state is None or not unfinished_journal(state["journal_path"]):
                    return code  # no session was open: nothing for the patient to miss
                reason = describe_exit(code)
                if not self._policy.allow_restart():
                    choice = self._notice(code, reason, state)
                    if choice is None:
                        return self._exit_code  # in the notice's own child
                    if choice != EXIT_NOTICE_START_AGAIN:
                        return code
                    restart = None  # started by the clinician: the resume offer is shown
                    continue
                _say(
                    f"the app stopped unexpectedly ({reason}) during a session; "
                    "restarting it to resume the session"
                )
                restart = {
                    "journal_path": state["journal_path"],
                    "screen": state["screen"],
                    "crashed_wall": died_wall,
                    "reason": reason,
                    "restart": self._policy.recent_restarts,
                }
        finally:
            if os.getpid() == parent_pid:
                supervisor_state.clear_state(path)

    _exit_code = 0

    def _fork(self, work: Callable[[], int]) -> int | None:
        """Fork: in the child run ``work`` and return None (its code in ``_exit_code``);
        in the parent return the child's pid."""
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _default_signals()  # the supervisor's handlers are not the app's
            self._exit_code = work()
            return None
        return pid

    def _child_main(self, path: str, restart: dict | None) -> int:
        import json

        os.environ[supervisor_state.STATE_ENV] = path
        if restart is not None:
            os.environ[supervisor_state.RESTART_ENV] = json.dumps(restart)
        else:
            os.environ.pop(supervisor_state.RESTART_ENV, None)
        return self._start_app(self._args)

    def _notice(self, code: int, reason: str, state: dict) -> int | None:
        title = "Session Player stopped and was not restarted"
        minutes = round(self._policy.window_s / 60)
        how = f"was {reason}" if reason.startswith("killed") else reason
        message = (
            f"Session Player stopped unexpectedly {self._policy.max_restarts + 1} times "
            f"in {minutes} minutes, so it was not restarted again (the last time, it {how}). "
            "The patient's sound is off.\n\n"
            "Go to the patient. Start Session Player again to resume the session by hand; "
            "if it stops again, continue without it and note the session on paper."
        )
        _say(message.replace("\n\n", " "))
        pid = self._fork(lambda: self._show_notice(title, message))
        if pid is None:
            return None
        return _wait(pid)

    def _install_signals(self) -> None:
        # Imported after the first fork: the child's launch does not wait for it.
        import signal

        def forward(signum, _frame) -> None:
            # The session is being shut down on purpose (logout, systemd): no restart.
            self._stopping = True
            if self._child is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._child, signum)

        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, forward)
        # Ctrl+C in a terminal reaches the whole process group, the app included.
        signal.signal(signal.SIGINT, lambda _s, _f: setattr(self, "_stopping", True))


def _default_signals() -> None:
    signal = sys.modules.get("signal")
    if signal is None:
        return  # nothing was installed yet
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _crash_notice(title: str, message: str) -> int:
    from session_player.ui.crash_notice import show_crash_notice

    return show_crash_notice(title, message)


def supervise(start_app: Callable[[list[str]], int], args: Sequence[str]) -> int:
    """The command's exit status: the app's, or 128 + N when it died of signal N (as a
    shell says it), so a script sees the crash."""
    code = Supervisor(start_app, args).run()
    return code if code >= 0 else 128 - code
