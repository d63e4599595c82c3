"""``session-player loudness PLAYLIST [--jobs N]``: the loudness report of a playlist.

For every audio file the playlist (or library) uses: integrated loudness (LUFS), loudness
range (LU), true peak (dBTP), length, format, the gain the session will apply and the peak
after it (``audio/loudness_report.py``), as a table on standard output, then one line per
flag (``file: far: ...``) and a summary line. Files are measured in parallel, one ffmpeg per
core, and cached by content (the pre-flight's cache folder), so a second run is instant.
On a terminal, progress goes to standard error; Ctrl+C stops the scan and prints what was
measured.

Exit codes: 0 nothing flagged, 1 files flagged (far from the target, true peak over the
ceiling after gain, silent, unreadable), the playlist has errors, or the scan was cancelled;
2 usage, or a playlist that cannot be read.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from session_player.cli.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "loudness",
        help="measure every audio file of a playlist: LUFS, range, true peak, gain",
        description="Print the loudness report of a playlist: for every audio file its "
        "integrated loudness (LUFS, EBU R128), loudness range (LU), true peak (dBTP), "
        "length, format, the gain the session will apply and the true peak after it. Files "
        "far from the target or over the ceiling after gain are flagged. Exit 0 when "
        "nothing is flagged, 1 when files are flagged or the playlist has errors, 2 for "
        "usage errors and an unreadable playlist.",
    )
    parser.add_argument("playlist", metavar="PLAYLIST")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="files measured at once (default: one per core)",
    )
    parser.set_defaults(handler=run)


class _TerminalProgress:
    """``Measuring 34%  music/slow-tide.ogg`` on one line of standard error."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._shown = -1

    def __call__(self, fraction: float, path: str) -> None:
        percent = int(fraction * 100)
        with self._lock:
            if percent == self._shown:
                return
            self._shown = percent
            name = os.path.basename(path)[:50]
            self._stream.write(f"\rMeasuring {percent:3d}%  {name:<50}")
            self._stream.flush()

    def clear(self) -> None:
        if self._shown >= 0:
            self._stream.write("\r" + " " * 66 + "\r")
            self._stream.flush()


def run(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("session-player loudness: --jobs needs a number of 1 or more", file=sys.stderr)
        return EXIT_USAGE
    from session_player.playlist.loader import load_playlist

    result = load_playlist(args.playlist, check_audio=False)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if result.document is None:
        if not result.problems:
            print(f"{args.playlist}: cannot be read", file=sys.stderr)
        return EXIT_USAGE if result.unreadable else EXIT_PROBLEMS

    from session_player.audio.loudness_report import build_report, file_uses, format_report
    from session_player.audio.loudness_scan import scan_loudness

    stop = threading.Event()
    progress = _TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        scan = scan_loudness(
            file_uses(result.document),
            progress=progress,
            is_cancelled=stop.is_set,
            workers=args.jobs,
        )
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if progress is not None:
            progress.clear()
    report = build_report(result.document, scan)
    base_dir = os.path.dirname(os.path.abspath(args.playlist))
    try:
        print(format_report(report, base_dir))
        sys.stdout.flush()
    except BrokenPipeError:
        # `session-player loudness x.yaml | head` closed the pipe early: not worth a trace.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if report.flagged or report.cancelled or result.errors:
        return EXIT_PROBLEMS
    return EXIT_OK
