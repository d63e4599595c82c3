"""Crash recovery with real processes killed by SIGKILL at random moments.

Each child runs a real session (real clocks, fsynced journal) and prints the seq of every
event once its command has returned. After the kill: the journal must parse (a torn tail is
tolerated), hold every printed seq without gaps or duplicates, and resume.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from session_player.session.journal import read_journal
from session_player.session.recovery import resume_timeline
from session_player.session.store import find_unfinished_sessions

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parents[2]
CHILDREN = 4

pytestmark = [
    pytest.mark.real_fsync,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]


def test_sigkill_at_random_moments_loses_no_event(
    tmp_path: Path, playlist_data: dict, playlist
) -> None:
    playlist_json = tmp_path / "playlist.json"
    playlist_json.write_text(json.dumps(playlist_data))
    base = tmp_path / "data"
    rng = random.Random()
    seed = rng.randrange(1_000_000)
    rng.seed(seed)
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    children = [
        subprocess.Popen(
            [sys.executable, str(CHILD), str(playlist_json), str(base), str(seed + n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
        )
        for n in range(CHILDREN)
    ]
    try:
        journals = []
        for child in children:
            first = child.stdout.readline().decode()
            assert first.startswith("journal "), child.stderr.read().decode()
            journals.append(Path(first.split(" ", 1)[1].strip()))
        # Kill each at its own random moment within 0.3 s, while it writes as fast as it can.
        began = time.monotonic()
        kill_times = [(rng.uniform(0.0, 0.3), child) for child in children]
        for kill_at_s, child in sorted(kill_times, key=lambda pair: pair[0]):
            time.sleep(max(0.0, began + kill_at_s - time.monotonic()))
            child.send_signal(signal.SIGKILL)
    finally:
        for child in children:  # never leave a writer running, whatever failed above
            if child.poll() is None:
                child.kill()
    for child, journal_path in zip(children, journals, strict=True):
        rest, errors = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL, errors.decode()
        printed = [int(line) for line in rest.decode().split("\n") if line.strip().isdigit()]

        contents = read_journal(journal_path)
        seqs = [event["seq"] for event in contents.events]
        assert contents.problems == (), f"seed {seed}: {contents.problems}"
        assert seqs == list(range(1, len(seqs) + 1)), f"seed {seed}: gaps or duplicates"
        # Every seq printed after its write returned is there (2: the start and the dose).
        assert max(printed, default=2) <= seqs[-1], f"seed {seed}: an acknowledged event was lost"

        resumed = resume_timeline(playlist, journal_path)
        assert resumed.state().status == "running"
        assert resumed.resume_report.torn_tail == contents.torn_tail
        assert resumed.since_dose_s() >= 0
        resumed.close()
        after = read_journal(journal_path)
        assert [e["seq"] for e in after.events[: len(seqs)]] == seqs  # nothing rewritten
        assert after.events[-1]["type"] == "session_resumed" and not after.torn_tail
    assert len(find_unfinished_sessions(base)) == CHILDREN
