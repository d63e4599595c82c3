"""The loudness report: the gain the session applies to each use, the flags, the table."""

from __future__ import annotations

import numpy as np
import pytest

from session_player.audio.loudness import LoudnessCache
from session_player.audio.loudness_report import build_report, file_uses, format_report
from session_player.audio.loudness_scan import scan_loudness


@pytest.fixture(scope="module")
def files(au):
    tone = au.sine(1000.0, 6.0, 1.0)
    return {
        # -12 dBFS peaks of a stereo 1 kHz sine read -12 LUFS (test_loudness.py)
        "plain": au.file("rp-plain.flac", au.stereo(0.25 * tone)),  # -12 LUFS
        "near": au.file("rp-near.flac", au.stereo(0.0316 * tone)),  # -30 dBFS: -30 LUFS
        "quiet": au.file("rp-quiet.flac", au.stereo(0.001 * tone)),  # -60 LUFS
        "silent": au.file("rp-silent.flac", np.zeros((48000 * 2, 2))),
        "bell": au.file("rp-bell.flac", au.stereo(0.05 * au.sine(700.0, 3.0, 1.0))),
    }


def _playlist(au, files):
    return au.playlist(
        {
            "levels": {"loudness_target_lufs": -23, "ceiling_dbfs": -3, "max_volume_db": -1},
            "bells": {"chime": {"file": files["bell"], "gain_db": 2}},
            "voices": {"hello": {"file": files["near"], "gain_db": -1}},
            "soundscapes": {
                "hum": {"name": "Hum", "layers": [{"bed": files["quiet"], "gain_db": -2}]}
            },
            "phases": [
                {
                    "id": "onset",
                    "duration": "10m",
                    "soundscape_gain_db": 1,
                    "music": {"items": [files["plain"], files["silent"]], "gain_db": 11},
                    "voice": [{"at": "1m", "cue": "hello", "gain_db": 3}],
                    "bells": [{"at": "2m", "bell": "chime"}],
                },
                {
                    "id": "peak",
                    "duration": "10m",
                    "music": {"items": [{"file": files["plain"], "gain_db": -4}]},
                },
            ],
        }
    )


def test_uses_carry_the_gains_the_planner_adds(au, files):
    uses = file_uses(_playlist(au, files))
    assert [(u.where, u.offset_db) for u in uses[files["plain"]]] == [
        ("music in onset", 11.0),
        ("music in peak", -4.0),
    ]
    assert [(u.where, u.offset_db) for u in uses[files["near"]]] == [
        ("voice hello in onset", -1.0 + 3.0 - 2.0)  # voice, cue, the mixer's voice offset
    ]
    assert uses[files["bell"]][0].offset_db == 2.0 - 3.0  # the mixer's bell offset
    # A bed plays in any phase: the loudest phase's soundscape_gain_db counts.
    assert uses[files["quiet"]][0].offset_db == -2.0 + 1.0


def test_report_gains_flags_and_table(au, files, tmp_path):
    playlist = _playlist(au, files)
    scan = scan_loudness(file_uses(playlist), LoudnessCache(tmp_path / "cache"))
    report = build_report(playlist, scan)
    rows = {row.path: row for row in report.rows}

    plain = rows[files["plain"]]
    assert plain.facts.integrated_lufs == pytest.approx(-12.0, abs=0.15)
    # Normalised -11 dB to the target, +11 dB in onset (its loudest use).
    assert plain.gain_db == pytest.approx(0.0, abs=0.15)
    # Peaks at -12 dBTP, +0 gain, -1 dB master at most: under the ceiling, not flagged.
    assert plain.peak_after_gain_dbtp == pytest.approx(-13.0, abs=0.2)
    assert [f.code for f in plain.flags] == ["far"]  # 11 LU over the target
    assert "turns it down" in plain.flags[0].message

    quiet = rows[files["quiet"]]
    assert quiet.gain_db == pytest.approx(12.0 - 1.0)  # the boost stops at +12 dB
    assert [f.code for f in quiet.flags] == ["far"]
    assert "stays 25.0 LU under the target" in quiet.flags[0].message

    assert [f.code for f in rows[files["silent"]].flags] == ["silent"]
    assert rows[files["silent"]].gain_db == pytest.approx(11.0)  # no normalisation

    voice = rows[files["near"]]
    assert voice.gain_db == pytest.approx(7.0 + 0.0, abs=0.15)  # +7 to -23, then -1+3-2
    assert voice.flags == ()

    bell = rows[files["bell"]]
    normalised = -23.0 - bell.facts.integrated_lufs
    assert bell.gain_db == pytest.approx(normalised + 2.0 - 3.0)
    expected_peak = bell.facts.true_peak_dbtp + normalised + 2.0 - 3.0 - 1.0  # master -1 dB
    assert bell.peak_after_gain_dbtp == pytest.approx(expected_peak)
    assert bell.flags == ()

    text = format_report(report, str(au.folder))
    lines = text.splitlines()
    assert lines[0].split() == [
        "File", "LUFS", "LRA", "dBTP", "Length", "Format", "Gain", "Peak", "after", "Flags"
    ]  # fmt: skip
    assert any(line.startswith("rp-plain.flac ") and line.endswith("far") for line in lines)
    assert "rp-quiet.flac: far: -60.0 LUFS is 37.0 LU under the -23 LUFS target" in text
    assert lines[-1] == "5 files, 3 flagged"


def test_true_peak_over_the_ceiling_after_gain_is_flagged(au, files, tmp_path):
    # A quiet bed with a full-scale knock in it: raised to the target, the knock goes over.
    signal = au.sine(300.0, 8.0, 0.02)
    signal[48000 * 4 : 48000 * 4 + 480] = au.sine(997.0, 0.01, 1.0)
    hot = au.file("rp-hot.flac", au.stereo(signal))
    playlist = au.playlist(
        {
            "levels": {"loudness_target_lufs": -23, "ceiling_dbfs": -3},
            "phases": [{"id": "p", "duration": "5m", "music": {"items": [hot]}}],
        }
    )
    report = build_report(playlist, scan_loudness([hot], LoudnessCache(tmp_path / "c")))
    (row,) = report.rows
    assert "peak" in [f.code for f in row.flags]
    assert row.peak_after_gain_dbtp > -6.0
    assert "the limiter will press it down" in row.flags[0].message


def test_an_unreadable_file_is_a_flagged_row_with_its_reason(au, files, tmp_path):
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"\x00" * 5000)
    playlist = au.playlist(
        {"phases": [{"id": "p", "duration": "5m", "music": {"items": [str(broken)]}}]}
    )
    report = build_report(playlist, scan_loudness([str(broken)], LoudnessCache(tmp_path / "c")))
    (row,) = report.rows
    assert row.facts is None and [f.code for f in row.flags] == ["unreadable"]
    assert not row.flags[0].message.startswith(str(broken))
    assert "broken.mp3: unreadable:" in format_report(report, str(tmp_path))
