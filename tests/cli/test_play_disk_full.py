"""``session-player play`` with its data folder on a disk that fills mid-session (issue
10/6): it says so while it lasts, says when the record is saved again, and the journal then
holds every event, in order, those written late marked. A real 64 KiB tmpfs, a real
subprocess, commands typed on its stdin as a person would."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from session_player.session.journal import read_journal
from tests.full_disk import fill, small_tmpfs

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 60  # the longest any step may take on a loaded machine (not a speed figure)


def _playlist(folder: Path) -> Path:
    path = folder / "short.yaml"
    text = """
    title: Disk full
    route: IV
    phases:
      - id: onset
        duration: 30m
    """
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def _wait_for(lines: queue.Queue, seen: list[str], text: str) -> str:
    while True:
        line = lines.get(timeout=WAIT_S)
        assert line is not None, f"play ended before saying {text!r}:\n" + "\n".join(seen)
        seen.append(line)
        if text in line:
            return line


def test_play_says_the_record_is_not_saved_while_it_lasts_and_when_it_clears(tmp_path):
    playlist = _playlist(tmp_path)
    with small_tmpfs(tmp_path / "full") as sessions:
        env = dict(os.environ, SDL_AUDIODRIVER="dummy", PYTHONPATH=str(ROOT))
        env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the loudness cache: not on the tmpfs
        command = [sys.executable, "-m", "session_player", "play", str(playlist)]
        run = subprocess.Popen(
            [*command, "--sessions-dir", str(sessions)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_lines, args=(run.stdout, lines), daemon=True).start()
        seen: list[str] = []
        try:
            _wait_for(lines, seen, "session started")
            filler = fill(sessions)
            # Commands until the disk refuses one (the journal's last page may take a few).
            said = None
            for _ in range(100):
                run.stdin.write("c\n")
                run.stdin.flush()
                try:
                    while said is None:
                        line = lines.get(timeout=0.5)
                        assert line is not None, "\n".join(seen)
                        seen.append(line)
                        if "RECORD The record is NOT being saved" in line:
                            said = line
                except queue.Empty:
                    continue
                break
            assert said is not None, "\n".join(seen)
            assert "(disk full)" in said and "paper" in said

            filler.unlink()  # room again: the next tick writes what waits
            back = _wait_for(lines, seen, "RECORD The record is saved again")
            assert "written late" in back
            run.send_signal(signal.SIGINT)
            _wait_for(lines, seen, "interrupted")
            assert run.wait(timeout=WAIT_S) == 0, "\n".join(seen)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
        assert not any("RECORD NOT SAVED" in line for line in seen)
        (journal,) = sessions.glob("sessions/*/journal.jsonl")
        events = read_journal(journal).events
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        late = [e for e in events if "written_late_wall" in e]
        assert late and late[0]["type"] in ("calm_down", "undo_calm_down")
