"""Rehearsals from the command line: ``session-player --rehearsal [SPEED] PLAYLIST`` (the
app, which starts the rehearsal once the playlist is checked) and
``session-player play --rehearsal SPEED PLAYLIST`` (no window).

A rehearsal is silent (see ``session/rehearsal.py``): ``play --rehearsal`` opens no audio
device at all; it runs the real timeline on a scaled clock, prints the phase changes and
takes the same one-letter commands as ``play``. ``--dose-at`` and ``--stop-after`` are on
the rehearsal's clock (``--dose-at 2m`` at 30× is 4 seconds after the start).
"""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass

from session_player.session.rehearsal_speed import DEFAULT_SPEED, marker_text, parse_speed

REHEARSAL_OPTION = "--rehearsal"
TICK_S = 0.25  # of the real clock: how often the timeline catches up (journaling on time)


def rehearsal_from_args(args_list: list[str]) -> tuple[float | None, list[str]]:
    """``["--rehearsal", "30", "x.yaml"]`` → ``(30.0, ["x.yaml"])``; the speed is optional
    (``--rehearsal x.yaml`` is 30×) and may be joined (``--rehearsal=60``). ValueError for
    a speed that is not one."""
    speed: float | None = None
    rest: list[str] = []
    index = 0
    while index < len(args_list):
        arg = args_list[index]
        if arg.startswith(REHEARSAL_OPTION + "="):
            speed = parse_speed(arg.split("=", 1)[1])
        elif arg == REHEARSAL_OPTION:
            speed = DEFAULT_SPEED
            following = args_list[index + 1] if index + 1 < len(args_list) else None
            if following is not None and _looks_like_speed(following):
                speed = parse_speed(following)
                index += 1
        else:
            rest.append(arg)
        index += 1
    return speed, rest


def _looks_like_speed(text: str) -> bool:
    cleaned = text.strip().lower().replace("×", "x").strip("x")
    return bool(cleaned) and cleaned.replace(".", "", 1).isdigit()


def speed_arg(text: str) -> float:
    try:
        return parse_speed(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _wait_s(args: argparse.Namespace, now_s: float, speed: float) -> float:
    """A tick of the real clock, or less: until the next --dose-at/--stop-after moment."""
    wait_s = TICK_S
    for moment_s in (args.dose_at_s, args.stop_after_s):
        if moment_s is not None and moment_s > now_s:
            wait_s = min(wait_s, (moment_s - now_s) / speed)
    return max(0.001, wait_s)


@dataclass
class _Rehearsal:
    """What ``cli_play``'s key reader needs: the timeline (there is no player)."""

    timeline: object


def run_play_rehearsal(args: argparse.Namespace, loaded, say, command, read_keys) -> int:
    """``play --rehearsal``: the loop of ``play`` without a sound device, on a scaled clock.

    ``say``, ``command`` and ``read_keys`` are ``cli_play``'s, so both speak alike.
    """
    from session_player import __version__
    from session_player.cli.phase_lines import PhaseAnnouncer
    from session_player.session.clock import SYSTEM_CLOCK, SYSTEM_WALL_CLOCK, ScaledClock
    from session_player.session.command_table import DOSE, END
    from session_player.session.rehearsal import RehearsalStore
    from session_player.session.timeline import SessionTimeline

    speed = args.rehearsal_speed
    if args.resume:
        print("session-player: a rehearsal is never resumed; start a new one", file=sys.stderr)
        return 2
    timeline = SessionTimeline(
        loaded.playlist,
        RehearsalStore(args.sessions_dir),
        ScaledClock(SYSTEM_CLOCK, speed),
        SYSTEM_WALL_CLOCK,
        playlist_path=loaded.path,
        app_version=__version__,
    )
    try:
        timeline.start(args.alias, rehearsal_speed=speed)
    except Exception as exc:
        print(f"session-player: cannot start the rehearsal: {exc}", file=sys.stderr)
        return 1
    last = PhaseAnnouncer(say, prefix=f"{marker_text(speed)}: ")
    stop_asked = False
    timeline.subscribe(last)
    say(
        f"{marker_text(speed)} (no sound) started: {loaded.playlist.title} · "
        f"journal {timeline.journal_path}"
    )
    rehearsal = _Rehearsal(timeline)
    stop = threading.Event()
    if not args.quiet_keys:
        threading.Thread(target=read_keys, args=(rehearsal, stop), daemon=True).start()
    try:
        while not stop.is_set():
            timeline.tick()
            now_s = timeline.now_s()
            if args.dose_at_s is not None and now_s >= args.dose_at_s and not last.dose_given:
                # At the moment asked for, even though this loop noticed it a tick later.
                command(rehearsal, DOSE, now_s - args.dose_at_s)
            if args.stop_after_s is not None and now_s >= args.stop_after_s and not stop_asked:
                stop_asked = True  # once: a refusal is printed, not repeated every tick
                command(rehearsal, END, "rehearsal stopped from the command line")
            if last.status == "ended":
                break
            stop.wait(_wait_s(args, now_s, speed))
    except KeyboardInterrupt:
        say("interrupted: the rehearsal stays unfinished (rehearsals are never resumed)")
    finally:
        timeline.close()
    return 0
