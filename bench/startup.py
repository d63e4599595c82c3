"""Benchmark: from launching the app to a start screen ready for the clinician.

Run: ``.venv/bin/python bench/startup.py`` (``--xvfb`` for a real X server instead of Qt's
offscreen platform, ``--repeats N``). Writes its figures, with the command, into the
"Startup" section of ``docs/benchmarks.md``.

Three kinds of child process are started in turn, several times each, and timed from the
moment this script spawns them:

- **the app, launched again**: ``session-player playlists/iv-infusion-40min.yaml`` with
  ``SESSION_PLAYER_STARTUP_PROBE=1``, in the same home folder every time (the warm-up run
  launched it there first): as on a clinic's laptop, where every launch but the very first
  finds the demo's structure check in the validation cache (``session_player.launch.start_check``).
  It prints ``startup-probe-shown <time.monotonic()>`` when its window is up, then
  ``startup-probe <time.monotonic()>`` once the demo playlist has been checked and shown on
  the start screen, the outputs listed, the look for an unfinished session done, and the
  event loop is idle; then it quits (``session_player.app.qt_app``).
- **the app, launched for the first time**: the same in a fresh, empty home folder each
  time, so the validation cache is empty and the playlist model is imported to validate
  (in the app's second process, the start helper: ``session_player.app.start_helper``).
- **the bare reference**: a QApplication showing an empty QMainWindow, plus
  ``pygame.mixer.init(48000)``, printing the same line when its event loop is idle.

``time.monotonic()`` is the system's monotonic clock, the same in every process, so the child's
reading minus the parent's reading at spawn is the time to ready. Peak memory is the child's
``ru_maxrss`` from ``os.wait4`` (for the app, the larger of its own and its start helper's,
which it has reaped by then). All run with ``SDL_AUDIODRIVER=dummy``, with no recent
playlists and no session to resume. Python may write its bytecode caches
(``PYTHONDONTWRITEBYTECODE`` is not passed on): the warm-up runs write them, as the first
launch after an install does (pip compiles a package's modules when it installs it).

The goal from the issue: the app is ready in at most 1.3× the bare process's time.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402

DEMO = ROOT / "playlists" / "iv-infusion-40min.yaml"
PREFIX = "startup-probe"
GOAL = 1.3
TIMEOUT_S = 60.0

BARE = f"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import pygame

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1360, 900)
window.show()
pygame.mixer.init(48000)

def report():
    print("{PREFIX} %.6f %.6f" % (time.monotonic(), time.process_time()), flush=True)
    app.quit()

QTimer.singleShot(0, lambda: QTimer.singleShot(0, report))
app.exec()
"""


@dataclass
class Run:
    ready_s: float
    peak_rss_mib: float
    shown_s: float | None = None  # the app only: its window up, before it is ready
    cpu_s: float = 0.0  # user + system time of the whole process (ready, then quitting)
    ready_cpu_s: float | None = None  # the process's own CPU time when it was ready


def app_command() -> list[str]:
    script = Path(sys.executable).parent / "session-player"
    if script.exists():
        return [str(script), str(DEMO)]
    return [sys.executable, "-m", "session_player", str(DEMO)]


