"""``session-player validate``: check playlists; every problem as ``file:line:col``."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    validate = sub.add_parser(
        "validate",
        description="Check playlist files. Exit 0 when valid, 1 when there are problems, "
        "2 for usage errors and unreadable files.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--no-audio", action="store_true", help="skip checking that audio files decode"
    )
    validate.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return validate_files(args.files, strict=args.strict, check_audio=not args.no_audio)


def validate_files(files: list[str], *, strict: bool, check_audio: bool) -> int:
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
