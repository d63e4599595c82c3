"""A child process for ``test_crash_recovery.py``: runs a real session until it is killed.

    python crash_child.py PLAYLIST.json BASE_DIR SEED

Real clocks, the real journal (fsync and all). Prints ``journal <path>`` once, then, after
each command has returned, the seq of the last event written: every printed seq is on the
disk, so the parent can check that none was lost when it kills this process with SIGKILL.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
from pathlib import Path

from session_player.playlist.model import Playlist
from session_player.session.commands import CommandRefused
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

COMMANDS = [
    lambda t, r: t.add_note("note " + "x" * r.randrange(0, 3000)),  # long lines: more to tear
    lambda t, r: t.set_volume(-r.randrange(0, 40)),
    lambda t, r: t.pause_audio(),
    lambda t, r: t.resume_audio(),
    lambda t, r: t.calm_down(),
    lambda t, r: t.undo_calm_down(),
    lambda t, r: t.extend_phase(),
    lambda t, r: t.hold_phase(),
    lambda t, r: t.release_hold(),
    lambda t, r: t.record_vitals(120, 80, 70, 98),
    lambda t, r: t.log_side_effect("dizziness", "mild"),
    lambda t, r: t.raise_alert("device_lost", f"lost {r.random()}"),
    lambda t, r: t.choose_soundscape("forest", by="patient"),
    lambda t, r: t.fade_to_silence(),
    lambda t, r: t.fade_back(),
]


def main(playlist_json: str, base_dir: str, seed: str) -> None:
    playlist = Playlist.model_validate(json.loads(Path(playlist_json).read_text()))
    rng = random.Random(int(seed))
    timeline = SessionTimeline(playlist, SessionStore(base_dir), seed=int(seed))
    timeline.start(f"crash {seed}")
    timeline.mark_dose_given()
    print("journal", timeline.journal_path, flush=True)
    while True:
        with contextlib.suppress(CommandRefused):
            rng.choice(COMMANDS)(timeline, rng)
        timeline.tick()
        print(timeline.last_seq, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
