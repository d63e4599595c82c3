"""``session-player studio [FILE]``: the therapist's studio, on a playlist or empty.

The studio is a window of its own (``session_player/ui/studio/``): the session on one
timeline on the dose clock, its problems with their lines, listening from any point, and the
common edits written back to the YAML file. It is never reachable from the patient view;
a playlist that a session uses (started, not ended) opens read-only.

Exit codes: 0 when the window is closed, 2 without a screen, with Qt's libraries missing,
or for a FILE that does not exist.
"""

from __future__ import annotations

import argparse
import os
import sys

from session_player.cli.exit_codes import EXIT_OK, EXIT_USAGE


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "studio",
        help="open the studio: see, hear and edit a playlist",
        description="Open the studio on FILE (or empty): the whole session on one timeline, "
        "its problems with their lines, listening from any point (click the time ruler, or "
        "Space), and edits saved to the YAML file with its comments kept.",
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="a playlist (.yaml)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from session_player.launch.platform_check import (
        explain_missing_libraries,
        has_display,
        missing_qt_packages,
        uses_xcb,
    )

    if args.file is not None and not os.path.isfile(args.file):
        print(f"session-player studio: {args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    if not has_display():
        print(
            "The studio needs a screen, and none was found (no DISPLAY or WAYLAND_DISPLAY).\n"
            "To check a playlist without it: session-player validate FILE",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if uses_xcb():
        missing = missing_qt_packages()
        if missing:
            print(explain_missing_libraries(missing), file=sys.stderr)
            return EXIT_USAGE
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from session_player.app.gui_interpreter import settle_for_the_event_loop
    from session_player.app.qt_app import make_app

    app = make_app()
    window = open_studio(args.file)
    window.show()
    settle_for_the_event_loop()
    app.exec()
    return EXIT_OK


def open_studio(file: str | None):
    """The studio window on ``file`` (not shown yet)."""
    from session_player.ui.studio.studio_window import StudioWindow

    return StudioWindow(file)