def environment(home: Path, platform_name: str, display: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    # Bytecode caches as on any installed copy (see the module docstring).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("DATA", "CONFIG", "CACHE", "STATE"):
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    env["HOME"] = str(home)
    env["SDL_AUDIODRIVER"] = "dummy"
    env["QT_QPA_PLATFORM"] = platform_name
    if display:
        env["DISPLAY"] = display
    env["SESSION_PLAYER_STARTUP_PROBE"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def run_once(
    command: list[str], platform_name: str, display: str | None, home: Path | None = None
) -> Run:
    """One launch, in ``home`` (kept) or else in a fresh home folder (removed after)."""
    with tempfile.TemporaryDirectory(prefix="session-player-startup-") as tmp:
        env = environment(home or Path(tmp), platform_name, display)
        spawned = time.monotonic()
        child = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Read everything, then reap the child ourselves: os.wait4 gives its peak RSS.
        deadline = time.monotonic() + TIMEOUT_S
        output, errors = _read_both(child)
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            raise SystemExit(f"{command[0]} took longer than {TIMEOUT_S:.0f} s")
    lines = [line for line in output.splitlines() if line.startswith(PREFIX + " ")]
    shown = [line for line in output.splitlines() if line.startswith(PREFIX + "-shown ")]
    if not lines:
        raise SystemExit(
            f"no {PREFIX} line from {' '.join(command)} (exit {child.returncode}):\n"
            + errors[-3000:]
        )
    fields = lines[0].split()
    ready = float(fields[1])
    ready_cpu_s = float(fields[2]) if len(fields) > 2 else None
    shown_s = float(shown[0].split()[1]) - spawned if shown else None
    cpu_s = usage.ru_utime + usage.ru_stime
    return Run(ready - spawned, usage.ru_maxrss / 1024.0, shown_s, cpu_s, ready_cpu_s)


def _read_both(child: subprocess.Popen) -> tuple[str, str]:
    """Read stdout and stderr to their ends without reaping the child (wait4 does that)."""
    import threading

    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(child.stderr.read()), daemon=True)
    reader.start()
    output = child.stdout.read()
    reader.join()
    return output, errors[0] if errors else ""


def start_xvfb() -> tuple[subprocess.Popen, str]:
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed")
    for number in range(97, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            break
    display = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            return server, display
        time.sleep(0.05)
    server.kill()
    raise SystemExit("Xvfb did not start")


# What the app does before it is ready, each part in a fresh process: PySide6, pygame and
# numpy alone, our parts after importing PySide6 (which the app has loaded by then), timed
# from where the code sets ``start``. Shared dependencies still count in several lines, so
# the lines do not add up. {demo}, {cache} and {data} are filled in: the demo playlist, a
# validation cache holding its structure check, an empty data folder.
AFTER_PYSIDE = "import PySide6.QtWidgets\nstart = time.perf_counter()\n"
PYSIDE = "PySide6 widgets (the bare process imports them too)"
PYGAME = "pygame and SDL's audio (the bare process starts them too)"
UI = "our start screen's modules (after PySide6)"
BUILD = "building, showing and painting the start screen (its modules loaded)"
CACHED = "the demo's structure check, from the validation cache (after PySide6)"
VALIDATED = "the demo's structure check, validated: pydantic model, YAML (after PySide6)"
OUTPUTS = "listing the outputs: output package, pygame, SDL audio (after PySide6)"
UNFINISHED = "the look for unfinished sessions, none (after PySide6)"
HISTORY_SESSIONS = 300
HISTORY = (
    f"the look for unfinished sessions, {HISTORY_SESSIONS} ended ones in the history "
    "(after PySide6)"
)
HELPER = (
    "the start helper, spawned until it has answered: outputs, unfinished sessions, "
    "the demo's structure from the cache (the app's second process; in parallel)"
)
PARTS = (
    (PYSIDE, "import PySide6.QtWidgets"),
    (PYGAME, "import pygame; pygame.mixer.init(48000)"),
    (UI, AFTER_PYSIDE + "import session_player.app.qt_app"),
    (
        BUILD,
        # The port answers at once and the check comes from the cache (its modules loaded
        # first): the window alone.
        "from PySide6.QtCore import QSettings\n"
        "from session_player.launch.start_check import ValidationCache, check_structure\n"
        "from session_player.app.qt_app import build_window, make_app\n"
        "class Port:\n"
        "    def output_devices(self): return []\n"
        "    def unfinished_sessions(self): return []\n"
        "app = make_app()\n"
        "check_structure({demo!r}, ValidationCache({cache!r}))\n"
        "start = time.perf_counter()\n"
        "settings = QSettings({data!r} + '/settings.ini', QSettings.Format.IniFormat)\n"
        "window = build_window(Port(), qsettings=settings, "
        "validation_cache=ValidationCache({cache!r}))\n"
        "window.show(); app.processEvents()",
    ),
    (
        CACHED,
        AFTER_PYSIDE
        + "from session_player.launch.start_check import ValidationCache, check_structure\n"
        "assert check_structure({demo!r}, ValidationCache({cache!r})).from_cache",
    ),
    (
        VALIDATED,
        AFTER_PYSIDE + "from session_player.launch.start_check import check_structure\n"
        "check_structure({demo!r})",
    ),
    (
        OUTPUTS,
        AFTER_PYSIDE + "from session_player.output.devices import list_output_devices\n"
        "list_output_devices()",
    ),
    (
        UNFINISHED,
        AFTER_PYSIDE + "from session_player.session.store import find_unfinished_sessions\n"
        "find_unfinished_sessions({data!r})",
    ),
    (
        HISTORY,
        AFTER_PYSIDE + "from session_player.session.store import find_unfinished_sessions\n"
        "assert find_unfinished_sessions({history!r}) == []",
    ),
    (
        HELPER,
        "import threading\n"
        "from session_player.app.start_helper import StartHelper, helper_command\n"
        "answered = threading.Event()\n"
        "helper = StartHelper.spawn(helper_command({data!r}, {cache!r}))\n"
        "helper.request({demo!r}, lambda answer: answered.set())\n"
        "assert answered.wait(10)",
    ),
    ("numpy (not loaded before ready)", "import numpy"),
)


def part_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SDL_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        SDL_AUDIODRIVER="dummy", PYDANTIC_DISABLE_PLUGINS="__all__", QT_QPA_PLATFORM="offscreen"
    )
    return env


def part_ms(code: str, repeats: int) -> float:
    """Median time of ``code`` in a fresh process (from where it sets ``start``, if it does)."""
    script = (
        "import time; start = time.perf_counter()\n"
        f"{code}\n"
        "print(round((time.perf_counter() - start) * 1000, 1), flush=True)\n"
        "import os; os._exit(0)"  # worker threads may still run: do not wait for them
    )
    times = []
    for _ in range(repeats + 1):  # the first run writes the bytecode caches
        out = subprocess.run(
            [sys.executable, "-c", script],
            env=part_env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.split()[-1]))
    return statistics.median(times[1:])


