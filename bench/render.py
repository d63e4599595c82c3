"""Benchmark: offline render speed against ffmpeg's amix, and memory over a long session.

Run: ``.venv/bin/python bench/render.py`` (``--repeat N``, default 3). Writes its figures,
with the command, into the "Render and memory (bench/render.py)" section of
``docs/benchmarks.md``.

1. Speed: a 60-minute three-layer session built from the bundled demo audio (music that
   crossfades through three pieces, a soundscape bed with one-shots, guided voice and bells)
   rendered by ``render_to_wav`` (24-bit WAV written to /dev/null), side by side with ffmpeg
   decoding the same kind of layers (a music piece, a bed and a voice file, each looped with
   ``-stream_loop -1``) and mixing them with ``amix`` for ``-t 3600`` into a 24-bit WAV on
   /dev/null. Runs alternate, each in its own process; medians are reported. Goals: ≥ 100×
   real time, and ≤ 2× ffmpeg's time.
2. Memory: peak RSS (VmHWM) of a process rendering a 90-minute session, read after 5 and
   after 90 minutes of audio, against a bare process that only imports pygame and opens its
   mixer (``SDL_AUDIODRIVER=dummy``, ``pygame.mixer.init(48000)``). Goals: flat (90-min ≤
   1.1 × 5-min) and within 80 MiB of the bare pygame process. The ffmpeg decoder processes
   are separate processes; their RSS is listed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402

AUDIO = ROOT / "assets" / "audio"
SECTION = "Render and memory (bench/render.py)"
SPEED_MINUTES = 60
MEMORY_EARLY_MIN = 5
MEMORY_LATE_MIN = 90
SR = 48000


def _audio(name: str) -> str:
    path = AUDIO / name
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run tools/make_demo_audio.py (make demo-audio)")
    return str(path)


def bench_playlist(session_min: float):
    """Settling (2 min) then onset, peak and return phases filling ``session_min``."""
    from session_player.playlist.model import Playlist

    phases_min = session_min - 2
    onset, peak = round(phases_min * 0.25), round(phases_min * 0.45)
    music = [_audio(f"music/{n}.ogg") for n in ("slow-tide", "evening-light", "still-water")]

    def voice(cue: str, at: str) -> dict:
        return {"at": at, "cue": cue}

    data = {
        "title": "Render benchmark",
        "route": "IV",
        "levels": {"loudness_target_lufs": -23, "ceiling_dbfs": -3, "default_volume_db": -6},
        "transitions": {
            "crossfade": "8s",
            "phase_crossfade": "12s",
            "fade_in": "5s",
            "bell": "soft-chime",
        },  # fmt: skip
        "soundscapes": {
            "wind": {
                "name": "Wind in the trees",
                "layers": [
                    {"bed": _audio("soundscapes/wind.ogg")},
                    {
                        "one_shots": [_audio(f"oneshots/bird-{i}.ogg") for i in (1, 2, 3)],
                        "min_gap": "20s",
                        "max_gap": "60s",
                        "gain_db": -8,
                    },  # fmt: skip
                ],
            },
            "drone": {"name": "Drone", "layers": [{"bed": _audio("soundscapes/drone.ogg")}]},
        },
        "bells": {
            "singing-bowl": {"file": _audio("bells/singing-bowl.ogg")},
            "soft-chime": {"file": _audio("bells/soft-chime.ogg"), "gain_db": -3},
        },
        "voices": {
            cue: {"file": _audio(f"voice/{cue}.ogg")}
            for cue in ("welcome", "breathe", "support", "let-go", "return", "closing")
        },
        "patient": {"default": "wind"},
        "settling": {
            "music": {"items": music[:2], "loop": True},
            "bells": [{"bell": "singing-bowl"}],
            "voice": [voice("welcome", "30s")],
        },
        "phases": [
            {
                "id": "onset",
                "duration": f"{onset}m",
                "music": {"items": music, "loop": True},
                "voice": [voice("breathe", "1m"), voice("support", "5m")],
            },
            {
                "id": "peak",
                "duration": f"{peak}m",
                "soundscape": "drone",
                "music": {"items": music, "order": "shuffle", "loop": True, "gain_db": -4},
                "voice": [voice("let-go", "4m")],
            },
            {
                "id": "return",
                "duration": f"{phases_min - onset - peak}m",
                "music": {"items": music, "loop": True},
                "voice": [voice("return", "1m"), voice("closing", "end-2m")],
            },
        ],  # fmt: skip
    }
    return Playlist.model_validate(data)


def _vm(field: str, pid: str = "self") -> float:
    """A /proc status field (VmHWM, VmRSS) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children_rss_mib() -> tuple[int, float]:
    me = os.getpid()
    count, total = 0, 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == me:
                count += 1
                total += _vm("VmRSS", entry)
        except (OSError, ValueError, IndexError):
            continue
    return count, total


