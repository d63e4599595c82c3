"""The launch's second process: the start screen's background work, beside the window.

At launch the window's own process spends its first ~190 ms importing Qt and building the
start screen, and Python's threads share one interpreter lock: a worker thread doing the
rest of the start screen's work (the playlist's structure check, the list of outputs, the
look for an unfinished session) adds its time to the window's instead of overlapping it.
So the app spawns this helper before it imports Qt (``session_player.app.composition_root``); it runs on the
other core and does exactly what the worker thread would, with the same functions:

- lists the outputs (``LiveEnginePort.output_devices``: pygame and SDL's audio, in this
  process; the app's own SDL is started only when it first needs a device);
- looks for unfinished sessions (``LiveEnginePort.unfinished_sessions``);
- reads one request from stdin, ``{"playlist": path}`` (the start screen's choice, known
  only once the app has read its settings), and checks that playlist's structure
  (``start_check.check_structure``: from the validation cache, or validated and stored);

then writes one document to stdout and exits. Each part is ``{"value": ...}`` or
``{"error": message}``. Anything else the process prints goes to stderr, which the app
discards. The request and the answer are in ``marshal``'s format rather than JSON: both ends
are the same interpreter, and ``marshal`` is built in, where ``json`` costs the window's
process ~2 ms to import. The helper is started with ``os.posix_spawn`` rather than
``subprocess`` (~6 ms to import, with ``signal``, ``selectors`` and ``locale``) for the same
reason: the window's process does nothing before Qt that it can leave out.

The app's side (:class:`StartHelper`) reads that document on a thread of its own and hands
it to the start screen and the main window (``session_player.ui.launch_results``). Whatever
goes wrong (the helper does not start, crashes, prints garbage, answers a part with an
error, or has not answered ``DEADLINE_S`` after the request), that part is done in the
app's own process as before: the clinician sees the same, a little later. The helper never
outlives the app: it exits after answering, on its own after ``ALARM_S`` whatever happens,
at once if the app's end of its stdin closes before the request, and the app kills and
reaps it when it closes. ``SESSION_PLAYER_START_HELPER=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import threading
import time
from collections.abc import Callable

DISABLE_ENV = "SESSION_PLAYER_START_HELPER"  # "0": everything in the app's own process
DEADLINE_S = 4.0  # from the request to the answer; then the app does the work itself
ALARM_S = 30  # the helper ends itself after this, whatever it is doing
PARTS = ("structure", "devices", "unfinished")
_SIGKILL = 9  # fixed by POSIX; importing ``signal`` for it would cost a millisecond at launch


def helper_command(sessions_dir: str | None = None, cache_dir: str | None = None) -> list[str]:
    """The helper, run by this interpreter on this copy of the package.

    ``sessions_dir`` and ``cache_dir``: as given to ``LiveEnginePort`` and
    ``ValidationCache`` (None: the platform's folders, as the app's own).
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = (
        f"import sys; sys.path.insert(0, {root!r}); "
        "from session_player.app.start_helper import main; main()"
    )
    return [sys.executable, "-c", code, sessions_dir or "", cache_dir or ""]


class ChildProcess:
    """A child started with ``os.posix_spawn``: its pipes, and the part of
    ``subprocess.Popen`` the start helper needs (``poll``, ``wait``, ``kill``)."""

    def __init__(self, pid: int, stdin, stdout) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.returncode: int | None = None
        self._lock = threading.Lock()

    @classmethod
    def start(cls, command: list[str]) -> ChildProcess:
        """Stdin and stdout piped, stderr to the null device. Raises OSError if it cannot."""
        in_read, in_write = os.pipe()
        out_read, out_write = os.pipe()
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            pid = os.posix_spawn(
                command[0],
                command,
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, in_read, 0),
                    (os.POSIX_SPAWN_DUP2, out_write, 1),
                    (os.POSIX_SPAWN_DUP2, null, 2),
                ],
            )
        except BaseException:
            for fd in (in_write, out_read):
                os.close(fd)
            raise
        finally:
            for fd in (in_read, out_write, null):
                os.close(fd)
        return cls(pid, os.fdopen(in_write, "wb"), os.fdopen(out_read, "rb"))

    def poll(self) -> int | None:
        with self._lock:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:  # reaped elsewhere: it has ended
                    self.returncode = -_SIGKILL
                else:
                    if pid:
                        self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Its exit code; TimeoutError if it is still running after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"process {self.pid} still running after {timeout} s")
            time.sleep(0.005)
        return code

    def kill(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, _SIGKILL)


