"""``session-player loudness PLAYLIST``: the report as a table, exit 1 when files are flagged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from session_player.cli import main as cli
from session_player.media.ffmpeg import ffmpeg_exe


def _tone(path: Path, peak_dbfs: float, seconds: float = 6.0) -> None:
    """A stereo 1 kHz sine peaking at ``peak_dbfs``: it reads as many LUFS (BS.1770)."""
    amplitude = 10 ** (peak_dbfs / 20)
    command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    wave = f"{amplitude}*sin(2*PI*1000*t)"
    command += ["-i", f"aevalsrc={wave}|{wave}:s=48000:d={seconds}", str(path)]
    subprocess.run(command, check=True)


def _playlist(folder: Path, items: list[str]) -> Path:
    lines = ["title: Loudness test", "route: IV", "phases:", "  - id: onset", "    duration: 5m"]
    lines += ["    music:", "      items:"] + [f"        - {item}" for item in items]
    path = folder / "session.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return tmp_path / "cache-home"


def test_a_playlist_at_the_target_prints_the_table_and_exits_0(tmp_path, capsys, own_cache):
    (tmp_path / "music").mkdir()
    _tone(tmp_path / "music" / "calm.flac", -20.0)
    playlist = _playlist(tmp_path, ["music/calm.flac"])
    assert cli.main(["loudness", str(playlist)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["File", "LUFS", "LRA", "dBTP"]
    row = out[1].split()
    assert row[0] == "music/calm.flac"
    assert float(row[1]) == pytest.approx(-20.0, abs=0.15)  # LUFS
    assert row[4] == "0:06.0" and row[5:9] == ["flac", "48", "kHz", "stereo"]
    assert float(row[9]) == pytest.approx(-3.0, abs=0.15)  # the gain to -23 LUFS
    assert out[-1] == "1 file, 0 flagged"
    # Measured into the pre-flight's cache: the loudness entry and the analysis beside it.
    entries = sorted(p.name.split(".", 1)[1] for p in own_cache.rglob("*.json"))
    assert entries == ["json", "loudness.json"]


def test_flagged_files_exit_1_with_a_line_each(tmp_path, capsys):
    _tone(tmp_path / "loud.wav", -4.0)  # -4 LUFS: 19 LU over the target
    playlist = _playlist(tmp_path, ["loud.wav", "missing.ogg"])
    assert cli.main(["loudness", str(playlist)]) == 1
    out = capsys.readouterr().out
    assert "loud.wav: far: " in out and "LU over the -23 LUFS target" in out
    assert "missing.ogg: unreadable: file not found" in out
    assert out.rstrip().endswith("2 files, 2 flagged")


def test_a_playlist_that_cannot_be_read_exits_2_without_a_traceback(tmp_path, capsys):
    assert cli.main(["loudness", str(tmp_path / "nowhere.yaml")]) == 2
    err = capsys.readouterr().err
    assert "nowhere.yaml" in err and "Traceback" not in err


def test_a_playlist_with_errors_is_reported_at_its_line_and_exits_1(tmp_path, capsys):
    _tone(tmp_path / "a.flac", -20.0)
    path = _playlist(tmp_path, ["a.flac"])
    path.write_text(path.read_text() + "levels:\n  ceiling_dbfs: 5\n", encoding="utf-8")
    assert cli.main(["loudness", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err and "error:" in err


def test_jobs_must_be_a_positive_number(tmp_path, capsys):
    path = _playlist(tmp_path, ["a.flac"])
    assert cli.main(["loudness", "--jobs", "0", str(path)]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_ctrl_c_stops_the_scan_and_prints_what_was_measured(tmp_path):
    _tone(tmp_path / "short.flac", -20.0, seconds=2.0)
    long_file = tmp_path / "long.flac"
    command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    command += ["-i", "anoisesrc=d=300:c=pink:r=48000:a=0.1", "-ac", "2", str(long_file)]
    subprocess.run(command, check=True)
    playlist = _playlist(tmp_path, ["short.flac", "long.flac"])
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache-home")}
    child = subprocess.Popen(
        [sys.executable, "-m", "session_player", "loudness", "--jobs", "1", str(playlist)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        # Wait for the long file (the largest, measured first) to be decoding, then Ctrl+C.
        while child.poll() is None:
            found = subprocess.run(["pgrep", "-f", f"ebur128.*{long_file}|{long_file}.*ebur128"])
            if found.returncode == 0:
                break
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    text = out.decode()
    assert child.returncode == 1, err.decode()
    assert "Traceback" not in err.decode()
    assert text.rstrip().endswith("2 files, 0 flagged, 2 not measured (cancelled)")
    assert "long.flac" in text and "not measured" in text
    leftover = subprocess.run(["pgrep", "-f", str(long_file)], capture_output=True)
    assert leftover.stdout == b""