# --- children ---------------------------------------------------------------------------


def child_render(cache_dir: str) -> None:
    from session_player.audio.analysis import AnalysisCache, analyse_playlist
    from session_player.engine.offline_render import render_to_wav

    playlist = bench_playlist(SPEED_MINUTES)
    analysis = analyse_playlist(playlist, AnalysisCache(cache_dir)).files
    started = time.perf_counter()
    report = render_to_wav(
        playlist, "/dev/null", 0.0, SPEED_MINUTES * 60.0, dose_at_s=120.0, analysis=analysis
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "render_wall_s": wall,
                "speed": report.speed,
                "cpu_self_s": usage.ru_utime + usage.ru_stime,
                "cpu_ffmpeg_s": children.ru_utime + children.ru_stime,
                "alerts": report.alerts,
                "clamp_count": report.clamp_count,
            }
        )
    )


def child_memory(cache_dir: str) -> None:
    import numpy as np

    from session_player.audio.analysis import AnalysisCache, analyse_playlist
    from session_player.audio.fixed_arc import schedule_for_fixed_arc
    from session_player.audio.mixer import Mixer
    from session_player.audio.sources import SourceOpener
    from session_player.audio.wav_writer import WavWriter
    from session_player.engine.offline_render import RENDER_PREFETCH_S

    playlist = bench_playlist(MEMORY_LATE_MIN + 2)
    analysis = analyse_playlist(playlist, AnalysisCache(cache_dir)).files
    opener = SourceOpener(SR)
    mixer = Mixer(playlist, analysis, SR, opener=opener, prefetch_s=RENDER_PREFETCH_S)
    mixer.set_schedule(schedule_for_fixed_arc(playlist, 120.0))
    result: dict[str, float] = {"start_mib": _vm("VmHWM")}
    done = 0
    with WavWriter("/dev/null") as wav:
        for minutes in (MEMORY_EARLY_MIN, MEMORY_LATE_MIN):
            while done < minutes * 60 * SR:
                block = mixer.render(8192)
                wav.write(block)
                done += len(block)
                assert np.isfinite(block).all()
            count, rss = _children_rss_mib()
            result[f"hwm_{minutes}_mib"] = _vm("VmHWM")
            result[f"rss_{minutes}_mib"] = _vm("VmRSS")
            result[f"decoders_{minutes}"] = count
            result[f"decoders_rss_{minutes}_mib"] = rss
    mixer.close()
    print(json.dumps(result))


def child_pygame() -> None:
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    import pygame

    pygame.mixer.init(48000)
    print(json.dumps({"hwm_mib": _vm("VmHWM")}))
    pygame.mixer.quit()


# --- the parent -------------------------------------------------------------------------


