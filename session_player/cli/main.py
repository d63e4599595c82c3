"""The ``session-player`` command: the app, and sub-commands for therapists and scripts.

``session-player [PLAYLIST]`` starts the app, under a supervisor that restarts it and
resumes the session if it dies during one (``--no-supervisor``: without). Sub-commands:
``validate`` checks playlists, ``schema`` prints the JSON Schema, ``render`` writes what the
patient would hear to a WAV file, ``play`` runs a session without the GUI, ``devices``
lists audio outputs. Exit codes: 0 success, 1 problems found, 2 usage or unreadable file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from session_player import __version__

SUBCOMMANDS = ("validate", "schema", "render", "play", "devices")


if TYPE_CHECKING:
    import argparse


def _parser() -> argparse.ArgumentParser:
    import argparse  # not for the app itself (see _start_app)

    parser = argparse.ArgumentParser(
        prog="session-player",
        description="Music, soundscapes and guided voice for ketamine-assisted therapy sessions. "
        "With no sub-command, starts the app (optionally on PLAYLIST).",
        epilog="Sub-commands: " + ", ".join(SUBCOMMANDS) + ". "
        "Run 'session-player SUBCOMMAND --help' for each.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")

    validate = sub.add_parser(
        "validate",
        help="check playlists; print every problem as file:line:col",
        description="Check playlist files. Exit 0 when valid, 1 when there are problems, "
        "2 for usage errors and unreadable files.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--no-audio", action="store_true", help="skip checking that audio files decode"
    )

    sub.add_parser(
        "schema",
        help="print the JSON Schema of the playlist format",
        description="Print the JSON Schema of the playlist format (for editor autocompletion).",
    )

    from session_player.cli.render import add_engine_commands

    add_engine_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``argv`` None: the command line, whose app runs under the supervisor (see
    ``session_player.app.supervisor``); a list (a test, a script): the app in this process."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    supervised = argv is None
    # No sub-command: the app itself, optionally with a playlist path.
    if not args_list or (args_list[0] not in SUBCOMMANDS and not args_list[0].startswith("-")):
        return _launch(args_list, supervised=supervised)
    if args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version"):
        return _launch(args_list, supervised=supervised)
    parser = _parser()
    args = parser.parse_args(args_list)
    if args.command == "validate":
        return _validate(args.files, strict=args.strict, check_audio=not args.no_audio)
    if args.command == "schema":
        return _schema()
    if args.command is None:
        return _start_app([])
    return args.handler(args)


def _launch(args_list: list[str], *, supervised: bool) -> int:
    """The app; from the command line in a child process that a supervisor restarts if it
    dies during a session (``--no-supervisor``: in this process, for tests and debugging)."""
    from session_player.app import supervisor

    if supervised and supervisor.wanted(args_list):
        return supervisor.supervise(_start_app, args_list)
    return _start_app(args_list)


def _start_app(args_list: list[str]) -> int:
    """The app, on the first argument that is not an option (others are ignored, as Qt's
    own options would be). Without argparse: building a parser looks for translations on
    disk and imports ``locale`` and ``shutil``, a few milliseconds of every launch."""
    rehearsal_speed = None
    if any(arg.startswith("--rehearsal") for arg in args_list):
        from session_player.cli.rehearsal_args import rehearsal_from_args

        try:
            rehearsal_speed, args_list = rehearsal_from_args(args_list)
        except ValueError as exc:
            print(f"session-player: {exc}", file=sys.stderr)
            return 2
    playlist = next((arg for arg in args_list if not arg.startswith("-")), None)
    from session_player.app.composition_root import run_app

    return run_app(playlist=playlist, rehearsal_speed=rehearsal_speed)


def _validate(files: list[str], *, strict: bool, check_audio: bool) -> int:
    from session_player.playlist.loader import load_playlist
    from session_player.playlist.summary import summary_line

    worst = 0
    for file in files:
        result = load_playlist(file, check_audio=check_audio, strict=strict)
        for problem in result.problems:
            print(problem.format())
        if result.unreadable:
            worst = 2
        elif result.errors:
            worst = max(worst, 1)
        else:
            print(summary_line(result))
    sys.stdout.flush()
    return worst


def _schema() -> int:
    import json

    from session_player.playlist.schema import json_schema

    try:
        print(json.dumps(json_schema(), indent=2))
        sys.stdout.flush()
    except BrokenPipeError:
        # `session-player schema | head` closed the pipe early: not an error worth a trace.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
