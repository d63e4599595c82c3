"""The ``session-player`` command: the app, and sub-commands for therapists and scripts.

``session-player [PLAYLIST]`` starts the app, under a supervisor that restarts it and
resumes the session if it dies during one (``--no-supervisor``: without). Sub-commands are
listed in ``SUBCOMMANDS``, one module each in this package. Exit codes: 0 success, 1
problems found, 2 usage or unreadable file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from session_player import __version__

# Each sub-command: its module (imported only when it is used, so ``validate`` does not
# import numpy) and the one-line help the top-level ``--help`` lists. Adding a sub-command
# is a module with ``add_parser(sub)`` and ``run(args)`` plus one line here.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "check playlists; print every problem as file:line:col"),
    "schema": ("schema", "print the JSON Schema of the playlist format"),
    "render": ("render", "write what the patient would hear to a WAV file"),
    "play": ("play", "run a live session without the GUI"),
    "devices": ("devices", "list audio output devices; choose one; run the headphone test"),
    "export": ("export", "write a session's record as FHIR JSON or CSV"),
    "loudness": ("loudness", "measure a playlist's audio: LUFS, range, true peak, gain"),
    "report": ("report", "write a session's report as a PDF (A4 or Letter)"),
    "import": (
        "import_list",
        "read a track list or folder; check every file; add it to a playlist",
    ),
    "studio": ("studio", "open the studio: see, hear and edit a playlist"),
    "new": ("new", "write a new playlist from the template for a route"),
}


# The app on the null engine: no sound at all, for UI work and screenshots (the output is
# named "No sound (null engine)" everywhere, so nobody takes it for a session with sound).
NULL_ENGINE_OPTION = "--null-engine"

if TYPE_CHECKING:
    import argparse


def _parser(chosen: str | None) -> argparse.ArgumentParser:
    """The parser, with the full sub-parser of ``chosen`` only (the others by name and
    help, enough for the top-level ``--help``)."""
    import argparse  # not for the app itself (see _start_app)
    import importlib

    parser = argparse.ArgumentParser(
        prog="session-player",
        description="Music, soundscapes and guided voice for ketamine-assisted therapy sessions. "
        "With no sub-command, starts the app (optionally on PLAYLIST).",
        epilog="Sub-commands: " + ", ".join(SUBCOMMANDS) + ". "
        "Run 'session-player SUBCOMMAND --help' for each.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        if name == chosen:
            importlib.import_module(f"session_player.cli.{module}").add_parser(sub)
        else:
            sub.add_parser(name, help=help_text)
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
    args = _parser(args_list[0]).parse_args(args_list)
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
    null_engine = NULL_ENGINE_OPTION in args_list
    playlist = next((arg for arg in args_list if not arg.startswith("-")), None)
    from session_player.app.composition_root import run_app

    return run_app(playlist=playlist, rehearsal_speed=rehearsal_speed, null_engine=null_engine)
