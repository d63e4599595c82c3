"""``session-player new ROUTE FILE``: a new playlist from the template for that route.

    session-player new intranasal playlists/tuesday.yaml --title "Tuesday" --include playlists/library.yaml

Routes: IV (infusion), IM, intranasal (esketamine), sublingual (or oral); see
``session_player/studio/templates.py``. An existing file is never replaced. Exit 0 when the
file was written, 2 for an unknown route, an existing file or one that cannot be written.
"""

from __future__ import annotations

import argparse
import sys

from session_player.cli.exit_codes import EXIT_OK, EXIT_USAGE


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new",
        description="Write a new playlist from the template for a route: IV (infusion), IM, "
        "intranasal (esketamine: blood pressure before, at 40 minutes and before discharge, "
        "2 hours of observation), sublingual (or oral). It has no music yet: add it with "
        "'session-player import LIST --into FILE --phase ID' or in the studio.",
    )
    parser.add_argument("route", metavar="ROUTE", help="IV, IM, intranasal, sublingual or oral")
    parser.add_argument("file", metavar="FILE", help="the new playlist (must not exist)")
    parser.add_argument("--title", help="the playlist's title (default: the template's)")
    parser.add_argument(
        "--include", metavar="LIBRARY", help="a library of soundscapes, bells and voices to include"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from session_player.studio.atomic_write import SaveFailed
    from session_player.studio.templates import TemplateError, new_playlist, template_for

    try:
        template = template_for(args.route)
        path = new_playlist(args.route, args.file, title=args.title, include=args.include)
    except (TemplateError, SaveFailed) as exc:
        print(f"session-player new: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{path}: written from the {template.name} template (no music yet)")
    return EXIT_OK
