"""``session-player render``: what the patient would hear, to a WAV file, faster than real time."""

from __future__ import annotations

import argparse
import sys

from session_player.cli.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, duration_arg


def add_parser(sub: argparse._SubParsersAction) -> None:
    render = sub.add_parser(
        "render",
        description="Render a session (the same mixer as the live player) to a WAV file, "
        "faster than real time. Times are durations such as 90s, 12m or 1h30m. --from and "
        "--to are on the session clock: time since the session started (settling included); "
        "--dose-at is when, on that clock, the dose is marked. Exit 0 when written, 1 when "
        "the playlist has problems, 2 for usage errors and unreadable files.",
    )
    render.add_argument("playlist", metavar="PLAYLIST")
    render.add_argument("-o", "--output", required=True, metavar="OUT.wav")
    render.add_argument(
        "--from",
        dest="from_s",
        type=duration_arg,
        default=0.0,
        metavar="T",
        help="start at T since the session started (default 0)",
    )
    render.add_argument(
        "--to",
        dest="to_s",
        type=duration_arg,
        default=None,
        metavar="T",
        help="stop at T since the session started (default: when the last sound has faded)",
    )
    render.add_argument(
        "--dose-at",
        dest="dose_at_s",
        type=duration_arg,
        default=120.0,
        metavar="T",
        help="the dose is marked T after the session started, ending settling (default 2m)",
    )
    render.add_argument(
        "--commands",
        metavar="FILE",
        help="a YAML list of clinician commands to replay (- at: 25m / do: extend …)",
    )
    render.add_argument(
        "--format",
        dest="sample_format",
        choices=("pcm24", "pcm16", "float32"),
        default="pcm24",
        help="WAV sample format (default pcm24, with TPDF dither)",
    )
    render.add_argument(
        "--seed", type=int, default=0, help="shuffles and one-shots derive from it (default 0)"
    )
    render.add_argument("--cache-dir", metavar="DIR", help="where loudness measurements are cached")
    render.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    render.set_defaults(handler=run)


class _Progress:
    """Percent on stderr: rewritten in place on a terminal, every 10 % otherwise."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.shown = -1
        self.finished = False
        self._line_open = False

    def __call__(self, fraction: float, *_: object) -> None:
        if self.quiet or self.finished:
            return
        percent = int(max(0.0, min(fraction, 1.0)) * 100)
        step = 1 if self.tty else 10
        if self.shown >= 0 and percent // step == self.shown // step:
            return
        self.shown = percent
        if self.tty:
            print(f"\r{self.label} {percent:3d}%", end="", file=sys.stderr, flush=True)
            self._line_open = True
        else:
            print(f"{self.label} {percent:3d}%", file=sys.stderr, flush=True)

    def break_line(self) -> None:
        """End a line rewritten in place, so that another message can be printed."""
        if self._line_open:
            print(file=sys.stderr)
            self._line_open = False

    def done(self) -> None:
        self.break_line()
        self.finished = True


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from session_player.playlist.durations import format_clock
    from session_player.playlist.loader import load_playlist

    def fail(message: str, code: int = EXIT_USAGE) -> int:
        print(f"session-player render: error: {message}", file=sys.stderr)
        return code

    if not Path(args.playlist).is_file():
        return fail(f"{args.playlist}: file not found")
    result = load_playlist(args.playlist)
    if result.unreadable:
        for problem in result.problems:
            print(problem.format(), file=sys.stderr)
        return EXIT_USAGE
    if not result.ok or result.playlist is None:
        for problem in result.problems:
            print(problem.format(), file=sys.stderr)
        if result.document is not None and result.playlist is None and not result.errors:
            return fail(f"{args.playlist} is a library, not a session playlist")
        return EXIT_PROBLEMS
    playlist = result.playlist

    commands = None
    if args.commands:
        from session_player.engine.command_script import CommandScriptError, load_command_script

        try:
            commands = load_command_script(args.commands)
        except CommandScriptError as exc:
            return fail(str(exc))
    if args.to_s is not None and args.to_s <= args.from_s:
        return fail("--to must be after --from")
    output = Path(args.output)
    if not output.parent.exists():
        return fail(f"{output.parent}: no such folder")

    from session_player.audio.analysis import AnalysisCache, AnalysisError
    from session_player.engine.offline_render import render_to_wav
    from session_player.media.ffmpeg import FfmpegMissing

    analysing = _Progress("measuring loudness", args.quiet)
    rendering = _Progress("rendering", args.quiet)

    def on_alert(kind: str, message: str) -> None:
        analysing.break_line()
        rendering.break_line()
        print(f"alert ({kind}): {message}", file=sys.stderr)

    def on_render_progress(fraction: float) -> None:
        analysing.done()
        rendering(fraction)

    try:
        cache = AnalysisCache(args.cache_dir) if args.cache_dir else AnalysisCache()
        if not args.quiet:
            to_text = "the end" if args.to_s is None else format_clock(args.to_s)
            dose_text = f"dose at {format_clock(args.dose_at_s)}"
            if commands and any(command.action == "dose" for command in commands):
                dose_text = "dose when the commands give it"
            print(
                f"render {args.playlist} → {output}: session clock {format_clock(args.from_s)} "
                f"→ {to_text}, {dose_text}",
                file=sys.stderr,
            )
        report = render_to_wav(
            playlist,
            output,
            from_s=args.from_s,
            to_s=args.to_s,
            dose_at_s=args.dose_at_s,
            commands=commands,
            cache=cache,
            sample_format=args.sample_format,
            seed=args.seed,
            progress=on_render_progress,
            analysis_progress=analysing,
            on_alert=on_alert,
        )
    except KeyboardInterrupt:
        rendering.done()
        return fail("interrupted", 130)
    except (FfmpegMissing, AnalysisError, OSError, ValueError) as exc:
        rendering.done()
        return fail(str(exc))
    rendering.done()
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    seconds = report.frames / 48000
    dose = "no dose" if report.dose_at_s is None else f"dose at {format_clock(report.dose_at_s)}"
    print(
        f"wrote {output}: {format_clock(report.from_s)} → {format_clock(report.to_s)} "
        f"({format_clock(seconds)} of audio, {dose}) "
        f"in {report.wall_s:.1f} s, {report.speed:.0f}× real time",
        file=sys.stderr,
    )
    return EXIT_OK
