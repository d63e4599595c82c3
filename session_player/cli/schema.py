"""``session-player schema``: the JSON Schema of the playlist format, for editors."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    schema = sub.add_parser(
        "schema",
        description="Print the JSON Schema of the playlist format (for editor autocompletion).",
    )
    schema.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