def measure_parts(repeats: int) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory(prefix="session-player-parts-") as tmp:
        values = {"demo": str(DEMO), "cache": str(Path(tmp) / "cache"), "data": tmp}
        fill = (
            "from session_player.launch.start_check import ValidationCache, validate_structure; "
            f"validate_structure({str(DEMO)!r}, ValidationCache({values['cache']!r}))"
        )
        subprocess.run([sys.executable, "-c", fill], env=part_env(), cwd=ROOT, check=True)
        values["history"] = str(Path(tmp) / "history")
        make_history(Path(values["history"]), HISTORY_SESSIONS)
        return [(name, part_ms(code.format(**values), repeats)) for name, code in PARTS]


# One ended session of the demo on a fake clock (started, dosed, every phase, the vital
# signs when due, a side effect and a note, ended after observation), copied as a clinic's
# history: the journals the look for unfinished sessions reads at every launch.
HISTORY_SCRIPT = """
import sys
from session_player.playlist.loader import load_playlist
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

playlist = load_playlist(sys.argv[1], check_audio=False).playlist
clock = FakeClock(start_s=1_000_000.0)
timeline = SessionTimeline(playlist, SessionStore(sys.argv[2]), clock, clock.wall, seed=1)
timeline.start("History", "route and dose")
clock.advance(300)
timeline.mark_dose_given()
for minute in range(180):
    clock.advance(60)
    timeline.tick()
    if timeline.state().due_vitals or minute % 15 == 0:
        timeline.record_vitals(120, 80, 72, 98)
    if minute == 20:
        timeline.log_side_effect("nausea/vomiting", "mild")
    if minute % 30 == 10:
        timeline.add_note("resting, eyes closed, breathing slow and even")
timeline.end_session(reason="discharged")
print(timeline.journal_path)
"""


def make_history(base: Path, count: int) -> None:
    out = subprocess.run(
        [sys.executable, "-c", HISTORY_SCRIPT, str(DEMO), str(base)],
        env=part_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    journal = Path(out.stdout.split()[-1])
    for number in range(1, count):
        copy = journal.parent.with_name(f"{journal.parent.name}-{number}")
        copy.mkdir(mode=0o700)
        shutil.copy2(journal, copy / journal.name)


def python_start_ms(repeats: int) -> float:
    """An empty interpreter, spawned and waited for: the floor under both processes."""
    times = []
    for _ in range(repeats):
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.monotonic() - start) * 1000)
    return statistics.median(times)


def describe(runs: list[Run]) -> tuple[float, float, float, float]:
    times = [run.ready_s for run in runs]
    return (
        statistics.median(times),
        min(times),
        max(times),
        statistics.median(run.peak_rss_mib for run in runs),
    )


def cpu_median(runs: list[Run]) -> float:
    return statistics.median(run.ready_cpu_s for run in runs if run.ready_cpu_s is not None)