def _run_child(*args: str) -> tuple[dict, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench child {args} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def ffmpeg_command() -> list[str]:
    from session_player.media.ffmpeg import ffmpeg_exe

    inputs = ["music/slow-tide.ogg", "soundscapes/wind.ogg", "voice/welcome.ogg"]
    command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y"]
    for name in inputs:
        command += ["-stream_loop", "-1", "-i", _audio(name)]
    command += ["-filter_complex", "[0:a][1:a][2:a]amix=inputs=3:duration=longest[mix]"]
    command += ["-map", "[mix]", "-t", str(SPEED_MINUTES * 60), "-ar", str(SR)]
    command += ["-c:a", "pcm_s24le", "-f", "wav", "/dev/null"]
    return command


def run_ffmpeg() -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(ffmpeg_command(), check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=("render", "memory", "pygame"))
    parser.add_argument("--cache-dir", default=None)
    args = parser.parse_args()
    if args.child == "render":
        return child_render(args.cache_dir)
    if args.child == "memory":
        return child_memory(args.cache_dir)
    if args.child == "pygame":
        return child_pygame()

    import tempfile

    from session_player.audio.analysis import AnalysisCache, analyse_playlist
    from session_player.media.ffmpeg import ffmpeg_exe

    with tempfile.TemporaryDirectory() as cache_dir:
        # Loudness is measured once per file and cached; measure before timing anything.
        for minutes in (SPEED_MINUTES, MEMORY_LATE_MIN + 2):
            analyse_playlist(bench_playlist(minutes), AnalysisCache(cache_dir))
        ours, ours_process, theirs = [], [], []
        for run in range(args.repeat):
            print(f"run {run + 1}/{args.repeat}: render …", file=sys.stderr, flush=True)
            result, process_wall = _run_child("--child", "render", "--cache-dir", cache_dir)
            ours.append(result)
            ours_process.append(process_wall)
            print(f"run {run + 1}/{args.repeat}: ffmpeg amix …", file=sys.stderr, flush=True)
            theirs.append(run_ffmpeg())
        print("memory …", file=sys.stderr, flush=True)
        memory, _ = _run_child("--child", "memory", "--cache-dir", cache_dir)
        baseline, _ = _run_child("--child", "pygame")

    render_wall = statistics.median(r["render_wall_s"] for r in ours)
    process_wall = statistics.median(ours_process)
    ffmpeg_wall = statistics.median(t["wall_s"] for t in theirs)
    speed = SPEED_MINUTES * 60 / render_wall
    ratio = process_wall / ffmpeg_wall
    cpu_ours = statistics.median(r["cpu_self_s"] + r["cpu_ffmpeg_s"] for r in ours)
    cpu_ffmpeg = statistics.median(t["cpu_s"] for t in theirs)
    early, late = memory[f"hwm_{MEMORY_EARLY_MIN}_mib"], memory[f"hwm_{MEMORY_LATE_MIN}_mib"]
    over_pygame = late - baseline["hwm_mib"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    command = ".venv/bin/python bench/render.py" + (
        f" --repeat {args.repeat}" if args.repeat != 3 else ""
    )
    body = f"""
Command: `{command}` (median of {args.repeat} alternating runs; one process per run).
Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python
{platform.python_version()}, ffmpeg `{ffmpeg_exe()}`. The audio is the bundled demo audio
(Ogg Vorbis, 48 kHz stereo); loudness analysis is cached before timing.

**Render speed.** A {SPEED_MINUTES}-minute session (settling, then onset, peak and return:
three music pieces crossfading and looping, the wind bed with birds scattered over it, the
drone at the peak, six voice cues ducking the music, bells at every phase change), rendered
by `render_to_wav` to a 24-bit WAV on /dev/null, against ffmpeg looping a music piece, the
wind bed and a voice file (`-stream_loop -1`) and mixing them with `amix` for `-t 3600` into
a 24-bit WAV on /dev/null:

| | wall time | CPU time | × real time |
|---|---:|---:|---:|
| `render_to_wav` (render only) | {render_wall:.1f} s | | {speed:.0f}× |
| our render process (start-up, imports, render) | {process_wall:.1f} s | {cpu_ours:.1f} s (mixer + its ffmpeg decoders) | {SPEED_MINUTES * 60 / process_wall:.0f}× |
| ffmpeg `amix` | {ffmpeg_wall:.1f} s | {cpu_ffmpeg:.1f} s | {SPEED_MINUTES * 60 / ffmpeg_wall:.0f}× |

Speed: {speed:.0f}× real time (goal ≥ 100×: {verdict(speed >= 100)}). Our process takes
{ratio:.2f}× ffmpeg's time (goal ≤ 2×: {verdict(ratio <= 2)}). Each decoder is its own ffmpeg
process, so decoding runs on the second core in parallel with the mixing.

ffmpeg command:
`{" ".join(Path(part).name if part.startswith(str(AUDIO)) else part for part in ffmpeg_command())}`
(the inputs are the files under `assets/audio/`).

**Memory.** Peak RSS (VmHWM) of one process rendering a {MEMORY_LATE_MIN + 2}-minute session:

| | peak RSS |
|---|---:|
| bare process: `import pygame`, `pygame.mixer.init(48000)` (dummy driver) | {baseline["hwm_mib"]:.1f} MiB |
| render process after {MEMORY_EARLY_MIN} min of audio | {early:.1f} MiB |
| render process after {MEMORY_LATE_MIN} min of audio | {late:.1f} MiB |

{MEMORY_LATE_MIN}-min / {MEMORY_EARLY_MIN}-min = {late / early:.3f} (goal ≤ 1.1: {verdict(late <= 1.1 * early)});
{over_pygame:+.1f} MiB against the bare pygame process (goal within 80 MiB:
{verdict(over_pygame <= 80)}). The decoders are separate ffmpeg processes: at the
{MEMORY_LATE_MIN}-minute mark {memory[f"decoders_{MEMORY_LATE_MIN}"]} were running, with
{memory[f"decoders_rss_{MEMORY_LATE_MIN}_mib"]:.0f} MiB RSS in all (most of it shared libraries).
"""
    write_section(ROOT / "docs" / "benchmarks.md", SECTION, body)
    print(body)


if __name__ == "__main__":
    main()
