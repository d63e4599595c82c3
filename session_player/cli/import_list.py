"""``session-player import``: bring the clinic's music from a track list or a folder.

    session-player import FOLDER|LIST.m3u|.m3u8|.xspf|.pls [--relative-to FOLDER]
    session-player import LIST --into PLAYLIST --phase ID

Without ``--into`` nothing is written: the usable tracks are printed as a YAML ``items:``
list to paste under a phase's ``music:`` (paths relative to ``--relative-to``, by default
the current folder; put the folder of the playlist there). With ``--into`` they are added
to the end of that phase's music in the playlist, which keeps its comments and layout
(the studio's edit), is validated, and is saved atomically.

Every entry that cannot be used is printed on stderr as ``list:line:1: error: why: entry``
("no local file" for a streaming service's track without a file); nothing is dropped
silently. Exit 0 when every entry was usable, 1 when some were not (the others are still
printed or added), 2 for usage errors, an unreadable list, or a playlist that cannot be
read, edited or saved. (The module is not called ``import``: that is a Python keyword.)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from session_player.cli.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        description="Read a track list (M3U, M3U8, XSPF, PLS) or a folder of audio files and "
        "check every track. Without --into: print the tracks as YAML to paste into a "
        "playlist. With --into and --phase: add them to that phase's music. Exit 0 when every "
        "track could be used, 1 when some could not (listed with their line), 2 for usage "
        "errors and unreadable files.",
    )
    parser.add_argument(
        "source", metavar="FOLDER|LIST", help="a folder, or an .m3u/.m3u8/.xspf/.pls file"
    )
    parser.add_argument("--into", metavar="PLAYLIST", help="add the tracks to this playlist")
    parser.add_argument("--phase", metavar="ID", help="the phase (or settling) they go to")
    parser.add_argument(
        "--relative-to",
        metavar="FOLDER",
        help="without --into: write paths relative to this folder (default: the current one)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if (args.into is None) != (args.phase is None):
        return _usage(
            "--into and --phase go together: the playlist, and the phase the tracks go to"
        )
    if args.into is not None and args.relative_to is not None:
        return _usage(
            "--relative-to is for printing; with --into paths are relative to the playlist"
        )
    from session_player.studio.track_lists import TrackListUnreadable, read_track_list

    try:
        tracks = read_track_list(args.source)
    except TrackListUnreadable as exc:
        return _usage(str(exc))
    for line in tracks.problem_lines():
        print(line, file=sys.stderr)
    usable = tracks.usable
    outcome = EXIT_OK if not tracks.refused else EXIT_PROBLEMS
    if args.into is not None:
        if not usable:
            print(
                f"{args.source}: no track could be used; {args.into} is unchanged", file=sys.stderr
            )
            return EXIT_PROBLEMS
        written = _add_to_playlist(Path(args.into), args.phase, tracks)
        if written is not None:
            return written
        print(
            f"Added {len(usable)} track{'s' if len(usable) != 1 else ''} to {args.phase} "
            f"in {args.into}"
            + (f"; {len(tracks.refused)} could not be used" if tracks.refused else "")
        )
        return outcome
    _print_items(tracks, Path(args.relative_to) if args.relative_to else Path.cwd())
    return outcome


def _add_to_playlist(playlist: Path, phase: str, tracks) -> int | None:
    """None when the tracks were added and saved; otherwise the exit code, after saying why."""
    from session_player.studio.document import EditRefused, OpenFailed, PlaylistDocument, SaveFailed
    from session_player.studio.edits import AddMusic

    try:
        doc = PlaylistDocument.open(playlist)
    except OpenFailed as exc:
        return _usage(exc.problems[0].format())
    if doc.read_only:
        return _usage(doc.read_only_reasons[0].format())
    try:
        doc.apply(AddMusic.from_tracks(phase, tracks))
        doc.save()
    except (EditRefused, SaveFailed) as exc:
        return _usage(f"{playlist}: {exc}")
    return None


def _print_items(tracks, base: Path) -> None:
    from session_player.studio.yaml_text import Layout, render_entry

    items: list[object] = []
    for entry in tracks.usable:
        try:
            name = Path(os.path.relpath(entry.path.absolute(), base.absolute())).as_posix()
        except ValueError:  # another drive on Windows
            name = entry.path.absolute().as_posix()
        items.append({"file": name, "title": entry.title} if entry.title else name)
    count = len(items)
    print(f"# {count} track{'s' if count != 1 else ''} from {tracks.source}", end="")
    print(f" ({len(tracks.refused)} could not be used: see above)" if tracks.refused else "")
    if not items:
        return
    print(f"# Paths are relative to {base.absolute()}; paste under a phase's music:")
    print("".join(render_entry("items", items, 0, Layout())), end="")


def _usage(message: str) -> int:
    print(f"session-player import: {message}", file=sys.stderr)
    return EXIT_USAGE
