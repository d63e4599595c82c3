"""Crash silence: the real ``session-player`` command, killed mid-session, comes back by itself.

The app runs under Xvfb with openbox (a real window manager, so focus and full screen
behave as on a desktop), is driven by ``xdotool`` keys, plays on SDL's ``disk`` driver and
keeps its data, settings and runtime files in folders of the test's own. The session is
started by ``session-player play`` (then killed, as in ``tests/cli/test_play_live_session.py``) and
resumed in the app through its offer, the way a clinician would; then the app itself is
killed with SIGKILL, and the supervisor must bring it back: the session resumed within
5 s of the death (by the wall clock of the journal's events), on the patient view when
that was showing, the console saying so, the sound back in the disk driver's file. Killed
again and again, it stops after three restarts and says why in a window.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from session_player.session.journal import read_journal
from tests.cli.test_play_live_session import burst, playlist, read_disk, write_wav
from tests.desktop import require_tools, start_openbox, start_x_server, stop, wait_for, xvfb_command

ROOT = Path(__file__).resolve().parent.parent
RATE = 48000
WAIT_S = 60.0  # for anything to happen at all on a loaded machine; never a speed figure


@pytest.fixture
def desktop(tmp_path):
    """A private X server (its number chosen by Xvfb) with openbox managing it."""
    require_tools("Xvfb", "openbox", "xdotool", "xprop")
    server, display = start_x_server(xvfb_command("1600x1000"))
    manager = None
    try:
        manager = start_openbox(dict(os.environ, DISPLAY=display))
        yield display
    finally:
        stop(manager, server)


class Room:
    """The clinic's laptop for one test: folders, the playlist, the app and its supervisor."""

    def __init__(self, tmp_path: Path, display: str) -> None:
        self.tmp = tmp_path
        self.display = display
        material = tmp_path / "material"
        material.mkdir()
        t = np.arange(10 * RATE) / RATE
        write_wav(material / "bed.wav", 0.3 * np.sin(2 * np.pi * 220 * t))
        write_wav(material / "cue.wav", burst(1000))
        write_wav(material / "bell.wav", burst(2500))
        self.playlist = playlist(material, cue_at_s=120.0, bell_at_s=200.0)
        self.runtime = tmp_path / "runtime"
        self.runtime.mkdir(mode=0o700)
        self.data = tmp_path / "data"
        self.disk = tmp_path / "app.raw"
        self.sessions = self.data / "session-player"
        self.supervisor: subprocess.Popen | None = None

    def env(self, **extra: str) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SESSION_PLAYER_", "QT_", "SDL_"))
        }
        env.update(
            DISPLAY=self.display,
            XDG_DATA_HOME=str(self.data),
            XDG_CONFIG_HOME=str(self.tmp / "config"),
            XDG_CACHE_HOME=str(self.tmp / "cache"),
            XDG_RUNTIME_DIR=str(self.runtime),
            HOME=str(self.tmp / "home"),
            SDL_AUDIODRIVER="disk",
            SDL_DISKAUDIOFILE=str(self.disk),
            PYTHONPATH=str(ROOT),
            QT_QPA_PLATFORM="xcb",
        )
        env.update(extra)
        return env

    def crashed_session(self) -> None:
        """A session started (and its dose given) by ``play``, then killed: unfinished."""
        play = subprocess.Popen(
            [sys.executable, "-m", "session_player", "play", str(self.playlist)]
            + ["--dose-at", "1s", "--sessions-dir", str(self.sessions), "--quiet-keys"],
            env=self.env(SDL_AUDIODRIVER="dummy"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for("the dose in the journal", lambda: "dose_given" in self.event_types())
        finally:
            play.kill()
            play.wait()

    def start_app(self, **extra: str) -> None:
        self.supervisor = subprocess.Popen(
            [sys.executable, "-m", "session_player"],
            env=self.env(**extra),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def xdotool(self, *args: str) -> str:
        run = subprocess.run(
            ["xdotool", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=WAIT_S,
            check=True,
        )
        return run.stdout

    def events(self) -> list[dict]:
        # Read as the app reads it: a line being written as we look is left for next time.
        journals = list(self.sessions.glob("sessions/*/journal.jsonl"))
        return list(read_journal(journals[0]).events) if journals else []

    def event_types(self) -> list[str]:
        return [event["type"] for event in self.events()]

    def state(self) -> dict | None:
        for path in self.runtime.glob("session-player-*/supervised-*.json"):
            with contextlib.suppress(OSError, ValueError):
                return json.loads(path.read_text())
        return None

    def resumes(self) -> list[dict]:
        return [event for event in self.events() if event["type"] == "session_resumed"]

    def resume_through_the_offer(self) -> None:
        """At launch the offer is shown, its Resume button focused: Enter resumes."""
        # The window's title names the page: the offer, over the start screen.
        self.xdotool("search", "--sync", "--onlyvisible", "--name", "Unfinished session")
        time.sleep(1.0)  # its fade-in (theme.FADE_MS) to end; not a speed figure
        self.xdotool("key", "Return")
        wait_for("the session open in the app", lambda: self.state() is not None)

    def kill_app(self) -> float:
        """SIGKILL the app (the supervisor's child); the wall time of its death."""
        pid = self.state()["pid"]
        os.kill(pid, signal.SIGKILL)
        died = time.time()
        wait_for("the app's death", lambda: not Path(f"/proc/{pid}").exists() or _zombie(pid))
        return died

    def close(self) -> tuple[str, str]:
        if self.supervisor is None:
            return "", ""
        if self.supervisor.poll() is None:
            self.supervisor.terminate()  # forwarded to the app; no restart
        try:
            out, err = self.supervisor.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            state = self.state()
            if state is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(state["pid"], signal.SIGKILL)
            self.supervisor.kill()
            out, err = self.supervisor.communicate()
        return out, err


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (OSError, IndexError):
        return True


def _wall(event: dict) -> float:
    return datetime.fromisoformat(event["wall"]).timestamp()


@pytest.fixture
def room(tmp_path, desktop):
    laptop = Room(tmp_path, desktop)
    yield laptop
    laptop.close()


def test_an_app_killed_on_the_patient_view_comes_back_on_it_and_plays_again(room):
    room.crashed_session()
    room.start_app()
    room.resume_through_the_offer()
    assert len(room.resumes()) == 1
    room.xdotool("key", "p")  # the patient view, full screen on this one screen
    wait_for("the patient view", lambda: (room.state() or {}).get("screen") == "patient")
    first_pid = room.state()["pid"]
    wait_for("sound", lambda: room.disk.exists() and room.disk.stat().st_size > RATE * 8)
    size_before = room.disk.stat().st_size

    died_wall = room.kill_app()

    wait_for("the automatic resume", lambda: len(room.resumes()) == 2)
    resumed = room.resumes()[-1]
    # The patient's silence, by the journal's own clock: from the death to the resume.
    silence_s = _wall(resumed) - died_wall
    assert silence_s < 5.0, f"resumed {silence_s:.1f} s after the app died"
    state = wait_for(
        "the new app on the patient view",
        lambda: (s := room.state()) and s["pid"] != first_pid and s["screen"] == "patient" and s,
    )
    assert state["journal_path"].endswith("journal.jsonl")
    # The console says what happened and where the session went on (an alert, journaled).
    alert = next(e for e in room.events() if e.get("kind") == "app_restarted")
    assert alert["message"].startswith("The app stopped unexpectedly at ")
    assert "and resumed the session at Onset +" in alert["message"]
    assert alert["run"] == resumed["run"]
    # The new app opened the device again (the disk driver starts its file afresh) and
    # plays: the bed is back, fading in from silence.
    wait_for("the device opened again", lambda: room.disk.stat().st_size < size_before)

    def loud_again() -> bool:
        audio = read_disk(room.disk)
        tail = audio[-RATE // 2 :, 0] if len(audio) > RATE else np.zeros(1)
        return float(np.sqrt(np.mean(tail**2))) > 0.01

    wait_for("the sound back", loud_again)
    # And it is the patient's screen that shows: xdotool sees the patient window mapped.
    names = room.xdotool("search", "--onlyvisible", "--name", "patient", "getwindowname")
    assert "Session Player · patient" in names
    out, err = room.close()
    assert "restarting it to resume the session" in err


def test_a_crash_loop_stops_after_three_restarts_with_a_window_that_says_why(room):
    room.crashed_session()
    room.start_app(SESSION_PLAYER_NOTICE_PROBE="1")
    room.resume_through_the_offer()
    for restart in range(1, 4):
        pid = room.state()["pid"]
        room.kill_app()
        wait_for(f"restart {restart}", lambda pid=pid: (s := room.state()) and s["pid"] != pid)
        wait_for(f"resume {restart}", lambda n=restart: len(room.resumes()) == n + 1)
    room.kill_app()  # the fourth death within two minutes
    out, err = room.supervisor.communicate(timeout=WAIT_S)
    assert room.supervisor.returncode == 128 + signal.SIGKILL
    notice = [line for line in out.splitlines() if line.startswith("crash-notice-shown")]
    assert notice and notice[0].startswith("crash-notice-shown True ")
    assert "stopped unexpectedly 4 times in 2 minutes" in notice[0]
    assert "Start Session Player again to resume the session by hand" in notice[0]
    assert len(room.resumes()) == 4  # no fifth: the loop was stopped
    assert err.count("restarting it to resume the session") == 3


def test_a_normal_exit_is_not_restarted(room):
    # No session: the startup probe quits the app as soon as its start screen is ready.
    room.start_app(SESSION_PLAYER_STARTUP_PROBE="1")
    out, err = room.supervisor.communicate(timeout=WAIT_S)
    assert room.supervisor.returncode == 0, err
    assert len([line for line in out.splitlines() if line.startswith("startup-probe ")]) == 1
    assert "restarting" not in err
