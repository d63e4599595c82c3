"""``session-player play``: a live session without the GUI.

Used by benchmarks and as the fallback when the GUI cannot start. It prints phase changes
and alerts as they happen, and reads one-letter commands from the keyboard (Enter after
each): the keys of the session's command table (``session/command_table.py``), the same
commands, toggles and volume step as the console; q ends (asks for a reason if needed).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from session_player.cli.exit_codes import EXIT_OK, EXIT_PROBLEMS, duration_arg
from session_player.cli.phase_lines import PhaseAnnouncer
from session_player.cli.rehearsal_args import speed_arg
from session_player.session.command_table import DOSE, END, PLAY_KEYS, play_keys_help

KEYS_HELP = play_keys_help()


def add_parser(sub: argparse._SubParsersAction) -> None:
    play = sub.add_parser(
        "play",
        description="Run a live session through the chosen audio output without the GUI, "
        "printing phase changes and alerts. " + KEYS_HELP,
    )
    play.add_argument("playlist", metavar="PLAYLIST")
    play.add_argument("--device", metavar="NAME", help="output device (see 'devices')")
    play.add_argument(
        "--dose-at",
        dest="dose_at_s",
        type=duration_arg,
        default=None,
        metavar="T",
        help="mark the dose as given T after the start (default: when you press d)",
    )
    play.add_argument("--alias", default="cli", help="patient alias for the journal")
    play.add_argument(
        "--stop-after",
        dest="stop_after_s",
        type=duration_arg,
        default=None,
        metavar="T",
        help="end the session T after the start (with reason 'stopped from the command line')",
    )
    play.add_argument(
        "--allow-fallback",
        action="store_true",
        help="let audio move to another device if the chosen one is lost",
    )
    play.add_argument(
        "--resume",
        action="store_true",
        help="resume the newest unfinished session of this playlist (after a crash)",
    )
    play.add_argument(
        "--rehearsal",
        dest="rehearsal_speed",
        type=speed_arg,
        default=None,
        metavar="SPEED",
        help="a rehearsal: no sound, the clock SPEED times faster (30 or 30x), journaled "
        "apart from patients' sessions; --dose-at and --stop-after on its clock",
    )
    play.add_argument("--sessions-dir", default=None, help=argparse.SUPPRESS)
    play.add_argument("--quiet-keys", action="store_true", help=argparse.SUPPRESS)
    play.set_defaults(handler=run)


def _say(text: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {text}", flush=True)


def run(args: argparse.Namespace) -> int:
    from session_player.app.services import build_live_session, load_for_session

    loaded = load_for_session(args.playlist, progress=_progress_printer())
    if loaded.exit_code is not None:
        return loaded.exit_code
    if args.rehearsal_speed is not None:
        from session_player.cli.rehearsal_args import run_play_rehearsal

        return run_play_rehearsal(args, loaded, _say, _command, _read_keys)
    timeline = None
    course = None
    if args.resume:
        timeline = _resumed_timeline(loaded, args.sessions_dir)
        if timeline is None:
            return EXIT_PROBLEMS
    else:
        from session_player.cli.play_course import apply_preferences

        course = apply_preferences(loaded, args.alias, args.sessions_dir, _say)
    try:
        from session_player.output.devices import preferred_device

        live = build_live_session(
            loaded,
            device_name=preferred_device(args.device),
            alias=args.alias,
            sessions_dir=args.sessions_dir,
            allow_fallback=args.allow_fallback,
            on_alert=lambda kind, message: _say(f"ALERT {kind}: {message}"),
            timeline=timeline,
            course=course,
        )
    except Exception as exc:
        print(f"session-player: cannot start the session: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS

    timeline = live.timeline
    last = PhaseAnnouncer(_say)
    timeline.subscribe(last)
    verb = "resumed" if args.resume else "started"
    _say(f"session {verb}: {loaded.playlist.title} · journal {timeline.journal_path}")
    if not args.quiet_keys:
        _say(KEYS_HELP)

    from session_player.session.record_saving import SavingReporter

    # A full disk is said while it lasts and when it clears, not once at the start.
    record = SavingReporter(_say, time.monotonic)
    started = time.monotonic()
    stop = threading.Event()
    if sys.stdin is not None and sys.stdin.isatty() or not args.quiet_keys:
        threading.Thread(target=_read_keys, args=(live, stop), daemon=True).start()
    live.start()
    try:
        # The subscription keeps ``last`` current: this loop reads it instead of rebuilding
        # the session state several times a second for hours.
        while not stop.is_set():
            elapsed = time.monotonic() - started
            dose_due = args.dose_at_s is not None and elapsed >= args.dose_at_s
            if dose_due and not last.dose_given:
                _command(live, DOSE)
            if args.stop_after_s is not None and elapsed >= args.stop_after_s:
                _command(live, END, "stopped from the command line")
            record.observe(timeline.journal_saving)
            if last.status == "ended":
                time.sleep(live.end_fade_s)
                break
            stop.wait(_wait_s(args, elapsed))
    except KeyboardInterrupt:
        _say("interrupted: the session stays unfinished and can be resumed")
    finally:
        live.close()
    saving = timeline.journal_saving
    record.observe(saving)
    if not saving.saving:
        _say(
            f"RECORD NOT SAVED: {saving.waiting} events could not be written before the "
            "session closed (the disk is still full); keep the paper notes as the record."
        )
        return EXIT_PROBLEMS
    return EXIT_OK


def _wait_s(args: argparse.Namespace, elapsed_s: float) -> float:
    """Sleep a quarter of a second, or exactly until a --dose-at/--stop-after moment."""
    wait_s = 0.25
    for moment_s in (args.dose_at_s, args.stop_after_s):
        if moment_s is not None and moment_s > elapsed_s:
            wait_s = min(wait_s, moment_s - elapsed_s)
    return max(0.001, wait_s)


def _command(live, command, *args) -> None:
    """Run a row of the command table (see ``PLAY_KEYS``) and say what came of it."""
    from session_player.session.commands import CommandRefused

    try:
        result = command(live.timeline, *args)
    except CommandRefused as refused:
        _say(f"refused: {refused.reason}")
        return
    if result is not None:
        _say(result.message)


def _read_keys(live, stop: threading.Event) -> None:
    timeline = live.timeline
    for line in sys.stdin:
        key = line.strip().lower()
        command = PLAY_KEYS.get(key)
        if command is END:
            state = timeline.state()
            reason = None
            if not state.can_end:
                print(f"{state.cannot_end_reason} Reason to end anyway: ", end="", flush=True)
                reason = sys.stdin.readline().strip() or None
            _command(live, END, reason)
        elif command is not None:
            _command(live, command)
        elif key:
            _say(KEYS_HELP)
    # stdin closed: keep playing until the session ends or Ctrl-C.


def _progress_printer():
    state = {"last": -1}

    def progress(fraction: float, path: str = "") -> None:
        percent = int(fraction * 100)
        if percent != state["last"] and percent % 10 == 0:
            state["last"] = percent
            print(f"measuring loudness: {percent}%", file=sys.stderr, flush=True)

    return progress


def _resumed_timeline(loaded, sessions_dir):
    """The newest unfinished session started from this playlist, rebuilt from its journal."""
    from pathlib import Path

    from session_player.session.commands import ResumeError
    from session_player.session.recovery import resume_timeline
    from session_player.session.store import SessionStore

    wanted = str(Path(loaded.path).resolve())
    candidates = [
        s for s in SessionStore(sessions_dir).unfinished() if s.playlist_path in (None, wanted)
    ]
    if not candidates:
        print("session-player: no unfinished session of this playlist to resume", file=sys.stderr)
        return None
    chosen = candidates[0]
    from session_player.cli.play_course import reapply_for_resume

    reapply_for_resume(loaded, chosen.journal_path)  # the course its session started with
    try:
        timeline = resume_timeline(loaded.playlist, chosen.journal_path, playlist_path=loaded.path)
    except ResumeError as exc:
        print(f"session-player: cannot resume: {exc}", file=sys.stderr)
        return None
    report = timeline.resume_report
    if report is not None:
        _say(
            f"resuming {chosen.alias}: {report.events} events, away {report.away_s:.1f}s"
            + (" (a torn last line was ignored)" if report.torn_tail else "")
        )
    return timeline