def row(name: str, runs: list[Run]) -> str:
    median, low, high, rss = describe(runs)
    return (
        f"| {name} | {median * 1000:.0f} ms | {low * 1000:.0f} ms | {high * 1000:.0f} ms "
        f"| {cpu_median(runs) * 1000:.0f} ms | {rss:.1f} MiB |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--xvfb", action="store_true", help="run under Xvfb (default: offscreen)")
    parser.add_argument("--no-write", action="store_true", help="print, do not update the docs")
    args = parser.parse_args()

    server = None
    display = None
    platform_name = "offscreen"
    if args.xvfb:
        server, display = start_xvfb()
        platform_name = "xcb"
    bare_command = [sys.executable, "-c", BARE]
    again: list[Run] = []  # the app launched again in the same home folder
    first: list[Run] = []  # the app launched in a fresh home folder
    bare: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="session-player-startup-home-") as home:
            # Warm the disk cache and write the bytecode caches; the first launch in `home`
            # fills its validation cache, as a clinic's first launch does.
            run_once(app_command(), platform_name, display, Path(home))
            run_once(bare_command, platform_name, display)
            for _ in range(args.repeats):  # alternating, so drifts in load hit all alike
                again.append(run_once(app_command(), platform_name, display, Path(home)))
                bare.append(run_once(bare_command, platform_name, display))
                first.append(run_once(app_command(), platform_name, display))
    finally:
        if server is not None:
            server.terminate()
            server.wait(5)

    parts = measure_parts(args.repeats)
    python_ms = python_start_ms(args.repeats)

    again_median = describe(again)[0]
    first_median = describe(first)[0]
    bare_median = describe(bare)[0]
    shown_median = statistics.median(run.shown_s for run in again if run.shown_s is not None)
    ratio = again_median / bare_median
    cpu_ratio = cpu_median(again) / cpu_median(bare)
    first_ratio = first_median / bare_median
    verdict = "meets" if ratio <= GOAL else "misses"
    part = dict(parts)
    where = "Xvfb (`--xvfb`, xcb platform)" if args.xvfb else "Qt's offscreen platform"
    command = "`.venv/bin/python bench/startup.py" + (" --xvfb" if args.xvfb else "") + "`"
    body = "\n".join(
        [
            f"Command: {command} (Python {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} cores; {where}; `SDL_AUDIODRIVER=dummy`; median of "
            f"{args.repeats} alternating runs of each after one warm-up run; bytecode caches "
            "written as on an installed copy).",
            "",
            "Time from spawning the process to ready, and the process's peak RSS "
            "(`ru_maxrss`). Ready: for the app, the start screen shown with the demo "
            "playlist (`playlists/iv-infusion-40min.yaml`) checked (all its problems found "
            "and shown, and its summary), the outputs listed, the look for an unfinished "
            "session done, and the event loop idle (the probe in "
            "`session_player/ui/launch.py`, on `MainWindow.start_ready`, with "
            "`SESSION_PLAYER_STARTUP_PROBE=1`); for the bare reference, an empty "
            "`QMainWindow` shown and `pygame.mixer.init(48000)` done, event loop idle. "
            '"Launched again" runs in the same home folder as the warm-up run, as every '
            "launch but the first on a clinic's laptop: the demo's structure check comes "
            'from the validation cache. "First launch" runs in a fresh home folder each '
            "time: the cache is empty and the playlist is validated with the pydantic model.",
            "",
            "| process | median | min | max | its CPU time to ready (median) | peak RSS |",
            "|---|---:|---:|---:|---:|---:|",
            row("`session-player`, launched again", again),
            row("`session-player`, first launch (empty cache)", first),
            row("bare PySide6 window + pygame mixer", bare),
            "",
            f"Launched again, the app is ready in {ratio:.2f}× the bare process's time: it "
            f"{verdict} the goal of at most {GOAL}×. A first launch takes {first_ratio:.2f}×. "
            f"The window is up (shown, first turn of the event loop) after "
            f"{shown_median * 1000:.0f} ms (median, launched again); ready comes after its "
            "first paint. The CPU time each process had used when it was ready "
            "(`time.process_time()` in the probe) is steadier than the wall clock on a "
            f"shared machine: by it the app takes {cpu_ratio:.2f}× the bare process.",
            "",
            'What startup does (docs/architecture.md, "The window does not wait for what '
            'it does not show"): before it imports Qt, the app spawns a second Python '
            "process, the start helper (`session_player/start_helper.py`), which lists the "
            "outputs (pygame and SDL's audio, in its own process), looks for an unfinished "
            "session and, as soon as the window's process has chosen the playlist to show "
            "(it sends the path down a pipe as soon as the settings are read, before the "
            "start screen is built), checks its structure (from the validation "
            "cache when nothing it read has changed since an earlier launch: the cache is "
            "keyed on the contents of the playlist and of every file it includes, and on the "
            "app's version and code; else validated with the pydantic model, and stored); it "
            "writes all three as one document to a pipe and exits. Meanwhile the GUI "
            "thread imports Qt and the start screen only and builds the window; the answer, "
            "usually in by then, is put on the start screen before the window is shown, so "
            "that it is laid out and painted once, complete (else it comes through the event "
            "loop a moment later). Shown and painted is ready. If the helper cannot start, "
            "fails, answers garbage or "
            "has not answered 4 s after the request, the worker thread in the app's process "
            "does the same work as before (`tests/ui/test_start_helper.py`). Then, once the "
            "completed screen is painted so as not to compete with it: the structure is "
            "validated afresh in the app's process (the screen is corrected if it differs), "
            "the audio files are decoded on a thread of their own (Continue waits for this "
            "full check), and the session's pages are imported. Nothing before ready imports "
            "numpy, pygame, the playlist model or the session's pages into the app's "
            "process, nor `subprocess`, `json`, `argparse` or `dataclasses`, nor builds the "
            "Python enums of Qt's namespace, `QStyle`, `QEvent` or `QIcon` (docs/"
            'architecture.md, "The start screen builds no enums it does not need").',
            "",
            "History on this machine: 2.36 s (12× the bare process) when the audio files were "
            "decoded before anything was shown; then 665 ms (3.76×), with the playlist "
            "model imported before ready, our modules compiled afresh in every process "
            "(`PYTHONDONTWRITEBYTECODE` was passed on from the shell) and the session's "
            "pages imported as the start screen finished; then 269 ms (1.72×) with a worker "
            "thread in the app's own process checking the structure, listing the outputs "
            "and looking for unfinished sessions while the window was built and painted; "
            "then 205 ms (1.44×) with that work in the start helper process; now (the figures "
            "above) with the start screen built with its final parents (re-parenting a "
            "styled widget re-polishes it), without the enums and modules listed above, and "
            "painted once, with the helper's answer in.",
            "",
            f"What remains{', and why the goal is missed' if ratio > GOAL else ''}: each "
            "process is one Python interpreter whose threads share one lock, so within one "
            "process a launch costs about the sum of what its threads do. That is why the "
            "structure check, the outputs and the unfinished sessions are in a second "
            "process: it runs on the other core while the window's process imports Qt and "
            f"builds the window ({part[HELPER]:.0f} ms from spawning it to its answer, "
            "launched again, less than the window takes). The bare process is little more "
            f"than an empty interpreter ({python_ms:.0f} ms to start and stop), PySide6 "
            f"({part[PYSIDE]:.0f} ms alone) and pygame with SDL's audio "
            f"({part[PYGAME]:.0f} ms). The app's process loads no pygame before ready (the "
            "helper lists the outputs), but adds its start screen: its modules, "
            f"{part[UI]:.0f} ms beyond PySide6 (mostly the Python enums that PySide builds "
            "for each widget class it uses, and our classes), and building, showing and "
            f"painting it, {part[BUILD]:.0f} ms (Qt creating and styling its widgets under "
            "the app's stylesheet, called from Python, and reading the font database for "
            "the first text drawn). The goal leaves about "
            f"{bare_median * (GOAL - 1) * 1000:.0f} ms for everything the app adds. A first "
            "launch validates the playlist in the helper (pydantic and the playlist model, "
            f"{part[VALIDATED]:.0f} ms alone), which then takes longer than the window. The "
            "peak RSS counts what a process loaded before it quit (the helper's counts only "
            "if larger); once the follow-up has run (the playlist model, the session's "
            "pages), the app holds more.",
            "",
            "Where the time goes: each part alone in a fresh process (median; shared "
            "dependencies count in every line, so the lines overlap).",
            "",
            "| part | time |",
            "|---|---:|",
            *[f"| {name} | {ms:.0f} ms |" for name, ms in parts],
        ]
    )
    print(body)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", "Startup (bench/startup.py)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