def _start_process(command: list[str]):
    """A ``ChildProcess``, or on a platform without ``posix_spawn`` a ``subprocess.Popen``."""
    if hasattr(os, "posix_spawn"):
        return ChildProcess.start(command)
    import subprocess

    return subprocess.Popen(  # its wait() raises subprocess.TimeoutExpired, caught below
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )


def _timeout_errors() -> tuple[type[BaseException], ...]:
    subprocess = sys.modules.get("subprocess")
    return (TimeoutError,) if subprocess is None else (TimeoutError, subprocess.TimeoutExpired)


class StartHelper:
    """The app's handle on the helper process (see the module's docstring)."""

    def __init__(self, process: ChildProcess) -> None:
        self._process = process
        self._lock = threading.Lock()
        self._closed = False
        self._expired = False
        self._requested = False
        self._reader: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._answered = threading.Event()
        self.answer: dict | None = None  # once answered (see wait_answer)

    @classmethod
    def spawn(cls, command: list[str] | None = None) -> StartHelper | None:
        """Start the helper; None if it is turned off or cannot start."""
        if os.environ.get(DISABLE_ENV, "").strip() == "0":
            return None
        try:
            process = _start_process(command if command is not None else helper_command())
        except (OSError, ValueError):
            return None
        return cls(process)

    @property
    def pid(self) -> int:
        return self._process.pid

    def request(
        self,
        playlist: str | None,
        on_answer: Callable[[dict | None], None],
        deadline_s: float | None = None,
    ) -> None:
        """Ask for ``playlist``'s structure (None: no playlist) and the rest; once.

        ``on_answer`` is called once, on a thread of its own, with the answer (a dict with
        an entry per part, see ``PARTS``) or None when there is none to be had. It is not
        called after :meth:`close` has returned. After ``deadline_s`` (default
        ``DEADLINE_S``) without an answer the helper is killed and the answer is None.
        """
        with self._lock:
            if self._requested or self._closed:
                raise RuntimeError("the start helper was asked already")
            self._requested = True
            self._reader = threading.Thread(
                target=self._read, args=(on_answer,), name="start-helper", daemon=True
            )
            self._reader.start()
            wait_s = DEADLINE_S if deadline_s is None else deadline_s
            self._timer = threading.Timer(wait_s, self._expire)
            self._timer.daemon = True
            self._timer.start()
        try:
            self._process.stdin.write(marshal.dumps({"playlist": playlist}))
            self._process.stdin.close()
        except (OSError, ValueError):
            self._kill()  # it is gone already: the reader sees the end and answers None

    def _read(self, on_answer: Callable[[dict | None], None]) -> None:
        try:
            data = self._process.stdout.read()
        except (OSError, ValueError):
            data = b""
        finally:
            with contextlib.suppress(OSError, ValueError):
                self._process.stdout.close()
        answer = None if self._expired else parse_answer(data)
        try:
            self._process.wait(timeout=1.0)
        except _timeout_errors():
            self._kill()
        if self._timer is not None:
            self._timer.cancel()
        self.answer = answer
        self._answered.set()
        with self._lock:
            if self._closed:
                return
        on_answer(answer)

    def wait_answer(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the answer (then in :attr:`answer`, None if there is
        none to be had); False if it has not come, or the helper was closed. ``on_answer``
        is still called as usual."""
        return self._answered.wait(timeout_s) and not self._closed

    def _expire(self) -> None:
        self._expired = True
        self._kill()

    def _kill(self) -> None:
        try:
            if self._process.poll() is None:
                self._process.kill()
        except OSError:
            pass

    def close(self) -> None:
        """Kill the helper if it still runs and reap it; no answer is delivered after this."""
        with self._lock:
            self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        self._kill()
        with contextlib.suppress(*_timeout_errors()):
            self._process.wait(timeout=2.0)
        reader = self._reader
        if reader is not None and reader is not threading.current_thread():
            reader.join(timeout=2.0)
        streams = [self._process.stdin]
        if reader is None:
            streams.append(self._process.stdout)  # else the reader closes it
        for stream in streams:
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()

    def __del__(self) -> None:  # never leave it running, even if close() was forgotten
        with contextlib.suppress(Exception):
            self._kill()


def parse_answer(data: bytes) -> dict | None:
    """The helper's document, or None if it is not one (garbage, empty, cut short)."""
    try:
        answer = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(answer, dict):
        return None
    parts = {}
    for part in PARTS:
        entry = answer.get(part)
        parts[part] = entry if isinstance(entry, dict) and "value" in entry else None
    log = answer.get("log")
    parts["log"] = [line for line in log if isinstance(line, list)] if isinstance(log, list) else []
    return parts


# --- the helper process -------------------------------------------------------------------------


def main() -> None:
    # The document goes to the real stdout; anything else printed (pygame's greeting, SDL)
    # goes to stderr, which the app discards.
    out = os.dup(1)
    os.dup2(2, 1)
    import signal

    if hasattr(signal, "alarm"):
        signal.alarm(ALARM_S)
    try:
        folders = [*sys.argv[1:3], "", ""][:2]
        config = {"sessions_dir": folders[0] or None, "cache_dir": folders[1] or None}
        answer = answer_all(config, sys.stdin.buffer)
        data = marshal.dumps(answer)
    except BaseException as exc:  # noqa: BLE001 - the app falls back; never a traceback
        data = marshal.dumps({"error": f"{type(exc).__name__}: {exc}"})
    try:
        while data:
            data = data[os.write(out, data) :]
        os.close(out)
    except OSError:
        pass
    # Not the interpreter's exit: SDL's audio is up, and there is nothing to clean.
    os._exit(0)


def answer_all(config: dict, requests) -> dict:
    import logging

    from session_player.app.live_port import LiveEnginePort
    from session_player.launch.start_check import ValidationCache, check_structure

    log_lines: list[list] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            log_lines.append([record.name, record.levelno, record.getMessage()])

    root = logging.getLogger()
    root.addHandler(Keep(logging.WARNING))

    port = LiveEnginePort(sessions_dir=config.get("sessions_dir"))
    answer: dict = {}
    answer["devices"] = _part(lambda: list(port.output_devices()))

    def unfinished() -> list[dict]:
        try:
            from session_player.launch.unfinished_json import unfinished_to_json

            return unfinished_to_json(port.unfinished_sessions())
        except OSError:
            return []  # as the main window's own look

    answer["unfinished"] = _part(unfinished)
    cache = ValidationCache(config.get("cache_dir"))
    data = requests.read()  # the app closes its end after the request
    try:
        request = marshal.loads(data) if data else {}
    except (EOFError, ValueError, TypeError):
        request = {}
    playlist = request.get("playlist") if isinstance(request, dict) else None
    if isinstance(playlist, str) and playlist:
        answer["structure"] = _part(
            lambda: {"playlist": playlist, "check": check_structure(playlist, cache).to_json()}
        )
    answer["log"] = log_lines
    return answer


def _part(work: Callable[[], object]) -> dict:
    try:
        return {"value": work()}
    except Exception as exc:  # noqa: BLE001 - the app does this part itself, and reports
        return {"error": f"{type(exc).__name__}: {exc}"}
